"""Schema validation against the target release (rule-catalog §3.2): schema-unknown-field,
schema-violation, custom-resource-schema-violation, schema-kind-unknown.

Built-in kinds are validated against the API schemas of `--target-version` shipped in the
wheel (every release from 1.25 on; default: the same release as the other migration rules, the
newest of table 3.1; a release outside the bundle is validated against the nearest bundled one,
and the messages say so). Custom resources are validated against their CRD (in the input, or
among the CRD files of a schema location) or a CRD-catalog schema file of a schema location
(`--schema-location`, `schemaLocations`), with `metadata` validated as ObjectMeta. The
validation logic is kubelint_py.k8s.schemas.
"""

from collections.abc import Iterator, Mapping, Sequence

from kubelint_py.k8s import schemas
from kubelint_py.k8s.apiversions import lookup as deprecated_api
from kubelint_py.k8s.apiversions import newest_release, target_release
from kubelint_py.k8s.crd_catalog import SETTING as CATALOG_SETTING
from kubelint_py.k8s.crd_catalog import LocatedSchema
from kubelint_py.rule_api import DocType, Document, RuleContext, Violation, rule, run_rule

_OBJECT_TYPES = frozenset(
    (DocType.K8S_OBJECT, DocType.APISERVER_STATIC_POD, DocType.ETCD_STATIC_POD, DocType.CONTROL_PLANE_STATIC_POD)
)


def _run(ctx: RuleContext) -> schemas.SchemaRun:
    # without --target-version, the same release as the other migration rules (§3.1's newest)
    return schemas.schema_run(ctx.lint, ctx.settings.get("targetVersion"), newest_release())


def _release_words(run: schemas.SchemaRun) -> str:
    """`Kubernetes v1.31`, and the target when the bundle has no schemas for it."""
    words = f"Kubernetes {schemas.release_text(run.release)}"
    if run.requested is not None and run.requested != run.release:
        words += f" (the bundled release nearest the target {schemas.release_text(run.requested)})"
    return words


def _in_release(run: schemas.SchemaRun) -> str:
    return f" in {_release_words(run)}"


def _builtin_issues(doc: Document, ctx: RuleContext) -> tuple[schemas.SchemaRun, list[schemas.Issue]]:
    run = _run(ctx)
    if not doc.kind or not doc.api_version:
        return run, []
    return run, run.check(id(doc), doc.api_version, doc.kind, doc.data)


# -- schema-unknown-field ------------------------------------------------------------------


@rule("schema-unknown-field")
def check_unknown_field(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    run, issues = _builtin_issues(doc, ctx)
    for issue in issues:
        if issue.unknown:
            yield Violation(issue.text(_in_release(run)), issue.path)


# -- schema-violation ----------------------------------------------------------------------


@rule("schema-violation")
def check_violation(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    _, issues = _builtin_issues(doc, ctx)
    for issue in issues:
        if not issue.unknown:
            yield Violation(issue.text(), issue.path)


# -- custom-resource-schema-violation ------------------------------------------------------


def _crd_index(ctx: RuleContext) -> Mapping[tuple[str, str], list[Document]]:
    """The input's CRDs by (group, kind), once per run (`LintContext.cached`: it does not depend
    on the target release, and is asked before the run's schemas are looked up)."""
    return ctx.lint.cached(("custom-resource-schema-violation", "CRDs"), lambda: _index_crds(ctx))


def _index_crds(ctx: RuleContext) -> Mapping[tuple[str, str], list[Document]]:
    index: dict[tuple[str, str], list[Document]] = {}
    for crd in ctx.of_kind("CustomResourceDefinition"):
        group, kind = crd.value("spec", "group"), crd.value("spec", "names", "kind")
        if isinstance(group, str) and isinstance(kind, str):
            index.setdefault((group, kind), []).append(crd)
    return index


def _served_names(crd: Document) -> list[str]:
    names = []
    for entry in crd.sequence("spec", "versions"):
        if isinstance(entry, Mapping) and isinstance(entry.get("name"), str) and entry.get("served") is not False:
            names.append(str(entry["name"]))
    legacy = crd.value("spec", "version")
    if not names and isinstance(legacy, str):
        names.append(legacy)
    return names


def _version_schema(crd: Document, version: str) -> tuple[object, tuple[str | int, ...]] | None:
    """(schema, path of the schema in the CRD) of a served version; None when not served."""
    versions: Sequence[object] = crd.sequence("spec", "versions")
    for index, entry in enumerate(versions):
        if not isinstance(entry, Mapping) or entry.get("name") != version:
            continue
        if entry.get("served") is False:
            return None
        path: tuple[str | int, ...] = ("spec", "versions", index, "schema", "openAPIV3Schema")
        if crd.value(*path) is not None:
            return crd.value(*path), path
        return crd.value("spec", "validation", "openAPIV3Schema"), ("spec", "validation", "openAPIV3Schema")
    if not versions and crd.value("spec", "version") == version:
        return crd.value("spec", "validation", "openAPIV3Schema"), ("spec", "validation", "openAPIV3Schema")
    return None


def _preserves_unknown(crd: Document) -> bool:
    """apiextensions.k8s.io/v1beta1 CRDs keep unknown fields unless preserveUnknownFields is false."""
    flag = crd.value("spec", "preserveUnknownFields")
    if isinstance(flag, bool):
        return flag
    return crd.api_version == "apiextensions.k8s.io/v1beta1"


@rule("custom-resource-schema-violation")
def check_custom_resource(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    if not doc.kind or "/" not in doc.api_version:
        return
    crds = _crd_index(ctx).get((doc.group, doc.kind))
    if crds:
        yield from _against_crds(doc, crds, _run(ctx))
        return
    located = _located(ctx, doc)
    if located is not None:
        yield from _against_catalog(doc, located, _run(ctx))


def _located(ctx: RuleContext, doc: Document) -> LocatedSchema | None:
    """The schema-location file of the resource's group, kind and version, if the run found one."""
    found = ctx.settings.get(CATALOG_SETTING)
    if found is None or not isinstance(found, Mapping):  # (most runs have none: no ABC isinstance)
        return None
    located = found.get((doc.group, doc.kind, doc.api_version.rpartition("/")[2]))
    return located if isinstance(located, LocatedSchema) else None


def _against_catalog(doc: Document, located: LocatedSchema, run: schemas.SchemaRun) -> Iterator[Violation]:
    version = doc.api_version.rpartition("/")[2]
    key = (id(located.schema), version)
    node = run.crd_nodes.get(key)
    if node is None:
        node = schemas.compile_crd_schema(located.schema, object_meta=run.object_meta())
        run.crd_nodes[key] = node
    for issue in schemas.validate(node, doc.data):
        yield Violation(issue.text(f" in the {doc.kind} {version} schema of {located.file}"), issue.path)


def _against_crds(doc: Document, crds: Sequence[Document], run: schemas.SchemaRun) -> Iterator[Violation]:
    version = doc.api_version.rpartition("/")[2]
    for crd in crds:
        found = _version_schema(crd, version)
        if found is not None:
            break
    else:
        crd = crds[0]
        served = ", ".join(_served_names(crd)) or "none"
        yield Violation(
            f"CRD {crd.name} does not serve version {version} of {doc.kind} (served: {served}); "
            "the API server rejects the object",
            ("apiVersion",),
            ((crd, ("spec", "versions"), f"versions of CRD {crd.name}"),),
        )
        return
    schema, schema_path = found
    if not isinstance(schema, Mapping):
        return
    key = (id(crd), version)
    node = run.crd_nodes.get(key)
    if node is None:
        node = schemas.compile_crd_schema(
            schema, preserve_unknown=_preserves_unknown(crd), object_meta=run.object_meta()
        )
        run.crd_nodes[key] = node
    related = ((crd, schema_path, f"schema of {doc.kind} {version} in CRD {crd.name}"),)
    for issue in schemas.validate(node, doc.data):
        yield Violation(issue.text(f" in the {doc.kind} {version} schema of CRD {crd.name}"), issue.path, related)


# -- schema-kind-unknown -------------------------------------------------------------------


def _kind_message(doc: Document, run: schemas.SchemaRun) -> tuple[str, tuple[str, ...]]:
    release = _release_words(run)
    served = run.served_as(doc.kind)
    if served:
        same_group = [v for v in served if v.rpartition("/")[0] == doc.group]
        use = ", ".join(same_group or served)
        return f"{release} does not serve {doc.kind} as {doc.api_version}; use {use}", ("apiVersion",)
    kinds = [kind for api_version, kind in run.kinds() if api_version == doc.api_version]
    if not kinds:
        return f"{release} serves no API version {doc.api_version}", ("apiVersion",)
    close = schemas.did_you_mean(doc.kind, kinds)
    suggestion = f" (did you mean {close}?)" if close else ""
    return f"{doc.api_version} has no kind {doc.kind} in {release}{suggestion}", ("kind",)


@run_rule("schema-kind-unknown")
def check_kind_unknown(ctx: RuleContext) -> Iterator[tuple[Document, Violation]]:
    run = _run(ctx)
    groups = schemas.builtin_groups()
    builtin = [
        doc
        for doc in ctx.targets()
        if doc.doc_type in _OBJECT_TYPES and doc.kind and doc.api_version and doc.group in groups
    ]
    removal_target = target_release(ctx.settings.get("targetVersion"))
    for doc in builtin:
        if run.has_kind(doc.api_version, doc.kind):
            continue
        entry = deprecated_api(doc.api_version, doc.kind)
        if entry is not None and (entry.is_removed_at(removal_target) or entry.is_deprecated_at(removal_target)):
            continue  # removed-api-version or deprecated-api-version reports it
        message, path = _kind_message(doc, run)
        yield doc, Violation(message, path)
