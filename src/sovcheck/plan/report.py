"""The gap report's models, and what the planner's modules share."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict

from sovcheck.model.report import Status

GAP_VERSION = 1
EPS = 1e-9


class PlanModel(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)


class TargetSpec(PlanModel):
    kind: Literal["level", "fail-under", "minimums"]
    level: int | None = None
    level_name: str | None = None
    score: float | None = None
    minimums: dict[str, float] = {}
    description: str


class FindingCost(PlanModel):
    rule: str
    component: str | None
    status: Status
    severity: str
    message: str
    cost: float  # credit lost x rule weight
    points: float  # points of the objective's score (overall score for fail-under)
    weakest_link: bool


class TargetLine(PlanModel):
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


class ScoreChange(PlanModel):
    id: str
    before: float
    after: float
    delta: float
    level_before: int
    level_after: int


class Step(PlanModel):
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
    # a supplier replaced everywhere in one step, and the offer that replaces each component
    supplier: str | None = None
    offers: tuple[tuple[str, str], ...] = ()
    effort: str = "migration"  # contract | migration | re-platforming | r-and-d | fact-finding
    # change in the annual spend going to foreign suppliers, when the inventory gives the
    # cost of what moves (priced as before: the catalog has no prices); None otherwise
    foreign_spend_change_eur: float | None = None


class NotModelled(PlanModel):
    component: str | None
    field: str
    rules: tuple[str, ...]
    reason: str


class NoOffer(PlanModel):
    """A foreign component failing a rule that nothing like it can replace: no named
    substitute, no trusted component of its kind and capability, no catalog offer."""

    component: str
    kind: str
    capabilities: tuple[str, ...]  # empty: unknown
    reason: str  # e.g. "no trusted accelerator offer in the catalog"
    effort: str  # r-and-d: none exists; fact-finding: its capability is to be stated


class GapReport(PlanModel):
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


def finding_order(key: tuple[str, str | None]) -> tuple[str, str]:
    return key[0], key[1] or ""
