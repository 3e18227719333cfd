"""The JSON report (the public contract): sorted keys, two-space indent, UTF-8, newline."""

from __future__ import annotations

import json
from typing import Any

from sovcheck.model.report import Report


def to_data(report: Report) -> dict[str, Any]:
    data: dict[str, Any] = report.model_dump(mode="json")
    return data


def render(report: Report) -> str:
    return json.dumps(to_data(report), sort_keys=True, indent=2, ensure_ascii=False) + "\n"


def render_many(reports: list[Report] | tuple[Report, ...]) -> str:
    """Several audits: a JSON array of reports, each exactly as the contract describes."""
    data = [to_data(r) for r in reports]
    return json.dumps(data, sort_keys=True, indent=2, ensure_ascii=False) + "\n"
