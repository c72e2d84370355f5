"""The project model: every name, type, import and literal decided, ready for templates.

Frozen dataclasses that hold facts; one sub-model per target (`orm`, `dto`, `api`, the tests'
`Sample`, the migrations' `db`), each with the properties that spell its code and the imports
that code needs. Templates only lay these values out; they never compute one.
"""

from persistgen.migrate.schema import DbColumn, DbTable, ForeignKeyModel
from persistgen.project_model.dto import DtoField, FilterParam
from persistgen.project_model.orm import (
    LinkModel,
    OrmColumn,
    OrmTable,
    RelationModel,
    ServerDefault,
)
from persistgen.project_model.project import (
    EnumModel,
    PoolModel,
    ProjectModel,
    SeedExample,
    SeedRow,
    TimeoutModel,
)
from persistgen.project_model.resource import ColumnModel, RefModel, ResourceModel
from persistgen.project_model.types import Expr, Sample, TypeInfo, import_lines

__all__ = [
    "ColumnModel",
    "DbColumn",
    "DbTable",
    "DtoField",
    "EnumModel",
    "Expr",
    "FilterParam",
    "ForeignKeyModel",
    "LinkModel",
    "OrmColumn",
    "OrmTable",
    "PoolModel",
    "ProjectModel",
    "RefModel",
    "RelationModel",
    "ResourceModel",
    "Sample",
    "SeedExample",
    "SeedRow",
    "ServerDefault",
    "TimeoutModel",
    "TypeInfo",
    "import_lines",
]
