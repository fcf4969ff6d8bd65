"""`kubelint fix`: apply the safe, unambiguous fixes of kubelint_py/fixes.py to manifests.

A fix is a small text splice (kubelint_py/integrations/yaml_edit.py) placed with the positions
of ruamel's round-trip node tree, so everything outside the splice stays byte-identical:
comments, key order, quoting, indentation, flow or block style. Each splice is checked twice
before it is kept:

1. structure: the edited document, loaded with the round-trip loader, must equal the original
   document with exactly the intended change;
2. behaviour: linting the edited file must no longer report the finding, and must report
   nothing that was not reported before.

Helm-rendered streams (`# Source:` comments) and files holding `{{` templates are never
rewritten: the fix belongs in the chart. stdin is never fixed.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from kubelint_py.atomic_write import Changed, Snapshot, write_atomically
from kubelint_py.config.config import Config
from kubelint_py.fixes import Edit, FixSpec, fix_for, target_path
from kubelint_py.input.confine import Tree, read_regular, read_regular_stat
from kubelint_py.input.loader import LoadOptions, LoadResult, load_text
from kubelint_py.input.streams import Chunk, split_documents
from kubelint_py.integrations.masking import mask_line, sensitive_lines
from kubelint_py.integrations.yaml_edit import FixError, Path_, apply_edit
from kubelint_py.model import Finding, Report, Source
from kubelint_py.registry.registry import Registry, build_registry
from kubelint_py.run.pipeline import LintRequest, custom_rule_paths, max_file_bytes, request_tree, run_lint

_HELM_SOURCE = re.compile(r"^#\s*Source:", re.MULTILINE)


@dataclass(frozen=True, slots=True)
class Outcome:
    finding: Finding
    spec: FixSpec
    applied: bool
    reason: str = ""  # why it was not applied


@dataclass(slots=True)
class FileFix:
    file: str
    original: str
    fixed: str
    outcomes: list[Outcome] = field(default_factory=list)
    snapshot: Snapshot | None = None  # the file as read: it is replaced only if still the same

    @property
    def changed(self) -> bool:
        return self.fixed != self.original

    def diff(self) -> str:
        """The unified diff, values of sensitive objects masked (kubelint_py/integrations/masking.py)."""
        lines = difflib.unified_diff(
            _lines(self.original), _lines(self.fixed), fromfile=f"a/{self.file}", tofile=f"b/{self.file}"
        )
        masks = (sensitive_lines(self.file, self.original), sensitive_lines(self.file, self.fixed))
        return "".join(_masked(lines, *masks))


def _lines(text: str) -> list[str]:
    """Lines with their endings, split at `\n` only (as the positions count them)."""
    parts = text.split("\n")
    return [part + "\n" for part in parts[:-1]] + ([parts[-1]] if parts[-1] else [])


_HUNK = re.compile(r"^@@ -(\d+)(?:,\d+)? \+(\d+)(?:,\d+)? @@")


def _masked(lines: Iterable[str], old: Mapping[int, int], new: Mapping[int, int]) -> Iterator[str]:
    """Diff lines with the secret values of either side masked, by their line numbers."""
    old_line = new_line = 0
    header = True
    for line in lines:
        hunk = _HUNK.match(line)
        if hunk is not None:
            old_line, new_line = int(hunk.group(1)), int(hunk.group(2))
            header = False
            yield line
            continue
        if header:
            yield line
            continue
        tag, body = line[:1], line[1:]
        column = None
        if tag in (" ", "-"):
            column = old.get(old_line)
            old_line += 1
        if tag in (" ", "+"):
            column = column if column is not None else new.get(new_line)
            new_line += 1
        yield tag + mask_line(body, column) if column is not None else line


@dataclass(slots=True)
class FixResult:
    files: list[FileFix] = field(default_factory=list)
    skipped_files: list[tuple[str, str]] = field(default_factory=list)  # (file, why)
    report: Report | None = None
    unwritten: list[tuple[str, str]] = field(default_factory=list)  # (file, why): changed meanwhile

    @property
    def applied(self) -> list[Outcome]:
        return [o for f in self.files for o in f.outcomes if o.applied]

    @property
    def not_applied(self) -> list[Outcome]:
        return [o for f in self.files for o in f.outcomes if not o.applied]


# -- files ------------------------------------------------------------------------------
def never_rewritten(text: str) -> str | None:
    """Why a file must not be rewritten, or None."""
    if "{{" in text:
        return "it holds {{ }} templates: fix the template instead"
    if _HELM_SOURCE.search(text):
        return "it is rendered Helm output (# Source:): fix the chart instead"
    return None


def _chunk_offsets(text: str, chunks: Sequence[Chunk]) -> list[int]:
    starts = [0]
    for line in text.split("\n")[:-1]:
        starts.append(starts[-1] + len(line) + 1)
    return [starts[c.first_line - 1] for c in chunks]


@dataclass(frozen=True, slots=True)
class _Target:
    finding: Finding
    spec: FixSpec
    edit: Edit
    chunk: int  # ordinal of the document's chunk in the file
    path: Path_  # full path inside the chunk's document
    kind: str


def _targets(file: str, text: str, findings: Sequence[Finding]) -> tuple[list[_Target], list[Outcome]]:
    loaded = LoadResult()
    load_text(file, text, True, LoadOptions(), loaded)
    chunks = split_documents(text)
    targets, refused = [], []
    for finding in findings:
        spec = fix_for(finding.rule_id)
        assert spec is not None
        edit = spec.edit_for(finding.path)
        if edit is None:
            refused.append(Outcome(finding, spec, False, "this case has no safe fix"))
            continue
        docs = [d for d in loaded.documents if d.index == finding.doc_index and d.ref == finding.object]
        path = target_path(finding.path, edit)
        if len(docs) != 1 or path is None:
            refused.append(Outcome(finding, spec, False, "cannot tell which object to edit"))
            continue
        doc = docs[0]
        line = doc.span.start.line
        chunk = max((i for i, c in enumerate(chunks) if c.first_line <= line), default=0)
        targets.append(_Target(finding, spec, edit, chunk, (*doc.path_prefix, *path), doc.kind))
    return targets, refused


def _apply(text: str, target: _Target) -> str:
    chunks = split_documents(text)
    start = _chunk_offsets(text, chunks)[target.chunk]
    body = chunks[target.chunk].text
    end = start + len(body)
    json_style = target.finding.file.lower().endswith(".json")
    return text[:start] + apply_edit(body, target.path, target.edit, target.kind, json_style=json_style) + text[end:]


Linter = Callable[[str, str], dict[str, Finding]]


@dataclass(slots=True)
class _Stage:
    """A file with every structurally safe edit applied, not yet verified by linting."""

    fix: FileFix
    targets: list[_Target]
    candidate: str


def _stage(file: str, text: str, findings: Sequence[Finding]) -> _Stage:
    fix = FileFix(file, text, text)
    targets, refused = _targets(file, text, findings)
    fix.outcomes.extend(refused)
    planned: list[_Target] = []
    current = text
    for target in targets:
        applied = _applied(current, target, fix.outcomes)
        if applied is not None:
            current = applied
            planned.append(target)
    return _Stage(fix, planned, current)


def _applied(text: str, target: _Target, outcomes: list[Outcome]) -> str | None:
    """`text` with `target`'s edit, or None with the refusal recorded in `outcomes`."""
    try:
        return _apply(text, target)
    except FixError as exc:
        outcomes.append(Outcome(target.finding, target.spec, False, str(exc)))
        return None


def _accept(stage: _Stage) -> FileFix:
    stage.fix.fixed = stage.candidate
    stage.fix.outcomes.extend(Outcome(t.finding, t.spec, True) for t in stage.targets)
    return stage.fix


def _verify_alone(stage: _Stage, lint: Linter) -> FileFix:
    """The careful path: lint this file (with its directory as context) after all its edits,
    then, if that fails, after each edit on its own, keeping those that verify."""
    result, file, text = stage.fix, stage.fix.file, stage.fix.original
    before = lint(file, text)
    planned = []
    for target in stage.targets:
        if target.finding.fingerprint in before:
            planned.append(target)
        else:
            result.outcomes.append(
                Outcome(target.finding, target.spec, False, "reported only together with other files")
            )
    if not planned:
        return result

    def verified(new_text: str, fixed: Sequence[_Target], baseline: Mapping[str, Finding]) -> str | None:
        after = lint(file, new_text)
        still = [t.finding.rule_id for t in fixed if t.finding.fingerprint in after]
        if still:
            return f"the finding is still reported after the edit ({still[0]})"
        appeared = sorted({f.rule_id for fp, f in after.items() if fp not in baseline})
        if appeared:
            return f"the edit would introduce {', '.join(appeared)}"
        return None

    if len(planned) == len(stage.targets) and verified(stage.candidate, planned, before) is None:
        return _accept(stage)
    current, state = text, before
    for target in planned:
        candidate = _applied(current, target, result.outcomes)
        if candidate is None:
            continue
        problem = verified(candidate, [target], state)
        if problem is not None:
            result.outcomes.append(Outcome(target.finding, target.spec, False, problem))
            continue
        current, state = candidate, lint(file, candidate)
        result.outcomes.append(Outcome(target.finding, target.spec, True))
    result.fixed = current
    return result


class _Siblings:
    """The other linted files of a file's directory, read once, as context-only sources."""

    def __init__(self, cwd: Path, files: Sequence[str], tree: Tree, limit: int) -> None:
        self.cwd = cwd
        self.tree = tree
        self.limit = limit
        self.by_dir: dict[str, list[str]] = {}
        for file in files:
            self.by_dir.setdefault(str(Path(file).parent), []).append(file)
        self.cache: dict[str, Source] = {}

    def of(self, file: str, *, exclude: frozenset[str] = frozenset(), is_target: bool = False) -> list[Source]:
        out = []
        for other in self.by_dir.get(str(Path(file).parent), []):
            if other == file or other in exclude:
                continue
            if other not in self.cache:
                path = self.cwd / other
                try:
                    raw: bytes | None = read_regular(path, self.limit) if self.tree.contains(path) else None
                except OSError:
                    raw = None
                self.cache[other] = Source(other, raw, is_target=False)
            source = self.cache[other]
            if source.raw is not None:
                out.append(source if not is_target else Source(other, source.raw, is_target=True))
        return out


def plan_fixes(request: LintRequest, config: Config, registry: Registry | None = None) -> FixResult:
    """Lint, then compute the fixed text of every file with fixable findings (nothing is written)."""
    tree = request_tree(request)
    request = replace(request, tree=tree)
    limit = max_file_bytes(config)
    registry = registry or build_registry(custom=custom_rule_paths(request, config, tree), plugins=request.plugins)
    report = run_lint(request, config, registry)
    result = FixResult(report=report)
    by_file: dict[str, list[Finding]] = {}
    for finding in sorted(report.active, key=Finding.sort_key):
        if fix_for(finding.rule_id) is not None:
            by_file.setdefault(finding.file, []).append(finding)
    siblings = _Siblings(request.cwd, report.files, tree, limit)

    def lint(file: str, text: str) -> dict[str, Finding]:
        """The file alone, with the files of its directory (and --context) for cross-object rules:
        the whole run would make every check cost as much as linting the repository."""
        sources = [Source(file, text.encode("utf-8")), *siblings.of(file)]
        single = replace(request, paths=(), stdin=None, sources=sources)
        return {f.fingerprint: f for f in run_lint(single, config, registry).active if f.file == file}

    def lint_directory(texts: Mapping[str, str]) -> dict[str, Finding]:
        """Every file of one directory, `texts` in place of the files being fixed."""
        first = next(iter(texts))
        sources = [Source(f, t.encode("utf-8")) for f, t in texts.items()]
        sources += siblings.of(first, exclude=frozenset(texts), is_target=True)
        run = replace(request, paths=(), stdin=None, sources=sources)
        return {f.fingerprint: f for f in run_lint(run, config, registry).active}

    stages: dict[str, dict[str, _Stage]] = {}
    for file, findings in sorted(by_file.items()):
        if file.startswith("<"):
            result.skipped_files.append((file, "input read from stdin is never rewritten"))
            continue
        path = request.cwd / file
        if not tree.contains(path):
            result.skipped_files.append((file, "it is outside the scanned tree"))
            continue
        try:
            raw, info = read_regular_stat(path, limit)
            text = raw.decode("utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            reason = (exc.strerror if isinstance(exc, OSError) else None) or str(exc)
            result.skipped_files.append((file, f"cannot read it ({reason.lower()})"))
            continue
        why = never_rewritten(text)
        if why is not None:
            result.skipped_files.append((file, why))
            continue
        stage = _stage(file, text, findings)
        stage.fix.snapshot = Snapshot.of(info, raw)
        stages.setdefault(str(Path(file).parent), {})[file] = stage
    for group in stages.values():
        # fast path: one lint of the directory before and one after all edits
        staged = {file: stage for file, stage in group.items() if stage.targets}
        careful: set[str] = set()
        if staged:
            before = lint_directory({file: stage.fix.original for file, stage in staged.items()})
            after = lint_directory({file: stage.candidate for file, stage in staged.items()})
            appeared = {f.file for fp, f in after.items() if fp not in before}
            careful = set(staged) if appeared - set(staged) else appeared
            for file, stage in staged.items():
                fingerprints = [t.finding.fingerprint for t in stage.targets]
                if any(fp in after or fp not in before for fp in fingerprints):
                    careful.add(file)
        for file, stage in sorted(group.items()):
            if not stage.targets:
                result.files.append(stage.fix)
            elif file in careful:
                result.files.append(_verify_alone(stage, lint))
            else:
                result.files.append(_accept(stage))
    result.files.sort(key=lambda f: f.file)
    return result


def write_fixes(result: FixResult, cwd: Path) -> list[str]:
    """Replace every changed file atomically, through links, keeping its mode; the files
    written. A file that is no longer what was read (an editor saved it meanwhile) is left as
    it is and listed in `result.unwritten`: its edit is never lost."""
    written = []
    for file_fix in result.files:
        if not file_fix.changed:
            continue
        if file_fix.snapshot is None:
            result.unwritten.append((file_fix.file, "it was not read from disk"))
            continue
        try:
            write_atomically(cwd / file_fix.file, file_fix.fixed, expect=file_fix.snapshot, durable=True)
        except Changed as exc:
            result.unwritten.append((file_fix.file, exc.strerror or "it changed while kubelint worked on it"))
            continue
        written.append(file_fix.file)
    return written
