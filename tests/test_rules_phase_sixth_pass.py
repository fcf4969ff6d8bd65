"""The rules phase's shortcuts of the sixth pass (issue 20) answer what the former readings
answered: `get_path` without a sentinel, the schema walk's key read first, the credential
prefilter's anchors searched a part at a time, the rules that read windowsOptions skipping the
pods that set none."""

from __future__ import annotations

import importlib
import marshal
import re
from collections.abc import Mapping, Sequence
from types import MappingProxyType
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from kubelint_py.input.loader import LoadOptions, LoadResult, load_source
from kubelint_py.k8s import schema_validate, schemas
from kubelint_py.k8s.credentials import _ANCHOR_BYTE_PARTS, _no_anchor_anywhere
from kubelint_py.model import Document, Source, get_path
from tests.helpers import ANCHOR_BYTES_RE

_MISSING = object()


# -- get_path: a dict's missing key and null value end the walk alike ---------------------------
def _get_path_as_before(data: object, path: Sequence[str | int]) -> object:
    """The former reading: a sentinel for what is missing, tested after every step."""
    cur = data
    for step in path:
        kind = type(cur)
        if kind is dict:
            cur = cur.get(step, _MISSING) if type(step) is str else _MISSING  # type: ignore[attr-defined]
        elif kind is list:
            if type(step) is not int:
                return None
            cur = cur[step] if -len(cur) <= step < len(cur) else _MISSING  # type: ignore[arg-type,index]
        elif isinstance(cur, Mapping):
            cur = cur.get(step, _MISSING) if isinstance(step, str) else _MISSING
        else:
            return None
        if cur is _MISSING:
            return None
    return cur


_KEYS = st.one_of(st.sampled_from(["a", "b", "spec", ""]), st.integers(-1, 1))
_TREES = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(-2, 2), st.sampled_from(["a", "x"])),
    lambda inner: st.one_of(
        st.lists(inner, max_size=3),
        st.dictionaries(_KEYS, inner, max_size=3),
        st.dictionaries(_KEYS, inner, max_size=2).map(MappingProxyType),
    ),
    max_leaves=14,
)
_STEPS = st.one_of(st.sampled_from(["a", "b", "spec", ""]), st.integers(-3, 2), st.booleans())


@given(_TREES, st.lists(_STEPS, max_size=5))
def test_get_path_equals_the_reading_with_a_sentinel(data: object, path: list[Any]) -> None:
    assert get_path(data, path) is _get_path_as_before(data, path)
    assert get_path(data, tuple(path)) is _get_path_as_before(data, tuple(path))


def test_get_path_of_a_null_value_and_of_a_missing_key_is_none() -> None:
    data = {"spec": None, "items": [None, {"a": 1}], 1: {"a": 2}}
    assert get_path(data, ("spec",)) is None
    assert get_path(data, ("spec", "x")) is None
    assert get_path(data, ("items", 0, "a")) is None
    assert get_path(data, ("items", -1, "a")) == 1
    assert get_path(data, ("items", 2)) is None
    assert get_path(data, (1, "a")) is None  # a dict is entered by text keys only
    assert get_path(data, ("items", True)) is None  # a list by int indexes only


# -- the schema walk: the key is looked up before its type is asked ------------------------------
def _walk_object_as_before(node: Any, value: Mapping[Any, object], path: Any, out: list[Any]) -> None:
    """The former `_walk_object`: every key's type asked first."""
    sv: Any = schema_validate
    props = node.props
    additional = node.additional
    suggested: set[str] | None = None
    for key, child in value.items():
        if isinstance(key, str):
            name = key
        else:
            name = sv._key_text(key)
            key = key if isinstance(key, int) else name
        sub = props.get(name)
        if sub is None:
            if additional is True:
                continue
            if additional is False:
                where = f" of {node.title}" if node.title else ""
                close = sv.did_you_mean(name, props)
                suggestion = ""
                if close:
                    suggested = {close} if suggested is None else suggested | {close}
                    suggestion = f" (did you mean `{close}`?)"
                out.append(
                    sv.Issue(True, (*path, key), f"`{sv.format_path((*path, key))}` is not a field{where}", suggestion)
                )
                continue
            sub = additional
        leaf = sub.leaf
        if leaf is None:
            leaf = sv._prepare(sub)
        kind = type(child)
        if kind in leaf:
            continue
        if kind is str:
            if sub.ok_strings is not None and child in sub.ok_strings:
                continue
        elif kind is dict:
            if sub.direct_object:
                sv._walk_object(sub, child, (*path, key), out)
                continue
        elif kind is list:
            if sub.direct_array:
                sv._walk_items(sub.items, child, (*path, key), out)
                continue
        elif kind is int:
            bounds = sub.int_bounds
            if bounds is not None and bounds[0] <= child <= bounds[1]:
                continue
        sv._descend(sub, child, kind, (*path, key), out)
    for required in node.required:
        if value.get(required) is None and (suggested is None or required not in suggested):
            declared = props.get(required)
            if declared is not None and declared.nullable and required in value:
                continue
            shown = sv.format_path(path)
            out.append(sv.Issue(False, (*path, required), f"`{shown}` is missing the required field `{required}`"))


_SCHEMA = schemas.compile_crd_schema(
    {
        "type": "object",
        "properties": {
            "spec": {
                "type": "object",
                "required": ["name"],
                "properties": {
                    "name": {"type": "string"},
                    "1": {"type": "integer", "format": "int32"},
                    "true": {"type": "object", "properties": {"a": {"type": "string", "enum": ["x", "y"]}}},
                    "1.5": {"type": "boolean"},
                    "None": {"type": "array", "items": {"type": "string"}},
                    "labels": {"type": "object", "additionalProperties": {"type": "string"}},
                    "open": {"type": "object", "x-kubernetes-preserve-unknown-fields": True},
                },
            }
        },
    }
)
_SPEC_KEYS = st.one_of(
    st.sampled_from(["name", "1", "true", "1.5", "None", "labels", "open", "nmae", "x"]),
    st.sampled_from([1, 2, True, False, 1.5, None, -1]),
)
_VALUES = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(-3, 2**33), st.sampled_from(["x", "y", "z", ""]), st.just(1.5)),
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(_SPEC_KEYS, inner, max_size=4), st.dictionaries(_SPEC_KEYS, inner)
    ),
    max_leaves=12,
)


@given(st.dictionaries(_SPEC_KEYS, _VALUES, max_size=6))
def test_the_schema_walk_equals_the_walk_that_asks_each_keys_type_first(spec: dict[Any, object]) -> None:
    """Keys of every scalar type, some whose text names a property (`1`, `true`, `1.5`,
    `None`): the same issues, paths and messages, in the same order."""
    data = {"apiVersion": "example.com/v1", "kind": "Thing", "spec": spec}
    found = schemas.validate(_SCHEMA, data)
    walk = schema_validate._walk_object
    try:
        schema_validate._walk_object = _walk_object_as_before  # type: ignore[assignment]
        expected = schemas.validate(_SCHEMA, data)
    finally:
        schema_validate._walk_object = walk  # type: ignore[assignment]
    assert found == expected


def test_a_key_whose_text_names_a_property_is_that_property() -> None:
    data: dict[str, object] = {"spec": {"name": "n", 1: 2**40, 2: "x", "labels": {3: 4, "k": "v"}}}
    assert [(issue.path, issue.unknown) for issue in schemas.validate(_SCHEMA, data)] == [
        (("spec", 1), False),  # property "1" (int32) at the int key
        (("spec", 2), True),  # no property "2"
        (("spec", "labels", 3), False),  # a map's value, at the int key
    ]
    data = {"spec": {"name": "n", True: {"a": "q"}, 1.5: 3, None: [1]}}
    assert [issue.path for issue in schemas.validate(_SCHEMA, data)] == [
        ("spec", True, "a"),  # property "true" (an enum below it) at the bool key
        ("spec", "1.5"),  # property "1.5" (a boolean), the key as text
        ("spec", "None", 0),  # property "None" (a list of strings), the key as text
    ]


_QUANTITIES = st.one_of(
    st.sampled_from(["100m", "1", "0.5", "128Mi", "1G", "1e3", " 1", "1.5.5", "", "-1", "m", "12Ki", "1e"]),
    st.text(st.sampled_from(list("0123456789.emMKiGgT -+")), max_size=6),
    st.integers(-2, 2),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.none(),
)


@given(st.dictionaries(st.sampled_from(["cpu", "memory", "ephemeral-storage", "x"]), _QUANTITIES, max_size=3))
def test_a_resource_quantity_is_judged_as_the_walk_that_descends_to_it(requests: dict[str, object]) -> None:
    """Quantity text under the built-in schemas (resources, here a Pod's requests and limits)
    is accepted in the loop when it parses: the issues are those of the walk that descends to
    every such value."""
    from kubelint_py.k8s.apiversions import newest_release
    from kubelint_py.k8s.schema_bundle import schema_bundle

    node = schemas.SchemaRun(schema_bundle(), None, newest_release()).root("v1", "Pod")
    assert node is not None
    container = {"name": "a", "image": "x", "resources": {"requests": requests, "limits": dict(requests)}}
    data = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"}, "spec": {"containers": [container]}}
    found = schemas.validate(node, data, "Pod")
    walk = schema_validate._walk_object
    try:
        schema_validate._walk_object = _walk_object_as_before  # type: ignore[assignment]
        expected = schemas.validate(node, data, "Pod")
    finally:
        schema_validate._walk_object = walk  # type: ignore[assignment]
    assert found == expected


# -- the credential prefilter: the anchors a part at a time ---------------------------------
_ANCHOR_TEXT = st.text(st.sampled_from(list("BEGIN KIASghpousr_xobpar-zyJ:/@?#\n\t é")), max_size=30)


@given(st.lists(_ANCHOR_TEXT, max_size=4), st.lists(_ANCHOR_TEXT, max_size=2))
def test_the_anchor_parts_find_what_the_alternation_finds(values: list[str], keys: list[str]) -> None:
    data = {"metadata": {"name": "x", **dict.fromkeys(keys, 1)}, "spec": [*values, 3, None, True, 2.5]}
    blob = marshal.dumps(data)
    assert _no_anchor_anywhere(data) is (ANCHOR_BYTES_RE.search(blob) is None)
    for value in values:
        raw = value.encode()
        one_part = any(re.search(part, raw) for part in _ANCHOR_BYTE_PARTS)
        assert one_part is (ANCHOR_BYTES_RE.search(raw) is not None)


def test_the_prefilter_lets_through_a_document_with_any_anchor() -> None:
    for anchor in ("-----BEGIN ", "AKIA", "ASIA", "ghp_", "xoxb-", "AIza", "eyJ", "://u:p@"):
        assert not _no_anchor_anywhere({"spec": {"containers": [{"args": [f"a {anchor} b"]}]}}), anchor
    assert _no_anchor_anywhere({"spec": {"containers": [{"image": "nginx", "args": ["https://example.com"]}]}})


# -- the rules that read windowsOptions, on pods that set none ---------------------------------
WINDOWS_RULES = "kubelint_py.builtin_rules.windows_workloads.security"
_WINDOWS_OPTIONS: st.SearchStrategy[object] = st.one_of(
    st.none(),
    st.just({}),
    st.just({"hostProcess": True}),
    st.just({"hostProcess": False, "runAsUserName": "x"}),
    st.just("text"),
)
_CONTEXTS = st.one_of(
    st.none(),
    st.just("text"),
    st.fixed_dictionaries({}, optional={"windowsOptions": _WINDOWS_OPTIONS, "runAsUser": st.just(1000)}),
)
_CONTAINERS = st.lists(
    st.fixed_dictionaries({"name": st.sampled_from(["a", "b"])}, optional={"securityContext": _CONTEXTS}), max_size=2
)


@given(
    _CONTEXTS,
    _CONTAINERS,
    _CONTAINERS,
    st.fixed_dictionaries({}, optional={"kubernetes.io/os": st.sampled_from(["linux", "windows"])}),
    st.booleans(),
)
def test_the_windows_options_rules_equal_their_reading_without_the_shortcut(
    pod_context: object,
    containers: list[dict[str, object]],
    init: list[dict[str, object]],
    node_selector: dict[str, str],
    host_network: bool,
) -> None:
    """windows-hostprocess-container, windows-hostprocess-inconsistent and
    linux-pod-windows-options skip a pod whose securityContexts set no windowsOptions: the same
    findings as when they read every container."""
    from kubelint_py.k8s import windows

    spec: dict[str, object] = {"containers": containers, "initContainers": init, "hostNetwork": host_network}
    if pod_context is not None:
        spec["securityContext"] = pod_context
    if node_selector:
        spec["nodeSelector"] = node_selector
    data = {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "w"},
        "spec": {"template": {"spec": spec}},
    }
    module: Any = importlib.import_module(WINDOWS_RULES)
    rules = (module.check_hostprocess, module.check_hostprocess_inconsistent, module.check_linux_windows_options)

    def found() -> list[list[tuple[str, object]]]:
        doc = _document(data)
        out = [[(v.message, v.path) for v in rule.check(doc, None)] for rule in rules]
        assert windows.has_windows_options(doc) is _sets_windows_options_as_read(doc)
        return out

    shortcut = found()
    try:
        module.has_windows_options = lambda doc: True  # the reading: every container read
        read = found()
    finally:
        module.has_windows_options = windows.has_windows_options
    assert shortcut == read


def _sets_windows_options_as_read(doc: Document) -> bool:
    """Whether a windowsOptions is set, read as the rules read it: the pod's at its path, each
    container's through its securityContext."""
    from kubelint_py.k8s.windows import pod_windows_options_path, windows_option_sites
    from kubelint_py.k8s.workloads import ContainerScope, containers

    pod_path = pod_windows_options_path(doc)
    if pod_path is not None and doc.value(*pod_path) is not None:
        return True
    for container in containers(doc, ContainerScope.ALL):
        if container.get("securityContext", "windowsOptions") is not None:
            return True
    return any(True for field in ("hostProcess", "runAsUserName") for _ in windows_option_sites(doc, field))


def _document(data: Mapping[str, object]) -> Document:
    import json

    result = LoadResult()
    load_source(Source("w.yaml", json.dumps(data).encode()), LoadOptions(), result)
    (doc,) = result.documents
    return doc


def test_a_pod_that_sets_windows_options_is_read() -> None:
    from kubelint_py.k8s.windows import has_windows_options

    def pod(**spec: object) -> Document:
        return _document({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"}, "spec": spec})

    assert not has_windows_options(pod(containers=[{"name": "a"}]))
    assert not has_windows_options(pod(containers=[{"name": "a", "securityContext": {"windowsOptions": None}}]))
    assert has_windows_options(pod(containers=[{"name": "a"}], securityContext={"windowsOptions": {}}))
    assert has_windows_options(
        pod(containers=[{"name": "a"}], ephemeralContainers=[{"name": "d", "securityContext": {"windowsOptions": "x"}}])
    )


# -- workload-selector-mismatch: a selector met as written --------------------------------------
SELECTOR_RULE = "kubelint_py.builtin_rules.failed_deployment.workload_selector_mismatch"
_LABEL_KEYS = st.sampled_from(["app", "tier", "{{ .Values.key }}", "x"])
_LABEL_VALUES = st.one_of(st.sampled_from(["web", "db", "", "{{ .Values.app }}", "true"]), st.booleans(), st.just(1))
_LABEL_MAPS = st.dictionaries(_LABEL_KEYS, _LABEL_VALUES, max_size=3)
_SELECTORS = st.one_of(
    _LABEL_MAPS.map(lambda labels: {"matchLabels": labels}),
    st.fixed_dictionaries(
        {},
        optional={
            "matchLabels": st.one_of(_LABEL_MAPS, st.just("text"), st.none()),
            "matchExpressions": st.just([{"key": "app", "operator": "In", "values": ["web"]}]),
            "extra": st.just(1),
        },
    ),
    st.none(),
    st.just("text"),
)


@given(
    st.sampled_from(["Deployment", "StatefulSet", "DaemonSet", "ReplicaSet"]),
    _SELECTORS,
    st.one_of(_LABEL_MAPS, st.none(), st.just("text")),
    st.booleans(),
)
def test_a_selector_met_as_written_has_the_findings_of_the_reading(
    kind: str, selector: object, labels: object, share: bool
) -> None:
    """The shortcut (matchLabels of text values, each pair among the template labels) gives
    what the reading gives: parsing the selector and testing each term."""
    if share and isinstance(selector, dict) and isinstance(selector.get("matchLabels"), dict):
        # a selector that holds, often; or holds by == alone (1 == True, but "1" != "true")
        swap = kind == "ReplicaSet"
        labels = {**{k: 1 if swap and v is True else v for k, v in selector["matchLabels"].items()}, "extra": "x"}
    spec: dict[str, object] = {"template": {"metadata": {"labels": labels}, "spec": {"containers": [{"name": "a"}]}}}
    if selector is not None:
        spec["selector"] = selector
    data = {"apiVersion": "apps/v1", "kind": kind, "metadata": {"name": "w"}, "spec": spec}
    module: Any = importlib.import_module(SELECTOR_RULE)

    def found() -> list[tuple[str, object]]:
        return [(v.message, v.path) for v in module.check.check(_document(data), None)]

    shortcut = found()
    met = module._met_as_written
    try:
        module._met_as_written = lambda doc, selector: False  # the reading alone
        read = found()
    finally:
        module._met_as_written = met
    assert shortcut == read


def test_a_selector_met_as_written_needs_text_values_among_the_labels() -> None:
    module: Any = importlib.import_module(SELECTOR_RULE)

    def met(selector: object, labels: object) -> bool:
        template = {"metadata": {"labels": labels}, "spec": {"containers": [{"name": "a"}]}}
        spec = {"selector": selector, "template": template}
        doc = _document({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "w"}, "spec": spec})
        return bool(module._met_as_written(doc, selector))

    assert met({"matchLabels": {"app": "web"}}, {"app": "web", "tier": "db"})
    assert not met({"matchLabels": {"app": "web"}}, {"app": "db"})
    assert not met({"matchLabels": {"on": True}}, {"on": True})  # not text: left to the reading
    assert not met({"matchLabels": {"n": 1}}, {"n": True})  # equal, but "1" is not "true"
    assert not met({"matchLabels": {"app": "web"}, "matchExpressions": []}, {"app": "web"})
    assert not met({"matchLabels": {}}, {"app": "web"})  # empty: the reading's finding
