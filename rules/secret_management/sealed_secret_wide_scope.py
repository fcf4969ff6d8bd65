"""sealed-secret-wide-scope (rule-catalog §6)."""

from collections.abc import Iterator

from kubelint_py.rule_api import Document, RuleContext, Violation, rule

SCOPES = {
    "sealedsecrets.bitnami.com/cluster-wide": "under any name in any namespace",
    "sealedsecrets.bitnami.com/namespace-wide": "under any name in its namespace",
}


@rule("sealed-secret-wide-scope")
def check(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    annotations = doc.annotations()
    for key, where in SCOPES.items():
        if annotations.get(key) == "true":
            yield Violation(
                f'{key} is "true": the ciphertext can be unsealed {where}', ("metadata", "annotations", key)
            )
