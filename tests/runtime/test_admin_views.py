"""The admin page's default sign-in (runtime/admin_views.py): one account from the settings,
and nobody at all while no password is set."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

import pytest
from pydantic import SecretStr
from starlette.requests import Request

from persistgen.runtime.admin_views import AdminSettings, PasswordBackend

pytestmark = pytest.mark.anyio


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


def login_request(username: str, password: str) -> Request:
    """A POST of the login form, with an empty session (as the session middleware gives)."""
    body = urlencode({"username": username, "password": password}).encode()

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": body, "more_body": False}

    scope = {
        "type": "http",
        "method": "POST",
        "headers": [(b"content-type", b"application/x-www-form-urlencoded")],
        "session": {},
    }
    return Request(scope, receive)


def backend(password: str | None) -> PasswordBackend:
    secret = SecretStr(password) if password is not None else None
    return PasswordBackend(AdminSettings(username="admin", password=secret, _env_file=None))


@pytest.mark.parametrize("password", [None, ""])
async def test_without_a_password_nobody_signs_in(password: str | None) -> None:
    request = login_request("admin", "")
    assert not await backend(password).login(request)
    request.session["user_id"] = "admin"  # a session signed before the password went
    assert not await backend(password).authenticate(request)


async def test_the_account_signs_in_and_the_session_remembers_it() -> None:
    request = login_request("admin", "s3cret")
    assert await backend("s3cret").authenticate(request) is False
    assert await backend("s3cret").login(request)
    assert await backend("s3cret").authenticate(request)
    assert await backend("s3cret").logout(request)
    assert not await backend("s3cret").authenticate(request)


@pytest.mark.parametrize(("username", "password"), [("admin", "wrong"), ("root", "s3cret")])
async def test_a_wrong_name_or_password_is_refused(username: str, password: str) -> None:
    request = login_request(username, password)
    assert not await backend("s3cret").login(request)
    assert request.session == {}
