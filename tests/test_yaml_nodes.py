"""The C composer builds kubelint's own node classes only while kubelint composes."""

from __future__ import annotations

import _ruamel_yaml  # type: ignore[import-not-found]
import pytest
from ruamel.yaml import nodes as ruamel_nodes
from ruamel.yaml.error import YAMLError

from kubelint_py.input import yaml_nodes
from kubelint_py.input.yaml_errors import AliasBudget, Limits
from kubelint_py.input.yaml_flow import compose_flow12
from kubelint_py.input.yamlio import _Parser


def _theirs() -> tuple[object, object, object]:
    return (_ruamel_yaml.ScalarNode, _ruamel_yaml.MappingNode, _ruamel_yaml.SequenceNode)


def test_compose_builds_our_nodes_and_gives_ruamel_its_own_back() -> None:
    parser = _Parser("a: [1, {b: !custom c}]\n")
    try:
        root = yaml_nodes.compose_single(parser)
    finally:
        parser.dispose()
    assert type(root) is yaml_nodes.MappingNode
    key, value = root.value[0]
    assert type(key) is yaml_nodes.ScalarNode
    assert type(value) is yaml_nodes.SequenceNode
    assert value.end_mark is not None and value.end_mark.column == 22
    tagged = value.value[1].value[0][1]
    tag, text, start, end, style = tagged.args  # what the composer gave, as it gave it
    assert yaml_nodes.tag_name(tag) == "!custom"  # an explicit tag, given as text
    assert (text, start.column, end.column, style) == ("c", 11, 20, "")  # (0-based; the tag included)
    assert yaml_nodes.tag_name(value.value[0].args[0]) == "tag:yaml.org,2002:int"  # a resolved one
    assert _theirs() == (ruamel_nodes.ScalarNode, ruamel_nodes.MappingNode, ruamel_nodes.SequenceNode)


def test_ruamel_gets_its_nodes_back_after_a_syntax_error() -> None:
    parser = _Parser("a: [1\nb: 2\n")
    with pytest.raises(YAMLError):
        try:
            yaml_nodes.compose_single(parser)
        finally:
            parser.dispose()
    assert _theirs() == (ruamel_nodes.ScalarNode, ruamel_nodes.MappingNode, ruamel_nodes.SequenceNode)


def test_the_slow_parser_builds_the_same_nodes() -> None:
    root = compose_flow12("{a: [x, y], b: z}\n", 0, Limits(), AliasBudget(1000))
    assert type(root) is yaml_nodes.MappingNode
    (a, items), (_, z) = root.value
    assert (type(a), type(items), type(z)) == (yaml_nodes.ScalarNode, yaml_nodes.SequenceNode, yaml_nodes.ScalarNode)
    assert [item.value for item in items.value] == ["x", "y"]
