"""Read-your-writes across requests, with read replicas (db/replicas.py).

A response to a request that committed on the primary carries the primary's WAL position after
that commit, signed (HMAC, with `CURSOR_SECRET`), in the `Read-After` header and the
`read_after` cookie. A later request that sends it back (the cookie, or the header echoed) is
read from a replica only once that replica has replayed the WAL up to there; until then, from
the primary. A client that sends neither may read from any replica in rotation.
"""

import base64
import hashlib
import hmac

from fastapi import FastAPI, Request
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from persistgen.runtime.db.replicas import WROTE, Replicas
from persistgen.runtime.settings import get_cursor_settings

HEADER = "Read-After"
COOKIE = "read_after"
# How long a client keeps its token: far longer than a replica in rotation may lag.
_COOKIE_SECONDS = 300
_NO_REPLICA_YET = 2**64 - 1  # a position no replica reaches: every read on the primary


def install_read_after(app: FastAPI, replicas: Replicas) -> None:
    """Give writes their token, when there are replicas (without, nothing is added)."""
    if not replicas:
        return
    app.add_middleware(ReadAfterWrites, replicas=replicas)


def read_after(request: Request) -> int:
    """The WAL position the request's token holds (0: no token, or not a valid one)."""
    token = request.headers.get(HEADER) or request.cookies.get(COOKIE)
    if not token:
        return 0
    body, _, signature = token.partition(".")
    if not hmac.compare_digest(signature, _sign(body)):
        return 0
    try:
        return int(body, 16)
    except ValueError:
        return 0


def token(position: int) -> str:
    body = format(position, "x")
    return f"{body}.{_sign(body)}"


def _sign(body: str) -> str:
    key = get_cursor_settings().secret.get_secret_value().encode()
    digest = hmac.new(key, b"read-after:" + body.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest[:16]).rstrip(b"=").decode()


class ReadAfterWrites:
    """ASGI middleware: a response to a request that committed on the primary gets the token
    (the WAL position is read once the route is done, before its headers go out)."""

    def __init__(self, app: ASGIApp, *, replicas: Replicas) -> None:
        self.app = app
        self.replicas = replicas

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        wrote = [False]
        WROTE.set(wrote)

        async def send_with_token(message: Message) -> None:
            if message["type"] == "http.response.start" and wrote[0]:
                await self._add_token(message)
            await send(message)

        await self.app(scope, receive, send_with_token)

    async def _add_token(self, message: Message) -> None:
        try:
            position = await self.replicas.primary_lsn()
        except Exception:  # the write is done: answer it, and send the next reads to the primary
            position = _NO_REPLICA_YET
        headers = MutableHeaders(scope=message)
        value = token(position)
        headers[HEADER] = value
        cookie = f"{COOKIE}={value}; Max-Age={_COOKIE_SECONDS}; Path=/; HttpOnly; SameSite=Lax"
        headers.append("set-cookie", cookie)
