"""Integrations: Helm and Kustomize (running the renderers, mapping findings back to the files
people edit) and `kubelint fix` (the fixes, the round-trip edits, masking secrets in diffs)."""
