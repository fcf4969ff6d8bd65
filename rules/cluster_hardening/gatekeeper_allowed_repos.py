"""gatekeeper-repo-prefix-open (rule-catalog §9.3)."""

import re
from collections.abc import Iterator

from kubelint_py.rule_api import Document, RuleContext, Severity, Violation, quote, rule

GATEKEEPER_CONSTRAINTS_GROUP = "constraints.gatekeeper.sh"
_CLOSED_ENDINGS = ("/", ":", "@")
# a complete digest: nothing can be appended to it and still name an image
_FULL_DIGEST = re.compile(r"@sha256:[0-9a-f]{64}$")

_FAIL = """\
apiVersion: constraints.gatekeeper.sh/v1beta1
kind: K8sAllowedRepos
metadata: {name: allowed-repos}
spec:
  match:
    kinds: [{apiGroups: [""], kinds: ["Pod"]}]
  parameters:
    repos: ["registry.example.com", "ghcr.io/acme"]
"""

_PASS = _FAIL.replace('"registry.example.com", "ghcr.io/acme"', '"registry.example.com/", "ghcr.io/acme/"')


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


@rule(
    id="gatekeeper-repo-prefix-open",
    title="Gatekeeper allowed-repository prefix admits look-alike registries",
    document="cluster-hardening",
    severity=Severity.WARNING,
    kinds=(f"{GATEKEEPER_CONSTRAINTS_GROUP}/K8sAllowedRepos",),
    default_enabled=False,
    rationale="""
The Gatekeeper library's `K8sAllowedRepos` template admits an image when it starts with one of
`spec.parameters.repos` as a plain string prefix. An entry that does not end in `/` admits more
than the registry or organisation it names: `registry.example.com` also admits
`registry.example.com.evil.io/x`, a host anyone can register, and `ghcr.io/acme` admits
`ghcr.io/acme-evil/x`, an organisation anyone can create, so the allow-list is bypassed by
naming. Entries ending in `:` or `@` (one repository, any tag or digest) pass, as do entries
that already carry a tag or digest on a repository path (`ghcr.io/acme/app:1.2`): only that
repository's owner can add matching images. Opt-in: only clusters that run Gatekeeper with this
template have such objects.
""",
    remediation="End every entry with `/` (or `:` / `@` to admit a single repository).",
    examples=(_FAIL, _PASS),
    references=(
        "https://open-policy-agent.github.io/gatekeeper-library/website/validation/allowedrepos",
        "https://kubernetes.io/docs/concepts/containers/images/#image-names",
    ),
)
def check(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    for index, entry in enumerate(doc.sequence("spec", "parameters", "repos")):
        if isinstance(entry, str) and not _is_closed(entry):
            yield Violation(
                f"repos[{index}] {quote(entry)}: {_problem(entry)}",
                ("spec", "parameters", "repos", index),
            )
