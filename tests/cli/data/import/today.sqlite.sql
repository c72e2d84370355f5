-- The same schema as today.postgresql.sql, as SQLite spells it. Constraints are written at
-- table level: SQLAlchemy (and so `alembic check`) reads a column's inline `REFERENCES ... ON
-- DELETE` and `CONSTRAINT ... UNIQUE` without their actions and names; the importer reads them
-- through PRAGMAs either way (test_import_sqlite_inline_constraints).
CREATE TABLE users (
    id INTEGER NOT NULL,
    email VARCHAR(320) NOT NULL,
    name TEXT NOT NULL,
    password_hash VARCHAR(200) NOT NULL,
    manager_id INTEGER,
    active BOOLEAN NOT NULL DEFAULT 1,
    settings JSON,
    created_at DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT pk_users PRIMARY KEY (id AUTOINCREMENT),
    CONSTRAINT uq_users_email UNIQUE (email),
    CONSTRAINT fk_users_manager_id_users FOREIGN KEY (manager_id) REFERENCES users (id) ON DELETE SET NULL
);
CREATE INDEX ix_users_manager_id ON users (manager_id);
CREATE TABLE profiles (
    id INTEGER NOT NULL,
    user_id INTEGER NOT NULL,
    bio TEXT,
    CONSTRAINT pk_profiles PRIMARY KEY (id AUTOINCREMENT),
    CONSTRAINT uq_profiles_user_id UNIQUE (user_id),
    CONSTRAINT fk_profiles_user_id_users FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
);
CREATE TABLE tags (
    id INTEGER NOT NULL,
    label VARCHAR(50) NOT NULL,
    CONSTRAINT pk_tags PRIMARY KEY (id AUTOINCREMENT),
    CONSTRAINT uq_tags_label UNIQUE (label)
);
CREATE TABLE posts (
    id INTEGER NOT NULL,
    author_id INTEGER NOT NULL,
    title VARCHAR(200) NOT NULL,
    body TEXT NOT NULL DEFAULT '',
    price NUMERIC(10, 2),
    published_on DATE,
    views INTEGER NOT NULL DEFAULT 0,
    CONSTRAINT pk_posts PRIMARY KEY (id AUTOINCREMENT),
    CONSTRAINT fk_posts_author_id_users FOREIGN KEY (author_id) REFERENCES users (id)
);
CREATE INDEX ix_posts_author_id ON posts (author_id);
CREATE INDEX ix_posts_published_on ON posts (published_on);
CREATE TABLE post_tags (
    post_id INTEGER NOT NULL,
    tag_id INTEGER NOT NULL,
    CONSTRAINT pk_post_tags PRIMARY KEY (post_id, tag_id),
    CONSTRAINT fk_post_tags_post_id_posts FOREIGN KEY (post_id) REFERENCES posts (id) ON DELETE CASCADE,
    CONSTRAINT fk_post_tags_tag_id_tags FOREIGN KEY (tag_id) REFERENCES tags (id) ON DELETE CASCADE
);
CREATE INDEX ix_post_tags_tag_id ON post_tags (tag_id);
CREATE TABLE memberships (
    user_id INTEGER NOT NULL,
    tag_id INTEGER NOT NULL,
    role VARCHAR(20) NOT NULL DEFAULT 'member',
    CONSTRAINT pk_memberships PRIMARY KEY (user_id, tag_id),
    CONSTRAINT fk_memberships_user_id_users FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE,
    CONSTRAINT fk_memberships_tag_id_tags FOREIGN KEY (tag_id) REFERENCES tags (id) ON DELETE CASCADE
);
CREATE INDEX ix_memberships_tag_id ON memberships (tag_id);
CREATE TABLE countries (
    code VARCHAR(2) NOT NULL,
    name TEXT NOT NULL,
    CONSTRAINT pk_countries PRIMARY KEY (code)
);
CREATE TABLE cities (
    country_code VARCHAR(2) NOT NULL,
    name VARCHAR(100) NOT NULL,
    CONSTRAINT pk_cities PRIMARY KEY (country_code, name),
    CONSTRAINT fk_cities_country_code_countries FOREIGN KEY (country_code) REFERENCES countries (code)
);
CREATE TABLE sessions (
    id VARCHAR(36) NOT NULL,
    user_id INTEGER NOT NULL,
    token TEXT NOT NULL,
    expires_at DATETIME NOT NULL,
    CONSTRAINT pk_sessions PRIMARY KEY (id),
    CONSTRAINT fk_sessions_user_id_users FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
);
CREATE INDEX ix_sessions_user_id ON sessions (user_id);
