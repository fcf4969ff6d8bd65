"""legacy-service-account-token-secret (rule-catalog §6)."""

from collections.abc import Iterator

from kubelint_py.rule_api import Document, RuleContext, Violation, quote, rule

SA_TOKEN_TYPE = "kubernetes.io/service-account-token"


@rule("legacy-service-account-token-secret")
def check(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    if doc.value("type") == SA_TOKEN_TYPE:
        account = doc.annotations().get("kubernetes.io/service-account.name")
        whose = f" for service account {quote(account)}" if isinstance(account, str) and account else ""
        yield Violation(f"is a long-lived, non-expiring service-account token Secret{whose}", ("type",))
