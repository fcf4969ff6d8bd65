"""The API server's syntax for names it validates (k8s.io/apimachinery/pkg/util/validation).

Each function returns the reasons a value is rejected, in the API server's words, or an empty
tuple when the value is valid. Verdicts are cached: the same label keys and port names recur
on every object of a bundle.
"""

from __future__ import annotations

import re
from functools import lru_cache

# [A-Za-z0-9] first and last, [-A-Za-z0-9_.] between: a label value and a label key's name part
_QUALIFIED_NAME = re.compile(r"(?:[A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]")
_DNS1123_LABEL = re.compile(r"[a-z0-9](?:[-a-z0-9]*[a-z0-9])?")
_DNS1123_SUBDOMAIN = re.compile(r"[a-z0-9](?:[-a-z0-9]*[a-z0-9])?(?:\.[a-z0-9](?:[-a-z0-9]*[a-z0-9])?)*")
_PORT_NAME_CHARS = re.compile(r"[-a-z0-9]+")
_HAS_LETTER = re.compile(r"[a-z]")

QUALIFIED_NAME_MAX = 63
LABEL_VALUE_MAX = 63
DNS1123_LABEL_MAX = 63
DNS1123_SUBDOMAIN_MAX = 253
PORT_NAME_MAX = 15

# Unrendered templating ({{ }}, ${ }, $( ), <...>, %VAR%, __VAR__): the value is not final yet.
_TEMPLATING = re.compile(r"\{\{|\}\}|\$[({]|^<[^<>]*>$|%[A-Za-z_]\w*%|__[A-Za-z0-9_]+__")

_QUALIFIED_HINT = "alphanumeric characters, '-', '_' or '.', starting and ending with an alphanumeric character"
_CACHE = 4096


def is_templated(value: str) -> bool:
    """A value written for a template engine or a script to fill in (`{{ .Values.x }}`,
    `${VERSION}`, `<app-name>`): the API server never sees it as written, so it is not judged."""
    return _TEMPLATING.search(value) is not None


@lru_cache(maxsize=_CACHE)
def label_value_problems(value: str) -> tuple[str, ...]:
    """`IsValidLabelValue`: empty, or at most 63 characters of `_QUALIFIED_NAME`."""
    problems: list[str] = []
    if len(value) > LABEL_VALUE_MAX:
        problems.append(f"longer than {LABEL_VALUE_MAX} characters ({len(value)})")
    if value and not _QUALIFIED_NAME.fullmatch(value):
        problems.append(f"must consist of {_QUALIFIED_HINT}")
    return tuple(problems)


@lru_cache(maxsize=_CACHE)
def label_key_problems(key: str) -> tuple[str, ...]:
    """`IsQualifiedName`: an optional DNS-1123 subdomain prefix and `/`, then a name part of
    at most 63 characters of `_QUALIFIED_NAME`."""
    parts = key.split("/")
    if len(parts) > 2:
        return ("has more than one '/' (a key is an optional DNS subdomain prefix, '/', and a name)",)
    problems: list[str] = []
    name = parts[-1]
    if len(parts) == 2:
        prefix = parts[0]
        if not prefix:
            problems.append("prefix part must be non-empty")
        else:
            problems.extend(f"prefix part {p}" for p in dns1123_subdomain_problems(prefix))
    if not name:
        problems.append("name part must be non-empty")
        return tuple(problems)
    name_form = f"name part must consist of {_QUALIFIED_HINT}"
    problems += _length_and_form(name, QUALIFIED_NAME_MAX, "name part is longer than", _QUALIFIED_NAME, name_form)
    return tuple(problems)


_SUBDOMAIN_FORM = (
    "must be a lower-case DNS subdomain: lower-case alphanumeric characters, '-' or '.',"
    " starting and ending with an alphanumeric character"
)
_LABEL_FORM = (
    "must consist of lower-case alphanumeric characters or '-', starting and ending with an alphanumeric character"
)


def _length_and_form(value: str, longest: int, too_long: str, form: re.Pattern[str], wrong_form: str) -> list[str]:
    """The two checks every name validation starts with: at most `longest` characters (`too_long`
    words the problem before the limit) and all of `form` (`wrong_form` otherwise)."""
    problems: list[str] = []
    if len(value) > longest:
        problems.append(f"{too_long} {longest} characters ({len(value)})")
    if not form.fullmatch(value):
        problems.append(wrong_form)
    return problems


@lru_cache(maxsize=_CACHE)
def dns1123_subdomain_problems(value: str) -> tuple[str, ...]:
    """`IsDNS1123Subdomain`: at most 253 characters, lower-case DNS labels joined by dots."""
    return tuple(_length_and_form(value, DNS1123_SUBDOMAIN_MAX, "is longer than", _DNS1123_SUBDOMAIN, _SUBDOMAIN_FORM))


@lru_cache(maxsize=_CACHE)
def dns1123_label_problems(value: str) -> tuple[str, ...]:
    """`IsDNS1123Label`: at most 63 characters of `[a-z0-9-]`, alphanumeric at both ends."""
    return tuple(_length_and_form(value, DNS1123_LABEL_MAX, "longer than", _DNS1123_LABEL, _LABEL_FORM))


@lru_cache(maxsize=_CACHE)
def port_name_problems(value: str) -> tuple[str, ...]:
    """`IsValidPortName` (IANA_SVC_NAME): 1-15 characters of `[a-z0-9-]`, at least one letter,
    no `--`, no `-` at either end. A quoted number (`"8080"`) has no letter and fails."""
    problems = _length_and_form(
        value,
        PORT_NAME_MAX,
        "longer than",
        _PORT_NAME_CHARS,
        "must contain only lower-case alphanumeric characters (a-z, 0-9) and '-'",
    )
    if not _HAS_LETTER.search(value):
        problems.append("must contain at least one letter (a-z)")
    if "--" in value:
        problems.append("must not contain consecutive hyphens")
    if value.startswith("-") or value.endswith("-"):
        problems.append("must not begin or end with a hyphen")
    return tuple(problems)
