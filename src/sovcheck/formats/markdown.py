"""A Markdown summary for ``$GITHUB_STEP_SUMMARY`` and pull-request comments.

Verdict first, then objectives, gates, failing findings by severity and rule (each rule a
collapsible ``<details>`` section with its remediation said once, critical ones open),
unknown facts, cut-off risks and single points of failure, waivers, and how the scores are
computed. GitHub refuses a comment longer than 65,535 characters: when the summary would be
longer, the least severe rules are summarised one line each, long tables keep their first
rows, and each part says what it left out and that the JSON report has it all. Everything
from the input is escaped (:mod:`sovcheck.formats.mdtext`).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence

from sovcheck.formats.mdtext import (
    Markdown,
    budgeted_table,
    code,
    fitting,
    html,
    join,
    size,
    table,
    text,
)
from sovcheck.model.report import BaselineComparison, Finding, Gate, Report, RuleSummary, Status
from sovcheck.model.rubric import Severity

MAX_CHARS = 65_535
SYSTEM = "(system)"

SCORING = (
    "**How the scores are computed.** Each rule gives every component it applies to a "
    "credit: 1 when the check passes, 0 when it fails, and for an unknown fact the partial "
    "credit the rule (or else the rubric) sets. A waived finding counts as passed in the "
    "score and as what it really was in the raw score. A rule's credit is the mean of those "
    "credits, or the worst of them for weakest-link rules (`aggregate: min`). An objective "
    "scores 100 × the weighted mean of the credits of its rules that apply somewhere; with "
    "no such rule it scores 100 and is marked not assessed. Its level is the highest rubric "
    "level whose minimum score it reaches while no failing finding of the objective is more "
    "severe than that level allows. The overall score is the mean of the objective scores "
    "weighted by objective weight; the overall level is the lowest objective level, unless "
    "the rubric asks for the level of the overall score instead, capped in the same way by "
    "the most severe failing finding."
)


def _num(value: float | str | None) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def _verdict(passed: bool) -> str:
    return "✅ pass" if passed else "❌ FAIL"


def _gate_verdict(g: Gate) -> str:
    """A gate's result; one that fails its threshold but no worse than the baseline
    accepted is "accepted", not "pass"."""
    if g.baseline is not None and g.passed:
        return f"☑️ accepted (baseline {_num(g.baseline)})"
    if g.baseline is not None:
        return f"{_verdict(False)} (worse than baseline {_num(g.baseline)})"
    return _verdict(g.passed)


def _path(path: Sequence[str]) -> Markdown:
    return code(" → ".join(path)) if path else Markdown("–")


def _failing(report: Report) -> list[Finding]:
    found = [f for f in report.findings if f.status is Status.FAIL]
    return sorted(found, key=lambda f: (-f.severity.rank, f.rule, f.component or ""))


def _head(report: Report, budget: float = math.inf) -> list[str]:
    inv, ov = report.inventory, report.overall
    verdict = "PASS" if ov.passed else "FAIL"
    if report.baseline is not None:
        # the gates were judged against the baseline: say so where the verdict is read
        verdict += " against the baseline"
    icon = "✅" if ov.passed else "❌"
    trusted = text(", ".join(inv.trusted)) if inv.trusted else "none"
    out = [
        f"# {icon} sovcheck: {text(inv.system)} — {verdict}",
        "",
        f"Overall score **{ov.score:.1f}** (raw {ov.raw_score:.1f}), level **{ov.level} "
        f"{ov.level_name}**. Inventory {code(inv.path)} ({inv.components} components, "
        f"home {text(inv.home)}, trusted {trusted}), rubric {code(report.rubric.id)} "
        f"v{text(report.rubric.version)}, sovcheck {report.tool.version}.",
        "",
    ]
    if report.warnings:
        out += [f"> [!WARNING]\n> **{len(report.warnings)} warning(s)** to read first:"]
        lines = [
            f"> - {code(w.subject)}"
            + (f" (line {w.location.line})" if w.location else "")
            + f": {text(w.message)}"
            for w in report.warnings
        ]
        kept = max(1, fitting(lines, budget / 8))
        out += lines[:kept]
        if kept < len(lines):
            kinds = Counter(w.kind for w in report.warnings[kept:])
            said = ", ".join(f"{n} {kind}" for kind, n in sorted(kinds.items()))
            out.append(
                f"> - *{len(lines) - kept} more left out ({said}); the JSON report lists them.*"
            )
        out.append("")
    out += [
        "## Objectives",
        "",
    ]
    rows: list[list[object]] = []
    for o in report.objectives:
        verdict_cell = _verdict(o.passed) + ("" if o.assessed else " (not assessed)")
        rows.append(
            [
                o.title,
                f"{o.score:.1f}",
                _num(o.threshold),
                f"{o.level} {o.level_name}",
                o.failing,
                o.unknown,
                verdict_cell,
            ]
        )
    rows.append(
        [
            Markdown("**Overall**"),
            f"{ov.score:.1f}",
            "",
            f"{ov.level} {ov.level_name}",
            "",
            "",
            _verdict(ov.passed),
        ]
    )
    out += table(
        ["Objective", "Score", "Threshold", "Level", "Failing", "Unknown", "Verdict"], rows
    )
    out += ["", "## Gates", ""]
    if report.gates:
        failed = [g for g in report.gates if not g.passed]
        out.append(
            f"{len(report.gates)} evaluated, {len(failed)} failed"
            + (": " + join([g.id for g in failed]) if failed else "")
            + "."
        )
        out.append("")
        out += table(
            ["Gate", "Actual", "Threshold", "Source", "Result"],
            [
                [
                    code(g.id),
                    _num(g.actual),
                    _num(g.threshold),
                    g.source,
                    _gate_verdict(g),
                ]
                for g in report.gates
            ],
        )
    else:
        out.append("No gate evaluated.")
    if report.baseline is not None:
        out += _baseline(report.baseline)
    return out


def _baseline(b: BaselineComparison) -> list[str]:
    out = [
        "",
        "## Baseline",
        "",
        f"{code(b.file)}: {b.accepted} accepted, {len(b.new)} new, {len(b.left)} left since "
        "the baseline"
        + ("" if b.inventory_found else " (it has no entry for this inventory)")
        + ".",
    ]
    if b.new:
        out += ["", "New:", ""]
        out += table(
            ["Status", "Severity", "Rule", "Component", "Line", "Message"],
            [
                [
                    f.status.value,
                    f.severity.value,
                    code(f.rule),
                    code(f.component or SYSTEM),
                    f.line,
                    text(f.message),
                ]
                for f in b.new
            ],
        )
    if b.left:
        out += ["", "Left since the baseline (refresh it with `--create-baseline`):", ""]
        out += [
            f"- {code(f.rule)} on {code(f.component or SYSTEM)} (was {f.status.value})"
            for f in b.left
        ]
    return out


def _groups(findings: Sequence[Finding]) -> list[tuple[str, list[Finding]]]:
    """``findings`` by rule: most severe rule first, then by rule id; within a rule by
    component (the order ``findings`` come in is kept for ties)."""
    groups: dict[str, list[Finding]] = {}
    for f in sorted(findings, key=lambda f: (f.component or "", f.location.line)):
        groups.setdefault(f.rule, []).append(f)
    return sorted(groups.items(), key=lambda g: (-g[1][0].severity.rank, g[0]))


def _group(
    rule: str,
    findings: Sequence[Finding],
    summary: RuleSummary | None,
    passing: bool,
    budget: float = math.inf,
) -> tuple[list[str], int]:
    """One rule's collapsible section, and how many of its findings did not fit
    ``budget`` (its heading, remediation and at least one finding are always there)."""
    first = findings[0]
    title = summary.title if summary is not None else first.objective
    word = "passing" if passing else "failing"
    # critical failures are open: the first thing a reviewer must read
    attrs = " open" if first.severity is Severity.CRITICAL and not passing else ""
    out = [
        f"<details{attrs}><summary><code>{html(rule)}</code> {first.severity.value} · "
        f"{html(title)} — {len(findings)} {word}</summary>",
        "",
    ]
    if not passing:
        remediation = summary.remediation if summary is not None else first.remediation
        references = summary.references if summary is not None else first.references
        out.append(f"**Remediation:** {text(remediation)}")
        if references:
            out += ["", f"References: {join(references)}"]
        out.append("")
    header = ["Component", "Evidence" if passing else "Message", "Path", "Line"]
    rows = table(
        header,
        [
            [code(f.component or SYSTEM), text(f.message), _path(f.path), f.location.line]
            for f in findings
        ],
    )
    end = ["", "</details>", ""]
    kept = len(findings)
    if size(out) + size(rows) + size(end) > budget:
        room = budget - size(out) - size(rows[:2]) - size(end) - 120
        kept = max(1, fitting(rows[2:], room))
        rows = rows[: 2 + kept]
        rows += ["", f"*{len(findings) - kept} more finding(s) of this rule left out.*"]
    return out + rows + end, len(findings) - kept


def _findings(
    report: Report,
    failing: Sequence[Finding],
    passing: Sequence[Finding],
    budget: float = math.inf,
) -> list[str]:
    """Failing findings by severity then rule, each rule a collapsible section with its
    remediation once; then (with ``--show-passed``) the passing ones, by rule. Within
    ``budget`` characters: the rules that do not fit are summarised one line each, and a
    line says what is left out and where the whole report is."""
    rules = {r.id: r for r in report.rules}
    fail_groups, pass_groups = _groups(failing), _groups(passing)

    def rule_rows(groups: Sequence[tuple[str, Sequence[Finding], bool]]) -> list[list[object]]:
        return [
            [
                code(rule),
                group[0].severity.value,
                text(rules[rule].title if rule in rules else group[0].objective),
                f"{len(group)} {'passing' if was_passing else 'failing'}",
            ]
            for rule, group, was_passing in groups
        ]

    # Room for the line that says what is left out and, when the budget is short, for the
    # one-line summary of every rule (a rubric has tens of rules, not thousands).
    note_room = 400.0
    if budget != math.inf:
        every = [(r, g, False) for r, g in fail_groups] + [(r, g, True) for r, g in pass_groups]
        note_room += size(table(["Rule", "Severity", "Title", "Findings"], rule_rows(every)))
    out: list[str] = []
    left_findings = 0
    left_rules: list[tuple[str, list[Finding], bool]] = []

    def add(lines: list[str]) -> None:
        out.extend(lines)

    def emit(heading: list[str], groups: list[tuple[str, list[Finding]]], passing: bool) -> None:
        """The groups under ``heading``, which comes only if the first group does."""
        nonlocal left_findings
        for rule, group in groups:
            if left_rules:
                left_rules.append((rule, group, passing))
                continue
            room = budget - size(out) - size(heading) - note_room
            lines, left = _group(rule, group, rules.get(rule), passing, room)
            if size(lines) > room:
                left_rules.append((rule, group, passing))
                continue
            add(heading + lines)
            heading = []
            left_findings += left

    add(["", f"## Failing findings ({len(failing)})", ""])
    if not failing:
        add(["None.", ""])
    for severity in sorted(Severity, key=lambda s: -s.rank):
        in_severity = [g for g in fail_groups if g[1][0].severity is severity]
        if in_severity:
            total = sum(len(g) for _, g in in_severity)
            emit([f"### {severity.value.capitalize()} ({total})", ""], in_severity, False)
    if passing:
        emit([f"## Passing findings ({len(passing)})", ""], pass_groups, True)
    if left_findings or left_rules:
        skipped = left_findings + sum(len(g) for _, g, _ in left_rules)
        if left_rules:
            add(["", "### Rules not detailed here", ""])
            add(
                budgeted_table(
                    ["Rule", "Severity", "Title", "Findings"],
                    rule_rows(left_rules),
                    budget - size(out) - 300,
                    "rule(s)",
                )
            )
        add(
            [
                "",
                f"*{skipped} finding(s) not listed, to stay within GitHub's limit of "
                f"{MAX_CHARS + 1:,} characters for a comment: the JSON, SARIF or HTML report "
                "(`sovcheck audit --format json|sarif|html`) lists them all.*",
            ]
        )
    return out


def _tail(report: Report, budget: float = math.inf) -> list[str]:
    """Unknown facts, risks, waivers and notes; each table within its share of ``budget``
    (what one leaves unused goes to those after it)."""
    tables_left = [4]

    def fit(headers: list[str], rows: list[list[object]], what: str) -> list[str]:
        share = (budget - size(out)) / tables_left[0]
        tables_left[0] -= 1
        return budgeted_table(headers, rows, share, what)

    out = ["", f"## Unknown facts to establish ({len(report.unknowns)})", ""]
    if report.unknowns:
        out += fit(
            ["Component", "Field", "Rules"],
            [
                [code(u.component or SYSTEM), code(u.field), text(", ".join(u.rules))]
                for u in report.unknowns
            ],
            "unknown fact(s)",
        )
    else:
        out.append("None: every fact the rules need is in the inventory.")
    risks = report.risks
    out += ["", f"## Cut-off risks ({len(risks.cutoff)})", ""]
    if risks.cutoff:
        out += fit(
            ["Component", "Reason", "Path"],
            [[code(r.component), text(r.reason), _path(r.path)] for r in risks.cutoff],
            "cut-off risk(s)",
        )
        out += [
            "",
            f"{risks.cutoff_exposed} component(s) depend on a component a foreign decision "
            "can cut off.",
        ]
    else:
        out.append("None.")
    spofs = risks.single_points_of_failure
    out += ["", f"## Single points of failure ({len(spofs)})", ""]
    if spofs:
        out += fit(
            ["Component", "Reachable only through it", "Path"],
            [[code(s.component), s.dominated, _path(s.path)] for s in spofs],
            "single point(s) of failure",
        )
    else:
        out.append("None.")
    if risks.foreign_spend_share is not None:
        out += ["", f"Foreign share of annual spend: {risks.foreign_spend_share:.0%}."]
    out += ["", f"## Waivers ({len(report.waivers)})", ""]
    if report.waivers:
        out += fit(
            ["Rule", "Component", "Reason", "Expires", "Status", "Findings waived"],
            [
                [
                    code(w.rule),
                    code(w.component or SYSTEM),
                    text(w.reason),
                    w.expires,
                    w.status,
                    w.matched,
                ]
                for w in report.waivers
            ],
            "waiver(s)",
        )
    else:
        out.append("None declared.")
    if report.organizations:
        out += ["", "## Notes on organizations", ""]
        out += [f"- {code(o.id)}: {text(o.note)}" for o in report.organizations]
    out += ["", "## Scoring", "", SCORING]
    return out


def _compose(head: list[str], findings: list[str], tail: list[str]) -> str:
    return "\n".join(head + findings + tail) + "\n"


def render(report: Report, *, max_chars: int = MAX_CHARS) -> str:
    """The summary, at most ``max_chars`` characters long.

    When everything does not fit, the head (verdict, objectives, gates) stays whole, the
    findings get what the rest leaves (at least three fifths of the room), and each later
    table its share of what remains; each part that leaves something out says so.
    """
    head = _head(report)
    failing = _failing(report)
    passing = [f for f in report.findings if f.status is Status.PASS]
    findings, tail = _findings(report, failing, passing), _tail(report)
    out = _compose(head, findings, tail)
    if len(out) <= max_chars:
        return out
    head = _head(report, max_chars)
    room = max_chars - size(head) - 400
    findings_room = max(room - size(tail), room * 0.6)
    findings = _findings(report, failing, passing, findings_room)
    tail = _tail(report, room - size(findings))
    out = _compose(head, findings, tail)
    if len(out) <= max_chars:
        return out
    # Even so too long (a huge head, or a tiny limit): cut at a line.
    note = "\n\n*Summary cut to stay within the size limit; the JSON report has everything.*\n"
    cut = out[: max_chars - len(note)]
    return cut[: cut.rfind("\n") if "\n" in cut else len(cut)] + note


def render_many(reports: Sequence[Report], *, max_chars: int = MAX_CHARS) -> str:
    """One summary per report, separated by rules, together within ``max_chars``."""
    if len(reports) == 1:
        return render(reports[0], max_chars=max_chars)
    share = (max_chars - len(_SEPARATOR) * (len(reports) - 1)) // max(len(reports), 1)
    return _SEPARATOR.join(render(r, max_chars=share) for r in reports)


_SEPARATOR = "\n---\n\n"
