"""persistgen's directory in the user's cache: what it can always compute again, kept to skip
the work next time (the up-to-date proofs of `up_to_date.py`, the `--help` texts of
`help_cache.py`). Deleting it is always safe."""

from __future__ import annotations

import functools
import hashlib
import os
import sys
import tempfile
from pathlib import Path

from persistgen import __version__

# Set: the cache's directory (the tests point it at a temporary one); empty: no cache at all.
ENV = "PERSISTGEN_CACHE_DIR"


def cache_dir() -> Path | None:
    """Where the cache lives, by the platform's convention; None when it is switched off."""
    chosen = os.environ.get(ENV)
    if chosen is not None:
        return Path(chosen) if chosen else None
    import platformdirs  # here, not above: a chosen directory needs no lookup

    return Path(platformdirs.user_cache_dir("persistgen", appauthor=False))


@functools.cache  # one installation per process: `generate` asks before and after its run
def installation() -> str:
    """What every cached entry depends on, as a digest: persistgen's own files (an editable
    install changes with every edit of the code, a template's too), the distributions installed
    beside it (ruff, Jinja, pydantic, Typer, rich... by version) and Python's version."""
    digest = hashlib.sha256(f"{__version__}\0{sys.version}\0".encode())
    package = Path(__file__).parent
    for directory, folders, files in os.walk(package, followlinks=True):
        folders[:] = sorted(f for f in folders if f != "__pycache__")
        for name in sorted(files):
            path = os.path.join(directory, name)
            digest.update(f"{os.path.relpath(path, package)}\0".encode())
            with open(path, "rb") as handle:
                digest.update(hashlib.sha256(handle.read()).digest())
    for entry in sys.path:
        try:
            names = os.listdir(entry or ".")
        except OSError:
            continue
        installed = sorted(n for n in names if n.endswith((".dist-info", ".egg-info")))
        digest.update("\0".join([entry, *installed]).encode())
    return digest.hexdigest()


def read(name: str) -> bytes | None:
    """The entry `name` (a relative path), or None when there is none or it cannot be read."""
    root = cache_dir()
    if root is None:
        return None
    try:
        return (root / name).read_bytes()
    except OSError:
        return None


def write(name: str, data: bytes) -> None:
    """Store `data` as `name`, whole or not at all (a reader never sees half of it); a cache
    that cannot be written (read-only home, full disk) is silently skipped."""
    root = cache_dir()
    if root is None:
        return
    target = root / name
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        descriptor, temporary = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
        try:
            with os.fdopen(descriptor, "wb") as handle:
                handle.write(data)
            os.replace(temporary, target)
        except BaseException:
            os.unlink(temporary)
            raise
    except OSError:
        pass
