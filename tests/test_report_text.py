"""The JSON and SARIF reports' shortcuts write what the plain recipe writes (issue 20).

The JSON report's records are `%` templates per rule with a document's object and a file's
name made once; SARIF's kept results are written as text directly, not as data then encoded;
`repo_relative` takes a file under the root by its text; `sorted_findings` sorts by a key made
in C. Each is compared here with the recipe it stands for (a copy of the code it replaced), on
findings of every shape: rendered, suppressed, baselined, related locations, no object, no
rule metadata, `%` and control characters, spans empty or inverted, the same object seen
again with another apiVersion or document index.
"""

from __future__ import annotations

import itertools
import json
import posixpath
from collections.abc import Callable, Iterator
from pathlib import Path, PurePosixPath
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kubelint_py.fingerprint import fingerprint_of
from kubelint_py.model import Examples, Finding, Location, ObjectRef, Pos, Report, RuleMeta, Scope, Severity, Span
from kubelint_py.output import jsonwrite
from kubelint_py.output.jsonwrite import INDENT, compact, text
from kubelint_py.output.reporters import (
    ReportOptions,
    display_file,
    help_uri_for,
    json_report,
    region,
    render,
    repo_relative,
    sarif,
    sarif_level,
    sorted_findings,
    suppression_kind,
)
from kubelint_py.output.safe_text import json_safe

RULES = (
    RuleMeta(
        id="alpha-rule",
        title="Alpha",
        document="cluster-hardening",
        severity=Severity.ERROR,
        scope=Scope(),
        rationale="Why alpha matters.",
        remediation="Set 100% of it\u202e; \x1b[31m",
        examples=Examples("kind: Pod\n", "kind: Pod\n"),
    ),
    RuleMeta(
        id="beta%s-rule",
        title="Beta",
        document="traffic-spike",
        severity=Severity.WARNING,
        scope=Scope(),
        rationale="Why beta matters.",
        remediation="Change %d fields.",
        examples=Examples("kind: Pod\n", "kind: Pod\n"),
        category="reliability",
    ),
)
RULE_IDS = ("alpha-rule", "beta%s-rule", "missing-rule", "ünï-rule")
FILES = ("deploy/app.yaml", "deploy/ünïcode dir/a%sp.yaml", "/elsewhere/x.yaml", "<stdin>", "./deploy/../b.yaml")
TEXT = st.text(max_size=12)  # control, bidi, astral and `%` characters included
POSITIONS = st.builds(Pos, st.integers(-1, 4), st.integers(-1, 4))
SPANS = st.builds(Span, POSITIONS, POSITIONS)
LOCATIONS = st.builds(Location, st.sampled_from(FILES), SPANS, TEXT)
OBJECTS = st.none() | st.builds(
    ObjectRef,
    st.sampled_from(("", "apps")),
    st.sampled_from(("Deployment", "Pod")),
    st.none() | st.sampled_from(("prod", "", "n\u202es")),
    st.sampled_from(("web", "we%sb", "\x1b]8;;x")),
)
FINDINGS = st.builds(
    Finding,
    rule_id=st.sampled_from(RULE_IDS),
    severity=st.sampled_from(Severity),
    document=st.sampled_from(("cluster-hardening", "traffic%d-spike")),
    message=TEXT,
    file=st.sampled_from(FILES),
    span=SPANS,
    object=OBJECTS,
    api_version=st.sampled_from(("", "apps/v1", "v1")),
    doc_index=st.integers(0, 2),
    path=st.lists(st.text(max_size=3) | st.integers(0, 3), max_size=3).map(tuple),
    logical_path=st.sampled_from(("", "spec.replicas", "spec.x%sy")),
    related=st.lists(LOCATIONS, max_size=2).map(tuple),
    helm_source=st.none() | st.just("web/templates/svc.yaml"),
    rendered=st.none() | LOCATIONS,
    approximate=st.booleans(),
    suppressed_by=st.none() | st.sampled_from(("annotation", "inline", "config:exemptions[0]", "peer:kube-linter")),
    justification=TEXT,
    fingerprint=st.sampled_from(("", "55326b73b1baa64751f4cc3892ebd01e")),
    baseline_state=st.none() | st.sampled_from(("new", "unchanged")),
)
# runs of findings: some share one ObjectRef (as the engine's findings of a document do)
RUNS = st.lists(st.tuples(FINDINGS, st.booleans()), min_size=1, max_size=8)


def _shared_objects(run: list[tuple[Finding, bool]]) -> list[Finding]:
    """Each finding flagged True takes the previous finding's object (the same ObjectRef)."""
    findings: list[Finding] = []
    for finding, same in run:
        if same and findings:
            finding = finding._replace(object=findings[-1].object)
        findings.append(finding)
    return findings


def _options(root: str = "/repo", cwd: str = "/repo") -> ReportOptions:
    return ReportOptions(
        fail_on=Severity.WARNING, exit_code=1, tool_version="0.1.0", sarif_root=Path(root), cwd=Path(cwd)
    )


# -- the recipes replaced -----------------------------------------------------------------
def _record(finding: Finding, options: ReportOptions) -> dict[str, Any]:
    """A JSON report's record as data, key for key (before its text was templated)."""
    metas = {meta.id: meta for meta in RULES}
    line, column, end_line, end_column = region(finding.span)
    obj = finding.object
    record: dict[str, Any] = {
        "ruleId": finding.rule_id,
        "severity": finding.severity.label,
        "level": sarif_level(finding.severity),
        "guidance": finding.document,
        "message": finding.message,
        "file": display_file(finding.file, options),
        "line": line,
        "column": column,
        "endLine": end_line,
        "endColumn": end_column,
        "object": None
        if obj is None
        else {
            "apiVersion": finding.api_version,
            "kind": obj.kind,
            "namespace": obj.namespace,
            "name": obj.name,
            "documentIndex": finding.doc_index,
        },
        "path": finding.logical_path or ".".join(str(p) for p in finding.path),
    }
    if finding.rendered is not None:
        start = finding.rendered.span.start
        record["rendered"] = {
            "source": "helm" if finding.helm_source is not None else "kustomize",
            "file": display_file(finding.rendered.file, options),
            "line": start.line,
            "column": start.column,
            "approximate": finding.approximate,
        }
    meta = metas.get(finding.rule_id)
    record["related"] = [
        {
            "file": display_file(loc.file, options),
            "line": loc.span.start.line,
            "column": loc.span.start.column,
            "message": loc.label,
        }
        for loc in finding.related
    ]
    record["remediation"] = meta.remediation if meta is not None else ""
    record["helpUri"] = help_uri_for(finding.rule_id, metas, options.help_base_uri)
    record["fingerprint"] = fingerprint_of(finding)
    if finding.suppressed_by is not None:
        record["suppression"] = {"kind": suppression_kind(finding), "justification": finding.justification}
    if finding.baseline_state is not None:
        record["baselineState"] = finding.baseline_state
    return record


def _repo_relative(file: str, options: ReportOptions) -> str | None:
    """`repo_relative` as it was: every file through PurePosixPath.relative_to."""
    if not file or (file.startswith("<") and file.endswith(">")):
        return None

    def is_abs(path: str) -> bool:
        return path.startswith("/") or (len(path) > 2 and path[1] == ":" and path[2] == "/" and path[0].isalpha())

    root = options.sarif_root.as_posix().replace("\\", "/")
    cwd = options.cwd.as_posix().replace("\\", "/") if options.cwd is not None else None
    if cwd is not None and not is_abs(root):
        root = posixpath.join(cwd, root)
    path = file.replace("\\", "/")
    if not is_abs(path):
        base = cwd if cwd is not None else (root if is_abs(root) else "")
        path = posixpath.join(base, path) if base else path
    norm_root, norm_path = posixpath.normpath(root), posixpath.normpath(path)
    if norm_root == ".":
        rel = norm_path
    else:
        try:
            rel = PurePosixPath(norm_path).relative_to(norm_root).as_posix()
        except ValueError:
            return None
    if rel in ("", ".") or rel == ".." or rel.startswith("../") or rel.startswith("/"):
        return None
    return rel


# -- JSON ---------------------------------------------------------------------------------
@settings(max_examples=300, deadline=None)
@given(RUNS)
def test_json_records_are_the_records_data_written(run: list[tuple[Finding, bool]]) -> None:
    """Each record's text, made in turn by one `_Records` (its per-rule templates and the
    last object's text kept between findings), equals its data written by the JSON writer."""
    options = _options(root="/repo/deploy")
    report = Report(findings=tuple(_shared_objects(run)), rules=RULES, files=())
    records = json_report._Records(report, options)
    newline = "\n" + INDENT * 2
    for finding in report.findings:
        assert records.text(finding, newline) == text(_record(finding, options), newline)
    # another place in the document: nothing kept from the first is used there
    for finding in report.findings:
        assert records.text(finding, "\n") == text(_record(finding, options), "\n")


def test_json_report_of_varied_findings_parses_to_the_records() -> None:
    """A whole report, through json_safe and the streamed writer: its findings parse back to
    the records' data in location order."""
    findings = [
        Finding(
            "alpha-rule",
            Severity.ERROR,
            "cluster-hardening",
            "m\u202e%s",
            "deploy/app.yaml",
            Span(Pos(3, 1), Pos(3, 0)),
        ),
        Finding(
            "beta%s-rule",
            Severity.INFO,
            "traffic%d-spike",
            "n",
            "deploy/app.yaml",
            Span(Pos(1, 2), Pos(0, 0)),
            object=ObjectRef("apps", "Deployment", None, "web"),
            related=(Location("deploy/pdb.yaml", Span(Pos(4, 3), Pos(4, 9)), "PodDisruptionBudget\x1b"),),
            suppressed_by="inline",
            baseline_state="unchanged",
        ),
    ]
    options = _options(root="/repo/deploy")
    report = Report(findings=tuple(findings), rules=RULES, files=())
    data = json.loads(render("json", report, options))
    assert data["findings"] == [_record(findings[0], options)]
    assert data["suppressed"] == [_record(findings[1], options)]
    assert "\u202e" not in render("json", report, options)


# -- SARIF --------------------------------------------------------------------------------
@settings(max_examples=300, deadline=None)
@given(RUNS, st.booleans())
def test_sarif_result_text_is_the_result_encoded(run: list[tuple[Finding, bool]], include_suppressed: bool) -> None:
    options = _options(root="/repo")._replace(include_suppressed=include_suppressed)
    report = Report(findings=tuple(_shared_objects(run)), rules=RULES, files=())
    layout = sarif._Layout(report, options)
    for item in layout.placed:
        assert layout.result_text(item) == compact(layout.result(item))


def test_sarif_compact_log_holds_the_same_results(monkeypatch: pytest.MonkeyPatch) -> None:
    """Past PRETTY_LIMIT the log is the results' text joined; below, their data indented: the
    two parse to the same log."""
    findings = tuple(
        Finding(
            rule_id,
            severity,
            "cluster-hardening",
            f"message {n} \u202e\x1b %s",
            file,
            Span(Pos(n % 4, 2), Pos(n % 3, 1)),
            object=ObjectRef("apps", "Deployment", "prod" if n % 2 else None, f"web-{n % 3}"),
            api_version="apps/v1" if n % 5 else "",
            related=(Location(file, Span(Pos(1, 1), Pos(1, 2)), "here"),) if n % 7 == 0 else (),
            suppressed_by="config:exemptions[0]" if n % 11 == 0 else None,
            baseline_state=("new", "unchanged", None)[n % 3],
        )
        for n, (rule_id, severity, file) in enumerate(
            (rule_id, severity, file)
            for rule_id in RULE_IDS
            for severity in Severity
            for file in ("deploy/app.yaml", "deploy/ünïcode dir/a%sp.yaml", "/elsewhere/x.yaml")
        )
    )
    report = Report(findings=findings, rules=RULES, files=())
    options = _options(root="/repo", cwd="/repo")._replace(include_suppressed=True)
    pretty = render("sarif", report, options)
    monkeypatch.setattr(sarif, "PRETTY_LIMIT", 0)
    compact_log = render("sarif", report, options)
    assert compact_log != pretty and json.loads(compact_log) == json.loads(pretty)
    assert compact_log == json_safe(compact_log)
    assert len(json.loads(compact_log)["runs"][0]["results"]) > 20


# -- shared helpers -----------------------------------------------------------------------
SEGMENTS = st.sampled_from(("a", "b", ".", "..", "", "C:", "ü", "x y"))
PATHS = st.tuples(st.sampled_from(("", "/", "//", "C:/", "\\")), st.lists(SEGMENTS, max_size=4)).map(
    lambda parts: parts[0] + "/".join(parts[1])
)


@settings(max_examples=500, deadline=None)
@given(PATHS, PATHS, st.none() | PATHS)
def test_repo_relative_is_relative_to(file: str, root: str, cwd: str | None) -> None:
    options = ReportOptions(
        fail_on=None, exit_code=0, sarif_root=Path(root), cwd=Path(cwd) if cwd is not None else None
    )
    assert repo_relative(file, options) == _repo_relative(file, options)


@settings(max_examples=100, deadline=None)
@given(st.lists(FINDINGS, max_size=10))
def test_sorted_findings_is_by_sort_key(findings: list[Finding]) -> None:
    ordered = sorted_findings(findings)
    assert [f.sort_key() for f in ordered] == sorted(f.sort_key() for f in findings)
    assert ordered == sorted(findings, key=Finding.sort_key)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.lists(st.integers(0, 3) | st.text(max_size=2), max_size=2), max_size=9), st.integers(1, 4), st.data()
)
def test_items_written_in_pieces_of_several(items: list[object], per_piece: int, data: st.DataObject) -> None:
    """Items joined ITEMS_PER_PIECE to a piece, with their separators, whole or in shares cut
    anywhere (`Items.spread`, as report_shares cuts them): the list `indented` writes."""
    cuts = sorted(data.draw(st.lists(st.integers(0, len(items)), max_size=3)))

    def spread(count: int, render: Callable[[int, int], Iterator[str]]) -> Iterator[str]:
        bounds = [0, *cuts, count]
        for start, stop in itertools.pairwise(bounds):
            yield from render(start, stop)

    original = jsonwrite.ITEMS_PER_PIECE
    jsonwrite.ITEMS_PER_PIECE = per_piece
    try:
        for how in (None, spread):
            document = {"items": jsonwrite.Items(items, empty=not items, spread=how)}
            assert "".join(jsonwrite.indented_chunks(document)) == jsonwrite.indented({"items": items})
    finally:
        jsonwrite.ITEMS_PER_PIECE = original


def test_region_is_its_definition() -> None:
    """region: 1-based, an empty or inverted span one character wide (the reading it replaced,
    with max() and a tuple comparison, over every span of small numbers)."""
    for a, b, c, d in itertools.product(range(-2, 4), repeat=4):
        start_line, start_col = max(a, 1), max(b, 1)
        end_line, end_col = (c, d) if (c, d) > (start_line, start_col) else (start_line, start_col + 1)
        assert region(Span(Pos(a, b), Pos(c, d))) == (start_line, start_col, end_line, max(end_col, 1))


def _placed(finding: Finding, stdin_as: str, positive: bool) -> Finding:
    """`finding` with `<stdin>` read as `stdin_as`, and its start moved to line and column 1 or
    later when `positive`."""
    start, end = finding.span
    if positive:
        start = Pos(abs(start.line) + 1, abs(start.column) + 1)
    return finding._replace(file=finding.file.replace("<stdin>", stdin_as), span=Span(start, end))


@settings(max_examples=300, deadline=None)
@given(
    st.lists(FINDINGS, max_size=12),
    st.sampled_from(("/repo/deploy/app.yaml", "/repo/z.yaml")),
    st.booleans(),
    st.sampled_from(("/repo", "/repo/deploy", "/")),
)
def test_json_records_of_an_ordered_report_in_the_order_of_the_general_sort(
    findings: list[Finding], stdin_as: str, positive: bool, cwd: str
) -> None:
    """The JSON report takes an ordered report's findings file by file instead of sorting them
    by location again; the order is the general sort's whatever the starts (clamped below 1)
    and the files' shown names (`/repo/deploy/app.yaml` is shown as `deploy/app.yaml` is)."""
    from kubelint_py.output.reporters.json_report import _Records

    placed = tuple(sorted((_placed(f, stdin_as, positive) for f in findings), key=Finding.sort_key))
    report = Report(findings=placed, rules=RULES, files=(), ordered=True)
    records = _Records(report, _options(cwd=cwd))
    assert records.in_order(placed, True) == records.in_order(placed, False)


def test_json_records_of_two_files_shown_by_one_name_interleave_by_line() -> None:
    """`/repo/deploy/app.yaml` sorts before `deploy/app.yaml`, but both are shown as
    `deploy/app.yaml`: their records go by line, not file by file."""
    from kubelint_py.output.reporters.json_report import _Records

    def at(file: str, line: int) -> Finding:
        return Finding(
            rule_id="alpha-rule",
            severity=Severity.ERROR,
            document="cluster-hardening",
            message="m",
            file=file,
            span=Span(Pos(line, 1), Pos(line, 2)),
        )

    placed = (at("/repo/deploy/app.yaml", 3), at("deploy/app.yaml", 1))
    assert list(placed) == sorted(placed, key=Finding.sort_key)
    records = _Records(Report(findings=placed, rules=RULES, files=(), ordered=True), _options(cwd="/"))
    assert records.in_order(placed, True) == [placed[1], placed[0]] == records.in_order(placed, False)
