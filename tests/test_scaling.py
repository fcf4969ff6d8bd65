"""k8s/scaling: leader election, singleton images, request-carrying Services."""

from __future__ import annotations

import pytest

from kubelint_py.input.loader import LoadOptions, LoadResult, load_text
from kubelint_py.k8s.scaling import carries_requests, leader_elected, scale_out_blocker, singleton_image
from kubelint_py.model import Document
from kubelint_py.run.context import LintContext

DEPLOYMENT = """\
apiVersion: apps/v1
kind: Deployment
metadata: {name: app, namespace: ns}
spec:
  template:
    spec:
      containers:
        - name: app
          image: IMAGE
          args: ARGS
"""


def _docs(text: str) -> tuple[Document, ...]:
    result = LoadResult()
    load_text("test.yaml", text, True, LoadOptions(), result)
    assert not result.problems
    return tuple(result.documents)


def _deployment(image: str = "app:1", args: str = "[]") -> Document:
    return _docs(DEPLOYMENT.replace("IMAGE", image).replace("ARGS", args))[0]


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ('["--leader-elect"]', True),
        ('["--leader-elect=true"]', True),
        ('["-leader-elect"]', True),
        ('["--leader-election"]', True),
        ('["--enable-leader-election"]', True),
        ('["/bin/sh", "-c", "exec /manager --leader-elect --port=8080"]', True),
        ('["--leader-elect=false"]', False),
        ('["--leader-elect=\\"false\\""]', False),
        ('["--election-id=ingress-nginx-leader"]', False),
        ('["--leader-elect-lease-duration=15s"]', False),
        ("[]", False),
    ],
)
def test_leader_elected(args: str, expected: bool) -> None:
    assert leader_elected(_deployment(args=args)) is expected


@pytest.mark.parametrize(
    ("image", "expected"),
    [
        ("redis:7.2", "redis"),
        ("docker.io/bitnami/postgresql:16", "postgresql"),
        ("registry.k8s.io/kube-state-metrics/kube-state-metrics:v2.13.0", "kube-state-metrics"),
        ("quay.io/prometheus-operator/prometheus-operator:v0.80.0", "prometheus-operator"),
        ("quay.io/prometheus/prometheus:v3.1.0", "prometheus"),
        ("oliver006/redis_exporter:v1.66.0", None),
        ("registry.k8s.io/prometheus-adapter/prometheus-adapter:v0.12.0", None),
        ("nginx:1.27", None),
    ],
)
def test_singleton_image(image: str, expected: str | None) -> None:
    assert singleton_image(_deployment(image=image)) == expected


SERVICES = """\
apiVersion: v1
kind: Service
metadata: {name: web, namespace: ns}
spec: {ports: [{name: http, port: 80}, {name: metrics, port: 9090}]}
---
apiVersion: v1
kind: Service
metadata: {name: scrape, namespace: ns}
spec: {ports: [{name: http-metrics, port: 8080}, {name: https-webhook, port: 443}]}
---
apiVersion: v1
kind: Service
metadata: {name: unnamed, namespace: ns}
spec: {ports: [{port: 443}]}
---
apiVersion: v1
kind: Service
metadata: {name: api, namespace: ns}
spec: {ports: [{port: 443}]}
---
apiVersion: apiregistration.k8s.io/v1
kind: APIService
metadata: {name: v1.example.io}
spec: {service: {name: api, namespace: ns}}
"""


def test_carries_requests() -> None:
    docs = _docs(SERVICES)
    lint = LintContext(list(docs))
    verdicts = {doc.name: carries_requests(doc, lint) for doc in docs if doc.kind == "Service"}
    assert verdicts == {"web": True, "scrape": False, "unnamed": True, "api": False}


def test_scale_out_blocker_is_none_for_a_stateless_server() -> None:
    doc = _deployment()
    assert scale_out_blocker(doc, LintContext([doc])) is None
