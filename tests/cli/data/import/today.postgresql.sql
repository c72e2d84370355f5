-- A schema using only what today's spec expresses, named as persistgen names things.
CREATE TABLE users (
    id bigserial CONSTRAINT pk_users PRIMARY KEY,
    email varchar(320) NOT NULL CONSTRAINT uq_users_email UNIQUE,
    name text NOT NULL,
    password_hash varchar(200) NOT NULL,
    manager_id bigint CONSTRAINT fk_users_manager_id_users REFERENCES users (id) ON DELETE SET NULL,
    active boolean NOT NULL DEFAULT true,
    settings jsonb,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX ix_users_manager_id ON users (manager_id);
COMMENT ON COLUMN users.name IS 'Full name, as shown';
CREATE TABLE profiles (
    id serial CONSTRAINT pk_profiles PRIMARY KEY,
    user_id bigint NOT NULL CONSTRAINT uq_profiles_user_id UNIQUE
        CONSTRAINT fk_profiles_user_id_users REFERENCES users (id) ON DELETE CASCADE,
    bio text
);
CREATE TABLE tags (
    id serial CONSTRAINT pk_tags PRIMARY KEY,
    label varchar(50) NOT NULL CONSTRAINT uq_tags_label UNIQUE
);
CREATE TABLE posts (
    id bigserial CONSTRAINT pk_posts PRIMARY KEY,
    author_id bigint NOT NULL CONSTRAINT fk_posts_author_id_users REFERENCES users (id),
    title varchar(200) NOT NULL,
    body text NOT NULL DEFAULT '',
    price numeric(10, 2),
    published_on date,
    views integer NOT NULL DEFAULT 0
);
CREATE INDEX ix_posts_author_id ON posts (author_id);
CREATE INDEX ix_posts_published_on ON posts (published_on);
CREATE TABLE post_tags (
    post_id bigint NOT NULL CONSTRAINT fk_post_tags_post_id_posts REFERENCES posts (id) ON DELETE CASCADE,
    tag_id integer NOT NULL CONSTRAINT fk_post_tags_tag_id_tags REFERENCES tags (id) ON DELETE CASCADE,
    CONSTRAINT pk_post_tags PRIMARY KEY (post_id, tag_id)
);
CREATE INDEX ix_post_tags_tag_id ON post_tags (tag_id);
CREATE TABLE memberships (
    user_id bigint NOT NULL CONSTRAINT fk_memberships_user_id_users REFERENCES users (id) ON DELETE CASCADE,
    tag_id integer NOT NULL CONSTRAINT fk_memberships_tag_id_tags REFERENCES tags (id) ON DELETE CASCADE,
    role varchar(20) NOT NULL DEFAULT 'member',
    CONSTRAINT pk_memberships PRIMARY KEY (user_id, tag_id)
);
CREATE INDEX ix_memberships_tag_id ON memberships (tag_id);
CREATE TABLE countries (
    code varchar(2) CONSTRAINT pk_countries PRIMARY KEY,
    name text NOT NULL
);
CREATE TABLE cities (
    country_code varchar(2) NOT NULL CONSTRAINT fk_cities_country_code_countries REFERENCES countries (code),
    name varchar(100) NOT NULL,
    CONSTRAINT pk_cities PRIMARY KEY (country_code, name)
);
CREATE TABLE sessions (
    id uuid CONSTRAINT pk_sessions PRIMARY KEY,
    user_id bigint NOT NULL CONSTRAINT fk_sessions_user_id_users REFERENCES users (id) ON DELETE CASCADE,
    token text NOT NULL,
    expires_at timestamp NOT NULL
);
CREATE INDEX ix_sessions_user_id ON sessions (user_id);
