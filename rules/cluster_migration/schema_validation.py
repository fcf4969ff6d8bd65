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
from kubelint_py.k8s.examples import pod_container, workload
from kubelint_py.rule_api import DocType, Document, RuleContext, Severity, Violation, rule, run_rule

_DOCUMENT = "cluster-migration"
_OBJECT_TYPES = frozenset(
    (DocType.K8S_OBJECT, DocType.APISERVER_STATIC_POD, DocType.ETCD_STATIC_POD, DocType.CONTROL_PLANE_STATIC_POD)
)
_REFS = (
    "https://kubernetes.io/docs/reference/using-api/api-concepts/#field-validation",
    "https://kubernetes.io/docs/reference/kubernetes-api/",
    "https://github.com/willthames/kubernetes-validate",
    "https://github.com/yannh/kubeconform",
)
_CRD_REFS = (
    "https://kubernetes.io/docs/tasks/extend-kubernetes/custom-resources/custom-resource-definitions/#validation",
    "https://kubernetes.io/docs/tasks/extend-kubernetes/custom-resources/custom-resource-definitions/#specifying-a-structural-schema",
    "https://kubernetes.io/docs/tasks/extend-kubernetes/custom-resources/custom-resource-definition-versioning/",
)
_ENABLE = (
    "The release is `--target-version`; without it, the release the other migration rules assume "
    "(the newest in table 3.1). The API schemas of every release from 1.25 on ship with kubelint "
    "(no download, no extra); a target outside them is checked against the nearest bundled release, "
    "and the message names it."
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

_UNKNOWN_FAIL = """\
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: prod}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      contianers:
        - name: app
          image: nginx:1.27
"""


@rule(
    id="schema-unknown-field",
    title="Field not defined by the target release's API schema",
    document=_DOCUMENT,
    severity=Severity.ERROR,
    category="correctness",
    rationale=f"""
The API server of the target release does not know this field. With server-side field
validation (kubectl's default `--validate=strict` since 1.27, and `kubectl apply
--server-side`) the request is rejected with `unknown field "spec.template.spec.contianers"`;
older clients and some deploy tools silently drop it instead, so the setting the author meant
(a probe port, a resource limit, the containers themselves) never takes effect and nothing
says so. Maps with free keys (labels, annotations, ConfigMap and Secret data, resource lists,
node selectors) are open and never reported; a field that a later release removed (or an
earlier one did not have yet) is reported only against a target release without it. {_ENABLE}
""",
    remediation="Fix the spelling (the message suggests the field probably meant) or remove the field.",
    examples=(_UNKNOWN_FAIL, _UNKNOWN_FAIL.replace("contianers", "containers")),
    references=_REFS,
)
def check_unknown_field(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    run, issues = _builtin_issues(doc, ctx)
    for issue in issues:
        if issue.unknown:
            yield Violation(issue.text(_in_release(run)), issue.path)


# -- schema-violation ----------------------------------------------------------------------

_VIOLATION_FAIL = workload(namespace="prod", spec='replicas: "three"\n', containers=pod_container(image="nginx:1.27"))


@rule(
    id="schema-violation",
    title="Manifest violates the target release's API schema",
    document=_DOCUMENT,
    severity=Severity.ERROR,
    category="correctness",
    rationale=f"""
The API server rejects the whole object when a value has the wrong type (`replicas: "3"`, an
unquoted `8080` where an environment variable's value must be a string), the wrong shape (a map
where a list belongs), a missing required field (`containers` in a pod spec, `selector` in an
apps/v1 Deployment, a container's `name`), a value outside the closed set the API accepts
(`protocol: tcp`, `imagePullPolicy: always`), a malformed quantity (`memory: 500mb`) or Secret
data that is not base64. `kubectl apply` stops at that object and GitOps controllers mark the
whole application failed. Kubernetes' own coercions are respected: `int-or-string` fields take
either, quantities take numbers or strings in the API's grammar, YAML 1.1 booleans (`yes`)
arrive as booleans as kubectl sends them, `null` means "not set", and an integral `3.0` is the
integer 3. Each problem is reported once, at the deepest node at fault; a misspelt required
field is reported once, as the unknown field. {_ENABLE}
""",
    remediation="Change the value to the type and form the API expects (the message names both) or add the field.",
    examples=(_VIOLATION_FAIL, _VIOLATION_FAIL.replace('"three"', "3")),
    references=_REFS,
)
def check_violation(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    _, issues = _builtin_issues(doc, ctx)
    for issue in issues:
        if not issue.unknown:
            yield Violation(issue.text(), issue.path)


# -- custom-resource-schema-violation ------------------------------------------------------

_CRD = """\
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: backups.example.com}
spec:
  group: example.com
  names: {kind: Backup, plural: backups}
  scope: Namespaced
  versions:
    - name: v1
      served: true
      storage: true
      schema:
        openAPIV3Schema:
          type: object
          properties:
            spec:
              type: object
              required: [schedule]
              properties:
                schedule: {type: string}
                retentionDays: {type: integer, minimum: 1}
---
apiVersion: example.com/v1
kind: Backup
metadata: {name: nightly, namespace: prod}
spec:
  schedule: "0 2 * * *"
"""


def _crd_index(ctx: RuleContext, run: schemas.SchemaRun) -> Mapping[tuple[str, str], list[Document]]:
    if run.crd_index is None:
        index: dict[tuple[str, str], list[Document]] = {}
        for crd in ctx.of_kind("CustomResourceDefinition"):
            group, kind = crd.value("spec", "group"), crd.value("spec", "names", "kind")
            if isinstance(group, str) and isinstance(kind, str):
                index.setdefault((group, kind), []).append(crd)
        run.crd_index = index
    return run.crd_index


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


@rule(
    id="custom-resource-schema-violation",
    title="Custom resource violates the schema of its CRD",
    document=_DOCUMENT,
    severity=Severity.ERROR,
    category="correctness",
    cross_object=True,
    rationale="""
A custom resource is validated by the API server against the `openAPIV3Schema` of the served
CRD version it names: a wrong type, a missing required field or a value outside the schema's
enum, bounds or pattern is rejected, and a field the schema does not declare is pruned (and
rejected under strict field validation, kubectl's default since 1.27) unless the subtree sets
`x-kubernetes-preserve-unknown-fields`. `x-kubernetes-int-or-string`, `nullable` and
`x-kubernetes-embedded-resource` are honoured, and so is `spec.preserveUnknownFields` (true by
default in legacy apiextensions.k8s.io/v1beta1 CRDs, which then keep unknown fields). `null` on
a non-nullable field is pruned as the API server does, so it only matters for required fields.
`metadata` (of the resource and of embedded resources) is validated as the target release's
ObjectMeta whatever the CRD says of it (CRDs usually declare a bare `metadata: {type: object}`),
with the CRD's own constraints on `name` and `generateName`, as the API server does.
The schema comes from the CRD of the resource's group and kind in the input, else from a schema
location (`--schema-location DIR`, repeatable, or `schemaLocations` in the configuration): a
folder in the community CRD catalog's layout, `<group>/<kind in lower case>_<version>.json` (the
JSON schemas kubeconform users keep), or holding CRD manifests. Without either the rule is
silent (custom-resource-without-crd covers that case). Beyond the catalog, an apiVersion whose
version the CRD declares but does not serve (`served: false`), or does not declare at all, is
reported too: the API server answers `no matches for kind` and the object cannot be created.
""",
    remediation="Fix the resource to match its CRD version's schema (or fix the CRD), and use a served version.",
    examples=(_CRD.replace('schedule: "0 2 * * *"', "retentionDays: 0"), _CRD),
    references=_CRD_REFS,
)
def check_custom_resource(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    if not doc.kind or "/" not in doc.api_version:
        return
    run = _run(ctx)
    crds = _crd_index(ctx, run).get((doc.group, doc.kind))
    if crds:
        yield from _against_crds(doc, crds, run)
        return
    located = _located(ctx, doc)
    if located is not None:
        yield from _against_catalog(doc, located, run)


def _located(ctx: RuleContext, doc: Document) -> LocatedSchema | None:
    """The schema-location file of the resource's group, kind and version, if the run found one."""
    found = ctx.settings.get(CATALOG_SETTING)
    if not isinstance(found, Mapping):
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

_KIND_FAIL = """\
apiVersion: apps/v1
kind: Deploymnet
metadata: {name: web, namespace: prod}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: app, image: "nginx:1.27"}]
"""


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


@run_rule(
    id="schema-kind-unknown",
    title="Built-in API group has no schema for this apiVersion and kind",
    document=_DOCUMENT,
    severity=Severity.INFO,
    category="correctness",
    rationale="""
The object names a built-in API group (one that Kubernetes itself serves, such as `apps` or
`networking.k8s.io`) but the target release has no such kind in that apiVersion: a typo in
`kind` (`Deploymnet`), a kind in the wrong group (`v1` Deployment) or a version the release
never served (`apps/v1beta3`). The API server answers `no matches for kind`, and none of the
schema checks can run on it. apiVersions that removed-api-version already reports (table 3.1)
are left to it. Custom resources (groups that Kubernetes does not serve) are never reported
here: custom-resource-without-crd and custom-resource-schema-violation cover them.
""",
    remediation="Fix `apiVersion`/`kind` to a pair the target release serves (the message names it).",
    examples=(_KIND_FAIL, _KIND_FAIL.replace("Deploymnet", "Deployment")),
    references=_REFS,
)
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
