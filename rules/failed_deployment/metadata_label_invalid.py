"""metadata-label-invalid (rule-catalog §5).

The API server validates label syntax (`ValidateLabels`, `ValidateLabelName`,
`ValidateLabelSelector` of k8s.io/apimachinery) wherever labels are written or selected:
every object's `metadata.labels`, pod templates (and a CronJob's Job template), pod
`nodeSelector`, Service and ReplicationController selectors, and the label selectors of the
built-in kinds (`matchLabels`, `matchExpressions[].key` and, since the values of an `In` or
`NotIn` requirement are validated as label values too, those values). Custom resources get
the ObjectMeta checks only: their own selectors are the CRD schema's business.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from kubelint_py.k8s.identifiers import is_templated, label_key_problems, label_value_problems
from kubelint_py.k8s.workloads import pod_template_labels_path
from kubelint_py.rule_api import (
    Document,
    FieldPath,
    RuleContext,
    Violation,
    pod_spec,
    pod_spec_path,
    quote,
    rule,
)

# (group, kind) -> paths of LabelSelectors the API server validates (lists marked by "*")
_SELECTORS: Mapping[tuple[str, str], tuple[FieldPath, ...]] = {
    ("apps", "Deployment"): (("spec", "selector"),),
    ("apps", "ReplicaSet"): (("spec", "selector"),),
    ("apps", "DaemonSet"): (("spec", "selector"),),
    ("apps", "StatefulSet"): (("spec", "selector"), ("spec", "volumeClaimTemplates", "*", "spec", "selector")),
    ("batch", "Job"): (("spec", "selector"),),
    ("batch", "CronJob"): (("spec", "jobTemplate", "spec", "selector"),),
    ("policy", "PodDisruptionBudget"): (("spec", "selector"),),
    ("", "PersistentVolumeClaim"): (("spec", "selector"),),
    ("networking.k8s.io", "NetworkPolicy"): (
        ("spec", "podSelector"),
        ("spec", "ingress", "*", "from", "*", "podSelector"),
        ("spec", "ingress", "*", "from", "*", "namespaceSelector"),
        ("spec", "egress", "*", "to", "*", "podSelector"),
        ("spec", "egress", "*", "to", "*", "namespaceSelector"),
    ),
    ("admissionregistration.k8s.io", "MutatingWebhookConfiguration"): (
        ("webhooks", "*", "namespaceSelector"),
        ("webhooks", "*", "objectSelector"),
    ),
    ("admissionregistration.k8s.io", "ValidatingWebhookConfiguration"): (
        ("webhooks", "*", "namespaceSelector"),
        ("webhooks", "*", "objectSelector"),
    ),
    ("rbac.authorization.k8s.io", "ClusterRole"): (("aggregationRule", "clusterRoleSelectors", "*"),),
    **{
        ("admissionregistration.k8s.io", kind): (
            ("spec", field, "namespaceSelector"),
            ("spec", field, "objectSelector"),
        )
        for kind, field in (
            ("ValidatingAdmissionPolicy", "matchConstraints"),
            ("ValidatingAdmissionPolicyBinding", "matchResources"),
            ("MutatingAdmissionPolicy", "matchConstraints"),
            ("MutatingAdmissionPolicyBinding", "matchResources"),
        )
    },
}
# (group, kind) -> paths of plain label maps besides metadata.labels
_LABEL_MAPS: Mapping[tuple[str, str], tuple[FieldPath, ...]] = {
    ("", "Service"): (("spec", "selector"),),
    ("", "ReplicationController"): (("spec", "selector"),),
    ("batch", "CronJob"): (("spec", "jobTemplate", "metadata", "labels"),),
    ("apps", "StatefulSet"): (("spec", "volumeClaimTemplates", "*", "metadata", "labels"),),
}
# NodeSelectorTerm lists: their matchExpressions keys are label keys
_NODE_TERMS: Mapping[tuple[str, str], tuple[FieldPath, ...]] = {
    ("", "PersistentVolume"): (("spec", "nodeAffinity", "required", "nodeSelectorTerms"),),
}
_TABLED_KINDS = frozenset(kind for table in (_SELECTORS, _LABEL_MAPS, _NODE_TERMS) for _, kind in table)
_AFFINITY_TERMS: tuple[FieldPath, ...] = (
    ("requiredDuringSchedulingIgnoredDuringExecution", "*"),
    ("preferredDuringSchedulingIgnoredDuringExecution", "*", "podAffinityTerm"),
)
# LabelSelectors of a pod spec: pod (anti-)affinity terms and topology spread constraints
_POD_SELECTORS: tuple[FieldPath, ...] = (
    *(
        ("affinity", affinity, *term, selector)
        for affinity in ("podAffinity", "podAntiAffinity")
        for term in _AFFINITY_TERMS
        for selector in ("labelSelector", "namespaceSelector")
    ),
    ("topologySpreadConstraints", "*", "labelSelector"),
)
_POD_NODE_TERMS: FieldPath = (
    "affinity",
    "nodeAffinity",
    "requiredDuringSchedulingIgnoredDuringExecution",
    "nodeSelectorTerms",
)
_POD_NODE_PREFERENCES: FieldPath = ("affinity", "nodeAffinity", "preferredDuringSchedulingIgnoredDuringExecution")
_POD_NODE_PREFERENCE_TERMS: FieldPath = (*_POD_NODE_PREFERENCES, "*", "preference")


def _expand(data: object, pattern: FieldPath, prefix: FieldPath = ()) -> list[tuple[FieldPath, object]]:
    """The values at `pattern` under `data`, "*" standing for every item of a list (in
    document order). The steps before the first "*" lead to one value at most and are
    followed without a list (15,000 expansions on the 10,000-document corpus, most of them
    ending at an absent field or with no "*" at all); then step by step over a list of values."""
    value = data
    depth = 0
    for step in pattern:
        if step == "*":
            break
        if not (type(value) is dict or isinstance(value, Mapping)) or step not in value:  # (exact type first)
            return []
        value = value[step]
        depth += 1
    else:
        return [((*prefix, *pattern), value)]
    found: list[tuple[FieldPath, object]] = [((*prefix, *pattern[:depth]), value)]
    for step in pattern[depth:]:
        if step == "*":
            found = [
                ((*path, index), item)
                for path, value in found
                if isinstance(value, list)
                for index, item in enumerate(value)
            ]
        else:  # exact type first: no ABC check
            found = [
                ((*path, step), value[step])
                for path, value in found
                if (type(value) is dict or isinstance(value, Mapping)) and step in value
            ]
        if not found:
            break
    return found


def _dotted(path: FieldPath) -> str:
    text = ""
    for step in path:
        text += f"[{step}]" if isinstance(step, int) else (f".{step}" if text else str(step))
    return text


def _label_map_violations(labels: object, path: FieldPath) -> Iterator[Violation]:
    if labels is None or not (type(labels) is dict or isinstance(labels, Mapping)):  # (no ABC check)
        return
    for key, value in labels.items():
        if type(value) is str and (key, value) in _VALID:  # (a value of a list is unhashable)
            continue
        if not isinstance(key, str) or is_templated(key):
            continue  # not a string: schema-violation's finding; templated: not final yet
        key_problems = label_key_problems(key)
        value_problems = label_value_problems(value) if isinstance(value, str) and not is_templated(value) else ()
        if key_problems or value_problems:  # most labels are valid: the message only for the others
            problems = [f"key: {p}" for p in key_problems] + [f"value {quote(value)}: {p}" for p in value_problems]
            message = f"label {quote(key)} in {_dotted(path)} is invalid ({'; '.join(problems)})"
            yield Violation(message, (*path, key))
        elif type(key) is str and type(value) is str:
            if len(_VALID) >= _MAX_VALID:
                _VALID.clear()
            _VALID.add((key, value))


# Labels found valid: the same few (`app.kubernetes.io/name: web`) recur on every object and
# pod template of a run, and each took two regex searches and two cached verdicts (13 us a
# document on the 10,000-document corpus). Only exact strings, so a pair's hash and equality
# are str's; bounded, as it lives as long as the process.
_VALID: set[tuple[str, str]] = set()
_MAX_VALID = 8192


def _requirement_violations(expressions: object, path: FieldPath, *, values: bool) -> Iterator[Violation]:
    """`matchExpressions` of a LabelSelector (values too) or a NodeSelectorTerm (keys only)."""
    if not isinstance(expressions, list):
        return
    for index, expr in enumerate(expressions):
        if not isinstance(expr, Mapping):
            continue
        here: FieldPath = (*path, index)
        key = expr.get("key")
        if isinstance(key, str) and not is_templated(key) and label_key_problems(key):
            problems = "; ".join(label_key_problems(key))
            yield Violation(f"label key {quote(key)} in {_dotted(here)} is invalid ({problems})", (*here, "key"))
        listed = expr.get("values")
        if not values or expr.get("operator") not in ("In", "NotIn") or not isinstance(listed, list):
            continue
        for number, value in enumerate(listed):
            if isinstance(value, str) and not is_templated(value) and label_value_problems(value):
                problems = "; ".join(label_value_problems(value))
                yield Violation(
                    f"label value {quote(value)} in {_dotted(here)}.values is invalid ({problems})",
                    (*here, "values", number),
                )


def _selector_violations(selector: object, path: FieldPath) -> Iterator[Violation]:
    if not (type(selector) is dict or isinstance(selector, Mapping)):  # (exact type first: no ABC isinstance)
        return
    yield from _label_map_violations(selector.get("matchLabels"), (*path, "matchLabels"))
    yield from _requirement_violations(selector.get("matchExpressions"), (*path, "matchExpressions"), values=True)


def _node_terms_violations(terms: object, path: FieldPath) -> Iterator[Violation]:
    if not isinstance(terms, list):
        return
    for index, term in enumerate(terms):
        if isinstance(term, Mapping):
            here = (*path, index, "matchExpressions")
            yield from _requirement_violations(term.get("matchExpressions"), here, values=False)


def _pod_spec_violations(doc: Document, spec_path: FieldPath) -> Iterator[Violation]:
    spec = pod_spec(doc)  # (the map at spec_path: the document's, kept once for every rule)
    labels_path = pod_template_labels_path(doc)
    if labels_path is not None and labels_path != ("metadata", "labels"):
        yield from _label_map_violations(doc.value(*labels_path), labels_path)
    node_selector = spec.get("nodeSelector")
    if node_selector is not None:  # (most pods have none: no path to make)
        yield from _label_map_violations(node_selector, (*spec_path, "nodeSelector"))
    affinity = spec.get("affinity")  # (usually absent: exact tests first, no ABC check)
    if not (affinity is not None and (type(affinity) is dict or isinstance(affinity, Mapping))) and not spec.get(
        "topologySpreadConstraints"
    ):
        return
    for pattern in _POD_SELECTORS:
        for path, selector in _expand(spec, pattern, spec_path):
            yield from _selector_violations(selector, path)
    for path, terms in _expand(spec, _POD_NODE_TERMS, spec_path):
        yield from _node_terms_violations(terms, path)
    for path, preference in _expand(spec, _POD_NODE_PREFERENCE_TERMS, spec_path):
        if isinstance(preference, Mapping):
            here = (*path, "matchExpressions")
            yield from _requirement_violations(preference.get("matchExpressions"), here, values=False)


@rule("metadata-label-invalid")
def check(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    yield from _label_map_violations(doc.labels(), ("metadata", "labels"))  # (kept once for every rule)
    if doc.kind in _TABLED_KINDS:  # (most kinds are in no table: no group to work out)
        key = (doc.group, doc.kind)
        for pattern in _LABEL_MAPS.get(key, ()):
            for path, labels in _expand(doc.data, pattern):
                yield from _label_map_violations(labels, path)
        for pattern in _SELECTORS.get(key, ()):
            for path, selector in _expand(doc.data, pattern):
                yield from _selector_violations(selector, path)
        for pattern in _NODE_TERMS.get(key, ()):
            for path, terms in _expand(doc.data, pattern):
                yield from _node_terms_violations(terms, path)
    spec_path = pod_spec_path(doc)
    if spec_path is not None:
        yield from _pod_spec_violations(doc, spec_path)
