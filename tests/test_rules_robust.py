"""Every rule, on Kubernetes-shaped input with wrong types in random places, never raises
and never modifies the documents it reads.

Seeds are the rules' own examples (every kind the rules care about); hypothesis replaces a
random subtree of a random seed with junk of another type and runs all rules at once.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from functools import lru_cache
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kubelint_py.config.config import Config
from kubelint_py.input.loader import LoadOptions, LoadResult, load_text
from kubelint_py.input.yamlio import LimitExceeded, YamlSyntaxError, parse_document
from kubelint_py.model import Document
from kubelint_py.run.context import LintContext
from kubelint_py.run.engine import ActiveRule, Engine, EngineOptions
from kubelint_py.run.pipeline import rule_options
from kubelint_py.run.suppress import Suppressor
from tests.helpers import registry

SETTINGS: dict[str, Any] = {"cluster": {"windowsNodes": True}, "targetVersion": None}


# the loader's own rules, whose failing examples are input that does not parse, on purpose
BROKEN_ON_PURPOSE = frozenset(("yaml-syntax", "input-unreadable", "input-too-large"))


@lru_cache(maxsize=1)
def seeds() -> tuple[Any, ...]:
    """Every document of every rule's examples. An example that does not parse is an error
    (it would silently drop out of the seeds), unless its rule is about such input."""
    found: list[Any] = []
    unparsed: set[str] = set()
    for rule in registry().rules.values():
        for text in (rule.meta.examples.fail, rule.meta.examples.pass_):
            for chunk in text.split("\n---"):
                try:
                    parsed = parse_document(chunk)
                except (YamlSyntaxError, LimitExceeded) as exc:
                    assert rule.meta.id in BROKEN_ON_PURPOSE, f"an example of {rule.meta.id} does not parse: {exc}"
                    unparsed.add(rule.meta.id)
                    continue
                if parsed is not None and isinstance(parsed.data, dict):
                    found.append(parsed.data)
    assert unparsed == BROKEN_ON_PURPOSE, (
        f"these examples parse now, drop them from BROKEN_ON_PURPOSE: {BROKEN_ON_PURPOSE - unparsed}"
    )
    return tuple(found)


@lru_cache(maxsize=1)
def all_rules() -> tuple[ActiveRule, ...]:
    config = Config()
    return tuple(
        ActiveRule(r, r.meta.severity, rule_options(r, config))
        for r in registry().sorted()
        if r.check is not None or r.check_run is not None
    )


def paths(node: Any, prefix: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    yield prefix
    if isinstance(node, dict):
        for key, value in node.items():
            yield from paths(value, (*prefix, key))
    elif isinstance(node, list):
        for number, value in enumerate(node):
            yield from paths(value, (*prefix, number))


def replace(node: Any, path: tuple[Any, ...], value: Any) -> Any:
    if not path:
        return value
    clone = copy.copy(node)
    clone[path[0]] = replace(node[path[0]], path[1:], value)
    return clone


junk = st.recursive(
    st.one_of(
        st.none(),
        st.booleans(),
        st.integers(-(2**40), 2**40),
        st.floats(allow_nan=False),
        st.text(max_size=12),
        st.sampled_from(["", "*", "0", "-1", "ALL", "true", "None", "a/b", "1e3", "500m"]),
    ),
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=8), inner, max_size=3)),
    max_leaves=8,
)


def lint_documents(documents: list[Document]) -> None:
    engine = Engine(
        list(all_rules()),
        {},
        Suppressor(Config()),
        EngineOptions(assume_complete=False, settings=SETTINGS, raise_errors=True),
    )
    engine.run(LintContext(documents), [])


@pytest.mark.slow
@given(st.data())
def test_rules_never_raise_and_never_mutate(data: st.DataObject) -> None:
    pool = seeds()
    chosen = [data.draw(st.sampled_from(pool)) for _ in range(data.draw(st.integers(1, 3)))]
    mutated = []
    for tree in chosen:
        for _ in range(data.draw(st.integers(1, 3))):
            candidates = list(paths(tree))[1:] or [()]
            where = data.draw(st.sampled_from(candidates))
            tree = replace(tree, where, data.draw(junk))
        mutated.append(tree)
    text = "\n---\n".join(json.dumps(tree) for tree in mutated)
    result = LoadResult()
    load_text("fuzz.yaml", text, True, LoadOptions(), result)
    snapshot = copy.deepcopy([d.data for d in result.documents])
    lint_documents(result.documents)
    assert [d.data for d in result.documents] == snapshot, "a rule modified the document it read"


@pytest.mark.slow
def test_every_seed_kind_is_linted_without_error() -> None:
    text = "\n---\n".join(json.dumps(tree) for tree in seeds())
    result = LoadResult()
    load_text("seeds.yaml", text, True, LoadOptions(), result)
    assert len(result.documents) > 100
    lint_documents(result.documents)
