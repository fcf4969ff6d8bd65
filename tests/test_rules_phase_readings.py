"""The rules phase's shortcuts of the fifth pass (issue 20) answer what the general readings
answer: facts kept once per document, and direct reads in place of the general walk."""

from __future__ import annotations

from collections.abc import Mapping

from hypothesis import given
from hypothesis import strategies as st

from kubelint_py.input.loader import LoadOptions, LoadResult, load_source
from kubelint_py.model import Document, Source


def load(text: str) -> list[Document]:
    result = LoadResult()
    load_source(Source("t.yaml", text.encode()), LoadOptions(), result)
    assert not result.problems, result.problems
    return result.documents


def test_service_ports_made_once_equal_the_reading() -> None:
    from kubelint_py.k8s.ports import _service_ports, service_ports

    (service,) = load(
        "apiVersion: v1\nkind: Service\nmetadata: {name: s}\n"
        "spec: {ports: [{port: 80, targetPort: http}, 3, {port: 53, protocol: udp}, {name: x, port: 9}]}\n"
    )
    assert service_ports(service) == _service_ports(service)
    assert service_ports(service) is service_ports(service)
    assert [(p.position, p.port, p.protocol, p.target) for p in service_ports(service)] == [
        (0, 80, "TCP", "http"),
        (2, 53, "UDP", 53),
        (3, 9, "TCP", 9),
    ]


_STEPS = st.one_of(st.sampled_from(["env", "image", "ports", "securityContext", "x", ""]), st.integers(-2, 2))
_CONTAINER_VALUES = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=3)),
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(st.sampled_from(["env", "image", "x", ""]), inner, max_size=3)
    ),
    max_leaves=8,
)


@given(
    st.dictionaries(st.sampled_from(["env", "image", "ports", "securityContext", "x"]), _CONTAINER_VALUES, max_size=4),
    st.lists(_STEPS, min_size=1, max_size=3),
    st.booleans(),
)
def test_a_containers_one_key_read_equals_get_path(data: dict[str, object], path: list[str | int], proxy: bool) -> None:
    from types import MappingProxyType

    from kubelint_py.k8s.workloads import ContainerKind, ContainerRef
    from kubelint_py.model import get_path

    held: Mapping[str, object] = MappingProxyType(data) if proxy else data  # the loader's dict, or another mapping
    container = ContainerRef("app", ContainerKind.CONTAINER, ("spec", "containers", 0), held)
    assert container.get(*path) == get_path(held, tuple(path))
    assert container.get(path[0]) is get_path(held, (path[0],))
