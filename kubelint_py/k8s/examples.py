"""Example manifests for rule metadata (`examples=`, shown by `kubelint explain`, the rule pages
and SARIF help, and run by the test suite): the skeletons many rules share, built from the
parts that differ, so a rule's example says only what it is about.

Every builder returns YAML text ending in a newline; `stream` joins documents with `---`.
Blocks (`spec`, `pod`, `body`...) are written unindented and placed at their depth.
"""

from __future__ import annotations

SHOP_IMAGE = '"shop/web:1.4.2"'


def block(text: str, indent: int) -> str:
    """`text`'s lines indented by `indent` spaces, each ending in a newline ('' stays '')."""
    if not text:
        return ""
    pad = " " * indent
    return "".join(pad + line + "\n" if line else "\n" for line in text.removesuffix("\n").split("\n"))


def stream(*documents: str) -> str:
    """Documents of one file, separated by `---`."""
    return "---\n".join(documents)


def metadata(name: str, namespace: str | None) -> str:
    return f"{{name: {name}, namespace: {namespace}}}" if namespace is not None else f"{{name: {name}}}"


def pod_container(name: str = "app", image: str = SHOP_IMAGE, body: str = "", *, flow: bool = False) -> str:
    """One entry of a containers list: `- {name: app, image: ...}` (`flow`) or a block with
    `body` (further keys of the container) under its name and image."""
    if flow:
        return f"- {{name: {name}, image: {image}}}\n"
    return f"- name: {name}\n  image: {image}\n" + block(body, 2)


def workload(
    *,
    kind: str = "Deployment",
    api_version: str = "apps/v1",
    name: str = "web",
    namespace: str | None = "shop",
    app: str | None = None,
    spec: str = "",
    pod: str = "",
    containers: str | None = None,
    volumes: str = "",
) -> str:
    """A workload with a pod template, selected by `app: <app>` (its name by default): `spec`
    goes before the selector, `pod` before the containers (one flow-style app container unless
    `containers` says otherwise), `volumes` (the list's items) after them."""
    label = app or name
    return (
        f"apiVersion: {api_version}\nkind: {kind}\nmetadata: {metadata(name, namespace)}\nspec:\n"
        + block(spec, 2)
        + f"  selector: {{matchLabels: {{app: {label}}}}}\n  template:\n    metadata: {{labels: {{app: {label}}}}}\n"
        + "    spec:\n"
        + block(pod, 6)
        + "      containers:\n"
        + block(pod_container(flow=True) if containers is None else containers, 8)
        + ("      volumes:\n" + block(volumes, 8) if volumes else "")
    )


def service(
    *,
    name: str = "web",
    namespace: str | None = "shop",
    app: str | None = None,
    spec: str = "",
    after: str = "",
    ports: str = "[{port: 80, targetPort: 8080}]",
) -> str:
    """A Service selecting `app: <app>` (its name by default): `spec` goes before the selector,
    `after` between it and the ports; `ports` is a flow list or (ending in a newline) its items."""
    listed = f"  ports: {ports}\n" if not ports.endswith("\n") else "  ports:\n" + block(ports, 4)
    return (
        f"apiVersion: v1\nkind: Service\nmetadata: {metadata(name, namespace)}\nspec:\n"
        + block(spec, 2)
        + f"  selector: {{app: {app or name}}}\n"
        + block(after, 2)
        + listed
    )


def ingress_path(path: str = "/", service: str = "shop", port: int = 80) -> str:
    """One `paths` item of an Ingress rule, to `service`:`port`."""
    backend = f"{{service: {{name: {service}, port: {{number: {port}}}}}}}"
    return f"- path: {path}\n  pathType: Prefix\n  backend: {backend}\n"


def ingress(
    *,
    name: str = "shop",
    namespace: str | None = "prod",
    annotations: str = "",
    spec: str = "ingressClassName: nginx",
    host: str | None = "shop.example.com",
    paths: str | None = None,
) -> str:
    """A networking.k8s.io/v1 Ingress with one rule for `host` (none: every host) and its
    `paths` (one Prefix path / to shop:80 by default; '' for a rule without http); `spec` goes
    before the rules, `annotations` (their lines) in the metadata."""
    if annotations:
        meta = f"\n  name: {name}\n" + (f"  namespace: {namespace}\n" if namespace else "") + "  annotations:\n"
        meta += block(annotations, 4)
    else:
        meta = f" {metadata(name, namespace)}\n"
    paths = ingress_path() if paths is None else paths
    http = "http:\n        paths:\n" + block(paths, 10) if paths else ""
    if host is None:
        rule = "    - " + http
    else:
        rule = f"    - host: {host}\n" + ("      " + http if http else "")
    return (
        f"apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:{meta}spec:\n"
        + block(spec, 2)
        + "  rules:\n"
        + rule
    )


def autoscaler(
    *,
    name: str = "web",
    namespace: str | None = "shop",
    target: str = "Deployment",
    spec: str = "minReplicas: 3\nmaxReplicas: 30",
) -> str:
    """An autoscaling/v2 HorizontalPodAutoscaler of the apps/v1 `target` named like it."""
    return (
        f"apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata: {metadata(name, namespace)}\nspec:\n"
        + f"  scaleTargetRef: {{apiVersion: apps/v1, kind: {target}, name: {name}}}\n"
        + block(spec, 2)
    )


def static_pod(component: str, flags: str, *, image: str | None = None, labels: bool = False, rest: str = "") -> str:
    """A kubeadm static pod running control-plane `component` (kube-apiserver, etcd...) with
    `flags` (one a line, as `--name=value`); `labels` adds kubeadm's component and tier labels,
    `rest` (indented as it stands) follows the command: volume mounts, the pod's volumes."""
    return (
        f"apiVersion: v1\nkind: Pod\nmetadata:\n  name: {component}\n  namespace: kube-system\n"
        + (f"  labels: {{component: {component}, tier: control-plane}}\n" if labels else "")
        + f"spec:\n  hostNetwork: true\n  containers:\n    - name: {component}\n"
        + f"      image: {image or f'registry.k8s.io/{component}:v1.31.1'}\n"
        + f"      command:\n        - {component}\n"
        + block("\n".join(f"- {flag}" for flag in flags.removesuffix("\n").split("\n")) if flags else "", 8)
        + rest
    )


IIS_IMAGE = "mcr.microsoft.com/windows/servercore/iis:windowsservercore-ltsc2022"
WINDOWS_NODES = "os: {name: windows}\nnodeSelector: {kubernetes.io/os: windows}\n"


def windows_workload(
    *,
    kind: str = "Deployment",
    name: str = "iis",
    namespace: str | None = "web",
    pod: str = "",
    body: str = "",
    containers: str | None = None,
    volumes: str = "",
) -> str:
    """A workload placed on Windows nodes (`spec.os` and the OS node selector, then `pod`),
    running IIS (with `body` under the container) unless `containers` says otherwise."""
    return workload(
        kind=kind,
        name=name,
        namespace=namespace,
        pod=WINDOWS_NODES + block(pod, 0),
        containers=pod_container(name="iis", image=IIS_IMAGE, body=body) if containers is None else containers,
        volumes=volumes,
    )


SECRET_MOUNT = "volumeMounts:\n  - {name: db, mountPath: /var/run/secrets/db, readOnly: true}\n"


def secret_consumer(*, body: str = "", mode: str | None = None) -> str:
    """The `api` Deployment of the secret-management examples, `body` under its container; with
    `mode`, the api-db Secret is mounted read-only at /var/run/secrets/db with that defaultMode."""
    return workload(
        name="api",
        namespace="prod",
        containers=pod_container(image="registry.example.com/api:2.4.1", body=body + (SECRET_MOUNT if mode else "")),
        volumes=f"- name: db\n  secret: {{secretName: api-db, defaultMode: {mode}}}\n" if mode else "",
    )
