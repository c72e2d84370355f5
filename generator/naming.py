"""One naming policy for every name a spec puts into generated code, files and SQL."""

from __future__ import annotations

import functools
import keyword
import re
import sys
import types
import unicodedata
from typing import TYPE_CHECKING

from pydantic import BaseModel

from persistgen.runtime.db.identifiers import MAX_IDENTIFIER as MAX_IDENTIFIER
from persistgen.runtime.db.identifiers import shortened as shortened

if TYPE_CHECKING:
    import inflect

_SNAKE = re.compile(r"^[a-z][a-z0-9_]*$")
_PASCAL = re.compile(r"^[A-Z][A-Za-z0-9]*$")
_WORD_BREAK = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")

# Attributes a field would shadow on the classes every generated model or DTO derives from.
_PYDANTIC = {n for n in dir(BaseModel) if not n.startswith("_")}
_SQLALCHEMY = {"metadata", "registry", "awaitable_attrs", "type_annotation_map"}
# Builtin types the generated models and DTOs annotate with: a field of the same name would
# shadow the type in the class body (`id: int` after a field `int`).
_BUILTIN_TYPES = {"bool", "bytes", "dict", "float", "frozenset", "int", "list", "str"}
# Suffixes of the classes generated per resource (`PostCreate`, `PostRepository`, ...).
CLASS_SUFFIXES = ("Create", "Update", "Read", "Query", "Repository", "Sort")
# Modules the generated packages hold next to one module per resource.
RESERVED_MODULES = {"base", "custom", "cursors", "errors", "generated", "health", "idempotency"}
# The table every project holds for the answers of writes sent with an `Idempotency-Key`.
IDEMPOTENCY_TABLE = "idempotency_keys"
# Names Windows reserves for devices, with any extension: `con.py` cannot exist there.
DEVICE_NAMES = {"con", "prn", "aux", "nul", *(f"{d}{n}" for d in ("com", "lpt") for n in range(10))}
# Class names the generated modules import next to a resource's own classes.
GENERATED_CLASS_NAMES = {
    "Annotated",
    "Any",
    "AsyncSession",
    "AwareDateTime",
    "Base",
    "BigInteger",
    "Boolean",
    "CheckConstraint",
    "Column",
    "CrudRouter",
    "Date",
    "DateTime",
    "Decimal",
    "Double",
    "Dtos",
    "Enum",
    "Field",
    "ForeignKey",
    "IdempotencyKey",
    "Identity",
    "Index",
    "Integer",
    "JSON",
    "JSONB",
    "LargeBinary",
    "Literal",
    "Mapped",
    "NaiveDatetime",
    "Names",
    "Numeric",
    "OffsetDatetime",
    "Page",
    "Path",
    "Query",
    "ReadModel",
    "Repository",
    "SessionDep",
    "String",
    "Table",
    "Text",
    "Time",
    "UUID",
    "UniqueConstraint",
    "Uuid",
    "WriteModel",
}
# Lower-case names the generated modules import or define at module level.
GENERATED_MODULE_NAMES = {
    "dt",
    "func",
    "mapped_column",
    "relationship",
    "select",
    "insert",
    "annotations",
    "enum_values",
    "non_nullable",
    "true",
    "false",
    "uuid4",
}


def snake(name: str) -> str:
    """`BlogPost` -> `blog_post`."""
    return _WORD_BREAK.sub("_", name).lower()


def plural(word: str) -> str:
    """The English plural of a snake_case name, its last word inflected: `person` -> `people`,
    `blog_post` -> `blog_posts` (default table names, routes and collections; `table` and
    `back_populates` set others)."""
    head, underscore, last = word.rpartition("_")
    return head + underscore + _inflect(last)


@functools.cache
def _inflect(word: str) -> str:
    return _engine().plural_noun(word) or word


@functools.cache
def _engine() -> inflect.engine:
    """inflect, loaded without typeguard's run-time checks of its arguments (every word here
    is a str): typeguard rewrites each checked method as inflect loads, which takes a second
    or more on every run (jaraco/inflect#212); without them it loads in a tenth of that.
    typeguard itself is not even imported (30 ms with the `unittest.mock` it imports): inflect
    meets a stand-in that holds only the decorator, as a no-op, while it loads."""
    stand_in = types.ModuleType("typeguard")
    stand_in.typechecked = lambda target: target  # type: ignore[attr-defined]
    real = sys.modules.get("typeguard")
    sys.modules["typeguard"] = stand_in
    try:
        import inflect
    finally:
        if real is None:
            del sys.modules["typeguard"]
        else:
            sys.modules["typeguard"] = real
    return inflect.engine()


def legacy_plural(word: str) -> str:
    """The plural persistgen 0.1 named default tables and routes with (`persons`, `childs`):
    a project whose migration history records a table by it keeps that table and route."""
    if re.search(r"[^aeiou]y$", word):
        return word[:-1] + "ies"
    if re.search(r"(s|x|z|ch|sh)$", word):
        return word + "es"
    return word + "s"


def package_name(project_name: str) -> str:
    """The default Python package of a project: `blog-service` -> `blog_service`."""
    return snake(project_name.replace("-", "_"))


def kebab(name: str) -> str:
    return snake(name).replace("_", "-")


def attribute_problem(name: str) -> tuple[str, str] | None:
    """Why `name` cannot be a field (column attribute), and a suggestion; None if it can."""
    if not name.isascii() or not _SNAKE.match(name):
        return (
            "field names are lower snake_case ASCII identifiers starting with a letter",
            f"`{_snake_suggestion(name)}`",
        )
    suggestion = f"`{name}_`"
    if keyword.iskeyword(name):
        return "it is a Python keyword", suggestion
    if name == "self":  # the models' constructor takes fields as keywords beside `self`
        return "it is the name of the instance in every method", suggestion
    if name in _SQLALCHEMY:
        return "it would shadow an attribute of SQLAlchemy's declarative base", suggestion
    if name.startswith("model_"):
        rest = name
        while rest.startswith("model_"):
            rest = rest.removeprefix("model_")
        fix = rest if rest and attribute_problem(rest) is None else f"{rest}_field".lstrip("_")
        return "Pydantic reserves names starting with `model_`", f"`{fix}`"
    if name in _PYDANTIC:
        return "it would shadow a Pydantic BaseModel attribute", suggestion
    if name in _BUILTIN_TYPES:
        return "it would shadow a builtin type the generated classes use", suggestion
    if name in GENERATED_MODULE_NAMES:
        return "the generated modules already use this name", suggestion
    return None


def _ascii(name: str) -> str:
    """`Café` -> `Cafe`: drop accents, then anything still not ASCII."""
    return unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()


def _snake_suggestion(name: str) -> str:
    """A valid field name close to `name`: `my-field` -> `my_field`, `1st` -> `field_1st`."""
    cleaned = re.sub(r"[^0-9A-Za-z_]", "_", _ascii(name))
    cleaned = re.sub(r"_+", "_", snake(cleaned)).strip("_")
    if not cleaned:
        return "field"
    if not cleaned[0].isalpha():
        cleaned = f"field_{cleaned}"
    return cleaned if attribute_problem(cleaned) is None else f"{cleaned}_"


def resource_problem(name: str) -> tuple[str, str] | None:
    """Why `name` cannot be a resource (class) name, and a suggestion; None if it can."""
    if not name.isascii() or not _PASCAL.match(name):
        parts = re.split(r"[^0-9A-Za-z]+", _ascii(name))
        cleaned = "".join(part[:1].upper() + part[1:] for part in parts if part)
        if cleaned[:1].isdigit():
            cleaned = f"Resource{cleaned}"
        return "resource names are PascalCase ASCII identifiers", f"`{cleaned or 'Resource'}`"
    if keyword.iskeyword(name) or name in GENERATED_CLASS_NAMES:
        return "the generated modules already use this name", f"`{name}Item`"
    if snake(name) in RESERVED_MODULES:
        return f"its modules would replace the generated `{snake(name)}.py`", f"`{name}Item`"
    if snake(name) in DEVICE_NAMES:
        return f"`{snake(name)}.py` is a device name on Windows, not a file", f"`{name}Item`"
    return None


def class_names(resource: str) -> list[str]:
    """The classes generated for a resource: its model, DTOs, repository and sort type."""
    return [resource, *(resource + suffix for suffix in CLASS_SUFFIXES)]


def enum_class(resource: str, field: str) -> str:
    """The enum class of an enum field: `Post`, `status` -> `PostStatus`."""
    return resource + "".join(part.capitalize() for part in field.split("_"))


def table_problem(name: str) -> tuple[str, str] | None:
    """Why `name` cannot name a table (or column), and a suggestion; None if PostgreSQL takes
    it. Any identifier it accepts is taken (`"User"`, `createdAt`, `order`, `order items`):
    SQLAlchemy quotes those that need it, and persistgen's own SQL quotes them with `quoted`.
    Its length is `length_problem`'s to judge, with every other name PostgreSQL creates."""
    if not name.strip():
        return "a name cannot be empty or blank", "`name`"
    if not name.isprintable():  # a NUL PostgreSQL refuses; a line break no one could type
        cleaned = "".join(c if c.isprintable() else "_" for c in name)
        return "a name cannot hold a control character or a line break", f"`{cleaned}`"
    if "." in name:  # SQLAlchemy reads a foreign key's `table.column` at its dots
        return "a name cannot hold a dot (`.`)", f"`{name.replace('.', '_')}`"
    return None


def table_variable(table: str) -> str:
    """The module-level name of a link table's `Table`: `post_tags` -> `post_tags_table`; a
    table named with spaces or capitals gets a snake_case one, `Post Tags` -> `post_tags_table`."""
    if table.isidentifier() and table.isascii() and table == table.lower():
        return f"{table}_table"
    cleaned = re.sub(r"[^0-9A-Za-z]+", "_", _ascii(table)).strip("_")
    cleaned = re.sub(r"_+", "_", snake(cleaned))
    if not cleaned:
        return "link_table"
    return f"{cleaned}_table" if cleaned[0].isalpha() else f"link_{cleaned}_table"


def column_access(table: str, column: str) -> str:
    """A column of a `Table` in code: `t.c.post_id`, or `t.c["Post Id"]` for a name Python
    cannot take as an attribute."""
    if column.isidentifier() and column.isascii() and not keyword.iskeyword(column):
        return f"{table}.c.{column}"
    return f"{table}.c[{column!r}]"


def folded(name: str) -> str:
    """`name` as SQLite compares names: the case of ASCII letters ignored (`User` is `user`)."""
    return "".join(c.lower() if c.isascii() else c for c in name)


def quoted(name: str) -> str:
    """`name` as an SQL identifier, quoted when PostgreSQL would otherwise fold or refuse it,
    as SQLAlchemy quotes it: `User` -> `"User"`, `order` -> `"order"`, `created_at` stays. For
    the SQL persistgen writes itself (an enum's CHECK); SQLAlchemy quotes what it renders."""
    if _PLAIN_SQL_NAME.match(name) and name not in SQL_RESERVED_WORDS:
        return name
    return always_quoted(name)


def always_quoted(name: str) -> str:
    """`name` between double quotes, a quote in it doubled: raw SQL in revisions."""
    return '"' + name.replace('"', '""') + '"'


_PLAIN_SQL_NAME = re.compile(r"^[a-z_][a-z0-9_$]*$")
# The words SQLAlchemy's PostgreSQL dialect quotes (sqlalchemy.dialects.postgresql.base
# .RESERVED_WORDS, checked equal in tests/unit): persistgen runs without SQLAlchemy.
_RESERVED = """
all analyse analyze and any array as asc asymmetric authorization between binary both case
cast check collate column constraint create cross current_catalog current_date
current_role current_schema current_time current_timestamp current_user default deferrable
desc distinct do else end except false fetch for foreign freeze from full grant group
having ilike in initially inner intersect into is isnull join leading left like limit
localtime localtimestamp natural new not notnull null of off offset old on only or order
outer over overlaps placing primary references returning right select session_user similar
some symmetric table then to trailing true union unique user using variadic verbose when
where window with
"""
SQL_RESERVED_WORDS = frozenset(_RESERVED.split())


def schema_problem(name: str) -> tuple[str, str] | None:
    """Why `name` cannot be a PostgreSQL schema of the project's tables, and a suggestion."""
    if not _SNAKE.match(name) or length_problem(name):
        return (
            "schema names are lower snake_case, at most 63 characters",
            f"`{fitted(snake(name))}`",
        )
    if name.startswith("pg_") or name == "information_schema":
        return (
            "PostgreSQL keeps this name for its own catalogs",
            f"`app_{name.removeprefix('pg_')}`",
        )
    return None


def enum_members(values: list[str]) -> tuple[tuple[str, str], ...]:
    """An enum's (MEMBER_NAME, quoted value) pairs: upper-case identifiers, made unique."""
    members: list[tuple[str, str]] = []
    used: set[str] = set()
    for value in values:
        member = "".join(c if c.isalnum() else "_" for c in value.upper()).strip("_") or "VALUE"
        if not member.isidentifier() or not member.isascii():
            member = f"V_{member}" if member.isascii() else f"VALUE_{len(used)}"
        while member in used:
            member += "_"
        used.add(member)
        members.append((member, repr(value)))
    return tuple(members)


def length_problem(name: str) -> tuple[str, str] | None:
    """Why PostgreSQL would cut `name`, and a shorter one; None if it keeps it whole."""
    size = len(name.encode())
    if size <= MAX_IDENTIFIER:
        return None
    unit = "characters" if name.isascii() else "bytes"  # one byte each in ASCII, more in UTF-8
    return (
        f"it is {size} {unit} long; PostgreSQL names are at most 63 {unit}, the rest is cut",
        f"`{fitted(name)}`",
    )


def fitted(name: str) -> str:
    """A suggestion for a name the user chose: its first 63 bytes, without a trailing `_`."""
    return name.encode()[:MAX_IDENTIFIER].decode(errors="ignore").rstrip("_")


def constraint(kind: str, table: str, *parts: str) -> str:
    """A constraint or index name as the project's naming convention (db/base.py) makes it:
    `fk_posts_author_id_users`; `kind` is one of pk, fk, uq, ix, ck. Past 63 bytes it ends
    in a hash, by the project's own `shortened`, so models and migrations name it alike."""
    return shortened("_".join((kind, table, *parts)))


def search_index(table: str, column: str) -> str:
    """The PostgreSQL trigram index that serves a `search` field's `q` lookups."""
    return constraint("ix", table, column, "trgm")


def enum_type(resource: str, field: str) -> str:
    """The name of an enum field's type: a PostgreSQL ENUM when `native`, else the CHECK's."""
    return f"{snake(resource)}_{field}"


def sequence(table: str, column: str) -> str:
    """The sequence PostgreSQL makes for an identity or serial column (when the whole name fits;
    past 63 bytes it picks a shorter free one itself)."""
    return f"{table}_{column}_seq"
