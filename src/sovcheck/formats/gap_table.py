"""The gap report as plain terminal tables, laid out to a width (see :mod:`.termtext`)."""

from __future__ import annotations

from sovcheck.formats.termtext import (
    DEFAULT_WIDTH,
    GREEN,
    RED,
    YELLOW,
    Cell,
    Column,
    Styled,
    table,
    wrap,
)
from sovcheck.plan import GapReport, TargetLine

TARGET_COLUMNS = (
    Column("Target", weight=1),
    Column("Score"),
    Column("Aim"),
    Column("Gap"),
    Column("Level", weight=1),
    Column("Status"),
)
STEP_COLUMNS = (
    Column("Step"),
    Column("Kind"),
    Column("Source"),
    Column("What", weight=1.5, cap=60),
    Column("Change", weight=1, cap=40),
    Column("After step", weight=1),
)


def _lines(lines: tuple[TargetLine, ...], width: int, colour: bool) -> str:
    rows: list[list[Cell]] = [
        [
            line.title,
            f"{line.score:.1f}",
            f"{line.target:g}",
            f"{line.gap:.1f}",
            f"{line.level} {line.level_name}",
            Styled.of(("reached", GREEN) if line.reached else ("below", YELLOW)),
        ]
        for line in lines
    ]
    return table(TARGET_COLUMNS, rows, width=width, colour=colour)


def render(report: GapReport, *, width: int = DEFAULT_WIDTH, colour: bool = False) -> str:
    """The plan laid out for a terminal ``width`` columns wide; ANSI colour if ``colour``."""
    out = [
        *wrap(f"Gap report · {report.system} ({report.inventory})", width),
        *wrap(
            f"rubric {report.rubric} v{report.rubric_version} · "
            f"target: {report.target.description}",
            width,
        ),
        "",
        _lines(report.before, width, colour),
        "",
    ]
    rows: list[list[Cell]] = []
    for step in report.steps:
        deltas = ", ".join(
            f"{c.id} {c.delta:+.1f}" for c in step.changes if c.delta and c.id != "overall"
        )
        rows.append(
            [
                str(step.number),
                step.kind,
                step.source,
                step.summary,
                deltas,
                ", ".join(map(str, step.depends_on_steps)) or "-",
            ]
        )
    if rows:
        out.append(table(STEP_COLUMNS, rows, width=width, colour=colour))
        out.append("")
    out.append(_lines(report.after, width, colour))
    out.append("")
    verdict: list[str | tuple[str, str | None]] = (
        [("reached", GREEN)] if report.reached else [("not reached", RED), f" ({report.stopped})"]
    )
    if report.assumes_facts:
        verdict.append("; assumes favourable facts")
    out += wrap(Styled.of("Target: ", *verdict), width, colour=colour)
    return "\n".join(out) + "\n"
