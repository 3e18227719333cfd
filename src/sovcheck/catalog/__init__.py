"""Organizations, jurisdictions and laws; who controls what, and which laws reach it.

The shipped catalog holds cited facts (each with sources and an as-of date). An inventory
may define organizations of its own; one with the id of a catalog entry overrides that
entry, and the report says so.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache, cached_property
from typing import Literal

from sovcheck.load.catalog import (
    builtin_catalog_dir,
    builtin_catalog_files,
    read_catalog_files,
    read_jurisdictions,
    read_licenses,
)
from sovcheck.model.catalog import (
    DATA_REACH_EFFECTS,
    CatalogOrganization,
    ExportControl,
    Jurisdictions,
    Law,
    Offer,
)
from sovcheck.model.codes import country_codes
from sovcheck.model.inventory import Holding, Organization

OrgOrigin = Literal["inventory", "catalog", "inventory-overrides-catalog"]


@dataclass(frozen=True)
class Catalog:
    jurisdictions: Jurisdictions
    organizations: dict[str, CatalogOrganization]
    organization_files: dict[str, str] = field(repr=False)
    open_licenses: frozenset[str] = frozenset()
    offers: dict[str, Offer] = field(default_factory=dict)

    def offers_of(self, org_id: str) -> list[Offer]:
        return sorted(
            (o for o in self.offers.values() if o.organization == org_id), key=lambda o: o.id
        )

    @property
    def group_members(self) -> dict[str, frozenset[str]]:
        return {g.id: frozenset(g.members) for g in self.jurisdictions.groups}

    def expand(self, entries: Iterable[str]) -> frozenset[str]:
        """Country codes named by ``entries`` (codes or group ids)."""
        groups = self.group_members
        codes: set[str] = set()
        for entry in entries:
            codes |= groups.get(entry, frozenset({entry}))
        return frozenset(codes)

    def laws_of(self, country: str) -> tuple[Law, ...]:
        return self._laws_by_country.get(country, ())

    @cached_property
    def _laws_by_country(self) -> dict[str, tuple[Law, ...]]:
        by: dict[str, list[Law]] = {}
        for law in self.jurisdictions.laws:
            by.setdefault(law.country, []).append(law)
        return {k: tuple(sorted(v, key=lambda law: law.id)) for k, v in by.items()}

    def export_controls_of(self, country: str) -> tuple[ExportControl, ...]:
        return tuple(e for e in self.jurisdictions.export_controls if e.country == country)

    def languages_of(self, country: str) -> tuple[str, ...] | None:
        for c in self.jurisdictions.countries:
            if c.code == country:
                return c.languages or None
        return None

    def law(self, law_id: str) -> Law | None:
        for law in self.jurisdictions.laws:
            if law.id == law_id:
                return law
        return None


@cache
def builtin_catalog() -> Catalog:
    jurisdiction_file, org_files = builtin_catalog_files()
    jurisdictions = read_jurisdictions(jurisdiction_file)
    orgs, offers = read_catalog_files(org_files)
    return Catalog(
        jurisdictions=jurisdictions,
        organizations={k: v[0] for k, v in orgs.items()},
        organization_files={k: v[1] for k, v in orgs.items()},
        offers={k: v[0] for k, v in offers.items()},
        open_licenses=frozenset(
            lic
            for lst in read_licenses(builtin_catalog_dir() / "licenses.yaml").lists
            for lic in lst.licenses
        ),
    )


@dataclass(frozen=True)
class ResolvedOrganization:
    """One organization as sovcheck uses it, from the inventory or the catalog."""

    id: str
    name: str
    country: str | None
    parent: str | None
    foreign_control: float | None
    origin: OrgOrigin
    sources: tuple[str, ...]
    as_of: dt.date | None
    certifications: tuple[str, ...] = ()
    holders: tuple[Holding, ...] = ()
    roles: tuple[str, ...] = ()

    @property
    def public_body(self) -> bool:
        """A body of the state (a ministry, an agency): it has no capital holders."""
        return "public-body" in self.roles


@dataclass(frozen=True)
class TrustArea:
    """The home jurisdiction and the countries treated as sovereign-equivalent."""

    home: str
    trusted: frozenset[str]

    def classify(self, country: str) -> Literal["home", "trusted", "foreign"]:
        if country == self.home:
            return "home"
        return "trusted" if country in self.trusted else "foreign"

    def is_trusted(self, country: str) -> bool:
        return country == self.home or country in self.trusted


class Organizations:
    """Organizations of one audit: the inventory's own, then the catalog's."""

    def __init__(self, catalog: Catalog, inventory_orgs: Sequence[Organization]) -> None:
        self.catalog = catalog
        self._orgs: dict[str, ResolvedOrganization] = {}
        for cat in catalog.organizations.values():
            self._orgs[cat.id] = ResolvedOrganization(
                id=cat.id,
                name=cat.name,
                country=cat.country,
                parent=cat.parent,
                foreign_control=cat.foreign_control,
                origin="catalog",
                sources=cat.sources,
                as_of=cat.as_of,
                certifications=tuple(sorted({c.id for c in cat.certifications})),
                holders=cat.holders,
                roles=cat.roles,
            )
        self.overridden: list[str] = []
        for org in inventory_orgs:
            overrides = org.id in catalog.organizations
            if overrides:
                self.overridden.append(org.id)
            self._orgs[org.id] = ResolvedOrganization(
                id=org.id,
                name=org.name or org.id,
                country=org.country,
                parent=org.parent,
                foreign_control=org.foreign_control,
                origin="inventory-overrides-catalog" if overrides else "inventory",
                sources=org.sources,
                as_of=org.as_of,
                holders=org.holders,
            )
        self.overridden.sort()
        self._chains: dict[str, tuple[ResolvedOrganization, ...]] = {}
        self._laws: dict[str, tuple[Law, ...]] = {}

    def get(self, org_id: str) -> ResolvedOrganization | None:
        return self._orgs.get(org_id)

    def ids(self) -> frozenset[str]:
        return frozenset(self._orgs)

    def control_chain(self, org_id: str) -> tuple[ResolvedOrganization, ...]:
        """The organization, then its parent, and so on; a loop ends the chain."""
        cached = self._chains.get(org_id)
        if cached is not None:
            return cached
        chain: list[ResolvedOrganization] = []
        seen: set[str] = set()
        current: str | None = org_id
        while current is not None and current not in seen:
            org = self._orgs.get(current)
            if org is None:
                break
            chain.append(org)
            seen.add(current)
            current = org.parent
        result = tuple(chain)
        self._chains[org_id] = result
        return result

    def laws_reaching(self, org_id: str) -> tuple[Law, ...]:
        """Laws with reach over data, from every country in the control chain."""
        cached = self._laws.get(org_id)
        if cached is not None:
            return cached
        laws: dict[str, Law] = {}
        for org in self.control_chain(org_id):
            if org.country:
                for law in self.catalog.laws_of(org.country):
                    if law.effect in DATA_REACH_EFFECTS:
                        laws[law.id] = law
        result = tuple(laws[k] for k in sorted(laws))
        self._laws[org_id] = result
        return result


def trust_area(home: str, trusted: Iterable[str], catalog: Catalog) -> TrustArea:
    return TrustArea(home=home, trusted=catalog.expand(trusted) & country_codes() | {home})


def search_offers(
    catalog: Catalog, text: str = "", kind: str | None = None, capability: str | None = None
) -> list[Offer]:
    """Offers whose id, name or organization contains ``text``, of a kind and capability."""
    needle = text.casefold()
    found = [
        o
        for o in catalog.offers.values()
        if (kind is None or o.kind == kind)
        and (capability is None or capability in o.capabilities)
        and (not needle or any(needle in h.casefold() for h in (o.id, o.name, o.organization)))
    ]
    return sorted(found, key=lambda o: o.id)


def search(catalog: Catalog, text: str) -> list[CatalogOrganization]:
    """Organizations whose id, name, aliases, domains or Hugging Face namespaces contain ``text``."""
    needle = text.casefold()
    found = []
    for org in catalog.organizations.values():
        haystack = [org.id, org.name, *org.aliases, *org.domains, *org.huggingface]
        if any(needle in h.casefold() for h in haystack):
            found.append(org)
    return sorted(found, key=lambda o: o.id)
