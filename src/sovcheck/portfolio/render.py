"""The portfolio's outputs: terminal table, JSON, CSV (one row per system) and HTML."""

from __future__ import annotations

import csv
import io
import textwrap
from collections.abc import Iterator, Sequence

from sovcheck import jsontext
from sovcheck.choices import PortfolioFormat as PortfolioFormat
from sovcheck.formats.termtext import DEFAULT_WIDTH, GREEN, RED, YELLOW, Column, Styled, table
from sovcheck.portfolio.aggregate import OVERALL, PortfolioRun, TargetResult

TOP = 10


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{value:.0%}"


def _num(value: float | None) -> str:
    return "-" if value is None else f"{value:g}"


def _status(t: TargetResult) -> Styled:
    colour = {"met": GREEN, "missed": RED, "open": YELLOW}[t.status]
    return Styled.of((t.status, colour))


def render_table(run: PortfolioRun, *, width: int = DEFAULT_WIDTH, colour: bool = False) -> str:
    report = run.report

    def grid(columns: Sequence[Column], rows: Sequence[Sequence[str | Styled]]) -> str:
        return table(columns, rows, width=width, colour=colour)

    n = len(run.rows)
    restricted = sum(1 for s in run.rows if s.restricted)
    out = [
        f"Portfolio of {n} system{'s' * (n != 1)} ({restricted} with restricted or secret "
        f"data), rubric {report.rubric}, {report.today}",
    ]
    if report.errors:
        out.append(
            f"{len(report.errors)} inventor{'ies' if len(report.errors) != 1 else 'y'} "
            "could not be audited (listed at the end)"
        )
    out += ["", "Concentration: the organizations most systems depend on (top of control chain)"]
    rows = [
        [
            o.organization,
            o.control,
            f"{o.systems} ({_pct(o.share)})",
            f"{o.restricted_systems} ({_pct(o.restricted_share)})",
            f"{o.cutoff_systems} ({_pct(o.cutoff_share)})",
            str(o.single_point_systems),
            str(o.no_substitute_systems),
            _num(o.spend_eur),
        ]
        for o in report.organizations[:TOP]
    ]
    columns = (
        Column("Organization", weight=1),
        Column("Control"),
        Column("Systems"),
        Column("Restricted"),
        Column("Cut-off path"),
        Column("SPOF"),
        Column("No substitute"),
        Column("Spend EUR"),
    )
    out.append(grid(columns, rows) if rows else "(none)")
    out += ["", "Control chains by country"]
    country_rows = [
        [
            c.country,
            f"{c.systems} ({_pct(c.share)})",
            f"{c.restricted_systems} ({_pct(c.restricted_share)})",
        ]
        for c in report.countries[:TOP]
    ]
    out.append(
        grid(
            (Column("Country"), Column("Systems"), Column("Restricted data under it")),
            country_rows,
        )
        if country_rows
        else "(none)"
    )
    out += ["", "Distribution of scores and levels"]
    levels = sorted({lv for d in report.distribution for lv in d.levels}, key=int)
    dist_rows = [
        [
            d.objective,
            str(d.assessed),
            _num(d.mean),
            _num(d.median),
            _num(d.minimum),
            f"{d.passed}/{d.assessed}",
            *(str(d.levels.get(lv, 0)) for lv in levels),
        ]
        for d in report.distribution
    ]
    out.append(
        grid(
            (
                Column("Objective", weight=1),
                Column("Assessed"),
                Column("Mean"),
                Column("Median"),
                Column("Min"),
                Column("Pass"),
                *(Column(f"L{lv}") for lv in levels),
            ),
            dist_rows,
        )
    )
    if report.targets:
        out += ["", "Targets"]
        target_rows: list[list[str | Styled]] = [
            [
                t.target,
                f"{t.meeting}/{t.systems} ({_pct(t.share)})",
                _pct(t.share_required),
                _status(t),
                ", ".join(t.furthest),
            ]
            for t in report.targets
        ]
        out.append(
            grid(
                (
                    Column("Target", weight=1),
                    Column("Meeting"),
                    Column("Required"),
                    Column("Status"),
                    Column("Furthest from it", weight=2),
                ),
                target_rows,
            )
        )
    if report.trend is not None:
        out += ["", "Trend"]
        objectives = [
            OVERALL,
            *sorted({k for p in report.trend.points for k in p.means} - {OVERALL}),
        ]
        trend_rows = [
            [p.today, str(p.systems), str(p.passed), *(_num(p.means.get(o)) for o in objectives)]
            for p in report.trend.points
        ]
        out.append(
            grid(
                (
                    Column("Run"),
                    Column("Systems"),
                    Column("Pass"),
                    *(Column(o) for o in objectives),
                ),
                trend_rows,
            )
        )
        for change in report.trend.changes:
            before = f"{change.before.score:g}/L{change.before.level}" if change.before else "-"
            after = f"{change.after.score:g}/L{change.after.level}" if change.after else "-"
            out.append(f"  {change.change}: {change.path} ({before} -> {after})")
    if report.errors:
        out += ["", "Not audited"]
        for error in report.errors:
            out.extend(f"  {line}" for line in error.problems)
    verdict = "PASS" if report.passed else "FAIL: a portfolio target is missed"
    out += ["", f"Verdict: {verdict}" if report.targets else "No portfolio target set (--target)"]
    return "\n".join(out) + "\n"


def render_json(run: PortfolioRun) -> Iterator[str]:
    """The JSON document in pieces: the systems are written one at a time, as
    ``jsontext.dumps`` of the whole would write them, never all in memory at once."""
    head = jsontext.dumps(run.report.model_dump(mode="json"))
    # The top-level key, at two spaces: a string in the data cannot hold a raw newline.
    before, after = head.split(_SYSTEMS, 1)
    yield before + '\n  "systems": '
    first = True
    for summary in run.summaries():
        item = jsontext.dumps(summary.model_dump(mode="json")).rstrip("\n")
        yield ("[\n" if first else ",\n") + textwrap.indent(item, "    ")
        first = False
    yield "[]" if first else "\n  ]"
    yield after


_SYSTEMS = '\n  "systems": []'


CSV_FIXED = (
    "path",
    "system",
    "home",
    "classification",
    "components",
    "annual_cost_eur",
    "foreign_spend_share",
    "overall_score",
    "overall_level",
    "passed",
    "failing",
    "unknown",
    "foreign_organizations",
)


def render_csv(run: PortfolioRun) -> str:
    objectives: dict[str, None] = {}
    for s in run.rows:
        objectives.update(dict.fromkeys(s.objectives))
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(
        [*CSV_FIXED, *(f"{o}_{part}" for o in objectives for part in ("score", "level"))]
    )
    for s in run.rows:
        row: list[object] = [
            s.path,
            s.system,
            s.home,
            s.classification.value if s.classification else "",
            s.components,
            _blank(s.annual_cost_eur),
            _blank(s.foreign_spend_share),
            s.overall.score,
            s.overall.level,
            "yes" if s.overall.passed else "no",
            s.failing,
            s.unknown,
            " ".join(d.organization for d in s.dependencies if d.control == "foreign"),
        ]
        for o in objectives:
            found = s.objectives.get(o)
            row += [found.score, found.level] if found is not None and found.assessed else ["", ""]
        writer.writerow([_cell(v) for v in row])
    return buffer.getvalue()


def _blank(value: float | None) -> object:
    return "" if value is None else value


def _cell(value: object) -> object:
    """A spreadsheet reads a cell starting with = + - @ as a formula: inventory text (a
    system's name) is quoted so that it stays text."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value
