"""Run `helm template` and `kustomize build` for `kubelint helm` / `kubelint kustomize`.

Every call is an argument list (never a shell) with a time limit. Nothing here touches the
user's files: kustomize origin annotations are switched on by building a temporary
kustomization that only lists the user's directory as a resource.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from kubelint_py.atomic_write import write_atomically
from kubelint_py.integrations.helm_flags import HELM_PASS_THROUGH, helm_pass_through_error

DEFAULT_TIMEOUT = 180.0
MAX_OUTPUT = 256 * 1024 * 1024  # discovery's READ_CEILING: no input file is read past it either
_ORIGIN_RE = re.compile(r"^(\s*)config\.kubernetes\.io/origin:\s*\|[-+]?\s*$")
_ORIGIN_FIELD_RE = re.compile(r"^(\s+)(path|configuredIn):(\s*)(\S.*?)\s*$")
_KUSTOMIZATION_FILES = ("kustomization.yaml", "kustomization.yml", "Kustomization")


class RendererMissing(Exception):
    """The rendering tool is not on PATH; the message says how to do without it."""


class RenderError(Exception):
    """The tool ran and failed (template error, missing dependency, time limit)."""


@dataclass(frozen=True, slots=True)
class Rendered:
    text: str
    label: str  # how the stream is named in reports, e.g. `<helm template charts/web>`
    root: Path  # the chart or kustomization directory the output maps back to


def _display(path: Path, cwd: Path) -> str:
    try:
        rel = path.resolve().relative_to(cwd.resolve()).as_posix()
    except ValueError:
        return path.as_posix()
    return rel or "."


def find_chart_root(path: Path) -> Path | None:
    """The nearest directory at or above `path` holding a Chart.yaml."""
    current = path if path.is_dir() else path.parent
    for candidate in (current, *current.parents):
        if (candidate / "Chart.yaml").is_file():
            return candidate
    return None


def charts_for(paths: Iterable[Path]) -> tuple[list[Path], list[Path]]:
    """Chart directories for `paths` (chart dirs or files inside charts, as pre-commit passes
    them), each once and in first-seen order; plus the directories given that are no chart.
    Files outside any chart are dropped silently: the hook's file pattern also matches
    `values*.yaml` files that belong to no chart."""
    charts: list[Path] = []
    not_charts: list[Path] = []
    for path in paths:
        root = find_chart_root(path)
        if root is None:
            if path.is_dir() or not path.exists():
                not_charts.append(path)
            continue
        # A file inside a subchart (charts/<sub>/...) belongs to the release of the parent.
        parent = root
        while parent.parent.name == "charts" and (parent.parent.parent / "Chart.yaml").is_file():
            parent = parent.parent.parent
        resolved = parent.resolve()
        if resolved not in {c.resolve() for c in charts}:
            charts.append(parent)
    return charts, not_charts


def _tail(text: str, lines: int = 3) -> str:
    kept = [line.strip() for line in text.strip().splitlines() if line.strip()]
    return "; ".join(kept[-lines:]) or "no error output"


# What the renderers may not reach: a chart or kustomization from the tree can name remote
# bases (`resources: [https://...]`, `github.com/org/repo//dir?ref=...`) that kustomize would
# fetch over HTTP or git. Every proxy points at the discard port of the loopback (the
# connection is refused at once), nothing bypasses it, and git may use local files only.
_DISCARD = "http://127.0.0.1:9"
OFFLINE_ENVIRONMENT = {
    "HTTP_PROXY": _DISCARD,
    "HTTPS_PROXY": _DISCARD,
    "ALL_PROXY": _DISCARD,
    "http_proxy": _DISCARD,
    "https_proxy": _DISCARD,
    "all_proxy": _DISCARD,
    "NO_PROXY": "",
    "no_proxy": "",
    "GIT_ALLOW_PROTOCOL": "file",
    "GIT_TERMINAL_PROMPT": "0",
    "GIT_SSH_COMMAND": "false",
}


def offline_environment() -> dict[str, str]:
    """This process's environment with the network closed to the renderer (see above)."""
    return {**os.environ, **OFFLINE_ENVIRONMENT}


def _run(args: Sequence[str], cwd: Path | None, timeout: float, what: str, max_bytes: int = MAX_OUTPUT) -> str:
    """The tool's standard output, at most `max_bytes` of it: a chart or kustomization from the
    tree decides how much is rendered, and the stream is held in memory to be linted."""
    import threading

    with tempfile.TemporaryFile() as errors:
        try:
            proc = subprocess.Popen(
                list(args),
                cwd=cwd,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=errors,
                env=offline_environment(),
            )
        except OSError as exc:
            raise RenderError(f"{what} could not be started: {exc.strerror or exc}") from None
        chunks: list[bytes] = []
        reader = threading.Thread(target=_read_at_most, args=(proc, max_bytes + 1, chunks), daemon=True)
        reader.start()
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
            reader.join(timeout=5)  # a process the tool left behind may hold the pipe open
            raise RenderError(f"{what} did not finish within {timeout:g} s") from None
        reader.join()
        if proc.stdout is not None:
            proc.stdout.close()
        output = b"".join(chunks)
        if len(output) > max_bytes:
            raise RenderError(f"{what} wrote more than {max_bytes // (1024 * 1024)} MiB; not linted")
        if proc.returncode != 0:
            errors.seek(0)
            stderr = errors.read(64 * 1024).decode("utf-8", "replace")
            raise RenderError(f"{what} failed (exit {proc.returncode}): {_tail(stderr)}")
    return output.decode("utf-8", "replace")


def _read_at_most(proc: subprocess.Popen[bytes], size: int, chunks: list[bytes]) -> None:
    """Read `proc`'s standard output into `chunks` up to `size` bytes; past that, stop the tool."""
    assert proc.stdout is not None
    left = size
    while left > 0:
        chunk = proc.stdout.read1(min(left, 1 << 20))  # type: ignore[attr-defined]
        if not chunk:
            return
        chunks.append(chunk)
        left -= len(chunk)
    proc.kill()
    proc.stdout.close()


# -- Helm ---------------------------------------------------------------------------------
def helm_command(
    chart: Path,
    *,
    values: Sequence[str] = (),
    sets: Sequence[str] = (),
    release: str | None = None,
    namespace: str | None = None,
    helm: str = "helm",
    passed: Mapping[str, object] | None = None,
) -> list[str]:
    """The `helm template` argument list. `passed` holds values of `HELM_PASS_THROUGH` options by
    name (a string, a sequence of strings, or a boolean by the option's kind); anything else in
    it is refused (ValueError), as is a value that does not look like one."""
    args = [helm, "template", release or "release-name", str(chart)]
    for value_file in values:
        args += ["--values", value_file]
    for assignment in sets:
        args += ["--set", assignment]
    if namespace:
        args += ["--namespace", namespace]
    given = dict(passed or {})
    for option in HELM_PASS_THROUGH:
        value = given.pop(option.name, None)
        if value is None or value is False or value == () or value == []:
            continue
        if option.kind == "switch":
            if value is not True:
                raise ValueError(f"{option.flag} is a switch, not {value!r}")
            args.append(option.flag)
            continue
        items = [value] if option.kind == "value" else value
        if isinstance(items, str) or not isinstance(items, Sequence):
            raise ValueError(f"{option.flag} takes {'one value' if option.kind == 'value' else 'a list'}")
        for item in items:
            problem = helm_pass_through_error(option.name, item) if isinstance(item, str) else "not a string"
            if problem is not None:
                raise ValueError(problem)
            args.append(f"{option.flag}={item}")
    if given:
        raise ValueError(f"not passed to helm template: {', '.join(sorted(given))}")
    return args


def helm_missing_message(chart: str = "CHART_DIR") -> str:
    return (
        "helm is not on PATH; install Helm, or render the chart yourself and pipe it in: "
        f"helm template RELEASE {chart} | kubelint lint - --chart-root {chart}"
    )


def helm_template(
    chart: Path,
    *,
    values: Sequence[str] = (),
    sets: Sequence[str] = (),
    release: str | None = None,
    namespace: str | None = None,
    passed: Mapping[str, object] | None = None,
    cwd: Path,
    timeout: float = DEFAULT_TIMEOUT,
) -> Rendered:
    helm = shutil.which("helm")
    shown = _display(chart, cwd)
    if helm is None:
        raise RendererMissing(helm_missing_message(shown))
    args = helm_command(chart, values=values, sets=sets, release=release, namespace=namespace, helm=helm, passed=passed)
    text = _run(args, cwd, timeout, f"helm template {shown}")
    return Rendered(text, f"<helm template {shown}>", chart)


# -- kustomize ----------------------------------------------------------------------------
def kustomize_tool() -> list[str] | None:
    """`kustomize build` when kustomize is installed, else `kubectl kustomize`."""
    kustomize = shutil.which("kustomize")
    if kustomize is not None:
        return [kustomize, "build"]
    kubectl = shutil.which("kubectl")
    if kubectl is not None:
        return [kubectl, "kustomize"]
    return None


def kustomize_missing_message(directory: str = "DIR") -> str:
    return (
        "neither kustomize nor kubectl is on PATH; install one, or build yourself and pipe it in: "
        f"kubectl kustomize {directory} | kubelint lint - --chart-root {directory}"
    )


def is_kustomization(directory: Path) -> bool:
    return any((directory / name).is_file() for name in _KUSTOMIZATION_FILES)


def wrapper_kustomization(target: Path, wrapper_dir: Path) -> str:
    """A kustomization that adds origin annotations to everything `target` builds."""
    rel = Path(os.path.relpath(target.resolve(), wrapper_dir.resolve())).as_posix()
    return (
        "apiVersion: kustomize.config.k8s.io/v1beta1\n"
        "kind: Kustomization\n"
        f"resources:\n  - {rel}\n"
        "buildMetadata:\n  - originAnnotations\n"
    )


def rebase_origins(text: str, built_from: Path, target: Path) -> str:
    """Origin paths are written relative to the kustomization that was built (the temporary
    wrapper); rewrite them relative to the user's kustomization directory, line for line."""
    out: list[str] = []
    block: int | None = None
    for line in text.split("\n"):
        if block is not None:
            indent = len(line) - len(line.lstrip(" "))
            if line.strip() and indent <= block:
                block = None
        if block is not None:
            match = _ORIGIN_FIELD_RE.match(line)
            if match is not None and "://" not in match.group(4):
                absolute = os.path.normpath(built_from / match.group(4))
                rel = Path(os.path.relpath(absolute, target)).as_posix()
                line = f"{match.group(1)}{match.group(2)}:{match.group(3) or ' '}{rel}"
        else:
            found = _ORIGIN_RE.match(line)
            if found is not None:
                block = len(found.group(1))
        out.append(line)
    return "\n".join(out)


def kustomize_build(directory: Path, *, cwd: Path, timeout: float = DEFAULT_TIMEOUT) -> Rendered:
    shown = _display(directory, cwd)
    tool = kustomize_tool()
    if tool is None:
        raise RendererMissing(kustomize_missing_message(shown))
    if not is_kustomization(directory):
        raise RenderError(f"{shown}: no kustomization.yaml in this directory")
    target = directory.resolve()
    with tempfile.TemporaryDirectory(prefix="kubelint-kustomize-") as tmp:
        wrapper = Path(tmp)
        write_atomically(wrapper / "kustomization.yaml", wrapper_kustomization(target, wrapper))
        text = _run([*tool, str(wrapper)], None, timeout, f"{Path(tool[0]).name} {tool[1]} {shown}")
        text = rebase_origins(text, wrapper.resolve(), target)
    return Rendered(text, f"<kustomize build {shown}>", directory)
