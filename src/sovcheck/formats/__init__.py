"""Renderers: each module has a pure ``render(report) -> str``; none prints.

Formats that can hold several audits in one file (JSON, SARIF, JUnit, GitLab Code Quality)
also have ``render_many(reports) -> str``; the others are concatenated. The terminal table also
takes ``width`` and ``colour`` (keyword arguments, see :mod:`sovcheck.formats.termtext`);
the functions here pass them on to it and to no other format; ``sarif_max_results`` goes
to SARIF alone.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from enum import StrEnum
from functools import partial
from types import ModuleType
from typing import TYPE_CHECKING, assert_never

from sovcheck.errors import UsageError
from sovcheck.formats.termtext import DEFAULT_WIDTH

if TYPE_CHECKING:  # the command line imports OutputFormat at start-up, before any report
    from sovcheck.model.report import Report
    from sovcheck.rules.facts import AuditFacts


class OutputFormat(StrEnum):
    TABLE = "table"
    JSON = "json"
    SARIF = "sarif"
    JUNIT = "junit"
    CODEQUALITY = "codequality"
    MARKDOWN = "markdown"
    HTML = "html"


# Formats that draw the value chain need the audit's facts, not only the report.
NEEDS_FACTS = frozenset({OutputFormat.HTML})


def _module(fmt: OutputFormat) -> ModuleType:
    from sovcheck.formats import codequality, json_report, junit, markdown, sarif, table

    if fmt is OutputFormat.TABLE:
        return table
    if fmt is OutputFormat.JSON:
        return json_report
    if fmt is OutputFormat.SARIF:
        return sarif
    if fmt is OutputFormat.JUNIT:
        return junit
    if fmt is OutputFormat.CODEQUALITY:
        return codequality
    if fmt is OutputFormat.MARKDOWN:
        return markdown
    if fmt is OutputFormat.HTML:
        raise ValueError("the HTML report draws the value chain: use render_audits")
    assert_never(fmt)


def renderer(
    fmt: OutputFormat, *, width: int = DEFAULT_WIDTH, colour: bool = False
) -> Callable[[Report], str]:
    """The format's ``render``; for the table, laid out to ``width``, coloured if ``colour``."""
    if fmt is OutputFormat.TABLE:
        from sovcheck.formats import table

        return partial(table.render, width=width, colour=colour)
    render: Callable[[Report], str] = _module(fmt).render
    return render


def render_audits(
    fmt: OutputFormat,
    audits: Sequence[tuple[Report, AuditFacts | None]],
    *,
    many: bool = False,
    sarif_max_results: int | None = None,
    width: int = DEFAULT_WIDTH,
    colour: bool = False,
) -> str:
    """Like :func:`render_reports`, for formats that also need the facts (one audit only)."""
    if fmt not in NEEDS_FACTS:
        reports = [report for report, _ in audits]
        return render_reports(
            fmt,
            reports,
            many=many,
            sarif_max_results=sarif_max_results,
            width=width,
            colour=colour,
        )
    if len(audits) != 1 or many:
        raise UsageError(f"--format {fmt.value} takes one inventory")
    report, facts = audits[0]
    assert facts is not None, "the CLI keeps the facts for these formats"
    from sovcheck.formats.html import render_html

    return render_html(report, facts)


def stream_audits(
    fmt: OutputFormat,
    audits: Sequence[tuple[Report, AuditFacts | None]],
    *,
    many: bool = False,
    sarif_max_results: int | None = None,
    width: int = DEFAULT_WIDTH,
    colour: bool = False,
    report_version: int | None = None,
) -> Iterator[bytes]:
    """What :func:`render_audits` returns, as UTF-8, in pieces where the format can be
    written so (JSON, of ``report_version``, default the latest): a large report then
    never exists in memory as one text."""
    if fmt is OutputFormat.JSON:
        from sovcheck.formats import json_report

        version = json_report.LATEST if report_version is None else report_version
        reports = [report for report, _ in audits]
        if len(reports) == 1 and not many:
            yield from json_report.render_chunks(reports[0], version)
        else:
            yield from json_report.render_many_chunks(reports, version)
        return
    text = render_audits(
        fmt,
        audits,
        many=many,
        sarif_max_results=sarif_max_results,
        width=width,
        colour=colour,
    )
    yield text.encode("utf-8")


def render_reports(
    fmt: OutputFormat,
    reports: Sequence[Report],
    *,
    many: bool = False,
    sarif_max_results: int | None = None,
    width: int = DEFAULT_WIDTH,
    colour: bool = False,
) -> str:
    """One document for one audit, or for several (``many``: even if only one succeeded).

    ``sarif_max_results`` caps the results of a SARIF log (0: no cap; None: the format's
    default); other formats ignore it.
    """
    if fmt is OutputFormat.SARIF and sarif_max_results is not None:
        from sovcheck.formats import sarif

        # One SARIF log, whether of one report or of several.
        return sarif.render_many(reports, max_results=sarif_max_results)
    module = _module(fmt)
    render = renderer(fmt, width=width, colour=colour)
    if len(reports) == 1 and not many:
        return render(reports[0])
    render_many: Callable[[Sequence[Report]], str] | None = getattr(module, "render_many", None)
    if render_many is not None:
        return render_many(reports)
    separator = "\n---\n\n" if fmt is OutputFormat.MARKDOWN else "\n"
    return separator.join(render(r) for r in reports)
