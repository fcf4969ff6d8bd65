"""The GitHub annotations' order, most severe first then by `Finding.sort_key`: findings of an
ordered report (`Report.ordered`) are only sorted by severity, which must give the order the
full sort gives, equal findings and ties of every key included."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from kubelint_py.model import Finding, Pos, Severity, Span
from kubelint_py.output.reporters import github

SMALL_FINDINGS = st.builds(
    Finding,
    rule_id=st.sampled_from(("a-rule", "b-rule")),
    severity=st.sampled_from(Severity),
    document=st.just("cluster-hardening"),
    message=st.sampled_from(("m", "n")),
    file=st.sampled_from(("a.yaml", "b.yaml")),
    span=st.builds(Span, st.builds(Pos, st.integers(0, 2), st.integers(0, 2)), st.just(Pos(3, 1))),
    fingerprint=st.sampled_from(("", "f1", "f2")),  # not in the sort key: equal keys stay apart
)


@settings(max_examples=500, deadline=None)
@given(st.lists(SMALL_FINDINGS, max_size=30))
def test_ordered_findings_need_only_the_severity_sort(findings: list[Finding]) -> None:
    ordered = sorted(findings, key=Finding.sort_key)
    expected = sorted(ordered, key=lambda f: (-f.severity, *f.sort_key()))
    shortcut = github._most_severe_first(ordered, True)
    assert [id(f) for f in shortcut] == [id(f) for f in expected]  # the same objects, in the same order
    assert github._most_severe_first(ordered, False) == expected
