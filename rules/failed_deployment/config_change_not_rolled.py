"""config-change-not-rolled (rule-catalog §5)."""

import re
from collections.abc import Iterator, Mapping

from kubelint_py.k8s.workloads import is_deployment_like
from kubelint_py.rule_api import (
    ContainerScope,
    Document,
    FieldPath,
    RuleContext,
    Severity,
    Violation,
    containers,
    pod_spec,
    pod_spec_path,
    rule,
)

HASH_SUFFIX = re.compile(r"-[a-z0-9]{10}$")

_FAIL = """\
apiVersion: v1
kind: ConfigMap
metadata: {name: web-config, namespace: shop}
data: {LOG_LEVEL: info}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
        - name: app
          image: "shop/web:1.4.2"
          envFrom:
            - configMapRef: {name: web-config}
"""
_PASS = _FAIL.replace(
    "      labels: {app: web}\n",
    "      labels: {app: web}\n      annotations: {checksum/config: 5f2c0d1e}\n",
)


def _references(doc: Document) -> Iterator[tuple[str, str, FieldPath]]:
    """(kind, name, path) of every ConfigMap/Secret the pod template consumes."""
    spec_path = pod_spec_path(doc)
    if spec_path is None:
        return
    volumes = pod_spec(doc).get("volumes")
    # exact type checks first (the loader's plain dicts, the usual absent None): an ABC
    # isinstance check costs ten times more, and this runs for every volume and env entry
    for number, volume in enumerate(volumes if isinstance(volumes, list) else ()):
        if not (type(volume) is dict or isinstance(volume, Mapping)):
            continue
        base: FieldPath = (*spec_path, "volumes", number)
        config_map, secret = volume.get("configMap"), volume.get("secret")
        if config_map is not None and isinstance(config_map, Mapping) and isinstance(config_map.get("name"), str):
            yield "ConfigMap", str(config_map["name"]), (*base, "configMap", "name")
        if secret is not None and isinstance(secret, Mapping) and isinstance(secret.get("secretName"), str):
            yield "Secret", str(secret["secretName"]), (*base, "secret", "secretName")
        projected = volume.get("projected")
        sources = projected.get("sources") if projected is not None and isinstance(projected, Mapping) else None
        for index, source in enumerate(sources if isinstance(sources, list) else ()):
            if not isinstance(source, Mapping):
                continue
            for field, kind in (("configMap", "ConfigMap"), ("secret", "Secret")):
                ref = source.get(field)
                if isinstance(ref, Mapping) and isinstance(ref.get("name"), str):
                    yield kind, str(ref["name"]), (*base, "projected", "sources", index, field, "name")
    for container in containers(doc, ContainerScope.ALL):
        env_from = container.data.get("envFrom")
        for index, item in enumerate(env_from if isinstance(env_from, list) else ()):
            if not (type(item) is dict or isinstance(item, Mapping)):
                continue
            for field, kind in (("configMapRef", "ConfigMap"), ("secretRef", "Secret")):
                ref = item.get(field)
                if ref is not None and isinstance(ref, Mapping) and isinstance(ref.get("name"), str):
                    yield kind, str(ref["name"]), (*container.path, "envFrom", index, field, "name")
        env = container.data.get("env")
        for index, var in enumerate(env if isinstance(env, list) else ()):
            value_from = var.get("valueFrom") if type(var) is dict or isinstance(var, Mapping) else None
            if value_from is None or not (type(value_from) is dict or isinstance(value_from, Mapping)):
                continue
            for field, kind in (("configMapKeyRef", "ConfigMap"), ("secretKeyRef", "Secret")):
                ref = value_from.get(field)
                if ref is not None and isinstance(ref, Mapping) and isinstance(ref.get("name"), str):
                    yield kind, str(ref["name"]), (*container.path, "env", index, "valueFrom", field, "name")


@rule(
    id="config-change-not-rolled",
    title="Config changes do not roll the pods",
    document="failed-deployment",
    severity=Severity.INFO,
    kind_groups=("workload",),
    category="reliability",
    cross_object=True,
    rationale="""
Pods read ConfigMaps and Secrets at start (env vars) or see them change underneath (volumes,
after a delay). Editing a ConfigMap in place therefore triggers no rollout: a bad config
reaches pods unpredictably as they restart, readiness gates never get a chance to stop it,
and `kubectl rollout undo` restores the old pod template but not the old config. Naming
the object with a content hash (kustomize/Helm generators) or putting a `checksum/...`
annotation on the pod template ties config to the revision. Checked on kinds that roll
out their template (Deployment and Deployment-like kinds, StatefulSet, DaemonSet) and only
for objects defined in the input; immutable ConfigMaps/Secrets are skipped (they can only
be replaced under a new name, which changes the template).
""",
    remediation=(
        "Use kustomize configMapGenerator/secretGenerator (hash suffix) or a `checksum/config` pod-template annotation."
    ),
    examples=(_FAIL, _PASS),
    references=(
        "https://kubernetes.io/docs/concepts/configuration/configmap/#mounted-configmaps-are-updated-automatically",
        "https://helm.sh/docs/howto/charts_tips_and_tricks/#automatically-roll-deployments",
        "https://kubectl.docs.kubernetes.io/references/kustomize/kustomization/configmapgenerator/",
    ),
)
def check(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    if doc.kind not in ("StatefulSet", "DaemonSet") and not is_deployment_like(doc):
        return
    spec_path = pod_spec_path(doc)
    if spec_path is None:
        return
    annotations = doc.mapping(*spec_path[:-1], "metadata", "annotations")
    if any(str(key).startswith("checksum/") for key in annotations):
        return
    namespace = ctx.namespace_of(doc)
    seen: set[tuple[str, str]] = set()
    for kind, name, path in _references(doc):
        if (kind, name) in seen or HASH_SUFFIX.search(name):
            continue
        seen.add((kind, name))
        target = ctx.get(kind, namespace, name)
        if target is None or target.value("immutable") is True:
            continue
        yield Violation(
            f'consumes {kind} "{name}", which has no content-hash suffix, and the pod template has no checksum/ '
            "annotation: editing it neither rolls the pods nor is undone by a rollback",
            path,
            related=((target, ("metadata", "name"), f"{kind} defined here"),),
        )
