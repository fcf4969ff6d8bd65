"""The only module that touches ruamel.yaml: YAML text -> plain data + positions.

Nodes are composed by ruamel's C parser (ruamel.yaml.clib), so marks come at C speed;
one Python walk turns them into dicts/lists/scalars and fills the position index.
Scalars are resolved the way Kubernetes reads YAML (go-yaml v2, YAML 1.1 style):
`yes`/`on` are booleans, `0644` is octal. No tag ever constructs an object: unknown
tags (`!!python/object`, `!foo`) yield the node's text, or its mapping or list.

The C scanner (libyaml 0.1) predates YAML 1.2's flow context: it rejects `{image: busybox:1.36}`
and `[http://a]`, which kubectl accepts. A document it rejects is parsed again, at C speed with
those colons masked when that is all that was wrong, else by ruamel's pure-Python parser with
YAML 1.2's flow-context rules (slow, so a run may spend only a budget on it). Positions
are the parser's marks turned into editor lines (`positions.LineMap`) when they differ.
"""

from __future__ import annotations

import operator
import re
import warnings
from functools import cache
from sys import intern
from typing import Any, NamedTuple

from ruamel.yaml.cyaml import CParser  # type: ignore[attr-defined]
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.events import MappingEndEvent, MappingStartEvent, SequenceEndEvent, SequenceStartEvent
from ruamel.yaml.tag import Tag

from kubelint_py.input.positions import (
    Children,
    Entry,
    LineMap,
    Marks,
    PositionIndex,
    entry_in,
    has_parser_only_breaks,
    new_marks,
)
from kubelint_py.input.yaml_errors import (
    SLOW_BUDGET_SPENT,
    AliasBudget,
    LimitExceeded,
    Limits,
    SlowBudgetSpent,
    YamlSyntaxError,
    mark_pos,
    syntax_error,
)
from kubelint_py.input.yaml_nodes import MappingNode, ScalarNode, compose_single, tag_name
from kubelint_py.input.yaml_scalars import (
    BOOL,
    BOOL_FALSE,
    BOOL_TRUE,
    FLOAT,
    INT,
    KNOWN_FULL_TAGS,
    MAP_TAG,
    MERGE,
    MERGE_TAG,
    NULL,
    SEQ_TAG,
    STR,
    STR_TAG,
    resolve,
    to_float,
    to_int,
)
from kubelint_py.model import Pos, Span


@cache
def _regex(pattern: str) -> re.Pattern[str]:
    """One of the patterns of this module, compiled on first use."""
    return re.compile(pattern)


DEFAULT_LIMITS = Limits()

__all__ = ["AliasBudget", "Duplicate", "LimitExceeded", "Limits", "ParsedYaml", "YamlSyntaxError", "parse_document"]


class _Parser(CParser):  # type: ignore[misc]
    """The C composer with our own scalar resolver (path resolvers are not used).

    The composer calls descend_resolver, resolve and ascend_resolver for every node. Path
    resolvers are not used, so the two hooks are C builtins that take the same arguments and
    do nothing of consequence (a Python no-op per call was 0.1 s on the 10k corpus).
    """

    descend_resolver = staticmethod(operator.is_)  # (parent, index) -> ignored bool
    ascend_resolver = staticmethod(int)  # () -> 0, ignored
    resolve = staticmethod(resolve)


class Duplicate(NamedTuple):  # not a dataclass: ~0.5 ms less of every start
    """A key given twice in one mapping, at both places."""

    key: str
    first: Pos
    second: Pos


class ParsedYaml(NamedTuple):  # not a dataclass: ~0.5 ms less of every start
    """One parsed document: its plain data, its positions, duplicate keys and explicit tags."""

    data: object
    positions: PositionIndex
    duplicates: tuple[Duplicate, ...]
    tags: tuple[tuple[str, Pos], ...]


# go-yaml (which kubectl and the API server use) rejects "excessive aliasing": more than 99%
# of a document's nodes from alias expansion, falling to 10% for documents of 4M nodes.
_ALIAS_RATIO_LOW, _ALIAS_RATIO_HIGH = 400_000, 4_000_000


def _allowed_alias_ratio(decoded: int) -> float:
    if decoded <= _ALIAS_RATIO_LOW:
        return 0.99
    if decoded >= _ALIAS_RATIO_HIGH:
        return 0.10
    return 0.99 - 0.89 * (decoded - _ALIAS_RATIO_LOW) / (_ALIAS_RATIO_HIGH - _ALIAS_RATIO_LOW)


def _nesting_is_plausible(text: str, limits: Limits) -> bool:
    """Cheap upper bound on nesting depth; the C composer recurses without a limit."""
    flow = text.count("[") + text.count("{")
    room = limits.max_depth * 4 - flow
    if len(text) < room:  # no line is longer than the text (a third of the corpus's documents)
        return True
    longest = max(map(len, text.split("\n")))  # C-speed: a generator here was 0.1 s per 10k docs
    return longest < room


def _check_depth(text: str, limits: Limits, line_offset: int) -> None:
    """Exact depth check on the event stream (iterative, so safe on hostile input).
    Raises LimitExceeded, or the parser's YAMLError."""
    parser = _Parser(text)
    depth = 0
    try:
        while parser.check_event():
            event = parser.get_event()
            if isinstance(event, MappingStartEvent | SequenceStartEvent):
                depth += 1
                if depth > limits.max_depth:
                    raise LimitExceeded(
                        f"nesting deeper than {limits.max_depth} levels",
                        Pos(*mark_pos(event.start_mark, line_offset)),
                    )
            elif isinstance(event, MappingEndEvent | SequenceEndEvent):
                depth -= 1
    finally:
        parser.dispose()


def parse_document(
    text: str, *, line_offset: int = 0, limits: Limits = DEFAULT_LIMITS, budget: AliasBudget | None = None
) -> ParsedYaml | None:
    """Parse one YAML document. None for an empty document. `budget` (shared by the documents
    of a run) is charged the document's alias-expanded nodes when it parses, and the text the
    slow parser reads.

    Raises YamlSyntaxError or LimitExceeded; never anything else for any input text.
    """
    if not has_parser_only_breaks(text):
        return _parse(text, line_offset, limits, budget)
    lines = LineMap(text, line_offset)
    try:
        parsed = _parse(text, line_offset, limits, budget)
    except YamlSyntaxError as exc:
        raise YamlSyntaxError(exc.message, lines.pos(exc.pos)) from None
    except LimitExceeded as exc:
        raise LimitExceeded(exc.message, lines.pos(exc.pos)) from None
    if parsed is None:
        return None
    return ParsedYaml(
        parsed.data,
        lines.index(parsed.positions),
        tuple(Duplicate(dup.key, lines.pos(dup.first), lines.pos(dup.second)) for dup in parsed.duplicates),
        tuple((tag, lines.pos(pos)) for tag, pos in parsed.tags),
    )


def _parse(text: str, line_offset: int, limits: Limits, budget: AliasBudget | None) -> ParsedYaml | None:
    """`parse_document` in the parser's lines."""
    node = _compose(text, line_offset, limits, budget)
    if node is None:
        return None
    walker = _Walker(line_offset, limits, budget.remaining if budget is not None else None, anchors="&" in text)
    try:
        data, children = walker.walk(node, 0)
    except RecursionError:
        raise LimitExceeded(f"nesting deeper than {limits.max_depth} levels", Pos(1 + line_offset, 1)) from None
    sl, sc = mark_pos(node.start_mark, line_offset)
    el, ec = mark_pos(node.end_mark, line_offset)
    index = PositionIndex(Span(Pos(sl, sc), Pos(el, ec)), children, data, walker.marks)
    if budget is not None:
        budget.remaining -= walker.aliased
    return ParsedYaml(data, index, tuple(walker.duplicates), tuple(walker.tags))


def _compose(text: str, line_offset: int, limits: Limits, budget: AliasBudget | None) -> Any:
    """The document's root node from the first parser that accepts it: the C composer; again,
    with the colons of plain scalars masked, when it rejected one (libyaml 0.1's flow context);
    else the slow YAML 1.2 flow-context parser. Raises YamlSyntaxError or LimitExceeded."""
    try:
        return _compose_c(text, line_offset, limits)
    except YAMLError as exc:
        errors = [exc]
    masked = _mask_colons(text) if _rejects_colon(errors[0]) else None
    if masked is not None:
        placeholder, masked_text = masked
        try:
            node = _compose_c(masked_text, line_offset, limits)
        except YAMLError as exc:
            errors.append(exc)
        else:
            _unmask(node, placeholder)
            return node
    if not _in_flow_context(errors[-1]):  # a real error: the slow parser would only be laxer
        raise _latest(errors, line_offset, text)
    return _compose_slow(text, line_offset, limits, budget, errors)


def _compose_c(text: str, line_offset: int, limits: Limits) -> Any:
    """The C composer's root node. Raises the parser's YAMLError, or LimitExceeded."""
    if not _nesting_is_plausible(text, limits):
        _check_depth(text, limits, line_offset)
    parser = _Parser(text)
    try:
        return compose_single(parser)
    except RecursionError:
        raise LimitExceeded(f"nesting deeper than {limits.max_depth} levels", Pos(1 + line_offset, 1)) from None
    finally:
        parser.dispose()


# -- libyaml 0.1 and colons in flow context ----------------------------------------------------
#
# Its scanner stops at a `:` inside a plain scalar in `[...]` or `{...}` ("found unexpected ':'")
# where YAML 1.2 (and go-yaml, so kubectl) read on: `{image: busybox:1.36}`. Such colons are
# replaced by a private-use character the scanner reads as text, one code point for one so every
# mark stays where it was, and put back in the scalars afterwards. A colon is masked when it is
# between two characters that can be inside a plain scalar: not after a quote or a closing
# bracket (`{"a":b}` is a key and its value in YAML 1.2), not before a space, a flow indicator
# or the end, and not in a tag. Anything else the scanner rejects goes to the slow parser.

# group 1: a tag (`!!python/object:x`, its colons are its own); else a maskable colon
_MASKABLE_COLON_RE = r"(?<![^\s\[\{,])(![^\s,\[\]\{\}]*)|(?<=[^\s\"'\]\},\[\{]):(?=[^\s,\[\]\{\}])"
_PLACEHOLDERS = tuple(chr(code) for code in range(0xE000, 0xE010))


def _rejects_colon(exc: YAMLError) -> bool:
    return isinstance(exc, MarkedYAMLError) and "unexpected ':'" in (exc.problem or "")


def _in_flow_context(exc: YAMLError) -> bool:
    """Whether libyaml gave up inside `[...]` or `{...}`, where its rules are older than YAML
    1.2's. Elsewhere its verdict stands: go-yaml (kubectl) shares its rules, and the pure-Python
    parser is laxer (anchor names, tags, block scalars)."""
    return isinstance(exc, MarkedYAMLError) and ("flow" in (exc.context or "") or _rejects_colon(exc))


def _mask_colons(text: str) -> tuple[str, str] | None:
    """(placeholder, text with the maskable colons replaced), or None if there is no unused
    placeholder."""
    placeholder = next((char for char in _PLACEHOLDERS if char not in text), None)
    if placeholder is None:
        return None
    return placeholder, _regex(_MASKABLE_COLON_RE).sub(lambda match: match.group(1) or placeholder, text)


def _unmask(root: Any, placeholder: str) -> None:
    """Put the colons back in the scalars (each node once: aliases share nodes); a plain
    scalar is resolved again (`1:30` is the YAML 1.1 integer 90)."""
    seen: set[int] = set()
    pending = [root]
    while pending:
        node = pending.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        kind = type(node)
        if kind is ScalarNode:
            tag, value, start, end, style = node.args
            if placeholder in value:
                value = value.replace(placeholder, ":")
                if tag is STR_TAG and not style:
                    tag = resolve(ScalarNode, value, (True, False))
                node.args = (tag, value, start, end, style)
        elif kind is MappingNode:
            for key, item in node.args[1]:
                pending.append(key)
                pending.append(item)
        else:
            pending.extend(node.args[1])


# -- the slow parser: ruamel's pure-Python one with YAML 1.2's flow context --------------------


def _compose_slow(
    text: str, line_offset: int, limits: Limits, budget: AliasBudget | None, errors: list[YAMLError]
) -> Any:
    """The slow parser's root node, or the most telling error of all the parsers tried."""
    budget = budget if budget is not None else AliasBudget(0)  # a call of its own: a budget of its own
    try:
        if len(text) > budget.slow_chars or budget.slow_events <= 0:
            raise SlowBudgetSpent
        budget.slow_chars -= len(text)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            from kubelint_py.input.yaml_flow import compose_flow12  # rarely needed: imported then

            return compose_flow12(text, line_offset, limits, budget)
    except SlowBudgetSpent:
        exc = syntax_error(errors[-1], line_offset, text)
        raise YamlSyntaxError(exc.message + SLOW_BUDGET_SPENT, exc.pos) from None
    except YAMLError as exc:
        errors.append(exc)
    except (AssertionError, AttributeError, IndexError, KeyError, TypeError, ValueError, RecursionError):
        pass  # a fault of the slow parser on input the C parser rejected too: report the C error
    raise _latest(errors, line_offset, text) from None


def _latest(errors: list[YAMLError], line_offset: int, text: str) -> YamlSyntaxError:
    """The error found furthest into the document: a parser that stopped earlier stopped at
    something another one accepts. Ties go to the C parser, whose messages are mapped."""
    found = [syntax_error(exc, line_offset, text) for exc in errors]
    return max(found, key=lambda exc: exc.pos)  # the first of the furthest


# Plain text values this short are shared between documents (names, images, ports, policies,
# labels come back in document after document): 0.8 KB of the 5 KB of an average document's data
SHARED_TEXT = 40


class _Walker:
    __slots__ = ("alias_room", "aliased", "duplicates", "limits", "marks", "memo", "nodes", "offset", "tags")

    def __init__(
        self, line_offset: int, limits: Limits, alias_room: int | None = None, *, anchors: bool = True
    ) -> None:
        """`anchors`: whether the text may have any (an `&`); without one no node comes twice."""
        self.offset = line_offset
        self.limits = limits
        self.nodes = 0
        self.aliased = 0
        self.alias_room = alias_room
        self.memo: dict[int, tuple[object, Children, int]] | None = {} if anchors else None
        self.duplicates: list[Duplicate] = []
        self.tags: list[tuple[str, Pos]] = []
        self.marks = new_marks()  # the eight numbers of every entry of the document

    def walk(self, node: Any, depth: int) -> tuple[object, Children]:
        if type(node) is ScalarNode:  # a list item (a mapping's scalar values are read in `_mapping`)
            self.nodes += 1
            if self.nodes > self.limits.max_nodes:
                self._charge(0, node)
            ctag, value, start, _, _ = node.args
            if ctag is STR_TAG:  # text: nothing to convert (`_scalar`'s first case, without its call)
                if len(value) <= self.limits.max_scalar:
                    return value, None
            elif tag_name(ctag) not in KNOWN_FULL_TAGS:
                self.tags.append((tag_name(ctag), Pos(*mark_pos(start, self.offset))))
            return self._scalar(node), None
        # The C composer returns the anchored node itself for every alias (it does not set
        # `anchor`), so collections are remembered by identity: an alias shares the converted
        # value but is charged its full size, so "billion laughs" hits the node limit.
        memo = self.memo
        if memo is not None:
            seen = memo.get(id(node))
            if seen is not None:
                self._charge_alias(seen[2], node)
                return seen[0], seen[1]
        before = self.nodes
        self.nodes = before + 1
        if self.nodes > self.limits.max_nodes:
            self._charge(0, node)
        if depth > self.limits.max_depth:
            raise LimitExceeded(
                f"nesting deeper than {self.limits.max_depth} levels", Pos(*mark_pos(node.start_mark, self.offset))
            )
        result = self._mapping(node, depth) if type(node) is MappingNode else self._sequence(node, depth)
        ctag = node.args[0]
        if ctag is not MAP_TAG and ctag is not SEQ_TAG and tag_name(ctag) not in KNOWN_FULL_TAGS:
            self.tags.append((tag_name(ctag), Pos(*mark_pos(node.start_mark, self.offset))))
        if memo is not None:
            memo[id(node)] = (result[0], result[1], self.nodes - before)
        return result

    def _charge(self, count: int, node: Any) -> None:
        self.nodes += count
        if self.nodes > self.limits.max_nodes:
            raise LimitExceeded(
                f"more than {self.limits.max_nodes:,} nodes after alias expansion",
                Pos(*mark_pos(node.start_mark, self.offset)),
            )

    def _charge_alias(self, count: int, node: Any) -> None:
        self.aliased += count
        self._charge(count, node)
        aliased, decoded = self.aliased, self.nodes
        if aliased > 100 and decoded > 1000 and aliased / decoded > _allowed_alias_ratio(decoded):
            raise LimitExceeded(
                f"excessive aliasing: aliases make up {aliased:,} of the document's {decoded:,} nodes "
                "(kubectl rejects such documents too)",
                Pos(*mark_pos(node.start_mark, self.offset)),
            )
        if self.alias_room is not None and aliased > self.alias_room:
            raise LimitExceeded(
                "aliases in this run expand to more nodes than the limit allows; this document is not linted",
                Pos(*mark_pos(node.start_mark, self.offset)),
            )

    def _scalar(self, node: Any) -> object:
        ctag, value, _, _, _ = node.args
        tag = ctag.suffix if type(ctag) is Tag else ctag  # (tag_name, inlined: every number and boolean)
        if tag == STR:
            if len(value) > self.limits.max_scalar:
                raise LimitExceeded(
                    f"scalar longer than {self.limits.max_scalar:,} characters",
                    Pos(*mark_pos(node.start_mark, self.offset)),
                )
            return value
        try:
            if tag == INT:
                return to_int(value)
            if tag == BOOL:
                if value in BOOL_TRUE:
                    return True
                if value in BOOL_FALSE:
                    return False
                return value.lower() in ("true", "yes", "on", "y")
            if tag == NULL:
                return None
            if tag == FLOAT:
                return to_float(value)
        except ValueError:
            return value
        if len(value) > self.limits.max_scalar:
            raise LimitExceeded(
                f"scalar longer than {self.limits.max_scalar:,} characters",
                Pos(*mark_pos(node.start_mark, self.offset)),
            )
        return value

    def _mapping(self, node: Any, depth: int) -> tuple[object, Children]:
        data: dict[object, object] = {}
        flat: list[int] = []  # the eight numbers of each key's entry, in the order of `data`
        kids: list[Children] = []
        has_kids = False
        merged: list[tuple[object, Children]] = []
        off = self.offset + 1
        walk = self.walk
        scalar = self._scalar
        inner = depth + 1
        max_scalar = self.limits.max_scalar
        for key_node, value_node in node.args[1]:
            if type(key_node) is ScalarNode:
                ctag, key, ks, ke, _ = key_node.args
                if ctag is not STR_TAG and (ctag is MERGE_TAG or tag_name(ctag) == MERGE):
                    merged.append(walk(value_node, inner))
                    continue
                # keys stay text: JSON (and so the API server) only has string keys
                key = intern(key)  # the same few dozen keys in every document
            else:  # go-yaml (kubectl) refuses these too: "invalid map key"
                raise YamlSyntaxError(
                    "a key must be a single value, not a list or mapping: kubectl rejects the document",
                    Pos(*mark_pos(key_node.start_mark, self.offset)),
                )
            if type(value_node) is ScalarNode:
                self.nodes += 2
                child: Children = None
                ctag, value, vs, ve, _ = value_node.args
                if ctag is not STR_TAG or len(value) > max_scalar:
                    # plain text (most values) is taken as it is; the rest is converted
                    value = scalar(value_node)
                    if tag_name(ctag) not in KNOWN_FULL_TAGS:
                        self.tags.append((tag_name(ctag), Pos(*mark_pos(vs, self.offset))))
                elif len(value) <= SHARED_TEXT:
                    value = intern(value)
            else:
                self.nodes += 1
                value, child = walk(value_node, inner)
                has_kids = True
                vs, ve = value_node.args[2], value_node.end_mark
            # a mark's numbers are C getters that make an int each read: each read once
            key_end_line, value_line = ke.line, vs.line
            if value_line > key_end_line and vs.index == ve.index:
                # an explicit key without `:` (`? a` as the last line): the parser puts the empty
                # value at the next token, past the end of the file; it stands at the key's end
                vs = ve = ke
                value_line = key_end_line
            numbers = (
                ks.line + off, ks.column + 1, key_end_line + off, ke.column + 1,
                value_line + off, vs.column + 1, ve.line + off, ve.column + 1,
            )  # fmt: skip
            if key in data:  # the last one wins, in the first one's place
                at = list(data).index(key)
                self.duplicates.append(
                    Duplicate(str(key), Pos(flat[8 * at], flat[8 * at + 1]), Pos(*mark_pos(ks, self.offset)))
                )
                flat[8 * at : 8 * at + 8] = numbers
                kids[at] = child
            else:
                flat += numbers
                kids.append(child)
            data[key] = value
        if self.nodes > self.limits.max_nodes:
            self._charge(0, node)
        if merged:
            positions: dict[object, Entry] = {
                key: (*flat[8 * at : 8 * at + 8], kids[at])  # type: ignore[misc]
                for at, key in enumerate(data)
            }
            for source, source_children in merged:
                _merge_into(self.marks, data, positions, source, source_children)
            return data, positions
        base = len(self.marks)
        self.marks.extend(flat)
        return data, (base, tuple(kids) if has_kids else None)

    def _sequence(self, node: Any, depth: int) -> tuple[object, Children]:
        items: list[object] = []
        flat: list[int] = []
        kids: list[Children] = []
        has_kids = False
        off = self.offset + 1
        walk = self.walk
        inner = depth + 1
        for item in node.args[1]:
            value, child = walk(item, inner)
            items.append(value)
            if type(item) is ScalarNode:
                vs, ve = item.args[2:4]
            else:
                vs, ve = item.args[2], item.end_mark
            vl, vc = vs.line + off, vs.column + 1
            flat += (vl, vc, vl, vc, vl, vc, ve.line + off, ve.column + 1)
            kids.append(child)
            if child is not None:
                has_kids = True
        base = len(self.marks)
        self.marks.extend(flat)
        return items, (base, tuple(kids) if has_kids else None)


def _merge_into(
    marks: Marks, data: dict[object, object], positions: dict[object, Entry], source: object, children: Children
) -> None:
    """`<<: *base` merge keys: explicit keys win over merged ones."""
    if isinstance(source, list):  # `<<: [*a, *b]`: the node of each item of the sequence
        items = [entry_in(marks, children, source, number) for number in range(len(source))]
        sources = [(one, entry[8] if entry is not None else None) for one, entry in zip(source, items, strict=True)]
    else:
        sources = [(source, children)]
    for one, nested in sources:
        if not isinstance(one, dict):
            continue
        for key, value in one.items():
            if key not in data:
                data[key] = value
                entry = entry_in(marks, nested, one, key)
                if entry is not None:
                    positions[key] = entry
