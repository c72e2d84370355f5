"""persistgen: generate the async persistence layer of a FastAPI service from a YAML spec."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("persistgen")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0"
