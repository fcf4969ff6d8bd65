"""credential-pattern-in-manifest (rule-catalog §6)."""

from collections.abc import Iterator

from kubelint_py.k8s.credentials import (
    credential_scanner,
    decode_base64,
    describe_path,
    with_article,
)
from kubelint_py.rule_api import Document, FieldPath, RuleContext, Violation, rule

LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration"


@rule("credential-pattern-in-manifest")
def check(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    if doc.kind == "Secret" and doc.group == "":
        return
    scanner = credential_scanner(ctx.options)
    skip: list[FieldPath] = [("metadata", "annotations", LAST_APPLIED)]
    if doc.kind == "ConfigMap":
        skip.append(("binaryData",))
        for key, value in doc.mapping("binaryData").items():
            decoded = decode_base64(value)
            hit = scanner.find(decoded) if decoded is not None else None
            if hit is not None:
                path: FieldPath = ("binaryData", str(key))
                yield Violation(f"{describe_path(path)} (base64-decoded) contains {with_article(hit.kind)}", path)
    for path, hit in scanner.scan(doc.data, skip=skip, screened=doc.credential_free):
        yield Violation(f"{describe_path(path)} contains {with_article(hit.kind)}", path)
