"""`persistgen import` as a user types it: a database in, a project out that matches it.

The end-to-end cases use only what today's spec expresses, named as persistgen names things;
`test_import_keeps_the_databases_own_names` needs the explicit-names options (issue 17) and is
expected to fail until they are merged."""

from __future__ import annotations

import asyncio
import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import asyncpg
import pytest
from ruamel.yaml import YAML
from sqlalchemy.engine import make_url

from tests.cli.conftest import Invoke
from tests.postgres import fresh_database

DATA = Path(__file__).parent / "data" / "import"


def run(project: Path, *args: str, url: str) -> subprocess.CompletedProcess[str]:
    environ = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "PYTHONPATH")}
    environ.update(DATABASE_URL=url, PYTHONPATH=str(project), PYTHONDONTWRITEBYTECODE="1")
    return subprocess.run(
        [sys.executable, *args],
        cwd=project,
        env=environ,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def ok(done: subprocess.CompletedProcess[str]) -> str:
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout + done.stderr


def spec_of(project: Path) -> dict[str, object]:
    loaded: dict[str, object] = YAML(typ="safe").load(project / "persistgen.yaml")
    return loaded


def check_against_source(project: Path, package: str, url: str) -> None:
    """The project lints, and its models match the database they were read from: the baseline
    stamped as applied, `upgrade head` adds persistgen's own tables, `alembic check` is clean."""
    ok(run(project, "-m", "ruff", "check", ".", url=url))
    versions = sorted((project / "migrations" / "versions").glob("0*.py"))
    assert [v.name.split("_", 2)[2] for v in versions] == [
        "baseline_the_database_as_imported.py",
        "persistgen_s_own_tables_which_the_imported.py",
    ]
    baseline = versions[0].name.split("_")[1]
    ok(run(project, "-m", "alembic", "stamp", baseline, url=url))
    upgraded = ok(run(project, "-m", "alembic", "upgrade", "head", url=url))
    assert "persistgen's own tables" in upgraded
    checked = ok(run(project, "-m", "alembic", "check", url=url))
    assert "No new upgrade operations detected" in checked
    del package


def expected_resources(spec: dict[str, object]) -> None:
    resources = spec["resources"]
    assert isinstance(resources, dict)
    assert sorted(resources) == [
        "City",
        "Country",
        "Membership",
        "Post",
        "Profile",
        "Session",
        "Tag",
        "User",
    ]
    user, post = resources["User"]["fields"], resources["Post"]["fields"]
    assert user["password_hash"]["write_only"] is True
    assert resources["Session"]["fields"]["token"]["write_only"] is True
    assert user["manager"] == {
        "type": "ref",
        "target": "User",
        "nullable": True,
        "on_delete": "set null",
    }
    assert resources["Profile"]["fields"]["user"]["unique"] is True
    assert post["tags"] == {"type": "many", "target": "Tag"}
    assert resources["Membership"]["fields"]["tag"]["primary_key"] is True
    assert resources["City"]["fields"]["country"] == {
        "type": "ref",
        "target": "Country",
        "column": "country_code",
        "primary_key": True,
    }


def test_import_sqlite_end_to_end(cli: Invoke, tmp_path: Path) -> None:
    database = tmp_path / "shop.db"
    with sqlite3.connect(database) as connection:
        connection.executescript((DATA / "today.sqlite.sql").read_text())
    result = cli("import", f"sqlite:///{database}", "--dir", "out")
    assert result.exit_code == 0, result.output
    assert "Everything the database holds is in the spec." in result.output
    project = tmp_path / "out" / "shop"
    spec = spec_of(project)
    assert spec["project"] == {
        "name": "shop",
        "package": "shop",
        "database_url": f"sqlite+aiosqlite:///{database}",
    }
    expected_resources(spec)
    check_against_source(project, "shop", f"sqlite+aiosqlite:///{database}")


@pytest.mark.postgres
def test_import_postgresql_end_to_end(cli: Invoke, tmp_path: Path) -> None:
    with fresh_database("pg17_importer_e2e") as url:
        _load(url, (DATA / "today.postgresql.sql").read_text())
        plain = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
        result = cli("import", plain, "--dir", "out")
        assert result.exit_code == 0, result.output
        project = tmp_path / "out" / "pg17_importer_e2e"
        spec = spec_of(project)
        expected_resources(spec)
        resources = spec["resources"]
        assert isinstance(resources, dict)
        assert resources["User"]["fields"]["name"]["description"] == "Full name, as shown"
        assert resources["User"]["fields"]["settings"] == {"type": "json", "nullable": True}
        assert resources["Session"]["fields"]["id"] == {"type": "uuid", "primary_key": True}
        check_against_source(project, "pg17_importer_e2e", url)


def _load(url: str, sql: str) -> None:
    async def load() -> None:
        dsn = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
        connection = await asyncpg.connect(dsn)
        try:
            await connection.execute(sql)
        finally:
            await connection.close()

    asyncio.run(load())


NOT_EXPRESSED = """
CREATE TABLE documents (
    id serial CONSTRAINT pk_documents PRIMARY KEY,
    title text NOT NULL,
    slug text NOT NULL DEFAULT lower('X'),
    search tsvector GENERATED ALWAYS AS (to_tsvector('simple', title)) STORED
);
CREATE VIEW titles AS SELECT title FROM documents;
CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;
CREATE TRIGGER documents_touch BEFORE UPDATE ON documents FOR EACH ROW EXECUTE FUNCTION touch();
CREATE DOMAIN email AS text CHECK (VALUE LIKE '%@%');
"""


@pytest.mark.postgres
def test_what_the_spec_cannot_say_is_reported_and_commented(cli: Invoke, tmp_path: Path) -> None:
    with fresh_database("pg17_importer_notes") as url:
        _load(url, NOT_EXPRESSED)
        result = cli("import", url, "--dir", "out", "--spec-only")
        assert result.exit_code == 0, result.output
        text = (tmp_path / "out" / "pg17_importer_notes.yaml").read_text()
    for what in (
        "server default `lower('X'::text)` not expressed",
        "column `search` is carried verbatim in database_objects (`documents.search`)",
        "view `titles` carried in database_objects, but not a resource",
    ):
        assert what in " ".join(result.output.split()), what
        assert what in " ".join(text.replace("#", " ").split()), what
    assert "3 thing(s) not expressed" in result.output
    carried = [o["name"] for o in YAML(typ="safe").load(text)["database_objects"]]
    assert carried == ["email", "touch", "documents.search", "titles", "documents_touch"]
    assert "persistgen new project pg17_importer_notes --spec" in result.output


def test_import_sqlite_inline_constraints(cli: Invoke, tmp_path: Path) -> None:
    """A column's own `REFERENCES ... ON DELETE` and `UNIQUE`, which SQLAlchemy reads only
    from table-level constraints."""
    database = tmp_path / "inline.db"
    with sqlite3.connect(database) as connection:
        connection.executescript(
            "CREATE TABLE users (id INTEGER PRIMARY KEY, email VARCHAR(80) NOT NULL UNIQUE);"
            "CREATE TABLE posts (id INTEGER PRIMARY KEY,"
            " author_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE);"
        )
    result = cli("import", f"sqlite:///{database}", "--spec-only")
    assert result.exit_code == 0, result.output
    resources = YAML(typ="safe").load(tmp_path / "inline.yaml")["resources"]
    assert resources["User"]["fields"]["email"]["unique"] is True
    assert resources["Post"]["fields"]["author"]["on_delete"] == "cascade"


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("not a url", "`not a url` is not a database URL"),
        ("mysql://localhost/shop", "`mysql` databases cannot be imported"),
        ("sqlite:///missing.db", "no SQLite database at"),
        ("postgresql://postgres@127.0.0.1:1/nothing", "cannot read the database at"),
    ],
)
def test_bad_urls_are_one_clear_error(cli: Invoke, tmp_path: Path, url: str, message: str) -> None:
    result = cli("import", url, "--dir", "out")
    assert result.exit_code == 2
    assert message in " ".join(result.output.split())
    assert "Traceback" not in result.output
    assert not (tmp_path / "out").exists()


def test_nothing_is_written_when_the_spec_is_refused(cli: Invoke, tmp_path: Path) -> None:
    database = tmp_path / "huge.db"
    with sqlite3.connect(database) as connection:
        connection.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, body VARCHAR(99999999))")
    result = cli("import", f"sqlite:///{database}", "--dir", "out")
    assert result.exit_code == 2
    output = " ".join(result.output.split())
    assert "max_length" in output
    assert "run again with --spec-only" in output
    assert not (tmp_path / "out").exists() or list((tmp_path / "out").iterdir()) == []


def test_tables_and_exclude_choose_tables(cli: Invoke, tmp_path: Path) -> None:
    database = tmp_path / "shop.db"
    with sqlite3.connect(database) as connection:
        connection.executescript((DATA / "today.sqlite.sql").read_text())
    url = f"sqlite:///{database}"
    result = cli("import", url, "--spec-only", "--tables", "c*", "--tables", "tags")
    assert result.exit_code == 0, result.output
    spec = YAML(typ="safe").load(tmp_path / "shop.yaml")
    assert sorted(spec["resources"]) == ["City", "Country", "Tag"]
    result = cli("import", url, "--spec-only", "--exclude", "*s", "--dir", "two")
    assert result.exit_code == 2
    assert "no table matches --tables and --exclude" in result.output
    assert not (tmp_path / "two").exists()


NAMED = """
CREATE TABLE users (
    id bigserial PRIMARY KEY,
    email varchar(320) NOT NULL UNIQUE
);
CREATE TABLE posts (
    id bigserial PRIMARY KEY,
    author_id bigint NOT NULL REFERENCES users (id) ON UPDATE CASCADE,
    title varchar(200) NOT NULL
);
CREATE INDEX posts_author_idx ON posts (author_id);
CREATE UNIQUE INDEX posts_title_lower ON posts (lower(title));
"""


@pytest.mark.postgres
def test_import_keeps_the_databases_own_names(cli: Invoke, tmp_path: Path) -> None:
    """PostgreSQL's own names (`users_pkey`, `users_email_key`, `posts_author_id_fkey`), an
    index named by hand, an expression index and ON UPDATE: `alembic check` stays clean."""
    with fresh_database("pg17_importer_named") as url:
        _load(url, NAMED)
        result = cli("import", url, "--dir", "out")
        assert result.exit_code == 0, result.output
        project = tmp_path / "out" / "pg17_importer_named"
        check_against_source(project, "pg17_importer_named", url)


def test_without_sqlalchemy_import_says_what_to_install(
    cli: Invoke, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "sqlalchemy.ext.asyncio", None)
    result = cli("import", "sqlite:///anything.db")
    assert result.exit_code == 2
    assert "pip install 'persistgen[import]'" in result.output


def test_an_empty_database_is_an_error(cli: Invoke, tmp_path: Path) -> None:
    database = tmp_path / "empty.db"
    sqlite3.connect(database).close()
    result = cli("import", f"sqlite:///{database}")
    assert result.exit_code == 2
    assert "the database has no tables" in result.output


@pytest.mark.postgres
def test_the_password_stays_out_of_the_spec(cli: Invoke, tmp_path: Path) -> None:
    with fresh_database("pg17_importer_password") as url:
        _load(url, "CREATE TABLE notes (id serial CONSTRAINT pk_notes PRIMARY KEY, body text)")
        with_password = make_url(url).set(password="sekret").render_as_string(hide_password=False)
        result = cli("import", with_password, "--spec-only")
        assert result.exit_code == 0, result.output  # trust authentication ignores it
        text = (tmp_path / "pg17_importer_password.yaml").read_text()
    assert "sekret" not in text
    assert "password is not written here" in text
    assert "database_url: postgresql+asyncpg://postgres@" in text


SCHEMAS = """
CREATE TABLE users (id serial CONSTRAINT pk_users PRIMARY KEY);
CREATE SCHEMA sales;
CREATE TABLE sales.users (id serial CONSTRAINT pk_users PRIMARY KEY);
CREATE TABLE sales.orders (
    id serial CONSTRAINT pk_orders PRIMARY KEY,
    buyer_id integer NOT NULL CONSTRAINT fk_orders_buyer_id_users REFERENCES sales.users (id),
    clerk_id integer NOT NULL CONSTRAINT orders_clerk_fkey REFERENCES public.users (id)
);
CREATE INDEX ix_orders_buyer_id ON sales.orders (buyer_id);
"""


@pytest.mark.postgres
def test_a_schema_is_imported_apart_from_the_others(cli: Invoke, tmp_path: Path) -> None:
    with fresh_database("pg17_importer_schema") as url:
        _load(url, SCHEMAS)
        result = cli("import", url, "--schema", "sales", "--spec-only")
        assert result.exit_code == 0, result.output
        spec = YAML(typ="safe").load(tmp_path / "pg17_importer_schema.yaml")
        missing = cli("import", url, "--schema", "nope", "--spec-only")
    assert spec["project"]["schema"] == "sales"
    orders = spec["resources"]["Order"]["fields"]
    assert orders["buyer"] == {"type": "ref", "target": "User"}  # sales.users, not public's
    assert orders["clerk_id"] == {"type": "int"}
    assert "-> public.users(id) kept as plain columns" in " ".join(result.output.split())
    assert missing.exit_code == 2
    assert "the database has no schema `nope`" in missing.output


# Each case proves that one feature of real schemas round-trips: import, generate, stamp,
# `alembic check` clean. Constraints carry persistgen's own names, so only the case's
# feature is tested.
FEATURES = {
    "types": """
        CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy');
        CREATE TABLE things (
            id serial CONSTRAINT pk_things PRIMARY KEY,
            small smallint NOT NULL,
            ratio real NOT NULL,
            code char(3) NOT NULL,
            address inet NOT NULL,
            wait interval NOT NULL,
            labels text[] NOT NULL,
            doc jsonb NOT NULL,
            raw json NOT NULL,
            feeling mood NOT NULL
        );
    """,
    "keys": """
        CREATE TABLE codes (id integer CONSTRAINT pk_codes PRIMARY KEY, label text NOT NULL);
        CREATE TABLE events (
            id bigint GENERATED BY DEFAULT AS IDENTITY CONSTRAINT pk_events PRIMARY KEY
        );
        CREATE SEQUENCE ticket_numbers;
        CREATE TABLE tickets (
            id integer DEFAULT nextval('ticket_numbers') CONSTRAINT pk_tickets PRIMARY KEY
        );
        ALTER SEQUENCE ticket_numbers OWNED BY tickets.id;
    """,
    "actions and generated columns": """
        CREATE TABLE users (id serial CONSTRAINT pk_users PRIMARY KEY);
        CREATE TABLE posts (
            id serial CONSTRAINT pk_posts PRIMARY KEY,
            author_id integer NOT NULL
                CONSTRAINT fk_posts_author_id_users REFERENCES users (id) ON UPDATE CASCADE,
            price integer NOT NULL,
            doubled integer GENERATED ALWAYS AS (price * 2) STORED,
            editor_id integer CONSTRAINT fk_posts_editor_id_users REFERENCES users (id)
                DEFERRABLE INITIALLY DEFERRED,
            checker_id integer CONSTRAINT fk_posts_checker_id_users REFERENCES users (id)
                DEFERRABLE
        );
        CREATE INDEX ix_posts_author_id ON posts (author_id);
        CREATE INDEX ix_posts_editor_id ON posts (editor_id);
        CREATE INDEX ix_posts_checker_id ON posts (checker_id);
    """,
    "identifiers": """
        CREATE TABLE "User" (
            id serial CONSTRAINT "pk_User" PRIMARY KEY,
            "createdAt" timestamptz NOT NULL
        );
    """,
    "self-referencing many-to-many": """
        CREATE TABLE users (id serial CONSTRAINT pk_users PRIMARY KEY);
        CREATE TABLE follows (
            follower_id integer NOT NULL
                CONSTRAINT fk_follows_follower_id_users REFERENCES users (id) ON DELETE CASCADE,
            followed_id integer NOT NULL
                CONSTRAINT fk_follows_followed_id_users REFERENCES users (id) ON DELETE CASCADE,
            CONSTRAINT pk_follows PRIMARY KEY (follower_id, followed_id)
        );
        CREATE INDEX ix_follows_followed_id ON follows (followed_id);
    """,
}
# What the spec of a feature must say, beyond a clean round trip.
IMPORTED = {
    "actions and generated columns": (
        "on_update: cascade",
        "generated: price * 2",
        "deferrable: deferred",
        "deferrable: immediate",
    ),
}


@pytest.mark.postgres
@pytest.mark.parametrize(
    "feature",
    list(FEATURES),
)
def test_each_feature_round_trips(cli: Invoke, tmp_path: Path, feature: str) -> None:
    database = "pg17_importer_" + "".join(c if c.isalnum() else "_" for c in feature)[:30]
    with fresh_database(database) as url:
        _load(url, FEATURES[feature])
        result = cli("import", url, "--dir", "out")
        assert result.exit_code == 0, result.output
        assert "Everything the database holds is in the spec." in result.output
        spec = (tmp_path / "out" / database / "persistgen.yaml").read_text(encoding="utf-8")
        for fragment in IMPORTED.get(feature, ()):
            assert fragment in spec
        check_against_source(tmp_path / "out" / database, database, url)


POSTGRES_CHECKS = """
CREATE TABLE roles (
    id serial CONSTRAINT pk_roles PRIMARY KEY,
    code varchar(100) NOT NULL,
    units integer NOT NULL,
    tags varchar[] NOT NULL,
    CONSTRAINT code_is_valid CHECK (code::text ~ '^[a-z0-9_]{1,100}$'::text),
    CONSTRAINT has_tags CHECK (cardinality(tags) > 0),
    CONSTRAINT units_not_negative CHECK (units >= 0)
);
"""


@pytest.mark.postgres
def test_checks_sqlite_cannot_run_are_made_on_postgresql_alone(cli: Invoke, tmp_path: Path) -> None:
    """Lago's kind of CHECK (a regular expression, `cardinality`) imports with `dialects:
    [postgresql]`: the project matches its source, and builds on SQLite without them."""
    with fresh_database("pg17_importer_postgres_checks") as url:
        _load(url, POSTGRES_CHECKS)
        result = cli("import", url, "--dir", "out")
        assert result.exit_code == 0, result.output
        project = tmp_path / "out" / "pg17_importer_postgres_checks"
        checks = spec_of(project)["resources"]["Role"]["checks"]  # type: ignore[index]
        assert {name: check.get("dialects") for name, check in checks.items()} == {
            "code_is_valid": ["postgresql"],
            "has_tags": ["postgresql"],
            "units_not_negative": None,
        }
        check_against_source(project, "", url)
    sqlite_url = f"sqlite+aiosqlite:///{tmp_path / 'roles.db'}"
    ok(run(project, "-m", "alembic", "upgrade", "head", url=sqlite_url))
    assert "No new upgrade operations" in ok(run(project, "-m", "alembic", "check", url=sqlite_url))
    with sqlite3.connect(tmp_path / "roles.db") as connection:
        [made] = connection.execute("SELECT sql FROM sqlite_master WHERE name = 'roles'")
    assert "units_not_negative" in made[0]
    assert "code_is_valid" not in made[0] and "has_tags" not in made[0]


CARRIED = """
CREATE TABLE things (id bigserial CONSTRAINT pk_things PRIMARY KEY, status int NOT NULL);
CREATE INDEX things_live ON things (id) WHERE status = ANY (ARRAY[1, 2]);
CREATE TABLE versions (thing_id bigint NOT NULL, version int NOT NULL,
    CONSTRAINT pk_versions PRIMARY KEY (thing_id, version));
CREATE TABLE version_tags (id serial CONSTRAINT pk_version_tags PRIMARY KEY,
    thing_id bigint NOT NULL, version int NOT NULL, k text NOT NULL,
    CONSTRAINT version_tags_id_fkey FOREIGN KEY (thing_id, version)
        REFERENCES versions (thing_id, version) ON DELETE CASCADE);
"""


@pytest.mark.postgres
def test_what_no_field_says_is_carried_as_sql(cli: Invoke, tmp_path: Path) -> None:
    """OpenStreetMap's foreign keys over two columns, and Danbooru's partial indexes in
    PostgreSQL's own SQL (which SQLite could not make from the spec), come into
    `database_objects`: the stamped database checks clean, and an empty one upgraded to head
    has them."""
    with fresh_database("pg17_corpus_carried") as url:
        _load(url, CARRIED)
        plain = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
        result = cli("import", plain, "--dir", "out")
        assert result.exit_code == 0, result.output
        assert "Everything the database holds is in the spec." in result.output
        project = tmp_path / "out" / "pg17_corpus_carried"
        objects = spec_of(project)["database_objects"]
        assert isinstance(objects, list)
        assert [(o["kind"], o["name"]) for o in objects] == [
            ("index", "things_live"),
            ("sql", "version_tags_id_fkey"),
        ]
        assert objects[-1]["create"] == (
            "ALTER TABLE public.version_tags ADD CONSTRAINT version_tags_id_fkey FOREIGN KEY "
            "(thing_id, version) REFERENCES public.versions (thing_id, version) ON DELETE CASCADE"
        )
        check_against_source(project, "pg17_corpus_carried", url)
    with fresh_database("pg17_corpus_carried_empty") as empty:
        ok(run(project, "-m", "alembic", "upgrade", "head", url=empty))
        ok(run(project, "-m", "alembic", "check", url=empty))


# What the schema holds, as sets: columns in any order (a column carried verbatim is added
# after its table's others), each object by name and definition.
SCHEMA_FACTS = {
    "relations": """SELECT relname, relkind::text FROM pg_class
        WHERE relnamespace = 'public'::regnamespace AND relkind IN ('r', 'p', 'v', 'm', 'S')""",
    "columns": """SELECT c.relname, a.attname, format_type(a.atttypid, a.atttypmod),
            a.attnotnull, pg_get_expr(d.adbin, d.adrelid), a.attgenerated::text
        FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
        LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
        WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'p', 'v', 'm')
            AND a.attnum > 0 AND NOT a.attisdropped""",
    "constraints": """SELECT conrelid::regclass::text, contypid::regtype::text, conname,
            pg_get_constraintdef(oid)
        FROM pg_constraint WHERE connamespace = 'public'::regnamespace""",
    "indexes": "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'public'",
    "views": "SELECT viewname, definition FROM pg_views WHERE schemaname = 'public'",
    "materialized views": """SELECT matviewname, definition FROM pg_matviews
        WHERE schemaname = 'public'""",
    "functions": """SELECT p.proname, pg_get_functiondef(p.oid) FROM pg_proc p
        WHERE p.pronamespace = 'public'::regnamespace AND NOT EXISTS (
            SELECT 1 FROM pg_depend e WHERE e.objid = p.oid AND e.deptype = 'e')""",
    "triggers": """SELECT tgname, pg_get_triggerdef(oid) FROM pg_trigger
        WHERE NOT tgisinternal""",
    "domains": """SELECT typname, format_type(typbasetype, typtypmod), typnotnull FROM pg_type
        WHERE typnamespace = 'public'::regnamespace AND typtype = 'd'""",
    "extensions": "SELECT extname FROM pg_extension",
}


ROWS = """
INSERT INTO authors (name, contact) VALUES ('Ada', 'ada@example.com');
INSERT INTO articles (author_id, title, body) VALUES (1, 'Adopt', 'notes');
"""


def _fetch(url: str, sql: str) -> list[tuple[object, ...]]:
    async def fetch() -> list[tuple[object, ...]]:
        dsn = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
        connection = await asyncpg.connect(dsn)
        try:
            return [tuple(row) for row in await connection.fetch(sql)]
        finally:
            await connection.close()

    return asyncio.run(fetch())


def schema_facts(url: str) -> dict[str, set[tuple[object, ...]]]:
    async def read() -> dict[str, set[tuple[object, ...]]]:
        dsn = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
        connection = await asyncpg.connect(dsn)
        try:
            return {
                what: {tuple(row) for row in await connection.fetch(sql)}
                for what, sql in SCHEMA_FACTS.items()
            }
        finally:
            await connection.close()

    return asyncio.run(read())


@pytest.mark.postgres
def test_objects_are_carried_and_the_baseline_rebuilds_the_source(
    cli: Invoke, tmp_path: Path
) -> None:
    """A view over two tables (and one over it), a function and its trigger, a domain, pg_trgm
    with a GIN trigram index, a tsvector column with its GIN index, a materialized view with its
    index: all carried into the baseline. Stamped on the source, `upgrade head` adds only
    persistgen's tables and `alembic check` is clean; on an empty database `upgrade head`
    builds the very same schema."""
    with (
        fresh_database("pg17_adopt_source") as url,
        fresh_database("pg17_adopt_rebuilt") as empty,
    ):
        _load(url, (DATA / "objects.postgresql.sql").read_text())
        result = cli("import", url, "--dir", "out")
        assert result.exit_code == 0, result.output
        project = tmp_path / "out" / "pg17_adopt_source"
        spec = spec_of(project)
        objects = {o["name"]: o for o in spec["database_objects"]}  # type: ignore[attr-defined]
        assert list(objects) == [
            "pg_trgm",
            "email",
            "touch_article",
            "articles.search",
            "authors.contact",
            "article_authors",
            "author_counts",
            "busy_authors",
            "articles_touch",
            "articles_search",
            "articles_title_trgm",
            "author_counts_author",
        ]
        assert objects["author_counts"]["kind"] == "materialized_view"
        # What reads a view is dropped with the tables under it: its `after` lists them.
        assert objects["busy_authors"]["after"] == ["articles", "authors"]
        assert objects["author_counts_author"]["after"] == ["articles"]
        assert objects["authors.contact"]["create"] == (
            "ALTER TABLE public.authors ALTER COLUMN contact TYPE public.email"
        )
        assert objects["articles.search"]["drop"] == (
            "ALTER TABLE public.articles DROP COLUMN IF EXISTS search"
        )
        resources = spec["resources"]
        assert isinstance(resources, dict)
        assert resources["ArticleAuthor"]["view"] is True
        assert resources["ArticleAuthor"]["fields"]["id"]["primary_key"] is True
        assert "search" not in resources["Article"]["fields"]
        output = " ".join(result.output.split())
        assert "view `busy_authors` carried in database_objects, but not a resource" in output
        baseline = sorted((project / "migrations" / "versions").glob("0001_*.py"))[0]
        assert f"alembic stamp {baseline.name.split('_')[1]}" in output
        assert "alembic upgrade head" in output
        readme = (project / "README.md").read_text()
        assert f"alembic stamp {baseline.name.split('_')[1]}" in readme
        check_against_source(project, "pg17_adopt_source", url)
        # Edit the spec, generate, upgrade the source with its rows: the objects over the
        # changed table are dropped and made again around the change.
        _load(url, ROWS)
        spec_path = project / "persistgen.yaml"
        text = spec_path.read_text()
        assert "title: {type: str, max_length: 200}" in text
        spec_path.write_text(text.replace("max_length: 200}", "max_length: 250}", 1))
        generated = cli("generate", "--project", str(project))
        assert generated.exit_code == 0, generated.output
        assert "recreate view article_authors around its tables' change" in generated.output
        ok(run(project, "-m", "alembic", "upgrade", "head", url=url))
        checked = ok(run(project, "-m", "alembic", "check", url=url))
        assert "No new upgrade operations detected" in checked
        assert _fetch(url, "SELECT author, articles FROM busy_authors") == [("Ada", 1)]
        assert _fetch(url, "SELECT search::text FROM articles") == [("'adopt':1 'notes':2",)]
        ok(run(project, "-m", "alembic", "upgrade", "head", url=empty))
        checked = ok(run(project, "-m", "alembic", "check", url=empty))
        assert "No new upgrade operations detected" in checked
        source, rebuilt = schema_facts(url), schema_facts(empty)
    assert ("articles_title_trgm",) in {row[:1] for row in source["indexes"]}
    assert ("email",) in {row[:1] for row in source["domains"]}
    for what in SCHEMA_FACTS:
        assert rebuilt[what] == source[what], what


RAILS_COLUMNS = """
CREATE TYPE payment_method_types AS ENUM ('card', 'sepa');
CREATE TABLE invoices (
    id bigserial CONSTRAINT pk_invoices PRIMARY KEY,
    number character varying NOT NULL,
    labels character varying[],
    method payment_method_types NOT NULL
);
COMMENT ON TABLE invoices IS 'What customers owe';
CREATE TABLE customers (
    id bigserial CONSTRAINT pk_customers PRIMARY KEY,
    name character varying,
    method payment_method_types
);
INSERT INTO invoices (number, labels, method) VALUES ('F-1', '{a,b}', 'card');
INSERT INTO customers (name, method) VALUES ('Ada', 'sepa');
"""


@pytest.mark.postgres
def test_rails_columns_round_trip(cli: Invoke, tmp_path: Path) -> None:
    """VARCHAR without a length (and arrays of it), one enum type on two tables and a table
    comment: in the spec as such, and `alembic check` is clean against the source."""
    with fresh_database("pg17_realcols_import") as url:
        _load(url, RAILS_COLUMNS)
        result = cli("import", url, "--dir", "out")
        assert result.exit_code == 0, result.output
        assert "Everything the database holds is in the spec." in result.output
        project = tmp_path / "out" / "pg17_realcols_import"
        resources = spec_of(project)["resources"]
        assert isinstance(resources, dict)
        invoice, customer = resources["Invoice"], resources["Customer"]
        assert invoice["description"] == "What customers owe"
        assert invoice["comment"] is True
        assert invoice["fields"]["number"] == {"type": "str", "unbounded": True}
        assert invoice["fields"]["labels"] == {"type": "list", "items": "str", "nullable": True}
        for fields in (invoice["fields"], customer["fields"]):
            assert fields["method"]["enum_name"] == "payment_method_types"
        check_against_source(project, "pg17_realcols_import", url)


RAILS_GAPS = """
CREATE TABLE schema_migrations (version character varying PRIMARY KEY);
CREATE TABLE ar_internal_metadata (key character varying PRIMARY KEY, value character varying);
CREATE TABLE users (
    id bigserial PRIMARY KEY,
    name character varying NOT NULL DEFAULT ''::character varying
);
CREATE TABLE languages (code character varying PRIMARY KEY);
CREATE TABLE entries (
    id serial PRIMARY KEY,
    user_id integer NOT NULL REFERENCES users (id),
    editor_id bigint REFERENCES users (id),
    language_code character varying NOT NULL DEFAULT 'en' REFERENCES languages (code),
    score integer NOT NULL DEFAULT 0
);
CREATE INDEX index_entries_on_editor_id ON entries (editor_id);
CREATE TABLE entry_tags (
    entry_id integer NOT NULL REFERENCES entries (id),
    k character varying DEFAULT ''::character varying NOT NULL,
    v character varying NOT NULL,
    PRIMARY KEY (entry_id, k)
);
CREATE TABLE points (entry_id integer REFERENCES entries (id), lat double precision);
CREATE TABLE ignored_things (id serial PRIMARY KEY);
INSERT INTO users (name) VALUES ('Ada');
INSERT INTO languages VALUES ('en');
INSERT INTO entries (user_id) VALUES (1);
"""


@pytest.mark.postgres
def test_rails_gaps_round_trip(cli: Invoke, tmp_path: Path) -> None:
    """A reference without an index (`index: false`), an integer column holding a bigint key
    (`column_type`), a default on a reference, a table without a key and bookkeeping tables
    (carried) or excluded ones (`unmanaged_tables`): `alembic check` is clean against the
    source, and an empty database upgraded to head has the reference's default and the carried
    tables."""
    with (
        fresh_database("pg17_gaps_rails") as url,
        fresh_database("pg17_gaps_rebuilt") as empty,
    ):
        _load(url, RAILS_GAPS)
        result = cli("import", url, "--dir", "out", "--exclude", "ignored_*")
        assert result.exit_code == 0, result.output
        output = " ".join(result.output.split())
        assert (
            "table `points` has no primary key, and no NOT NULL columns that could be one: not "
            "a resource; carried in database_objects (its columns and types)"
        ) in output
        project = tmp_path / "out" / "pg17_gaps_rails"
        spec = spec_of(project)
        # the keyless table and Rails' bookkeeping are carried, so a rebuilt database has them;
        # the one --exclude leaves out is left alone
        assert spec["project"]["unmanaged_tables"] == ["ignored_things"]  # type: ignore[index]
        carried = {o["name"] for o in spec["database_objects"]}  # type: ignore[attr-defined]
        assert {"points", "schema_migrations", "ar_internal_metadata"} <= carried
        resources = spec["resources"]
        assert isinstance(resources, dict)
        assert "Point" not in resources
        entry = resources["Entry"]["fields"]
        assert "id" not in resources["Language"]["fields"]
        assert entry["user"]["column_type"] == "int"
        assert entry["user"]["index"] is False
        assert entry["editor"]["index_name"] == "index_entries_on_editor_id"
        assert "index" not in entry["editor"]
        assert "column_type" not in entry["editor"]
        assert entry["language"]["server_default"] == "en"
        assert entry["language"]["index"] is False
        assert resources["User"]["fields"]["name"]["server_default"] == ""
        assert resources["EntryTag"]["fields"]["k"]["server_default"] == ""
        assert "default `" not in output  # every default is in the spec
        check_against_source(project, "pg17_gaps_rails", url)
        ok(run(project, "-m", "alembic", "upgrade", "head", url=empty))
        defaults = _fetch(
            empty,
            """SELECT column_name, column_default, data_type FROM information_schema.columns
            WHERE table_name = 'entries' ORDER BY column_name""",
        )
        assert ("language_code", "'en'::character varying", "character varying") in defaults
        assert ("user_id", None, "integer") in defaults
        tables = {
            t
            for (t,) in _fetch(empty, "SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
        }
        # the carried tables are rebuilt with the rest; the excluded one is not
        assert {"points", "schema_migrations"} <= tables
        assert "ignored_things" not in tables


# Lago keeps arrays in json columns: a column whose rows or default are not all objects imports
# as `shape: any`; JSON's null, which a nullable field reads as None, decides nothing.
JSON_SHAPES = """
CREATE TABLE plans (
    id serial CONSTRAINT pk_plans PRIMARY KEY,
    tax_ids jsonb NOT NULL,
    settings jsonb NOT NULL,
    charges json,
    extra jsonb DEFAULT '[]'::jsonb,
    note jsonb
);
INSERT INTO plans (tax_ids, settings, charges, extra, note) VALUES
    ('[]', '{}', '"flat"', '{}', 'null'),
    ('["a", 1]', '{"k": [1]}', NULL, '{"k": null}', NULL);
CREATE VIEW plan_taxes AS SELECT id, '[]'::json AS tax_ids, settings FROM plans;
"""
LIST_PLANS = """
import asyncio, json
import httpx
from {package}.main import app

async def main() -> None:
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            answer = await client.get("/plans", params={{"sort": "id"}})
    print(json.dumps([answer.status_code, answer.json()]))

asyncio.run(main())
"""


def _listed_plans(project: Path, package: str, url: str) -> list[dict[str, object]]:
    """The rows of `plans` as the imported project's API lists them."""
    output = ok(run(project, "-c", LIST_PLANS.format(package=package), url=url))
    status, page = json.loads(next(line for line in output.splitlines() if line.startswith("[")))
    assert status == 200, page
    return [{k: v for k, v in item.items() if k != "id"} for item in page["items"]]


@pytest.mark.postgres
def test_json_columns_holding_other_values_than_objects_import_as_any(
    cli: Invoke, tmp_path: Path
) -> None:
    with fresh_database("pgj_importer_shapes") as url:
        _load(url, JSON_SHAPES)
        result = cli("import", url, "--dir", "out")
        assert result.exit_code == 0, result.output
        project = tmp_path / "out" / "pgj_importer_shapes"
        resources = spec_of(project)["resources"]
        fields = resources["Plan"]["fields"]  # type: ignore[index]
        view = resources["PlanTax"]["fields"]  # type: ignore[index]
        check_against_source(project, "pgj_importer_shapes", url)
        listed = _listed_plans(project, "pgj_importer_shapes", url)
    assert fields["tax_ids"] == {"type": "json", "shape": "any"}
    assert fields["settings"] == {"type": "json"}
    assert fields["charges"] == {"type": "json", "binary": False, "nullable": True, "shape": "any"}
    assert fields["extra"] == {"type": "json", "nullable": True, "shape": "any"}  # its default
    assert fields["note"] == {"type": "json", "nullable": True}
    # Lago's `exports_customers` view: `'[]'::json AS lago_taxes_ids`
    assert view["tax_ids"]["shape"] == "any" and "shape" not in view["settings"]
    assert listed == [
        {"tax_ids": [], "settings": {}, "charges": "flat", "extra": {}, "note": None},
        {
            "tax_ids": ["a", 1],
            "settings": {"k": [1]},
            "charges": None,
            "extra": {"k": None},
            "note": None,
        },
    ]


def test_sqlite_json_columns_holding_arrays_import_as_any(cli: Invoke, tmp_path: Path) -> None:
    database = tmp_path / "plans.db"
    with sqlite3.connect(database) as connection:
        connection.executescript(
            """
            CREATE TABLE plans (id INTEGER NOT NULL PRIMARY KEY, tax_ids JSON NOT NULL,
                settings JSON NOT NULL);
            INSERT INTO plans VALUES (1, '[1, "a"]', '{}'), (2, '7', '{"k": 1}');
            """
        )
    result = cli("import", f"sqlite:///{database}", "--dir", "out")
    assert result.exit_code == 0, result.output
    project = tmp_path / "out" / "plans"
    fields = spec_of(project)["resources"]["Plan"]["fields"]  # type: ignore[index]
    assert fields["tax_ids"] == {"type": "json", "shape": "any"}
    assert fields["settings"] == {"type": "json"}
    url = f"sqlite+aiosqlite:///{database}"
    assert _listed_plans(project, "plans", url) == [
        {"tax_ids": [1, "a"], "settings": {}},
        {"tax_ids": 7, "settings": {"k": 1}},
    ]
