"""The gap report as Markdown: where the system stands, what costs the most, the plan.

Pure: ``render(report) -> str``. Every step lists its modelled change, the what-if options
that reproduce it, what it depends on, the re-evaluated score change and the rubric's
references of the findings it fixes.
"""

from __future__ import annotations

from sovcheck.formats.mdtext import code, join, table, text
from sovcheck.plan import GapReport, ScoreChange, Step, TargetLine

COSTS_SHOWN = 10

_STOPPED = {
    "reached": "the target is reached",
    "no-improvement": "no remaining candidate step brings the target closer",
    "step-limit": "the plan stopped at the step limit",
}


def _signed(value: float) -> str:
    return f"{value:+.1f}"


def _line_rows(lines: tuple[TargetLine, ...]) -> list[list[object]]:
    rows: list[list[object]] = []
    for line in lines:
        target = f"{line.target:g}"
        if line.target_level is not None:
            target = f"level {line.target_level} (score {line.target:g})"
        status = "reached" if line.reached else "below target"
        if line.blocking:
            status += f"; blocked by {len(line.blocking)} failing finding(s) too severe"
        rows.append(
            [
                line.title,
                f"{line.score:.1f}",
                target,
                f"{line.gap:.1f}",
                f"{line.level} {line.level_name}",
                status,
            ]
        )
    return rows


def _changes(changes: tuple[ScoreChange, ...]) -> list[str]:
    rows: list[list[object]] = []
    for c in changes:
        if c.delta == 0 and c.level_before == c.level_after:
            continue
        level = (
            f"{c.level_before} -> {c.level_after}"
            if c.level_before != c.level_after
            else str(c.level_after)
        )
        rows.append([c.id, f"{c.before:.1f}", f"{c.after:.1f}", _signed(c.delta), level])
    if not rows:
        return ["No score changes."]
    return table(["Objective", "Before", "After", "Change", "Level"], rows)


def _step(step: Step) -> list[str]:
    out = [f"### Step {step.number}. {text(step.summary)}", ""]
    out.append(f"- Kind: {text(step.kind)}; suggested from: {text(step.source)}")
    if step.host:
        out.append(f"- Trusted host or supplier: {code(step.host)}")
    if step.offer:
        out.append(f"- Catalog offer: {code(step.offer)}")
    if step.supplier:
        offers = "; ".join(f"{code(c)}: {code(o)}" for c, o in step.offers)
        out.append(f"- Supplier replaced everywhere: {code(step.supplier)}; offers: {offers}")
    effort = f"- Effort: {text(step.effort)}"
    if step.foreign_spend_change_eur is not None:
        effort += (
            f"; annual spend going to foreign suppliers: {step.foreign_spend_change_eur:+,.0f} EUR "
            "(priced as before: the catalog has no prices)"
        )
    out.append(effort)
    out.append("- Modelled change:")
    out += [f"  - {text(m)}" for m in step.modelled_change]
    if step.removed:
        out.append(f"- No longer used, dropped from the model: {text(', '.join(step.removed))}")
    if step.alternatives:
        out.append("- Alternatives with the same modelled effect: " + join(step.alternatives))
    out.append("- Depends on: " + text("; ".join(step.depends_on)))
    if step.assumes_fact:
        out.append(
            "- This step assumes a favourable answer; the change holds only if the fact "
            "turns out as modelled."
        )
    earlier = " (after those of the steps before)" if step.number > 1 else ""
    out.append(f"- What-if options{earlier}: {code(' '.join(step.options))}")
    out.append("")
    out.append(f"Expected change, re-evaluated (gain toward the target: {step.gain:.1f}):")
    out.append("")
    out += _changes(step.changes)
    out.append("")
    if step.fixed:
        out.append("Findings resolved: " + text(", ".join(step.fixed)))
        out.append("")
    if step.new:
        out.append("New findings: " + text(", ".join(step.new)))
        out.append("")
    if step.references:
        out.append("References:")
        out += [f"- {text(r)}" for r in step.references]
    else:
        out.append("References: none (no finding is resolved outright; the step raises credit).")
    out.append("")
    return out


def render(report: GapReport) -> str:
    out = [f"# Gap report: {text(report.system)}", ""]
    out.append(
        f"Inventory {code(report.inventory)}, rubric {code(report.rubric)} "
        f"v{text(report.rubric_version)}, target: {text(report.target.description)}."
    )
    out.append("")
    n = len(report.steps)
    if report.reached:
        verdict = f"**The target is reached after {n} step(s).**"
    else:
        verdict = f"**The target is not reached** after {n} step(s): {_STOPPED[report.stopped]}."
    if report.assumes_facts:
        verdict += " Some steps assume that unknown facts turn out favourable."
    out += [verdict, ""]
    out += ["## How the scores are computed", "", text(report.formula), ""]
    out += ["## Where it stands", ""]
    out += table(["Target", "Score", "Aim", "Gap", "Level", "Status"], _line_rows(report.before))
    out.append("")
    for line in report.before:
        if line.reached or not line.costs:
            continue
        out += [f"### What costs the most: {text(line.title)}", ""]
        rows: list[list[object]] = [
            [
                c.rule,
                c.component or "(system)",
                c.status.value,
                c.severity,
                f"{c.points:.1f}" + (" (weakest link)" if c.weakest_link else ""),
            ]
            for c in line.costs[:COSTS_SHOWN]
        ]
        out += table(["Rule", "Component", "Status", "Severity", "Points lost"], rows)
        if len(line.costs) > COSTS_SHOWN:
            out.append("")
            out.append(f"and {len(line.costs) - COSTS_SHOWN} more.")
        out.append("")
        if line.blocking:
            out.append(
                "Failing findings too severe for the target level: "
                + text(", ".join(line.blocking))
            )
            out.append("")
    out += ["## Plan", ""]
    if not report.steps:
        out += ["No step: " + _STOPPED[report.stopped] + ".", ""]
    for step in report.steps:
        out += _step(step)
    out += ["## After the plan", ""]
    out += table(["Target", "Score", "Aim", "Gap", "Level", "Status"], _line_rows(report.after))
    out.append("")
    out += _changes(report.objectives_after)
    out.append("")
    if report.no_offer:
        out += ["## Nothing like it to replace it with", ""]
        for o in report.no_offer:
            out.append(
                f"- {code(o.component)} ({text(o.kind)}): {text(o.reason)} "
                f"(effort: {text(o.effort)})"
            )
        out.append("")
    if report.blocked_by:
        out += ["## What blocks the rest of the target", ""]
        out += [f"- {text(b)}" for b in report.blocked_by[:COSTS_SHOWN]]
        if len(report.blocked_by) > COSTS_SHOWN:
            out.append(f"- and {len(report.blocked_by) - COSTS_SHOWN} more.")
        out.append("")
    if report.facts_to_establish:
        out += ["## Facts to establish first", ""]
        out += [f"- {text(f)}" for f in report.facts_to_establish]
        out.append("")
    if report.not_modelled:
        out += ["## Unknown facts the plan cannot model", ""]
        for u in report.not_modelled:
            where = u.component or "(system)"
            out.append(
                f"- {text(where)}: {text(u.field)} [{text(', '.join(u.rules))}]: {text(u.reason)}"
            )
        out.append("")
    return "\n".join(out).rstrip("\n") + "\n"
