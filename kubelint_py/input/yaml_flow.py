"""The slow parser: ruamel's pure-Python one, with YAML 1.2's flow context. libyaml 0.1 (the C
scanner) rejects `{image: busybox:1.36}` and `[http://a]`, which kubectl accepts; a document
only this parser can read costs ~100 times the C parser's time, so each run may spend only a
budget on it (kubelint_py/input/yaml_errors.py)."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from ruamel.yaml.composer import ComposerError
from ruamel.yaml.events import (
    AliasEvent,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
    StreamEndEvent,
)
from ruamel.yaml.parser import Parser
from ruamel.yaml.reader import Reader
from ruamel.yaml.scanner import Scanner, ScannerError
from ruamel.yaml.tag import Tag
from ruamel.yaml.tokens import (
    BlockEndToken,
    FlowEntryToken,
    FlowMappingEndToken,
    FlowMappingStartToken,
    FlowSequenceEndToken,
    FlowSequenceStartToken,
    KeyToken,
    ScalarToken,
    ValueToken,
)

from kubelint_py.input.yaml_errors import AliasBudget, LimitExceeded, Limits, SlowBudgetSpent, mark_pos
from kubelint_py.input.yaml_nodes import MappingNode, ScalarNode, SequenceNode
from kubelint_py.input.yaml_scalars import resolve
from kubelint_py.model import Pos

_BLANK_OR_END = "\0 \t\r\n\x85\u2028\u2029"
_ENDS_FLOW_PLAIN = _BLANK_OR_END + ",[]{}"  # what cannot continue a plain scalar in flow context
_NOT_PLAIN_FIRST = _BLANK_OR_END + "-?:,[]{}#&*!|>'\"%@`"


class _Reader(Reader):  # type: ignore[misc]
    """Counts lines and columns as the C reader does: a line ends at CR LF, CR, LF, NEL, LS or
    PS; every other character but a leading byte order mark is a column (the pure reader breaks
    lines at LF and CR only, and skips U+FEFF everywhere)."""

    def forward(self, length: int = 1) -> None:
        if self.pointer + length + 1 >= len(self.buffer):
            self.update(length + 1)
        buffer = self.buffer
        while length:
            char = buffer[self.pointer]
            self.pointer += 1
            self.index += 1
            if char in "\n\x85\u2028\u2029" or (char == "\r" and buffer[self.pointer] != "\n"):
                self.line += 1
                self.column = 0
            elif self.index > 1 or char != "\ufeff":
                self.column += 1
            length -= 1


class _Scanner(Scanner):  # type: ignore[misc]
    """ruamel's pure-Python scanner (libyaml's YAML 1.1 rules) with YAML 1.2's flow context
    (spec 7.3.3, 7.4): inside `[...]` and `{...}`, a `:`, `?` or `-` followed by a character that
    can continue a plain scalar is part of the scalar (`busybox:1.36`, `http://a`, `::x`,
    `?x`), except a `:` after a JSON-like key (`"a":b`, `[a]:b`); a `:` followed by `,` or a
    bracket ends it (`[a:, b]`); an entry may have an empty key (`{: x}`, `[: x]`)."""

    _last_token: Any = None

    def fetch_more_tokens(self) -> Any:
        result = super().fetch_more_tokens()
        if self.tokens:
            self._last_token = self.tokens[-1]
        return result

    def _after_json_node(self) -> bool:
        last = self._last_token
        kind = type(last)
        return (kind is ScalarToken and not last.plain) or kind is FlowSequenceEndToken or kind is FlowMappingEndToken

    def fetch_stream_end(self) -> None:
        reader = self.reader
        if reader.column:  # as libyaml: the stream ends on a line of its own
            reader.line += 1
            reader.column = 0
        super().fetch_stream_end()

    def check_key(self) -> bool:
        if self.flow_level:
            return self.reader.peek(1) in _ENDS_FLOW_PLAIN
        return self.reader.peek(1) in _BLANK_OR_END

    def check_value(self) -> bool:
        if self.flow_level:
            return self._after_json_node() or self.reader.peek(1) in _ENDS_FLOW_PLAIN
        return self.reader.peek(1) in _BLANK_OR_END

    def check_plain(self) -> bool:
        char = self.reader.peek()
        if char not in _NOT_PLAIN_FIRST:
            return True
        if char in "-?:":
            return self.reader.peek(1) not in (_ENDS_FLOW_PLAIN if self.flow_level else _BLANK_OR_END)
        return False

    def fetch_value(self) -> None:
        last = type(self._last_token)
        if (
            self.flow_level
            and self.flow_level not in self.possible_simple_keys
            and (last is FlowEntryToken or last is FlowSequenceStartToken or last is FlowMappingStartToken)
        ):
            mark = self.reader.get_mark()  # an entry with an empty key
            self.tokens.append(KeyToken(mark, mark))
        super().fetch_value()

    def scan_tag(self) -> Any:
        peek = self.reader.peek
        if peek(1) == "!" and peek(2) in _BLANK_OR_END:  # `!!` alone: libyaml wants a suffix
            mark = self.reader.get_mark()
            raise ScannerError("while parsing a tag", mark, "did not find expected tag URI", mark)
        return super().scan_tag()

    def scan_plain(self) -> Any:
        reader = self.reader
        peek = reader.peek
        flow = bool(self.flow_level)
        stops = _ENDS_FLOW_PLAIN if flow else _BLANK_OR_END
        start_mark = end_mark = reader.get_mark()
        indent = self.indent + 1
        chunks: list[str] = []
        spaces: list[str] | None = []
        while peek() != "#":
            length = 0
            while True:
                char = peek(length)
                if char in stops or (char == ":" and peek(length + 1) in stops):
                    break
                length += 1
            if not length:
                break
            self.allow_simple_key = False
            chunks.extend(spaces or ())
            chunks.append(reader.prefix(length))
            reader.forward(length)
            end_mark = reader.get_mark()
            spaces = self.scan_plain_spaces(indent, start_mark)
            if not spaces or peek() == "#" or (not flow and reader.column < indent):
                break
        return ScalarToken("".join(chunks), True, start_mark, end_mark)


class _FlowParser(_Reader, _Scanner, Parser):  # type: ignore[misc]
    processing_version = (1, 1)  # libyaml's rules but for the flow context above
    top_level_block_style_scalar_no_indent_error_1_1 = True  # as libyaml: `|` at the top is indented

    def __init__(self, text: str) -> None:
        self.comment_handling = None
        self.doc_infos = [SimpleNamespace(doc_version=None, tags=[])]  # written by a %YAML directive
        _Reader.__init__(self, text, loader=self)
        _Scanner.__init__(self, loader=self)
        Parser.__init__(self, loader=self)
        self._resolver = self

    def parse_block_mapping_value(self) -> Any:
        """As libyaml: an empty value stands where its `:` ends (ruamel puts it at the next
        token, which is past the end of the file when the document ends with `key:`)."""
        if not self.scanner.check_token(ValueToken):
            self.state = self.parse_block_mapping_key
            return self.process_empty_scalar(self.scanner.peek_token().start_mark)
        token = self.scanner.get_token()
        if not self.scanner.check_token(KeyToken, ValueToken, BlockEndToken):
            self.states.append(self.parse_block_mapping_key)
            return self.parse_block_node_or_indentless_sequence()
        self.state = self.parse_block_mapping_key
        return self.process_empty_scalar(token.end_mark)


def compose_flow12(text: str, line_offset: int, limits: Limits, budget: AliasBudget) -> Any:
    """The root node of the single document in `text`, composed without recursion; each event
    is charged to `budget` (SlowBudgetSpent when it runs out)."""
    parser = _FlowParser(text)
    parser.get_event()  # stream start
    if parser.check_event(StreamEndEvent):
        return None
    parser.get_event()  # document start
    root = _compose_events(parser, line_offset, limits, budget)
    parser.get_event()  # document end
    if not parser.check_event(StreamEndEvent):
        event = parser.get_event()
        raise ComposerError(
            "expected a single document in the stream", root.start_mark, "but found another document", event.start_mark
        )
    return root


def _compose_events(parser: Any, line_offset: int, limits: Limits, budget: AliasBudget) -> Any:
    anchors: dict[str, Any] = {}
    open_nodes: list[tuple[Any, list[Any], str | None]] = []  # collection, its items, its anchor
    while True:
        if budget.slow_events <= 0:
            raise SlowBudgetSpent
        budget.slow_events -= 1
        event = parser.get_event()
        kind = type(event)
        node: Any
        anchor = None
        if kind is ScalarEvent:
            node = ScalarNode(_event_tag(event, ScalarNode), event.value, event.start_mark, event.end_mark, event.style)
            anchor = event.anchor
        elif kind is AliasEvent:
            node = anchors.get(event.anchor)
            if node is None:
                raise ComposerError(None, None, f"found undefined alias {event.anchor}", event.start_mark)
        elif kind is MappingStartEvent or kind is SequenceStartEvent:
            if len(open_nodes) >= limits.max_depth:
                raise LimitExceeded(
                    f"nesting deeper than {limits.max_depth} levels", Pos(*mark_pos(event.start_mark, line_offset))
                )
            cls = MappingNode if kind is MappingStartEvent else SequenceNode
            open_nodes.append((cls(_event_tag(event, cls), [], event.start_mark, None, None), [], event.anchor))
            continue
        elif kind is MappingEndEvent or kind is SequenceEndEvent:
            node, items, anchor = open_nodes.pop()
            node.end_mark = event.end_mark
            node.value[:] = zip(items[::2], items[1::2], strict=True) if kind is MappingEndEvent else items
        else:
            raise ComposerError(None, None, "expected a node", event.start_mark)
        if anchor is not None:
            if anchor in anchors:  # as the C composer says it
                raise ComposerError(
                    "found duplicate anchor; first occurrence",
                    anchors[anchor].start_mark,
                    "second occurrence",
                    event.start_mark,
                )
            anchors[anchor] = node
        if not open_nodes:
            return node
        open_nodes[-1][1].append(node)


def _event_tag(event: Any, kind: type) -> Tag:
    tag = event.ctag
    if tag is None or str(tag) == "!":
        return resolve(kind, event.value if kind is ScalarNode else None, event.implicit)
    return Tag(suffix=str(tag))
