"""The DTO target: a column's fields in the Create, Update and Read DTOs, and its list filters."""

from __future__ import annotations

from dataclasses import dataclass

from persistgen.code_text import LINE_LENGTH, string_literal
from persistgen.project_model.types import Expr, Scalar, TypeInfo

MAX_FILTER_VALUES = 100  # values one `__in` filter takes
# The runtime's `schemas.base.STORABLE_TEXT`, which this cannot import: persistgen itself does
# not depend on what the generated projects do (SQLAlchemy).
STORABLE_TEXT = "^[^\\x00]*$"
SEARCH_PARAMETER = "q"  # the text a list looks for in its resource's `search` fields
SEARCH_MAX_LENGTH = 200


@dataclass(frozen=True)
class DtoField:
    """One column as the DTOs declare it."""

    name: str
    type: TypeInfo
    nullable: bool
    writable: bool  # in the Create DTO (and, unless it is a key, the Update DTO)
    create_optional: bool  # Create takes null: the column is nullable or the database fills it
    create_default: str | None  # Create's default literal; None: required
    constraints: tuple[tuple[str, Scalar], ...]  # keyword arguments of pydantic's `Field(...)`
    write_only: bool = False  # in the Create and Update DTOs only: never answered

    @property
    def constrained(self) -> bool:
        """Its Create and Update declarations use `Field(...)`."""
        return bool(self._arguments) or self.write_only

    @property
    def create_annotation(self) -> str:
        annotation = self.type.write_type
        return f"{annotation} | None" if self.create_optional else annotation

    @property
    def _arguments(self) -> tuple[tuple[str, str], ...]:
        """`Field(...)`'s keyword arguments, as code: the spec's options, with a number's
        bounds met with what its column holds (so a spec's `ge: 1` is not lost to the type's
        own bound, and the document shows the tighter one), and text's storable pattern."""
        options = dict(self.constraints)
        numeric = ("ge", "le", "max_digits", "decimal_places")  # a decimal's type holds them
        found = [(o, _value(o, v)) for o, v in self.constraints if o not in numeric]
        if self.type.digits is None:
            found += self._bounds(options.get("ge"), options.get("le"))
        if self.type.text and "pattern" not in options:
            found.append(("pattern", _value("pattern", STORABLE_TEXT)))
        return tuple(found)

    def _bounds(self, ge: Scalar | None, le: Scalar | None) -> list[tuple[str, str]]:
        found: list[tuple[str, str]] = []
        if self.type.bits is not None:  # an integer column: its width bounds it
            top = 2 ** (self.type.bits - 1)
            low = -top if ge is None else max(int(ge), -top)
            found.append(("ge", _integer(low)))
            # 2**63 - 1 is no double: the document could only round it up, past the range.
            found.append(("le", _integer(int(le))) if le is not None else ("lt", _integer(top)))
        elif (top := self.type.magnitude) is not None:  # a REAL: within its range
            found.append(("ge", repr(-top if ge is None else max(float(ge), -top))))
            found.append(("le", repr(top if le is None else min(float(le), top))))
        else:
            found += [(o, repr(v)) for o, v in (("ge", ge), ("le", le)) if v is not None]
        return found

    @property
    def create_decl(self) -> str:
        if self._annotated:
            default = f"Field(default={self.create_default})"
            return f"{self.name}: Annotated[{self.create_annotation}, {default}]"
        return self._decl(self.create_annotation, self.create_default)

    @property
    def update_decl(self) -> str:
        return self._decl(f"{self.type.write_type} | None", "None")

    @property
    def read_decl(self) -> str:
        """Its Read field, with the spec's description (for the OpenAPI document), if any."""
        decl = f"{self.name}: {self.type.read_type}{' | None' if self.nullable else ''}"
        if self.description is None:
            return decl
        return f"{decl} = Field(description={_value('description', self.description)})"

    @property
    def description(self) -> str | None:
        return next((str(v) for option, v in self.constraints if option == "description"), None)

    def _decl(self, annotation: str, default: str | None) -> str:
        if not self.constrained:
            return f"{self.name}: {annotation}" + (f" = {default}" if default is not None else "")
        args = [f"default={default}"] if default is not None else []
        args += [f"{option}={value}" for option, value in self._arguments]
        if self.write_only:  # kept out of the DTO's repr (and so of logs), marked for clients
            args += ["repr=False", 'json_schema_extra={"writeOnly": True}']
        return f"{self.name}: {annotation} = Field({', '.join(args)})"

    @property
    def _annotated(self) -> bool:
        """Create's `name: Enum = Enum.MEMBER` runs past the line (at 4 columns): ruff format
        cannot break that line, but can `name: Annotated[Enum, Field(default=Enum.MEMBER)]`."""
        default = self.create_default
        if not self.type.members or default is None or self.constrained:
            return False
        return 4 + len(f"{self.name}: {self.create_annotation} = {default}") > LINE_LENGTH

    def imports(self) -> set[str]:
        """What its declarations name: the Read type unless the field is write-only (never
        read), and the write type if written; `Field` for a Read description."""
        found = set() if self.write_only else set(self.type.read_type_imports)
        if self.description is not None and not self.write_only:
            found.add("pydantic:Field")
        if self.writable:
            found.update(self.type.write_type_imports)
            if self.constrained:
                found.add("pydantic:Field")
            if self._annotated:
                found.update(("pydantic:Field", "typing:Annotated"))
        return found


def _value(option: str, value: Scalar) -> str:
    """A `Field(...)` argument's value; text as `Field(` splits it, one argument a line."""
    if isinstance(value, str):
        return string_literal(value, 8, f"{option}=")
    return repr(value)


def _integer(value: int) -> str:
    """An integer bound, a column's as a power of two (`-(2**31)`, `2**63`)."""
    size = abs(value)
    if size >= 2**31 and size & (size - 1) == 0:
        power = f"2**{size.bit_length() - 1}"
        return f"-({power})" if value < 0 else power
    return repr(value)


@dataclass(frozen=True)
class FilterParam:
    """One query parameter a list can be filtered by."""

    name: str  # e.g. `status__in`
    column: str  # the model attribute it reads
    operator: str  # eq, in, gte, lte, contains or null
    value_type: str  # the type of the values compared with the column
    value_imports: tuple[str, ...] = ()
    max_length: int | None = None  # a text value's bound
    text: bool = False  # a text value: the document says what it cannot hold

    @property
    def value(self) -> str:
        constraints = [f"max_length={self.max_length}"] if self.max_length is not None else []
        constraints += [f"pattern={_value('pattern', STORABLE_TEXT)}"] if self.text else []
        if not constraints:
            return self.value_type
        return f"Annotated[{self.value_type}, Field({', '.join(constraints)})]"

    @property
    def annotation(self) -> str:
        """Its annotation and default in the query DTO."""
        if self.operator == "in":
            return f"list[{self.value}] | None = Field(None, max_length={MAX_FILTER_VALUES})"
        if self.operator == "contains":
            return f"{self.value} | None = Field(None, min_length=1)"
        if self.operator == "null":
            return "bool | None = None"
        return f"{self.value} | None = None"

    @property
    def decl(self) -> str:
        """Its line in the resource's query DTO."""
        return f"{self.name}: {self.annotation}"

    def imports(self) -> set[str]:
        if self.operator == "null":  # a flag: the column's values never appear
            return set()
        found = set(self.value_imports)
        constrained = self.max_length is not None or self.text
        if self.operator in ("in", "contains") or constrained:
            found.add("pydantic:Field")
        if constrained:
            found.add("typing:Annotated")
        return found


@dataclass(frozen=True)
class LinkFilter:
    """A many-to-many relationship as a list filter, on either side: `?tags=3&tags=4` keeps
    the rows linked to any of those."""

    name: str  # the relationship, and the query parameter
    target: str  # the class on the other side
    target_module: str
    target_key: str  # its key attribute
    key_type: TypeInfo  # its key's type
    live: str | None  # the criterion that skips its soft-deleted rows
    missing: Expr  # a key of the other side no row has, for tests

    @property
    def param(self) -> FilterParam:
        """Its query parameter: keys of the other side, as an `__in` filter takes values."""
        info = self.key_type
        needs = info.dto_imports if info.dto else info.python_imports  # what `dto_type` names
        return FilterParam(
            self.name, self.name, "in", info.dto_type, needs, info.max_length, info.text
        )


def search_decl(searched: tuple[str, ...]) -> str:
    """The query DTO's `q`, for a resource whose `searched` fields it looks in."""
    fields = ", ".join(f"`{name}`" for name in searched)
    text = f"Text that any of {fields} contains, in any case"
    description = string_literal(text, 8, "description=")
    return (
        f"{SEARCH_PARAMETER}: str | None = Field(None, min_length=1, "
        f"max_length={SEARCH_MAX_LENGTH}, pattern={_value('pattern', STORABLE_TEXT)}, "
        f"description={description})"
    )
