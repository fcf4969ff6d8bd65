"""ingress-class-unspecified (rule-catalog §3; cross-object, guard: ≥1 IngressClass in the input)."""

from collections.abc import Iterator

from kubelint_py.rule_api import Document, FieldPath, RuleContext, Violation, quote, rule

DEFAULT_CLASS_ANNOTATION = "ingressclass.kubernetes.io/is-default-class"
LEGACY_CLASS_ANNOTATION = "kubernetes.io/ingress.class"


def _is_default(ingress_class: Document) -> bool:
    return ingress_class.annotations().get(DEFAULT_CLASS_ANNOTATION) == "true"


@rule("ingress-class-unspecified")
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
