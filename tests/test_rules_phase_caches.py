"""The per-document shortcuts of the rules phase (issue 20) give what the plain readings give:
container scopes cut from ALL's list, cached quantities, the OS targeting of a document, label
verdicts kept across documents, and findings built by position."""

from __future__ import annotations

import importlib
from fractions import Fraction
from typing import Any

from kubelint_py.input.loader import LoadOptions, LoadResult, load_source
from kubelint_py.k8s.ostarget import is_linux_pinned, is_windows_targeted
from kubelint_py.k8s.quantity import quantity_from_manifest
from kubelint_py.k8s.windows import linux_pinned, windows_targeted
from kubelint_py.k8s.workloads import ContainerKind, ContainerScope, containers, pod_spec
from kubelint_py.model import Document, Finding, Source, Violation

LABEL_RULES = "kubelint_py.builtin_rules.failed_deployment.metadata_label_invalid"
WORKLOAD = """\
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop, labels: {app: web, "bad key!": x}}
spec:
  template:
    metadata: {labels: {app: web}}
    spec:
      nodeSelector: {kubernetes.io/os: linux}
      initContainers:
        - {name: setup, image: busybox}
        - {name: proxy, image: envoy, restartPolicy: Always}
      containers:
        - {name: app, image: nginx, resources: {requests: {memory: 128Mi}, limits: {memory: 256Mi}}}
        - {name: side, image: redis}
      ephemeralContainers:
        - {name: debug, image: busybox}
"""


def load(text: str) -> list[Document]:
    result = LoadResult()
    load_source(Source("t.yaml", text.encode()), LoadOptions(), result)
    assert not result.problems, result.problems
    return result.documents


def _walked(doc: Document, scope: ContainerScope) -> list[tuple[object, ContainerKind, tuple[str | int, ...]]]:
    """The scope's containers read from the pod spec directly (the catalog's §0.2 definition)."""
    groups = {
        ContainerScope.C: ("containers",),
        ContainerScope.C_SIDECARS: ("containers", "initContainers"),
        ContainerScope.C_I: ("containers", "initContainers"),
        ContainerScope.ALL: ("containers", "initContainers", "ephemeralContainers"),
    }[scope]
    out: list[tuple[object, ContainerKind, tuple[str | int, ...]]] = []
    spec: Any = pod_spec(doc)
    kinds = {"containers": ContainerKind.CONTAINER, "initContainers": ContainerKind.INIT}
    for key in groups:
        for number, item in enumerate(spec.get(key) or ()):
            kind = kinds.get(key, ContainerKind.EPHEMERAL)
            if kind is ContainerKind.INIT and item.get("restartPolicy") == "Always":
                kind = ContainerKind.SIDECAR
            elif kind is ContainerKind.INIT and scope is ContainerScope.C_SIDECARS:
                continue
            out.append((item["name"], kind, ("spec", "template", "spec", key, number)))
    return out


def test_every_container_scope_is_its_definition_in_order() -> None:
    (doc,) = load(WORKLOAD)
    for scope in (ContainerScope.C, ContainerScope.C_I, ContainerScope.ALL, ContainerScope.C_SIDECARS):
        got = [(c.name, c.kind, c.path) for c in containers(doc, scope)]
        assert got == _walked(doc, scope), scope
        # asked again (from the document's memo): the same
        assert [(c.name, c.kind, c.path) for c in containers(doc, scope)] == got
    assert [c.name for c in containers(doc, ContainerScope.C_SIDECARS)] == ["app", "side", "proxy"]
    assert [c.name for c in containers(doc, ContainerScope.ALL)] == ["app", "side", "setup", "proxy", "debug"]


def test_short_and_long_quantities_parse_alike() -> None:
    assert quantity_from_manifest("128Mi") == Fraction(128 * 2**20)
    assert quantity_from_manifest(" 128Mi ") == Fraction(128 * 2**20)  # cached under the trimmed text
    assert quantity_from_manifest("128Mi") is quantity_from_manifest("128Mi")
    assert quantity_from_manifest("500m") == Fraction(1, 2)
    assert quantity_from_manifest("12x") is None
    assert quantity_from_manifest("12x") is None  # a cached rejection stays a rejection
    long_text = "0." + "0" * 40 + "1"  # beyond the cached length: parsed every time
    assert quantity_from_manifest(long_text) == Fraction(1, 10**9)  # rounded up to 1n
    assert quantity_from_manifest(1.5) == Fraction(3, 2)


def test_document_os_targeting_is_the_pod_spec_verdict() -> None:
    for os_name in ("linux", "windows"):
        (doc,) = load(WORKLOAD.replace("kubernetes.io/os: linux", f"kubernetes.io/os: {os_name}"))
        spec = pod_spec(doc)
        assert linux_pinned(doc) is is_linux_pinned(spec) is (os_name == "linux")
        assert windows_targeted(doc) is is_windows_targeted(spec) is (os_name == "windows")
        assert linux_pinned(doc) is (os_name == "linux")  # from the memo


def test_label_verdicts_kept_across_documents_do_not_change_findings() -> None:
    module: Any = importlib.import_module(LABEL_RULES)

    def found(doc: Document) -> list[Violation]:
        check = module.check.check
        assert check is not None
        return list(check(doc, None))  # type: ignore[arg-type]  # the rule reads no context

    first = found(load(WORKLOAD)[0])
    assert [v.path for v in first] == [("metadata", "labels", "bad key!")]
    assert ("app", "web") in module._VALID  # a valid pair kept
    assert not any(key == "bad key!" for key, _ in module._VALID)  # never an invalid one
    again = found(load(WORKLOAD)[0])
    assert again == first


def test_finding_by_position_is_the_finding_by_keyword() -> None:
    module: Any = importlib.import_module(LABEL_RULES)

    from kubelint_py.run.engine import ActiveRule, Engine, EngineOptions, _identity, logical_path
    from kubelint_py.run.suppress import Suppressor

    (doc,) = load(WORKLOAD)
    rule = module.check
    active = ActiveRule(rule, rule.meta.severity)
    engine = Engine([active], {}, Suppressor.__new__(Suppressor), EngineOptions())
    violation = Violation("a message", ("spec", "template", "spec", "containers", 0, "image"))
    made = engine._finding_for(active, doc, violation)
    display, ref, _ = _identity(doc)
    expected = Finding(
        rule_id=rule.meta.id,
        severity=rule.meta.severity,
        document=rule.meta.document,
        message=f"{display}: a message",
        file=doc.file,
        span=doc.positions.lookup(violation.path),
        object=ref,
        api_version=doc.api_version,
        doc_index=doc.index,
        path=violation.path,
        logical_path=logical_path(doc, violation.path),
        related=(),
        helm_source=doc.helm_source,
        sensitive=rule.meta.sensitive,
        fingerprint=made.fingerprint,
    )
    assert made == expected
    assert made.logical_path == "spec.template.spec.containers[name=app].image"
    assert made.rendered is None and made.suppressed_by is None and made.baseline_state is None
