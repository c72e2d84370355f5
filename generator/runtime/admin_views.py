"""The admin page's shared parts (`project.admin`): its settings, the password sign-in
`admin_auth.py` starts with, and the views `admin.py` builds one per resource on."""

import datetime as dt
import secrets
from functools import lru_cache
from typing import Any

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict
from sqladmin import ModelView
from sqladmin.authentication import AuthenticationBackend
from sqladmin.forms import ModelConverter, converts
from sqladmin.helpers import get_primary_keys, object_identifier_values
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import ColumnProperty
from starlette.requests import Request
from wtforms import FloatField
from wtforms.fields.core import UnboundField

from persistgen.runtime.repositories.clauses import on_update
from persistgen.runtime.settings import DEFAULT_PAGE_SIZE


class AdminSettings(BaseSettings):
    """`ADMIN_USERNAME`, `ADMIN_PASSWORD` and `ADMIN_SECRET_KEY`. With no password set (or an
    empty one) nobody signs in: a project is never open by default. The secret key signs the
    session cookie; the default, random per process, signs everyone out at a restart and works
    with one process only."""

    model_config = SettingsConfigDict(env_prefix="ADMIN_", env_file=".env", extra="ignore")

    username: str = "admin"
    password: SecretStr | None = None
    secret_key: SecretStr = Field(default_factory=lambda: SecretStr(secrets.token_urlsafe(32)))


@lru_cache
def get_admin_settings() -> AdminSettings:
    return AdminSettings()


class PasswordBackend(AuthenticationBackend):
    """One account, from the settings: the login form's user name and password must match
    them (compared in constant time); the signed session cookie remembers who signed in."""

    def __init__(self, settings: AdminSettings) -> None:
        secret = settings.secret_key.get_secret_value()
        super().__init__(secret_key=secret, same_site="strict", session_cookie="admin_session")
        self._settings = settings

    async def login(self, request: Request) -> bool:
        form = await request.form()
        username, password = form.get("username"), form.get("password")
        expected = self._password()
        if not expected or not isinstance(username, str) or not isinstance(password, str):
            return False
        # `&`, not `and`: both comparisons run, so the time taken tells nothing.
        if not (
            secrets.compare_digest(username.encode(), self._settings.username.encode())
            & secrets.compare_digest(password.encode(), expected.encode())
        ):
            return False
        request.session.update({"user_id": username})
        return True

    async def logout(self, request: Request) -> bool:
        request.session.clear()
        return True

    async def authenticate(self, request: Request) -> bool:
        signed_in = request.session.get("user_id")
        return bool(self._password()) and signed_in == self._settings.username

    def _password(self) -> str:
        """The password; empty when none is set (an empty one opens nothing either)."""
        password = self._settings.password
        return "" if password is None else password.get_secret_value()


def _float_field(
    converter: ModelConverter, model: type, prop: ColumnProperty[Any], kwargs: dict[str, Any]
) -> UnboundField:
    return FloatField(**kwargs)


class FormConverter(ModelConverter):
    """sqladmin's form fields, and one for floating-point columns: SQLAlchemy 2.1's `Float` is
    no longer a `Numeric`, the type sqladmin finds them by."""

    conv_float = converts("Float", "REAL", "Double", "DOUBLE_PRECISION")(_float_field)


class ResourceView(ModelView):
    """The forms show what each view's `form_columns` names, keys and references included
    (sqladmin leaves those out by default); the create and edit rules pick from them."""

    form_include_pk = True
    form_converter = FormConverter
    page_size = DEFAULT_PAGE_SIZE  # the spec's, as the API's lists


class SoftDeleteView(ResourceView):
    """A resource with `soft_delete`: deleting sets `deleted_at`, as its repository does."""

    async def delete_model(self, request: Request, pk: Any) -> None:
        keys = get_primary_keys(self.model)
        values = object_identifier_values(pk, self.model)
        statement = (
            update(self.model)
            .where(*(key == value for key, value in zip(keys, values, strict=True)))
            .values({"deleted_at": dt.datetime.now(dt.UTC), **on_update(self.model)})
        )
        sessions: async_sessionmaker[AsyncSession] = self.session_maker  # type: ignore[assignment]
        async with sessions() as session:
            await session.execute(statement)
            await session.commit()
