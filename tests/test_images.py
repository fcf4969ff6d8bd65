"""kubelint_py.k8s.images: image reference parsing (rule-catalog §0.6, §9.3)."""

from __future__ import annotations

import pytest

from kubelint_py.k8s.images import ImageRef, normalized_registry, parse_image, placeholder_image_reason, split_host_port

DIGEST = "sha256:" + "a" * 64


@pytest.mark.parametrize(
    ("ref", "expected"),
    [
        ("nginx", ImageRef("docker.io", "nginx", None, None)),
        ("nginx:1.27", ImageRef("docker.io", "nginx", "1.27", None)),
        ("library/nginx:1.27", ImageRef("docker.io", "library/nginx", "1.27", None)),
        ("bitnami/redis:7.2", ImageRef("docker.io", "bitnami/redis", "7.2", None)),
        ("docker.io/bitnami/redis", ImageRef("docker.io", "bitnami/redis", None, None)),
        ("ghcr.io/acme/api:1.2", ImageRef("ghcr.io", "acme/api", "1.2", None)),
        ("ghcr.io/acme/team/api", ImageRef("ghcr.io", "acme/team/api", None, None)),
        (f"ghcr.io/acme/api@{DIGEST}", ImageRef("ghcr.io", "acme/api", None, DIGEST)),
        (f"ghcr.io/acme/api:1.2@{DIGEST}", ImageRef("ghcr.io", "acme/api", "1.2", DIGEST)),
        (f"nginx@{DIGEST}", ImageRef("docker.io", "nginx", None, DIGEST)),
        ("localhost/app", ImageRef("localhost", "app", None, None)),
        ("localhost:5000/app", ImageRef("localhost:5000", "app", None, None)),
        ("localhost:5000/app:dev", ImageRef("localhost:5000", "app", "dev", None)),
        ("registry:5000/team/app:v1", ImageRef("registry:5000", "team/app", "v1", None)),
        ("[::1]:5000/app:v1", ImageRef("[::1]:5000", "app", "v1", None)),
        (
            "123456789012.dkr.ecr.eu-west-1.amazonaws.com/api:3",
            ImageRef("123456789012.dkr.ecr.eu-west-1.amazonaws.com", "api", "3", None),
        ),
        (
            "mcr.microsoft.com/windows/servercore:ltsc2022",
            ImageRef("mcr.microsoft.com", "windows/servercore", "ltsc2022", None),
        ),
        # no dot, colon or localhost: a Docker Hub user, not a registry
        ("myregistry/app:1", ImageRef("docker.io", "myregistry/app", "1", None)),
        ("Localhost/app", ImageRef("docker.io", "Localhost/app", None, None)),
        # a bare host name without a path is a repository on Docker Hub
        ("localhost", ImageRef("docker.io", "localhost", None, None)),
        ("nginx:", ImageRef("docker.io", "nginx", "", None)),
    ],
)
def test_parse(ref: str, expected: ImageRef) -> None:
    assert parse_image(ref) == expected


@pytest.mark.parametrize(
    "ref",
    [None, 3, ["nginx"], "", " nginx", "nginx ", "ngi nx", "ghcr.io/", "@" + DIGEST, "nginx@", "ghcr.io//x", "/nginx"],
)
def test_unusable(ref: object) -> None:
    assert parse_image(ref) is None


def test_properties() -> None:
    ref = parse_image(f"nginx:1.27@{DIGEST}")
    assert ref is not None
    assert ref.name == "docker.io/nginx"
    assert ref.canonical_repository == "library/nginx"
    assert ref.is_digest_pinned
    assert str(ref) == f"docker.io/nginx:1.27@{DIGEST}"
    other = parse_image("index.docker.io/bitnami/redis")
    assert other is not None
    assert normalized_registry(other.registry) == "docker.io"
    assert other.canonical_repository == "bitnami/redis"
    assert not other.is_digest_pinned
    quay = parse_image("Quay.IO/x")
    assert quay is not None and normalized_registry(quay.registry) == "quay.io"
    assert quay.canonical_repository == "x"


def test_split_host_port() -> None:
    assert split_host_port("ghcr.io") == ("ghcr.io", None)
    assert split_host_port("localhost:5000") == ("localhost", "5000")
    assert split_host_port("[::1]:5000") == ("[::1]", "5000")
    assert split_host_port("[::1]") == ("[::1]", None)


@pytest.mark.parametrize(
    ("image", "reason"),
    [
        ("<image_url>", "templating syntax"),
        ("<YOUR-CONTAINER>", "templating syntax"),
        ("${IMAGE}", "templating syntax"),
        ("$(REGISTRY)/app:1", "templating syntax"),
        ("$IMAGE", "templating syntax"),
        ("{{ .Values.image }}", "templating syntax"),
        ("__IMAGE__", "templating syntax"),
        ("%IMAGE%", "templating syntax"),
        ("IMAGE", "not a valid image reference"),
        ("REPLACE_ME", "not a valid image reference"),
        ("Acme/App:1.0", "not a valid image reference"),
        ("nginx:1.2:3", "not a valid image reference"),
        ("nginx@sha256:abc", "not a valid image reference"),
        ("nginx:", "not a valid image reference"),
        ("has space:1", "not a valid image reference"),
    ],
)
def test_placeholder_images(image: str, reason: str) -> None:
    assert placeholder_image_reason(image) == reason


@pytest.mark.parametrize(
    "image",
    [
        None,
        "",
        3,
        "nginx",
        "auto",
        "image",
        "Registry.Example.com/app:1",
        "localhost:5000/a_b/c-d:v1.2-rc_1",
        f"a@{DIGEST}",
    ],
)
def test_real_images(image: object) -> None:
    assert placeholder_image_reason(image) is None
