"""The mapper of one run: Helm and Kustomize mapping together, each finding moved to its
source file when that can be done safely, and the notes of what stayed on the rendered stream
and why (kubelint_py/integrations/rendered.py describes the whole)."""

from __future__ import annotations

import re
from pathlib import Path

from kubelint_py.fingerprint import fingerprint
from kubelint_py.integrations.charts import SEARCH_DEPTH
from kubelint_py.integrations.helm_mapping import HelmMapping
from kubelint_py.integrations.kustomize_mapping import HASH_IN_ITEM_RE, KustomizeMapping
from kubelint_py.integrations.mapping import Target
from kubelint_py.integrations.outline import HASH_SUFFIX_RE
from kubelint_py.model import Document, Finding, Location, Span


class Mapper(HelmMapping, KustomizeMapping):
    """Helm and Kustomize mapping of one run's findings, and the notes of what stayed."""

    # -- one finding
    def locate(self, file: str, span: Span, doc: Document | None, helm_source: str | None) -> Target | None:
        # The rendered stream's outline is built only when there is somewhere to map to: a
        # `helm template` stream whose chart is not on disk stays where it is, at no cost.
        source = helm_source or (doc.helm_source if doc is not None else None)
        if source:
            if self.chart_dir(source.partition("/")[0]) is None:
                return None
            return self.helm_target(source, self.rendered_outline(file), span)
        origin = self.origin_of(doc)
        if origin:
            return self.kustomize_target(origin, self.rendered_outline(file), span)
        return None

    def map(self, finding: Finding) -> Finding:
        """`finding` moved to its source file; unchanged when that cannot be done safely."""
        try:
            if self._stays(finding):
                mapped = finding  # what `_map` returns for it, without locating anything
            else:
                mapped = self._map(finding)
            if mapped.rendered is None and self._first_of_its_object(finding):
                self.explain(finding)
            return mapped
        except (OSError, ValueError, RecursionError):  # odd paths (NUL bytes, other drives), unreadable files
            return finding

    def _map(self, finding: Finding) -> Finding:
        doc = self.document_for(finding.file, finding.span.start.line, finding)
        target = self.locate(finding.file, finding.span, doc, finding.helm_source)
        related = tuple(self.map_related(loc) for loc in finding.related)
        if target is None:
            return finding._replace(related=related) if related != finding.related else finding
        new_file = self.shown(target.path)
        message = finding.message
        if target.note:
            message = f"{message} ({target.note})"
        obj = finding.object
        kustomized = doc is not None and finding.helm_source is None and doc.helm_source is None
        if obj is not None:
            name = obj.name or f"#{finding.doc_index}"
            if kustomized:
                name = HASH_SUFFIX_RE.sub("", name)
            logical = HASH_IN_ITEM_RE.sub(r"\1]", finding.logical_path) if kustomized else finding.logical_path
            print_ = fingerprint(finding.rule_id, new_file, obj.group, obj.kind, obj.namespace or "", name, logical)
        else:
            identity = re.sub(r"\d+", "#", finding.message)
            print_ = fingerprint(finding.rule_id, new_file, "", "", "", identity, finding.logical_path)
        return finding._replace(
            file=new_file,
            span=target.span,
            message=message,
            related=related,
            rendered=Location(finding.file, finding.span, "rendered output"),
            approximate=target.approximate,
            fingerprint=print_,
        )

    def _stays(self, finding: Finding) -> bool:
        """Whether `locate` finds no target for the finding and for each of its related
        locations: nothing in their files can be mapped (most input is not rendered output,
        and a stream's chart may not be on disk), so the finding is returned as it is."""
        source = finding.helm_source
        if source and self.chart_dir(source.partition("/")[0]) is not None:
            return False
        if not self._is_inert(finding.file):
            return False
        # most findings relate nothing: no generator made for them (0.02 s of the corpus's 68,000)
        return not finding.related or all(self._is_inert(loc.file) for loc in finding.related)

    def _is_inert(self, file: str) -> bool:
        """No document of `file` leads `locate` anywhere: each is from a Helm stream whose chart
        is not found, or from no stream and without a kustomize origin."""
        inert = self._inert.get(file)
        if inert is None:  # once per file
            inert = all(
                self.chart_dir(doc.helm_source.partition("/")[0]) is None
                if doc.helm_source
                else not self.origin_of(doc)
                for doc in self.by_file.get(file, ())
            )
            self._inert[file] = inert
        return inert

    def map_related(self, loc: Location) -> Location:
        """Evidence in the same rendered stream moves to its source line when that is exact."""
        if loc.file not in self.by_file:
            return loc
        doc = self.document_for(loc.file, loc.span.start.line)
        target = self.locate(loc.file, loc.span, doc, None)
        if target is None or target.approximate:
            return loc
        return Location(self.shown(target.path), target.span, loc.label)

    # -- why findings stay on the rendered stream (said once per cause, on stderr)
    def _first_of_its_object(self, finding: Finding) -> bool:
        """Whether no finding of the same object of the same stream was explained yet: the cause
        depends on the document and the Helm source only (68,000 findings, 10,000 objects)."""
        if finding.object is None:
            return True
        key = (finding.file, finding.doc_index, finding.helm_source, finding.object)
        if key in self._explained:
            return False
        self._explained.add(key)
        return True

    def explain(self, finding: Finding) -> None:
        """Note the cause when `finding` stayed on its stream for a reason the user can fix: the
        stream's chart is ambiguous or not found, its kustomize origins do not resolve from the
        base, or it looks like kustomize output built without origin annotations."""
        doc = self.document_for(finding.file, finding.span.start.line, finding)
        source = finding.helm_source or (doc.helm_source if doc is not None else None)
        if source:
            name = source.partition("/")[0]
            if name in self._ambiguous:
                self.note("ambiguous", name, finding.file)
            elif name and self.chart_dir(name) is None:
                self.note("missing", name, finding.file)
            return
        origin = self.origin_of(doc)
        if origin:
            path = origin.get("path") or origin.get("configuredIn")
            base = self.chart_root if self.chart_root is not None else self.cwd
            if not origin.get("repo") and path and self.inside(base, path) is None:
                self.note("origin", path, finding.file)
            return
        if self.looks_kustomized(finding.file):
            self.note("no-origin", "", finding.file)

    def note(self, cause: str, detail: str, file: str) -> None:
        if cause == "origin":  # one note for all origin paths; a few kept to suggest a directory
            if len(self._origins) < 20 and detail not in self._origins:
                self._origins.append(detail)
            detail = ""
        self._why.setdefault((cause, detail), set()).add(file)

    def _built_from(self) -> list[Path]:
        """Kustomization directories under the working directory from which every unresolved
        origin path noted is a file: where the stream was probably built."""
        return [
            directory
            for directory in self.found_kustomizations()
            if all(self.inside(directory, path) is not None for path in self._origins)
        ]

    def notes(self) -> list[str]:
        """One line per cause: why findings stay on the rendered stream, and what to do."""
        out: list[str] = []
        for (cause, detail), files in self._why.items():
            shown = sorted(files)
            streams = ", ".join(shown[:3]) + (f" and {len(shown) - 3} more" if len(shown) > 3 else "")
            stay = f"findings in {streams} stay on the rendered output"
            if cause == "ambiguous":
                candidates = [self.shown(path) for path in self._ambiguous[detail]]
                out.append(
                    f"{stay}: its `# Source:` headers name chart `{detail}`, and {len(candidates)} charts here "
                    f"have that name ({', '.join(candidates)}); pass --chart-root with the one that was rendered, "
                    f"e.g. --chart-root {candidates[0]}"
                )
            elif cause == "missing":
                declared = self._chart_name(self.chart_root) if self.chart_root is not None else None
                if self.chart_root is not None and declared is not None and declared != detail:
                    out.append(
                        f"{stay}: its `# Source:` headers name chart `{detail}`, but --chart-root "
                        f"{self.shown(self.chart_root)} holds chart `{declared}`"
                    )
                else:
                    out.append(
                        f"{stay}: its `# Source:` headers name chart `{detail}`, which is not in the current "
                        f"directory or {SEARCH_DEPTH} levels below it; pass --chart-root CHART_DIR, or let "
                        "kubelint render the chart: kubelint helm CHART_DIR"
                    )
            elif cause == "origin":
                base = self.shown(self.chart_root) if self.chart_root is not None else "the current directory"
                example = next((p for p in self._origins if "/" in p), self._origins[0])
                built = [self.shown(path) for path in self._built_from()]
                hint = f" (here: {', '.join(built[:3])})" if built else ""
                out.append(
                    f"{stay}: its kustomize origin paths (such as {example}) are not files relative to {base}; "
                    f"pass --chart-root with the kustomization directory that was built{hint}, or run "
                    "kubelint kustomize DIR"
                )
            else:
                out.append(
                    f"{stay}: it has no `config.kubernetes.io/origin` annotations, so kustomize output cannot be "
                    "traced to its files; run kubelint kustomize DIR instead, or add "
                    "`buildMetadata: [originAnnotations]` to the kustomization and pass --chart-root DIR"
                )
        return out
