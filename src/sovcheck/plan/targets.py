"""What a plan aims at: a readiness level, an overall score or objective minimums."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from sovcheck.errors import InputError
from sovcheck.load.rubric import LoadedRubric
from sovcheck.load.validation import did_you_mean
from sovcheck.plan.report import TargetSpec


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


def target_spec(target: Target, rubric: LoadedRubric) -> TargetSpec:
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
