"""One audit, end to end: inventory + rubric + catalog → report. No I/O beyond what the
loaders were given; the CLI does the printing and exiting."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sovcheck import __version__
from sovcheck.catalog import Catalog, Organizations, trust_area
from sovcheck.engine import EngineResult, evaluate
from sovcheck.gcpause import paused_gc
from sovcheck.graph import ValueChain
from sovcheck.load.inventory import LoadedInventory
from sovcheck.load.rubric import LoadedRubric
from sovcheck.model.inventory import Inventory
from sovcheck.model.report import (
    AuditWarning,
    CutoffRisk,
    FactAge,
    InferredFact,
    InventoryInfo,
    OrganizationNote,
    Report,
    Risks,
    RubricInfo,
    SinglePointOfFailure,
    ToolInfo,
    Unknown,
    source_location,
)
from sovcheck.model.summary import CostEnergySummary
from sovcheck.rules.facts import AuditFacts
from sovcheck.scoring import GateOptions, rule_summaries, score
from sovcheck.summary import summarize


@dataclass(frozen=True)
class AuditOptions:
    today: dt.date
    gates: GateOptions = field(default_factory=GateOptions)
    include_passed: bool = False
    max_fact_age_days: int | None = None


def build_facts(
    loaded: LoadedInventory, catalog: Catalog, today: dt.date | None = None
) -> AuditFacts:
    inventory = loaded.inventory
    chain = ValueChain(inventory)
    orgs = Organizations(catalog, inventory.organizations)
    trust = trust_area(inventory.system.home, inventory.system.trusted, catalog)
    return AuditFacts(inventory, chain, orgs, catalog, trust, today)


def run_audit(
    loaded: LoadedInventory, rubric: LoadedRubric, catalog: Catalog, options: AuditOptions
) -> Report:
    return audit_with_facts(loaded, rubric, catalog, options)[0]


def audit_with_facts(
    loaded: LoadedInventory, rubric: LoadedRubric, catalog: Catalog, options: AuditOptions
) -> tuple[Report, AuditFacts]:
    """The report and the facts it was computed from (renderers that draw the graph need them)."""
    with paused_gc():
        return _audit_with_facts(loaded, rubric, catalog, options)


def _audit_with_facts(
    loaded: LoadedInventory, rubric: LoadedRubric, catalog: Catalog, options: AuditOptions
) -> tuple[Report, AuditFacts]:
    facts = build_facts(loaded, catalog, options.today)
    result = evaluate(
        loaded, facts, rubric, today=options.today, include_passed=options.include_passed
    )
    objectives, overall, gates = score(rubric, result, options.gates)
    inventory = loaded.inventory
    report = Report(
        tool=ToolInfo(name="sovcheck", version=__version__),
        inventory=InventoryInfo(
            path=loaded.path,
            sha256=loaded.document.sha256,
            system=inventory.system.name,
            home=inventory.system.home,
            trusted=inventory.system.trusted,
            components=len(inventory.components),
        ),
        rubric=RubricInfo(
            id=rubric.rubric.id,
            version=rubric.rubric.version,
            sha256=rubric.sha256,
            title=rubric.rubric.title,
        ),
        objectives=tuple(objectives),
        overall=overall,
        gates=tuple(gates),
        findings=tuple(result.findings),
        rules=tuple(rule_summaries(rubric.rubric, result.tallies)),
        unknowns=_unknowns(result),
        risks=_risks(facts),
        waivers=tuple(result.waivers),
        organizations=tuple(
            OrganizationNote(id=o, note="defined in the inventory; overrides the catalog entry")
            for o in facts.orgs.overridden
        ),
        stale_facts=_stale_facts(facts, options),
        inferred=_inferred(inventory),
        warnings=_warnings(loaded, facts, catalog),
        summary=_summary(facts),
    )
    return report, facts


def _summary(facts: AuditFacts) -> CostEnergySummary | None:
    found = summarize(facts)
    return None if found.empty else found


def _warnings(
    loaded: LoadedInventory, facts: AuditFacts, catalog: Catalog
) -> tuple[AuditWarning, ...]:
    """Overrides of what the catalog says of an organization's country or parent, then
    components no entrypoint reaches, each with where it is in the inventory."""
    found: list[AuditWarning] = []
    for org_id in facts.orgs.overridden:
        ours = facts.orgs.get(org_id)
        theirs = catalog.organizations[org_id]
        assert ours is not None
        changed = [
            f"{name} {mine or 'none'} where the catalog has {cat or 'none'}"
            for name, mine, cat in (
                ("country", ours.country, theirs.country),
                ("parent", ours.parent, theirs.parent),
            )
            if mine != cat
        ]
        if not changed:
            continue
        loc = loaded.organization_location(org_id)
        found.append(
            AuditWarning(
                kind="catalog-override",
                subject=org_id,
                message=(
                    f"organization {org_id}: the inventory sets {'; '.join(changed)} "
                    f"(catalog sources: {', '.join(theirs.sources)}; as of "
                    f"{theirs.as_of.isoformat()}); the audit uses the inventory's values"
                ),
                location=None if loc is None else source_location(loc.file, loc.line, loc.column),
            )
        )
    chain = facts.chain
    for i, reached in enumerate(chain.reachable()):
        if reached:
            continue
        loc = loaded.component_location(chain.ids[i])
        found.append(
            AuditWarning(
                kind="unreachable",
                subject=chain.ids[i],
                message=(
                    f"{chain.ids[i]} is not reachable from any entrypoint: no data, "
                    "cut-off or maintenance path of the system passes it, so the rules that "
                    "follow paths say nothing of it; link it with a relation or remove it"
                ),
                location=source_location(loc.file, loc.line, loc.column),
            )
        )
    return tuple(found)


def _inferred(inventory: Inventory) -> tuple[InferredFact, ...]:
    found = [
        InferredFact(subject="component", id=c.id, field=field, how=how)
        for c in inventory.components
        for field, how in (c.inferred or {}).items()
    ] + [
        InferredFact(subject="organization", id=o.id, field=field, how=how)
        for o in inventory.organizations
        for field, how in (o.inferred or {}).items()
    ]
    return tuple(sorted(found, key=lambda f: (f.subject, f.id, f.field)))


def _stale_facts(facts: AuditFacts, options: AuditOptions) -> tuple[FactAge, ...]:
    """Facts the audit relied on whose as-of date is older than the allowed age."""
    limit = options.max_fact_age_days
    if limit is None:
        return ()
    dated: dict[tuple[str, str], dt.date] = {}
    for comp in facts.inventory.components:
        if comp.as_of is not None:
            dated[("component", comp.id)] = comp.as_of
        if comp.supplier is None:
            continue
        for org in facts.orgs.control_chain(comp.supplier):
            if org.as_of is not None:
                dated[("organization", org.id)] = org.as_of
        for law in facts.orgs.laws_reaching(comp.supplier):
            dated[("law", law.id)] = law.as_of
    stale = [
        FactAge(
            subject=kind, id=ident, as_of=as_of.isoformat(), age_days=(options.today - as_of).days
        )
        for (kind, ident), as_of in dated.items()
        if (options.today - as_of).days > limit
    ]
    return tuple(sorted(stale, key=lambda f: (f.subject, f.id)))


def _unknowns(result: EngineResult) -> tuple[Unknown, ...]:
    items = [
        Unknown(component=component, field=name, rules=tuple(sorted(rules)))
        for (component, name), rules in result.unknowns.items()
    ]
    return tuple(sorted(items, key=lambda u: (u.component or "", u.field)))


def _risks(facts: AuditFacts) -> Risks:
    chain = facts.chain
    cutoff = []
    exposed = 0
    for i in range(len(chain)):
        if facts.get(i, "cutoff_source") is True:
            cutoff.append(
                CutoffRisk(
                    component=chain.ids[i],
                    reason=str(facts.get(i, "cutoff_reason")),
                    path=chain.operational_path(i) or (chain.ids[i],),
                )
            )
        if facts.get(i, "cutoff_exposed"):
            exposed += 1
    spofs = [
        SinglePointOfFailure(
            component=chain.ids[i],
            dominated=count,
            path=chain.operational_path(i) or (chain.ids[i],),
        )
        for i, count in sorted(chain.dominated_counts().items())
        if facts.get(i, "spof")
    ]
    share = facts.system("foreign_spend_share")
    return Risks(
        cutoff=tuple(sorted(cutoff, key=lambda r: r.component)),
        single_points_of_failure=tuple(sorted(spofs, key=lambda s: (-s.dominated, s.component))),
        foreign_spend_share=round(share, 4) if isinstance(share, float) else None,
        cutoff_exposed=exposed,
    )
