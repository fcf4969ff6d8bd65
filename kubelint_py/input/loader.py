"""Source -> Documents and LoadProblems. Never raises for any input."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import NamedTuple

from kubelint_py.input.decoding import decode
from kubelint_py.input.positions import PositionIndex, shifted
from kubelint_py.input.recognize import recognize
from kubelint_py.input.streams import Chunk, iter_documents
from kubelint_py.input.yamlio import AliasBudget, LimitExceeded, Limits, ParsedYaml, YamlSyntaxError, parse_document
from kubelint_py.model import (
    FILE_START,
    Directive,
    DocType,
    Document,
    LoadProblem,
    Location,
    Pos,
    Source,
    Span,
)

_TEMPLATE_RE = re.compile(r"\{\{-?\s")


class LoadOptions(NamedTuple):  # not a dataclass: ~0.5 ms less of every start
    """The limits of one load (`limits` in the configuration)."""

    max_file_bytes: int = 20 * 1024 * 1024
    max_documents: int = 50_000
    limits: Limits = Limits()
    max_alias_nodes: int = 1_000_000  # alias-expanded nodes in the whole run
    # asked of each document's text; its answer is the document's `credential_free`
    credential_screen: Callable[[str], bool] | None = None


class LoadResult:  # not a dataclass (~0.5 ms less of every start): an accumulator
    """The documents and problems of the sources loaded, and what was skipped."""

    __slots__ = ("alias_budget", "documents", "problems", "skipped_files", "templates_skipped", "unknown")

    def __init__(
        self,
        documents: list[Document] | None = None,
        problems: list[LoadProblem] | None = None,
        unknown: int = 0,
        templates_skipped: int = 0,
        skipped_files: list[str] | None = None,
        alias_budget: AliasBudget | None = None,
    ) -> None:
        self.documents: list[Document] = [] if documents is None else documents
        self.problems: list[LoadProblem] = [] if problems is None else problems
        self.unknown = unknown
        self.templates_skipped = templates_skipped
        self.skipped_files: list[str] = [] if skipped_files is None else skipped_files
        self.alias_budget = alias_budget


def looks_like_unrendered_template(display: str, text: str) -> bool:
    """Go-template chart files (`{{ .Values.x }}`) are not YAML until Helm renders them."""
    if "{{" not in text:
        return False
    in_chart = "/templates/" in f"/{display}" or display.endswith((".tpl", ".gotmpl"))
    return in_chart and bool(_TEMPLATE_RE.search(text) or "{{" in text)


def load_source(source: Source, options: LoadOptions, result: LoadResult) -> None:
    if source.skipped is not None:
        return
    if source.error is not None or source.raw is None:
        result.problems.append(
            LoadProblem(source.display, FILE_START, "input-unreadable", source.error or "could not be read")
        )
        return
    if len(source.raw) > options.max_file_bytes:
        result.problems.append(
            LoadProblem(
                source.display,
                FILE_START,
                "input-too-large",
                f"file is {len(source.raw):,} bytes, over the limit of {options.max_file_bytes:,}; not linted",
            )
        )
        return
    decoded = decode(source.raw)
    if decoded.text is None:
        result.problems.append(LoadProblem(source.display, FILE_START, "input-unreadable", decoded.problem or ""))
        return
    text = decoded.text
    if looks_like_unrendered_template(source.display, text):
        result.templates_skipped += 1
        result.skipped_files.append(source.display)
        return
    load_text(source.display, text, source.is_target, options, result)


def load_text(display: str, text: str, is_target: bool, options: LoadOptions, result: LoadResult) -> None:
    index = 0
    if result.alias_budget is None:
        result.alias_budget = AliasBudget(options.max_alias_nodes)
    screen = options.credential_screen
    for chunk in iter_documents(text):
        if index >= options.max_documents:
            result.problems.append(
                LoadProblem(
                    display,
                    Span(Pos(chunk.first_line, 1), Pos(chunk.first_line, 2)),
                    "input-too-large",
                    f"more than {options.max_documents:,} documents in one file; the rest is not linted",
                )
            )
            return
        for line in chunk.bad_directives:
            result.problems.append(
                LoadProblem(
                    display,
                    Span(Pos(line, 1), Pos(line, 2)),
                    "unused-suppression",
                    "malformed suppression comment: use `# kubelint: ignore[rule-id,...] reason`",
                    doc_index=index,
                    detail=f"line {line - chunk.first_line}",
                )
            )
        try:
            parsed = parse_document(
                chunk.text, line_offset=chunk.first_line - 1, limits=options.limits, budget=result.alias_budget
            )
        except YamlSyntaxError as exc:
            hint = ""
            if "{{" in chunk.text:
                hint = " (this looks like an unrendered Helm template: lint `helm template` output instead)"
            result.problems.append(
                LoadProblem(
                    display, _point(exc.pos), "yaml-syntax", exc.message + hint, chunk.helm_source, doc_index=index
                )
            )
            index += 1
            continue
        except LimitExceeded as exc:
            result.problems.append(
                LoadProblem(display, _point(exc.pos), "input-too-large", exc.message, doc_index=index)
            )
            index += 1
            continue
        if parsed is None:
            continue
        for dup in parsed.duplicates:
            result.problems.append(
                LoadProblem(
                    display,
                    Span(dup.second, Pos(dup.second.line, dup.second.column + len(dup.key))),
                    "yaml-duplicate-key",
                    f"key {_shown(dup.key)} is defined twice (first at line {dup.first.line}); kubectl rejects "
                    "the document: delete one of them",
                    chunk.helm_source,
                    (
                        Location(
                            display,
                            Span(dup.first, Pos(dup.first.line, dup.first.column + len(dup.key))),
                            "first definition",
                        ),
                    ),
                    doc_index=index,
                    detail=dup.key,
                )
            )
        clear = screen is not None and screen(chunk.text)
        _add_documents(display, chunk, parsed, index, is_target, result, clear)
        index += 1


def _shown(key: str) -> str:
    """A key as a message shows it: quoted, on one line, at most 60 characters."""
    one_line = key.replace("\\", "\\\\").replace("\n", "\\n").replace("\t", "\\t").replace('"', '\\"')
    return f'"{one_line[:57]}..."' if len(one_line) > 60 else f'"{one_line}"'


def _point(pos: Pos) -> Span:
    return Span(pos, Pos(pos.line, pos.column + 1))


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""


def _make_document(
    display: str,
    chunk: Chunk,
    data: Mapping[str, object],
    positions: PositionIndex,
    index: int,
    is_target: bool,
    prefix: tuple[str | int, ...] = (),
    directives: tuple[Directive, ...] = (),
    credential_free: bool = False,
) -> Document:
    doc_type = recognize(data)
    metadata = data.get("metadata")
    meta = metadata if isinstance(metadata, Mapping) else {}
    name = _text(meta.get("name")) or _text(meta.get("generateName"))
    namespace = meta.get("namespace")
    return Document(
        file=display,
        helm_source=chunk.helm_source,
        index=index,
        span=positions.span,
        doc_type=doc_type,
        api_version=_text(data.get("apiVersion")),
        kind=_text(data.get("kind")),
        name=name,
        namespace=namespace if isinstance(namespace, str) and namespace else None,
        data=data,
        positions=positions,
        directives=directives,
        is_target=is_target,
        path_prefix=prefix,
        credential_free=credential_free,
    )


def _add_documents(
    display: str,
    chunk: Chunk,
    parsed: ParsedYaml,
    index: int,
    is_target: bool,
    result: LoadResult,
    credential_free: bool = False,
) -> None:
    data = parsed.data
    if not isinstance(data, Mapping):
        result.unknown += 1
        return
    kind = data.get("kind")
    items = data.get("items")
    if isinstance(kind, str) and kind.endswith("List") and isinstance(items, list) and "apiVersion" in data:
        for number, item in enumerate(items):
            if not isinstance(item, Mapping):
                result.unknown += 1
                continue
            prefix = ("items", number)
            positions = shifted(parsed.positions, prefix)
            doc = _make_document(
                display, chunk, item, positions, index, is_target, prefix, chunk.directives, credential_free
            )
            _keep(doc, result)
        return
    doc = _make_document(
        display, chunk, data, parsed.positions, index, is_target, (), chunk.directives, credential_free
    )
    _keep(doc, result)


def _keep(doc: Document, result: LoadResult) -> None:
    if doc.doc_type is DocType.UNKNOWN:
        result.unknown += 1
        return
    result.documents.append(doc)
