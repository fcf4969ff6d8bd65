"""Volumes on Windows pods (rule-catalog §1).

windows-unsupported-volume-feature, windows-file-mode-ignored.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from kubelint_py.k8s.windows import windows_targeted
from kubelint_py.k8s.workloads import pod_volumes
from kubelint_py.rule_api import (
    ContainerScope,
    Document,
    FieldPath,
    RuleContext,
    Violation,
    containers,
    pod_spec_path,
    quote,
    rule,
)

_PROPAGATION = ("HostToContainer", "Bidirectional")
_MODE_VOLUME_TYPES = ("secret", "configMap", "downwardAPI")


def _volumes(doc: Document) -> Iterator[tuple[FieldPath, Mapping[str, object]]]:
    spec_path = pod_spec_path(doc)
    if spec_path is None:
        return
    for number, volume in enumerate(pod_volumes(doc)):
        if isinstance(volume, Mapping):
            yield (*spec_path, "volumes", number), volume


def _volume_name(volume: Mapping[str, object], path: FieldPath) -> str:
    name = volume.get("name")
    return f"volume {quote(name)}" if isinstance(name, str) and name else f"volume #{path[-1]}"


# -- windows-unsupported-volume-feature -----------------------------------------------------


@rule("windows-unsupported-volume-feature")
def check_unsupported_volume(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    if not windows_targeted(doc):
        return
    for path, volume in _volumes(doc):
        label = _volume_name(volume, path)
        empty_dir = volume.get("emptyDir")
        if isinstance(empty_dir, Mapping) and empty_dir.get("medium") == "Memory":
            yield Violation(
                f"{label} is a memory-backed emptyDir (medium: Memory), which Windows does not support",
                (*path, "emptyDir", "medium"),
            )
        if volume.get("nfs") is not None:
            yield Violation(f"{label} is an NFS volume, which Windows nodes cannot mount", (*path, "nfs"))
        host_path = volume.get("hostPath")
        host = host_path.get("path") if isinstance(host_path, Mapping) else None
        if isinstance(host, str) and host.startswith("/"):
            yield Violation(
                f"{label} is a hostPath with the Linux path {quote(host)}, which does not exist on a Windows host",
                (*path, "hostPath", "path"),
            )
    for container in containers(doc, ContainerScope.ALL):
        mounts = container.data.get("volumeMounts")
        for number, mount in enumerate(mounts if isinstance(mounts, list) else ()):
            if not isinstance(mount, Mapping):
                continue
            propagation = mount.get("mountPropagation")
            if propagation in _PROPAGATION:
                yield Violation(
                    f"{container.describe()} mounts {quote(mount.get('name'))} with mountPropagation "
                    f"{propagation}, which Windows does not support",
                    (*container.path, "volumeMounts", number, "mountPropagation"),
                )
        devices = container.data.get("volumeDevices")
        if isinstance(devices, list) and devices:
            yield Violation(
                f"{container.describe()} uses volumeDevices (raw block volumes), which Windows does not support",
                (*container.path, "volumeDevices"),
            )


# -- windows-file-mode-ignored ------------------------------------------------------------------


def _item_modes(items: object, base: FieldPath) -> Iterator[FieldPath]:
    for number, item in enumerate(items if isinstance(items, list) else ()):
        if isinstance(item, Mapping) and item.get("mode") is not None:
            yield (*base, number, "mode")


@rule("windows-file-mode-ignored")
def check_file_mode(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    if not windows_targeted(doc):
        return
    for path, volume in _volumes(doc):
        label = _volume_name(volume, path)
        for kind in _MODE_VOLUME_TYPES:
            source = volume.get(kind)
            if not isinstance(source, Mapping):
                continue
            if source.get("defaultMode") is not None:
                yield Violation(
                    f"{label} ({kind}) sets defaultMode, which Windows does not apply", (*path, kind, "defaultMode")
                )
            for mode_path in _item_modes(source.get("items"), (*path, kind, "items")):
                yield Violation(
                    f"{label} ({kind}) sets a file mode on an item, which Windows does not apply", mode_path
                )
        projected = volume.get("projected")
        if not isinstance(projected, Mapping):
            continue
        if projected.get("defaultMode") is not None:
            yield Violation(
                f"{label} (projected) sets defaultMode, which Windows does not apply",
                (*path, "projected", "defaultMode"),
            )
        sources = projected.get("sources")
        for number, projection in enumerate(sources if isinstance(sources, list) else ()):
            if not isinstance(projection, Mapping):
                continue
            for kind in _MODE_VOLUME_TYPES:
                source = projection.get(kind)
                if not isinstance(source, Mapping):
                    continue
                base = (*path, "projected", "sources", number, kind, "items")
                for mode_path in _item_modes(source.get("items"), base):
                    yield Violation(
                        f"{label} (projected {kind}) sets a file mode on an item, which Windows does not apply",
                        mode_path,
                    )
