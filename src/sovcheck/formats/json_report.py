"""The JSON report (the public contract): sorted keys, two-space indent, UTF-8, newline."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

import pydantic_core

from sovcheck import jsontext
from sovcheck.model.report import Finding, Report, Status
from sovcheck.model.rubric import Severity


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
_FINDING_KEYS = tuple(sorted(Finding.model_fields))


def render(report: Report) -> str:
    return b"".join(render_chunks(report)).decode("utf-8")


def render_chunks(report: Report) -> Iterator[bytes]:
    """The report as UTF-8 in pieces; joined, the bytes of ``json.dumps(data,
    sort_keys=True, indent=2, ensure_ascii=False) + "\n"``."""
    yield from _report_chunks(report, 0)
    yield b"\n"


def _report_chunks(report: Report, level: int) -> Iterator[bytes]:
    """One report as JSON nested ``level`` deep (its first line not indented).

    pydantic_core's encoder gives the bytes of json.dumps(sort_keys=True, indent=2,
    ensure_ascii=False), whose pure-Python encoder runs whenever indent is set (ten times
    slower). Report floats are rounded to at most 4 decimals, so none is written in exponent
    form, where the two would differ (1e-05 vs 0.00001). The findings are spliced in where
    the empty list stands: JSON strings hold no raw newline, so a newline and the key's
    indent mark the place.
    """
    data = to_data(report, findings=False)
    # pydantic_core writes NaN and Infinity as bare tokens; findings hold no floats.
    jsontext.require_finite(data)
    text = _dumps(data, level)
    marker = b"\n" + b"  " * (level + 1) + b'"findings": []'
    head, found, tail = text.partition(marker)
    assert found, "every report has a findings key"
    if not report.findings:
        yield text
        return
    yield head + marker[:-1]
    # The findings nested as deep as in the report, so that the encoder indents them.
    prefix, suffix = _nesting(level)
    findings = report.findings
    for start in range(0, len(findings), BATCH):
        batch = _nest(level, [_encodable(f) for f in findings[start : start + BATCH]])
        body = pydantic_core.to_json(batch, indent=2)[len(prefix) : -len(suffix)]
        yield (b",\n" if start else b"\n") + body
    yield b"\n" + b"  " * (level + 1) + b"]" + tail


def _nest(level: int, findings: list[Any]) -> Any:
    nested: Any = {"findings": findings}
    for _ in range(level):
        nested = [nested]
    return nested


def _nesting(level: int) -> tuple[bytes, bytes]:
    """The encoded text before and after the items of ``_nest(level, ...)``: up to the
    first item's indent, and from the end of the last item."""
    text = pydantic_core.to_json(_nest(level, [0]), indent=2)
    at = text.rindex(b"0")
    return text[: text.rindex(b"\n", 0, at) + 1], text[at + 1 :]


_ENUM_VALUES: dict[Any, str] = {m: m.value for enum in (Severity, Status) for m in enum}


def _encodable(f: Finding) -> dict[str, Any]:
    """A finding as the encoder writes it fastest: plain dicts, strings and tuples in key
    order (enums and the location model cost it twice as much)."""
    values = vars(f)
    # The engine builds findings in key order; validated ones are in field order.
    ordered = tuple(values) == _FINDING_KEYS
    data = dict(values) if ordered else {k: values[k] for k in _FINDING_KEYS}
    loc = data["location"]
    data["location"] = {"column": loc.column, "file": loc.file, "line": loc.line}
    data["severity"] = _ENUM_VALUES[data["severity"]]
    data["status"] = _ENUM_VALUES[data["status"]]
    if data["status_without_waiver"] is not None:
        data["status_without_waiver"] = _ENUM_VALUES[data["status_without_waiver"]]
    return data


def _dumps(data: Any, level: int) -> bytes:
    text: bytes = pydantic_core.to_json(data, indent=2)
    return text.replace(b"\n", b"\n" + b"  " * level) if level else text


def _sorted(value: Any) -> Any:
    """``value`` with the keys of every mapping in sorted order."""
    if isinstance(value, dict):
        return {
            key: _sorted(item) if isinstance(item, (dict, list)) else item
            for key, item in sorted(value.items())
        }
    if isinstance(value, list):
        return [_sorted(item) if isinstance(item, (dict, list)) else item for item in value]
    return value


def render_many(reports: Sequence[Report]) -> str:
    """Several audits: a JSON array of reports, each exactly as the contract describes."""
    return b"".join(render_many_chunks(reports)).decode("utf-8")


def render_many_chunks(reports: Sequence[Report]) -> Iterator[bytes]:
    if not reports:
        yield b"[]\n"
        return
    yield b"[\n  "
    for k, report in enumerate(reports):
        if k:
            yield b",\n  "
        yield from _report_chunks(report, 1)
    yield b"\n]\n"
