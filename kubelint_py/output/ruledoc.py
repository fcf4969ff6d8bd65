"""Rule documentation from `RuleMeta`: the one source for docs/rules/, `kubelint explain`,
`kubelint rules` and the SARIF rule help.

Page layout follows ruff's rule pages: what it checks, why, example (fails), use instead
(passes), how to fix, options, references.

Custom rules come from the scanned tree (`customRules`, `--rules`): every text made here is
`printable_text` (JSON: `json_safe`), so a rule's metadata cannot drive the terminal or a CI log
(docs/security.md, promise 4). Built-in rules' pages (docs/rules/) are kept as written.
"""

from __future__ import annotations

import json
import re
from collections.abc import Collection, Iterable, Mapping
from pathlib import Path
from urllib.parse import quote

from kubelint_py.atomic_write import write_atomically
from kubelint_py.fixes import fix_for
from kubelint_py.guidance import BY_SLUG, GUIDANCE, LOADER
from kubelint_py.k8s.kinds import KIND_GROUPS
from kubelint_py.model import RuleMeta, Scope, Severity
from kubelint_py.output.guidance_docs import GUIDANCE_DOCS
from kubelint_py.output.jsonwrite import indented
from kubelint_py.output.safe_text import json_safe, printable, printable_text
from kubelint_py.peers import BY_NAME, display_ids

_DOC_ORDER = {g.slug: i for i, g in enumerate((*GUIDANCE, LOADER))}


# -- small pieces -----------------------------------------------------------------------
# GitHub's `security-severity` of a security rule that names none, by its severity (GitHub
# reads >= 7.0 as high, >= 4.0 as medium)
_SECURITY_SEVERITY = {Severity.ERROR: "8.0", Severity.WARNING: "5.5", Severity.INFO: "3.0"}


def security_severity(meta: RuleMeta) -> str | None:
    """GitHub's `security-severity` (a string holding a number), only for security rules: the
    rule's own, else its severity's default. SARIF and `kubelint rules --format json` show it."""
    if meta.category != "security":
        return None
    return meta.security_severity or _SECURITY_SEVERITY[meta.severity]


def guidance_title(slug: str) -> str:
    guide = BY_SLUG.get(slug)
    return guide.title if guide is not None else slug


def scope_text(scope: Scope) -> str:
    """`apps/Deployment, v1/Service; workload kinds; kubelet-config documents`, or `every
    document`: a group of fixed kinds (`ingress`) is shown as its kinds, a workload group by name."""
    kinds = set(scope.kinds)
    workload_groups: list[str] = []
    for name in sorted(scope.kind_groups):
        group = KIND_GROUPS.get(name)
        if group is not None and group.kinds:
            kinds.update(group.kinds)
        else:
            workload_groups.append(name)
    parts: list[str] = []
    if kinds:
        parts.append(", ".join(sorted(kinds)))
    if workload_groups:
        parts.append(", ".join(f"{g} kinds" for g in workload_groups))
    if scope.doc_types:
        parts.append(", ".join(f"{d.value} documents" for d in sorted(scope.doc_types, key=lambda d: d.value)))
    return "; ".join(parts) if parts else "every document"


def page_name(rule_id: str) -> str:
    """File name of a rule's generated page (a plugin id's `/` becomes `__`)."""
    return quote(rule_id.replace("/", "__"), safe="") + ".md"


def id_page_uri(rule_id: str, base: str) -> str:
    """The generated page of a rule id under `base` (a directory URI)."""
    prefix = base if base.endswith("/") else base + "/"
    return prefix + page_name(rule_id)


def help_uri(meta: RuleMeta, base: str) -> str:
    """Built-in rules link to their generated page; other rules to their first http(s)
    reference when they have one (we publish no page for them)."""
    if meta.source != "builtin":
        for ref in meta.references:
            if ref.startswith(("https://", "http://")):
                return ref
    return id_page_uri(meta.id, base)


def fix_text(rule_id: str) -> str | None:
    """`kubelint fix` can apply ...: what the rule's autofix does (None: not fixable)."""
    spec = fix_for(rule_id)
    if spec is None:
        return None
    caution = f" Check before merging: {spec.caution}." if spec.caution else ""
    return f"`kubelint fix` can apply this: {spec.summary}.{caution}"


def _reference_md(ref: str) -> str:
    return f"<{ref}>" if ref.startswith(("https://", "http://")) else ref


def _option_rows(schema: Mapping[str, object] | None) -> list[tuple[str, str, str, str]]:
    """(name, type, default, description) for each documented option."""
    if not schema:
        return []
    props = schema.get("properties")
    if not isinstance(props, Mapping):
        return []
    rows = []
    for name in sorted(props):
        spec = props[name]
        if not isinstance(spec, Mapping):
            continue
        kind = spec.get("type", "")
        if isinstance(kind, list):
            kind = " | ".join(str(k) for k in kind)
        if "enum" in spec and isinstance(spec["enum"], list):
            kind = " | ".join(json.dumps(v) for v in spec["enum"])
        if kind == "array" and isinstance(spec.get("items"), Mapping):
            items = spec["items"]
            assert isinstance(items, Mapping)
            kind = f"array of {items.get('type', 'any')}"
        default = json.dumps(spec["default"], sort_keys=True) if "default" in spec else ""
        description = str(spec.get("description", "")).strip()
        rows.append((str(name), str(kind), default, description))
    return rows


def _fence(text: str) -> str:
    body = text.rstrip("\n")
    fence = "```"
    while fence in body:
        fence += "`"
    return f"{fence}yaml\n{body}\n{fence}"


# the test suite's `# fixture-config: {json}` first line (tests/helpers.py): the configuration an
# example needs, for the fixture runner; readers get it said in words instead
_FIXTURE_CONFIG = re.compile(r"\A#\s*fixture-config:\s*(\{.*\})[ \t]*(?:\r?\n|\Z)")


def example_parts(text: str) -> tuple[str, str | None]:
    """(the example without its `# fixture-config:` line, that configuration as a one-line
    YAML flow mapping, or None when it has none)."""
    match = _FIXTURE_CONFIG.match(text)
    if match is None:
        return text, None
    try:
        config = json.loads(match.group(1))
    except ValueError:
        return text, None
    return text[match.end() :], json.dumps(config, ensure_ascii=False, sort_keys=True)


def _example_note(example: str) -> str | None:
    """`with `{"targetVersion": "1.25"}` in `.kubelint.yaml`` when the example needs a configuration."""
    config = example_parts(example)[1]
    return f"with `{config}` in `.kubelint.yaml`" if config is not None else None


def _md_example(example: str) -> list[str]:
    note = _example_note(example)
    return [*([f"W{note[1:]}:", ""] if note else []), _fence(example_parts(example)[0])]


def _text_example(heading: str, example: str) -> list[str]:
    note = _example_note(example)
    return [f"{heading}{', ' + note.replace('`', '') if note else ''}):", _indent(example_parts(example)[0])]


def _md_cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def peer_lines(meta: RuleMeta) -> list[tuple[str, str]]:
    """(peer title, its equivalent check ids) for each peer with an equivalent check."""
    return [
        (BY_NAME[peer].title if peer in BY_NAME else peer, ", ".join(display_ids(peer, ids)))
        for peer, ids in meta.peers.items()
        if ids
    ]


# -- one rule ---------------------------------------------------------------------------
def rule_markdown(meta: RuleMeta) -> str:
    """One rule page (also SARIF `help.markdown`). Self-contained: no relative links."""
    enabled = "yes" if meta.default_enabled else "no (enable it in `.kubelint.yaml`)"
    out = [
        f"# {meta.id}",
        "",
        f"**{meta.title.strip()}**",
        "",
        "| | |",
        "|---|---|",
        f"| Severity | {meta.severity.label} |",
        f"| Guidance | {_md_cell(guidance_title(meta.document))} (`{meta.document}`) |",
        f"| Category | {meta.category} |",
        f"| Applies to | {_md_cell(scope_text(meta.scope))} |",
        f"| Enabled by default | {enabled} |",
        *([f"| Autofix | yes (`kubelint fix --select {meta.id}`) |"] if fix_for(meta.id) else []),
        "",
        "## What it checks",
        "",
        f"{meta.title.strip()}. Applies to {scope_text(meta.scope)}"
        + (" and looks at other objects in the same run." if meta.cross_object else "."),
        "",
        "## Why is this bad?",
        "",
        meta.rationale.strip(),
        "",
        "## Example",
        "",
        *_md_example(meta.examples.fail),
        "",
        "## Use instead",
        "",
        *_md_example(meta.examples.pass_),
        "",
        "## How to fix",
        "",
        meta.remediation.strip(),
        *(["", fixed] if (fixed := fix_text(meta.id)) else []),
        "",
        "## Options",
        "",
    ]
    rows = _option_rows(meta.options_schema)
    if rows:
        out += [f"Set under `rules.options.{meta.id}` in `.kubelint.yaml`.", ""]
        out += ["| Option | Type | Default | Description |", "|---|---|---|---|"]
        out += [f"| `{n}` | {_md_cell(t)} | {f'`{d}`' if d else ''} | {_md_cell(desc)} |" for n, t, d, desc in rows]
    else:
        out.append("This rule has no options.")
    peers = peer_lines(meta)
    if peers:
        out += ["", "## Other linters", ""]
        out += [
            "Checks of other linters that report the same problem. With `compat.peerSuppressions` in "
            "`.kubelint.yaml`, the kube-linter, Polaris, kube-score and Checkov annotations that skip "
            "them suppress this rule too.",
            "",
        ]
        out += [f"- {title}: {', '.join(f'`{c}`' for c in ids.split(', '))}" for title, ids in peers]
    out += ["", "## References", ""]
    if meta.references:
        out += [f"- {_reference_md(ref)}" for ref in meta.references]
    else:
        out.append("None.")
    page = "\n".join(out) + "\n"
    # the pages of built-in rules are files of this repository, and show their examples as written
    return page if meta.source == "builtin" else printable_text(page)


def _indent(text: str, prefix: str = "    ") -> str:
    return "\n".join(prefix + line if line.strip() else "" for line in text.rstrip("\n").splitlines())


def rule_text(meta: RuleMeta) -> str:
    """The same content as `rule_markdown`, as plain text (`kubelint explain`, SARIF `help.text`)."""
    out = [
        f"{meta.id}: {meta.title.strip()}",
        "",
        f"Severity: {meta.severity.label}",
        f"Guidance: {guidance_title(meta.document)} ({meta.document})",
        f"Category: {meta.category}",
        f"Applies to: {scope_text(meta.scope)}",
        f"Enabled by default: {'yes' if meta.default_enabled else 'no'}",
        "",
        "Why is this bad?",
        _indent(meta.rationale.strip()),
        "",
        *_text_example("Example (fails", meta.examples.fail),
        "",
        *_text_example("Use instead (passes", meta.examples.pass_),
        "",
        "How to fix:",
        _indent(meta.remediation.strip()),
        *([_indent(fixed.replace("`", ""))] if (fixed := fix_text(meta.id)) else []),
    ]
    rows = _option_rows(meta.options_schema)
    if rows:
        out += ["", f"Options (rules.options.{meta.id}):"]
        for name, kind, default, description in rows:
            detail = ", ".join(x for x in (kind, f"default {default}" if default else "") if x)
            out.append(f"    {name} ({detail})" + (f": {description}" if description else ""))
    peers = peer_lines(meta)
    if peers:
        out += ["", "Equivalent checks in other linters:"]
        out += [f"    {title}: {ids}" for title, ids in peers]
    if meta.references:
        out += ["", "References:"]
        out += [f"    - {ref}" for ref in meta.references]
    return printable_text("\n".join(out) + "\n")


# -- many rules -------------------------------------------------------------------------
def _sorted(metas: Iterable[RuleMeta]) -> list[RuleMeta]:
    return sorted(metas, key=lambda m: m.id)


def enabled_label(meta: RuleMeta, enabled: Collection[str]) -> str:
    """`on`, `opt-in` (off by default and not enabled) or `off` (disabled by the configuration)."""
    if meta.id in enabled:
        return "on"
    return "opt-in" if not meta.default_enabled else "off"


def rules_table_text(metas: Iterable[RuleMeta], enabled: Collection[str] | None = None) -> str:
    """`kubelint rules`: id, severity, guidance document and title in aligned columns; with
    `enabled` (the rules a run would use) a STATUS column says which are on."""
    status = enabled is not None
    rows = [("ID", "SEVERITY", *(("STATUS",) if status else ()), "DOCUMENT", "TITLE")]
    rows += [
        (
            printable(m.id),
            m.severity.label,
            *((enabled_label(m, enabled),) if enabled is not None else ()),
            printable(m.document),
            printable(m.title.strip()),
        )
        for m in _sorted(metas)
    ]
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]) - 1)]
    lines = [
        "  ".join(f"{cell:<{width}}" for cell, width in zip(row[:-1], widths, strict=True)) + f"  {row[-1]}"
        for row in rows
    ]
    return printable_text("\n".join(line.rstrip() for line in lines) + "\n")


def rule_record(meta: RuleMeta) -> dict[str, object]:
    """Rule metadata as JSON-ready data with a fixed key order."""
    return {
        "id": meta.id,
        "title": meta.title,
        "document": meta.document,
        "severity": meta.severity.label,
        "category": meta.category,
        "precision": meta.precision,
        # what SARIF gives GitHub (`security-severity`): the rule's own, else its severity's default
        "securitySeverity": security_severity(meta),
        "defaultEnabled": meta.default_enabled,
        "crossObject": meta.cross_object,
        "source": meta.source,
        "scope": {
            "kinds": sorted(meta.scope.kinds),
            "kindGroups": sorted(meta.scope.kind_groups),
            "docTypes": sorted(d.value for d in meta.scope.doc_types),
        },
        "rationale": meta.rationale,
        "remediation": meta.remediation,
        "examples": _example_record(meta),
        "references": list(meta.references),
        "optionsSchema": dict(meta.options_schema) if meta.options_schema is not None else None,
        "peers": {peer: list(ids) for peer, ids in meta.peers.items()},
    }


def _example_record(meta: RuleMeta) -> dict[str, object]:
    fail, fail_config = example_parts(meta.examples.fail)
    pass_, pass_config = example_parts(meta.examples.pass_)
    record: dict[str, object] = {"fail": fail, "pass": pass_}
    # the configuration an example needs (`.kubelint.yaml` keys), when it needs one
    configs = {name: json.loads(c) for name, c in (("fail", fail_config), ("pass", pass_config)) if c is not None}
    if configs:
        record["config"] = configs
    return record


def rules_json(metas: Iterable[RuleMeta], enabled: Collection[str] | None = None) -> str:
    """`kubelint rules --format json`: a stable JSON list sorted by id; with `enabled` (the rules
    a run would use) each record says whether it is on."""
    records = []
    for meta in _sorted(metas):
        record = rule_record(meta)
        if enabled is not None:
            record["enabled"] = meta.id in enabled
        records.append(record)
    return json_safe(indented(records)) + "\n"


def _doc_key(slug: str) -> tuple[int, str]:
    return (_DOC_ORDER.get(slug, len(_DOC_ORDER)), slug)


def rules_index_markdown(metas: Iterable[RuleMeta]) -> str:
    """docs/rules/README.md: every rule, grouped by guidance document in catalog order."""
    by_doc: dict[str, list[RuleMeta]] = {}
    for meta in _sorted(metas):
        by_doc.setdefault(meta.document, []).append(meta)
    out = [
        "# kubelint rules",
        "",
        "Generated from the rules' metadata by `scripts/generate.py`; do not edit by hand.",
        "",
    ]
    for slug in sorted(by_doc, key=_doc_key):
        guide = BY_SLUG.get(slug)
        out += [f"## {guide.title if guide else slug}", ""]
        if guide is not None:
            out += [guide.scope, ""]
        out += ["| Rule | Severity | Title |", "|---|---|---|"]
        out += [f"| [{m.id}]({page_name(m.id)}) | {m.severity.label} | {_md_cell(m.title)} |" for m in by_doc[slug]]
        out.append("")
    return "\n".join(out)


def rule_doc_files(metas: Iterable[RuleMeta]) -> dict[str, str]:
    """File name -> content of every generated page."""
    metas = _sorted(metas)
    files = {page_name(m.id): rule_markdown(m) for m in metas}
    files["README.md"] = rules_index_markdown(metas)
    return files


def _write(files: Mapping[str, str], out_dir: Path) -> list[Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    return [write_atomically(out_dir / name, content) for name, content in files.items()]


def write_rule_docs(metas: Iterable[RuleMeta], out_dir: Path) -> list[Path]:
    """Write docs/rules/<id>.md and docs/rules/README.md; return the paths written."""
    return _write(rule_doc_files(metas), out_dir)


# -- guidance documents -----------------------------------------------------------------
GUIDANCE_DIR = "guidance"  # docs/guidance/, next to docs/rules/


def guidance_page_name(slug: str) -> str:
    return quote(slug, safe="") + ".md"


def _guidance_slugs(metas: Iterable[RuleMeta]) -> list[str]:
    """Every guidance document with text, plus any other document a rule names, in catalog order."""
    slugs = set(GUIDANCE_DOCS) | {m.document for m in metas}
    return sorted(slugs, key=_doc_key)


def guidance_markdown(slug: str, metas: Iterable[RuleMeta], rules_base: str = "../rules/") -> str:
    """docs/guidance/<slug>.md: what the document protects against and the rules implementing it."""
    guide = BY_SLUG.get(slug)
    text = GUIDANCE_DOCS.get(slug)
    rules = [m for m in _sorted(metas) if m.document == slug]
    out = [f"# {guide.title if guide else slug}", ""]
    section = f" (section {guide.section} of the rule catalog)" if guide is not None and guide.section else ""
    out += [f"Guidance document `{slug}`{section}. Generated by `scripts/generate.py`; do not edit by hand.", ""]
    if text is not None:
        out += [f"**Protects against:** {text.protects_against}", ""]
        for paragraph in text.paragraphs:
            out += [paragraph, ""]
    elif guide is not None:
        out += [guide.scope, ""]
    out += ["## Rules", ""]
    if rules:
        out += [
            f"{len(rules)} rule{'s' if len(rules) != 1 else ''} implement this document. Run only them with "
            f"`kubelint lint --select {slug}`; list them with `kubelint rules --document {slug} --all`.",
            "",
            "| Rule | Severity | Title | Default | Autofix |",
            "|---|---|---|---|---|",
        ]
        out += [
            f"| [{m.id}]({rules_base}{page_name(m.id)}) | {m.severity.label} | {_md_cell(m.title.strip())} "
            f"| {'on' if m.default_enabled else 'opt-in'} | {'yes' if fix_for(m.id) else ''} |"
            for m in rules
        ]
    else:
        out.append("No rule implements this document yet.")
    return "\n".join(out) + "\n"


def guidance_index_markdown(metas: Iterable[RuleMeta]) -> str:
    """docs/guidance/README.md: the rules indexed by guidance document."""
    metas = _sorted(metas)
    out = [
        "# kubelint rules by guidance document",
        "",
        "Every built-in rule implements one operational guidance document. Each page explains what the "
        "document protects against and lists its rules. Generated by `scripts/generate.py`; do not edit "
        "by hand.",
        "",
        "| Guidance document | Protects against | Rules |",
        "|---|---|---|",
    ]
    for slug in _guidance_slugs(metas):
        guide = BY_SLUG.get(slug)
        text = GUIDANCE_DOCS.get(slug)
        title = guide.title if guide is not None else slug
        summary = text.protects_against if text is not None else (guide.scope if guide is not None else "")
        count = sum(1 for m in metas if m.document == slug)
        out.append(f"| [{_md_cell(title)}]({guidance_page_name(slug)}) | {_md_cell(summary)} | {count} |")
    return "\n".join(out) + "\n"


def guidance_doc_files(metas: Iterable[RuleMeta]) -> dict[str, str]:
    """File name -> content of docs/guidance/."""
    metas = _sorted(metas)
    files = {guidance_page_name(slug): guidance_markdown(slug, metas) for slug in _guidance_slugs(metas)}
    files["README.md"] = guidance_index_markdown(metas)
    return files


def write_guidance_docs(metas: Iterable[RuleMeta], out_dir: Path) -> list[Path]:
    """Write docs/guidance/<slug>.md and its README.md; return the paths written."""
    return _write(guidance_doc_files(metas), out_dir)
