"""The gap report as JSON: sorted keys, two-space indent, UTF-8, final newline."""

from __future__ import annotations

import json

from sovcheck.plan import GapReport


def render(report: GapReport) -> str:
    data = report.model_dump(mode="json")
    return json.dumps(data, sort_keys=True, indent=2, ensure_ascii=False) + "\n"
