"""What each guidance document protects against, in a few paragraphs people read.

Data for the generated pages docs/guidance/<slug>.md (kubelint_py/output/ruledoc.py renders them
with the rules that implement each document). Keyed by the slugs of kubelint_py/guidance.py;
tests/test_guidance_docs.py checks that every document has its text.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import NamedTuple


class GuidanceDoc(NamedTuple):
    protects_against: str  # one sentence: the failure this guidance prevents
    paragraphs: tuple[str, ...]  # what goes wrong, how, and what the rules look at


GUIDANCE_DOCS: Mapping[str, GuidanceDoc] = {
    "windows-workloads": GuidanceDoc(
        "Pods that land on the wrong operating system and never start, and Windows-only settings that silently "
        "do nothing.",
        (
            "In a cluster with both Linux and Windows nodes the scheduler places a pod on any node that fits unless "
            "the pod says otherwise. A Linux image scheduled onto a Windows node (or the reverse) sits in "
            "`ContainerCreating` with an image-pull or sandbox error, and a rollout that depends on it never "
            "finishes. The fix is always explicit: a `kubernetes.io/os` node selector or affinity, plus tolerations "
            "for the taint Windows node pools usually carry.",
            "Windows containers also ignore or reject a set of Linux-only fields (privileged mode, `runAsUser`, "
            "host paths of Linux form, SELinux and seccomp options) and have their own identity settings "
            "(`runAsUserName`, gMSA credential specs). The rules of this document check that Windows workloads are "
            "steered to Windows nodes, that Linux workloads cannot drift onto them in a mixed cluster, and that "
            "Windows pods do not rely on settings the Windows kubelet ignores.",
        ),
    ),
    "network-connectivity": GuidanceDoc(
        "Traffic that never arrives: Services that select no pods, ports that point nowhere, NetworkPolicies that "
        "drop what they should allow, and pods that cannot resolve names.",
        (
            "Most connectivity incidents are wiring mistakes visible in the manifests: a Service selector that "
            "matches no pod template labels (no endpoints, so every request is refused), a `targetPort` naming a "
            "port the container does not declare, an Ingress backend pointing at a Service or port that does not "
            "exist, or a StatefulSet whose `serviceName` has no headless Service so its pods get no stable DNS "
            "names.",
            "NetworkPolicies fail closed: once a pod is selected by a policy of a given direction, everything not "
            "allowed is dropped. An egress policy that forgets DNS (UDP and TCP 53 to the cluster resolver) breaks "
            "every name lookup; a selector that matches nothing protects nothing. Host-network pods use the node's "
            "resolver unless told otherwise, so they cannot resolve cluster Service names. The rules of this "
            "document follow selectors, ports and policies across objects the way kube-proxy, the endpoints "
            "controller and the network plugin do, and point at the object on the other end of each broken link.",
        ),
    ),
    "cluster-migration": GuidanceDoc(
        "Manifests that cannot be applied to the new cluster: removed API versions, missing dependencies and "
        "identifiers that only made sense in the old one.",
        (
            "Moving workloads to another cluster, or upgrading one, is where old manifests meet a newer API server. "
            "An apiVersion the target release no longer serves makes `kubectl apply` and Helm upgrades fail "
            "outright; a deprecated one works today and breaks at the next upgrade. kubelint compares every object "
            "with a versioned table of deprecations and removals for the `--target-version` you give it.",
            "Other breakage is quieter: hard-coded `clusterIP`s and node names, cloud-provider annotations and "
            "storage classes of the old platform, `status` and `resourceVersion` copied from a live export, "
            "references to ConfigMaps, Secrets, CRDs or namespaces that are not part of what you move, and reclaim "
            "policies that delete data when the old cluster's claims are released. The rules of this document find "
            "what will not survive the move before the move.",
        ),
    ),
    "traffic-spike": GuidanceDoc(
        "Outages under load: workloads that cannot scale, get evicted or throttled, or drop requests while "
        "scaling and rolling.",
        (
            "A traffic spike turns small configuration gaps into outages. Pods without CPU and memory requests "
            "cannot be autoscaled and are the first evicted under node pressure; a HorizontalPodAutoscaler whose "
            "target has a fixed `replicas` fights every deploy; a VerticalPodAutoscaler on the same resource as an "
            "HPA makes the two controllers oscillate.",
            "Capacity also has to survive voluntary disruption: without a PodDisruptionBudget a node drain during "
            "the spike can take every replica at once, while a budget that allows no disruption blocks node "
            "upgrades entirely. Pods that stop without a preStop delay or a long enough termination grace period "
            "drop in-flight requests each time the autoscaler scales in. The rules of this document check "
            "requests, autoscaler targets, disruption budgets and graceful shutdown together.",
        ),
    ),
    "failed-deployment": GuidanceDoc(
        "Deployments that break production and cannot be rolled back: no health checks, no history, mutable "
        "images and rollout settings that take everything down at once.",
        (
            "A rollout is only as safe as the signals it waits for. Without readiness probes a new pod receives "
            "traffic before it can serve; without a progress deadline a stuck rollout is never reported as failed; "
            "`maxUnavailable` of 100 % or a `Recreate` strategy removes every old pod before a new one is ready.",
            "Recovery depends on having something to return to: `revisionHistoryLimit: 0` deletes every previous "
            "ReplicaSet, a `:latest` or unpinned tag means the previous revision pulls new code anyway, and "
            "configuration changed in a ConfigMap without a rollout leaves pods running a mix of old and new "
            "settings. The rules of this document look at strategy, probes, history, image references and hooks, "
            "so that `kubectl rollout undo` works when it is needed.",
        ),
    ),
    "secret-management": GuidanceDoc(
        "Credentials that leak: secrets written into manifests, copied into environment variables and command "
        "lines, or reachable through tokens and permissions nobody needed.",
        (
            "A credential committed in plain text in a manifest is in every clone, fork, CI log and backup of the "
            "repository, and rotating it means finding all of them. kubelint recognises well-known token formats "
            "and sensitive keys in ConfigMaps, Secrets' `stringData`, environment variables and command lines, and "
            "never prints the value it found.",
            "Secrets that are stored properly can still leak at run time: values injected as environment variables "
            "appear in crash dumps and `kubectl describe`, volumes mounted world-readable are open to every process "
            "in the pod, and automatically mounted service-account tokens give whoever gets code execution the "
            "pod's API permissions. The rules of this document also flag RBAC that lets a role list or watch every "
            "Secret, long-lived projected tokens and external-secret sync settings that stop refreshing.",
        ),
    ),
    "securing-etcd": GuidanceDoc(
        "Reading or rewriting the whole cluster state through etcd: plaintext traffic, unauthenticated clients "
        "and Secrets stored unencrypted on disk.",
        (
            "etcd holds every object of the cluster, Secrets included. Whoever can talk to it directly bypasses "
            "authentication, authorization and admission entirely, so etcd must require TLS with client "
            "certificates for both clients and peers, and must not trust the certificate authority that signs "
            "ordinary API clients.",
            "The API server is etcd's main client: it has to connect over HTTPS, verify etcd's certificate and "
            "present its own. Data at rest is the last line of defence for disks, snapshots and backups: without "
            "an encryption configuration (preferably a KMS v2 provider rather than a key in a file next to the "
            "data) Secrets are stored in plain text. The rules of this document read etcd and kube-apiserver "
            "static pods, their flags and config files, and the EncryptionConfiguration itself.",
        ),
    ),
    "securing-ingress": GuidanceDoc(
        "Attacks through the front door: unencrypted traffic, open sensitive paths, missing rate limits and "
        "controller settings that let users inject configuration.",
        (
            "An Ingress or Gateway is the cluster's public surface. Listeners without TLS or without a redirect to "
            "HTTPS expose credentials and cookies in transit; a TLS section that names a missing Secret silently "
            "serves the controller's default certificate; a catch-all host answers for names you never meant to "
            "serve.",
            "Controller-specific annotations decide much of the security: ingress-nginx snippets can inject "
            "arbitrary configuration (the cause of several critical CVEs), weak TLS protocol and cipher settings "
            "re-enable broken cryptography, and admin or metrics paths without authentication or source limits are "
            "found by scanners within hours. The rules of this document check TLS, redirects, authentication, rate "
            "limits, WAF settings and the exposure of Services that bypass the ingress altogether.",
        ),
    ),
    "cluster-hardening": GuidanceDoc(
        "A compromised container becoming a compromised node or cluster: excess privileges, host access, broad "
        "RBAC and weak control-plane settings.",
        (
            "Containers share the node's kernel. Privileged mode, added capabilities, host namespaces and host "
            "path mounts, running as root, writable root file systems, privilege escalation through setuid "
            "binaries and the absence of a seccomp profile each widen the path from a foothold in one container to "
            "the node and every pod on it. The Pod Security Standards (Baseline and Restricted) and the CIS "
            "Kubernetes Benchmark describe the settings; kubelint checks them on every workload template.",
            "The same applies one level up: RBAC roles with wildcards or escalation verbs (`bind`, `escalate`, "
            "`impersonate`, creating pods in privileged namespaces), namespaces without Pod Security admission, "
            "images from registries you do not control, and API server and kubelet flags that allow anonymous or "
            "unauthenticated access. Many of the pod-level settings are fixable automatically with `kubelint fix`.",
        ),
    ),
    "incident-response": GuidanceDoc(
        "Investigations without evidence: API servers that keep no audit trail, or keep it where it is lost or "
        "too short-lived to use.",
        (
            "When something goes wrong the first question is who did what, and only the API server's audit log "
            "can answer it. Without `--audit-log-path` or a webhook backend there is no record; without an audit "
            "policy the backend records nothing; a policy file or log directory that is not mounted from the host "
            "disappears with the container.",
            "Retention matters as much as collection: intrusions are often discovered weeks later, so logs must be "
            "kept long enough and shipped off the node. The rules of this document read kube-apiserver static pods "
            "and audit policies, including policies that use removed API versions and would stop the API server "
            "from starting after an upgrade.",
        ),
    ),
    "kubelint": GuidanceDoc(
        "Reports you cannot trust: input kubelint could not read, and suppressions that no longer suppress anything.",
        (
            "A linter that silently skips a broken file reports a clean run for a repository it never read. "
            "kubelint reports YAML syntax errors, duplicate keys (which `kubectl` rejects), files too large to "
            "read safely and unreadable inputs as findings, so a broken manifest fails the build instead of "
            "passing it.",
            "Suppressions are debt with an explanation; one that matches nothing is stale and hides nothing but "
            "the intent of the next reader. `unused-suppression` points at them, and `internal-error` reports a "
            "rule that crashed so a bug in kubelint never looks like a clean result.",
        ),
    ),
}
