"""The portfolio dashboard: one self-contained HTML page (no script, no external resource).

Charts are inline SVG: concentration by organization, the distribution of levels per
objective, and a dependency map that aggregates by controlling organization (countries
on the left, organizations on the right, one band per pair, as wide as the number of
systems). Each system's key figures and most severe failing findings are embedded in a
collapsible row. Everything that comes from an inventory is escaped.
"""

from __future__ import annotations

from collections.abc import Iterator

from sovcheck.formats.visible import html_text
from sovcheck.portfolio.aggregate import PortfolioReport, PortfolioRun
from sovcheck.portfolio.summary import SystemSummary

TOP = 15
_CONTROL_COLOUR = {
    "home": "#2e7d32",
    "trusted": "#558b2f",
    "foreign": "#c62828",
    "unknown": "#9e9e9e",
    "mixed": "#ef6c00",
}
_LEVEL_COLOURS = ("#c62828", "#ef6c00", "#f9a825", "#7cb342", "#2e7d32", "#1b5e20")


_e = html_text


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{value:.0%}"


def _bars(report: PortfolioReport, total: int) -> str:
    orgs = report.organizations[:TOP]
    if not orgs:
        return "<p>No supplier outside the systems' own organizations.</p>"
    total = max(total, 1)
    width, label, row = 860, 300, 22
    height = row * len(orgs) + 30
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-label="Concentration by organization">'
    ]
    scale = (width - label - 80) / total
    for k, o in enumerate(orgs):
        y = 10 + k * row
        colour = _CONTROL_COLOUR[o.control]
        parts.append(
            f'<text x="{label - 6}" y="{y + 14}" text-anchor="end">{_e(o.name)}</text>'
            f'<rect x="{label}" y="{y + 2}" width="{o.systems * scale:.1f}" height="{row - 6}" '
            f'fill="{colour}" opacity="0.35"><title>{_e(o.organization)}: {o.systems} systems'
            f"</title></rect>"
            f'<rect x="{label}" y="{y + 2}" width="{o.cutoff_systems * scale:.1f}" '
            f'height="{row - 6}" fill="{colour}"><title>on the cut-off path of '
            f"{o.cutoff_systems}</title></rect>"
            f'<text x="{label + o.systems * scale + 6:.1f}" y="{y + 14}">{o.systems} '
            f"({_pct(o.share)})</text>"
        )
    parts.append("</svg>")
    return "".join(parts)


def _levels(report: PortfolioReport) -> str:
    width, label, row = 860, 300, 24
    rows = [d for d in report.distribution if d.assessed]
    height = row * len(rows) + 40
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-label="Distribution of levels">'
    ]
    span = width - label - 20
    for k, d in enumerate(rows):
        y = 10 + k * row
        parts.append(
            f'<text x="{label - 6}" y="{y + 15}" text-anchor="end">{_e(d.objective)}</text>'
        )
        x = float(label)
        for level, count in sorted(d.levels.items(), key=lambda kv: int(kv[0])):
            w = span * count / d.assessed
            colour = _LEVEL_COLOURS[min(int(level), len(_LEVEL_COLOURS) - 1)]
            parts.append(
                f'<rect x="{x:.1f}" y="{y + 2}" width="{w:.1f}" height="{row - 6}" '
                f'fill="{colour}"><title>level {_e(level)}: {count} systems</title></rect>'
            )
            if w > 24:
                parts.append(
                    f'<text x="{x + 4:.1f}" y="{y + 15}" fill="#fff">L{_e(level)}: {count}</text>'
                )
            x += w
    parts.append("</svg>")
    return "".join(parts)


def _map(run: PortfolioRun) -> str:
    """Countries of the control chains → controlling organizations, weighted by systems."""
    orgs = run.report.organizations[:TOP]
    pairs: dict[tuple[str, str], int] = {}
    for system in run.summaries():
        for dep in system.dependencies:
            if any(o.organization == dep.organization for o in orgs):
                for country in dep.countries or ("?",):
                    pairs[(country, dep.organization)] = (
                        pairs.get((country, dep.organization), 0) + 1
                    )
    if not pairs:
        return ""
    countries = sorted(
        {c for c, _ in pairs}, key=lambda c: (-sum(n for (k, _), n in pairs.items() if k == c), c)
    )
    names = {o.organization: o.name for o in orgs}
    org_ids = [o.organization for o in orgs if any(oid == o.organization for _, oid in pairs)]
    row = 24
    height = row * max(len(countries), len(org_ids)) + 20
    width, left, right = 860, 60, 500
    ys_c = {c: 12 + k * row for k, c in enumerate(countries)}
    ys_o = {o: 12 + k * row for k, o in enumerate(org_ids)}
    biggest = max(pairs.values())
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-label="Dependency map by organization">'
    ]
    for (country, org), n in sorted(pairs.items()):
        y1, y2 = ys_c[country] + 8, ys_o[org] + 8
        stroke = 1 + 9 * n / biggest
        parts.append(
            f'<path d="M{left + 40},{y1} C{(left + right) / 2},{y1} {(left + right) / 2},{y2} '
            f'{right - 6},{y2}" fill="none" stroke="#5c6bc0" stroke-opacity="0.45" '
            f'stroke-width="{stroke:.1f}"><title>{_e(country)} → {_e(names[org])}: {n} systems'
            f"</title></path>"
        )
    for c in countries:
        parts.append(f'<text x="{left}" y="{ys_c[c] + 12}">{_e(c)}</text>')
    for o in org_ids:
        parts.append(f'<text x="{right}" y="{ys_o[o] + 12}">{_e(names[o])}</text>')
    parts.append("</svg>")
    return "".join(parts)


def _system_row(s: SystemSummary) -> str:
    verdict = "pass" if s.overall.passed else "FAIL"
    findings = "".join(
        f"<li><code>{_e(f.rule)}</code> {_e(f.severity)} "
        f"{_e(f.component or 'system')}: {_e(f.message)}</li>"
        for f in s.findings
    )
    objectives = "".join(
        f"<li>{_e(k)}: {v.score:g} (level {v.level}){'' if v.assessed else ', not assessed'}</li>"
        for k, v in s.objectives.items()
    )
    foreign = ", ".join(_e(d.name) for d in s.dependencies if d.control == "foreign") or "none"
    return (
        f'<tr class="{verdict.lower()}"><td><details><summary>{_e(s.system)}</summary>'
        f"<p><code>{_e(s.path)}</code></p><ul>{objectives}</ul>"
        f"<p>Foreign-controlled suppliers: {foreign}</p>"
        f"{'<p>Most severe failing findings:</p><ul>' + findings + '</ul>' if findings else ''}"
        f"</details></td><td>{_e(s.classification.value if s.classification else '?')}</td>"
        f"<td>{s.overall.score:g}</td><td>L{s.overall.level}</td><td>{verdict}</td>"
        f"<td>{s.failing}</td><td>{s.unknown}</td></tr>"
    )


_STYLE = """
body{font-family:system-ui,sans-serif;margin:2rem;max-width:1100px;color:#212121}
table{border-collapse:collapse;margin:1rem 0}td,th{padding:.25rem .6rem;border-bottom:1px solid #ddd;text-align:left;vertical-align:top}
tr.fail td:nth-child(5){color:#c62828;font-weight:bold}svg text{font-size:12px}
.missed{color:#c62828;font-weight:bold}.met{color:#2e7d32}.open{color:#ef6c00}
"""


def render_html(run: PortfolioRun) -> Iterator[str]:
    """The page in pieces, one per system row at the end (the summaries are read back one
    at a time)."""
    report = run.report
    n = len(run.rows)
    org_rows = "".join(
        f"<tr><td>{_e(o.name)}</td><td>{_e(o.control)}</td><td>{o.systems} ({_pct(o.share)})</td>"
        f"<td>{o.restricted_systems} ({_pct(o.restricted_share)})</td>"
        f"<td>{o.cutoff_systems} ({_pct(o.cutoff_share)})</td><td>{o.single_point_systems}</td>"
        f"<td>{o.no_substitute_systems}</td></tr>"
        for o in report.organizations[:TOP]
    )
    target_rows = "".join(
        f"<tr><td><code>{_e(t.target)}</code></td><td>{t.meeting}/{t.systems} ({_pct(t.share)})"
        f'</td><td class="{t.status}">{t.status}</td><td>{_e(", ".join(t.furthest))}</td></tr>'
        for t in report.targets
    )
    errors = "".join(
        f"<li><code>{_e(line)}</code></li>" for e in report.errors for line in e.problems
    )
    yield (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>sovcheck portfolio: {n} systems</title><style>{_STYLE}</style></head><body>"
        f"<h1>Portfolio of {n} systems</h1><p>Rubric {_e(report.rubric)}, {_e(report.today)}.</p>"
        + (
            f"<h2>Targets</h2><table><tr><th>Target</th><th>Meeting</th><th>Status</th>"
            f"<th>Furthest from it</th></tr>{target_rows}</table>"
            if report.targets
            else ""
        )
        + "<h2>Concentration</h2><p>Systems depending on each controlling organization "
        "(pale), and on whose cut-off path it is (dark).</p>"
        + _bars(report, n)
        + "<table><tr><th>Organization</th><th>Control</th><th>Systems</th><th>Restricted-data "
        "systems</th><th>Cut-off path</th><th>Single point of failure</th><th>No substitute</th>"
        f"</tr>{org_rows}</table>"
        + "<h2>Dependency map</h2><p>Countries of the control chains and the organizations "
        "they control, by number of systems.</p>"
        + _map(run)
        + "<h2>Levels</h2>"
        + _levels(report)
        + "<h2>Systems</h2><table><tr><th>System</th><th>Data</th><th>Score</th><th>Level</th>"
        "<th>Verdict</th><th>Failing</th><th>Unknown</th></tr>"
    )
    for summary in run.summaries():
        yield _system_row(summary)
    yield "</table>" + (f"<h2>Not audited</h2><ul>{errors}</ul>" if errors else "")
    yield "</body></html>\n"
