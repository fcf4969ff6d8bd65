"""Point findings in rendered output (`helm template`, `kustomize build`) at the files people edit.

A pure post-processing step over the engine's findings (integration.md (a), "Helm `# Source:`
mapping"). For a document that came from a Helm stream (`# Source: <chart>/templates/x.yaml`)
or carries kustomize's `config.kubernetes.io/origin` annotation, the finding's primary location
becomes the source file and the exact rendered position moves to `Finding.rendered`.

Rendered line numbers do not exist in a template, so the line is found by structure: the key
at the rendered position, together with the chain of keys (and named list items) above it, is
looked up in the source file's indentation outline. Only a single best candidate whose
innermost parent matches counts as an honest match; otherwise the finding points at line 1,
is marked `approximate` and says "approximate location" in its message. The fingerprint is
recomputed with the source path, so it survives value changes and re-rendering.

Nothing is guessed: when two charts of the stream's name could both have rendered it, or the
chart or the kustomize origins cannot be found, findings stay on the rendered stream, and one
note per cause (`map_rendered(notes=...)`, shown on stderr) says why and what to pass.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from operator import is_not
from pathlib import Path
from typing import TYPE_CHECKING

from kubelint_py.input.confine import DEFAULT_MAX_BYTES, Tree
from kubelint_py.model import Document, Finding
from kubelint_py.run.engine import finalize

if TYPE_CHECKING:
    from kubelint_py.integrations.mapper import Mapper

ORIGIN_ANNOTATION = "config.kubernetes.io/origin"


def _mapper_class() -> type[Mapper]:
    """The mapper, imported only when a run has rendered output or piped input."""
    from kubelint_py.integrations.mapper import Mapper

    return Mapper


def needs_mapping(findings: Sequence[Finding], documents: Sequence[Document]) -> bool:
    if any(f.helm_source for f in findings):
        return True
    return any(isinstance(d.annotations().get(ORIGIN_ANNOTATION), str) for d in documents if d.is_target)


def map_rendered(
    findings: Sequence[Finding],
    documents: Sequence[Document],
    texts: Mapping[str, bytes | str] | None = None,
    *,
    chart_root: Path | None = None,
    cwd: Path,
    tree: Tree | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    piped: Collection[str] = (),
    notes: list[str] | None = None,
) -> list[Finding]:
    """Findings with Helm/kustomize documents moved to their source files (see module doc).

    `texts` holds the rendered streams by file name (the loader's `Source.display`); without a
    stream's text its findings still move to the right file, at line 1 marked approximate.
    `chart_root` is the chart directory (`--chart-root`) or, for kustomize output, the
    kustomization directory the origin paths are relative to; both default to detection from `cwd`.
    Only files in `tree` are read (docs/security.md) [default: `cwd`, its repository and
    `chart_root`], at most `max_bytes` of each: a path that leaves it keeps the finding where
    it was found.

    `piped` names the streams read from stdin. When findings stay on a rendered stream for a
    reason the user can fix (an ambiguous or missing chart, kustomize output without usable
    origins), one line per cause saying why and what to do is appended to `notes`.
    """
    if not findings:
        return list(findings)
    if not needs_mapping(findings, documents):
        if notes is not None and (piped or chart_root is not None):
            if tree is None:
                tree = Tree.for_run(cwd, [chart_root])
            idle = _mapper_class()(documents, texts or {}, chart_root, cwd, tree, max_bytes, piped)
            for file in dict.fromkeys(f.file for f in findings):
                if idle.looks_kustomized(file):
                    idle.note("no-origin", "", file)
            notes.extend(idle.notes())
        return list(findings)
    if tree is None:
        tree = Tree.for_run(cwd, [chart_root])
    mapper = _mapper_class()(documents, texts or {}, chart_root, cwd, tree, max_bytes, piped)
    mapped = [mapper.map(finding) for finding in findings]
    if notes is not None:
        notes.extend(mapper.notes())
    if not any(map(is_not, mapped, findings)):
        return mapped  # nothing moved: as given, as when nothing needs mapping (no re-sort)
    return finalize(mapped)
