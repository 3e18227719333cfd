"""Renderers: each module has a pure ``render(report) -> str``; none prints."""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum
from typing import assert_never

from sovcheck.model.report import Report


class OutputFormat(StrEnum):
    TABLE = "table"
    JSON = "json"


def renderer(fmt: OutputFormat) -> Callable[[Report], str]:
    from sovcheck.formats import json_report, table

    if fmt is OutputFormat.TABLE:
        return table.render
    if fmt is OutputFormat.JSON:
        return json_report.render
    assert_never(fmt)
