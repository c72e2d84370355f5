"""The admin page's view of each resource (`project.admin`): what its list, search, filters
and forms show, from the fields' read-only and write-only notions."""

from __future__ import annotations

from dataclasses import dataclass

from persistgen.project_model.resource import ColumnModel, ResourceModel


@dataclass(frozen=True)
class AdminFilter:
    kind: str  # the sqladmin filter class
    column: str
    values: tuple[str, ...] = ()  # an enum's quoted values, for StaticValuesFilter

    def call(self, model: str) -> str:
        """The filter, as `column_filters` lists it."""
        choices = ", ".join(f"({v}, {v})" for v in self.values)
        values = f", values=[{choices}]" if self.values else ""
        return f"{self.kind}({model}.{self.column}{values})"


@dataclass(frozen=True)
class AdminView:
    resource: ResourceModel
    shown: tuple[str, ...]  # list and details: every field but the write-only ones
    searched: tuple[str, ...]  # text fields the search box looks in
    sortable: tuple[str, ...]
    filters: tuple[AdminFilter, ...]
    create: tuple[str, ...]  # the create form's fields: those clients may set
    edit: tuple[str, ...]  # the edit form's: those an update may change, write-only ones out

    @property
    def form(self) -> tuple[str, ...]:
        """The fields of either form, in the spec's order."""
        return tuple(c.name for c in self.resource.columns if c.name in {*self.create, *self.edit})

    @property
    def filter_calls(self) -> tuple[str, ...]:
        return tuple(f.call(self.resource.class_name) for f in self.filters)

    @property
    def base(self) -> str:
        return "SoftDeleteView" if self.resource.soft_delete else "ResourceView"


def admin_view(resource: ResourceModel) -> AdminView:
    writable = not resource.view
    return AdminView(
        resource=resource,
        shown=tuple(c.name for c in resource.columns if c.in_read),
        searched=tuple(c.name for c in resource.columns if c.in_read and _text(c)),
        sortable=tuple(k for k in resource.sort_keys if k not in resource.write_only),
        filters=tuple(f for c in resource.columns if c.in_read for f in _filter(c)),
        create=tuple(c.name for c in resource.columns if c.in_create) if writable else (),
        # A write-only field's edit box would show its stored value: it is set on create only.
        edit=tuple(c.name for c in resource.columns if c.in_update and c.in_read)
        if writable
        else (),
    )


def _text(column: ColumnModel) -> bool:
    return column.type.python == "str" and column.foreign_key is None


def _filter(column: ColumnModel) -> tuple[AdminFilter, ...]:
    """Yes/no and enum fields get a choice of their values; the fields the API filters by
    (`filter: true`) and references get sqladmin's comparisons."""
    if column.type.python == "bool":
        return (AdminFilter("BooleanFilter", column.name),)
    if column.type.members:
        values = tuple(value for _, value in column.type.members)
        return (AdminFilter("StaticValuesFilter", column.name, values),)
    if column.filters or column.foreign_key is not None:
        return (AdminFilter("OperationColumnFilter", column.name),)
    return ()
