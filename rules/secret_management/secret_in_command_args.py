"""secret-in-command-args (rule-catalog §6)."""

import re
from collections.abc import Iterator, Sequence

from kubelint_py.k8s.credentials import is_var_reference
from kubelint_py.k8s.literals import names_password, non_credential_reason
from kubelint_py.rule_api import (
    ContainerScope,
    Document,
    FieldPath,
    RuleContext,
    Violation,
    containers,
    rule,
)

_VALUE = r"""(\{\{.*?\}\}|"[^"]*"|'[^']*'|[^\s"']+)"""
DEFAULT_FLAGS = ("password", "passwd", "token", "secret", "api-key", "apikey", "client-secret")


def _cannot_be_secret(raw: str, flag: str) -> bool:
    """The flag's value is a reference, a placeholder, or a literal that cannot be a credential
    (a boolean, a short number, a file path, a URL without credentials)."""
    value = raw.strip()
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
        value = value[1:-1].strip()
    if not value or value.startswith("$") or is_var_reference(value):
        return True
    return non_credential_reason(value, password_name=names_password(flag.lstrip("-"))) is not None


@rule("secret-in-command-args")
def check(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    patterns = _patterns(tuple(ctx.options.get("flags", DEFAULT_FLAGS)), tuple(ctx.options.get("extraFlags", ())))
    if patterns is None:
        return
    whole, inline, named = patterns
    for container in containers(doc, ContainerScope.ALL):
        command, args = container.get("command"), container.get("args")
        if not _may_name_a_flag(named, command, args):
            continue
        items: list[tuple[FieldPath, str]] = []
        for field, sequence in (("command", command), ("args", args)):
            if isinstance(sequence, list):
                items += [((*container.path, field, i), v) for i, v in enumerate(sequence) if isinstance(v, str)]
        yield from _scan(container.describe(), items, whole, inline)


def _may_name_a_flag(named: re.Pattern[str], *sequences: object) -> bool:
    """Whether some string of the sequences holds `-<flag>`, as every finding's item does (a
    whole flag item and an inline flag alike): one search of a container's strings joined,
    where most containers name no flag (4,136 containers on the 10,000-document corpus, each
    scanned item by item, its items' paths made and its name described)."""
    texts = [v for sequence in sequences if isinstance(sequence, list) for v in sequence if isinstance(v, str)]
    return bool(texts) and named.search("\n".join(texts)) is not None


_Patterns = tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]]  # whole item, inline, anywhere
_PATTERNS: dict[tuple[tuple[str, ...], tuple[str, ...]], _Patterns | None] = {}


def _patterns(flags: tuple[str, ...], extra: tuple[str, ...]) -> _Patterns | None:
    """(whole-item, inline, anywhere) flag patterns of the options, built once per option set
    (not per workload); None when the options name no flag."""
    key = (flags, extra)
    if key in _PATTERNS:
        return _PATTERNS[key]
    names = [n.strip().lstrip("-") for n in (*flags, *extra) if n.strip().lstrip("-")]
    found: _Patterns | None = None
    if names:
        alternatives = "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))
        whole = re.compile(rf"-{{1,2}}({alternatives})", re.IGNORECASE)
        inline = re.compile(rf"(?<![\w-])-{{1,2}}({alternatives})(?:=|[ \t]+)" + _VALUE, re.IGNORECASE)
        found = (whole, inline, re.compile(rf"-({alternatives})", re.IGNORECASE))
    if len(_PATTERNS) >= 64:  # option sets are few; bounded all the same
        _PATTERNS.clear()
    _PATTERNS[key] = found
    return found


def _scan(
    who: str, items: Sequence[tuple[FieldPath, str]], whole: re.Pattern[str], inline: re.Pattern[str]
) -> Iterator[Violation]:
    for n, (path, item) in enumerate(items):
        flag = whole.fullmatch(item.strip())
        if flag is not None:
            if n + 1 < len(items):
                next_path, value = items[n + 1]
                if not value.startswith("-") and not _cannot_be_secret(value, item.strip()):
                    yield Violation(f'{who} passes a secret value to "{item.strip()}" on the command line', next_path)
            continue
        for match in inline.finditer(item):
            if not match.group(2).startswith("-") and not _cannot_be_secret(match.group(2), match.group(1)):
                dashes = match.group(0)[: len(match.group(0)) - len(match.group(0).lstrip("-"))]
                yield Violation(f'{who} passes a secret value to "{dashes}{match.group(1)}" on the command line', path)
                break
