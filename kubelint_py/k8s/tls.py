"""TLS settings of Kubernetes components (`--tls-cipher-suites`, `--tls-min-version`).

Kubernetes components map these flags through component-base's exact-name tables: the cipher
suites Go knows (its secure and its insecure list, plus the legacy CHACHA20 names without
`_SHA256`) and the versions `VersionTLS10` to `VersionTLS13`. Any other name is a start-up
error. The secure set (rule-catalog §9.4, CIS) is the ECDHE key-exchange AEAD suites and the
TLS 1.3 suites: CBC modes (padding oracles, Lucky13), RC4, 3DES (Sweet32) and static RSA key
exchange (no forward secrecy) are weak.
"""

from __future__ import annotations

SECURE_CIPHER_SUITES = frozenset(
    (
        "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
        "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
        "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
        "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
        "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305",
        "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
        "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305",
        "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256",
        "TLS_AES_128_GCM_SHA256",
        "TLS_AES_256_GCM_SHA384",
        "TLS_CHACHA20_POLY1305_SHA256",
    )
)

# Known to Go and accepted by the components, but weak.
WEAK_CIPHER_SUITES = frozenset(
    (
        "TLS_RSA_WITH_AES_128_CBC_SHA",
        "TLS_RSA_WITH_AES_256_CBC_SHA",
        "TLS_RSA_WITH_AES_128_GCM_SHA256",
        "TLS_RSA_WITH_AES_256_GCM_SHA384",
        "TLS_RSA_WITH_AES_128_CBC_SHA256",
        "TLS_RSA_WITH_3DES_EDE_CBC_SHA",
        "TLS_RSA_WITH_RC4_128_SHA",
        "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA",
        "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA",
        "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA",
        "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA",
        "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256",
        "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256",
        "TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA",
        "TLS_ECDHE_ECDSA_WITH_RC4_128_SHA",
        "TLS_ECDHE_RSA_WITH_RC4_128_SHA",
    )
)

TLS_VERSIONS = {"VersionTLS10": "1.0", "VersionTLS11": "1.1", "VersionTLS12": "1.2", "VersionTLS13": "1.3"}
WEAK_TLS_VERSIONS = frozenset(("VersionTLS10", "VersionTLS11"))


def cipher_weakness(name: str) -> str:
    """Why a known non-secure suite is weak (one short phrase)."""
    reasons: list[str] = []
    if name.startswith("TLS_RSA_"):
        reasons.append("static RSA key exchange, no forward secrecy")
    if "RC4" in name:
        reasons.append("RC4")
    elif "3DES" in name:
        reasons.append("3DES")
    elif "_CBC_" in name:
        reasons.append("CBC mode")
    return ", ".join(reasons)


def is_placeholder(value: str) -> bool:
    """A `$(VAR)` reference the kubelet expands from the container's environment: unknown here."""
    return "$(" in value
