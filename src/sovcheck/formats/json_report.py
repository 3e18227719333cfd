"""The JSON report (the public contract): sorted keys, two-space indent, UTF-8, newline."""

from __future__ import annotations

from typing import Any

import pydantic_core

from sovcheck.model.report import Finding, Report


def to_data(report: Report) -> dict[str, Any]:
    """The report as JSON data, keys sorted. Findings, which can number in the hundreds of
    thousands, are written field by field (what model_dump would give, ten times faster)."""
    data: dict[str, Any] = _sorted(report.model_dump(mode="json", exclude={"findings"}))
    data["findings"] = [_finding(f) for f in report.findings]
    return {key: data[key] for key in sorted(data)}


def _finding(f: Finding) -> dict[str, Any]:
    loc = f.location
    return {
        "component": f.component,
        "location": {"column": loc.column, "file": loc.file, "line": loc.line},
        "message": f.message,
        "objective": f.objective,
        "path": list(f.path),
        "references": list(f.references),
        "remediation": f.remediation,
        "rule": f.rule,
        "severity": f.severity.value,
        "status": f.status.value,
        "status_without_waiver": (
            None if f.status_without_waiver is None else f.status_without_waiver.value
        ),
        "unknown_fields": list(f.unknown_fields),
        "waived": f.waived,
        "waiver_reason": f.waiver_reason,
    }


def render(report: Report) -> str:
    # The same bytes as json.dumps(sort_keys=True, indent=2, ensure_ascii=False), which
    # runs its pure-Python encoder whenever indent is set (ten times slower on large
    # reports). Report floats are rounded to at most 4 decimals, so none is written in
    # exponent form, where the two encoders would differ (1e-05 vs 0.00001).
    text: bytes = pydantic_core.to_json(to_data(report), indent=2)
    return text.decode("utf-8") + "\n"


def _sorted(value: Any) -> Any:
    """``value`` with the keys of every mapping in sorted order."""
    if isinstance(value, dict):
        return {key: _sorted(value[key]) for key in sorted(value)}
    if isinstance(value, list):
        return [_sorted(item) for item in value]
    return value


def render_many(reports: list[Report] | tuple[Report, ...]) -> str:
    """Several audits: a JSON array of reports, each exactly as the contract describes."""
    text: bytes = pydantic_core.to_json([to_data(r) for r in reports], indent=2)
    return text.decode("utf-8") + "\n"
