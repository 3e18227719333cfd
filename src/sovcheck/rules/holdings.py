"""Who holds an organization's capital, and how much of it from outside an area.

Holdings come from the catalog's (or the inventory's) recorded holders, and from a stated
``foreign_control``, along the control chain: each organization's own, the worst of them.
A share known only as a ceiling, or a holder whose country is not known, makes a range.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sovcheck.catalog import Catalog, Organizations, ResolvedOrganization
from sovcheck.model.catalog import DATA_REACH_EFFECTS, Law
from sovcheck.model.inventory import Holding
from sovcheck.rules.values import Bounds, Share, Unknown, percent

Value = Any


@dataclass(frozen=True)
class Holdings:
    total: Value  # Share, Bounds or Unknown
    largest: Value
    described: str
    law_names: frozenset[str]


def chain_holdings(
    orgs: Organizations,
    catalog: Catalog,
    supplier: str,
    inside: Callable[[str], bool],
    law_name: Callable[[Law], str] | None = None,
) -> Holdings:
    """Holdings from outside ``inside`` along the control chain of ``supplier``: each
    organization's own (its stated foreign_control, else the sum over its recorded holders
    from outside), the worst of them. An organization that records none counts as held by
    its parent chain; a public body has no capital holders; a chain where none records any
    is unknown."""
    name_of = law_name or _short_name
    totals: list[Value] = []
    largest: list[Value] = []
    described: list[str] = []
    countries: set[str] = set()
    for org in orgs.control_chain(supplier):
        if org.public_body:
            totals.append(Share(0.0 if inside(org.country or "") else 1.0))
            largest.append(totals[-1])
            continue
        if org.foreign_control is None and not org.holders:
            continue
        total_low = total_high = 0.0
        big_low = big_high = 0.0
        fields: set[str] = set()
        for holding in org.holders:
            held_from = holder_countries(orgs, holding)
            foreign: bool | None = any(not inside(c) for c in held_from) if held_from else None
            low, high = share_range(holding)
            if low != high or foreign is None:
                fields.add(f"organizations.{org.id}.holders")
            if foreign is None:
                low = 0.0
            elif not foreign:
                continue
            else:
                countries |= held_from
                described.append(describe_holding(holding, org, ", ".join(sorted(held_from))))
            total_low += low
            total_high += high
            big_low = max(big_low, low)
            big_high = max(big_high, high)
        if org.foreign_control is not None:
            # the stated total decides; one holder has at most all of it
            total_low = total_high = org.foreign_control
            big_high = max(min(big_high, org.foreign_control), big_low)
            if not org.holders:
                big_high = org.foreign_control
            fields.discard(f"organizations.{org.id}.holders")
        totals.append(_bounded(total_low, min(total_high, 1.0), fields))
        largest.append(_bounded(big_low, min(big_high, 1.0), fields))
    if not totals:
        unknown = Unknown.of(f"organizations.{supplier}.holders")
        return Holdings(unknown, unknown, "none recorded", frozenset())
    laws = frozenset(
        name_of(law)
        for country in sorted(countries)
        for law in catalog.laws_of(country)
        if law.effect in DATA_REACH_EFFECTS
    )
    return Holdings(_worst(totals), _worst(largest), ", ".join(described) or "none", laws)


def holder_countries(orgs: Organizations, holding: Holding) -> frozenset[str]:
    """The holder's country as stated, else the countries of the control chain of the
    organization it names (empty when neither is known)."""
    if holding.country is not None:
        return frozenset({holding.country})
    if orgs.get(holding.holder) is None:
        return frozenset()
    chain = orgs.control_chain(holding.holder)
    if any(o.country is None for o in chain):
        return frozenset()
    return frozenset(o.country for o in chain if o.country)


def share_range(holding: Holding) -> tuple[float, float]:
    """The share a holding may be: exact, below a stated ceiling, or anything."""
    if holding.share is not None:
        return holding.share, holding.share
    if holding.max_share is not None:
        return 0.0, holding.max_share
    return 0.0, 1.0


def describe_holding(holding: Holding, org: ResolvedOrganization, country: str) -> str:
    if holding.share is not None:
        amount = percent(holding.share)
    elif holding.max_share is not None:
        amount = f"below {percent(holding.max_share)}"
    else:
        amount = "an unknown share"
    return f"{holding.holder} ({country or 'country unknown'}) holds {amount} of {org.id}"


def _short_name(law: Law) -> str:
    return law.short or law.citation


def _bounded(low: float, high: float, fields: set[str]) -> Value:
    if low == high:
        return Share(low)
    return Bounds(low, high, frozenset(fields), share=True)


def _worst(values: list[Value]) -> Value:
    """The worst of several organizations' shares: exact when they all are."""
    if all(isinstance(v, Share) for v in values):
        return Share(max(values))
    low = max(v.low if isinstance(v, Bounds) else v for v in values)
    high = max(v.high if isinstance(v, Bounds) else v for v in values)
    fields = frozenset().union(*(v.fields for v in values if isinstance(v, Bounds)))
    return Bounds(low, high, fields, share=True) if low != high else Share(low)
