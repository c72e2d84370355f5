"""Generation's CPU time against datamodel-code-generator, measured in the same run.

Writes a spec of `--resources` ordinary resources (benchmarks/many_resources.py's
`ordinary_spec`) and the same resources as a JSON Schema, then, in each of `--runs` runs and
in an order that rotates from run to run, times as child processes:

- `datamodel-codegen` on the JSON Schema (Pydantic v2 models): the baseline of `new` and
  `generate --check`;
- `persistgen new project` on the spec, then a no-op `persistgen generate --check` on what it
  wrote (reported up to date from the stamp `new` recorded), and the same with `--full` (read,
  render and compare everything, as on a changed project; no goal);
- an empty Python start (`python -c pass`): the baseline of `persistgen --version` and `--help`
  (answered from the cache of Typer's output, filled once before the runs), and of `--help`
  laid out by Typer with no cache (no goal).

persistgen's cache (up-to-date stamps, help texts) is a directory of the benchmark's own, and
persistgen's bytecode is compiled first, as `pip install` does for a wheel: an editable install
run with PYTHONDONTWRITEBYTECODE=1 (as on this machine) compiles its modules on every start.

A time is a child's CPU time (user + system, with its own children: ruff); a ratio is taken
within one run, and each figure is printed as min / median / max over the runs, beside the
goal of issue 18. `--scale 1000,5000` then times `new`, `generate --check` and
`generate --check --full` once at each size and prints their CPU time per resource (flat when
the cost grows linearly).

Run: python benchmarks/generation.py --runs 5 [--scale 1000,5000]; --quick for a smoke run.
"""

from __future__ import annotations

import argparse
import compileall
import importlib.util
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
from importlib.metadata import version
from pathlib import Path

from many_resources import ordinary_spec  # beside this script, on its path

BIN = Path(sys.executable).parent
# (ratio, numerator, denominator, goal): at most `goal` times the denominator's CPU time.
GOALS = (
    ("new / datamodel-codegen", "new", "datamodel-codegen", 0.6),
    ("generate --check / datamodel-codegen", "generate --check", "datamodel-codegen", 0.3),
    ("--version / empty Python", "--version", "empty Python", 5.0),
    ("--help / empty Python", "--help", "empty Python", 5.0),
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--resources", type=int, default=200)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--scale", default="", help="sizes to time at, e.g. 1000,5000")
    parser.add_argument("--quick", action="store_true", help="10 resources, one run")
    args = parser.parse_args()
    resources, runs = (10, 1) if args.quick else (args.resources, args.runs)
    print(_machine())
    _compile_persistgen()
    with tempfile.TemporaryDirectory(prefix="persistgen-bench-") as tmp:
        work = Path(tmp)
        os.environ["PERSISTGEN_CACHE_DIR"] = str(work / "cache")  # inherited by each command
        _cpu([str(BIN / "persistgen"), "--help"])  # fills the cache of the help text
        print(f"schema: {resources:,} ordinary resources; {runs} runs")
        timings = [_run(work, resources, turn) for turn in range(runs)]
        _report(timings)
        for size in [int(s) for s in args.scale.split(",") if s]:
            for name, cpu in _time_sizes(work, size).items():
                each = cpu * 1000 / size
                print(f"{name}, {size:,} resources: {cpu:,.2f} s CPU, {each:,.2f} ms each")


def json_schema(count: int) -> str:
    """The resources of `ordinary_spec(count)` as one JSON Schema, a definition each."""
    definitions = {}
    for number in range(count):
        fields: dict[str, object] = {
            "id": {"type": "integer"},
            "name": {"type": "string", "maxLength": 80},
            "amount": {"type": "number", "default": 0},
            "status": {"enum": ["active", "suspended", "closed"], "default": "active"},
            "notes": {"anyOf": [{"type": "string"}, {"type": "null"}]},
            "seen": {"anyOf": [{"type": "string", "format": "date-time"}, {"type": "null"}]},
            "created_at": {"type": "string", "format": "date-time"},
            "updated_at": {"type": "string", "format": "date-time"},
        }
        if number:
            fields["parent"] = {"anyOf": [{"$ref": f"#/$defs/R{number // 10}"}, {"type": "null"}]}
            fields["previous"] = {"anyOf": [{"$ref": f"#/$defs/R{number - 1}"}, {"type": "null"}]}
        if number % 5 == 4:
            fields["tags"] = {"type": "array", "items": {"$ref": f"#/$defs/R{number - 2}"}}
        definitions[f"R{number}"] = {
            "type": "object",
            "description": f"Resource {number}, an ordinary table of a business application.",
            "properties": fields,
            "required": ["id", "name", "created_at", "updated_at"],
        }
    return json.dumps({"title": "Bench", "$defs": definitions}, indent=2)


def _run(work: Path, resources: int, turn: int) -> dict[str, float]:
    """One run: every command once, in an order rotated by `turn`; CPU seconds by name."""
    here = work / f"run{turn}"
    here.mkdir()
    spec, schema = here / "bench.yaml", here / "bench.json"
    spec.write_text(ordinary_spec(resources), encoding="utf-8")
    schema.write_text(json_schema(resources), encoding="utf-8")
    persistgen = str(BIN / "persistgen")
    new = [persistgen, "new", "project", "bench", "--spec", str(spec), "--dir", str(here)]
    codegen = [str(BIN / "datamodel-codegen"), "--input", str(schema), *_CODEGEN]
    steps = [
        ("datamodel-codegen", [*codegen, "--output", str(here / "models.py")]),
        ("new", new),  # `generate --check` follows it: it checks what `new` wrote
        ("empty Python", [sys.executable, "-c", "pass"]),
        ("--version", [persistgen, "--version"]),
        ("--help", [persistgen, "--help"]),
        ("--help, no cache", ["env", "PERSISTGEN_CACHE_DIR=", persistgen, "--help"]),
    ]
    shift = turn % len(steps)
    cpu: dict[str, float] = {}
    for name, command in steps[shift:] + steps[:shift]:
        cpu[name] = _cpu(command)
        if name == "new":
            check = [persistgen, "generate", "--check", "--project", str(here / "bench")]
            cpu["generate --check"] = _cpu(check)
            cpu["generate --check --full"] = _cpu([*check, "--full"])
    shutil.rmtree(here)
    return cpu


_CODEGEN = ["--input-file-type", "jsonschema", "--output-model-type", "pydantic_v2.BaseModel"]


def _cpu(command: list[str]) -> float:
    """The CPU time of `command`, which must succeed, and of the children it waited for."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if result.returncode != 0:
        sys.exit(f"{command[0]} failed ({result.returncode}):\n{result.stderr or result.stdout}")
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def _compile_persistgen() -> None:
    spec = importlib.util.find_spec("persistgen")
    assert spec is not None and spec.origin is not None
    compileall.compile_dir(Path(spec.origin).parent, quiet=1)


def _time_sizes(work: Path, resources: int) -> dict[str, float]:
    here = work / f"scale{resources}"
    here.mkdir()
    spec = here / "bench.yaml"
    spec.write_text(ordinary_spec(resources), encoding="utf-8")
    persistgen = str(BIN / "persistgen")
    new = [persistgen, "new", "project", "bench", "--spec", str(spec), "--dir", str(here)]
    check = [persistgen, "generate", "--check", "--project", str(here / "bench")]
    cpu = {
        "new": _cpu(new),
        "generate --check": _cpu(check),
        "generate --check --full": _cpu([*check, "--full"]),
    }
    shutil.rmtree(here)
    return cpu


def _report(timings: list[dict[str, float]]) -> None:
    print("CPU time, s (min / median / max):")
    for name in timings[0]:
        print(f"  {name:<24} {_spread([t[name] for t in timings], '.3f')}")
    print("ratios within a run (min / median / max), goal:")
    for label, numerator, denominator, goal in GOALS:
        ratios = [t[numerator] / t[denominator] for t in timings]
        verdict = "met" if statistics.median(ratios) <= goal else "NOT met"
        print(f"  {label:<38} {_spread(ratios, '.2f')}  <= {goal}x: {verdict}")


def _spread(values: list[float], form: str) -> str:
    low, middle, high = min(values), statistics.median(values), max(values)
    return f"{low:{form}} / {middle:{form}} / {high:{form}}"


def _machine() -> str:
    versions = ", ".join(
        f"{name} {version(name)}" for name in ("persistgen", "datamodel-code-generator", "ruff")
    )
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    return (
        f"machine: {os.cpu_count()} cores, {platform.platform()}, load {load}\n"
        f"Python {platform.python_version()}, {versions}"
    )


if __name__ == "__main__":
    main()
