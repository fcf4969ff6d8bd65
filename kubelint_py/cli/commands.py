"""The commands that do not lint: `rules` and `explain` (what the rules are), `fix` (apply the
safe fixes) and `init` (a starter configuration)."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from kubelint_py.cli.console import echo
from kubelint_py.cli.errors import EXIT_CLEAN, EXIT_FINDINGS, KubelintError
from kubelint_py.cli.lint import split_values, valid_version
from kubelint_py.cli.reports import check_writable, write_atomically


def _listing_registry(config_path: str | None, rule_paths: Sequence[str], no_plugins: bool) -> tuple[Any, Any]:
    """The rules a `kubelint lint` here would know, and its configuration: built-in rules, the
    configuration's `customRules` and --rules (confined to the tree like a lint run's), plugins."""
    from kubelint_py.config.config import ConfigError, load_config
    from kubelint_py.input.confine import Tree
    from kubelint_py.registry.registry import RegistryError, build_registry
    from kubelint_py.run.pipeline import LintRequest, custom_rule_paths

    cwd = Path.cwd()
    base_tree = Tree.for_run(cwd, [*rule_paths])
    try:
        config = load_config(config_path, cwd, os.environ, base_tree)
        tree = base_tree.with_paths([config_path], cwd)
        request = LintRequest(custom_rules=tuple(rule_paths), plugins=not no_plugins, cwd=cwd, tree=tree)
        registry = build_registry(custom=custom_rule_paths(request, config, tree), plugins=not no_plugins)
    except (ConfigError, RegistryError) as exc:
        raise KubelintError(str(exc)) from None
    return registry, config


def rules_command(
    fmt: str,
    document: str | None,
    show_all: bool,
    config_path: str | None,
    rule_paths: tuple[str, ...],
    no_plugins: bool,
) -> None:
    """List the rules a run here uses (the configuration's enable/disable applied, custom rules
    and plugins included): id, severity, guidance document, title. --all adds the rules that are
    off, with a STATUS column (on, opt-in, off)."""
    import click

    from kubelint_py.guidance import BY_SLUG
    from kubelint_py.output.ruledoc import rules_json, rules_table_text
    from kubelint_py.registry.registry import select_rules

    registry, config = _listing_registry(config_path, rule_paths, no_plugins)
    documents = set(BY_SLUG) | {r.meta.document for r in registry.rules.values()}
    if document is not None and document not in documents:
        raise click.BadParameter(
            f"unknown guidance document; one of: {', '.join(sorted(documents))}", param_hint="--document"
        )
    selection = select_rules(registry, enable=config.enable, disable=config.disable)
    if selection.unknown:
        where = config.path or "configuration"
        raise KubelintError(f"{where}: rules.enable/disable name unknown rules: {', '.join(sorted(selection.unknown))}")
    enabled = {rule.id for rule in selection.enabled}
    metas = [r.meta for r in registry.sorted() if document is None or r.meta.document == document]
    shown = metas if show_all else [m for m in metas if m.id in enabled]
    if fmt == "json":
        echo(rules_json(shown, enabled), nl=False)
    else:
        echo(rules_table_text(shown, enabled if show_all else None), nl=False)
    hidden = len(metas) - len(shown)
    if hidden and fmt == "text":
        echo(f"kubelint: {hidden} more rule(s) are off (opt-in, or disabled by the configuration): add --all", err=True)


def explain_command(rule_id: str, config_path: str | None, rule_paths: tuple[str, ...], no_plugins: bool) -> None:
    """Explain a rule (built-in, custom or from a plugin): what it checks, why, a failing and a
    fixed example, how to fix."""
    import difflib

    from kubelint_py.output.ruledoc import rule_text

    registry, _config = _listing_registry(config_path, rule_paths, no_plugins)
    found = registry.rules.get(rule_id)
    if found is None:
        _explain_peer_check(rule_id, registry.rules)
        close = difflib.get_close_matches(rule_id, list(registry.rules), n=3)
        hint = f"; did you mean {', '.join(close)}?" if close else "; see `kubelint rules`"
        raise KubelintError(f'unknown rule "{rule_id}"{hint}')
    echo(rule_text(found.meta), nl=False)


def _explain_peer_check(name: str, rules: dict[str, Any]) -> None:
    """`kubelint explain CKV_K8S_16` (or `polaris:runAsPrivileged`): another linter's check id
    names the kubelint rule(s) reporting the same problem. One rule: its explanation; several:
    the list. Returns (to report an unknown rule) when no peer has such a check."""
    from kubelint_py.output.ruledoc import rule_text
    from kubelint_py.output.safe_text import printable, printable_text
    from kubelint_py.peers import BY_NAME, canonical, id_shape_ok, lookup

    matches = [(peer, check, [r for r in ids if r in rules]) for peer, check, ids in lookup(name)]
    matches = [(peer, check, ids) for peer, check, ids in matches if ids]
    ids = sorted({rule_id for _, _, found in matches for rule_id in found})
    if not ids:
        peer, sep, check = name.partition(":")
        if not (sep and peer in BY_NAME):  # Checkov's and Trivy's ids are recognisable as such
            peer = next((p for p in ("checkov", "trivy") if id_shape_ok(p, canonical(p, name))), "")
            check = canonical(peer, name) if peer else name
        if peer:
            raise KubelintError(
                printable(f"{BY_NAME[peer].title} check {check} has no kubelint equivalent; see `kubelint rules`")
            )
        return
    checks = "; ".join(f"{BY_NAME[peer].title} check {check}" for peer, check, _ in matches)
    if len(ids) == 1:
        echo(printable_text(f"{checks}: kubelint rule {ids[0]}\n\n" + rule_text(rules[ids[0]].meta)), nl=False)
    else:
        lines = [f"{checks}: {len(ids)} kubelint rules report the same problem:"]
        lines += [f"  {rule_id}  {rules[rule_id].meta.title.strip()}" for rule_id in ids]
        lines.append("Run `kubelint explain <rule-id>` for the one you need.")
        echo(printable_text("\n".join(lines) + "\n"), nl=False)
    raise SystemExit(EXIT_CLEAN)


def fix_command(
    paths: tuple[str, ...],
    show_diff: bool,
    select: tuple[str, ...],
    ignore: tuple[str, ...],
    config_path: str | None,
    namespace: str | None,
    context_paths: tuple[str, ...],
    target_version: str | None,
    no_plugins: bool,
) -> None:
    """Apply safe, unambiguous fixes to manifests in PATHS (files or directories; default .),
    keeping comments, key order, quoting and indentation. Exit 1 with --diff when there is
    something to fix."""
    import click

    from kubelint_py.config.config import ConfigError, load_config
    from kubelint_py.input.confine import Tree
    from kubelint_py.input.discovery import DiscoveryError
    from kubelint_py.integrations.autofix import plan_fixes, write_fixes
    from kubelint_py.registry.registry import RegistryError
    from kubelint_py.run.pipeline import LintRequest

    if "-" in paths:
        raise click.UsageError("kubelint fix rewrites files: it cannot fix stdin")
    if target_version is not None and not valid_version(target_version):
        raise click.BadParameter("use the form 1.NN, e.g. 1.31", param_hint="--target-version")
    cwd = Path.cwd()
    base_tree = Tree.for_run(cwd, [*(paths or (".",)), *context_paths])
    try:
        config = load_config(config_path, cwd, os.environ, base_tree)
        request = LintRequest(
            tree=base_tree.with_paths([config_path], cwd),
            paths=paths or (".",),
            context_paths=context_paths,
            select=split_values(select),
            ignore=split_values(ignore),
            namespace=namespace,
            plugins=not no_plugins,
            target_version=target_version,
            cwd=cwd,
        )
        result = plan_fixes(request, config)
    except (ConfigError, RegistryError, DiscoveryError) as exc:
        raise KubelintError(str(exc)) from None
    for file, why in result.skipped_files:
        echo(f"{file}: not rewritten: {why}", err=True)
    for outcome in result.not_applied:
        where = f"{outcome.finding.file}:{outcome.finding.span.start.line}:{outcome.finding.span.start.column}"
        echo(f"{where}: not fixed {outcome.finding.rule_id}: {outcome.reason}", err=True)
    changed = [f for f in result.files if f.changed]
    applied = result.applied
    if show_diff:
        for file_fix in changed:
            from kubelint_py.output.safe_text import printable_text

            echo(printable_text(file_fix.diff()), nl=False)
        summary = f"{len(applied)} fix(es) available in {len(changed)} file(s); nothing was changed"
        echo(f"kubelint: {summary}", err=True)
        raise SystemExit(EXIT_FINDINGS if changed else EXIT_CLEAN)
    try:
        written = set(write_fixes(result, cwd))
    except OSError as exc:
        raise KubelintError(f"cannot rewrite {exc.filename}: {(exc.strerror or str(exc)).lower()}") from None
    for file, why in result.unwritten:
        echo(f"{file}: not rewritten: {why}; run kubelint fix again", err=True)
    applied = [outcome for outcome in applied if outcome.finding.file in written]
    for outcome in applied:
        start = outcome.finding.span.start
        caution = f" (note: {outcome.spec.caution})" if outcome.spec.caution else ""
        echo(
            f"{outcome.finding.file}:{start.line}:{start.column}: fixed {outcome.finding.rule_id}: "
            f"{outcome.spec.summary}{caution}"
        )
    echo(f"Fixed {len(applied)} finding(s) in {len(written)} file(s)")
    raise SystemExit(EXIT_FINDINGS if result.unwritten else EXIT_CLEAN)


def init_command(path: Path, force: bool, from_peer: tuple[str, Path] | None = None) -> None:
    """Write a commented starter configuration (every key, its default and what it does) to
    PATH [default: .kubelint.yaml]; with --from, translated from a kube-linter or Polaris
    configuration."""
    from kubelint_py.config.init_config import starter_config

    if (path.exists() or path.is_symlink()) and not force:
        raise KubelintError(f"{path} already exists; use --force to overwrite it")
    text, done = starter_config(), ""
    if from_peer:
        from kubelint_py.config.config import ConfigError
        from kubelint_py.config.peer_config import translated_config

        peer, source = from_peer
        try:
            text = translated_config(peer, source)
        except ConfigError as exc:
            raise KubelintError(str(exc)) from None
        done = f" from {source} (what could not be translated is listed at its top)"
    check_writable(path)
    # a replaced file keeps its mode; a new one is read by others
    write_atomically(path, text, mode=None if path.is_file() else 0o644)
    echo(f"kubelint: wrote {path}{done}; edit it, then run `kubelint lint`", err=True)
