"""Findings → objective scores, readiness levels and gates.

The formula (also in the README and the Markdown report):

* a finding's credit is 1 for pass, 0 for fail, and the rule's ``unknown_credit`` (else the
  rubric's) for unknown; a waived finding counts as a pass in the score and as what it
  was without the waiver in the raw score;
* a rule's credit is the mean of its findings' credits, or the lowest one for rules with
  ``aggregate: min`` (weakest-link rules);
* an objective's score is 100 × Σ(weight × credit) / Σ(weight) over its rules that apply to
  at least one component; an objective with no applicable rule scores 100, marked not
  assessed;
* its level is the highest rubric level whose ``min_score`` the score reaches and whose
  ``max_failing_severity`` no failing finding of the objective exceeds;
* the overall score is the objective scores' mean weighted by objective weight; the overall
  level is the lowest objective level, or, with ``overall_level: score``, the level of the
  overall score, capped by the most severe failing finding as an objective's level is.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

from sovcheck.engine import EngineResult, RuleTally
from sovcheck.load.rubric import LoadedRubric
from sovcheck.model.report import Finding, Gate, ObjectiveResult, Overall, RuleSummary, Status
from sovcheck.model.rubric import Level, Rubric, Severity


@dataclass(frozen=True)
class GateOptions:
    fail_under: float | None = None
    minimums: Mapping[str, float] = field(default_factory=dict)
    min_levels: Mapping[str, int] = field(default_factory=dict)
    fail_on: Severity | None = None
    # gate ids ("overall", "objective:<id>", "level:<id>", "fail-on") whose threshold came
    # from a configuration file rather than the command line
    from_config: frozenset[str] = frozenset()

    def source(self, gate_id: str) -> Literal["command-line", "config"]:
        return "config" if gate_id in self.from_config else "command-line"


def _credits(tally: RuleTally, unknown_credit: float) -> tuple[float | None, float | None]:
    """(waived-adjusted credit, raw credit) of one rule, None when it applies nowhere."""
    n = tally.applicable
    if n == 0:
        return None, None
    u = unknown_credit
    if tally.rule.rule.aggregate == "min":
        raw = (
            0.0
            if tally.failed + tally.waived_failed
            else (u if tally.unknown + tally.waived_unknown else 1.0)
        )
        adjusted = 0.0 if tally.failed else (u if tally.unknown else 1.0)
        return adjusted, raw
    adjusted = (tally.passed + tally.waived_failed + tally.waived_unknown + u * tally.unknown) / n
    raw = (tally.passed + u * (tally.unknown + tally.waived_unknown)) / n
    return adjusted, raw


def rule_summaries(rubric: Rubric, tallies: list[RuleTally]) -> list[RuleSummary]:
    out = []
    for t in tallies:
        rule = t.rule.rule
        credit, raw = _credits(t, _unknown_credit(rubric, t))
        out.append(
            RuleSummary(
                id=rule.id,
                objective=rule.objective,
                title=rule.title,
                severity=rule.severity,
                weight=rule.weight,
                applicable=t.applicable,
                passed=t.passed,
                failed=t.failed,
                unknown=t.unknown,
                waived=t.waived_failed + t.waived_unknown,
                credit=None if credit is None else round(credit, 4),
                raw_credit=None if raw is None else round(raw, 4),
                rationale=" ".join(rule.rationale.split()),
                remediation=" ".join(rule.remediation.split()),
                references=rule.references,
            )
        )
    return out


def _unknown_credit(rubric: Rubric, tally: RuleTally) -> float:
    own = tally.rule.rule.unknown_credit
    return rubric.unknown_credit if own is None else own


NOT_ASSESSED = "Not assessed"


def exact_scores(loaded_rubric: LoadedRubric, result: EngineResult) -> dict[str, float]:
    """Each objective's score and the overall one (key ``overall``, left out when the
    rubric scores overall by levels), unrounded: what a gap
    plan compares candidates by, so that changes below the 0.1 display rounding count."""
    rubric = loaded_rubric.rubric
    values: dict[str, float] = {}
    assessed = []
    for objective in rubric.objectives:
        num = den = 0.0
        for tally in result.tallies:
            rule = tally.rule.rule
            if rule.objective != objective.id:
                continue
            credit, _ = _credits(tally, _unknown_credit(rubric, tally))
            if credit is None:
                continue
            num += rule.weight * credit
            den += rule.weight
        values[objective.id] = 100 * num / den if den > 0 else 100.0
        if den > 0:
            assessed.append(objective)
    if rubric.overall_score != "levels":  # a level score moves in whole levels: no rounding
        counted = assessed or list(rubric.objectives)
        total = sum(o.weight for o in counted)
        values["overall"] = sum(values[o.id] * o.weight for o in counted) / total
    return values


def _level_caps(rubric: Rubric, result: EngineResult) -> dict[str, int]:
    """Per objective, the highest level its failing and unknown findings allow: a rule's
    ``fail_level`` while it fails, its ``unknown_level`` (else the rubric's) while it stays
    unknown. Waived findings cap nothing."""
    caps: dict[str, int] = {}
    for tally in result.tallies:
        rule = tally.rule.rule
        limits = []
        if tally.failed and rule.fail_level is not None:
            limits.append(rule.fail_level)
        unknown_level = (
            rule.unknown_level if rule.unknown_level is not None else rubric.unknown_level
        )
        if tally.unknown and unknown_level is not None:
            limits.append(unknown_level)
        for limit in limits:
            caps[rule.objective] = min(caps.get(rule.objective, limit), limit)
    return caps


def _overall_scores(rubric: Rubric, objectives: list[ObjectiveResult]) -> tuple[float, float]:
    """(score, raw score) of the whole audit. ``scores``: the objective scores' mean weighted
    by objective weight, over the objectives assessed. ``levels``: 100 x the weighted mean of
    level / highest level, an objective not assessed earning 0 (the EU Cloud Sovereignty
    Framework's award score, with each objective's SEAL as its share of points)."""
    if rubric.overall_score == "levels":
        score = level_score(rubric, {o.id: o.level if o.assessed else None for o in objectives})
        return score, score
    counted = [o for o in objectives if o.assessed] or objectives
    total = sum(o.weight for o in counted)
    return (
        round(sum(o.score * o.weight for o in counted) / total, 1),
        round(sum(o.raw_score * o.weight for o in counted) / total, 1),
    )


def level_score(rubric: Rubric, levels: Mapping[str, int | None]) -> float:
    """100 x Σ weight x level / highest level, over Σ weight, for the objectives' levels
    (None: not assessed, earns 0), to two decimals. With the EU Cloud Sovereignty Framework's
    weights and its SEALs, this is the framework's award score."""
    top = max(lv.level for lv in rubric.levels) or 1
    total = sum(o.weight for o in rubric.objectives)
    value = sum(o.weight * ((levels.get(o.id) or 0) / top) for o in rubric.objectives)
    return round(100 * value / total, 2)


def _level(levels: tuple[Level, ...], score: float, worst_failing: Severity | None) -> Level:
    chosen = levels[0]
    for level in levels:
        if score + 1e-9 < level.min_score:
            continue
        limit = level.max_failing_severity
        if limit is not None and worst_failing is not None and worst_failing.rank > limit.rank:
            continue
        chosen = level
    return chosen


def score(
    loaded_rubric: LoadedRubric, result: EngineResult, options: GateOptions
) -> tuple[list[ObjectiveResult], Overall, list[Gate]]:
    rubric = loaded_rubric.rubric
    objectives: list[ObjectiveResult] = []
    failing_by_objective: dict[str, list[Finding]] = {}
    unknown_by_objective: dict[str, int] = {}
    for f in result.findings:
        if f.status is Status.FAIL:
            failing_by_objective.setdefault(f.objective, []).append(f)
        elif f.status is Status.UNKNOWN:
            unknown_by_objective[f.objective] = unknown_by_objective.get(f.objective, 0) + 1

    caps = _level_caps(rubric, result)
    gates: list[Gate] = []
    for objective in rubric.objectives:
        num = den = raw_num = 0.0
        for tally in result.tallies:
            rule = tally.rule.rule
            if rule.objective != objective.id:
                continue
            credit, raw = _credits(tally, _unknown_credit(rubric, tally))
            if credit is None or raw is None:
                continue
            num += rule.weight * credit
            raw_num += rule.weight * raw
            den += rule.weight
        assessed = den > 0
        value = round(100 * num / den, 1) if assessed else 100.0
        raw_value = round(100 * raw_num / den, 1) if assessed else 100.0
        failing = failing_by_objective.get(objective.id, [])
        worst = max((f.severity for f in failing), key=lambda s: s.rank, default=None)
        level = _level(rubric.levels, value, worst)
        cap = caps.get(objective.id)
        if cap is not None and cap < level.level:
            level = max((lv for lv in rubric.levels if lv.level <= cap), key=lambda lv: lv.level)
        if not assessed:
            # nothing assessed earns no level: say so
            level = Level(level=rubric.levels[0].level, name=NOT_ASSESSED, min_score=0)
        threshold: float | None = objective.threshold
        source = "rubric"
        if objective.id in options.minimums:
            threshold = options.minimums[objective.id]
            source = options.source(f"objective:{objective.id}")
        passed = threshold is None or value + 1e-9 >= threshold
        if threshold is not None:
            gates.append(
                Gate(
                    id=f"objective:{objective.id}",
                    kind="objective",
                    threshold=threshold,
                    actual=value,
                    passed=passed,
                    source=source,
                )
            )
        if objective.id in options.min_levels or objective.min_level is not None:
            wanted = options.min_levels.get(objective.id, objective.min_level)
            assert wanted is not None
            gates.append(
                Gate(
                    id=f"level:{objective.id}",
                    kind="level",
                    threshold=wanted,
                    actual=level.level if assessed else NOT_ASSESSED,
                    passed=assessed and level.level >= wanted,
                    source=(
                        options.source(f"level:{objective.id}")
                        if objective.id in options.min_levels
                        else "rubric"
                    ),
                )
            )
        objectives.append(
            ObjectiveResult(
                id=objective.id,
                title=objective.title,
                weight=objective.weight,
                score=value,
                raw_score=raw_value,
                threshold=threshold,
                passed=passed,
                level=level.level,
                level_name=level.name,
                assessed=assessed,
                failing=len(failing),
                unknown=unknown_by_objective.get(objective.id, 0),
            )
        )

    overall_score, overall_raw = _overall_scores(rubric, objectives)
    if rubric.overall_level == "lowest":
        lowest = min(objectives, key=lambda o: o.level)
        overall_level = next(lv for lv in rubric.levels if lv.level == lowest.level)
        if not lowest.assessed:
            overall_level = Level(level=lowest.level, name=NOT_ASSESSED, min_score=0)
    else:
        # the level of the overall score, capped like an objective's by the most severe
        # failing finding of the whole audit
        worst_overall = max(
            (f.severity for f in result.findings if f.status is Status.FAIL),
            key=lambda s: s.rank,
            default=None,
        )
        overall_level = _level(rubric.levels, overall_score, worst_overall)

    overall_threshold = rubric.overall_threshold
    source = "rubric"
    if options.fail_under is not None:
        overall_threshold, source = options.fail_under, options.source("overall")
    if overall_threshold is not None:
        gates.append(
            Gate(
                id="overall",
                kind="overall",
                threshold=overall_threshold,
                actual=overall_score,
                passed=overall_score + 1e-9 >= overall_threshold,
                source=source,
            )
        )
    if options.fail_on is not None:
        worst_all = max(
            (f.severity for f in result.findings if f.status is Status.FAIL),
            key=lambda s: s.rank,
            default=None,
        )
        gates.append(
            Gate(
                id="fail-on",
                kind="severity",
                threshold=options.fail_on.value,
                actual=worst_all.value if worst_all else "none",
                passed=worst_all is None or worst_all.rank < options.fail_on.rank,
                source=options.source("fail-on"),
            )
        )
    overall = Overall(
        score=overall_score,
        raw_score=overall_raw,
        level=overall_level.level,
        level_name=overall_level.name,
        passed=all(g.passed for g in gates),
    )
    return objectives, overall, gates
