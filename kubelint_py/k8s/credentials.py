"""Credential detection shared by the secret-management rules (rule-catalog §0.6).

Everything here reports *what kind* of credential was seen, never the matched text: callers
turn a `CredentialHit` into a message with the kind and the field path only.

Per-rule options (see `NAME_OPTIONS_SCHEMA` and `PATTERN_OPTIONS_SCHEMA`) extend or replace
the built-in lists:

* `sensitiveNames` replaces the name regexes, `extraSensitiveNames` adds to them;
  `nonSensitiveSuffixes` / `extraNonSensitiveSuffixes` do the same for the exclusions.
* `credentialPatterns` ({id: regex}) replaces the value patterns, `extraCredentialPatterns`
  adds to them, `disabledCredentialPatterns` removes built-ins by id.
"""

from __future__ import annotations

import base64
import binascii
import marshal
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from functools import cache
from typing import Any, NamedTuple

from kubelint_py.model import FieldPath

# -- sensitive names ---------------------------------------------------------------------

SENSITIVE_NAME_PATTERNS: tuple[str, ...] = (
    r"PASSW(OR)?D",
    r"PWD",
    r"SECRET",
    r"TOKEN",
    r"API_?KEY",
    r"PRIVATE_?KEY",
    r"ACCESS_?KEY",
    r"CLIENT_?SECRET",
    r"CREDENTIAL",
    r"AUTH_?KEY",
)
NON_SENSITIVE_SUFFIXES: tuple[str, ...] = (
    "_FILE",
    "_PATH",
    "_DIR",
    "_ENABLED",
    "_TTL",
    "_TIMEOUT",
    "_LENGTH",
    "_HEADER",
)

_CAMEL_BOUNDARY = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")
_SEPARATORS = re.compile(r"[-.\s]+")


def normalise_name(name: str) -> str:
    """`dbPassword-file` -> `DB_PASSWORD_FILE`: camelCase, dashes and dots become `_`."""
    return _SEPARATORS.sub("_", _CAMEL_BOUNDARY.sub("_", name)).upper()


class NameMatcher:  # not a dataclass (~0.5 ms less of every start): it keeps verdicts
    """The §0.6 "sensitive name" test; names are normalised with `normalise_name`."""

    __slots__ = ("_verdicts", "pattern", "suffixes")

    def __init__(self, pattern: re.Pattern[str] | None, suffixes: tuple[str, ...]) -> None:
        self.pattern = pattern
        self.suffixes = suffixes
        # verdicts by name: the same few variable names (LOG_LEVEL, DB_PASSWORD) recur in every
        # container of a run; bounded, as the default matcher lives as long as the process
        self._verdicts: dict[str, bool] = {}

    def matches(self, name: object) -> bool:
        if not isinstance(name, str) or self.pattern is None:
            return False
        verdict = self._verdicts.get(name)
        if verdict is None:
            normal = normalise_name(name)
            verdict = not normal.endswith(self.suffixes) and self.pattern.search(normal) is not None
            if len(self._verdicts) >= _MAX_VERDICTS:
                self._verdicts.clear()
            self._verdicts[name] = verdict
        return verdict


_MAX_VERDICTS = 4096


def _compile_any(patterns: Iterable[str]) -> re.Pattern[str] | None:
    listed = [p for p in patterns if p]
    if not listed:
        return None
    return re.compile("|".join(f"(?:{p})" for p in listed), re.IGNORECASE)


NAME_OPTION_KEYS = ("sensitiveNames", "extraSensitiveNames", "nonSensitiveSuffixes", "extraNonSensitiveSuffixes")
PATTERN_OPTION_KEYS = ("credentialPatterns", "extraCredentialPatterns", "disabledCredentialPatterns")


def name_matcher(options: Mapping[str, Any] | None = None) -> NameMatcher:
    """Build the sensitive-name matcher from per-rule options (defaults when absent)."""
    opts = options or {}
    # (asked for each workload: no option read when there are none)
    if (not opts or not any(opts.get(k) is not None for k in NAME_OPTION_KEYS)) and "DEFAULT_NAME_MATCHER" in globals():
        return DEFAULT_NAME_MATCHER
    names = opts.get("sensitiveNames")
    patterns = list(SENSITIVE_NAME_PATTERNS if names is None else names) + list(opts.get("extraSensitiveNames") or ())
    suffixes = opts.get("nonSensitiveSuffixes")
    ends = list(NON_SENSITIVE_SUFFIXES if suffixes is None else suffixes)
    ends += list(opts.get("extraNonSensitiveSuffixes") or ())
    return NameMatcher(_compile_any(patterns), tuple(normalise_name(s) for s in ends if s))


DEFAULT_NAME_MATCHER = name_matcher()

_REGEX: Mapping[str, object] = {"type": "string", "format": "regex"}
_TEXT: Mapping[str, object] = {"type": "string"}


def _option(description: str, item: Mapping[str, object], container: str = "array") -> Mapping[str, object]:
    """The schema of an option that lists `item`s (or, as an object, maps ids to them)."""
    of = "items" if container == "array" else "additionalProperties"
    return {"type": container, of: dict(item), "description": description}


NAME_OPTIONS_SCHEMA: Mapping[str, object] = {
    "sensitiveNames": _option(
        "Regexes (case-insensitive, matched anywhere in the name after camelCase, `-` and `.` "
        "become `_`) that make a name sensitive; replaces the built-in list.",
        _REGEX,
    ),
    "extraSensitiveNames": _option("Regexes added to the built-in sensitive-name list.", _REGEX),
    "nonSensitiveSuffixes": _option(
        "Name endings that are never sensitive (e.g. _FILE); replaces the built-in list.", _TEXT
    ),
    "extraNonSensitiveSuffixes": _option("Name endings added to the built-in exclusion list.", _TEXT),
}

# -- placeholders --------------------------------------------------------------------------

PLACEHOLDER_WORDS = frozenset(("CHANGEME", "CHANGE_ME", "REPLACE_ME", "REPLACEME"))
_PLACEHOLDER_RE = re.compile(
    r"""^(?:
        <[^<>]*>                      # <password>
      | \$\{[^{}]*\}                  # ${DB_PASSWORD}
      | \{\{.*\}\}                    # {{ .Values.password }}
      | (?:\$\([A-Za-z_][A-Za-z0-9_.-]*\))+   # $(VAR) (Kubernetes dependent variable)
    )$""",
    re.VERBOSE | re.DOTALL,
)


def is_placeholder(value: object) -> bool:
    """Empty, `<...>`, `${...}`, `{{ ... }}`, `$(VAR)`, `CHANGEME` or `REPLACE_ME` (whole value)."""
    if value is None:
        return True
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        return False
    text = str(value).strip()
    if not text:
        return True
    if text.upper() in PLACEHOLDER_WORDS:
        return True
    return _PLACEHOLDER_RE.match(text) is not None


def is_var_reference(value: str) -> bool:
    """Only `$(VAR)` references (the kubelet expands them from other env variables)."""
    return bool(re.fullmatch(r"(?:\$\([A-Za-z_][A-Za-z0-9_.-]*\))+", value.strip()))


def decode_base64(value: object) -> str | None:
    """A base64 `data` value decoded as UTF-8 text, or None when it is not."""
    if not isinstance(value, str):
        return None
    try:
        raw = base64.b64decode("".join(value.split()), validate=True)
    except (binascii.Error, ValueError):
        return None
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return None


def is_placeholder_secret_value(value: object) -> bool:
    """A Secret `data` value is a placeholder when it, or its base64 decoding, is one."""
    if is_placeholder(value):
        return True
    decoded = decode_base64(value)
    return decoded is not None and is_placeholder(decoded)


# -- credential value patterns --------------------------------------------------------------

CREDENTIAL_PATTERNS: Mapping[str, tuple[str, str]] = {
    # id: (kind shown to users, regex)
    "pem-private-key": (
        "PEM private key",
        r"-----BEGIN (?:(?:RSA|EC|DSA|OPENSSH|ENCRYPTED) )?PRIVATE KEY-----",
    ),
    "aws-access-key-id": ("AWS access key id", r"(?<![A-Z0-9])(?:AKIA|ASIA)[A-Z0-9]{16}(?![A-Z0-9])"),
    "github-token": ("GitHub token", r"(?<![A-Za-z0-9_])gh[pousr]_[A-Za-z0-9]{36}(?![A-Za-z0-9])"),
    # Real Slack tokens continue with a numeric team/user id; the bare prefix alone
    # (documentation such as "xoxb-your-token") is not a credential.
    "slack-token": ("Slack token", r"(?<![A-Za-z0-9])xox[bpars]-[0-9]{6,}-[0-9A-Za-z-]{6,}"),
    "google-api-key": ("Google API key", r"(?<![0-9A-Za-z_-])AIza[0-9A-Za-z_-]{35}(?![0-9A-Za-z_-])"),
    "jwt": ("JSON Web Token", r"(?<![A-Za-z0-9_-])eyJ[A-Za-z0-9_-]+\.eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*"),
    "url-credentials": (
        "URL with inline credentials",
        r"(?<![A-Za-z0-9+.-])[A-Za-z][A-Za-z0-9+.-]*://(?P<user>[^\s:/@?#]*):(?P<password>[^\s/@?#]+)@[^\s/@]",
    ),
}

# Text that every match of a built-in pattern contains (PEM header, AWS/GitHub/Slack/Google
# prefixes, JWT header, a URL's `://user:password@`, the url-credentials pattern's own middle:
# a bare `://` put 2,211 of the 10,000 documents of the benchmark corpus through the string by
# string walk for their plain URLs). Exact only for the built-in set; a scanner with user
# patterns runs every regex.
_ANCHOR_RE = re.compile(r"-----BEGIN |AKIA|ASIA|gh[pousr]_|xox[bpars]-|AIza|eyJ|://[^\s:/@?#]*:[^\s/@?#]+@")
# The same anchors, each cut to a part that begins with a rarer character, and without the
# white space of `-----BEGIN `. The regex engine tries a match at every character that can begin
# one: `e` (of `eyJ`), `A` and `-` are frequent in manifests, `y`, `K`, `S`, `I` and `B` are not
# (the search of the 10,000-document corpus takes 0.036 s against 0.045 s for the whole anchors;
# 184 documents walked against 176). They are searched in two places, a part at a time (a part
# that begins with a literal is a fast scan for its first character; an alternation of parts
# that begin with different characters tests every position: 0.025 s against 0.031 s on the
# marshal bytes of the corpus's 9,239 documents that are not Secrets):
# - a document's source text, by the loader (`text_spells_no_credential`, `Document.credential_free`);
# - else the bytes of `marshal.dumps(data)` (`_no_anchor_anywhere`), where every string of
#   `data` is written whole (UTF-8: the parts' literals are ASCII, and a bytes class excludes only
#   ASCII white space, so it accepts whatever the text's class does).
_ANCHOR_PARTS = (
    "BEGIN",
    "KIA",
    "SIA",
    "gh[pousr]_",
    "xox[bpars]-",
    "Iza",
    "yJ",
    r"://[^\s:/@?#]*:[^\s/@?#]+@",
)
_ANCHOR_BYTE_PARTS = tuple(part.encode() for part in _ANCHOR_PARTS)


# (Compiled on first use, not at import: 0.2 ms that a run which scans nothing need not pay.)
@cache
def _anchor_byte_searches() -> tuple[Callable[[bytes], re.Match[bytes] | None], ...]:
    return tuple(re.compile(part).search for part in _ANCHOR_BYTE_PARTS)


@cache
def _anchor_text_searches() -> tuple[Callable[[str], re.Match[str] | None], ...]:
    return tuple(re.compile(part).search for part in _ANCHOR_PARTS)


def text_spells_no_credential(text: str) -> bool:
    """True when no string of the YAML (or JSON) document `text` parses to can hold a match of a
    built-in credential pattern: no anchor part in the text, and no backslash.

    A string of the data is in the text as written (a single-quoted `''` is two characters where
    the string has one, and the patterns' classes that admit a quote admit two) but for two
    readings: a double-quoted escape (`"\\x41KIA"`, `"a\\<line break>b"`: hence no backslash
    at all) and line folding, where a line break and the indentation around it become one space
    or line break. White space in the data is white space in the text, and no anchor holds any
    but the space of `-----BEGIN `, which is searched as `BEGIN`. Comments, keys and the
    documents of a `List` only add text: the verdict can only be too cautious.

    The loader asks this of each document's text (0.040 s for the 10,000-document corpus,
    against 0.097 s for `marshal.dumps` and the search of its bytes)."""
    if "\\" in text:
        return False
    for search in _anchor_text_searches():  # noqa: SIM110 (a loop: as in `_no_anchor_anywhere`)
        if search(text) is not None:
            return False
    return True


_BUILTIN_REGEX: Mapping[str, str] = {key: regex for key, (_, regex) in CREDENTIAL_PATTERNS.items()}

PATTERN_OPTIONS_SCHEMA: Mapping[str, object] = {
    "credentialPatterns": _option(
        "Credential value patterns as {id: regex}; replaces the built-in set "
        "(ids: " + ", ".join(CREDENTIAL_PATTERNS) + ").",
        _REGEX,
        "object",
    ),
    "extraCredentialPatterns": _option("Patterns {id: regex} added to the built-in set.", _REGEX, "object"),
    "disabledCredentialPatterns": _option("Ids of built-in patterns to switch off.", _TEXT),
}


class CredentialHit(NamedTuple):  # not a dataclass: ~0.5 ms less of every start
    """Which credential pattern matched, and what kind of credential it is."""

    pattern_id: str
    kind: str


class CredentialScanner(NamedTuple):  # not a dataclass: ~0.5 ms less of every start
    """The credential patterns text is searched for: the built-in ones, or those of a rule's options."""

    patterns: tuple[tuple[str, str, re.Pattern[str]], ...]
    # True when every pattern is a built-in one, so the anchor test below is exact
    anchored: bool = False

    def find(self, text: str) -> CredentialHit | None:
        """The first credential pattern found in `text` (placeholders inside URLs excluded)."""
        if self.anchored and _ANCHOR_RE.search(text) is None:
            return None  # one C-level search rejects nearly every string before any pattern runs
        for pattern_id, kind, regex in self.patterns:
            for match in regex.finditer(text):
                if pattern_id == "url-credentials" and _url_password_is_placeholder(match):
                    continue
                return CredentialHit(pattern_id, kind)
        return None

    def scan(
        self, data: object, path: FieldPath = (), *, skip: Iterable[FieldPath] = (), screened: bool = False
    ) -> Iterator[tuple[FieldPath, CredentialHit]]:
        """Every string under `data` (mapping values and list items) that holds a credential,
        ordered by path (mapping keys as text); paths in `skip` are not entered. `screened`: the
        loader found no anchor in the source text `data` was read from (`Document.credential_free`).

        Runs over every string of every document: a depth-first walk with an explicit stack
        (hostile nesting cannot exhaust the interpreter's), children last to first; a path is
        built only for a collection or a hit, and the skipped paths are followed as a tree
        alongside the walk instead of testing every path.
        """
        if self.anchored and (screened or _no_anchor_anywhere(data)):
            # most documents: screened while loaded, else one C-level serialisation and search,
            # before anything is built (the anchors are exact for the built-in patterns alone)
            return
        skips = _skip_tree(path, skip)
        if skips is _SKIPPED:
            return
        if isinstance(data, str):
            hit = self.find(data)
            if hit is not None:
                yield path, hit
            return
        root = _entries(data)
        if root is None:
            return
        search = _ANCHOR_RE.search if self.anchored else None
        find = self.find
        found: list[tuple[FieldPath, CredentialHit]] = []
        # frames: (entries left, path, skipped paths below, entries are a mapping's)
        stack: list[tuple[Iterator[tuple[Any, Any]], FieldPath, Any, bool]] = [(root[0], path, skips, root[1])]
        while stack:
            entries, where, tree, mapping = stack[-1]
            for step, node in entries:
                kind = type(node)
                if kind is str or (kind not in _NOT_TEXT and isinstance(node, str)):
                    if search is not None and search(node) is None:
                        continue  # one C-level search rejects nearly every string
                    if mapping and type(step) is not str:
                        step = str(step)
                    if tree is not None and tree.get(step) is _SKIPPED:
                        continue
                    hit = find(node)
                    if hit is not None:
                        found.append(((*where, step), hit))
                    continue
                inner: tuple[Iterator[tuple[Any, Any]], bool] | None
                if kind is dict:
                    inner = (reversed(node.items()), True)
                elif kind is list:
                    inner = (zip(range(len(node) - 1, -1, -1), reversed(node), strict=True), False)
                elif kind in _SCALARS:
                    continue
                else:
                    inner = _entries(node)
                    if inner is None:
                        continue
                if mapping and type(step) is not str:
                    step = str(step)
                below = None
                if tree is not None:
                    below = tree.get(step)
                    if below is _SKIPPED:
                        continue
                stack.append((inner[0], (*where, step), below, inner[1]))
                break
            else:
                stack.pop()
        found.sort(key=lambda item: [str(step) for step in item[0]])
        yield from found


def _no_anchor_anywhere(data: object) -> bool:
    """True when no string under `data` (nor any key) contains an anchor; False when one
    may, or when `data` holds something marshal cannot write (then the walk decides)."""
    try:
        blob = marshal.dumps(data)  # type: ignore[arg-type]
    except (ValueError, TypeError, RecursionError):
        return False
    # (no match of the parts' alternation, a part at a time; a loop, as `all()` over a
    # generator costs 0.004 s more on the corpus)
    for search in _anchor_byte_searches():  # noqa: SIM110
        if search(blob) is not None:
            return False
    return True


# Skipped paths as a tree: {step: subtree}, `_SKIPPED` where a skipped path ends.
_SkipTree = dict[object, Any]
_SKIPPED: Any = object()
_SCALARS = frozenset((int, float, bool, type(None)))
_NOT_TEXT = frozenset((dict, list, *_SCALARS))


def _skip_tree(path: FieldPath, skip: Iterable[FieldPath]) -> _SkipTree | Any | None:
    """The tree of the `skip` paths that lie under `path` (relative to it); `_SKIPPED` when
    `path` itself is skipped, None when nothing under it is."""
    tree: _SkipTree = {}
    depth = len(path)
    for skipped in skip:
        if len(skipped) < depth or tuple(skipped[:depth]) != path:
            continue
        rest = skipped[depth:]
        if not rest:
            return _SKIPPED
        node = tree
        for step in rest[:-1]:
            below = node.get(step)
            if below is _SKIPPED:
                break
            if below is None:
                below = node[step] = {}
            node = below
        else:
            node[rest[-1]] = _SKIPPED
    return tree or None


def _entries(node: object) -> tuple[Iterator[tuple[Any, Any]], bool] | None:
    """(key, value) of a mapping's entries or (index, item) of a list's items, last first, and
    whether they are a mapping's; None for anything else."""
    if type(node) is dict:
        return reversed(node.items()), True
    if isinstance(node, Mapping):
        return reversed(list(node.items())), True
    if isinstance(node, list):
        return zip(range(len(node) - 1, -1, -1), reversed(node), strict=True), False
    return None


def _url_password_is_placeholder(match: re.Match[str]) -> bool:
    password = match.groupdict().get("password") or ""
    return password.startswith("$") or is_placeholder(password) or set(password) <= {"*", "x", "X", "."}


def credential_scanner(options: Mapping[str, Any] | None = None) -> CredentialScanner:
    """Build the scanner from per-rule options (defaults when absent)."""
    opts = options or {}
    # (asked for each document: no option read when there are none)
    if (not opts or not any(opts.get(k) is not None for k in PATTERN_OPTION_KEYS)) and "DEFAULT_SCANNER" in globals():
        return DEFAULT_SCANNER
    replaced = opts.get("credentialPatterns")
    chosen: dict[str, tuple[str, str]] = (
        dict(CREDENTIAL_PATTERNS) if replaced is None else {k: (_kind_of(k), v) for k, v in dict(replaced).items()}
    )
    for key, regex in dict(opts.get("extraCredentialPatterns") or {}).items():
        chosen[key] = (_kind_of(key), regex)
    for key in opts.get("disabledCredentialPatterns") or ():
        chosen.pop(key, None)
    compiled = tuple((key, kind, re.compile(regex)) for key, (kind, regex) in chosen.items())
    anchored = all(_BUILTIN_REGEX.get(key) == regex.pattern for key, _, regex in compiled)
    return CredentialScanner(compiled, anchored)


def _kind_of(pattern_id: str) -> str:
    builtin = CREDENTIAL_PATTERNS.get(pattern_id)
    return builtin[0] if builtin else f"credential ({pattern_id})"


DEFAULT_SCANNER = credential_scanner()


def describe_path(path: FieldPath) -> str:
    """`spec.containers[0].env[2].value` for messages."""
    out = ""
    for step in path:
        if isinstance(step, int):
            out += f"[{step}]"
        elif re.fullmatch(r"[A-Za-z_][A-Za-z0-9_-]*", step):
            out += ("." if out else "") + step
        else:
            out += f'["{step}"]'
    return out


def with_article(kind: str) -> str:
    """`an AWS access key id`, `a GitHub token`."""
    return ("an " if kind[:1].upper() in "AEIOU" else "a ") + kind
