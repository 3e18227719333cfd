"""JUnit XML for CI test reports (GitLab, Jenkins, Azure DevOps and the like).

The output is valid against the Jenkins ``junit-10.xsd`` (the schema pytest validates its
own reports with), and carries what GitLab's parser reads: ``classname`` and ``name`` of
each testcase, ``<failure>`` and ``<skipped>`` with their text, ``system-err``.

One ``<testsuite>`` per objective (named by its id), its ``file`` the inventory relative
to the repository root; one ``<testcase>`` per rule and component that needs attention,
``classname`` = ``sovcheck.<objective>``:

* ``fail`` → ``<failure type="fail">`` with the message, and in its text the path, the
  inventory line (``location: FILE:LINE:COLUMN``) and the remediation;
* ``unknown`` → ``<failure type="unknown">``: an unknown fact fails the test until the
  inventory establishes it, as it costs score;
* ``waived`` → ``<skipped message="waived: reason"/>``;
* ``pass`` findings (present only when the audit kept them) → a passing testcase each;
  passes the report does not list are summed up in one passing testcase per rule,
  named ``RULE-ID (N passing)``.

With several inventories in one document, suite names are ``<inventory>:<objective>`` and
classnames ``sovcheck.<inventory>.<objective>`` (the inventory relative to the repository
root), so two inventories that share rules and component ids give distinct tests: GitLab
keeps only the first of tests with the same names and shows the classname as the suite;
Jenkins takes what follows a classname's last dot as the class, here the objective.

The schema allows no ``file`` or ``line`` on a testcase and no ``skipped`` count on
``<testsuites>``, so there are none: each suite has its own count, and the inventory is
named on the suite and, with the line, in each failure's text (GitLab would show a
testcase's ``file`` in its test details; it reads no suite's). ``not_applicable``
findings are not tests. Attribute order is fixed by construction and the output ends with
a newline, so the same report always gives the same bytes.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from sovcheck.formats.paths import artifact_location
from sovcheck.model.report import Finding, ObjectiveResult, Report, RuleSummary, Status

SYSTEM = "(system)"
# Characters XML 1.0 cannot carry at all, even escaped.
_INVALID_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _clean(text: str) -> str:
    return _INVALID_XML.sub("\ufffd", text)


class _Relative:
    """Paths relative to their repository root, each worked out once per document (the
    working directory is passed explicitly: a cached answer never belongs to another)."""

    def __init__(self) -> None:
        self._cwd = Path.cwd()
        self._seen: dict[str, str] = {}

    def __call__(self, path: str) -> str:
        found = self._seen.get(path)
        if found is None:
            found = self._seen[path] = _clean(artifact_location(path, self._cwd).path)
        return found


@dataclass
class _Counts:
    tests: int = 0
    failures: int = 0
    skipped: int = 0

    def add(self, other: _Counts) -> None:
        self.tests += other.tests
        self.failures += other.failures
        self.skipped += other.skipped


def _details(f: Finding, relative: _Relative) -> str:
    lines = [
        f"rule: {f.rule}",
        f"severity: {f.severity.value}",
        f"status: {f.status.value}",
        f"component: {f.component or SYSTEM}",
        f"message: {f.message}",
    ]
    if f.path:
        lines.append(f"path: {' → '.join(f.path)}")
    lines.append(f"location: {relative(f.location.file)}:{f.location.line}:{f.location.column}")
    if f.unknown_fields:
        lines.append(f"unknown: {', '.join(f.unknown_fields)}")
    lines.append(f"remediation: {f.remediation}")
    if f.references:
        lines.append("references:")
        lines.extend(f"  - {r}" for r in f.references)
    return _clean("\n".join(lines))


def _testcase(parent: ET.Element, name: str, classname: str) -> ET.Element:
    return ET.SubElement(parent, "testcase", {"name": _clean(name), "classname": classname})


def _finding_case(parent: ET.Element, f: Finding, classname: str, relative: _Relative) -> _Counts:
    case = _testcase(parent, f"{f.rule} {f.component or SYSTEM}", classname)
    if f.status is Status.PASS:
        return _Counts(tests=1)
    if f.status is Status.WAIVED:
        reason = f.waiver_reason or "no reason given"
        ET.SubElement(case, "skipped", {"message": _clean(f"waived: {reason}")})
        return _Counts(tests=1, skipped=1)
    kind = "unknown" if f.status is Status.UNKNOWN else "fail"
    failure = ET.SubElement(case, "failure", {"message": _clean(f.message), "type": kind})
    failure.text = _details(f, relative)
    return _Counts(tests=1, failures=1)


def _rule_cases(
    parent: ET.Element,
    rule: RuleSummary,
    findings: Iterable[Finding],
    classname: str,
    relative: _Relative,
) -> _Counts:
    counts = _Counts()
    listed_passes = 0
    for f in findings:
        if f.status is Status.NOT_APPLICABLE:
            continue
        if f.status is Status.PASS:
            listed_passes += 1
        counts.add(_finding_case(parent, f, classname, relative))
    unlisted = rule.passed - listed_passes
    if unlisted > 0:
        _testcase(parent, f"{rule.id} ({unlisted} passing)", classname)
        counts.tests += 1
    return counts


def _set_counts(element: ET.Element, counts: _Counts, *, skipped: bool = True) -> None:
    """The counts the schema allows: ``skipped`` only on a testsuite."""
    element.set("tests", str(counts.tests))
    element.set("failures", str(counts.failures))
    element.set("errors", "0")
    if skipped:
        element.set("skipped", str(counts.skipped))


def _properties(suite: ET.Element, objective: ObjectiveResult) -> None:
    props = ET.SubElement(suite, "properties")
    threshold = "" if objective.threshold is None else f"{objective.threshold:g}"
    for name, value in (
        ("title", objective.title),
        ("score", f"{objective.score:.1f}"),
        ("threshold", threshold),
        ("level", f"{objective.level} {objective.level_name}"),
        ("passed", "true" if objective.passed else "false"),
    ):
        ET.SubElement(props, "property", {"name": name, "value": _clean(value)})


def _warnings(report: Report, relative: _Relative) -> str:
    return "\n".join(
        f"warning: {relative(w.location.file)}:{w.location.line}: {w.message}"
        if w.location
        else f"warning: {w.message}"
        for w in report.warnings
    )


def _suites(root: ET.Element, report: Report, relative: _Relative, *, several: bool) -> _Counts:
    """One testsuite per objective of ``report``, appended to ``root``."""
    findings_by_rule: dict[str, list[Finding]] = {}
    for f in report.findings:
        findings_by_rule.setdefault(f.rule, []).append(f)
    inventory = relative(report.inventory.path)
    total = _Counts()
    for k, objective in enumerate(report.objectives):
        if several:
            name, classname = f"{inventory}:{objective.id}", f"sovcheck.{inventory}.{objective.id}"
        else:
            name, classname = objective.id, f"sovcheck.{objective.id}"
        suite = ET.SubElement(root, "testsuite", {"name": name})
        _properties(suite, objective)
        counts = _Counts()
        for rule in report.rules:
            if rule.objective == objective.id:
                found = findings_by_rule.get(rule.id, [])
                counts.add(_rule_cases(suite, rule, found, classname, relative))
        if k == 0 and report.warnings:
            # the schema's place for what a suite printed: once per report, first suite
            ET.SubElement(suite, "system-err").text = _clean(_warnings(report, relative))
        _set_counts(suite, counts)
        suite.set("file", inventory)
        total.add(counts)
    return total


def to_element(reports: Sequence[Report]) -> ET.Element:
    """A ``<testsuites>`` document; with several inventories, suite names and classnames
    carry the inventory's path."""
    name = reports[0].inventory.system if len(reports) == 1 else f"{len(reports)} inventories"
    root = ET.Element("testsuites", {"name": f"sovcheck {_clean(name)}"})
    total = _Counts()
    relative = _Relative()
    for report in reports:
        total.add(_suites(root, report, relative, several=len(reports) > 1))
    _set_counts(root, total, skipped=False)
    return root


def render_many(reports: Sequence[Report]) -> str:
    root = to_element(reports)
    ET.indent(root, space="  ")
    body = ET.tostring(root, encoding="unicode", short_empty_elements=True)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + body + "\n"


def render(report: Report) -> str:
    return render_many([report])
