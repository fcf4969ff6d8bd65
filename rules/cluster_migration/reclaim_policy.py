"""reclaim-policy-delete (rule-catalog §3; cross-object for StorageClasses: PVCs and
StatefulSet volumeClaimTemplates in the input that use them)."""

from collections.abc import Iterator, Mapping

from kubelint_py.rule_api import Document, FieldPath, RuleContext, Severity, Violation, rule

DEFAULT_CLASS_ANNOTATION = "storageclass.kubernetes.io/is-default-class"

_FAIL = """\
apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata: {name: fast}
provisioner: ebs.csi.aws.com
---
apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: data, namespace: prod}
spec:
  storageClassName: fast
  accessModes: [ReadWriteOnce]
  resources:
    requests: {storage: 10Gi}
"""


def _claims(ctx: RuleContext) -> Iterator[tuple[Document, FieldPath, Mapping[str, object]]]:
    """Every claim spec of the input: PVCs and StatefulSet volumeClaimTemplates[]."""
    for pvc in ctx.of_kind("PersistentVolumeClaim"):
        yield pvc, ("spec",), pvc.mapping("spec")
    for sts in ctx.of_kind("StatefulSet"):
        for number, template in enumerate(sts.sequence("spec", "volumeClaimTemplates")):
            # exact type first: the loader's plain dicts skip the ABC isinstance check
            spec = template.get("spec") if type(template) is dict or isinstance(template, Mapping) else None
            if type(spec) is dict or isinstance(spec, Mapping):
                yield sts, ("spec", "volumeClaimTemplates", number, "spec"), spec


# (position in `_claims` order, owner, path of the claim spec)
_Claim = tuple[int, Document, FieldPath]


def _claims_by_class(ctx: RuleContext) -> tuple[dict[object, list[_Claim]], list[_Claim]]:
    """The claims that provision from a class, by the `storageClassName` they name, and those
    that name none; claims pre-bound to an existing volume are left out. Built once per run:
    every StorageClass asks (it was a pass over all claims for each)."""
    named: dict[object, list[_Claim]] = {}
    unnamed: list[_Claim] = []
    for position, (owner, spec_path, spec) in enumerate(_claims(ctx)):
        if isinstance(spec.get("volumeName"), str) and spec["volumeName"]:
            continue  # pre-bound to an existing volume: nothing is provisioned from the class
        if "storageClassName" in spec:
            class_name = spec["storageClassName"]
            if isinstance(class_name, str):  # only a string can equal a StorageClass's name
                named.setdefault(class_name, []).append((position, owner, spec_path))
        else:
            unnamed.append((position, owner, spec_path))
    return named, unnamed


def _users(doc: Document, ctx: RuleContext) -> list[tuple[Document, FieldPath, str]]:
    """Claims that use this StorageClass: by name, or (no storageClassName key) as the default class."""
    is_default = doc.annotations().get(DEFAULT_CLASS_ANNOTATION) == "true"
    named, unnamed = ctx.lint.cached("reclaim-policy-delete/claims", lambda: _claims_by_class(ctx))
    users = [
        (position, owner, (*spec_path, "storageClassName"), True)
        for position, owner, spec_path in named.get(doc.name, ())
    ]
    if is_default:
        users += [(position, owner, spec_path, False) for position, owner, spec_path in unnamed]
        users.sort(key=lambda user: user[0])  # the claims' order, as one pass over them gives
    return [
        (owner, path, f"{owner.display()} uses this class" if by_name else f"{owner.display()} uses the default class")
        for _, owner, path, by_name in users
    ]


@rule(
    id="reclaim-policy-delete",
    title="Volumes are deleted together with their claims",
    document="cluster-migration",
    severity=Severity.WARNING,
    category="reliability",
    kinds=("PersistentVolume", "StorageClass"),
    cross_object=True,
    rationale="""
With reclaim policy `Delete`, removing a PersistentVolumeClaim deletes the PersistentVolume and
the cloud disk behind it. During a migration the source cluster is torn down (namespaces
deleted, Helm releases uninstalled) and its claims with it: with `Delete` the data is gone before
the cut-over is verified, with `Retain` the disk survives and can be re-attached or restored. A
StorageClass without `reclaimPolicy` defaults to `Delete`; it is reported when a claim in the
input uses it, by name or, for claims without `storageClassName`, as the class marked
`storageclass.kubernetes.io/is-default-class: "true"` (the DefaultStorageClass admission plugin
assigns it to them).
""",
    remediation="Set `Retain` (PV `persistentVolumeReclaimPolicy`, StorageClass `reclaimPolicy`) for data that must "
    "survive decommissioning the source cluster.",
    examples=(
        _FAIL,
        _FAIL.replace("aws.com\n", "aws.com\nreclaimPolicy: Retain\n", 1),
    ),
    references=(
        "https://kubernetes.io/docs/concepts/storage/persistent-volumes/#reclaiming",
        "https://kubernetes.io/docs/tasks/administer-cluster/change-pv-reclaim-policy/",
        "https://kubernetes.io/docs/concepts/storage/storage-classes/#reclaim-policy",
    ),
)
def check(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    if doc.kind == "PersistentVolume":
        if doc.value("spec", "persistentVolumeReclaimPolicy") == "Delete":
            yield Violation(
                "spec.persistentVolumeReclaimPolicy is Delete: deleting its claim deletes the volume and its data",
                ("spec", "persistentVolumeReclaimPolicy"),
            )
        return
    policy = doc.value("reclaimPolicy")
    if policy is not None and policy != "Delete":
        return
    users = _users(doc, ctx)
    if not users:
        return
    first = users[0][0].display()
    more = f" and {len(users) - 1} more" if len(users) > 1 else ""
    state = "reclaimPolicy is Delete" if policy is not None else "reclaimPolicy is not set (default Delete)"
    yield Violation(
        f"{state}: volumes provisioned for {first}{more} are deleted together with their claims",
        ("reclaimPolicy",),
        tuple(users[:5]),
    )
