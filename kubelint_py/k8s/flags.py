"""Control-plane flag parsing (rule-catalog §0.4) and etcd config-file accessors (§7).

Pure functions over plain data; every value carries the FieldPath of the list item (or
config key, or env entry) that set it, so findings point at the exact element.

Flags are read from `command[1:]` followed by `args[]` of the container whose program
(`command[0]`, else `args[0]`) is the component. Accepted forms: `--flag=value`,
`--flag value` (the next element, unless it starts with `--`) and bare `--flag` (= "true").
The last occurrence of a flag wins. List flags are split on commas and trimmed
(`Setting.items()`).

Real-behaviour refinement: etcd (Go `flag`) also accepts a single dash (`-cert-file=...`).

kube-apiserver, kube-controller-manager, kube-scheduler (spf13/pflag) and etcd (Go `flag`)
never let a *boolean* flag consume the next element: `--anonymous-auth false` sets the flag
to true and leaves a stray argument `false` (the component then refuses to start). Boolean
flags known here therefore only take a value through `--flag=value`; the stray element is
kept in `Flags.stray`.

etcd also reads `ETCD_<FLAG_IN_UPPER_SNAKE_CASE>` environment variables (the flag wins),
and when started with `--config-file` (or `ETCD_CONFIG_FILE`) ignores every other flag and
variable and reads only the file: `etcd_config_settings` gives the same `Setting` answers
from a config-file mapping, mapping the `peer-*` TLS flags to `peer-transport-security`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import NamedTuple

from kubelint_py.model import DocType, Document, FieldPath, mapping_items

FLAG = "flag"
ENV = "env"
CONFIG = "config"

# Boolean flags of the components we read (a bare `--flag` is true; they never consume the
# next element). Not exhaustive: unknown flags are parsed generically.
BOOL_FLAGS: Mapping[str, frozenset[str]] = {
    "kube-apiserver": frozenset(
        (
            "anonymous-auth",
            "allow-privileged",
            "enable-bootstrap-token-auth",
            "profiling",
            "contention-profiling",
            "enable-aggregator-routing",
            "enable-garbage-collector",
            "enable-priority-and-fairness",
            "audit-log-compress",
            "enable-logs-handler",
            "service-account-lookup",
            "watch-cache",
            "logtostderr",
            "audit-log-truncate-enabled",
            "audit-webhook-truncate-enabled",
            "encryption-provider-config-automatic-reload",
        )
    ),
    "kube-controller-manager": frozenset(
        (
            "use-service-account-credentials",
            "profiling",
            "contention-profiling",
            "leader-elect",
            "allocate-node-cidrs",
            "configure-cloud-routes",
            "enable-dynamic-provisioning",
            "enable-garbage-collector",
            "enable-hostpath-provisioner",
            "enable-taint-manager",
            "authentication-skip-lookup",
            "authentication-tolerate-lookup-failure",
            "permit-address-sharing",
            "permit-port-sharing",
            "logtostderr",
        )
    ),
    "kube-scheduler": frozenset(
        (
            "profiling",
            "contention-profiling",
            "leader-elect",
            "authentication-skip-lookup",
            "authentication-tolerate-lookup-failure",
            "permit-address-sharing",
            "permit-port-sharing",
            "logtostderr",
        )
    ),
    "etcd": frozenset(
        (
            "client-cert-auth",
            "peer-client-cert-auth",
            "auto-tls",
            "peer-auto-tls",
            "enable-pprof",
            "strict-reconfig-check",
            "enable-v2",
            "force-new-cluster",
            "debug",
            "enable-grpc-gateway",
            "experimental-initial-corrupt-check",
            "experimental-enable-lease-checkpoint",
            "socket-reuse-port",
            "socket-reuse-address",
            "experimental-peer-skip-client-san-verification",
            "initial-corrupt-check",
        )
    ),
}

_GO_TRUE = frozenset(("1", "t", "T", "TRUE", "true", "True"))
_GO_FALSE = frozenset(("0", "f", "F", "FALSE", "false", "False"))


def go_bool(text: str) -> bool | None:
    """strconv.ParseBool, as pflag and Go's flag package use it; None when invalid."""
    if text in _GO_TRUE:
        return True
    if text in _GO_FALSE:
        return False
    return None


class Setting(NamedTuple):
    """One effective setting: its name (the flag name), raw value and where it came from."""

    name: str
    raw: object  # str for flags and env; any YAML value for config files
    path: FieldPath  # the element (flag item, env value, config key) that set it
    source: str  # "flag" | "env" | "config"

    def text(self) -> str:
        raw = self.raw
        if isinstance(raw, bool):
            return "true" if raw else "false"
        if raw is None:
            return ""
        if isinstance(raw, list):
            return ",".join(_scalar_text(item) for item in raw)
        return _scalar_text(raw)

    def as_bool(self) -> bool | None:
        """The boolean the component would read (Go ParseBool); None when not a boolean."""
        if isinstance(self.raw, bool):
            return self.raw
        if isinstance(self.raw, str):
            return go_bool(self.raw.strip())
        return None

    def items(self) -> tuple[str, ...]:
        """A list flag: comma-separated (or a YAML list in config files), trimmed, empty items dropped."""
        raw = self.raw
        parts: list[str] = []
        if isinstance(raw, list):
            for item in raw:
                parts.extend(_scalar_text(item).split(","))
        else:
            parts = self.text().split(",")
        return tuple(p.strip() for p in parts if p.strip())

    def is_empty(self) -> bool:
        return self.text().strip() == ""


def _scalar_text(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return ""
    return value if isinstance(value, str) else str(value)


class Settings:
    """What flags and etcd settings share: each setting read through `get`, as text, items or
    a boolean (None or () when it is not set)."""

    def get(self, name: str) -> Setting | None:  # pragma: no cover - interface
        raise NotImplementedError

    def text(self, name: str) -> str | None:
        found = self.get(name)
        return found.text() if found is not None else None

    def items(self, name: str) -> tuple[str, ...]:
        found = self.get(name)
        return found.items() if found is not None else ()

    def as_bool(self, name: str) -> bool | None:
        found = self.get(name)
        return found.as_bool() if found is not None else None

    def has_value(self, name: str) -> bool:
        """Set to something: `--name=` (or an empty setting) counts as not set."""
        found = self.get(name)
        return found is not None and not found.is_empty()


class Flags(Settings):
    """Parsed flags of one container, plus (for etcd) its ETCD_* environment variables."""

    def __init__(
        self,
        program: str,
        container_path: FieldPath,
        flags: Mapping[str, Setting],
        env: Mapping[str, Setting],
        stray: Sequence[tuple[str, FieldPath]],
        anchor: FieldPath,
    ) -> None:
        self.program = program
        self.container_path = container_path
        self.flags = dict(flags)
        self.env = dict(env)
        self.stray = tuple(stray)
        self.anchor = anchor  # where to report an absent flag (the command or args list)

    def get(self, name: str) -> Setting | None:
        """The effective value: the last `--name` occurrence, else (etcd) `ETCD_NAME`."""
        found = self.flags.get(name)
        if found is not None:
            return found
        return self.env.get(name)

    def is_set(self, name: str) -> bool:
        return self.get(name) is not None

    def path_of(self, name: str) -> FieldPath:
        found = self.get(name)
        return found.path if found is not None else self.anchor


def parse_argv(
    argv: Sequence[tuple[object, FieldPath]], bool_flags: frozenset[str] = frozenset()
) -> tuple[dict[str, Setting], list[tuple[str, FieldPath]]]:
    """Parse `(element, path)` pairs into flags (last wins) and stray positional elements."""
    flags: dict[str, Setting] = {}
    stray: list[tuple[str, FieldPath]] = []
    i = 0
    while i < len(argv):
        element, path = argv[i]
        i += 1
        if element == "--":  # end of flags: the rest are positional arguments
            stray.extend((_scalar_text(e), p) for e, p in argv[i:] if isinstance(e, str))
            break
        if not isinstance(element, str) or not element.startswith("--"):
            if isinstance(element, str | int | float) and not isinstance(element, bool):
                stray.append((str(element), path))
            continue
        body = element[2:]
        if "=" in body:
            name, value = body.split("=", 1)
            flags.pop(name, None)
            flags[name] = Setting(name, value, path, FLAG)
            continue
        name = body
        if name not in bool_flags and i < len(argv):
            nxt, _ = argv[i]
            if isinstance(nxt, str) and not nxt.startswith("--"):
                flags.pop(name, None)
                flags[name] = Setting(name, nxt, path, FLAG)
                i += 1
                continue
            if isinstance(nxt, int | float) and not isinstance(nxt, bool):
                flags.pop(name, None)
                flags[name] = Setting(name, str(nxt), path, FLAG)
                i += 1
                continue
        flags.pop(name, None)
        flags[name] = Setting(name, "true", path, FLAG)
    return flags, stray


def _program(container: Mapping[str, object]) -> tuple[str | None, str | None]:
    """(program basename, key of the list it came from)."""
    for key in ("command", "args"):
        argv = container.get(key)
        if isinstance(argv, list) and argv:
            first = argv[0]
            if isinstance(first, str):
                return first.rstrip("/").rsplit("/", 1)[-1], key
            return None, None
    return None, None


def component_containers(doc: Document, program: str) -> list[tuple[FieldPath, Mapping[str, object]]]:
    """The `spec.containers[]` items of a (static) Pod that run `program`."""
    found: list[tuple[FieldPath, Mapping[str, object]]] = []
    for number, item in enumerate(doc.sequence("spec", "containers")):
        if isinstance(item, Mapping) and _program(item)[0] == program:
            found.append((("spec", "containers", number), item))
    return found


def container_flags(program: str, container_path: FieldPath, container: Mapping[str, object]) -> Flags:
    """Flags of one container: command[1:] + args (args[1:] when the program is args[0])."""
    _, source_key = _program(container)
    argv: list[tuple[object, FieldPath]] = []
    anchor: FieldPath = (*container_path, source_key or "command")
    command = container.get("command")
    args = container.get("args")
    if source_key == "command" and isinstance(command, list):
        argv.extend((item, (*container_path, "command", n)) for n, item in enumerate(command) if n > 0)
        if isinstance(args, list):
            argv.extend((item, (*container_path, "args", n)) for n, item in enumerate(args))
    elif isinstance(args, list):
        argv.extend((item, (*container_path, "args", n)) for n, item in enumerate(args) if n > 0)
    if program == "etcd":
        # Go's flag package (etcd) accepts `-flag` as well as `--flag`.
        argv = [(_double_dash(item), path) for item, path in argv]
    flags, stray = parse_argv(argv, BOOL_FLAGS.get(program, frozenset()))
    env: dict[str, Setting] = {}
    if program == "etcd":
        env = etcd_env(container_path, container)
    return Flags(program, container_path, flags, env, stray, anchor)


def _double_dash(item: object) -> object:
    if isinstance(item, str) and len(item) > 1 and item.startswith("-") and not item.startswith("--"):
        return "-" + item
    return item


def pod_flags(doc: Document, program: str) -> Flags | None:
    """Flags of the first container of `doc` running `program`, or None."""
    found = component_containers(doc, program)
    if not found:
        return None
    path, container = found[0]
    return container_flags(program, path, container)


def apiserver_flags(doc: Document) -> Flags | None:
    """The flags of the kube-apiserver container of a static pod, or None."""
    return pod_flags(doc, "kube-apiserver")


def env_name(flag: str) -> str:
    return "ETCD_" + flag.upper().replace("-", "_")


def flag_name_from_env(name: str) -> str | None:
    if not name.startswith("ETCD_") or len(name) <= 5:
        return None
    return name[5:].lower().replace("_", "-")


def etcd_env(container_path: FieldPath, container: Mapping[str, object]) -> dict[str, Setting]:
    """ETCD_* variables with a literal `value` (valueFrom is unknown offline); last wins, as in Kubernetes."""
    found: dict[str, Setting] = {}
    for number, item in mapping_items(container, "env"):
        name, value = item.get("name"), item.get("value")
        if not isinstance(name, str):
            continue
        flag = flag_name_from_env(name)
        if flag is None or "value" not in item:
            continue
        text = _scalar_text(value)
        found.pop(flag, None)
        found[flag] = Setting(flag, text, (*container_path, "env", number, "value"), ENV)
    return found


# -- etcd config file -----------------------------------------------------------------
# Flags whose config-file key lives under a transport-security section.
_CLIENT_TLS_KEYS = (
    "cert-file",
    "key-file",
    "client-cert-auth",
    "trusted-ca-file",
    "auto-tls",
    "crl-file",
    "client-cert-file",
    "client-key-file",
    "allowed-cn",
    "allowed-hostname",
)
_PEER_TLS_FLAGS = {
    "peer-cert-file": "cert-file",
    "peer-key-file": "key-file",
    "peer-client-cert-auth": "client-cert-auth",
    "peer-trusted-ca-file": "trusted-ca-file",
    "peer-auto-tls": "auto-tls",
    "peer-crl-file": "crl-file",
    "peer-cert-allowed-cn": "allowed-cn",
    "peer-cert-allowed-hostname": "allowed-hostname",
}
CLIENT_TLS = "client-transport-security"
PEER_TLS = "peer-transport-security"


def etcd_config_key(flag: str) -> FieldPath:
    """Where a flag's setting lives in an etcd config file."""
    if flag in _CLIENT_TLS_KEYS:
        return (CLIENT_TLS, flag)
    if flag in _PEER_TLS_FLAGS:
        return (PEER_TLS, _PEER_TLS_FLAGS[flag])
    return (flag,)


def etcd_config_setting(data: Mapping[str, object], flag: str, prefix: FieldPath = ()) -> Setting | None:
    """The setting for `flag` in an etcd config-file mapping (None when the key is absent or null)."""
    key_path = etcd_config_key(flag)
    cur: object = data
    for step in key_path:
        if not isinstance(cur, Mapping) or step not in cur:
            return None
        cur = cur[step]
    if cur is None:
        return None
    return Setting(flag, cur, (*prefix, *key_path), CONFIG)


class EtcdSettings(Settings):
    """etcd's effective settings from a static pod (flags, then env) or a config file."""

    def __init__(self, doc: Document, flags: Flags | None) -> None:
        self.doc = doc
        self.flags = flags

    @property
    def from_config_file(self) -> bool:
        return self.flags is None

    def get(self, name: str) -> Setting | None:
        if self.flags is not None:
            return self.flags.get(name)
        return etcd_config_setting(self.doc.data, name)

    def is_set(self, name: str) -> bool:
        return self.has_value(name)

    def anchor(self) -> FieldPath:
        return self.flags.anchor if self.flags is not None else ()

    def path_of(self, name: str) -> FieldPath:
        found = self.get(name)
        if found is not None:
            return found.path
        if self.flags is None:
            # nearest existing ancestor is resolved by the engine; point at the section if any
            key = etcd_config_key(name)
            return key[:-1] if len(key) > 1 and isinstance(self.doc.data.get(str(key[0])), Mapping) else ()
        return self.flags.anchor


def config_file_of(flags: Flags) -> Setting | None:
    """etcd's `--config-file` (or ETCD_CONFIG_FILE), when set to a non-empty path."""
    found = flags.flags.get("config-file") or flags.env.get("config-file")
    return found if found is not None and not found.is_empty() else None


def path_parts(path: str) -> list[str]:
    return [p for p in path.replace("\\", "/").split("/") if p and p != "."]


def suffix_score(reference: str, file: str) -> int:
    """How many trailing path components `reference` and `file` share (0 = different basenames)."""
    a, b = path_parts(reference), path_parts(file)
    score = 0
    while score < len(a) and score < len(b) and a[-1 - score] == b[-1 - score]:
        score += 1
    return score


def find_referenced(reference: str, candidates: Sequence[Document]) -> Document | None:
    """The candidate document whose file best matches `reference` by path suffix (basename at least)."""
    best: Document | None = None
    best_score = 0
    for doc in candidates:
        score = suffix_score(reference, doc.file)
        if score > best_score:
            best, best_score = doc, score
    return best


def etcd_settings_for_pod(doc: Document, candidates: Sequence[Document]) -> tuple[EtcdSettings | None, Setting | None]:
    """Settings of an etcd static pod: (settings, config-file setting).

    With `--config-file`, etcd ignores flags and env: settings come from the referenced config
    document when it is among `candidates`; otherwise settings is None.
    """
    flags = pod_flags(doc, "etcd")
    if flags is None:
        return None, None
    config = config_file_of(flags)
    if config is None:
        return EtcdSettings(doc, flags), None
    target = find_referenced(config.text(), candidates)
    if target is None:
        return None, config
    return EtcdSettings(target, None), config


def is_loopback_host(host: str) -> bool:
    host = host.strip().strip("[]").lower()
    if host in ("localhost", "::1"):
        return True
    parts = host.split(".")
    return len(parts) == 4 and parts[0] == "127" and all(p.isdigit() and int(p) < 256 for p in parts)


def url_scheme_host(url: str) -> tuple[str, str]:
    """(scheme, host) of `scheme://host:port/...`; unix sockets give host ''."""
    scheme, sep, rest = url.strip().partition("://")
    if not sep:
        return "", url.strip()
    hostport = rest.split("/", 1)[0].rsplit("@", 1)[-1]
    if hostport.startswith("["):
        return scheme.lower(), hostport[1:].split("]", 1)[0]
    return scheme.lower(), hostport.rsplit(":", 1)[0] if hostport.count(":") == 1 else hostport


def path_is_under(path: str, directory: str) -> bool:
    """True when `path` equals `directory` or lies below it (string path semantics)."""
    p, d = path_parts(path), path_parts(directory)
    return bool(p) and len(p) >= len(d) and p[: len(d)] == d and (path.startswith("/") == directory.startswith("/"))


class Mount(NamedTuple):
    """A `volumeMounts[]` item of a container with the pod volume it names (None if undeclared)."""

    mount_path: str
    volume: Mapping[str, object] | None
    path: FieldPath  # of the volumeMounts item

    def volume_type(self) -> str | None:
        """The volume source key (`hostPath`, `persistentVolumeClaim`, `emptyDir`, ...)."""
        if self.volume is None:
            return None
        for key in self.volume:
            if key != "name":
                return str(key)
        return None


def container_mounts(doc: Document, container_path: FieldPath) -> list[Mount]:
    volumes: dict[str, Mapping[str, object]] = {}
    for item in doc.sequence("spec", "volumes"):
        if isinstance(item, Mapping) and isinstance(item.get("name"), str):
            volumes[str(item["name"])] = item
    found: list[Mount] = []
    for number, item in enumerate(doc.sequence(*container_path, "volumeMounts")):
        if not isinstance(item, Mapping):
            continue
        mount_path, name = item.get("mountPath"), item.get("name")
        if isinstance(mount_path, str) and mount_path:
            volume = volumes.get(name) if isinstance(name, str) else None
            found.append(Mount(mount_path, volume, (*container_path, "volumeMounts", number)))
    return found


def mount_for(path: str, mounts: Sequence[Mount]) -> Mount | None:
    """The most specific mount holding `path` (the one the container actually sees)."""
    best: Mount | None = None
    for mount in mounts:
        if path_is_under(path, mount.mount_path) and (
            best is None or len(path_parts(mount.mount_path)) > len(path_parts(best.mount_path))
        ):
            best = mount
    return best


def referrers(
    target: Document, documents: Sequence[Document], program: str, flag: str
) -> list[tuple[Document, FieldPath]]:
    """Static pods of `program` whose `--flag` names `target`'s file (best path-suffix match)."""
    found: list[tuple[Document, FieldPath]] = []
    for doc in documents:
        if doc is target or doc.kind != "Pod":
            continue
        flags = pod_flags(doc, program)
        setting = flags.get(flag) if flags is not None else None
        if setting is None or setting.is_empty():
            continue
        same_type = [d for d in documents if d.doc_type == target.doc_type]
        if find_referenced(setting.text(), same_type) is target:
            found.append((doc, setting.path))
    return found


def etcd_settings_of(doc: Document) -> EtcdSettings | None:
    """What the §7.1 etcd rules read for `doc`: an etcd config file as is, or an etcd static
    pod's flags and ETCD_* env. None for a pod started with `--config-file` (etcd ignores its
    other flags and variables then: the config document is checked itself, or
    etcd-config-file-not-provided reports it missing) and for anything else."""
    if doc.doc_type is DocType.ETCD_CONFIG:
        return EtcdSettings(doc, None)
    flags = pod_flags(doc, "etcd")
    if flags is None or config_file_of(flags) is not None:
        return None
    return EtcdSettings(doc, flags)


def normalize_path(path: str) -> str:
    parts = path_parts(path)
    return ("/" if path.startswith("/") else "") + "/".join(parts)
