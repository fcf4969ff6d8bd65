"""The nodes the YAML composers build: the C composer (ruamel.yaml.clib) and the slow parser's
(yaml_flow.py) make these, and the walk (yamlio.py) reads them.

They hold only what the walk reads. ruamel's own node classes run two Python `__init__`
frames, an `isinstance` and six attribute stores per node; the C composer calls the class
once for each of the 886,000 nodes of the 10,000-document benchmark corpus, and with these
its compose takes 0.81 s of CPU against 1.12 s. The C composer finds its node classes in its
module's globals: `compose_single` points them here for the time of one compose and back
after, so any other user of ruamel's C parser in the process still gets ruamel's nodes.
"""

from __future__ import annotations

from typing import Any

import _ruamel_yaml  # type: ignore[import-not-found]  # the C extension behind ruamel.yaml.cyaml
from ruamel.yaml.tag import Tag

__all__ = ["MappingNode", "ScalarNode", "SequenceNode", "compose_single"]


# A node's tag comes as one of the resolver's shared Tag objects (yaml_scalars.TAG_OBJECTS), or
# as text when the node has an explicit one (`!foo`, `!!python/object`).


class ScalarNode:
    __slots__ = ("ctag", "end_mark", "start_mark", "style", "value")

    def __init__(self, tag: Any, value: str, start_mark: Any, end_mark: Any, style: str | None = None) -> None:
        self.ctag = tag if type(tag) is Tag else Tag(suffix=tag)
        self.value = value
        self.start_mark = start_mark
        self.end_mark = end_mark
        self.style = style


class _Collection:
    __slots__ = ("ctag", "end_mark", "flow_style", "start_mark", "value")

    def __init__(
        self, tag: Any, value: list[Any], start_mark: Any, end_mark: Any, flow_style: bool | None = None
    ) -> None:
        self.ctag = tag if type(tag) is Tag else Tag(suffix=tag)
        self.value = value
        self.start_mark = start_mark
        self.end_mark = end_mark  # set when the collection ends
        self.flow_style = flow_style


class MappingNode(_Collection):
    """`value`: (key node, value node) pairs."""

    __slots__ = ()


class SequenceNode(_Collection):
    """`value`: the item nodes."""

    __slots__ = ()


_THEIRS = (_ruamel_yaml.ScalarNode, _ruamel_yaml.MappingNode, _ruamel_yaml.SequenceNode)


def compose_single(parser: Any) -> Any:
    """`parser.get_single_node()` of a C parser, built of these nodes. Not re-entrant (one
    compose at a time); a plain swap, as a context manager per document cost 30 ms of the corpus."""
    module = _ruamel_yaml
    module.ScalarNode, module.MappingNode, module.SequenceNode = ScalarNode, MappingNode, SequenceNode
    try:
        return parser.get_single_node()
    finally:
        module.ScalarNode, module.MappingNode, module.SequenceNode = _THEIRS
