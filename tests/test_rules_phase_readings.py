"""The rules phase's shortcuts of the fifth pass (issue 20) answer what the general readings
answer: facts kept once per document, and direct reads in place of the general walk."""

from __future__ import annotations

import importlib
from collections.abc import Iterator, Mapping
from types import MappingProxyType

from hypothesis import given
from hypothesis import strategies as st

from kubelint_py.input.loader import LoadOptions, LoadResult, load_source
from kubelint_py.model import Document, Source

LABEL_RULES = "kubelint_py.builtin_rules.failed_deployment.metadata_label_invalid"


def load(text: str) -> list[Document]:
    result = LoadResult()
    load_source(Source("t.yaml", text.encode()), LoadOptions(), result)
    assert not result.problems, result.problems
    return result.documents


def test_service_ports_made_once_equal_the_reading() -> None:
    from kubelint_py.k8s.ports import _service_ports, service_ports

    (service,) = load(
        "apiVersion: v1\nkind: Service\nmetadata: {name: s}\n"
        "spec: {ports: [{port: 80, targetPort: http}, 3, {port: 53, protocol: udp}, {name: x, port: 9}]}\n"
    )
    assert service_ports(service) == _service_ports(service)
    assert service_ports(service) is service_ports(service)
    assert [(p.position, p.port, p.protocol, p.target) for p in service_ports(service)] == [
        (0, 80, "TCP", "http"),
        (2, 53, "UDP", 53),
        (3, 9, "TCP", 9),
    ]


_STEPS = st.one_of(st.sampled_from(["env", "image", "ports", "securityContext", "x", ""]), st.integers(-2, 2))
_CONTAINER_VALUES = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=3)),
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(st.sampled_from(["env", "image", "x", ""]), inner, max_size=3)
    ),
    max_leaves=8,
)


@given(
    st.dictionaries(st.sampled_from(["env", "image", "ports", "securityContext", "x"]), _CONTAINER_VALUES, max_size=4),
    st.lists(_STEPS, min_size=1, max_size=3),
    st.booleans(),
)
def test_a_containers_one_key_read_equals_get_path(data: dict[str, object], path: list[str | int], proxy: bool) -> None:
    from kubelint_py.k8s.workloads import ContainerKind, ContainerRef
    from kubelint_py.model import get_path

    held: Mapping[str, object] = MappingProxyType(data) if proxy else data  # the loader's dict, or another mapping
    container = ContainerRef("app", ContainerKind.CONTAINER, ("spec", "containers", 0), held)
    assert container.get(*path) == get_path(held, tuple(path))
    assert container.get(path[0]) is get_path(held, (path[0],))


# -- metadata-label-invalid: the values at a pattern, step by step ------------------------------
def _expand_as_before(data: object, pattern: tuple[str, ...], prefix: tuple[str | int, ...] = ()) -> Iterator[object]:
    """The former reading: a generator per step, depth first."""
    if not pattern:
        yield prefix, data
        return
    step, rest = pattern[0], pattern[1:]
    if step == "*":
        if isinstance(data, list):
            for index, item in enumerate(data):
                yield from _expand_as_before(item, rest, (*prefix, index))
    elif isinstance(data, Mapping) and step in data:
        yield from _expand_as_before(data[step], rest, (*prefix, step))


_PATTERN_KEYS = st.sampled_from(["a", "b", "spec"])
_TREES = st.recursive(
    st.one_of(st.none(), st.integers(0, 3), st.sampled_from(["a", "b"])),
    lambda inner: st.one_of(
        st.lists(inner, max_size=3),
        st.dictionaries(_PATTERN_KEYS, inner, max_size=3),
        st.dictionaries(_PATTERN_KEYS, inner, max_size=2).map(MappingProxyType),
    ),
    max_leaves=12,
)


@given(_TREES, st.lists(st.one_of(_PATTERN_KEYS, st.just("*")), max_size=4), st.sampled_from([(), ("x", 0)]))
def test_expand_step_by_step_equals_the_generators(
    data: object, pattern: list[str], prefix: tuple[str | int, ...]
) -> None:
    expand = importlib.import_module(LABEL_RULES)._expand
    assert expand(data, tuple(pattern), prefix) == list(_expand_as_before(data, tuple(pattern), prefix))


# -- secret-in-command-args: containers whose strings name no flag are skipped ---------------------
COMMAND_ARGS = "kubelint_py.builtin_rules.secret_management.secret_in_command_args"
_ARGUMENTS = st.text(st.sampled_from(list("-= \t'\"{}$/xPASSWORDpasswordtokenTOKEN1é")), max_size=14)


@given(
    st.lists(_ARGUMENTS, max_size=4),
    st.lists(_ARGUMENTS, max_size=4),
    st.sampled_from([((), ()), (("pass", "token"), ()), (("password",), ("x-y",)), ((" --token ",), ("PASS",))]),
)
def test_a_container_skipped_by_the_flag_search_has_no_finding(
    command: list[str], args: list[str], options: tuple[tuple[str, ...], tuple[str, ...]]
) -> None:
    module = importlib.import_module(COMMAND_ARGS)
    flags, extra = options
    patterns = module._patterns(flags or module.DEFAULT_FLAGS, extra)
    assert patterns is not None
    whole, inline, named = patterns
    items = [((field, i), v) for field, values in (("command", command), ("args", args)) for i, v in enumerate(values)]
    found = list(module._scan("container", items, whole, inline))
    if not module._may_name_a_flag(named, command, args):
        assert found == []
    if found:  # (and the search does not skip what the scan finds)
        assert module._may_name_a_flag(named, command, args)


def test_the_flag_search_finds_the_flags_of_the_default_options() -> None:
    module = importlib.import_module(COMMAND_ARGS)
    patterns = module._patterns(module.DEFAULT_FLAGS, ())
    assert patterns is not None
    named = patterns[2]
    assert module._may_name_a_flag(named, ["run"], ["--db-Password=hunter2"])
    assert module._may_name_a_flag(named, ["-TOKEN", "x"], None)
    assert not module._may_name_a_flag(named, ["nginx", "-g", "daemon off;"], ["password"])
    assert not module._may_name_a_flag(named, None, [])


# -- service-selector-*: the unmatched Services found once for both rules --------------------------
SELECTORS = """\
apiVersion: v1
kind: Service
metadata: {name: here, namespace: a}
spec: {selector: {app: web}}
---
apiVersion: v1
kind: Service
metadata: {name: elsewhere, namespace: a}
spec: {selector: {app: api}}
---
apiVersion: v1
kind: Service
metadata: {name: nowhere, namespace: a}
spec: {selector: {app: gone}}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: a}
spec:
  selector: {matchLabels: {app: web}}
  template: {metadata: {labels: {app: web}}, spec: {containers: [{name: c, image: nginx}]}}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: api, namespace: b}
spec:
  selector: {matchLabels: {app: api}}
  template: {metadata: {labels: {app: api}}, spec: {containers: [{name: c, image: nginx}]}}
"""


def test_unmatched_services_found_once_equal_the_search() -> None:
    from kubelint_py.rule_api import RuleContext
    from kubelint_py.run.context import LintContext

    module = importlib.import_module("kubelint_py.builtin_rules.network_connectivity.service_selector")
    ctx = RuleContext(LintContext(load(SELECTORS)))
    shared = module._unmatched(ctx)
    assert shared is module._unmatched(ctx)  # found once per run
    assert shared == list(module._find_unmatched(ctx))
    found = {doc.name: [t.doc.name for t in elsewhere] for doc, _, _, elsewhere in shared}
    assert found == {"elsewhere": ["api"], "nowhere": []}
    complete = RuleContext(ctx.lint, assume_complete=True)  # a different question: not the same list
    assert module._unmatched(complete) is not shared


def test_the_templates_a_service_selects_found_once_equal_the_search() -> None:
    from kubelint_py.rule_api import RuleContext
    from kubelint_py.run.context import LintContext

    module = importlib.import_module("kubelint_py.builtin_rules.network_connectivity.service_target_ports")
    ctx = RuleContext(LintContext(load(SELECTORS)))
    services = {doc.name: doc for doc in ctx.lint.documents if doc.kind == "Service"}
    for service in services.values():
        assert module._selected(service, ctx) == module._select(service, ctx)
        assert module._selected(service, ctx) is module._selected(service, ctx)  # found once
    assert [t.doc.name for t in module._selected(services["here"], ctx)] == ["web"]
    assert module._selected(services["elsewhere"], ctx) == ()  # (another namespace's pods)


def test_request_services_found_once_equal_the_reading() -> None:
    from kubelint_py.k8s.autoscaling import serving_services
    from kubelint_py.k8s.scaling import carries_requests, request_services
    from kubelint_py.run.context import LintContext

    lint = LintContext(load(SELECTORS))
    for doc in lint.documents:
        expected = [service for service in serving_services(lint, doc) if carries_requests(service, lint)]
        assert request_services(doc, lint) == expected
        assert request_services(doc, lint) is request_services(doc, lint)  # found once
    names = {doc.name: [s.name for s in request_services(doc, lint)] for doc in lint.documents if doc.kind != "Service"}
    assert names == {"web": ["here"], "api": []}
