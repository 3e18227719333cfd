"""The version 2 JSON report as it is written (formats/json_report.py), for its JSON
Schema and for reading saved reports back (load/saved_report.py).

In memory an audit is a :class:`~sovcheck.model.report.Report`, whose findings carry their
rule's texts and whole path: the version 1 shape.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import TypeAdapter

from sovcheck.model.report import Report, Risks, SourceLocation, Status, _Model
from sovcheck.model.rubric import Severity


class PathStep(_Model):
    """One step of the path table: a component, and the index of the step before it in
    the table (None: the path starts here)."""

    component: str
    parent: int | None


class FindingV2(_Model):
    """A finding: its rule by id (the rule's texts are in ``rules``; its objective and
    severity stay, to filter on), its path by the index in ``paths`` of its last step
    (None: no path)."""

    rule: str
    objective: str
    severity: Severity
    status: Status
    component: str | None
    message: str
    path: int | None
    location: SourceLocation
    waived: bool
    waiver_reason: str | None = None
    status_without_waiver: Status | None = None
    unknown_fields: tuple[str, ...] = ()


class CutoffRiskV2(_Model):
    component: str
    reason: str
    path: int | None


class SinglePointOfFailureV2(_Model):
    component: str
    dominated: int
    path: int | None


class RisksV2(Risks):
    cutoff: tuple[CutoffRiskV2, ...]  # type: ignore[assignment]
    single_points_of_failure: tuple[SinglePointOfFailureV2, ...]  # type: ignore[assignment]


class ReportV2(Report):
    """The report as version 2 writes it: ``paths`` is the path table, a tree of steps;
    a path (of a finding or a risk) is the index of its last step, whose parents lead back
    to its first."""

    report_version: Literal[2] = 2
    findings: tuple[FindingV2, ...]  # type: ignore[assignment]
    risks: RisksV2
    paths: tuple[PathStep, ...]


# What ``audit --format json`` writes: one report, or an array of them for several
# inventories (or with a directory given).
Output = ReportV2 | list[ReportV2]


def json_schema() -> dict[str, Any]:
    schema: dict[str, Any] = TypeAdapter(Output).json_schema()
    schema["title"] = "sovcheck audit report, version 2 (one report, or one per inventory)"
    return schema
