CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE DOMAIN email AS varchar(320) CHECK (VALUE LIKE '%@%');
CREATE TABLE authors (
    id serial CONSTRAINT pk_authors PRIMARY KEY,
    name varchar(100) NOT NULL,
    contact email NOT NULL
);
CREATE TABLE articles (
    id serial CONSTRAINT pk_articles PRIMARY KEY,
    author_id integer NOT NULL CONSTRAINT fk_articles_author_id_authors REFERENCES authors (id),
    title varchar(200) NOT NULL,
    body text NOT NULL,
    updated_at timestamptz,
    search tsvector GENERATED ALWAYS AS (to_tsvector('simple', title || ' ' || body)) STORED
);
CREATE INDEX ix_articles_author_id ON articles (author_id);
CREATE INDEX articles_search ON articles USING gin (search);
CREATE INDEX articles_title_trgm ON articles USING gin (title gin_trgm_ops);
CREATE FUNCTION touch_article() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN NEW.updated_at := now(); RETURN NEW; END $$;
CREATE TRIGGER articles_touch BEFORE UPDATE ON articles
    FOR EACH ROW EXECUTE FUNCTION touch_article();
CREATE VIEW article_authors AS
    SELECT a.id, a.title, w.name AS author FROM articles a JOIN authors w ON w.id = a.author_id;
CREATE VIEW busy_authors AS SELECT author, count(*) AS articles FROM article_authors GROUP BY author;
CREATE MATERIALIZED VIEW author_counts AS
    SELECT author_id, count(*) AS articles FROM articles GROUP BY author_id;
CREATE UNIQUE INDEX author_counts_author ON author_counts (author_id);
