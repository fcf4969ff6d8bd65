"""What exists only at run time: controller-added pod labels, Helm hooks, producers of
objects, operator custom resources and directories that did not load whole
(docs/severity-policy.md, "What certainly means for cross-object rules")."""

from __future__ import annotations

import pytest

from kubelint_py.input.loader import LoadOptions, LoadResult, load_text
from kubelint_py.k8s.producers import ProducerIndex, is_operator_resource
from kubelint_py.k8s.selectors import selector_from_label_selector, selector_from_map
from kubelint_py.k8s.workloads import helm_hooks, is_helm_test, runtime_pod_labels
from kubelint_py.model import Document, LoadProblem, Pos, Source, Span
from kubelint_py.run.context import LintContext, incomplete_files
from tests.helpers import lint_sources


def docs(text: str, name: str = "t.yaml") -> list[Document]:
    result = LoadResult()
    load_text(name, text, True, LoadOptions(), result)
    return result.documents


STATEFULSET = """\
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: redis, namespace: data}
spec:
  replicas: 3
  template:
    metadata: {labels: {app: redis}}
    spec: {containers: [{name: r, image: redis}]}
"""


def test_statefulset_pods_carry_name_index_and_revision() -> None:
    (doc,) = docs(STATEFULSET)
    labels = runtime_pod_labels(doc)
    assert labels["statefulset.kubernetes.io/pod-name"] == frozenset({"redis-0", "redis-1", "redis-2"})
    assert labels["apps.kubernetes.io/pod-index"] == frozenset({"0", "1", "2"})
    assert labels["controller-revision-hash"] is None
    assert runtime_pod_labels(doc, max_replicas=5)["apps.kubernetes.io/pod-index"] == frozenset(map(str, range(5)))
    templated = docs(STATEFULSET.replace("replicas: 3", "replicas: '{{ .Values.replicas }}'"))[0]
    assert runtime_pod_labels(templated)["statefulset.kubernetes.io/pod-name"] is None


@pytest.mark.parametrize(
    ("selector", "matches"),
    [
        ({"matchLabels": {"app": "redis", "statefulset.kubernetes.io/pod-name": "redis-2"}}, True),
        ({"matchLabels": {"statefulset.kubernetes.io/pod-name": "redis-3"}}, False),
        ({"matchExpressions": [{"key": "controller-revision-hash", "operator": "Exists"}]}, True),
        ({"matchExpressions": [{"key": "controller-revision-hash", "operator": "DoesNotExist"}]}, False),
        ({"matchExpressions": [{"key": "controller-revision-hash", "operator": "In", "values": ["abc"]}]}, True),
        ({"matchExpressions": [{"key": "apps.kubernetes.io/pod-index", "operator": "In", "values": ["7", "1"]}]}, True),
        ({"matchExpressions": [{"key": "apps.kubernetes.io/pod-index", "operator": "In", "values": ["7"]}]}, False),
        (
            {"matchExpressions": [{"key": "apps.kubernetes.io/pod-index", "operator": "NotIn", "values": ["0", "1"]}]},
            True,
        ),
        (
            {
                "matchExpressions": [
                    {"key": "apps.kubernetes.io/pod-index", "operator": "NotIn", "values": ["0", "1", "2"]}
                ]
            },
            False,
        ),
        ({"matchLabels": {"pod-template-hash": "abc"}}, False),  # a StatefulSet's pods have none
    ],
)
def test_selectors_see_controller_added_labels(selector: dict[str, object], matches: bool) -> None:
    ctx = LintContext(docs(STATEFULSET))
    found = ctx.pod_templates_matching(selector_from_label_selector(selector), "data")
    assert bool(found) is matches


def test_job_labels_and_manual_selector() -> None:
    job = "apiVersion: batch/v1\nkind: Job\nmetadata: {name: migrate}\nspec:\n  template:\n    spec: {}\n"
    (doc,) = docs(job)
    assert runtime_pod_labels(doc)["job-name"] == frozenset({"migrate"})
    assert runtime_pod_labels(doc)["batch.kubernetes.io/controller-uid"] is None
    (manual,) = docs(job.replace("spec:\n  template", "spec:\n  manualSelector: true\n  template"))
    assert runtime_pod_labels(manual) == {}
    cron = (
        "apiVersion: batch/v1\nkind: CronJob\nmetadata: {name: backup}\nspec:\n  jobTemplate:\n"
        "    spec:\n      template:\n        spec: {}\n"
    )
    assert runtime_pod_labels(docs(cron)[0])["batch.kubernetes.io/job-name"] is None  # backup-<hash>


HOOKS = """\
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: w, image: nginx}]}
---
apiVersion: v1
kind: Pod
metadata:
  name: web-test
  labels: {app: web}
  annotations: {helm.sh/hook: "test"}
spec: {containers: [{name: t, image: busybox}]}
---
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  selector: {app: web}
  ports: [{port: 80}]
"""


def test_helm_hooks_are_not_part_of_the_application() -> None:
    ctx = LintContext(docs(HOOKS))
    test_pod = ctx.of_kind("Pod")[0]
    assert helm_hooks(test_pod) == frozenset({"test"}) and is_helm_test(test_pod)
    web = selector_from_map({"app": "web"})
    assert [t.doc.kind for t in ctx.pod_templates_matching(web, "default")] == ["Deployment"]
    assert [t.doc.name for t in ctx.hook_templates_matching(web, "default")] == ["web-test"]
    assert [t.doc.kind for t in ctx.workloads()] == ["Deployment"]
    hook = ctx.hook_templates_matching(web, "default")[0]
    assert not ctx.is_serving(hook) and ctx.is_serving(ctx.workloads()[0])


@pytest.mark.parametrize(
    ("api_version", "kind", "operator"),
    [
        ("monitoring.coreos.com/v1", "Prometheus", True),
        ("monitoring.coreos.com/v1", "ServiceMonitor", False),
        ("postgresql.cnpg.io/v1", "Cluster", True),
        ("kafka.strimzi.io/v1beta2", "Kafka", True),
        ("cert-manager.io/v1", "Certificate", False),
        ("cert-manager.io/v1", "ClusterIssuer", False),
        ("external-secrets.io/v1beta1", "ClusterSecretStore", False),
        ("example.com/v1", "ClusterWidget", False),  # Cluster*: cluster-scoped by convention
        ("gateway.networking.k8s.io/v1", "Gateway", True),
        ("gateway.networking.k8s.io/v1", "HTTPRoute", False),
        ("autoscaling.k8s.io/v1", "VerticalPodAutoscaler", False),
        ("apps/v1", "Deployment", False),
        ("apiextensions.k8s.io/v1", "CustomResourceDefinition", False),
        ("keda.sh/v1alpha1", "ScaledJob", True),
    ],
)
def test_operator_resources(api_version: str, kind: str, operator: bool) -> None:
    (doc,) = docs(f"apiVersion: {api_version}\nkind: {kind}\nmetadata: {{name: x, namespace: ns}}\nspec: {{}}\n")
    assert is_operator_resource(doc) is operator


def test_a_workload_like_custom_resource_is_indexed_not_an_operator_resource() -> None:
    (rollout,) = docs(
        "apiVersion: argoproj.io/v1alpha1\nkind: Rollout\nmetadata: {name: web}\nspec:\n  template:\n"
        "    metadata: {labels: {app: web}}\n    spec: {containers: [{name: w, image: nginx}]}\n"
    )
    assert not is_operator_resource(rollout)
    ctx = LintContext([rollout])
    assert ctx.pod_templates_matching(selector_from_map({"app": "web", "rollouts-pod-template-hash": "x"}), "default")


PRODUCERS = """\
apiVersion: external-secrets.io/v1beta1
kind: ClusterExternalSecret
metadata: {name: pull}
spec:
  externalSecretName: pull-es
  externalSecretSpec: {secretStoreRef: {name: vault}}
---
apiVersion: bitnami.com/v1alpha1
kind: SealedSecret
metadata: {name: sealed, namespace: a}
spec:
  template: {metadata: {name: unsealed, namespace: b}}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: cm-writer}
rules: [{apiGroups: [""], resources: [configmaps], verbs: ["*"]}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: cm-writer, namespace: c}
roleRef: {kind: ClusterRole, name: cm-writer}
subjects: [{kind: Group, name: "system:serviceaccounts:jobs"}]
---
apiVersion: batch/v1
kind: Job
metadata: {name: render, namespace: jobs}
spec:
  template:
    spec: {containers: [{name: r, image: x}]}
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db, namespace: a}
spec:
  template: {spec: {containers: [{name: d, image: x}]}}
  volumeClaimTemplates: [{metadata: {name: data}}]
"""


def test_producer_index() -> None:
    documents = docs(PRODUCERS)
    ctx = LintContext(documents)
    index = ProducerIndex(documents, ctx.namespace_of)
    # ClusterExternalSecret: the ExternalSecret name is its target default, in any namespace
    assert index.producer("Secret", "anywhere", "pull-es") is not None
    assert index.producer("Secret", "b", "unsealed") is not None
    assert index.producer("Secret", "a", "unsealed") is None
    # a RoleBinding in c grants the service accounts of namespace jobs: they write ConfigMaps in c
    found = index.producer("ConfigMap", "c", "anything")
    assert found is not None and found.doc is not None and found.doc.name == "render"
    assert index.producer("ConfigMap", "jobs", "anything") is None
    assert index.producer("PersistentVolumeClaim", "a", "data-db-4") is not None
    assert index.producer("PersistentVolumeClaim", "a", "data-db") is None
    assert index.producer("Secret", "a", "default-token-abcde") is not None
    assert index.producer("Secret", "a", "ghost-token-abcde") is None


def test_may_exist_facts_survive_assume_complete_guesses_do_not() -> None:
    documents = docs(
        "apiVersion: cert-manager.io/v1\nkind: Certificate\nmetadata: {name: c, namespace: a}\n"
        "spec: {secretName: tls}\n---\n"
        "apiVersion: postgresql.cnpg.io/v1\nkind: Cluster\nmetadata: {name: db, namespace: a}\nspec: {}\n"
    )
    ctx = LintContext(documents)
    near = documents[0]
    assert ctx.may_exist("Secret", "a", "tls", near=near, assume_complete=True)
    assert ctx.may_exist("Secret", "a", "db-app", near=near)
    assert ctx.may_exist("Secret", "a", "db-app", near=near, assume_complete=True) is None
    assert ctx.may_exist("ConfigMap", "a", "db-config", near=near) is None  # operators: Pods, Services, Secrets
    assert ctx.unseen_pods("a", near=near) and ctx.unseen_pods("b", near=near) is None


VTGATE_SERVICE = """\
apiVersion: v1
kind: Service
metadata: {name: vtgate}
spec:
  selector: {component: vtgate, app: vitess}
  ports: [{port: 15991}]
---
apiVersion: v1
kind: ReplicationController
metadata: {name: vttablet}
spec:
  template:
    metadata: {labels: {component: vttablet, app: vitess}}
    spec: {containers: [{name: t, image: vitess/lite}]}
"""
# the vtgate controller is a template with {{replicas}} placeholders: it does not parse
VTGATE_TEMPLATE = "apiVersion: v1\nkind: ReplicationController\nspec:\n  replicas: {{replicas}}\n  x: [\n"


def _selector_findings(sources: list[Source], *, assume_complete: bool = False) -> list[str]:
    report = lint_sources(sources, select=["service-selector-no-match"], assume_complete=assume_complete)
    # input problems (the template's yaml-syntax) are reported whatever the selection
    return [f.file for f in report.findings if f.rule_id == "service-selector-no-match"]


def test_a_directory_with_a_file_that_does_not_load_is_not_complete() -> None:
    broken = [
        Source("vitess/vtgate-service.yaml", VTGATE_SERVICE.encode()),
        Source("vitess/vtgate-controller-template.yaml", VTGATE_TEMPLATE.encode()),
    ]
    assert _selector_findings(broken) == []
    assert _selector_findings(broken, assume_complete=True) == ["vitess/vtgate-service.yaml"]
    elsewhere = [broken[0], Source("other/vtgate-controller-template.yaml", VTGATE_TEMPLATE.encode())]
    assert _selector_findings(elsewhere) == ["vitess/vtgate-service.yaml"]


def test_incomplete_files_from_load_problems() -> None:
    span = Span(Pos(1, 1), Pos(1, 2))
    problems = [
        LoadProblem("a/x.yaml", span, "yaml-syntax", "bad"),
        LoadProblem("b/y.yaml", span, "yaml-duplicate-key", "dup"),
    ]
    assert incomplete_files(problems, ["chart/templates/svc.yaml"]) == ["a/x.yaml", "chart/templates/svc.yaml"]


GUESTBOOK_SERVICE = """\
apiVersion: v1
kind: Service
metadata: {name: guestbook}
spec:
  selector: {app: guestbook}
  ports: [{port: 3000, targetPort: http-server}]
"""
GUESTBOOK_GO = """\
apiVersion: v1
kind: ReplicationController
metadata: {name: guestbook}
spec:
  template:
    metadata: {labels: {app: guestbook}}
    spec: {containers: [{name: g, image: guestbook, ports: [{name: http-server, containerPort: 3000}]}]}
"""
GUESTBOOK_PHP = """\
apiVersion: apps/v1
kind: Deployment
metadata: {name: frontend}
spec:
  template:
    metadata: {labels: {app: guestbook, tier: frontend}}
    spec: {containers: [{name: php, image: gb-frontend, ports: [{containerPort: 80}]}]}
"""


def _name_findings(sources: list[Source]) -> list[str]:
    report = lint_sources(sources, select=["service-targetport-name-unresolved"])
    return [f.message for f in report.findings]


def test_partial_coverage_only_counts_the_services_own_directory() -> None:
    """k8s-examples: guestbook-go's Service also selects the other guestbook example's
    Deployment (same default namespace, same labels); its own controller declares the port."""
    service = Source("guestbook-go/guestbook-service.yaml", GUESTBOOK_SERVICE.encode())
    controller = Source("guestbook-go/guestbook-controller.yaml", GUESTBOOK_GO.encode())
    assert _name_findings([service, controller, Source("guestbook/frontend.yaml", GUESTBOOK_PHP.encode())]) == []
    (message,) = _name_findings([service, controller, Source("guestbook-go/frontend.yaml", GUESTBOOK_PHP.encode())])
    assert "Deployment default/frontend, whose pods get no endpoint" in message
    (message,) = _name_findings([service, Source("guestbook/frontend.yaml", GUESTBOOK_PHP.encode())])
    assert "no selected pod declares it" in message
