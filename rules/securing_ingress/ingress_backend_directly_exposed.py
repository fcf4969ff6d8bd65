"""ingress-backend-directly-exposed (rule-catalog §8)."""

from collections.abc import Iterator, Mapping

from kubelint_py.k8s.nginx import ingress_backends
from kubelint_py.rule_api import Document, FieldPath, RuleContext, Violation, quote, rule

INGRESS_GROUPS = frozenset(("networking.k8s.io", "extensions"))
ROUTE_KINDS = ("HTTPRoute", "GRPCRoute", "TLSRoute", "TCPRoute", "UDPRoute")
GATEWAY_GROUP = "gateway.networking.k8s.io"
EXPOSED = frozenset(("LoadBalancer", "NodePort"))


def route_backends(doc: Document, namespace: str | None) -> Iterator[tuple[str, str | None, FieldPath]]:
    """Service backendRefs of a Gateway API route: (name, namespace, path of the name)."""
    for i, entry in enumerate(doc.sequence("spec", "rules")):
        refs = entry.get("backendRefs") if isinstance(entry, Mapping) else None
        for j, ref in enumerate(refs if isinstance(refs, list) else ()):
            if not isinstance(ref, Mapping) or not isinstance(ref.get("name"), str):
                continue
            if ref.get("group", "") not in ("", None) or ref.get("kind", "Service") != "Service":
                continue
            ref_ns = ref.get("namespace")
            yield (
                str(ref["name"]),
                ref_ns if isinstance(ref_ns, str) else namespace,
                ("spec", "rules", i, "backendRefs", j, "name"),
            )


def _users_by_service(ctx: RuleContext) -> dict[tuple[str | None, str], list[tuple[Document, FieldPath]]]:
    """(namespace, Service name) -> the Ingresses and routes that send traffic to it; one pass
    over the input instead of one per Service."""
    users: dict[tuple[str | None, str], list[tuple[Document, FieldPath]]] = {}
    for ingress in ctx.of_kind("Ingress"):
        if ingress.group in INGRESS_GROUPS:
            namespace = ctx.namespace_of(ingress)
            for name, path in ingress_backends(ingress):
                users.setdefault((namespace, name), []).append((ingress, path))
    for route in ctx.of_kind(*ROUTE_KINDS):
        if route.group == GATEWAY_GROUP:
            for name, ns, path in route_backends(route, ctx.namespace_of(route)):
                users.setdefault((ns, name), []).append((route, path))
    return users


@rule("ingress-backend-directly-exposed")
def check(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    kind = doc.value("spec", "type")
    if kind not in EXPOSED or not doc.name:
        return
    users = ctx.lint.cached("ingress backends by service", lambda: _users_by_service(ctx)).get(
        (ctx.namespace_of(doc), doc.name), []
    )
    if not users:
        return
    first = users[0][0]
    yield Violation(
        f"is type {kind} and also the backend of {first.kind} {quote(first.name)}"
        + (f" and {len(users) - 1} more route(s)" if len(users) > 1 else "")
        + ": clients can bypass the ingress",
        ("spec", "type"),
        related=tuple((other, path, f"{other.kind} {other.name} routes here") for other, path in users[:10]),
    )
