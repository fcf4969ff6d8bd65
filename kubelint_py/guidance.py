"""The ten operational guidance documents the built-in rules are organised by."""

from __future__ import annotations

from typing import NamedTuple


class Guidance(NamedTuple):
    slug: str
    section: int
    title: str
    scope: str


GUIDANCE: tuple[Guidance, ...] = (
    Guidance(
        "windows-workloads",
        1,
        "Running Windows workloads on Kubernetes",
        "Steering Windows pods onto Windows nodes and Linux pods away from them; Windows-only gotchas.",
    ),
    Guidance(
        "network-connectivity",
        2,
        "Debugging network connectivity end-to-end",
        "Service selectors, ports, NetworkPolicies and DNS: the wiring that makes traffic arrive.",
    ),
    Guidance(
        "cluster-migration",
        3,
        "Migrating workloads between clusters",
        "Removed APIs, missing dependencies and cluster-bound identifiers that break a move.",
    ),
    Guidance(
        "traffic-spike",
        4,
        "Preparing for and handling a traffic spike",
        "Autoscaling, disruption budgets, requests and graceful shutdown under load.",
    ),
    Guidance(
        "failed-deployment",
        5,
        "Recovering from a failed deployment",
        "Rollout strategy, probes, history and pinned images that make a rollback possible.",
    ),
    Guidance(
        "secret-management",
        6,
        "Secret management patterns",
        "Credentials in manifests, environment variables and tokens, and how Secrets are mounted.",
    ),
    Guidance(
        "securing-etcd",
        7,
        "Securing etcd: encryption at rest, TLS, access control",
        "etcd TLS and authentication, API server to etcd, and encryption at rest.",
    ),
    Guidance(
        "securing-ingress",
        8,
        "Securing Kubernetes ingress",
        "TLS, redirects, rate limits, WAF and access control on Ingresses and Gateways.",
    ),
    Guidance(
        "cluster-hardening",
        9,
        "Security hardening a cluster end-to-end",
        "RBAC, pod security, network isolation, images, and control-plane settings.",
    ),
    Guidance(
        "incident-response",
        10,
        "Security incident response for infrastructure",
        "Audit logging that leaves the evidence an investigation needs.",
    ),
)
LOADER = Guidance("kubelint", 0, "kubelint itself", "Input that cannot be read, and suppressions that do nothing.")
BY_SLUG = {g.slug: g for g in (*GUIDANCE, LOADER)}


def folder_name(slug: str) -> str:
    return slug.replace("-", "_")
