"""Credential rules report where a secret is and what kind it is, never the secret itself.

Manifests with real-looking secrets are linted by every secret-management rule and rendered
in every output format; no byte sequence of any secret (raw, base64, JSON-escaped, or any
12-character window of it) may appear in a message, path, fingerprint or rendered report.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from kubelint_py.model import Report, Severity
from kubelint_py.output.reporters import FORMATS, ReportOptions, render
from tests.helpers import lint_text, registry

SECRET_RULES = sorted(rule_id for rule_id, r in registry().rules.items() if r.meta.document == "secret-management")

# The sensitive parts of each secret (headers such as "-----BEGIN" are not secret).
SECRETS = {
    "env": "Zq8#vLx2!pWm4RtY",
    "github": "ghp_R3alLook1ngT0kenAbCdEfGhIjKlMnOpQr12",
    "aws": "AKIAQ7XK2MZP4W9B6C3D",
    "slack": "xoxb-482913645021-5518273640129-Kd8sPq2LmZx7Rt4VnYc1Wb9E",
    "google": "AIzaSyD9x8W7v6U5t4S3r2Q1p0O9n8M7l6K5j4I",
    "jwt": "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJzeXN0ZW06c2VydmljZWFjY291bnQifQ.Tm90QVJlYWxTaWduYXR1cmVCdXRMb25n",
    "url-password": "Pg7-Hq2xVw9sLk4",
    "pem-body": "MIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gunVTLw7onLRnrq0",
    "argv": "Kp3mN8qR5tVx2zB7",
    "argv-shell": "Wd6fH1jL9nQ4sU8y",
    "configmap": "Yc5eG0iK7mP2rT9w",
    "secret-data": "Bv4cX8zN3qM6wE1r",
    "secret-string": "Lh2kJ7gF5dS9aP3o",
}

MANIFESTS = f"""\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
  namespace: prod
  annotations:
    ci.example.com/token: "{SECRETS["github"]}"
spec:
  template:
    spec:
      containers:
        - name: app
          image: registry.example.com/api:2.4.1
          args: ["--password={SECRETS["argv"]}", "--db=postgres://app:{SECRETS["url-password"]}@db:5432/app"]
          command: ["/bin/sh", "-c", "exec app --token {SECRETS["argv-shell"]}"]
          env:
            - name: DB_PASSWORD
              value: "{SECRETS["env"]}"
            - name: AWS_ACCESS_KEY_ID
              value: {SECRETS["aws"]}
            - name: SLACK
              value: {SECRETS["slack"]}
            - name: MAPS
              value: {SECRETS["google"]}
            - name: KUBE_TOKEN
              value: {SECRETS["jwt"]}
      volumes:
        - name: creds
          secret: {{secretName: creds, defaultMode: 0644}}
---
apiVersion: v1
kind: ConfigMap
metadata: {{name: settings, namespace: prod}}
data:
  SMTP_PASSWORD: "{SECRETS["configmap"]}"
  id_rsa: |
    -----BEGIN RSA PRIVATE KEY-----
    {SECRETS["pem-body"]}
    -----END RSA PRIVATE KEY-----
---
apiVersion: v1
kind: Secret
metadata: {{name: creds, namespace: prod}}
data:
  password: {base64.b64encode(SECRETS["secret-data"].encode()).decode()}
stringData:
  token: {SECRETS["secret-string"]}
"""


def _forbidden(secret: str) -> Iterator[str]:
    yield secret
    yield json.dumps(secret)[1:-1]
    yield base64.b64encode(secret.encode()).decode()
    width = 12
    for start in range(0, max(1, len(secret) - width + 1)):
        yield secret[start : start + width]


def _leaks(text: str) -> list[str]:
    return [f"{name}: {piece!r}" for name, secret in SECRETS.items() for piece in _forbidden(secret) if piece in text]


@pytest.fixture(scope="module")
def report() -> Report:
    return lint_text(MANIFESTS, name="leaky.yaml", select=SECRET_RULES)


def test_fixture_triggers_the_credential_rules(report: Report) -> None:
    fired = {f.rule_id for f in report.findings}
    expected = {
        "secret-literal-in-env",
        "credential-pattern-in-manifest",
        "secret-key-in-configmap",
        "secret-in-command-args",
        "secret-plaintext-in-source",
        "secret-volume-mode-too-open",
    }
    assert expected <= fired, sorted(fired)
    # every pattern kind is detected, so each secret is really looked at
    kinds = " ".join(f.message for f in report.findings if f.rule_id == "credential-pattern-in-manifest")
    for kind in (
        "GitHub token",
        "AWS access key id",
        "Slack token",
        "Google API key",
        "JSON Web Token",
        "URL with inline credentials",
        "PEM private key",
    ):
        assert kind in kinds


def test_findings_never_carry_a_secret(report: Report) -> None:
    for finding in report.findings:
        fields = " ".join(
            (finding.message, finding.logical_path, repr(finding.path), finding.fingerprint, repr(finding.related))
        )
        assert not _leaks(fields), (finding.rule_id, _leaks(fields))


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("verbose", [False, True])
def test_rendered_reports_never_carry_a_secret(report: Report, fmt: str, verbose: bool) -> None:
    options = ReportOptions(
        fail_on=Severity.WARNING,
        exit_code=1,
        verbose=verbose,
        include_suppressed=True,
        sarif_root=Path("/work"),
        cwd=Path("/work"),
    )
    text = render(fmt, report, options)
    assert "credential-pattern-in-manifest" in text
    assert not _leaks(text), _leaks(text)


def test_show_source_does_not_echo_secrets(report: Report) -> None:
    lines = MANIFESTS.splitlines()
    options = ReportOptions(
        fail_on=Severity.WARNING,
        exit_code=1,
        show_source=True,
        read_line=lambda _file, n: lines[n - 1] if 0 < n <= len(lines) else None,
    )
    assert not _leaks(render("text", report, options))


def test_leak_detector_sees_every_secret_in_the_input() -> None:
    """Self-check: the detector finds each secret in the manifests (so a clean report means something)."""
    decoded = MANIFESTS + base64.b64decode(base64.b64encode(SECRETS["secret-data"].encode())).decode()
    for name, secret in SECRETS.items():
        assert any(piece in decoded for piece in _forbidden(secret)), name


# the same secrets where a rule that is not a credential rule points: duplicate keys
DUPLICATES = f"""\
---
apiVersion: v1
kind: Secret
metadata: {{name: dup, namespace: prod}}
stringData:
  token: {SECRETS["secret-string"]}
  token: {SECRETS["secret-string"]}
---
apiVersion: v1
kind: ConfigMap
metadata: {{name: dup, namespace: prod}}
data:
  SMTP_PASSWORD: "{SECRETS["configmap"]}"
  SMTP_PASSWORD: "{SECRETS["configmap"]}"
"""


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_rule_with_show_source_does_not_echo_secrets(fmt: str) -> None:
    """Not only the credential rules: any rule's finding on a secret's line (a schema violation,
    a duplicate key, exported metadata) is sensitive, so `--show-source` never prints the line
    (tests/hostile/test_no_secret_printed.py covers the CLI in every mode)."""
    text = MANIFESTS + DUPLICATES
    every = lint_text(text, name="leaky.yaml", raise_errors=False)
    assert "yaml-duplicate-key" in {f.rule_id for f in every.findings}, "the test would prove nothing"
    lines = text.splitlines()
    options = ReportOptions(
        fail_on=Severity.WARNING,
        exit_code=1,
        show_source=True,
        verbose=True,
        include_suppressed=True,
        read_line=lambda _file, n: lines[n - 1] if 0 < n <= len(lines) else None,
    )
    assert not _leaks(render(fmt, every, options))
