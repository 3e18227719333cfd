"""The gap report as JSON: sorted keys, two-space indent, UTF-8, final newline."""

from __future__ import annotations

from sovcheck import jsontext
from sovcheck.plan import GapReport


def render(report: GapReport) -> str:
    data = report.model_dump(mode="json")
    return jsontext.dumps(data, sort_keys=True)
