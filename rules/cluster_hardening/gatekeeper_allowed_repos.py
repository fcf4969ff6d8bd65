"""gatekeeper-repo-prefix-open (rule-catalog §9.3)."""

import re
from collections.abc import Iterator

from kubelint_py.rule_api import Document, RuleContext, Violation, quote, rule

_CLOSED_ENDINGS = ("/", ":", "@")
# a complete digest: nothing can be appended to it and still name an image
_FULL_DIGEST = re.compile(r"@sha256:[0-9a-f]{64}$")


def _is_closed(entry: str) -> bool:
    """Whether every image the prefix admits comes from one registry and one owner.

    Ending in `/`, `:` or `@` closes the prefix; so does a tag or digest on a repository path
    (`ghcr.io/acme/app:1.2`, `nginx:1.27`, `...@sha256:`): only that repository's owner can push
    more tags. A numeric suffix of a single component (`localhost:5000`) is a registry port."""
    if entry.endswith(_CLOSED_ENDINGS) or _FULL_DIGEST.search(entry):
        return True
    head, slash, last = entry.rpartition("/")
    if slash and head:
        return ":" in last or "@" in last
    # one component: `nginx:1.27` is a tag of one repository, `localhost:5000` a registry port
    name, colon, tag = entry.partition(":")
    return bool(name and colon and tag) and not tag.isdigit()


def _look_alike(entry: str) -> str:
    """An image of someone else that the prefix admits."""
    if "/" in entry:
        return entry + "-evil/x"  # another organisation or repository
    if ":" in entry:
        return entry + "1/x"  # another port of the host
    if "." in entry or entry == "localhost":
        return entry + ".evil.io/x"  # another domain
    return entry + "-evil/x"  # another Docker Hub account


def _problem(entry: str) -> str:
    if not entry:
        return "the empty prefix admits every image"
    return f"does not end in '/' and so also admits {quote(_look_alike(entry))}"


@rule("gatekeeper-repo-prefix-open")
def check(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    for index, entry in enumerate(doc.sequence("spec", "parameters", "repos")):
        if isinstance(entry, str) and not _is_closed(entry):
            yield Violation(
                f"repos[{index}] {quote(entry)}: {_problem(entry)}",
                ("spec", "parameters", "repos", index),
            )
