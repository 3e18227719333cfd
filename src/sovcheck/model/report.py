"""The audit report: the public contract of ``sovcheck audit --format json``.

Field names are a promise to scripts (report format specification); new fields may be
added, none renamed. ``REPORT_VERSION`` changes only with an incompatible change.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field
from pydantic.json_schema import SkipJsonSchema

from sovcheck.model.rubric import Score, Severity, Share, Weight
from sovcheck.model.summary import CostEnergySummary

REPORT_VERSION = 1


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)


class Status(StrEnum):
    PASS = "pass"
    FAIL = "fail"
    UNKNOWN = "unknown"
    WAIVED = "waived"
    NOT_APPLICABLE = "not_applicable"


class SourceLocation(_Model):
    # In key order: the JSON report encodes locations as they are (formats/json_report.py).
    column: int
    file: str
    line: int


class Finding(_Model):
    rule: str
    objective: str
    severity: Severity
    status: Status
    component: str | None
    message: str
    path: tuple[str, ...]
    location: SourceLocation
    remediation: str
    references: tuple[str, ...]
    waived: bool
    waiver_reason: str | None = None
    status_without_waiver: Status | None = None
    unknown_fields: tuple[str, ...] = ()

    @property
    def effective_status(self) -> Status:
        """What the rule found, a waiver set aside: baselines and SARIF judge by this."""
        if self.status is Status.WAIVED and self.status_without_waiver is not None:
            return self.status_without_waiver
        return self.status


_FINDING_FIELDS = frozenset(Finding.model_fields)
_LOCATION_FIELDS = frozenset(SourceLocation.model_fields)
_setattr = object.__setattr__


# One set for every instance built here: pydantic reads it (model_fields_set) and copies
# it before any change (model_copy), and these models are frozen.
_ALL_FINDING_FIELDS = set(_FINDING_FIELDS)
_ALL_LOCATION_FIELDS = set(_LOCATION_FIELDS)


def source_location(file: str, line: int, column: int) -> SourceLocation:
    """A SourceLocation from a position the loader found (see ``finding_unchecked``)."""
    loc = SourceLocation.__new__(SourceLocation)
    _setattr(loc, "__dict__", {"column": column, "file": file, "line": line})
    _setattr(loc, "__pydantic_fields_set__", _ALL_LOCATION_FIELDS)
    _setattr(loc, "__pydantic_extra__", None)
    _setattr(loc, "__pydantic_private__", None)
    return loc


def finding_unchecked(values: dict[str, object]) -> Finding:
    """A Finding from values the engine already validated, every field given.

    The same object ``Finding.model_construct`` makes (a test compares them), without its
    per-field bookkeeping: an audit of a large inventory builds hundreds of thousands, so
    they also share one fields-set and, per component, one location. ``values`` holds
    every field and becomes the finding's own.
    """
    finding = Finding.__new__(Finding)
    _setattr(finding, "__dict__", values)
    _setattr(finding, "__pydantic_fields_set__", _ALL_FINDING_FIELDS)
    _setattr(finding, "__pydantic_extra__", None)
    _setattr(finding, "__pydantic_private__", None)
    return finding


class RuleSummary(_Model):
    id: str
    objective: str
    title: str
    severity: Severity
    weight: Weight
    applicable: int
    passed: int
    failed: int
    unknown: int
    waived: int
    credit: Share | None
    raw_credit: Share | None
    rationale: str
    remediation: str
    references: tuple[str, ...]


class ObjectiveResult(_Model):
    id: str
    title: str
    weight: Weight
    score: Score
    raw_score: Score
    threshold: Score | None
    passed: bool
    level: int
    level_name: str
    assessed: bool
    failing: int
    unknown: int


class Overall(_Model):
    score: Score
    raw_score: Score
    level: int
    level_name: str
    passed: bool


class Gate(_Model):
    id: str
    kind: Literal["objective", "overall", "severity", "level", "baseline"]
    threshold: float | str
    actual: float | str
    passed: bool
    source: Literal["rubric", "command-line", "config", "baseline"]
    # With --baseline, a gate that already failed when the baseline was made: the value it
    # had then. The gate holds while it is no worse than that.
    baseline: float | str | None = None


class Unknown(_Model):
    component: str | None
    field: str
    rules: tuple[str, ...]


class CutoffRisk(_Model):
    component: str
    reason: str
    path: tuple[str, ...]


class SinglePointOfFailure(_Model):
    component: str
    dominated: int
    path: tuple[str, ...]


class Risks(_Model):
    cutoff: tuple[CutoffRisk, ...]
    single_points_of_failure: tuple[SinglePointOfFailure, ...]
    foreign_spend_share: Share | None
    cutoff_exposed: int


class WaiverState(_Model):
    rule: str
    component: str | None
    reason: str
    expires: str
    status: Literal["active", "expired", "unused"]
    matched: int


class ToolInfo(_Model):
    name: str
    version: str


class InventoryInfo(_Model):
    path: str
    sha256: str
    system: str
    home: str
    trusted: tuple[str, ...]
    components: int


class RubricInfo(_Model):
    id: str
    version: str
    sha256: str
    title: str


class OrganizationNote(_Model):
    id: str
    note: str


class AuditWarning(_Model):
    """Something the reader must see before trusting the verdicts: an inventory that
    overrides what the catalog says of an organization, or a component nothing in the
    system reaches (so no data, cut-off or maintenance path of the system passes it)."""

    kind: Literal["catalog-override", "unreachable"]
    subject: str  # the organization or component id
    message: str
    location: SourceLocation | None = None


class FactAge(_Model):
    """A fact older than ``--max-fact-age`` allows: check it again before relying on it."""

    subject: Literal["organization", "law", "component"]
    id: str
    as_of: str
    age_days: int


class InferredFact(_Model):
    """A fact an importer inferred rather than read: the audit relies on it, a person should check it."""

    subject: Literal["component", "organization"]
    id: str
    field: str
    how: str


class BaselineFinding(_Model):
    rule: str
    component: str | None
    status: Status
    severity: Severity
    message: str
    line: int | None  # in the inventory; None for a finding that has left


class BaselineComparison(_Model):
    """What ``--baseline`` found: findings it accepts, new ones, and ones that left."""

    file: str
    inventory_found: bool  # False: the baseline has no entry for this inventory
    accepted: int
    new: tuple[BaselineFinding, ...]
    left: tuple[BaselineFinding, ...]


class Report(_Model):
    report_version: int = REPORT_VERSION
    tool: ToolInfo
    inventory: InventoryInfo
    rubric: RubricInfo
    objectives: tuple[ObjectiveResult, ...]
    overall: Overall
    gates: tuple[Gate, ...]
    findings: tuple[Finding, ...]
    rules: tuple[RuleSummary, ...]
    unknowns: tuple[Unknown, ...]
    risks: Risks
    waivers: tuple[WaiverState, ...]
    organizations: tuple[OrganizationNote, ...]
    stale_facts: tuple[FactAge, ...] = ()
    inferred: tuple[InferredFact, ...] = ()
    warnings: tuple[AuditWarning, ...] = ()
    baseline: BaselineComparison | None = None
    # The cost and energy summary the terminal, Markdown and HTML reports show; not part of
    # the JSON report (version 1), which keeps its fields.
    summary: SkipJsonSchema[CostEnergySummary | None] = Field(default=None, exclude=True)
