"""SARIF 2.1.0 for code scanning (GitHub and other SARIF consumers).

One run, whatever the number of inventories: GitHub rejects a file of more than 20 runs,
and every inventory of one command is audited against the same rubric. So
``tool.driver.rules`` lists every rule of the rubric once, in the report's order (a stable
``ruleIndex`` for a given rubric); ``artifacts`` has one entry per inventory (a file given
twice counts once), in command-line order; the results follow in that order, each located
in its own inventory; ``properties.inventories`` holds each one's verdict and scores. Only
a run of one inventory has an ``automationDetails.id`` (``sovcheck/<inventory>/``): with
several, the category is the upload's (the upload step's ``category``, or GitHub's default
for the workflow job), so that it does not change as inventories come and go.

One result per finding that needs attention: ``fail`` and ``unknown`` findings, and waived
ones (carried with an external suppression of status ``accepted``, so a consumer shows them
as dismissed rather than dropping them). With ``--show-passed`` the passing findings come
too, as results of ``kind: pass`` (level ``none``), the evidence a rule holds.

GitHub's limits on results, as its documentation states them ("SARIF support for code
scanning", section "Validating your SARIF file", and "SARIF results exceed one or more
limits" on docs.github.com): a run of more than 25,000 results is rejected, the whole file
with it ("Analysis SARIF file rejected due to result limits"); of an accepted run, "only
the top 5,000 results will be included, prioritized by severity". So a log holds at most
``max_results`` results (the CLI's ``--sarif-max-results``, 25,000 by default, 0 for no
cap): the most severe, failing before unknown before the others, then by severity, then
in output order, and kept in output order. A capped log says it is partial: a warning
notification ``sovcheck/results-left-out``, and ``maxResults``, ``resultsLeftOut`` and
``resultsLeftOutByStatus`` in the run's properties (``resultsLeftOut`` per inventory too).
The same pages cap a file at 20 runs and 10 MB gzip-compressed; 25,000 results of a
generated 10,000-component inventory take 34 MB, 1.9 MB compressed.

Each result points at the inventory line that declares the component at fault and carries
``partialFingerprints["sovcheck/v1"]`` = sha256(rule id, NUL, component id or "(system)"):
the identity of a finding does not depend on its line or message, so editing the inventory
does not open a new alert for the same problem.

Paths are relative to the repository root (``uriBaseId`` ``%SRCROOT%``, which code scanning
resolves against the checkout), wherever sovcheck ran from and however the inventory was
named: the same audit gives the same bytes on any checkout. No ``originalUriBaseIds``
says where the root was on this machine. ``$schema`` is the schema OASIS published with
SARIF 2.1.0 Errata 01, the edition GitHub validates against; no other host is named (no
``informationUri``).
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sovcheck import jsontext
from sovcheck.formats import paths
from sovcheck.model.report import Finding, Report, RuleSummary, Status
from sovcheck.model.rubric import Severity

SARIF_VERSION = "2.1.0"
# OASIS SARIF 2.1.0 Errata 01 (OASIS Standard, 28 August 2023), its published schema.
SCHEMA_URI = (
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
)
FINGERPRINT_KEY = "sovcheck/v1"
LEFT_OUT = "sovcheck/results-left-out"  # the notification of a capped log
SYSTEM = "(system)"

# properties["security-severity"] is a 0-10 score that code scanning sorts into the CVSS v3.1
# qualitative bands (FIRST, CVSS v3.1 specification, section 5): 9.0-10.0 critical, 7.0-8.9
# high, 4.0-6.9 medium, 0.1-3.9 low, 0.0 none. Each severity maps to a value inside its band.
SECURITY_SEVERITY: dict[Severity, str] = {
    Severity.CRITICAL: "9.5",
    Severity.HIGH: "8.0",
    Severity.MEDIUM: "5.5",
    Severity.LOW: "3.0",
    Severity.INFO: "0.0",
}
LEVEL: dict[Severity, str] = {
    Severity.CRITICAL: "error",
    Severity.HIGH: "error",
    Severity.MEDIUM: "warning",
    Severity.LOW: "note",
    Severity.INFO: "note",
}
# The statuses reported, in the order a cap keeps them: failing, unknown, then the others.
REPORTED = (Status.FAIL, Status.UNKNOWN, Status.WAIVED, Status.PASS)
_KEPT_FIRST = {status: rank for rank, status in enumerate(REPORTED)}

# GitHub code scanning's limits on results (see the module docstring).
MAX_RESULTS = 25_000  # a run with more is rejected
STORED_RESULTS = 5_000  # of an accepted run, only the top ones by severity are stored


def fingerprint(rule: str, component: str | None) -> str:
    """The stable identity of a finding across runs: rule and component, nothing else."""
    key = f"{rule}\0{component or SYSTEM}"
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def artifact_location(path: str) -> dict[str, str]:
    """A SARIF ``artifactLocation`` for an inventory path as given on the command line:
    relative to the repository root, with ``uriBaseId`` ``%SRCROOT%``."""
    location = paths.artifact_location(path)
    if location.base_id is None:
        return {"uri": location.uri}
    return {"uri": location.uri, "uriBaseId": location.base_id}


def _rule_name(title: str) -> str:
    """A readable identifier from the title: "Data stays home" -> "DataStaysHome"."""
    words = re.findall(r"[A-Za-z0-9]+", title)
    return "".join(w[:1].upper() + w[1:] for w in words) or "Rule"


def _help(summary: RuleSummary) -> dict[str, str]:
    """Help text: why the rule matters, how to fix a finding, and the rule's references."""
    head = f"{summary.title} (objective {summary.objective}, severity {summary.severity.value})."
    refs = "".join(f"\n- {r}" for r in summary.references)
    text = (
        f"{head}\n\n{summary.rationale}\n\nRemediation: {summary.remediation}\n\nReferences:{refs}"
    )
    markdown = (
        f"**{summary.title}**\n\nObjective `{summary.objective}`, severity "
        f"{summary.severity.value}.\n\n{summary.rationale}\n\n**Remediation**\n\n"
        f"{summary.remediation}\n\n**References**\n{refs}"
    )
    return {"text": text, "markdown": markdown}


def _descriptor(summary: RuleSummary) -> dict[str, Any]:
    full = (
        f"{summary.title}. {summary.rationale} Objective {summary.objective}; severity "
        f"{summary.severity.value}; weight {summary.weight:g} in its objective's score."
    )
    return {
        "id": summary.id,
        "name": _rule_name(summary.title),
        "shortDescription": {"text": summary.title},
        "fullDescription": {"text": full},
        "help": _help(summary),
        "defaultConfiguration": {"level": LEVEL[summary.severity]},
        "properties": {
            # distinct (the schema says so): an objective may be called "security"
            "tags": list(dict.fromkeys(["security", "sovereignty", summary.objective])),
            "security-severity": SECURITY_SEVERITY[summary.severity],
        },
    }


def _message(f: Finding) -> str:
    effective = f.effective_status
    if effective is Status.UNKNOWN:
        text = f"Unknown, not a confirmed failure: {f.message}"
    else:
        text = f.message
    if len(f.path) > 1:
        text += f". Path: {' → '.join(f.path)}"
    if f.status is Status.WAIVED:
        text += f". Waived: {f.waiver_reason or 'no reason given'}"
    return text


def _physical(location: dict[str, Any], line: int, column: int) -> dict[str, Any]:
    region = {"startLine": max(1, line), "startColumn": max(1, column)}
    return {"physicalLocation": {"artifactLocation": location, "region": region}}


class _Artifacts:
    """The run's ``artifacts``, one per inventory, and the locations that refer to them."""

    def __init__(self) -> None:
        self.entries: list[dict[str, Any]] = []
        self._index: dict[tuple[str, str], int] = {}
        self._located: dict[str, dict[str, Any]] = {}

    def add(self, report: Report) -> int | None:
        """The index of the report's inventory; None when the same file came before."""
        location = artifact_location(report.inventory.path)
        key = (location["uri"], report.inventory.sha256)
        if key in self._index:
            return None
        self._index[key] = len(self.entries)
        self.entries.append(
            {
                "location": location,
                "roles": ["analysisTarget"],
                "hashes": {"sha-256": report.inventory.sha256},
            }
        )
        self._located[report.inventory.path] = {**location, "index": self._index[key]}
        return self._index[key]

    def location(self, path: str) -> dict[str, Any]:
        """The artifactLocation of ``path``, with the index of its artifact if it has one."""
        found = self._located.get(path)
        if found is None:
            found = self._located[path] = artifact_location(path)
        return dict(found)


def _result(f: Finding, index: int, artifacts: _Artifacts) -> dict[str, Any]:
    effective = f.effective_status
    level = "warning" if effective is Status.UNKNOWN else LEVEL[f.severity]
    location = artifacts.location(f.location.file)
    result: dict[str, Any] = {
        "ruleId": f.rule,
        "ruleIndex": index,
        **({"kind": "pass", "level": "none"} if f.status is Status.PASS else {"level": level}),
        "message": {"text": _message(f)},
        "locations": [_physical(location, f.location.line, f.location.column)],
        "partialFingerprints": {FINGERPRINT_KEY: fingerprint(f.rule, f.component)},
        "properties": {
            "status": f.status.value,
            "severity": f.severity.value,
            "objective": f.objective,
            "component": f.component or SYSTEM,
            "path": list(f.path),
        },
    }
    if f.status is Status.WAIVED:
        result["suppressions"] = [
            {
                "kind": "external",
                "status": "accepted",
                "justification": f.waiver_reason or "waived in the inventory",
            }
        ]
    return result


def _notifications(report: Report, artifacts: _Artifacts) -> list[dict[str, Any]]:
    """The report's warnings as tool execution notifications, each at its inventory line."""
    notes = []
    for w in report.warnings:
        note: dict[str, Any] = {
            "level": "warning",
            "message": {"text": w.message},
            "descriptor": {"id": f"sovcheck/{w.kind}"},
        }
        if w.location is not None:
            location = artifacts.location(w.location.file)
            note["locations"] = [_physical(location, w.location.line, w.location.column)]
        notes.append(note)
    return notes


def _inventory(report: Report, index: int, artifacts: _Artifacts) -> dict[str, Any]:
    """What the run says of one inventory: its artifact, verdict and scores."""
    return {
        "inventory": artifacts.entries[index]["location"]["uri"],
        "artifactIndex": index,
        "inventorySha256": report.inventory.sha256,
        "system": report.inventory.system,
        "overallScore": report.overall.score,
        "overallLevel": report.overall.level,
        "passed": report.overall.passed,
    }


def _one_rubric(reports: Sequence[Report]) -> Report:
    """The first report, after checking that every report used its rubric."""
    first = reports[0]
    rules = [s.id for s in first.rules]
    for other in reports[1:]:
        if other.rubric != first.rubric or [s.id for s in other.rules] != rules:
            raise ValueError(
                f"one SARIF run holds audits against one rubric: {first.rubric.id} "
                f"v{first.rubric.version} and {other.rubric.id} v{other.rubric.version}"
            )
    return first


@dataclass(frozen=True, slots=True)
class ResultCount:
    """How many results a log of some reports has, and how many a cap leaves out."""

    total: int
    max_results: int  # 0: no cap
    left_out: dict[Status, int]  # by status, in REPORTED order; empty when nothing is

    @property
    def kept(self) -> int:
        return self.total - sum(self.left_out.values())


@dataclass(frozen=True, slots=True)
class _Plan:
    """What a run holds: the reports (a file given twice once), and the findings kept, each
    with its inventory's artifact index, in output order."""

    first: Report
    artifacts: _Artifacts
    audited: list[tuple[Report, int]]
    kept: list[tuple[int, Finding]]
    count: ResultCount


def _plan(reports: Sequence[Report], max_results: int) -> _Plan:
    if max_results < 0:
        raise ValueError(f"max_results must be 0 (no cap) or more, not {max_results}")
    first = _one_rubric(reports)
    artifacts = _Artifacts()
    audited = [(r, i) for r in reports if (i := artifacts.add(r)) is not None]
    reported = [(i, f) for r, i in audited for f in r.findings if f.status in REPORTED]
    kept = reported
    left_out: dict[Status, int] = {}
    if 0 < max_results < len(reported):
        # The most severe: failing before unknown before the others, then by severity, then
        # in output order; kept in output order.
        ranked = sorted(
            range(len(reported)),
            key=lambda k: (_KEPT_FIRST[reported[k][1].status], -reported[k][1].severity.rank, k),
        )
        kept = [reported[k] for k in sorted(ranked[:max_results])]
        dropped = Counter(reported[k][1].status for k in ranked[max_results:])
        left_out = {status: dropped[status] for status in REPORTED if dropped[status]}
    count = ResultCount(len(reported), max_results, left_out)
    return _Plan(first, artifacts, audited, kept, count)


def count_results(reports: Sequence[Report], max_results: int = MAX_RESULTS) -> ResultCount:
    """How many results the log of ``reports`` has, and how many ``max_results`` leaves out."""
    return _plan(reports, max_results).count if reports else ResultCount(0, max_results, {})


def _left_out_note(count: ResultCount) -> dict[str, Any]:
    left = count.total - count.kept
    text = (
        f"{left:,} of {count.total:,} results left out: this log holds the {count.kept:,} "
        "most severe (failing, then unknown, then the others, each by severity)"
    )
    return {"level": "warning", "message": {"text": text}, "descriptor": {"id": LEFT_OUT}}


def _run(reports: Sequence[Report], max_results: int) -> dict[str, Any]:
    plan = _plan(reports, max_results)
    first, artifacts, count = plan.first, plan.artifacts, plan.count
    index = {s.id: i for i, s in enumerate(first.rules)}
    results = [_result(f, index[f.rule], artifacts) for _, f in plan.kept]
    # with --baseline: each result that is not a pass says whether the baseline held it
    new = {
        i: {(n.rule, n.component) for n in report.baseline.new}
        for report, i in plan.audited
        if report.baseline is not None
    }
    for result, (i, f) in zip(results, plan.kept, strict=True):
        if i in new and f.status is not Status.PASS:
            result["baselineState"] = "new" if (f.rule, f.component) in new[i] else "unchanged"
    notes = [_left_out_note(count)] if count.left_out else []
    notes += [n for report, _ in plan.audited for n in _notifications(report, artifacts)]
    invocation: dict[str, Any] = {"executionSuccessful": True}
    if notes:
        invocation["toolExecutionNotifications"] = notes
    driver = {
        "name": first.tool.name,
        "version": first.tool.version,
        "rules": [_descriptor(s) for s in first.rules],
    }
    run: dict[str, Any] = {"tool": {"driver": driver}}
    if len(artifacts.entries) == 1:
        run["automationDetails"] = {"id": f"sovcheck/{artifacts.entries[0]['location']['uri']}/"}
    run["artifacts"] = artifacts.entries
    run["columnKind"] = "unicodeCodePoints"
    run["invocations"] = [invocation]
    run["results"] = results
    inventories = [_inventory(r, i, artifacts) for r, i in plan.audited]
    properties: dict[str, Any] = {
        "rubric": f"{first.rubric.id} v{first.rubric.version}",
        "passed": all(r.overall.passed for r, _ in plan.audited),
        "inventories": inventories,
    }
    if count.left_out:
        # The log is partial, and says so.
        properties["maxResults"] = count.max_results
        properties["resultsLeftOut"] = count.total - count.kept
        properties["resultsLeftOutByStatus"] = {s.value: n for s, n in count.left_out.items()}
        kept_of = Counter(i for i, _ in plan.kept)
        total_of = Counter(i for r, i in plan.audited for f in r.findings if f.status in REPORTED)
        for entry in inventories:
            i = entry["artifactIndex"]
            if total_of[i] > kept_of[i]:
                entry["resultsLeftOut"] = total_of[i] - kept_of[i]
    run["properties"] = properties
    return run


def to_data(reports: Sequence[Report], *, max_results: int = MAX_RESULTS) -> dict[str, Any]:
    """One SARIF log, with one run for every inventory audited (against one rubric), of at
    most ``max_results`` results (0: no cap)."""
    runs = [_run(reports, max_results)] if reports else []
    return {"$schema": SCHEMA_URI, "version": SARIF_VERSION, "runs": runs}


def render_many(reports: Sequence[Report], *, max_results: int = MAX_RESULTS) -> str:
    data = to_data(reports, max_results=max_results)
    return jsontext.dumps(data)


def render(report: Report, *, max_results: int = MAX_RESULTS) -> str:
    return render_many([report], max_results=max_results)
