"""No pattern from the tree can blow up (docs/security.md, point 2): `.kubelintignore`, the
config's `exclude` and exemption `paths` are matched by kubelint_py/input/globs.py in time linear in
the path, with the semantics of pathspec's gitignore patterns that kubelint used before.

pathspec (a dev dependency) is the reference here: its patterns translated to regular
expressions, with one known difference patched in (a negated set never matches `/`)."""

from __future__ import annotations

import os
import re
import time
import warnings
from collections.abc import Sequence
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from kubelint_py.input.discovery import (
    IGNORE_FILE,
    IGNORE_MAX_BYTES,
    IGNORE_MAX_PATTERNS,
    DiscoveryError,
    Ignore,
    discover,
    read_ignore_file,
)
from kubelint_py.input.globs import GitIgnore, compile_pattern
from tests.hostile.support import PRIVILEGED_LINE, lint_in_process, lint_subprocess, no_traceback, pod

pathspec = pytest.importorskip("pathspec")
from pathspec.patterns.gitignore.basic import GitIgnoreBasicPattern  # noqa: E402

HOSTILE = "*" * 24 + "a"  # the 25-byte line of issue 14: minutes per path with pathspec


def no_slash_in_negated_sets(regex: str) -> str:
    """pathspec's regex with `(?!/)` before each negated set `[^...]` it made of a glob's
    `[!...]` (its own `[^/]` and a `[^` inside a set left alone): our sets never match `/`."""
    out: list[str] = []
    i = 0
    while i < len(regex):
        char = regex[i]
        if char == "\\":
            out.append(regex[i : i + 2])
            i += 2
            continue
        if char != "[":
            out.append(char)
            i += 1
            continue
        end = i + 1
        if regex.startswith("^", end):
            end += 1
        if regex.startswith("]", end):
            end += 1
        while regex[end] != "]":
            end += 2 if regex[end] == "\\" else 1
        whole = regex[i : end + 1]
        out.append(f"(?!/){whole}" if whole.startswith("[^") and whole != "[^/]" else whole)
        i = end + 1
    return "".join(out)


def reference(lines: Sequence[str], path: str) -> bool | None:
    """pathspec's answer, None where pathspec cannot answer (it raises on the pattern)."""
    path = pathspec.util.normalize_file(path)
    result = False
    for line in lines:
        try:
            regex, include = GitIgnoreBasicPattern.pattern_to_regex(line)
            if regex is None:
                continue
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # `[[` is a "possible nested set" to Python
                compiled = re.compile(no_slash_in_negated_sets(regex))
        except (ValueError, re.error):
            return None
        if compiled.search(path):
            result = bool(include)
    return result


def ours(lines: Sequence[str], path: str) -> bool:
    return GitIgnore.from_lines(lines).matches(path)


PATTERNS = [
    "foo", "/foo", "foo/", "/foo/", "foo/*", "foo/**", "foo/**/", "**/foo", "**/foo/", "**/foo/**",
    "a/**/b", "a/**/b/", "/a/**/b/**/c", "x/**/y/**/z", "**/a/**", "a/**/*", "**/*.yaml",
    "*.yaml", "a/*.yaml", "/*.yaml", "*.y*ml", "**", "*", "*/", "**/", "/", "/**", "/**/", "**/*",
    "a/b/", "a/b", "a*b", "a?c", "?", "??", "a/?/b", "a/*/b", "*/b", "a//b", "***", "a**b", "**a",
    "a**", "[ab]x", "[!a]x", "[^a]x", "[a-c]", "[a-c]x", "[]a]", "[!]a]x", "[]-]", "[a-]", "[-a]",
    "[[]", "[a-", "a[b", "[", "]", "\\*", "\\?", "\\[a]", "\\#x", "#x", "#", "!foo", "\\!foo",
    "a\\ ", "a ", "a  ", " a", "a\\\\", "*.tmpl.yaml", "charts/*/templates/", "manifests/",
    "!manifests/keep.yaml", "deploy/**/secret*.yaml", "**/kustomization.yaml", ".git", ".*",
    "*~", "x[0-9]", "x[!0-9]", "[a-c][!b]*", "a*b*c", "*a*a*a*", "*" * 6 + "a",
]  # fmt: skip
PATHS = [
    "foo", "foo/", "foo/bar", "foo/bar/", "foo/bar/baz", "x/foo", "x/foo/", "x/foo/y", "a/b",
    "a/b/", "a/x/b", "a/x/y/b", "a/b/c", "a/x/b/y/c", "b.yaml", "a/b.yaml", "a/x/b.yaml",
    "a/b.yml", "ab", "axb", "axyb", "axc", "ac", "ax", "bx", "cx", "]", "]x", "-", "a", "a/",
    "*", "?", "[", "[a]", "#x", "x/#x", "!foo", "a ", "a\\", " a", "x/y/z", "x/q/y/r/z", "x/y/z/",
    "a/x/b/", "x/a/b", "a[b", "a.tmpl.yaml", "charts/c/templates/", "charts/c/templates/d.yaml",
    "manifests/", "manifests/keep.yaml", "deploy/a/b/secret-x.yaml", "k/kustomization.yaml",
    ".git/", ".gitignore", "a~", "x5", "xa", "aab", "abc", "aXbYc", "aaa", "aaaa", "/foo", "./foo",
    "a/b/c/d/e/f/g/a",
]  # fmt: skip


def test_the_table_agrees_with_pathspec() -> None:
    compared = 0
    for pattern in PATTERNS:
        for path in PATHS:
            expected = reference([pattern], path)
            if expected is None:
                continue
            assert ours([pattern], path) == expected, (pattern, path, expected)
            compared += 1
    assert compared > 0.9 * len(PATTERNS) * len(PATHS)


def test_the_reference_is_pathspec_itself_where_no_set_is_negated() -> None:
    for pattern in PATTERNS:
        if "[!" in pattern or "[^" in pattern:
            continue
        for path in PATHS:
            expected = reference([pattern], path)
            if expected is None:
                continue
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                assert pathspec.PathSpec.from_lines("gitignore", [pattern]).match_file(path) == expected


IGNORE_FILES = [
    ["manifests/", "!manifests/keep.yaml"],
    ["*.yaml", "!a/*.yaml", "a/b.yaml"],
    ["**/foo", "!x/foo", "# comment", "", "x/foo/y"],
    ["a/**", "!a/x/**", "a/x/y/**"],
    ["!foo", "foo"],
    ["foo", "!foo/"],
    ["*", "!*/", "!*.yaml"],
]


@pytest.mark.parametrize("lines", IGNORE_FILES, ids=lambda lines: "|".join(lines))
def test_the_last_matching_line_decides_as_with_pathspec(lines: list[str]) -> None:
    for path in PATHS:
        expected = pathspec.PathSpec.from_lines("gitignore", lines).match_file(path)
        assert ours(lines, path) == expected == reference(lines, path), (lines, path)


def test_where_pathspec_raised_or_erred_a_gitignore_reading_is_kept() -> None:
    assert not ours(["[z-a]"], "z") and ours(["[z-ab]"], "b") and not ours(["[z-ab]"], "a")
    assert not ours(["a\\"], "a") and not ours(["a\\"], "a\\")  # a dangling backslash: nothing
    assert compile_pattern("!") is None and compile_pattern("a\\/b") is None
    assert not ours(["a[!x]b"], "a/b") and ours(["a[!x]b"], "ayb")  # a set never matches `/`
    assert not ours(["a[+-0]b"], "a/b") and ours(["a[+-0]b"], "a.b")


def test_directories_match_with_their_trailing_slash() -> None:
    ignore = Ignore(["build/", "/vendor", "**/tmp/**"])
    assert ignore.matches("build", is_dir=True) and not ignore.matches("build")
    assert ignore.matches("a/build", is_dir=True) and ignore.matches("a/build/x.yaml")
    assert ignore.matches("vendor", is_dir=True) and not ignore.matches("a/vendor", is_dir=True)
    assert ignore.matches("x/tmp", is_dir=True) and ignore.matches("tmp/a.yaml") and not ignore.matches("tmp")
    assert not Ignore([]).matches("anything")


# -- generated cases ---------------------------------------------------------------------------

SEGMENT_TOKENS = ["a", "b", "ab", "*", "?", "[ab]", "[!a]", "[^b]", "[a-b]", "[]a]", "\\*", "\\a", "[a"]
segment = st.one_of(st.just("**"), st.lists(st.sampled_from(SEGMENT_TOKENS), min_size=1, max_size=3).map("".join))


@st.composite
def gitignore_lines(draw: st.DrawFn) -> str:
    body = "/".join(draw(st.lists(segment, min_size=1, max_size=4)))
    prefix = draw(st.sampled_from(["", "", "/", "!", "!/"]))
    suffix = draw(st.sampled_from(["", "", "/", " ", "\\ "]))
    return prefix + body + suffix


path_segment = st.text(alphabet="ab*?[]", min_size=1, max_size=4)
paths = st.builds(
    lambda segments, directory: "/".join(segments) + ("/" if directory else ""),
    st.lists(path_segment, min_size=1, max_size=5),
    st.booleans(),
)


@pytest.mark.slow
@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(gitignore_lines(), min_size=1, max_size=3), st.lists(paths, min_size=1, max_size=8))
def test_generated_patterns_agree_with_pathspec(lines: list[str], candidates: list[str]) -> None:
    for path in candidates:
        expected = reference(lines, path)
        assume(expected is not None)
        assert ours(lines, path) == expected, (lines, path)


@pytest.mark.slow
@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(alphabet="ab*?[]!^/\\# ", max_size=14), st.lists(paths, min_size=1, max_size=8))
def test_raw_lines_over_a_small_alphabet_agree_with_pathspec(line: str, candidates: list[str]) -> None:
    for path in candidates:
        expected = reference([line], path)
        if expected is not None:  # where pathspec raises, ours still answers (tested above)
            assert ours([line], path) == expected, (line, path)
        else:
            ours([line], path)


# -- hostile patterns: the work is bounded by len(pattern) * len(path) --------------------------

HOSTILE_PATTERNS = [
    HOSTILE,
    "*" * 2000 + "a",
    "*a" * 500 + "b",
    "?*" * 500 + "!",
    "[!a]*" * 300 + "b",
    "**/" * 300 + "a",
    "a/**/" * 200 + "b",
    "*/" * 300 + "a",
    "/".join(["*a*a*a*"] * 100),
    "**/" + "*" * 24 + "a/**",
]
HOSTILE_PATHS = [
    "manifests/deployment-web.yaml",
    "a" * 4000 + ".yaml",
    "/".join(["a" * 30] * 60),
    "/".join(["aaaab"] * 400) + "/",
    "x" * 3000,
]


@pytest.mark.parametrize("pattern", HOSTILE_PATTERNS, ids=lambda p: f"{p[:12]}...{len(p)}")
def test_hostile_patterns_do_work_bounded_by_pattern_times_path(pattern: str) -> None:
    for path in HOSTILE_PATHS:
        globs = GitIgnore.from_lines([pattern])
        started = time.process_time()
        globs.matches(path)
        elapsed = time.process_time() - started
        bound = 4 * (len(pattern) + 1) * (len(path) + 1)
        assert globs.work.steps <= bound, (pattern[:20], path[:20], globs.work.steps, bound)
        assert elapsed < 5, (pattern[:20], path[:20], elapsed)  # a guard only; pathspec: hours


def test_the_issue_line_stays_cheap_on_a_hundred_paths() -> None:
    ignore = GitIgnore.from_lines([HOSTILE])
    for number in range(100):
        assert not ignore.matches(f"manifests/team-{number}/deployment-{number}.yaml")
    assert ignore.work.steps < 100 * 30
    assert ignore.matches("manifests/x/data") and ignore.matches("manifests/a/other.yaml")


# -- .kubelintignore is read with bounds ---------------------------------------------------------


def test_the_ignore_file_is_read_with_its_lines(tmp_path: Path) -> None:
    assert read_ignore_file(tmp_path) == []
    (tmp_path / IGNORE_FILE).write_bytes(b"\xef\xbb\xbfbuild/\n# note\n\n!keep.yaml\n")
    assert read_ignore_file(tmp_path) == ["build/", "# note", "", "!keep.yaml"]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs")
def test_a_fifo_ignore_file_is_refused_without_blocking(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / IGNORE_FILE)
    with pytest.raises(DiscoveryError, match="not a regular file"):
        read_ignore_file(tmp_path)


def test_an_ignore_file_that_is_a_directory_is_refused(tmp_path: Path) -> None:
    (tmp_path / IGNORE_FILE).mkdir()
    with pytest.raises(DiscoveryError, match="not a regular file"):
        read_ignore_file(tmp_path)


def test_an_ignore_file_linked_to_a_device_is_refused(tmp_path: Path) -> None:
    if not Path("/dev/zero").exists():
        pytest.skip("no /dev/zero")
    (tmp_path / IGNORE_FILE).symlink_to("/dev/zero")
    with pytest.raises(DiscoveryError, match="not a regular file"):
        read_ignore_file(tmp_path)


def test_an_oversized_ignore_file_is_refused(tmp_path: Path) -> None:
    with (tmp_path / IGNORE_FILE).open("wb") as handle:
        handle.truncate(4 * 1024**3)  # sparse: 4 GiB of NULs
    with pytest.raises(DiscoveryError, match="over 1024 KiB"):
        read_ignore_file(tmp_path)
    (tmp_path / IGNORE_FILE).write_text("# x\n" * (IGNORE_MAX_BYTES // 4 + 1))
    with pytest.raises(DiscoveryError, match="over 1024 KiB"):
        read_ignore_file(tmp_path)


def test_too_many_patterns_or_a_giant_line_are_refused(tmp_path: Path) -> None:
    (tmp_path / IGNORE_FILE).write_text("".join(f"dir{n}/\n" for n in range(IGNORE_MAX_PATTERNS + 1)))
    with pytest.raises(DiscoveryError, match="patterns"):
        read_ignore_file(tmp_path)
    (tmp_path / IGNORE_FILE).write_text("".join(f"# {n}\n" for n in range(5000)) + "a\n")
    assert len(read_ignore_file(tmp_path)) == 5001  # comments are free
    (tmp_path / IGNORE_FILE).write_text("a" * 5000 + "\n")
    with pytest.raises(DiscoveryError, match="characters"):
        read_ignore_file(tmp_path)


def test_a_non_utf8_ignore_file_is_refused(tmp_path: Path) -> None:
    (tmp_path / IGNORE_FILE).write_bytes(b"build/\n\xff\xfe\n")
    with pytest.raises(DiscoveryError, match="UTF-8"):
        read_ignore_file(tmp_path)


# -- through discovery, the suppressor and the CLI ----------------------------------------------


def hundred_pods(root: Path) -> None:
    for number in range(100):
        folder = root / "manifests" / f"team{number % 10}"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"pod-{number:03}.yaml").write_text(pod(f"p{number}"))


def test_discovery_with_the_issue_line_is_fast(tmp_path: Path) -> None:
    hundred_pods(tmp_path)
    ignore = Ignore([HOSTILE, "manifests/team0/"])
    found = discover([str(tmp_path)], cwd=tmp_path, ignore=ignore)
    assert len(found) == 90 and not any("team0" in source.display for source in found)


def test_hostile_exclude_and_exemption_paths_through_the_cli(tmp_path: Path) -> None:
    hundred_pods(tmp_path)
    (tmp_path / ".kubelint.yaml").write_text(
        f'exclude: ["{HOSTILE}", "manifests/team1/"]\n'
        "exemptions:\n"
        f'  - paths: ["{HOSTILE}", "**/{HOSTILE}b", "?*?*?*?*?*?*?*?*?*?*?*?*?*!"]\n'
        "    reason: hostile\n"
        '  - paths: ["manifests/team2/*"]\n'
        "    rules: [privileged-container]\n"
        "    reason: reviewed\n"
    )
    run = lint_in_process([".", "--format", "json", "--select", "privileged-container"], tmp_path)
    assert run.code == 1 and no_traceback(run.err), run.err
    report = run.report()
    files = {finding["file"] for finding in report["findings"] + report["suppressed"]}
    assert len(files) == 90 and not any("team1/" in file for file in files)
    privileged = [f for f in report["findings"] if f["ruleId"] == "privileged-container"]
    assert len(privileged) == 80 and all(f["line"] == PRIVILEGED_LINE for f in privileged)
    suppressed = {f["file"] for f in report["suppressed"] if f["ruleId"] == "privileged-container"}
    assert len(suppressed) == 10 and all("/team2/" in file for file in suppressed), sorted(suppressed)


def test_a_hostile_kubelintignore_through_the_real_cli(tmp_path: Path) -> None:
    """Before: pathspec backtracked for minutes on each of these 100 paths."""
    hundred_pods(tmp_path)
    (tmp_path / IGNORE_FILE).write_text(f"{HOSTILE}\n**/{HOSTILE}/**\nmanifests/team3/\n")
    run = lint_subprocess([".", "--format", "json", "--select", "privileged-container"], tmp_path, timeout=60)
    assert run.code == 1 and no_traceback(run.err), run.err
    files = {file for file, _, _ in run.findings()}
    assert len(files) == 90 and not any("team3/" in file for file in files)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs")
def test_a_fifo_kubelintignore_through_the_real_cli(tmp_path: Path) -> None:
    """Before: the run waited forever for a writer."""
    (tmp_path / "pod.yaml").write_text(pod("p"))
    os.mkfifo(tmp_path / IGNORE_FILE)
    run = lint_subprocess(["."], tmp_path, timeout=60)
    assert run.code == 2 and IGNORE_FILE in run.err and "not a regular file" in run.err, run.err
    assert no_traceback(run.err)
