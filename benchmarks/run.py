#!/usr/bin/env python3
"""Time kubelint against the parse-only floor on the shared benchmark corpus.

    python benchmarks/run.py [--docs 10000] [--runs 5] [--big 50000] [--big-runs 3]
                             [--kubelint PATH] [--only json ...]

Builds the corpora with ../shared/bench/make_corpus.py (deterministic), then runs, in
alternation, the floor (`parse_floor.py pyyaml-load`, PyYAML's C loader, no positions), the
position-keeping C compose + walk floor, and `kubelint lint CORPUS` as whole processes,
several times; prints medians with min-max, the median CPU time (user + sys, children
included), peak RSS and the ratios to the floor of the same input and the same run.

Every rule is on: `--select` with every rule `kubelint rules --all` lists, opt-in ones included
(on the command line, as pre-commit passes options, so no configuration file is read); schemas
too (the default). The rows (issue 20's targets beside them):

* the 10,000-document corpus with default workers in every format: text, JSON, SARIF (1.6x),
  GitHub annotations and JUnit (no target);
* `--jobs 1` with JSON (2.0x), and `--jobs 1` text with and without the schema rules, whose
  difference in CPU time is the schema rules' share (issue 17: at most 10 %);
* one small file, the pre-commit case (3.0x the floor's one-file process), and the same with the
  rules enabled by a `.kubelint.yaml` (no target: what reading and validating one costs);
* `busy:` default workers against `--jobs 1`, JSON, while this script keeps one core busy with
  a spinning process: the default must not lose by more than noise (5 %);
* `--big` documents (50,000) with JSON: the ratio to the floor of that corpus, peak RSS
  (1.2 GB; 300 MB at 10,000) and the CPU cost per document against the 10,000-document run
  (at most 1.15x).

Ratios are of wall-time medians; `cpu` is the median CPU time (user + sys, the workers
included) and `cpu ratio` its ratio to the floor's, the steadier figure on a shared machine
(a run with two workers spends more CPU than wall time). Peak RSS is the largest single
process of the command (os.wait4 of the child, its forked workers included as the biggest
one). The script prints the spread (max-min over median) of the floor as the run's noise.

kubelint is measured as users run it: the wheel of this checkout, built and installed into a
fresh virtual environment under the work folder (an editable install's import finder adds about
7 ms to every start, 5 % of the one-small-file run). `--kubelint PATH` measures another one.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCHEMA_RULES = "schema-unknown-field,schema-violation,custom-resource-schema-violation,schema-kind-unknown"
SCHEMA_SHARE_TARGET = 0.10
BENCH = ROOT.parent / "shared" / "bench"
# Byte-code caching on, as in a real install (some sandboxes export PYTHONDONTWRITEBYTECODE,
# which makes every run recompile every module and measures the compiler, not the linter).
_ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}

# issue 20's targets: wall-time ratios to the pyyaml-load floor of the same input
RATIO_TARGETS = {
    "kubelint lint": 1.6,
    "kubelint lint --format json": 1.6,
    "kubelint lint --format sarif": 1.6,
    "kubelint lint --jobs 1 --format json": 2.0,
    "small: kubelint lint": 3.0,
}
MB = 1_000_000
RSS_TARGETS = {"kubelint lint --format json": 300 * MB, "big: kubelint lint --format json": 1200 * MB}
PER_DOCUMENT_TARGET = 1.15  # CPU per document at --big against the 10,000-document run
BUSY_NOISE = 1.05  # default workers against --jobs 1 with one core busy


def timed(cmd: list[str], cwd: Path) -> tuple[float, int, int, float]:
    """Wall seconds, peak RSS (KiB) of this child alone (os.wait4), exit code, CPU seconds."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=_ENV)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode not in (0, 1):
        sys.exit(f"{' '.join(cmd)} failed with exit code {proc.returncode}")
    return wall, usage.ru_maxrss, proc.returncode, usage.ru_utime + usage.ru_stime


class Spinner:
    """One process spinning on a core while a `busy:` row runs (another engineer's tests)."""

    def __enter__(self) -> Spinner:
        self.proc = subprocess.Popen([sys.executable, "-c", "while True: pass"])
        time.sleep(0.2)  # let it get going
        return self

    def __exit__(self, *_exc: object) -> None:
        self.proc.kill()
        self.proc.wait()


class Results:
    def __init__(self) -> None:
        self.wall: dict[str, list[float]] = {}
        self.cpu: dict[str, list[float]] = {}
        self.rss: dict[str, int] = {}

    def measure(self, name: str, cmd: list[str], cwd: Path) -> None:
        if name.startswith("busy:"):
            with Spinner():
                wall, peak, _, seconds = timed(cmd, cwd)
        else:
            wall, peak, _, seconds = timed(cmd, cwd)
        self.wall.setdefault(name, []).append(wall)
        self.cpu.setdefault(name, []).append(seconds)
        self.rss[name] = max(self.rss.get(name, 0), peak)

    def median(self, name: str) -> float:
        return statistics.median(self.wall[name])

    def median_cpu(self, name: str) -> float:
        return statistics.median(self.cpu[name])


def installed_wheel(workdir: Path) -> str:
    """`kubelint` of this checkout's wheel, installed into a fresh virtual environment."""
    dist, venv = workdir / "dist", workdir / "venv"
    for old in dist.glob("*.whl"):
        old.unlink()
    built = subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--outdir", str(dist), str(ROOT)], capture_output=True, text=True
    )
    if built.returncode:
        sys.exit(f"building the wheel failed:\n{built.stdout}{built.stderr}")
    if not (venv / "bin" / "python").exists():
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    wheel = str(next(dist.glob("*.whl")))
    pip = [str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet"]
    for extra in ([], ["--force-reinstall", "--no-deps"]):  # its dependencies once, then this code
        done = subprocess.run([*pip, *extra, wheel], capture_output=True, text=True)
        if done.returncode:
            sys.exit(f"installing {wheel} failed:\n{done.stderr}")
    return str(venv / "bin" / "kubelint")


def corpus(docs: int, workdir: Path) -> Path:
    out = workdir / f"corpus-{docs}"
    subprocess.run(
        [sys.executable, str(BENCH / "make_corpus.py"), "--docs", str(docs), "--out", str(out)],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return out


def every_rule(kubelint: str, workdir: Path) -> list[str]:
    """The id of every rule, the opt-in ones too."""
    listed = subprocess.run(
        [kubelint, "rules", "--all", "--format", "json"], check=True, capture_output=True, cwd=workdir, env=_ENV
    )
    return sorted(rule["id"] for rule in json.loads(listed.stdout))


def all_rules_config(ids: list[str], workdir: Path) -> Path:
    """A configuration that enables every rule."""
    path = workdir / "all-rules.kubelint.yaml"
    path.write_text("rules:\n  enable:\n" + "".join(f"    - {rule_id}\n" for rule_id in ids))
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--docs", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--big", type=int, default=50_000, help="documents of the scaling rows (0: none)")
    parser.add_argument("--big-runs", type=int, default=3)
    parser.add_argument("--workdir", type=Path, default=Path(tempfile.gettempdir()) / "kubelint-bench")
    parser.add_argument("--kubelint", help="the kubelint to measure (default: this checkout's wheel, installed)")
    parser.add_argument("--only", action="append", default=[], help="run only the rows whose name contains this")
    args = parser.parse_args()
    args.workdir.mkdir(parents=True, exist_ok=True)
    args.kubelint = args.kubelint or installed_wheel(args.workdir)
    ids = every_rule(args.kubelint, args.workdir)
    config = all_rules_config(ids, args.workdir)
    python = sys.executable
    floor = [python, str(BENCH / "parse_floor.py")]
    kubelint = [args.kubelint, "lint", "--select", ",".join(ids)]

    def lint(path: Path, *extra: str) -> list[str]:
        return [*kubelint, str(path), *extra, "--output", os.devnull]

    main_corpus = corpus(args.docs, args.workdir)
    small = next(iter(sorted(main_corpus.rglob("*.yaml"))))
    small_dir = args.workdir / "small"
    small_dir.mkdir(exist_ok=True)
    (small_dir / small.name).write_bytes(small.read_bytes())
    commands = {
        "floor pyyaml-load": [*floor, "pyyaml-load", str(main_corpus)],
        "floor ruamel-compose-c-walk": [*floor, "ruamel-compose-c-walk", str(main_corpus)],
        "kubelint lint": lint(main_corpus),
        "kubelint lint --format json": lint(main_corpus, "--format", "json"),
        "kubelint lint --format sarif": lint(main_corpus, "--format", "sarif"),
        "kubelint lint --format github": lint(main_corpus, "--format", "github"),
        "kubelint lint --format junit": lint(main_corpus, "--format", "junit"),
        "kubelint lint --jobs 1 --format json": lint(main_corpus, "--jobs", "1", "--format", "json"),
        "kubelint lint --jobs 1": lint(main_corpus, "--jobs", "1"),
        # the same without the schema rules: the difference is what schema validation costs
        "kubelint lint --jobs 1, no schema rules": lint(main_corpus, "--jobs", "1", "--ignore", SCHEMA_RULES),
        # one core taken by another process: do the default workers still pay for themselves?
        "busy: kubelint lint --format json": lint(main_corpus, "--format", "json"),
        "busy: kubelint lint --jobs 1 --format json": lint(main_corpus, "--jobs", "1", "--format", "json"),
        "small: floor pyyaml-load": [*floor, "pyyaml-load", str(small_dir)],
        "small: kubelint lint": [*kubelint, str(small_dir / small.name)],
        "small: kubelint lint, rules from .kubelint.yaml": [
            *(args.kubelint, "lint", "--config", str(config), str(small_dir / small.name)),
        ],
    }
    big_commands: dict[str, list[str]] = {}
    if args.big:
        big_corpus = corpus(args.big, args.workdir)
        big_commands = {
            "big: floor pyyaml-load": [*floor, "pyyaml-load", str(big_corpus)],
            "big: kubelint lint --format json": lint(big_corpus, "--format", "json"),
        }
    references = {"floor pyyaml-load", "small: floor pyyaml-load", "big: floor pyyaml-load"}
    if args.only:

        def keep(table: dict[str, list[str]]) -> dict[str, list[str]]:
            return {n: c for n, c in table.items() if n in references or any(o in n for o in args.only)}

        commands, big_commands = keep(commands), keep(big_commands)
        if set(big_commands) <= references:
            big_commands = {}
    results = Results()
    for name, cmd in commands.items():  # warm-up (`kubelint rules` above too): byte code, page cache
        if name.startswith("small:"):
            timed(cmd, args.workdir)
    for _ in range(args.runs):  # alternate, so machine noise hits every command alike
        for name, cmd in commands.items():
            results.measure(name, cmd, args.workdir)
    for _ in range(args.big_runs if big_commands else 0):
        for name, cmd in big_commands.items():
            results.measure(name, cmd, args.workdir)
    report(results, args)


def reference_of(name: str) -> str:
    if name.startswith("small:"):
        return "small: floor pyyaml-load"
    if name.startswith("big:"):
        return "big: floor pyyaml-load"
    return "floor pyyaml-load"


def verdict(met: bool) -> str:
    return "met" if met else "NOT met"


def report(results: Results, args: argparse.Namespace) -> None:
    print(
        f"corpus: {args.docs:,} documents, {args.runs} runs each; big: {args.big:,} documents, "
        f"{args.big_runs} runs each; alternating; every rule enabled"
    )
    for name, walls in results.wall.items():
        med = statistics.median(walls)
        ref = results.median(reference_of(name))
        notes = []
        target = RATIO_TARGETS.get(name) if args.docs == 10_000 or name.startswith("small") else None
        if target is not None:
            notes.append(f"target {target:.1f}x: {verdict(med / ref <= target)}")
        rss_target = RSS_TARGETS.get(name)
        if rss_target is not None and (args.big == 50_000 if name.startswith("big") else args.docs == 10_000):
            notes.append(f"RSS target {rss_target / MB:,.0f} MB: {verdict(results.rss[name] * 1024 <= rss_target)}")
        cpu_ratio = results.median_cpu(name) / results.median_cpu(reference_of(name))
        print(
            f"{name:48s} median {med:7.3f}s  min {min(walls):7.3f}s  max {max(walls):7.3f}s  "
            f"ratio {med / ref:5.2f}x  cpu {results.median_cpu(name):7.3f}s  cpu ratio {cpu_ratio:5.2f}x  "
            f"peak RSS {results.rss[name] * 1024 / MB:6.0f} MB" + (f"  {'; '.join(notes)}" if notes else "")
        )
    for floor in ("floor pyyaml-load", "big: floor pyyaml-load"):
        if floor in results.wall and len(results.wall[floor]) > 1:
            walls = results.wall[floor]
            spread = (max(walls) - min(walls)) / statistics.median(walls)
            print(f"noise: {floor} spread (max-min)/median {spread:.1%}")
    lines: list[Callable[[], str | None]] = [
        lambda: documents_per_second(results, args.docs),
        lambda: schema_share(results, args.docs),
        lambda: busy(results),
        lambda: per_document(results, args.docs, args.big),
    ]
    for line in lines:
        text = line()
        if text:
            print(text)


def documents_per_second(results: Results, docs: int) -> str | None:
    if "kubelint lint" not in results.wall:
        return None
    return f"kubelint: {docs / results.median('kubelint lint'):,.0f} documents/second"


def schema_share(results: Results, docs: int) -> str | None:
    """The schema rules' share of a one-process run: (with - without) / with, CPU-time medians."""
    if "kubelint lint --jobs 1" not in results.cpu or "kubelint lint --jobs 1, no schema rules" not in results.cpu:
        return None
    with_rules = results.median_cpu("kubelint lint --jobs 1")
    without = results.median_cpu("kubelint lint --jobs 1, no schema rules")
    share = (with_rules - without) / with_rules
    note = f"  target {SCHEMA_SHARE_TARGET:.0%}: {verdict(share <= SCHEMA_SHARE_TARGET)}" if docs == 10_000 else ""
    return f"schema rules: {with_rules - without:.3f}s of {with_rules:.3f}s CPU with --jobs 1 ({share:.1%}){note}"


def busy(results: Results) -> str | None:
    default, one = "busy: kubelint lint --format json", "busy: kubelint lint --jobs 1 --format json"
    if default not in results.wall or one not in results.wall:
        return None
    ratio = results.median(default) / results.median(one)
    return (
        f"one core busy: default workers {results.median(default):.3f}s against --jobs 1 {results.median(one):.3f}s "
        f"({ratio:.2f}x; CPU {results.median_cpu(default):.3f}s against {results.median_cpu(one):.3f}s)  "
        f"target at most {BUSY_NOISE:.2f}x: {verdict(ratio <= BUSY_NOISE)}"
    )


def per_document(results: Results, docs: int, big: int) -> str | None:
    small, large = "kubelint lint --format json", "big: kubelint lint --format json"
    if small not in results.cpu or large not in results.cpu:
        return None
    here = results.median_cpu(small) / docs
    there = results.median_cpu(large) / big
    wall_ratio = (results.median(large) / big) / (results.median(small) / docs)
    return (
        f"CPU per document: {here * 1000:.3f} ms at {docs:,}, {there * 1000:.3f} ms at {big:,} "
        f"({there / here:.2f}x; wall {wall_ratio:.2f}x)  target {PER_DOCUMENT_TARGET:.2f}x: "
        f"{verdict(there / here <= PER_DOCUMENT_TARGET)}"
    )


if __name__ == "__main__":
    main()
