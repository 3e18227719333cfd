"""The terminal report: objectives, gates, findings that need attention, unknowns, risks."""

from __future__ import annotations

import textwrap

from tabulate import tabulate

from sovcheck.model.report import BaselineComparison, Report, Status

_STATUS_ORDER = {
    Status.FAIL: 0,
    Status.UNKNOWN: 1,
    Status.WAIVED: 2,
    Status.PASS: 3,
    Status.NOT_APPLICABLE: 4,
}
WIDTH = 60


def _wrap(text: str, width: int = WIDTH) -> str:
    return "\n".join(textwrap.wrap(text, width)) or text


def baseline_lines(b: BaselineComparison) -> list[str]:
    """What --baseline found: counts, the new findings, the ones that left."""
    out = [
        "",
        f"Baseline {b.file}: {b.accepted} accepted, {len(b.new)} new, "
        f"{len(b.left)} left since the baseline",
    ]
    if not b.inventory_found:
        out.append("  the baseline has no entry for this inventory: every finding is new")
    for f in b.new:
        out.append(
            f"  new   {f.status.value} {f.severity.value} {f.rule} "
            f"{f.component or '(system)'} (line {f.line})"
        )
    for f in b.left:
        out.append(f"  left  {f.rule} {f.component or '(system)'} (was {f.status.value})")
    if b.left:
        out.append("  refresh the baseline with --create-baseline")
    return out


def render(report: Report) -> str:
    out: list[str] = []
    inv = report.inventory
    out.append(f"sovcheck {report.tool.version} · {inv.system} ({inv.path})")
    trusted = ", ".join(inv.trusted) if inv.trusted else "none"
    out.append(
        f"home {inv.home} · trusted {trusted} · rubric {report.rubric.id} "
        f"v{report.rubric.version} · {inv.components} components"
    )
    for warning in report.warnings:
        where = f" (line {warning.location.line})" if warning.location else ""
        out.append(_wrap(f"WARNING{where}: {warning.message}", 100))
    out.append("")
    rows = []
    for o in report.objectives:
        threshold = "-" if o.threshold is None else f"{o.threshold:g}"
        verdict = "pass" if o.passed else "FAIL"
        if not o.assessed:
            verdict += " (not assessed)"
        rows.append(
            [
                o.title,
                f"{o.score:.1f}",
                threshold,
                f"{o.level} {o.level_name}",
                o.failing,
                o.unknown,
                verdict,
            ]
        )
    ov = report.overall
    rows.append(
        [
            "Overall",
            f"{ov.score:.1f}",
            "",
            f"{ov.level} {ov.level_name}",
            "",
            "",
            "pass" if ov.passed else "FAIL",
        ]
    )
    out.append(
        tabulate(
            rows,
            headers=["Objective", "Score", "Min", "Level", "Fail", "Unknown", "Verdict"],
            tablefmt="simple",
            disable_numparse=True,
        )
    )
    # Passing findings are in the report only with --show-passed: then they are listed
    # too, last, as the evidence they are.
    findings = sorted(
        report.findings,
        key=lambda f: (_STATUS_ORDER[f.status], -f.severity.rank, f.rule, f.component or ""),
    )
    if findings:
        out.append("")
        out.append(f"Findings ({len(findings)})")
        frows = [
            [
                f.status.value,
                f.severity.value,
                f.rule,
                f.component or "(system)",
                _wrap(f.message),
                f"{f.location.line}",
            ]
            for f in findings
        ]
        out.append(
            tabulate(
                frows,
                headers=["Status", "Severity", "Rule", "Component", "Message", "Line"],
                tablefmt="simple",
                disable_numparse=True,
            )
        )
    risks = report.risks
    if risks.cutoff or risks.single_points_of_failure:
        out.append("")
        out.append("Risks")
        for r in risks.cutoff:
            out.append(f"  cut-off   {r.component}: {r.reason} [{' -> '.join(r.path)}]")
        for s in risks.single_points_of_failure:
            out.append(
                f"  single point of failure  {s.component}: "
                f"{s.dominated} component(s) reachable only through it"
            )
    if risks.foreign_spend_share is not None:
        out.append(f"  foreign share of annual spend: {risks.foreign_spend_share:.0%}")
    if report.unknowns:
        out.append("")
        out.append(f"Unknown facts to establish ({len(report.unknowns)})")
        for u in report.unknowns:
            where = u.component or "(system)"
            out.append(f"  {where}: {u.field}  [{', '.join(u.rules)}]")
    notes = [w for w in report.waivers if w.status != "active"]
    if notes:
        out.append("")
        for w in notes:
            target = f" on {w.component}" if w.component else ""
            out.append(f"  waiver {w.rule}{target} (expires {w.expires}): {w.status}")
    for org in report.organizations:
        out.append(f"  organization {org.id}: {org.note}")
    if report.inferred:
        out.append("")
        out.append(
            f"Inferred, not stated ({len(report.inferred)}); the audit relies on them, check them:"
        )
        for inferred in report.inferred:
            out.append(f"  {inferred.subject} {inferred.id}: {inferred.field} - {inferred.how}")
    if report.stale_facts:
        out.append("")
        out.append(f"Facts older than allowed ({len(report.stale_facts)}); check them again:")
        for fact in report.stale_facts:
            out.append(f"  {fact.subject} {fact.id}: as of {fact.as_of} ({fact.age_days} days)")
    if report.baseline is not None:
        out += baseline_lines(report.baseline)
    out.append("")
    out.append(
        "Gates: "
        + (
            "; ".join(
                f"{g.id} {g.actual} vs {g.threshold} {'ok' if g.passed else 'FAILED'} ({g.source})"
                + ("" if g.baseline is None else f" [baseline {g.baseline}]")
                for g in report.gates
            )
            or "none evaluated"
        )
    )
    out.append("Verdict: " + ("PASS" if report.overall.passed else "FAIL"))
    return "\n".join(out) + "\n"
