"""Never crashes, never hangs, end to end: the CLI over random trees of files (text, bytes,
Kubernetes-shaped YAML with random tags, anchors, aliases and merge keys, symlinks, FIFOs)
exits 0 or 1 without a traceback, in bounded time, always reports the sentinel manifest's
finding, and never changes the tree."""

from __future__ import annotations

import json
import os
import tempfile
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.hostile.support import PRIVILEGED_LINE, lint_in_process, no_traceback, pod

KINDS = ["Pod", "Deployment", "StatefulSet", "DaemonSet", "Job", "CronJob", "Service", "Ingress", "ConfigMap",
         "Secret", "Role", "ClusterRoleBinding", "NetworkPolicy", "List", "Namespace", "ServiceAccount"]  # fmt: skip
KEYS = ["metadata", "name", "spec", "template", "containers", "image", "securityContext", "privileged", "ports",
        "hostPath", "volumes", "env", "items", "rules", "data", "labels", "selector", "args"]  # fmt: skip
TAGS = ["", "", "", "!!str ", "!!int ", "!!map ", "!!seq ", "!foo ", "!!python/object/apply:os.system ", "!!binary "]
SCALARS = st.one_of(
    st.sampled_from(["true", "yes", "0644", "~", "null", "1e3", ".inf", "'q'", '"d"', "x", "-", "{{ .Values.x }}", ""]),
    st.text(alphabet="abc:#-[]{}&*!|>'\" \t", max_size=8),
    st.integers(-5, 70000).map(str),
)


@st.composite
def yaml_value(draw: st.DrawFn, depth: int = 0) -> str:
    """A YAML value in flow style with random tags, anchors and aliases."""
    tag = draw(st.sampled_from(TAGS))
    anchor = draw(st.sampled_from(["", "", "&a ", "&b "]))
    choice = draw(st.integers(0, 4 if depth < 4 else 1))
    if choice == 0:
        return tag + anchor + draw(SCALARS)
    if choice == 1:
        return draw(st.sampled_from(["*a", "*b", "*zz"]))
    if choice == 2:
        items = draw(st.lists(yaml_value(depth + 1), max_size=4))
        return f"{tag}{anchor}[{', '.join(items)}]"
    entries = draw(st.lists(st.tuples(st.sampled_from([*KEYS, "<<"]), yaml_value(depth + 1)), max_size=4))
    return f"{tag}{anchor}{{{', '.join(f'{k}: {v}' for k, v in entries)}}}"


@st.composite
def manifest(draw: st.DrawFn) -> str:
    kind = draw(st.sampled_from(KINDS))
    lines = [f"apiVersion: {draw(st.sampled_from(['v1', 'apps/v1', 'batch/v1', 'x']))}", f"kind: {kind}"]
    lines.append(f"metadata: {{name: n{draw(st.integers(0, 3))}, namespace: {draw(st.sampled_from(['a', '', '*b']))}}}")
    for key in draw(st.lists(st.sampled_from(KEYS), max_size=4)):
        lines.append(f"{key}: {draw(yaml_value())}")
    if draw(st.booleans()):
        lines.insert(
            draw(st.integers(0, len(lines))), draw(st.sampled_from(["---", "...", "  bad: [", "\tx: 1", "%YAML 1.1"]))
        )
    return "\n".join(lines) + "\n"


CONTENT = st.one_of(
    st.lists(manifest(), min_size=1, max_size=4).map("---\n".join).map(str.encode),
    st.text(max_size=200).map(lambda t: t.encode("utf-8", "surrogatepass")),
    st.binary(max_size=200),
    st.lists(manifest(), max_size=2).map("---\n".join).map(lambda t: t.encode("utf-16")),
)
NAMES = st.sampled_from(["a.yaml", "b.yml", "c.json", "d.yaml", "notes.txt", "sub/e.yaml", "sub/deeper/f.yml"])
ENTRY = st.one_of(
    st.tuples(st.just("file"), NAMES, CONTENT),
    st.tuples(st.just("link"), NAMES, NAMES.map(str.encode)),
    st.tuples(st.just("fifo"), NAMES, st.just(b"")),
)


def build(root: Path, entries: list[tuple[str, str, bytes]]) -> None:
    (root / "sentinel.yaml").write_text(pod("sentinel"))
    for kind, name, payload in entries:
        path = root / name
        if path.exists() or path.is_symlink():
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        if kind == "file":
            path.write_bytes(payload)
        elif kind == "link":
            target = os.path.relpath(root / payload.decode(), path.parent)
            path.symlink_to(target)  # may dangle, loop, or point at itself
        else:
            os.mkfifo(path)


@settings(
    max_examples=max(10, settings().max_examples // 5),
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    deadline=None,
)
@given(st.lists(ENTRY, max_size=8))
def test_cli_on_random_trees(entries: list[tuple[str, str, bytes]]) -> None:
    with tempfile.TemporaryDirectory() as directory:
        root = Path(directory)
        build(root, entries)
        started = time.monotonic()
        run = lint_in_process([".", "--format", "json"], root)
        assert time.monotonic() - started < 30
        assert run.code in (0, 1), (run.code, run.err)
        assert no_traceback(run.err), run.err
        report = json.loads(run.out)
        assert ("sentinel.yaml", PRIVILEGED_LINE, "privileged-container") in run.findings()
        for finding in report["findings"]:
            assert finding["line"] >= 1 and finding["column"] >= 1 and finding["message"], finding
            assert finding["ruleId"] != "internal-error", finding
        for error in report["errors"]:
            assert error["file"] and error["message"], error


PLAIN = (str, int, float, bool, type(None))


def _is_plain(value: object, depth: int = 0) -> bool:
    if isinstance(value, dict):
        return depth < 300 and all(isinstance(k, str) and _is_plain(v, depth + 1) for k, v in value.items())
    if isinstance(value, list):
        return depth < 300 and all(_is_plain(v, depth + 1) for v in value)
    return isinstance(value, PLAIN)


@pytest.mark.slow
@given(st.lists(manifest(), min_size=1, max_size=6).map("---\n".join))
def test_loader_on_tagged_aliased_manifests(text: str) -> None:
    """Loader level, so many more examples: tags, anchors, aliases and merge keys in every
    position never raise, never construct an object, and positions stay inside the file."""
    from kubelint_py.input.loader import LoadOptions, LoadResult, load_text

    result = LoadResult()
    load_text("m.yaml", text, True, LoadOptions(), result)
    lines = text.count("\n") + 1
    for doc in result.documents:
        assert _is_plain(doc.data)
        assert 1 <= doc.span.start.line <= doc.span.end.line <= lines
    for problem in result.problems:
        assert 1 <= problem.span.start.line <= lines and problem.span.start.column >= 1, problem
