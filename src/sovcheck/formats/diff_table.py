"""The diff as plain terminal tables."""

from __future__ import annotations

import textwrap

from tabulate import tabulate

from sovcheck.plan import DiffReport, FindingChange

WIDTH = 60


def _rows(kind: str, items: tuple[FindingChange, ...]) -> list[list[str]]:
    return [
        [
            kind,
            f.rule,
            f.component or "(system)",
            f.status_before.value if f.status_before else "-",
            f.status_after.value if f.status_after else "-",
            "\n".join(textwrap.wrap(f.message, WIDTH)) or f.message,
        ]
        for f in items
    ]


def render(report: DiffReport) -> str:
    out = [f"sovcheck diff · {report.base} -> {report.head}", ""]
    rows = [
        [
            o.title,
            f"{o.before:.1f}",
            f"{o.after:.1f}",
            f"{o.delta:+.1f}",
            f"{o.level_before} -> {o.level_after}",
            "-" if o.threshold is None else f"{o.threshold:g}",
            "pass" if o.passed_after else "FAIL",
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
    out.append(
        tabulate(
            rows,
            headers=["Objective", "Base", "Head", "Change", "Level", "Min", "Head gate"],
            tablefmt="simple",
            disable_numparse=True,
        )
    )
    findings = (
        _rows("new", report.new_findings)
        + _rows("fixed", report.fixed_findings)
        + _rows("changed", report.changed_findings)
    )
    if findings:
        out.append("")
        out.append(
            tabulate(
                findings,
                headers=["Finding", "Rule", "Component", "Base", "Head", "Message"],
                tablefmt="simple",
                disable_numparse=True,
            )
        )
    if report.components_compared:
        out.append("")
        out.append("Components added: " + (", ".join(report.added) or "none"))
        out.append("Components removed: " + (", ".join(report.removed) or "none"))
        for c in report.changed:
            out.append(f"Component changed: {c.id} ({', '.join(c.fields)})")
    for note in report.notes:
        out.append(f"Note: {note}")
    out.append("")
    if report.worse:
        out += [f"Worse: {r}" for r in report.worse_reasons]
        out.append("Verdict: WORSE")
    else:
        out.append("Verdict: no gate got worse")
    return "\n".join(out) + "\n"
