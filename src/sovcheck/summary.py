"""The cost and energy summary: spend by supplier jurisdiction, energy by site and origin,
compute owned, rented or allocated, from the facts of one audit. The renderers show it as
the tables ``summary_tables`` lays out, each in its own way."""

from __future__ import annotations

from sovcheck.model.inventory import Kind, Relation
from sovcheck.model.summary import (
    ComputeLine,
    CostEnergySummary,
    CostLine,
    ModelLine,
    SiteLine,
    SpendLine,
)
from sovcheck.rules.facts import AuditFacts
from sovcheck.rules.values import Unknown


def summarize(facts: AuditFacts) -> CostEnergySummary:
    return CostEnergySummary(
        spend=_spend(facts),
        sites=_sites(facts),
        models=_models(facts),
        compute=_compute(facts),
        operating_costs=_operating_costs(facts),
    )


def _known(value: object) -> str:
    if isinstance(value, Unknown):
        return "unknown"
    if isinstance(value, frozenset):
        return ", ".join(sorted(value)) or "unknown"
    return str(value)


def _spend(facts: AuditFacts) -> tuple[SpendLine, ...]:
    groups: dict[tuple[str, str], tuple[float, list[str]]] = {}
    for i, comp in enumerate(facts.chain.components):
        if comp.annual_cost_eur is None or facts.in_house(comp.supplier):
            continue
        key = (_known(facts.get(i, "controlled_from")), _known(facts.get(i, "control")))
        total, ids = groups.get(key, (0.0, []))
        groups[key] = (total + comp.annual_cost_eur, [*ids, comp.id])
    lines = [
        SpendLine(jurisdiction=j, control=c, annual_eur=total, components=tuple(sorted(ids)))
        for (j, c), (total, ids) in groups.items()
    ]
    return tuple(sorted(lines, key=lambda s: (-s.annual_eur, s.jurisdiction, s.control)))


def _sites(facts: AuditFacts) -> tuple[SiteLine, ...]:
    chain = facts.chain
    lines = []
    for i, comp in enumerate(chain.components):
        if comp.kind is not Kind.DATACENTER:
            continue
        origins: set[str] = set()
        for j in chain.targets(i, Relation.POWERED_BY):
            origin = chain.components[j].origin
            origins.update(o.value for o in origin or ())
        use = comp.energy_use
        if use is None and not origins:
            continue
        lines.append(
            SiteLine(
                site=comp.id,
                location=tuple(sorted(comp.location or ())),
                kwh_per_year=use.kwh_per_year if use else None,
                pue=use.pue if use else None,
                origins=tuple(sorted(origins)),
            )
        )
    return tuple(lines)


def _models(facts: AuditFacts) -> tuple[ModelLine, ...]:
    lines = []
    for comp in facts.chain.components:
        training, frugality = comp.training, comp.frugality
        if comp.kind is not Kind.MODEL or (training is None and frugality is None):
            continue
        lines.append(
            ModelLine(
                model=comp.id,
                training_gpu_hours=training.gpu_hours if training else None,
                training_kwh=frugality.energy_per_training_kwh if frugality else None,
                inference_wh=frugality.energy_per_inference_wh if frugality else None,
                training_cost_eur=training.cost.total_eur if training and training.cost else None,
            )
        )
    return tuple(lines)


def _compute(facts: AuditFacts) -> tuple[ComputeLine, ...]:
    chain = facts.chain
    lines = []
    for i, comp in enumerate(chain.components):
        if comp.compute is None:
            continue
        allocation = comp.compute.allocation
        counts = [
            chip.count
            for chip in (chain.components[j] for j in chain.targets(i, Relation.USES))
            if chip.kind is Kind.CHIP and chip.count is not None
        ]
        lines.append(
            ComputeLine(
                host=comp.id,
                access=comp.compute.access.value,
                allocation=(
                    f"{allocation.programme.value}: {allocation.machine}" if allocation else None
                ),
                accelerators=sum(counts) if counts else None,
                control=_known(facts.get(i, "control")),
            )
        )
    return tuple(lines)


def _operating_costs(facts: AuditFacts) -> tuple[CostLine, ...]:
    lines = []
    for comp in facts.chain.components:
        cost = comp.operating_cost
        total = None if cost is None else cost.total_eur
        if cost is None or total is None:
            continue
        lines.append(
            CostLine(
                component=comp.id,
                compute_eur=cost.compute_eur,
                energy_eur=cost.energy_eur,
                cooling_eur=cost.cooling_eur,
                other_eur=cost.other_eur,
                total_eur=total,
            )
        )
    return tuple(lines)


# ----------------------------------------------------------------- layout

Table = tuple[str, tuple[str, ...], list[tuple[str, ...]]]  # title, headers, rows


def _num(value: float | None, unit: str = "") -> str:
    if value is None:
        return "-"
    text = f"{value:,.0f}" if abs(value) >= 100 or value == int(value) else f"{value:,.2f}"
    return f"{text}{unit}"


def summary_tables(summary: CostEnergySummary) -> list[Table]:
    """The summary as titled tables of text, the sections the inventory gives facts for."""
    tables: list[Table] = []
    rows: list[tuple[str, ...]]
    if summary.spend:
        total = sum(s.annual_eur for s in summary.spend)
        rows = [
            (
                s.jurisdiction,
                s.control,
                _num(s.annual_eur, " EUR"),
                f"{s.annual_eur / total:.0%}" if total else "-",
                ", ".join(s.components),
            )
            for s in summary.spend
        ]
        tables.append(
            (
                "Spend by supplier jurisdiction (annual_cost_eur)",
                ("Jurisdiction", "Control", "Per year", "Share", "Components"),
                rows,
            )
        )
    if summary.compute:
        rows = [
            (c.host, c.access, c.allocation or "-", _num(c.accelerators), c.control)
            for c in summary.compute
        ]
        tables.append(
            (
                "Compute: owned, rented or allocated",
                ("Host", "Access", "Allocation", "Accelerators", "Control"),
                rows,
            )
        )
    if summary.sites:
        rows = [
            (
                s.site,
                ", ".join(s.location) or "-",
                _num(s.kwh_per_year, " kWh"),
                _num(s.pue),
                ", ".join(s.origins) or "-",
            )
            for s in summary.sites
        ]
        tables.append(
            ("Energy by site and origin", ("Site", "Location", "Per year", "PUE", "Origin"), rows)
        )
    if summary.models:
        rows = [
            (
                m.model,
                _num(m.training_gpu_hours),
                _num(m.training_kwh, " kWh"),
                _num(m.inference_wh, " Wh"),
                _num(m.training_cost_eur, " EUR"),
            )
            for m in summary.models
        ]
        tables.append(
            (
                "Models: training compute, energy and cost",
                (
                    "Model",
                    "Training GPU-hours",
                    "Training energy",
                    "Per inference",
                    "Training cost",
                ),
                rows,
            )
        )
    if summary.operating_costs:
        rows = [
            (
                c.component,
                _num(c.compute_eur, " EUR"),
                _num(c.energy_eur, " EUR"),
                _num(c.cooling_eur, " EUR"),
                _num(c.other_eur, " EUR"),
                _num(c.total_eur, " EUR"),
            )
            for c in summary.operating_costs
        ]
        tables.append(
            (
                "Operating cost per year",
                ("Component", "Compute", "Energy", "Cooling", "Other", "Total"),
                rows,
            )
        )
    return tables
