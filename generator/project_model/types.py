"""What a field's type is in each generated module, and the code values that carry their imports.

An import is a spec string: `module:name` (`from module import name`) or `module` / `module as
alias` (`import ...`); `{package}` stands for the generated package until `resolve` fills it in.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal, localcontext
from typing import Literal

from persistgen.code_text import value_literal

Scalar = bool | int | float | str
# The runtime modules of the types not every project uses (typemap.py names their types).
RUNTIME_MODULES = ("{package}.db.column_types:", "{package}.schemas.value_types:")
# How the planner draws test values for a type whose samples depend on the field's options.
SampleRule = Literal["text", "int", "float", "real", "decimal", "date", "datetime", "time", "list"]


@dataclass(frozen=True)
class Expr:
    """A Python expression and the imports it needs."""

    code: str
    imports: tuple[str, ...] = ()


@dataclass(frozen=True)
class Sample:
    """Test data for a column: `value`, an expression of the test counter `n` (or a constant),
    gives a valid, distinct value; `update` is a constant that differs from it."""

    value: str
    update: str
    imports: tuple[str, ...] = ()  # what `value` and `update` need
    counter: bool = False  # `value` reads `n`
    short_text: bool = False  # `value` calls the factories' `_short_text`
    compare: str = "=="  # how a test compares a value read back: `is` for booleans


@dataclass(frozen=True)
class TypeInfo:
    """How a field of one spec type is typed, stored, filtered, sorted and sampled."""

    python: str  # annotation in models and Read DTOs
    orm: str  # SQLAlchemy type expression in models
    migration: str  # the same type in an Alembic revision (`sa.` / `postgresql.` prefixed)
    orm_imports: tuple[str, ...]
    python_imports: tuple[str, ...] = ()
    dto: str = ""  # annotation in DTOs and filters when it is stricter than `python`
    dto_imports: tuple[str, ...] = ()
    # Create and Update DTOs: only the JSON type the document names (filters read query strings)
    write: str = ""
    write_imports: tuple[str, ...] = ()
    read: str = ""  # annotation in Read DTOs when the answer's form needs declaring
    read_imports: tuple[str, ...] = ()
    sample: Sample | SampleRule = "int"  # test data: fixed, or drawn by a rule from the options
    params: tuple[str, ...] = ()  # length; precision and scale; or enum values (migrations)
    max_length: int | None = None  # the DTOs' bound on a text value
    digits: tuple[int, int] | None = None  # a decimal's precision and scale
    members: tuple[tuple[str, str], ...] = ()  # an enum's (MEMBER, quoted value) pairs
    bits: int | None = None  # an integer's width: DTO and path parameter bounds
    magnitude: float | None = None  # the largest finite value a float column holds, if bounded
    ranged: bool = False  # filters offer `__gte` and `__lte`
    choices: bool = True  # filters offer `__in`
    text: bool = False  # filters offer `__contains`
    sortable: bool = True
    aware: bool = False  # a datetime or time that clients send with an offset
    clock: str | None = None  # the db/types.py clock `now` stands for in this type
    missing: Expr | None = None  # a key of this type no row has (keys that are not text)
    item: TypeInfo | None = None  # a list's items

    @property
    def runtime_module(self) -> bool:
        """It names a type of the runtime's db/column_types.py or schemas/value_types.py,
        which a project gets only when a column needs them."""
        specs = (
            *self.orm_imports,
            *self.python_imports,
            *self.dto_imports,
            *self.write_imports,
            *self.read_imports,
        )
        return any(spec.startswith(RUNTIME_MODULES) for spec in specs)

    @property
    def dto_type(self) -> str:
        return self.dto or self.python

    @property
    def write_type(self) -> str:
        return self.write or self.dto_type

    @property
    def write_type_imports(self) -> tuple[str, ...]:
        if self.write:
            return self.write_imports
        return self.dto_imports if self.dto else self.python_imports

    @property
    def read_type(self) -> str:
        return self.read or self.python

    @property
    def read_type_imports(self) -> tuple[str, ...]:
        return self.read_imports if self.read else self.python_imports

    def literal(self, value: Scalar) -> str:
        """A spec literal (a default) as a value of this type."""
        if self.digits is not None:
            precision, scale = self.digits
            with localcontext(prec=precision + 1):  # the default 28 digits may be too few
                fixed = Decimal(str(value)).quantize(Decimal(1).scaleb(-scale))
            return f"Decimal({str(fixed)!r})"
        if self.members:
            members = {v: m for m, v in self.members}
            return f"{self.python}.{members[repr(value)]}"
        return value_literal(value) if isinstance(value, str) else repr(value)

    def backfill(self, value: Scalar) -> str:
        """A literal for existing rows in a revision: decimals as written, not rounded."""
        if self.digits is not None:
            return f"Decimal({str(Decimal(str(value)))!r})"
        return value_literal(value) if isinstance(value, str) else repr(value)


def resolve(specs: Iterable[str], package: str) -> set[str]:
    """Import specs with `{package}` filled in."""
    return {spec.format(package=package) for spec in specs}


def import_lines(specs: Iterable[str]) -> tuple[str, ...]:
    """`module:name` and `module as alias` specs -> sorted, merged import statements."""
    plain: set[str] = set()
    named: dict[str, set[str]] = {}
    for spec in specs:
        module, _, name = spec.partition(":")
        if name:
            named.setdefault(module, set()).add(name)
        else:
            plain.add(f"import {module}")
    lines = sorted(plain) + [
        f"from {module} import {', '.join(sorted(names))}"
        for module, names in sorted(named.items())
    ]
    return tuple(lines)
