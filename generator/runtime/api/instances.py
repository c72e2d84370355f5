"""One API served by several processes: they must share `CURSOR_SECRET`.

Without it each process draws its own secret (settings.py), fine for one process in development.
Where several serve the API, a page cursor made by one would be refused by the others (a 400
mid-listing), and with read replicas a Read-After token would be ignored (a read older than the
client's own write), so the process refuses to start instead. What it can see of "several":
`WEB_CONCURRENCY` (which uvicorn and gunicorn read), their `--workers` option, and replicas
(whose tokens must also outlive a restart). Other instances (containers, hosts) are invisible
from here: the README's "Many instances" says to set the secret there too.
"""

import os
import sys
from collections.abc import Sequence

from persistgen.runtime.db.replicas import Replicas
from persistgen.runtime.settings import get_cursor_settings

# The exit status uvicorn and gunicorn take for "failed to start": their supervisors stop
# rather than start the same failing worker again and again.
STARTUP_FAILURE = 3
MAKE_ONE = 'python -c "import secrets; print(secrets.token_urlsafe(32))"'


def require_shared_secret(replicas: Replicas) -> None:
    """Exit with a one-screen message when several processes would each invent a secret."""
    if "secret" in get_cursor_settings().model_fields_set:
        return
    reasons = shared_secret_reasons(os.environ.get("WEB_CONCURRENCY"), sys.argv, replicas)
    if reasons:
        print(refusal(reasons), file=sys.stderr)
        raise SystemExit(STARTUP_FAILURE)


def shared_secret_reasons(
    web_concurrency: str | None, argv: Sequence[str], replicas: Replicas
) -> list[str]:
    """Why this service needs a secret every process shares (none: one process will do)."""
    reasons = []
    if _count(web_concurrency) > 1:
        reasons.append(f"WEB_CONCURRENCY={web_concurrency}: several worker processes")
    workers = _workers_option(argv)
    if workers > 1:
        reasons.append(f"--workers {workers}: several worker processes")
    if replicas:
        reasons.append(
            "DATABASE_REPLICA_URLS is set: Read-After tokens must hold across processes and"
            " restarts, or a client could read a state older than its own write"
        )
    return reasons


def refusal(reasons: Sequence[str]) -> str:
    lines = "\n".join(f"  - {reason}" for reason in reasons)
    return (
        "Startup refused: CURSOR_SECRET is not set, and this API needs one secret shared by"
        f" every process serving it:\n{lines}\n"
        "Without it each process invents its own, and the cursors and Read-After tokens one"
        " signs, the others refuse.\n"
        "Set CURSOR_SECRET (in the environment or .env) to the same value for every process;"
        f" make one with:\n  {MAKE_ONE}\n"
        "(One process alone, as in development, needs none.)"
    )


def _workers_option(argv: Sequence[str]) -> int:
    """The `--workers N` (gunicorn: also `-w N`) on the server's command line: a worker is
    started with its supervisor's `sys.argv`."""
    gunicorn = bool(argv) and "gunicorn" in argv[0]
    names = ("--workers", "-w") if gunicorn else ("--workers",)
    for index, word in enumerate(argv):
        name, equals, value = word.partition("=")
        if name in names:
            return _count(value if equals else " ".join(argv[index + 1 : index + 2]))
        if gunicorn and word.startswith("-w") and word[2:].isdigit():
            return _count(word[2:])
    return 1


def _count(text: str | None) -> int:
    try:
        return int(text or "1")
    except ValueError:
        return 1
