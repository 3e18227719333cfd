"""A Markdown summary for ``$GITHUB_STEP_SUMMARY`` and pull-request comments.

Verdict first, then objectives, gates, failing findings by severity, unknown facts, cut-off
risks and single points of failure, waivers, and how the scores are computed. GitHub
refuses a comment longer than 65,535 characters: when the summary would be longer, the
findings list is cut (least severe last, so those go first) and a line says how many were
left out.
"""

from __future__ import annotations

from collections.abc import Sequence

from sovcheck.formats.mdtext import Markdown, code, join, table, text
from sovcheck.model.report import BaselineComparison, Finding, Gate, Report, Status
from sovcheck.model.rubric import Severity
from sovcheck.model.summary import CostEnergySummary
from sovcheck.summary import summary_tables

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


def _head(report: Report) -> list[str]:
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
        out += [
            f"> - {code(w.subject)}"
            + (f" (line {w.location.line})" if w.location else "")
            + f": {text(w.message)}"
            for w in report.warnings
        ]
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


def _findings(failing: Sequence[Finding], passing: Sequence[Finding], shown: int) -> list[str]:
    """Failing findings by severity, then (with ``--show-passed``) the passing ones, of
    which the first ``shown`` in that order are listed."""
    out = ["", f"## Failing findings ({len(failing)})"]
    kept = failing[:shown]
    if not failing:
        out += ["", "None."]
    for severity in sorted(Severity, key=lambda s: -s.rank):
        group = [f for f in kept if f.severity is severity]
        total = sum(1 for f in failing if f.severity is severity)
        if not group:
            continue
        out += ["", f"### {severity.value.capitalize()} ({total})", ""]
        out += table(
            ["Rule", "Component", "Message", "Path", "Remediation"],
            [
                [
                    code(f.rule),
                    code(f.component or SYSTEM),
                    text(f.message),
                    _path(f.path),
                    text(f.remediation),
                ]
                for f in group
            ],
        )
    kept_passing = passing[: max(0, shown - len(failing))]
    if passing:
        out += ["", f"## Passing findings ({len(passing)})", ""]
    if kept_passing:
        out += table(
            ["Rule", "Component", "Evidence", "Path"],
            [
                [code(f.rule), code(f.component or SYSTEM), text(f.message), _path(f.path)]
                for f in kept_passing
            ],
        )
    left_failing = len(failing) - len(kept)
    left_passing = len(passing) - len(kept_passing)
    said = [
        f"{n} more {what} finding(s)"
        for n, what in ((left_failing, "failing"), (left_passing, "passing"))
        if n
    ]
    if said:
        out += [
            "",
            f"*{' and '.join(said)} left out to stay within GitHub's comment "
            "size limit; the JSON or SARIF report lists them all.*",
        ]
    return out


def _tail(report: Report) -> list[str]:
    out = ["", f"## Unknown facts to establish ({len(report.unknowns)})", ""]
    if report.unknowns:
        out += table(
            ["Component", "Field", "Rules"],
            [
                [code(u.component or SYSTEM), code(u.field), text(", ".join(u.rules))]
                for u in report.unknowns
            ],
        )
    else:
        out.append("None: every fact the rules need is in the inventory.")
    risks = report.risks
    out += ["", f"## Cut-off risks ({len(risks.cutoff)})", ""]
    if risks.cutoff:
        out += table(
            ["Component", "Reason", "Path"],
            [[code(r.component), text(r.reason), _path(r.path)] for r in risks.cutoff],
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
        out += table(
            ["Component", "Reachable only through it", "Path"],
            [[code(s.component), s.dominated, _path(s.path)] for s in spofs],
        )
    else:
        out.append("None.")
    if risks.foreign_spend_share is not None:
        out += ["", f"Foreign share of annual spend: {risks.foreign_spend_share:.0%}."]
    if report.summary is not None:
        out += _summary(report.summary)
    out += ["", f"## Waivers ({len(report.waivers)})", ""]
    if report.waivers:
        out += table(
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
        )
    else:
        out.append("None declared.")
    if report.organizations:
        out += ["", "## Notes on organizations", ""]
        out += [f"- {code(o.id)}: {text(o.note)}" for o in report.organizations]
    out += ["", "## Scoring", "", SCORING]
    return out


def _summary(summary: CostEnergySummary) -> list[str]:
    """The cost and energy summary: the sections the inventory gives facts for."""
    out = ["", "## Cost and energy", ""]
    for title, headers, rows in summary_tables(summary):
        out += [f"**{text(title)}**", ""]
        out += table(list(headers), [[text(c) for c in row] for row in rows])
        out.append("")
    return out[:-1]


def _compose(head: list[str], findings: list[str], tail: list[str]) -> str:
    return "\n".join(head + findings + tail) + "\n"


def render(report: Report, *, max_chars: int = MAX_CHARS) -> str:
    """The summary, at most ``max_chars`` characters long."""
    head, tail = _head(report), _tail(report)
    failing = _failing(report)
    passing = [f for f in report.findings if f.status is Status.PASS]
    total = len(failing) + len(passing)
    text = _compose(head, _findings(failing, passing, total), tail)
    if len(text) <= max_chars:
        return text
    # The longest prefix of the findings list that fits (the length grows with it).
    low, high = 0, total - 1
    while low < high:
        mid = (low + high + 1) // 2
        if len(_compose(head, _findings(failing, passing, mid), tail)) <= max_chars:
            low = mid
        else:
            high = mid - 1
    text = _compose(head, _findings(failing, passing, low), tail)
    if len(text) <= max_chars:
        return text
    # Even without findings it is too long (huge lists of unknowns): cut at a line.
    note = "\n\n*Summary cut to stay within GitHub's comment size limit.*\n"
    cut = text[: max_chars - len(note)]
    return cut[: cut.rfind("\n") if "\n" in cut else len(cut)] + note
