"""Which operating system a pod spec is steered to (rule-catalog §1 definitions).

Pure functions over a plain pod spec mapping (the value at `pod_spec_path`), no I/O.

* **Windows-targeted**: `os.name == "windows"`, or `nodeSelector["kubernetes.io/os"] ==
  "windows"` (legacy key `beta.kubernetes.io/os` also accepted), or every term of
  `affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms`
  (at least one term) has a `kubernetes.io/os In [windows]` expression.
* **Linux-pinned**: the same with `linux`.

Values are compared exactly (label values and `os.name` are case-sensitive in Kubernetes);
wrongly typed fields count as absent. In node affinity the legacy key is accepted as well,
and an `In` expression pins only when its values are exactly that one OS (`In [windows,
linux]` pins nothing).

The per-source accessors (`os_name`, `node_selector_os`, `affinity_os`) let rules that look
for contradictions compare the sources one by one; `OS_NAME_PATH`, `NODE_SELECTOR_PATH` and
`NODE_AFFINITY_TERMS_PATH` are relative to the pod spec.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import NamedTuple

from kubelint_py.model import get_path

WINDOWS = "windows"
LINUX = "linux"
OS_LABEL = "kubernetes.io/os"
LEGACY_OS_LABEL = "beta.kubernetes.io/os"
OS_LABELS = (OS_LABEL, LEGACY_OS_LABEL)

OS_NAME_PATH = ("os", "name")
NODE_SELECTOR_PATH = ("nodeSelector",)
NODE_AFFINITY_TERMS_PATH = (
    "affinity",
    "nodeAffinity",
    "requiredDuringSchedulingIgnoredDuringExecution",
    "nodeSelectorTerms",
)


def os_name(pod_spec: Mapping[str, object]) -> str | None:
    """`spec.os.name` when it is a string, else None."""
    value = get_path(pod_spec, OS_NAME_PATH)
    return value if isinstance(value, str) else None


def node_selector_os(pod_spec: Mapping[str, object]) -> str | None:
    """The OS named by `nodeSelector` (`kubernetes.io/os`, else the legacy key), or None."""
    selector = get_path(pod_spec, NODE_SELECTOR_PATH)
    if selector is None or not (type(selector) is dict or isinstance(selector, Mapping)):  # (no ABC check)
        return None
    for key in OS_LABELS:
        value = selector.get(key)
        if isinstance(value, str):
            return value
    return None


def node_selector_oses(pod_spec: Mapping[str, object]) -> frozenset[str]:
    """Every OS value the nodeSelector names (both keys; two values = a contradiction)."""
    selector = get_path(pod_spec, NODE_SELECTOR_PATH)
    if selector is None or not (type(selector) is dict or isinstance(selector, Mapping)):  # (no ABC check)
        return frozenset()
    return frozenset(v for k in OS_LABELS if isinstance(v := selector.get(k), str))


def _term_pins(term: object) -> frozenset[str]:
    """The OSes a node selector term pins to with an `<os label> In [<one os>]` expression."""
    if not isinstance(term, Mapping):
        return frozenset()
    expressions = term.get("matchExpressions")
    if not isinstance(expressions, list):
        return frozenset()
    pinned: set[str] = set()
    for expr in expressions:
        if not isinstance(expr, Mapping) or expr.get("key") not in OS_LABELS or expr.get("operator") != "In":
            continue
        values = expr.get("values")
        if not isinstance(values, list) or not values or not all(isinstance(v, str) for v in values):
            continue
        distinct = set(values)
        if len(distinct) == 1:
            pinned |= distinct
    return frozenset(pinned)


def _affinity_terms(pod_spec: Mapping[str, object]) -> list[object]:
    terms = get_path(pod_spec, NODE_AFFINITY_TERMS_PATH)
    return terms if isinstance(terms, list) else []


def affinity_pins(pod_spec: Mapping[str, object], os: str) -> bool:
    """True when there is at least one required node affinity term and every term has an
    `<os label> In [<os>]` expression."""
    terms = _affinity_terms(pod_spec)
    return bool(terms) and all(os in _term_pins(term) for term in terms)


def affinity_os(pod_spec: Mapping[str, object]) -> str | None:
    """The single OS every required node affinity term pins to, or None (no terms, a term
    that does not pin, or terms pinning different OSes)."""
    terms = _affinity_terms(pod_spec)
    if not terms:
        return None
    common: frozenset[str] | None = None
    for term in terms:
        pins = _term_pins(term)
        common = pins if common is None else common & pins
    if common is not None and len(common) == 1:
        return next(iter(common))
    return None


def affinity_oses(pod_spec: Mapping[str, object]) -> frozenset[str]:
    """Every OS some required node affinity term pins to (for contradiction checks)."""
    found: set[str] = set()
    for term in _affinity_terms(pod_spec):
        found |= _term_pins(term)
    return frozenset(found)


def targets_os(pod_spec: Mapping[str, object], os: str) -> bool:
    """True when any of the three routes steers the pod spec to `os`."""
    if not (type(pod_spec) is dict or isinstance(pod_spec, Mapping)):  # (exact type first: no ABC isinstance)
        return False
    if os_name(pod_spec) == os:
        return True
    if os in node_selector_oses(pod_spec):
        return True
    return affinity_pins(pod_spec, os)


def is_windows_targeted(pod_spec: Mapping[str, object]) -> bool:
    """rule-catalog §1 "Windows-targeted"."""
    return targets_os(pod_spec, WINDOWS)


def is_linux_pinned(pod_spec: Mapping[str, object]) -> bool:
    """rule-catalog §1 "Linux-pinned"."""
    return targets_os(pod_spec, LINUX)


class OsDeclarations(NamedTuple):
    """The OS each route names, None where the route says nothing (or is ambiguous)."""

    os_name: str | None
    node_selector: str | None
    affinity: str | None


def os_declarations(pod_spec: Mapping[str, object]) -> OsDeclarations:
    if not isinstance(pod_spec, Mapping):
        return OsDeclarations(None, None, None)
    return OsDeclarations(os_name(pod_spec), node_selector_os(pod_spec), affinity_os(pod_spec))


__all__ = [
    "LEGACY_OS_LABEL",
    "LINUX",
    "NODE_AFFINITY_TERMS_PATH",
    "NODE_SELECTOR_PATH",
    "OS_LABEL",
    "OS_LABELS",
    "OS_NAME_PATH",
    "WINDOWS",
    "OsDeclarations",
    "affinity_os",
    "affinity_oses",
    "affinity_pins",
    "is_linux_pinned",
    "is_windows_targeted",
    "node_selector_os",
    "node_selector_oses",
    "os_declarations",
    "os_name",
    "targets_os",
]
