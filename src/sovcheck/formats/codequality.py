"""GitLab Code Quality report: the JSON GitLab reads as ``artifacts:reports:codequality``.

An array of issues, the subset of the Code Climate issue format that GitLab documents
("Implement a custom tool" in GitLab's Code Quality documentation), one per finding that
needs attention, each pointing at the inventory line that declares the component at fault:

* ``description``: one line, ``RULE-ID: message`` (an unknown says it is not a confirmed
  failure; a path of more than one component follows the message);
* ``check_name``: ``sovcheck/RULE-ID``, so that it cannot clash with another tool's check;
* ``fingerprint``: sha256(rule id, NUL, component id or "(system)", NUL, inventory path):
  stable across runs, as a finding's line and message do not enter it, and unique in one
  report even when several inventories share rules and component ids (GitLab keeps one
  issue per fingerprint);
* ``severity``: see :data:`SEVERITY`;
* ``location.path``: the inventory, relative to the repository root (GitLab links it to
  the file at the pipeline's commit); ``location.lines.begin``: the line, 1 at least.

Nothing else: GitLab ignores the Code Climate format's other fields (``type``,
``categories``, ``content``...), and the remediation is in every other format.

Which findings: ``fail`` and ``unknown`` ones. Waived findings are left out: GitLab has no
way to carry a suppression (SARIF's), so a waived finding would show as an open problem in
the merge request; the waiver stays visible in every other format. Passing and
not-applicable findings are never issues.

Several inventories give one array. Issues are sorted by path, line, check name and
fingerprint, keys come in a fixed order, the text is UTF-8 without a byte order mark (which
GitLab's parser refuses) and ends with a newline: the same reports always give the same
bytes.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from sovcheck import jsontext
from sovcheck.formats.paths import artifact_location
from sovcheck.model.report import Finding, Report, Status
from sovcheck.model.rubric import Severity

SYSTEM = "(system)"
# GitLab's severities, lowest first (it sorts blocker first).
LEVELS = ("info", "minor", "major", "critical", "blocker")
# sovcheck's five severities onto GitLab's five, in the same order, so that the widget sorts
# findings as sovcheck ranks them and no two severities merge: the top of one scale is the
# top of the other.
SEVERITY: dict[Severity, str] = {
    Severity.CRITICAL: "blocker",
    Severity.HIGH: "critical",
    Severity.MEDIUM: "major",
    Severity.LOW: "minor",
    Severity.INFO: "info",
}
REPORTED = (Status.FAIL, Status.UNKNOWN)
_NEWLINES = re.compile(r"\s*[\r\n]+\s*")


def fingerprint(rule: str, component: str | None, inventory: str) -> str:
    """The identity of a finding: rule, component and inventory (relative to the
    repository root), nothing that an edit elsewhere in the inventory changes."""
    key = f"{rule}\0{component or SYSTEM}\0{inventory}"
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def severity(f: Finding) -> str:
    """GitLab's severity for a finding: :data:`SEVERITY`, one step lower for an unknown
    (it costs score but is not a confirmed failure), ``info`` at the lowest."""
    level = SEVERITY[f.severity]
    if f.status is Status.UNKNOWN:
        level = LEVELS[max(0, LEVELS.index(level) - 1)]
    return level


def _description(f: Finding) -> str:
    if f.status is Status.UNKNOWN:
        text = f"{f.rule}: unknown, not a confirmed failure: {f.message}"
    else:
        text = f"{f.rule}: {f.message}"
    if len(f.path) > 1:
        text += f". Path: {' → '.join(f.path)}"
    return _NEWLINES.sub(" ", text).strip()  # the format wants one line


def _issue(f: Finding, inventory: str, path: str) -> dict[str, Any]:
    return {
        "description": _description(f),
        "check_name": f"sovcheck/{f.rule}",
        "fingerprint": fingerprint(f.rule, f.component, inventory),
        "severity": severity(f),
        "location": {"path": path, "lines": {"begin": max(1, f.location.line)}},
    }


def to_data(reports: Sequence[Report]) -> list[dict[str, Any]]:
    """The issues of every report, sorted; one per fingerprint (an inventory named twice
    on the command line gives its issues once)."""
    cwd = Path.cwd()  # passed explicitly: a cached location never belongs to another one
    paths: dict[str, str] = {}

    def relative(path: str) -> str:
        found = paths.get(path)
        if found is None:
            found = paths[path] = artifact_location(path, cwd).path
        return found

    issues: dict[str, dict[str, Any]] = {}
    for report in reports:
        inventory = relative(report.inventory.path)
        for f in report.findings:
            if f.status in REPORTED:
                issue = _issue(f, inventory, relative(f.location.file))
                issues.setdefault(issue["fingerprint"], issue)
    return sorted(
        issues.values(),
        key=lambda i: (
            i["location"]["path"],
            i["location"]["lines"]["begin"],
            i["check_name"],
            i["fingerprint"],
        ),
    )


def render_many(reports: Sequence[Report]) -> str:
    return jsontext.dumps(to_data(reports))


def render(report: Report) -> str:
    return render_many([report])
