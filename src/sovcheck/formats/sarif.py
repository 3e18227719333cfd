"""SARIF 2.1.0 for code scanning (GitHub and other SARIF consumers).

One run. ``tool.driver.rules`` lists every rule of the rubric once, in the report's order,
so that ``ruleIndex`` is stable for a given rubric. One result per finding that needs
attention: ``fail`` and ``unknown`` findings, and waived ones (carried with an external
suppression, so a consumer shows them as dismissed rather than dropping them). With
``--show-passed`` the passing findings come too, as results of ``kind: pass`` (level
``none``), the evidence a rule holds.

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
import json
import re
from collections.abc import Iterable, Sequence
from typing import Any

from sovcheck.formats import paths
from sovcheck.model.report import Finding, Report, RuleSummary, Status
from sovcheck.model.rubric import Severity

SARIF_VERSION = "2.1.0"
# OASIS SARIF 2.1.0 Errata 01 (OASIS Standard, 28 August 2023), its published schema.
SCHEMA_URI = (
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
)
FINGERPRINT_KEY = "sovcheck/v1"
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
REPORTED = (Status.FAIL, Status.UNKNOWN, Status.WAIVED, Status.PASS)


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
            "tags": ["security", "sovereignty", summary.objective],
            "security-severity": SECURITY_SEVERITY[summary.severity],
        },
    }


def _message(f: Finding) -> str:
    effective = f.status_without_waiver if f.status is Status.WAIVED else f.status
    if effective is Status.UNKNOWN:
        text = f"Unknown, not a confirmed failure: {f.message}"
    else:
        text = f.message
    if len(f.path) > 1:
        text += f". Path: {' → '.join(f.path)}"
    if f.status is Status.WAIVED:
        text += f". Waived: {f.waiver_reason or 'no reason given'}"
    return text


def _result(f: Finding, index: int) -> dict[str, Any]:
    effective = f.status_without_waiver if f.status is Status.WAIVED else f.status
    level = "warning" if effective is Status.UNKNOWN else LEVEL[f.severity]
    result: dict[str, Any] = {
        "ruleId": f.rule,
        "ruleIndex": index,
        **({"kind": "pass", "level": "none"} if f.status is Status.PASS else {"level": level}),
        "message": {"text": _message(f)},
        "locations": [
            {
                "physicalLocation": {
                    "artifactLocation": artifact_location(f.location.file),
                    "region": {
                        "startLine": max(1, f.location.line),
                        "startColumn": max(1, f.location.column),
                    },
                }
            }
        ],
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


def _invocation(report: Report) -> dict[str, Any]:
    """The run's invocation; the report's warnings as tool execution notifications, each
    at its inventory line."""
    notes = []
    for w in report.warnings:
        note: dict[str, Any] = {
            "level": "warning",
            "message": {"text": w.message},
            "descriptor": {"id": f"sovcheck/{w.kind}"},
        }
        if w.location is not None:
            note["locations"] = [
                {
                    "physicalLocation": {
                        "artifactLocation": artifact_location(w.location.file),
                        "region": {
                            "startLine": max(1, w.location.line),
                            "startColumn": max(1, w.location.column),
                        },
                    }
                }
            ]
        notes.append(note)
    invocation: dict[str, Any] = {"executionSuccessful": True}
    if notes:
        invocation["toolExecutionNotifications"] = notes
    return invocation


def _run(report: Report) -> dict[str, Any]:
    index = {s.id: i for i, s in enumerate(report.rules)}
    inventory = paths.artifact_location(report.inventory.path).uri
    reported: Iterable[Finding] = (f for f in report.findings if f.status in REPORTED)
    return {
        "tool": {
            "driver": {
                "name": report.tool.name,
                "version": report.tool.version,
                "rules": [_descriptor(s) for s in report.rules],
            }
        },
        "automationDetails": {"id": f"sovcheck/{inventory}/"},
        "columnKind": "unicodeCodePoints",
        "invocations": [_invocation(report)],
        "results": [_result(f, index[f.rule]) for f in reported],
        "properties": {
            "inventory": inventory,
            "inventorySha256": report.inventory.sha256,
            "system": report.inventory.system,
            "rubric": f"{report.rubric.id} v{report.rubric.version}",
            "overallScore": report.overall.score,
            "overallLevel": report.overall.level,
            "passed": report.overall.passed,
        },
    }


def to_data(reports: Sequence[Report]) -> dict[str, Any]:
    """One SARIF log with one run per audited inventory."""
    return {"$schema": SCHEMA_URI, "version": SARIF_VERSION, "runs": [_run(r) for r in reports]}


def render_many(reports: Sequence[Report]) -> str:
    return json.dumps(to_data(reports), indent=2, ensure_ascii=False) + "\n"


def render(report: Report) -> str:
    return render_many([report])
