"""One audit of a (modified) inventory as the planner reads it: facts, findings, exact
scores, what each finding costs and how far each target line is."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any

from sovcheck.audit import AuditOptions, build_facts
from sovcheck.catalog import Catalog
from sovcheck.engine import EngineResult, evaluate
from sovcheck.load.inventory import LoadedInventory
from sovcheck.load.rubric import LoadedRubric
from sovcheck.model.inventory import (
    Component,
    Inventory,
    Kind,
    Relation,
)
from sovcheck.model.report import Finding, ObjectiveResult, Overall, Status
from sovcheck.plan.report import EPS, FindingCost, ScoreChange, TargetLine
from sovcheck.plan.targets import FailUnder, Target, TargetLevel
from sovcheck.rules.facts import AuditFacts
from sovcheck.rules.values import Unknown
from sovcheck.scoring import exact_scores, score

FORMULA = (
    "A finding's credit is 1 for pass, 0 for fail and the rule's unknown credit (else the "
    "rubric's) for unknown; a waived finding counts as a pass. A rule's credit is the mean of "
    "its findings' credits, or the lowest one for weakest-link rules (aggregate: min). An "
    "objective's score is 100 x sum(weight x credit) / sum(weight) over its rules that apply "
    "to at least one component (100, not assessed, when none applies). Its level is the "
    "highest level whose minimum score it reaches and whose worst allowed failing severity no "
    "failing finding of the objective exceeds. The overall score is the mean of the objective "
    "scores weighted by objective weight. A finding's cost below is the credit it loses times "
    "its rule's weight, in points of its objective's score."
)

HOST_KINDS = frozenset({Kind.CLOUD, Kind.DATACENTER, Kind.SERVICE})
DATA_RELATIONS = (Relation.RUNS_ON, Relation.CALLS)
DATA_OBJECTIVE = "data-security"


@dataclass
class PlanState:
    loaded: LoadedInventory
    facts: AuditFacts
    result: EngineResult
    objectives: dict[str, ObjectiveResult]
    overall: Overall
    exact: dict[str, float]

    @property
    def inventory(self) -> Inventory:
        return self.loaded.inventory

    @cached_property
    def by_id(self) -> dict[str, Component]:
        return {c.id: c for c in self.inventory.components}

    @cached_property
    def home_supplier(self) -> str | None:
        """The supplier of the most home-controlled components (smallest id on a tie)."""
        counts: dict[str, int] = {}
        for c in self.inventory.components:
            if c.supplier is not None and control_of(self, c.id) == "home":
                counts[c.supplier] = counts.get(c.supplier, 0) + 1
        return min(counts, key=lambda o: (-counts[o], o)) if counts else None

    @cached_property
    def data_senders(self) -> dict[str, tuple[str, ...]]:
        """Per component, the components that send it data (``DATA_RELATIONS``), by id."""
        senders: dict[str, set[str]] = {}
        for comp in self.inventory.components:
            for relation in DATA_RELATIONS:
                for target in comp.targets(relation):
                    senders.setdefault(target, set()).add(comp.id)
        return {target: tuple(sorted(ids)) for target, ids in senders.items()}

    def failing(self) -> dict[tuple[str, str | None], Finding]:
        """Findings that cost score (fail or unknown, not waived), by (rule, component)."""
        return {
            (f.rule, f.component): f
            for f in self.result.findings
            if f.status in (Status.FAIL, Status.UNKNOWN)
        }


def evaluate_state(
    loaded: LoadedInventory,
    rubric: LoadedRubric,
    catalog: Catalog,
    options: AuditOptions,
    *,
    words: bool = True,
) -> PlanState:
    """One audit. Without ``words`` (measuring a candidate) its findings carry no message
    nor path; its scores, levels and statuses are those of the full audit."""
    facts = build_facts(loaded, catalog)
    result = evaluate(loaded, facts, rubric, today=options.today, include_passed=False, words=words)
    objectives, overall, _ = score(rubric, result, options.gates)
    exact = exact_scores(rubric, result)
    exact.setdefault("overall", overall.score)
    return PlanState(loaded, facts, result, {o.id: o for o in objectives}, overall, exact)


def _unknown_credit(rubric: LoadedRubric, rule_credit: float | None) -> float:
    return rubric.rubric.unknown_credit if rule_credit is None else rule_credit


def finding_costs(state: PlanState, rubric: LoadedRubric) -> dict[str, list[FindingCost]]:
    """Per objective, what each non-passing finding costs (see the package docstring)."""
    by_rule: dict[str, list[Finding]] = {}
    for f in state.result.findings:
        by_rule.setdefault(f.rule, []).append(f)
    denominators: dict[str, float] = {}
    for tally in state.result.tallies:
        if tally.applicable:
            rule = tally.rule.rule
            denominators[rule.objective] = denominators.get(rule.objective, 0.0) + rule.weight
    costs: dict[str, list[FindingCost]] = {}
    for tally in state.result.tallies:
        rule = tally.rule.rule
        n = tally.applicable
        if n == 0:
            continue
        u = _unknown_credit(rubric, rule.unknown_credit)
        findings = [f for f in by_rule.get(rule.id, []) if not f.waived]
        lost: list[tuple[Finding, float]] = []
        if rule.aggregate == "min":
            fails = [f for f in findings if f.status is Status.FAIL]
            unknowns = [f for f in findings if f.status is Status.UNKNOWN]
            if fails:
                lost = [(f, 1.0 / len(fails)) for f in fails]
            elif unknowns:
                lost = [(f, (1.0 - u) / len(unknowns)) for f in unknowns]
        else:
            for f in findings:
                if f.status is Status.FAIL:
                    lost.append((f, 1.0 / n))
                elif f.status is Status.UNKNOWN:
                    lost.append((f, (1.0 - u) / n))
        den = denominators[rule.objective]
        for f, credit in lost:
            if credit <= 0:
                continue
            cost = credit * rule.weight
            costs.setdefault(rule.objective, []).append(
                FindingCost(
                    rule=f.rule,
                    component=f.component,
                    status=f.status,
                    severity=f.severity.value,
                    message=f.message,
                    cost=round(cost, 4),
                    points=round(100 * cost / den, 2),
                    weakest_link=rule.aggregate == "min",
                )
            )
    for items in costs.values():
        items.sort(key=lambda c: (-c.points, c.rule, c.component or ""))
    return costs


def target_lines(
    state: PlanState, rubric: LoadedRubric, target: Target, with_costs: bool
) -> list[TargetLine]:
    r = rubric.rubric
    costs = finding_costs(state, rubric) if with_costs else {}
    lines: list[TargetLine] = []
    if isinstance(target, FailUnder):
        total = sum(o.weight for o in r.objectives)
        overall_costs: list[FindingCost] = []
        for o in r.objectives:
            for c in costs.get(o.id, []):
                overall_costs.append(
                    c.model_copy(update={"points": round(c.points * o.weight / total, 2)})
                )
        overall_costs.sort(key=lambda c: (-c.points, c.rule, c.component or ""))
        ov = state.overall
        gap = max(0.0, round(target.score - ov.score, 1))
        lines.append(
            TargetLine(
                id="overall",
                title="Overall",
                score=ov.score,
                level=ov.level,
                level_name=ov.level_name,
                target=target.score,
                gap=gap,
                reached=ov.score + EPS >= target.score,
                costs=tuple(overall_costs),
            )
        )
        return lines
    for o in r.objectives:
        res = state.objectives[o.id]
        blocking: tuple[str, ...] = ()
        target_level: int | None = None
        if isinstance(target, TargetLevel):
            level = next(lv for lv in r.levels if lv.level == target.level)
            goal = level.min_score
            target_level = level.level
            limit = level.max_failing_severity
            if limit is not None:
                blocking = tuple(
                    sorted(
                        f"{f.rule} {f.component or '(system)'}"
                        for f in state.result.findings
                        if f.objective == o.id
                        and f.status is Status.FAIL
                        and f.severity.rank > limit.rank
                    )
                )
            reached = res.level >= target.level
        else:
            if o.id not in target.minimums:
                continue
            goal = target.minimums[o.id]
            reached = res.score + EPS >= goal
        lines.append(
            TargetLine(
                id=o.id,
                title=o.title,
                score=res.score,
                level=res.level,
                level_name=res.level_name,
                target=goal,
                target_level=target_level,
                gap=max(0.0, round(goal - res.score, 1)),
                blocking=blocking,
                reached=reached,
                costs=tuple(costs.get(o.id, [])) if not reached else (),
            )
        )
    return lines


def progress(
    before: list[TargetLine], after: list[TargetLine], was: PlanState, now: PlanState
) -> tuple[float, int]:
    """(gain toward the target, reduction of findings that block a target level).

    The gain is computed on the unrounded scores: one component of a large estate moves an
    objective by less than the 0.1 of a displayed score, and ranking on rounded scores
    would leave the choice to tie-breakers. Whether a line is reached stays decided on the
    displayed score, as the gates decide it."""
    gain = 0.0
    blocking = 0
    for b, a in zip(before, after, strict=True):
        eb, ea = was.exact[b.id], now.exact[a.id]
        if b.score + EPS < b.target:
            gain += min(ea - eb, b.target - eb)
        elif a.score + EPS < a.target:
            gain -= a.target - ea
        blocking += len(b.blocking) - len(a.blocking)
    return gain, blocking


def control_of(state: PlanState, cid: str) -> Any:
    i = state.facts.chain.index.get(cid)
    return None if i is None else state.facts.get(i, "control")


def chain_text(state: PlanState, cid: str) -> str:
    i = state.facts.chain.index[cid]
    countries = state.facts.get(i, "controlled_from")
    supplier = state.facts.comp(i).supplier or "unknown supplier"
    if isinstance(countries, Unknown):
        return supplier
    return f"{supplier}, controlled from {', '.join(sorted(countries))}"


def senders_of(state: PlanState, cid: str) -> tuple[str, ...]:
    return state.data_senders.get(cid, ())


def score_changes(before: PlanState, after: PlanState) -> tuple[ScoreChange, ...]:
    out = [
        ScoreChange(
            id=oid,
            before=b.score,
            after=after.objectives[oid].score,
            delta=round(after.objectives[oid].score - b.score, 1),
            level_before=b.level,
            level_after=after.objectives[oid].level,
        )
        for oid, b in before.objectives.items()
    ]
    out.append(
        ScoreChange(
            id="overall",
            before=before.overall.score,
            after=after.overall.score,
            delta=round(after.overall.score - before.overall.score, 1),
            level_before=before.overall.level,
            level_after=after.overall.level,
        )
    )
    return tuple(out)
