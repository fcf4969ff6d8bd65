"""default-service-account-used (rule-catalog §9.1)."""

from collections.abc import Iterator

from kubelint_py.rule_api import DocType, Document, RuleContext, Violation, pod_spec, pod_spec_path, rule

# Static control-plane pods cannot reference API objects, ServiceAccounts included.
_STATIC_POD_TYPES = frozenset((DocType.APISERVER_STATIC_POD, DocType.ETCD_STATIC_POD, DocType.CONTROL_PLANE_STATIC_POD))


@rule("default-service-account-used")
def check(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    spec_path = pod_spec_path(doc)
    if spec_path is None or doc.doc_type in _STATIC_POD_TYPES:
        return
    spec = pod_spec(doc)
    for field in ("serviceAccountName", "serviceAccount"):
        value = spec.get(field)
        if isinstance(value, str) and value:
            if value == "default":
                yield Violation(
                    f'{field}: "default" runs the pods as the namespace\'s default ServiceAccount', (*spec_path, field)
                )
            return
    yield Violation("no serviceAccountName: the pods run as the namespace's default ServiceAccount", spec_path)
