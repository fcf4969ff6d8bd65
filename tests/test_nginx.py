"""kubelint_py.k8s.nginx: class detection, annotation allow-lists, TLS host coverage."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kubelint_py.input.loader import LoadOptions, LoadResult, load_text
from kubelint_py.k8s.nginx import (
    URL_CHARS,
    host_covered,
    host_problem,
    is_nginx_ingress,
    match_cn_problem,
    parse_bool,
    parse_int,
    url_host,
    url_problem,
)
from kubelint_py.model import Document


def _ingress_docs(text: str) -> tuple[Document, list[Document]]:
    """Documents through the real loader: the Ingress and the IngressClasses."""
    result = LoadResult()
    load_text("test.yaml", text, True, LoadOptions(), result)
    ingress = next(d for d in result.documents if d.kind == "Ingress")
    return ingress, [d for d in result.documents if d.kind == "IngressClass"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("spec: {ingressClassName: nginx}", True),
        ("spec: {ingressClassName: traefik}", False),
        ("metadata: {name: i, annotations: {kubernetes.io/ingress.class: nginx}}", True),
        ("metadata: {name: i, annotations: {nginx.ingress.kubernetes.io/rewrite-target: /}}", True),
        ("metadata: {name: i}", False),
    ],
)
def test_is_nginx_ingress(text: str, expected: bool) -> None:
    ingress, classes = _ingress_docs(f"apiVersion: networking.k8s.io/v1\nkind: Ingress\n{text}\n")
    assert is_nginx_ingress(ingress, classes) is expected


def test_ingress_class_objects_and_default_class() -> None:
    text = """\
apiVersion: networking.k8s.io/v1
kind: IngressClass
metadata:
  name: public
  annotations: {ingressclass.kubernetes.io/is-default-class: "true"}
spec: {controller: k8s.io/ingress-nginx}
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: i}
"""
    ingress, classes = _ingress_docs(text)
    assert is_nginx_ingress(ingress, classes)
    assert not is_nginx_ingress(ingress, [])
    with_class = text.replace("metadata: {name: i}", "metadata: {name: i}\nspec: {ingressClassName: public}")
    named, classes = _ingress_docs(with_class)
    assert is_nginx_ingress(named, classes)
    assert is_nginx_ingress(named, [], {"nginxClasses": ["public"]})


def test_parse_bool_like_go() -> None:
    assert parse_bool("false") is False and parse_bool("0") is False and parse_bool("F") is False
    assert parse_bool("True") is True and parse_bool(True) is True
    assert parse_bool("no") is None and parse_bool("fAlse") is None and parse_bool(None) is None


def test_parse_int() -> None:
    assert parse_int("20") == 20 and parse_int(" -5 ") == -5 and parse_int(7) == 7
    assert parse_int("1.5") is None and parse_int(True) is None and parse_int("x") is None


@pytest.mark.parametrize(
    "value",
    [
        "https://$host/oauth2/auth",
        "https://$host/oauth2/start?rd=$escaped_request_uri",
        "http://auth.ns.svc.cluster.local:4180/check?a=b&c=d,e+f%20",
        "https://[fd00::1]:8443/~user/@x",
        "HTTPS://Example.com/",
    ],
)
def test_legitimate_urls(value: str) -> None:
    assert url_problem(value) is None


@pytest.mark.parametrize(
    "value",
    [
        "http://a/;}location /x{",
        "http://a/\nproxy_pass http://b",
        "http://a/|x",
        "http://a/#x",
        "http://a/'x'",
        'http://a/"x"',
        "http://a/(x)",
        "http://a/\\x",
        "http://a/ x",
        "http://a/\tx",
        "ftp://a/",
        "a.example.com/x",
        "",
    ],
)
def test_injected_urls(value: str) -> None:
    assert url_problem(value) is not None


@given(st.text(alphabet=sorted(URL_CHARS), max_size=40))
def test_allow_listed_urls_always_pass(rest: str) -> None:
    assert url_problem("https://" + rest) is None


@given(st.text(min_size=1, max_size=40).filter(lambda s: any(c not in URL_CHARS for c in s)))
def test_any_other_character_fails(rest: str) -> None:
    assert url_problem("https://" + rest) is not None


def test_host_and_cn() -> None:
    assert host_problem("mirror.example.com:8080") is None and host_problem("[fd00::1]") is None
    assert host_problem("a;b") is not None and host_problem("a/b") is not None
    assert match_cn_problem("CN=client.example.com, O=Example") is None
    assert match_cn_problem("CN=(a|b)") is not None and match_cn_problem("CN=a\n") is not None


def test_url_host() -> None:
    assert url_host("http://user:pw@Auth.NS.svc:80/x?y") == "auth.ns.svc"
    assert url_host("http://[fd00::1]:80/") == "[fd00::1]"
    assert url_host("http://a.example.com") == "a.example.com"


@pytest.mark.parametrize(
    ("host", "tls", "covered"),
    [
        ("a.example.com", ["a.example.com"], True),
        ("A.Example.com", ["a.example.com."], True),
        ("a.example.com", ["*.example.com"], True),
        ("example.com", ["*.example.com"], False),
        ("a.b.example.com", ["*.example.com"], False),
        ("*.example.com", ["*.example.com"], True),
        ("a.example.com", ["b.example.com"], False),
        ("a.example.com", [], False),
    ],
)
def test_host_covered(host: str, tls: list[str], covered: bool) -> None:
    assert host_covered(host, tls) is covered
