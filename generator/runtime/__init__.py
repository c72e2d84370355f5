"""The library every generated project holds, written as ordinary Python.

`persistgen generate` copies these modules into a project, at the same paths under its package
(`tests/` to the project's `tests/`), with `persistgen.runtime` in the imports replaced by the
package's name. They are never imported by persistgen itself; its own ruff, mypy and
tests/runtime check them here. `settings.py`, `db/engine.py` and `db/base.py` are stand-ins for
modules a project gets from templates, and are not copied.
"""
