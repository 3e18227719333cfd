"""What changed between two inventories or saved reports, and whether it is worse."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sovcheck.audit import AuditOptions, run_audit
from sovcheck.catalog import Catalog
from sovcheck.load.inventory import load_for_catalog
from sovcheck.load.rubric import LoadedRubric
from sovcheck.model.inventory import (
    Component,
    Inventory,
)
from sovcheck.model.report import Finding, Report, Status
from sovcheck.model.rubric import Severity
from sovcheck.plan.report import EPS, PlanModel, ScoreChange, finding_order

DIFF_VERSION = 1


@dataclass(frozen=True)
class DiffSide:
    """One side of a diff: a report, and the inventory when the side is one."""

    label: str
    report: Report
    inventory: Inventory | None = None


def load_side(
    path: str,
    rubric: LoadedRubric,
    catalog: Catalog,
    options: AuditOptions,
    *,
    display_name: str | None = None,
) -> DiffSide:
    """An inventory (audited with ``rubric``) or a saved ``audit --format json`` report."""
    from sovcheck.load.document import read_document
    from sovcheck.load.saved_report import is_report_data, read_report

    doc = read_document(path, display_name=display_name)
    if is_report_data(doc.data):
        return DiffSide(doc.path, read_report(doc))
    loaded = load_for_catalog(path, catalog, display_name=display_name)
    return DiffSide(loaded.path, run_audit(loaded, rubric, catalog, options), loaded.inventory)


class ComponentChange(PlanModel):
    id: str
    fields: tuple[str, ...]


class FindingChange(PlanModel):
    rule: str
    component: str | None
    objective: str
    severity: str
    status_before: Status | None
    status_after: Status | None
    message: str


class ObjectiveChange(PlanModel):
    id: str
    title: str
    before: float
    after: float
    delta: float
    level_before: int
    level_after: int
    threshold: float | None
    passed_before: bool
    passed_after: bool


class GateChange(PlanModel):
    id: str
    passed_before: bool | None
    passed_after: bool | None
    actual_before: float | str | None
    actual_after: float | str | None


class DiffReport(PlanModel):
    diff_version: int = DIFF_VERSION
    base: str
    head: str
    components_compared: bool
    added: tuple[str, ...]
    removed: tuple[str, ...]
    changed: tuple[ComponentChange, ...]
    new_findings: tuple[FindingChange, ...]
    fixed_findings: tuple[FindingChange, ...]
    changed_findings: tuple[FindingChange, ...]
    objectives: tuple[ObjectiveChange, ...]
    overall: ScoreChange
    gates: tuple[GateChange, ...]
    # --fail-on-new: the severity from which a failing finding that BASE did not have
    # makes HEAD worse (None: no such gate), and those findings, most severe first
    fail_on_new: Severity | None = None
    new_failing: tuple[FindingChange, ...] = ()
    worse: bool
    worse_reasons: tuple[str, ...]
    notes: tuple[str, ...]


def _costly(findings: Iterable[Finding]) -> dict[tuple[str, str | None], Finding]:
    return {
        (f.rule, f.component): f
        for f in findings
        if f.status in (Status.FAIL, Status.UNKNOWN, Status.WAIVED)
    }


def _finding_change(before: Finding | None, after: Finding | None) -> FindingChange:
    f = after if after is not None else before
    assert f is not None
    return FindingChange(
        rule=f.rule,
        component=f.component,
        objective=f.objective,
        severity=f.severity.value,
        status_before=None if before is None else before.status,
        status_after=None if after is None else after.status,
        message=f.message,
    )


def _component_changes(
    base: Inventory, head: Inventory
) -> tuple[tuple[str, ...], tuple[str, ...], tuple[ComponentChange, ...]]:
    b = {c.id: c for c in base.components}
    h = {c.id: c for c in head.components}
    changed = []
    for cid in sorted(set(b) & set(h)):
        if b[cid] != h[cid]:
            fields = tuple(
                name
                for name in Component.model_fields
                if getattr(b[cid], name) != getattr(h[cid], name)
            )
            changed.append(ComponentChange(id=cid, fields=fields))
    return tuple(sorted(set(h) - set(b))), tuple(sorted(set(b) - set(h))), tuple(changed)


def diff(
    base: DiffSide, head: DiffSide, *, fail_on_new: Severity | None = Severity.HIGH
) -> DiffReport:
    """What changed from ``base`` to ``head``, and whether ``head`` is worse: on any gate,
    or by a failing finding that ``base`` does not have (new, or not failing there) at or
    above ``fail_on_new``. A score averaged over many components can hide one new critical
    failure; this gate does not."""
    notes: list[str] = []
    rb, rh = base.report, head.report
    if (rb.rubric.id, rb.rubric.version) != (rh.rubric.id, rh.rubric.version):
        notes.append(
            f"the rubrics differ ({rb.rubric.id} v{rb.rubric.version} vs "
            f"{rh.rubric.id} v{rh.rubric.version}); scores may not be comparable"
        )
    if base.inventory is not None and head.inventory is not None:
        added, removed, changed = _component_changes(base.inventory, head.inventory)
        compared = True
    else:
        added, removed, changed = (), (), ()
        compared = False
        notes.append("components are compared only between two inventories, not saved reports")
    fb, fh = _costly(rb.findings), _costly(rh.findings)
    new = [_finding_change(None, fh[k]) for k in sorted(set(fh) - set(fb), key=finding_order)]
    fixed = [_finding_change(fb[k], None) for k in sorted(set(fb) - set(fh), key=finding_order)]
    changed_f = [
        _finding_change(fb[k], fh[k])
        for k in sorted(set(fb) & set(fh), key=finding_order)
        if fb[k].status is not fh[k].status or fb[k].message != fh[k].message
    ]
    objectives: list[ObjectiveChange] = []
    reasons: list[str] = []
    new_failing = sorted(
        (
            _finding_change(fb.get(k), f)
            for k, f in fh.items()
            if f.status is Status.FAIL and (k not in fb or fb[k].status is not Status.FAIL)
        ),
        key=lambda c: (-Severity(c.severity).rank, c.rule, c.component or ""),
    )
    new_reasons: list[str] = []
    if fail_on_new is not None:
        for c in new_failing:
            if Severity(c.severity).rank >= fail_on_new.rank:
                was = "new" if c.status_before is None else f"{c.status_before.value} in base"
                new_reasons.append(
                    f"{c.rule} fails on {c.component or '(system)'} ({c.severity}, {was}), "
                    f"at or above --fail-on-new {fail_on_new.value}"
                )
    ob = {o.id: o for o in rb.objectives}
    for o in rh.objectives:
        b = ob.get(o.id)
        if b is None:
            notes.append(f"objective {o.id} is only in {head.label}")
            continue
        objectives.append(
            ObjectiveChange(
                id=o.id,
                title=o.title,
                before=b.score,
                after=o.score,
                delta=round(o.score - b.score, 1),
                level_before=b.level,
                level_after=o.level,
                threshold=o.threshold,
                passed_before=b.passed,
                passed_after=o.passed,
            )
        )
        if o.score + EPS < b.score and o.threshold is not None and o.score + EPS < o.threshold:
            reasons.append(
                f"{o.id} drops from {b.score:g} to {o.score:g}, below its threshold {o.threshold:g}"
            )
    gb = {g.id: g for g in rb.gates}
    gh = {g.id: g for g in rh.gates}
    gates: list[GateChange] = []
    for gid in sorted(set(gb) | set(gh)):
        before_gate, after_gate = gb.get(gid), gh.get(gid)
        gates.append(
            GateChange(
                id=gid,
                passed_before=None if before_gate is None else before_gate.passed,
                passed_after=None if after_gate is None else after_gate.passed,
                actual_before=None if before_gate is None else before_gate.actual,
                actual_after=None if after_gate is None else after_gate.actual,
            )
        )
        if (
            before_gate is not None
            and after_gate is not None
            and before_gate.passed
            and not after_gate.passed
        ):
            reasons.append(f"gate {gid} passed in {base.label} and fails in {head.label}")
    overall = ScoreChange(
        id="overall",
        before=rb.overall.score,
        after=rh.overall.score,
        delta=round(rh.overall.score - rb.overall.score, 1),
        level_before=rb.overall.level,
        level_after=rh.overall.level,
    )
    return DiffReport(
        base=base.label,
        head=head.label,
        components_compared=compared,
        added=added,
        removed=removed,
        changed=changed,
        new_findings=tuple(new),
        fixed_findings=tuple(fixed),
        changed_findings=tuple(changed_f),
        objectives=tuple(objectives),
        overall=overall,
        gates=tuple(gates),
        fail_on_new=fail_on_new,
        new_failing=tuple(new_failing),
        worse=bool(reasons or new_reasons),
        worse_reasons=(*new_reasons, *sorted(set(reasons))),
        notes=tuple(notes),
    )
