"""reclaim-policy-delete (rule-catalog §3; cross-object for StorageClasses: PVCs and
StatefulSet volumeClaimTemplates in the input that use them)."""

from collections.abc import Iterator, Mapping

from kubelint_py.rule_api import Document, FieldPath, RuleContext, Violation, rule

DEFAULT_CLASS_ANNOTATION = "storageclass.kubernetes.io/is-default-class"


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


@rule("reclaim-policy-delete")
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
