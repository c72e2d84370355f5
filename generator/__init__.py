"""persistgen: generate the async persistence layer of a FastAPI service from a YAML spec."""

# The package's version (pyproject.toml reads it from here): a constant, because reading it
# from the installed metadata costs more than the rest of `persistgen --version`.
__version__ = "0.1.0"
