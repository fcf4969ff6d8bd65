"""Findings and documents as plain tuples, for the pipes between forked processes.

pickle writes tuples, lists, dicts, str, int and bool in C; a dataclass or NamedTuple goes
through Python-level calls for each object (sending 52,000 findings back took 1 s, as tuples
0.14 s; 5,000 documents 0.38 s in the child and 0.25 s here). The tuple layout is derived from
the records' own fields and their declared types, so a field added to `Finding` or
`Document` is sent without anyone remembering to, and a field of a type this module does not
know stops the import (tests/test_parallel.py) instead of being dropped in forked runs.
`Document.memo` (derived facts, not compared) is not sent: the other side derives them again.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

from kubelint_py.input.positions import PositionIndex
from kubelint_py.model import Directive, DocType, Document, Finding, Location, ObjectRef, Pos, Severity, Span

Packed = tuple[Any, ...]
_new = tuple.__new__

# declared type -> (how a value `{v}` is packed, how a packed value `{v}` is unpacked)
_AS_IS = ("{v}", "{v}")
# NamedTuples rebuilt with tuple.__new__: their own __new__ is a Python-level call
_SPAN = ("(*{v}.start, *{v}.end)", "new(Span, (new(Pos, {v}[:2]), new(Pos, {v}[2:])))")
_CODECS: dict[str, tuple[str, str]] = {
    "str": _AS_IS,
    "str | None": _AS_IS,
    "int": _AS_IS,
    "bool": _AS_IS,
    "FieldPath": _AS_IS,  # a tuple of str and int
    "Mapping[str, object]": _AS_IS,  # the loader's plain data
    "Span": _SPAN,
    "Severity": ("{v}.value", "SEVERITIES[{v}]"),
    "DocType": ("{v}.value", "DOC_TYPES[{v}]"),
    "ObjectRef | None": ("None if {v} is None else tuple({v})", "None if {v} is None else new(ObjectRef, {v})"),
    "Location | None": ("None if {v} is None else pack_location({v})", "None if {v} is None else unpack_location({v})"),
    "tuple[Location, ...]": ("tuple(map(pack_location, {v}))", "tuple(map(unpack_location, {v}))"),
    "tuple[Directive, ...]": ("tuple(map(tuple, {v}))", "tuple(Directive(*d) for d in {v})"),
    "PositionLookup": ("pack_positions({v})", "unpack_positions({v})"),
}


def _pack_location(location: Location) -> Packed:
    return (location.file, *location.span.start, *location.span.end, location.label)


def _unpack_location(packed: Packed) -> Location:
    file, sl, sc, el, ec, label = packed
    return _new(Location, (file, _new(Span, (_new(Pos, (sl, sc)), _new(Pos, (el, ec)))), label))


def _pack_positions(positions: object) -> Packed:
    assert isinstance(positions, PositionIndex), "documents are sent with the loader's position index"
    return (*positions.span.start, *positions.span.end, positions.root, positions.data, positions.marks)


def _unpack_positions(packed: Packed) -> PositionIndex:
    sl, sc, el, ec, root, data, marks = packed
    return PositionIndex(Span(Pos(sl, sc), Pos(el, ec)), root, data, marks)


_NAMES: dict[str, Any] = {
    "new": _new,
    "Span": Span,
    "Pos": Pos,
    "ObjectRef": ObjectRef,
    "Directive": Directive,
    "SEVERITIES": {severity.value: severity for severity in Severity},
    "DOC_TYPES": {doc_type.value: doc_type for doc_type in DocType},
    "pack_location": _pack_location,
    "unpack_location": _unpack_location,
    "pack_positions": _pack_positions,
    "unpack_positions": _unpack_positions,
}


def _sent_fields(cls: type) -> list[tuple[str, str]]:
    """(name, declared type) of each field of dataclass or NamedTuple `cls` that is sent (a
    dataclass field left out of comparisons is derived again on the other side)."""
    if dataclasses.is_dataclass(cls):
        return [(f.name, str(f.type)) for f in dataclasses.fields(cls) if f.compare]
    names: tuple[str, ...] = getattr(cls, "_fields")  # noqa: B009 - a NamedTuple class
    declared = cls.__annotations__  # ForwardRef('str') under `from __future__ import annotations`
    return [(name, getattr(declared[name], "__forward_arg__", str(declared[name]))) for name in names]


def _codec(cls: type) -> tuple[Callable[[Any], Packed], Callable[[Packed], Any]]:
    """(pack, unpack) of dataclass or NamedTuple `cls`, written out from its fields as plain
    functions (as `dataclasses` writes `__init__`): one tuple per object, no per-field calls."""
    sent = _sent_fields(cls)
    unknown = [f"{name}: {kind}" for name, kind in sent if kind not in _CODECS]
    if unknown:
        raise TypeError(f"{cls.__name__}: no packing for field(s) {', '.join(unknown)} (kubelint_py/run/packing.py)")
    packs = ", ".join(_CODECS[kind][0].format(v=f"o.{name}") for name, kind in sent)
    names = ", ".join(name for name, _kind in sent)
    if dataclasses.is_dataclass(cls):
        rebuilt = "cls(" + ", ".join(f"{name}={_CODECS[kind][1].format(v=name)}" for name, kind in sent) + ")"
    else:  # a NamedTuple: by position (a child's 34,000 findings: 0.095 -> 0.055 s)
        rebuilt = "new(cls, (" + ", ".join(_CODECS[kind][1].format(v=name) for name, kind in sent) + ",))"
    pack = f"def pack(o):\n    return ({packs},)\n"
    unpack = f"def unpack(packed):\n    ({names},) = packed\n    return {rebuilt}\n"
    source = f"{pack}\n{unpack}"
    namespace = {**_NAMES, "cls": cls}
    exec(compile(source, f"<packing of {cls.__name__}>", "exec"), namespace)
    return namespace["pack"], namespace["unpack"]


pack_finding, unpack_finding = _codec(Finding)
pack_document, unpack_document = _codec(Document)
