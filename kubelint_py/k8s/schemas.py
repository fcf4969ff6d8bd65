"""Schema validation of Kubernetes objects (rule-catalog §3.2), with Kubernetes' own semantics.

Schemas of built-in kinds come from the bundle shipped in the wheel
(`kubelint_py.k8s.schema_bundle`: the strict schemas of every release from 1.25 on, 39 KB),
never fetched. Custom resources are validated against the `openAPIV3Schema` of their CRD (in
the input, or from a schema location), with `metadata` validated as the release's ObjectMeta
whatever the CRD says of it, as the API server does.

Rather than hand the schemas to a generic JSON-schema engine, each schema is compiled into a
small tree of `Node` objects once and walked together with the manifest. That is what lets
the checks follow what the API server really does:

* `null` is "not set" (the API server drops it, CRD pruning too), so it only matters for
  required fields;
* `IntOrString` (and `x-kubernetes-int-or-string`) takes an integer or a string, a quantity
  is checked with the API server's own grammar (`kubelint_py.k8s.quantity`);
* maps with free keys (labels, annotations, ConfigMap data, resource lists) are open, fixed
  objects are closed, CRD subtrees marked `x-kubernetes-preserve-unknown-fields` are open;
* YAML 1.1 scalars arrive already decoded (`yes` is a boolean), as kubectl sends them;
  integral floats (`3.0`) are integers, because they reach the API server as JSON `3`;
* one problem gives one issue, at the deepest node at fault: a value of the wrong type is
  not descended into; a missing required field is reported on the object that lacks it
  (the issue's path names the missing key so that two missing fields stay two issues).

Why this source: `kubernetes-validate` (maintained, one release per Kubernetes minor) carries the
strict (`additionalProperties: false`) JSON schemas of every release from 1.25 on; at ~110 MB
installed it is a development dependency only: `scripts/build_schema_bundle.py` reduces its
`_definitions.json` files to what this module reads (no descriptions), each distinct definition
once, 39 KB compressed. The kubeconform/kubeval schema repositories are not packages (vendoring
them means hundreds of MB or a download at run time); the `kubernetes` client library has models
but no validation schema; jsonschema, fastjsonschema and jsonschema-rs are validators, not schema
sources. The strict schemas carry no value enums, so `_ENUMS` lists the closed value sets of the
most used fields.

Why not a generic validator: on the 10,000-document benchmark corpus this walker validates
everything in ~0.5–0.6 s of CPU; `jsonschema` (pure Python, as kubernetes-validate uses it) needs
~8 s, and the compiled `jsonschema-rs` ~0.35 s including compilation, but neither knows quantities,
Secret base64, the enums or "one finding at the deepest node", and their errors would have to be
translated back into positions and plain messages.

Nothing here keeps module-level mutable state besides `functools.lru_cache` over pure
functions of immutable inputs (the package's data). Compiled validators live in a `SchemaRun`
that callers keep per lint run.
"""

from __future__ import annotations

import base64
import binascii
import copy
import json
import math
import re
from collections.abc import Iterator, Mapping, Sequence
from functools import lru_cache
from types import MappingProxyType
from typing import Any, NamedTuple

from kubelint_py.k8s.bounded_regex import BoundedPattern, compile_bounded
from kubelint_py.k8s.quantity import quantity_from_manifest
from kubelint_py.k8s.schema_bundle import SchemaBundle, schema_bundle
from kubelint_py.k8s.sensitive import is_sensitive_path

__all__ = [
    "Issue",
    "Node",
    "SchemaRun",
    "builtin_groups",
    "compile_crd_schema",
    "did_you_mean",
    "edit_distance",
    "format_path",
    "schema_run",
    "validate",
]

Release = tuple[int, int]
Path_ = tuple[str | int, ...]

_RELEASE_RE = re.compile(r"^\s*v?(\d+)\.(\d+)(?:\.\d+)?\s*$")
_INT_OR_STRING = "io.k8s.apimachinery.pkg.util.intstr.IntOrString"
_QUANTITY = "io.k8s.apimachinery.pkg.api.resource.Quantity"
_OBJECT_META = "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"
# what a CRD's schema may say of metadata (structural schemas: name and generateName only)
_CRD_META_FIELDS = ("name", "generateName")
_INT_RANGES = {"int32": (-(2**31), 2**31 - 1), "int64": (-(2**63), 2**63 - 1)}
_STORE_ATTR = "_kubelint_schema_runs"
_ROOT_IDENTITY = (("apiVersion",), ("kind",))
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
_TYPE_WORDS = {
    "object": "a map",
    "array": "a list",
    "string": "a string",
    "integer": "an integer",
    "number": "a number",
    "boolean": "a boolean (true or false)",
}


# -- releases ------------------------------------------------------------------------------


def parse_target(setting: object) -> Release | None:
    """The Kubernetes release named by `targetVersion` (`1.29`, `v1.29.3`, or a component list
    `k8s=v1.29,cert-manager=v1.6.0`); None when absent or not understood."""
    if not isinstance(setting, str):
        return None
    for part in setting.split(","):
        component, sep, value = part.partition("=")
        if not sep:
            value, component = component, "k8s"
        if component.strip().lower() in ("k8s", "kubernetes"):
            match = _RELEASE_RE.match(value)
            if match:
                return int(match.group(1)), int(match.group(2))
    return None


def release_text(release: Release) -> str:
    return f"v{release[0]}.{release[1]}"


def builtin_groups() -> frozenset[str]:
    """API groups that Kubernetes itself serves in any bundled release (plus the retired
    `extensions`): an apiVersion of any other group is a custom resource's."""
    return schema_bundle().groups() | {"extensions"}


# -- compiled schema nodes -----------------------------------------------------------------


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


class _BuiltinCompiler:
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


class SchemaRun:
    """Compiled validators of one lint run: one per `(release, apiVersion, kind)`, built once."""

    def __init__(self, bundle: SchemaBundle, target: Release | None, default: Release | None = None) -> None:
        """`target`: the release asked for (None: `default`, else the newest bundled). A
        release the bundle does not cover is validated against the nearest one it does
        (`release`; `requested` keeps what was asked)."""
        self.bundle = bundle
        self.requested = target
        wanted = target or default or bundle.releases[-1]
        self.release: Release = bundle.nearest(wanted)
        self._compiler: _BuiltinCompiler | None = None
        self._roots: dict[tuple[str, str], Node | None] = {}
        self._object_meta: Node | None = None
        self.issues: dict[int, list[Issue]] = {}
        self.crd_nodes: dict[tuple[int, str], Node] = {}
        self.crd_index: dict[tuple[str, str], list[Any]] | None = None
        self._served_as: dict[str, list[str]] | None = None

    def check(self, key: int, api_version: str, kind: str, data: object) -> list[Issue]:
        """Issues of one document against the release's schema, computed once per document."""
        found = self.issues.get(key)
        if found is None:
            node = self.root(api_version, kind)
            found = validate(node, data, kind) if node is not None else []
            self.issues[key] = found
        return found

    def served_as(self, kind: str) -> list[str]:
        """The apiVersions under which the release serves `kind`."""
        if self._served_as is None:
            index: dict[str, list[str]] = {}
            for api_version, served_kind in sorted(self.kinds()):
                index.setdefault(served_kind, []).append(api_version)
            self._served_as = index
        return self._served_as.get(kind, [])

    def has_kind(self, api_version: str, kind: str) -> bool:
        return (api_version, kind) in self.kinds()

    def kinds(self) -> Mapping[tuple[str, str], str]:
        return self.bundle.kinds(self.release)

    def root(self, api_version: str, kind: str) -> Node | None:
        key = (api_version, kind)
        if key in self._roots:
            return self._roots[key]
        name = self.kinds().get(key)
        node = self._compile(name) if name is not None else None
        self._roots[key] = node
        return node

    def object_meta(self) -> Node:
        """The release's ObjectMeta: what the API server validates a custom resource's metadata as."""
        if self._object_meta is None:
            self._object_meta = self._compile(_OBJECT_META)
        return self._object_meta

    def _compile(self, name: str) -> Node:
        if self._compiler is None:
            self._compiler = _BuiltinCompiler(self.bundle.definitions(self.release))
        return self._compiler.ref(name)


# -- CRD schemas ---------------------------------------------------------------------------


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


# -- validation ----------------------------------------------------------------------------


class Issue(NamedTuple):
    """One problem: `unknown` fields are schema-unknown-field, the rest schema-violation."""

    unknown: bool
    path: Path_
    message: str
    hint: str = ""  # for unknown fields: the did-you-mean suggestion, said after the context
    # the message naming the value's type instead of quoting it, when it quotes the value
    redacted: str | None = None

    def without_value(self) -> Issue:
        """This issue as said of a sensitive place: the value's type, never the value."""
        return self if self.redacted is None else self._replace(message=self.redacted, redacted=None)

    def text(self, context: str = "") -> str:
        """The message, with `context` (e.g. " in Kubernetes v1.31") before the suggestion."""
        return f"{self.message}{context}{self.hint}" if self.unknown else self.message


def validate(node: Node, data: object, kind: str = "") -> list[Issue]:
    """Every problem of `data` (an object of `kind`, by default its own) against `node`. The
    root's `apiVersion` and `kind` are not checked against the schema's enums (the caller chose
    the schema from them). Issues at sensitive places (a Secret's data, a password's value: see
    `kubelint_py.k8s.sensitive`) name the value's type, never the value."""
    out: list[Issue] = []
    _walk(node, data, (), out)
    if not out:
        return out
    if not kind and isinstance(data, Mapping) and isinstance(data.get("kind"), str):
        kind = data["kind"]
    return [
        issue.without_value() if issue.redacted is not None and is_sensitive_path(data, issue.path, kind) else issue
        for issue in out
    ]


def schema_run(holder: object, target_setting: object, default: Release | None = None) -> SchemaRun:
    """The `SchemaRun` of one lint run, kept on `holder` (the run's LintContext) so that every
    schema rule of the run shares the compiled validators and the per-document results.
    `default` is the release meant when no target is set (the migration rules' default)."""
    store: dict[str, SchemaRun] | None = getattr(holder, _STORE_ATTR, None)
    if store is None:
        store = {}
        setattr(holder, _STORE_ATTR, store)
    key = repr(target_setting)
    run = store.get(key)
    if run is None:
        run = SchemaRun(schema_bundle(), parse_target(target_setting), default)
        store[key] = run
    return run


_FAST_TYPES: Mapping[type, str] = MappingProxyType(
    {str: "string", int: "integer", bool: "boolean", dict: "object", list: "array"}
)


def _json_type(value: object) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "integer" if math.isfinite(value) and value == int(value) else "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, Mapping):
        return "object"
    if isinstance(value, list):
        return "array"
    return "unknown"


def _type_ok(types: frozenset[str], value: object, actual: str) -> bool:
    if actual in types:
        return True
    return actual == "integer" and "number" in types


def _value_issue(path: Path_, problem: str, value: object, tail: str = "", redacted_tail: str | None = None) -> Issue:
    """An issue whose message describes `value` (`` `path` problem the string "x"tail``); its
    `redacted` twin names the value's type only, for sensitive places (see `validate`)."""
    shown = f"`{format_path(path)}` {problem} "
    redacted = shown + describe_type(value) + (tail if redacted_tail is None else redacted_tail)
    return Issue(False, path, shown + describe(value) + tail, redacted=redacted)


def describe_type(value: object) -> str:
    """A manifest value by its type only (`a string`, `a number`): what a message says of a
    value that may be secret."""
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, Mapping):
        return "a map"
    if isinstance(value, list):
        return "a list"
    return "null" if value is None else f"a {type(value).__name__}"


def describe(value: object) -> str:
    """A manifest value in words: `the string "three"`, `the number 3`, `a map`."""
    if isinstance(value, bool):
        return f"the boolean {'true' if value else 'false'}"
    if isinstance(value, (int, float)):
        return f"the number {_number_text(value)}"
    if isinstance(value, str):
        shown = value if len(value) <= 40 else value[:37] + "..."
        return "the string " + json.dumps(shown, ensure_ascii=False)
    if isinstance(value, Mapping):
        return "a map"
    if isinstance(value, list):
        return "a list"
    return "null" if value is None else f"a {type(value).__name__}"


def _number_text(value: float) -> str:
    if isinstance(value, float) and math.isfinite(value) and value == int(value):
        return str(int(value))
    return str(value)


def _expected(types: frozenset[str]) -> str:
    words = [_TYPE_WORDS.get(t, t) for t in sorted(types)]
    return " or ".join(words)


def format_path(path: Path_) -> str:
    """`spec.template.spec.containers[0].image` (list items by index, as kubectl reports)."""
    parts: list[str] = []
    for step in path:
        if isinstance(step, int):
            parts.append(f"[{step}]")
        else:
            text = str(step)
            if re.fullmatch(r"[A-Za-z_$][A-Za-z0-9_$-]*", text):
                parts.append(("." if parts else "") + text)
            else:
                parts.append("[" + json.dumps(text) + "]")
    return "".join(parts) or "(root)"


def _prepare(node: Node) -> frozenset[type]:
    """Fill in the walk shortcuts of `node` and return its `leaf` set.

    `leaf`: the exact Python types of values that can produce no issue under `node` and
    have nothing beneath it to walk (a string under a plain string field, any scalar under
    an open field, null everywhere), so the walker skips them without a call. The loader
    makes plain dict/list/str/int/float/bool/None only; anything else takes the full path.
    `ok_strings`: strings that pass a node with an enum (its values and "", which means unset);
    `int_bounds`: the range that integers pass in an int32/int64 field.
    `direct_object` / `direct_array`: a map (list) value needs no check of its own under
    `node`, only its entries (items) walked.
    """
    types = node.types
    leaf: set[type] = {type(None)}  # null is "not set": `_walk` returns at once

    def allows(*names: str) -> bool:
        return types is None or any(name in types for name in names)

    ranged = node.fmt in _INT_RANGES
    no_combinators = not (node.all_of or node.any_of or node.one_of) and node.not_ is None
    plain = node.special is None and node.enum is None and not node.limits and node.pattern is None and no_combinators
    if node.special == "int-or-string":  # (a special node checks nothing else)
        leaf.update((int, str))
    elif node.special == "quantity":
        leaf.add(int)  # every integer is a quantity (checked as the JSON number it is)
    elif plain:
        if allows("string") and node.fmt != "byte":
            leaf.add(str)
        if allows("boolean"):
            leaf.add(bool)
        if allows("integer", "number") and not ranged:
            leaf.add(int)
        if allows("number") and not ranged:  # a float is an integer or a number
            leaf.add(float)
        if allows("object") and not node.props and node.additional is True and not node.required:
            leaf.add(dict)
        if allows("array") and node.items is None:
            leaf.add(list)
    node.ok_strings = None
    if (
        node.enum is not None
        and node.special is None
        and node.fmt != "byte"
        and not node.limits
        and node.pattern is None
        and no_combinators
        and allows("string")
    ):
        node.ok_strings = frozenset((*(v for v in node.enum if type(v) is str), ""))
    node.int_bounds = (
        _INT_RANGES[node.fmt] if node.fmt is not None and plain and ranged and allows("integer", "number") else None
    )
    node.direct_object = plain and allows("object")
    node.direct_array = plain and allows("array") and node.items is not None
    node.leaf = frozenset(leaf)
    return node.leaf


def _walk(node: Node, value: object, path: Path_, out: list[Issue]) -> None:
    if value is None:
        return
    special = node.special
    if special is not None:
        _check_special(special, value, path, out)
        return
    actual = _FAST_TYPES.get(type(value)) or _json_type(value)
    types = node.types
    if types is not None and actual not in types and not _type_ok(types, value, actual):
        hint = ""
        if "string" in types and actual in ("integer", "number", "boolean"):
            hint = "; quote it"
        out.append(_value_issue(path, f"must be {_expected(types)}, found", value, hint))
        return
    if node.enum is not None and value not in node.enum and value != "" and path not in _ROOT_IDENTITY:
        allowed = ", ".join(str(v) for v in node.enum[:12]) + (", ..." if len(node.enum) > 12 else "")
        suggestion = ""
        if isinstance(value, str):
            close = did_you_mean(value, [v for v in node.enum if isinstance(v, str)])
            suggestion = f" (did you mean {close}?)" if close else ""
        # (the suggestion says what the value is close to: not said of a sensitive one)
        out.append(_value_issue(path, f"must be one of {allowed}; found", value, suggestion, redacted_tail=""))
        return
    if node.fmt is not None and not _check_format(node.fmt, value, path, out):
        return
    if (node.limits or node.pattern is not None) and not _check_limits(node, value, path, out):
        return
    if actual == "object":
        _walk_object(node, value, path, out)  # type: ignore[arg-type]
    elif actual == "array" and node.items is not None:
        _walk_items(node.items, value, path, out)  # type: ignore[arg-type]
    if node.all_of or node.any_of or node.one_of or node.not_ is not None:
        _check_combinators(node, value, path, out)


# `_walk_object` and `_walk_items` run for every map and list of every document: a value that
# its node's `leaf` set accepts is skipped without a call, and a map (list) whose node checks
# nothing of its own goes straight to its entries (items). Both give exactly `_walk`'s issues.


def _descend(node: Node, value: object, kind: type, path: Path_, out: list[Issue]) -> None:
    """Check a value the fast tests in the loops below could not pass, at `path`."""
    if kind is dict and node.direct_object:
        _walk_object(node, value, path, out)  # type: ignore[arg-type]
    elif kind is list and node.direct_array:
        _walk_items(node.items, value, path, out)  # type: ignore[arg-type]
    else:
        _walk(node, value, path, out)


def _walk_items(items: Node, sequence: list[object], path: Path_, out: list[Issue]) -> None:
    leaf = items.leaf
    if leaf is None:
        leaf = _prepare(items)
    for index, item in enumerate(sequence):
        kind = type(item)
        if kind in leaf:
            continue
        if kind is str:
            if items.ok_strings is not None and item in items.ok_strings:
                continue
        elif kind is int:
            bounds = items.int_bounds
            if bounds is not None and bounds[0] <= item <= bounds[1]:  # type: ignore[operator]
                continue
        _descend(items, item, kind, (*path, index), out)


def _walk_object(node: Node, value: Mapping[Any, object], path: Path_, out: list[Issue]) -> None:
    props = node.props
    additional = node.additional
    suggested: set[str] | None = None
    for key, child in value.items():
        if isinstance(key, str):
            name = key
        else:  # YAML allows any scalar key; paths keep ints (positions know them), the rest as text
            name = _key_text(key)
            key = key if isinstance(key, int) else name
        sub = props.get(name)
        if sub is None:
            if additional is True:
                continue
            if additional is False:
                where = f" of {node.title}" if node.title else ""
                close = did_you_mean(name, props)
                suggestion = ""
                if close:
                    suggested = {close} if suggested is None else suggested | {close}
                    suggestion = f" (did you mean `{close}`?)"
                out.append(
                    Issue(True, (*path, key), f"`{format_path((*path, key))}` is not a field{where}", suggestion)
                )
                continue
            sub = additional
        leaf = sub.leaf
        if leaf is None:
            leaf = _prepare(sub)
        kind = type(child)
        if kind in leaf:
            continue
        if kind is str:
            if sub.ok_strings is not None and child in sub.ok_strings:
                continue
        elif kind is int:
            bounds = sub.int_bounds
            if bounds is not None and bounds[0] <= child <= bounds[1]:  # type: ignore[operator]
                continue
        _descend(sub, child, kind, (*path, key), out)
    for required in node.required:
        # a misspelt required field is one problem, reported once as the unknown field
        if value.get(required) is None and (suggested is None or required not in suggested):
            declared = props.get(required)
            if declared is not None and declared.nullable and required in value:
                continue
            shown = format_path(path)
            out.append(Issue(False, (*path, required), f"`{shown}` is missing the required field `{required}`"))


def _key_text(key: object) -> str:
    if isinstance(key, bool):
        return "true" if key else "false"
    return str(key)


def _check_special(special: str, value: object, path: Path_, out: list[Issue]) -> None:
    if special == "int-or-string":
        actual = _json_type(value)
        if actual not in ("integer", "string"):
            out.append(_value_issue(path, "must be an integer or a string, found", value))
        return
    kind = type(value)
    valid = _is_quantity(value) if kind is str or kind is float else quantity_from_manifest(value) is not None
    if not valid:
        out.append(_value_issue(path, "must be a quantity such as 500m, 2, 128Mi or 1G, found", value))


@lru_cache(maxsize=4096, typed=True)
def _is_quantity(value: str | float) -> bool:
    """Whether a string or float is a valid quantity: the same few values (`100m`, `128Mi`)
    fill every resources block of a run, so each is parsed once."""
    return quantity_from_manifest(value) is not None


def _check_format(fmt: str, value: object, path: Path_, out: list[Issue]) -> bool:
    if fmt in _INT_RANGES and isinstance(value, (int, float)) and not isinstance(value, bool):
        low, high = _INT_RANGES[fmt]
        if not low <= value <= high:
            out.append(_value_issue(path, f"must fit in an {fmt}, found", value))
            return False
    elif fmt == "byte" and isinstance(value, str):
        try:
            # Go's decoder skips line breaks (block scalars), nothing else
            base64.b64decode(value.replace("\r", "").replace("\n", ""), validate=True)
        except (binascii.Error, ValueError):
            # never echo the value: this is typically Secret data
            hint = "; a Secret takes plain text under `stringData`" if len(path) == 2 and path[0] == "data" else ""
            message = f"`{format_path(path)}` is not valid base64 (it holds base64-encoded bytes{hint})"
            out.append(Issue(False, path, message))
            return False
    return True


def _check_limits(node: Node, value: object, path: Path_, out: list[Issue]) -> bool:
    limits = node.limits
    shown = format_path(path)
    problem: str | None = None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if "minimum" in limits and value < limits["minimum"]:
            problem = f"must be at least {_number_text(limits['minimum'])}"
        elif "exclusiveMinimum" in limits and value <= limits["exclusiveMinimum"]:
            problem = f"must be greater than {_number_text(limits['exclusiveMinimum'])}"
        elif "maximum" in limits and value > limits["maximum"]:
            problem = f"must be at most {_number_text(limits['maximum'])}"
        elif "exclusiveMaximum" in limits and value >= limits["exclusiveMaximum"]:
            problem = f"must be less than {_number_text(limits['exclusiveMaximum'])}"
    elif isinstance(value, str):
        if "minLength" in limits and len(value) < limits["minLength"]:
            problem = f"must be at least {_number_text(limits['minLength'])} characters long"
        elif "maxLength" in limits and len(value) > limits["maxLength"]:
            problem = f"must be at most {_number_text(limits['maxLength'])} characters long"
        elif node.pattern is not None and node.pattern.search(value) is False:
            problem = f"must match the pattern {node.pattern.pattern}"
    elif isinstance(value, list):
        if "minItems" in limits and len(value) < limits["minItems"]:
            problem = f"must have at least {_number_text(limits['minItems'])} items"
        elif "maxItems" in limits and len(value) > limits["maxItems"]:
            problem = f"must have at most {_number_text(limits['maxItems'])} items"
    elif isinstance(value, Mapping):
        if "minProperties" in limits and len(value) < limits["minProperties"]:
            problem = f"must have at least {_number_text(limits['minProperties'])} entries"
        elif "maxProperties" in limits and len(value) > limits["maxProperties"]:
            problem = f"must have at most {_number_text(limits['maxProperties'])} entries"
    if problem is None:
        return True
    if isinstance(value, (list, Mapping)):
        out.append(Issue(False, path, f"`{shown}` {problem}, found {len(value)}"))
    else:
        out.append(_value_issue(path, f"{problem}, found", value))
    return False


def _passes(node: Node, value: object) -> bool:
    scratch: list[Issue] = []
    _walk(node, value, (), scratch)
    return not scratch


def _check_combinators(node: Node, value: object, path: Path_, out: list[Issue]) -> None:
    shown = format_path(path)
    for sub in node.all_of:
        if not _passes(sub, value):
            out.append(Issue(False, path, f"`{shown}` does not satisfy every constraint of the schema (allOf)"))
            return
    if node.any_of and not any(_passes(sub, value) for sub in node.any_of):
        out.append(Issue(False, path, f"`{shown}` matches none of the allowed forms (anyOf)"))
        return
    if node.one_of and sum(1 for sub in node.one_of if _passes(sub, value)) != 1:
        out.append(Issue(False, path, f"`{shown}` must match exactly one of the allowed forms (oneOf)"))
        return
    if node.not_ is not None and _passes(node.not_, value):
        out.append(Issue(False, path, f"`{shown}` matches a form the schema forbids (not)"))


# -- suggestions ---------------------------------------------------------------------------


def edit_distance(a: str, b: str, limit: int = 2) -> int:
    """Optimal-string-alignment distance (a transposition costs 1); `limit + 1` when larger."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        current = [i] + [0] * len(b)
        best = current[0]
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            value = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                value = min(value, previous2[j - 2] + 1)
            current[j] = value
            best = min(best, value)
        if best > limit:
            return limit + 1
        previous2, previous = previous, current
    return min(previous[len(b)], limit + 1)


def did_you_mean(name: str, candidates: Sequence[str] | Mapping[str, object] | Iterator[str]) -> str | None:
    """The candidate within edit distance 2 of `name` (case-insensitive match first, then the
    closest; ties go to the alphabetically first). Names of 1–2 characters need distance 1."""
    options = sorted(str(c) for c in candidates)
    lowered = name.lower()
    for option in options:
        if option.lower() == lowered and option != name:
            return option
    limit = 1 if len(name) <= 3 else 2
    best: tuple[int, str] | None = None
    for option in options:
        if option == name:
            continue
        distance = edit_distance(name, option, limit)
        if distance <= limit and (best is None or distance < best[0]):
            best = (distance, option)
    return best[1] if best else None
