"""kubelint_py.k8s.windows: Windows-looking images, builds from tags, pins, taints, mixed mode."""

from __future__ import annotations

import pytest

from kubelint_py.input.loader import LoadOptions, LoadResult, load_text
from kubelint_py.k8s.windows import (
    BUILD_LTSC2019,
    BUILD_LTSC2022,
    BUILD_LTSC2025,
    Taint,
    build_pins,
    image_build,
    is_windows_image,
    mentions_build_label,
    mixed_cluster_mode,
    normalise_build,
    parse_taint,
    split_image,
    tolerates,
    windows_taint,
)
from kubelint_py.model import Document
from kubelint_py.run.context import LintContext


@pytest.mark.parametrize(
    ("image", "repository", "tag"),
    [
        ("nginx", "nginx", ""),
        ("nginx:1.27", "nginx", "1.27"),
        ("localhost:5000/app", "localhost:5000/app", ""),
        ("localhost:5000/app:v1", "localhost:5000/app", "v1"),
        ("repo/app:v1@sha256:abc", "repo/app", "v1"),
        ("repo/app@sha256:abc", "repo/app", ""),
    ],
)
def test_split_image(image: str, repository: str, tag: str) -> None:
    assert split_image(image) == (repository, tag)


@pytest.mark.parametrize(
    "image",
    [
        "mcr.microsoft.com/windows/servercore:ltsc2022",
        "mcr.microsoft.com/windows/nanoserver:ltsc2019",
        "mcr.microsoft.com/windows",
        "MCR.Microsoft.com/Windows/ServerCore:ltsc2022",
        "mcr.microsoft.com/windowsservercore:1809",
        "mcr.microsoft.com/dotnet/framework/aspnet:4.8",
        "registry.example.com/windows/agent:1.0",
        "example.com/iis:windowsservercore-ltsc2022",
        "example.com/app:1.0-NANOSERVER",
        "example.com/app:ltsc2025",
        "example.com/app:servercore",
    ],
)
def test_windows_looking(image: str) -> None:
    assert is_windows_image(image)


@pytest.mark.parametrize(
    "image",
    [
        "nginx:1.27",
        "mcr.microsoft.com/dotnet/aspnet:8.0",
        "mcr.microsoft.com/dotnet/framework",  # the prefix is `.../framework/`
        "example.com/windows-tools:1.0",  # `/windows/` must be a path segment
        "example.com/ltsc2022:latest",  # markers count in the tag only
        "example.com/app:1809",  # a build number alone is not Windows-looking
        "",
        None,
        42,
    ],
)
def test_not_windows_looking(image: object) -> None:
    assert not is_windows_image(image)


@pytest.mark.parametrize(
    ("image", "build"),
    [
        ("mcr.microsoft.com/windows/servercore:ltsc2019", BUILD_LTSC2019),
        ("mcr.microsoft.com/windows/servercore:1809", BUILD_LTSC2019),
        ("mcr.microsoft.com/dotnet/framework/aspnet:4.8-windowsservercore-1809", BUILD_LTSC2019),
        ("example.com/app:1809.2", BUILD_LTSC2019),
        ("mcr.microsoft.com/windows/servercore/iis:windowsservercore-ltsc2022", BUILD_LTSC2022),
        ("example.com/app:v2-LTSC2022", BUILD_LTSC2022),
        ("mcr.microsoft.com/windows/nanoserver:ltsc2025", BUILD_LTSC2025),
        ("example.com/app:11809", None),
        ("example.com/app:18090", None),
        ("example.com/ltsc2022/app:1.0", None),  # repository, not tag
        ("example.com/app:ltsc2019-ltsc2022", None),  # ambiguous
        ("example.com/app", None),
        (None, None),
    ],
)
def test_image_build(image: object, build: str | None) -> None:
    assert image_build(image) == build


def test_normalise_build() -> None:
    assert normalise_build("10.0.17763.5329") == "10.0.17763"
    assert normalise_build(" 10.0.20348 ") == "10.0.20348"


def _affinity(*terms: object) -> dict[str, object]:
    return {
        "affinity": {
            "nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": list(terms)}}
        }
    }


def _build_term(values: object, operator: str = "In") -> dict[str, object]:
    return {"matchExpressions": [{"key": "node.kubernetes.io/windows-build", "operator": operator, "values": values}]}


def test_build_pins() -> None:
    assert build_pins({}) == []
    pins = build_pins({"nodeSelector": {"node.kubernetes.io/windows-build": "10.0.20348"}})
    assert [(p.build, p.path) for p in pins] == [("10.0.20348", ("nodeSelector", "node.kubernetes.io/windows-build"))]
    pins = build_pins(_affinity(_build_term(["10.0.17763"])))
    assert [p.build for p in pins] == ["10.0.17763"]
    assert pins[0].path[-6:] == ("nodeSelectorTerms", 0, "matchExpressions", 0, "values", 0)
    # several values, NotIn, or a term without a pin: not pinned to one build
    assert build_pins(_affinity(_build_term(["10.0.17763", "10.0.20348"]))) == []
    assert build_pins(_affinity(_build_term(["10.0.17763"], operator="NotIn"))) == []
    assert build_pins(_affinity(_build_term(["10.0.17763"]), {"matchExpressions": []})) == []
    # two terms, same build: pinned; different builds: not
    assert len(build_pins(_affinity(_build_term(["10.0.17763"]), _build_term(["10.0.17763"])))) == 1
    assert build_pins(_affinity(_build_term(["10.0.17763"]), _build_term(["10.0.20348"]))) == []


def test_mentions_build_label() -> None:
    assert not mentions_build_label({"nodeSelector": {"kubernetes.io/os": "windows"}})
    assert mentions_build_label({"nodeSelector": {"node.kubernetes.io/windows-build": "10.0.17763"}})
    assert mentions_build_label(_affinity(_build_term(["a", "b"], operator="NotIn")))
    assert not mentions_build_label(_affinity("junk", {"matchExpressions": "junk"}))


@pytest.mark.parametrize(
    ("text", "taint"),
    [
        ("os=windows:NoSchedule", Taint("os", "windows", "NoSchedule")),
        ("sku=win:NoExecute", Taint("sku", "win", "NoExecute")),
        ("dedicated:PreferNoSchedule", Taint("dedicated", "", "PreferNoSchedule")),
        ("example.com/os=windows:NoSchedule", Taint("example.com/os", "windows", "NoSchedule")),
        ("os=windows", None),
        ("os=windows:Sometimes", None),
        ("=windows:NoSchedule", None),
        (None, None),
    ],
)
def test_parse_taint(text: object, taint: Taint | None) -> None:
    assert parse_taint(text) == taint


def test_windows_taint_default_and_config() -> None:
    assert windows_taint({}) == Taint("os", "windows", "NoSchedule")
    assert windows_taint({"cluster": {"windowsTaint": "sku=win:NoExecute"}}) == Taint("sku", "win", "NoExecute")
    assert windows_taint({"cluster": {"windowsTaint": ""}}) is None


@pytest.mark.parametrize(
    ("toleration", "ok"),
    [
        ({"key": "os", "operator": "Equal", "value": "windows", "effect": "NoSchedule"}, True),
        ({"key": "os", "value": "windows"}, True),  # operator defaults to Equal, effect empty
        ({"key": "os", "operator": "Exists"}, True),
        ({"key": "os", "operator": "Exists", "effect": "NoSchedule"}, True),
        ({"operator": "Exists"}, True),  # empty key + Exists tolerates everything
        ({"key": "os", "operator": "Exists", "effect": "NoExecute"}, False),
        ({"key": "os", "value": "linux"}, False),
        ({"key": "sku", "operator": "Exists"}, False),
        ({"value": "windows"}, False),  # empty key needs Exists
        ({"key": "os", "operator": "In", "value": "windows"}, False),
        ("junk", False),
    ],
)
def test_tolerates(toleration: object, ok: bool) -> None:
    assert tolerates(toleration, Taint("os", "windows", "NoSchedule")) is ok


def _Lint(documents: tuple[Document, ...]) -> LintContext:
    return LintContext(documents)


_LINUX = """\
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  template:
    spec:
      containers: [{name: web, image: "nginx:1.27"}]
"""
_WINDOWS_IMAGE = """\
apiVersion: batch/v1
kind: CronJob
metadata: {name: report}
spec:
  jobTemplate:
    spec:
      template:
        spec:
          containers: [{name: r, image: "mcr.microsoft.com/windows/nanoserver:ltsc2022"}]
"""
_WINDOWS_TARGETED = """\
apiVersion: v1
kind: PodTemplate
metadata: {name: tpl}
template:
  spec:
    os: {name: windows}
    containers: [{name: r, image: "example.com/agent:1.0"}]
"""


def _docs(text: str) -> tuple[Document, ...]:
    result = LoadResult()
    load_text("test.yaml", text, True, LoadOptions(), result)
    assert not result.problems
    return tuple(result.documents)


@pytest.mark.parametrize(
    ("text", "auto"),
    [(_LINUX, False), (_LINUX + "---\n" + _WINDOWS_IMAGE, True), (_LINUX + "---\n" + _WINDOWS_TARGETED, True)],
)
def test_mixed_cluster_mode(text: str, auto: bool) -> None:
    lint = _Lint(_docs(text))
    assert mixed_cluster_mode({}, lint) is auto
    assert mixed_cluster_mode({"cluster": {"windowsNodes": True}}, _Lint(lint.documents)) is True
    assert mixed_cluster_mode({"cluster": {"windowsNodes": False}}, _Lint(lint.documents)) is False
    # kept in the run's cache: a second call gives the same answer
    assert mixed_cluster_mode({}, lint) is auto
