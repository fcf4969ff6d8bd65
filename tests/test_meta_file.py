"""A rule's metadata in the `.meta.yaml` file beside its module: read once, on first use, and
every mistake in it named with the file and the rule."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from kubelint_py.model import DocType, Examples, Severity
from kubelint_py.registry.meta_file import FileMeta, RuleMetaError, build_meta, meta_path, read_meta_file

ENTRY = """\
demo-rule:
  title: A demo
  document: kubelint
  severity: warning
  doc_types: [audit-policy]
  rationale: |-
    Why it matters.
  remediation: Fix it.
  examples:
    fail: |
      kind: A
    pass: |
      kind: B
"""


def _file(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "demo.meta.yaml"
    path.write_text(text, encoding="utf-8")
    read_meta_file.cache_clear()
    return path


def test_an_entry_builds_the_same_metadata_as_the_keywords(tmp_path: Path) -> None:
    read = read_meta_file(_file(tmp_path, ENTRY))["demo-rule"]
    keywords = build_meta(
        id="demo-rule",
        title="A demo",
        document="kubelint",
        severity=Severity.WARNING,
        doc_types=(DocType.AUDIT_POLICY,),
        rationale="\nWhy it matters.\n",
        remediation="Fix it.",
        examples=("kind: A\n", "kind: B\n"),
    )
    assert read == keywords
    assert read.examples == Examples("kind: A\n", "kind: B\n")


def test_a_file_meta_reads_its_file_on_first_use_only(tmp_path: Path) -> None:
    path = _file(tmp_path, ENTRY)
    meta = FileMeta.of(path, "demo-rule", title="from the index")
    assert meta.title == "from the index"  # given fields are kept, not read
    path.unlink()  # nothing has been read yet
    with pytest.raises(RuleMetaError, match=r"demo\.meta\.yaml"):
        _ = meta.rationale
    _file(tmp_path, ENTRY)
    assert meta.rationale == "Why it matters."
    assert meta.title == "from the index"


def test_meta_path_is_beside_the_module() -> None:
    assert meta_path("/x/rules/pdb_missing.py") == Path("/x/rules/pdb_missing.meta.yaml")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (ENTRY.replace("  title: A demo\n", ""), r"demo-rule: missing 1 required keyword-only argument: 'title'"),
        (ENTRY + "  colour: red\n", r"demo-rule: got an unexpected keyword argument 'colour'"),
        (ENTRY.replace("severity: warning", "severity: fatal"), r"demo-rule: unknown severity 'fatal'"),
        (ENTRY.replace("[audit-policy]", "[audit-log]"), r"demo-rule: 'audit-log' is not a valid DocType"),
        (ENTRY.replace("    pass: |\n      kind: B\n", ""), r"demo-rule: examples has exactly the keys fail and pass"),
        (ENTRY + "  title: again\n", r"demo.meta.yaml:\d+: title is defined twice"),
        ("- a list\n", r"expected a mapping of rule ids"),
        ("demo-rule: just text\n", r"demo-rule: expected a mapping of metadata fields"),
        ("demo-rule: {title: [unclosed\n", r"demo.meta.yaml:\d+:\d+: "),
    ],
)
def test_mistakes_name_the_file_and_the_rule(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(RuleMetaError, match=message):
        read_meta_file(_file(tmp_path, text))


def test_a_rule_the_file_does_not_describe(tmp_path: Path) -> None:
    meta = FileMeta.of(_file(tmp_path, ENTRY), "other-rule")
    with pytest.raises(RuleMetaError, match=r"no metadata for rule other-rule"):
        _ = meta.title


def test_rule_takes_the_id_or_the_keywords_not_both() -> None:
    from kubelint_py.rule_api import rule

    with pytest.raises(TypeError, match="give the id alone"):
        rule("demo-rule", title="A demo")


PLUGIN = """\
from kubelint_py.rule_api import Document, RuleContext, Violation, rule


@rule("demo-rule")
def check(doc: Document, ctx: RuleContext) -> list[Violation]:
    return [Violation("demo", ("kind",))]
"""


def test_a_plugin_module_may_keep_its_metadata_beside_it(tmp_path: Path) -> None:
    """A plugin's rule declared by id reads the .meta.yaml file beside its own module, and keeps
    it when the registry marks where the rule comes from."""
    import importlib.util

    from kubelint_py.registry.registry import with_source
    from kubelint_py.rule_api import Rule

    _file(tmp_path, ENTRY)
    (tmp_path / "demo.py").write_text(PLUGIN, encoding="utf-8")
    spec = importlib.util.spec_from_file_location("demo_plugin_module", tmp_path / "demo.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    found = module.check
    assert isinstance(found, Rule) and isinstance(found.meta, FileMeta)
    marked = with_source(found, "plugin acme")
    assert marked.meta.source == "plugin acme"
    assert marked.meta.title == "A demo" and marked.meta.severity is Severity.WARNING
    assert replace(marked.meta, source="builtin") == read_meta_file(tmp_path / "demo.meta.yaml")["demo-rule"]
