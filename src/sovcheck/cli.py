"""The command line: options, wiring, errors to exit codes. Nothing else.

Exit codes of every command: 0 every gate holds, 1 a gate does not hold, 2 the input or
the command line is wrong (a message names file, line and column; never a traceback).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import errno
import functools
import os
import re
import signal
import stat
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TypeVar, assert_never

import typer
import typer.core

from sovcheck import __version__, jsontext
from sovcheck.choices import LATEST_REPORT_VERSION, GraphFormat, PortfolioFormat, Severity
from sovcheck.errors import InputError, SovcheckError, UsageError
from sovcheck.formats import NEEDS_FACTS, OutputFormat
from sovcheck.formats.visible import visible
from sovcheck.gcpause import paused_gc
from sovcheck.terminal import ColorChoice, Layout, file_layout, stdout_layout

if TYPE_CHECKING:
    from pydantic import BaseModel

    from sovcheck import plan
    from sovcheck.audit import AuditOptions
    from sovcheck.config import LoadedConfig
    from sovcheck.formats import sarif
    from sovcheck.load.inventory import LoadedInventory
    from sovcheck.load.rubric import LoadedRubric
    from sovcheck.load.waivers import LoadedWaivers
    from sovcheck.model.inventory import Waiver
    from sovcheck.model.report import Report
    from sovcheck.portfolio import aggregate as portfolio_aggregate
    from sovcheck.rules.facts import AuditFacts

T = TypeVar("T")


class _Commands(typer.core.TyperGroup):
    """A group whose list of commands gives each one's first sentence whole (wrapped), where
    click would cut it at the width of a line."""

    # ctx and formatter are click's types, which typer vendors in recent versions only.
    def format_commands(self, ctx: Any, formatter: Any) -> None:
        rows = []
        for name in self.list_commands(ctx):
            command = self.get_command(ctx, name)
            if command is not None and not command.hidden:
                rows.append((name, command.get_short_help_str(limit=1_000)))
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)


app = typer.Typer(
    cls=_Commands,
    name="sovcheck",
    help="How sovereign is an AI system? Audit its value chain against sovereignty rubrics.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
    # Plain help, as click writes it: rich's boxes cost more start-up than everything else.
    rich_markup_mode=None,
)
rubric_app = typer.Typer(
    cls=_Commands,
    help="List and show the shipped rubrics.",
    no_args_is_help=True,
    rich_markup_mode=None,
)
app.add_typer(rubric_app, name="rubric")
catalog_app = typer.Typer(
    cls=_Commands,
    help="Search the catalog of organizations, jurisdictions and laws.",
    no_args_is_help=True,
    rich_markup_mode=None,
)
app.add_typer(catalog_app, name="catalog")


def _version(value: bool) -> None:
    if value:
        typer.echo(f"sovcheck {__version__}")
        raise typer.Exit(0)


@app.callback()
def _root(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version.")
    ] = False,
) -> None:
    """sovcheck: how sovereign is an AI system, and what would it take to fix it."""


def _load(path: Path) -> LoadedInventory:
    from sovcheck.catalog import builtin_catalog
    from sovcheck.load.inventory import load_for_catalog

    return load_for_catalog(path, builtin_catalog())


def _parse_minimums(values: list[str], rubric: LoadedRubric) -> dict[str, float]:
    from sovcheck.load.validation import did_you_mean

    objectives = [o.id for o in rubric.rubric.objectives]
    result: dict[str, float] = {}
    for value in values:
        name, sep, number = value.partition("=")
        if not sep:
            raise UsageError(
                f"--min takes OBJECTIVE=N, e.g. --min data-security=70 (got '{value}')"
            )
        if name not in objectives:
            raise UsageError(
                f"--min: unknown objective '{name}'{did_you_mean(name, objectives)}; "
                f"objectives of rubric {rubric.rubric.id}: {', '.join(objectives)}"
            )
        result[name] = _score(number, "--min")
    return result


def _parse_min_levels(values: list[str], rubric: LoadedRubric) -> dict[str, int]:
    """OBJECTIVE=LEVEL pairs; the objective matched without regard to case (SOV-2 is
    sov-2), the level a number or SEAL-N."""
    from sovcheck.load.validation import did_you_mean

    objectives = {o.id.lower(): o.id for o in rubric.rubric.objectives}
    levels = sorted(lv.level for lv in rubric.rubric.levels)
    result: dict[str, int] = {}
    for value in values:
        name, sep, level_text = value.partition("=")
        if not sep:
            raise UsageError(
                f"--min-level takes OBJECTIVE=LEVEL, e.g. --min-seal SOV-2=3 (got '{value}')"
            )
        objective = objectives.get(name.lower())
        if objective is None:
            raise UsageError(
                f"--min-level: unknown objective '{name}'"
                f"{did_you_mean(name.lower(), list(objectives))}; objectives of rubric "
                f"{rubric.rubric.id}: {', '.join(objectives.values())}"
            )
        text = level_text.strip().upper().removeprefix("SEAL-")
        if not text.isdigit() or int(text) not in levels:
            raise UsageError(
                f"--min-level: '{level_text}' is not a level of rubric {rubric.rubric.id} "
                f"({', '.join(map(str, levels))})"
            )
        result[objective] = int(text)
    return result


def _score(text: str, option: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise UsageError(f"{option}: '{text}' is not a number") from None
    if not 0 <= value <= 100:
        raise UsageError(f"{option}: {text} is outside 0-100")
    return value


def check_outputs(targets: list[tuple[str, Path]], inputs: list[Path]) -> None:
    """Refuse, before any work, outputs (option, file) that would overwrite an input, a
    directory or each other."""
    seen: dict[Path, str] = {}
    for option, target in targets:
        if target.is_dir():
            raise UsageError(f"{option} {target} is a directory; name a file")
        for source in inputs:
            if target.exists() and source.exists() and target.resolve() == source.resolve():
                raise UsageError(
                    f"{option} {target} is an input file; sovcheck never overwrites its inputs"
                )
        key = target.resolve()
        if key in seen:
            raise UsageError(f"{option} {target} is also the file of {seen[key]}; name another")
        seen[key] = f"{option} {target}"


def write_atomically(
    target: Path, text: str | Iterable[bytes], inputs: list[Path], option: str = "--output"
) -> None:
    """Write ``text`` (or its pieces, UTF-8) to ``target`` through a temporary file and a
    rename; never over an input."""
    check_outputs([(option, target)], inputs)
    chunks = [text.encode("utf-8")] if isinstance(text, str) else text
    if target.exists() and not target.is_file():
        # A device or a pipe (-o /dev/stdout): written to, never replaced by a rename.
        try:
            with target.open("wb") as handle:
                handle.writelines(chunks)
        except OSError as exc:
            raise UsageError(f"cannot write {target}: {exc.strerror}") from None
        return
    import tempfile

    directory = target.parent if str(target.parent) else Path()
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", dir=directory)
    except OSError as exc:
        raise UsageError(f"cannot write {target}: {exc.strerror}") from None
    try:
        os.fchmod(fd, _new_mode(target))
        with os.fdopen(fd, "wb") as handle:
            handle.writelines(chunks)
        Path(tmp).replace(target)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise UsageError(f"cannot write {target}: {exc.strerror}") from None
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _new_mode(target: Path) -> int:
    """The mode the written file gets: that of the file it replaces, else what the umask
    leaves of rw-rw-rw- (the temporary file starts as rw-------)."""
    try:
        return stat.S_IMODE(target.stat().st_mode)
    except FileNotFoundError:
        umask = os.umask(0o022)
        os.umask(umask)
        return 0o666 & ~umask


TodayOption = Annotated[
    dt.datetime | None,
    typer.Option("--today", formats=["%Y-%m-%d"], help="Date for waiver expiry (default: today)."),
]
RubricOption = Annotated[
    str, typer.Option("--rubric", "-r", help="Shipped rubric id or path to a rubric file.")
]
ColorOption = Annotated[
    ColorChoice,
    typer.Option(
        "--color",
        help="Colour the table on standard output: auto (on a terminal, unless NO_COLOR is set; "
        "or when FORCE_COLOR is set), always, never. Files are never coloured.",
    ),
]


ReportVersionOption = Annotated[
    int,
    typer.Option(
        "--report-version",
        min=1,
        max=2,
        help="Version of the JSON report: 2 says each rule's texts and each shared path once; 1 is the former shape, each finding whole.",
    ),
]


def _today(today: dt.datetime | None) -> dt.date:
    return today.date() if today else dt.date.today()


def _audit_options(today: dt.datetime | None) -> AuditOptions:
    from sovcheck.audit import AuditOptions

    return AuditOptions(today=_today(today))


@app.command()
def audit(
    inventories: Annotated[
        list[Path],
        typer.Argument(
            help="Inventory files (YAML or JSON), directories holding them, or - for standard input.",
            show_default=False,
        ),
    ],
    rubric: Annotated[
        str | None,
        typer.Option(
            "--rubric", "-r", help="Shipped rubric id or path to a rubric file.  [default: default]"
        ),
    ] = None,
    output_format: Annotated[
        OutputFormat | None,
        typer.Option("--format", "-f", help="Report format.  [default: table]"),
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            help="Write the report to this file (atomically) instead of standard output.",
        ),
    ] = None,
    extra_outputs: Annotated[
        list[str] | None,
        typer.Option(
            "--output-format",
            metavar="FORMAT=FILE",
            help="Also write the report in FORMAT to FILE, e.g. sarif=out.sarif. Repeatable.",
        ),
    ] = None,
    fail_under: Annotated[
        float | None,
        typer.Option(
            "--fail-under",
            help="Gate: the overall score must reach N (0-100); replaces the rubric's overall threshold.",
        ),
    ] = None,
    minimum: Annotated[
        list[str] | None,
        typer.Option(
            "--min",
            help="Gate: OBJECTIVE=N, the objective's score must reach N; replaces the rubric's threshold. Repeatable.",
        ),
    ] = None,
    min_level: Annotated[
        list[str] | None,
        typer.Option(
            "--min-level",
            "--min-seal",
            metavar="OBJECTIVE=LEVEL",
            help="Gate: the objective's level must reach LEVEL (a number, or SEAL-N), e.g. --min-seal SOV-2=3. Repeatable.",
        ),
    ] = None,
    fail_on: Annotated[
        Severity | None,
        typer.Option(
            "--fail-on",
            help="Gate: any failing finding at or above this severity fails (with --baseline: any new one).",
        ),
    ] = None,
    baseline: Annotated[
        Path | None,
        typer.Option(
            "--baseline",
            help="Accept the findings and failing gates recorded in FILE; gate on what is new or worse.",
        ),
    ] = None,
    create_baseline: Annotated[
        Path | None,
        typer.Option(
            "--create-baseline",
            help="Record today's failing and unknown findings and failing gates in FILE; exit 0 unless the input is bad.",
        ),
    ] = None,
    fail_on_new: Annotated[
        str | None,
        typer.Option(
            "--fail-on-new",
            metavar="SEVERITY",
            help="With --baseline: a new failing finding at or above SEVERITY fails (none: no such gate).  [default: high]",
        ),
    ] = None,
    waivers: Annotated[
        Path | None,
        typer.Option(
            "--waivers",
            help="Waivers kept outside the inventory: a YAML or JSON file with a 'waivers' list.",
        ),
    ] = None,
    severity: Annotated[
        Severity | None,
        typer.Option(
            "--severity",
            help="List only findings at or above this severity (display only: scores, gates and the JSON report keep all).",
        ),
    ] = None,
    soft_fail: Annotated[
        bool | None,
        typer.Option(
            "--soft-fail/--no-soft-fail",
            help="Report everything, exit 0 unless the input is bad.",
            show_default=False,
        ),
    ] = None,
    quiet: Annotated[
        bool,
        typer.Option("--quiet", "-q", help="Print no report; failing gates go to standard error."),
    ] = False,
    config: Annotated[
        Path | None,
        typer.Option(
            "--config",
            help="Configuration file (default: .sovcheck.yaml or [tool.sovcheck] in pyproject.toml, found upwards).",
        ),
    ] = None,
    no_config: Annotated[
        bool, typer.Option("--no-config", help="Ignore configuration files.")
    ] = False,
    today: TodayOption = None,
    show_passed: Annotated[
        bool | None,
        typer.Option(
            "--show-passed/--hide-passed", help="List passing findings too.", show_default=False
        ),
    ] = None,
    max_fact_age: Annotated[
        int | None,
        typer.Option(
            "--max-fact-age",
            min=0,
            help="Warn about facts (catalog or inventory) whose as-of date is older than DAYS.",
        ),
    ] = None,
    sarif_max_results: Annotated[
        int | None,
        typer.Option(
            "--sarif-max-results",
            min=0,
            metavar="N",
            help="At most N results in SARIF output, the most severe (GitHub code scanning rejects a run of more than 25,000); 0: no cap.  [default: 25000]",
        ),
    ] = None,
    color: ColorOption = ColorChoice.AUTO,
    report_version: ReportVersionOption = LATEST_REPORT_VERSION,
) -> None:
    """Audit inventories: scores per objective, explained findings, gates.

    Exit 0 when every gate holds for every inventory, 1 when a gate fails, 2 when an input
    or the command line is wrong; with several inventories, the worst of them.
    """
    from sovcheck import baseline as baseline_module
    from sovcheck.audit import audit_with_facts
    from sovcheck.catalog import builtin_catalog
    from sovcheck.formats import sarif
    from sovcheck.load.waivers import check_components, load_waivers

    cfg = _config(config, no_config)
    settings = _audit_settings(
        cfg,
        rubric=rubric,
        output_format=output_format,
        extra_outputs=extra_outputs,
        fail_under=fail_under,
        minimum=minimum,
        min_level=min_level,
        fail_on=fail_on,
        fail_on_new=fail_on_new,
        baseline=None if create_baseline is not None else baseline,
        waivers=waivers,
        severity=severity,
        soft_fail=soft_fail,
        show_passed=show_passed,
        max_fact_age=max_fact_age,
        sarif_max_results=sarif_max_results,
        today=_today(today),
    )
    if baseline is not None and create_baseline is not None:
        raise UsageError(
            "--baseline and --create-baseline: name one (refresh with --create-baseline)"
        )
    paths = _expand(inventories)
    if sum(1 for p in paths if str(p) == "-") > 1:
        raise UsageError("- (standard input) can be read once")
    outputs = [("--output", output)] if output is not None else []
    outputs += [("--output-format", target) for _, target in settings.extras]
    if create_baseline is not None:
        outputs.append(("--create-baseline", create_baseline))
    check_outputs(outputs, paths)
    formats = {settings.output_format, *(fmt for fmt, _ in settings.extras)}
    keep_facts = bool(formats & NEEDS_FACTS)
    if keep_facts and len(paths) > 1:
        raise UsageError("--format html takes one inventory")
    loaded_baseline = baseline_module.load(settings.baseline) if settings.baseline else None
    loaded_waivers = (
        load_waivers(settings.waivers, {r.id for r in settings.rubric.rubric.rules})
        if settings.waivers
        else None
    )
    waived_components: set[str] = set()
    suggestions: dict[str, str] = {}
    audits: list[tuple[Report, AuditFacts | None]] = []
    worst = 0
    for path in paths:
        try:
            _progress(f"reading {path}", quiet)
            loaded = _load(path)
            if loaded_waivers is not None:
                loaded = _with_waivers(loaded, loaded_waivers.waivers)
                _match_waivers(loaded_waivers, loaded, waived_components, suggestions)
            _progress(f"auditing {len(loaded.inventory.components):,} components of {path}", quiet)
            report, facts = audit_with_facts(
                loaded, settings.rubric, builtin_catalog(), settings.options
            )
        except InputError as exc:
            if len(paths) == 1:
                raise
            _print_error(exc)
            worst = 2
            continue
        if loaded_baseline is not None and settings.baseline is not None:
            report = baseline_module.compare(
                report,
                loaded_baseline,
                str(settings.baseline),
                fail_on_new=settings.fail_on_new,
            )
        audits.append((report, facts if keep_facts else None))
        worst = max(worst, 0 if report.overall.passed else 1)
    if loaded_waivers is not None and audits:
        check_components(loaded_waivers, waived_components, suggestions)
    _progress("writing the report", quiet)
    if audits:
        many = len(paths) > 1
        shown = [(_displayed(r, settings.severity), f) for r, f in audits]
        to_file = file_layout(os.environ)
        if output is not None:
            write_atomically(
                output,
                _stream(
                    settings, settings.output_format, audits, shown, many, to_file, report_version
                ),
                paths,
            )
        elif not quiet:
            on_stdout = stdout_layout(color, os.environ, sys.stdout)
            chunks = _stream(
                settings, settings.output_format, audits, shown, many, on_stdout, report_version
            )
            sys.stdout.flush()
            first = next(chunks, b"")
            # the terminal may show both streams: end the progress line before the report
            _progress("", quiet)
            sys.stdout.buffer.write(first)
            for chunk in chunks:
                sys.stdout.buffer.write(chunk)
            sys.stdout.buffer.flush()
        for fmt, target in settings.extras:
            write_atomically(
                target,
                _stream(settings, fmt, audits, shown, many, to_file, report_version),
                paths,
                "--output-format",
            )
        if create_baseline is not None:
            write_atomically(
                create_baseline,
                baseline_module.create([r for r, _ in audits]),
                paths,
                "--create-baseline",
            )
        if OutputFormat.SARIF in formats:
            count = sarif.count_results([r for r, _ in shown], settings.sarif_max_results)
            _progress("", quiet)
            for line in sarif_size_warnings(count):
                sys.stderr.write(f"sovcheck: {line}\n")
        if quiet:
            _print_failing_gates([r for r, _ in audits])
    _progress("", quiet)
    if worst == 1 and (settings.soft_fail or create_baseline is not None):
        worst = 0
    raise typer.Exit(worst)


def sarif_size_warnings(count: sarif.ResultCount) -> list[str]:
    """What to say on standard error when a SARIF log leaves results out, or when GitHub
    code scanning would reject it or keep only part of it."""
    from sovcheck.formats import sarif

    kept, limit, stored = count.kept, sarif.MAX_RESULTS, sarif.STORED_RESULTS
    lines = []
    if kept < count.total:
        lines.append(
            f"warning: SARIF: {count.total - kept:,} of {count.total:,} results left out, the "
            f"log holds the {kept:,} most severe (--sarif-max-results {count.max_results}; "
            f"GitHub code scanning rejects a run of more than {limit:,}; 0 lifts the cap)"
        )
    if kept > limit:
        lines.append(
            f"warning: SARIF: the log has {kept:,} results and GitHub code scanning rejects a "
            f"run of more than {limit:,}; --sarif-max-results {limit} keeps the most severe"
        )
    elif kept > stored:
        lines.append(
            f"note: SARIF: GitHub code scanning stores only the {stored:,} results of a run it "
            f"ranks most severe, of the {kept:,} in the log; --sarif-max-results {stored} lets "
            "sovcheck choose them"
        )
    return lines


def _stream(
    settings: AuditSettings,
    fmt: OutputFormat,
    audits: list[tuple[Report, AuditFacts | None]],
    shown: list[tuple[Report, AuditFacts | None]],
    many: bool,
    layout: Layout,
    report_version: int,
) -> Iterator[bytes]:
    """The JSON report is the record and keeps every finding; the other formats list the
    findings --severity lets through."""
    from sovcheck.formats import stream_audits

    return stream_audits(
        fmt,
        audits if fmt is OutputFormat.JSON else shown,
        many=many,
        sarif_max_results=settings.sarif_max_results,
        width=layout.width,
        colour=layout.colour,
        report_version=report_version,
    )


def _displayed(report: Report, severity: Severity | None) -> Report:
    if severity is None:
        return report
    kept = tuple(f for f in report.findings if f.severity.rank >= severity.rank)
    return (
        report
        if len(kept) == len(report.findings)
        else report.model_copy(update={"findings": kept})
    )


def _print_failing_gates(reports: list[Report]) -> None:
    for report in reports:
        for gate in report.gates:
            if not gate.passed:
                sys.stderr.write(
                    f"sovcheck: {report.inventory.path}: gate {gate.id} failed: "
                    f"{gate.actual} vs {gate.threshold} ({gate.source})\n"
                )


def _match_waivers(
    waivers: LoadedWaivers, loaded: LoadedInventory, found: set[str], suggestions: dict[str, str]
) -> None:
    """Note the waivers file's components that ``loaded`` declares, and for the others a
    near id of it, to suggest if no inventory declares them."""
    from sovcheck.load.validation import Suggester

    named = {w.component for w in waivers.waivers if w.component is not None}
    found.update(c for c in named if c in loaded.component_index)
    missing = [c for c in sorted(named - found) if not suggestions.get(c)]
    if missing:
        suggester = Suggester(sorted(loaded.component_index))
        for component in missing:
            suggestions[component] = suggester.did_you_mean(component)


def _with_waivers(loaded: LoadedInventory, extra: tuple[Waiver, ...]) -> LoadedInventory:
    """``loaded`` with the waivers file's entries after its own (an inventory's own waiver
    of a finding is used first)."""
    inventory = loaded.inventory.model_copy(update={"waivers": (*loaded.inventory.waivers, *extra)})
    return dataclasses.replace(loaded, inventory=inventory)


@dataclass(frozen=True)
class AuditSettings:
    """The audit's options, command line over configuration file over defaults."""

    rubric: LoadedRubric
    output_format: OutputFormat
    extras: list[tuple[OutputFormat, Path]]
    options: AuditOptions
    fail_on_new: Severity | None
    baseline: Path | None
    waivers: Path | None
    severity: Severity | None
    soft_fail: bool
    sarif_max_results: int


def _config(explicit: Path | None, disabled: bool) -> LoadedConfig | None:
    from sovcheck import config as config_module

    if explicit is not None and disabled:
        raise UsageError("--config and --no-config: name one")
    return config_module.discover(Path.cwd(), explicit, disabled=disabled)


def _fail_on_new(text: str, option: str) -> Severity | None:
    from sovcheck.load.validation import did_you_mean

    if text == "none":
        return None
    try:
        return Severity(text)
    except ValueError:
        choices = [s.value for s in Severity]
        raise UsageError(
            f"{option}: '{text}' is not a severity{did_you_mean(text, choices)}; "
            f"use one of {', '.join(choices)}, or none"
        ) from None


def _rubric_setting(cfg: LoadedConfig | None, rubric: str | None) -> LoadedRubric:
    """--rubric, else the configuration file's (a path relative to the file), else default."""
    from sovcheck.load.rubric import load_rubric

    if rubric is None and cfg is not None and cfg.config.rubric is not None:
        rubric_id = cfg.resolve_rubric(cfg.config.rubric)
        return _from_config(cfg, "rubric", lambda: load_rubric(rubric_id))
    return load_rubric(rubric or "default")


def _fail_on_new_setting(cfg: LoadedConfig | None, fail_on_new: str | None) -> Severity | None:
    from sovcheck import baseline as baseline_module

    if fail_on_new is not None:
        return _fail_on_new(fail_on_new, "--fail-on-new")
    configured = cfg.config.fail_on_new if cfg is not None else None
    if configured is not None:
        return None if configured == "none" else Severity(configured)
    return baseline_module.DEFAULT_FAIL_ON_NEW


def _from_config(cfg: LoadedConfig, key: str | tuple[str, str], parse: Callable[[], T]) -> T:
    """``parse()`` of the configuration value at ``key``; its usage errors located in the
    file (and named by the file's key, not the option's)."""
    try:
        return parse()
    except UsageError as exc:
        path = (key,) if isinstance(key, str) else key
        raise cfg.problem(path, exc.text.removeprefix("--")) from None


def _merge_thresholds(
    cfg: LoadedConfig | None,
    key: str,
    configured: Mapping[str, object],
    given: list[str] | None,
    parse: Callable[[list[str], LoadedRubric], dict[str, T]],
    rubric: LoadedRubric,
    from_config: set[str],
    gate_kind: str,
) -> dict[str, T]:
    """Per-objective thresholds of the configuration file (each error located at its key),
    overridden by the command line's OBJECTIVE=VALUE options; ``from_config`` keeps the
    gates whose threshold the file set."""
    merged: dict[str, T] = {}
    if cfg is not None:
        for name, value in configured.items():
            pair = functools.partial(parse, [f"{name}={value}"], rubric)
            merged |= _from_config(cfg, (key, name), pair)
    from_config.update(f"{gate_kind}:{k}" for k in merged)
    on_command_line = parse(given or [], rubric)
    from_config.difference_update(f"{gate_kind}:{k}" for k in on_command_line)
    return merged | on_command_line


def _audit_settings(
    cfg: LoadedConfig | None,
    *,
    rubric: str | None,
    output_format: OutputFormat | None,
    extra_outputs: list[str] | None,
    fail_under: float | None,
    minimum: list[str] | None,
    min_level: list[str] | None,
    fail_on: Severity | None,
    fail_on_new: str | None,
    baseline: Path | None,
    waivers: Path | None,
    severity: Severity | None,
    soft_fail: bool | None,
    show_passed: bool | None,
    max_fact_age: int | None,
    sarif_max_results: int | None,
    today: dt.date,
) -> AuditSettings:
    from sovcheck.audit import AuditOptions
    from sovcheck.config import Config
    from sovcheck.formats import sarif
    from sovcheck.scoring import GateOptions

    c = cfg.config if cfg is not None else Config()
    from_config: set[str] = set()
    loaded_rubric = _rubric_setting(cfg, rubric)
    fmt = output_format
    if fmt is None and cfg is not None and c.format is not None:
        name = c.format
        fmt = _from_config(cfg, "format", lambda: _format_name(name))
    extras: list[tuple[OutputFormat, Path]] = []
    if extra_outputs is not None:
        extras = [_parse_output(spec) for spec in extra_outputs]
    elif cfg is not None:
        for format_name, target in c.output_format.items():
            parsed = _from_config(
                cfg, "output-format", functools.partial(_format_name, format_name)
            )
            extras.append((parsed, cfg.resolve(target)))
    if fail_under is not None:
        fail_under = _score(str(fail_under), "--fail-under")
    elif c.fail_under is not None:
        fail_under = c.fail_under
        from_config.add("overall")
    minimums = _merge_thresholds(
        cfg, "min", c.min, minimum, _parse_minimums, loaded_rubric, from_config, "objective"
    )
    min_levels = _merge_thresholds(
        cfg,
        "min-level",
        c.min_level,
        min_level,
        _parse_min_levels,
        loaded_rubric,
        from_config,
        "level",
    )
    if fail_on is None and c.fail_on is not None:
        fail_on = c.fail_on
        from_config.add("fail-on")
    new_gate = _fail_on_new_setting(cfg, fail_on_new)
    if baseline is None and cfg is not None and c.baseline is not None:
        baseline = cfg.resolve(c.baseline)
    if waivers is None and cfg is not None and c.waivers is not None:
        waivers = cfg.resolve(c.waivers)
    options = AuditOptions(
        today=today,
        gates=GateOptions(
            fail_under=fail_under,
            minimums=minimums,
            min_levels=min_levels,
            fail_on=fail_on,
            from_config=frozenset(from_config),
        ),
        include_passed=c.show_passed if show_passed is None else show_passed,
        max_fact_age_days=c.max_fact_age if max_fact_age is None else max_fact_age,
    )
    return AuditSettings(
        rubric=loaded_rubric,
        output_format=fmt or OutputFormat.TABLE,
        extras=extras,
        options=options,
        fail_on_new=new_gate,
        baseline=baseline,
        waivers=waivers,
        severity=severity if severity is not None else c.severity,
        soft_fail=c.soft_fail if soft_fail is None else soft_fail,
        sarif_max_results=(
            sarif_max_results
            if sarif_max_results is not None
            else c.sarif_max_results
            if c.sarif_max_results is not None
            else sarif.MAX_RESULTS
        ),
    )


def _progress(message: str, quiet: bool = False) -> None:
    """What a long run is doing, on the terminal only: never in a report or a pipe."""
    if sys.stderr.isatty() and not quiet:
        sys.stderr.write(f"\r\x1b[Ksovcheck: {message}" if message else "\r\x1b[K")
        sys.stderr.flush()


def _parse_output(spec: str) -> tuple[OutputFormat, Path]:
    name, sep, target = spec.partition("=")
    if not sep or not target:
        raise UsageError(f"--output-format takes FORMAT=FILE, e.g. sarif=out.sarif (got '{spec}')")
    return _format_name(name, "--output-format"), Path(target)


def _format_name(name: str, option: str = "format") -> OutputFormat:
    from sovcheck.load.validation import did_you_mean

    choices = [f.value for f in OutputFormat]
    if name not in choices:
        raise UsageError(
            f"{option}: unknown format '{name}'{did_you_mean(name, choices)}; "
            f"formats: {', '.join(choices)}"
        )
    return OutputFormat(name)


def _expand(arguments: list[Path]) -> list[Path]:
    """Files as given; directories replaced by the inventories they hold (sorted)."""
    paths: list[Path] = []
    for arg in arguments:
        if not arg.is_dir():
            paths.append(arg)
            continue
        found = [
            p
            for p in sorted(arg.rglob("*"))
            if p.suffix in (".yaml", ".yml", ".json") and p.is_file() and _looks_like_inventory(p)
        ]
        if not found:
            raise UsageError(f"{arg}: no inventory (a YAML or JSON file with 'sovcheck: 1') found")
        paths.extend(found)
    return paths


# An inventory starts its mapping with the format version, e.g. `sovcheck: 1`.
_INVENTORY_MARK = re.compile(rb'^sovcheck\s*:\s*\d|"sovcheck"\s*:\s*\d', re.MULTILINE)


def _looks_like_inventory(path: Path) -> bool:
    try:
        with path.open("rb") as handle:
            return _INVENTORY_MARK.search(handle.read(65536)) is not None
    except OSError:
        return True  # an inventory that cannot be read is reported by the loader, located


def _print_error(exc: SovcheckError) -> None:
    """One line per problem, control characters from the input escaped: a value cannot
    clear the screen or start a line of its own (a forged ``file:1:1:`` message)."""
    _progress("")  # a message starts a line of its own, not the end of the progress line
    if exc.problems:
        for problem in exc.problems:
            sys.stderr.write(f"{visible(str(problem))}\n")
        return
    for line in exc.lines():
        sys.stderr.write(f"sovcheck: {visible(line)}\n")


@app.command()
def validate(
    inventories: Annotated[
        list[Path], typer.Argument(help="Inventory files (YAML or JSON).", show_default=False)
    ],
) -> None:
    """Check inventories for format and references only (exit 0 valid, 2 invalid)."""
    from sovcheck.model.inventory import RELATIONS

    worst = 0
    for path in inventories:
        try:
            loaded = _load(path)
        except InputError as exc:
            if len(inventories) == 1:
                raise
            _print_error(exc)
            worst = 2
            continue
        inv = loaded.inventory
        relations = sum(len(c.targets(r)) for c in inv.components for r in RELATIONS)
        typer.echo(
            f"{loaded.path}: valid inventory, {len(inv.components)} components, "
            f"{relations} relations, {len(inv.organizations)} organizations"
        )
    raise typer.Exit(worst)


@app.command()
def schema(
    report: Annotated[
        bool, typer.Option("--report", help="The JSON report's schema instead of the inventory's.")
    ] = False,
    portfolio: Annotated[
        bool,
        typer.Option("--portfolio", help="The schema of sovcheck portfolio's JSON output."),
    ] = False,
    report_version: ReportVersionOption = LATEST_REPORT_VERSION,
) -> None:
    """Print the JSON Schema of the inventory format (for editors), of the report (one
    inventory's or several's), or of the portfolio output."""
    from sovcheck.model import report_v2
    from sovcheck.model.inventory import Inventory
    from sovcheck.model.report import Report
    from sovcheck.portfolio import aggregate as portfolio_aggregate

    if report and portfolio:
        raise UsageError("--report and --portfolio: name one")
    if report and report_version == 2:
        typer.echo(jsontext.dumps(report_v2.json_schema(), sort_keys=True), nl=False)
        return
    model: type[BaseModel] = (
        Report if report else portfolio_aggregate.PortfolioReport if portfolio else Inventory
    )
    typer.echo(jsontext.dumps(model.model_json_schema(), sort_keys=True), nl=False)


@rubric_app.command("list")
def rubric_list() -> None:
    """The shipped rubrics, the file each is read from, and the rubric each extends."""
    from sovcheck.formats import listing
    from sovcheck.load.rubric import load_rubric, resolve_rubric, shipped_rubrics

    loaded = [load_rubric(n) for n in shipped_rubrics()]
    sys.stdout.write(
        listing.render_rubric_list(
            [(r.rubric, str(resolve_rubric(r.rubric.id)[0])) for r in loaded]
        )
    )


@rubric_app.command("show")
def rubric_show(
    rubric_id: Annotated[str, typer.Argument(help="Rubric id or path.", show_default=False)],
) -> None:
    """A rubric's objectives, levels and rules with their references."""
    from sovcheck.formats import listing
    from sovcheck.load.rubric import load_rubric

    sys.stdout.write(listing.render_rubric(load_rubric(rubric_id).rubric))


@rubric_app.command("facts")
def rubric_facts() -> None:
    """The facts and operators a rubric's conditions can use, for writing your own."""
    from sovcheck.formats import listing
    from sovcheck.rules.columns import CLASS_RANK
    from sovcheck.rules.conditions import OPERATORS
    from sovcheck.rules.facts import FACTS

    sys.stdout.write(listing.render_facts(list(FACTS.values()), OPERATORS, list(CLASS_RANK)))


class GapFormat(StrEnum):
    MARKDOWN = "markdown"
    JSON = "json"
    TABLE = "table"


class DiffFormat(StrEnum):
    TABLE = "table"
    MARKDOWN = "markdown"
    JSON = "json"


def _render_diff(fmt: DiffFormat, report: plan.DiffReport, layout: Layout) -> str:
    from sovcheck.formats import diff_json, diff_markdown, diff_table

    if fmt is DiffFormat.TABLE:
        return diff_table.render(report, width=layout.width, colour=layout.colour)
    if fmt is DiffFormat.MARKDOWN:
        return diff_markdown.render(report)
    if fmt is DiffFormat.JSON:
        return diff_json.render(report)
    assert_never(fmt)


def _render_gap(fmt: GapFormat, report: plan.GapReport, layout: Layout) -> str:
    from sovcheck.formats import gap_json, gap_markdown, gap_table

    if fmt is GapFormat.MARKDOWN:
        return gap_markdown.render(report)
    if fmt is GapFormat.JSON:
        return gap_json.render(report)
    if fmt is GapFormat.TABLE:
        return gap_table.render(report, width=layout.width, colour=layout.colour)
    assert_never(fmt)


@app.command()
def gap(
    inventory: Annotated[Path, typer.Argument(help="Inventory file.", show_default=False)],
    rubric: RubricOption = "default",
    target_level: Annotated[
        int | None,
        typer.Option(
            "--target-level", min=0, help="Target: every objective at this level or above."
        ),
    ] = None,
    fail_under: Annotated[
        float | None, typer.Option("--fail-under", help="Target: the overall score N (0-100).")
    ] = None,
    minimum: Annotated[
        list[str] | None,
        typer.Option("--min", help="Target: OBJECTIVE=N for each objective named. Repeatable."),
    ] = None,
    output_format: Annotated[
        GapFormat, typer.Option("--format", "-f", help="Report format.")
    ] = GapFormat.MARKDOWN,
    today: TodayOption = None,
    color: ColorOption = ColorChoice.AUTO,
) -> None:
    """Plan the way to a target: ranked remediations with measured score changes.

    Without a target option the target is the rubric's thresholds. Exit 0 when the target is
    already met, 1 when it is not (the plan says how to get there), 2 on bad input.
    """
    from sovcheck import plan
    from sovcheck.catalog import builtin_catalog
    from sovcheck.load.rubric import load_rubric

    if sum(x is not None for x in (target_level, fail_under, minimum or None)) > 1:
        raise UsageError("choose one of --target-level, --fail-under, --min")
    loaded_rubric = load_rubric(rubric)
    target: plan.Target
    if target_level is not None:
        target = plan.TargetLevel(target_level)
    elif fail_under is not None:
        target = plan.FailUnder(_score(str(fail_under), "--fail-under"))
    elif minimum:
        target = plan.Minimums(_parse_minimums(minimum, loaded_rubric))
    else:
        target = plan.rubric_minimums(loaded_rubric)
    report = plan.plan_gap(
        _load(inventory), loaded_rubric, builtin_catalog(), _audit_options(today), target
    )
    layout = stdout_layout(color, os.environ, sys.stdout)
    sys.stdout.write(_render_gap(output_format, report, layout))
    raise typer.Exit(0 if all(line.reached for line in report.before) else 1)


@app.command()
def whatif(
    inventory: Annotated[Path, typer.Argument(help="Inventory file.", show_default=False)],
    replace: Annotated[
        list[str] | None,
        typer.Option(
            "--replace",
            metavar="ID=OTHER",
            help="Point every relation to ID at component OTHER, or make catalog organization OTHER supply ID. Repeatable.",
        ),
    ] = None,
    set_fields: Annotated[
        list[str] | None,
        typer.Option(
            "--set",
            metavar="ID.FIELD=VALUE",
            help="Set a component field (YAML value). Repeatable.",
        ),
    ] = None,
    rubric: RubricOption = "default",
    output_format: Annotated[
        DiffFormat, typer.Option("--format", "-f", help="Report format.")
    ] = DiffFormat.TABLE,
    today: TodayOption = None,
    color: ColorOption = ColorChoice.AUTO,
) -> None:
    """Audit a modified system side by side with the original, without editing the file.

    Exit 0 when the modified system meets every gate, 1 when it does not, 2 on bad input.
    """
    from sovcheck import plan
    from sovcheck.catalog import builtin_catalog
    from sovcheck.load.rubric import load_rubric

    if not replace and not set_fields:
        raise UsageError("whatif needs at least one --replace ID=OTHER or --set ID.FIELD=VALUE")
    report = plan.whatif_diff(
        _load(inventory),
        plan.parse_replace(replace or []),
        plan.parse_set(set_fields or []),
        load_rubric(rubric),
        builtin_catalog(),
        _audit_options(today),
    )
    layout = stdout_layout(color, os.environ, sys.stdout)
    sys.stdout.write(_render_diff(output_format, report, layout))
    raise typer.Exit(0 if all(g.passed_after is not False for g in report.gates) else 1)


@app.command("diff")
def diff_command(
    base: Annotated[
        Path, typer.Argument(help="Base inventory or saved JSON report.", show_default=False)
    ],
    head: Annotated[
        Path, typer.Argument(help="Head inventory or saved JSON report.", show_default=False)
    ],
    rubric: Annotated[
        str | None,
        typer.Option(
            "--rubric", "-r", help="Shipped rubric id or path to a rubric file.  [default: default]"
        ),
    ] = None,
    output_format: Annotated[
        DiffFormat, typer.Option("--format", "-f", help="Report format.")
    ] = DiffFormat.TABLE,
    fail_on_new: Annotated[
        str | None,
        typer.Option(
            "--fail-on-new",
            metavar="SEVERITY",
            help="HEAD is worse when it has a failing finding BASE does not have at or above SEVERITY (none: never).  [default: high]",
        ),
    ] = None,
    config: Annotated[
        Path | None, typer.Option("--config", help="Configuration file (see audit --help).")
    ] = None,
    no_config: Annotated[
        bool, typer.Option("--no-config", help="Ignore configuration files.")
    ] = False,
    today: TodayOption = None,
    color: ColorOption = ColorChoice.AUTO,
) -> None:
    """Compare two inventories (or saved reports): components, findings, scores, gates.

    Exit 1 when HEAD is worse than BASE (for pull requests): a gate that held fails, an
    objective drops below its threshold, or a failing finding is new at or above
    --fail-on-new; else 0; 2 on bad input.
    """
    from sovcheck import plan
    from sovcheck.catalog import builtin_catalog

    cfg = _config(config, no_config)
    loaded_rubric = _rubric_setting(cfg, rubric)
    new_gate = _fail_on_new_setting(cfg, fail_on_new)
    catalog, options = builtin_catalog(), _audit_options(today)
    report = plan.diff(
        plan.load_side(str(base), loaded_rubric, catalog, options),
        plan.load_side(str(head), loaded_rubric, catalog, options),
        fail_on_new=new_gate,
    )
    layout = stdout_layout(color, os.environ, sys.stdout)
    sys.stdout.write(_render_diff(output_format, report, layout))
    raise typer.Exit(1 if report.worse else 0)


@app.command()
def graph(
    inventory: Annotated[
        Path, typer.Argument(help="Inventory file (YAML or JSON).", show_default=False)
    ],
    graph_format: Annotated[
        GraphFormat, typer.Option("--format", "-f", help="svg, dot (Graphviz) or mermaid.")
    ] = GraphFormat.SVG,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write to this file instead.")
    ] = None,
) -> None:
    """Draw the value chain by layer, coloured by the control of each component."""
    from sovcheck.audit import build_facts
    from sovcheck.catalog import builtin_catalog
    from sovcheck.formats.svg_graph import render_graph

    text = render_graph(build_facts(_load(inventory), builtin_catalog()), graph_format)
    if output is not None:
        write_atomically(output, text, [inventory])
    else:
        sys.stdout.write(text)


@app.command("import")
def import_bom_command(
    bom: Annotated[
        Path,
        typer.Argument(
            help="SBOM or AI-BOM: CycloneDX 1.2-1.7 (JSON or XML), SPDX 2.2/2.3 (JSON, YAML, tag-value, XML or RDF/XML), SPDX 3 JSON-LD, or an in-toto attestation of one (DSSE envelope, .intoto.jsonl).",
            show_default=False,
        ),
    ],
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            help="Inventory file to write (JSON when it ends in .json); default: standard output.",
        ),
    ] = None,
    system_name: Annotated[
        str | None,
        typer.Option("--system-name", help="System name (default: what the BOM describes)."),
    ] = None,
    home: Annotated[
        str,
        typer.Option(
            "--home", help="ISO 3166-1 alpha-2 code of the jurisdiction the system serves."
        ),
    ] = "FR",
) -> None:
    """Turn a BOM into an inventory to review: inferred facts are marked, unknowns stay unknown."""
    from sovcheck.importers import dump_inventory, import_bom

    data, header = import_bom(bom, system_name=system_name, home=home)
    as_json = output is not None and output.suffix.lower() == ".json"
    text = dump_inventory(data, header, as_json=as_json)
    if output is None:
        sys.stdout.write(text)
    else:
        write_atomically(output, text, [bom])
        typer.echo(f"{output}: inventory of {len(data['components'])} components written", err=True)


@app.command()
def portfolio(
    inventories: Annotated[
        list[Path] | None,
        typer.Argument(
            help="Inventory files and directories holding them (with --merge: portfolio JSON files).",
            show_default=False,
        ),
    ] = None,
    rubric: Annotated[
        str | None,
        typer.Option(
            "--rubric", "-r", help="Shipped rubric id or path to a rubric file.  [default: default]"
        ),
    ] = None,
    output_format: Annotated[
        PortfolioFormat,
        typer.Option("--format", "-f", help="Output format: table, json, csv or html."),
    ] = PortfolioFormat.TABLE,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output", "-o", help="Write to this file (atomically) instead of standard output."
        ),
    ] = None,
    target: Annotated[
        list[str] | None,
        typer.Option(
            "--target",
            metavar="SHARE%[:CLASS]:OBJECTIVE>=LEVEL[@DATE]",
            help="Portfolio target, e.g. 80%:restricted:overall>=L3@2027-12-31 (a score instead of L<N> also works); exit 1 when one is missed. Repeatable.",
        ),
    ] = None,
    compare: Annotated[
        list[Path] | None,
        typer.Option(
            "--compare",
            help="Earlier portfolio JSON runs: show the trend, and the systems whose verdicts changed since the latest. Repeatable.",
        ),
    ] = None,
    merge: Annotated[
        bool,
        typer.Option(
            "--merge", help="The arguments are portfolio JSON files of shards: merge them."
        ),
    ] = False,
    jobs: Annotated[
        int | None,
        typer.Option("--jobs", "-j", min=1, help="Worker processes.  [default: the usable cores]"),
    ] = None,
    today: TodayOption = None,
    quiet: Annotated[
        bool, typer.Option("--quiet", "-q", help="No progress on the terminal.")
    ] = False,
    color: ColorOption = ColorChoice.AUTO,
) -> None:
    """Audit many systems and answer for the whole portfolio: concentration, shared single
    points of failure, distribution of scores and levels, targets, trend.

    Exit 0 when every portfolio target is met (or none is set), 1 when one is missed, 2 when
    an input or the command line is wrong (a bad inventory is reported, and the others are
    still audited).
    """
    from sovcheck.audit import AuditOptions
    from sovcheck.load.rubric import load_rubric
    from sovcheck.portfolio import aggregate as portfolio_aggregate
    from sovcheck.portfolio import html as portfolio_html
    from sovcheck.portfolio import render as portfolio_render
    from sovcheck.portfolio import run as portfolio_run

    day = _today(today)
    loaded_rubric = load_rubric(rubric or "default")
    objectives = [o.id for o in loaded_rubric.rubric.objectives]
    targets = [portfolio_aggregate.parse_target(t, objectives) for t in target or []]
    history = [_load_portfolio(p) for p in compare or []]
    given = inventories or []
    if not given:
        raise UsageError(
            "portfolio needs inventories or directories (or, with --merge, JSON files)"
        )
    rubric_name = f"{loaded_rubric.rubric.id}@{loaded_rubric.rubric.version}"
    if merge:
        parts = [(str(p), _load_portfolio(p)) for p in given]
        for name, part in parts:
            if part.rubric != rubric_name:
                raise UsageError(
                    f"--merge: {name} was made with rubric {part.rubric}, not {rubric_name} "
                    "(give the same --rubric)"
                )
        aggregate = portfolio_aggregate.merge(parts)
        inputs = list(given)
    else:
        paths = _expand(given)
        inputs = paths
        if output is not None:
            check_outputs([("--output", output)], paths)
        job = portfolio_run.Job(rubric=loaded_rubric, options=AuditOptions(today=day))
        aggregate = portfolio_aggregate.Aggregate()
        workers = jobs or portfolio_run.default_jobs()
        for done, result in enumerate(portfolio_run.audit_all(paths, job, workers), start=1):
            if isinstance(result, portfolio_aggregate.BadInventory):
                aggregate.add_error(result)
            else:
                aggregate.add(result)
            _progress(f"audited {done:,} of {len(paths):,} inventories", quiet)
        _progress("", quiet)
    run = aggregate.report(
        tool_version=__version__,
        rubric=rubric_name,
        today=day,
        targets=targets,
        history=history,
    )
    for error in run.report.errors:
        for line in error.problems:
            sys.stderr.write(f"{line}\n")
    chunks: Iterable[str]
    if output_format is PortfolioFormat.TABLE:
        layout = (
            stdout_layout(color, os.environ, sys.stdout)
            if output is None
            else file_layout(os.environ)
        )
        chunks = [portfolio_render.render_table(run, width=layout.width, colour=layout.colour)]
    elif output_format is PortfolioFormat.JSON:
        chunks = portfolio_render.render_json(run)
    elif output_format is PortfolioFormat.CSV:
        chunks = [portfolio_render.render_csv(run)]
    elif output_format is PortfolioFormat.HTML:
        chunks = portfolio_html.render_html(run)
    else:
        assert_never(output_format)
    if output is None:
        for chunk in chunks:
            sys.stdout.write(chunk)
    else:
        write_atomically(output, (c.encode("utf-8") for c in chunks), inputs)
    if run.report.errors:
        raise typer.Exit(2)
    raise typer.Exit(0 if run.passed else 1)


def _load_portfolio(path: Path) -> portfolio_aggregate.PortfolioReport:
    """A saved ``sovcheck portfolio --format json``; located errors when it is not one."""
    from sovcheck.load.document import read_document
    from sovcheck.load.validation import validate_model
    from sovcheck.portfolio import aggregate as portfolio_aggregate

    document = read_document(path)
    return validate_model(document, portfolio_aggregate.PortfolioReport)


@catalog_app.command("search")
def catalog_search(
    text: Annotated[
        str,
        typer.Argument(
            help="Part of an id, name, alias, domain or Hugging Face namespace.", show_default=False
        ),
    ] = "",
    kind: Annotated[
        str | None,
        typer.Option(
            "--kind", help="List offers of this component kind (chip, cloud, service...)."
        ),
    ] = None,
    capability: Annotated[
        str | None,
        typer.Option(
            "--capability", help="List offers with this capability (accelerator, iaas...)."
        ),
    ] = None,
) -> None:
    """Find organizations in the catalog; with --kind or --capability, offers."""
    from sovcheck import catalog as catalog_module
    from sovcheck.catalog import builtin_catalog
    from sovcheck.formats import listing
    from sovcheck.load.validation import did_you_mean
    from sovcheck.model.catalog import Capability
    from sovcheck.model.inventory import Kind

    catalog = builtin_catalog()
    if kind is not None or capability is not None:
        known = sorted(c.value for c in Capability)
        if capability is not None and capability not in known:
            raise UsageError(
                f"--capability: unknown capability '{capability}'"
                f"{did_you_mean(capability, known)}; capabilities: {', '.join(known)}"
            )
        kinds = sorted(k.value for k in Kind)
        if kind is not None and kind not in kinds:
            raise UsageError(f"--kind: unknown kind '{kind}'{did_you_mean(kind, kinds)}")
        found = catalog_module.search_offers(catalog, text, kind, capability)
        sys.stdout.write(listing.render_offers(found))
        return
    if not text:
        raise UsageError("give a text to search for, or --kind / --capability to list offers")
    sys.stdout.write(listing.render_search(catalog_module.search(catalog, text), text))


@catalog_app.command("show")
def catalog_show(
    ident: Annotated[
        str,
        typer.Argument(
            metavar="ID", help="Organization id, country code or group id.", show_default=False
        ),
    ],
) -> None:
    """An organization with its control chain and the laws that reach it; or a country's laws."""
    from sovcheck.catalog import builtin_catalog
    from sovcheck.formats import listing
    from sovcheck.load.validation import did_you_mean

    catalog = builtin_catalog()
    org = catalog.organizations.get(ident)
    group = next((g for g in catalog.jurisdictions.groups if g.id == ident), None)
    if org is not None:
        sys.stdout.write(listing.render_organization(catalog, org))
    elif group is not None:
        sys.stdout.write(listing.render_group(group))
    elif ident in {c.code for c in catalog.jurisdictions.countries} or catalog.laws_of(ident):
        sys.stdout.write(listing.render_country_laws(ident, catalog.laws_of(ident)))
    else:
        names = sorted(catalog.organizations) + sorted(catalog.group_members)
        raise UsageError(
            f"'{ident}' is not an organization, country or group of the catalog"
            f"{did_you_mean(ident, names)}; try: sovcheck catalog search {ident}"
        )


EXIT_INTERNAL_ERROR = 3  # a bug in sovcheck: never the input's fault, so never 2
EXIT_CLOSED_PIPE = 141  # 128 + SIGPIPE, as a shell reports a reader that went away
EXIT_TERMINATED = 143  # 128 + SIGTERM
# Errors writing standard output that are the machine's, not sovcheck's
_WRITE_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EIO})


class Terminated(BaseException):
    """SIGTERM arrived: unwind (temporary files are removed on the way) and exit 143."""


def _terminate(signum: int, frame: object) -> None:
    raise Terminated


def main() -> None:
    """Entry point: every user-fixable problem becomes exit 2 with positioned messages."""
    sys.exit(_run())


def entry() -> None:
    """The ``sovcheck`` command (and ``python -m sovcheck``): :func:`main`, then, once
    standard output and error are flushed, the process ends at once with the same code.
    Freeing a large audit's millions of objects one by one at interpreter exit costs
    more than a second at 100,000 components; the operating system frees them at once.
    Where a flush fails, the interpreter's own exit reports it, as before. (Tests run
    ``main`` in-process, and so keep their interpreter.)"""
    code = _run()
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (OSError, ValueError):
        sys.exit(code)
    os._exit(code)


def _run() -> int:
    signal.signal(signal.SIGTERM, _terminate)
    try:
        return _main()
    finally:
        # From here the interpreter tears down: a Ctrl-C now ends the process as the signal
        # does, not with a KeyboardInterrupt traceback.
        signal.signal(signal.SIGINT, signal.SIG_DFL)


def _main() -> int:
    try:
        try:
            # A run builds large acyclic data that lives to the end: the cycle collector
            # would only walk it again and again.
            with paused_gc():
                app(prog_name="sovcheck")
            code: int | str | None = 0
        except SystemExit as exc:
            code = exc.code
        # typer (its copy of click) catches a closed standard output itself and exits 1,
        # the code of a failed gate; it leaves standard output in a PacifyFlushWrapper,
        # which tells the two apart.
        if type(sys.stdout).__name__ == "PacifyFlushWrapper":
            return _stdout_gone()
        sys.stdout.flush()
    except BrokenPipeError:
        return _stdout_gone()
    except OSError as exc:
        if exc.errno not in _WRITE_ERRNOS:
            return _internal_error(exc)
        _stdout_gone()
        sys.stderr.write(f"sovcheck: cannot write standard output: {exc.strerror}\n")
        return 2
    except SovcheckError as exc:
        _print_error(exc)
        return 2
    except KeyboardInterrupt:
        sys.stderr.write("sovcheck: interrupted\n")
        return 2
    except Terminated:
        return EXIT_TERMINATED
    except Exception as exc:  # a bug: say so plainly, keep the traceback for those who ask
        return _internal_error(exc)
    if code is None:
        return 0
    if isinstance(code, int):
        return code
    sys.stderr.write(f"{code}\n")
    return 1


def _stdout_gone() -> int:
    """Standard output can take no more: what is still buffered is dropped, quietly (the
    interpreter would otherwise try to flush it at exit and complain)."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, sys.__stdout__.fileno() if sys.__stdout__ else 1)
    except (OSError, ValueError):
        pass
    finally:
        os.close(devnull)
    return EXIT_CLOSED_PIPE


def _internal_error(exc: BaseException) -> int:
    if os.environ.get("SOVCHECK_DEBUG"):
        import traceback

        traceback.print_exception(exc)
    sys.stderr.write(
        f"sovcheck: internal error: {type(exc).__name__}: {exc}\n"
        "sovcheck: this is a bug in sovcheck; set SOVCHECK_DEBUG=1 to see the traceback\n"
    )
    return EXIT_INTERNAL_ERROR
