"""in-tree-cloud-volume, pvc-prebound-volume and node-local-persistent-data (rule-catalog §3)."""

from collections.abc import Iterator, Mapping

from kubelint_py.k8s.workloads import is_deployment_like
from kubelint_py.rule_api import (
    ContainerScope,
    Document,
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
    title="Claim is pre-bound to a PersistentVolume of the source cluster",
    document="cluster-migration",
    severity=Severity.WARNING,
    category="portability",
    kinds=("PersistentVolumeClaim", "StatefulSet"),
    rationale="""
`spec.volumeName` binds the claim to one named PersistentVolume. In the target cluster that PV
does not exist (dynamically provisioned names such as `pvc-<uid>` are unique to the source), so
the claim stays `Pending` forever, and every pod that mounts it stays `Pending` too. A
StatefulSet's `volumeClaimTemplates[]` entry with `volumeName` makes every replica's claim
point at the same volume, which at most one of them can bind.
""",
    remediation="Remove `volumeName`, or migrate the PV object together with a restore of its data.",
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
            yield Violation(
                f"spec.volumeName binds the claim to PersistentVolume {quote(name)} of the source cluster",
                ("spec", "volumeName"),
            )
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
            yield Violation(
                f"volumeClaimTemplates {label} binds every replica's claim to PersistentVolume {quote(name)} "
                "of the source cluster",
                ("spec", "volumeClaimTemplates", number, "spec", "volumeName"),
            )


_NODE_LOCAL_FAIL = """\
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db, namespace: prod}
spec:
  serviceName: db
  selector: {matchLabels: {app: db}}
  template:
    metadata: {labels: {app: db}}
    spec:
      containers:
        - name: db
          image: postgres:16
          volumeMounts:
            - name: data
              mountPath: /var/lib/postgresql/data
      volumes:
        - name: data
          hostPath: {path: /mnt/disks/db}
"""


@rule(
    id="node-local-persistent-data",
    title="Persistent data lives on one node's disk",
    document="cluster-migration",
    severity=Severity.WARNING,
    category="reliability",
    kinds=("StatefulSet", "PersistentVolume"),
    kind_groups=("workload",),
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
    if doc.kind != "StatefulSet" and not is_deployment_like(doc):
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
