"""Renderers: each module has a pure ``render(report) -> str``; none prints.

Formats that can hold several audits in one file (JSON, SARIF, JUnit) also have
``render_many(reports) -> str``; the others are concatenated.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from enum import StrEnum
from types import ModuleType
from typing import assert_never

from sovcheck.model.report import Report


class OutputFormat(StrEnum):
    TABLE = "table"
    JSON = "json"
    SARIF = "sarif"
    JUNIT = "junit"
    MARKDOWN = "markdown"


def _module(fmt: OutputFormat) -> ModuleType:
    from sovcheck.formats import json_report, junit, markdown, sarif, table

    if fmt is OutputFormat.TABLE:
        return table
    if fmt is OutputFormat.JSON:
        return json_report
    if fmt is OutputFormat.SARIF:
        return sarif
    if fmt is OutputFormat.JUNIT:
        return junit
    if fmt is OutputFormat.MARKDOWN:
        return markdown
    assert_never(fmt)


def renderer(fmt: OutputFormat) -> Callable[[Report], str]:
    render: Callable[[Report], str] = _module(fmt).render
    return render


def render_reports(fmt: OutputFormat, reports: Sequence[Report], *, many: bool = False) -> str:
    """One document for one audit, or for several (``many``: even if only one succeeded)."""
    module = _module(fmt)
    if len(reports) == 1 and not many:
        return renderer(fmt)(reports[0])
    render_many: Callable[[Sequence[Report]], str] | None = getattr(module, "render_many", None)
    if render_many is not None:
        return render_many(reports)
    separator = "\n---\n\n" if fmt is OutputFormat.MARKDOWN else "\n"
    return separator.join(module.render(r) for r in reports)
