"""A waivers file kept outside the inventory (``--waivers FILE``).

The same entries as an inventory's ``waivers:`` list, under a ``waivers:`` key of their
own, with the same rules: a rule, optionally a component, a reason and an expiry date; an
expired waiver counts as absent and is reported. Unlike an inventory, the file is read
with a rubric, so a rule the rubric does not have is an error, as is a component that no
audited inventory declares. Errors name file, line and column.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from pathlib import Path

from pydantic import BaseModel, ConfigDict

from sovcheck.errors import InputError, Location, Problem
from sovcheck.load.document import Document, read_document
from sovcheck.load.validation import did_you_mean, validate_model
from sovcheck.model.inventory import Waiver


class WaiversFile(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)

    waivers: tuple[Waiver, ...]


@dataclass(frozen=True)
class LoadedWaivers:
    waivers: tuple[Waiver, ...]
    document: Document


def load_waivers(path: Path | str, rule_ids: Collection[str]) -> LoadedWaivers:
    doc = read_document(path)
    if not isinstance(doc.data, dict):
        raise InputError(
            [Problem(Location(doc.path, 1, 1), "a waivers file is a mapping with a 'waivers' list")]
        )
    waivers = validate_model(doc, WaiversFile).waivers
    problems = [
        Problem(
            doc.source_map.locate(("waivers", i, "rule")),
            f"waiver names rule '{w.rule}', which the rubric does not have"
            f"{did_you_mean(w.rule, sorted(rule_ids))}",
        )
        for i, w in enumerate(waivers)
        if w.rule not in rule_ids
    ]
    if problems:
        raise InputError(problems)
    return LoadedWaivers(waivers, doc)


def check_components(
    loaded: LoadedWaivers, component_ids: Collection[str], suggestions: Mapping[str, str]
) -> None:
    """Every waiver that names a component names one some audited inventory declares;
    ``suggestions`` holds a " (did you mean ...)" for the others."""
    problems = [
        Problem(
            loaded.document.source_map.locate(("waivers", i, "component")),
            f"waiver names component '{w.component}', which no audited inventory declares"
            f"{suggestions.get(w.component, '')}",
        )
        for i, w in enumerate(loaded.waivers)
        if w.component is not None and w.component not in component_ids
    ]
    if problems:
        raise InputError(problems)
