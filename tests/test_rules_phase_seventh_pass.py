"""The rules phase's changes of the seventh pass (issue 20) answer what the former readings
answered: a pod's mentions of a port read without the general helpers, a StatefulSet's
consequence worked out for its findings only."""

from __future__ import annotations

import importlib
import json
from collections.abc import Callable, Iterable, Iterator, Mapping
from types import MappingProxyType
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kubelint_py.input.loader import LoadOptions, LoadResult, load_source
from kubelint_py.k8s import schema_validate, schemas
from kubelint_py.k8s.workloads import ContainerScope, containers, is_namespaced, pod_spec_path
from kubelint_py.model import Document, FieldPath, Source, Violation
from kubelint_py.rule_api import RuleContext
from kubelint_py.run.context import LintContext
from tests import test_rules_phase_sixth_pass as _SIXTH

TARGET_PORT_RULES = "kubelint_py.builtin_rules.network_connectivity.service_target_ports"
HUGE = 10**5000  # a number Python will not write out as text (over 4,300 digits): str() raises


def _load(*objects: Mapping[str, object]) -> list[Document]:
    """The documents of `objects`, with every "HUGE" text replaced by `HUGE` (JSON cannot say it)."""
    result = LoadResult()
    text = "\n---\n".join(json.dumps(o) for o in objects)
    load_source(Source("t.yaml", text.encode()), LoadOptions(), result)
    assert not result.problems, result.problems

    def swap(value: object) -> object:
        if isinstance(value, dict):
            for key, item in value.items():
                value[key] = swap(item)
        elif isinstance(value, list):
            value[:] = [swap(item) for item in value]
        return HUGE if value == "HUGE" else value

    for doc in result.documents:
        swap(doc.data)
    return result.documents


def _outcome(read: Callable[[], bool]) -> tuple[str, object]:
    try:
        return ("answer", read())
    except ValueError as exc:  # a probe port such as "²" (a digit int() refuses), a number too long to write
        return ("raises", str(exc).split(":")[0])


# -- service-targetport-number-undeclared: a pod's mentions of a port read once --------------------
_TEXTS = st.sampled_from(["8080", "port=8080", "18080", ":9102", "80800", "x", "-8080", "a\n8080\nb", ""])
_NUMBERS = st.sampled_from([8080, 80, 9102, -8080, 0])
_WORDS = st.one_of(_TEXTS, _NUMBERS, st.booleans(), st.none(), st.just("HUGE"))
_VALUES = st.one_of(_WORDS, st.lists(_WORDS, max_size=3))
_PORTS = st.one_of(_NUMBERS, st.sampled_from(["8080", "http", "²", "٣", ""]), st.booleans())
_CONFIG_MAPS = st.sampled_from(["cm1", "cm2", "cm3"])
_ENV = st.fixed_dictionaries(
    {"name": st.just("V")},
    optional={
        "value": _VALUES,
        "valueFrom": st.one_of(
            _CONFIG_MAPS.map(lambda n: {"configMapKeyRef": {"name": n, "key": "k"}}),
            st.just({"secretKeyRef": {"name": "s", "key": "k"}}),
            st.just("text"),
        ),
    },
)
_CONTAINER = st.fixed_dictionaries(
    {"name": st.just("c")},
    optional={
        "command": _VALUES,
        "args": _VALUES,
        "env": st.one_of(st.lists(st.one_of(_ENV, st.just("text")), max_size=3), st.just("text")),
        "envFrom": st.lists(_CONFIG_MAPS.map(lambda n: {"configMapRef": {"name": n}}), max_size=2),
        "livenessProbe": _PORTS.map(lambda p: {"httpGet": {"port": p}}),
        "readinessProbe": _PORTS.map(lambda p: {"tcpSocket": {"port": p}}),
    },
)


def _mentions_as_before(module: Any, template: Any, number: int, ctx: RuleContext) -> bool:
    """The former `_mentions_port`: every env entry through the general helpers."""
    from kubelint_py.k8s.ports import probe_ports
    from kubelint_py.k8s.workloads import ContainerScope, containers, pod_spec

    pattern = module._number_pattern(number)
    config_maps: set[str] = set()
    for container in containers(template.doc, ContainerScope.ALL):
        if any(module._probe_number(p.value) == number for p in probe_ports(container)):
            return True
        if module._strings_mention(pattern, container.get("command"), container.get("args")):
            return True
        for item in module._mappings(container.get("env")):
            if module._strings_mention(pattern, item.get("value")):
                return True
            config_maps.update(module._config_map_names(item.get("valueFrom"), "configMapKeyRef"))
        for item in module._mappings(container.get("envFrom")):
            config_maps.update(module._config_map_names(item, "configMapRef"))
    for volume in module._mappings(pod_spec(template.doc).get("volumes")):
        config_maps.update(module._config_map_names(volume, "configMap"))
    for name in config_maps:
        found = ctx.get("ConfigMap", template.namespace, name)
        if found is not None and module._strings_mention(pattern, *found.mapping("data").values()):
            return True
    return False


@given(
    st.lists(_CONTAINER, min_size=1, max_size=3),
    st.lists(_CONTAINER, max_size=1),
    st.lists(_CONFIG_MAPS.map(lambda n: {"name": "v", "configMap": {"name": n}}), max_size=2),
    st.dictionaries(_CONFIG_MAPS, st.dictionaries(st.sampled_from(["a", "b"]), _VALUES, max_size=2), max_size=3),
    _NUMBERS,
)
def test_a_pods_mentions_read_once_equal_the_reading(
    containers: list[dict[str, object]],
    init: list[dict[str, object]],
    volumes: list[dict[str, object]],
    config_maps: dict[str, dict[str, object]],
    number: int,
) -> None:
    """`_mentions_port` answers what the former reading answers, a number too long to write out
    and a probe port int() refuses (both raise) included."""
    module: Any = importlib.import_module(TARGET_PORT_RULES)
    spec = {"containers": containers, "initContainers": init, "volumes": volumes}
    workload = {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "w"},
        "spec": {"template": {"metadata": {"labels": {"app": "w"}}, "spec": spec}},
    }
    maps = [
        {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": name}, "data": data}
        for name, data in config_maps.items()
    ]
    docs = _load(workload, *maps)
    ctx = RuleContext(LintContext(docs))
    (template,) = ctx.lint.pod_templates_matching(module.selector_from_map({"app": "w"}), "default")
    read = _outcome(lambda: _mentions_as_before(module, template, number, ctx))
    assert _outcome(lambda: module._mentions_port(template, number, ctx)) == read


@given(st.lists(_CONTAINER, min_size=1, max_size=2), _NUMBERS, st.sampled_from(["cm1", "cm9"]))
def test_the_targetport_rule_finds_what_it_finds_with_the_reading(
    containers: list[dict[str, object]], number: int, config_map: str
) -> None:
    """service-targetport-number-undeclared's findings with `_mentions_port` and with the former reading."""
    module: Any = importlib.import_module(TARGET_PORT_RULES)
    for container in containers:
        container["ports"] = [{"containerPort": 7000}]
    workload = {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "w"},
        "spec": {
            "template": {
                "metadata": {"labels": {"app": "w"}},
                "spec": {"containers": containers, "volumes": [{"name": "v", "configMap": {"name": config_map}}]},
            }
        },
    }
    service = {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": "s"},
        "spec": {"selector": {"app": "w"}, "ports": [{"port": 80, "targetPort": number or 8080}]},
    }
    config = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "cm1"}, "data": {"a": "listen :9102"}}

    def found() -> tuple[str, object]:
        docs = _load(workload, service, config)
        ctx = RuleContext(LintContext(docs))
        return _outcome(lambda: [(v.message, v.path) for v in module.check_number.check(docs[1], ctx)])  # type: ignore[arg-type,return-value]

    shortcut = found()
    mentions = module._mentions_port
    try:
        module._mentions_port = lambda t, n, c: _mentions_as_before(module, t, n, c)
        read = found()
    finally:
        module._mentions_port = mentions
    assert shortcut == read


def test_a_port_is_mentioned_as_a_whole_number_only() -> None:
    module: Any = importlib.import_module(TARGET_PORT_RULES)
    env = [
        {"name": "P", "value": 9102},
        {"name": "Q", "valueFrom": {"configMapKeyRef": {"name": "by-key", "key": "k"}}},
    ]
    container = {
        "name": "c",
        "args": ["--listen=:18080", "x"],
        "env": env,
        "envFrom": [{"configMapRef": {"name": "all"}}],
    }
    spec = {"containers": [container], "volumes": [{"name": "v", "configMap": {"name": "cm"}}]}
    workload = {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "w"},
        "spec": {"template": {"metadata": {"labels": {"app": "w"}}, "spec": spec}},
    }

    def config(name: str, data: object) -> dict[str, object]:
        return {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": name}, "data": data}

    docs = _load(
        workload, config("cm", {"a": ["x", 7070]}), config("by-key", {"k": "6060"}), config("all", {"k": 5050})
    )
    ctx = RuleContext(LintContext(docs))
    (template,) = ctx.lint.pod_templates_matching(module.selector_from_map({"app": "w"}), "default")
    assert module._mentions_port(template, 18080, ctx)
    assert not module._mentions_port(template, 8080, ctx)  # 18080 is not 8080
    assert not module._mentions_port(template, 1808, ctx)
    assert module._mentions_port(template, 9102, ctx)  # an env value that is a number
    assert module._mentions_port(template, 7070, ctx)  # in a list of the ConfigMap it mounts
    assert module._mentions_port(template, 6060, ctx)  # in a ConfigMap an env entry reads a key of
    assert module._mentions_port(template, 5050, ctx)  # in a ConfigMap envFrom reads
    assert not module._mentions_port(template, 4040, ctx)


# -- statefulset-headless-service-missing: what the missing DNS names cost, said in a finding only --
HEADLESS_RULE = "kubelint_py.builtin_rules.network_connectivity.statefulset_headless_service"


def test_the_consequence_is_said_in_both_findings_and_worked_out_for_them_only() -> None:
    module: Any = importlib.import_module(HEADLESS_RULE)
    container = {"name": "db", "args": ["--join=$(POD_NAME).db-peers"]}
    statefulset = {
        "apiVersion": "apps/v1",
        "kind": "StatefulSet",
        "metadata": {"name": "db"},
        "spec": {"serviceName": "db-peers", "template": {"spec": {"containers": [container]}}},
    }
    used = 'which container "db" uses to reach its peers'

    def messages(*others: Mapping[str, object]) -> list[str]:
        docs = _load(statefulset, *others)
        ctx = RuleContext(LintContext(docs))
        return [v.message for v in module.check.check(docs[0], ctx)]  # type: ignore[arg-type]

    def service(**spec: object) -> dict[str, object]:
        return {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "db-peers"}, "spec": spec}

    other = {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "web"}, "spec": {}}
    (missing,) = messages(other)
    assert missing.startswith('serviceName "db-peers" names no Service') and missing.endswith(used)
    (not_headless,) = messages(service(clusterIP="10.0.0.1"))
    assert "is not headless" in not_headless and not_headless.endswith(used)
    consequence = module._consequence
    try:
        module._consequence = lambda doc, name: pytest.fail("worked out without a finding")
        assert messages(service(clusterIP="None")) == []
    finally:
        module._consequence = consequence


# -- missing-referenced-object: where a reference is written, said for a finding only -----------
REFERENCE_RULE = "kubelint_py.builtin_rules.cluster_migration.references"
_REFS: Any = importlib.import_module(REFERENCE_RULE)
_Ref = _REFS.Reference
quote = _REFS.quote
EXEMPT_CONFIGMAPS = _REFS.EXEMPT_CONFIGMAPS


# The former reading (rules/cluster_migration/references.py at 1c41743): every reference made
# with its path and words as it is found.
def _name_before(holder: object, key: str = "name") -> str | None:
    # exact type checks first: the loader's plain dicts (and the usual absent None) without
    # an ABC isinstance check, which costs ten times more on this per-reference path
    if holder is None or not (type(holder) is dict or isinstance(holder, Mapping)) or holder.get("optional") is True:
        return None
    name = holder.get(key)
    return name if isinstance(name, str) and name else None


def _container_refs_before(doc: Document) -> Iterator[Any]:
    for container in containers(doc, ContainerScope.ALL):
        env = container.get("env")
        for number, item in enumerate(env if isinstance(env, list) else ()):
            if not (type(item) is dict or isinstance(item, Mapping)):
                continue
            value_from = item.get("valueFrom")
            if value_from is None or not (type(value_from) is dict or isinstance(value_from, Mapping)):
                continue
            variable = item.get("name") if isinstance(item.get("name"), str) else f"#{number}"
            for key, kind in (("configMapKeyRef", "ConfigMap"), ("secretKeyRef", "Secret")):
                name = _name_before(value_from.get(key))
                if name is not None:
                    yield _Ref(
                        kind,
                        name,
                        (*container.path, "env", number, "valueFrom", key, "name"),
                        f"{container.describe()} env {variable}",
                    )
        env_from = container.get("envFrom")
        for number, item in enumerate(env_from if isinstance(env_from, list) else ()):
            if not (type(item) is dict or isinstance(item, Mapping)):
                continue
            for key, kind in (("configMapRef", "ConfigMap"), ("secretRef", "Secret")):
                name = _name_before(item.get(key))
                if name is not None:
                    yield _Ref(
                        kind, name, (*container.path, "envFrom", number, key, "name"), f"{container.describe()} envFrom"
                    )


def _volume_refs_before(
    spec_path: FieldPath, spec: Mapping[str, object], replaced: frozenset[str] = frozenset()
) -> Iterator[Any]:
    """References of the pod volumes; `replaced`: names of volumes the StatefulSet controller
    replaces with the claims of its volumeClaimTemplates (their sources are never used)."""
    volumes = spec.get("volumes")
    for number, volume in enumerate(volumes if isinstance(volumes, list) else ()):
        if not (type(volume) is dict or isinstance(volume, Mapping)):
            continue
        if replaced and volume.get("name") in replaced:
            continue
        path = (*spec_path, "volumes", number)
        label = f"volume {quote(volume['name'])}" if isinstance(volume.get("name"), str) else f"volume #{number}"
        name = _name_before(volume.get("configMap"))
        if name is not None:
            yield _Ref("ConfigMap", name, (*path, "configMap", "name"), label)
        name = _name_before(volume.get("secret"), "secretName")
        if name is not None:
            yield _Ref("Secret", name, (*path, "secret", "secretName"), label)
        claim = volume.get("persistentVolumeClaim")
        claim_name = claim.get("claimName") if claim is not None and isinstance(claim, Mapping) else None
        if isinstance(claim_name, str) and claim_name:
            yield _Ref("PersistentVolumeClaim", claim_name, (*path, "persistentVolumeClaim", "claimName"), label)
        projected = volume.get("projected")
        sources = projected.get("sources") if projected is not None and isinstance(projected, Mapping) else None
        for index, source in enumerate(sources if isinstance(sources, list) else ()):
            if not isinstance(source, Mapping):
                continue
            for key, kind in (("configMap", "ConfigMap"), ("secret", "Secret")):
                name = _name_before(source.get(key))
                if name is not None:
                    yield _Ref(kind, name, (*path, "projected", "sources", index, key, "name"), f"projected {label}")


def _pod_refs_before(doc: Document) -> Iterator[Any]:
    spec_path = pod_spec_path(doc)
    if spec_path is None:
        return
    spec = doc.mapping(*spec_path)
    yield from _container_refs_before(doc)
    yield from _volume_refs_before(
        spec_path, spec, _claim_templates_before(doc) if doc.kind == "StatefulSet" else frozenset()
    )
    pull = spec.get("imagePullSecrets")
    for number, item in enumerate(pull if isinstance(pull, list) else ()):
        name = _name_before(item)
        if name is not None:
            yield _Ref("Secret", name, (*spec_path, "imagePullSecrets", number, "name"), "imagePullSecrets")
    for key in ("serviceAccountName", "serviceAccount"):  # serviceAccountName wins over the deprecated field
        account = spec.get(key)
        if isinstance(account, str) and account:
            if account != "default":
                yield _Ref("ServiceAccount", account, (*spec_path, key), key)
            break
    priority = spec.get("priorityClassName")
    if isinstance(priority, str) and priority and not priority.startswith("system-"):
        yield _Ref("PriorityClass", priority, (*spec_path, "priorityClassName"), "priorityClassName")
    runtime = spec.get("runtimeClassName")
    if isinstance(runtime, str) and runtime:
        yield _Ref("RuntimeClass", runtime, (*spec_path, "runtimeClassName"), "runtimeClassName")


def _claim_templates_before(doc: Document) -> frozenset[str]:
    """Names of a StatefulSet's volumeClaimTemplates: each pod gets a claim of its own in
    place of the pod volume of that name."""
    names = set()
    for template in doc.sequence("spec", "volumeClaimTemplates"):
        metadata = template.get("metadata") if isinstance(template, Mapping) else None
        name = metadata.get("name") if isinstance(metadata, Mapping) else None
        if isinstance(name, str) and name:
            names.add(name)
    return frozenset(names)


def _references_before(doc: Document) -> Iterator[Any]:
    if doc.kind == "PersistentVolumeClaim":
        storage_class = doc.value("spec", "storageClassName")
        if isinstance(storage_class, str) and storage_class:
            yield _Ref("StorageClass", storage_class, ("spec", "storageClassName"), "storageClassName")
        return
    yield from _pod_refs_before(doc)
    if doc.kind == "StatefulSet":
        for number, template in enumerate(doc.sequence("spec", "volumeClaimTemplates")):
            spec = template.get("spec") if isinstance(template, Mapping) else None
            storage_class = spec.get("storageClassName") if isinstance(spec, Mapping) else None
            if isinstance(storage_class, str) and storage_class:
                yield _Ref(
                    "StorageClass",
                    storage_class,
                    ("spec", "volumeClaimTemplates", number, "spec", "storageClassName"),
                    f"volumeClaimTemplates[{number}]",
                )


def _check_as_before(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    namespace = ctx.namespace_of(doc)
    guards: dict[str, bool] = {}
    for ref in _references_before(doc):
        if ref.kind == "ConfigMap" and ref.name in EXEMPT_CONFIGMAPS:
            continue
        if ref.kind not in guards:
            guards[ref.kind] = ctx.guard(ref.kind)
        if not guards[ref.kind]:
            continue
        scoped = is_namespaced(ref.kind)
        if ctx.get(ref.kind, namespace if scoped else None, ref.name) is not None:
            continue
        if ctx.lint.may_exist(ref.kind, namespace, ref.name, near=doc, assume_complete=ctx.assume_complete):
            continue
        where = f" in namespace {namespace}" if scoped and namespace else ""
        elsewhere = ctx.lint.named_anywhere(ref.kind, ref.name) if scoped else []
        related = tuple((d, ("metadata", "name"), f"{d.display()} is in another namespace") for d in elsewhere[:3])
        hint = f" (a {ref.kind} of that name exists in namespace {elsewhere[0].namespace})" if elsewhere else ""
        yield Violation(
            f"{ref.where} references {ref.kind} {quote(ref.name)}, which the input does not contain{where}{hint}",
            ref.path,
            related,
        )


_REF_NAMES = st.sampled_from(["a", "b", "kube-root-ca.crt", "", "default", "system-x"])
_HOLDERS = st.one_of(
    st.fixed_dictionaries({"name": st.one_of(_REF_NAMES, st.integers(0, 1))}, optional={"optional": st.booleans()}),
    st.none(),
    st.just("text"),
)
_REF_ENV = st.one_of(
    st.fixed_dictionaries(
        {},
        optional={
            "name": st.one_of(st.just("V"), st.integers(0, 1)),
            "valueFrom": st.one_of(
                st.fixed_dictionaries({}, optional={"configMapKeyRef": _HOLDERS, "secretKeyRef": _HOLDERS}),
                st.just("text"),
            ),
        },
    ),
    st.just("text"),
)
_REF_CONTAINER = st.fixed_dictionaries(
    {},
    optional={
        "name": st.one_of(st.just("c"), st.just("")),
        "env": st.one_of(st.lists(_REF_ENV, max_size=3), st.just("text")),
        "envFrom": st.lists(
            st.one_of(
                st.fixed_dictionaries({}, optional={"configMapRef": _HOLDERS, "secretRef": _HOLDERS}), st.just(1)
            ),
            max_size=2,
        ),
    },
)
_REF_VOLUME = st.one_of(
    st.fixed_dictionaries(
        {},
        optional={
            "name": st.one_of(st.sampled_from(["v", "data", 'q"x']), st.integers(0, 1)),
            "configMap": _HOLDERS,
            "secret": st.one_of(st.fixed_dictionaries({"secretName": _REF_NAMES}), st.none()),
            "persistentVolumeClaim": st.fixed_dictionaries({"claimName": _REF_NAMES}),
            "projected": st.fixed_dictionaries(
                {"sources": st.lists(st.fixed_dictionaries({}, optional={"configMap": _HOLDERS, "secret": _HOLDERS}))}
            ),
        },
    ),
    st.just("text"),
)


@given(
    st.sampled_from(["Deployment", "StatefulSet", "PersistentVolumeClaim"]),
    st.lists(_REF_CONTAINER, max_size=2),
    st.lists(_REF_CONTAINER, max_size=1),
    st.lists(_REF_VOLUME, max_size=3),
    st.fixed_dictionaries(
        {},
        optional={
            "imagePullSecrets": st.lists(_HOLDERS, max_size=2),
            "serviceAccountName": _REF_NAMES,
            "serviceAccount": _REF_NAMES,
            "priorityClassName": _REF_NAMES,
            "runtimeClassName": _REF_NAMES,
        },
    ),
    st.lists(st.sampled_from(["a", "b", "data"]), max_size=2),
    st.lists(st.sampled_from(["ConfigMap", "Secret", "PriorityClass", "StorageClass"]), max_size=3),
)
def test_references_said_for_a_finding_only_equal_the_reading(
    kind: str,
    containers: list[dict[str, object]],
    ephemeral: list[dict[str, object]],
    volumes: list[dict[str, object]],
    fields: dict[str, object],
    claims: list[str],
    present: list[str],
) -> None:
    """`references` and the rule's findings are those of the former reading, which made every
    reference's path and words as it found it."""
    spec: dict[str, object] = {"containers": containers, "ephemeralContainers": ephemeral, "volumes": volumes, **fields}
    if kind == "PersistentVolumeClaim":
        data: dict[str, object] = {"spec": {"storageClassName": (claims or [""])[0]}}
    else:
        templates = [{"metadata": {"name": c}, "spec": {"storageClassName": c}} for c in claims]
        data = {"spec": {"template": {"spec": spec}, "volumeClaimTemplates": templates}}
    workload = {"apiVersion": "v1" if kind == "PersistentVolumeClaim" else "apps/v1", "kind": kind, **data}
    workload["metadata"] = {"name": "w"}
    others = [
        {"apiVersion": "v1", "kind": other, "metadata": {"name": "a", "namespace": "elsewhere" if i else "default"}}
        for i, other in enumerate(present)
    ]
    docs = _load(workload, *others)
    ctx = RuleContext(LintContext(docs))
    assert list(_REFS.references(docs[0])) == list(_references_before(docs[0]))

    def said(found: Iterable[Violation]) -> list[tuple[str, object, object]]:
        return [(v.message, v.path, [(d.name, p, t) for d, p, t in v.related]) for v in found]

    assert said(_REFS.check.check(docs[0], ctx)) == said(_check_as_before(docs[0], ctx))


def test_each_kind_of_reference_is_said_as_before() -> None:
    """Every site's path and words, as the former reading said them (printed by it at 1c41743)."""
    env = [
        {"name": 7, "valueFrom": {"secretKeyRef": {"name": "s"}}},
        {"name": "V", "valueFrom": {"configMapKeyRef": {"name": "m"}}},
    ]
    spec = {
        "containers": [{"name": "c", "env": env, "envFrom": [{"secretRef": {"name": "s2"}}]}],
        "initContainers": [{"env": [{"valueFrom": {"configMapKeyRef": {"name": "m"}}}]}],
        "volumes": [
            {"name": 3, "configMap": {"name": "m2"}},
            {"name": "p", "projected": {"sources": [{"secret": {"name": "s3"}}]}},
            {"name": "d", "persistentVolumeClaim": {"claimName": "c1"}},
        ],
        "imagePullSecrets": [{"name": "pull"}],
        "serviceAccountName": "sa",
    }
    claims = [{"metadata": {"name": "x"}, "spec": {"storageClassName": "fast"}}]
    workload = {
        "apiVersion": "apps/v1",
        "kind": "StatefulSet",
        "metadata": {"name": "w"},
        "spec": {"template": {"spec": spec}, "volumeClaimTemplates": claims},
    }
    (doc,) = _load(workload)
    pod: FieldPath = ("spec", "template", "spec")
    c, i = (*pod, "containers", 0), (*pod, "initContainers", 0)
    assert [tuple(ref) for ref in _REFS.references(doc)] == [
        ("Secret", "s", (*c, "env", 0, "valueFrom", "secretKeyRef", "name"), 'container "c" env #0'),
        ("ConfigMap", "m", (*c, "env", 1, "valueFrom", "configMapKeyRef", "name"), 'container "c" env V'),
        ("Secret", "s2", (*c, "envFrom", 0, "secretRef", "name"), 'container "c" envFrom'),
        ("ConfigMap", "m", (*i, "env", 0, "valueFrom", "configMapKeyRef", "name"), "init container #0 env #0"),
        ("ConfigMap", "m2", (*pod, "volumes", 0, "configMap", "name"), "volume #0"),
        ("Secret", "s3", (*pod, "volumes", 1, "projected", "sources", 0, "secret", "name"), 'projected volume "p"'),
        ("PersistentVolumeClaim", "c1", (*pod, "volumes", 2, "persistentVolumeClaim", "claimName"), 'volume "d"'),
        ("Secret", "pull", (*pod, "imagePullSecrets", 0, "name"), "imagePullSecrets"),
        ("ServiceAccount", "sa", (*pod, "serviceAccountName"), "serviceAccountName"),
        (
            "StorageClass",
            "fast",
            ("spec", "volumeClaimTemplates", 0, "spec", "storageClassName"),
            "volumeClaimTemplates[0]",
        ),
    ]


# -- metadata-label-invalid: the literal steps of a pattern followed without a list ---------------
LABEL_RULES = "kubelint_py.builtin_rules.failed_deployment.metadata_label_invalid"
_LABELS: Any = importlib.import_module(LABEL_RULES)


def _expand_as_before(data: object, pattern: FieldPath, prefix: FieldPath = ()) -> list[tuple[FieldPath, object]]:
    """The former `_expand`: every step over a list of values."""
    found: list[tuple[FieldPath, object]] = [(prefix, data)]
    for step in pattern:
        if step == "*":
            found = [
                ((*path, index), item)
                for path, value in found
                if isinstance(value, list)
                for index, item in enumerate(value)
            ]
        else:
            found = [
                ((*path, step), value[step]) for path, value in found if isinstance(value, Mapping) and step in value
            ]
        if not found:
            break
    return found


def _pod_spec_violations_as_before(doc: Document, spec_path: FieldPath) -> Iterator[Violation]:
    m = _LABELS
    spec = doc.value(*spec_path)
    if not isinstance(spec, Mapping):
        return
    labels_path = m.pod_template_labels_path(doc)
    if labels_path is not None and labels_path != ("metadata", "labels"):
        yield from m._label_map_violations(doc.value(*labels_path), labels_path)
    yield from m._label_map_violations(spec.get("nodeSelector"), (*spec_path, "nodeSelector"))
    affinity = spec.get("affinity")
    if not isinstance(affinity, Mapping) and not spec.get("topologySpreadConstraints"):
        return
    for pattern in m._POD_SELECTORS:
        for path, selector in _expand_as_before(spec, pattern, spec_path):
            yield from m._selector_violations(selector, path)
    for path, terms in _expand_as_before(spec, m._POD_NODE_TERMS, spec_path):
        yield from m._node_terms_violations(terms, path)
    for path, preference in _expand_as_before(spec, (*m._POD_NODE_PREFERENCES, "*", "preference"), spec_path):
        if isinstance(preference, Mapping):
            here = (*path, "matchExpressions")
            yield from m._requirement_violations(preference.get("matchExpressions"), here, values=False)


def _label_check_as_before(doc: Document) -> Iterator[Violation]:
    """The former check: the labels read at their path, the pod spec read again, every pattern
    expanded step by step over a list."""
    m = _LABELS
    yield from m._label_map_violations(doc.value("metadata", "labels"), ("metadata", "labels"))
    if doc.kind in m._TABLED_KINDS:
        key = (doc.group, doc.kind)
        for pattern in m._LABEL_MAPS.get(key, ()):
            for path, labels in _expand_as_before(doc.data, pattern):
                yield from m._label_map_violations(labels, path)
        for pattern in m._SELECTORS.get(key, ()):
            for path, selector in _expand_as_before(doc.data, pattern):
                yield from m._selector_violations(selector, path)
        for pattern in m._NODE_TERMS.get(key, ()):
            for path, terms in _expand_as_before(doc.data, pattern):
                yield from m._node_terms_violations(terms, path)
    spec_path = m.pod_spec_path(doc)
    if spec_path is not None:
        yield from _pod_spec_violations_as_before(doc, spec_path)


_PATTERN_STEPS = st.sampled_from(["a", "b", "*", "spec"])
_PATTERN_TREES = st.recursive(
    st.one_of(st.none(), st.integers(0, 1), st.sampled_from(["a", "x"])),
    lambda inner: st.one_of(
        st.lists(inner, max_size=3),
        st.dictionaries(st.sampled_from(["a", "b", "spec", "*"]), inner, max_size=3),
        st.dictionaries(st.sampled_from(["a", "b"]), inner, max_size=2).map(MappingProxyType),
    ),
    max_leaves=12,
)


@given(_PATTERN_TREES, st.lists(_PATTERN_STEPS, max_size=5), st.sampled_from([(), ("spec",), ("x", 0)]))
def test_expand_equals_the_former_expansion(data: object, pattern: list[str], prefix: FieldPath) -> None:
    assert _LABELS._expand(data, tuple(pattern), prefix) == _expand_as_before(data, tuple(pattern), prefix)


_BAD_LABELS = st.one_of(
    st.dictionaries(st.sampled_from(["app", "-bad", "x/y/z", "{{ .k }}"]), st.sampled_from(["web", "-", "a b", ""])),
    st.none(),
    st.just("text"),
    st.just(["app"]),
)
_LABEL_SELECTORS = st.one_of(
    st.fixed_dictionaries(
        {},
        optional={
            "matchLabels": _BAD_LABELS,
            "matchExpressions": st.just([{"key": "-bad", "operator": "In", "values": ["a b"]}]),
        },
    ),
    st.none(),
)
_AFFINITY_TERM = st.fixed_dictionaries(
    {}, optional={"labelSelector": _LABEL_SELECTORS, "namespaceSelector": _LABEL_SELECTORS}
)
_AFFINITIES = st.one_of(
    st.fixed_dictionaries(
        {},
        optional={
            "podAntiAffinity": st.fixed_dictionaries(
                {},
                optional={
                    "requiredDuringSchedulingIgnoredDuringExecution": st.lists(_AFFINITY_TERM, max_size=2),
                    "preferredDuringSchedulingIgnoredDuringExecution": st.lists(
                        st.fixed_dictionaries({"podAffinityTerm": _AFFINITY_TERM}), max_size=2
                    ),
                },
            ),
            "podAffinity": st.fixed_dictionaries(
                {}, optional={"requiredDuringSchedulingIgnoredDuringExecution": st.lists(_AFFINITY_TERM, max_size=1)}
            ),
            "nodeAffinity": st.just(
                {
                    "requiredDuringSchedulingIgnoredDuringExecution": {
                        "nodeSelectorTerms": [{"matchExpressions": [{"key": "-bad", "operator": "In"}]}]
                    },
                    "preferredDuringSchedulingIgnoredDuringExecution": [
                        {"preference": {"matchExpressions": [{"key": "x/y/z", "operator": "Exists"}]}}
                    ],
                }
            ),
        },
    ),
    st.none(),
    st.just("text"),
)


@given(
    st.sampled_from(["Deployment", "Pod", "CronJob", "Service", "StatefulSet", "NetworkPolicy", "PersistentVolume"]),
    _BAD_LABELS,
    _BAD_LABELS,
    _BAD_LABELS,
    _AFFINITIES,
    st.one_of(st.none(), st.lists(st.fixed_dictionaries({"labelSelector": _LABEL_SELECTORS}), max_size=2)),
    _LABEL_SELECTORS,
)
def test_the_label_rule_finds_what_the_former_reading_finds(
    kind: str,
    labels: object,
    template_labels: object,
    node_selector: object,
    affinity: object,
    spread: object,
    selector: object,
) -> None:
    _same_label_findings(kind, labels, template_labels, node_selector, affinity, spread, selector)


def test_the_label_rule_finds_what_the_former_reading_finds_in_each_place() -> None:
    """Each kind with invalid labels in every place it has (the hypothesis search is derandomized)."""
    bad = {"-bad": "web", "app": "a b", "{{ .k }}": "-"}
    selector = {"matchLabels": bad, "matchExpressions": [{"key": "-bad", "operator": "NotIn", "values": ["a b"]}]}
    term = {"labelSelector": selector, "namespaceSelector": selector}
    affinity = {
        "podAntiAffinity": {
            "requiredDuringSchedulingIgnoredDuringExecution": [term],
            "preferredDuringSchedulingIgnoredDuringExecution": [{"podAffinityTerm": term}],
        },
        "podAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": [term, term]},
        "nodeAffinity": {
            "requiredDuringSchedulingIgnoredDuringExecution": {
                "nodeSelectorTerms": [{"matchExpressions": [{"key": "-bad", "operator": "In"}]}]
            },
            "preferredDuringSchedulingIgnoredDuringExecution": [
                {"preference": {"matchExpressions": [{"key": "x/y/z", "operator": "Exists"}]}}
            ],
        },
    }
    found: dict[str, int] = {}
    for kind in ("Deployment", "Pod", "CronJob", "Service", "StatefulSet", "NetworkPolicy", "PersistentVolume"):
        for place in ("labels", "template", "nodeSelector", "affinity", "spread", "selector"):
            chosen = {
                "labels": bad if place == "labels" else {"app": "web"},
                "template_labels": bad if place == "template" else {"app": "web"},
                "node_selector": bad if place == "nodeSelector" else None,
                "affinity": affinity if place == "affinity" else None,
                "spread": [{"labelSelector": selector}] if place == "spread" else None,
                "selector": selector if place == "selector" else {"matchLabels": {"app": "web"}},
            }
            found[place] = found.get(place, 0) + _same_label_findings(kind, **chosen)
    assert all(found.values()), found  # each place is read, and its invalid labels found


def _same_label_findings(
    kind: str,
    labels: object,
    template_labels: object,
    node_selector: object,
    affinity: object,
    spread: object,
    selector: object,
) -> int:
    """The number of findings, asserted equal to the former reading's."""
    spec: dict[str, object] = {"containers": [{"name": "c"}], "nodeSelector": node_selector, "affinity": affinity}
    if spread is not None:
        spec["topologySpreadConstraints"] = spread
    template = {"metadata": {"labels": template_labels}, "spec": spec}
    body: dict[str, object] = {
        "Deployment": {"selector": selector, "template": template},
        "StatefulSet": {"selector": selector, "template": template, "volumeClaimTemplates": [template]},
        "Pod": spec,
        "CronJob": {"jobTemplate": {"metadata": {"labels": template_labels}, "spec": {"template": template}}},
        "Service": {"selector": template_labels},
        "NetworkPolicy": {"podSelector": selector, "ingress": [{"from": [{"podSelector": selector}]}]},
        "PersistentVolume": {"nodeAffinity": {"required": {"nodeSelectorTerms": [{"matchExpressions": []}]}}},
    }
    group = {"Deployment": "apps/v1", "StatefulSet": "apps/v1", "CronJob": "batch/v1"}
    group["NetworkPolicy"] = "networking.k8s.io/v1"
    data = {"apiVersion": group.get(kind, "v1"), "kind": kind, "metadata": {"name": "o", "labels": labels}}
    (doc,) = _load({**data, "spec": body[kind]})

    def said(found: Iterable[Violation]) -> list[tuple[str, object]]:
        return [(v.message, v.path) for v in found]

    found = said(_LABELS.check.check(doc, None))
    assert found == said(_label_check_as_before(doc))
    return len(found)


# -- the schema walk: where it is kept as a chain, made into a path for an issue only --------------
def _walk_items_flat(items: Any, sequence: Any, path: Any, out: list[Any]) -> None:
    """The former `_walk_items`: every item's path made as it is walked into."""
    sv: Any = schema_validate
    leaf = items.leaf if items.leaf is not None else sv._prepare(items)
    for index, item in enumerate(sequence):
        kind = type(item)
        if kind in leaf:
            continue
        if kind is str:
            if items.ok_strings is not None and item in items.ok_strings:
                continue
        elif kind is dict:
            if items.direct_object:
                _walk_object_flat(items, item, (*path, index), out)
                continue
        elif kind is int:
            bounds = items.int_bounds
            if bounds is not None and bounds[0] <= item <= bounds[1]:
                continue
        sv._descend(items, item, kind, (*path, index), out)


def _walk_object_flat(node: Any, value: Any, path: Any, out: list[Any]) -> None:
    """The former `_walk_object` (at 1c41743): every map's path made as it is walked into."""
    sv: Any = schema_validate
    props = node.props
    additional = node.additional
    suggested: set[str] | None = None
    for key, child in value.items():
        sub = props.get(key)
        if sub is None and not isinstance(key, str):
            name = sv._key_text(key)
            key = key if isinstance(key, int) else name
            sub = props.get(name)
        if sub is None:
            if additional is True:
                continue
            if additional is False:
                name = key if isinstance(key, str) else sv._key_text(key)
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
        leaf = sub.leaf if sub.leaf is not None else sv._prepare(sub)
        kind = type(child)
        if kind in leaf:
            continue
        if kind is str:
            if sub.ok_strings is not None and child in sub.ok_strings:
                continue
            if sub.special == "quantity" and sv._is_quantity(child):
                continue
        elif kind is dict:
            if sub.direct_object:
                _walk_object_flat(sub, child, (*path, key), out)
                continue
        elif kind is list:
            if sub.direct_array:
                _walk_items_flat(sub.items, child, (*path, key), out)
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


def _issues_flat(node: Any, data: object, kind: str) -> list[Any]:
    """`validate` through the former loops (the module's own `_walk` and `_descend` call them)."""
    walk_object, walk_items = schema_validate._walk_object, schema_validate._walk_items
    try:
        schema_validate._walk_object = _walk_object_flat  # type: ignore[assignment]
        schema_validate._walk_items = _walk_items_flat  # type: ignore[assignment]
        return schemas.validate(node, data, kind)
    finally:
        schema_validate._walk_object, schema_validate._walk_items = walk_object, walk_items  # type: ignore[assignment]


_POD_KEYS = st.sampled_from(
    ["name", "image", "ports", "env", "resources", "securityContext", "nmae", "imagePullPolicy"]
)
_POD_VALUES = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(-1, 2**40), st.sampled_from(["x", "Always", "100m", "", "1e"])),
    lambda inner: st.one_of(
        st.lists(inner, max_size=3),
        st.dictionaries(
            st.one_of(_POD_KEYS, st.sampled_from(["containerPort", "value", "requests", "cpu", "limits", 1, True])),
            inner,
            max_size=4,
        ),
    ),
    max_leaves=14,
)


@given(
    st.lists(st.dictionaries(_POD_KEYS, _POD_VALUES, max_size=5), max_size=3),
    st.dictionaries(st.sampled_from(["containers", "volumes", "nodeSelector", "hostNetwork", "x"]), _POD_VALUES),
    st.dictionaries(st.sampled_from(["name", "labels", "annotations", "nmae"]), _POD_VALUES, max_size=3),
)
def test_the_schema_walk_with_a_chain_equals_the_walk_that_makes_each_path(
    containers: list[dict[str, object]], spec: dict[str, object], metadata: dict[str, object]
) -> None:
    """A Pod under the built-in schema: the same issues, paths and messages, in the same order."""
    from kubelint_py.k8s.apiversions import newest_release
    from kubelint_py.k8s.schema_bundle import schema_bundle

    node = schemas.SchemaRun(schema_bundle(), None, newest_release()).root("v1", "Pod")
    assert node is not None
    data = {"apiVersion": "v1", "kind": "Pod", "metadata": metadata, "spec": {"containers": containers, **spec}}
    assert schemas.validate(node, data, "Pod") == _issues_flat(node, data, "Pod")


@given(st.dictionaries(_SIXTH._SPEC_KEYS, _SIXTH._VALUES, max_size=6))
def test_the_schema_walk_with_a_chain_equals_it_under_keys_of_every_type(spec: dict[Any, object]) -> None:
    data = {"apiVersion": "example.com/v1", "kind": "Thing", "spec": spec}
    assert schemas.validate(_SIXTH._SCHEMA, data) == _issues_flat(_SIXTH._SCHEMA, data, "")


def test_an_issue_deep_in_lists_and_maps_is_said_at_its_path() -> None:
    from kubelint_py.k8s.apiversions import newest_release
    from kubelint_py.k8s.schema_bundle import schema_bundle

    node = schemas.SchemaRun(schema_bundle(), None, newest_release()).root("v1", "Pod")
    assert node is not None
    container = {"name": "a", "image": "x", "env": [{"name": "A", "valueFrom": {"fieldRef": {"zzz": "x"}}}]}
    data = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"}, "spec": {"containers": [{}, container]}}
    assert [(issue.path, issue.message) for issue in schemas.validate(node, data, "Pod")] == [
        (("spec", "containers", 0, "name"), "`spec.containers[0]` is missing the required field `name`"),
        (
            ("spec", "containers", 1, "env", 0, "valueFrom", "fieldRef", "zzz"),
            "`spec.containers[1].env[0].valueFrom.fieldRef.zzz` is not a field of ObjectFieldSelector",
        ),
        (
            ("spec", "containers", 1, "env", 0, "valueFrom", "fieldRef", "fieldPath"),
            "`spec.containers[1].env[0].valueFrom.fieldRef` is missing the required field `fieldPath`",
        ),
    ]


# -- the pod's volumes read from the kept pod spec ---------------------------------------------------
_VOLUME_ITEMS = st.one_of(
    st.fixed_dictionaries(
        {},
        optional={
            "name": st.one_of(st.sampled_from(["v", "certs"]), st.integers(0, 1)),
            "secret": st.one_of(
                st.fixed_dictionaries(
                    {},
                    optional={
                        "defaultMode": st.sampled_from([0o644, 0o600, 0o660, 0o777, True, "0644"]),
                        "items": st.lists(
                            st.fixed_dictionaries(
                                {"key": st.just("k")}, optional={"mode": st.sampled_from([0o604, 0o400])}
                            ),
                            max_size=2,
                        ),
                    },
                ),
                st.none(),
                st.just("text"),
            ),
            "projected": st.one_of(
                st.fixed_dictionaries(
                    {},
                    optional={
                        "defaultMode": st.sampled_from([0o644, 0o400]),
                        "sources": st.lists(
                            st.one_of(
                                st.just({"secret": {"name": "s", "items": [{"key": "k", "mode": 0o666}]}}),
                                st.just({"configMap": {"name": "c"}}),
                                st.just({"secret": None}),
                            ),
                            max_size=2,
                        ),
                    },
                ),
                st.none(),
            ),
            "hostPath": st.just({"path": "/var/run/docker.sock"}),
            "emptyDir": st.just({}),
        },
    ),
    st.none(),
    st.just("text"),
)


def _secret_modes_as_before(doc: Document) -> Iterator[Violation]:
    """The former secret-volume-mode-too-open: the words and path of every volume made first."""
    module: Any = importlib.import_module("kubelint_py.builtin_rules.secret_management.secret_volume_mode_too_open")
    spec_path = pod_spec_path(doc)
    if spec_path is None:
        return
    for i, volume in enumerate(doc.sequence(*spec_path, "volumes")):
        if not isinstance(volume, Mapping):
            continue
        name = volume.get("name")
        label = f'volume "{name}"' if isinstance(name, str) else f"volume #{i}"
        base: FieldPath = (*spec_path, "volumes", i)
        secret = volume.get("secret")
        if isinstance(secret, Mapping):
            yield from module._modes(f"Secret {label}", secret, (*base, "secret"), defaults=True)
        projected = volume.get("projected")
        if not isinstance(projected, Mapping):
            continue
        sources = projected.get("sources")
        secret_sources = [
            (j, s["secret"])
            for j, s in enumerate(sources if isinstance(sources, list) else ())
            if isinstance(s, Mapping) and isinstance(s.get("secret"), Mapping)
        ]
        if not secret_sources:
            continue
        problem = module._mode_problem(projected.get("defaultMode"))
        if problem is not None:
            yield Violation(
                f"projected {label} (with a Secret source) sets defaultMode {problem}",
                (*base, "projected", "defaultMode"),
            )
        for j, source in secret_sources:
            yield from module._modes(
                f"projected {label}", source, (*base, "projected", "sources", j, "secret"), defaults=False
            )


@given(
    st.sampled_from(["Deployment", "Pod", "CronJob", "Service"]),
    st.one_of(st.lists(_VOLUME_ITEMS, max_size=4), st.none(), st.just("text")),
)
def test_the_pods_volumes_are_the_list_at_their_path(kind: str, volumes: object) -> None:
    from kubelint_py.k8s.workloads import pod_volumes

    spec = {"containers": [{"name": "c"}], "volumes": volumes}
    body = {
        "Deployment": {"template": {"spec": spec}},
        "Pod": spec,
        "CronJob": {"jobTemplate": {"spec": {"template": {"spec": spec}}}},
        "Service": {"volumes": volumes},
    }[kind]
    version = {"Deployment": "apps/v1", "CronJob": "batch/v1"}.get(kind, "v1")
    (doc,) = _load({"apiVersion": version, "kind": kind, "metadata": {"name": "w"}, "spec": body})
    spec_path = pod_spec_path(doc)
    assert pod_volumes(doc) == (doc.sequence(*spec_path, "volumes") if spec_path is not None else ())
    module: Any = importlib.import_module("kubelint_py.builtin_rules.secret_management.secret_volume_mode_too_open")

    def said(found: Iterable[Violation]) -> list[tuple[str, object]]:
        return [(v.message, v.path) for v in found]

    assert said(module.check.check(doc, None)) == said(_secret_modes_as_before(doc))


# -- apparmor-unconfined and selinux-options-custom: whose securityContext, said for a finding ------
BASELINE_RULES = "kubelint_py.builtin_rules.cluster_hardening.pod_security_baseline"


def _security_contexts_before(doc: Document) -> Iterator[tuple[str, FieldPath, Mapping[str, object]]]:
    """The former `_security_contexts`: each owner named and its path made as it is found."""
    module: Any = importlib.import_module(BASELINE_RULES)
    spec_path = pod_spec_path(doc)
    if spec_path is None:
        return
    pod_ctx = module.pod_spec(doc).get("securityContext")
    if isinstance(pod_ctx, Mapping):
        yield module._POD, (*spec_path, "securityContext"), pod_ctx
    for container in containers(doc, ContainerScope.ALL):
        own = container.data.get("securityContext")
        if isinstance(own, Mapping):
            yield container.describe(), (*container.path, "securityContext"), own


def _baseline_before(doc: Document, ctx: RuleContext) -> list[Violation]:
    """The former selinux-options-custom and apparmor-unconfined checks (the annotations part as is)."""
    module: Any = importlib.import_module(BASELINE_RULES)
    if module.windows_targeted(doc):
        return []
    found: list[Violation] = []
    for who, path, security in _security_contexts_before(doc):
        options = security.get("seLinuxOptions")
        if not isinstance(options, Mapping):
            continue
        kind = options.get("type")
        if isinstance(kind, str) and not module.selinux_type_allowed(kind, target := module._target(ctx)):
            found.append(Violation(module._selinux_type_text(who, kind, target), (*path, "seLinuxOptions", "type")))
        for field in ("user", "role"):
            value = options.get(field)
            if isinstance(value, str) and value:
                message = f"{who} sets seLinuxOptions.{field}: {module.quote(value)}; Baseline allows no custom {field}"
                found.append(Violation(message, (*path, "seLinuxOptions", field)))
    for who, path, security in _security_contexts_before(doc):
        profile = security.get("appArmorProfile")
        if not isinstance(profile, Mapping):
            continue
        kind = profile.get("type")
        if not isinstance(kind, str) or kind in module.APPARMOR_ALLOWED_TYPES:
            continue
        if kind == "Unconfined":
            text = "no AppArmor profile confines " + ("the containers that inherit it" if who == module._POD else "it")
        else:
            text = "Baseline allows only RuntimeDefault or Localhost"
        found.append(
            Violation(
                f"{who} sets appArmorProfile.type: {module.quote(kind)}; {text}", (*path, "appArmorProfile", "type")
            )
        )
    found.extend(module._apparmor_annotations(doc))
    return found


_SECURITY_CONTEXTS = st.one_of(
    st.fixed_dictionaries(
        {},
        optional={
            "seLinuxOptions": st.one_of(
                st.fixed_dictionaries(
                    {},
                    optional={
                        "type": st.sampled_from(["container_t", "spc_t", "container_init_t", 3]),
                        "user": st.sampled_from(["system_u", ""]),
                        "role": st.sampled_from(["sysadm_r", ""]),
                        "level": st.just("s0:c1"),
                    },
                ),
                st.just("text"),
            ),
            "appArmorProfile": st.one_of(
                st.fixed_dictionaries(
                    {}, optional={"type": st.sampled_from(["RuntimeDefault", "Localhost", "Unconfined", "Other", 1])}
                ),
                st.none(),
            ),
            "runAsUser": st.just(1000),
        },
    ),
    st.none(),
    st.just("text"),
)


@given(
    st.one_of(_SECURITY_CONTEXTS, st.none()),
    st.lists(st.fixed_dictionaries({"name": st.sampled_from(["a", ""]), "securityContext": _SECURITY_CONTEXTS})),
    st.lists(st.fixed_dictionaries({"name": st.just("i"), "securityContext": _SECURITY_CONTEXTS}), max_size=1),
    st.sampled_from(["Deployment", "Pod"]),
)
def test_the_baseline_rules_find_what_the_former_reading_finds(
    pod_context: object, containers: list[dict[str, object]], init: list[dict[str, object]], kind: str
) -> None:
    module: Any = importlib.import_module(BASELINE_RULES)
    spec: dict[str, object] = {"containers": containers, "initContainers": init}
    if pod_context is not None:
        spec["securityContext"] = pod_context
    body = spec if kind == "Pod" else {"template": {"spec": spec}}
    data = {"apiVersion": "v1" if kind == "Pod" else "apps/v1", "kind": kind, "metadata": {"name": "w"}, "spec": body}
    (doc,) = _load(data)
    ctx = RuleContext(LintContext([doc]))

    def said(found: Iterable[Violation]) -> list[tuple[str, object]]:
        return [(v.message, v.path) for v in found]

    now = [*module.check_selinux.check(doc, ctx), *module.check_apparmor.check(doc, ctx)]
    assert said(now) == said(_baseline_before(doc, ctx))
