#!/usr/bin/env python3
"""Time the pre-commit case: `kubelint lint ONE_SMALL_FILE` against the parse-only floor.

    python scripts/bench_precommit.py [--runs 15] [--file PATH] [--kubelint .venv/bin/kubelint ...]

Runs, in alternation so machine noise hits both alike, `parse_floor.py pyyaml-load DIR`
(DIR holds only the file) and `kubelint lint FILE`, as whole processes with byte-code
caching on, each under `/usr/bin/time -f %e` when that exists. Prints the median, min and
max wall time of each (perf_counter around the child and, when available, GNU time's %e),
the median CPU time (user + sys) and the ratio kubelint / floor. The issue's target for
this case is a ratio of at most 4. Give --kubelint more than once to compare installs
(say, a wheel of the previous commit and one of this one) in the same alternation.

Without --file it lints the first file (sorted) of a 500-document corpus made by
../shared/bench/make_corpus.py, as benchmarks/run.py does for its "small" rows.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT.parent / "shared" / "bench"
_ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
GNU_TIME = "/usr/bin/time" if Path("/usr/bin/time").exists() else None


def run(cmd: list[str], cwd: Path) -> tuple[float, float, float | None]:
    """Wall seconds (perf_counter), CPU seconds (user + sys of the child), GNU time's %e."""
    if GNU_TIME:
        cmd = [GNU_TIME, "-f", "%e", *cmd]
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=_ENV)
    assert proc.stderr is not None
    err = proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    code = os.waitstatus_to_exitcode(status)
    if code not in (0, 1):
        sys.exit(f"{' '.join(cmd)} failed with exit code {code}: {err.decode(errors='replace')}")
    gnu = None
    if GNU_TIME:
        try:
            gnu = float(err.decode().strip().splitlines()[-1])
        except (ValueError, IndexError):
            gnu = None
    return wall, usage.ru_utime + usage.ru_stime, gnu


def small_file(workdir: Path) -> Path:
    corpus = workdir / "corpus-500"
    subprocess.run(
        [sys.executable, str(BENCH / "make_corpus.py"), "--docs", "500", "--out", str(corpus)],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return next(iter(sorted(corpus.rglob("*.yaml"))))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--file", type=Path, help="the manifest to lint [default: first file of a 500-doc corpus]")
    parser.add_argument("--kubelint", action="append", help="kubelint executable (repeatable) [default: beside python]")
    parser.add_argument("--workdir", type=Path, default=Path(tempfile.gettempdir()) / "kubelint-bench-precommit")
    args = parser.parse_args()
    args.workdir.mkdir(parents=True, exist_ok=True)
    source = args.file or small_file(args.workdir)
    small_dir = args.workdir / "one-file"
    shutil.rmtree(small_dir, ignore_errors=True)
    small_dir.mkdir()
    target = small_dir / source.name
    target.write_bytes(source.read_bytes())
    kubelints = args.kubelint or [str(Path(sys.executable).parent / "kubelint")]
    commands = {"floor pyyaml-load": [sys.executable, str(BENCH / "parse_floor.py"), "pyyaml-load", str(small_dir)]}
    for number, kubelint in enumerate(kubelints):
        name = "kubelint lint FILE" if len(kubelints) == 1 else f"kubelint #{number + 1}"
        commands[name] = [kubelint, "lint", str(target)]
    for cmd in commands.values():  # warm-up: write byte code, fill the page cache
        run(cmd, args.workdir)
    walls: dict[str, list[float]] = {name: [] for name in commands}
    cpus: dict[str, list[float]] = {name: [] for name in commands}
    gnus: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(args.runs):
        for name, cmd in commands.items():
            wall, cpu, gnu = run(cmd, args.workdir)
            walls[name].append(wall)
            cpus[name].append(cpu)
            if gnu is not None:
                gnus[name].append(gnu)
    print(f"{args.runs} alternating runs each; file {source.name} ({target.stat().st_size} bytes)")
    for name, cmd in commands.items():
        w = walls[name]
        line = f"{name:20s} wall median {statistics.median(w):.3f}s (min {min(w):.3f} max {max(w):.3f})"
        line += f"  cpu median {statistics.median(cpus[name]):.3f}s"
        if gnus[name]:
            line += f"  /usr/bin/time %e median {statistics.median(gnus[name]):.2f}s"
        print(line + ("" if name.startswith("floor") else f"  [{cmd[0]}]"))
    floor = statistics.median(walls["floor pyyaml-load"])
    g_floor = statistics.median(gnus["floor pyyaml-load"]) if gnus["floor pyyaml-load"] else None
    for name in list(commands)[1:]:
        line = f"{name}: ratio to the floor {statistics.median(walls[name]) / floor:.2f}x (wall medians; target <= 4)"
        if g_floor and gnus[name]:
            line += f", {statistics.median(gnus[name]) / g_floor:.2f}x with /usr/bin/time %e medians"
        print(line)


if __name__ == "__main__":
    main()
