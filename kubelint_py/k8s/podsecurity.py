"""The Pod Security Standards' allowed values (kubernetes.io/docs/concepts/security/pod-security-standards/).

Pure data and functions, no I/O. Each list is the one the Standards page gives, with the
release from which an entry is allowed, so a rule can judge a manifest for the release it
targets (`targetVersion`; the newest known release when absent).

* Baseline: safe sysctls, SELinux types, AppArmor profiles, `/proc` mount types.
* Restricted: volume sources.
* User-namespaced pods (`spec.hostUsers: false`), for which the Standards relax the controls
  about `/proc` masking and host user ids.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

Release = tuple[int, int]

# -- sysctls (Baseline "Sysctls") ---------------------------------------------------------

# name -> the release from which Pod Security admission (and the kubelet) count it as safe
SAFE_SYSCTLS: Mapping[str, Release] = {
    "kernel.shm_rmid_forced": (1, 0),
    "net.ipv4.ip_local_port_range": (1, 0),
    "net.ipv4.ip_unprivileged_port_start": (1, 0),
    "net.ipv4.tcp_syncookies": (1, 0),
    "net.ipv4.ping_group_range": (1, 0),
    "net.ipv4.ip_local_reserved_ports": (1, 27),
    "net.ipv4.tcp_keepalive_time": (1, 29),
    "net.ipv4.tcp_fin_timeout": (1, 29),
    "net.ipv4.tcp_keepalive_intvl": (1, 29),
    "net.ipv4.tcp_keepalive_probes": (1, 29),
    "net.ipv4.tcp_rmem": (1, 32),
    "net.ipv4.tcp_wmem": (1, 32),
}

# The kernel namespaces a sysctl can be set in (the kubelet's `NamespacedBy`): anything
# else changes the whole node, and no kubelet flag can allow it for a pod.
IPC_SYSCTL_PREFIXES = ("kernel.shm", "kernel.msg", "kernel.sem", "fs.mqueue.")
NET_SYSCTL_PREFIX = "net."


def normalize_sysctl(name: str) -> str:
    """`net/ipv4/ip_forward` -> `net.ipv4.ip_forward`, as the kubelet reads the slash form:
    when the first separator is `/`, slashes and dots swap (a dot inside a component, such as
    a VLAN interface `eno2.100`, becomes a slash)."""
    dot, slash = name.find("."), name.find("/")
    if slash == -1 or (dot != -1 and dot < slash):
        return name
    return name.translate(str.maketrans("./", "/."))


def safe_sysctl_since(name: str) -> Release | None:
    """The release from which a (normalised) sysctl is safe, or None if it never is."""
    return SAFE_SYSCTLS.get(name)


def sysctl_namespace(name: str) -> str | None:
    """`ipc` or `net` for a namespaced sysctl (normalised name), None for a node-wide one."""
    if name.startswith(IPC_SYSCTL_PREFIXES):
        return "ipc"
    if name.startswith(NET_SYSCTL_PREFIX):
        return "net"
    return None


def sysctl_pattern_matches(pattern: str, name: str) -> bool:
    """A kubelet `--allowed-unsafe-sysctls` entry: an exact name, or a prefix ending in `*`."""
    pattern = normalize_sysctl(pattern.strip())
    if pattern.endswith("*"):
        return name.startswith(pattern[:-1])
    return name == pattern


def any_sysctl_pattern(patterns: Iterable[str], name: str) -> bool:
    return any(sysctl_pattern_matches(pattern, name) for pattern in patterns)


# -- SELinux (Baseline "SELinux") -----------------------------------------------------------

SELINUX_TYPES: Mapping[str, Release] = {
    "container_t": (1, 0),
    "container_init_t": (1, 0),
    "container_kvm_t": (1, 0),
    "container_engine_t": (1, 31),
}


def selinux_type_allowed(value: str, target: Release) -> bool:
    """Undefined or "" is allowed; otherwise the type must be listed for the target release."""
    if value == "":
        return True
    since = SELINUX_TYPES.get(value)
    return since is not None and target >= since


# -- AppArmor (Baseline "AppArmor") -------------------------------------------------------

APPARMOR_ANNOTATION_PREFIX = "container.apparmor.security.beta.kubernetes.io/"
APPARMOR_ALLOWED_TYPES = frozenset(("RuntimeDefault", "Localhost"))
APPARMOR_RUNTIME_DEFAULT = "runtime/default"
APPARMOR_LOCALHOST_PREFIX = "localhost/"


def apparmor_annotation_allowed(value: str) -> bool:
    """`runtime/default`, `localhost/<profile>`, or empty (the runtime default applies)."""
    return value in ("", APPARMOR_RUNTIME_DEFAULT) or value.startswith(APPARMOR_LOCALHOST_PREFIX)


# -- /proc mount type (Baseline "/proc Mount Type") ----------------------------------------

PROC_MOUNT_DEFAULT = "Default"


# -- volumes (Restricted "Volume Types") ----------------------------------------------------

# Allowed by the Restricted Standard. `image` (OCI image volumes) is admitted by Pod Security
# admission since 1.33 (kubernetes/kubernetes#130394), though the page does not list it yet.
RESTRICTED_VOLUME_SOURCES = frozenset(
    (
        "configMap",
        "csi",
        "downwardAPI",
        "emptyDir",
        "ephemeral",
        "persistentVolumeClaim",
        "projected",
        "secret",
        "image",
    )
)
# The other volume sources of core/v1 VolumeSource. Only these are judged: an unknown key is
# not a volume source (the API server drops it) and is left to schema validation.
OTHER_VOLUME_SOURCES: Mapping[str, str] = {
    "hostPath": "a host path",
    "gcePersistentDisk": "an in-tree GCE persistent disk",
    "awsElasticBlockStore": "an in-tree AWS EBS volume",
    "gitRepo": "a git repository cloned by the kubelet (deprecated)",
    "nfs": "an NFS share",
    "iscsi": "an iSCSI disk",
    "glusterfs": "a GlusterFS volume",
    "rbd": "a Ceph RBD image",
    "flexVolume": "a FlexVolume driver on the node",
    "cinder": "an in-tree OpenStack Cinder volume",
    "cephfs": "a CephFS share",
    "flocker": "a Flocker volume",
    "fc": "a Fibre Channel disk",
    "azureFile": "an in-tree Azure File share",
    "vsphereVolume": "an in-tree vSphere volume",
    "quobyte": "a Quobyte volume",
    "azureDisk": "an in-tree Azure disk",
    "photonPersistentDisk": "an in-tree Photon persistent disk",
    "portworxVolume": "an in-tree Portworx volume",
    "scaleIO": "an in-tree ScaleIO volume",
    "storageos": "an in-tree StorageOS volume",
}


# -- user namespaces --------------------------------------------------------------------------


def uses_user_namespace(pod_spec: Mapping[str, object]) -> bool:
    """`spec.hostUsers: false`: the pod's user and group ids map to unprivileged host ids."""
    return pod_spec.get("hostUsers") is False
