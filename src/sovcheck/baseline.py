"""Baselines: accept today's findings and gates, then gate only on what changes.

``audit --create-baseline FILE`` records, per inventory, the failing and unknown findings
and the gates that fail. ``audit --baseline FILE`` then compares:

* a finding is *accepted* when the baseline holds the same rule on the same component of
  the same inventory with the same status or a worse one (``fail`` is worse than
  ``unknown``); an unknown finding that now fails is new. Findings are matched by
  fingerprint (rule and component), never by line or message, so editing the inventory
  around a finding does not make it new;
* the ``new-findings`` gate fails when a new failing finding is at or above
  ``--fail-on-new`` (default high), and ``--fail-on`` counts new findings only;
* a score or level gate that already failed in the baseline holds while it is no worse
  than it was then (its ``baseline`` field says the value accepted); a gate that held then
  must still hold;
* findings of the baseline that are gone are listed as *left*, so that the baseline can be
  refreshed.

Inventories are matched by their path relative to the repository root, so a baseline
made in one directory applies from another.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from sovcheck import jsontext
from sovcheck.errors import InputError
from sovcheck.formats.paths import artifact_location
from sovcheck.formats.sarif import fingerprint
from sovcheck.model.report import (
    BaselineComparison,
    BaselineFinding,
    Finding,
    Gate,
    Report,
    Status,
)
from sovcheck.model.rubric import Severity

BASELINE_VERSION = 1
DEFAULT_FAIL_ON_NEW = Severity.HIGH
NEW_FINDINGS_GATE = "new-findings"
_RANK = {Status.UNKNOWN: 1, Status.FAIL: 2}
_EPS = 1e-9


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)


class BaselineEntry(_Model):
    rule: str = Field(min_length=1)
    component: str | None
    status: Literal["fail", "unknown"]
    severity: Severity
    fingerprint: str
    message: str


class BaselineGate(_Model):
    id: str = Field(min_length=1)
    actual: float | str


class BaselineInventory(_Model):
    path: str = Field(min_length=1)
    system: str
    findings: tuple[BaselineEntry, ...] = ()
    failing_gates: tuple[BaselineGate, ...] = ()


class Baseline(_Model):
    sovcheck_baseline: Literal[1]
    rubric: str
    inventories: tuple[BaselineInventory, ...]


def inventory_key(path: str) -> str:
    return artifact_location(path).path


def create(reports: Sequence[Report]) -> str:
    """The baseline file's text for these audits (sorted: the same audits, the same bytes)."""
    return jsontext.dumps(of_reports(reports).model_dump(mode="json"))


def of_reports(reports: Sequence[Report]) -> Baseline:
    """The baseline of these audits: what ``create`` writes, and what a saved report
    given as ``--baseline`` is taken for."""
    inventories = []
    for report in sorted(reports, key=lambda r: inventory_key(r.inventory.path)):
        entries = sorted(
            (
                BaselineEntry(
                    rule=f.rule,
                    component=f.component,
                    status="fail" if f.status is Status.FAIL else "unknown",
                    severity=f.severity,
                    fingerprint=fingerprint(f.rule, f.component),
                    message=f.message,
                )
                for f in report.findings
                if f.status in _RANK
            ),
            key=lambda e: (e.rule, e.component or ""),
        )
        inventories.append(
            BaselineInventory(
                path=inventory_key(report.inventory.path),
                system=report.inventory.system,
                findings=tuple(entries),
                failing_gates=tuple(
                    BaselineGate(id=g.id, actual=g.actual) for g in report.gates if not g.passed
                ),
            )
        )
    rubric = f"{reports[0].rubric.id} v{reports[0].rubric.version}" if reports else ""
    return Baseline(sovcheck_baseline=1, rubric=rubric, inventories=tuple(inventories))


def load(path: Path) -> Baseline:
    """A baseline file, or a saved ``audit --format json`` report (version 1 or 2, one
    inventory's or several's) taken as the baseline of its audits; an InputError naming
    file, line and column."""
    from sovcheck.load.document import read_document
    from sovcheck.load.saved_report import is_report_data, read_report, read_reports
    from sovcheck.load.validation import validate_model

    doc = read_document(path)
    if is_report_data(doc.data):
        return of_reports([read_report(doc)])
    if isinstance(doc.data, list) and doc.data and all(map(is_report_data, doc.data)):
        return of_reports(read_reports(doc))
    if not isinstance(doc.data, dict) or "sovcheck_baseline" not in doc.data:
        raise InputError(
            f"{doc.path}: not a sovcheck baseline (no 'sovcheck_baseline') nor a saved JSON "
            "report; make one with sovcheck audit INVENTORY --create-baseline FILE"
        )
    return validate_model(doc, Baseline)


def _worse(actual: float | str, accepted: float | str, kind: str) -> bool:
    """Whether a gate's value moved the wrong way since the baseline accepted it."""
    if kind == "severity":
        rank = {s.value: s.rank for s in Severity} | {"none": -1}
        return rank.get(str(actual), 99) > rank.get(str(accepted), 99)
    if isinstance(actual, str) or isinstance(accepted, str):
        # "not assessed" is no level: worse than any level it had
        return actual != accepted and isinstance(actual, str)
    return actual + _EPS < accepted


def compare(
    report: Report,
    baseline: Baseline,
    baseline_file: str,
    *,
    fail_on_new: Severity | None = DEFAULT_FAIL_ON_NEW,
) -> Report:
    """``report`` with its gates judged against ``baseline`` (see the module docstring)."""
    key = inventory_key(report.inventory.path)
    recorded = next((inv for inv in baseline.inventories if inv.path == key), None)
    accepted_status: Mapping[tuple[str, str | None], int] = (
        {(e.rule, e.component): _RANK[Status(e.status)] for e in recorded.findings}
        if recorded
        else {}
    )
    new: list[Finding] = []
    current: set[tuple[str, str | None]] = set()
    for f in report.findings:
        if f.effective_status not in _RANK:
            continue
        current.add((f.rule, f.component))
        # a waived finding is accepted by its waiver, whatever the baseline says
        if f.status in _RANK and accepted_status.get((f.rule, f.component), 0) < _RANK[f.status]:
            new.append(f)
    left = [
        e for e in (recorded.findings if recorded else ()) if (e.rule, e.component) not in current
    ]
    new_failing = [f for f in new if f.status is Status.FAIL]
    waived = sum(1 for f in report.findings if f.status is Status.WAIVED)
    accepted_gates = {g.id: g.actual for g in recorded.failing_gates} if recorded else {}

    gates: list[Gate] = []
    for gate in report.gates:
        if gate.kind == "severity":
            worst = max((f.severity for f in new_failing), key=lambda s: s.rank, default=None)
            threshold = Severity(str(gate.threshold))
            gates.append(
                gate.model_copy(
                    update={
                        "actual": worst.value if worst else "none",
                        "passed": worst is None or worst.rank < threshold.rank,
                    }
                )
            )
        elif not gate.passed and gate.id in accepted_gates:
            was = accepted_gates[gate.id]
            gates.append(
                gate.model_copy(
                    update={"passed": not _worse(gate.actual, was, gate.kind), "baseline": was}
                )
            )
        else:
            gates.append(gate)
    if fail_on_new is not None:
        at_or_above = [f for f in new_failing if f.severity.rank >= fail_on_new.rank]
        gates.append(
            Gate(
                id=NEW_FINDINGS_GATE,
                kind="baseline",
                threshold=fail_on_new.value,
                actual=len(at_or_above),
                passed=not at_or_above,
                source="baseline",
            )
        )
    comparison = BaselineComparison(
        file=baseline_file,
        inventory_found=recorded is not None,
        accepted=len(current) - len(new) - waived,
        new=tuple(_ref(f) for f in sorted(new, key=_order)),
        left=tuple(
            BaselineFinding(
                rule=e.rule,
                component=e.component,
                status=Status(e.status),
                severity=e.severity,
                message=e.message,
                line=None,
            )
            for e in left
        ),
    )
    overall = report.overall.model_copy(update={"passed": all(g.passed for g in gates)})
    return report.model_copy(
        update={"gates": tuple(gates), "overall": overall, "baseline": comparison}
    )


def _order(f: Finding) -> tuple[int, int, str, str]:
    return (0 if f.status is Status.FAIL else 1, -f.severity.rank, f.rule, f.component or "")


def _ref(f: Finding) -> BaselineFinding:
    return BaselineFinding(
        rule=f.rule,
        component=f.component,
        status=f.status,
        severity=f.severity,
        message=f.message,
        line=f.location.line,
    )
