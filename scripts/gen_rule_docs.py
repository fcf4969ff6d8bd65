#!/usr/bin/env python3
"""Regenerate docs/rules/ (one page per rule + README.md index) and docs/guidance/ (one page
per guidance document + README.md index) from the rules' metadata.

    python scripts/gen_rule_docs.py            # rewrite docs/rules/, drop pages of removed rules
    python scripts/gen_rule_docs.py --check    # exit 1 if docs/rules/ is out of date (CI)
    python scripts/gen_rule_docs.py --only ID  # (re)write only these rules' pages and the index of
                                               # the pages present; for partial updates
    python scripts/gen_rule_docs.py --out DIR      # rule pages in DIR, guidance pages in DIR/../guidance

tests/test_ruledoc.py regenerates into a temporary directory and compares with the committed
copy, so docs cannot drift from the metadata.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kubelint_py.model import RuleMeta  # noqa: E402
from kubelint_py.output.ruledoc import (  # noqa: E402
    GUIDANCE_DIR,
    guidance_doc_files,
    page_name,
    rule_doc_files,
    write_guidance_docs,
    write_rule_docs,
)
from kubelint_py.registry.registry import build_registry  # noqa: E402

DOCS = ROOT / "docs" / "rules"


def builtin_metas() -> list[RuleMeta]:
    registry = build_registry(plugins=False)
    return [rule.meta for rule in registry.sorted()]


def select(metas: Sequence[RuleMeta], only: Sequence[str], out_dir: Path) -> list[RuleMeta]:
    """With --only: the named rules plus those already documented in out_dir."""
    if not only:
        return list(metas)
    known = {m.id for m in metas}
    unknown = sorted(set(only) - known)
    if unknown:
        raise SystemExit(f"gen_rule_docs.py: unknown rule id(s): {', '.join(unknown)}")
    present = {p.name for p in out_dir.glob("*.md")} if out_dir.is_dir() else set()
    return [m for m in metas if m.id in only or page_name(m.id) in present]


def stale_pages(out_dir: Path, metas: Sequence[RuleMeta]) -> list[Path]:
    wanted = set(rule_doc_files(metas))
    return sorted(p for p in out_dir.glob("*.md") if p.name not in wanted) if out_dir.is_dir() else []


def guidance_dir(out_dir: Path) -> Path:
    return out_dir.parent / GUIDANCE_DIR


def check(out_dir: Path, metas: Sequence[RuleMeta]) -> list[str]:
    problems = []
    expected = [(out_dir / name, content) for name, content in rule_doc_files(metas).items()]
    expected += [(guidance_dir(out_dir) / name, content) for name, content in guidance_doc_files(metas).items()]
    for path, content in expected:
        if not path.exists():
            problems.append(f"{path}: missing")
        elif path.read_bytes().decode("utf-8") != content:
            problems.append(f"{path}: out of date")
    problems += [f"{p}: no such rule" for p in stale_pages(out_dir, metas)]
    return problems


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--out", type=Path, default=DOCS, help="output directory (default docs/rules)")
    parser.add_argument("--check", action="store_true", help="compare instead of writing; exit 1 on drift")
    parser.add_argument("--only", nargs="+", default=(), metavar="ID", help="write only these rules' pages")
    args = parser.parse_args(argv)
    metas = select(builtin_metas(), args.only, args.out)
    if args.check:
        problems = check(args.out, metas)
        for problem in problems:
            print(problem)
        if problems:
            print("docs/rules or docs/guidance is out of date: run python scripts/gen_rule_docs.py", file=sys.stderr)
        return 1 if problems else 0
    for path in stale_pages(args.out, metas):
        path.unlink()
    written = write_rule_docs(metas, args.out) + write_guidance_docs(metas, guidance_dir(args.out))
    print(f"wrote {len(written)} files to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
