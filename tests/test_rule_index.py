"""kubelint_py/registry/rule_index.py: generated from the rule modules, holding only what a run
needs before any check runs, and a run built from it behaves as one built by importing every
rule module."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from kubelint_py.config.config import Config
from kubelint_py.model import Source
from kubelint_py.registry import builtin
from kubelint_py.registry.builtin import (
    BUILTIN_PACKAGE,
    LAZY_FIELDS,
    ROW,
    DeferredCheck,
    named_rules_in_module,
)
from kubelint_py.registry.meta_file import FileMeta
from kubelint_py.registry.registry import Registry, build_registry, load_builtin, scan_builtin
from kubelint_py.registry.rule_index import RULES
from kubelint_py.run.pipeline import LintRequest, run_lint
from tests.helpers import FIXTURES, ROOT

_ID = ROW.index("id")


def _scanned() -> Registry:
    registry = Registry()
    scan_builtin(registry)
    return registry


def _indexed() -> Registry:
    registry = Registry()
    load_builtin(registry)
    return registry


def test_index_and_docs_are_what_the_generator_writes() -> None:
    """Never edited by hand: regenerate with `python scripts/generate.py`."""
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "generate.py"), "--check"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_index_holds_every_rule_with_the_modules_metadata() -> None:
    scanned, indexed = _scanned(), _indexed()
    assert list(indexed.rules) == list(scanned.rules)  # same ids, same registry order
    for rule_id, real in scanned.rules.items():
        listed = indexed.rules[rule_id]
        assert listed.meta == real.meta, rule_id  # the lazy fields read from the module compare too
        assert (listed.check is None) == (real.check is None), rule_id
        assert (listed.check_run is None) == (real.check_run is None), rule_id


def test_index_rows_name_the_module_and_attribute_of_each_rule() -> None:
    import importlib

    for row in RULES:
        assert len(row) == len(ROW)
        module_name, attribute, kind = row[:3]
        module = importlib.import_module(f"{BUILTIN_PACKAGE}.{module_name}")
        found = dict(named_rules_in_module(module))[attribute]
        assert found.id == row[_ID]
        assert kind == ("check" if found.check else "run" if found.check_run else "none")


def test_the_index_leaves_out_rationale_examples_and_references() -> None:
    """They were most of the index (5,500 lines): a run reads them only for SARIF, explain and
    the docs (the reports show a finding's remediation, which is indexed)."""
    text = (ROOT / "kubelint_py" / "registry" / "rule_index.py").read_text(encoding="utf-8")
    privileged = _scanned().rules["privileged-container"].meta
    assert privileged.rationale.strip()[:60] not in text
    assert privileged.examples.fail.strip()[:60] not in text
    assert not set(LAZY_FIELDS) & set(ROW)


def test_building_the_registry_imports_no_rule_module() -> None:
    code = (
        "import json, sys\n"
        "from kubelint_py.registry.registry import build_registry\n"
        "registry = build_registry(plugins=False)\n"
        "metas = [rule.meta for rule in registry.rules.values()]\n"
        "listed = [(m.id, m.title, m.severity, m.scope, m.default_enabled, m.options_schema) for m in metas]\n"
        f"print(json.dumps([len(registry.rules), [m for m in sys.modules if m.startswith('{BUILTIN_PACKAGE}.')]]))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT).stdout
    count, imported = json.loads(out)
    assert count == len(RULES)
    assert [m for m in imported if m.count(".") > 2] == []  # only the (empty) rule packages


def test_a_lazy_field_reads_the_rules_meta_file_once() -> None:
    meta = build_registry(plugins=False).rules["privileged-container"].meta
    assert isinstance(meta, FileMeta)
    real = _scanned().rules["privileged-container"].meta
    assert meta.remediation == real.remediation
    assert meta.examples == real.examples and meta.references == real.references
    assert meta.rationale is meta.rationale  # kept after the first read


def test_first_call_imports_the_module_and_puts_its_check_in_the_rule() -> None:
    registry = build_registry(plugins=False)
    found = registry.rules["privileged-container"]
    deferred = found.check
    assert isinstance(deferred, DeferredCheck)
    real = deferred.load()
    assert found.check is real
    assert getattr(real, "__module__", "").startswith(BUILTIN_PACKAGE)
    assert deferred.load() is real  # anything still holding the placeholder delegates


def test_a_meta_file_edited_since_the_index_was_written_is_reported(monkeypatch: pytest.MonkeyPatch) -> None:
    """The index keeps a checksum of each .meta.yaml file: a title or severity changed there
    without regenerating would otherwise run with the index's old values."""
    row = next(r for r in RULES if r[_ID] == "privileged-container")
    module = f"{BUILTIN_PACKAGE}.{row[0]}"
    checksums = builtin._checksums()
    monkeypatch.setattr(builtin, "_checksums", lambda: {**checksums, module: checksums[module] + 1})
    builtin._meta_file_indexed.cache_clear()  # read once per module: forget what earlier tests read
    deferred = DeferredCheck(module, row[1], run=False)
    deferred.rule = build_registry(plugins=False).rules["privileged-container"]
    try:
        with pytest.raises(RuntimeError, match=r"was edited since\); regenerate it with `python scripts/generate\.py`"):
            deferred.load()
    finally:
        builtin._meta_file_indexed.cache_clear()


def test_an_attribute_holding_another_rule_is_reported() -> None:
    """The index names a module attribute; when that now holds another rule (renamed, or its
    id changed), the run stops instead of running the wrong check."""
    indexed = build_registry(plugins=False).rules["host-port-used"]
    other = next(r for r in RULES if r[0] == "cluster_hardening.host_access" and r[_ID] != "host-port-used")
    deferred = DeferredCheck(f"{BUILTIN_PACKAGE}.{other[0]}", other[1], run=False)
    deferred.rule = indexed
    with pytest.raises(RuntimeError, match=r"out of date for rule host-port-used"):
        deferred.load()


@pytest.mark.slow
def test_lint_from_the_index_equals_lint_with_every_module_imported() -> None:
    """Every rule fires on fixtures/: the deferred checks find what the modules' own find."""
    request = LintRequest(paths=[str(FIXTURES)], plugins=False, cwd=ROOT)
    indexed = run_lint(request, Config(), _indexed())
    scanned = run_lint(request, Config(), _scanned())
    assert indexed.findings == scanned.findings
    assert indexed.rules == scanned.rules
    assert len({f.rule_id for f in indexed.findings}) > 100


def test_the_engine_calls_a_deferred_check_only_until_it_is_loaded(monkeypatch: pytest.MonkeyPatch) -> None:
    """The engine's plan per set of rules is made again after its first document, from the
    checks the first calls loaded: later documents call the module's check, not the placeholder."""
    calls: list[str] = []
    through = DeferredCheck.__call__

    def counted(self: DeferredCheck, *args: object) -> object:
        calls.append(self.attribute)
        return through(self, *args)

    monkeypatch.setattr(DeferredCheck, "__call__", counted)
    deployment = (
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web{n}\n  namespace: a\nspec:\n"
        "  selector:\n    matchLabels: {{app: web}}\n  template:\n    metadata:\n      labels: {{app: web}}\n"
        "    spec:\n      containers:\n      - name: web\n        image: nginx:1.27\n"
    )

    def deferred_calls(documents: int) -> int:
        calls.clear()
        text = "---\n".join(deployment.format(n=n) for n in range(documents))
        request = LintRequest(sources=[Source("d.yaml", text.encode())], plugins=False, cwd=ROOT)
        assert run_lint(request, Config(), _indexed()).findings  # a fresh registry: nothing loaded yet
        return len(calls)

    once = deferred_calls(1)
    assert once > 20  # the placeholders are called for the first document
    assert deferred_calls(3) == once  # and for no later one
