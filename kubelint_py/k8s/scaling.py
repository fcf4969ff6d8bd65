"""Which workloads cannot scale out, and which Services carry no request traffic.

Advice about replicas, autoscalers and rollout strategies assumes a stateless server whose
replicas share the load. These facts of the input say a workload is not one
(`scale_out_blocker`):

* a StatefulSet: its replicas are members with an identity and their own volumes (a Raft,
  KRaft, ZooKeeper or etcd quorum, a database primary and its replicas, Redis with
  Sentinel, a sharded controller); changing their number is a membership change;
* leader election for its main job (`--leader-elect`, `--leader-election`,
  `--enable-leader-election`): one replica works, the others wait;
* `strategy.type: Recreate`: the author declared that two pods must never run at once;
* a mounted claim that only one node can mount (ReadWriteOnce or ReadWriteOncePod, or a
  claim the input does not define: most claims are ReadWriteOnce);
* an image of software that runs as one instance by design: databases, caches and queues
  used as one server, Prometheus and its Pushgateway and Alertmanager, kube-state-metrics
  (not horizontally scalable, it shards instead), and operators (`*-operator`).

A Service carries request traffic (`carries_requests`) unless the API server is its only
client (an APIService backend, an admission or conversion webhook) or every port is named
for metrics or webhooks (`metrics`, `http-metrics`, `webhook`): a Service that only
Prometheus scrapes is not traffic an outage or an autoscaler is about.

Pure functions; cross-object questions go through the `Lookup` protocol (LintContext).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from functools import cache
from typing import Any, Protocol, TypeVar

from kubelint_py.k8s.autoscaling import LintLike, serving_services
from kubelint_py.k8s.images import parse_image
from kubelint_py.k8s.workloads import ContainerScope, containers, pod_spec, pod_spec_path
from kubelint_py.model import Cache, Document


@cache
def _regex(pattern: str) -> re.Pattern[str]:
    """One of the patterns of this module, compiled on first use."""
    return re.compile(pattern)


T = TypeVar("T")


class Lookup(Cache, Protocol):
    def get(self, kind: str, namespace: str | None, name: str) -> Document | None: ...
    def of_kind(self, *kinds: str) -> list[Document]: ...
    def namespace_of(self, doc: Document) -> str | None: ...


# -- leader election --------------------------------------------------------------------------

LEADER_ELECTION_FLAGS = ("leader-elect", "leader-election", "enable-leader-election")
_LEADER_RE = r"(?i)(?<![\w-])--?(?:enable-)?leader-elect(?:ion)?(?:=(?P<value>\S+)|(?=\s|$))"
_FALSE = frozenset(("false", "0", "f", "no", "off"))


def leader_elected(doc: Document) -> bool:
    """A container runs with leader election switched on (`--leader-elect`, `--leader-elect=true`,
    `--leader-election`, `--enable-leader-election`, in args, command or a shell string)."""
    for container in containers(doc, ContainerScope.C):
        for field in ("command", "args"):
            items = container.data.get(field)
            for item in items if isinstance(items, list) else ():
                if isinstance(item, str) and "leader" in item.lower() and _switched_on(item):
                    return True
    return False


def _switched_on(text: str) -> bool:
    for match in _regex(_LEADER_RE).finditer(text):
        value = match.group("value")
        if value is None or value.strip("\"'").lower() not in _FALSE:
            return True
    return False


# -- singletons by design ---------------------------------------------------------------------

# Last path component of the image repository (`docker.io/bitnami/redis` -> `redis`).
SINGLETON_IMAGES = frozenset(
    (
        "redis",
        "valkey",
        "keydb",
        "postgres",
        "postgresql",
        "mysql",
        "mariadb",
        "mongo",
        "mongodb",
        "etcd",
        "zookeeper",
        "kafka",
        "rabbitmq",
        "nats",
        "consul",
        "vault",
        "minio",
        "elasticsearch",
        "opensearch",
        "cassandra",
        "influxdb",
        "prometheus",
        "alertmanager",
        "pushgateway",
        "kube-state-metrics",
    )
)


def singleton_image(doc: Document) -> str | None:
    """The repository name of a container image that runs as one instance by design, or None."""
    for container in containers(doc, ContainerScope.C):
        ref = parse_image(container.data.get("image"))
        if ref is None:
            continue
        base = ref.repository.rsplit("/", 1)[-1].lower()
        if base in SINGLETON_IMAGES or base.endswith("-operator"):
            return base
    return None


# -- volumes ----------------------------------------------------------------------------------

SHARED_ACCESS_MODES = frozenset(("ReadWriteMany", "ReadOnlyMany"))


def mounted_claims(doc: Document) -> list[str]:
    """Names of the PersistentVolumeClaims the pod template mounts."""
    found = []
    volumes = pod_spec(doc).get("volumes")
    for volume in volumes if isinstance(volumes, list) else ():
        claim = volume.get("persistentVolumeClaim") if isinstance(volume, Mapping) else None
        name = claim.get("claimName") if isinstance(claim, Mapping) else None
        if isinstance(name, str) and name:
            found.append(name)
    return found


def exclusive_claim(doc: Document, lint: Lookup) -> str | None:
    """A mounted claim only one node can mount: ReadWriteOnce/ReadWriteOncePod, or not in the
    input (access mode unknown; most claims are ReadWriteOnce). None when every claim is shared."""
    namespace = lint.namespace_of(doc)
    for name in mounted_claims(doc):
        claim = lint.get("PersistentVolumeClaim", namespace, name)
        modes = {m for m in claim.sequence("spec", "accessModes") if isinstance(m, str)} if claim else set()
        if not modes or not modes <= SHARED_ACCESS_MODES:
            return name
    return None


# -- Services ---------------------------------------------------------------------------------

_NOT_REQUEST_PORT = r"(?i)metrics|prometheus|webhook"


def api_server_backends(lint: Lookup) -> frozenset[tuple[str, str]]:
    """(namespace, name) of the Services the API server calls: APIService backends, admission
    webhooks and CRD conversion webhooks of the input."""
    return lint.cached(("scaling", "api-server-backends"), lambda: frozenset(_backends(lint)))


def _backends(lint: Lookup) -> Iterable[tuple[str, str]]:
    for api in lint.of_kind("APIService"):
        yield from _service_ref(api.mapping("spec", "service"))
    for config in lint.of_kind("ValidatingWebhookConfiguration", "MutatingWebhookConfiguration"):
        for hook in config.sequence("webhooks"):
            client = hook.get("clientConfig") if isinstance(hook, Mapping) else None
            if isinstance(client, Mapping):
                yield from _service_ref(client.get("service"))
    for crd in lint.of_kind("CustomResourceDefinition"):
        yield from _service_ref(crd.mapping("spec", "conversion", "webhook", "clientConfig", "service"))


def _service_ref(ref: object) -> Iterable[tuple[str, str]]:
    if isinstance(ref, Mapping):
        namespace, name = ref.get("namespace"), ref.get("name")
        if isinstance(namespace, str) and isinstance(name, str):
            yield namespace, name


def carries_requests(service: Document, lint: Lookup) -> bool:
    """The Service takes request traffic: it is no API-server backend and has a port that is
    not named for metrics or webhooks (an unnamed port counts as a request port)."""
    if (lint.namespace_of(service) or "", service.name) in api_server_backends(lint):
        return False
    ports = [p for p in service.sequence("spec", "ports") if isinstance(p, Mapping)]
    if not ports:
        return True
    return any(not (isinstance(p.get("name"), str) and _regex(_NOT_REQUEST_PORT).search(str(p["name"]))) for p in ports)


class ServingLookup(Lookup, LintLike[Any], Protocol):
    """What `request_services` needs: `serving_services`'s and `carries_requests`'s lookups."""


def request_services(doc: Document, lint: ServingLookup) -> list[Document]:
    """The Services that send requests to the workload `doc`: its `serving_services` that
    `carries_requests`. Found once per workload, in its memo (shared: read-only): four rules
    ask it of every workload (graceful-shutdown-missing, hpa-missing-for-serving-workload,
    single-replica-serving-workload, rollout-strategy-recreate), 5,300 times on the
    10,000-document corpus."""
    return doc.cached(
        ("scaling", "request services"),
        lambda: [service for service in serving_services(lint, doc) if carries_requests(service, lint)],
    )


# -- the verdict ------------------------------------------------------------------------------


def scale_out_blocker(doc: Document, lint: Lookup) -> str | None:
    """Why more replicas of `doc` would not share its load, or None (see the module docstring)."""
    if pod_spec_path(doc) is None:
        return None
    if doc.kind == "StatefulSet":
        return "a StatefulSet's replicas are members with their own identity and storage"
    if leader_elected(doc):
        return "it runs with leader election, so one replica works and the others wait"
    if doc.value("spec", "strategy", "type") == "Recreate":
        return "its Recreate strategy declares that two pods must not run at once"
    claim = exclusive_claim(doc, lint)
    if claim is not None:
        return f'it mounts claim "{claim}", which one node at a time can mount'
    image = singleton_image(doc)
    if image is not None:
        return f"{image} runs as one instance by design"
    return None


__all__ = [
    "LEADER_ELECTION_FLAGS",
    "SINGLETON_IMAGES",
    "Lookup",
    "ServingLookup",
    "api_server_backends",
    "carries_requests",
    "exclusive_claim",
    "leader_elected",
    "mounted_claims",
    "request_services",
    "scale_out_blocker",
    "singleton_image",
]
