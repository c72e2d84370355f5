"""`write_only: true`: in the Create and Update DTOs only; never read back, sorted or tested
as a value the answers hold."""

from __future__ import annotations

from persistgen.project_model import ProjectModel
from persistgen.render import render_project
from persistgen.spec.model import json_schema
from tests.unit.plan_specs import column, project, resource

USER = """
User:
  fields:
    password_hash: {type: str, max_length: 200, write_only: true}
    pin_set_at: {type: datetime, nullable: true, write_only: true}
    email: {type: str, max_length: 320, filter: true}
    signed_up_at: {type: datetime, nullable: true}
"""


def _schemas(model: ProjectModel) -> str:
    files = render_project(model, json_schema(), None)
    return next(f.content for f in files if f.path == "shop/schemas/generated/user.py")


def test_a_write_only_column_is_written_never_read() -> None:
    hashed = column(USER, "User", "password_hash")
    assert (hashed.in_create, hashed.in_update, hashed.in_read) == (True, True, False)
    assert hashed.dto.write_only and hashed.filters == ()
    assert column(USER, "User", "email").in_read
    assert resource(USER, "User").write_only == ("password_hash", "pin_set_at")


def test_it_is_kept_out_of_reprs_and_marked_write_only_for_clients() -> None:
    hashed = column(USER, "User", "password_hash")
    extra = """pattern='^[^\\\\x00]*$', repr=False, json_schema_extra={"writeOnly": True}"""
    assert hashed.create_decl == f"password_hash: str = Field(max_length=200, {extra})"
    assert hashed.update_decl == (
        f"password_hash: str | None = Field(default=None, max_length=200, {extra})"
    )


def test_only_the_write_type_is_imported_for_it() -> None:
    """Its Read annotation (`dt.datetime`) is never written, so never imported for it."""
    pin = column(USER, "User", "pin_set_at")
    assert pin.dto.imports() == {"{package}.schemas.base:StrictAwareDatetime", "pydantic:Field"}
    assert "datetime as dt" in column(USER, "User", "signed_up_at").dto.imports()


def test_it_is_no_sort_and_not_the_column_tests_read_back() -> None:
    user = resource(USER, "User")
    assert "password_hash" not in user.sort_keys and "pin_set_at" not in user.sort_keys
    assert "email" in user.sort_keys
    assert user.update_column is not None and user.update_column.name == "email"
    assert user.aware_column is not None and user.aware_column.name == "signed_up_at"


def test_the_read_dto_leaves_it_out() -> None:
    text = _schemas(project(USER))
    read = text[text.index("class UserReadBase") : text.index("class UserQuery")]
    create = text[text.index("class UserCreateBase") : text.index("class UserUpdateBase")]
    assert "password_hash" not in read and "pin_set_at" not in read
    assert "password_hash: str" in create and "pin_set_at: StrictAwareDatetime" in create
    assert '"password_hash"' not in text[text.index("UserSort") : text.index("class ")]
