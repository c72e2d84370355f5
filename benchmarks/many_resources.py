"""How `persistgen new project` scales with the size of the spec: wall time and peak memory.

Writes a spec of `--resources` simple resources (a title, a count, a flag, a note; every
resource after the first references the one before it) or, with `--fields`, one resource of
that many fields, then runs `persistgen new project` on it in a child process and prints the
wall time, the child's peak memory (its maximum resident set) and what it wrote. `--profile`
runs the same generation under cProfile in this process instead and prints where the time goes.

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
    parser.add_argument("--fields", type=int, default=0, help="one resource with this many")
    parser.add_argument("--profile", action="store_true", help="cProfile in this process")
    args = parser.parse_args()
    spec = wide_spec(args.fields) if args.fields else many_resources_spec(args.resources)
    with tempfile.TemporaryDirectory(prefix="persistgen-bench-") as tmp:
        spec_file = Path(tmp) / "bench.yaml"
        spec_file.write_text(spec, encoding="utf-8")
        print(f"spec: {len(spec.encode()):,} bytes, {_shape(args)}")
        if args.profile:
            _profile(spec_file, Path(tmp))
        else:
            _measure(spec_file, Path(tmp))


def many_resources_spec(count: int) -> str:
    lines = ["version: 1", "project:", "  name: bench", "resources:"]
    for number in range(count):
        last = f"previous: ref:R{number - 1}?" if number else "note: text?"
        lines.append(
            f"  R{number}: {{fields: {{title: str:200, count: int?, done: bool=false, {last}}}}}"
        )
    return "\n".join(lines) + "\n"


def wide_spec(count: int) -> str:
    lines = ["version: 1", "project:", "  name: bench", "resources:", "  Wide:", "    fields:"]
    lines += [f"      f{number}: int?" for number in range(count)]
    return "\n".join(lines) + "\n"


def _shape(args: argparse.Namespace) -> str:
    if args.fields:
        return f"1 resource of {args.fields:,} fields"
    return f"{args.resources:,} resources of {FIELDS_PER_RESOURCE} fields"


def _measure(spec_file: Path, parent: Path) -> None:
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
    peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss  # KiB on Linux
    files = [p for p in (parent / "bench").rglob("*") if p.is_file()]
    written = sum(p.stat().st_size for p in files)
    print(f"wall time: {wall:,.1f} s")
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
