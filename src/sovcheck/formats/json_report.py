"""The JSON report (the public contract): sorted keys, two-space indent, UTF-8, newline."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

import pydantic_core

from sovcheck.model.report import Finding, Report


def to_data(report: Report, *, findings: bool = True) -> dict[str, Any]:
    """The report as JSON data, keys sorted. Findings, which can number in the hundreds of
    thousands, are written field by field (what model_dump would give, ten times faster);
    without ``findings`` their list is left empty."""
    data: dict[str, Any] = _sorted(report.model_dump(mode="json", exclude={"findings"}))
    data["findings"] = [_finding(f) for f in report.findings] if findings else []
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


# Findings encoded per batch: the report is written in pieces, so that its findings never
# exist all at once as dicts or as one encoded text (a million-component audit has
# millions of findings).
BATCH = 4096


def render(report: Report) -> str:
    return "".join(render_chunks(report))


def render_chunks(report: Report) -> Iterator[str]:
    """The report's text in pieces; joined, the same bytes as ``json.dumps(data,
    sort_keys=True, indent=2, ensure_ascii=False) + "\n"``."""
    yield from _report_chunks(report, 0)
    yield "\n"


def _report_chunks(report: Report, level: int) -> Iterator[str]:
    """One report as JSON nested ``level`` deep (its first line not indented).

    pydantic_core's encoder gives the bytes of json.dumps(sort_keys=True, indent=2,
    ensure_ascii=False), whose pure-Python encoder runs whenever indent is set (ten times
    slower). Report floats are rounded to at most 4 decimals, so none is written in exponent
    form, where the two would differ (1e-05 vs 0.00001). The findings are spliced in where
    the empty list stands: JSON strings hold no raw newline, so a newline and the key's
    indent mark the place.
    """
    text = _dumps(to_data(report, findings=False), level)
    inner = "  " * (level + 1)
    marker = f'\n{inner}"findings": []'
    head, found, tail = text.partition(marker)
    assert found, "every report has a findings key"
    if not report.findings:
        yield text
        return
    yield head + marker[:-1] + "\n"
    findings = report.findings
    for start in range(0, len(findings), BATCH):
        if start:
            yield ",\n"
        batch = [_finding(f) for f in findings[start : start + BATCH]]
        # "[\n  {...},\n  {...}\n]" without its brackets, each line indented one more level.
        yield inner + _dumps(batch, level + 1)[2 + len(inner) : -2 - len(inner)]
    yield f"\n{inner}]" + tail


def _dumps(data: Any, level: int) -> str:
    text: str = pydantic_core.to_json(data, indent=2).decode("utf-8")
    return text.replace("\n", "\n" + "  " * level) if level else text


def _sorted(value: Any) -> Any:
    """``value`` with the keys of every mapping in sorted order."""
    if isinstance(value, dict):
        return {key: _sorted(value[key]) for key in sorted(value)}
    if isinstance(value, list):
        return [_sorted(item) for item in value]
    return value


def render_many(reports: Sequence[Report]) -> str:
    """Several audits: a JSON array of reports, each exactly as the contract describes."""
    return "".join(render_many_chunks(reports))


def render_many_chunks(reports: Sequence[Report]) -> Iterator[str]:
    if not reports:
        yield "[]\n"
        return
    yield "[\n  "
    for k, report in enumerate(reports):
        if k:
            yield ",\n  "
        yield from _report_chunks(report, 1)
    yield "\n]\n"
