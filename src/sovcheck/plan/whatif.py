"""What-if audits: the inventory as it is and as modified by --replace and --set."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from sovcheck.audit import AuditOptions, run_audit
from sovcheck.catalog import Catalog
from sovcheck.errors import InputError
from sovcheck.load.inventory import LoadedInventory
from sovcheck.load.rubric import LoadedRubric
from sovcheck.model.report import Report
from sovcheck.plan.diff import DiffReport, DiffSide, diff
from sovcheck.plan.edits import Edits, apply_edits, with_inventory


def parse_replace(values: Sequence[str]) -> dict[str, str]:
    """``ID=OTHER`` options into a mapping; a malformed one is an InputError."""
    out: dict[str, str] = {}
    for value in values:
        target, sep, other = value.partition("=")
        if not sep or not target or not other:
            raise InputError(
                f"--replace takes ID=OTHER, e.g. --replace llm-api=local-llm (got '{value}')"
            )
        if target in out:
            raise InputError(f"--replace {value}: '{target}' is already replaced")
        out[target.strip()] = other.strip()
    return out


def parse_set(values: Sequence[str]) -> list[tuple[str, str, str]]:
    """``ID.field=value`` options into triples; a malformed one is an InputError."""
    out: list[tuple[str, str, str]] = []
    for value in values:
        left, sep, text = value.partition("=")
        cid, dot, field = left.rpartition(".")
        if not sep or not dot or not cid or not field:
            raise InputError(
                f"--set takes ID.field=value, e.g. --set gpu.export_controlled=false (got '{value}')"
            )
        out.append((cid, field, text))
    return out


def whatif_inventory(
    loaded: LoadedInventory,
    replace: Mapping[str, str],
    set_fields: Sequence[tuple[str, str, str]],
    catalog: Catalog,
) -> tuple[LoadedInventory, tuple[str, ...]]:
    """The modified inventory (same source positions) and the components it drops."""
    edits = Edits(tuple(replace.items()), tuple(set_fields))
    inventory, removed = apply_edits(loaded.inventory, edits, catalog)
    return with_inventory(loaded, inventory), removed


def whatif(
    loaded: LoadedInventory,
    replace: Mapping[str, str],
    set_fields: Sequence[tuple[str, str, str]],
    rubric: LoadedRubric,
    catalog: Catalog,
    options: AuditOptions,
) -> tuple[Report, Report]:
    """Audit the inventory as it is and as modified by the options; the file is not touched."""
    modified, _ = whatif_inventory(loaded, replace, set_fields, catalog)
    return run_audit(loaded, rubric, catalog, options), run_audit(
        modified, rubric, catalog, options
    )


def whatif_diff(
    loaded: LoadedInventory,
    replace: Mapping[str, str],
    set_fields: Sequence[tuple[str, str, str]],
    rubric: LoadedRubric,
    catalog: Catalog,
    options: AuditOptions,
) -> DiffReport:
    """``whatif`` as a diff (what the CLI shows): the inventory as it is vs as modified."""
    modified, _ = whatif_inventory(loaded, replace, set_fields, catalog)
    original = run_audit(loaded, rubric, catalog, options)
    changed = run_audit(modified, rubric, catalog, options)
    options_text = " ".join(
        [f"--replace {a}={b}" for a, b in replace.items()]
        + [f"--set {c}.{f}={v}" for c, f, v in set_fields]
    )
    return diff(
        DiffSide(loaded.path, original, loaded.inventory),
        DiffSide(f"{loaded.path} with {options_text}", changed, modified.inventory),
    )
