"""A run: the pipeline from a `LintRequest` to a `Report`: the lint context, the engine that
dispatches rules and builds findings, suppressions, fingerprints, baselines, and the forked
processes that share the work."""
