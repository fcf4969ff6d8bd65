"""The `helm template` flags `kubelint helm` passes on: one table, read by the command line
(cli/argv.py makes its options, cli/lint.py checks their values) and by the renderer
(renderers.helm_command writes them). Here, apart from running helm, so that building the
command line does not import subprocess, shutil and tempfile (~9 ms of every run that click
parses)."""

from __future__ import annotations

import re
from typing import NamedTuple


class HelmOption(NamedTuple):  # not a dataclass: ~0.5 ms less of every start
    """One `kubelint helm` option passed on to `helm template` as it is."""

    name: str  # the keyword of `helm_command`'s `passed` mapping, and the option's name here
    flag: str  # helm's flag
    kind: str  # "value": flag=VALUE, "values": flag=VALUE per value, "switch": flag when true
    pattern: str | None = None  # what a value must look like (compiled on first use, by `re`'s cache)
    help: str = ""


# The only flags `kubelint helm` passes on besides --values/--set/--namespace: from the command
# line through this table, never from the scanned tree. Values go as `--flag=VALUE`, so that
# none is taken for another flag.
HELM_PASS_THROUGH = (
    HelmOption(
        "kube_version",
        "--kube-version",
        "value",
        r"v?\d+\.\d+(\.\d+)?([-+][0-9A-Za-z.+-]*)?",
        "Kubernetes version for .Capabilities.KubeVersion (helm template --kube-version), e.g. 1.31.0; "
        "also the --target-version when that is not given.",
    ),
    HelmOption(
        "api_versions",
        "--api-versions",
        "values",
        r"[A-Za-z0-9][A-Za-z0-9.-]*(/[A-Za-z0-9.-]+){0,2}",
        "API version for .Capabilities.APIVersions (helm template --api-versions, repeatable), "
        "e.g. monitoring.coreos.com/v1 or policy/v1/PodDisruptionBudget.",
    ),
    HelmOption(
        "include_crds", "--include-crds", "switch", None, "Render the chart's crds/ too (helm template --include-crds)."
    ),
    HelmOption("skip_tests", "--skip-tests", "switch", None, "Leave out test hooks (helm template --skip-tests)."),
)


def helm_pass_through_error(name: str, value: str) -> str | None:
    """Why `value` is no value for pass-through option `name`; None when it is one."""
    option = next(o for o in HELM_PASS_THROUGH if o.name == name)
    if option.pattern is not None and re.fullmatch(option.pattern, value) is None:
        examples = {"kube_version": "1.31.0", "api_versions": "monitoring.coreos.com/v1"}
        return f"{value!r} is not a valid value for {option.flag} (e.g. {examples.get(name, '')})"
    return None
