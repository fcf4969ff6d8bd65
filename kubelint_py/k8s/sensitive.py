"""Where a manifest holds secrets: the one decision behind "no value of a secret is ever printed".

docs/security.md promises that messages about sensitive places name types, never values, and
that no source line of a sensitive object is shown. "Sensitive" is decided here, once, for the
schema messages (`kubelint_py.k8s.schemas`), the engine (`Finding.sensitive` and its message
scrub) and the text report's `--show-source`:

* a whole object: a Secret (any key of `data` and `stringData`, and the rest with it), a
  kubeconfig, an EncryptionConfiguration (it holds the encryption keys);
* a place in any object: the `kubectl.kubernetes.io/last-applied-configuration` annotation (it
  repeats the object, a Secret's data included), the `value` of an entry whose `name` looks
  sensitive (environment variables: the name test of secret-literal-in-env), a scalar under a
  key whose name looks sensitive (`SMTP_PASSWORD` in a ConfigMap, `spec.token` of a custom
  resource), a command-line argument `--db-password=...`, and any string that holds a
  credential (the credential rules' patterns);
* a source line, when only its text is known (the text report): one that holds a credential, the
  last-applied annotation, or a sensitive name with a value beside it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from functools import cache
from typing import Any

from kubelint_py.k8s.credentials import DEFAULT_NAME_MATCHER, DEFAULT_SCANNER, decode_base64, name_matcher
from kubelint_py.model import DocType, FieldPath


@cache
def _regex(pattern: str) -> re.Pattern[str]:
    """One of the source-line patterns below, compiled on first use (only --show-source and the
    masking of `kubelint fix` read source lines)."""
    return re.compile(pattern)


LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration"
SECRET_KINDS = frozenset(("Secret",))
SECRET_DATA_KEYS = ("data", "stringData")
SENSITIVE_DOC_TYPES = frozenset((DocType.KUBECONFIG, DocType.ENCRYPTION_CONFIG))
# Keys that name a secret without holding one: references (`secretName`, `secretKeyRef`), and
# settings about secrets (`tokenExpirationSeconds`). Booleans are never secrets either.
_KEY_MATCHER = name_matcher(
    {"extraNonSensitiveSuffixes": ["_NAME", "_NAMES", "_REF", "_SECONDS", "_NAMESPACE", "_TYPE", "_MODE"]}
)
# Shorter texts are not scrubbed from messages: they would match ordinary words.
MIN_SCRUBBED = 4
MAX_LEAVES = 10_000  # secret texts of one object (bounds the scrub of its messages)
REDACTED = "<redacted>"


def is_sensitive_object(kind: str, doc_type: DocType) -> bool:
    """The whole object is secret: a Secret, a kubeconfig, an EncryptionConfiguration."""
    return kind in SECRET_KINDS or doc_type in SENSITIVE_DOC_TYPES


_SCALARS = frozenset((str, int, float))  # (exact types: a bool is no secret)


def _scalar(value: object) -> bool:
    return type(value) in _SCALARS


def is_sensitive_path(data: object, path: FieldPath, kind: str = "") -> bool:
    """Whether the value at `path` of an object of `kind` is, or lies in, a sensitive place."""
    return sensitive_at(data, path, kind) is not None


def sensitive_at(data: object, path: FieldPath, kind: str = "") -> tuple[str, ...] | None:
    """None when `path` of an object of `kind` is not in a sensitive place; else the secret
    texts met on the way (the environment value, the password, the credential) that a message
    about it must not show (a Secret's and the annotation's: `secret_texts`)."""
    if kind in SECRET_KINDS:
        return ()
    if len(path) >= 3 and path[0] == "metadata" and path[1] == "annotations" and path[2] == LAST_APPLIED:
        return ()
    # runs for every finding of a run: exact type tests, and the name tests only where they matter
    current: Any = data
    key: object = None  # the key that `current` is the value of
    for step in path:
        container = type(current)
        if container is dict:
            current = current.get(step)
            key = step
        elif container is list and type(step) is int and 0 <= step < len(current):
            current = current[step]
            key = None
            if type(current) is dict and "value" in current and DEFAULT_NAME_MATCHER.matches(current.get("name")):
                return _texts(current["value"])
        else:  # a path past a scalar points at the scalar
            break
    if type(current) not in _SCALARS:
        return None
    if type(key) is str and _KEY_MATCHER.matches(key):
        return _texts(current)
    if type(current) is str:
        if current.startswith("-") and "=" in current:  # a command line's `--db-password=...`
            flag, _, value = current.partition("=")
            if _KEY_MATCHER.matches(flag.lstrip("-")):
                return _texts(value)
        if DEFAULT_SCANNER.find(current) is not None:
            return _texts(current)
    return None


def key_is_sensitive(key: str) -> bool:
    """Whether a key's name says its value is secret (`SMTP_PASSWORD`, not `secretName`)."""
    return _KEY_MATCHER.matches(key)


def _texts(value: object) -> tuple[str, ...]:
    if isinstance(value, bool) or not _scalar(value):
        return ()
    text = str(value)
    return (text,) if len(text) >= MIN_SCRUBBED else ()


def secret_texts(kind: str, data: Mapping[str, object]) -> tuple[str, ...]:
    """The texts of an object that must never appear in a message: a Secret's `data` (also
    decoded) and `stringData` values, and the last-applied annotation of any object."""
    found: list[str] = []
    if kind in SECRET_KINDS:
        for key in SECRET_DATA_KEYS:
            values = data.get(key)
            if isinstance(values, Mapping):
                found.extend(_leaf_texts(values.values(), decode=key == "data"))
    metadata = data.get("metadata")
    annotations = metadata.get("annotations") if isinstance(metadata, Mapping) else None
    last_applied = annotations.get(LAST_APPLIED) if isinstance(annotations, Mapping) else None
    if isinstance(last_applied, str):
        found.append(last_applied)
    return tuple(text for text in found if len(text) >= MIN_SCRUBBED)


def _leaf_texts(values: Iterable[object], *, decode: bool) -> list[str]:
    """The scalars under `values` as text (in lists and maps too: a hostile or broken Secret
    is still a Secret), base64-decoded as well when `decode`; at most MAX_LEAVES of them."""
    out: list[str] = []
    pending = list(values)
    while pending and len(out) < MAX_LEAVES:
        value = pending.pop()
        if isinstance(value, Mapping):
            pending.extend(value.values())
        elif isinstance(value, list):
            pending.extend(value)
        elif _scalar(value) and not isinstance(value, bool):
            text = str(value)
            out.append(text)
            decoded = decode_base64(value) if decode else None
            if decoded is not None:
                out.append(decoded)
    return out


def _shown_forms(text: str) -> list[str]:
    """How a message may show `text`: whole, escaped for a quote (rule_api.quote) or JSON
    (schema messages), and cut short (rule_api.quote keeps 120 characters, describe 37)."""
    forms = {text, text.replace('"', '\\"'), text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")}
    for cut in (120, 37):
        forms |= {form[:cut] for form in list(forms) if len(form) > cut}
    return sorted((form for form in forms if len(form) >= MIN_SCRUBBED), key=len, reverse=True)


def scrub(message: str, texts: Iterable[str]) -> str:
    """`message` with every occurrence of `texts` (in the forms a message shows them) replaced."""
    for text in texts:
        for form in _shown_forms(text):
            if form in message:
                message = message.replace(form, REDACTED)
    return message


# -- source lines ---------------------------------------------------------------------------
# `key: value` / `key=value` with something after it, in YAML, flow mappings and command lines
# (a key starts after a non-key character: linear time on a line of any length)
_KEY_VALUE = r"""(?<![A-Za-z0-9_.-])([A-Za-z0-9_.-]+)["']?\s*[:=]\s*["']?([^\s"'{\[#,}\]][^\s"',}\]]*)"""
_NOT_SECRET = frozenset(("true", "false", "yes", "no", "on", "off", "null", "~"))
_NAME_VALUE = r"""\bname["']?\s*:\s*["']?([A-Za-z0-9_.-]+)"""
_SENSITIVE_KINDS_LINE = r"""\bkind["']?\s*:\s*["']?(?:Secret|Config|EncryptionConfiguration)\b"""


def line_may_hold_secret(line: str) -> bool:
    """Whether a source line, known only by its text, may show a secret: a credential, the
    last-applied annotation, a sensitive key with a value, or an entry `{name: DB_PASSWORD,
    value: ...}` on one line."""
    if LAST_APPLIED in line or DEFAULT_SCANNER.find(line) is not None:
        return True
    for key, value in _regex(_KEY_VALUE).findall(line):
        if value.lower() not in _NOT_SECRET and _KEY_MATCHER.matches(key):
            return True
    if "value" in line:
        return any(DEFAULT_NAME_MATCHER.matches(name) for name in _regex(_NAME_VALUE).findall(line))
    return False


def line_names_sensitive_kind(line: str) -> bool:
    """`kind: Secret` (or a kubeconfig's, an EncryptionConfiguration's) on a source line: for
    findings whose object is unknown (a YAML syntax error), the document is taken as secret."""
    return "kind" in line and _regex(_SENSITIVE_KINDS_LINE).search(line) is not None
