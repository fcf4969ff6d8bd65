"""Schema validation of Kubernetes objects (rule-catalog §3.2), with Kubernetes' own semantics.

Schemas of built-in kinds come from the bundle shipped in the wheel
(`kubelint_py.k8s.schema_bundle`: the strict schemas of every release from 1.25 on, 39 KB),
never fetched. Custom resources are validated against the `openAPIV3Schema` of their CRD (in
the input, or from a schema location), with `metadata` validated as the release's ObjectMeta
whatever the CRD says of it, as the API server does.

Rather than hand the schemas to a generic JSON-schema engine, each schema is compiled into a
small tree of `Node` objects once and walked together with the manifest. That is what lets
the checks follow what the API server really does:

* `null` is "not set" (the API server drops it, CRD pruning too), so it only matters for
  required fields;
* `IntOrString` (and `x-kubernetes-int-or-string`) takes an integer or a string, a quantity
  is checked with the API server's own grammar (`kubelint_py.k8s.quantity`);
* maps with free keys (labels, annotations, ConfigMap data, resource lists) are open, fixed
  objects are closed, CRD subtrees marked `x-kubernetes-preserve-unknown-fields` are open;
* YAML 1.1 scalars arrive already decoded (`yes` is a boolean), as kubectl sends them;
  integral floats (`3.0`) are integers, because they reach the API server as JSON `3`;
* one problem gives one issue, at the deepest node at fault: a value of the wrong type is
  not descended into; a missing required field is reported on the object that lacks it
  (the issue's path names the missing key so that two missing fields stay two issues).

Why this source: `kubernetes-validate` (maintained, one release per Kubernetes minor) carries the
strict (`additionalProperties: false`) JSON schemas of every release from 1.25 on; at ~110 MB
installed it is a development dependency only: `scripts/build_schema_bundle.py` reduces its
`_definitions.json` files to what this module reads (no descriptions), each distinct definition
once, 39 KB compressed. The kubeconform/kubeval schema repositories are not packages (vendoring
them means hundreds of MB or a download at run time); the `kubernetes` client library has models
but no validation schema; jsonschema, fastjsonschema and jsonschema-rs are validators, not schema
sources. The strict schemas carry no value enums, so `_ENUMS` lists the closed value sets of the
most used fields.

Why not a generic validator: on the 10,000-document benchmark corpus this walker validates
everything in ~0.5–0.6 s of CPU; `jsonschema` (pure Python, as kubernetes-validate uses it) needs
~8 s, and the compiled `jsonschema-rs` ~0.35 s including compilation, but neither knows quantities,
Secret base64, the enums or "one finding at the deepest node", and their errors would have to be
translated back into positions and plain messages.

The schemas are compiled in kubelint_py/k8s/schema_compile.py and walked in
kubelint_py/k8s/schema_validate.py; this module holds what one run keeps (`SchemaRun`) and the
names rules use.

Nothing here keeps module-level mutable state besides `functools.lru_cache` over pure
functions of immutable inputs (the package's data). Compiled validators live in a `SchemaRun`
that callers keep per lint run.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from kubelint_py.k8s.schema_bundle import SchemaBundle, schema_bundle
from kubelint_py.k8s.schema_compile import BuiltinCompiler, Node, compile_crd_schema
from kubelint_py.k8s.schema_validate import Issue, did_you_mean, edit_distance, format_path, validate
from kubelint_py.model import Cache

__all__ = [
    "Issue",
    "Node",
    "SchemaRun",
    "builtin_groups",
    "compile_crd_schema",
    "did_you_mean",
    "edit_distance",
    "format_path",
    "schema_run",
    "validate",
]

Release = tuple[int, int]

_RELEASE_RE = re.compile(r"^\s*v?(\d+)\.(\d+)(?:\.\d+)?\s*$")

_OBJECT_META = "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"


# -- releases ------------------------------------------------------------------------------


def parse_target(setting: object) -> Release | None:
    """The Kubernetes release named by `targetVersion` (`1.29`, `v1.29.3`, or a component list
    `k8s=v1.29,cert-manager=v1.6.0`); None when absent or not understood."""
    if not isinstance(setting, str):
        return None
    for part in setting.split(","):
        component, sep, value = part.partition("=")
        if not sep:
            value, component = component, "k8s"
        if component.strip().lower() in ("k8s", "kubernetes"):
            match = _RELEASE_RE.match(value)
            if match:
                return int(match.group(1)), int(match.group(2))
    return None


def release_text(release: Release) -> str:
    return f"v{release[0]}.{release[1]}"


def builtin_groups() -> frozenset[str]:
    """API groups that Kubernetes itself serves in any bundled release (plus the retired
    `extensions`): an apiVersion of any other group is a custom resource's."""
    return schema_bundle().groups() | {"extensions"}


class SchemaRun:
    """Compiled validators of one lint run: one per `(release, apiVersion, kind)`, built once."""

    def __init__(self, bundle: SchemaBundle, target: Release | None, default: Release | None = None) -> None:
        """`target`: the release asked for (None: `default`, else the newest bundled). A
        release the bundle does not cover is validated against the nearest one it does
        (`release`; `requested` keeps what was asked)."""
        self.bundle = bundle
        self.requested = target
        wanted = target or default or bundle.releases[-1]
        self.release: Release = bundle.nearest(wanted)
        self._compiler: BuiltinCompiler | None = None
        self._roots: dict[tuple[str, str], Node | None] = {}
        self._object_meta: Node | None = None
        self.issues: dict[int, list[Issue]] = {}
        self.crd_nodes: dict[tuple[int, str], Node] = {}
        self._served_as: dict[str, list[str]] | None = None

    def check(self, key: int, api_version: str, kind: str, data: object) -> list[Issue]:
        """Issues of one document against the release's schema, computed once per document."""
        found = self.issues.get(key)
        if found is None:
            node = self.root(api_version, kind)
            found = validate(node, data, kind) if node is not None else []
            self.issues[key] = found
        return found

    def served_as(self, kind: str) -> list[str]:
        """The apiVersions under which the release serves `kind`."""
        if self._served_as is None:
            index: dict[str, list[str]] = {}
            for api_version, served_kind in sorted(self.kinds()):
                index.setdefault(served_kind, []).append(api_version)
            self._served_as = index
        return self._served_as.get(kind, [])

    def has_kind(self, api_version: str, kind: str) -> bool:
        return (api_version, kind) in self.kinds()

    def kinds(self) -> Mapping[tuple[str, str], str]:
        return self.bundle.kinds(self.release)

    def root(self, api_version: str, kind: str) -> Node | None:
        key = (api_version, kind)
        if key in self._roots:
            return self._roots[key]
        name = self.kinds().get(key)
        node = self._compile(name) if name is not None else None
        self._roots[key] = node
        return node

    def object_meta(self) -> Node:
        """The release's ObjectMeta: what the API server validates a custom resource's metadata as."""
        if self._object_meta is None:
            self._object_meta = self._compile(_OBJECT_META)
        return self._object_meta

    def _compile(self, name: str) -> Node:
        if self._compiler is None:
            self._compiler = BuiltinCompiler(self.bundle.definitions(self.release))
        return self._compiler.ref(name)


def schema_run(run: Cache, target_setting: object, default: Release | None = None) -> SchemaRun:
    """The `SchemaRun` of one lint run, kept in the run's cache (`LintContext.cached`) so that
    every schema rule of the run shares the compiled validators and the per-document results.
    `default` is the release meant when no target is set (the migration rules' default)."""
    return run.cached(
        ("schemas", repr(target_setting), default),
        lambda: SchemaRun(schema_bundle(), parse_target(target_setting), default),
    )
