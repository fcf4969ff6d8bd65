"""Core records shared by every stage. Standard library only; imports nothing of ours."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from enum import Enum, IntEnum
from typing import NamedTuple, Protocol, TypeVar

T = TypeVar("T")

FieldPath = tuple[str | int, ...]


class Pos(NamedTuple):
    """1-based line and column (columns count Unicode code points)."""

    line: int
    column: int


class Span(NamedTuple):
    start: Pos
    end: Pos


FILE_START = Span(Pos(1, 1), Pos(1, 1))


class Severity(IntEnum):
    INFO = 1
    WARNING = 2
    ERROR = 3

    @property
    def label(self) -> str:
        return self.name.lower()

    @classmethod
    def parse(cls, text: str) -> Severity:
        try:
            return cls[text.upper()]
        except KeyError:
            raise ValueError(f"unknown severity {text!r} (use error, warning or info)") from None


class DocType(str, Enum):
    K8S_OBJECT = "k8s-object"
    ETCD_CONFIG = "etcd-config"
    ENCRYPTION_CONFIG = "encryption-config"
    AUDIT_POLICY = "audit-policy"
    KUBELET_CONFIG = "kubelet-config"
    APISERVER_STATIC_POD = "apiserver-static-pod"
    ETCD_STATIC_POD = "etcd-static-pod"
    CONTROL_PLANE_STATIC_POD = "control-plane-static-pod"
    KUBECONFIG = "kubeconfig"
    COMPONENT_CONFIG = "component-config"  # kubeadm, kube-proxy, kube-scheduler... configuration files
    UNKNOWN = "unknown"


class ObjectRef(NamedTuple):
    group: str
    kind: str
    namespace: str | None
    name: str

    def display(self) -> str:
        """`Kind ns/name` (or `Kind name` when cluster-scoped), as users think of objects."""
        ident = f"{self.namespace}/{self.name}" if self.namespace else self.name
        return f"{self.kind} {ident}"


class Location(NamedTuple):
    """A secondary location: cross-object evidence or the rendered stream position."""

    file: str
    span: Span
    label: str


class Directive(NamedTuple):
    """An inline suppression comment. `line` is the line it applies to (0 = whole document)."""

    line: int
    rule_ids: frozenset[str]
    reason: str
    comment_line: int


class Scope(NamedTuple):
    kinds: frozenset[str] = frozenset()
    kind_groups: frozenset[str] = frozenset()
    doc_types: frozenset[DocType] = frozenset()

    def is_empty(self) -> bool:
        return not (self.kinds or self.kind_groups or self.doc_types)


class Examples(NamedTuple):
    fail: str
    pass_: str


class PositionLookup:
    """Interface of a position index; the concrete one lives in positions.py."""

    def lookup(self, path: FieldPath) -> Span:  # pragma: no cover - interface
        raise NotImplementedError

    def key_span(self, path: FieldPath) -> Span | None:  # pragma: no cover - interface
        raise NotImplementedError


_MISSING = object()
_EMPTY: Mapping[str, object] = {}


def cached(memo: dict[Hashable, object], key: Hashable, build: Callable[[], T]) -> T:
    """The one cache helper: `build()` once per `memo` and key, the same value after. A fact
    derived from one document lives in its `Document.cached`, a fact of the whole run (an
    index of the input) in `LintContext.cached`; both are this function, and nothing else
    keeps derived state (no attribute set on another object, no module-level cache of runs)."""
    found = memo.get(key, _MISSING)
    if found is _MISSING:
        found = memo[key] = build()
    return found  # type: ignore[return-value]


class Cache(Protocol):
    """Whatever keeps derived facts (`Document`, `LintContext`), for helpers that take either."""

    def cached(self, key: Hashable, build: Callable[[], T]) -> T: ...


def get_path(data: object, path: Sequence[str | int]) -> object:
    """Follow `path` through dicts and lists; None when any step is missing or wrongly typed.

    The hot path of every rule (280,000 calls on the 10,000-document corpus): exact type checks
    on the loader's plain dicts and lists first (an ABC isinstance costs ten times more), other
    Mappings second. A dict's missing key and its null value both end the walk at once (either
    way the answer is None), without a sentinel.
    """
    cur = data
    for step in path:
        kind = type(cur)
        if kind is dict:
            if type(step) is not str:
                return None
            cur = cur.get(step)  # type: ignore[attr-defined]
            if cur is None:
                return None
        elif kind is list:
            if type(step) is not int or not -len(cur) <= step < len(cur):  # type: ignore[arg-type,operator]
                return None
            cur = cur[step]  # type: ignore[index]
        elif isinstance(cur, Mapping):
            cur = cur.get(step, _MISSING) if isinstance(step, str) else _MISSING
            if cur is _MISSING:
                return None
        else:
            return None
    return cur


def mapping_items(data: object, key: str) -> Iterator[tuple[int, Mapping[str, object]]]:
    """The items of the list `data[key]` that are mappings, with their indexes: the one reading of
    a manifest's lists of records (rules, subjects, ports, env...), where anything else (a
    scalar, a wrongly typed list) is skipped, as the API server would refuse it."""
    # exact type tests first (the loader's plain dicts): an ABC isinstance is ten times dearer,
    # and this reads 70,000 items on the 10,000-document corpus
    items = data.get(key) if type(data) is dict or isinstance(data, Mapping) else None
    if isinstance(items, list):
        for index, item in enumerate(items):
            if type(item) is dict or isinstance(item, Mapping):
                yield index, item


@dataclass(frozen=True, slots=True, kw_only=True)
class Document:
    """One YAML document (or one item of a `List`) with its positions.

    `data` is plain data (dict/list/str/int/float/bool/None) and read-only by contract.
    """

    file: str
    helm_source: str | None
    index: int
    span: Span
    doc_type: DocType
    api_version: str
    kind: str
    name: str
    namespace: str | None
    data: Mapping[str, object]
    positions: PositionLookup
    directives: tuple[Directive, ...] = ()
    is_target: bool = True
    path_prefix: FieldPath = ()
    # the loader found no anchor of a built-in credential pattern in the document's source text,
    # nor an escape that could spell one (`k8s.credentials.text_spells_no_credential`); False
    # when it was not asked
    credential_free: bool = False
    # derived facts computed once per document (pod spec path, containers): see `cached`
    memo: dict[Hashable, object] = field(default_factory=dict, compare=False, repr=False)

    @property
    def group(self) -> str:
        return self.api_version.rpartition("/")[0] if "/" in self.api_version else ""

    def cached(self, key: Hashable, build: Callable[[], T]) -> T:
        """A fact derived from this document, built on first use (`model.cached`, inlined: this
        runs 600,000 times on the 10,000-document corpus, and a call frame less is 10% of it)."""
        memo = self.memo
        found = memo.get(key, _MISSING)
        if found is _MISSING:
            found = memo[key] = build()
        return found  # type: ignore[return-value]

    @property
    def ref(self) -> ObjectRef:
        return ObjectRef(self.group, self.kind, self.namespace, self.name)

    def display(self) -> str:
        if self.kind:
            return ObjectRef(self.group, self.kind, self.namespace, self.name or f"#{self.index}").display()
        return self.doc_type.value

    def value(self, *path: str | int) -> object:
        return get_path(self.data, path)

    def mapping(self, *path: str | int) -> Mapping[str, object]:
        found = get_path(self.data, path)
        if type(found) is dict:
            return found
        if found is None:  # (most misses: an ABC isinstance of None costs 10x a plain test)
            return _EMPTY
        return found if isinstance(found, Mapping) else _EMPTY

    def sequence(self, *path: str | int) -> Sequence[object]:
        found = get_path(self.data, path)
        return found if isinstance(found, list) else ()

    def string(self, *path: str | int) -> str | None:
        found = get_path(self.data, path)
        return found if isinstance(found, str) else None

    def has(self, *path: str | int) -> bool:
        parent = get_path(self.data, path[:-1])
        last = path[-1]
        if type(parent) is dict or (parent is not None and isinstance(parent, Mapping)):
            return last in parent
        if isinstance(parent, list) and isinstance(last, int):
            return -len(parent) <= last < len(parent)
        return False

    def labels(self) -> Mapping[str, object]:
        found = self.memo.get("labels")  # (asked for 40,000 times on the 10,000-document corpus)
        if found is None:
            found = self.memo["labels"] = self.mapping("metadata", "labels")
        return found  # type: ignore[return-value]

    def annotations(self) -> Mapping[str, object]:
        found = self.memo.get("annotations")  # (asked for 84,000 times on the 10,000-document corpus)
        if found is None:
            found = self.memo["annotations"] = self.mapping("metadata", "annotations")
        return found  # type: ignore[return-value]


class LoadProblem(NamedTuple):
    file: str
    span: Span
    code: str
    message: str
    helm_source: str | None = None
    related: tuple[Location, ...] = ()
    doc_index: int = 0
    detail: str = ""  # what distinguishes two problems of one document (a duplicate key's name)


class Violation(NamedTuple):
    """What a rule yields: a message and where in the document; the engine does the rest."""

    message: str
    path: FieldPath = ()
    related: tuple[tuple[Document, FieldPath, str], ...] = ()


class Finding(NamedTuple):
    """One finding of a rule (or an input problem) at a place in a file, as every report shows it.

    An immutable record, made by keyword and changed with `_replace`; a NamedTuple rather than a
    frozen dataclass because a run makes one per finding, twice when workers send them back
    (0.8 µs against 2.7 µs for its 20 fields: ~0.25 s of CPU on the 10,000-document corpus)."""

    rule_id: str
    severity: Severity
    document: str
    message: str
    file: str
    span: Span
    object: ObjectRef | None = None
    api_version: str = ""
    doc_index: int = 0
    path: FieldPath = ()
    logical_path: str = ""
    related: tuple[Location, ...] = ()
    helm_source: str | None = None
    rendered: Location | None = None
    approximate: bool = False
    suppressed_by: str | None = None
    justification: str = ""
    fingerprint: str = ""
    sensitive: bool = False  # the source line may hold a secret: never print it
    # set only when a baseline was applied: "new" (not in it) or "unchanged" (recorded in it)
    baseline_state: str | None = None

    def sort_key(self) -> tuple[str, int, int, str, str]:
        return (self.file, self.span.start.line, self.span.start.column, self.rule_id, self.message)


@dataclass(frozen=True, slots=True, kw_only=True)
class RuleMeta:
    id: str
    title: str
    document: str
    severity: Severity
    scope: Scope
    rationale: str
    remediation: str
    examples: Examples
    references: tuple[str, ...] = ()
    options_schema: Mapping[str, object] | None = None
    default_enabled: bool = True
    category: str = "security"
    security_severity: str | None = None
    precision: str = "high"
    cross_object: bool = False
    source: str = "builtin"
    # findings point at credentials: reporters never print the offending source line
    sensitive: bool = False
    # other linters' equivalent check ids by peer (kubelint_py/peers.py; the registry fills it
    # in): not part of a rule's identity, so the index and the modules still compare equal
    peers: Mapping[str, tuple[str, ...]] = field(default_factory=dict, compare=False)


class ToolError(NamedTuple):  # not a dataclass: ~0.5 ms less of every start
    """A problem of the run that is not a finding (unreadable directory, plugin failure)."""

    file: str | None
    message: str
    line: int | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Report:
    """What a run found: the findings, the rules that ran, the files and the problems of the run."""

    findings: tuple[Finding, ...]
    rules: tuple[RuleMeta, ...]
    files: tuple[str, ...]
    errors: tuple[ToolError, ...] = ()
    stats: Mapping[str, int] = field(default_factory=dict)
    # one line each, for stderr: why findings stayed on a rendered stream and what to do
    notes: tuple[str, ...] = ()
    # (file, object) of every object linted, in source order: what `object_label` names them
    # (JUnit: one test case each, with or without findings)
    objects: tuple[tuple[str, str], ...] = ()
    # whether `findings` are in `Finding.sort_key` order already (a run's are: engine.finalize
    # sorts them), so reporters need not sort them again (0.05 s of 68,000 findings)
    ordered: bool = False

    @property
    def active(self) -> tuple[Finding, ...]:
        """The findings not suppressed (made on each read: take it once)."""
        return tuple(f for f in self.findings if f.suppressed_by is None)

    @property
    def suppressed(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.suppressed_by is not None)


# Problems with the input itself: a file kubelint could not read, parse or fully check says
# nothing about the rules that were selected, so these run whatever the selection
# (`--select`, `--ignore`, `rules.enable`/`disable`), and a baseline never records them
# (kubelint_py/run/baseline.py; kubelint_py/registry/registry.py applies the selection): "No problems
# found" must never stand for "nothing was read".
INPUT_PROBLEMS = frozenset(
    ("yaml-syntax", "yaml-duplicate-key", "input-unreadable", "input-too-large", "internal-error")
)


def object_label(obj: ObjectRef | None, doc_index: int) -> str:
    """How reports that group findings by object name one: `Kind ns/name`, or the document's
    place in its file when it is no Kubernetes object (a syntax error, a config file)."""
    return obj.display() if obj is not None and obj.kind else f"document #{doc_index}"


def exit_code(report: Report, fail_on: Severity | None, *, internal_failure: bool = False) -> int:
    """0 clean, 1 findings at/above `fail_on` (None = never), 2 when kubelint itself failed."""
    active = report.active
    if internal_failure or any(f.rule_id == "internal-error" for f in active):
        return 2
    if fail_on is None:
        return 0
    return 1 if any(f.severity >= fail_on for f in active) else 0


class Source(NamedTuple):  # not a dataclass: ~0.5 ms less of every start
    """One input: a file, stdin, or an entry that could not be read (`error` set)."""

    display: str
    raw: bytes | None
    is_target: bool = True
    error: str | None = None
    skipped: str | None = None  # deliberately not read (not an error): why


class StaleGeneratedFile(RuntimeError):
    """A file generated from the code (the rule index) no longer matches it: a contributor's
    step left out. Its message names the file and the command that regenerates it, and is
    shown to the user as it is (it holds nothing from the scanned tree)."""
