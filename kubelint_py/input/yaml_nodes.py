"""The nodes the YAML composers build: the C composer (ruamel.yaml.clib) and the slow parser's
(yaml_flow.py) make these, and the walk (yamlio.py) reads them.

The C composer calls a node class once for each of the 886,000 nodes of the 10,000-document
benchmark corpus, with the node's parts as positional arguments: (tag, value, start mark, end
mark, style). ruamel's own classes run two Python `__init__` frames, an `isinstance` and six
attribute stores per node (compose 1.12 s of CPU); a class with slots and one `__init__` frame,
0.78 s. These classes have no Python code at all: BaseException is the one built-in type whose
constructor keeps any positional arguments (in `args`, the tuple of the call itself) without
running Python code, so they extend it (0.69 s; they are never raised). The walk unpacks `args`;
the properties serve the rest. A collection's end mark is set when it ends (a slot).

The C composer finds its node classes in its module's globals: `compose_single` points them here
for the time of one compose and back after, so any other user of ruamel's C parser in the process
still gets ruamel's nodes.
"""

from __future__ import annotations

from typing import Any

import _ruamel_yaml  # type: ignore[import-not-found]  # the C extension behind ruamel.yaml.cyaml
from ruamel.yaml.tag import Tag

__all__ = ["MappingNode", "ScalarNode", "SequenceNode", "compose_single", "tag_name"]


# A node's tag comes as one of the resolver's shared Tag objects (yaml_scalars.TAG_OBJECTS), or
# as text when the node has an explicit one (`!foo`, `!!python/object`): `tag_name` reads either.


class ScalarNode(BaseException):
    """`args`: (tag, value, start mark, end mark, style)."""

    __slots__ = ()

    @property
    def value(self) -> str:
        return self.args[1]  # type: ignore[no-any-return]

    @property
    def start_mark(self) -> Any:
        return self.args[2]

    @property
    def end_mark(self) -> Any:
        return self.args[3]


class _Collection(BaseException):
    """`args`: (tag, value, start mark, None, flow style); the end mark is set when it ends."""

    __slots__ = ("end_mark",)
    end_mark: Any

    @property
    def value(self) -> list[Any]:
        return self.args[1]  # type: ignore[no-any-return]

    @property
    def start_mark(self) -> Any:
        return self.args[2]


class MappingNode(_Collection):
    """`value`: (key node, value node) pairs."""

    __slots__ = ()


class SequenceNode(_Collection):
    """`value`: the item nodes."""

    __slots__ = ()


def tag_name(tag: Any) -> str:
    """The name of a node's tag: resolved ones are shared Tag objects, explicit ones text."""
    return tag.suffix if type(tag) is Tag else str(tag)  # type: ignore[no-any-return]


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
