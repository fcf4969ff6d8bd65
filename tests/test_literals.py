"""k8s/literals: could a literal be a credential, does a name describe a setting."""

from __future__ import annotations

import pytest

from kubelint_py.k8s.literals import (
    could_be_credential,
    looks_like_identifier,
    names_password,
    non_credential_reason,
    setting_name_reason,
    url_carries_credentials,
)


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        (None, "empty"),
        ("  ", "empty"),
        (True, "a boolean"),
        ("no", "a switch word"),
        ("Enabled", "a switch word"),
        ("-", "too short to be a credential"),
        (2048, "a number (a count, size, port or duration)"),
        ("65535", "a number (a count, size, port or duration)"),
        ("30s", "a duration or quantity"),
        ("1h30m", "a duration or quantity"),
        ("512Mi", "a duration or quantity"),
        ("$(DB_PASSWORD)", "a reference resolved at run time"),
        ("${DB_PASSWORD:-x}", "a reference resolved at run time"),
        ("$DB_PASSWORD", "a reference resolved at run time"),
        ("secret://prod/db", "a reference resolved at run time"),
        ("vault:secret/data/db#password", "a reference resolved at run time"),
        ("ref+vault://secret/db#pw", "a reference resolved at run time"),
        ("projects/acme/secrets/db/versions/3", "a reference resolved at run time"),
        ("arn:aws:secretsmanager:eu-west-1:1:secret:db", "a reference resolved at run time"),
        ("secret/data/app/db", "a reference resolved at run time"),
        ("<your-password>", "a placeholder"),
        ("{{ .Values.password }}", "a placeholder"),
        ("__PASSWORD__", "a placeholder"),
        ("REPLACE_ME", "a placeholder"),
        ("INSERT_ETCD_INITIAL_CLUSTER_TOKEN", "a placeholder"),
        ("YOUR_API_KEY", "a placeholder"),
        ("your_api_key_here", "a placeholder"),
        ("xxxxxxxx", "a placeholder"),
        ("********", "a placeholder"),
        ("/var/secrets/google/key.json", "a file path"),
        ("key.json", "a file path"),
        ("C:\\secrets\\key.pem", "a file path"),
        ("https://vault.example.com:8200", "a URL without credentials"),
        ("redis://redis:6379/0", "a URL without credentials"),
    ],
)
def test_values_that_cannot_be_credentials(value: object, reason: str) -> None:
    assert non_credential_reason(value) == reason


@pytest.mark.parametrize(
    "value",
    [
        "hunter2",
        "changeme",
        "CHANGEME",
        "password",
        "yourpassword",
        "minio123",
        "sst",
        "$ecret",
        "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
        123456789,
        "amqp://app:s3cr3t@rabbitmq:5672/",
        "https://hooks.example.com/x?token=f00dfeed42",
    ],
)
def test_values_that_could_be_credentials(value: object) -> None:
    assert could_be_credential(value)


def test_short_numbers_are_passwords_only_under_password_names() -> None:
    assert not could_be_credential("1234")
    assert could_be_credential("1234", password_name=True)
    assert not could_be_credential("12", password_name=True)


def test_url_credentials() -> None:
    assert url_carries_credentials("postgres://u:pw123@db/app")
    assert not url_carries_credentials("postgres://u:${PASSWORD}@db/app")
    assert not url_carries_credentials("https://auth.example.com/token?audience=api")
    assert url_carries_credentials("http://[::1")  # unparsable: presumed to carry one


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("MAX_TOTAL_TOKENS", 2048),
        ("TOKEN_TTL", "1h"),
        ("ALLOW_EMPTY_PASSWORD", "no"),
        ("passwordMinLength", 12),
        ("SECRET_MAX_AGE", 3600),
        ("DB_SECRET_NAME", "db"),
        ("SECRET_VERSION", "latest"),
        ("SECRET_ID", "db-password"),
        ("API_KEY_REF", "api"),
        ("ETCD_INITIAL_CLUSTER_TOKEN", "etcd-cluster-1"),
        ("ADMIN_PASSWORD_FILE", "/run/secrets/admin"),
        ("TLS_KEY_PATH", "/tls/key"),
        ("TOKEN_TYPE", "Bearer"),
    ],
)
def test_setting_names(name: str, value: object) -> None:
    assert setting_name_reason(name, value) is not None


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("DB_PASSWORD", "x"),
        ("AWS_SECRET_ACCESS_KEY", "x"),
        ("SECRET_ID", "6a174c20-f6de-a53c-74d2-6018fcceff64"),
        ("VAULT_SECRET_ID", "db-password"),
        ("FILE_ENCRYPTION_SECRET", "x"),
        ("MS_CLIENT_SECRET", "x"),
        ("SOPS_AGE_KEY", "x"),
        ("AWS_ACCESS_KEY_ID", "AKIA..."),
    ],
)
def test_secret_names(name: str, value: object) -> None:
    assert setting_name_reason(name, value) is None


def test_password_names_and_identifiers() -> None:
    assert names_password("PGPASSWORD") and names_password("dbPasswd") and names_password("ADMIN_PIN")
    assert not names_password("API_TOKEN") and not names_password("BYPASS_TOKEN")
    assert looks_like_identifier("db-password") and not looks_like_identifier("6a174c20f6dea53c74d2")
