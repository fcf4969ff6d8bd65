"""in-tree-cloud-volume, pvc-prebound-volume and node-local-persistent-data (rule-catalog §3)."""

import re
from collections.abc import Iterator, Mapping

from kubelint_py.k8s.examples import pod_container, workload
from kubelint_py.k8s.quantity import quantity_from_manifest
from kubelint_py.rule_api import (
    ContainerScope,
    Document,
    FieldPath,
    RuleContext,
    Severity,
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

_IN_TREE_FAIL = """\
apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata: {name: standard}
provisioner: kubernetes.io/aws-ebs
parameters: {type: gp3}
"""


def _volume_name(volume: Mapping[str, object], number: int) -> str:
    name = volume.get("name")
    return quote(name) if isinstance(name, str) and name else f"#{number}"


@rule(
    id="in-tree-cloud-volume",
    title="Storage uses an in-tree cloud volume plugin",
    document="cluster-migration",
    severity=Severity.WARNING,
    category="portability",
    kinds=("StorageClass", "PersistentVolume"),
    kind_groups=("workload",),
    rationale="""
The in-tree cloud volume plugins (AWS EBS, GCE PD, Azure Disk/File, Cinder, vSphere, Portworx)
have been removed from Kubernetes or only work through CSI migration, which needs the
provider's CSI driver installed in the cluster. A target cluster on another provider, or one
without the driver, leaves claims `Pending` and pods stuck in `ContainerCreating`; the volume
type itself names a disk of the source cloud that does not exist in the target.
""",
    remediation="Switch to the CSI driver (e.g. `ebs.csi.aws.com`, `pd.csi.storage.gke.io`, `disk.csi.azure.com`).",
    examples=(_IN_TREE_FAIL, _IN_TREE_FAIL.replace("kubernetes.io/aws-ebs", "ebs.csi.aws.com")),
    references=(
        "https://kubernetes.io/docs/concepts/storage/volumes/#csi-migration",
        "https://kubernetes.io/docs/concepts/storage/storage-classes/#provisioner",
        "https://kubernetes.io/blog/2022/09/26/storage-in-tree-to-csi-migration-status-update-1.25/",
    ),
)
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
    for number, volume in enumerate(doc.sequence(*spec_path, "volumes")):
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


_PREBOUND_FAIL = """\
apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: data, namespace: prod}
spec:
  accessModes: [ReadWriteOnce]
  volumeName: pvc-0d3c6a4e-1f0b-4c55-9a44-2f5b1b2a7c10
  resources:
    requests: {storage: 10Gi}
"""


@rule(
    id="pvc-prebound-volume",
    title="Claim is pre-bound to a PersistentVolume it cannot bind",
    document="cluster-migration",
    severity=Severity.WARNING,
    category="portability",
    kinds=("PersistentVolumeClaim", "StatefulSet"),
    cross_object=True,
    rationale="""
`spec.volumeName` binds the claim to one named PersistentVolume. A name the cluster generated
(`pvc-<uid>`, a dynamically provisioned volume) exists only in the cluster the manifest was
exported from: in the target cluster the claim stays `Pending` forever, and every pod that
mounts it stays `Pending` too. Pre-binding is also how static provisioning works, so a claim
whose PersistentVolume is in the input is not reported for that; it is checked against the PV
instead, as the PV controller does: the claim stays `Pending` when its storage class differs
from the PV's (a claim without `storageClassName` gets the cluster's default class at admission,
so pre-bound claims set `storageClassName: ""` for a PV without class), when the PV's
`claimRef` reserves it for another claim, when it asks for an access mode the PV does not offer,
or for more storage than the PV has. A name the cluster did not generate, whose PV is not in the
input, is reported only when the input holds PersistentVolumes (or `--assume-complete`): the
administrator may create it. A StatefulSet's `volumeClaimTemplates[]` entry with `volumeName`
makes every replica's claim point at the same volume, which at most one of them can bind.
""",
    remediation="Remove `volumeName`, or ship the PV with the claim and make the pair match (class, modes, size).",
    examples=(_PREBOUND_FAIL, _PREBOUND_FAIL.replace("  volumeName: pvc-0d3c6a4e-1f0b-4c55-9a44-2f5b1b2a7c10\n", "")),
    references=(
        "https://kubernetes.io/docs/concepts/storage/persistent-volumes/#reserving-a-persistentvolume",
        "https://kubernetes.io/docs/concepts/workloads/controllers/statefulset/#volume-claim-templates",
    ),
)
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


_NODE_LOCAL_FAIL = workload(
    kind="StatefulSet",
    name="db",
    namespace="prod",
    spec="serviceName: db\n",
    containers=pod_container(
        name="db",
        image="postgres:16",
        body="""\
volumeMounts:
  - name: data
    mountPath: /var/lib/postgresql/data
""",
    ),
    volumes="""\
- name: data
  hostPath: {path: /mnt/disks/db}
""",
)


@rule(
    id="node-local-persistent-data",
    title="Persistent data lives on one node's disk",
    document="cluster-migration",
    severity=Severity.WARNING,
    category="reliability",
    kinds=("PersistentVolume",),
    kind_groups=("serving",),
    rationale="""
A writable `hostPath` mount, or a PersistentVolume of type `local` or `hostPath`, keeps the data
on the disk of one node. Moving the workload to another cluster (or even another node) starts
it with an empty directory: the data stays behind on the old node and is lost when that node is
decommissioned. Read-only host mounts (configuration, sockets read by agents) carry no state
and are not reported; the check covers containers, init and sidecar containers.
""",
    remediation="Move the data to network storage (a CSI-backed PersistentVolumeClaim) or plan an explicit copy.",
    examples=(
        _NODE_LOCAL_FAIL,
        _NODE_LOCAL_FAIL.replace(
            "mountPath: /var/lib/postgresql/data", "mountPath: /data\n              readOnly: true"
        ),
    ),
    references=(
        "https://kubernetes.io/docs/concepts/storage/volumes/#hostpath",
        "https://kubernetes.io/docs/concepts/storage/volumes/#local",
    ),
)
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
    for volume in doc.sequence(*spec_path, "volumes"):
        if isinstance(volume, Mapping) and isinstance(volume.get("hostPath"), Mapping):
            name = volume.get("name")
            path = volume["hostPath"].get("path")
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
