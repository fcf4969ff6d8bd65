"""secret-key-in-configmap (rule-catalog §6)."""

from collections.abc import Iterator

from kubelint_py.k8s.credentials import decode_base64, name_matcher
from kubelint_py.k8s.literals import names_password, non_credential_reason, setting_name_reason
from kubelint_py.rule_api import Document, RuleContext, Violation, rule


@rule("secret-key-in-configmap")
def check(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    matcher = name_matcher(ctx.options)
    for field in ("data", "binaryData"):
        for key, value in doc.mapping(field).items():
            if not matcher.matches(key):
                continue
            text = _decoded(value) if field == "binaryData" else value
            if text is not _BINARY and not _could_leak(key, text):
                continue
            yield Violation(f'{field} key "{key}" is named like a credential and holds a value', (field, key))


_BINARY = object()


def _decoded(value: object) -> object:
    """A binaryData value as text when it decodes to UTF-8; `_BINARY` for binary key material."""
    if not isinstance(value, str) or not value.strip():
        return value
    decoded = decode_base64(value)
    return _BINARY if decoded is None else decoded


def _could_leak(key: str, value: object) -> bool:
    """The `data` value under the sensitive key could be a credential."""
    if setting_name_reason(key, value) is not None:
        return False
    return non_credential_reason(value, password_name=names_password(key)) is None
