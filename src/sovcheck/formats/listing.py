"""Plain-text listings of rubrics and of the catalog (``sovcheck rubric`` and ``catalog``)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from tabulate import tabulate

from sovcheck.catalog import Catalog, Organizations
from sovcheck.model.catalog import CatalogOrganization, Group, Law, Offer
from sovcheck.model.rubric import Rubric
from sovcheck.rules.facts import FactSpec
from sovcheck.rules.holdings import chain_holdings, holder_countries
from sovcheck.rules.values import FactType, percent, render


def render_rubric_list(rubrics: Sequence[tuple[Rubric, str]]) -> str:
    """Each rubric with the file it is read from (a copy to start your own from)."""
    rows = [[r.id, r.version, len(r.rules), r.extends or "-", r.title, path] for r, path in rubrics]
    headers = ["Id", "Version", "Rules", "Extends", "Title", "File"]
    return (
        tabulate(
            rows,
            headers=headers,
            tablefmt="simple",
            maxcolwidths=[None, None, None, None, 50, None],
        )
        + "\n"
    )


def render_rubric(r: Rubric) -> str:
    out = [f"{r.title} ({r.id} v{r.version})"]
    if r.description:
        out.append(" ".join(r.description.split()))
    objectives = [
        [o.id, o.title, f"{o.weight:g}", "-" if o.threshold is None else f"{o.threshold:g}"]
        for o in r.objectives
    ]
    levels = [
        [
            lv.level,
            lv.name,
            f"{lv.min_score:g}",
            lv.max_failing_severity.value if lv.max_failing_severity else "-",
        ]
        for lv in r.levels
    ]
    rules = [
        [
            rule.id,
            rule.objective,
            rule.severity.value,
            f"{rule.weight:g}",
            rule.title,
            "; ".join(rule.references),
        ]
        for rule in r.rules
    ]
    out += [
        "",
        tabulate(
            objectives, headers=["Objective", "Title", "Weight", "Threshold"], tablefmt="simple"
        ),
        "",
        tabulate(
            levels,
            headers=["Level", "Name", "Min score", "Worst failing allowed"],
            tablefmt="simple",
        ),
        "",
        tabulate(
            rules,
            headers=["Rule", "Objective", "Severity", "Weight", "Title", "References"],
            tablefmt="simple",
            maxcolwidths=[None, None, None, None, 40, 50],
        ),
    ]
    return "\n".join(out) + "\n"


def render_search(found: Sequence[CatalogOrganization], text: str) -> str:
    if not found:
        return f"no organization matches '{text}'\n"
    rows = [[o.id, o.name, o.country or "?", o.parent or "-", ", ".join(o.roles)] for o in found]
    return (
        tabulate(rows, headers=["Id", "Name", "Country", "Parent", "Roles"], tablefmt="simple")
        + "\n"
    )


def render_organization(catalog: Catalog, org: CatalogOrganization) -> str:
    """An organization with its control chain and the laws that reach it through that chain."""
    orgs = Organizations(catalog, [])
    out = [
        f"{org.name} ({org.id})",
        f"  country: {org.country or 'unknown'}   roles: {', '.join(org.roles) or '-'}   "
        f"as of {org.as_of.isoformat()}   defined in {catalog.organization_files[org.id]}",
    ]
    if org.notes:
        out.append("  " + " ".join(org.notes.split()))
    out += ["", "Control chain:"]
    for depth, link in enumerate(orgs.control_chain(org.id)):
        arrow = "-> " if depth else ""
        out.append(
            f"  {'  ' * depth}{arrow}{link.id} ({link.name}, {link.country or 'country unknown'})"
        )
    laws = orgs.laws_reaching(org.id)
    out.append("")
    out.append(
        "Laws that reach it through its control chain:"
        if laws
        else "No catalogued law with reach over data reaches it."
    )
    for law in laws:
        out.append(
            f"  {law.short or law.title} - {law.citation} [{law.country}, {law.effect.value}]"
        )
        out.append(f"    {' '.join(law.reach.split())}")
        out.append(f"    source: {law.sources[0]} (as of {law.as_of.isoformat()})")
    out += ["", "Holders:" if org.holders else "Holders: none recorded."]
    for holding in org.holders:
        amount = (
            percent(holding.share)
            if holding.share is not None
            else f"below {percent(holding.max_share)}"
            if holding.max_share is not None
            else "share not recorded"
        )
        where = ", ".join(sorted(holder_countries(orgs, holding))) or "country unknown"
        note = f" - {holding.note}" if holding.note else ""
        out.append(f"  {holding.holder} ({where}): {amount}{note}")
    eu = catalog.expand(["EU"])
    computed = chain_holdings(orgs, catalog, org.id, eu.__contains__)
    out.append(
        f"Held from outside the EU along the control chain: {render(computed.total)} in all, "
        f"the largest holder {render(computed.largest)}"
        + (
            f" ({computed.described})"
            if computed.described not in ("none", "none recorded")
            else ""
        )
    )
    if org.certifications:
        out += ["", "Certifications:"]
        for cert in org.certifications:
            state = cert.status.value + (f" ({cert.milestone})" if cert.milestone else "")
            since = f", since {cert.since.isoformat()}" if cert.since else ""
            out.append(
                f"  {cert.id}: {state}{since}: {cert.scope or ''} "
                f"(as of {cert.as_of.isoformat()}; {cert.sources[0]})"
            )
    offers = catalog.offers_of(org.id)
    out += ["", f"Offers ({len(offers)}):" if offers else "Offers: none in the catalog."]
    for offer in offers:
        out.append(f"  {offer.id}: {offer.name} [{offer.kind}: {', '.join(offer.capabilities)}]")
        details = []
        if offer.locations:
            details.append(f"in {', '.join(offer.locations)}")
        if offer.built_on:
            details.append(f"built on {', '.join(offer.built_on)}")
        if offer.certifications:
            details.append(
                "certifications: "
                + ", ".join(f"{c.id} ({c.status.value})" for c in offer.certifications)
            )
        if details:
            out.append(f"    {'; '.join(details)}")
    out += ["", "Sources:", *(f"  {source}" for source in org.sources)]
    return "\n".join(out) + "\n"


def render_offers(found: Sequence[Offer]) -> str:
    if not found:
        return "no offer matches\n"
    rows = [
        [
            o.id,
            o.organization,
            o.kind,
            ", ".join(o.capabilities),
            ", ".join(o.locations) or "-",
            ", ".join(o.built_on) or "-",
            ", ".join(f"{c.id} ({c.status.value})" for c in o.certifications) or "-",
        ]
        for o in found
    ]
    headers = [
        "Offer",
        "Organization",
        "Kind",
        "Capabilities",
        "Where",
        "Built on",
        "Certifications",
    ]
    return (
        tabulate(
            rows,
            headers=headers,
            tablefmt="simple",
            maxcolwidths=[None, None, None, 30, 12, 20, 30],
        )
        + "\n"
    )


def render_group(group: Group) -> str:
    return (
        f"{group.name} ({group.id}), as of {group.as_of.isoformat()}: {', '.join(group.members)}\n"
        f"  source: {group.sources[0]}\n"
    )


def render_country_laws(code: str, laws: Sequence[Law]) -> str:
    if not laws:
        return f"No law of {code} in the catalog.\n"
    lines = [f"Laws of {code} in the catalog:"]
    lines += [
        f"  {law.id}: {law.short or law.title} - {law.citation} [{law.effect.value}]"
        for law in laws
    ]
    return "\n".join(lines) + "\n"


def render_facts(
    facts: Sequence[FactSpec],
    operators: Mapping[str, frozenset[FactType]],
    classifications: Sequence[str],
) -> str:
    """What a custom rubric's conditions can read: every fact, and the operators per type."""
    out = [
        "A condition is {fact: NAME, OPERATOR: VALUE}, or all: [conditions], any: [conditions],",
        "not: condition. A fact sovcheck cannot establish is unknown, and so is a condition",
        "over it (never true). A message names facts as {NAME}, and the finding's path as",
        "{path}. Facts of scope system are the same for every component. A share is a number",
        "from 0 to 1, shown as a percentage; when it is known only as a range, a comparison is",
        "decided only when the whole range lies on one side. Claims are certifications checked",
        "against the catalog: intersects is true for a confirmed one, unknown for one only",
        f"claimed. Classifications, lowest first: {', '.join(classifications)}.",
        "",
        tabulate(
            [
                [t.value, ", ".join(op for op, types in operators.items() if t in types)]
                for t in FactType
            ],
            headers=["Type", "Operators"],
            tablefmt="simple",
        ),
        "",
        tabulate(
            [[f.name, f.type.value, f.scope, ", ".join(f.choices), f.description] for f in facts],
            headers=["Fact", "Type", "Scope", "Values", "Meaning"],
            tablefmt="simple",
            maxcolwidths=[None, None, None, 30, 60],
        ),
    ]
    return "\n".join(out) + "\n"
