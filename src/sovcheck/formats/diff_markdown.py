"""The diff as Markdown, fit for a pull-request comment."""

from __future__ import annotations

from sovcheck.formats.mdtext import Markdown, code, join, table, text
from sovcheck.plan import DiffReport, FindingChange


def _findings(title: str, items: tuple[FindingChange, ...]) -> list[str]:
    if not items:
        return []
    rows: list[list[object]] = [
        [
            f.rule,
            f.component or "(system)",
            f.severity,
            f.status_before.value if f.status_before else "-",
            f.status_after.value if f.status_after else "-",
            text(f.message),
        ]
        for f in items
    ]
    return [
        f"### {title} ({len(items)})",
        "",
        *table(["Rule", "Component", "Severity", "Before", "After", "Message"], rows),
        "",
    ]


def render(report: DiffReport) -> str:
    out = [f"## sovcheck diff: {code(report.base)} -> {code(report.head)}", ""]
    if report.worse:
        out.append("**Worse than the base:**")
        out += [f"- {text(r)}" for r in report.worse_reasons]
    else:
        out.append("**No gate got worse.**")
    if report.fail_on_new is not None:
        out += ["", f"New failing findings at or above `{report.fail_on_new.value}` fail the diff."]
    out.append("")
    # what a reviewer must see first: what this change adds
    out += _findings("New findings", report.new_findings)
    rows: list[list[object]] = []
    for o in report.objectives:
        level = (
            f"{o.level_before} -> {o.level_after}"
            if o.level_before != o.level_after
            else str(o.level_after)
        )
        gate = (
            "-"
            if o.threshold is None
            else f"{o.threshold:g}: " + ("pass" if o.passed_after else "FAIL")
        )
        rows.append([o.title, f"{o.before:.1f}", f"{o.after:.1f}", f"{o.delta:+.1f}", level, gate])
    ov = report.overall
    rows.append(
        [
            Markdown("Overall"),
            f"{ov.before:.1f}",
            f"{ov.after:.1f}",
            f"{ov.delta:+.1f}",
            f"{ov.level_before} -> {ov.level_after}"
            if ov.level_before != ov.level_after
            else str(ov.level_after),
            "",
        ]
    )
    out += table(["Objective", "Base", "Head", "Change", "Level", "Threshold"], rows)
    out.append("")
    out += _findings("Fixed findings", report.fixed_findings)
    out += _findings("Changed findings", report.changed_findings)
    if report.components_compared:
        out.append("### Components")
        out.append("")
        out.append("- Added: " + (join(report.added) or "none"))
        out.append("- Removed: " + (join(report.removed) or "none"))
        if report.changed:
            out.append("- Changed:")
            out += [f"  - {code(c.id)}: {text(', '.join(c.fields))}" for c in report.changed]
        else:
            out.append("- Changed: none")
        out.append("")
    for note in report.notes:
        out.append(f"Note: {text(note)}")
    return "\n".join(out).rstrip("\n") + "\n"
