"""The greedy search: measure the candidates, take the best as the next step, repeat."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

from sovcheck.audit import AuditOptions
from sovcheck.catalog import Catalog
from sovcheck.errors import InputError
from sovcheck.load.inventory import LoadedInventory
from sovcheck.load.rubric import LoadedRubric
from sovcheck.plan.candidates import SOURCE_RANK, Candidate, component_candidates, fact_candidates
from sovcheck.plan.edits import Edits, apply_edits, with_inventory
from sovcheck.plan.evaluate import (
    FORMULA,
    PlanState,
    control_of,
    evaluate_state,
    finding_costs,
    progress,
    score_changes,
    target_lines,
)
from sovcheck.plan.report import EPS, GapReport, Step, finding_order
from sovcheck.plan.targets import Target, check_target, target_spec

MAX_STEPS = 10
# Candidates measured together: all of them in a small inventory; in a large one, batches
# in the order of what the findings they can change cost (see _batches).
BATCH = 32


def _key_text(key: tuple[str, str | None]) -> str:
    return f"{key[0]} {key[1] or '(system)'}"


def plan_gap(
    loaded: LoadedInventory,
    rubric: LoadedRubric,
    catalog: Catalog,
    options: AuditOptions,
    target: Target,
    *,
    max_steps: int = MAX_STEPS,
) -> GapReport:
    """Plan, greedily, the steps that bring the inventory to ``target`` (package docstring)."""
    check_target(target, rubric)
    state = first = evaluate_state(loaded, rubric, catalog, options)
    first_lines = target_lines(state, rubric, target, with_costs=True)
    lines = first_lines
    steps: list[Step] = []
    touched: dict[str, int] = {}
    _, not_modelled = fact_candidates(state, rubric)
    stopped: Literal["reached", "no-improvement", "step-limit"] = "step-limit"
    rules_by_id = {r.id: r for r in rubric.rubric.rules}
    rule_order = {r.id: i for i, r in enumerate(rubric.rubric.rules)}
    for _ in range(max_steps + 1):
        if all(line.reached for line in lines):
            stopped = "reached"
            break
        if len(steps) == max_steps:
            stopped = "step-limit"
            break
        facts, _skipped = fact_candidates(state, rubric)
        changes_found, _ = component_candidates(state, catalog, options.today)
        candidates = changes_found + facts
        best: (
            tuple[tuple[float, int, float, int, int, str], Candidate, PlanState, tuple[str, ...]]
            | None
        ) = None
        for batch in _batches(state, rubric, candidates):
            for cand in batch:
                try:
                    new_inv, removed = apply_edits(state.inventory, cand.edits, catalog)
                except InputError:
                    continue
                new_state = evaluate_state(
                    with_inventory(state.loaded, new_inv), rubric, catalog, options, words=False
                )
                gain, unblocked = progress(
                    lines,
                    target_lines(new_state, rubric, target, with_costs=False),
                    state,
                    new_state,
                )
                overall = round(new_state.exact["overall"] - state.exact["overall"], 9)
                key = (
                    -gain,
                    -unblocked,
                    -overall,
                    SOURCE_RANK[cand.source],
                    cand.preference,
                    cand.id,
                )
                if (gain > EPS or unblocked > 0) and (best is None or key < best[0]):
                    best = (key, cand, new_state, removed)
            if best is not None:
                break
        if best is None:
            stopped = "no-improvement"
            break
        key, cand, measured, removed = best
        # the step taken is confirmed by a full audit, whose findings say why
        new_state = evaluate_state(measured.loaded, rubric, catalog, options)
        before_failing = state.failing()
        after_failing = new_state.failing()
        fixed = sorted(set(before_failing) - set(after_failing), key=finding_order)
        new = sorted(set(after_failing) - set(before_failing), key=finding_order)
        references: list[str] = []
        for rule_id in sorted({k[0] for k in fixed}, key=lambda r: rule_order.get(r, 0)):
            for ref in rules_by_id[rule_id].references:
                if ref not in references:
                    references.append(ref)
        number = len(steps) + 1
        depends_steps = sorted({touched[c] for c in cand.components if c in touched})
        steps.append(
            Step(
                number=number,
                kind=cand.kind,
                source=cand.source,
                candidate=cand.id,
                summary=cand.summary,
                components=cand.components,
                host=cand.host,
                modelled_change=cand.modelled,
                replace=cand.edits.replace,
                set_fields=cand.edits.set_fields,
                options=cand.edits.options(),
                alternatives=cand.alternatives,
                removed=removed,
                depends_on=cand.depends
                + tuple(f"step {n}" for n in depends_steps)
                + ((f"{', '.join(removed)} decommissioned",) if removed else ()),
                depends_on_steps=tuple(depends_steps),
                assumes_fact=cand.assumes_fact,
                changes=score_changes(state, new_state),
                gain=round(-key[0], 4),
                fixed=tuple(_key_text(k) for k in fixed),
                new=tuple(_key_text(k) for k in new),
                references=tuple(references),
                offer=cand.offer,
                supplier=cand.supplier,
                offers=cand.offers,
                effort=cand.effort,
                foreign_spend_change_eur=_foreign_spend_change(state, new_state, cand, removed),
            )
        )
        for c in cand.components:
            touched[c] = number
        state = new_state
        lines = target_lines(state, rubric, target, with_costs=False)
    final = target_lines(state, rubric, target, with_costs=True)
    _, no_offer = component_candidates(state, catalog, options.today)
    open_lines = [line for line in final if not line.reached]
    open_ids = {line.id for line in open_lines}
    blocked_by = tuple(
        f"{line.id}: {c.rule} {c.component or '(system)'} ({c.status.value}, {c.points:g} points)"
        for line in open_lines
        for c in line.costs
    )
    rule_objective = {r.id: r.objective for r in rubric.rubric.rules}
    to_establish = tuple(
        f"{field} of {cid or '(system)'} ({', '.join(sorted(rules))})"
        for (cid, field), rules in sorted(
            state.result.unknowns.items(), key=lambda kv: (kv[0][0] or "", kv[0][1])
        )
        if "overall" in open_ids or any(rule_objective.get(r) in open_ids for r in rules)
    )
    return GapReport(
        inventory=loaded.path,
        system=loaded.inventory.system.name,
        rubric=rubric.rubric.id,
        rubric_version=rubric.rubric.version,
        formula=FORMULA,
        target=target_spec(target, rubric),
        before=tuple(first_lines),
        steps=tuple(steps),
        after=tuple(final),
        objectives_after=score_changes(first, state),
        reached=all(line.reached for line in final),
        stopped=stopped,
        assumes_facts=any(s.assumes_fact for s in steps),
        not_modelled=tuple(not_modelled),
        no_offer=tuple(no_offer),
        blocked_by=blocked_by,
        facts_to_establish=to_establish,
    )


def _foreign_spend_change(
    was: PlanState, now: PlanState, cand: Candidate, removed: Sequence[str]
) -> float | None:
    """The annual spend that stops going to foreign suppliers: the stated cost of each
    component the step takes out of foreign control or decommissions (priced as before)."""
    total = 0.0
    costed = False
    for cid in dict.fromkeys((*cand.components, *removed)):
        comp = was.by_id.get(cid)
        if comp is None or comp.annual_cost_eur is None or control_of(was, cid) != "foreign":
            continue
        if cid in removed or control_of(now, cid) in ("home", "trusted"):
            total -= comp.annual_cost_eur
            costed = True
    return total if costed else None


def _batches(
    state: PlanState, rubric: LoadedRubric, candidates: list[Candidate]
) -> list[list[Candidate]]:
    """The candidates in batches of ``BATCH``, those with the most points at stake first.

    Measuring a candidate is a whole audit, and a large inventory has a candidate or more
    per component: measuring them all at every step grows with the square of the estate.
    What a candidate can win is at most what the findings it can change cost: for
    establishing a fact, the unknown findings of that component that miss that fact; for
    any other change, the findings of the components it changes. The search stops at the
    first batch where a candidate helps. With ``BATCH`` candidates or fewer, which is
    every shipped inventory, all are measured, as before.
    """
    if len(candidates) <= BATCH:
        return [candidates]
    failing = state.failing()
    at_component: dict[str, float] = {}
    for_fact: dict[tuple[str, str], float] = {}
    for costs in finding_costs(state, rubric).values():
        for cost in costs:
            if cost.component is None:
                continue
            at_component[cost.component] = at_component.get(cost.component, 0.0) + cost.points
            found = failing.get((cost.rule, cost.component))
            for name in found.unknown_fields if found is not None else ():
                key = (cost.component, name)
                for_fact[key] = for_fact.get(key, 0.0) + cost.points

    def stake(cand: Candidate) -> float:
        if cand.kind == "establish":
            return sum(for_fact.get((cid, name), 0.0) for cid, name, _ in cand.edits.set_fields)
        return sum(at_component.get(cid, 0.0) for cid in cand.components)

    order = sorted(range(len(candidates)), key=lambda k: (-stake(candidates[k]), k))
    ranked = [candidates[k] for k in order]
    return [ranked[i : i + BATCH] for i in range(0, len(ranked), BATCH)]


def plan_edits(report: GapReport) -> Edits:
    """Every step's changes, in order, as what-if options (for ``whatif``)."""
    replace: list[tuple[str, str]] = []
    sets: list[tuple[str, str, str]] = []
    for step in report.steps:
        replace.extend(step.replace)
        sets.extend(step.set_fields)
    return Edits(tuple(replace), tuple(sets))
