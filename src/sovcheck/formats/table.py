"""The terminal report: a summary first (objectives, verdict), then the findings grouped by
rule, each rule's remediation said once above its findings, then unknowns, risks, gates.

Every line fits the width it is given (see :mod:`sovcheck.formats.termtext`): tables and
running text wrap, nothing is cut. The report lists the findings it is given: the CLI has
already left out passing ones (unless ``--show-passed``) and those below ``--severity``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from sovcheck.formats.termtext import (
    DEFAULT_WIDTH,
    GREEN,
    MIN_WIDTH,
    RED,
    YELLOW,
    Column,
    Styled,
    join_wrapped,
    paint,
    table,
    wrap,
)
from sovcheck.model.report import BaselineComparison, Finding, Gate, Report, Status
from sovcheck.model.rubric import Severity

_STATUS_ORDER = {
    Status.FAIL: 0,
    Status.UNKNOWN: 1,
    Status.WAIVED: 2,
    Status.PASS: 3,
    Status.NOT_APPLICABLE: 4,
}
STATUS_COLOUR = {Status.FAIL: RED, Status.UNKNOWN: YELLOW, Status.PASS: GREEN}
SEVERITY_COLOUR = {Severity.CRITICAL: RED, Severity.HIGH: YELLOW}

OBJECTIVE_COLUMNS = (
    Column("Objective", weight=1),
    Column("Score"),
    Column("Min"),
    Column("Level", weight=1),
    Column("Fail"),
    Column("Unknown"),
    Column("Verdict", weight=1),
)
# Within a rule's group: the rule and its severity are in the group's heading. The message
# takes what the other columns leave; when that is too little, it keeps about twice the
# room of the component.
FINDING_COLUMNS = (
    Column("Status"),
    Column("Component", weight=1),
    Column("Message", weight=2),
    Column("Line"),
)
# A rule's group is indented under its heading by this much.
_GROUP_INDENT = "  "


def _verdict(passed: bool, assessed: bool = True) -> Styled:
    if not assessed:
        return Styled.of(
            ("pass" if passed else "FAIL", GREEN if passed else RED), " (not assessed)"
        )
    return Styled.of(("pass", GREEN) if passed else ("FAIL", RED))


def _gate(g: Gate) -> Styled:
    """One gate: ok or FAILED, or, under a baseline, accepted while no worse than it was."""
    actual = f"{g.actual:g}" if g.kind == "baseline" and not isinstance(g.actual, str) else g.actual
    if g.baseline is not None:
        verdict = ("accepted", YELLOW) if g.passed else ("FAILED", RED)
        return Styled.of(
            f"{g.id} {actual} vs {g.threshold} ", verdict, f" ({g.source}; baseline {g.baseline})"
        )
    return Styled.of(
        f"{g.id} {actual} vs {g.threshold} ",
        ("ok", GREEN) if g.passed else ("FAILED", RED),
        f" ({g.source})",
    )


def _counts(findings: Sequence[Finding]) -> str:
    """ "3 fail, 1 unknown": how many findings of each status, in the order they matter."""
    by_status = Counter(f.status for f in findings)
    return ", ".join(
        f"{by_status[s]} {s.value.replace('_', ' ')}"
        for s in sorted(by_status, key=lambda s: _STATUS_ORDER[s])
    )


def rule_groups(report: Report) -> list[tuple[str, list[Finding]]]:
    """The report's findings by rule: the group with the worst status first, then the most
    severe, then by rule id; within a group by status, then component."""
    groups: dict[str, list[Finding]] = {}
    for f in sorted(
        report.findings, key=lambda f: (_STATUS_ORDER[f.status], f.component or "", f.location.line)
    ):
        groups.setdefault(f.rule, []).append(f)
    return sorted(
        groups.items(),
        key=lambda g: (_STATUS_ORDER[g[1][0].status], -g[1][0].severity.rank, g[0]),
    )


def summary_line(report: Report) -> str:
    """The verdict and what it rests on, in one sentence: the report's first word."""
    failed = sum(1 for g in report.gates if not g.passed)
    gates = f"{failed} of {len(report.gates)} gates fail" if failed else "every gate holds"
    listed = _counts(report.findings) or "none"
    rules = len({f.rule for f in report.findings})
    return f"{gates}; findings listed: {listed} (in {rules} rules)"


def findings_by_rule(report: Report, *, width: int, colour: bool) -> list[str]:
    """The findings section: one heading per rule (id, severity, title, counts), its
    remediation once, then a table of its findings indented under it."""
    groups = rule_groups(report)
    if not groups:
        return []
    rules = {r.id: r for r in report.rules}
    out = ["", f"Findings ({len(report.findings)} in {len(groups)} rules)"]
    inner = max(width - len(_GROUP_INDENT), MIN_WIDTH - len(_GROUP_INDENT))
    for rule_id, findings in groups:
        first = findings[0]
        summary = rules.get(rule_id)
        title = summary.title if summary is not None else first.objective
        remediation = summary.remediation if summary is not None else first.remediation
        out.append("")
        heading = Styled.of(
            (rule_id, None),
            " ",
            (first.severity.value, SEVERITY_COLOUR.get(first.severity)),
            f" · {title} · {_counts(findings)}",
        )
        out += wrap(heading, width, subsequent=_GROUP_INDENT, colour=colour)
        if remediation and any(f.status is not Status.PASS for f in findings):
            out += wrap(
                f"Remediation: {remediation}",
                width,
                indent=_GROUP_INDENT,
                subsequent=_GROUP_INDENT,
                colour=colour,
            )
        rows: list[list[str | Styled]] = [
            [
                Styled.of((f.status.value, STATUS_COLOUR.get(f.status))),
                f.component or "(system)",
                f.message,
                f"{f.location.line}",
            ]
            for f in findings
        ]
        grid = table(FINDING_COLUMNS, rows, width=inner, colour=colour)
        out += [_GROUP_INDENT + row if row else row for row in grid.split("\n")]
    return out


def baseline_lines(b: BaselineComparison) -> list[str]:
    """What --baseline found: counts, the new findings, the ones that left (unwrapped)."""
    out = [
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


def render(report: Report, *, width: int = DEFAULT_WIDTH, colour: bool = False) -> str:
    """The report laid out for a terminal ``width`` columns wide; ANSI colour if ``colour``."""
    out: list[str] = []

    def line(text: str | Styled, indent: str = "", subsequent: str | None = None) -> None:
        out.extend(wrap(text, width, indent=indent, subsequent=subsequent, colour=colour))

    inv = report.inventory
    line(f"sovcheck {report.tool.version} · {inv.system} ({inv.path})")
    trusted = ", ".join(inv.trusted) if inv.trusted else "none"
    line(
        f"home {inv.home} · trusted {trusted} · rubric {report.rubric.id} "
        f"v{report.rubric.version} · {inv.components} components"
    )
    # warnings first: the verdict below depends on them
    for warning in report.warnings:
        where = f" (line {warning.location.line})" if warning.location else ""
        line(Styled.of(("WARNING", YELLOW), f"{where}: {warning.message}"))
    passed = report.overall.passed
    word = ("PASS", GREEN) if passed else ("FAIL", RED)
    line(Styled.of(word, f" · {summary_line(report)}"))
    out.append("")
    rows: list[list[str | Styled]] = []
    for o in report.objectives:
        threshold = "-" if o.threshold is None else f"{o.threshold:g}"
        rows.append(
            [
                o.title,
                f"{o.score:.1f}",
                threshold,
                f"{o.level} {o.level_name}",
                str(o.failing),
                str(o.unknown),
                _verdict(o.passed, o.assessed),
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
            _verdict(ov.passed),
        ]
    )
    out.append(table(OBJECTIVE_COLUMNS, rows, width=width, colour=colour))
    out += findings_by_rule(report, width=width, colour=colour)
    risks = report.risks
    if risks.cutoff or risks.single_points_of_failure:
        out.append("")
        out.append("Risks")
        for r in risks.cutoff:
            line(f"cut-off   {r.component}: {r.reason} [{' -> '.join(r.path)}]", "  ")
        for s in risks.single_points_of_failure:
            line(
                f"single point of failure  {s.component}: "
                f"{s.dominated} component(s) reachable only through it",
                "  ",
            )
    if risks.foreign_spend_share is not None:
        line(f"foreign share of annual spend: {risks.foreign_spend_share:.0%}", "  ")
    if report.unknowns:
        out.append("")
        out.append(f"Unknown facts to establish ({len(report.unknowns)})")
        for u in report.unknowns:
            where = u.component or "(system)"
            line(f"{where}: {u.field}  [{', '.join(u.rules)}]", "  ")
    notes = [w for w in report.waivers if w.status != "active"]
    if notes:
        out.append("")
        for w in notes:
            target = f" on {w.component}" if w.component else ""
            line(f"waiver {w.rule}{target} (expires {w.expires}): {w.status}", "  ")
    for org in report.organizations:
        line(f"organization {org.id}: {org.note}", "  ")
    if report.inferred:
        out.append("")
        line(
            f"Inferred, not stated ({len(report.inferred)}); the audit relies on them, check them:"
        )
        for inferred in report.inferred:
            line(f"{inferred.subject} {inferred.id}: {inferred.field} - {inferred.how}", "  ")
    if report.stale_facts:
        out.append("")
        line(f"Facts older than allowed ({len(report.stale_facts)}); check them again:")
        for fact in report.stale_facts:
            line(f"{fact.subject} {fact.id}: as of {fact.as_of} ({fact.age_days} days)", "  ")
    if report.baseline is not None:
        out.append("")
        for text in baseline_lines(report.baseline):
            body = text.lstrip(" ")
            indent = text[: len(text) - len(body)]
            line(body, indent, indent + "      " if indent else "  ")
    out.append("")
    gates = [_gate(g) for g in report.gates]
    out += join_wrapped(
        "Gates: ", gates or ["none evaluated"], width, colour=colour, each_on_its_own=True
    )
    verdict = "Verdict: " + paint("PASS" if passed else "FAIL", GREEN if passed else RED, colour)
    # with --baseline the gates were judged against it: say so where the verdict is read
    out.append(verdict + (" against the baseline" if report.baseline is not None else ""))
    return "\n".join(out) + "\n"
