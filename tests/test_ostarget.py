"""kubelint_py.k8s.ostarget: rule-catalog §1 "Windows-targeted" / "Linux-pinned"."""

from __future__ import annotations

import pytest

from kubelint_py.k8s.ostarget import (
    OsDeclarations,
    affinity_os,
    affinity_oses,
    is_linux_pinned,
    is_windows_targeted,
    node_selector_os,
    node_selector_oses,
    os_declarations,
)


def _affinity(*terms: object) -> dict[str, object]:
    return {
        "affinity": {
            "nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": list(terms)}}
        }
    }


def _term(*exprs: object) -> dict[str, object]:
    return {"matchExpressions": list(exprs)}


def _expr(values: object, key: str = "kubernetes.io/os", operator: str = "In") -> dict[str, object]:
    return {"key": key, "operator": operator, "values": values}


@pytest.mark.parametrize(
    "spec",
    [
        {"os": {"name": "windows"}},
        {"nodeSelector": {"kubernetes.io/os": "windows"}},
        {"nodeSelector": {"beta.kubernetes.io/os": "windows"}},
        {"nodeSelector": {"kubernetes.io/os": "windows", "pool": "win"}},
        _affinity(_term(_expr(["windows"]))),
        _affinity(_term(_expr(["windows"])), _term(_expr(["windows"]), _expr(["x"], key="zone"))),
        _affinity(_term(_expr(["windows", "windows"]))),
        _affinity(_term(_expr(["windows"], key="beta.kubernetes.io/os"))),
        # one route is enough even if another is silent
        {"os": {"name": "windows"}, "nodeSelector": {"pool": "a"}},
    ],
)
def test_windows_targeted(spec: dict[str, object]) -> None:
    assert is_windows_targeted(spec)
    assert not is_linux_pinned(spec)


@pytest.mark.parametrize(
    "spec",
    [
        {},
        {"os": {"name": "Windows"}},  # case-sensitive, as the API is
        {"os": "windows"},
        {"os": {"name": ["windows"]}},
        {"nodeSelector": "kubernetes.io/os=windows"},
        {"nodeSelector": {"kubernetes.io/os": ["windows"]}},
        {"nodeSelector": {"os": "windows"}},
        _affinity(),  # no term: nothing is required
        _affinity(_term(_expr(["windows", "linux"]))),  # not pinned to one OS
        _affinity(_term(_expr(["windows"])), _term(_expr(["x"], key="zone"))),  # not every term
        _affinity(_term(_expr(["linux"], operator="NotIn"))),  # NotIn does not pin
        _affinity(_term(_expr("windows"))),  # values must be a list
        _affinity(_term(_expr([]))),
        _affinity("not a term"),
        {
            "affinity": {
                "nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": "windows"}}
            }
        },
        {
            "affinity": {
                "nodeAffinity": {
                    "preferredDuringSchedulingIgnoredDuringExecution": [
                        {"weight": 1, "preference": _term(_expr(["windows"]))}
                    ]
                }
            }
        },  # preferred is not required
    ],
)
def test_not_windows_targeted(spec: dict[str, object]) -> None:
    assert not is_windows_targeted(spec)


@pytest.mark.parametrize(
    "spec",
    [
        {"os": {"name": "linux"}},
        {"nodeSelector": {"kubernetes.io/os": "linux"}},
        {"nodeSelector": {"beta.kubernetes.io/os": "linux"}},
        _affinity(_term(_expr(["linux"]))),
    ],
)
def test_linux_pinned(spec: dict[str, object]) -> None:
    assert is_linux_pinned(spec)
    assert not is_windows_targeted(spec)


def test_wrong_types_are_absent() -> None:
    specs: tuple[object, ...] = (None, "spec", 3, [])
    for spec in specs:
        assert not is_windows_targeted(spec)  # type: ignore[arg-type]
        assert not is_linux_pinned(spec)  # type: ignore[arg-type]
        assert os_declarations(spec) == OsDeclarations(None, None, None)  # type: ignore[arg-type]


def test_contradictions_are_visible() -> None:
    spec = {
        "os": {"name": "windows"},
        "nodeSelector": {"kubernetes.io/os": "linux", "beta.kubernetes.io/os": "windows"},
        **_affinity(_term(_expr(["linux"]))),
    }
    assert is_windows_targeted(spec)
    assert is_linux_pinned(spec)
    assert node_selector_os(spec) == "linux"  # the GA key wins
    assert node_selector_oses(spec) == {"linux", "windows"}
    assert os_declarations(spec) == OsDeclarations("windows", "linux", "linux")


def test_affinity_os() -> None:
    assert affinity_os(_affinity(_term(_expr(["windows"])), _term(_expr(["windows"])))) == "windows"
    assert affinity_os(_affinity(_term(_expr(["windows"])), _term(_expr(["linux"])))) is None
    assert affinity_oses(_affinity(_term(_expr(["windows"])), _term(_expr(["linux"])))) == {"windows", "linux"}
    assert affinity_os(_affinity(_term(_expr(["windows"])), _term())) is None
    assert affinity_os({}) is None
