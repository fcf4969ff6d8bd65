"""Findings the loader and engine report about the input itself and about suppressions."""

from kubelint_py.rule_api import metadata_only

yaml_syntax = metadata_only("yaml-syntax")

yaml_duplicate_key = metadata_only("yaml-duplicate-key")

input_too_large = metadata_only("input-too-large")

input_unreadable = metadata_only("input-unreadable")

internal_error = metadata_only("internal-error")

unused_suppression = metadata_only("unused-suppression")
