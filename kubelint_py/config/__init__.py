"""Configuration: `.kubelint.yaml` found, read and validated; the starter file of `kubelint
init`, and its translation from another linter's configuration (`init --from`)."""
