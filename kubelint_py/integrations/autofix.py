"""`kubelint fix`: apply the safe, unambiguous fixes of kubelint_py/fixes.py to manifests.

The only user of ruamel.yaml's round-trip machinery. A fix is a small text splice placed with
the positions of ruamel's round-trip node tree (`compose`), so everything outside the splice
stays byte-identical: comments, key order, quoting, indentation, flow or block style. Each
splice is checked twice before it is kept:

1. structure: the edited document, loaded with the round-trip loader, must equal the original
   document with exactly the intended change;
2. behaviour: linting the edited file must no longer report the finding, and must report
   nothing that was not reported before.

Helm-rendered streams (`# Source:` comments) and files holding `{{` templates are never
rewritten: the fix belongs in the chart. stdin is never fixed.
"""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError
from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from kubelint_py.atomic_write import Changed, Snapshot, write_atomically
from kubelint_py.config.config import Config
from kubelint_py.fixes import SAME_SCHEMA_REPLACEMENTS, Edit, FixSpec, Op, fix_for, target_path
from kubelint_py.input.confine import Tree, read_regular, read_regular_stat
from kubelint_py.input.loader import LoadOptions, LoadResult, load_text
from kubelint_py.input.streams import Chunk, split_documents
from kubelint_py.integrations.masking import mask_line, sensitive_lines
from kubelint_py.model import Finding, Report, Source
from kubelint_py.registry.registry import Registry, build_registry
from kubelint_py.run.pipeline import LintRequest, custom_rule_paths, max_file_bytes, request_tree, run_lint

_HELM_SOURCE = re.compile(r"^#\s*Source:", re.MULTILINE)
_PLAIN = re.compile(r"[A-Za-z][A-Za-z0-9_./-]*")
# YAML 1.1 and 1.2 words that a plain scalar would turn into booleans, nulls or numbers
_RESERVED = frozenset(("y", "n", "yes", "no", "on", "off", "true", "false", "null", "~", "nan", "inf"))
Path_ = tuple[str | int, ...]


class FixError(Exception):
    """This fix cannot be applied safely here; the message says why."""


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


# -- rendering values -------------------------------------------------------------------
def _scalar(value: object, style: str | None = None) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    text = str(value)
    if style == "json":  # a .json manifest: every string double-quoted
        return json.dumps(text, ensure_ascii=False)
    if style == "'":
        return "'" + text.replace("'", "''") + "'"
    if style == '"':
        return json.dumps(text, ensure_ascii=False)
    if _PLAIN.fullmatch(text) and text.lower() not in _RESERVED:
        return text
    return json.dumps(text, ensure_ascii=False)


def _flow(value: object, style: str | None = None) -> str:
    if isinstance(value, Mapping):
        key_style = "json" if style == "json" else None
        return "{" + ", ".join(f"{_scalar(k, key_style)}: {_flow(v, style)}" for k, v in value.items()) + "}"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_flow(v, style) for v in value) + "]"
    return _scalar(value, style)


def _block(key: str, value: object, indent: int, step: int) -> list[str]:
    pad = " " * indent
    if isinstance(value, Mapping) and value:
        lines = [f"{pad}{_scalar(key)}:"]
        for sub_key, sub_value in value.items():
            lines += _block(str(sub_key), sub_value, indent + step, step)
        return lines
    return [f"{pad}{_scalar(key)}: {_flow(value)}"]


def _nest(steps: Sequence[str], value: object) -> object:
    for step in reversed(steps):
        value = {step: value}
    return value


# -- the node tree ----------------------------------------------------------------------
@lru_cache(maxsize=64)
def _compose(text: str) -> Node:
    """The round-trip node tree (cached: an edit's result is the next edit's input)."""
    node = YAML(typ="rt").compose(text)
    if not isinstance(node, Node):
        raise FixError("the document is empty")
    return node


def _data(node: Node, depth: int = 0) -> Any:
    """Plain data of a node tree, scalars resolved by their tags: enough to compare two trees."""
    if depth > 500:
        raise FixError("the document nests too deeply")
    if isinstance(node, MappingNode):
        return {str(_data(k, depth + 1)): _data(v, depth + 1) for k, v in node.value}
    if isinstance(node, SequenceNode):
        return [_data(item, depth + 1) for item in node.value]
    tag, value = str(node.tag), node.value
    if tag.endswith(":null"):
        return None
    if tag.endswith(":bool"):
        return str(value).lower() == "true"
    if tag.endswith((":int", ":float")):
        try:
            return int(str(value).replace("_", ""), 0) if tag.endswith(":int") else float(value)
        except ValueError:
            return value
    return value


def _load(text: str) -> Any:
    return _data(_compose(text))


def _walk(root: Node, path: Path_) -> list[Node]:
    """Nodes along `path` from the root, as far as they exist."""
    chain = [root]
    for step in path:
        node = chain[-1]
        if getattr(node, "anchor", None):
            raise FixError("the field is inside an anchored node that aliases share")
        if isinstance(node, MappingNode) and isinstance(step, str):
            keys = [k.value if isinstance(k, ScalarNode) else None for k, _ in node.value]
            if "<<" in keys:
                raise FixError("the mapping uses a merge key (<<)")
            matches = [v for k, v in node.value if isinstance(k, ScalarNode) and k.value == step]
            if len(matches) > 1:
                raise FixError(f"key {step!r} is defined twice")
            if not matches:
                break
            chain.append(matches[0])
        elif isinstance(node, SequenceNode) and isinstance(step, int) and 0 <= step < len(node.value):
            chain.append(node.value[step])
        else:
            break
    return chain


def _is_null(node: Node) -> bool:
    return isinstance(node, ScalarNode) and str(node.tag).endswith(":null")


def _content_end(node: Node) -> Any:
    """The mark where the node's content ends (block collections end at their last child)."""
    if isinstance(node, MappingNode) and not node.flow_style and node.value:
        key, value = node.value[-1]
        ends = [_content_end(key), _content_end(value)]
        return max(ends, key=lambda mark: mark.index)
    if isinstance(node, SequenceNode) and not node.flow_style and node.value:
        return _content_end(node.value[-1])
    return node.end_mark


def _indent_step(root: Node) -> int:
    """Indentation the document uses for a nested block mapping (2 when it shows none)."""
    stack = [root]
    while stack:
        node = stack.pop()
        if isinstance(node, MappingNode):
            for key, value in node.value:
                if isinstance(value, MappingNode) and not value.flow_style and value.value and not node.flow_style:
                    step = value.value[0][0].start_mark.column - key.start_mark.column
                    if step > 0:
                        return int(step)
                stack.append(value)
        elif isinstance(node, SequenceNode):
            stack.extend(node.value)
    return 2


class _Splice:
    """Text edits of one document (offsets relative to the document's text)."""

    def __init__(self, text: str, json_style: bool = False) -> None:
        self.text = text
        self.newline = "\r\n" if "\r\n" in text else "\n"
        self.style = "json" if json_style else None  # how new keys and strings are written

    def replace(self, start: int, end: int, new: str) -> str:
        if start == end and start > 0 and self.text[start - 1] == ":":
            new = " " + new
        return self.text[:start] + new + self.text[end:]

    def insert_lines(self, after: Any, lines: list[str]) -> str:
        """Insert whole lines after the line on which mark `after` ends the content."""
        block = "".join(line + self.newline for line in lines)
        if after.column == 0 and after.index > 0:
            at = after.index
        else:
            newline_at = self.text.find("\n", after.index)
            if newline_at == -1:
                return self.text + self.newline + block.removesuffix(self.newline)
            at = newline_at + 1
        return self.text[:at] + block + self.text[at:]


def _flow_separator(splice: _Splice, collection: Node, last: Node) -> str:
    """`, ` in a one-line flow collection; a new line lined up with the last entry otherwise."""
    if last.start_mark.line == collection.start_mark.line:
        return ", "
    column: int = last.start_mark.column
    return "," + splice.newline + " " * column


def _set_missing(splice: _Splice, root: Node, parent: Node, tail: Path_, value: object) -> str:
    if not all(isinstance(step, str) for step in tail):
        raise FixError("a list item on the way to the field does not exist")
    key, rest = str(tail[0]), [str(s) for s in tail[1:]]
    nested = _nest(rest, value)
    if not isinstance(parent, MappingNode):
        what = "empty" if _is_null(parent) else "not a mapping"
        raise FixError(f"the field's parent is {what}")
    if parent.flow_style:
        text = f"{_scalar(key, splice.style)}: {_flow(nested, splice.style)}"
        if parent.value:
            last_key = parent.value[-1][0]
            at = _content_end(parent.value[-1][1]).index
            return splice.text[:at] + _flow_separator(splice, parent, last_key) + text + splice.text[at:]
        at = parent.end_mark.index - 1
        if splice.text[at : at + 1] != "}":
            raise FixError("cannot place the key in this flow mapping")
        return splice.text[:at] + text + splice.text[at:]
    if not parent.value:
        raise FixError("the field's parent is an empty block mapping")
    indent = parent.value[0][0].start_mark.column
    return splice.insert_lines(_content_end(parent), _block(key, nested, indent, _indent_step(root)))


def _append(splice: _Splice, seq: SequenceNode, item: object) -> str:
    scalars = [n for n in seq.value if isinstance(n, ScalarNode)]
    if any(str(n.value).upper() == str(item).upper() for n in scalars):
        raise FixError(f"the list already holds {item}")
    style = scalars[0].style if scalars and scalars[0].style in ("'", '"') else splice.style
    rendered = _scalar(item, style)
    if seq.flow_style:
        if seq.value:
            at = _content_end(seq.value[-1]).index
            return splice.text[:at] + _flow_separator(splice, seq, seq.value[-1]) + rendered + splice.text[at:]
        at = seq.end_mark.index - 1
        if splice.text[at : at + 1] != "]":
            raise FixError("cannot place the item in this flow list")
        return splice.text[:at] + rendered + splice.text[at:]
    first = seq.value[0].start_mark
    line_start = splice.text.rfind("\n", 0, first.index) + 1
    before = splice.text[line_start : first.index].rstrip()
    if not before.endswith("-"):
        raise FixError("cannot find the list's dash")
    dash = len(before) - 1
    return splice.insert_lines(_content_end(seq), [" " * dash + "- " + rendered])


def _expected(data: Any, path: Path_, op: Op, value: object) -> Any:
    """The document's data with the intended change, for the structural check."""
    if not path:
        return value
    head, rest = path[0], path[1:]
    if isinstance(data, dict) and isinstance(head, str):
        out = dict(data)
        if rest or op is not Op.APPEND:
            out[head] = _expected(data.get(head), rest, op, value) if head in data else _nest_any(rest, op, value)
        else:
            current = data.get(head)
            out[head] = [*current, value] if isinstance(current, list) else [value]
        return out
    if isinstance(data, list) and isinstance(head, int):
        out_list = list(data)
        out_list[head] = _expected(data[head], rest, op, value)
        return out_list
    return _nest_any(path, op, value)


def _nest_any(path: Path_, op: Op, value: object) -> object:
    leaf = [value] if op is Op.APPEND else value
    return _nest([str(s) for s in path], leaf)


def apply_edit(text: str, path: Path_, edit: Edit, kind: str, *, json_style: bool = False) -> str:
    """`text` (one YAML document) with `edit` applied at `path`; FixError when not safe.
    `json_style`: the document is JSON, so what is added is written as JSON."""
    try:
        root = _compose(text)
        before = _load(text)
    except YAMLError as exc:
        raise FixError(f"the round-trip parser rejects the document ({type(exc).__name__})") from None
    splice = _Splice(text, json_style)
    chain = _walk(root, path)
    found = len(chain) - 1 == len(path)
    node = chain[-1]
    op, value = edit.op, edit.value
    if edit.unless_sibling and len(chain) >= 2 and found and isinstance(chain[-2], MappingNode):
        siblings = {k.value for k, _ in chain[-2].value if isinstance(k, ScalarNode)}
        present = sorted(siblings & set(edit.unless_sibling))
        if present:
            raise FixError(f"{present[0]} is set next to it")
    if op is Op.API_VERSION:
        if not found or not isinstance(node, ScalarNode):
            raise FixError("apiVersion is not a plain value")
        replacement = SAME_SCHEMA_REPLACEMENTS.get((str(node.value), kind))
        if replacement is None:
            raise FixError(f"{node.value} {kind} has no same-schema replacement; convert it by hand")
        value, op = replacement, Op.SET
        new = splice.replace(node.start_mark.index, node.end_mark.index, _scalar(value, node.style or splice.style))
    elif op is Op.SET:
        if found and not _is_null(node):
            if edit.only_missing:
                raise FixError("the field is set to a value this fix does not replace; fix it by hand")
            if not isinstance(node, ScalarNode):
                raise FixError("the field holds a mapping or list; it is not overwritten")
            style = node.style if isinstance(value, str) and node.style else splice.style
            new = splice.replace(node.start_mark.index, node.end_mark.index, _flow(value, style))
        elif found:  # present but null
            new = splice.replace(node.start_mark.index, node.end_mark.index, _flow(value, splice.style))
        else:
            new = _set_missing(splice, root, node, path[len(chain) - 1 :], value)
    else:  # APPEND
        if found and isinstance(node, SequenceNode):
            new = _append(splice, node, value)
        elif found and _is_null(node):
            new = splice.replace(node.start_mark.index, node.end_mark.index, _flow([value], splice.style))
        elif found:
            raise FixError("the field is not a list")
        else:
            new = _set_missing(splice, root, node, path[len(chain) - 1 :], [value])
    try:
        after = _load(new)
    except YAMLError:
        raise FixError("the edit would not parse; left unchanged") from None
    if after != _expected(before, path, op, value):
        raise FixError("the edit would change more than the field; left unchanged")
    return new


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
        try:
            current = _apply(current, target)
        except FixError as exc:
            fix.outcomes.append(Outcome(target.finding, target.spec, False, str(exc)))
            continue
        planned.append(target)
    return _Stage(fix, planned, current)


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
        try:
            candidate = _apply(current, target)
        except FixError as exc:
            result.outcomes.append(Outcome(target.finding, target.spec, False, str(exc)))
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
