"""Could a literal be a credential? Value and name tests for the secret-management rules.

A rule that finds a sensitive *name* (`DB_PASSWORD`, `API_TOKEN`) next to a literal value
reports a leaked credential only when the value could be one. These values cannot:

* an empty or very short value, a boolean or switch word (`yes`, `no`, `true`, `off`,
  `enabled`, `none`), a duration or quantity (`30s`, `512Mi`);
* a number of at most five digits (a count, size, port, duration or version:
  `MAX_TOTAL_TOKENS=2048`), unless the name names a password or PIN, where `1234` is one;
* a reference the runtime or a secret store resolves: `$(VAR)`, `${VAR}`, `$VAR`,
  `secret://...`, `vault:...`, `ref+...://`, `op://...`, `sm://...`, Google Secret Manager
  names (`projects/p/secrets/s[/versions/v]`), AWS ARNs of Secrets Manager, SSM and KMS,
  and Vault KV paths (`secret/data/app`, `kv/app`);
* a file path (`/var/run/secrets/key.json`, `./key.pem`, `key.json`) or a URL without
  credentials in its user-info or query;
* a templating or documentation placeholder: `<...>`, `{{ ... }}`, `__X__`, `#{X}#`, `@X@`,
  `%X%`, and shouting-case markers that announce themselves (`REPLACE_ME`,
  `INSERT_ETCD_TOKEN`, `YOUR_API_KEY_HERE`, `TODO`, `XXXX`, `****`).

Plausible words are *not* placeholders: `changeme`, `password`, `admin` or `yourpassword`
are accepted by the software as they are, and ship as the real password when nobody
overrides them (Elasticsearch's historical default was literally `changeme`).

And these names describe a setting, not the secret itself (`setting_name_reason`): counts,
limits, sizes and durations (`MAX_TOTAL_TOKENS`, `TOKEN_TTL`, `PASSWORD_MIN_LENGTH`), switches
(`ALLOW_EMPTY_PASSWORD`), names, ids and versions of a secret kept elsewhere
(`DB_SECRET_NAME`, `SECRET_ID`, `SECRET_VERSION`), files and paths (`*_PASSWORD_FILE`,
`*_KEY_PATH`), and etcd's `INITIAL_CLUSTER_TOKEN` (a nonce that makes cluster and member ids
unique, not a credential: etcd's peers authenticate with TLS).

Pure functions of their arguments, no I/O. Messages built from these never echo the value.
"""

from __future__ import annotations

import re
from functools import cache
from urllib.parse import parse_qsl, urlsplit

from kubelint_py.k8s.credentials import normalise_name

# -- values -----------------------------------------------------------------------------------


@cache
def _regex(pattern: str) -> re.Pattern[str]:
    """One of the patterns of this module, compiled on first use: only a credential-named
    setting with a literal value is tested, and compiling them all cost ~1.9 ms of every start."""
    return re.compile(pattern)


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


MIN_CREDENTIAL_LENGTH = 3  # "sst", "abc" are (weak) passwords; "no", "0", "-" are not
SWITCH_WORDS = _words(
    "yes no y n true false on off enabled disabled enable disable none null nil ~ n/a na auto "
    "default required optional unset"
)
_NUMBER_RE = r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?"
_DURATION_RE = r"(?:\d+(?:\.\d+)?(?:ns|us|µs|ms|s|m|h|d|w))+"
_QUANTITY_RE = r"\d+(?:\.\d+)?(?:[kKMGTPE]i?|[kKMGT]B|[kmgt]b|bytes?)"
MAX_SETTING_DIGITS = 5  # 65535 (a port), 86400 (a day in seconds), 4096 (key bits)
_REFERENCE_RE = r"""(?x)^(?:
        (?:\$\([A-Za-z_][A-Za-z0-9_.-]*\))+              # $(VAR): the kubelet expands it
      | \$\{[^{}]+\}                                      # ${VAR}, ${VAR:-x}: envsubst, shells
      | \$[A-Z_][A-Z0-9_]*                                # $VAR (upper case: "$ecret" is a password)
      | (?:secret|secrets|vault|ref\+[a-z0-9]+|op|sm|berglas|gcpsm|awssm|awsssm|azkv|akv|keyvault)
        ://\S+                                            # secret-store URIs
      | vault:[\w./-]+(?:\#\S+)?                           # bank-vaults: vault:secret/data/app#key
      | projects/[^/\s]+/secrets/[^/\s]+(?:/versions/[^/\s]+)?   # Google Secret Manager
      | arn:aws[a-z-]*:(?:secretsmanager|ssm|kms):\S+     # AWS Secrets Manager, SSM, KMS
      | (?:secret|secrets|kv|kv-v2)/(?:data/)?[A-Za-z0-9_.-]+(?:/[A-Za-z0-9_.-]+)*  # Vault KV path
    )$"""
_FILE_SUFFIXES = (
    "json|pem|key|crt|cer|der|csr|p12|pfx|jks|keystore|truststore|txt|yaml|yml|conf|cfg|ini|"
    "properties|env|asc|gpg|pub|token|secret|htpasswd|kubeconfig"
)
_PATH_RE = rf"""(?xi)^(?:
        (?:/|\./|\.\./|~/|file://)[^\s]*                  # absolute or relative path, file URL
      | [A-Za-z]:[\\/][^\s]*                              # C:\\secrets\\key.json
      | [\w.-]+\.(?:{_FILE_SUFFIXES})                     # a file name: key.json
    )$"""
_TEMPLATE_RE = r"""(?xs)^(?:
        <[^<>]*>                  # <your-password>
      | \{\{.*\}\}                # {{ .Values.password }}
      | \{[A-Za-z_][\w.-]*\}      # {PASSWORD}
      | __[A-Za-z0-9_]+__         # __PASSWORD__ (replace-tokens)
      | \#\{[^{}]+\}\#?           # #{Password}# (Azure DevOps)
      | @[A-Za-z_][\w.-]*@        # @PASSWORD@ (Maven, autoconf)
      | %[A-Za-z_][\w.-]*%        # %PASSWORD%
      | [xX*.•#-]{3,}             # xxxx, ****, ...
    )$"""
# All-caps words that announce a value still to be written in.
_MARKER_RE = r"""(?x)^(?:
        (?:REPLACE|INSERT|ENTER|FILL|PUT|ADD|SET|PASTE|PROVIDE)(?:_?ME|_(?:IN_)?(?:YOUR_|THE_)?[A-Z0-9_]+)
      | YOUR_[A-Z0-9_]+
      | TODO | TBD | FIXME | PLACEHOLDER | REDACTED | DUMMY | SAMPLE | EXAMPLE
    )$"""
_HERE_RE = r"(?i)[\w-]+[_-]here"  # your_api_key_here
_ID_VALUE_RE = r"[a-z][a-z0-9]*(?:[._-][a-z0-9]+)*"
_UUID_RE = r"[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}"
_HEX_RE = r"[0-9a-fA-F]{16,}"
_SECRET_QUERY_WORDS = ("token", "key", "secret", "password", "passwd", "pwd", "sig", "signature", "auth")


def non_credential_reason(value: object, *, password_name: bool = False) -> str | None:
    """Why the literal `value` cannot be a credential ("a boolean", "a file path", ...), or None
    when it could be one. `password_name`: the variable's name names a password or PIN, where a
    short number is a (weak) password rather than a setting."""
    if value is None:
        return "empty"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return _number_reason(str(value).lstrip("+-"), password_name)
    if not isinstance(value, str):
        return "not a scalar"
    text = value.strip()
    if not text:
        return "empty"
    if _regex(_NUMBER_RE).fullmatch(text):
        return _number_reason(text.lstrip("+-"), password_name)
    if text.lower() in SWITCH_WORDS:
        return "a switch word"
    if len(text) < MIN_CREDENTIAL_LENGTH:
        return "too short to be a credential"
    return _text_reason(text)


def _number_reason(digits: str, password_name: bool) -> str | None:
    if password_name:
        return None if len(digits) >= MIN_CREDENTIAL_LENGTH else "too short to be a credential"
    count = sum(ch.isdigit() for ch in digits)
    return "a number (a count, size, port or duration)" if count <= MAX_SETTING_DIGITS else None


def _text_reason(text: str) -> str | None:
    if _regex(_DURATION_RE).fullmatch(text) or _regex(_QUANTITY_RE).fullmatch(text):
        return "a duration or quantity"
    if _regex(_REFERENCE_RE).match(text):
        return "a reference resolved at run time"
    if _regex(_TEMPLATE_RE).match(text) or _regex(_MARKER_RE).match(text) or _regex(_HERE_RE).fullmatch(text):
        return "a placeholder"
    if "://" in text:
        return None if url_carries_credentials(text) else "a URL without credentials"
    if _regex(_PATH_RE).match(text):
        return "a file path"
    return None


def url_carries_credentials(text: str) -> bool:
    """True when a URL has a password in its user-info or a secret-named query parameter; an
    unparsable URL is presumed to carry one."""
    try:
        parts = urlsplit(text)
        password = parts.password
        query = parse_qsl(parts.query, keep_blank_values=False)
    except ValueError:
        return True
    if password and non_credential_reason(password) is None:
        return True
    return any(
        value and any(word in key.lower() for word in _SECRET_QUERY_WORDS) and non_credential_reason(value) is None
        for key, value in query
    )


def could_be_credential(value: object, *, password_name: bool = False) -> bool:
    return non_credential_reason(value, password_name=password_name) is None


def looks_like_identifier(value: object) -> bool:
    """A lower-case resource name (`db-password`, `api_key.prod`), not a random string (UUIDs and
    long hex runs are what Vault AppRole secret ids and API keys look like)."""
    if not isinstance(value, str):
        return False
    text = value.strip()
    return (
        bool(_regex(_ID_VALUE_RE).fullmatch(text))
        and not _regex(_UUID_RE).search(text)
        and not _regex(_HEX_RE).search(text)
    )


# -- names ------------------------------------------------------------------------------------

PASSWORD_WORDS = frozenset(("PASSWORD", "PASSWD", "PASS", "PWD", "PASSPHRASE", "PIN", "PASSCODE"))
# A name with one of these words anywhere is about a quantity or a switch around the secret.
SETTING_WORDS = _words(
    "MAX MIN TOTAL COUNT NUM NUMBER LIMIT SIZE BITS LENGTH LEN TTL TIMEOUT EXPIRY EXPIRES "
    "EXPIRE EXPIRATION LIFETIME DURATION INTERVAL PERIOD RETRIES SECONDS SECS MINUTES HOURS "
    "DAYS ENABLED DISABLED ENABLE DISABLE ALLOW ALLOWED REQUIRE REQUIRED SKIP"
)
SETTING_PHRASES = ("MAX_AGE", "INITIAL_CLUSTER_TOKEN")
# A name ending in one of these describes something about the secret (`TOKEN_TYPE`,
# `KEY_FILE`, `TOKEN_ENDPOINT`), or names a secret kept elsewhere (`DB_SECRET_NAME`,
# `SECRET_VERSION`, `API_KEY_REF`, `PASSWORD_USER`): `FILE_ENCRYPTION_KEY` stays a secret.
SETTING_LAST_WORDS = _words(
    "POLICY ALGORITHM ALG TYPE MODE FORMAT ENCODING STRENGTH COMPLEXITY PORT HOST ENDPOINT "
    "ISSUER AUDIENCE SCOPE SCOPES HEADER PREFIX FILE FILENAME PATH DIR LOCATION MOUNT VAR"
)
REFERENCE_LAST_WORDS = frozenset(("NAME", "REF", "KEYREF", "VERSION", "ARN", "USER", "USERNAME"))
_SEPARATED = r"_+"


def name_words(name: str) -> tuple[str, ...]:
    return tuple(word for word in _regex(_SEPARATED).split(normalise_name(name)) if word)


def names_password(name: object) -> bool:
    """The name names a password, passphrase or PIN (`DB_PASSWORD`, `pgpass`, `ADMIN_PIN`)."""
    if not isinstance(name, str):
        return False
    normal = normalise_name(name)
    return any(word in PASSWORD_WORDS for word in name_words(name)) or "PASSW" in normal or "PWD" in normal


def setting_name_reason(name: object, value: object = None) -> str | None:
    """Why the variable `name` (with `value`) names a setting rather than a secret, or None.

    `SECRET_ID` / `*_SECRET_ID` name a secret in a secret manager when the value is a resource
    name; a random value there (a Vault AppRole secret id is a UUID) is the credential itself.
    """
    if not isinstance(name, str):
        return None
    words = name_words(name)
    if not words:
        return None
    joined = "_".join(words)
    if any(f"_{phrase}_" in f"_{joined}_" for phrase in SETTING_PHRASES):
        return "names a setting"
    if any(word in SETTING_WORDS for word in words) or (len(words) > 1 and words[-1] in SETTING_LAST_WORDS):
        return "names a setting"
    if words[-1] in REFERENCE_LAST_WORDS and len(words) > 1:
        return "names a secret kept elsewhere"
    if words[-1] == "ID" and len(words) > 1 and words[-2] == "SECRET" and "VAULT" not in words:
        return "names a secret kept elsewhere" if value is None or looks_like_identifier(value) else None
    return None


__all__ = [
    "MAX_SETTING_DIGITS",
    "MIN_CREDENTIAL_LENGTH",
    "could_be_credential",
    "looks_like_identifier",
    "name_words",
    "names_password",
    "non_credential_reason",
    "setting_name_reason",
    "url_carries_credentials",
]
