"""The tests' own database, beside the app's: the tests never touch the app's data.

The app's database is what its settings name (`DATABASE_URL`, else `.env`, else the default).
The tests make a throwaway one beside it, as Django and Rails do: on PostgreSQL a database of a
unique name on the same server, on SQLite a temporary file; it is dropped when the run ends.
`TEST_DATABASE_URL` names one to use instead (kept; its tables made afresh). Tables are created
once per run and emptied before each test; the run's one event loop keeps the app's engine, and
its pooled connections, from one test to the next. A run that would reach the app's own
database is refused before it connects. On SQLite the tests' connections skip fsync: the tests'
data need not outlive a crash, and the syncs of each commit were a third of a run's time.
"""

from __future__ import annotations

import os
import secrets
import tempfile
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

import pytest
from sqlalchemy import (
    Delete,
    MetaData,
    Table,
    Text,
    TextClause,
    Update,
    bindparam,
    delete,
    event,
    text,
    update,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.engine import URL, Dialect, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine
from sqlalchemy.pool import NullPool
from sqlalchemy.schema import CreateSchema

from persistgen.runtime.settings import get_settings

TEST_URL_VARIABLE = "TEST_DATABASE_URL"
_LOCAL_HOSTS = frozenset({"", "localhost", "127.0.0.1", "::1"})
_MAX_NAME = 63  # PostgreSQL's longest identifier
# The sequences that serial and identity columns of these tables own, back at their start.
_RESTART_POSTGRES_SEQUENCES = text(
    "SELECT setval(sequence.oid::regclass, 1, false) FROM pg_class AS sequence "
    "JOIN pg_depend AS owner ON owner.objid = sequence.oid "
    "AND owner.classid = 'pg_class'::regclass AND owner.deptype IN ('a', 'i') "
    "WHERE sequence.relkind = 'S' AND owner.refobjid = ANY(CAST(:tables AS regclass[]))"
)
# The app database's own settings (`ALTER DATABASE ... SET timezone ...`), given to the tests'
# database, so that it behaves as the app's does.
_COPY_SETTINGS = text("""DO $$
DECLARE setting text;
BEGIN
    FOR setting IN
        SELECT unnest(s.setconfig) FROM pg_db_role_setting AS s
        JOIN pg_database AS d ON d.oid = s.setdatabase
        WHERE d.datname = :app AND s.setrole = 0
    LOOP
        EXECUTE format(
            'ALTER DATABASE %I SET %s = %L', :name,
            split_part(setting, '=', 1), substr(setting, strpos(setting, '=') + 1)
        );
    END LOOP;
END $$""")
# Where SQLite keeps the counters of AUTOINCREMENT tables, back at their start.
_RESTART_SQLITE_SEQUENCES = text("DELETE FROM sqlite_sequence")


Statement = Delete | Update | TextClause


class Refused(Exception):
    """The tests would reach the app's own database, or cannot make one of their own."""


@dataclass(frozen=True)
class TestDatabase:
    __test__: ClassVar[bool] = False  # not a test class

    url: URL  # where the tests run
    app_url: URL  # the app's own database, which they never touch
    throwaway: bool  # made by this run, dropped at its end
    refusal: str = ""  # why the run may not start; "" when it may

    @classmethod
    def beside(cls, app_url: str, explicit: str | None = None) -> TestDatabase:
        """The tests' database for an app on `app_url`: `explicit` (TEST_DATABASE_URL) when
        given, else a new one on the same server. No connection is made."""
        app = make_url(app_url)
        try:
            if explicit:
                return cls(_explicit(_parsed(explicit), app), app, throwaway=False)
            return cls(_throwaway(app), app, throwaway=True)
        except Refused as refused:
            return cls(app, app, throwaway=False, refusal=str(refused))

    def check(self) -> None:
        """Stop the run, with a one-line reason, when it may not start."""
        if self.refusal:
            raise pytest.UsageError(self.refusal)

    def point_the_app_here(self) -> None:
        """Make the app's settings (and the engine built from them) name this database."""
        if not self.refusal:
            os.environ["DATABASE_URL"] = self.url.render_as_string(hide_password=False)
            get_settings.cache_clear()

    @asynccontextmanager
    async def made(self, engine: AsyncEngine, metadata: MetaData) -> AsyncIterator[None]:
        """The database and its tables, for the run inside; dropped after it (if this run made
        it), once `engine` has closed its connections. A database that cannot be made stops
        the run with the reason."""
        try:
            await self.create_database(engine)
            await self.create_tables(engine, metadata)
        except Refused as refused:
            with suppress(Refused):  # whatever was made of it; the server may be out of reach
                await self.drop()
            pytest.exit(str(refused), returncode=pytest.ExitCode.USAGE_ERROR)
        try:
            yield
        finally:
            await engine.dispose()
            await self.drop()

    async def create_database(self, engine: AsyncEngine) -> None:
        """Make the database, when it is this run's to make (SQLite makes its file itself)."""
        self._check_engine(engine)
        if self.throwaway and self.url.get_backend_name() == "postgresql":
            create = f"CREATE DATABASE {_identifier(self.url.database or '')}"
            names = {"app": self.app_url.database or "", "name": self.url.database or ""}
            copy = _sql(_COPY_SETTINGS.bindparams(**names), engine.dialect)
            await _on_server(self.app_url, create, create, copy)

    async def create_tables(self, engine: AsyncEngine, metadata: MetaData) -> None:
        """Make the tables (and PostgreSQL schemas); those of a database named by
        TEST_DATABASE_URL are made afresh, since it may hold an older version of them."""
        self._check_engine(engine)
        _without_syncs(engine)
        try:
            await self._create_tables(engine, metadata)
        except (OSError, DBAPIError) as exc:
            raise Refused(f"cannot make the tables on {_shown(self.url)}: {exc}") from exc

    async def _create_tables(self, engine: AsyncEngine, metadata: MetaData) -> None:
        async with engine.begin() as connection:
            if connection.dialect.name == "postgresql":
                for schema in sorted({t.schema for t in metadata.tables.values() if t.schema}):
                    await connection.execute(CreateSchema(schema, if_not_exists=True))
            if not self.throwaway:
                await connection.run_sync(metadata.drop_all)
            await connection.run_sync(metadata.create_all)

    async def clear(self, engine: AsyncEngine, metadata: MetaData) -> None:
        """Empty every table, and restart their identities, before a test."""
        self._check_engine(engine)
        async with engine.begin() as connection:
            await _empty(connection, metadata)

    async def drop(self) -> None:
        """Drop the database if this run made it; one named by TEST_DATABASE_URL stays."""
        if self.refusal or not self.throwaway:
            return
        if self.url.get_backend_name() == "postgresql":
            drop = f"DROP DATABASE IF EXISTS {_identifier(self.url.database or '')} WITH (FORCE)"
            await _on_server(self.app_url, drop, drop)
        elif self.url.database:
            for suffix in ("", "-journal", "-wal", "-shm"):
                Path(self.url.database + suffix).unlink(missing_ok=True)

    def _check_engine(self, engine: AsyncEngine) -> None:
        """Refuse unless `engine` is on this database, and this database is not the app's."""
        if self.refusal:
            raise Refused(self.refusal)
        if not same_database(engine.url, self.url) or same_database(engine.url, self.app_url):
            raise Refused(
                f"the app's engine is on {_shown(engine.url)}, not the test database "
                f"{_shown(self.url)}: it was built before tests/conftest.py pointed the "
                "settings at the test database (something imported db/engine.py first)"
            )


def _without_syncs(engine: AsyncEngine) -> None:
    """SQLite connections that do not wait for the disk at each commit. Locking, rollbacks and
    what each connection sees are unchanged; only a power cut could lose the tests' rows."""
    if engine.url.get_backend_name() == "sqlite" and not event.contains(
        engine.sync_engine, "connect", _synchronous_off
    ):
        event.listen(engine.sync_engine, "connect", _synchronous_off)


def _synchronous_off(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA synchronous = OFF")
    cursor.close()


def same_database(one: URL, other: URL) -> bool:
    """Whether two URLs reach the same database, whatever their drivers and passwords; in
    doubt (localhost and 127.0.0.1), they do."""
    if one.get_backend_name() != other.get_backend_name():
        return False
    if one.get_backend_name() == "sqlite":
        if _in_memory(one) or _in_memory(other):
            return False
        return _sqlite_file(one) == _sqlite_file(other)
    hosts = {_host(one), _host(other)}
    return (
        (len(hosts) == 1 or hosts <= _LOCAL_HOSTS)
        and (one.port or 5432) == (other.port or 5432)
        and one.database == other.database
    )


def _explicit(url: URL, app: URL) -> URL:
    if same_database(url, app):
        raise Refused(
            f"{TEST_URL_VARIABLE} names the app's own database ({_shown(app)}); "
            "the tests empty every table of theirs: name another database, or unset it"
        )
    if url.get_backend_name() == "sqlite" and _in_memory(url):
        raise Refused(
            f"{TEST_URL_VARIABLE} names an in-memory SQLite database, which each test's "
            "connections would lose: name a file, or unset it"
        )
    return url


def _throwaway(app: URL) -> URL:
    suffix = f"_test_{secrets.token_hex(4)}"
    backend = app.get_backend_name()
    if backend == "sqlite":
        stem = Path(app.database).stem if not _in_memory(app) and app.database else "app"
        return app.set(database=str(Path(tempfile.gettempdir()) / f"{stem}{suffix}.db"))
    if backend == "postgresql":
        if not app.database:
            raise Refused("DATABASE_URL names no database: the tests make theirs beside it")
        url = app.set(database=app.database[: _MAX_NAME - len(suffix)] + suffix)
        assert not same_database(url, app)
        return url
    raise Refused(
        f"the tests make their own database on SQLite and PostgreSQL, not on {backend}: "
        f"set {TEST_URL_VARIABLE} to a database they may empty"
    )


async def _on_server(app: URL, what: str, *statements: str) -> None:
    """Run `statements` (`what`, in messages) outside a transaction on the app's server,
    through its maintenance database `postgres` (or, failing that, the app's own, which they
    do not touch)."""
    failures: list[str] = []
    for database in ("postgres", app.database):
        engine = create_async_engine(
            app.set(database=database), isolation_level="AUTOCOMMIT", poolclass=NullPool
        )
        try:
            try:
                connection = await engine.connect()
            except (OSError, DBAPIError) as exc:  # try the next database
                failures.append(str(getattr(exc, "orig", exc)))
                continue
            try:
                for statement in statements:
                    await connection.exec_driver_sql(statement)
            except DBAPIError as exc:
                raise Refused(
                    f"{what} failed on {_shown(app)} ({exc.orig}); grant the user "
                    f"CREATEDB, or set {TEST_URL_VARIABLE} to a database the tests may empty"
                ) from exc
            finally:
                await connection.close()
            return
        finally:
            await engine.dispose()
    raise Refused(
        f"{what} failed: cannot reach {_shown(app)} ({failures[-1]}); "
        f"start the server, or set {TEST_URL_VARIABLE} to a database the tests may empty"
    )


async def _empty(connection: AsyncConnection, metadata: MetaData) -> None:
    """DELETE, children first (their foreign keys hold the parents), then restart the counters
    of generated keys. Faster than TRUNCATE on the few rows a test leaves."""
    dialect = connection.dialect
    statements = _emptying(metadata.sorted_tables, dialect)
    if not statements:
        return
    # As one script where the driver runs one: asyncpg in one round trip (one simple query, in
    # one implicit transaction), where SQLAlchemy would prepare each statement apart; aiosqlite
    # in one hand-over to its connection's thread, where each statement costs several.
    driver = (await connection.get_raw_connection()).driver_connection
    assert driver is not None  # a checked-out connection has its driver's
    # The engine's schema_translate_map (SQLite keeps a spec's schema in its main file) is
    # written in as well: compiled apart, the statements would name schemas SQLite lacks.
    translate = connection.sync_engine.get_execution_options().get("schema_translate_map")
    script = ";\n".join(_sql(each, dialect, translate) for each in statements)
    if dialect.driver == "asyncpg":
        await driver.execute(script)
    elif dialect.driver == "aiosqlite":
        await driver.executescript(f"BEGIN;\n{script};\nCOMMIT")
    else:
        for statement in statements:
            await connection.execute(statement)


def _emptying(tables: list[Table], dialect: Dialect) -> list[Statement]:
    """The statements that empty `tables` (in dependency order) and restart their counters. A
    row referring to another of its table lets go first: a RESTRICT reference would refuse
    the DELETE."""
    statements: list[Statement] = []
    for each in reversed(tables):
        own = _own_references(each)
        if own:
            statements.append(update(each).values(dict.fromkeys(own)))
        statements.append(delete(each))
    if dialect.name == "postgresql" and tables:
        names = [dialect.identifier_preparer.format_table(each) for each in tables]
        statements.append(
            _RESTART_POSTGRES_SEQUENCES.bindparams(bindparam("tables", names, ARRAY(Text)))
        )
    if dialect.name == "sqlite" and any(
        t.dialect_options["sqlite"]["autoincrement"] for t in tables
    ):
        statements.append(_RESTART_SQLITE_SEQUENCES)
    return statements


def _sql(
    statement: Statement, dialect: Dialect, translate: Mapping[str | None, str | None] | None = None
) -> str:
    """`statement` as SQL for `dialect`, its values and its schemas' names (`translate`, a
    `schema_translate_map`) written in: for a script, which takes no parameters."""
    compiled = statement.compile(
        dialect=dialect,
        schema_translate_map=translate,
        render_schema_translate=translate is not None,
        compile_kwargs={"literal_binds": True},
    )
    return str(compiled)


def _own_references(table: Table) -> list[str]:
    """The columns of `table` that refer to rows of `table` itself."""
    return list(
        dict.fromkeys(fk.parent.name for fk in table.foreign_keys if fk.column.table is table)
    )


def _parsed(explicit: str) -> URL:
    try:
        return make_url(explicit)
    except ArgumentError as exc:
        raise Refused(f"{TEST_URL_VARIABLE} is not a database URL: {exc}") from None


def _identifier(value: str) -> str:
    return '"' + value.replace('"', '""') + '"'


def _in_memory(url: URL) -> bool:
    return url.database in (None, "", ":memory:") or bool(url.query.get("mode") == "memory")


def _sqlite_file(url: URL) -> str:
    return os.path.realpath(url.database or "")


def _host(url: URL) -> str:
    return (url.host or "").lower()


def _shown(url: URL) -> str:
    return url.render_as_string(hide_password=True)
