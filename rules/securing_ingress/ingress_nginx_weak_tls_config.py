"""ingress-nginx-weak-tls-config (rule-catalog §8)."""

import re
from collections.abc import Iterator

from kubelint_py.k8s.nginx import DEFAULT_CONFIGMAP_NAMES, parse_bool, parse_int
from kubelint_py.rule_api import Document, RuleContext, Violation, quote, rule

MIN_HSTS_MAX_AGE = 15552000
WEAK_PROTOCOLS = frozenset(("SSLV2", "SSLV3", "TLSV1", "TLSV1.1"))
WEAK_CIPHER_PARTS = ("RC4", "3DES", "DES-CBC3", "NULL", "EXPORT", "MD5")


def weak_ciphers(value: str) -> list[str]:
    """Cipher-string elements that enable a weak cipher (`!RC4`, `-MD5`, `+RC4` remove or reorder)."""
    found = []
    for element in re.split(r"[:,\s]+", value):
        if not element or element[0] in "!-+":
            continue
        upper = element.upper()
        if any(part in upper for part in WEAK_CIPHER_PARTS):
            found.append(element)
    return found


@rule("ingress-nginx-weak-tls-config")
def check(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    names = ctx.options.get("controllerConfigMaps", DEFAULT_CONFIGMAP_NAMES)
    if doc.name not in names:
        return
    data = doc.mapping("data")
    hsts_off = parse_bool(data.get("hsts")) is False
    if hsts_off:
        yield Violation('hsts is "false": browsers are not told to insist on HTTPS', ("data", "hsts"))
    max_age = parse_int(data.get("hsts-max-age"))
    if not hsts_off and max_age is not None and max_age < MIN_HSTS_MAX_AGE:
        yield Violation(
            f"hsts-max-age is {max_age} seconds, less than 180 days ({MIN_HSTS_MAX_AGE})", ("data", "hsts-max-age")
        )
    protocols = data.get("ssl-protocols")
    if isinstance(protocols, str):
        weak = [p for p in protocols.split() if p.upper() in WEAK_PROTOCOLS]
        if weak:
            yield Violation(f"ssl-protocols enables {', '.join(weak)}", ("data", "ssl-protocols"))
    ciphers = data.get("ssl-ciphers")
    if isinstance(ciphers, str):
        weak = weak_ciphers(ciphers)
        if weak:
            shown = ", ".join(quote(c) for c in weak[:4]) + (" ..." if len(weak) > 4 else "")
            yield Violation(f"ssl-ciphers enables weak ciphers: {shown}", ("data", "ssl-ciphers"))
