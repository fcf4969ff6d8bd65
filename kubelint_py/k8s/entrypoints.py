"""Workloads that are a cluster's public entry points: ingress controllers and gateway proxies.

Their own Service is meant to be reachable from outside (a LoadBalancer open to the internet,
or NodePort on bare metal): it is the front door the securing-ingress guidance points every
other Service to. They are recognised by the image they run, repository path only, so a
private mirror (`mirror.example.com/ingress-nginx/controller`) is recognised too.

Pure functions, no I/O.
"""

from __future__ import annotations

from kubelint_py.k8s.images import checked_image, is_injected_container
from kubelint_py.k8s.workloads import ContainerScope, containers
from kubelint_py.model import Document

# Repository paths (or their last segments) of ingress controllers and gateway data planes.
ENTRY_POINT_REPOSITORIES = frozenset(
    (
        "ingress-nginx/controller",
        "ingress-nginx/controller-chroot",
        "nginx/nginx-ingress",
        "nginxinc/nginx-ingress",
        "nginx/nginx-gateway-fabric/nginx",
        "library/traefik",
        "haproxytech/kubernetes-ingress",
        "jcmoraisjr/haproxy-ingress",
        "haproxy-ingress/haproxy-ingress",
        "library/kong",
        "kong/kong-gateway",
        "envoyproxy/envoy",
        "envoyproxy/envoy-distroless",
        "istio/proxyv2",
        "emissary-ingress/emissary",
        "datawire/emissary",
        "datawire/ambassador",
        "apache/apisix",
        "solo-io/gloo-envoy-wrapper",
        "gloo/gloo-envoy-wrapper",
        "zalando/skipper",
        "pomerium/ingress-controller",
    )
)


def runs_entry_point(doc: Document) -> bool:
    """The pod template's main containers include an ingress controller or gateway proxy
    (Istio's injected gateways, `image: auto`, count: the injector writes the proxy in)."""
    for container in containers(doc, ContainerScope.C):
        if is_injected_container(doc, container):
            return True
        image = checked_image(doc, container)
        if image is None:
            continue
        repository = image.canonical_repository.lower()
        if repository in ENTRY_POINT_REPOSITORIES or repository.rsplit("/", 1)[-1] in ("traefik", "kong"):
            # `traefik`, `bitnami/traefik`, `kong`: the project's image under any organisation
            return True
    return False
