"""The text and GitHub reports' pieces (`chunks`): a line holding a character past ASCII is a
piece of its own, never joined into the ASCII lines around it (which would make them 2 bytes a
character, slow to encode). The pieces still join to every line followed by a line break, the
text report's made safe from workflow commands as the whole would be."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kubelint_py.model import Finding, Report, Severity
from kubelint_py.output.reporters import ReportOptions, github, text
from kubelint_py.output.safe_text import no_workflow_commands
from tests.test_report_text import FINDINGS, RULES

MESSAGES = st.sampled_from(("plain", "wide \u2013 dash", "::error::x", "  ##[cmd] y", "x\n::warning::z", "\u00d7"))
VARIED = FINDINGS.flatmap(lambda f: MESSAGES.map(lambda message: f._replace(message=message)))


@settings(max_examples=200, deadline=None)
@given(st.lists(VARIED, max_size=12), st.integers(1, 5), st.booleans(), st.booleans())
def test_pieces_are_the_lines_with_wide_ones_apart(
    findings: list[Finding], per_piece: int, verbose: bool, suppressed: bool
) -> None:
    report = Report(findings=tuple(findings), rules=RULES, files=())
    options = ReportOptions(
        fail_on=Severity.WARNING,
        exit_code=1,
        sarif_root=Path("/repo"),
        cwd=Path("/repo"),
        verbose=verbose,
        include_suppressed=suppressed,
    )
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(text, "_LINES_PER_CHUNK", per_piece)
        text_pieces = list(text.chunks(report, options))
        text_lines = list(text._lines(report, options))
    github_pieces = list(github.chunks(report, options))
    github_lines = list(github._lines(report, options))
    for pieces, lines, whole in (
        (text_pieces, text_lines, no_workflow_commands("".join(line + "\n" for line in text_lines))),
        (github_pieces, github_lines, "".join(line + "\n" for line in github_lines)),
    ):
        assert "".join(pieces) == whole
        wide = [line for line in lines if not line.isascii()]
        assert [piece for piece in pieces if not piece.isascii()] == [
            (no_workflow_commands(line + "\n") if pieces is text_pieces else line + "\n") for line in wide
        ]
