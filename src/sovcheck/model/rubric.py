"""Rubrics: objectives, readiness levels and declarative rules."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from sovcheck.choices import Severity as Severity


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)


Share = Annotated[float, Field(ge=0.0, le=1.0)]
Score = Annotated[float, Field(ge=0.0, le=100.0)]
# The largest weight a rule or an objective may have: a score is a weighted mean, and with
# weights this bounded no sum of them, or of weights times credits, can overflow a float
# (a million rules of the largest weight sum to 1e12). Weights are relative: 3 and 1 mean
# what 3e9 and 1e9 would.
WEIGHT_MAX = 1_000_000
Weight = Annotated[float, Field(gt=0, le=WEIGHT_MAX)]
RuleId = Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")]
ObjectiveId = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]*$")]


class Objective(_Model):
    id: ObjectiveId
    title: str
    description: str | None = None
    weight: Weight = 1.0
    threshold: Score | None = None
    min_level: Annotated[int, Field(ge=0)] | None = Field(
        default=None,
        description="Gate: the objective's level must reach this (EU CSF: the minimum SEAL).",
    )


class Level(_Model):
    level: Annotated[int, Field(ge=0)]
    name: str
    min_score: Score
    max_failing_severity: Severity | None = Field(
        default=None,
        description="Failing findings of a higher severity keep an objective below this level.",
    )


class Rule(_Model):
    id: RuleId
    objective: ObjectiveId
    title: str
    severity: Severity
    weight: Weight
    scope: Literal["component", "system"] = "component"
    applies_to: dict[str, Any] | None = None
    check: dict[str, Any]
    message: str = Field(description="What a failing finding says.")
    pass_message: str | None = Field(
        default=None, description="What a passing finding says (evidence, not a failure)."
    )
    unknown_message: str | None = Field(
        default=None,
        description="What an unknown finding says before the facts to establish are named.",
    )
    path: Literal["data", "reach", "operational", "cutoff"] = "reach"
    unknown_credit: Share | None = None
    fail_level: Annotated[int, Field(ge=0)] | None = Field(
        default=None,
        description="The highest level its objective can reach while this rule fails.",
    )
    unknown_level: Annotated[int, Field(ge=0)] | None = Field(
        default=None,
        description="The highest level its objective can reach while it stays unknown.",
    )
    aggregate: Literal["mean", "min"] = "mean"
    rationale: str
    remediation: str
    references: Annotated[tuple[str, ...], Field(min_length=1)]


class Rubric(_Model):
    rubric: Literal[1]
    id: ObjectiveId
    version: str
    title: str
    description: str | None = None
    extends: str | None = Field(
        default=None,
        description=(
            "A shipped rubric's id, or a path relative to this file: its objectives, levels, "
            "settings and rules are this rubric's unless it gives its own; a rule with the id "
            "of one of them replaces it, and `drop` removes rules."
        ),
    )
    drop: tuple[RuleId, ...] = ()
    unknown_credit: Share = 0.5
    unknown_level: Annotated[int, Field(ge=0)] | None = Field(
        default=None,
        description="Default unknown_level of the rules (the level unknown evidence caps at).",
    )
    overall_level: Literal["lowest", "score"] = "lowest"
    overall_score: Literal["scores", "levels"] = Field(
        default="scores",
        description=(
            "scores: the objective scores' weighted mean; levels: 100 x the weighted mean of "
            "level / highest level (the EU CSF award score; an objective not assessed earns 0)."
        ),
    )
    overall_threshold: Score | None = None
    objectives: tuple[Objective, ...] = ()
    levels: tuple[Level, ...] = ()
    rules: tuple[Rule, ...] = ()
