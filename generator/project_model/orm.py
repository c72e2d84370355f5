"""The ORM target: a model's columns, table arguments, relationships and association tables."""

from __future__ import annotations

from dataclasses import dataclass

from persistgen import naming
from persistgen.code_text import string_literal, value_literal
from persistgen.migrate.schema import DbIndex, DbTable, ForeignKeyModel
from persistgen.project_model.api import path_annotation
from persistgen.project_model.types import Expr, TypeInfo

# Keeps a name the spec gives out of the naming convention (db/base.py), verbatim.
CONV = "sqlalchemy.sql.naming:conv"


@dataclass(frozen=True)
class ServerDefault:
    """A value the database fills in: the project's clock (`now`), a boolean or a literal."""

    value: str | bool
    clock: str | None = None  # `now`: the function in db/types.py that reads the clock

    def orm(self) -> str:
        if self.clock is not None:
            return f"{self.clock}()"
        if isinstance(self.value, bool):
            return f"{str(self.value).lower()}()"
        return value_literal(self.value)

    def migration(self) -> str:
        """The same default in an Alembic revision."""
        if self.clock is None and isinstance(self.value, bool):
            return f"sa.{self.orm()}"
        return self.orm()

    def imports(self) -> set[str]:
        if self.clock is not None:
            return {f"{{package}}.db.types:{self.clock}"}
        if isinstance(self.value, bool):
            return {f"sqlalchemy:{str(self.value).lower()}"}
        return set()


@dataclass(frozen=True)
class OrmColumn:
    """A column as `mapped_column(...)` declares it."""

    type: TypeInfo
    column_name: str | None  # the database's name, when it is not the attribute's
    foreign_key: ForeignKeyModel | None
    primary_key: bool
    nullable: bool
    identity: bool  # the database numbers it
    unique: bool
    index: bool
    default: str | None  # a literal the model applies
    server_default: ServerDefault | None
    onupdate: str | None  # the db/types.py clock each update sets it to
    comment: str | None
    uuid_default: bool  # the model draws a random key
    supplied_key: bool = False  # a one-column integer key clients set: no serial or identity
    sequence: str | None = None  # the named sequence that numbers the key
    sequence_schema: str | None = None  # where that sequence lives (the table's schema)
    # Names the spec gives, verbatim: a named unique constraint or index is declared in
    # `__table_args__` (OrmTable), where it can be named; a foreign key names itself.
    unique_name: str | None = None
    index_name: str | None = None
    foreign_key_name: str | None = None
    # a nullable reference in a cycle: its foreign key is created after the tables
    use_alter: bool = False
    generated: str | None = None  # SQL: a generated column's expression (STORED)

    @property
    def annotation(self) -> str:
        return f"Mapped[{self.type.python}{' | None' if self.nullable else ''}]"

    @property
    def _sequence(self) -> str:
        schema = f", schema={self.sequence_schema!r}" if self.sequence_schema else ""
        return f"Sequence({self.sequence!r}{schema})"

    @property
    def args(self) -> str:
        """What goes inside `mapped_column(...)`."""
        args = [repr(self.column_name)] if self.column_name else []
        args.append(self.type.orm)
        if self.foreign_key:
            fk = self.foreign_key
            on_delete = f", ondelete={fk.on_delete!r}" if fk.on_delete else ""
            on_update = f", onupdate={fk.on_update!r}" if fk.on_update else ""
            use_alter = ", use_alter=True" if self.use_alter else ""
            name = f", name=conv({self.foreign_key_name!r})" if self.foreign_key_name else ""
            deferrable = fk.deferrable_args
            args.append(
                f"ForeignKey({fk.target!r}{on_delete}{on_update}{deferrable}{use_alter}{name})"
            )
        if self.identity:
            args.append("Identity()")
        if self.generated is not None:
            args.append(f"Computed({string_literal(self.generated, 8)}, persisted=True)")
        if self.sequence is not None:
            args.append(self._sequence)
        args += [
            f"{flag}=True"
            for flag, value in (
                ("primary_key", self.primary_key),
                ("unique", self.unique and not self.unique_name),
                ("index", self.index and not self.index_name),
            )
            if value
        ]
        if self.supplied_key:
            args.append("autoincrement=False")
        elif self.sequence is not None:  # numbered, though it has a server default
            args.append("autoincrement=True")
        if self.default is not None:
            args.append(f"default={self.default}")
        if self.server_default is not None:
            args.append(f"server_default={self.server_default.orm()}")
        elif self.sequence is not None:
            args.append(f"server_default=next_value({self._sequence})")
        if self.onupdate is not None:
            args.append(f"onupdate={self.onupdate}()")
        if self.comment:  # `mapped_column(` split one argument a line, in a class body
            args.append(f"comment={string_literal(self.comment, 8, 'comment=')}")
        if self.uuid_default:
            args.append("default=uuid4")
        return ", ".join(args)

    def imports(self) -> set[str]:
        found = {*self.type.orm_imports, *self.type.python_imports}
        if self.foreign_key:
            found.add("sqlalchemy:ForeignKey")
        if self.foreign_key_name:
            found.add(CONV)
        if self.identity:
            found.add("sqlalchemy:Identity")
        if self.generated is not None:
            found.add("sqlalchemy:Computed")
        if self.sequence is not None:
            found |= {"sqlalchemy:Sequence", "{package}.db.sequences:next_value"}
        if self.server_default is not None:
            found |= self.server_default.imports()
        if self.onupdate is not None:
            found.add(f"{{package}}.db.types:{self.onupdate}")
        if self.uuid_default:
            found.add("uuid:uuid4")
        return found


@dataclass(frozen=True)
class OrmTable:
    """A model's `__table_args__` and `__mapper_args__`."""

    # unique constraints a column's `unique=True` cannot make: (the spec's name, verbatim, or
    # None for the naming convention's; columns)
    uniques: tuple[tuple[str | None, tuple[str, ...]], ...]
    indexes: tuple[tuple[str, tuple[str, ...]], ...]  # composite indexes: (name, columns)
    checks: tuple[tuple[str, str], ...]  # (name in the spec, SQL expression)
    schema: str | None
    eager_defaults: bool  # columns the database sets on UPDATE are read back at once (async)
    versioned: bool
    sqlite_autoincrement: bool = False  # SQLite never hands out a deleted key again
    searches: tuple[tuple[str, str], ...] = ()  # trigram indexes: (name, column)
    # Indexes named by the spec, or over expressions, partial or unique: named verbatim.
    named_indexes: tuple[DbIndex, ...] = ()
    check_names: tuple[tuple[str, str], ...] = ()  # (name in the spec, the constraint's name)
    postgres_checks: tuple[str, ...] = ()  # checks PostgreSQL alone makes (names in the spec)
    # The primary key's name when the spec gives one, and its columns.
    pk_name: str | None = None
    primary_key: tuple[str, ...] = ()
    comment: str | None = None  # the table's comment in the database

    @property
    def table_args(self) -> tuple[str, ...]:
        """Items of `__table_args__`; constraints name their columns as the database does."""
        options: dict[str, str | bool] = {"schema": self.schema} if self.schema else {}
        if self.sqlite_autoincrement:
            options["sqlite_autoincrement"] = True
        names = dict(self.check_names)
        return (
            *(
                [f"PrimaryKeyConstraint({listed(self.primary_key)}, name=conv({self.pk_name!r}))"]
                if self.pk_name
                else []
            ),
            *(f"UniqueConstraint({listed(key)}{_named(name)})" for name, key in self.uniques),
            *(f"Index({name!r}, {listed(on)})" for name, on in self.indexes),
            *map(_index, self.named_indexes),
            *(
                f"CheckConstraint({string_literal(sql, 12)}, "
                f"name={f'conv({names[name]!r})' if name in names else repr(name)})"
                # SQL of PostgreSQL's own: SQLite's CREATE TABLE leaves it out
                + ('.ddl_if(dialect="postgresql")' if name in self.postgres_checks else "")
                for name, sql in self.checks
            ),
            *(f"trigram_index({name!r}, {column!r})" for name, column in self.searches),
            *([_options(options, self.comment)] if options or self.comment is not None else []),
        )

    @property
    def mapper_args(self) -> str:
        """`__mapper_args__` when needed, else ""."""
        args = ['"eager_defaults": True'] if self.eager_defaults else []
        if self.versioned:
            args.append('"version_id_col": version')
        return "{" + ", ".join(args) + "}" if args else ""

    def imports(self) -> set[str]:
        found = {"sqlalchemy:CheckConstraint"} if self.checks else set()
        if self.uniques:
            found.add("sqlalchemy:UniqueConstraint")
        if self.indexes or self.named_indexes:
            found.add("sqlalchemy:Index")
        if self.searches:
            found.add("{package}.db.search:trigram_index")
        if self.pk_name:
            found.add("sqlalchemy:PrimaryKeyConstraint")
        if any(i.expressions or i.where is not None for i in self.named_indexes):
            found.add("sqlalchemy:text as sql_text")  # a field may be named `text`
        if (
            self.pk_name
            or self.named_indexes
            or self.check_names
            or any(name for name, _ in self.uniques)
        ):
            found.add(CONV)
        return found


def listed(names: tuple[str, ...]) -> str:
    return ", ".join(map(repr, names))


def _named(name: str | None) -> str:
    """A constraint's `name=` argument when the spec names it (conv: verbatim)."""
    return f", name=conv({name!r})" if name else ""


def _index(index: DbIndex) -> str:
    """`Index(...)` over columns or SQL expressions; unique or partial alike on both databases."""
    parts = [f"conv({index.name!r})", *map(repr, index.columns)]
    # each literal is sql_text's sole argument: split, it needs no parentheses of its own
    parts += [f"sql_text({string_literal(sql, 20, sole=True)})" for sql in index.expressions]
    if index.unique:
        parts.append("unique=True")
    if index.where is not None:
        for dialect in ("postgresql", "sqlite"):
            where = string_literal(index.where, 16, sole=True)
            parts.append(f"{dialect}_where=sql_text({where})")
    return f"Index({', '.join(parts)})"


@dataclass(frozen=True)
class RelationModel:
    """A `relationship()`: a reference, its reverse, or either side of a many-to-many link."""

    name: str
    target: str  # the related class
    collection: bool  # many rows: loaded with SELECT ... IN; one row: with a JOIN
    back_populates: str
    optional: bool = False  # one row or none
    column: str | None = None  # a many-to-one's foreign key column
    target_key: str = "id"  # the related class's primary key
    remote_side: str | None = None  # a self reference: `Class.key`, the side it points at
    referenced_by: str | None = None  # the reverse of a reference: `Source.column`
    link_variable: str | None = None  # a many-to-many's owner: the `Table` in its module
    link_table: str | None = None  # a many-to-many's target: the table's qualified name
    live: str | None = None  # loads skip soft-deleted related rows by this criterion
    # a many-to-many link to its own class: (primaryjoin, secondaryjoin), as lambdas
    joins: tuple[str, str] | None = None

    @property
    def strategy(self) -> str:
        return "selectin" if self.collection else "joined"

    @property
    def annotation(self) -> str:
        """E.g. `Mapped[User]`, `Mapped[list[Post]]`."""
        if self.collection:
            return f"Mapped[list[{self.target}]]"
        return f"Mapped[{self.target}{' | None' if self.optional else ''}]"

    @property
    def detail_annotation(self) -> str:
        """Its field's type in the Detail DTO: the related Read DTOs (None until included)."""
        read = f"{self.target}Read"
        return f"{f'list[{read}]' if self.collection else read} | None"

    @property
    def nullable_one(self) -> bool:
        """One related row or none (a collection is a list, empty or not)."""
        return self.optional and not self.collection

    @property
    def detail_decl(self) -> str:
        """Its field in the Detail DTO. Left unset unless included, so absent from the answer
        (and not required in its OpenAPI schema); an included optional one-row relationship
        with no row is null, which then means just that."""
        text = "Present only when `include` names it"
        text += "; null when there is no related row." if self.nullable_one else "."
        description = string_literal(text, 8, "description=")  # as `Field(` splits, if it must
        return f"{self.name}: {self.detail_annotation} = Field(None, description={description})"

    @property
    def args(self) -> str:
        """What goes inside `relationship(...)`; `lazy="raise"`: async code loads explicitly."""
        back = f"back_populates={self.back_populates!r}"
        secondary = self.link_variable or (repr(self.link_table) if self.link_table else None)
        if secondary is not None:
            # Deleting either side removes its links in the database (ON DELETE CASCADE), so
            # the ORM never loads a collection just to empty it.
            joins = ""
            if self.joins:  # the link table refers to the class twice: say which is which
                joins = f"primaryjoin={self.joins[0]}, secondaryjoin={self.joins[1]}, "
            return f'secondary={secondary}, {joins}{back}, lazy="raise", passive_deletes=True'
        if self.column is not None:
            remote = f', remote_side="{self.remote_side}"' if self.remote_side else ""
            return f'{back}, foreign_keys=[{self.column}], lazy="raise"{remote}'
        # The database enforces on_delete; the ORM must not null out or load children.
        return f'{back}, foreign_keys="{self.referenced_by}", lazy="raise", passive_deletes="all"'


@dataclass(frozen=True)
class LinkModel:
    """A many-to-many field: its association table, and the repository methods and routes."""

    name: str  # the collection on the owner, e.g. `tags`
    path: str  # its sub-list's URL path segment, kebab-case as resource paths are
    table: str  # the association table
    variable: str  # its `Table` in the owner's module (suffixed: it must not shadow an import)
    owner_column: str  # e.g. `post_id`
    item_column: str  # e.g. `tag_id`
    column_types: tuple[TypeInfo, TypeInfo]  # the owner's and the item's key types
    target_class: str
    target_module: str
    target_route: str
    target_key: str  # the target's primary key attribute
    target_type: TypeInfo  # the target's key type
    target_live: str | None  # the criterion that skips soft-deleted targets
    missing: Expr  # a target key no row has, for tests
    previous: str | None  # `Owner.field` before a declared rename of either, as in DbTable.resource
    db: DbTable

    @property
    def missing_key(self) -> str:
        return self.missing.code

    @property
    def target_key_type(self) -> str:
        return self.target_type.python

    @property
    def target_key_annotation(self) -> str:
        """The target's key as a path parameter."""
        return path_annotation(self.target_type)

    @property
    def columns_code(self) -> str:
        """Its owner's and its item's columns, as the repository's link methods take them."""
        return (
            f"{naming.column_access(self.variable, self.owner_column)}, "
            f"{naming.column_access(self.variable, self.item_column)}"
        )

    @property
    def table_code(self) -> str:
        """The `Table(...)` call."""
        owner, item = self.db.foreign_keys
        columns = ", ".join(
            self._column(fk, info, index=fk is item)
            for fk, info in zip((owner, item), self.column_types, strict=True)
        )
        schema = f", schema={self.db.schema!r}" if self.db.schema else ""
        return f"Table({self.table!r}, Base.metadata, {columns}{schema})"

    @staticmethod
    def _column(fk: ForeignKeyModel, info: TypeInfo, *, index: bool) -> str:
        reference = f"ForeignKey({fk.target!r}, ondelete={fk.on_delete!r})"
        # The key (owner, item) serves lookups by owner; the item side needs its own index.
        flags = "primary_key=True, index=True" if index else "primary_key=True"
        return f"Column({fk.column!r}, {info.orm}, {reference}, {flags})"

    def imports(self) -> set[str]:
        found = {"sqlalchemy:Column", "sqlalchemy:ForeignKey", "sqlalchemy:Table"}
        return found | {i for info in self.column_types for i in info.orm_imports}


def _options(options: dict[str, str | bool], comment: str | None) -> str:
    """The dictionary ending `__table_args__`; a long comment split over lines."""
    items = [f"{key!r}: {value!r}" for key, value in options.items()]
    if comment is not None:
        items.append(f"'comment': {string_literal(comment, 12, 'comment: ')}")
    return "{" + ", ".join(items) + "}"
