"""Gap reports, what-if audits and diffs: the way from an audit to a target.

Pure: no printing, no files written, no clock; the caller passes the loaded inventory,
rubric, catalog and options. Every score change stated here is measured by re-running
the engine and the scoring on a modified copy of the inventory, never estimated.

How ``plan_gap`` plans (the README summarizes this):

1. **Target.** One of: a readiness level L (every objective at level L or above), an overall
   score N (``--fail-under``), or per-objective minimums (``--min OBJ=N``; without any
   target option, the rubric's objective thresholds). Given minimums replace the rubric's
   thresholds entirely: the plan aims at the objectives named, nothing else.
2. **Where it stands.** For each objective below its target: the score, the gap, and the
   findings that cost the most. A finding's cost is the credit it loses times its rule's
   weight, from the engine's per-rule tallies: for a rule that averages, a failing finding
   loses 1/n of the rule's credit and an unknown one (1 - unknown credit)/n, n being the
   findings the rule applies to; for a weakest-link rule (``aggregate: min``) the rule's
   whole loss is shared by the findings at its worst status. In score points the cost is
   100 x cost / (sum of the weights of the objective's applicable rules), so the costs of
   an objective add up to 100 minus its score.
3. **Candidate steps**, built from the current (possibly already modified) inventory:

   * *rewire* (source ``inventory``, ``substitutes`` or ``catalog``): a host (cloud,
     datacenter, service) that fails a data-security rule because restricted data reaches
     it through ``runs_on`` or ``calls`` under foreign control. Either every relation that
     targets it is pointed at a trusted host of the same kind that exists in the
     inventory, or the host is replaced by a modelled offer of a catalog organization
     (below);
   * *replace* (source ``substitutes`` or ``catalog``): any other component that fails a
     rule and is under foreign control. A substitute named in ``substitutes`` that exists in
     the inventory and is home or trusted takes its place (every relation that targeted the
     component targets the substitute). A catalog replacement is an **offer** of the same
     kind and capability (``_capabilities``) whose organization's whole control chain is
     home or trusted, and which holds every certification ``_required_certifications``
     names. It keeps the component and models the change: ``supplier`` becomes the
     offer's organization; ``location`` where the offer runs, home first (unknown when the
     catalog lists none in the trusted area); ``certifications`` the offer's cited ones;
     and the relations to the old provider's own components (its sites, staff, energy:
     any component whose supplier is in the old control chain) are dropped. Offers that
     would model the same change are evaluated once, the preferred one (home, then
     trusted, then built on a foreign stack; then the smallest id) measured and the others
     listed as alternatives. A foreign failing component with no candidate at all is
     reported (``NoOffer``), e.g. "no trusted accelerator offer in the catalog";
   * *establish* (source ``fact``): each unknown fact that costs score. sovcheck cannot
     invent facts: the step says "establish <field> of <component>; if it is <value>, the
     score changes by d", d being measured with the favourable value set. Later steps are
     computed on that assumption, and the report says so.

   After any change, components that the entrypoints reached before and reach no longer
   (through any relation) and that nothing refers to any more are dropped, as they would
   be decommissioned.
4. **Greedy search.** Every candidate is applied to a copy and the audit re-run (in an
   inventory with more than 32 candidates, in batches of 32, those with the most points at
   stake first, stopping at the first batch where one helps: see ``_batches``). Its gain is
   the sum, over the target lines still below target, of min(score change, remaining
   gap), minus what it costs lines already at target that it pushes below, on unrounded
   scores; with a level target, ties on that gain go to the candidate that removes more
   failing findings too severe for the level. Remaining ties go to what already exists (a
   named substitute, then a host in the inventory), then to a catalog replacement (home,
   then trusted, then on a foreign stack), then to establishing a fact, and last to the
   smallest candidate id. The best candidate becomes the next step and the search
   restarts from the modified inventory. It stops when the target is reached, when no
   candidate has a positive gain, or after 10 steps. Greedy is not optimal (a weakest-link
   rule may need two steps before either
   shows a gain); the plan is a reasoned order, not a proof of the shortest path.
5. **Dependencies.** A step that moves processing onto a host depends on that host
   existing (an inventory component, or a contract with the catalog organization); a step
   about a component an earlier step modelled depends on that earlier step.

``whatif`` applies ``--replace ID=OTHER`` and ``--set ID.field=value`` to a copy of the
inventory (never the file) and audits both. ``diff`` compares two inventories or saved
JSON reports: components, findings keyed by (rule, component), scores, levels and gates.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, ValidationError

from sovcheck.audit import AuditOptions, build_facts, run_audit
from sovcheck.catalog import Catalog, Organizations
from sovcheck.engine import EngineResult, evaluate
from sovcheck.errors import InputError
from sovcheck.load.document import parse_document
from sovcheck.load.inventory import LoadedInventory, load_for_catalog
from sovcheck.load.rubric import LoadedRubric
from sovcheck.load.validation import did_you_mean
from sovcheck.model.catalog import Capability, CertificationStatus, Offer
from sovcheck.model.inventory import (
    KIND_FIELDS,
    RELATIONS,
    Component,
    Inventory,
    Kind,
    Relation,
)
from sovcheck.model.report import Finding, ObjectiveResult, Overall, Report, Status
from sovcheck.model.rubric import Severity
from sovcheck.rules.facts import AuditFacts
from sovcheck.rules.values import Unknown
from sovcheck.scoring import exact_scores, score

MAX_STEPS = 10
# Candidates measured together: all of them in a small inventory; in a large one, batches
# in the order of what the findings they can change cost (see _batches).
BATCH = 32
GAP_VERSION = 1
DIFF_VERSION = 1
_EPS = 1e-9

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
# What a step takes, when the inventory gives no costs to estimate it with.
Effort = Literal["contract", "migration", "re-platforming", "r-and-d", "fact-finding"]
# On equal gain, prefer what exists over what must be contracted, and changes over facts.
_SOURCE_RANK = {"substitutes": 0, "inventory": 1, "catalog": 2, "fact": 3}


# --------------------------------------------------------------------------- targets


@dataclass(frozen=True)
class TargetLevel:
    """Every objective at this readiness level or above."""

    level: int


@dataclass(frozen=True)
class FailUnder:
    """The overall score reaches this value."""

    score: float


@dataclass(frozen=True)
class Minimums:
    """Each named objective reaches its minimum score."""

    minimums: Mapping[str, float]


Target = TargetLevel | FailUnder | Minimums


def rubric_minimums(rubric: LoadedRubric) -> Minimums:
    """The default target: the rubric's objective thresholds."""
    return Minimums(
        {o.id: o.threshold for o in rubric.rubric.objectives if o.threshold is not None}
    )


def check_target(target: Target, rubric: LoadedRubric) -> None:
    """Usage problems with a target, as InputError naming the option."""
    r = rubric.rubric
    if isinstance(target, TargetLevel):
        levels = sorted(lv.level for lv in r.levels)
        if target.level not in levels:
            raise InputError(
                f"--target-level: level {target.level} is not a level of rubric {r.id} "
                f"(levels: {', '.join(map(str, levels))})"
            )
    elif isinstance(target, Minimums):
        ids = [o.id for o in r.objectives]
        for name in target.minimums:
            if name not in ids:
                raise InputError(
                    f"--min: unknown objective '{name}'{did_you_mean(name, ids)}; "
                    f"objectives of rubric {r.id}: {', '.join(ids)}"
                )


# --------------------------------------------------------------------------- report models


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)


class TargetSpec(_Model):
    kind: Literal["level", "fail-under", "minimums"]
    level: int | None = None
    level_name: str | None = None
    score: float | None = None
    minimums: dict[str, float] = {}
    description: str


class FindingCost(_Model):
    rule: str
    component: str | None
    status: Status
    severity: str
    message: str
    cost: float  # credit lost x rule weight
    points: float  # points of the objective's score (overall score for fail-under)
    weakest_link: bool


class TargetLine(_Model):
    id: str  # an objective id, or "overall"
    title: str
    score: float
    level: int
    level_name: str
    target: float
    target_level: int | None = None
    gap: float
    blocking: tuple[str, ...] = ()  # failing findings too severe for the target level
    reached: bool
    costs: tuple[FindingCost, ...] = ()


class ScoreChange(_Model):
    id: str
    before: float
    after: float
    delta: float
    level_before: int
    level_after: int


class Step(_Model):
    number: int
    kind: Literal["rewire", "replace", "establish"]
    source: Literal["inventory", "substitutes", "catalog", "fact"]
    candidate: str
    summary: str
    components: tuple[str, ...]
    host: str | None = None
    modelled_change: tuple[str, ...]
    replace: tuple[tuple[str, str], ...]
    set_fields: tuple[tuple[str, str, str], ...]
    options: tuple[str, ...]
    alternatives: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    depends_on: tuple[str, ...]
    depends_on_steps: tuple[int, ...] = ()
    assumes_fact: bool
    changes: tuple[ScoreChange, ...]
    gain: float
    fixed: tuple[str, ...]
    new: tuple[str, ...]
    references: tuple[str, ...]
    offer: str | None = None  # the catalog offer proposed
    effort: str = "migration"  # contract | migration | re-platforming | r-and-d | fact-finding
    # change in the annual spend going to foreign suppliers, when the inventory gives the
    # cost of what moves (priced as before: the catalog has no prices); None otherwise
    foreign_spend_change_eur: float | None = None


class NotModelled(_Model):
    component: str | None
    field: str
    rules: tuple[str, ...]
    reason: str


class NoOffer(_Model):
    """A foreign component failing a rule that nothing like it can replace: no named
    substitute, no trusted component of its kind and capability, no catalog offer."""

    component: str
    kind: str
    capabilities: tuple[str, ...]  # empty: unknown
    reason: str  # e.g. "no trusted accelerator offer in the catalog"
    effort: str  # r-and-d: none exists; fact-finding: its capability is to be stated


class GapReport(_Model):
    gap_version: int = GAP_VERSION
    inventory: str
    system: str
    rubric: str
    rubric_version: str
    formula: str
    target: TargetSpec
    before: tuple[TargetLine, ...]
    steps: tuple[Step, ...]
    after: tuple[TargetLine, ...]
    objectives_after: tuple[ScoreChange, ...]
    reached: bool
    stopped: Literal["reached", "no-improvement", "step-limit"]
    assumes_facts: bool
    not_modelled: tuple[NotModelled, ...]
    # what the plan could not change, and why (like-for-like replacements that do not exist)
    no_offer: tuple[NoOffer, ...] = ()
    # when the target is not reached: the findings still below target, by line
    blocked_by: tuple[str, ...] = ()
    facts_to_establish: tuple[str, ...] = ()


# --------------------------------------------------------------------------- edits


@dataclass(frozen=True)
class Edits:
    """Changes to an inventory, as the what-if options express them."""

    replace: tuple[tuple[str, str], ...] = ()
    set_fields: tuple[tuple[str, str, str], ...] = ()

    def options(self) -> tuple[str, ...]:
        return tuple(f"--replace {a}={b}" for a, b in self.replace) + tuple(
            f"--set {c}.{f}={v}" for c, f, v in self.set_fields
        )


def _org_known(org_id: str, inventory: Inventory, catalog: Catalog) -> bool:
    return org_id in catalog.organizations or any(o.id == org_id for o in inventory.organizations)


def _parse_value(text: str, option: str) -> Any:
    if text.strip() in ("", "null", "~"):
        return None
    doc = parse_document(text.encode("utf-8"), option, as_json=False)
    return doc.data


def apply_edits(
    inventory: Inventory, edits: Edits, catalog: Catalog
) -> tuple[Inventory, tuple[str, ...]]:
    """Apply ``edits`` (replacements first, then fields, in order) to a copy of ``inventory``.

    Returns the new inventory and the components dropped because the entrypoints reached
    them before and no longer do, and nothing refers to them. Problems raise InputError
    naming the option.
    """
    starts = _entrypoint_ids(inventory)
    reached_before = _reached(inventory.components, starts)
    components = {c.id: c for c in inventory.components}
    order = [c.id for c in inventory.components]
    ids = sorted(components)
    for target, other in edits.replace:
        option = f"--replace {target}={other}"
        if target not in components:
            raise InputError(
                f"{option}: '{target}' is not a component of this inventory"
                f"{did_you_mean(target, ids)}"
            )
        if other in components:
            if other == target:
                raise InputError(f"{option}: a component cannot replace itself")
            for cid in order:
                comp = components[cid]
                update: dict[str, Any] = {}
                for relation in RELATIONS:
                    targets = comp.targets(relation)
                    if target in targets:
                        new: list[str] = []
                        for t in targets:
                            t2 = other if t == target else t
                            if t2 != cid and t2 not in new:
                                new.append(t2)
                        update[relation.value] = tuple(new)
                if update:
                    components[cid] = comp.model_copy(update=update)
            system = inventory.system
            if system.entrypoints is not None and target in system.entrypoints:
                eps = tuple(dict.fromkeys(other if e == target else e for e in system.entrypoints))
                inventory = inventory.model_copy(
                    update={"system": system.model_copy(update={"entrypoints": eps})}
                )
        elif _org_known(other, inventory, catalog):
            components[target] = components[target].model_copy(update={"supplier": other})
        else:
            known = sorted(set(ids) | set(catalog.organizations))
            raise InputError(
                f"{option}: '{other}' is neither a component of this inventory nor an "
                f"organization{did_you_mean(other, known)}"
            )
    for cid, field, value_text in edits.set_fields:
        option = f"--set {cid}.{field}={value_text}"
        if cid not in components:
            raise InputError(
                f"{option}: '{cid}' is not a component of this inventory{did_you_mean(cid, ids)}"
            )
        fields = [f for f in Component.model_fields if f != "id"]
        if field not in fields:
            raise InputError(
                f"{option}: components have no field '{field}'{did_you_mean(field, fields)}"
            )
        value = _parse_value(value_text, option)
        comp = components[cid]
        data = comp.model_dump(mode="json", exclude_none=True)
        if value is None:
            data.pop(field, None)
        else:
            data[field] = value
        try:
            new_comp = Component.model_validate(data)
        except ValidationError as exc:
            detail = "; ".join(e["msg"] for e in exc.errors(include_url=False))
            raise InputError(f"{option}: {detail}") from None
        kinds = KIND_FIELDS.get(field)
        if kinds is not None and value is not None and new_comp.kind not in kinds:
            allowed = ", ".join(sorted(k.value for k in kinds))
            raise InputError(
                f"{option}: field '{field}' applies to kind {allowed}, not {new_comp.kind.value}"
            )
        if (
            field == "supplier"
            and value is not None
            and not _org_known(str(new_comp.supplier), inventory, catalog)
        ):
            raise InputError(
                f"{option}: supplier '{new_comp.supplier}' is neither in 'organizations' "
                "nor in the catalog"
            )
        components[cid] = new_comp
    # relation targets must exist
    for cid in order:
        comp = components[cid]
        for relation in RELATIONS:
            for t in comp.targets(relation):
                if t not in components or t == cid:
                    raise InputError(
                        f"{cid}.{relation.value}: '{t}' is not another component of this "
                        f"inventory{did_you_mean(t, ids)}"
                    )
    kept, removed = _prune([components[c] for c in order], starts, reached_before)
    return inventory.model_copy(update={"components": tuple(kept)}), removed


def _entrypoint_ids(inventory: Inventory) -> tuple[str, ...]:
    if inventory.system.entrypoints is not None:
        return inventory.system.entrypoints
    referenced: set[str] = set()
    for comp in inventory.components:
        for relation in RELATIONS:
            referenced.update(comp.targets(relation))
        referenced.update(comp.substitutes)
    return tuple(c.id for c in inventory.components if c.id not in referenced)


def _reached(components: Sequence[Component], starts: Iterable[str]) -> set[str]:
    by_id = {c.id: c for c in components}
    seen = {s for s in starts if s in by_id}
    queue = sorted(seen)
    while queue:
        comp = by_id[queue.pop()]
        for relation in RELATIONS:
            for t in comp.targets(relation):
                if t in by_id and t not in seen:
                    seen.add(t)
                    queue.append(t)
    return seen


def _prune(
    components: list[Component], starts: Sequence[str], reached_before: set[str]
) -> tuple[list[Component], tuple[str, ...]]:
    """Drop components the entrypoints reached before, reach no longer, and nothing refers to."""
    removed: list[str] = []
    current = list(components)
    while True:
        reach = _reached(current, starts)
        referenced = {t for c in current for r in RELATIONS for t in c.targets(r)}
        drop = {
            c.id
            for c in current
            if c.id in reached_before and c.id not in reach and c.id not in referenced
        }
        if not drop:
            break
        removed.extend(drop)
        current = [c for c in current if c.id not in drop]
    return current, tuple(sorted(removed))


# --------------------------------------------------------------------------- evaluation


@dataclass
class _State:
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
            if c.supplier is not None and _control(self, c.id) == "home":
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


def _with_inventory(loaded: LoadedInventory, inventory: Inventory) -> LoadedInventory:
    """The same loaded document (positions of the original components) with other content."""
    return dataclasses.replace(loaded, inventory=inventory)


def _evaluate(
    loaded: LoadedInventory, rubric: LoadedRubric, catalog: Catalog, options: AuditOptions
) -> _State:
    facts = build_facts(loaded, catalog)
    result = evaluate(loaded, facts, rubric, today=options.today, include_passed=False)
    objectives, overall, _ = score(rubric, result, options.gates)
    exact = exact_scores(rubric, result)
    exact.setdefault("overall", overall.score)
    return _State(loaded, facts, result, {o.id: o for o in objectives}, overall, exact)


def _unknown_credit(rubric: LoadedRubric, rule_credit: float | None) -> float:
    return rubric.rubric.unknown_credit if rule_credit is None else rule_credit


def finding_costs(state: _State, rubric: LoadedRubric) -> dict[str, list[FindingCost]]:
    """Per objective, what each non-passing finding costs (see the module docstring)."""
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


def _target_lines(
    state: _State, rubric: LoadedRubric, target: Target, with_costs: bool
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
                reached=ov.score + _EPS >= target.score,
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
            reached = res.score + _EPS >= goal
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


def _progress(
    before: list[TargetLine], after: list[TargetLine], was: _State, now: _State
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
        if b.score + _EPS < b.target:
            gain += min(ea - eb, b.target - eb)
        elif a.score + _EPS < a.target:
            gain -= a.target - ea
        blocking += len(b.blocking) - len(a.blocking)
    return gain, blocking


# --------------------------------------------------------------------------- candidates


@dataclass(frozen=True)
class _Candidate:
    id: str
    kind: Literal["rewire", "replace", "establish"]
    source: Literal["inventory", "substitutes", "catalog", "fact"]
    summary: str
    components: tuple[str, ...]
    edits: Edits
    modelled: tuple[str, ...]
    depends: tuple[str, ...]
    host: str | None = None
    alternatives: tuple[str, ...] = ()
    assumes_fact: bool = False
    preference: int = 0  # among equal gains, lower first (home, own stack)
    effort: Effort = "migration"
    offer: str | None = None


def _control(state: _State, cid: str) -> Any:
    i = state.facts.chain.index.get(cid)
    return None if i is None else state.facts.get(i, "control")


def _chain_text(state: _State, cid: str) -> str:
    i = state.facts.chain.index[cid]
    countries = state.facts.get(i, "controlled_from")
    supplier = state.facts.comp(i).supplier or "unknown supplier"
    if isinstance(countries, Unknown):
        return supplier
    return f"{supplier}, controlled from {', '.join(sorted(countries))}"


def _data_senders(state: _State, cid: str) -> tuple[str, ...]:
    return state.data_senders.get(cid, ())


# Words of a component's id and name that say what it does, per capability. A component's
# capability is that of the catalog offer it is (see _capabilities), else read from these
# words, else from its kind where the kind has one meaning; otherwise it stays unknown and
# no catalog offer is proposed for it.
_CAPABILITY_WORDS: dict[Capability, tuple[str, ...]] = {
    Capability.ACCELERATOR: (
        "gpu",
        "gpus",
        "accelerator",
        "accelerators",
        "tpu",
        "npu",
        "ipu",
        "h100",
        "h200",
        "a100",
        "b200",
        "mi300x",
        "gaudi",
    ),
    Capability.CPU: ("cpu", "cpus", "processor", "processors"),
    Capability.IDENTITY: (
        "authentication",
        "identity",
        "login",
        "sso",
        "entra",
        "oidc",
        "saml",
        "iam",
    ),
    Capability.LLM_API: ("openai", "llm", "gpt", "claude", "chatgpt", "gemini"),
    Capability.COLLABORATION: ("office", "mail", "sharepoint", "collaboration"),
    Capability.MANAGED_KUBERNETES: ("kubernetes", "aks", "eks", "gke"),
    Capability.OBJECT_STORAGE: ("s3", "blob", "storage"),
    Capability.HPC: ("supercomputer", "hpc"),
}
# The capabilities each kind can have (a GPU word on a cloud means GPU compute).
_KIND_CAPABILITIES: dict[Kind, frozenset[Capability]] = {
    Kind.CHIP: frozenset(
        {Capability.ACCELERATOR, Capability.CPU, Capability.MEMORY, Capability.NETWORK_CHIP}
    ),
    Kind.CLOUD: frozenset(
        {
            Capability.IAAS,
            Capability.GPU_COMPUTE,
            Capability.HPC,
            Capability.MANAGED_KUBERNETES,
            Capability.OBJECT_STORAGE,
            Capability.DATABASE,
            Capability.PAAS,
            Capability.AI_PLATFORM,
            Capability.COLLABORATION,
        }
    ),
    Kind.SERVICE: frozenset(
        {
            Capability.IDENTITY,
            Capability.COLLABORATION,
            Capability.LLM_API,
            Capability.AI_PLATFORM,
            Capability.SECURITY,
            Capability.DATABASE,
            Capability.OBJECT_STORAGE,
        }
    ),
    Kind.MODEL: frozenset({Capability.MODEL_WEIGHTS, Capability.LLM_API}),
    Kind.DATACENTER: frozenset({Capability.COLOCATION}),
    Kind.ENERGY: frozenset({Capability.ENERGY}),
}
_CHIP_TYPES = {
    "accelerator": Capability.ACCELERATOR,
    "cpu": Capability.CPU,
    "memory": Capability.MEMORY,
    "network": Capability.NETWORK_CHIP,
}
# A kind whose components have one capability whatever their name ("a hosting platform").
_KIND_DEFAULT: dict[Kind, Capability] = {
    Kind.CLOUD: Capability.IAAS,
    Kind.DATACENTER: Capability.COLOCATION,
    Kind.ENERGY: Capability.ENERGY,
}


def _words(text: str) -> set[str]:
    return set("".join(ch if ch.isalnum() else " " for ch in text.lower()).split())


def _capabilities(state: _State, comp: Component, catalog: Catalog) -> frozenset[Capability]:
    """What ``comp`` does, so that it is replaced like for like (empty: unknown).

    First its stated ``chip_type``. Then the catalog offer it is: an offer of the same kind, of an organization in the
    component's supplier chain, whose id words (less its organization's) all appear in
    the component's id and name. Else the capability words of its id and name
    (``_CAPABILITY_WORDS``), kept to those its kind can have. Else its kind's one meaning
    (a cloud is a hosting platform), or for a model what its weights say."""
    allowed = _KIND_CAPABILITIES.get(comp.kind, frozenset())
    stated = _CHIP_TYPES.get(comp.chip_type.value) if comp.chip_type is not None else None
    if stated is not None:
        return frozenset({stated})
    words = _words(f"{comp.id} {comp.name}")
    chain = (
        {o.id for o in state.facts.orgs.control_chain(comp.supplier)}
        if comp.supplier is not None
        else set()
    )
    for offer in sorted(catalog.offers.values(), key=lambda o: o.id):
        if offer.kind != comp.kind.value or offer.organization not in chain:
            continue
        own = _words(offer.id) - _words(offer.organization)
        if own and own <= words:
            return frozenset(offer.capabilities) & allowed or frozenset(offer.capabilities)
    found: set[Capability] = set()
    for cap, names in _CAPABILITY_WORDS.items():
        if words & set(names):
            found.add(cap)
    if comp.kind is Kind.CLOUD and Capability.ACCELERATOR in found:
        found.add(Capability.GPU_COMPUTE)
    found &= allowed
    if found:
        return frozenset(found)
    if comp.kind is Kind.MODEL and comp.weights is not None:
        return frozenset(
            {Capability.LLM_API if comp.weights.value == "closed" else Capability.MODEL_WEIGHTS}
        )
    default = _KIND_DEFAULT.get(comp.kind)
    return frozenset({default}) if default is not None else frozenset()


# Certifications that some obligation of the catalog requires in some sector (HDS, C5,
# IGI 1300): one the component holds is kept by any replacement the plan proposes.
def _sector_certifications(catalog: Catalog) -> frozenset[str]:
    return frozenset(c for ob in catalog.jurisdictions.obligations for c in ob.requires)


def _required_certifications(state: _State, comp: Component, catalog: Catalog) -> frozenset[str]:
    """What a replacement of ``comp`` must hold: the certifications the home's obligations
    require where it is (HDS where French health data reaches it), and those it holds
    that an obligation of the catalog requires in some sector (C5 held by a German bank's
    cloud)."""
    required: set[str] = set()
    i = state.facts.chain.index.get(comp.id)
    if i is not None:
        for name in ("required_certifications", "required_accreditations"):
            value = state.facts.get(i, name)
            if isinstance(value, frozenset):
                required |= {str(v) for v in value}
    held = set(comp.certifications or ())
    return frozenset(required | (held & _sector_certifications(catalog)))


def _held(offer: Offer, today: Any) -> tuple[str, ...]:
    return tuple(
        sorted(
            {
                c.id
                for c in offer.certifications
                if c.status is CertificationStatus.HELD
                and (c.until is None or today is None or c.until >= today)
            }
        )
    )


@dataclass(frozen=True)
class _OfferChoice:
    offer: Offer
    control: Literal["home", "trusted"]
    location: tuple[str, ...] | None  # None: the catalog lists none in the trusted area
    certifications: tuple[str, ...]
    foreign_stack: tuple[str, ...]  # built_on organizations controlled outside the area
    alternatives: tuple[str, ...] = ()

    @property
    def preference(self) -> int:
        """0 best: home and own stack; then trusted; then built on a foreign stack."""
        return 2 * bool(self.foreign_stack) + (self.control != "home")


def _org_control(
    orgs: Organizations, org_id: str, trust: Any
) -> Literal["home", "trusted", "foreign", "unknown"]:
    chain = orgs.control_chain(org_id)
    countries = [o.country for o in chain]
    if not chain or any(c is None for c in countries):
        return "unknown"
    if any(not trust.is_trusted(c) for c in countries):
        return "foreign"
    return "home" if all(c == trust.home for c in countries) else "trusted"


def _offer_choices(
    state: _State, comp: Component, catalog: Catalog, today: Any
) -> tuple[list[_OfferChoice], str | None]:
    """Catalog offers that can replace ``comp`` like for like, grouped by effect (the
    preferred one of each group first, the rest its alternatives), and when there is none,
    why: the finding the plan reports."""
    caps = _capabilities(state, comp, catalog)
    trust = state.facts.trust
    what = "/".join(sorted(c.value for c in caps)) or comp.kind.value
    if not caps:
        return [], (
            f"the capability of {comp.id} ({comp.kind.value}) is unknown: name the catalog "
            "offer it is, or its substitutes, so that it can be replaced like for like"
        )
    required = _required_certifications(state, comp, catalog)
    orgs = state.facts.orgs
    current_chain = (
        {o.id for o in orgs.control_chain(comp.supplier)} if comp.supplier is not None else set()
    )
    like = [
        o
        for o in sorted(catalog.offers.values(), key=lambda o: o.id)
        if o.kind == comp.kind.value and caps & set(o.capabilities)
    ]
    trusted: list[_OfferChoice] = []
    for offer in like:
        if offer.organization in current_chain or offer.organization not in catalog.organizations:
            continue
        control = _org_control(orgs, offer.organization, trust)
        if control not in ("home", "trusted"):
            continue
        certs = _held(offer, today)
        if not required <= set(certs):
            continue
        inside = [c for c in offer.locations if trust.is_trusted(c)]
        location: tuple[str, ...] | None = None
        if trust.home in inside:
            location = (trust.home,)
        elif inside:
            location = (sorted(inside)[0],)
        foreign = tuple(
            b
            for b in offer.built_on
            if b in catalog.organizations and _org_control(orgs, b, trust) == "foreign"
        )
        choice = _OfferChoice(offer, control, location, certs, foreign)
        trusted.append(choice)
    if not trusted:
        needs = f" holding {', '.join(sorted(required))}" if required else ""
        return [], f"no trusted {what} offer in the catalog{needs}"
    groups: dict[tuple[Any, ...], list[_OfferChoice]] = {}
    for ch in trusted:
        key = (ch.control, ch.location, ch.certifications, bool(ch.foreign_stack))
        groups.setdefault(key, []).append(ch)
    out: list[_OfferChoice] = []
    for members in groups.values():
        members.sort(key=lambda c: (c.preference, c.offer.id))
        first = members[0]
        out.append(dataclasses.replace(first, alternatives=tuple(m.offer.id for m in members[1:])))
    out.sort(key=lambda c: (c.preference, c.offer.id))
    return out, None


def _yaml_list(values: Iterable[str]) -> str:
    return "[" + ", ".join(values) + "]"


def _catalog_candidate(
    state: _State,
    comp: Component,
    choice: _OfferChoice,
    catalog: Catalog,
    rewire: bool,
) -> _Candidate:
    offer = choice.offer
    org_id = offer.organization
    entry = catalog.organizations[org_id]
    sets: list[tuple[str, str, str]] = []
    modelled = [
        f"supplier of {comp.id}: {comp.supplier or 'unknown'} -> {org_id} ({entry.name}), "
        f"offer {offer.id} ({offer.name}; {', '.join(c.value for c in offer.capabilities)})"
    ]
    for field, old, new, known, unknown in (
        (
            "location",
            comp.location,
            choice.location,
            f"where the catalog says {offer.id} runs",
            f"the catalog lists no location of {offer.id} in the trusted area",
        ),
        (
            "certifications",
            comp.certifications,
            choice.certifications or None,
            f"the catalog's cited certifications of {offer.id}",
            f"the catalog lists none for {offer.id}",
        ),
    ):
        old_text = _yaml_list(old) if old is not None else None
        new_text = _yaml_list(new) if new is not None else None
        if old_text != new_text:
            sets.append((comp.id, field, new_text or "null"))
            modelled.append(
                f"{field} of {comp.id}: {old_text or 'unknown'} -> "
                + (f"{new_text} ({known})" if new_text else f"unknown ({unknown})")
            )
    if choice.foreign_stack:
        modelled.append(
            f"{offer.id} is built on technology of {', '.join(choice.foreign_stack)}, "
            "controlled outside the trusted area; preferred only after offers on a trusted stack"
        )
    # the old provider's own sites, staff and energy go with it
    orgs = state.facts.orgs
    old_chain = (
        {o.id for o in orgs.control_chain(comp.supplier)} if comp.supplier is not None else set()
    )
    by_id = state.by_id
    for relation in RELATIONS:
        targets = comp.targets(relation)
        keep = [
            t
            for t in targets
            if not (by_id[t].supplier is not None and by_id[t].supplier in old_chain)
        ]
        if len(keep) != len(targets):
            dropped = [t for t in targets if t not in keep]
            sets.append((comp.id, relation.value, _yaml_list(keep)))
            modelled.append(
                f"{relation.value} of {comp.id}: drop {', '.join(dropped)} (the old provider's "
                "own components; the new provider's are not modelled)"
            )
    senders = _data_senders(state, comp.id)
    where = f"{offer.name} from {org_id} ({entry.name}, {entry.country})"
    if rewire:
        summary = (
            f"move the restricted-data processing of {', '.join(senders) or comp.id} off "
            f"{comp.id} ({_chain_text(state, comp.id)}) to a trusted host: {where}"
        )
    else:
        summary = f"replace {comp.id} ({_chain_text(state, comp.id)}) with {where}"
    effort: Effort = (
        "re-platforming" if comp.kind in (Kind.CHIP, Kind.CLOUD, Kind.DATACENTER) else "migration"
    )
    return _Candidate(
        id=f"{'rewire' if rewire else 'replace'}:{comp.id}:catalog:{offer.id}",
        kind="rewire" if rewire else "replace",
        source="catalog",
        summary=summary,
        components=(comp.id,),
        edits=Edits(replace=((comp.id, org_id),), set_fields=tuple(sets)),
        modelled=tuple(modelled),
        depends=(
            f"{offer.id} contracted from {org_id}"
            + (f" and the data of {', '.join(senders)} migrated to it" if senders else ""),
        ),
        host=org_id,
        alternatives=choice.alternatives,
        preference=choice.preference,
        effort=effort,
        offer=offer.id,
    )


def _host_signature(state: _State, cid: str) -> tuple[Any, ...]:
    """What decides a trusted host's effect as a target: two hosts alike in these facts
    give the same plan step, so one is measured and the other listed as an alternative."""
    comp = state.by_id[cid]
    i = state.facts.chain.index[cid]
    countries = state.facts.get(i, "controlled_from")
    return (
        _control(state, cid),
        None if isinstance(countries, Unknown) else tuple(sorted(countries)),
        comp.supplier,
        comp.location,
        comp.certifications,
        comp.connectivity,
        tuple(comp.targets(Relation.RUNS_ON)),
        tuple(comp.targets(Relation.MAINTAINED_BY)),
    )


def _component_candidates(
    state: _State, catalog: Catalog, today: Any = None
) -> tuple[list[_Candidate], list[NoOffer]]:
    inv = state.inventory
    by_id = state.by_id
    failing = state.failing()
    fail_components = sorted(
        {c for (_, c), f in failing.items() if c is not None and f.status is Status.FAIL}
    )
    ds_hosts = {
        c
        for (_, c), f in failing.items()
        if c is not None
        and f.objective == DATA_OBJECTIVE
        and f.status is Status.FAIL
        and by_id[c].kind in HOST_KINDS
    }
    by_kind: dict[Kind, list[Component]] = {}
    for c in inv.components:
        by_kind.setdefault(c.kind, []).append(c)
    caps_of: dict[str, frozenset[Capability]] = {}

    def caps(c: Component) -> frozenset[Capability]:
        if c.id not in caps_of:
            caps_of[c.id] = _capabilities(state, c, catalog)
        return caps_of[c.id]

    out: list[_Candidate] = []
    none_found: list[NoOffer] = []
    for cid in fail_components:
        comp = by_id[cid]
        if _control(state, cid) != "foreign":
            continue
        rewire = cid in ds_hosts and bool(_data_senders(state, cid))
        kind: Literal["rewire", "replace"] = "rewire" if rewire else "replace"
        # substitutes the inventory names, then trusted hosts of the same kind and capability
        others: list[tuple[str, Literal["substitutes", "inventory"]]] = [
            (s, "substitutes") for s in comp.substitutes if s in by_id and s != cid
        ]
        if rewire and caps(comp):
            others += [
                (c.id, "inventory")
                for c in by_kind.get(comp.kind, [])
                if c.id != cid and c.id not in comp.substitutes and caps(c) & caps(comp)
            ]
        grouped: dict[tuple[Any, ...], list[tuple[str, Literal["substitutes", "inventory"]]]] = {}
        for other, source in others:
            if _control(state, other) not in ("home", "trusted"):
                continue
            key = (source, other) if source == "substitutes" else _host_signature(state, other)
            grouped.setdefault(key, []).append((other, source))
        senders = _data_senders(state, cid)
        for members in grouped.values():
            other, source = members[0]
            what = (
                f"move the processing of {', '.join(senders)} off {cid} "
                f"({_chain_text(state, cid)}) to {other} ({_chain_text(state, other)})"
                if rewire
                else f"replace {cid} ({_chain_text(state, cid)}) with its substitute {other} "
                f"({_chain_text(state, other)})"
            )
            out.append(
                _Candidate(
                    id=f"{kind}:{cid}:{source}:{other}",
                    kind=kind,
                    source=source,
                    summary=what,
                    components=(cid, other),
                    edits=Edits(replace=((cid, other),)),
                    modelled=(f"every relation that targets {cid} targets {other} instead",),
                    depends=(f"{other} exists and can take over what {cid} does",),
                    host=other,
                    alternatives=tuple(m[0] for m in members[1:]),
                    preference=0 if _control(state, other) == "home" else 1,
                    effort="migration",
                )
            )
        choices, why = _offer_choices(state, comp, catalog, today)
        for choice in choices:
            out.append(_catalog_candidate(state, comp, choice, catalog, rewire))
        if not grouped and why is not None:
            none_found.append(
                NoOffer(
                    component=cid,
                    kind=comp.kind.value,
                    capabilities=tuple(sorted(c.value for c in caps(comp))),
                    reason=why,
                    effort="r-and-d" if caps(comp) else "fact-finding",
                )
            )
    return out, none_found


def _certification_values(rubric: LoadedRubric) -> list[str]:
    found: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if node.get("fact") == "certifications":
                for op in ("intersects", "contains", "equals", "subset_of"):
                    value = node.get(op)
                    if isinstance(value, list) and value:
                        found.append(str(value[0]))
                    elif isinstance(value, str):
                        found.append(value)
            for v in node.values():
                walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)

    for rule in rubric.rubric.rules:
        walk(rule.check)
    return list(dict.fromkeys(found))


def _favourable(
    state: _State, comp: Component, field: str, rubric: LoadedRubric
) -> tuple[str, str] | None:
    """(value as YAML text, how to say it) of a favourable outcome, or None if not modelled."""
    inv = state.inventory
    home = inv.system.home
    if field == "supplier":
        org = state.home_supplier
        if org is None:
            return None
        return org, f"an organization controlled from {home} (modelled as {org})"
    if field == "location":
        return _yaml_list([home]), f"[{home}]"
    if field == "languages":
        langs = state.facts.system("home_languages")
        if isinstance(langs, Unknown):
            return None
        return _yaml_list(sorted(langs)), _yaml_list(sorted(langs))
    if field == "certifications":
        values = _certification_values(rubric)
        return (_yaml_list(values[:1]), _yaml_list(values[:1])) if values else None
    simple: dict[str, tuple[str, str]] = {
        "accessibility": ("[wcag-aa]", "[wcag-aa] (or another standard the rubric accepts)"),
        "license": ("EUPL-1.2", "an open licence (modelled as EUPL-1.2)"),
        "open_source": ("true", "true"),
        "export_controlled": ("false", "false"),
        "requires_connectivity": ("false", "false"),
        "weights": ("open", "open"),
        "training_summary": ("published", "published (a public summary exists)"),
        "legal_basis": ("public-task", "stated (modelled as public-task)"),
        "connectivity": ("private", "private"),
    }
    if field == "classification":
        value = inv.system.classification.value if inv.system.classification else "internal"
        return value, f"stated (modelled as {value}, the system's classification)"
    return simple.get(field)


def _fact_candidates(
    state: _State, rubric: LoadedRubric
) -> tuple[list[_Candidate], list[NotModelled]]:
    by_id = state.by_id
    out: list[_Candidate] = []
    skipped: list[NotModelled] = []
    for (cid, name), rules in sorted(
        state.result.unknowns.items(), key=lambda kv: (kv[0][0] or "", kv[0][1])
    ):
        target_id, field = cid, name
        head, dot, rest = name.partition(".")
        if dot and head in by_id:
            target_id, field = head, rest
        comp = by_id.get(target_id) if target_id is not None else None
        fav = None
        reason = "a system or organization fact; state it in the inventory"
        if comp is not None:
            if field in Component.model_fields:
                fav = _favourable(state, comp, field, rubric)
                reason = "no favourable value can be modelled for this field"
            else:
                reason = "not a component field"
        if comp is None or fav is None:
            skipped.append(
                NotModelled(component=cid, field=name, rules=tuple(sorted(rules)), reason=reason)
            )
            continue
        value, said = fav
        out.append(
            _Candidate(
                id=f"establish:{comp.id}:{field}",
                kind="establish",
                source="fact",
                summary=f"establish {field} of {comp.id}; if it is {said}",
                components=(comp.id,),
                edits=Edits(set_fields=((comp.id, field, value),)),
                modelled=(f"{field} of {comp.id}: unknown -> {value} (favourable outcome)",),
                depends=(f"{field} of {comp.id} established from a source",),
                assumes_fact=True,
                effort="fact-finding",
            )
        )
    return out, skipped


# --------------------------------------------------------------------------- planning


def _target_spec(target: Target, rubric: LoadedRubric) -> TargetSpec:
    if isinstance(target, TargetLevel):
        level = next(lv for lv in rubric.rubric.levels if lv.level == target.level)
        return TargetSpec(
            kind="level",
            level=level.level,
            level_name=level.name,
            description=f"every objective at level {level.level} ({level.name}) or above",
        )
    if isinstance(target, FailUnder):
        return TargetSpec(
            kind="fail-under",
            score=target.score,
            description=f"overall score at least {target.score:g}",
        )
    mins = dict(sorted(target.minimums.items()))
    return TargetSpec(
        kind="minimums",
        minimums=mins,
        description="; ".join(f"{k} at least {v:g}" for k, v in mins.items())
        or "no objective minimum",
    )


def _changes(before: _State, after: _State) -> tuple[ScoreChange, ...]:
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
    """Plan, greedily, the steps that bring the inventory to ``target`` (module docstring)."""
    check_target(target, rubric)
    state = _evaluate(loaded, rubric, catalog, options)
    first_lines = _target_lines(state, rubric, target, with_costs=True)
    lines = first_lines
    steps: list[Step] = []
    touched: dict[str, int] = {}
    _, not_modelled = _fact_candidates(state, rubric)
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
        facts, _skipped = _fact_candidates(state, rubric)
        component_candidates, _ = _component_candidates(state, catalog, options.today)
        candidates = component_candidates + facts
        best: (
            tuple[tuple[float, int, int, int, str], _Candidate, _State, tuple[str, ...]] | None
        ) = None
        for batch in _batches(state, rubric, candidates):
            for cand in batch:
                try:
                    new_inv, removed = apply_edits(state.inventory, cand.edits, catalog)
                except InputError:
                    continue
                new_state = _evaluate(
                    _with_inventory(state.loaded, new_inv), rubric, catalog, options
                )
                gain, unblocked = _progress(
                    lines,
                    _target_lines(new_state, rubric, target, with_costs=False),
                    state,
                    new_state,
                )
                key = (-gain, -unblocked, _SOURCE_RANK[cand.source], cand.preference, cand.id)
                if (gain > _EPS or unblocked > 0) and (best is None or key < best[0]):
                    best = (key, cand, new_state, removed)
            if best is not None:
                break
        if best is None:
            stopped = "no-improvement"
            break
        key, cand, new_state, removed = best
        before_failing = state.failing()
        after_failing = new_state.failing()
        fixed = sorted(set(before_failing) - set(after_failing), key=_sort_key)
        new = sorted(set(after_failing) - set(before_failing), key=_sort_key)
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
                changes=_changes(state, new_state),
                gain=round(-key[0], 4),
                fixed=tuple(_key_text(k) for k in fixed),
                new=tuple(_key_text(k) for k in new),
                references=tuple(references),
                offer=cand.offer,
                effort=cand.effort,
                foreign_spend_change_eur=_foreign_spend_change(state, new_state, cand, removed),
            )
        )
        for c in cand.components:
            touched[c] = number
        state = new_state
        lines = _target_lines(state, rubric, target, with_costs=False)
    final = _target_lines(state, rubric, target, with_costs=True)
    first = _evaluate(loaded, rubric, catalog, options)
    _, no_offer = _component_candidates(state, catalog, options.today)
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
        target=_target_spec(target, rubric),
        before=tuple(first_lines),
        steps=tuple(steps),
        after=tuple(final),
        objectives_after=_changes(first, state),
        reached=all(line.reached for line in final),
        stopped=stopped,
        assumes_facts=any(s.assumes_fact for s in steps),
        not_modelled=tuple(not_modelled),
        no_offer=tuple(no_offer),
        blocked_by=blocked_by,
        facts_to_establish=to_establish,
    )


def _foreign_spend_change(
    was: _State, now: _State, cand: _Candidate, removed: Sequence[str]
) -> float | None:
    """The annual spend that stops going to foreign suppliers: the stated cost of each
    component the step takes out of foreign control or decommissions (priced as before)."""
    total = 0.0
    costed = False
    for cid in dict.fromkeys((*cand.components, *removed)):
        comp = was.by_id.get(cid)
        if comp is None or comp.annual_cost_eur is None or _control(was, cid) != "foreign":
            continue
        if cid in removed or _control(now, cid) in ("home", "trusted"):
            total -= comp.annual_cost_eur
            costed = True
    return total if costed else None


def _batches(
    state: _State, rubric: LoadedRubric, candidates: list[_Candidate]
) -> list[list[_Candidate]]:
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

    def stake(cand: _Candidate) -> float:
        if cand.kind == "establish":
            return sum(for_fact.get((cid, name), 0.0) for cid, name, _ in cand.edits.set_fields)
        return sum(at_component.get(cid, 0.0) for cid in cand.components)

    order = sorted(range(len(candidates)), key=lambda k: (-stake(candidates[k]), k))
    ranked = [candidates[k] for k in order]
    return [ranked[i : i + BATCH] for i in range(0, len(ranked), BATCH)]


def _sort_key(key: tuple[str, str | None]) -> tuple[str, str]:
    return key[0], key[1] or ""


def plan_edits(report: GapReport) -> Edits:
    """Every step's changes, in order, as what-if options (for ``whatif``)."""
    replace: list[tuple[str, str]] = []
    sets: list[tuple[str, str, str]] = []
    for step in report.steps:
        replace.extend(step.replace)
        sets.extend(step.set_fields)
    return Edits(tuple(replace), tuple(sets))


# --------------------------------------------------------------------------- what-if


def parse_replace(values: Sequence[str]) -> dict[str, str]:
    """``ID=OTHER`` options into a mapping; a malformed one is an InputError."""
    out: dict[str, str] = {}
    for value in values:
        target, sep, other = value.partition("=")
        if not sep or not target or not other:
            raise InputError(
                f"--replace takes ID=OTHER, e.g. --replace llm-api=local-llm (got '{value}')"
            )
        if target in out:
            raise InputError(f"--replace {value}: '{target}' is already replaced")
        out[target.strip()] = other.strip()
    return out


def parse_set(values: Sequence[str]) -> list[tuple[str, str, str]]:
    """``ID.field=value`` options into triples; a malformed one is an InputError."""
    out: list[tuple[str, str, str]] = []
    for value in values:
        left, sep, text = value.partition("=")
        cid, dot, field = left.rpartition(".")
        if not sep or not dot or not cid or not field:
            raise InputError(
                f"--set takes ID.field=value, e.g. --set gpu.export_controlled=false (got '{value}')"
            )
        out.append((cid, field, text))
    return out


def whatif_inventory(
    loaded: LoadedInventory,
    replace: Mapping[str, str],
    set_fields: Sequence[tuple[str, str, str]],
    catalog: Catalog,
) -> tuple[LoadedInventory, tuple[str, ...]]:
    """The modified inventory (same source positions) and the components it drops."""
    edits = Edits(tuple(replace.items()), tuple(set_fields))
    inventory, removed = apply_edits(loaded.inventory, edits, catalog)
    return _with_inventory(loaded, inventory), removed


def whatif(
    loaded: LoadedInventory,
    replace: Mapping[str, str],
    set_fields: Sequence[tuple[str, str, str]],
    rubric: LoadedRubric,
    catalog: Catalog,
    options: AuditOptions,
) -> tuple[Report, Report]:
    """Audit the inventory as it is and as modified by the options; the file is not touched."""
    modified, _ = whatif_inventory(loaded, replace, set_fields, catalog)
    return run_audit(loaded, rubric, catalog, options), run_audit(
        modified, rubric, catalog, options
    )


# --------------------------------------------------------------------------- diff


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


class ComponentChange(_Model):
    id: str
    fields: tuple[str, ...]


class FindingChange(_Model):
    rule: str
    component: str | None
    objective: str
    severity: str
    status_before: Status | None
    status_after: Status | None
    message: str


class ObjectiveChange(_Model):
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


class GateChange(_Model):
    id: str
    passed_before: bool | None
    passed_after: bool | None
    actual_before: float | str | None
    actual_after: float | str | None


class DiffReport(_Model):
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
    new = [_finding_change(None, fh[k]) for k in sorted(set(fh) - set(fb), key=_sort_key)]
    fixed = [_finding_change(fb[k], None) for k in sorted(set(fb) - set(fh), key=_sort_key)]
    changed_f = [
        _finding_change(fb[k], fh[k])
        for k in sorted(set(fb) & set(fh), key=_sort_key)
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
        if o.score + _EPS < b.score and o.threshold is not None and o.score + _EPS < o.threshold:
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


def whatif_diff(
    loaded: LoadedInventory,
    replace: Mapping[str, str],
    set_fields: Sequence[tuple[str, str, str]],
    rubric: LoadedRubric,
    catalog: Catalog,
    options: AuditOptions,
) -> DiffReport:
    """``whatif`` as a diff (what the CLI shows): the inventory as it is vs as modified."""
    modified, _ = whatif_inventory(loaded, replace, set_fields, catalog)
    original = run_audit(loaded, rubric, catalog, options)
    changed = run_audit(modified, rubric, catalog, options)
    options_text = " ".join(
        [f"--replace {a}={b}" for a, b in replace.items()]
        + [f"--set {c}.{f}={v}" for c, f, v in set_fields]
    )
    return diff(
        DiffSide(loaded.path, original, loaded.inventory),
        DiffSide(f"{loaded.path} with {options_text}", changed, modified.inventory),
    )


__all__ = [
    "MAX_STEPS",
    "DiffReport",
    "DiffSide",
    "Edits",
    "FailUnder",
    "GapReport",
    "Minimums",
    "Target",
    "TargetLevel",
    "apply_edits",
    "diff",
    "load_side",
    "parse_replace",
    "parse_set",
    "plan_edits",
    "plan_gap",
    "rubric_minimums",
    "whatif",
    "whatif_diff",
    "whatif_inventory",
]
