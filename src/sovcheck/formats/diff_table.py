"""The diff as plain terminal tables, laid out to a width (see :mod:`.termtext`)."""

from __future__ import annotations

from sovcheck.formats.table import STATUS_COLOUR
from sovcheck.formats.termtext import (
    DEFAULT_WIDTH,
    GREEN,
    RED,
    Cell,
    Column,
    Styled,
    join_wrapped,
    paint,
    table,
    wrap,
)
from sovcheck.model.report import Status
from sovcheck.plan import DiffReport, FindingChange

OBJECTIVE_COLUMNS = (
    Column("Objective", weight=1),
    Column("Base"),
    Column("Head"),
    Column("Change"),
    Column("Level"),
    Column("Min"),
    Column("Head gate"),
)
FINDING_COLUMNS = (
    Column("Finding"),
    Column("Rule"),
    Column("Component", weight=1),
    Column("Base"),
    Column("Head"),
    Column("Message", weight=1.5, cap=60),
)


def _status(status: Status | None) -> Cell:
    return Styled.of((status.value, STATUS_COLOUR.get(status))) if status else "-"


def _rows(kind: str, items: tuple[FindingChange, ...]) -> list[list[Cell]]:
    return [
        [
            kind,
            f.rule,
            f.component or "(system)",
            _status(f.status_before),
            _status(f.status_after),
            f.message,
        ]
        for f in items
    ]


def render(report: DiffReport, *, width: int = DEFAULT_WIDTH, colour: bool = False) -> str:
    """The diff laid out for a terminal ``width`` columns wide; ANSI colour if ``colour``."""
    out = wrap(f"sovcheck diff · {report.base} -> {report.head}", width)
    out.append("")
    rows: list[list[Cell]] = [
        [
            o.title,
            f"{o.before:.1f}",
            f"{o.after:.1f}",
            f"{o.delta:+.1f}",
            f"{o.level_before} -> {o.level_after}",
            "-" if o.threshold is None else f"{o.threshold:g}",
            Styled.of(("pass", GREEN) if o.passed_after else ("FAIL", RED)),
        ]
        for o in report.objectives
    ]
    ov = report.overall
    rows.append(
        [
            "Overall",
            f"{ov.before:.1f}",
            f"{ov.after:.1f}",
            f"{ov.delta:+.1f}",
            f"{ov.level_before} -> {ov.level_after}",
            "",
            "",
        ]
    )
    out.append(table(OBJECTIVE_COLUMNS, rows, width=width, colour=colour))
    findings = (
        _rows("new", report.new_findings)
        + _rows("fixed", report.fixed_findings)
        + _rows("changed", report.changed_findings)
    )
    if findings:
        out.append("")
        out.append(table(FINDING_COLUMNS, findings, width=width, colour=colour))
    if report.components_compared:
        out.append("")
        out += join_wrapped("Components added: ", report.added or ["none"], width, separator=",")
        out += join_wrapped(
            "Components removed: ", report.removed or ["none"], width, separator=","
        )
        for c in report.changed:
            out += wrap(f"Component changed: {c.id} ({', '.join(c.fields)})", width)
    for note in report.notes:
        out += wrap(f"Note: {note}", width)
    out.append("")
    if report.worse:
        for reason in report.worse_reasons:
            out += wrap(f"Worse: {reason}", width)
        out.append("Verdict: " + paint("WORSE", RED, colour))
    else:
        out.append("Verdict: no gate got worse")
    return "\n".join(out) + "\n"
