"""Coverage-guided fuzzing of a whole lint run (loader, context, every rule) with atheris.

    .venv/bin/python fuzz/fuzz_lint.py -max_total_time=600 -dict=fuzz/yaml.dict [corpus-dir] fuzz/seeds

Fails when anything escapes `run_lint` or a rule raises (an `internal-error` finding).
"""

from __future__ import annotations

import sys
from pathlib import Path

import atheris  # type: ignore[import-untyped, import-not-found, unused-ignore]

with atheris.instrument_imports(include=["kubelint_py", "rules"]):
    from kubelint_py.config.config import Config
    from kubelint_py.model import Source
    from kubelint_py.registry.registry import build_registry
    from kubelint_py.run.pipeline import LintRequest, run_lint

REGISTRY = build_registry(plugins=False)
CWD = Path(__file__).resolve().parent


def TestOneInput(data: bytes) -> None:  # atheris calls it by this name
    request = LintRequest(sources=[Source("fuzz.yaml", data)], plugins=False, cwd=CWD)
    report = run_lint(request, Config(), REGISTRY)
    failures = [f.message for f in report.findings if f.rule_id == "internal-error"]
    assert not failures, failures


def main() -> None:
    atheris.Setup(sys.argv, TestOneInput)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
