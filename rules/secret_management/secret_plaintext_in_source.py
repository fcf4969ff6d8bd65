"""secret-plaintext-in-source (rule-catalog §6)."""

from collections.abc import Iterator

from kubelint_py.k8s.credentials import is_placeholder, is_placeholder_secret_value
from kubelint_py.rule_api import Document, RuleContext, Violation, rule


@rule("secret-plaintext-in-source")
def check(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    if doc.helm_source is not None:
        return
    for field in ("data", "stringData"):
        entries = doc.mapping(field)
        placeholder = is_placeholder_secret_value if field == "data" else is_placeholder
        real = [str(k) for k, v in entries.items() if not placeholder(v) and not isinstance(v, bool)]
        if not real:
            continue
        keys = ", ".join(f'"{k}"' for k in real[:5]) + (f" and {len(real) - 5} more" if len(real) > 5 else "")
        encoding = "base64, not encrypted" if field == "data" else "plain text"
        noun = "key" if len(real) == 1 else "keys"
        verb = "holds a value" if len(real) == 1 else "hold values"
        yield Violation(f"{field} {noun} {keys} {verb} in the manifest ({encoding})", (field,))
