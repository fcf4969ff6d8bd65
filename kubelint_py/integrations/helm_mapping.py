"""Helm: the chart a `# Source: <chart>/templates/x.yaml` header names (--chart-root, the working
directory, or the one chart of that name below it), and the line of the template that writes
the rendered key."""

from __future__ import annotations

from pathlib import Path

from kubelint_py.integrations.charts import chart_name
from kubelint_py.integrations.mapping import APPROXIMATE, MapperBase, Target, line_one
from kubelint_py.integrations.outline import Outline
from kubelint_py.model import Span

TEMPLATES_CHECKED = 200  # per candidate chart, when several have the stream's chart name


class HelmMapping(MapperBase):
    """Findings of `helm template` output moved to the chart's templates."""

    def chart_dir(self, name: str) -> Path | None:
        if name not in self._charts:
            self._charts[name] = self._find_chart(name)
        return self._charts[name]

    def _find_chart(self, name: str) -> Path | None:
        """`--chart-root`, else the working directory, else the one chart of that name below
        it. Two or more charts of the name that could all have rendered the stream (each has
        every own template the stream names) are ambiguous: None, and they are remembered for
        the warning; the findings stay on the stream rather than land in the wrong chart."""
        root = self.chart_root
        if root is not None:
            declared = self._chart_name(root)
            if declared is None or declared == name:
                return root
        if self._chart_name(self.cwd) == name:
            return self.cwd
        matches = [candidate for candidate in self.found_charts() if self._chart_name(candidate) == name]
        if len(matches) > 1:
            named = sorted(self._own_templates(name))[:TEMPLATES_CHECKED]
            fitting = [chart for chart in matches if all(self.inside(chart, rest) is not None for rest in named)]
            if len(fitting) == 1:
                return fitting[0]
            self._ambiguous[name] = fitting or matches
            return None
        return matches[0] if matches else None

    def _own_templates(self, name: str) -> set[str]:
        """The chart's own files the stream's `# Source:` headers name (not its subcharts', which
        may be packaged): `templates/deployment.yaml`, `crds/x.yaml`."""
        named: set[str] = set()
        for docs in self.by_file.values():
            for doc in docs:
                chart, _, rest = (doc.helm_source or "").partition("/")
                if chart == name and rest and not rest.startswith("charts/") and ".." not in Path(rest).parts:
                    named.add(rest)
        return named

    def _chart_name(self, directory: Path) -> str | None:
        """`chart_name`, read once per directory and run (every chart name looked up asks)."""
        if directory not in self._chart_names:
            self._chart_names[directory] = chart_name(directory, self.tree, self.max_bytes)
        return self._chart_names[directory]

    def helm_target(self, helm_source: str, rendered: Outline | None, span: Span) -> Target | None:
        chart, _, rest = helm_source.partition("/")
        parts = Path(rest).parts
        if not chart or not rest or ".." in parts or Path(rest).is_absolute():
            return None
        chart_dir = self.chart_dir(chart)
        if chart_dir is None:
            return None
        if self.tree.resolve(chart_dir, rest) is None:
            return None  # a link out of the tree: the finding stays on the rendered stream
        template = chart_dir / rest
        if not template.is_file():
            if self.inside(chart_dir, "Chart.yaml") is None:
                return None
            note = f"{APPROXIMATE}: template {helm_source} is not on disk (a packaged dependency?)"
            return Target(chart_dir / "Chart.yaml", line_one(), True, note)
        return self.structural(template, rendered, span, name_filter=False)
