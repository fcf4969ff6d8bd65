"""in-tree-cloud-volume, pvc-prebound-volume and node-local-persistent-data (rule-catalog §3)."""

import re
from collections.abc import Iterator, Mapping

from kubelint_py.k8s.quantity import quantity_from_manifest
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

# In-tree provisioner -> the CSI driver that replaces it.
_IN_TREE_PROVISIONERS = {
    "kubernetes.io/aws-ebs": "ebs.csi.aws.com",
    "kubernetes.io/gce-pd": "pd.csi.storage.gke.io",
    "kubernetes.io/azure-disk": "disk.csi.azure.com",
    "kubernetes.io/azure-file": "file.csi.azure.com",
    "kubernetes.io/cinder": "cinder.csi.openstack.org",
    "kubernetes.io/vsphere-volume": "csi.vsphere.vmware.com",
    "kubernetes.io/portworx-volume": "pxd.portworx.com",
}
# In-tree volume source -> the CSI driver that replaces it.
_IN_TREE_SOURCES = {
    "awsElasticBlockStore": "ebs.csi.aws.com",
    "gcePersistentDisk": "pd.csi.storage.gke.io",
    "azureDisk": "disk.csi.azure.com",
    "azureFile": "file.csi.azure.com",
    "cinder": "cinder.csi.openstack.org",
    "vsphereVolume": "csi.vsphere.vmware.com",
    "portworxVolume": "pxd.portworx.com",
}


def _volume_name(volume: Mapping[str, object], number: int) -> str:
    name = volume.get("name")
    return quote(name) if isinstance(name, str) and name else f"#{number}"


@rule("in-tree-cloud-volume")
def check_in_tree(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    if doc.kind == "StorageClass":
        provisioner = doc.string("provisioner")
        if provisioner in _IN_TREE_PROVISIONERS:
            yield Violation(
                f"provisioner {provisioner} is an in-tree cloud plugin; use the CSI driver "
                f"{_IN_TREE_PROVISIONERS[provisioner]}",
                ("provisioner",),
            )
        return
    if doc.kind == "PersistentVolume":
        spec = doc.mapping("spec")
        for source, driver in _IN_TREE_SOURCES.items():
            if isinstance(spec.get(source), Mapping):
                yield Violation(
                    f"spec.{source} is an in-tree cloud volume; use the CSI driver {driver}", ("spec", source)
                )
        return
    spec_path = pod_spec_path(doc)
    if spec_path is None:
        return
    for number, volume in enumerate(pod_volumes(doc)):
        if not (type(volume) is dict or isinstance(volume, Mapping)):
            continue
        for source, driver in _IN_TREE_SOURCES.items():
            found = volume.get(source)  # nearly always absent: None needs no ABC isinstance check
            if found is not None and isinstance(found, Mapping):
                yield Violation(
                    f"volume {_volume_name(volume, number)} uses the in-tree cloud volume {source}; use a "
                    f"PersistentVolumeClaim backed by the CSI driver {driver}",
                    (*spec_path, "volumes", number, source),
                )


@rule("pvc-prebound-volume")
def check_prebound(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    if doc.kind == "PersistentVolumeClaim":
        name = doc.value("spec", "volumeName")
        if isinstance(name, str) and name:
            yield from _check_claim(doc, ctx, name)
        return
    for number, template in enumerate(doc.sequence("spec", "volumeClaimTemplates")):
        if not isinstance(template, Mapping):
            continue
        spec = template.get("spec")
        name = spec.get("volumeName") if isinstance(spec, Mapping) else None
        if isinstance(name, str) and name:
            claim = template.get("metadata")
            claim_name = claim.get("name") if isinstance(claim, Mapping) else None
            label = quote(claim_name) if isinstance(claim_name, str) else f"#{number}"
            origin = " of the source cluster" if _GENERATED_PV_NAME.fullmatch(name) else ""
            yield Violation(
                f"volumeClaimTemplates {label} binds every replica's claim to PersistentVolume {quote(name)}"
                f"{origin}: at most one claim can bind it",
                ("spec", "volumeClaimTemplates", number, "spec", "volumeName"),
            )


# Names the PV controller gives dynamically provisioned volumes: pvc-<claim uid>.
_GENERATED_PV_NAME = re.compile(r"pvc-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
_CLASS_ANNOTATION = "volume.beta.kubernetes.io/storage-class"
_Related = tuple[tuple[Document, FieldPath, str], ...]


def _check_claim(doc: Document, ctx: RuleContext, name: str) -> Iterator[Violation]:
    volume = ctx.lint.get("PersistentVolume", None, name)
    if volume is not None:
        yield from _mismatches(doc, ctx, volume)
        return
    if _GENERATED_PV_NAME.fullmatch(name):
        yield Violation(
            f"spec.volumeName binds the claim to PersistentVolume {quote(name)}, a dynamically provisioned "
            "volume of the source cluster",
            ("spec", "volumeName"),
        )
    elif ctx.guard("PersistentVolume"):
        yield Violation(
            f"spec.volumeName binds the claim to PersistentVolume {quote(name)}, which the input does not contain: "
            "the claim stays Pending until a volume of that name exists",
            ("spec", "volumeName"),
        )


def _storage_class(doc: Document) -> str | None:
    """The class a claim or volume asks for: spec.storageClassName, else the beta annotation;
    None when neither is set."""
    value = doc.value("spec", "storageClassName")
    if isinstance(value, str):
        return value
    annotated = doc.annotations().get(_CLASS_ANNOTATION)
    return annotated if isinstance(annotated, str) else None


def _mismatches(claim: Document, ctx: RuleContext, volume: Document) -> Iterator[Violation]:
    """What keeps the claim from binding the PersistentVolume the input holds."""
    name = quote(volume.name)
    related: _Related = ((volume, ("metadata", "name"), "PersistentVolume defined here"),)
    wanted, offered = _storage_class(claim), _storage_class(volume) or ""
    if wanted is None:
        yield Violation(
            f"is pre-bound to PersistentVolume {name} but sets no storageClassName: a cluster with a default "
            f"StorageClass gives the claim that class at admission and it never binds the volume (whose class is "
            f"{quote(offered)}); set storageClassName: {quote(offered)}",
            ("spec", "storageClassName"),
            related=related,
        )
    elif wanted != offered:
        yield Violation(
            f"is pre-bound to PersistentVolume {name} of storage class {quote(offered)} but asks for class "
            f"{quote(wanted)}: it never binds",
            ("spec", "storageClassName"),
            related=related,
        )
    yield from _reserved_elsewhere(claim, ctx, volume, related)
    yield from _modes_and_size(claim, volume, related)


def _reserved_elsewhere(claim: Document, ctx: RuleContext, volume: Document, related: _Related) -> Iterator[Violation]:
    ref = volume.mapping("spec", "claimRef")
    ref_name, ref_namespace = ref.get("name"), ref.get("namespace")
    namespace = ctx.namespace_of(claim)
    if (isinstance(ref_name, str) and ref_name and ref_name != claim.name) or (
        isinstance(ref_namespace, str) and ref_namespace and ref_namespace != namespace
    ):
        owner = f"{ref_namespace}/{ref_name}" if isinstance(ref_namespace, str) else str(ref_name)
        yield Violation(
            f"is pre-bound to PersistentVolume {quote(volume.name)}, whose claimRef reserves it for claim "
            f"{quote(owner)}: it never binds",
            ("spec", "volumeName"),
            related=related,
        )


def _modes_and_size(claim: Document, volume: Document, related: _Related) -> Iterator[Violation]:
    wanted = {m for m in claim.sequence("spec", "accessModes") if isinstance(m, str)}
    offered = {m for m in volume.sequence("spec", "accessModes") if isinstance(m, str)}
    if wanted and offered and not wanted <= offered:
        missing = ", ".join(sorted(wanted - offered))
        yield Violation(
            f"asks for access mode {missing}, which PersistentVolume {quote(volume.name)} it is pre-bound to does "
            "not offer: it never binds",
            ("spec", "accessModes"),
            related=related,
        )
    request = quantity_from_manifest(claim.value("spec", "resources", "requests", "storage"))
    capacity = quantity_from_manifest(volume.value("spec", "capacity", "storage"))
    if request is not None and capacity is not None and request > capacity:
        yield Violation(
            f"requests more storage than PersistentVolume {quote(volume.name)}, which it is pre-bound to, holds: "
            "it never binds",
            ("spec", "resources", "requests", "storage"),
            related=related,
        )


@rule("node-local-persistent-data")
def check_node_local(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    if doc.kind == "PersistentVolume":
        for source in ("local", "hostPath"):
            if isinstance(doc.value("spec", source), Mapping):
                yield Violation(f"spec.{source} keeps the volume's data on one node's disk", ("spec", source))
        return
    spec_path = pod_spec_path(doc)
    if spec_path is None:
        return
    host_paths: dict[str, str] = {}
    for volume in pod_volumes(doc):
        # (exact tests first, for the loader's dicts and the usual absent None: no ABC isinstance)
        if not (type(volume) is dict or isinstance(volume, Mapping)):
            continue
        host_path = volume.get("hostPath")
        if host_path is not None and (type(host_path) is dict or isinstance(host_path, Mapping)):
            name = volume.get("name")
            path = host_path.get("path")
            if isinstance(name, str):
                host_paths[name] = path if isinstance(path, str) else "?"
    if not host_paths:
        return
    for container in containers(doc, ContainerScope.C_I):
        mounts = container.data.get("volumeMounts")
        for number, mount in enumerate(mounts if isinstance(mounts, list) else ()):
            if not isinstance(mount, Mapping) or mount.get("name") not in host_paths:
                continue
            if mount.get("readOnly") is True:
                continue
            name = str(mount["name"])
            yield Violation(
                f"{container.describe()} mounts hostPath volume {quote(name)} ({host_paths[name]}) writable; "
                "its data stays on the node",
                (*container.path, "volumeMounts", number),
            )
