"""How `persistgen new project` scales with the size of the spec: wall time and peak memory.

Writes a spec of `--resources` simple resources (a title, a count, a flag, a note; every
resource after the first references the one before it), of `--resources` `--ordinary` ones
(seven to nine fields written out with their options, a description, timestamps, references
to the one before and to a parent, every fifth a many-to-many link), or, with `--fields N`,
one resource of N columns (N - 1 fields and the implicit `id`). Then it runs `persistgen new
project` on it in a child process and prints the wall time, the child's CPU time and peak
memory (its maximum resident set), the same per resource (flat when generation grows
linearly), and what it wrote. `--profile` runs the same generation under cProfile in this
process instead and prints where the time goes.

Run: python benchmarks/many_resources.py --resources 10000
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

FIELDS_PER_RESOURCE = 4


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--resources", type=int, default=100)
    parser.add_argument("--ordinary", action="store_true", help="resources of 7-9 fields")
    parser.add_argument("--fields", type=int, default=0, help="one table of this many columns")
    parser.add_argument("--profile", action="store_true", help="cProfile in this process")
    args = parser.parse_args()
    if args.fields:
        spec = wide_spec(args.fields)
    elif args.ordinary:
        spec = ordinary_spec(args.resources)
    else:
        spec = many_resources_spec(args.resources)
    with tempfile.TemporaryDirectory(prefix="persistgen-bench-") as tmp:
        spec_file = Path(tmp) / "bench.yaml"
        spec_file.write_text(spec, encoding="utf-8")
        print(f"spec: {len(spec.encode()):,} bytes, {_shape(args)}")
        if args.profile:
            _profile(spec_file, Path(tmp))
        else:
            _measure(spec_file, Path(tmp), 1 if args.fields else args.resources)


def many_resources_spec(count: int) -> str:
    lines = ["version: 1", "project:", "  name: bench", "resources:"]
    for number in range(count):
        last = f"previous: ref:R{number - 1}?" if number else "note: text?"
        lines.append(
            f"  R{number}: {{fields: {{title: str:200, count: int?, done: bool=false, {last}}}}}"
        )
    return "\n".join(lines) + "\n"


def ordinary_spec(count: int) -> str:
    """Resources as people write them: about 520 bytes and 31 values each."""
    lines = ["version: 1", "project:", "  name: bench", "resources:"]
    for number in range(count):
        lines += [
            f"  R{number}:",
            f"    description: Resource {number}, an ordinary table of a business application.",
            "    timestamps: true",
            "    fields:",
            "      name: {type: str, max_length: 80, unique: true, filter: true}",
            "      amount: {type: decimal, precision: 10, scale: 2, default: 0}",
            "      status: {type: enum, values: [active, suspended, closed], default: active}",
            "      notes: text?",
            "      seen: datetime?",
        ]
        if number:
            parent = f"R{number // 10}"  # a tree: each parent has at most ten children
            lines += [
                f"      parent: {{type: ref, target: {parent}, nullable: true, "
                f"on_delete: set null, back_populates: kids_of_r{number}}}",
                f"      previous: ref:R{number - 1}?",
            ]
        if number % 5 == 4:
            lines.append(f"      tags: {{type: many, target: R{number - 2}}}")
    return "\n".join(lines) + "\n"


def wide_spec(count: int) -> str:
    lines = ["version: 1", "project:", "  name: bench", "resources:", "  Wide:", "    fields:"]
    lines += [f"      f{number}: int?" for number in range(count - 1)]  # and the `id`
    return "\n".join(lines) + "\n"


def _shape(args: argparse.Namespace) -> str:
    if args.fields:
        return f"1 resource of {args.fields:,} columns"
    if args.ordinary:
        return f"{args.resources:,} ordinary resources"
    return f"{args.resources:,} resources of {FIELDS_PER_RESOURCE} fields"


def _measure(spec_file: Path, parent: Path, resources: int) -> None:
    command = [sys.executable, "-m", "persistgen", "new", "project", "bench"]
    start = time.perf_counter()
    result = subprocess.run(
        [*command, "--spec", str(spec_file), "--dir", str(parent)],
        capture_output=True,
        text=True,
    )
    wall = time.perf_counter() - start
    if result.returncode != 0:
        sys.exit(f"persistgen failed ({result.returncode}):\n{result.stderr or result.stdout}")
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)  # the child and its ruff runs
    cpu = usage.ru_utime + usage.ru_stime
    peak_kib = usage.ru_maxrss  # KiB on Linux; the largest of the processes
    files = [p for p in (parent / "bench").rglob("*") if p.is_file()]
    written = sum(p.stat().st_size for p in files)
    print(f"wall time: {wall:,.1f} s")
    print(f"CPU time: {cpu:,.1f} s")
    each = 1000 / resources
    print(f"per resource: {wall * each:,.1f} ms wall, {cpu * each:,.1f} ms CPU")
    print(f"peak memory: {peak_kib / 1024:,.0f} MiB")
    print(f"files written: {len(files):,} ({written / 2**20:,.1f} MiB)")


def _profile(spec_file: Path, parent: Path) -> None:
    from persistgen import pipeline

    text = spec_file.read_text(encoding="utf-8")
    profile = cProfile.Profile()
    start = time.perf_counter()
    profile.runcall(pipeline.new_project, parent / "bench", text)
    print(f"wall time (profiled): {time.perf_counter() - start:,.1f} s")
    pstats.Stats(profile).sort_stats("cumulative").print_stats(30)


if __name__ == "__main__":
    main()
