"""Rule documentation: page layout, `kubelint explain` text, the rules table and JSON, help
links, and the drift test that keeps docs/rules/ equal to what the metadata generates."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from functools import lru_cache
from pathlib import Path

from kubelint_py.model import DocType, Examples, RuleMeta, Scope, Severity
from kubelint_py.output.ruledoc import (
    help_uri,
    page_name,
    rule_doc_files,
    rule_markdown,
    rule_text,
    rules_index_markdown,
    rules_json,
    rules_table_text,
    write_rule_docs,
)
from kubelint_py.registry.registry import build_registry
from tests.helpers import ROOT

DOCS = ROOT / "docs" / "rules"
BASE = "https://github.com/kubelint/kubelint_py/blob/main/docs/rules/"


@lru_cache(maxsize=1)
def metas() -> tuple[RuleMeta, ...]:
    return tuple(rule.meta for rule in build_registry(plugins=False).sorted())


def by_id(rule_id: str) -> RuleMeta:
    return next(m for m in metas() if m.id == rule_id)


def sample(**kw: object) -> RuleMeta:
    values: dict[str, object] = {
        "id": "replicas-too-low",
        "title": "Deployment runs a single replica",
        "document": "traffic-spike",
        "severity": Severity.WARNING,
        "scope": Scope(kinds=frozenset({"Deployment", "StatefulSet"}), doc_types=frozenset({DocType.K8S_OBJECT})),
        "rationale": "One replica means every node drain | rollout is an outage.",
        "remediation": "Set `spec.replicas` to at least `minReplicas`.",
        "examples": Examples("kind: Deployment\nspec: {replicas: 1}\n", "kind: Deployment\nspec: {replicas: 3}\n"),
        "references": ("https://kubernetes.io/docs/concepts/workloads/", "SRE book ch. 22"),
        "options_schema": {
            "type": "object",
            "properties": {
                "minReplicas": {"type": "integer", "default": 2, "description": "Fewest replicas accepted."},
                "kinds": {"type": "array", "items": {"type": "string"}},
                "mode": {"enum": ["strict", "lenient"], "default": "strict"},
            },
        },
        "category": "reliability",
    }
    values.update(kw)
    return RuleMeta(**values)  # type: ignore[arg-type]


# -- one page -----------------------------------------------------------------------------
def test_markdown_follows_ruffs_section_order() -> None:
    page = rule_markdown(by_id("privileged-container"))
    headings = re.findall(r"^## (.+)$", page, flags=re.MULTILINE)
    assert headings == [
        "What it checks",
        "Why is this bad?",
        "Example",
        "Use instead",
        "How to fix",
        "Options",
        "Other linters",
        "References",
    ]
    assert page.startswith("# privileged-container\n\n**Container runs privileged**\n")
    assert "| Guidance | Security hardening a cluster end-to-end (`cluster-hardening`) |" in page
    assert "```yaml\napiVersion: apps/v1\n" in page and "privileged: true\n```" in page
    assert "This rule has no options." in page
    assert "- <https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline>" in page
    assert page.endswith("\n") and not page.endswith("\n\n")


def test_markdown_options_table_and_escaping() -> None:
    page = rule_markdown(sample())
    assert "Set under `rules.options.replicas-too-low` in `.kubelint.yaml`." in page
    assert "| `minReplicas` | integer | `2` | Fewest replicas accepted. |" in page
    assert "| `kinds` | array of string |  |  |" in page
    assert '| `mode` | "strict" \\| "lenient" | `"strict"` |  |' in page
    assert "| Applies to | Deployment, StatefulSet; k8s-object documents |" in page
    assert "- SRE book ch. 22" in page


def test_markdown_fence_survives_backticks_in_examples() -> None:
    page = rule_markdown(sample(examples=Examples("a: |\n  ```\n  b\n  ```\n", "a: 1\n")))
    assert "````yaml\na: |\n  ```\n  b\n  ```\n````" in page


def test_text_has_the_same_content() -> None:
    meta = sample()
    text = rule_text(meta)
    assert text.startswith("replicas-too-low: Deployment runs a single replica\n")
    for piece in (
        "Severity: warning",
        "Guidance: Preparing for and handling a traffic spike (traffic-spike)",
        "Why is this bad?",
        "Example (fails):\n    kind: Deployment\n    spec: {replicas: 1}",
        "Use instead (passes):\n    kind: Deployment\n    spec: {replicas: 3}",
        "How to fix:",
        "    minReplicas (integer, default 2): Fewest replicas accepted.",
        "    - https://kubernetes.io/docs/concepts/workloads/",
    ):
        assert piece in text
    assert "```" not in text and "##" not in text


def test_every_registered_rule_renders() -> None:
    for meta in metas():
        assert rule_markdown(meta).startswith(f"# {meta.id}\n")
        assert rule_text(meta).startswith(f"{meta.id}: ")


# -- many rules ---------------------------------------------------------------------------
def test_rules_table_is_aligned_and_sorted() -> None:
    table = rules_table_text([sample(), by_id("yaml-syntax"), by_id("privileged-container")])
    lines = table.splitlines()
    assert lines[0].split() == ["ID", "SEVERITY", "DOCUMENT", "TITLE"]
    assert [line.split()[0] for line in lines[1:]] == ["privileged-container", "replicas-too-low", "yaml-syntax"]
    starts = {line.index(line.split()[1], len(line.split()[0])) for line in lines}
    assert len(starts) == 1  # the severity column starts at the same offset on every line
    assert "replicas-too-low      warning   traffic-spike      Deployment runs a single replica" in table


def test_rules_json_is_stable_and_complete() -> None:
    text = rules_json(metas())
    assert text == rules_json(reversed(metas()))
    data = json.loads(text)
    assert [r["id"] for r in data] == sorted(m.id for m in metas())
    record = json.loads(rules_json([sample()]))[0]
    assert list(record) == [
        "id",
        "title",
        "document",
        "severity",
        "category",
        "precision",
        "securitySeverity",
        "defaultEnabled",
        "crossObject",
        "source",
        "scope",
        "rationale",
        "remediation",
        "examples",
        "references",
        "optionsSchema",
        "peers",
    ]
    assert record["scope"] == {"kinds": ["Deployment", "StatefulSet"], "kindGroups": [], "docTypes": ["k8s-object"]}
    assert record["examples"]["pass"].startswith("kind: Deployment")
    assert record["optionsSchema"]["properties"]["minReplicas"]["default"] == 2


def test_help_uri() -> None:
    assert help_uri(sample(), BASE) == BASE + "replicas-too-low.md"
    assert help_uri(sample(), BASE.rstrip("/")) == BASE + "replicas-too-low.md"
    plugin = sample(id="acme/replicas", source="acme-kubelint")
    assert help_uri(plugin, BASE) == "https://kubernetes.io/docs/concepts/workloads/"
    assert help_uri(sample(id="acme/x", source="acme", references=()), BASE) == BASE + "acme__x.md"
    assert page_name("acme/x") == "acme__x.md"


def test_write_rule_docs_groups_the_index_by_guidance(tmp_path: Path) -> None:
    chosen = [sample(), by_id("privileged-container"), by_id("yaml-syntax")]
    written = write_rule_docs(chosen, tmp_path / "out")
    assert sorted(p.name for p in written) == [
        "README.md",
        "privileged-container.md",
        "replicas-too-low.md",
        "yaml-syntax.md",
    ]
    index = (tmp_path / "out" / "README.md").read_text(encoding="utf-8")
    sections = re.findall(r"^## (.+)$", index, flags=re.MULTILINE)
    # catalog order: traffic spike (4) before cluster hardening (9); kubelint's own rules last
    assert sections == [
        "Preparing for and handling a traffic spike",
        "Security hardening a cluster end-to-end",
        "kubelint itself",
    ]
    assert "| [replicas-too-low](replicas-too-low.md) | warning | Deployment runs a single replica |" in index


def test_generator_script_check_mode(tmp_path: Path) -> None:
    script = ROOT / "scripts" / "generate.py"
    out = tmp_path / "rules"
    only = ["--only", "privileged-container", "yaml-syntax"]
    subprocess.run([sys.executable, str(script), "--out", str(out), *only], check=True, capture_output=True)
    assert sorted(p.name for p in out.iterdir()) == ["README.md", "privileged-container.md", "yaml-syntax.md"]
    ok = subprocess.run([sys.executable, str(script), "--out", str(out), "--check", *only], capture_output=True)
    assert ok.returncode == 0
    (out / "yaml-syntax.md").write_text("edited by hand\n", encoding="utf-8")
    (out / "gone-rule.md").write_text("a page whose rule no longer exists\n", encoding="utf-8")
    bad = subprocess.run(
        [sys.executable, str(script), "--out", str(out), "--check", *only], capture_output=True, text=True
    )
    assert bad.returncode == 1
    assert "yaml-syntax.md: out of date" in bad.stdout and "gone-rule.md: no such rule" in bad.stdout


# -- drift: committed docs/rules must equal what the metadata generates -------------------
def _documented() -> list[RuleMeta]:
    present = {p.name for p in DOCS.glob("*.md")}
    return [m for m in metas() if page_name(m.id) in present]


def test_docs_have_no_pages_for_unknown_rules() -> None:
    known = {page_name(m.id) for m in metas()} | {"README.md"}
    stale = sorted(p.name for p in DOCS.glob("*.md") if p.name not in known)
    assert not stale, f"docs/rules has pages of rules that do not exist: {stale}; run scripts/generate.py"


def test_docs_pages_match_metadata(tmp_path: Path) -> None:
    documented = _documented()
    assert documented, "docs/rules has no rule pages; run scripts/generate.py"
    write_rule_docs(documented, tmp_path)
    expected = rule_doc_files(documented)
    assert sorted(expected) == sorted(p.name for p in tmp_path.iterdir())
    drifted = [
        name
        for name in sorted(expected)
        if (DOCS / name).read_bytes().decode("utf-8") != (tmp_path / name).read_bytes().decode("utf-8")
    ]
    assert not drifted, f"docs/rules out of date for {drifted}: run python scripts/generate.py"


def test_docs_index_lists_exactly_the_documented_rules() -> None:
    index = (DOCS / "README.md").read_text(encoding="utf-8")
    assert index == rules_index_markdown(_documented())


def test_every_rule_has_a_page() -> None:
    missing = sorted(m.id for m in metas() if not (DOCS / page_name(m.id)).exists())
    assert not missing, f"rules without docs: {missing}; run python scripts/generate.py"
