"""openshift-scc-privileged (rule-catalog §9.2): OpenShift SecurityContextConstraints."""

from collections.abc import Iterator

from kubelint_py.rule_api import Document, RuleContext, Violation, rule


@rule("openshift-scc-privileged")
def check(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    value = doc.value("allowPrivilegedContainer")
    if value is True:
        yield Violation(
            "allowPrivilegedContainer: true lets every user, group and ServiceAccount granted this SCC run "
            "privileged containers",
            ("allowPrivilegedContainer",),
        )
