"""ingress-class-unspecified (rule-catalog §3; cross-object, guard: ≥1 IngressClass in the input)."""

from collections.abc import Iterator

from kubelint_py.k8s.examples import ingress, stream
from kubelint_py.rule_api import Document, FieldPath, RuleContext, Severity, Violation, quote, rule

DEFAULT_CLASS_ANNOTATION = "ingressclass.kubernetes.io/is-default-class"
LEGACY_CLASS_ANNOTATION = "kubernetes.io/ingress.class"

_FAIL = stream(
    """\
apiVersion: networking.k8s.io/v1
kind: IngressClass
metadata: {name: nginx}
spec: {controller: k8s.io/ingress-nginx}
""",
    ingress(
        name="web",
        spec="",
        paths="""\
- path: /
  pathType: Prefix
  backend:
    service: {name: web, port: {number: 80}}
""",
    ),
)


def _is_default(ingress_class: Document) -> bool:
    return ingress_class.annotations().get(DEFAULT_CLASS_ANNOTATION) == "true"


@rule(
    id="ingress-class-unspecified",
    title="Ingress names no IngressClass and the bundle has no default class",
    document="cluster-migration",
    severity=Severity.WARNING,
    category="networking",
    kinds=("Ingress",),
    cross_object=True,
    rationale="""
An Ingress without `spec.ingressClassName` is served only by the cluster's default IngressClass.
The target cluster may have none, or a different controller as default: the Ingress then gets
no address and the site is unreachable, or a controller with other annotations, TLS and
timeout semantics picks it up. The `kubernetes.io/ingress.class` annotation is deprecated since
Kubernetes 1.18 and only honoured by controllers that still read it. The rule is evaluated when
the input contains IngressClass objects (or with `--assume-complete`) and none of them is marked
`ingressclass.kubernetes.io/is-default-class: "true"`.
""",
    remediation="Set `spec.ingressClassName` explicitly (and drop the `kubernetes.io/ingress.class` annotation).",
    examples=(_FAIL, _FAIL.replace("spec:\n  rules:", "spec:\n  ingressClassName: nginx\n  rules:")),
    references=(
        "https://kubernetes.io/docs/concepts/services-networking/ingress/#ingress-class",
        "https://kubernetes.io/docs/concepts/services-networking/ingress/#default-ingress-class",
        "https://kubernetes.io/docs/concepts/services-networking/ingress/#deprecated-annotation",
    ),
)
def check(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    class_name = doc.value("spec", "ingressClassName")
    if isinstance(class_name, str) and class_name:
        return
    if not ctx.guard("IngressClass"):
        return
    classes = ctx.of_kind("IngressClass")
    if any(_is_default(c) for c in classes):
        return
    related = tuple((c, ("metadata", "name"), f"IngressClass {c.name} is not the default class") for c in classes[:5])
    legacy = doc.annotations().get(LEGACY_CLASS_ANNOTATION)
    path: FieldPath
    if legacy is not None:
        how = f"the class comes only from the deprecated annotation {LEGACY_CLASS_ANNOTATION}={quote(legacy)}"
        path = ("metadata", "annotations", LEGACY_CLASS_ANNOTATION)
    else:
        how = "spec.ingressClassName is not set"
        path = ("spec", "ingressClassName")
    where = "no IngressClass in the input is" if classes else "the input declares no IngressClass"
    yield Violation(f'{how}, and {where} marked {DEFAULT_CLASS_ANNOTATION}: "true"', path, related)
