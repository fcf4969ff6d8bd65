"""config-change-not-rolled (rule-catalog §5)."""

import re
from collections.abc import Iterator, Mapping
from typing import NamedTuple

from kubelint_py.rule_api import (
    ContainerRef,
    ContainerScope,
    Document,
    FieldPath,
    RuleContext,
    Violation,
    containers,
    pod_spec,
    pod_spec_path,
    rule,
)

HASH_SUFFIX = re.compile(r"-[a-z0-9]{10}$")


class _Ref(NamedTuple):
    kind: str  # ConfigMap or Secret
    name: str
    path: FieldPath
    volume: str | None  # the pod volume it is mounted through; None for env and envFrom


def _references(doc: Document) -> Iterator[_Ref]:
    """Every ConfigMap/Secret the pod template consumes, with the volume it is mounted through."""
    spec_path = pod_spec_path(doc)
    if spec_path is None:
        return
    volumes = pod_spec(doc).get("volumes")
    # exact type checks first (the loader's plain dicts, the usual absent None): an ABC
    # isinstance check costs ten times more, and this runs for every volume and env entry
    for number, volume in enumerate(volumes if isinstance(volumes, list) else ()):
        if not (type(volume) is dict or isinstance(volume, Mapping)):
            continue
        yield from _volume_references(volume, (*spec_path, "volumes", number))
    for container in containers(doc, ContainerScope.ALL):
        yield from _env_references(container)


def _volume_references(volume: Mapping[str, object], base: FieldPath) -> Iterator[_Ref]:
    label = volume.get("name")
    mount = label if isinstance(label, str) else None
    config_map, secret = volume.get("configMap"), volume.get("secret")
    if config_map is not None and isinstance(config_map, Mapping) and isinstance(config_map.get("name"), str):
        yield _Ref("ConfigMap", str(config_map["name"]), (*base, "configMap", "name"), mount)
    if secret is not None and isinstance(secret, Mapping) and isinstance(secret.get("secretName"), str):
        yield _Ref("Secret", str(secret["secretName"]), (*base, "secret", "secretName"), mount)
    projected = volume.get("projected")
    sources = projected.get("sources") if projected is not None and isinstance(projected, Mapping) else None
    for index, source in enumerate(sources if isinstance(sources, list) else ()):
        if not isinstance(source, Mapping):
            continue
        for field, kind in (("configMap", "ConfigMap"), ("secret", "Secret")):
            ref = source.get(field)
            if isinstance(ref, Mapping) and isinstance(ref.get("name"), str):
                yield _Ref(kind, str(ref["name"]), (*base, "projected", "sources", index, field, "name"), mount)


def _env_references(container: ContainerRef) -> Iterator[_Ref]:
    env_from = container.data.get("envFrom")
    for index, item in enumerate(env_from if isinstance(env_from, list) else ()):
        if not (type(item) is dict or isinstance(item, Mapping)):
            continue
        for field, kind in (("configMapRef", "ConfigMap"), ("secretRef", "Secret")):
            ref = item.get(field)
            if ref is not None and isinstance(ref, Mapping) and isinstance(ref.get("name"), str):
                yield _Ref(kind, str(ref["name"]), (*container.path, "envFrom", index, field, "name"), None)
    env = container.data.get("env")
    for index, var in enumerate(env if isinstance(env, list) else ()):
        value_from = var.get("valueFrom") if type(var) is dict or isinstance(var, Mapping) else None
        if value_from is None or not (type(value_from) is dict or isinstance(value_from, Mapping)):
            continue
        for field, kind in (("configMapKeyRef", "ConfigMap"), ("secretKeyRef", "Secret")):
            ref = value_from.get(field)
            if ref is not None and isinstance(ref, Mapping) and isinstance(ref.get("name"), str):
                path = (*container.path, "env", index, "valueFrom", field, "name")
                yield _Ref(kind, str(ref["name"]), path, None)


# -- changes that reach the pods without a rollout, by design ---------------------------------

# Sidecars that watch mounted files and make the main process reload them (prometheus-operator's
# config-reloader, jimmidyson/configmap-reload, kiwigrid/k8s-sidecar for Grafana dashboards).
_RELOADER_IMAGE = re.compile(r"config-?map-?reload|config-reloader|k8s-sidecar|reloader", re.IGNORECASE)
# Controllers that roll the pods themselves when a referenced object changes.
_ROLLING_ANNOTATIONS = (
    "reloader.stakater.com/auto",
    "reloader.stakater.com/search",
    "wave.pusher.com/update-on-config-change",
)
_NAMED_RELOAD = {"ConfigMap": "configmap.reloader.stakater.com/reload", "Secret": "secret.reloader.stakater.com/reload"}
# Certificates, keys, CA bundles, SSH host keys and GPG keys: trust material, rotated in place.
_TRUST_KEY = re.compile(
    r"(?:\.(?:crt|pem|cer|der|key|asc|gpg|pub)|known_hosts|ca[-_.]?bundle|tls\.crt|tls\.key)$", re.IGNORECASE
)


def _rolled_by_controller(doc: Document, kind: str, name: str) -> bool:
    """Stakater Reloader or Wave rolls the workload when the object changes."""
    annotations = doc.annotations()
    if any(str(annotations.get(key, "")).strip().lower() == "true" for key in _ROLLING_ANNOTATIONS):
        return True
    named = annotations.get(_NAMED_RELOAD[kind])
    return isinstance(named, str) and name in {part.strip() for part in named.split(",")}


def _reloaded_volumes(doc: Document) -> frozenset[str]:
    """Volumes a config-reloader sidecar watches (their files are reloaded without a restart)."""
    watched: set[str] = set()
    for container in containers(doc, ContainerScope.ALL):
        image = container.data.get("image")
        if not (isinstance(image, str) and _RELOADER_IMAGE.search(image.rsplit("/", 1)[-1])):
            continue
        mounts = container.data.get("volumeMounts")
        for mount in mounts if isinstance(mounts, list) else ():
            if isinstance(mount, Mapping) and isinstance(mount.get("name"), str):
                watched.add(str(mount["name"]))
    return frozenset(watched)


def _content_keys(target: Document) -> list[str]:
    return [str(key) for field in ("data", "binaryData", "stringData") for key in target.mapping(field)]


def _not_a_revision(target: Document) -> str | None:
    """Why editing `target` in place is by design and no revision problem, or None."""
    keys = _content_keys(target)
    if not keys:
        return "empty"  # a slot the operator or a controller fills after install: nothing to hash
    if target.value("type") == "kubernetes.io/tls" or all(_TRUST_KEY.search(key) for key in keys):
        return "trust material"  # certificates and keys are rotated in place, never rolled back
    return None


@rule("config-change-not-rolled")
def check(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    spec_path = pod_spec_path(doc)
    if spec_path is None:
        return
    annotations = doc.mapping(*spec_path[:-1], "metadata", "annotations")
    if any(str(key).startswith("checksum/") for key in annotations):
        return
    namespace = ctx.namespace_of(doc)
    reloaded = _reloaded_volumes(doc)
    seen: set[tuple[str, str]] = set()
    for kind, name, path, volume in _references(doc):
        if (kind, name) in seen or HASH_SUFFIX.search(name):
            continue
        if volume is not None and volume in reloaded:
            continue  # a reloader sidecar applies the change; the same object read from env is still judged
        seen.add((kind, name))
        target = ctx.get(kind, namespace, name)
        if target is None or target.value("immutable") is True:
            continue
        if _not_a_revision(target) is not None or _rolled_by_controller(doc, kind, name):
            continue
        yield Violation(
            f'consumes {kind} "{name}", which has no content-hash suffix, and the pod template has no checksum/ '
            "annotation: editing it neither rolls the pods nor is undone by a rollback",
            path,
            related=((target, ("metadata", "name"), f"{kind} defined here"),),
        )
