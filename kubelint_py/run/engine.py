"""Run rules over documents: dispatch by scope, isolate failures, build findings."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from sys import intern
from types import MappingProxyType
from typing import Any, NamedTuple, TypeGuard

from kubelint_py.fingerprint import fingerprint, fingerprint_with, object_identity
from kubelint_py.input.recognize import OBJECT_DOC_TYPES
from kubelint_py.k8s.kinds import KIND_GROUPS, KindGroup, qualified_kind
from kubelint_py.k8s.sensitive import is_sensitive_object, key_is_sensitive, scrub, secret_texts, sensitive_at
from kubelint_py.k8s.workloads import is_workload
from kubelint_py.model import (
    DocType,
    Document,
    FieldPath,
    Finding,
    LoadProblem,
    Location,
    ObjectRef,
    Pos,
    Severity,
    Span,
    StaleGeneratedFile,
    Violation,
)
from kubelint_py.peers import BY_NAME as PEERS_BY_NAME
from kubelint_py.rule_api import DocCheck, Rule, RuleContext
from kubelint_py.run.context import LintContext
from kubelint_py.run.forked import Streams, can_fork, split
from kubelint_py.run.suppress import ANNOTATION_PREFIX, PeerSkip, Suppressor

# the options of a rule that has none, the settings of a run without any (shared: read-only)
_NONE: Mapping[str, Any] = MappingProxyType({})


class ActiveRule(NamedTuple):  # not a dataclass: ~0.5 ms less of every start
    """A rule the run checks, with its severity and options after the configuration."""

    rule: Rule
    severity: Severity
    options: Mapping[str, Any] = _NONE


# Below this many target documents per process, forking costs more than it saves.
MIN_DOCUMENTS_PER_JOB = 1000


class EngineOptions(NamedTuple):  # not a dataclass: ~0.5 ms less of every start
    """How the engine runs the rules: the run's settings, guards and processes."""

    assume_complete: bool = False
    settings: Mapping[str, Any] = _NONE
    raise_errors: bool = False
    jobs: int = 1
    workers: Callable[[int], int] | None = None  # of at most `jobs`, how many to fork now


class Dispatch:
    """Which rules apply to a document, decided once per (apiVersion, kind, doc type,
    workload-ness) and looked up after: a scope names bare kinds (any group), group-qualified
    kinds (`apps/Deployment`, `v1/Service`) and kind groups (k8s/kinds.py), all of which depend
    on nothing else."""

    def __init__(self, rules: Sequence[ActiveRule]) -> None:
        # bare kinds (`Service`: any group) and qualified ones (`v1/Service`) apart, so a document
        # whose kind is spelled with a group (`kind: batch/CronJob`, no kind at all) matches neither
        self._by_bare_kind: dict[str, list[ActiveRule]] = defaultdict(list)
        self._by_qualified_kind: dict[str, list[ActiveRule]] = defaultdict(list)
        self._workload: list[tuple[KindGroup, ActiveRule]] = []
        self._by_doc_type: dict[str, list[ActiveRule]] = defaultdict(list)
        self._any_object: list[ActiveRule] = []
        self._cache: dict[tuple[str, str, str, bool], tuple[ActiveRule, ...]] = {}
        for active in rules:
            if active.rule.check is None:
                continue
            scope = active.rule.meta.scope
            if scope.is_empty():
                self._any_object.append(active)
            for kind in scope.kinds:
                self._kind_bucket(kind).append(active)
            for name in sorted(scope.kind_groups):
                group = KIND_GROUPS.get(name)
                if group is None:  # refused when the rule is loaded (schemas/rule.schema.json)
                    continue
                for kind in group.kinds:
                    self._kind_bucket(kind).append(active)
                if group.workloads or group.deployment_like:
                    self._workload.append((group, active))
            for doc_type in scope.doc_types:
                self._by_doc_type[doc_type.value].append(active)

    def _kind_bucket(self, kind: str) -> list[ActiveRule]:
        return (self._by_qualified_kind if "/" in kind else self._by_bare_kind)[kind]

    def rules_for(self, doc: Document) -> tuple[ActiveRule, ...]:
        workload = is_workload(doc)
        key = (doc.api_version, doc.kind, doc.doc_type.value, workload)
        cached = self._cache.get(key)
        if cached is not None:
            return cached
        chosen: list[ActiveRule] = []
        if doc.doc_type in OBJECT_DOC_TYPES:
            chosen += self._any_object
            chosen += self._by_bare_kind.get(doc.kind, ())
            chosen += self._by_qualified_kind.get(qualified_kind(doc.api_version, doc.kind), ())
            # Control-plane static pods (kube-apiserver, etcd, ...) are laid out by kubeadm and
            # judged by the control-plane rules; workload hygiene rules (probes, limits, host
            # namespaces they need) would only be noise on them. Kind-scoped Pod rules still apply.
            if workload and doc.doc_type is DocType.K8S_OBJECT:
                chosen += [active for group, active in self._workload if group.matches_workload(doc.kind)]
        chosen += self._by_doc_type.get(doc.doc_type.value, ())
        by_id: dict[str, ActiveRule] = {}
        for active in chosen:  # a rule may sit in several buckets (kind and workload group)
            by_id.setdefault(active.rule.id, active)
        unique = tuple(by_id.values())
        self._cache[key] = unique
        return unique


MAX_MESSAGE = 600

# The fields `Engine._finding_for` gives by position, in this order (with the defaults of the
# others): a change to Finding's layout must change that tuple too, so it stops the import.
_FINDING_FIELDS = (
    "rule_id",
    "severity",
    "document",
    "message",
    "file",
    "span",
    "object",
    "api_version",
    "doc_index",
    "path",
    "logical_path",
    "related",
    "helm_source",
    "rendered",
    "approximate",
    "suppressed_by",
    "justification",
    "fingerprint",
    "sensitive",
    "baseline_state",
)
_FINDING_DEFAULTS = {
    "rendered": None,
    "approximate": False,
    "suppressed_by": None,
    "justification": "",
    "baseline_state": None,
}
if Finding._fields != _FINDING_FIELDS or any(
    Finding._field_defaults.get(name, ...) != value for name, value in _FINDING_DEFAULTS.items()
):
    raise ImportError("kubelint_py.model.Finding changed: update Engine._finding_for and _FINDING_FIELDS")
_new_tuple = tuple.__new__


def _bounded(message: str) -> str:
    """Messages quote values; a 100 KB value must not make a 100 KB annotation."""
    if len(message) <= MAX_MESSAGE:
        return message
    return message[: MAX_MESSAGE - 40] + f"… ({len(message):,} characters, cut)"


def logical_path(doc: Document, path: FieldPath) -> str:
    """`spec.template.spec.containers[name=app].image`: list items keyed by name when they have one."""
    # runs for every finding (69,229 on the 10,000-document corpus): exact type tests on the
    # loader's plain dicts and lists first, the general reading for anything else
    parts: list[str] = []
    current: object = doc.data
    for step in path:
        if type(step) is str:
            parts.append(f".{step}" if parts else step)
            current = current.get(step) if type(current) is dict or _is_mapping(current) else None
        elif isinstance(step, int):
            item = current[step] if type(current) is list and 0 <= step < len(current) else None
            name = item.get("name") if type(item) is dict or _is_mapping(item) else None
            parts.append(f"[name={name}]" if type(name) is str and name else f"[{step}]")
            current = item
        else:
            parts.append(f".{step}" if parts else str(step))
            current = current.get(step) if _is_mapping(current) else None
    return "".join(parts)


def _text_of(path: FieldPath) -> str | None:
    """The logical path of a path of keys only (no list index, so no data read), else None."""
    return intern(".".join(path)) if all(type(step) is str for step in path) else None  # type: ignore[arg-type]


def _is_mapping(value: object) -> TypeGuard[Mapping[str, object]]:
    """The loader makes plain dicts: an exact type test first (an ABC check costs 10x more)."""
    return type(value) is dict or isinstance(value, Mapping)


def _secrets(doc: Document) -> tuple[bool, tuple[str, ...]]:
    """(whether the whole document is secret, its secret texts): made once per document."""
    found = doc.memo.get("secrets")  # (read for every finding: no closure made when it is there)
    if found is None:
        found = doc.memo["secrets"] = (is_sensitive_object(doc.kind, doc.doc_type), secret_texts(doc.kind, doc.data))
    return found  # type: ignore[return-value]


def guarded_message(doc: Document, violation: Violation) -> tuple[str, bool]:
    """The violation's message without any secret of its document, and whether the finding is
    sensitive (its object is secret, or its path lies in a sensitive place): the one check
    every rule's finding passes, so no rule has to remember not to quote a secret
    (docs/security.md, promise 3; "sensitive" is kubelint_py.k8s.sensitive's decision)."""
    whole, texts = _secrets(doc)
    found = None if whole else sensitive_at(doc.data, violation.path)
    if found:
        texts = (*texts, *found)
    message = scrub(violation.message, texts) if texts else violation.message
    return message, whole or found is not None


def _problem_guard(problem: LoadProblem, docs: Sequence[Document]) -> tuple[str, bool]:
    """`guarded_message` for an input problem (a duplicate key, a syntax error) of the
    documents loaded at its place; a duplicate key that names a secret hides its line too."""
    texts: tuple[str, ...] = ()
    sensitive = False
    for doc in docs:
        whole, found = _secrets(doc)
        sensitive = sensitive or whole
        texts += found
    if problem.detail and problem.code == "yaml-duplicate-key":
        credential = sensitive_at(problem.detail, ())  # a key that is a credential itself
        if credential is not None:
            texts += credential
        sensitive = sensitive or credential is not None or key_is_sensitive(problem.detail)
    message = scrub(problem.message, texts) if texts else problem.message
    return message, sensitive


def _identity(doc: Document) -> tuple[str, ObjectRef | None, str]:
    """What every finding of `doc` repeats (display, object, fingerprint identity): made once
    per document, as a document has several findings."""
    found = doc.memo.get("finding-identity")  # (read for every finding: no closure made when it is there)
    if found is None:
        found = doc.memo["finding-identity"] = _identity_of(doc)
    return found  # type: ignore[return-value]


def _identity_of(doc: Document) -> tuple[str, ObjectRef | None, str]:
    identity = object_identity(doc.file, doc.group, doc.kind, doc.namespace or "", doc.name or f"#{doc.index}")
    return doc.display(), doc.ref if doc.kind else None, identity


class Engine:
    def __init__(
        self,
        rules: Sequence[ActiveRule],
        loader_rules: Mapping[str, ActiveRule],
        suppressor: Suppressor,
        options: EngineOptions,
        known_ids: frozenset[str] = frozenset(),
    ) -> None:
        self.rules = rules
        self.known_ids = known_ids | {a.rule.id for a in rules} | set(loader_rules)
        self.loader_rules = loader_rules
        self.suppressor = suppressor
        self.options = options
        self.findings: list[Finding] = []
        self._paths: dict[FieldPath, tuple[FieldPath, str | None]] = {}

    # -- building findings ----------------------------------------------------------
    def _finding_for(self, active: ActiveRule, doc: Document, violation: Violation) -> Finding:
        span = doc.positions.lookup(violation.path)
        related = (
            tuple(
                Location(other.file, other.positions.lookup(other_path), label or other.display())
                for other, other_path, label in violation.related
            )
            if violation.related
            else ()
        )
        # the same paths come back in document after document: one copy each, not one a finding
        # (180 of the 750 bytes a finding took; 343,000 findings on the 50,000-document corpus),
        # and the logical path of one without a list index, which is its text whatever the data
        # (a third of the corpus's findings, at 53 paths)
        path = violation.path
        logical = None
        if type(path) is tuple:
            known = self._paths.get(path)
            if known is None:
                known = self._paths[path] = (path, _text_of(path))
            path, logical = known
        if logical is None:
            logical = intern(logical_path(doc, path))
        display, ref, fingerprint_prefix = _identity(doc)
        meta = active.rule.meta
        message, sensitive = guarded_message(doc, violation)
        # by position (`_FINDING_FIELDS`): 0.24 us against 1.29 us by keyword, for each finding
        return _new_tuple(
            Finding,
            (
                meta.id,  # rule_id
                active.severity,
                meta.document,
                _bounded(f"{display}: {message}"),  # message
                doc.file,
                span,
                ref,  # object
                doc.api_version,
                doc.index,  # doc_index
                path,
                logical,  # logical_path
                related,
                doc.helm_source,
                None,  # rendered
                False,  # approximate
                None,  # suppressed_by
                "",  # justification
                fingerprint_with(meta.id, fingerprint_prefix, logical),  # fingerprint
                meta.sensitive or sensitive,  # sensitive
                None,  # baseline_state
            ),
        )

    def _emit(self, finding: Finding, doc: Document | None) -> None:
        suppression = self.suppressor.for_finding(finding.rule_id, finding.file, finding.span.start.line, doc)
        if suppression is not None:
            finding = finding._replace(suppressed_by=suppression.kind, justification=suppression.justification)
        self.findings.append(finding)

    def _loader_finding(
        self,
        rule_id: str,
        file: str,
        span: Span,
        message: str,
        related: tuple[Location, ...] = (),
        helm_source: str | None = None,
        doc: Document | None = None,
        identity: str = "",
        sensitive: bool = False,
        doc_index: int = 0,
        suppressible_in: Document | None = None,
    ) -> None:
        """A finding of a built-in input rule. `identity` names the problem without line
        numbers (document index, key, rule) so its fingerprint survives edits above it.
        `sensitive`: its line may show a secret (a Secret's `doc` is taken as such anyway).
        `suppressible_in`: the document whose inline comments may suppress it (a duplicate key
        in a document that parsed), since input problems run whatever the selection."""
        active = self.loader_rules.get(rule_id)
        if active is None:
            return
        if doc is not None:
            sensitive = sensitive or _secrets(doc)[0]
        self._emit(
            Finding(
                rule_id=rule_id,
                severity=active.severity,
                document=active.rule.meta.document,
                message=message,
                file=file,
                span=span,
                object=doc.ref if doc is not None and doc.kind else None,
                api_version=doc.api_version if doc is not None else "",
                doc_index=doc.index if doc is not None else doc_index,
                related=related,
                helm_source=helm_source,
                fingerprint=fingerprint(rule_id, file, "", "", "", identity or message, ""),
                sensitive=sensitive,
            ),
            doc if doc is not None else suppressible_in,
        )

    # -- running ----------------------------------------------------------------------
    def _context_for(self, active: ActiveRule, lint: LintContext) -> RuleContext:
        return RuleContext(lint, active.options, self.options.settings, self.options.assume_complete)

    def _internal_error(self, active: ActiveRule, doc: Document | None, exc: BaseException) -> None:
        where = f" on {doc.display()}" if doc is not None else ""
        file = doc.file if doc is not None else "<run>"
        span = doc.positions.lookup(()) if doc is not None else Span(Pos(1, 1), Pos(1, 2))
        self._loader_finding(
            "internal-error",
            file,
            span,
            # never str(exc): it can quote the document's values (a Secret) or be a Python repr;
            # a stale generated file is ours, and its message says how to regenerate it
            f"rule {active.rule.id} could not run: {exc}"
            if isinstance(exc, StaleGeneratedFile)
            else f"rule {active.rule.id} failed{where} ({type(exc).__name__}); other rules still ran "
            "(run with --debug for the traceback, and please report it)",
            doc=doc,
            identity=f"#{doc.index if doc is not None else ''}/{active.rule.id}",
        )

    def run(self, lint: LintContext, problems: Iterable[LoadProblem]) -> list[Finding]:
        placed: dict[tuple[str, int], list[Document]] | None = None
        for problem in problems:
            if placed is None:  # the documents loaded where problems were found (few runs have any)
                placed = defaultdict(list)
                for doc in lint.documents:
                    placed[(doc.file, doc.index)].append(doc)
            here = placed.get((problem.file, problem.doc_index), ())
            message, sensitive = _problem_guard(problem, here)
            self._loader_finding(
                problem.code,
                problem.file,
                problem.span,
                message,
                problem.related,
                problem.helm_source,
                identity=f"#{problem.doc_index}/{problem.detail}",
                sensitive=sensitive,
                doc_index=problem.doc_index,
                suppressible_in=here[0] if problem.code == "yaml-duplicate-key" and len(here) == 1 else None,
            )
        contexts = {a.rule.id: self._context_for(a, lint) for a in self.rules}
        targets = [doc for doc in lint.documents if doc.is_target]
        jobs = min(self.options.jobs, len(targets) // MIN_DOCUMENTS_PER_JOB or 1)
        if jobs > 1 and self.options.workers is not None:
            jobs = self.options.workers(jobs)
        if jobs > 1 and can_fork():
            self._run_forked(lint, targets, contexts, jobs)
        else:
            self._run_documents(targets, contexts)
            self._run_cross_object(contexts)
        self._report_unused(lint, {a.rule.id for a in self.rules} | set(self.loader_rules))
        return finalize(self.findings)

    def _run_documents(self, documents: Sequence[Document], contexts: Mapping[str, RuleContext]) -> None:
        dispatch = Dispatch(self.rules)
        # (rule, its check, its context) per dispatch key, resolved once: this loop runs
        # about 40 checks for each of 10,000 documents, so per-pair lookups add up
        plans: dict[int, list[tuple[ActiveRule, DocCheck, RuleContext]]] = {}  # by id of Dispatch's tuple
        emit, finding_for = self._emit, self._finding_for
        for doc in documents:
            chosen = dispatch.rules_for(doc)
            plan = plans.get(id(chosen))
            new = plan is None
            if plan is None:
                plan = [(a, a.rule.check, contexts[a.rule.id]) for a in chosen if a.rule.check]
            for active, check, context in plan:
                try:
                    for violation in check(doc, context):
                        emit(finding_for(active, doc, violation), doc)
                except Exception as exc:
                    if self.options.raise_errors:
                        raise
                    self._internal_error(active, doc, exc)
            if new:  # a built-in rule's module is imported on its check's first call, which puts
                # the module's check into the rule (registry.builtin.DeferredCheck): the plan kept
                # is made after that, so later documents call the checks themselves (335,000
                # calls on the 10,000-document corpus, each through the deferred one's frame)
                plans[id(chosen)] = [(a, a.rule.check or check, context) for a, check, context in plan]

    def _run_cross_object(self, contexts: Mapping[str, RuleContext]) -> None:
        for active in self.rules:
            run_check = active.rule.check_run
            if run_check is None:
                continue
            try:
                for doc, violation in run_check(contexts[active.rule.id]):
                    if doc.is_target:
                        self._emit(self._finding_for(active, doc, violation), doc)
            except Exception as exc:
                if self.options.raise_errors:
                    raise
                self._internal_error(active, None, exc)

    def _run_forked(
        self, lint: LintContext, targets: Sequence[Document], contexts: Mapping[str, RuleContext], jobs: int
    ) -> None:
        """Per-document rules over `jobs` processes forked after the lint context is built.

        Children (see forked.py) inherit every document and index copy-on-write, so nothing is
        pickled on the way in; each sends its findings (as plain tuples, see packing.py) every
        PIECE_DOCUMENTS documents, then the suppressions they used. Object ids are the same in
        parent and children, so the used-suppression sets merge as they are. This process runs
        the cross-object rules while the children work, then its own slice, and unpacks the
        children's findings in between; its share is still the larger (PARENT_SHARE), as a
        child checks each document more slowly.
        Output does not depend on `jobs`: findings are sorted and de-duplicated in finalize().
        """
        from kubelint_py.run import packing  # only runs that fork need it

        lint.warm_up()
        dispatch = Dispatch(self.rules)
        # One document of each set of rules is checked here first, so the children inherit what
        # a check's first call builds (rule modules, run-wide indexes such as `input_has_windows`,
        # compiled schemas) instead of building it again: a child's first 500 documents took
        # 0.24-0.27 s against 0.13 s for the next, 0.15 s when primed (31 documents here, 0.09 s,
        # which this process paid in its own first documents before). Less CPU, the same wall.
        first_of_plan = {id(dispatch.rules_for(doc)): n for n, doc in reversed(list(enumerate(targets)))}
        primers = sorted(first_of_plan.values())
        self._run_documents([targets[n] for n in primers], contexts)
        primed = set(primers)
        targets = [doc for n, doc in enumerate(targets) if n not in primed]
        checks = [len(dispatch.rules_for(doc)) + 1 for doc in targets]  # what a document costs, roughly
        slices = [targets[part.start : part.stop] for part in split(checks, [PARENT_SHARE] + [1.0] * (jobs - 1))]

        def run_slice(number: int) -> Iterator[list[packing.Packed] | _Used]:
            """In a forked child: this slice's findings, some documents' at a time, then the
            suppressions they used."""
            self.suppressor.used_annotations = set()
            self.suppressor.used_directives = set()
            for piece in _pieces(slices[number]):
                self.findings = []
                self._run_documents(piece, contexts)
                yield [packing.pack_finding(f) for f in self.findings]
            yield self.suppressor.used_annotations, self.suppressor.used_directives

        found: dict[int, list[Finding]] = {number: [] for number in range(1, jobs)}
        used: dict[int, _Used] = {}

        def receive(number: int, piece: list[packing.Packed] | _Used) -> None:
            if isinstance(piece, list):
                found[number].extend(map(packing.unpack_finding, piece))
            else:
                used[number] = piece

        with Streams(run_slice, range(1, jobs), receive) as children:
            self._run_cross_object(contexts)
            for piece in _pieces(slices[0]):
                children.poll()
                self._run_documents(piece, contexts)
            for number, finished in enumerate(children.finish(), start=1):
                if not finished or number not in used:  # the child died (killed?): check its slice here
                    self._run_documents(slices[number], contexts)
                    continue
                self.findings += found[number]
                annotations, directives = used[number]
                self.suppressor.used_annotations.update(annotations)
                self.suppressor.used_directives.update(directives)

    def _report_unused(self, lint: LintContext, enabled: set[str]) -> None:
        if "unused-suppression" not in self.loader_rules:
            return
        fired: dict[tuple[str, int], bool] = {}
        for doc in lint.documents:
            if not doc.is_target:
                continue
            for key in self.suppressor.unused_annotations(doc):
                rule_id = key[len(ANNOTATION_PREFIX) :] if key.startswith(ANNOTATION_PREFIX) else None
                if rule_id is not None and rule_id != "all" and rule_id not in enabled:
                    if rule_id in self.known_ids:
                        continue  # rule turned off in this run: not evidence the ignore is stale
                    message = f"annotation {key} names no known rule"
                else:
                    message = f"annotation {key} suppresses nothing; remove it"
                path = ("metadata", "annotations", key)
                self._loader_finding(
                    "unused-suppression",
                    doc.file,
                    doc.positions.lookup(path),
                    f"{doc.display()}: {message}",
                    identity=f"#{doc.index}/{key}",
                )
            for skip in self.suppressor.unused_peer_skips(doc):
                stale = _unused_peer_message(skip, enabled)
                if stale is None:
                    continue
                self._loader_finding(
                    "unused-suppression",
                    doc.file,
                    doc.positions.lookup(("metadata", "annotations", skip.key)),
                    f"{doc.display()}: {stale}",
                    identity=f"#{doc.index}/{skip.token}",
                )
            for directive in self.suppressor.unused_directives(doc):
                if (doc.file, directive.comment_line) in fired:
                    continue
                fired[(doc.file, directive.comment_line)] = True
                ids = set(directive.rule_ids) - {"all"}
                if ids and not ids & enabled and ids <= self.known_ids:
                    continue
                unknown = sorted(ids - self.known_ids)
                message = (
                    f"suppression names unknown rule(s) {', '.join(unknown)}"
                    if unknown
                    else f"suppression of {', '.join(sorted(directive.rule_ids))} matches no finding; remove it"
                )
                line = directive.comment_line
                self._loader_finding(
                    "unused-suppression",
                    doc.file,
                    Span(Pos(line, 1), Pos(line, 2)),
                    message,
                    identity=f"#{doc.index}/{','.join(sorted(directive.rule_ids))}/{directive.reason}",
                )


def _unused_peer_message(skip: PeerSkip, enabled: set[str]) -> str | None:
    """Why another linter's annotation suppressed nothing (None: not evidence that it is stale,
    as every kubelint rule equivalent to its check is turned off in this run)."""
    title = PEERS_BY_NAME[skip.peer].title
    what = f"{title} annotation {skip.key}" + (f" ({skip.check})" if skip.check not in skip.key else "")
    if skip.rules is None:
        return f"{what} suppresses no kubelint finding here"
    if not skip.rules:
        return f"{what}: kubelint has no equivalent of this {title} check, so it suppresses nothing"
    if not skip.rules & enabled:
        return None
    rules = ", ".join(sorted(skip.rules))
    return f"{what} suppresses no kubelint finding here (equivalent rule{'s' if len(skip.rules) > 1 else ''}: {rules})"


# The parent's share of the documents' checks relative to a child's. It also runs the
# cross-object rules and unpacks the children's findings, but a forked child checks each
# document more slowly (its first writes to shared pages copy them); measured on the
# 10,000-document corpus, 4 alternating runs each, the checks took 1.97 s with 0.8, 1.98 s with
# 1.0 and 1.83 s with 1.2, the parent waiting 0.35-0.64 s for the child at 0.8, 0-0.09 s at 1.2.
PARENT_SHARE = 1.2

_Used = tuple[set[tuple[int, str]], set[tuple[str, int]]]  # the suppressions a child's findings used

# A forked child sends its findings every this many documents (about 3,500 findings, 1 MB
# pickled), for this process to unpack in between its own documents.
PIECE_DOCUMENTS = 500


def _pieces(documents: Sequence[Document]) -> Iterator[Sequence[Document]]:
    for start in range(0, len(documents), PIECE_DOCUMENTS):
        yield documents[start : start + PIECE_DOCUMENTS]


def finalize(findings: Iterable[Finding]) -> list[Finding]:
    """Sort, and emit findings that share a fingerprint once (the first in sorted order)."""
    unique: dict[tuple[str, str], Finding] = {}
    for finding in sorted(findings, key=Finding.sort_key):
        unique.setdefault((finding.fingerprint, finding.rule_id), finding)
    return list(unique.values())  # insertion order is the sorted order
