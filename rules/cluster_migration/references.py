"""missing-referenced-object (rule-catalog §3; cross-object, guard per referenced kind)."""

from collections.abc import Iterator, Mapping
from typing import Any, NamedTuple

from kubelint_py.k8s.workloads import is_namespaced
from kubelint_py.rule_api import (
    ContainerRef,
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

EXEMPT_CONFIGMAPS = frozenset(("kube-root-ca.crt",))  # published into every namespace by the cluster


class Reference(NamedTuple):
    kind: str
    name: str
    path: FieldPath  # of the name field
    where: str  # how the object refers to it, for the message


# The walk yields each reference as (kind, name, site): the site is a function that says where
# it is written, (path, words), and that function's arguments, in a plain tuple. Most references
# find their object (11,011 references of 2,698 workloads on the 10,000-document corpus, 928
# findings), and making every one's path and words cost more than looking the objects up: they
# are made for a finding (the rule 0.058 -> 0.045 s on the corpus).
_Site = tuple[Any, ...]


def _said(path: FieldPath, where: str) -> tuple[FieldPath, str]:
    return path, where


def _env_site(container: ContainerRef, number: int, key: str, item: Mapping[str, object]) -> tuple[FieldPath, str]:
    variable = item.get("name") if isinstance(item.get("name"), str) else f"#{number}"
    return (*container.path, "env", number, "valueFrom", key, "name"), f"{container.describe()} env {variable}"


def _env_from_site(container: ContainerRef, number: int, key: str) -> tuple[FieldPath, str]:
    return (*container.path, "envFrom", number, key, "name"), f"{container.describe()} envFrom"


def _volume_site(
    spec_path: FieldPath, number: int, volume: Mapping[str, object], tail: FieldPath, projected: bool
) -> tuple[FieldPath, str]:
    label = f"volume {quote(volume['name'])}" if isinstance(volume.get("name"), str) else f"volume #{number}"
    return (*spec_path, "volumes", number, *tail), f"projected {label}" if projected else label


def _name(holder: object, key: str = "name") -> str | None:
    # exact type checks first: the loader's plain dicts (and the usual absent None) without
    # an ABC isinstance check, which costs ten times more on this per-reference path
    if holder is None or not (type(holder) is dict or isinstance(holder, Mapping)) or holder.get("optional") is True:
        return None
    name = holder.get(key)
    return name if isinstance(name, str) and name else None


def _container_refs(doc: Document) -> Iterator[tuple[str, str, _Site]]:
    for container in containers(doc, ContainerScope.ALL):
        env = container.get("env")
        for number, item in enumerate(env if isinstance(env, list) else ()):
            if not (type(item) is dict or isinstance(item, Mapping)):
                continue
            value_from = item.get("valueFrom")
            if value_from is None or not (type(value_from) is dict or isinstance(value_from, Mapping)):
                continue
            for key, kind in (("configMapKeyRef", "ConfigMap"), ("secretKeyRef", "Secret")):
                name = _name(value_from.get(key))
                if name is not None:
                    yield kind, name, (_env_site, container, number, key, item)
        env_from = container.get("envFrom")
        for number, item in enumerate(env_from if isinstance(env_from, list) else ()):
            if not (type(item) is dict or isinstance(item, Mapping)):
                continue
            for key, kind in (("configMapRef", "ConfigMap"), ("secretRef", "Secret")):
                name = _name(item.get(key))
                if name is not None:
                    yield kind, name, (_env_from_site, container, number, key)


def _volume_refs(
    spec_path: FieldPath, spec: Mapping[str, object], replaced: frozenset[str] = frozenset()
) -> Iterator[tuple[str, str, _Site]]:
    """References of the pod volumes; `replaced`: names of volumes the StatefulSet controller
    replaces with the claims of its volumeClaimTemplates (their sources are never used)."""
    volumes = spec.get("volumes")
    for number, volume in enumerate(volumes if isinstance(volumes, list) else ()):
        if not (type(volume) is dict or isinstance(volume, Mapping)):
            continue
        if replaced and volume.get("name") in replaced:
            continue
        name = _name(volume.get("configMap"))
        if name is not None:
            yield "ConfigMap", name, (_volume_site, spec_path, number, volume, ("configMap", "name"), False)
        name = _name(volume.get("secret"), "secretName")
        if name is not None:
            yield "Secret", name, (_volume_site, spec_path, number, volume, ("secret", "secretName"), False)
        claim = volume.get("persistentVolumeClaim")
        claim_name = claim.get("claimName") if claim is not None and isinstance(claim, Mapping) else None
        if isinstance(claim_name, str) and claim_name:
            tail: FieldPath = ("persistentVolumeClaim", "claimName")
            yield "PersistentVolumeClaim", claim_name, (_volume_site, spec_path, number, volume, tail, False)
        projected = volume.get("projected")
        sources = projected.get("sources") if projected is not None and isinstance(projected, Mapping) else None
        for index, source in enumerate(sources if isinstance(sources, list) else ()):
            if not isinstance(source, Mapping):
                continue
            for key, kind in (("configMap", "ConfigMap"), ("secret", "Secret")):
                name = _name(source.get(key))
                if name is not None:
                    tail = ("projected", "sources", index, key, "name")
                    yield kind, name, (_volume_site, spec_path, number, volume, tail, True)


def _pod_refs(doc: Document) -> Iterator[tuple[str, str, _Site]]:
    spec_path = pod_spec_path(doc)
    if spec_path is None:
        return
    spec = doc.mapping(*spec_path)
    yield from _container_refs(doc)
    yield from _volume_refs(spec_path, spec, _claim_templates(doc) if doc.kind == "StatefulSet" else frozenset())
    pull = spec.get("imagePullSecrets")
    for number, item in enumerate(pull if isinstance(pull, list) else ()):
        name = _name(item)
        if name is not None:
            yield "Secret", name, (_said, (*spec_path, "imagePullSecrets", number, "name"), "imagePullSecrets")
    for key in ("serviceAccountName", "serviceAccount"):  # serviceAccountName wins over the deprecated field
        account = spec.get(key)
        if isinstance(account, str) and account:
            if account != "default":
                yield "ServiceAccount", account, (_said, (*spec_path, key), key)
            break
    priority = spec.get("priorityClassName")
    if isinstance(priority, str) and priority and not priority.startswith("system-"):
        yield "PriorityClass", priority, (_said, (*spec_path, "priorityClassName"), "priorityClassName")
    runtime = spec.get("runtimeClassName")
    if isinstance(runtime, str) and runtime:
        yield "RuntimeClass", runtime, (_said, (*spec_path, "runtimeClassName"), "runtimeClassName")


def _claim_templates(doc: Document) -> frozenset[str]:
    """Names of a StatefulSet's volumeClaimTemplates: each pod gets a claim of its own in
    place of the pod volume of that name."""
    names = set()
    for template in doc.sequence("spec", "volumeClaimTemplates"):
        metadata = template.get("metadata") if isinstance(template, Mapping) else None
        name = metadata.get("name") if isinstance(metadata, Mapping) else None
        if isinstance(name, str) and name:
            names.add(name)
    return frozenset(names)


def _sited(doc: Document) -> Iterator[tuple[str, str, _Site]]:
    """Every reference of `doc`, in document order, as (kind, name, site)."""
    if doc.kind == "PersistentVolumeClaim":
        storage_class = doc.value("spec", "storageClassName")
        if isinstance(storage_class, str) and storage_class:
            yield "StorageClass", storage_class, (_said, ("spec", "storageClassName"), "storageClassName")
        return
    yield from _pod_refs(doc)
    if doc.kind == "StatefulSet":
        for number, template in enumerate(doc.sequence("spec", "volumeClaimTemplates")):
            spec = template.get("spec") if isinstance(template, Mapping) else None
            storage_class = spec.get("storageClassName") if isinstance(spec, Mapping) else None
            if isinstance(storage_class, str) and storage_class:
                path = ("spec", "volumeClaimTemplates", number, "spec", "storageClassName")
                yield "StorageClass", storage_class, (_said, path, f"volumeClaimTemplates[{number}]")


def _reference(kind: str, name: str, site: _Site) -> Reference:
    path, where = site[0](*site[1:])
    return Reference(kind, name, path, where)


def references(doc: Document) -> Iterator[Reference]:
    """Every reference of `doc`, in document order, with where it is written."""
    for kind, name, site in _sited(doc):
        yield _reference(kind, name, site)


@rule("missing-referenced-object")
def check(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    namespace = ctx.namespace_of(doc)
    guards: dict[str, bool] = {}
    for kind, name, site in _sited(doc):
        if kind == "ConfigMap" and name in EXEMPT_CONFIGMAPS:
            continue
        if kind not in guards:
            guards[kind] = ctx.guard(kind)
        if not guards[kind]:
            continue
        scoped = is_namespaced(kind)
        if ctx.get(kind, namespace if scoped else None, name) is not None:
            continue
        if ctx.lint.may_exist(kind, namespace, name, near=doc, assume_complete=ctx.assume_complete):
            continue
        ref = _reference(kind, name, site)
        where = f" in namespace {namespace}" if scoped and namespace else ""
        elsewhere = ctx.lint.named_anywhere(ref.kind, ref.name) if scoped else []
        related = tuple((d, ("metadata", "name"), f"{d.display()} is in another namespace") for d in elsewhere[:3])
        hint = f" (a {ref.kind} of that name exists in namespace {elsewhere[0].namespace})" if elsewhere else ""
        yield Violation(
            f"{ref.where} references {ref.kind} {quote(ref.name)}, which the input does not contain{where}{hint}",
            ref.path,
            related,
        )
