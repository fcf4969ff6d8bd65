"""Opt-in pod hardening beyond the Baseline (rule-catalog §9.2): volume-type-not-restricted,
run-as-root-group, run-as-low-uid, privileged-port.

They follow the Restricted Pod Security Standard (volume types, non-root groups) or common
hardening advice (high user ids, unprivileged ports) that depends on how the cluster and the
image are built, so they are off by default.
"""

from collections.abc import Iterator, Mapping

from kubelint_py.k8s.images import is_injected_container
from kubelint_py.k8s.podsecurity import (
    OTHER_VOLUME_SOURCES,
    normalize_sysctl,
    uses_user_namespace,
)
from kubelint_py.k8s.windows import windows_targeted
from kubelint_py.k8s.workloads import pod_volumes
from kubelint_py.rule_api import (
    ContainerRef,
    ContainerScope,
    Document,
    FieldPath,
    RuleContext,
    Violation,
    containers,
    effective_security,
    pod_spec,
    pod_spec_path,
    quote,
    rule,
)


def _int_id(value: object) -> int | None:
    """A user or group id as the API reads it (an integer, not a boolean or a string)."""
    return value if isinstance(value, int) and not isinstance(value, bool) else None


# -- volume-type-not-restricted -----------------------------------------------------------


@rule("volume-type-not-restricted")
def check_volume_type(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    spec_path = pod_spec_path(doc)
    if spec_path is None:
        return
    for number, volume in enumerate(pod_volumes(doc)):
        if not (type(volume) is dict or isinstance(volume, Mapping)):  # (exact type first: no ABC isinstance)
            continue
        name = volume.get("name")
        label = f"volume {quote(name)}" if isinstance(name, str) and name else f"volume #{number}"
        for key, value in volume.items():
            if key == "hostPath" or key not in OTHER_VOLUME_SOURCES or value is None:
                continue
            yield Violation(
                f"{label} uses {key} ({OTHER_VOLUME_SOURCES[key]}), which the Restricted Pod Security Standard "
                "does not allow",
                (*spec_path, "volumes", number, key),
            )


# -- run-as-root-group --------------------------------------------------------------------


def _root_group_sites(doc: Document, spec_path: FieldPath) -> Iterator[tuple[FieldPath, str]]:
    """(path, what) for every group id 0 the pod spec sets."""
    pod_ctx = doc.mapping(*spec_path, "securityContext")
    here = (*spec_path, "securityContext")
    if _int_id(pod_ctx.get("runAsGroup")) == 0:
        yield (*here, "runAsGroup"), "the pod securityContext sets runAsGroup: 0"
    if _int_id(pod_ctx.get("fsGroup")) == 0:
        yield (*here, "fsGroup"), "the pod securityContext sets fsGroup: 0 (volumes are owned by the root group)"
    groups = pod_ctx.get("supplementalGroups")
    if isinstance(groups, list):
        for number, group in enumerate(groups):
            if _int_id(group) == 0:
                yield (*here, "supplementalGroups", number), "the pod securityContext adds supplemental group 0"
    for container in containers(doc, ContainerScope.ALL):
        if _int_id(container.get("securityContext", "runAsGroup")) == 0:
            yield (*container.path, "securityContext", "runAsGroup"), f"{container.describe()} sets runAsGroup: 0"


@rule("run-as-root-group")
def check_root_group(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    spec_path = pod_spec_path(doc)
    if spec_path is None or windows_targeted(doc) or uses_user_namespace(pod_spec(doc)):
        return
    for path, text in _root_group_sites(doc, spec_path):
        yield Violation(text, path)


# -- run-as-low-uid -----------------------------------------------------------------------


def _low_id_problems(doc: Document, container: ContainerRef, threshold: int) -> Iterator[tuple[FieldPath, str]]:
    """(path, field: value) of each id below the threshold; ("", path) when runAsUser is absent."""
    user, user_path = effective_security(doc, container, "runAsUser")
    uid = _int_id(user)
    if user_path is None:
        if not is_injected_container(doc, container):
            yield (*container.path, "securityContext", "runAsUser"), ""
    elif uid is not None and uid < threshold:
        yield user_path, f"runAsUser: {uid}"
    group, group_path = effective_security(doc, container, "runAsGroup")
    gid = _int_id(group)
    if group_path is not None and gid is not None and gid < threshold:
        yield group_path, f"runAsGroup: {gid}"


def _low_id_message(text: str, path: FieldPath, group: list[ContainerRef], threshold: int) -> str:
    first = group[0]
    if not text:
        return f"{first.describe()} sets no runAsUser, its own or the pod's (the image decides the user)"
    if path[: len(first.path)] == first.path:
        return f"{first.describe()} sets {text}, below {threshold}"
    names = ", ".join(c.describe() for c in group)
    return f"the pod securityContext sets {text}, below {threshold}, which applies to {names}"


@rule("run-as-low-uid")
def check_low_uid(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    if windows_targeted(doc) or uses_user_namespace(pod_spec(doc)):
        return
    threshold = int(ctx.options.get("minimumId", 10000))
    grouped: dict[FieldPath, tuple[str, list[ContainerRef]]] = {}
    for container in containers(doc, ContainerScope.ALL):
        for path, text in _low_id_problems(doc, container, threshold):
            grouped.setdefault(path, (text, []))[1].append(container)
    for path, (text, group) in grouped.items():
        yield Violation(_low_id_message(text, path, group, threshold), path)


# -- privileged-port ----------------------------------------------------------------------

PRIVILEGED_PORT_LIMIT = 1024
UNPRIVILEGED_PORT_SYSCTL = "net.ipv4.ip_unprivileged_port_start"


def _unprivileged_port_start(doc: Document, spec_path: FieldPath) -> int:
    """The pod's `net.ipv4.ip_unprivileged_port_start` sysctl, else the kernel default 1024."""
    for item in doc.sequence(*spec_path, "securityContext", "sysctls"):
        if not isinstance(item, Mapping) or not isinstance(item.get("name"), str):
            continue
        if normalize_sysctl(str(item["name"]).strip()) != UNPRIVILEGED_PORT_SYSCTL:
            continue
        value = item.get("value")
        text = str(value).strip() if isinstance(value, (str, int)) and not isinstance(value, bool) else ""
        if text.isdigit():
            return int(text)
    return PRIVILEGED_PORT_LIMIT


@rule("privileged-port")
def check_privileged_port(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    spec_path = pod_spec_path(doc)
    if spec_path is None or windows_targeted(doc):
        return
    start = min(_unprivileged_port_start(doc, spec_path), PRIVILEGED_PORT_LIMIT)
    for container in containers(doc, ContainerScope.C_I):
        ports = container.data.get("ports")
        if not isinstance(ports, list):
            continue
        for number, port in enumerate(ports):
            value = _int_id(port.get("containerPort")) if (type(port) is dict or isinstance(port, Mapping)) else None
            if value is None or not 0 < value < start:
                continue
            yield Violation(
                f"{container.describe()} declares containerPort {value}, below {start}: binding it needs root or "
                "NET_BIND_SERVICE",
                (*container.path, "ports", number, "containerPort"),
            )
