"""Other linters' equivalent checks: the one table behind `RuleMeta.peers`.

Teams move to kubelint from kube-linter, kube-score, Polaris, Checkov and Trivy with years of
their annotations and configuration. `EQUIVALENTS` names, for each kubelint rule, the checks of
those linters that report the same problem, so that

- `kubelint explain`, `kubelint rules --format json`, the rule pages and SARIF rule properties
  show them, and `kubelint explain CKV_K8S_16` finds the kubelint rule by a peer's id;
- the peers' own suppression annotations can suppress the equivalent kubelint rules
  (`compat.peerSuppressions`, kubelint_py/run/suppress.py);
- `kubelint init --from kube-linter|polaris` translates a peer's configuration
  (kubelint_py/config/peer_config.py).

Built from the peers' public documentation (kube-linter's generated checks list, Polaris'
checks and exemptions pages, kube-score's README_CHECKS.md, Checkov's Kubernetes policy index,
Trivy's configuration-audit policy list), never from their code. A check is listed only where it
reports the same problem as the kubelint rule, possibly for a narrower or wider set of objects
(kube-linter's `drop-net-raw-capability` for `capabilities-not-dropped`); checks that judge
something else (CPU limits, `imagePullPolicy: Always`, PodSecurityPolicies) have no entry.
Trivy ids are kept as `KSV017`; the AVD form `AVD-KSV-0017` is derived (`trivy_avd_id`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import cache
from typing import NamedTuple


class Peer(NamedTuple):
    name: str  # as in `compat.peerSuppressions` and the rule metadata
    title: str
    id_pattern: str  # the shape of its check ids
    docs: str  # where its checks are listed


PEERS: tuple[Peer, ...] = (
    Peer(
        "kube-linter",
        "kube-linter",
        r"[a-z0-9]+(-[a-z0-9]+)*",
        "https://docs.kubelinter.io/#/generated/checks",
    ),
    Peer(
        "kube-score",
        "kube-score",
        r"[a-z0-9]+(-[a-z0-9]+)*",
        "https://github.com/zegl/kube-score/blob/master/README_CHECKS.md",
    ),
    Peer("polaris", "Polaris", r"[a-z][A-Za-z0-9]*", "https://polaris.docs.fairwinds.com/checks/security/"),
    Peer("checkov", "Checkov", r"CKV2?_K8S_[0-9]+", "https://www.checkov.io/5.Policy%20Index/kubernetes.html"),
    Peer("trivy", "Trivy", r"(KSV|KCV)[0-9]{3,4}", "https://avd.aquasec.com/misconfig/kubernetes/"),
)
PEER_NAMES: tuple[str, ...] = tuple(p.name for p in PEERS)
BY_NAME: Mapping[str, Peer] = {p.name: p for p in PEERS}
# the peers whose suppression annotations kubelint can honour (compat.peerSuppressions)
SUPPRESSION_PEERS: tuple[str, ...] = ("kube-linter", "polaris", "kube-score", "checkov")

_KL, _KS, _PO, _CK, _TR = PEER_NAMES

# kubelint rule id -> peer -> that peer's equivalent check ids. Keep rules in alphabetical order.
EQUIVALENTS: Mapping[str, Mapping[str, tuple[str, ...]]] = {
    "apiserver-admission-weak": {_CK: ("CKV_K8S_79", "CKV_K8S_82", "CKV_K8S_83", "CKV_K8S_85")},
    "apiserver-anonymous-auth-enabled": {_CK: ("CKV_K8S_68",)},
    "apiserver-audit-log-disabled": {_CK: ("CKV_K8S_91",)},
    "apiserver-audit-log-retention-low": {_CK: ("CKV_K8S_92", "CKV_K8S_93", "CKV_K8S_94")},
    "apiserver-authorization-insecure": {_CK: ("CKV_K8S_74", "CKV_K8S_75", "CKV_K8S_77")},
    "apiserver-encryption-config-missing": {_CK: ("CKV_K8S_104",)},
    "apiserver-etcd-cafile-missing": {_CK: ("CKV_K8S_102",)},
    "apiserver-etcd-client-cert-missing": {_CK: ("CKV_K8S_99",)},
    "apiserver-kubelet-tls-unverified": {_CK: ("CKV_K8S_72", "CKV_K8S_73")},
    "apiserver-static-credentials": {_CK: ("CKV_K8S_69", "CKV_K8S_70")},
    "apiserver-weak-setting": {_CK: ("CKV_K8S_96", "CKV_K8S_97", "CKV_K8S_100")},
    "apiserver-weak-tls": {_CK: ("CKV_K8S_105",)},
    "apparmor-unconfined": {_TR: ("KSV002",)},
    "capabilities-not-dropped": {
        _KL: ("drop-net-raw-capability",),
        _PO: ("insecureCapabilities",),
        _CK: ("CKV_K8S_28", "CKV_K8S_37"),
        _TR: ("KSV003",),
    },
    "control-plane-bind-address-exposed": {_CK: ("CKV_K8S_113", "CKV_K8S_115")},
    "control-plane-profiling-enabled": {_CK: ("CKV_K8S_90", "CKV_K8S_107", "CKV_K8S_114")},
    "controller-manager-shared-credentials": {_CK: ("CKV_K8S_108",)},
    "credential-pattern-in-manifest": {_PO: ("sensitiveConfigmapContent",)},
    "cronjob-starting-deadline-missing": {_KS: ("cronjob-has-deadline",)},
    "dangerous-capability-added": {
        _PO: ("dangerousCapabilities",),
        _CK: ("CKV_K8S_25", "CKV_K8S_39"),
        _TR: ("KSV005", "KSV022"),
    },
    "default-service-account-used": {_KL: ("default-service-account",), _CK: ("CKV_K8S_41",)},
    "deprecated-api-version": {_KS: ("stable-version",)},
    "deprecated-service-account-field": {_KL: ("deprecated-service-account-field",)},
    "env-var-duplicate": {_KL: ("duplicate-env-var",), _KS: ("environment-variable-key-duplication",)},
    "ephemeral-storage-unset": {_KS: ("container-ephemeral-storage-request-and-limit",)},
    "etcd-auto-tls-enabled": {_CK: ("CKV_K8S_118",)},
    "etcd-client-cert-auth-disabled": {_CK: ("CKV_K8S_117",)},
    "etcd-client-tls-missing": {_CK: ("CKV_K8S_116",)},
    "etcd-peer-client-cert-auth-disabled": {_CK: ("CKV_K8S_121",)},
    "etcd-peer-tls-missing": {_CK: ("CKV_K8S_119",)},
    "host-namespace-shared": {
        _KL: ("host-ipc", "host-network", "host-pid"),
        _PO: ("hostIPCSet", "hostNetworkSet", "hostPIDSet"),
        _CK: ("CKV_K8S_17", "CKV_K8S_18", "CKV_K8S_19"),
        _TR: ("KSV008", "KSV009", "KSV010"),
    },
    "host-port-used": {_PO: ("hostPortSet",), _CK: ("CKV_K8S_26",), _TR: ("KSV024",)},
    "hostpath-volume": {_PO: ("hostPathSet",), _TR: ("KSV023",)},
    "hpa-min-replicas-low": {
        _KL: ("hpa-minimum-three-replicas",),
        _KS: ("horizontalpodautoscaler-replicas",),
        _PO: ("hpaMinAvailability",),
    },
    "hpa-no-scaling-headroom": {_PO: ("hpaMaxAvailability",)},
    "hpa-target-missing": {_KL: ("dangling-horizontalpodautoscaler",), _KS: ("horizontalpodautoscaler-has-target",)},
    "image-not-pinned-by-digest": {_CK: ("CKV_K8S_43",)},
    "ingress-backend-unresolved": {_KL: ("dangling-ingress",), _KS: ("ingress-targets-service",)},
    "ingress-nginx-dangerous-annotation": {_CK: ("CKV_K8S_152", "CKV_K8S_153", "CKV_K8S_154")},
    "ingress-no-tls": {_PO: ("tlsSettingsMissing",)},
    "job-ttl-missing": {_KL: ("job-ttl-seconds-after-finished",)},
    "kubelet-anonymous-auth-enabled": {_CK: ("CKV_K8S_138",)},
    "kubelet-authorization-always-allow": {_CK: ("CKV_K8S_139",)},
    "kubelet-read-only-port-enabled": {_CK: ("CKV_K8S_141",)},
    "kubelet-weak-setting": {_CK: ("CKV_K8S_144", "CKV_K8S_145", "CKV_K8S_149", "CKV_K8S_151")},
    "liveness-equals-readiness": {_KS: ("pod-probes", "pod-probes-identical")},
    "liveness-probe-missing": {
        _KL: ("no-liveness-probe",),
        _PO: ("livenessProbeMissing",),
        _CK: ("CKV_K8S_8",),
    },
    "memory-limit-missing": {
        _KL: ("unset-memory-requirements",),
        _KS: ("container-resources",),
        _PO: ("memoryLimitsMissing",),
        _CK: ("CKV_K8S_13",),
        _TR: ("KSV018",),
    },
    "memory-request-not-limit": {_KS: ("container-memory-requests-equal-limits",)},
    "metadata-label-invalid": {_KS: ("label-values",)},
    "missing-referenced-object": {_KL: ("env-var-value-from", "non-existent-service-account")},
    "mutable-image-tag": {
        _KL: ("latest-tag",),
        _KS: ("container-image-tag",),
        _PO: ("tagNotSpecified",),
        _CK: ("CKV_K8S_14",),
        _TR: ("KSV013",),
    },
    "namespace-default-used": {_KL: ("use-namespace",), _CK: ("CKV_K8S_21",)},
    "namespace-without-default-deny": {
        _KL: ("non-isolated-pod",),
        _KS: ("pod-networkpolicy",),
        _PO: ("missingNetworkPolicy",),
    },
    "networkpolicy-peer-selects-nothing": {_KL: ("dangling-networkpolicypeer-podselector",)},
    "networkpolicy-selects-nothing": {_KL: ("dangling-networkpolicy",), _KS: ("networkpolicy-targets-pod",)},
    "node-local-persistent-data": {_KL: ("writable-host-mount",)},
    "openshift-scc-privileged": {_KL: ("scc-deny-privileged-container",)},
    "pdb-blocks-all-disruptions": {
        _KL: ("pdb-max-unavailable", "pdb-min-available"),
        _PO: ("pdbDisruptionsIsZero", "pdbMinAvailableGreaterThanHPAMinReplicas"),
    },
    "pdb-missing": {
        _KS: ("deployment-has-poddisruptionbudget", "statefulset-has-poddisruptionbudget"),
        _PO: ("missingPodDisruptionBudget",),
    },
    "pdb-no-budget": {_KS: ("poddisruptionbudget-has-policy",)},
    "pdb-unhealthy-eviction-policy-unset": {_KL: ("pdb-unhealthy-pod-eviction-policy",)},
    "port-name-invalid": {_KL: ("invalid-target-ports",), _KS: ("container-ports-check",)},
    "privilege-escalation-allowed": {
        _KL: ("privilege-escalation-container",),
        _PO: ("privilegeEscalationAllowed",),
        _CK: ("CKV_K8S_20",),
        _TR: ("KSV001",),
    },
    "privileged-container": {
        _KL: ("privileged-container",),
        _KS: ("container-security-context-privileged",),
        _PO: ("runAsPrivileged",),
        _CK: ("CKV_K8S_16",),
        _TR: ("KSV017",),
    },
    "privileged-port": {_KL: ("privileged-ports",)},
    "probe-port-unresolved": {_KL: ("liveness-port", "readiness-port", "startup-port")},
    "proc-mount-unmasked": {_KL: ("unsafe-proc-mount",), _PO: ("procMount",), _TR: ("KSV027",)},
    "rbac-cluster-admin-binding": {
        _KL: ("cluster-admin-role-binding",),
        _PO: ("clusterrolebindingClusterAdmin", "rolebindingClusterAdminClusterRole"),
    },
    "rbac-default-service-account-binding": {_CK: ("CKV_K8S_42",)},
    "rbac-escalation-permission": {
        _PO: ("clusterrolePodExecAttach", "rolePodExecAttach"),
        _CK: ("CKV_K8S_155", "CKV_K8S_156", "CKV_K8S_157", "CKV_K8S_158"),
    },
    "rbac-secrets-list-watch": {_KL: ("access-to-secrets",)},
    "rbac-wildcard": {_KL: ("wildcard-in-rules",), _CK: ("CKV_K8S_49",)},
    "rbac-workload-create": {_KL: ("access-to-create-pods",)},
    "readiness-probe-missing": {
        _KL: ("no-readiness-probe",),
        _KS: ("pod-probes",),
        _PO: ("readinessProbeMissing",),
        _CK: ("CKV_K8S_9",),
    },
    "readonly-root-filesystem-missing": {
        _KL: ("no-read-only-root-fs",),
        _KS: ("container-security-context-readonlyrootfilesystem",),
        _PO: ("notReadOnlyRootFilesystem",),
        _CK: ("CKV_K8S_22",),
        _TR: ("KSV014",),
    },
    "removed-api-version": {_KL: ("no-extensions-v1beta",), _KS: ("stable-version",)},
    "replicas-not-spread": {
        _KL: ("no-anti-affinity",),
        _KS: ("deployment-has-host-podantiaffinity", "statefulset-has-host-podantiaffinity"),
        _PO: ("topologySpreadConstraint",),
    },
    "resource-requests-missing": {
        _KL: ("unset-cpu-requirements",),
        _KS: ("container-resources",),
        _PO: ("cpuRequestsMissing", "memoryRequestsMissing"),
        _CK: ("CKV_K8S_10", "CKV_K8S_12"),
        _TR: ("KSV015", "KSV016"),
    },
    "restart-policy-invalid": {_KS: ("cronjob-restartpolicy",)},
    "rollout-strategy-recreate": {_KL: ("no-rolling-update-strategy",), _KS: ("deployment-strategy",)},
    "run-as-low-uid": {
        _KS: ("container-security-context-user-group-id",),
        _CK: ("CKV_K8S_40",),
        _TR: ("KSV020", "KSV021"),
    },
    "run-as-root-allowed": {
        _KL: ("run-as-non-root",),
        _PO: ("runAsRootAllowed",),
        _CK: ("CKV_K8S_23",),
        _TR: ("KSV012",),
    },
    "run-as-root-group": {_KL: ("run-as-non-root",), _TR: ("KSV029",)},
    "seccomp-not-runtime-default": {_KS: ("container-seccomp-profile",), _CK: ("CKV_K8S_31",), _TR: ("KSV030",)},
    "secret-consumed-as-env": {_KL: ("read-secret-from-env-var",), _CK: ("CKV_K8S_35",)},
    "secret-key-in-configmap": {_PO: ("sensitiveConfigmapContent",)},
    "secret-literal-in-env": {_KL: ("env-var-secret",), _PO: ("sensitiveContainerEnvVar",)},
    "selinux-options-custom": {_TR: ("KSV025",)},
    "sensitive-hostpath-mount": {
        _KL: ("docker-sock", "sensitive-host-mounts"),
        _CK: ("CKV_K8S_27",),
        _TR: ("KSV006",),
    },
    "service-account-token-automount": {
        _PO: ("automountServiceAccountToken",),
        _CK: ("CKV_K8S_38",),
        _TR: ("KSV036",),
    },
    "service-loadbalancer-unrestricted": {_KL: ("exposed-services",)},
    "service-nodeport-exposed": {_KL: ("exposed-services",), _KS: ("service-type",)},
    "service-selector-no-match": {_KL: ("dangling-service",), _KS: ("service-targets-pod",)},
    "servicemonitor-selects-nothing": {_KL: ("dangling-servicemonitor",)},
    "single-replica-serving-workload": {
        _KL: ("minimum-three-replicas",),
        _KS: ("deployment-replicas",),
        _PO: ("deploymentMissingReplicas",),
    },
    "ssh-port-exposed": {_KL: ("ssh-port",)},
    "statefulset-headless-service-missing": {_KS: ("statefulset-has-servicename",)},
    "unsafe-sysctl": {_KL: ("unsafe-sysctls",), _TR: ("KSV026",)},
    "volume-type-not-restricted": {_TR: ("KSV028",)},
    "windows-hostprocess-container": {_PO: ("hostProcess",)},
    "workload-replicas-with-hpa": {_KS: ("deployment-targeted-by-hpa-does-not-have-replicas-configured",)},
    "workload-selector-mismatch": {
        _KL: ("mismatching-selector",),
        _KS: (
            "deployment-pod-selector-labels-match-template-metadata-labels",
            "statefulset-pod-selector-labels-match-template-metadata-labels",
        ),
    },
}

_EMPTY: Mapping[str, tuple[str, ...]] = {}
_AVD = re.compile(r"AVD-(KSV|KCV)-([0-9]{4,5})", re.IGNORECASE)


def peers_of(rule_id: str) -> Mapping[str, tuple[str, ...]]:
    """The peers' equivalent check ids of a kubelint rule, in `PEERS` order (empty: none)."""
    found = EQUIVALENTS.get(rule_id)
    if not found:
        return _EMPTY
    return {name: found[name] for name in PEER_NAMES if name in found}


def trivy_avd_id(check_id: str) -> str:
    """`KSV017` -> `AVD-KSV-0017`, the form Trivy prints and `.trivyignore` files use."""
    prefix, number = check_id[:3], check_id[3:]
    return f"AVD-{prefix}-{int(number):04d}"


def display_ids(peer: str, ids: tuple[str, ...]) -> list[str]:
    """Check ids as the peer's users know them (Trivy: both forms)."""
    if peer == _TR:
        return [f"{check} ({trivy_avd_id(check)})" for check in ids]
    return list(ids)


@cache
def _reverse() -> Mapping[tuple[str, str], tuple[str, ...]]:
    index: dict[tuple[str, str], list[str]] = {}
    for rule_id in sorted(EQUIVALENTS):
        for peer, ids in EQUIVALENTS[rule_id].items():
            for check in ids:
                index.setdefault((peer, check), []).append(rule_id)
    return {key: tuple(rules) for key, rules in index.items()}


def canonical(peer: str, check: str) -> str:
    """A check id as the table spells it (Checkov and Trivy ids upper case, Trivy's AVD form short)."""
    check = check.strip()
    if peer == _TR:
        avd = _AVD.fullmatch(check)
        if avd:
            return f"{avd.group(1).upper()}{int(avd.group(2)):03d}"
        return check.upper()
    if peer == _CK:
        return check.upper()
    return check


def rules_for(peer: str, check: str) -> tuple[str, ...]:
    """The kubelint rules equivalent to one check of `peer` (empty: none)."""
    return _reverse().get((peer, canonical(peer, check)), ())


def lookup(text: str) -> list[tuple[str, str, tuple[str, ...]]]:
    """(peer, check id, kubelint rules) for every peer with a check named `text`; `peer:check`
    looks in that peer only. Checkov and Trivy ids match in any case, Trivy in both forms."""
    name, sep, rest = text.partition(":")
    peers = [name] if sep and name in BY_NAME else list(PEER_NAMES)
    check = rest if sep and name in BY_NAME else text
    found = []
    for peer in peers:
        rules = rules_for(peer, check)
        if rules:
            found.append((peer, canonical(peer, check), rules))
    return found


def id_shape_ok(peer: str, check: str) -> bool:
    return re.fullmatch(BY_NAME[peer].id_pattern, check) is not None
