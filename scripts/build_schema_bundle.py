#!/usr/bin/env python3
"""Build kubelint_py/data/k8s-schemas.jsonl.zlib, the Kubernetes API schemas shipped in the wheel.

    python scripts/build_schema_bundle.py          # rewrite the bundle
    python scripts/build_schema_bundle.py --check  # exit 1 when it differs from what the source gives

Source: the strict JSON schemas (`vX.Y.0-local-strict/_definitions.json`) of every Kubernetes
release from 1.25 on that the installed `kubernetes-validate` distribution carries (a
development dependency: the `dev` extra installs it; kubelint never imports it at run time).

Each definition keeps only what `kubelint_py.k8s.schemas` validates with: `type` (without
"null", which the validator reads as "not set" anyway), `$ref` (the definition's name only),
`properties`, `required`, `additionalProperties`, `items`, `enum`, and `format` when it is
`int32`, `int64` or `byte`. Descriptions, patch strategies, list types and the like go. Most
definitions are then identical from one release to the next, so each distinct one is stored
once (its id: its line in the file) and each release maps definition names to ids.

The file is JSON Lines, zlib-compressed (level 9: 39 KB; xz would give 29 KB but takes twice as
long to decompress, and a one-file pre-commit run pays that on every commit):

* line 1, the header: `format`, `source`, `releases` (`["1.25", ...]`), `definitions`
  (name -> flat runs `[release index, id, release index, id, ...]`: from that release on, the
  name has that definition; id -1: absent from that release on), `kinds` (id -> the
  `[apiVersion, kind]` pairs the definition serves, from `x-kubernetes-group-version-kind`);
* line 2 + id: definition `id`, compact JSON with sorted keys.

`kubelint_py/k8s/schema_bundle.py` reads it; it parses the header and only the definitions a
run reaches. `--check` compares the decompressed text (compressors may differ in bytes between
versions, never in what they decompress to). tests/test_schema_bundle.py runs it.
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.metadata
import importlib.util
import json
import re
import sys
import zlib
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BUNDLE = ROOT / "kubelint_py" / "data" / "k8s-schemas.jsonl.zlib"
FORMAT = 1
OLDEST = (1, 25)
DISTRIBUTION = "kubernetes-validate"
_RELEASE_DIR_RE = re.compile(r"^v(\d+)\.(\d+)\.0-local-strict$")
_KEPT_FORMATS = frozenset(("int32", "int64", "byte"))
_SUBSCHEMA_KEYS = frozenset(("items", "additionalProperties"))
_PLAIN_KEYS = frozenset(("required", "enum"))

Release = tuple[int, int]


def source_root() -> Path:
    """The `kubernetes-json-schema` folder of the installed kubernetes-validate."""
    spec = importlib.util.find_spec("kubernetes_validate")
    if spec is None or not spec.submodule_search_locations:
        sys.exit(f"{DISTRIBUTION} is not installed (it comes with the dev extra: pip install -e '.[dev]')")
    for location in spec.submodule_search_locations:
        root = Path(location) / "kubernetes-json-schema"
        if root.is_dir():
            return root
    sys.exit(f"{DISTRIBUTION} has no kubernetes-json-schema folder")


def source_releases(root: Path) -> list[Release]:
    releases = []
    for child in root.iterdir():
        match = _RELEASE_DIR_RE.match(child.name)
        if match and (child / "_definitions.json").is_file():
            release = (int(match.group(1)), int(match.group(2)))
            if release >= OLDEST:
                releases.append(release)
    return sorted(releases)


def strip(schema: Mapping[str, Any]) -> dict[str, Any]:
    """The parts of one (sub)schema that validation reads."""
    out: dict[str, Any] = {}
    for key, value in schema.items():
        if key == "type":
            types = [t for t in (value if isinstance(value, list) else [value]) if t != "null"]
            if types:
                out[key] = types[0] if len(types) == 1 else types
        elif key == "$ref" and isinstance(value, str):
            out[key] = value.rsplit("/", 1)[-1]
        elif key == "properties" and isinstance(value, Mapping):
            out[key] = {name: strip(sub) if isinstance(sub, Mapping) else sub for name, sub in value.items()}
        elif key in _SUBSCHEMA_KEYS:
            out[key] = strip(value) if isinstance(value, Mapping) else value
        elif key in _PLAIN_KEYS or (key == "format" and value in _KEPT_FORMATS):
            out[key] = value
    return out


def served_kinds(schema: Mapping[str, Any]) -> list[list[str]]:
    pairs: list[list[str]] = []
    for gvk in schema.get("x-kubernetes-group-version-kind") or ():
        group, version, kind = gvk.get("group", ""), gvk.get("version", ""), gvk.get("kind", "")
        pair = [f"{group}/{version}" if group else version, kind]
        if pair not in pairs:
            pairs.append(pair)
    return pairs


def _compact(value: object) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def read_release(root: Path, release: Release) -> dict[str, tuple[str, list[list[str]]]]:
    """name -> (stripped definition as compact JSON, kinds it serves), for one release."""
    path = root / f"v{release[0]}.{release[1]}.0-local-strict" / "_definitions.json"
    raw = json.loads(path.read_text(encoding="utf-8"))
    defs = raw.get("$defs", raw.get("definitions", {}))
    return {name: (_compact(strip(schema)), served_kinds(schema)) for name, schema in sorted(defs.items())}


def _runs(values: list[int]) -> list[int]:
    """[3, 3, 7, -1] -> [0, 3, 2, 7, 3, -1]; leading absence is left out."""
    runs: list[int] = []
    previous = -1
    for index, value in enumerate(values):
        if value != previous:
            runs += [index, value]
            previous = value
    return runs


def build(root: Path) -> str:
    """The bundle's text (before compression)."""
    releases = source_releases(root)
    per_release = [read_release(root, release) for release in releases]
    names = sorted({name for defs in per_release for name in defs})
    ids: dict[str, int] = {}  # content key -> id
    lines: list[str] = []
    kinds: dict[str, list[list[str]]] = {}
    definitions: dict[str, list[int]] = {}
    for name in names:  # ids in name order: a definition's versions sit side by side and compress well
        column: list[int] = []
        for defs in per_release:
            entry = defs.get(name)
            if entry is None:
                column.append(-1)
                continue
            text, served = entry
            key = hashlib.sha256(f"{text}\n{_compact(served)}".encode()).hexdigest()
            if key not in ids:
                ids[key] = len(lines)
                lines.append(text)
                if served:
                    kinds[str(ids[key])] = served
            column.append(ids[key])
        definitions[name] = _runs(column)
    header = {
        "format": FORMAT,
        "source": {"distribution": DISTRIBUTION, "version": importlib.metadata.version(DISTRIBUTION)},
        "releases": [f"{major}.{minor}" for major, minor in releases],
        "definitions": definitions,
        "kinds": kinds,
    }
    return "\n".join([_compact(header), *lines]) + "\n"


def compress(text: str) -> bytes:
    return zlib.compress(text.encode("utf-8"), 9)


def summary(text: str, data: bytes) -> Iterator[str]:
    header = json.loads(text.partition("\n")[0])
    yield f"releases {header['releases'][0]}..{header['releases'][-1]} ({len(header['releases'])})"
    yield f"{len(header['definitions'])} definition names, {text.count(chr(10)) - 1} distinct definitions"
    yield f"{len(text.encode()):,} bytes of JSON lines, {len(data):,} bytes compressed"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--check", action="store_true", help="exit 1 when the bundle is out of date")
    parser.add_argument("--out", type=Path, default=BUNDLE)
    args = parser.parse_args()
    text = build(source_root())
    if args.check:
        try:
            current = zlib.decompress(args.out.read_bytes()).decode("utf-8")
        except (OSError, zlib.error) as error:
            print(f"{args.out}: {error}", file=sys.stderr)
            return 1
        if current != text:
            print(f"{args.out} is out of date: run python scripts/build_schema_bundle.py", file=sys.stderr)
            return 1
        return 0
    data = compress(text)
    args.out.write_bytes(data)
    for line in summary(text, data):
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
