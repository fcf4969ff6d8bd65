"""Roles that let their subjects write what runs or who is admin (rule-catalog §9.1):
rbac-workload-create, rbac-aws-auth-write."""

from collections.abc import Iterator, Mapping

from kubelint_py.k8s.rbac import CORE_GROUP, PolicyRule, is_system_name, policy_rules
from kubelint_py.rule_api import Document, RuleContext, Violation, rule


def _skipped(doc: Document) -> bool:
    """Kubernetes' own roles and aggregated ClusterRoles (the controller fills their rules)."""
    if is_system_name(doc.name):
        return True
    return doc.kind == "ClusterRole" and isinstance(doc.value("aggregationRule"), Mapping)


def _verbs(policy: PolicyRule, verbs: tuple[str, ...]) -> list[str]:
    return [verb for verb in verbs if policy.matches_verb(verb)]


# -- rbac-workload-create -------------------------------------------------------------

_WRITE_VERBS = ("create", "update", "patch")
# (API group, resource, verbs that put a pod template or a container into the cluster)
_WORKLOAD_RESOURCES: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    (CORE_GROUP, "pods", _WRITE_VERBS),
    (CORE_GROUP, "replicationcontrollers", _WRITE_VERBS),
    ("apps", "deployments", _WRITE_VERBS),
    ("apps", "replicasets", _WRITE_VERBS),
    ("apps", "statefulsets", _WRITE_VERBS),
    ("apps", "daemonsets", _WRITE_VERBS),
    ("batch", "jobs", _WRITE_VERBS),
    ("batch", "cronjobs", _WRITE_VERBS),
    # `kubectl debug` adds an ephemeral container, any image, with the pod's volumes and token
    (CORE_GROUP, "pods/ephemeralcontainers", ("update", "patch")),
)


def workload_writes(policy: PolicyRule) -> tuple[list[str], list[str]]:
    """The workload resources a rule lets its subjects write, and with which verbs."""
    resources: list[str] = []
    verbs: list[str] = []
    for group, resource, wanted in _WORKLOAD_RESOURCES:
        if not (policy.matches_group(group) and policy.matches_resource(resource)):
            continue
        matched = _verbs(policy, wanted)
        if matched:
            resources.append(resource)
            verbs.extend(v for v in matched if v not in verbs)
    return resources, verbs


@rule("rbac-workload-create")
def check_workload_create(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    if _skipped(doc):
        return
    for policy in policy_rules(doc.data):
        resources, verbs = workload_writes(policy)
        if resources:
            yield Violation(
                f"rules[{policy.position}] grants {', '.join(verbs)} on {', '.join(resources)}: its subjects decide "
                "which images run, with any ServiceAccount, Secret or volume of the namespace",
                ("rules", policy.position),
            )


# -- rbac-aws-auth-write --------------------------------------------------------------

_AWS_AUTH = "aws-auth"
_AWS_AUTH_NAMESPACE = "kube-system"
_AWS_AUTH_VERBS = ("update", "patch", "delete")


def _role_namespace(doc: Document, ctx: RuleContext) -> str | None:
    """The Role's namespace when known (metadata.namespace, else a --namespace other than the
    fallback `default`); None when the manifest leaves it to `kubectl -n`."""
    if doc.namespace:
        return doc.namespace
    fallback = ctx.lint.default_namespace
    return fallback if fallback != "default" else None


def _aws_auth_path(doc: Document, ctx: RuleContext, policy: PolicyRule) -> tuple[str | int, ...] | None:
    """Where the rule reaches kube-system/aws-auth, or None when it does not."""
    namespace = _role_namespace(doc, ctx) if doc.kind == "Role" else None
    if doc.kind == "Role" and namespace not in (None, _AWS_AUTH_NAMESPACE):
        return None  # a Role grants only in its own namespace
    if _AWS_AUTH in policy.resource_names:
        return ("rules", policy.position, "resourceNames", policy.resource_names.index(_AWS_AUTH))
    if not policy.resource_names and doc.kind == "Role" and namespace == _AWS_AUTH_NAMESPACE:
        return ("rules", policy.position, "resources")
    return None


@rule("rbac-aws-auth-write")
def check_aws_auth_write(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    if is_system_name(doc.name):
        return
    for policy in policy_rules(doc.data):
        if not (policy.matches_group(CORE_GROUP) and policy.matches_resource("configmaps")):
            continue
        verbs = _verbs(policy, _AWS_AUTH_VERBS)
        path = _aws_auth_path(doc, ctx, policy) if verbs else None
        if path is not None:
            yield Violation(
                f'rules[{policy.position}] grants {", ".join(verbs)} on ConfigMap "kube-system/aws-auth", '
                "which maps IAM identities to Kubernetes groups (system:masters included)",
                path,
            )
