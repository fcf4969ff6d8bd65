"""Schemas compiled into `Node` trees, each once: the release's definitions from the bundle
(`BuiltinCompiler`), and a CRD's `openAPIV3Schema` with the structural-schema rules
(`compile_crd_schema`). kubelint_py/k8s/schemas.py says why schemas are compiled rather than
handed to a generic JSON-schema engine; kubelint_py/k8s/schema_validate.py walks the trees."""

from __future__ import annotations

import copy
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

from kubelint_py.k8s.bounded_regex import BoundedPattern, compile_bounded

_INT_OR_STRING = "io.k8s.apimachinery.pkg.util.intstr.IntOrString"
_QUANTITY = "io.k8s.apimachinery.pkg.api.resource.Quantity"
# what a CRD's schema may say of metadata (structural schemas: name and generateName only)
_CRD_META_FIELDS = ("name", "generateName")
_PROTOCOLS = ("TCP", "UDP", "SCTP")
_SELECTOR_OPERATORS = ("In", "NotIn", "Exists", "DoesNotExist")
_ACCESS_MODES = ("ReadWriteOnce", "ReadOnlyMany", "ReadWriteMany", "ReadWriteOncePod")
_PROFILE_TYPES = ("RuntimeDefault", "Unconfined", "Localhost")
# The strict schemas carry no value enums, so the closed sets the API server validates for the
# most used fields are listed here: (definition, property) -> allowed values (for a list, of its
# items). An empty string is always accepted (it means "unset", and the API server defaults it).
_ENUMS: Mapping[tuple[str, str], tuple[str, ...]] = MappingProxyType(
    {
        ("io.k8s.api.core.v1.Container", "imagePullPolicy"): ("Always", "IfNotPresent", "Never"),
        ("io.k8s.api.core.v1.Container", "terminationMessagePolicy"): ("File", "FallbackToLogsOnError"),
        ("io.k8s.api.core.v1.EphemeralContainer", "imagePullPolicy"): ("Always", "IfNotPresent", "Never"),
        ("io.k8s.api.core.v1.EphemeralContainer", "terminationMessagePolicy"): ("File", "FallbackToLogsOnError"),
        ("io.k8s.api.core.v1.ContainerPort", "protocol"): _PROTOCOLS,
        ("io.k8s.api.core.v1.ServicePort", "protocol"): _PROTOCOLS,
        ("io.k8s.api.networking.v1.NetworkPolicyPort", "protocol"): _PROTOCOLS,
        ("io.k8s.api.core.v1.PodSpec", "restartPolicy"): ("Always", "OnFailure", "Never"),
        ("io.k8s.api.core.v1.PodSpec", "dnsPolicy"): ("ClusterFirst", "ClusterFirstWithHostNet", "Default", "None"),
        ("io.k8s.api.core.v1.PodSpec", "preemptionPolicy"): ("PreemptLowerPriority", "Never"),
        ("io.k8s.api.core.v1.HTTPGetAction", "scheme"): ("HTTP", "HTTPS"),
        ("io.k8s.api.core.v1.ServiceSpec", "type"): ("ClusterIP", "NodePort", "LoadBalancer", "ExternalName"),
        ("io.k8s.api.core.v1.ServiceSpec", "sessionAffinity"): ("ClientIP", "None"),
        ("io.k8s.api.core.v1.ServiceSpec", "externalTrafficPolicy"): ("Cluster", "Local"),
        ("io.k8s.api.core.v1.ServiceSpec", "internalTrafficPolicy"): ("Cluster", "Local"),
        ("io.k8s.api.core.v1.ServiceSpec", "ipFamilyPolicy"): ("SingleStack", "PreferDualStack", "RequireDualStack"),
        ("io.k8s.api.core.v1.ServiceSpec", "ipFamilies"): ("IPv4", "IPv6"),
        ("io.k8s.api.core.v1.Toleration", "operator"): ("Exists", "Equal"),
        ("io.k8s.api.core.v1.Toleration", "effect"): ("NoSchedule", "PreferNoSchedule", "NoExecute"),
        ("io.k8s.api.core.v1.NodeSelectorRequirement", "operator"): (*_SELECTOR_OPERATORS, "Gt", "Lt"),
        ("io.k8s.apimachinery.pkg.apis.meta.v1.LabelSelectorRequirement", "operator"): _SELECTOR_OPERATORS,
        ("io.k8s.api.core.v1.PersistentVolumeClaimSpec", "accessModes"): _ACCESS_MODES,
        ("io.k8s.api.core.v1.PersistentVolumeClaimSpec", "volumeMode"): ("Filesystem", "Block"),
        ("io.k8s.api.core.v1.PersistentVolumeSpec", "accessModes"): _ACCESS_MODES,
        ("io.k8s.api.core.v1.PersistentVolumeSpec", "volumeMode"): ("Filesystem", "Block"),
        ("io.k8s.api.core.v1.PersistentVolumeSpec", "persistentVolumeReclaimPolicy"): ("Retain", "Delete", "Recycle"),
        ("io.k8s.api.storage.v1.StorageClass", "reclaimPolicy"): ("Retain", "Delete"),
        ("io.k8s.api.storage.v1.StorageClass", "volumeBindingMode"): ("Immediate", "WaitForFirstConsumer"),
        ("io.k8s.api.networking.v1.HTTPIngressPath", "pathType"): ("Exact", "Prefix", "ImplementationSpecific"),
        ("io.k8s.api.networking.v1.NetworkPolicySpec", "policyTypes"): ("Ingress", "Egress"),
        ("io.k8s.api.apps.v1.DeploymentStrategy", "type"): ("Recreate", "RollingUpdate"),
        ("io.k8s.api.apps.v1.StatefulSetUpdateStrategy", "type"): ("RollingUpdate", "OnDelete"),
        ("io.k8s.api.apps.v1.DaemonSetUpdateStrategy", "type"): ("RollingUpdate", "OnDelete"),
        ("io.k8s.api.apps.v1.StatefulSetSpec", "podManagementPolicy"): ("OrderedReady", "Parallel"),
        ("io.k8s.api.batch.v1.CronJobSpec", "concurrencyPolicy"): ("Allow", "Forbid", "Replace"),
        ("io.k8s.api.batch.v1.JobSpec", "completionMode"): ("NonIndexed", "Indexed"),
        ("io.k8s.api.core.v1.SeccompProfile", "type"): _PROFILE_TYPES,
        ("io.k8s.api.core.v1.AppArmorProfile", "type"): _PROFILE_TYPES,
        ("io.k8s.api.core.v1.PodSecurityContext", "fsGroupChangePolicy"): ("OnRootMismatch", "Always"),
        ("io.k8s.api.core.v1.SecurityContext", "procMount"): ("Default", "Unmasked"),
        ("io.k8s.api.core.v1.TopologySpreadConstraint", "whenUnsatisfiable"): ("DoNotSchedule", "ScheduleAnyway"),
        ("io.k8s.api.policy.v1.PodDisruptionBudgetSpec", "unhealthyPodEvictionPolicy"): (
            "IfHealthyBudget",
            "AlwaysAllow",
        ),
        ("io.k8s.api.autoscaling.v2.MetricTarget", "type"): ("AverageValue", "Utilization", "Value"),
        ("io.k8s.api.autoscaling.v2.HPAScalingRules", "selectPolicy"): ("Max", "Min", "Disabled"),
        ("io.k8s.api.autoscaling.v2.HPAScalingPolicy", "type"): ("Pods", "Percent"),
    }
)


class Node:
    """One compiled schema. `additional`: a Node (map values), True (open), False (closed)."""

    __slots__ = (
        "additional",
        "all_of",
        "any_of",
        "direct_array",
        "direct_object",
        "embedded",
        "enum",
        "fmt",
        "int_bounds",
        "items",
        "leaf",
        "limits",
        "not_",
        "nullable",
        "ok_strings",
        "one_of",
        "pattern",
        "props",
        "required",
        "special",
        "title",
        "types",
    )

    def __init__(self) -> None:
        self.types: frozenset[str] | None = None
        self.props: dict[str, Node] = {}
        self.required: tuple[str, ...] = ()
        self.additional: Node | bool = True
        self.items: Node | None = None
        self.enum: tuple[object, ...] | None = None
        self.special: str | None = None  # "int-or-string" | "quantity"
        self.fmt: str | None = None
        self.embedded = False
        self.title: str | None = None
        self.limits: dict[str, float] = {}
        self.pattern: BoundedPattern | None = None
        self.all_of: tuple[Node, ...] = ()
        self.any_of: tuple[Node, ...] = ()
        self.one_of: tuple[Node, ...] = ()
        self.not_: Node | None = None
        self.nullable = False  # CRDs: an explicit null is a value (kept, and satisfies `required`)
        # Walk shortcuts, derived from the fields above on first use (`_prepare`); whoever
        # changes a node after it has validated something must reset `leaf` to None.
        self.leaf: frozenset[type] | None = None
        self.direct_object = False
        self.direct_array = False
        self.ok_strings: frozenset[str] | None = None
        self.int_bounds: tuple[int, int] | None = None


_LIMIT_KEYS = ("minimum", "maximum", "minLength", "maxLength", "minItems", "maxItems", "minProperties", "maxProperties")


def _types_of(schema: Mapping[str, Any]) -> frozenset[str] | None:
    declared = schema.get("type")
    if isinstance(declared, str):
        return frozenset((declared,)) if declared else None
    if isinstance(declared, list):
        kept = frozenset(t for t in declared if isinstance(t, str) and t != "null")
        return kept or None
    return None


class BuiltinCompiler:
    """Compiles the definitions of one release, each once (recursion through placeholders)."""

    def __init__(self, defs: Mapping[str, Any]) -> None:
        self.defs = defs
        self.named: dict[str, Node] = {}

    def ref(self, ref: str) -> Node:
        name = ref.rsplit("/", 1)[-1]
        node = self.named.get(name)
        if node is not None:
            return node
        node = Node()
        self.named[name] = node
        schema = self.defs.get(name)
        if name == _INT_OR_STRING:
            node.special = "int-or-string"
        elif name == _QUANTITY:
            node.special = "quantity"
        elif isinstance(schema, Mapping):
            self.fill(node, schema)
            for prop, child in node.props.items():
                values = _ENUMS.get((name, prop))
                inline = not isinstance(schema["properties"][prop].get("$ref"), str)
                if values is not None and inline:
                    target = child.items if child.items is not None else child
                    target.enum = values
                    target.leaf = None  # the node may be shared and already prepared
        node.title = name.rsplit(".", 1)[-1]
        return node

    def compile(self, schema: object) -> Node:
        if isinstance(schema, Mapping) and isinstance(schema.get("$ref"), str):
            return self.ref(schema["$ref"])
        node = Node()
        if isinstance(schema, Mapping):
            self.fill(node, schema)
        return node

    def fill(self, node: Node, schema: Mapping[str, Any]) -> None:
        node.types = _types_of(schema)
        if schema.get("format") in ("int32", "int64", "byte"):
            node.fmt = schema["format"]
        enum = schema.get("enum")
        if isinstance(enum, list) and enum:
            node.enum = tuple(v for v in enum if v is not None)
        props = schema.get("properties")
        if isinstance(props, Mapping):
            node.props = {str(k): self.compile(v) for k, v in props.items()}
        required = schema.get("required")
        if isinstance(required, list):
            node.required = tuple(str(r) for r in required)
        additional = schema.get("additionalProperties")
        if isinstance(additional, Mapping):
            node.additional = self.compile(additional)
        elif additional is False:
            node.additional = False
        if "items" in schema:
            node.items = self.compile(schema["items"])


def compile_crd_schema(
    schema: Mapping[str, Any], *, preserve_unknown: bool = False, object_meta: Node | None = None
) -> Node:
    """A CRD version's `openAPIV3Schema` (structural schema rules: objects without properties
    are closed unless `x-kubernetes-preserve-unknown-fields`; `nullable`; int-or-string).
    `preserve_unknown`: the CRD keeps unknown fields everywhere (`spec.preserveUnknownFields:
    true`, the default of apiextensions.k8s.io/v1beta1 CRDs). `object_meta`: the release's
    ObjectMeta, which the root's `metadata` (and an embedded resource's) is validated as, with
    the CRD's own constraints on `name` and `generateName` (all a structural schema may say of
    metadata); without it, metadata is not checked."""
    meta = _MetaPolicy(object_meta)
    root = _crd_node(schema, structural=not preserve_unknown, meta=meta)
    meta.apply(root)  # apiVersion, kind and metadata are always allowed at the root
    root.types = frozenset(("object",))
    root.leaf = None
    return root


class _MetaPolicy:
    """How the `metadata` of a custom resource (or of an embedded resource) is compiled."""

    def __init__(self, object_meta: Node | None) -> None:
        self.object_meta = object_meta

    def apply(self, node: Node) -> None:
        """Give an object's `apiVersion`, `kind` and `metadata` the API server's meaning."""
        for key in ("apiVersion", "kind"):
            node.props.setdefault(key, Node())
        declared = node.props.get("metadata")
        if self.object_meta is None:
            node.props.setdefault("metadata", Node())
        elif declared is None:
            node.props["metadata"] = self.object_meta
        else:
            node.props["metadata"] = self._with_crd_constraints(declared)

    def _with_crd_constraints(self, declared: Node) -> Node:
        assert self.object_meta is not None
        kept = {key: declared.props[key] for key in _CRD_META_FIELDS if key in declared.props}
        if not kept:
            return self.object_meta
        merged = copy.copy(self.object_meta)
        merged.props = {**self.object_meta.props, **kept}
        merged.leaf = None
        return merged


_INT_OR_STRING_FORMS = frozenset(("integer", "string"))


def _converted_int_or_string(schema: Mapping[str, Any]) -> bool:
    """`oneOf` (or `anyOf`) `[{type: string}, {type: integer}]` and nothing else: what kubeconform's
    openapi2jsonschema.py writes for `format: int-or-string` in CRD-catalog schema files."""
    if "type" in schema:
        return False
    for key in ("oneOf", "anyOf"):
        forms = schema.get(key)
        if (
            isinstance(forms, list)
            and len(forms) == 2
            and all(isinstance(f, Mapping) and set(f) == {"type"} for f in forms)
        ):
            return {f["type"] for f in forms} == _INT_OR_STRING_FORMS
    return False


def _crd_node(schema: object, *, structural: bool, meta: _MetaPolicy) -> Node:
    node = Node()
    if not isinstance(schema, Mapping):
        return node
    if schema.get("x-kubernetes-int-or-string") is True or _converted_int_or_string(schema):
        node.special = "int-or-string"
        return node
    node.types = _types_of(schema)
    node.nullable = schema.get("nullable") is True
    preserve = schema.get("x-kubernetes-preserve-unknown-fields") is True
    fmt = schema.get("format")
    if fmt in ("int32", "int64", "byte"):
        node.fmt = fmt
    enum = schema.get("enum")
    if isinstance(enum, list) and enum:
        node.enum = tuple(enum)
    for key in _LIMIT_KEYS:
        value = schema.get(key)
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            node.limits[key] = float(value)
    if schema.get("exclusiveMinimum") is True and "minimum" in node.limits:
        node.limits["exclusiveMinimum"] = node.limits.pop("minimum")
    if schema.get("exclusiveMaximum") is True and "maximum" in node.limits:
        node.limits["exclusiveMaximum"] = node.limits.pop("maximum")
    pattern = schema.get("pattern")
    if isinstance(pattern, str):
        node.pattern = compile_bounded(pattern)  # written by the tree: searched with a time bound
    props = schema.get("properties")
    if isinstance(props, Mapping):
        node.props = {str(k): _crd_node(v, structural=structural, meta=meta) for k, v in props.items()}
    required = schema.get("required")
    if isinstance(required, list):
        node.required = tuple(str(r) for r in required)
    additional = schema.get("additionalProperties")
    if isinstance(additional, Mapping):
        node.additional = _crd_node(additional, structural=structural, meta=meta)
    else:
        # structural schema: a field the schema does not declare is pruned, and rejected
        # under strict field validation (kubectl's default since 1.27); value-validation
        # branches (allOf, anyOf, oneOf, not) never make a field unknown
        node.additional = additional is True or preserve or not structural
    if schema.get("x-kubernetes-embedded-resource") is True:
        node.embedded = True
        meta.apply(node)
    if "items" in schema:
        node.items = _crd_node(schema["items"], structural=structural, meta=meta)
    # value-validation branches: their metadata (if any) says nothing of what is a field
    loose = _MetaPolicy(None)
    for key, attr in (("allOf", "all_of"), ("anyOf", "any_of"), ("oneOf", "one_of")):
        subs = schema.get(key)
        if isinstance(subs, list):
            setattr(node, attr, tuple(_crd_node(s, structural=False, meta=loose) for s in subs))
    if isinstance(schema.get("not"), Mapping):
        node.not_ = _crd_node(schema["not"], structural=False, meta=loose)
    return node
