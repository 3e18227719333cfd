"""One system of a portfolio, reduced to what the portfolio aggregates.

A national portfolio holds thousands of systems: the analyst's questions (who do most
systems depend on, what stops how many of them, how far each is from the target) need a
few numbers per system and per controlling organization, not every finding. A summary is
made where the audit ran (in a worker process) and is all that crosses back.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict

from sovcheck.model.inventory import Classification
from sovcheck.model.report import Report, Status
from sovcheck.rules.facts import AuditFacts
from sovcheck.rules.values import Unknown

TOP_FINDINGS = 5
_RESTRICTED = Classification.RESTRICTED.rank


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)


class Score(_Model):
    score: float
    level: int
    passed: bool
    assessed: bool = True


class Dependency(_Model):
    """The components of one system under one controlling organization: the top of their
    suppliers' control chains (a French subsidiary counts under its foreign parent)."""

    organization: str
    name: str
    # countries of every organization in those control chains; None when one is unknown
    countries: tuple[str, ...] | None
    control: Literal["home", "trusted", "foreign", "unknown"]
    components: int
    spend_eur: float | None  # the components' known annual_cost_eur, summed
    handles_restricted: bool  # one of them handles restricted or secret data
    cutoff: bool  # one of them can itself be cut off (it is on the system's cut-off path)
    single_point: bool  # one of them is a single point of failure of the system
    no_substitute: bool  # one of those single points has no named substitute


class TopFinding(_Model):
    rule: str
    severity: str
    component: str | None
    message: str


class SystemSummary(_Model):
    path: str
    sha256: str
    system: str
    home: str
    # the system's classification, else the highest its components handle; None: unknown
    classification: Classification | None
    components: int
    annual_cost_eur: float | None
    foreign_spend_share: float | None
    overall: Score
    objectives: dict[str, Score]
    failing: int
    unknown: int
    findings: tuple[TopFinding, ...]  # the most severe failing findings, at most five
    dependencies: tuple[Dependency, ...]

    @property
    def restricted(self) -> bool:
        return self.classification is not None and self.classification.rank >= _RESTRICTED


def _group_control(values: list[object]) -> Literal["home", "trusted", "foreign", "unknown"]:
    """One organization's control over the system's components, from each component's
    ``control`` fact: foreign if any is, unknown if any is, home if all are."""
    if "foreign" in values:
        return "foreign"
    if any(isinstance(v, Unknown) for v in values):
        return "unknown"
    return "home" if all(v == "home" for v in values) else "trusted"


def summarise(report: Report, facts: AuditFacts) -> SystemSummary:
    inventory = facts.inventory
    components = facts.chain.components
    suppliers = facts.column("supplier")
    chains = facts.column("control_chain")
    countries = facts.column("controlled_from")
    controls = facts.column("control")
    handles = facts.column("handles")
    cutoff = facts.column("cutoff_source")
    spof = facts.column("spof")
    substitute = facts.column("has_substitute")
    groups: dict[str, list[int]] = {}
    for i, supplier in enumerate(suppliers):
        if not isinstance(supplier, str) or facts.in_house(supplier):
            continue
        chain = chains[i]
        top = chain[-1] if isinstance(chain, tuple) and chain else supplier
        groups.setdefault(top, []).append(i)
    dependencies = []
    for org_id in sorted(groups):
        members = groups[org_id]
        found: set[str] = set()
        known = True
        for i in members:
            value = countries[i]
            if isinstance(value, Unknown):
                known = False
            else:
                found |= value
        control = _group_control([controls[i] for i in members])
        known_costs = [cost for i in members if (cost := components[i].annual_cost_eur) is not None]
        single = [i for i in members if spof[i] is True]
        org = facts.orgs.get(org_id)
        dependencies.append(
            Dependency(
                organization=org_id,
                name=org.name if org is not None and org.name else org_id,
                countries=tuple(sorted(found)) if known else None,
                control=control,
                components=len(members),
                spend_eur=round(sum(known_costs), 2) if known_costs else None,
                handles_restricted=any(
                    handles[i] is not None and handles[i].rank >= _RESTRICTED for i in members
                ),
                cutoff=any(cutoff[i] is True for i in members),
                single_point=bool(single),
                no_substitute=any(substitute[i] is not True for i in single),
            )
        )
    classification = inventory.system.classification
    if classification is None:
        levels = [h for h in handles if h is not None]
        classification = max(levels, key=lambda c: c.rank) if levels else None
    costs = [cost for c in components if (cost := c.annual_cost_eur) is not None]
    spend: float | None = round(sum(costs), 2) if costs else None
    failing = [f for f in report.findings if f.status is Status.FAIL]
    failing.sort(key=lambda f: (-f.severity.rank, f.rule, f.component or ""))
    return SystemSummary(
        path=report.inventory.path,
        sha256=report.inventory.sha256,
        system=report.inventory.system,
        home=report.inventory.home,
        classification=classification,
        components=report.inventory.components,
        annual_cost_eur=spend,
        foreign_spend_share=report.risks.foreign_spend_share,
        overall=Score(
            score=report.overall.score, level=report.overall.level, passed=report.overall.passed
        ),
        objectives={
            o.id: Score(score=o.score, level=o.level, passed=o.passed, assessed=o.assessed)
            for o in report.objectives
        },
        failing=len(failing),
        unknown=sum(1 for f in report.findings if f.status is Status.UNKNOWN),
        findings=tuple(
            TopFinding(
                rule=f.rule, severity=f.severity.value, component=f.component, message=f.message
            )
            for f in failing[:TOP_FINDINGS]
        ),
        dependencies=tuple(dependencies),
    )
