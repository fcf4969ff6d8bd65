"""The `# expect:` markers of fixtures/<rule-id>/fail-* files: where each finding is expected.

A marker ends the line the finding is reported on and names the rule and the column:

    privileged: true  # expect: privileged-container@9
    capabilities: {add: [BPF, PERFMON]}  # expect: dangerous-capability-added@34, dangerous-capability-added@39

The column is the one kubelint prints (`file:line:column`): counted from 1, in characters. A
finding on a mapping value is reported at its key, on a list entry at the entry, on a missing
field at the nearest key that exists. A fixture that cannot carry comments (JSON, undecodable
bytes) has a sidecar `<name>.expect` with one `<line> <rule-id>@<column>` row per finding.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

HOW = (
    "write each expected finding as `# expect: <rule-id>@<column>` at the end of the line it is reported on, "
    "the column as `kubelint lint` prints it (file:line:column, from 1, in characters; a mapping value is "
    "reported at its key), e.g. `# expect: privileged-container@9`; several findings on one line: "
    "`# expect: a@5, a@12`; in a .expect sidecar, one `<line> <rule-id>@<column>` row per finding"
)
_MARKERS = re.compile(r"#\s*expect:\s*([a-z0-9/@,\s-]+?)\s*(?=#|$)")
_MARKER = re.compile(r"(?P<rule>[a-z0-9/-]+)@(?P<column>[1-9][0-9]*)")

Expected = Counter[tuple[str, int, int]]  # (rule id, line, column) -> how many findings


class MarkerError(ValueError):
    """A marker the test cannot read; the message says where and how to write it."""


def _marker(text: str, where: str) -> tuple[str, int]:
    match = _MARKER.fullmatch(text.strip())
    if match is None:
        raise MarkerError(f"{where}: `{text.strip()}` is not `<rule-id>@<column>`: {HOW}")
    return match["rule"], int(match["column"])


def expected_findings(path: Path) -> Expected:
    """The findings `path` expects, from its markers or its `.expect` sidecar."""
    found: Expected = Counter()
    sidecar = path.with_name(path.name + ".expect")
    if sidecar.exists():
        for number, row in enumerate(sidecar.read_text(encoding="utf-8").splitlines(), start=1):
            if row.strip() and not row.startswith("#"):
                where = f"{sidecar.name}:{number}"
                line, _, marker = row.strip().partition(" ")
                if not line.isdigit():
                    raise MarkerError(f"{where}: `{row}` does not start with a line number: {HOW}")
                rule, column = _marker(marker, where)
                found[(rule, int(line), column)] += 1
        return found
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        for match in _MARKERS.finditer(line):
            for text in match.group(1).split(","):
                if text.strip():
                    rule, column = _marker(text, f"{path.name}:{number}")
                    found[(rule, number, column)] += 1
    return found


def as_markers(findings: Expected) -> list[str]:
    """`line N: rule@column` for each, in order (twice for two), for messages."""
    return [f"line {line}: {rule}@{column}" for (rule, line, column) in sorted(findings.elements(), key=_by_line)]


def _by_line(key: tuple[str, int, int]) -> tuple[int, int, str]:
    rule, line, column = key
    return line, column, rule
