"""The gap report as plain terminal tables."""

from __future__ import annotations

from tabulate import tabulate

from sovcheck.plan import GapReport, TargetLine


def _lines(lines: tuple[TargetLine, ...]) -> str:
    return tabulate(
        [
            [
                line.title,
                f"{line.score:.1f}",
                f"{line.target:g}",
                f"{line.gap:.1f}",
                f"{line.level} {line.level_name}",
                "reached" if line.reached else "below",
            ]
            for line in lines
        ],
        headers=["Target", "Score", "Aim", "Gap", "Level", "Status"],
        tablefmt="simple",
        disable_numparse=True,
    )


def render(report: GapReport) -> str:
    out = [
        f"Gap report · {report.system} ({report.inventory})",
        f"rubric {report.rubric} v{report.rubric_version} · target: {report.target.description}",
        "",
        _lines(report.before),
        "",
    ]
    rows = []
    for step in report.steps:
        deltas = ", ".join(
            f"{c.id} {c.delta:+.1f}" for c in step.changes if c.delta and c.id != "overall"
        )
        rows.append(
            [
                step.number,
                step.kind,
                step.source,
                step.summary,
                deltas,
                ", ".join(map(str, step.depends_on_steps)) or "-",
            ]
        )
    if rows:
        out.append(
            tabulate(
                rows,
                headers=["Step", "Kind", "Source", "What", "Change", "After step"],
                tablefmt="simple",
                disable_numparse=True,
                maxcolwidths=[None, None, None, 60, 40, None],
            )
        )
        out.append("")
    out.append(_lines(report.after))
    out.append("")
    verdict = "reached" if report.reached else f"not reached ({report.stopped})"
    if report.assumes_facts:
        verdict += "; assumes favourable facts"
    out.append(f"Target: {verdict}")
    return "\n".join(out) + "\n"
