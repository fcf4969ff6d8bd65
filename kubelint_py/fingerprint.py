"""How a finding is known across runs: its fingerprint, the one recipe behind baselines, SARIF
`partialFingerprints` (GitHub's alert identity) and the JSON report's `fingerprint`.

A fingerprint is the first 32 hex digits of the SHA-256 of the rule id, the file, the object's
identity (group, kind, namespace, name) and the place in it (the logical field path), joined by
NUL characters: never a line number, so it survives edits above the finding, and never the
message of an object's finding, so rewording does not reset alerts. Findings without an object
(input problems) use the document's index and the problem's key as the name. Baselines written
by any earlier version hold these values: the recipe must never change (tests/test_fingerprint.py
pins it).
"""

from __future__ import annotations

import hashlib

from kubelint_py.model import Finding


def object_identity(file: str, group: str, kind: str, namespace: str, name: str) -> str:
    """What every finding of one object shares, joined once per object (`fingerprint_with`)."""
    return "\0".join((file, group, kind, namespace, name))


def fingerprint_with(rule_id: str, identity: str, path: str) -> str:
    """The fingerprint of a finding of `rule_id` at `path` of the object `identity`."""
    return hashlib.sha256(f"{rule_id}\0{identity}\0{path}".encode()).hexdigest()[:32]


def fingerprint(rule_id: str, file: str, group: str, kind: str, namespace: str, name: str, path: str) -> str:
    return fingerprint_with(rule_id, object_identity(file, group, kind, namespace, name), path)


def fingerprint_of(finding: Finding) -> str:
    """The engine's fingerprint; for hand-built findings without one, the same recipe: the
    object's identity (else the document's index) and the logical path (else the field path,
    else the message)."""
    if finding.fingerprint:
        return finding.fingerprint
    obj = finding.object
    group, kind, namespace, name = (
        (obj.group, obj.kind, obj.namespace or "", obj.name)
        if obj is not None
        else ("", "", "", f"#{finding.doc_index}")
    )
    where = finding.logical_path or ".".join(str(p) for p in finding.path) or finding.message
    return fingerprint(finding.rule_id, finding.file, group, kind, namespace, name, where)
