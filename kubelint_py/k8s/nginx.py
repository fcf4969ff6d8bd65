"""ingress-nginx helpers for the securing-ingress rules (rule-catalog §8).

An Ingress is handled by ingress-nginx when its class (`spec.ingressClassName`, else the
deprecated `kubernetes.io/ingress.class` annotation) is one of the configured class names,
or names an IngressClass of the input whose `spec.controller` is `k8s.io/ingress-nginx`.
An Ingress without any class is taken as ingress-nginx when the input holds a default
IngressClass of that controller, or when it carries annotations with the ingress-nginx
prefix (the author wrote them for ingress-nginx).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from kubelint_py.model import Document, FieldPath

DEFAULT_PREFIX = "nginx.ingress.kubernetes.io"
DEFAULT_CLASSES: tuple[str, ...] = ("nginx",)
NGINX_CONTROLLER = "k8s.io/ingress-nginx"
CLASS_ANNOTATION = "kubernetes.io/ingress.class"
DEFAULT_CLASS_ANNOTATION = "ingressclass.kubernetes.io/is-default-class"
DEFAULT_CONFIGMAP_NAMES: tuple[str, ...] = ("ingress-nginx-controller",)

CLASS_OPTIONS_SCHEMA: Mapping[str, object] = {
    "nginxClasses": {
        "type": "array",
        "items": {"type": "string"},
        "default": list(DEFAULT_CLASSES),
        "description": "Ingress class names served by ingress-nginx (IngressClasses of the input whose "
        "controller is k8s.io/ingress-nginx are recognised too).",
    },
    "annotationPrefix": {
        "type": "string",
        "default": DEFAULT_PREFIX,
        "description": "The controller's --annotations-prefix.",
    },
}
CONFIGMAP_OPTIONS_SCHEMA: Mapping[str, object] = {
    "controllerConfigMaps": {
        "type": "array",
        "items": {"type": "string"},
        "default": list(DEFAULT_CONFIGMAP_NAMES),
        "description": "Names of the ingress-nginx controller ConfigMap (any namespace).",
    },
}

# Go's strconv.ParseBool, which ingress-nginx uses for boolean annotations and ConfigMap keys.
_TRUE = frozenset(("1", "t", "T", "TRUE", "true", "True"))
_FALSE = frozenset(("0", "f", "F", "FALSE", "false", "False"))


def parse_bool(value: object) -> bool | None:
    """True/False as Go's ParseBool reads it; None for anything else (nginx then ignores it)."""
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        text = value.strip()
        if text in _TRUE:
            return True
        if text in _FALSE:
            return False
    return None


def parse_int(value: object) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and re.fullmatch(r"\s*[+-]?[0-9]+\s*", value):
        return int(value)
    return None


def ingress_class(doc: Document) -> str | None:
    name = doc.value("spec", "ingressClassName")
    if isinstance(name, str) and name:
        return name
    legacy = doc.annotations().get(CLASS_ANNOTATION)
    return legacy if isinstance(legacy, str) and legacy else None


def has_prefixed_annotations(doc: Document, prefix: str = DEFAULT_PREFIX) -> bool:
    return any(isinstance(k, str) and k.startswith(prefix + "/") for k in doc.annotations())


def is_nginx_ingress(
    doc: Document, ingress_classes: Iterable[Document] = (), options: Mapping[str, Any] | None = None
) -> bool:
    """Whether ingress-nginx serves this Ingress (see the module docstring)."""
    opts = options or {}
    names = set(opts.get("nginxClasses") or DEFAULT_CLASSES)
    prefix = str(opts.get("annotationPrefix") or DEFAULT_PREFIX)
    nginx_classes = {c.name for c in ingress_classes if c.value("spec", "controller") == NGINX_CONTROLLER}
    chosen = ingress_class(doc)
    if chosen is not None:
        return chosen in names or chosen in nginx_classes
    for klass in ingress_classes:
        if klass.value("spec", "controller") == NGINX_CONTROLLER and klass.annotations().get(
            DEFAULT_CLASS_ANNOTATION
        ) in ("true", True):
            return True
    return has_prefixed_annotations(doc, prefix)


def annotation(doc: Document, name: str, prefix: str = DEFAULT_PREFIX) -> tuple[object, FieldPath]:
    """The value of `<prefix>/<name>` (None when absent) and its path."""
    key = f"{prefix}/{name}"
    return doc.annotations().get(key), ("metadata", "annotations", key)


def has_annotation(doc: Document, name: str, prefix: str = DEFAULT_PREFIX) -> bool:
    value, _ = annotation(doc, name, prefix)
    return value is not None and not (isinstance(value, str) and not value.strip())


def prefix_of(options: Mapping[str, Any] | None) -> str:
    return str((options or {}).get("annotationPrefix") or DEFAULT_PREFIX)


# -- values of injection-prone annotations ------------------------------------------------------

URL_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~:/?[]@&+,=%$")
HOST_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._:[]$")
MATCH_CN_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._*=,:/ ")
_URL_SCHEME = re.compile(r"^https?://", re.IGNORECASE)


def describe_char(char: str) -> str:
    names = {"\n": "a newline", "\r": "a carriage return", "\t": "a tab", " ": "a space"}
    if char in names:
        return names[char]
    if not char.isprintable():
        return f"the control character U+{ord(char):04X}"
    return f'"{char}"'


def first_disallowed(value: str, allowed: frozenset[str]) -> str | None:
    for char in value:
        if char not in allowed:
            return char
    return None


def url_problem(value: str) -> str | None:
    """Why `value` is not a plain http(s) URL of the allow-listed characters, or None."""
    if not _URL_SCHEME.match(value):
        return "does not start with http:// or https://"
    bad = first_disallowed(value, URL_CHARS)
    if bad is not None:
        return f"contains {describe_char(bad)}, which is not allowed in a plain URL"
    return None


def host_problem(value: str) -> str | None:
    bad = first_disallowed(value, HOST_CHARS)
    if bad is not None:
        return f"contains {describe_char(bad)}, which is not allowed in a host name"
    return None


def match_cn_problem(value: str) -> str | None:
    bad = first_disallowed(value, MATCH_CN_CHARS)
    if bad is not None:
        return f"contains {describe_char(bad)}, which is not allowed in a certificate CN match"
    return None


def url_host(url: str) -> str:
    """The host part of a URL (userinfo and port removed, lower-cased)."""
    rest = url.split("://", 1)[1] if "://" in url else url
    authority = re.split(r"[/?#]", rest, maxsplit=1)[0]
    authority = authority.rsplit("@", 1)[-1]
    if authority.startswith("["):
        return authority.split("]", 1)[0] + "]"
    return authority.split(":", 1)[0].lower()


# -- hosts --------------------------------------------------------------------------------------


def host_covered(host: str, tls_hosts: Iterable[str]) -> bool:
    """Whether a TLS hosts list covers `host`; `*.example.com` covers exactly one extra label."""
    wanted = host.lower().rstrip(".")
    for entry in tls_hosts:
        pattern = entry.lower().rstrip(".")
        if pattern == wanted:
            return True
        if pattern.startswith("*."):
            suffix = pattern[1:]
            head = wanted[: -len(suffix)] if wanted.endswith(suffix) else ""
            if head and "." not in head and head != "*":
                return True
    return False


def ingress_backends(doc: Document) -> Iterator[tuple[str, FieldPath]]:
    """Service names an Ingress routes to, with the path of each name (v1 and v1beta1 forms)."""
    candidates: list[tuple[object, FieldPath]] = []
    for key in ("defaultBackend", "backend"):
        candidates.append((doc.value("spec", key), ("spec", key)))
    for i, rule in enumerate(doc.sequence("spec", "rules")):
        if not isinstance(rule, Mapping):
            continue
        http = rule.get("http")
        paths = http.get("paths") if isinstance(http, Mapping) else None
        if not isinstance(paths, list):
            continue
        for j, item in enumerate(paths):
            if isinstance(item, Mapping):
                candidates.append((item.get("backend"), ("spec", "rules", i, "http", "paths", j, "backend")))
    for backend, path in candidates:
        if not isinstance(backend, Mapping):
            continue
        service = backend.get("service")
        if isinstance(service, Mapping) and isinstance(service.get("name"), str):
            yield str(service["name"]), (*path, "service", "name")
        elif isinstance(backend.get("serviceName"), str):
            yield str(backend["serviceName"]), (*path, "serviceName")
