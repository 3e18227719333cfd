"""The command line: options, wiring, errors to exit codes. Nothing else.

Exit codes of every command: 0 every gate holds, 1 a gate does not hold, 2 the input or
the command line is wrong (a message names file, line and column; never a traceback).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import sys
import tempfile
import traceback
from collections.abc import Iterable
from enum import StrEnum
from pathlib import Path
from typing import Annotated, assert_never

import typer

from sovcheck import __version__, plan
from sovcheck import catalog as catalog_module
from sovcheck.audit import AuditOptions, audit_with_facts, build_facts
from sovcheck.catalog import builtin_catalog
from sovcheck.errors import InputError, SovcheckError, UsageError
from sovcheck.formats import (
    NEEDS_FACTS,
    OutputFormat,
    diff_json,
    diff_markdown,
    diff_table,
    gap_json,
    gap_markdown,
    gap_table,
    listing,
    stream_audits,
)
from sovcheck.formats.svg_graph import GraphFormat, render_graph
from sovcheck.gcpause import paused_gc
from sovcheck.importers import dump_inventory, import_bom
from sovcheck.load.inventory import LoadedInventory, load_inventory
from sovcheck.load.rubric import LoadedRubric, load_rubric, resolve_rubric, shipped_rubrics
from sovcheck.load.validation import did_you_mean
from sovcheck.model.catalog import Capability
from sovcheck.model.inventory import RELATIONS, Inventory, Kind
from sovcheck.model.report import Report
from sovcheck.model.rubric import Severity
from sovcheck.rules.columns import CLASS_RANK
from sovcheck.rules.conditions import OPERATORS
from sovcheck.rules.facts import FACTS, AuditFacts
from sovcheck.scoring import GateOptions
from sovcheck.terminal import ColorChoice, Layout, file_layout, stdout_layout

app = typer.Typer(
    name="sovcheck",
    help="How sovereign is an AI system? Audit its value chain against sovereignty rubrics.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
rubric_app = typer.Typer(help="List and show the shipped rubrics.", no_args_is_help=True)
app.add_typer(rubric_app, name="rubric")
catalog_app = typer.Typer(
    help="Search the catalog of organizations, jurisdictions and laws.", no_args_is_help=True
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
    catalog = builtin_catalog()
    return load_inventory(
        path,
        catalog_organizations=catalog.organizations.keys(),
        groups=catalog.group_members.keys(),
    )


def _parse_minimums(values: list[str], rubric: LoadedRubric) -> dict[str, float]:
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
    directory = target.parent if str(target.parent) else Path()
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", dir=directory)
    except OSError as exc:
        raise UsageError(f"cannot write {target}: {exc.strerror}") from None
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.writelines(chunks)
        Path(tmp).replace(target)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise UsageError(f"cannot write {target}: {exc.strerror}") from None
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


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


def _today(today: dt.datetime | None) -> dt.date:
    return today.date() if today else dt.date.today()


def _audit_options(today: dt.datetime | None) -> AuditOptions:
    return AuditOptions(today=_today(today))


@app.command()
def audit(
    inventories: Annotated[
        list[Path],
        typer.Argument(
            help="Inventory files (YAML or JSON) or directories holding them.", show_default=False
        ),
    ],
    rubric: RubricOption = "default",
    output_format: Annotated[
        OutputFormat, typer.Option("--format", "-f", help="Report format.")
    ] = OutputFormat.TABLE,
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
            "--fail-on", help="Gate: any failing finding at or above this severity fails."
        ),
    ] = None,
    today: TodayOption = None,
    show_passed: Annotated[
        bool, typer.Option("--show-passed", help="List passing findings too.")
    ] = False,
    max_fact_age: Annotated[
        int | None,
        typer.Option(
            "--max-fact-age",
            min=0,
            help="Warn about facts (catalog or inventory) whose as-of date is older than DAYS.",
        ),
    ] = None,
    color: ColorOption = ColorChoice.AUTO,
) -> None:
    """Audit inventories: scores per objective, explained findings, gates.

    Exit 0 when every gate holds for every inventory, 1 when a gate fails, 2 when an input
    or the command line is wrong; with several inventories, the worst of them.
    """
    loaded_rubric = load_rubric(rubric)
    if fail_under is not None:
        fail_under = _score(str(fail_under), "--fail-under")
    extras = [_parse_output(spec) for spec in extra_outputs or []]
    options = AuditOptions(
        today=_today(today),
        gates=GateOptions(
            fail_under=fail_under,
            minimums=_parse_minimums(minimum or [], loaded_rubric),
            min_levels=_parse_min_levels(min_level or [], loaded_rubric),
            fail_on=fail_on,
        ),
        include_passed=show_passed,
        max_fact_age_days=max_fact_age,
    )
    paths = _expand(inventories)
    outputs = [("--output", output)] if output is not None else []
    outputs += [("--output-format", target) for _, target in extras]
    check_outputs(outputs, paths)
    formats = {output_format, *(fmt for fmt, _ in extras)}
    keep_facts = bool(formats & NEEDS_FACTS)
    if keep_facts and len(paths) > 1:
        raise UsageError("--format html takes one inventory")
    audits: list[tuple[Report, AuditFacts | None]] = []
    worst = 0
    for path in paths:
        try:
            _progress(f"reading {path}")
            loaded = _load(path)
            _progress(f"auditing {len(loaded.inventory.components):,} components of {path}")
            report, facts = audit_with_facts(loaded, loaded_rubric, builtin_catalog(), options)
        except InputError as exc:
            if len(paths) == 1:
                raise
            _print_error(exc)
            worst = 2
            continue
        audits.append((report, facts if keep_facts else None))
        worst = max(worst, 0 if report.overall.passed else 1)
    _progress("writing the report")
    if audits:
        many = len(paths) > 1
        to_file = file_layout(os.environ)
        if output is not None:
            chunks = stream_audits(
                output_format, audits, many=many, width=to_file.width, colour=to_file.colour
            )
            write_atomically(output, chunks, paths)
        else:
            shown = stdout_layout(color, os.environ, sys.stdout)
            chunks = stream_audits(
                output_format, audits, many=many, width=shown.width, colour=shown.colour
            )
            sys.stdout.flush()
            for chunk in chunks:
                sys.stdout.buffer.write(chunk)
            sys.stdout.buffer.flush()
        for fmt, target in extras:
            chunks = stream_audits(
                fmt, audits, many=many, width=to_file.width, colour=to_file.colour
            )
            write_atomically(target, chunks, paths, "--output-format")
    _progress("")
    raise typer.Exit(worst)


def _progress(message: str) -> None:
    """What a long run is doing, on the terminal only: never in a report or a pipe."""
    if sys.stderr.isatty():
        sys.stderr.write(f"\r\x1b[Ksovcheck: {message}" if message else "\r\x1b[K")
        sys.stderr.flush()


def _parse_output(spec: str) -> tuple[OutputFormat, Path]:
    name, sep, target = spec.partition("=")
    choices = [f.value for f in OutputFormat]
    if not sep or not target:
        raise UsageError(f"--output-format takes FORMAT=FILE, e.g. sarif=out.sarif (got '{spec}')")
    if name not in choices:
        raise UsageError(
            f"--output-format: unknown format '{name}'{did_you_mean(name, choices)}; "
            f"formats: {', '.join(choices)}"
        )
    return OutputFormat(name), Path(target)


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
    with path.open("rb") as handle:
        return _INVENTORY_MARK.search(handle.read(65536)) is not None


def _print_error(exc: SovcheckError) -> None:
    for line in exc.lines():
        sys.stderr.write(f"{line}\n" if exc.problems else f"sovcheck: {line}\n")


@app.command()
def validate(
    inventories: Annotated[
        list[Path], typer.Argument(help="Inventory files (YAML or JSON).", show_default=False)
    ],
) -> None:
    """Check inventories for format and references only (exit 0 valid, 2 invalid)."""
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
) -> None:
    """Print the JSON Schema of the inventory format (for editors), or of the report."""
    from sovcheck.model.report import Report

    model = Report if report else Inventory
    typer.echo(json.dumps(model.model_json_schema(), indent=2, sort_keys=True))


@rubric_app.command("list")
def rubric_list() -> None:
    """The shipped rubrics, the file each is read from, and the rubric each extends."""
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
    sys.stdout.write(listing.render_rubric(load_rubric(rubric_id).rubric))


@rubric_app.command("facts")
def rubric_facts() -> None:
    """The facts and operators a rubric's conditions can use, for writing your own."""
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
    if fmt is DiffFormat.TABLE:
        return diff_table.render(report, width=layout.width, colour=layout.colour)
    if fmt is DiffFormat.MARKDOWN:
        return diff_markdown.render(report)
    if fmt is DiffFormat.JSON:
        return diff_json.render(report)
    assert_never(fmt)


def _render_gap(fmt: GapFormat, report: plan.GapReport, layout: Layout) -> str:
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
    rubric: RubricOption = "default",
    output_format: Annotated[
        DiffFormat, typer.Option("--format", "-f", help="Report format.")
    ] = DiffFormat.TABLE,
    today: TodayOption = None,
    color: ColorOption = ColorChoice.AUTO,
) -> None:
    """Compare two inventories (or saved reports): components, findings, scores, gates.

    Exit 1 when HEAD is worse than BASE on any gate (for pull requests), else 0; 2 on bad input.
    """
    loaded_rubric, catalog, options = load_rubric(rubric), builtin_catalog(), _audit_options(today)
    report = plan.diff(
        plan.load_side(str(base), loaded_rubric, catalog, options),
        plan.load_side(str(head), loaded_rubric, catalog, options),
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
            help="SBOM or AI-BOM: CycloneDX 1.4-1.6 (JSON or XML), SPDX 2.3 (JSON or tag-value) or SPDX 3 JSON-LD.",
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
    data, header = import_bom(bom, system_name=system_name, home=home)
    as_json = output is not None and output.suffix.lower() == ".json"
    text = dump_inventory(data, header, as_json=as_json)
    if output is None:
        sys.stdout.write(text)
    else:
        write_atomically(output, text, [bom])
        typer.echo(f"{output}: inventory of {len(data['components'])} components written", err=True)


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


def main() -> None:
    """Entry point: every user-fixable problem becomes exit 2 with positioned messages."""
    try:
        # A run builds large acyclic data that lives to the end: the cycle collector would
        # only walk it again and again.
        with paused_gc():
            app(prog_name="sovcheck")
    except SovcheckError as exc:
        _print_error(exc)
        sys.exit(2)
    except KeyboardInterrupt:
        sys.stderr.write("sovcheck: interrupted\n")
        sys.exit(2)
    except Exception as exc:  # a bug: say so plainly, keep the traceback for those who ask
        if os.environ.get("SOVCHECK_DEBUG"):
            traceback.print_exc()
        sys.stderr.write(
            f"sovcheck: internal error: {type(exc).__name__}: {exc}\n"
            "sovcheck: this is a bug in sovcheck; set SOVCHECK_DEBUG=1 to see the traceback\n"
        )
        sys.exit(2)
