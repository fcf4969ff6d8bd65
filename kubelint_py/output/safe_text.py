"""Text from the scanned tree made safe to show: the one place that decides what a reader sees.

File names, object names, values, messages and custom rules' metadata come from the tree, which
is hostile (docs/security.md, promise 4). Shown raw they could erase or rewrite terminal lines
(ESC, CSI, BEL, backspace, C1 controls such as U+009B), write the clipboard (OSC 52), hide a
link (OSC 8), reorder what is read (bidi overrides and isolates) or start a new line (U+2028,
U+2029, U+0085); and a line that starts with `::` (or holds `##[`) is run by GitHub Actions'
runner as a workflow command.

* `printable(text)`: one line of output. Every such character is shown as an escape (`\\x1b`,
  `\\u202e`, `\\n`), never dropped, so the reader sees that something was there.
* `printable_message(text)`: the same, line breaks kept, for formats that escape those
  themselves (GitHub annotations, SARIF).
* `printable_text(text)`: several lines (`kubelint explain`, messages on stderr): the same, line
  breaks kept, and no line can be taken for a workflow command.
* `json_safe(text)`: JSON text (the JSON and SARIF reports, `rules --format json`) whose strings
  keep their values but carry those characters as `\\uXXXX` escapes instead of raw.

Each returns the text itself when it is clean, which it nearly always is (reports call them for
tens of thousands of findings): one C-speed test (`str.isprintable`, which every character above
fails; for JSON text `str.isascii`, a flag of the string), else one regular expression does the
work, compiled when first needed (`_regex`): most runs never need one, and the classes of
`_WIDE` cost ~0.35 ms each to compile, 1.4 ms of every start when they were compiled at import.
"""

from __future__ import annotations

import re
from functools import cache

# C0 controls but tab, DEL and the C1 controls (U+0085 NEL and U+009B CSI among them); bidi
# marks, embeddings, overrides and isolates; line and paragraph separators; invisible format
# characters (zero-width space, word joiner and invisible operators, BOM, interlinear
# annotations, tag characters); lone surrogates (undecodable bytes of a file name).
_WIDE = (
    "\x7f-\x9f"
    "\u061c\u200b\u200e\u200f\u2028\u2029\u202a-\u202e\u2060-\u2064\u2066-\u2069"
    "\ufeff\ufff9-\ufffb\ud800-\udfff\U000e0000-\U000e007f"
)
_C0 = "\x00-\x08\x0b\x0c\x0e-\x1f"  # all but tab, line feed and carriage return
_ONE_LINE = f"[\n\r{_C0}{_WIDE}]"
_MULTI_LINE = f"[\r{_C0}{_WIDE}]"
_BREAKS_KEPT = f"[{_C0}{_WIDE}]"
# what `json.dumps(..., ensure_ascii=False)` leaves raw (it escapes the C0 controls itself)
_JSON_RAW = f"[{_WIDE}]"
# GitHub's runner takes a line for a command when it starts with `::` after leading white space
# (any Unicode white space: .NET's TrimStart), or when it holds `##[` anywhere (the old syntax).
# (`[^\S\n]`: white space of the line itself, so each line start is scanned once.)
_COMMAND = r"(?m)^([^\S\n]*):(?=:)|##\["
_NAMED = {"\n": "\\n", "\r": "\\r"}


@cache
def _regex(pattern: str) -> re.Pattern[str]:
    """One of the patterns above, compiled on first use."""
    return re.compile(pattern)


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    named = _NAMED.get(char)
    if named is not None:
        return named
    code = ord(char)
    if code <= 0xFF:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"


def printable(text: str) -> str:
    """`text` as one line a terminal shows as it is: control, bidi and invisible characters
    and line breaks as visible escapes. Clean text is returned as it is."""
    if text.isprintable() or _regex(_ONE_LINE).search(text) is None:
        return text
    return _regex(_ONE_LINE).sub(_escape, text)


def printable_message(text: str) -> str:
    """`printable`, line breaks kept: for a format that escapes them itself (GitHub's `%0A` and
    `%0D`, JSON's `\\n` and `\\r`), where a message may span lines."""
    if text.isprintable() or _regex(_BREAKS_KEPT).search(text) is None:
        return text
    return _regex(_BREAKS_KEPT).sub(_escape, text)


def _defuse(match: re.Match[str]) -> str:
    if match.group() == "##[":
        return "#\\x23["
    return match.group(1) + "\\x3a"


def no_workflow_commands(text: str) -> str:
    """`text` with no line GitHub Actions would run as a workflow command: a leading `::` becomes
    `\\x3a:`, `##[` becomes `#\\x23[`."""
    if ("::" not in text and "##[" not in text) or _regex(_COMMAND).search(text) is None:
        return text
    return _regex(_COMMAND).sub(_defuse, text)


def printable_text(text: str) -> str:
    """Lines of text for a terminal or a CI log: as `printable`, with the line breaks kept,
    and no line a GitHub workflow command."""
    if _regex(_MULTI_LINE).search(text) is not None:
        text = _regex(_MULTI_LINE).sub(_escape, text)
    return no_workflow_commands(text)


def _json_escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    if code <= 0xFFFF:
        return f"\\u{code:04x}"
    code -= 0x10000
    return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"


def json_safe(text: str) -> str:
    """JSON text with the characters above written as `\\uXXXX` escapes: the same values once
    decoded, nothing raw for a terminal or a web page to act on. Only valid for JSON text whose
    structure is ASCII (what the json module writes), where they can only occur inside strings."""
    if (text.isascii() and "\x7f" not in text) or _regex(_JSON_RAW).search(text) is None:
        return text
    return _regex(_JSON_RAW).sub(_json_escape, text)
