"""A portfolio's answers, aggregated from system summaries as they arrive.

The aggregate holds one small summary per system (they make the CSV and the "furthest
from the target" lists) and counters; never a report. Everything is computed from the
summaries, so merging shards (``--merge``) is re-aggregating their systems.
"""

from __future__ import annotations

import datetime as dt
import io
import math
import re
import statistics
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Literal

from pydantic import BaseModel, ConfigDict

from sovcheck.errors import UsageError
from sovcheck.model.inventory import Classification
from sovcheck.portfolio.summary import Score, SystemSummary

PORTFOLIO_VERSION = 1
FURTHEST = 5
OVERALL = "overall"


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)


class BadInventory(_Model):
    path: str
    problems: tuple[str, ...]  # file:line:column: message lines, as the audit prints them


class OrganizationShare(_Model):
    organization: str
    name: str
    control: Literal["home", "trusted", "foreign", "unknown", "mixed"]
    systems: int
    share: float
    restricted_systems: int  # restricted-data systems with a component under it
    restricted_share: float | None
    restricted_data_systems: int  # systems whose restricted data it handles
    cutoff_systems: int  # systems on whose cut-off path it is
    cutoff_share: float
    single_point_systems: int  # systems it stops if cut off
    no_substitute_systems: int  # of those, the ones that name no substitute
    spend_eur: float | None


class CountryShare(_Model):
    country: str
    systems: int  # systems with a component under a control chain reaching this country
    share: float
    restricted_systems: int  # restricted-data systems whose restricted data it controls
    restricted_share: float | None


class Distribution(_Model):
    objective: str
    assessed: int
    levels: dict[str, int]  # level -> systems
    mean: float | None
    median: float | None
    minimum: float | None
    maximum: float | None
    passed: int  # systems meeting the rubric's threshold for it


class TargetResult(_Model):
    target: str
    objective: str
    classification: Classification | None
    level: int | None
    score: float | None
    share_required: float
    by: str | None
    systems: int  # systems the target is about
    meeting: int
    share: float | None
    status: Literal["met", "missed", "open"]  # open: not met yet, before its date
    furthest: tuple[str, ...]  # paths of the systems furthest from it


class SystemChange(_Model):
    path: str
    system: str
    before: Score | None  # None: the system is new
    after: Score | None  # None: the system has left
    change: Literal["improved", "worsened", "verdict-changed", "new", "left"]


class TrendPoint(_Model):
    today: str
    systems: int
    passed: int
    means: dict[str, float | None]  # objective (and overall) -> mean score


class Trend(_Model):
    points: tuple[TrendPoint, ...]  # oldest first, this run last
    changes: tuple[SystemChange, ...]  # between the last two points


class PortfolioReport(_Model):
    portfolio_version: int = PORTFOLIO_VERSION
    tool_version: str
    rubric: str  # id@version
    today: str
    systems: tuple[SystemSummary, ...]
    errors: tuple[BadInventory, ...]
    organizations: tuple[OrganizationShare, ...]
    countries: tuple[CountryShare, ...]
    distribution: tuple[Distribution, ...]
    targets: tuple[TargetResult, ...]
    trend: Trend | None = None

    @property
    def passed(self) -> bool:
        return all(t.status != "missed" for t in self.targets)


# ------------------------------------------------------------------------------ targets

_TARGET = re.compile(
    r"^\s*(?P<share>\d+(?:\.\d+)?)\s*%\s*"
    r"(?::\s*(?P<classification>[a-z]+)\s*)?"
    r":\s*(?P<objective>[A-Za-z0-9_.-]+)\s*>=\s*(?P<level>[Ll])?(?P<value>\d+(?:\.\d+)?)\s*"
    r"(?:@\s*(?P<by>\d{4}-\d{2}-\d{2})\s*)?$"
)
TARGET_SYNTAX = "SHARE%[:CLASSIFICATION]:OBJECTIVE>=LEVEL|SCORE[@DATE], e.g. 80%:restricted:overall>=L3@2027-12-31"


@dataclass(frozen=True)
class Target:
    text: str
    share: float  # 0..1
    classification: Classification | None
    objective: str
    level: int | None
    score: float | None
    by: dt.date | None

    def about(self, system: SystemSummary) -> bool:
        if self.classification is None:
            return True
        found = system.classification
        return found is not None and found.rank >= self.classification.rank

    def meets(self, system: SystemSummary) -> bool:
        result = self.result_of(system)
        if result is None or not result.assessed:
            return False
        if self.level is not None:
            return result.level >= self.level
        return self.score is not None and result.score >= self.score

    def result_of(self, system: SystemSummary) -> Score | None:
        return (
            system.overall if self.objective == OVERALL else system.objectives.get(self.objective)
        )

    def margin(self, system: SystemSummary) -> float:
        """How far below the target the system is (larger: further)."""
        result = self.result_of(system)
        if result is None or not result.assessed:
            return math.inf
        if self.level is not None:
            return float(self.level - result.level)
        return (self.score or 0.0) - result.score


def parse_target(text: str, objectives: Sequence[str]) -> Target:
    match = _TARGET.match(text)
    if match is None:
        raise UsageError(f"--target takes {TARGET_SYNTAX} (got '{text}')")
    share = float(match["share"])
    if share > 100:
        raise UsageError(f"--target: a share is at most 100% (got '{text}')")
    classification = None
    if match["classification"]:
        try:
            classification = Classification(match["classification"])
        except ValueError:
            names = ", ".join(c.value for c in Classification)
            raise UsageError(
                f"--target: unknown classification '{match['classification']}'; one of {names}"
            ) from None
    objective = match["objective"]
    if objective != OVERALL and objective not in objectives:
        raise UsageError(
            f"--target: unknown objective '{objective}'; "
            f"objectives: {', '.join([OVERALL, *objectives])}"
        )
    value = float(match["value"])
    is_level = match["level"] is not None
    if not is_level and value > 100:
        raise UsageError(f"--target: a score is at most 100 (got '{text}'); a level is L<N>")
    by = None
    if match["by"]:
        try:
            by = dt.date.fromisoformat(match["by"])
        except ValueError:
            raise UsageError(f"--target: '{match['by']}' is not a date (YYYY-MM-DD)") from None
    return Target(
        text=text.strip(),
        share=share / 100,
        classification=classification,
        objective=objective,
        level=int(value) if is_level else None,
        score=None if is_level else value,
        by=by,
    )


# ------------------------------------------------------------------------------ aggregation


def _share(part: int, whole: int) -> float:
    return round(part / whole, 4) if whole else 0.0


def _optional_share(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


@dataclass(frozen=True)
class PortfolioRun:
    """A portfolio's answers (``report``, whose ``systems`` is left empty) and its systems:
    ``rows`` in memory, each without its findings and with only its foreign-controlled
    dependencies, and ``summaries()``, the whole summaries read back one at a time."""

    report: PortfolioReport
    rows: tuple[SystemSummary, ...]
    summaries: Callable[[], Iterator[SystemSummary]]

    @property
    def passed(self) -> bool:
        return self.report.passed


class Aggregate:
    """Add systems (and bad inventories) as they come; ``report`` computes the answers.

    Memory holds one small row per system; the whole summaries (their dependencies and
    findings, most of a summary's size) wait in a temporary file, so that a portfolio of
    ten thousand systems costs little more than one audit."""

    def __init__(self) -> None:
        self.rows: list[SystemSummary] = []
        self.errors: list[BadInventory] = []
        self._spool = tempfile.TemporaryFile()  # noqa: SIM115 (lives as long as the aggregate)
        self._index: list[tuple[str, int, int]] = []

    def add(self, system: SystemSummary) -> None:
        data = system.model_dump_json().encode("utf-8")
        offset = self._spool.seek(0, io.SEEK_END)
        self._spool.write(data)
        self._index.append((system.path, offset, len(data)))
        foreign = tuple(d for d in system.dependencies if d.control == "foreign")
        self.rows.append(system.model_copy(update={"findings": (), "dependencies": foreign}))

    def add_error(self, error: BadInventory) -> None:
        self.errors.append(error)

    def summaries(self) -> Iterator[SystemSummary]:
        """The whole summaries, in path order, read back one at a time."""
        for _, offset, length in sorted(self._index):
            self._spool.seek(offset)
            yield SystemSummary.model_validate_json(self._spool.read(length))

    def report(
        self,
        *,
        tool_version: str,
        rubric: str,
        today: dt.date,
        targets: Sequence[Target] = (),
        history: Sequence[PortfolioReport] = (),
    ) -> PortfolioRun:
        rows = tuple(sorted(self.rows, key=lambda s: s.path))
        total = len(rows)
        restricted = sum(1 for s in rows if s.restricted)
        report = PortfolioReport(
            tool_version=tool_version,
            rubric=rubric,
            today=today.isoformat(),
            systems=(),
            errors=tuple(sorted(self.errors, key=lambda e: e.path)),
            organizations=_organizations(self.summaries(), total, restricted),
            countries=_countries(self.summaries(), total, restricted),
            distribution=_distribution(rows),
            targets=tuple(_target(t, rows, today) for t in targets),
        )
        if history:
            current = report.model_copy(update={"systems": rows})
            report = report.model_copy(update={"trend": trend([*history, current])})
        return PortfolioRun(report=report, rows=rows, summaries=self.summaries)


def _organizations(
    systems: Iterable[SystemSummary], total: int, restricted_total: int
) -> tuple[OrganizationShare, ...]:
    counts: dict[str, dict[str, int]] = {}
    spend: dict[str, float] = {}
    controls: dict[str, set[str]] = {}
    names: dict[str, str] = {}
    for system in systems:
        for dep in system.dependencies:
            c = counts.setdefault(
                dep.organization,
                dict.fromkeys(("systems", "restricted", "data", "cutoff", "spof", "nosub"), 0),
            )
            c["systems"] += 1
            c["restricted"] += system.restricted
            c["data"] += dep.handles_restricted
            c["cutoff"] += dep.cutoff
            c["spof"] += dep.single_point
            c["nosub"] += dep.no_substitute
            if dep.spend_eur is not None:
                spend[dep.organization] = spend.get(dep.organization, 0.0) + dep.spend_eur
            controls.setdefault(dep.organization, set()).add(dep.control)
            names.setdefault(dep.organization, dep.name)
    out = []
    for org_id, c in counts.items():
        kinds = controls[org_id]
        control = next(iter(kinds)) if len(kinds) == 1 else "mixed"
        out.append(
            OrganizationShare(
                organization=org_id,
                name=names[org_id],
                control=control,
                systems=c["systems"],
                share=_share(c["systems"], total),
                restricted_systems=c["restricted"],
                restricted_share=_optional_share(c["restricted"], restricted_total),
                restricted_data_systems=c["data"],
                cutoff_systems=c["cutoff"],
                cutoff_share=_share(c["cutoff"], total),
                single_point_systems=c["spof"],
                no_substitute_systems=c["nosub"],
                spend_eur=round(spend[org_id], 2) if org_id in spend else None,
            )
        )
    out.sort(key=lambda o: (-o.systems, -o.cutoff_systems, o.organization))
    return tuple(out)


def _countries(
    systems: Iterable[SystemSummary], total: int, restricted_total: int
) -> tuple[CountryShare, ...]:
    reach: dict[str, int] = {}
    restricted: dict[str, int] = {}
    for system in systems:
        every: set[str] = set()
        data: set[str] = set()
        for dep in system.dependencies:
            for country in dep.countries or ():
                every.add(country)
                if dep.handles_restricted and system.restricted:
                    data.add(country)
        for country in every:
            reach[country] = reach.get(country, 0) + 1
        for country in data:
            restricted[country] = restricted.get(country, 0) + 1
    out = [
        CountryShare(
            country=country,
            systems=n,
            share=_share(n, total),
            restricted_systems=restricted.get(country, 0),
            restricted_share=_optional_share(restricted.get(country, 0), restricted_total),
        )
        for country, n in reach.items()
    ]
    out.sort(key=lambda c: (-c.systems, c.country))
    return tuple(out)


def _objective_ids(systems: Sequence[SystemSummary]) -> list[str]:
    ids: dict[str, None] = {}
    for system in systems:
        ids.update(dict.fromkeys(system.objectives))
    return list(ids)


def _distribution(systems: Sequence[SystemSummary]) -> tuple[Distribution, ...]:
    out = []
    for objective in [OVERALL, *_objective_ids(systems)]:
        results = [
            r
            for s in systems
            if (r := s.overall if objective == OVERALL else s.objectives.get(objective)) is not None
            and r.assessed
        ]
        scores = [r.score for r in results]
        levels: dict[str, int] = {}
        for r in sorted(results, key=lambda r: r.level):
            levels[str(r.level)] = levels.get(str(r.level), 0) + 1
        out.append(
            Distribution(
                objective=objective,
                assessed=len(results),
                levels=levels,
                mean=round(statistics.fmean(scores), 2) if scores else None,
                median=round(statistics.median(scores), 2) if scores else None,
                minimum=min(scores) if scores else None,
                maximum=max(scores) if scores else None,
                passed=sum(1 for r in results if r.passed),
            )
        )
    return tuple(out)


def _target(target: Target, systems: Sequence[SystemSummary], today: dt.date) -> TargetResult:
    about = [s for s in systems if target.about(s)]
    meeting = sum(1 for s in about if target.meets(s))
    share = _optional_share(meeting, len(about))
    met = share is not None and share + 1e-9 >= target.share
    status: Literal["met", "missed", "open"]
    if met:
        status = "met"
    elif target.by is not None and today < target.by:
        status = "open"
    else:
        status = "missed"
    behind = sorted(
        (s for s in about if not target.meets(s)), key=lambda s: (-target.margin(s), s.path)
    )
    return TargetResult(
        target=target.text,
        objective=target.objective,
        classification=target.classification,
        level=target.level,
        score=target.score,
        share_required=target.share,
        by=target.by.isoformat() if target.by else None,
        systems=len(about),
        meeting=meeting,
        share=share,
        status=status,
        furthest=tuple(s.path for s in behind[:FURTHEST]),
    )


# ------------------------------------------------------------------------------ trend


def _means(report: PortfolioReport) -> dict[str, float | None]:
    return {d.objective: d.mean for d in report.distribution}


def trend(runs: Sequence[PortfolioReport]) -> Trend:
    """Dated runs, oldest first: the means per run, and each system's change between the
    last two (systems are matched by their inventory's path)."""
    ordered = sorted(runs, key=lambda r: r.today)
    points = tuple(
        TrendPoint(
            today=r.today,
            systems=len(r.systems),
            passed=sum(1 for s in r.systems if s.overall.passed),
            means=_means(r),
        )
        for r in ordered
    )
    changes: list[SystemChange] = []
    if len(ordered) >= 2:
        before = {s.path: s for s in ordered[-2].systems}
        after = {s.path: s for s in ordered[-1].systems}
        for path in sorted(before.keys() | after.keys()):
            old, new = before.get(path), after.get(path)
            change = _change(old.overall if old else None, new.overall if new else None)
            if change is not None:
                named = new or old
                assert named is not None
                changes.append(
                    SystemChange(
                        path=path,
                        system=named.system,
                        before=old.overall if old else None,
                        after=new.overall if new else None,
                        change=change,
                    )
                )
    return Trend(points=points, changes=tuple(changes))


def _change(
    old: Score | None, new: Score | None
) -> Literal["improved", "worsened", "verdict-changed", "new", "left"] | None:
    if old is None:
        return "new"
    if new is None:
        return "left"
    if new.level != old.level or new.score != old.score:
        if new.level > old.level or (new.level == old.level and new.score > old.score):
            return "improved"
        return "worsened"
    if new.passed != old.passed:
        return "verdict-changed"
    return None


def merge(parts: Iterable[tuple[str, PortfolioReport]]) -> Aggregate:
    """One aggregate of shards' systems, from (file name, shard) pairs; a system in two
    shards is refused, since the shards then overlap and every count would be wrong."""
    aggregate = Aggregate()
    seen: dict[str, str] = {}
    for name, part in parts:
        for path in [*(s.path for s in part.systems), *(e.path for e in part.errors)]:
            if path in seen:
                raise UsageError(
                    f"--merge: {path} is in both {seen[path]} and {name}; shards must not overlap"
                )
            seen[path] = name
        for system in part.systems:
            aggregate.add(system)
        for error in part.errors:
            aggregate.add_error(error)
    return aggregate
