"""The atheris targets themselves run on the seeds, where atheris is installed (scripts/test
installs it): a target that no longer fits the code it checks (the position index changed shape
under fuzz/fuzz_loader.py once) fails here, not minutes into the fuzz step."""

from __future__ import annotations

import dataclasses
import importlib.util
from types import ModuleType
from typing import Any

import pytest

from tests.helpers import ROOT

SEEDS = sorted((ROOT / "fuzz" / "seeds").iterdir())


def _target(name: str) -> ModuleType:
    pytest.importorskip("atheris")
    spec = importlib.util.spec_from_file_location(f"fuzz_target_{name}", ROOT / "fuzz" / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("name", ["fuzz_loader", "fuzz_lint"])
def test_target_accepts_every_seed(name: str) -> None:
    target = _target(name)
    for seed in SEEDS:
        target.TestOneInput(seed.read_bytes())


def test_loader_target_fails_on_a_broken_promise(monkeypatch: pytest.MonkeyPatch) -> None:
    target = _target("fuzz_loader")
    real_load = target.load_source

    def load_past_the_end(source: Any, options: Any, result: Any) -> None:  # a span past the file's end
        real_load(source, options, result)
        result.documents[:] = [
            dataclasses.replace(doc, span=doc.span._replace(end=doc.span.end._replace(line=10_000)))
            for doc in result.documents
        ]

    monkeypatch.setattr(target, "load_source", load_past_the_end)
    with pytest.raises(AssertionError):
        target.TestOneInput((ROOT / "fuzz" / "seeds" / "pass-valid.yaml").read_bytes())
