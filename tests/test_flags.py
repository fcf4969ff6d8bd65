"""kubelint_py.k8s.flags: control-plane flag parsing (rule-catalog §0.4) and etcd config accessors."""

from __future__ import annotations

import pytest

from kubelint_py.input.loader import LoadOptions, LoadResult, load_source
from kubelint_py.k8s.flags import (
    CONFIG,
    ENV,
    FLAG,
    EtcdSettings,
    container_flags,
    etcd_config_setting,
    etcd_settings_for_pod,
    find_referenced,
    go_bool,
    is_loopback_host,
    parse_argv,
    path_is_under,
    pod_flags,
    suffix_score,
    url_scheme_host,
)
from kubelint_py.model import Document, Source


def _argv(*items: object) -> list[tuple[object, tuple[str | int, ...]]]:
    return [(item, ("args", n)) for n, item in enumerate(items)]


def test_equals_form() -> None:
    flags, stray = parse_argv(_argv("--etcd-servers=https://a:2379", "--x=a=b"))
    assert flags["etcd-servers"].text() == "https://a:2379"
    assert flags["etcd-servers"].path == ("args", 0)
    assert flags["x"].text() == "a=b"
    assert flags["x"].source == FLAG
    assert not stray


def test_space_form_takes_next_element() -> None:
    flags, _ = parse_argv(_argv("--etcd-cafile", "/pki/ca.crt", "--secure-port", 6443))
    assert flags["etcd-cafile"].text() == "/pki/ca.crt"
    assert flags["etcd-cafile"].path == ("args", 0)
    assert flags["secure-port"].text() == "6443"


def test_bare_flag_is_true_and_next_flag_not_consumed() -> None:
    flags, _ = parse_argv(_argv("--auto-tls", "--peer-auto-tls"))
    assert flags["auto-tls"].text() == "true"
    assert flags["auto-tls"].as_bool() is True
    assert flags["peer-auto-tls"].as_bool() is True


def test_bare_flag_at_end() -> None:
    flags, _ = parse_argv(_argv("--a=1", "--client-cert-auth"))
    assert flags["client-cert-auth"].as_bool() is True


def test_known_boolean_flag_never_consumes_next_element() -> None:
    flags, stray = parse_argv(_argv("--anonymous-auth", "false"), frozenset({"anonymous-auth"}))
    assert flags["anonymous-auth"].as_bool() is True
    assert stray == [("false", ("args", 1))]


def test_repeat_last_wins_with_its_path() -> None:
    flags, _ = parse_argv(_argv("--authorization-mode=AlwaysAllow", "--x", "--authorization-mode", "Node,RBAC"))
    assert flags["authorization-mode"].items() == ("Node", "RBAC")
    assert flags["authorization-mode"].path == ("args", 2)


def test_comma_lists_trimmed() -> None:
    flags, _ = parse_argv(_argv("--enable-admission-plugins= NodeRestriction , PodSecurity,,"))
    assert flags["enable-admission-plugins"].items() == ("NodeRestriction", "PodSecurity")


def test_non_strings_and_positionals() -> None:
    flags, stray = parse_argv(_argv(None, "positional", {"a": 1}, "--ok=1", "--", "--after=1"))
    assert list(flags) == ["ok"]
    assert stray == [("positional", ("args", 1)), ("--after=1", ("args", 5))]


@pytest.mark.parametrize(
    ("text", "expected"),
    [("true", True), ("1", True), ("T", True), ("False", False), ("0", False), ("yes", None), ("", None)],
)
def test_go_bool(text: str, expected: bool | None) -> None:
    assert go_bool(text) is expected


def test_command_then_args() -> None:
    container = {
        "name": "kube-apiserver",
        "command": ["kube-apiserver", "--a=1", "--b=command"],
        "args": ["--b=args", "--c"],
    }
    flags = container_flags("kube-apiserver", ("spec", "containers", 0), container)
    assert flags.text("a") == "1"
    assert flags.text("b") == "args"
    assert flags.path_of("b") == ("spec", "containers", 0, "args", 0)
    assert flags.path_of("a") == ("spec", "containers", 0, "command", 1)
    assert flags.as_bool("c") is True
    assert flags.path_of("missing") == ("spec", "containers", 0, "command")


def test_program_in_args_when_command_absent() -> None:
    container = {"args": ["/usr/local/bin/etcd", "--data-dir=/var/lib/etcd"]}
    flags = container_flags("etcd", ("spec", "containers", 1), container)
    assert flags.text("data-dir") == "/var/lib/etcd"
    assert flags.path_of("data-dir") == ("spec", "containers", 1, "args", 1)
    assert "etcd" not in flags.flags


def test_etcd_env_and_flag_wins() -> None:
    container = {
        "command": ["etcd", "--cert-file=/flag.crt"],
        "env": [
            {"name": "ETCD_CERT_FILE", "value": "/env.crt"},
            {"name": "ETCD_CLIENT_CERT_AUTH", "value": "true"},
            {"name": "ETCD_PEER_AUTO_TLS", "valueFrom": {"secretKeyRef": {"name": "x", "key": "y"}}},
            {"name": "OTHER", "value": "1"},
            "junk",
        ],
    }
    flags = container_flags("etcd", ("spec", "containers", 0), container)
    assert flags.text("cert-file") == "/flag.crt"
    assert flags.get("cert-file").source == FLAG  # type: ignore[union-attr]
    setting = flags.get("client-cert-auth")
    assert setting is not None and setting.source == ENV and setting.as_bool() is True
    assert setting.path == ("spec", "containers", 0, "env", 1, "value")
    assert flags.get("peer-auto-tls") is None


def test_env_not_read_for_apiserver() -> None:
    container = {"command": ["kube-apiserver"], "env": [{"name": "ETCD_CERT_FILE", "value": "/x"}]}
    assert container_flags("kube-apiserver", (), container).get("cert-file") is None


def test_etcd_config_accessors_give_same_answers() -> None:
    data = {
        "name": "m1",
        "listen-client-urls": "https://127.0.0.1:2379,https://10.0.0.1:2379",
        "client-transport-security": {"cert-file": "/s.crt", "client-cert-auth": True, "trusted-ca-file": ""},
        "peer-transport-security": {"cert-file": "/p.crt", "auto-tls": False},
        "cipher-suites": ["TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "TLS_RSA_WITH_AES_128_CBC_SHA"],
    }
    cert = etcd_config_setting(data, "cert-file")
    assert cert is not None and cert.text() == "/s.crt" and cert.source == CONFIG
    assert cert.path == ("client-transport-security", "cert-file")
    peer = etcd_config_setting(data, "peer-cert-file")
    assert peer is not None and peer.path == ("peer-transport-security", "cert-file")
    assert etcd_config_setting(data, "client-cert-auth").as_bool() is True  # type: ignore[union-attr]
    assert etcd_config_setting(data, "peer-auto-tls").as_bool() is False  # type: ignore[union-attr]
    assert etcd_config_setting(data, "peer-client-cert-auth") is None
    assert etcd_config_setting(data, "listen-client-urls").items() == (  # type: ignore[union-attr]
        "https://127.0.0.1:2379",
        "https://10.0.0.1:2379",
    )
    assert len(etcd_config_setting(data, "cipher-suites").items()) == 2  # type: ignore[union-attr]
    assert etcd_config_setting(data, "trusted-ca-file").is_empty()  # type: ignore[union-attr]


_POD = """\
apiVersion: v1
kind: Pod
metadata: {name: etcd, namespace: kube-system}
spec:
  containers:
    - name: etcd
      image: registry.k8s.io/etcd:3.5.15-0
      command:
        - etcd
        - --config-file=/etc/etcd/etcd.conf.yml
        - --cert-file=/ignored.crt
"""

_CONF = """\
name: m1
data-dir: /var/lib/etcd
client-transport-security:
  cert-file: /from-file.crt
"""


def _load(*files: tuple[str, str]) -> list[Document]:
    result = LoadResult()
    for name, text in files:
        load_source(Source(name, text.encode()), LoadOptions(), result)
    return result.documents


def test_suffix_matching() -> None:
    assert suffix_score("/etc/etcd/etcd.conf.yml", "node/etc/etcd/etcd.conf.yml") == 3
    assert suffix_score("/etc/etcd/etcd.conf.yml", "other/etcd.conf.yml") == 1
    assert suffix_score("/etc/etcd/etcd.conf.yml", "etcd.yaml") == 0


def test_loopback_and_urls() -> None:
    for host in ("127.0.0.1", "127.1.2.3", "::1", "localhost", "[::1]", "LOCALHOST"):
        assert is_loopback_host(host)
    for host in ("10.0.0.1", "0.0.0.0", "128.0.0.1", "127.0.0.1.nip.io", ""):
        assert not is_loopback_host(host)
    assert url_scheme_host("http://127.0.0.1:2379") == ("http", "127.0.0.1")
    assert url_scheme_host("https://[::1]:2379/x") == ("https", "::1")
    assert url_scheme_host("HTTP://etcd.local") == ("http", "etcd.local")
    assert url_scheme_host("unix://localhost:0") == ("unix", "localhost")


def test_path_is_under() -> None:
    assert path_is_under("/etc/kubernetes/enc/enc.yaml", "/etc/kubernetes/enc")
    assert path_is_under("/etc/kubernetes/enc/enc.yaml", "/etc/kubernetes/enc/")
    assert path_is_under("/etc/kubernetes/enc/enc.yaml", "/etc/kubernetes/enc/enc.yaml")
    assert path_is_under("/x", "/")
    assert not path_is_under("/etc/kubernetes/encryption.yaml", "/etc/kubernetes/enc")
    assert not path_is_under("/etc", "/etc/kubernetes")


def test_find_referenced_and_pod_settings() -> None:
    docs = _load(("manifests/etcd.yaml", _POD), ("etc/etcd/etcd.conf.yml", _CONF))
    pod = next(d for d in docs if d.kind == "Pod")
    conf = next(d for d in docs if not d.kind)
    assert find_referenced("/etc/etcd/etcd.conf.yml", [conf]) is conf
    assert find_referenced("/etc/etcd/other.yml", [conf]) is None
    settings, config = etcd_settings_for_pod(pod, [conf])
    assert config is not None and config.text() == "/etc/etcd/etcd.conf.yml"
    assert isinstance(settings, EtcdSettings) and settings.from_config_file
    assert settings.text("cert-file") == "/from-file.crt"  # the flag is ignored by etcd
    assert settings.get("cert-file").path == ("client-transport-security", "cert-file")  # type: ignore[union-attr]
    missing, config2 = etcd_settings_for_pod(pod, [])
    assert missing is None and config2 is not None
    flags = pod_flags(pod, "etcd")
    assert flags is not None and flags.text("cert-file") == "/ignored.crt"


def test_pod_flags_picks_component_container() -> None:
    text = _POD.replace("    - name: etcd\n", "    - name: side\n      command: [sh]\n    - name: etcd\n")
    pod = next(d for d in _load(("p.yaml", text)) if d.kind == "Pod")
    flags = pod_flags(pod, "etcd")
    assert flags is not None and flags.container_path == ("spec", "containers", 1)
    assert pod_flags(pod, "kube-apiserver") is None


def test_etcd_single_dash_flags() -> None:
    container = {"command": ["etcd", "-cert-file=/a.crt", "-key-file", "/a.key", "-", "--auto-tls"]}
    flags = container_flags("etcd", (), container)
    assert flags.text("cert-file") == "/a.crt"
    assert flags.text("key-file") == "/a.key"
    assert flags.as_bool("auto-tls") is True
    apiserver = container_flags("kube-apiserver", (), {"command": ["kube-apiserver", "-v=2"]})
    assert apiserver.get("v") is None
