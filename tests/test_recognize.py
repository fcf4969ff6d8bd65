"""What a document is: tool configuration files and component configuration are not objects."""

from __future__ import annotations

import pytest

from kubelint_py.input.recognize import recognize
from kubelint_py.model import DocType


@pytest.mark.parametrize(
    ("api_version", "kind"),
    [
        ("skaffold/v4beta6", "Config"),
        ("kustomize.config.k8s.io/v1beta1", "Kustomization"),
        ("kustomize.config.k8s.io/v1alpha1", "Component"),
        ("kind.x-k8s.io/v1alpha4", "Cluster"),
        ("k3d.io/v1alpha5", "Simple"),
        ("kpt.dev/v1", "Kptfile"),
        ("fn.kpt.dev/v1alpha1", "ApplyReplacements"),
        ("builtin", "PatchTransformer"),
        ("ctlptl.dev/v1alpha1", "Registry"),
    ],
)
def test_tool_configuration_files_are_not_kubernetes(api_version: str, kind: str) -> None:
    assert recognize({"apiVersion": api_version, "kind": kind}) is DocType.UNKNOWN


@pytest.mark.parametrize(
    ("api_version", "kind"),
    [
        ("kubeadm.k8s.io/v1beta3", "ClusterConfiguration"),
        ("kubeadm.k8s.io/v1beta4", "JoinConfiguration"),
        ("kubeproxy.config.k8s.io/v1alpha1", "KubeProxyConfiguration"),
        ("kubescheduler.config.k8s.io/v1", "KubeSchedulerConfiguration"),
        ("apiserver.config.k8s.io/v1", "AdmissionConfiguration"),
        ("v1", "Policy"),
    ],
)
def test_component_configuration_is_recognised(api_version: str, kind: str) -> None:
    assert recognize({"apiVersion": api_version, "kind": kind}) is DocType.COMPONENT_CONFIG


@pytest.mark.parametrize(
    ("api_version", "kind"),
    [
        ("kustomize.toolkit.fluxcd.io/v1", "Kustomization"),  # Flux: a real custom resource
        ("cluster.x-k8s.io/v1beta1", "Cluster"),  # Cluster API: a real custom resource
        ("v1", "ConfigMap"),
        ("skaffold.example.com/v1", "Config"),
    ],
)
def test_lookalikes_stay_objects(api_version: str, kind: str) -> None:
    assert recognize({"apiVersion": api_version, "kind": kind}) is DocType.K8S_OBJECT


def test_specific_configuration_kinds_keep_their_types() -> None:
    assert recognize({"apiVersion": "kubelet.config.k8s.io/v1beta1", "kind": "KubeletConfiguration"}) is (
        DocType.KUBELET_CONFIG
    )
    assert recognize({"apiVersion": "audit.k8s.io/v1", "kind": "Policy"}) is DocType.AUDIT_POLICY
