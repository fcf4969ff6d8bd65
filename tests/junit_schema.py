"""A check equivalent to Jenkins' JUnit XML schema (the xunit plugin's junit-10.xsd, the schema
CI systems' JUnit readers follow), with the standard library only: which elements may hold
which, which attributes each may carry and must carry, the Surefire time pattern, text-only
content where the schema says xs:string. `problems(xml_text)` lists every violation ([] when
valid). Restated from the schema's structure, not copied; tests/test_junit.py also checks it
against documents the schema accepts and rejects."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from typing import NamedTuple

# xs:pattern is anchored at both ends
SUREFIRE_TIME = re.compile(r"(?:(?:[0-9]{0,3},)*[0-9]{3}|[0-9]{0,3})*(?:\.[0-9]*)?")
_RESULT = frozenset(("type", "message"))  # failure, error, skipped
_RERUN = frozenset(("message", "type"))  # rerunFailure and friends (type required)


class Element(NamedTuple):
    required: frozenset[str]
    optional: frozenset[str]
    children: frozenset[str]  # element names allowed as children, any order and number
    text: bool  # character content allowed (mixed or xs:string)
    timed: frozenset[str] = frozenset()  # attributes of type SUREFIRE_TIME


def _element(
    required: str = "", optional: str = "", children: str = "", text: bool = False, timed: str = ""
) -> Element:
    return Element(
        frozenset(required.split()),
        frozenset(optional.split()),
        frozenset(children.split()),
        text,
        frozenset(timed.split()),
    )


RERUN_CHILDREN = "stackTrace system-out system-err"
SCHEMA: dict[str, Element] = {
    "testsuites": _element("", "name time tests failures errors", "testsuite", timed="time"),
    "testsuite": _element(
        "name tests failures errors",
        "group time skipped timestamp hostname id package file log url",
        "testsuite properties testcase system-out system-err",
        timed="time",
    ),
    "testcase": _element(
        "name",
        "time classname group",
        "skipped error failure rerunFailure rerunError flakyFailure flakyError system-out system-err",
    ),
    "failure": _element("", "type message", text=True),
    "error": _element("", "type message", text=True),
    "skipped": _element("", "type message", text=True),
    "properties": _element(children="property"),
    "property": _element("name value"),
    "system-out": _element(text=True),
    "system-err": _element(text=True),
    "stackTrace": _element(text=True),
    "rerunFailure": _element("type", "message", RERUN_CHILDREN, text=True),
    "rerunError": _element("type", "message", RERUN_CHILDREN, text=True),
    "flakyFailure": _element("type", "message", RERUN_CHILDREN, text=True),
    "flakyError": _element("type", "message", RERUN_CHILDREN, text=True),
}
ROOTS = frozenset(("testsuites", "testsuite"))


def problems(xml_text: str) -> list[str]:
    """Every way `xml_text` departs from the schema (well-formedness first)."""
    try:
        root = ET.fromstring(xml_text)
    except ET.ParseError as exc:
        return [f"not well-formed XML: {exc}"]
    if root.tag not in ROOTS:
        return [f"root element <{root.tag}> is not one of {sorted(ROOTS)}"]
    found: list[str] = []
    _check(root, f"/{root.tag}", found)
    return found


def _check(element: ET.Element, where: str, found: list[str]) -> None:
    spec = SCHEMA.get(element.tag)
    if spec is None:
        found.append(f"{where}: unknown element")
        return
    attributes = set(element.attrib)
    for missing in sorted(spec.required - attributes):
        found.append(f"{where}: missing required attribute {missing}")
    for extra in sorted(attributes - spec.required - spec.optional):
        found.append(f"{where}: attribute {extra} is not allowed")
    for name in sorted(spec.timed & attributes):
        if SUREFIRE_TIME.fullmatch(element.attrib[name]) is None:
            found.append(f"{where}: {name}={element.attrib[name]!r} is not a SUREFIRE_TIME")
    if not spec.text:
        texts = [element.text, *(child.tail for child in element)]
        if any(text is not None and text.strip() for text in texts):
            found.append(f"{where}: character content is not allowed")
    for number, child in enumerate(element):
        path = f"{where}/{child.tag}[{number}]"
        if child.tag not in spec.children:
            found.append(f"{path}: <{child.tag}> is not allowed in <{element.tag}>")
            continue
        _check(child, path, found)


def count_problems(xml_text: str) -> list[str]:
    """Beyond the schema, what CI readers rely on: every suite's `tests` is its number of test
    cases, `failures` / `errors` the number of test cases with a <failure> / <error>, and the
    root's totals add them up."""
    root = ET.fromstring(xml_text)
    found: list[str] = []
    totals = {"tests": 0, "failures": 0, "errors": 0}
    for suite in root.iter("testsuite"):
        cases = suite.findall("testcase")
        expected = {
            "tests": len(cases),
            "failures": sum(1 for case in cases if case.find("failure") is not None),
            "errors": sum(1 for case in cases if case.find("error") is not None),
        }
        for key, value in expected.items():
            if suite.get(key) != str(value):
                found.append(f"testsuite {suite.get('name')!r}: {key}={suite.get(key)} but {value} test cases")
            totals[key] += value
    if root.tag == "testsuites":
        for key, value in totals.items():
            if root.get(key) is not None and root.get(key) != str(value):
                found.append(f"testsuites: {key}={root.get(key)} but the suites add up to {value}")
    return found
