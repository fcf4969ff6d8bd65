"""No value of a secret is ever printed (docs/security.md, promise 3), whatever rule finds what.

tests/test_no_secret_echo.py checks that the credential rules name kinds, never values. This
suite covers every other way a secret reached the output: schema messages that quoted the
offending value (a number in a Secret's `data`, in a password's environment value), `--show-source`
printing the line of a Secret for any rule other than the credential rules (a duplicate key, a
schema violation, a syntax error), the last-applied annotation that repeats a whole Secret, a
kubeconfig, a password in a ConfigMap. Each secret below is looked for, whole and in pieces, in
stdout, stderr and every output file, in every format and mode of the real CLI.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest

from kubelint_py.input.loader import LoadOptions, LoadResult, load_text
from kubelint_py.k8s import schemas
from kubelint_py.model import Document, Report, Severity, Violation
from kubelint_py.output.reporters import FORMATS, ReportOptions, render
from kubelint_py.run.context import LintContext
from tests.helpers import lint_text
from tests.hostile.support import lint_in_process, lint_subprocess, no_traceback

# Distinct, unguessable values: any 10-character window of one in the output is a leak.
SECRETS = {
    "secret-number": "9876543210123457",
    "secret-string-number": "12345678901234567",
    "secret-dup-first": "Qm7vRt2xPq9Lz4Wd",
    "secret-dup-second": "Hy3nBc8kJf5Ts1Ue",
    "secret-string": "Vw6pXe1rNa4Gk8Zs",
    "env-number": "55512345678",
    "env-enum": "Fj2qLw9vMx",
    "last-applied-secret": "Ud4hKs7mPz2Qc9Yb",
    "last-applied-env": "Rb8tNc3wEy6Jg1Xk",
    "configmap-number": "4455667788990011",
    "configmap-token": "ghp_Zx9Wv8Ut7Sr6Qp5On4Ml3Kj2Ih1Gf0EdCbAa",
    "configmap-dup": "Lp5sDw2qRk8Nt4Vz",
    "kubeconfig-token": "Ke7yTo4kEn1Va9Lu",
    "syntax": "Sy5nTa8xEr2Ro3Rz",
}

SECRET_DATA = base64.b64encode(SECRETS["secret-dup-first"].encode()).decode()
SECRET_DATA_2 = base64.b64encode(SECRETS["secret-dup-second"].encode()).decode()
LAST_APPLIED_SECRET = json.dumps(
    {
        "apiVersion": "v1",
        "kind": "Secret",
        "metadata": {"name": "db"},
        "stringData": {"pw": SECRETS["last-applied-secret"]},
    }
)
LAST_APPLIED_DEPLOYMENT = json.dumps(
    {"kind": "Deployment", "spec": {"env": [{"name": "API_TOKEN", "value": SECRETS["last-applied-env"]}]}}
)

MANIFESTS = {
    "secret.yaml": f"""\
apiVersion: v1
kind: Secret
metadata:
  name: db
  namespace: prod
  annotations:
    kubectl.kubernetes.io/last-applied-configuration: '{LAST_APPLIED_SECRET}'
    ignore.kubelint.io/secret-plaintext-in-source: "kept in git on purpose"
type: Opaque
data:
  token: {SECRETS["secret-number"]}
  password: {SECRET_DATA}
  password: {SECRET_DATA_2}
stringData:
  api: {SECRETS["secret-string-number"]}
  plain: [{SECRETS["secret-string"]}]
""",
    "deployment.yaml": f"""\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
  namespace: prod
  annotations:
    kubectl.kubernetes.io/last-applied-configuration: '{LAST_APPLIED_DEPLOYMENT}'
spec:
  selector: {{matchLabels: {{app: api}}}}
  template:
    metadata: {{labels: {{app: api}}}}
    spec:
      containers:
        - name: app
          image: registry.example.com/api:1.0
          env:
            - name: DB_PASSWORD
              value: {SECRETS["env-number"]}
        - {{name: sidecar, image: "r.example.com/s:1", env: [{{name: API_TOKEN, value: "{SECRETS["env-enum"]}"}}]}}
""",
    "configmap.yaml": f"""\
apiVersion: v1
kind: ConfigMap
metadata: {{name: settings, namespace: prod}}
data:
  SMTP_PASSWORD: {SECRETS["configmap-number"]}
  github: {{token: "{SECRETS["configmap-token"]}"}}
  DB_PASSWORD: a
  DB_PASSWORD: {SECRETS["configmap-dup"]}
""",
    "kubeconfig.yaml": f"""\
apiVersion: v1
kind: Config
clusters: [{{name: c, cluster: {{server: "https://example.com"}}}}]
users:
  - name: admin
    user:
      token: {SECRETS["kubeconfig-token"]}
      token: {SECRETS["kubeconfig-token"]}
""",
    "broken-secret.yaml": f"""\
apiVersion: v1
kind: Secret
metadata: {{name: broken, namespace: prod}}
stringData:
  key: {SECRETS["syntax"]}: more
""",
}

MODES: list[list[str]] = [
    [],
    ["--show-source"],
    ["--verbose"],
    ["--include-suppressed"],
    ["--show-source", "--verbose", "--include-suppressed"],
    ["--color", "--show-source", "--verbose", "--include-suppressed"],
]
WINDOW = 10


def _pieces(secret: str) -> Iterator[str]:
    yield secret
    yield base64.b64encode(secret.encode()).decode()
    for start in range(max(1, len(secret) - WINDOW + 1)):
        yield secret[start : start + WINDOW]


def leaks(text: str) -> list[str]:
    return sorted({name for name, secret in SECRETS.items() for piece in _pieces(secret) if piece in text})


@pytest.fixture(scope="module")
def tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("secrets")
    for name, text in MANIFESTS.items():
        (root / name).write_text(text, encoding="utf-8")
    return root


def test_the_tree_triggers_findings_on_every_secret(tree: Path) -> None:
    """Self-check: every secret sits on a line that some finding points at, and every secret
    is in the input, so a clean output means the secrets were hidden, not missed."""
    run = lint_in_process([".", "--format", "json", "--include-suppressed", "--no-plugins"], tree)
    data = run.report()
    findings = data["findings"] + data["suppressed"]
    lines = {(f["file"], f["line"]) for f in findings}
    pointed = {
        key
        for name, text in MANIFESTS.items()
        for number, line in enumerate(text.splitlines(), start=1)
        if (name, number) in lines
        for key, secret in SECRETS.items()
        if secret in line or (key.startswith("secret-dup") and name == "secret.yaml" and "password" in line)
    }
    assert pointed == set(SECRETS), f"no finding on the line of {set(SECRETS) - pointed}: the test would prove nothing"
    rules = {f["ruleId"] for f in findings}
    assert {"schema-violation", "yaml-duplicate-key", "yaml-syntax", "exported-live-metadata"} <= rules, rules
    assert leaks("".join(MANIFESTS.values())) == sorted(SECRETS)


@pytest.mark.parametrize("mode", MODES, ids=lambda m: " ".join(m) or "default")
@pytest.mark.parametrize("fmt", ["text", "github"])
def test_terminal_formats_never_print_a_secret(tree: Path, fmt: str, mode: list[str]) -> None:
    run = lint_in_process([".", "--format", fmt, "--no-plugins", *mode], tree)
    assert run.out.strip(), "no output at all"
    assert not leaks(run.out + run.err), leaks(run.out + run.err)


@pytest.mark.parametrize("mode", [[], ["--include-suppressed", "--verbose", "--show-source"]], ids=["default", "all"])
def test_report_files_never_carry_a_secret(tree: Path, tmp_path: Path, mode: list[str]) -> None:
    """Every format at once, into files, and a baseline written on the way."""
    args = [".", "--no-plugins", *mode]
    outputs = []
    for fmt in FORMATS:
        outputs.append(tmp_path / f"report.{fmt}")
        args += ["--format", fmt, "--output", str(outputs[-1])]
    args += ["--write-baseline", str(tmp_path / "baseline.json")]
    run = lint_in_process(args, tree)
    assert no_traceback(run.err), run.err
    written = {path.name: path.read_text(encoding="utf-8") for path in tmp_path.iterdir()}
    assert set(written) >= {f"report.{fmt}" for fmt in FORMATS}
    for name, text in written.items():
        assert not leaks(text), (name, leaks(text))
    assert not leaks(run.out + run.err)


@pytest.mark.slow
@pytest.mark.parametrize("fmt", FORMATS)
def test_real_cli_never_prints_a_secret(tree: Path, fmt: str) -> None:
    run = lint_subprocess([".", "--format", fmt, "--show-source", "--verbose", "--include-suppressed"], tree)
    assert run.code in (1, 2) and no_traceback(run.err), run.err
    assert "schema-violation" in run.out
    assert not leaks(run.out + run.err), leaks(run.out + run.err)


# -- the pieces, in-process ----------------------------------------------------------------
@pytest.fixture(scope="module")
def report() -> Report:
    sources = "---\n".join(text for name, text in MANIFESTS.items() if name != "broken-secret.yaml")
    return lint_text(sources, name="all.yaml", raise_errors=False)


def _issues(kind: str, data: object) -> list[str]:
    run = schemas.schema_run(LintContext(()), "1.31")
    if run.release is None:
        pytest.skip("the kubernetes-validate schemas are not installed")
    return [issue.text() for issue in run.check(1, "v1", kind, data)]


def test_schema_messages_name_types_in_sensitive_places() -> None:
    secret = {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "s"}, "data": {"k": 9876543210123457}}
    assert _issues("Secret", secret) == ["`data.k` must be a string, found a number; quote it"]
    pod = {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": "p"},
        "spec": {
            "containers": [
                {
                    "name": "c",
                    "image": "i",
                    "env": [{"name": "DB_PASSWORD", "value": 55512345678}, {"name": "REPLICAS", "value": 3}],
                    "imagePullPolicy": "Fj2qLw9vMx-token",
                }
            ]
        },
    }
    found = _issues("Pod", pod)
    assert "`spec.containers[0].env[0].value` must be a string, found a number; quote it" in found
    # elsewhere values are still quoted: they help, and are not secret
    assert "`spec.containers[0].env[1].value` must be a string, found the number 3; quote it" in found
    assert any('found the string "Fj2qLw9vMx-token"' in message for message in found)
    configmap = {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"name": "c"},
        "data": {"SMTP_PASSWORD": 44556677},
    }
    assert _issues("ConfigMap", configmap) == ["`data.SMTP_PASSWORD` must be a string, found a number; quote it"]


def test_engine_scrubs_secrets_that_any_rule_quotes(report: Report) -> None:
    """A rule that quotes a value of a Secret (or of the last-applied annotation) never gets it
    into a message: the engine scrubs every message of a sensitive object."""
    from kubelint_py.run.engine import guarded_message  # (here: the module runs against older engines)

    secret = next(doc for doc in _documents() if doc.kind == "Secret")
    message, sensitive = guarded_message(secret, Violation(f'holds "{SECRETS["secret-string"]}" in stringData'))
    assert sensitive and SECRETS["secret-string"] not in message and "<redacted>" in message
    deployment = next(doc for doc in _documents() if doc.kind == "Deployment")
    quoted = f"annotation is {LAST_APPLIED_DEPLOYMENT[:120]}…"
    message, sensitive = guarded_message(deployment, Violation(quoted, ("spec",)))
    assert not sensitive and not leaks(message), message
    message, sensitive = guarded_message(
        deployment, Violation("value", ("spec", "template", "spec", "containers", 0, "env", 0, "value"))
    )
    assert sensitive


def _documents() -> Sequence[Document]:
    result = LoadResult()
    for name in ("secret.yaml", "deployment.yaml"):
        load_text(name, MANIFESTS[name], True, LoadOptions(), result)
    return result.documents


def test_findings_on_sensitive_places_are_marked(report: Report) -> None:
    """The engine marks findings on a Secret, a kubeconfig, a password's value, a sensitive
    key's value and the last-applied annotation, whatever the rule, input rules included."""
    lines = "---\n".join(text for name, text in MANIFESTS.items() if name != "broken-secret.yaml").splitlines()
    marked = {
        (finding.rule_id, lines[finding.span.start.line - 1].strip())
        for finding in report.findings
        if finding.sensitive
    }
    for rule_id, line in (
        ("schema-violation", f"token: {SECRETS['secret-number']}"),
        ("yaml-duplicate-key", f"password: {SECRET_DATA_2}"),
        ("schema-violation", f"value: {SECRETS['env-number']}"),
        ("exported-live-metadata", f"kubectl.kubernetes.io/last-applied-configuration: '{LAST_APPLIED_DEPLOYMENT}'"),
        ("schema-violation", f"SMTP_PASSWORD: {SECRETS['configmap-number']}"),
        ("yaml-duplicate-key", f"DB_PASSWORD: {SECRETS['configmap-dup']}"),
        ("yaml-duplicate-key", f"token: {SECRETS['kubeconfig-token']}"),
    ):
        assert (rule_id, line) in marked, (rule_id, line)
    for finding in report.findings:
        if finding.object is not None and finding.object.kind == "Secret":
            assert finding.sensitive, finding.rule_id


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_reporter_honours_sensitive(report: Report, fmt: str) -> None:
    lines = "---\n".join(text for name, text in MANIFESTS.items() if name != "broken-secret.yaml").splitlines()
    options = ReportOptions(
        fail_on=Severity.WARNING,
        exit_code=1,
        show_source=True,
        verbose=True,
        include_suppressed=True,
        read_line=lambda _file, n: lines[n - 1] if 0 < n <= len(lines) else None,
    )
    text = render(fmt, report, options)
    assert not leaks(text), leaks(text)
    if fmt == "sarif":  # no source text in the log, whatever the finding
        for result in json.loads(text)["runs"][0]["results"]:
            for location in result["locations"]:
                assert set(location["physicalLocation"]["region"]) <= {
                    "startLine",
                    "startColumn",
                    "endLine",
                    "endColumn",
                }
                assert "contextRegion" not in location["physicalLocation"]


def test_what_is_sensitive() -> None:
    """The one decision (kubelint_py.k8s.sensitive), and what it leaves alone so that
    `--show-source` still shows ordinary lines."""
    from kubelint_py.k8s.sensitive import line_may_hold_secret, sensitive_at

    pod = {
        "metadata": {"annotations": {"kubectl.kubernetes.io/last-applied-configuration": "{}"}},
        "spec": {
            "automountServiceAccountToken": True,
            "containers": [
                {
                    "image": "nginx:1.27",
                    "args": ["--db-password=Qw3rTy9Ui0Op", "--log-level=2"],
                    "env": [{"name": "DB_PASSWORD", "value": "Qw3rTy9Ui0Op"}, {"name": "MODE", "value": "fast"}],
                }
            ],
            "volumes": [{"name": "v", "secret": {"secretName": "creds"}}],
        },
        "data": {"SMTP_PASSWORD": "Qw3rTy9Ui0Op", "token": {"nested": "map"}},
    }
    container = ("spec", "containers", 0)
    assert sensitive_at(pod, (*container, "env", 0, "value")) == ("Qw3rTy9Ui0Op",)
    assert sensitive_at(pod, (*container, "env", 0)) == ("Qw3rTy9Ui0Op",)
    assert sensitive_at(pod, (*container, "args", 0)) == ("Qw3rTy9Ui0Op",)
    assert sensitive_at(pod, ("data", "SMTP_PASSWORD")) == ("Qw3rTy9Ui0Op",)
    assert sensitive_at(pod, ("metadata", "annotations", "kubectl.kubernetes.io/last-applied-configuration")) == ()
    assert sensitive_at(pod, ("data", "x"), "Secret") == ()
    for plain in (
        (*container, "env", 1, "value"),
        (*container, "args", 1),
        (*container, "image"),
        ("spec", "automountServiceAccountToken"),
        ("spec", "volumes", 0, "secret", "secretName"),
        ("data", "token"),
        container,
    ):
        assert sensitive_at(pod, plain) is None, plain
    for line in (
        "  SMTP_PASSWORD: hunter2",
        "- {name: DB_PASSWORD, value: hunter2}",
        '  args: ["--password=hunter2"]',
        "    kubectl.kubernetes.io/last-applied-configuration: '{}'",
        f"  token: {SECRETS['configmap-token']}",
    ):
        assert line_may_hold_secret(line), line
    for line in (
        "  automountServiceAccountToken: false",
        "      secretName: creds",
        "    - name: DB_PASSWORD",
        "      image: nginx:1.27",
        "        valueFrom: {secretKeyRef: {name: db, key: password}}",
    ):
        assert not line_may_hold_secret(line), line
