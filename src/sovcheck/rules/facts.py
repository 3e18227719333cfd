"""Facts the engine computes about each component and about the system.

Rules refer to facts by name; this module is the one place that says what each fact means
and how it is established. A fact that cannot be established is :class:`Unknown`, with the
inventory fields that would establish it, never a default that looks sovereign.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cache, cached_property
from typing import Any

from sovcheck.catalog import Catalog, Organizations, TrustArea
from sovcheck.graph import ValueChain, postorder
from sovcheck.model.catalog import Certification as CatalogCertification
from sovcheck.model.catalog import (
    CertificationStatus,
    ExportControl,
    Law,
    Obligation,
)
from sovcheck.model.inventory import (
    AllocationProgramme,
    Classification,
    Component,
    ComputeAccess,
    DataInformation,
    GaiaXLevel,
    Inventory,
    Kind,
    LocalTuning,
    OpenTerms,
    Relation,
    SmallOrganizationPricing,
    Weights,
)
from sovcheck.rules.holdings import Holdings, chain_holdings
from sovcheck.rules.values import Bounds, Claims, FactType, Share, Unknown

Value = Any  # a known value, or Unknown

_PERSONAL_KINDS = frozenset({Kind.DATASET, Kind.APPLICATION})
HOSTING_KINDS = frozenset({Kind.CLOUD, Kind.DATACENTER, Kind.ENERGY, Kind.SERVICE})
ACCESSIBILITY_STANDARDS = frozenset({"rgaa", "wcag-aa", "wcag-aaa", "en-301-549"})


@dataclass(frozen=True)
class FactSpec:
    name: str
    type: FactType
    description: str
    scope: str = "component"  # or "system"
    choices: tuple[str, ...] = ()


def _spec(name: str, type_: FactType, description: str, **kw: Any) -> FactSpec:
    return FactSpec(name, type_, description, **kw)


T = FactType
FACTS: dict[str, FactSpec] = {
    s.name: s
    for s in [
        _spec("id", T.TEXT, "the component's id"),
        _spec("name", T.TEXT, "the component's name"),
        _spec("kind", T.TEXT, "the component's kind", choices=tuple(k.value for k in Kind)),
        _spec(
            "classification", T.CLASSIFICATION, "the data sensitivity the component itself holds"
        ),
        _spec(
            "handles",
            T.CLASSIFICATION,
            "the highest classification of data reaching the component along data edges "
            "(none when no classified data reaches it)",
        ),
        _spec("supplier", T.TEXT, "the organization that provides, operates or maintains it"),
        _spec(
            "holds_data",
            T.BOOL,
            "it holds the data that reaches it, so its supplier has custody: a cloud, "
            "datacenter, service or team, or a closed-weights model served by its supplier; "
            "false for what runs on a host (the host holds the data), unknown for a model, "
            "application, dataset or library with no host",
        ),
        _spec(
            "control",
            T.TEXT,
            "home, trusted or foreign: the worst country in the supplier's control chain",
            choices=("home", "trusted", "foreign"),
        ),
        _spec("controlled_from", T.SET, "countries of every organization in the control chain"),
        _spec("control_chain", T.SET, "ids of the supplier and of its parents"),
        _spec(
            "foreign_laws",
            T.SET,
            "laws outside the trusted area that reach the component's data through its "
            "control chain (catalog ids)",
        ),
        _spec("foreign_law_names", T.SET, "short names of foreign_laws, for messages"),
        _spec(
            "foreign_holdings",
            T.SHARE,
            "the share of capital or votes held from outside the trusted area, in the most "
            "foreign-held organization of the control chain (stated foreign_control, else the "
            "recorded holders)",
        ),
        _spec(
            "largest_foreign_holding",
            T.SHARE,
            "the largest share one holder from outside the trusted area has in an organization "
            "of the control chain",
        ),
        _spec("foreign_holders", T.TEXT, "the holders from outside the trusted area, for messages"),
        _spec(
            "holding_law_names",
            T.SET,
            "laws with reach over data of the countries of holders from outside the trusted area",
        ),
        _spec("max_foreign_control", T.SHARE, "foreign_holdings (the earlier name)"),
        _spec(
            "non_eu_holdings",
            T.SHARE,
            "foreign_holdings measured against the EU's 27 member states, whatever the "
            "inventory trusts (SecNumCloud §19.6 b))",
        ),
        _spec(
            "largest_non_eu_holding",
            T.SHARE,
            "largest_foreign_holding measured against the EU",
        ),
        _spec("non_eu_holders", T.TEXT, "the holders from outside the EU, for messages"),
        _spec("supplier_country", T.TEXT, "the country of the supplier itself (not its parents)"),
        _spec(
            "in_house",
            T.BOOL,
            "the system's own organization (system.organization) supplies it, itself or "
            "through an organization it controls",
        ),
        _spec(
            "third_party_of_provider",
            T.BOOL,
            "a cloud or service of another supplier, which holds the data, relies on it "
            "(depends_on, uses, runs_on, maintained_by): a subcontractor, colocation host or "
            "technology supplier of the provider",
        ),
        _spec(
            "supplier_data_access",
            T.BOOL,
            "its supplier can technically obtain the data the provider operates (stated; a "
            "team has that access by nature)",
        ),
        _spec(
            "operating_autonomy",
            T.BOOL,
            "the provider can keep the service running without it: it is SecNumCloud-qualified "
            "(confirmed), a substitute is named, the provider's own team maintains it, or it is "
            "open source and needs no supplier online",
        ),
        _spec("location", T.SET, "where the component itself runs or stores data"),
        _spec(
            "effective_location",
            T.SET,
            "its location, or that of what it runs on (following runs_on)",
        ),
        _spec("location_trusted", T.BOOL, "every effective location is home or trusted"),
        _spec("license", T.TEXT, "SPDX licence identifier or expression"),
        _spec("license_open", T.BOOL, "the licence is OSI-approved or an open data licence"),
        _spec("open_source", T.BOOL, "the inventory says it is open source"),
        _spec(
            "certifications",
            T.CLAIMS,
            "certifications the inventory claims, each checked against the catalog: a claim is "
            "met only when the catalog confirms it for the supplier or its parents",
        ),
        _spec("claimed_certifications", T.SET, "certifications as the inventory states them"),
        _spec(
            "connectivity",
            T.TEXT,
            "air-gapped, private or internet",
            choices=("air-gapped", "private", "internet"),
        ),
        _spec("requires_connectivity", T.BOOL, "it stops working when its supplier is unreachable"),
        _spec("export_controlled", T.BOOL, "export rules can stop its supply"),
        _spec(
            "chip_type",
            T.TEXT,
            "what a chip is",
            choices=("accelerator", "cpu", "memory", "network", "other"),
        ),
        _spec(
            "export_licence_required",
            T.BOOL,
            "exporting it to the home country needs a licence under the rules in force "
            "(stated, else from the catalog's export rules for its chip type)",
        ),
        _spec(
            "undeclared_accelerators",
            T.BOOL,
            "a host that models run on, with no chip declared on it or below it (unknown: "
            "which accelerators does it run?); false elsewhere",
        ),
        _spec(
            "export_rules",
            T.SET,
            "export-control rules of the countries in its control chain that apply to its kind",
        ),
        _spec(
            "weights", T.TEXT, "open, licensed or closed", choices=tuple(w.value for w in Weights)
        ),
        _spec("languages", T.SET, "languages served or covered (ISO 639-1)"),
        _spec(
            "home_languages",
            T.SET,
            "languages the system must serve: system.languages or the home's official ones",
            scope="system",
        ),
        _spec("serves_home_language", T.BOOL, "covers at least one of the home languages"),
        _spec("serves_all_home_languages", T.BOOL, "covers every home language"),
        _spec("has_training_summary", T.BOOL, "a training summary is published (training_summary)"),
        _spec("accessibility", T.SET, "accessibility standards met"),
        _spec(
            "meets_accessibility_standard",
            T.BOOL,
            "meets at least one of rgaa, wcag-aa, wcag-aaa, en-301-549",
        ),
        _spec("personal_data", T.BOOL, "the dataset holds personal data"),
        _spec("special_categories", T.SET, "special categories of personal data it holds (art. 9)"),
        _spec(
            "personal_data_reaches",
            T.BOOL,
            "personal data reaches it along data edges (unknown when a dataset whose "
            "personal_data is not stated reaches it)",
        ),
        _spec(
            "data_categories",
            T.SET,
            "special categories of personal data that reach it along data edges",
        ),
        _spec("location_in_eea", T.BOOL, "every effective location is in the EEA"),
        _spec(
            "location_adequate",
            T.BOOL,
            "every effective location is in the EEA or a country with an EU adequacy decision",
        ),
        _spec("control_in_eea", T.BOOL, "every country of the control chain is in the EEA"),
        _spec(
            "control_adequate",
            T.BOOL,
            "every country of the control chain is in the EEA or has an EU adequacy decision",
        ),
        _spec(
            "required_certifications",
            T.SET,
            "certifications the home's law requires of its host for the special categories of "
            "personal data reaching it (catalog obligations, such as HDS for French health "
            "data; none where the system's own organization hosts and self-hosting is exempt)",
        ),
        _spec(
            "meets_required_certifications",
            T.BOOL,
            "each obligation behind required_certifications is met by a confirmed certification",
        ),
        _spec(
            "required_accreditations",
            T.SET,
            "accreditations the home's law requires for the classification of the data it "
            "handles (catalog obligations, such as IGI 1300 homologation for French secret data)",
        ),
        _spec(
            "meets_required_accreditations",
            T.BOOL,
            "each obligation behind required_accreditations is met by a confirmed accreditation",
        ),
        _spec("legal_basis", T.TEXT, "GDPR art. 6 basis for personal data"),
        _spec("clearance", T.TEXT, "the team's security clearance"),
        _spec("annual_cost_eur", T.NUMBER, "annual spend on the component"),
        _spec("has_substitute", T.BOOL, "at least one substitute is named"),
        _spec(
            "has_trusted_substitute",
            T.BOOL,
            "a substitute in the inventory whose control chain is home or trusted",
        ),
        _spec("is_entrypoint", T.BOOL, "an entrypoint of the system"),
        _spec("spof", T.BOOL, "on every path from the entrypoints to at least one other component"),
        _spec("dominated", T.NUMBER, "how many components are reachable only through it"),
        _spec(
            "critical",
            T.BOOL,
            "an entrypoint, a single point of failure, a cut-off source, or handling "
            "restricted or secret data",
        ),
        _spec(
            "cutoff_source",
            T.BOOL,
            "a foreign decision can cut it off (export rules, a foreign supplier it needs "
            "online, closed weights, foreign-operated hosting) and no trusted substitute exists",
        ),
        _spec("cutoff_reason", T.TEXT, "why it can be cut off"),
        _spec("cutoff_exposed", T.BOOL, "it depends on a cut-off source"),
        _spec(
            "maintained_locally",
            T.BOOL,
            "a team located in the trusted area maintains it, the host it runs on, or (for a "
            "chip) the host that uses it (maintained_by)",
        ),
        _spec(
            "energy_trusted",
            T.BOOL,
            "every energy source it is powered_by is located and controlled in the trusted area",
        ),
        _spec("home", T.TEXT, "the home country", scope="system"),
        _spec(
            "hardware_declared",
            T.BOOL,
            "the inventory describes at least one chip (unknown when it describes none)",
            scope="system",
        ),
        _spec(
            "purpose",
            T.TEXT,
            "what the system is used for (default civil)",
            scope="system",
            choices=("civil", "military", "defence", "national-security", "dual-use"),
        ),
        _spec("gdpr_applies", T.BOOL, "the home is in the EEA", scope="system"),
        _spec(
            "ai_act_applies",
            T.BOOL,
            "the home is in the EU and the system is not used exclusively for military, "
            "defence or national security (AI Act art. 2(3))",
            scope="system",
        ),
        _spec(
            "foreign_spend_share",
            T.SHARE,
            "share of annual spend on outside suppliers that goes outside the trusted area; a "
            "range when costs are missing (in-house work is not spend)",
            scope="system",
        ),
        _spec(
            "unpriced_spend",
            T.TEXT,
            "paid components whose annual_cost_eur is missing",
            scope="system",
        ),
        _spec(
            "unknown_spend_share",
            T.SHARE,
            "share of stated annual spend whose supplier's control is unknown",
            scope="system",
        ),
        _spec(
            "foreign_spend_percent", T.NUMBER, "foreign_spend_share as a percentage", scope="system"
        ),
        _spec("priced_components", T.NUMBER, "components with annual_cost_eur", scope="system"),
        # compute, cost and energy
        _spec("count", T.NUMBER, "how many chips of this kind the inventory describes"),
        _spec(
            "compute_access",
            T.TEXT,
            "how a compute host's capacity is had (compute.access)",
            choices=tuple(a.value for a in ComputeAccess),
        ),
        _spec(
            "allocation_programme",
            T.TEXT,
            "who allocated the compute on a public machine (compute.allocation.programme)",
            choices=tuple(a.value for a in AllocationProgramme),
        ),
        _spec("runs_models", T.BOOL, "a model runs on it (runs_on): it is a compute host"),
        _spec("training_gpu_hours", T.NUMBER, "GPU-hours of the model's training run"),
        _spec(
            "training_cost_eur",
            T.NUMBER,
            "the training run's cost, the sum of the parts stated (compute, energy, cooling, other)",
        ),
        _spec(
            "operating_cost_eur",
            T.NUMBER,
            "annual operating cost, the sum of the parts stated (compute, energy, cooling, other)",
        ),
        _spec(
            "site_energy_kwh", T.NUMBER, "a site's energy use per year (energy_use.kwh_per_year)"
        ),
        _spec("pue", T.NUMBER, "a site's power usage effectiveness (energy_use.pue)"),
        _spec("energy_origin", T.SET, "where an energy supply's electricity mainly comes from"),
        _spec(
            "frugality_documented",
            T.BOOL,
            "the model's energy is documented with a figure per training run or per inference "
            "(frugality)",
        ),
        # people
        _spec("size", T.NUMBER, "how many people a team has"),
        _spec(
            "bus_factor",
            T.NUMBER,
            "how many people of teams in the trusted area that maintain it (maintained_by) can "
            "maintain it (their maintainers count for it); at least this many when some count "
            "is missing",
        ),
        _spec(
            "crisis_reserve",
            T.BOOL,
            "a team states a cleared reserve of at least one person to mobilise in a crisis",
            scope="system",
        ),
        _spec(
            "system_classification",
            T.CLASSIFICATION,
            "the highest data sensitivity the system handles (system.classification)",
            scope="system",
        ),
        # reach
        _spec("audiences", T.SET, "who can use the application or service"),
        _spec("access_modes", T.SET, "how users reach it (online, offline, low-bandwidth, mobile)"),
        _spec(
            "small_organization_pricing",
            T.TEXT,
            "its price for small organisations",
            choices=tuple(p.value for p in SmallOrganizationPricing),
        ),
        _spec(
            "regional_languages",
            T.SET,
            "languages of the regions the system serves (system.regional_languages)",
            scope="system",
        ),
        _spec(
            "serves_regional_languages",
            T.BOOL,
            "covers every language of the regions the system serves",
        ),
        # openness and Gaia-X
        _spec(
            "open_source_ai",
            T.BOOL,
            "the model is Open Source AI as OSAID 1.0 defines it: weights and code under "
            "OSI-approved terms and complete training-data information",
        ),
        _spec(
            "local_tuning",
            T.TEXT,
            "whether the model was retrained or fine-tuned on local data",
            choices=tuple(t.value for t in LocalTuning),
        ),
        _spec(
            "gaia_x_level",
            T.TEXT,
            "the level of its Gaia-X credential, or expired",
            choices=(*(g.value for g in GaiaXLevel), "expired"),
        ),
    ]
}

# Facts that are inventory fields of the same name, read as they are.
PLAIN_FIELDS = frozenset(
    {
        "id",
        "name",
        "kind",
        "classification",
        "supplier",
        "location",
        "license",
        "open_source",
        "connectivity",
        "requires_connectivity",
        "export_controlled",
        "chip_type",
        "special_categories",
        "weights",
        "languages",
        "accessibility",
        "personal_data",
        "legal_basis",
        "clearance",
        "annual_cost_eur",
        "count",
        "size",
        "audiences",
        "access_modes",
        "small_organization_pricing",
        "local_tuning",
    }
)
_LOWERCASE_FIELDS = frozenset({"certifications", "accessibility"})
_MISSING = object()

_COMPUTING: list[Value] = []

_PAREN = re.compile(r"\(([^()]+)\)\s*$")


def law_name(law: Law) -> str:
    """A short name for messages: ``short``, the title's final parenthesis, or the citation."""
    if law.short:
        return law.short
    m = _PAREN.search(law.title)
    return m.group(1) if m else law.citation


class AuditFacts:
    """Facts of one inventory under one trust area, computed on demand and cached."""

    def __init__(
        self,
        inventory: Inventory,
        chain: ValueChain,
        organizations: Organizations,
        catalog: Catalog,
        trust: TrustArea,
        today: dt.date | None = None,
    ) -> None:
        self.today = today
        self.inventory = inventory
        self.chain = chain
        self.orgs = organizations
        self.catalog = catalog
        self.trust = trust
        self.n = len(chain)
        self._columns: dict[str, list[Value]] = {}
        self._system: dict[str, Value] = {}
        self._countries: dict[str, Value] = {}
        self._holdings_cache: dict[tuple[str, bool], Holdings] = {}

    # ----------------------------------------------------------------- access

    def get(self, i: int, name: str) -> Value:
        # An empty list is a column being computed (or of an empty inventory): column()
        # tells which.
        return (self._columns.get(name) or self.column(name))[i]

    def column(self, name: str) -> list[Value]:
        """A fact for every component, computed once per audit.

        Columns are the cache: a fact asked for one component is computed for all of them,
        most by one pass over the inventory and one lookup table (per supplier, per
        location set, per licence) rather than one call per component.
        """
        col = self._columns.get(name)
        if col is not None:
            if col is _COMPUTING:
                raise RuntimeError(f"fact {name!r} depends on itself")
            return col
        self._columns[name] = _COMPUTING
        try:
            spec = FACTS.get(name)  # None: an internal column, such as _hosting_obligations
            if spec is not None and spec.scope == "system":
                col = [self.system(name)] * self.n
            elif name in PLAIN_FIELDS:
                col = self.plain_column(name)
            else:
                bulk = getattr(self, "_column_" + name, None)
                if bulk is not None:
                    col = bulk()
                else:
                    fn: Callable[[int], Value] = getattr(self, "_" + name)
                    col = [fn(i) for i in range(self.n)]
        except BaseException:
            del self._columns[name]
            raise
        self._columns[name] = col
        return col

    def system(self, name: str) -> Value:
        if name not in self._system:
            self._system[name] = getattr(self, "_sys_" + name)()
        return self._system[name]

    def comp(self, i: int) -> Component:
        return self.chain.components[i]

    # ----------------------------------------------------------------- plain fields

    def plain_column(self, field: str) -> list[Value]:
        """A plain field for every component at once (what ``_plain`` gives one by one)."""
        raw = [getattr(c, field) for c in self.chain.components]
        unknown = Unknown.of(field)
        if field in _LOWERCASE_FIELDS:
            return [unknown if v is None else frozenset(x.lower() for x in v) for v in raw]
        return [
            unknown
            if v is None
            else frozenset(v)
            if isinstance(v, tuple)
            else v.value
            if isinstance(v, StrEnum) and not isinstance(v, Classification)
            else v
            for v in raw
        ]

    def _column_handles(self) -> list[Value]:
        return self.chain.data_levels()

    def _has_training_summary(self, i: int) -> Value:
        return training_summary_published(self.comp(i).training_summary)

    def _has_substitute(self, i: int) -> Value:
        return bool(self.comp(i).substitutes)

    def _column_is_entrypoint(self) -> list[Value]:
        col = [False] * self.n
        for i in self.chain.entrypoints:
            col[i] = True
        return col

    def in_house(self, supplier: str | None) -> bool:
        """Whether the system's own organization (system.organization) supplies it, itself
        or through an organization it controls."""
        own = self.inventory.system.organization
        if own is None or supplier is None:
            return False
        return any(org.id == own for org in self.orgs.control_chain(supplier))

    # ----------------------------------------------------------------- custody

    def _column_holds_data(self) -> list[Value]:
        """Who has custody of the data at a component: whoever runs the machine, or the
        supplier of the remote service the data is sent to. The author of self-hosted
        weights or of a library holds nothing."""
        out: list[Value] = []
        no_host = Unknown.of("runs_on")
        no_host_weights = Unknown.of("runs_on", "weights")
        for i, comp in enumerate(self.chain.components):
            kind = comp.kind
            if kind in HOSTING_KINDS or kind is Kind.TEAM:
                out.append(True)
            elif self.chain.has_host(i):
                out.append(False)  # its host holds the data, and is judged for it
            elif kind is Kind.MODEL and comp.weights is Weights.CLOSED:
                out.append(True)  # served by its supplier
            elif kind is Kind.MODEL and comp.weights is None:
                out.append(no_host_weights)
            else:
                out.append(no_host)
        return out

    # ----------------------------------------------------------------- control

    def _by_supplier(self, fn: Callable[[str], Value]) -> list[Value]:
        """A column of a fact that depends on the supplier alone: one call per supplier."""
        return self._mapped_known("supplier", fn)

    def _mapped(self, source: str, fn: Callable[[Value], Value]) -> list[Value]:
        """A column computed from another fact's value alone: one call per distinct value."""
        table: dict[Value, Value] = {}
        out = []
        for value in self.column(source):
            found = table.get(value, _MISSING)
            if found is _MISSING:
                found = table[value] = fn(value)
            out.append(found)
        return out

    def _mapped_known(self, source: str, fn: Callable[[Any], Value]) -> list[Value]:
        """``_mapped`` where an unknown value stays what it is and ``fn`` sees known ones."""
        return self._mapped(source, lambda v: v if isinstance(v, Unknown) else fn(v))

    def _column_control_chain(self) -> list[Value]:
        return self._by_supplier(lambda s: tuple(org.id for org in self.orgs.control_chain(s)))

    def _column_controlled_from(self) -> list[Value]:
        return self._by_supplier(self._supplier_countries)

    def _supplier_countries(self, supplier: str) -> Value:
        found = self._countries.get(supplier)
        if found is None:
            found = self._countries[supplier] = self._chain_countries(supplier)
        return found

    def _chain_countries(self, supplier: str) -> Value:
        countries = set()
        missing = []
        for org in self.orgs.control_chain(supplier):
            if org.country is None:
                missing.append(f"organizations.{org.id}.country")
            else:
                countries.add(org.country)
        if missing and not any(not self.trust.is_trusted(c) for c in countries):
            return Unknown(frozenset(missing))
        return frozenset(countries)

    def _column_control(self) -> list[Value]:
        return self._by_supplier(self._supplier_control)

    def _supplier_control(self, supplier: str) -> Value:
        countries = self._supplier_countries(supplier)
        if isinstance(countries, Unknown):
            return countries
        kinds = {self.trust.classify(c) for c in countries}
        if "foreign" in kinds:
            return "foreign"
        if kinds == {"home"}:
            return "home"
        return "trusted"

    def _column_foreign_laws(self) -> list[Value]:
        return self._by_supplier(
            lambda s: self._when_control_known(
                s, lambda: frozenset(law.id for law in self._foreign_law_objects(s))
            )
        )

    def _column_foreign_law_names(self) -> list[Value]:
        return self._by_supplier(
            lambda s: self._when_control_known(
                s, lambda: frozenset(law_name(law) for law in self._foreign_law_objects(s))
            )
        )

    def _when_control_known(self, supplier: str, fn: Callable[[], Value]) -> Value:
        countries = self._supplier_countries(supplier)
        return countries if isinstance(countries, Unknown) else fn()

    def _foreign_law_objects(self, supplier: str) -> tuple[Law, ...]:
        return tuple(
            law
            for law in self.orgs.laws_reaching(supplier)
            if not self.trust.is_trusted(law.country)
        )

    def _column_foreign_holdings(self) -> list[Value]:
        return self._by_supplier(lambda s: self._holdings(s).total)

    def _column_max_foreign_control(self) -> list[Value]:
        return self.column("foreign_holdings")

    def _column_largest_foreign_holding(self) -> list[Value]:
        return self._by_supplier(lambda s: self._holdings(s).largest)

    def _column_foreign_holders(self) -> list[Value]:
        return self._by_supplier(lambda s: self._holdings(s).described)

    def _column_holding_law_names(self) -> list[Value]:
        return self._by_supplier(lambda s: self._holdings(s).law_names)

    def _holdings(self, supplier: str, eu: bool = False) -> Holdings:
        """Holdings from outside the trusted area (or, with ``eu``, from outside the EU,
        whatever the inventory trusts: SecNumCloud's measure)."""
        key = (supplier, eu)
        found = self._holdings_cache.get(key)
        if found is None:
            inside = self._eu.__contains__ if eu else self.trust.is_trusted
            found = self._holdings_cache[key] = chain_holdings(
                self.orgs, self.catalog, supplier, inside
            )
        return found

    def _column_non_eu_holdings(self) -> list[Value]:
        return self._by_supplier(lambda s: self._holdings(s, eu=True).total)

    def _column_largest_non_eu_holding(self) -> list[Value]:
        return self._by_supplier(lambda s: self._holdings(s, eu=True).largest)

    def _column_non_eu_holders(self) -> list[Value]:
        return self._by_supplier(lambda s: self._holdings(s, eu=True).described)

    # ----------------------------------------------------------------- location

    def _column_effective_location(self) -> list[Value]:
        unknown = Unknown.of("location")
        return [unknown if p is None else p for p in self.chain.effective_places()[0]]

    def _column_location_trusted(self) -> list[Value]:
        return self._mapped_known(
            "effective_location", lambda places: all(self.trust.is_trusted(c) for c in places)
        )

    @cached_property
    def _eu(self) -> frozenset[str]:
        return self.catalog.expand(["EU"])

    @cached_property
    def _eea(self) -> frozenset[str]:
        return self.catalog.expand(["EEA"])

    @cached_property
    def _adequate(self) -> frozenset[str]:
        return self._eea | self.catalog.expand(["GDPR-ADEQUACY"])

    def _column_location_in_eea(self) -> list[Value]:
        eea = self._eea
        return self._mapped_known("effective_location", lambda places: places <= eea)

    def _column_location_adequate(self) -> list[Value]:
        adequate = self._adequate
        return self._mapped_known("effective_location", lambda places: places <= adequate)

    def _column_control_adequate(self) -> list[Value]:
        adequate = self._adequate
        return self._mapped_known("controlled_from", lambda countries: countries <= adequate)

    def _column_control_in_eea(self) -> list[Value]:
        eea = self._eea
        return self._mapped_known("controlled_from", lambda countries: countries <= eea)

    # ----------------------------------------------------------------- personal data

    def _personal_sources(self) -> tuple[list[int], list[int]]:
        """Datasets that hold personal data (and applications that process it), and the
        datasets that do not say."""
        yes: list[int] = []
        unsaid: list[int] = []
        for i, comp in enumerate(self.chain.components):
            if comp.kind is Kind.APPLICATION and comp.personal_data is True:
                yes.append(i)
            elif comp.kind is Kind.DATASET:
                if comp.personal_data is True:
                    yes.append(i)
                elif comp.personal_data is None:
                    unsaid.append(i)
        return yes, unsaid

    def _column_personal_data_reaches(self) -> list[Value]:
        yes, unsaid = self._personal_sources()
        reached = self.chain.data_origins(yes)
        maybe = self.chain.data_origins(unsaid)
        ids = self.chain.ids
        out: list[Value] = []
        for found, origin in zip(reached, maybe, strict=True):
            if found != -1:
                out.append(True)
            elif origin != -1:
                out.append(Unknown.of(f"{ids[origin]}.personal_data"))
            else:
                out.append(False)
        return out

    def _column_data_categories(self) -> list[Value]:
        """Special categories reaching each component; unknown where personal data whose
        categories are not stated reaches it and no stated category does."""
        comps = self.chain.components
        by_category: dict[str, list[int]] = {}
        unsaid: list[int] = []
        for i, comp in enumerate(comps):
            if comp.kind not in _PERSONAL_KINDS or comp.personal_data is not True:
                continue
            if comp.special_categories is None:
                unsaid.append(i)
            for category in comp.special_categories or ():
                by_category.setdefault(category.value, []).append(i)
        found: list[set[str]] = [set() for _ in comps]
        for name, starts in sorted(by_category.items()):
            for j, origin in enumerate(self.chain.data_origins(starts)):
                if origin != -1:
                    found[j].add(name)
        maybe = self.chain.data_origins(unsaid)
        ids = self.chain.ids
        out: list[Value] = []
        for categories, origin in zip(found, maybe, strict=True):
            if origin != -1 and not categories:
                out.append(Unknown.of(f"{ids[origin]}.special_categories"))
            else:
                out.append(frozenset(categories))
        return out

    # ----------------------------------------------------------------- certifications

    # ----------------------------------------------------------------- providers and their third parties

    def _column_in_house(self) -> list[Value]:
        return [self.in_house(c.supplier) for c in self.chain.components]

    def _column_supplier_country(self) -> list[Value]:
        def country(supplier: str) -> Value:
            org = self.orgs.get(supplier)
            if org is None or org.country is None:
                return Unknown.of(f"organizations.{supplier}.country")
            return org.country

        return self._by_supplier(country)

    @cached_property
    def _providers(self) -> list[bool]:
        """Clouds and services that hold data for the system and are not its own."""
        holds = self.column("holds_data")
        handles = self.column("handles")
        in_house = self.column("in_house")
        return [
            c.kind in (Kind.CLOUD, Kind.SERVICE)
            and holds[i] is True
            and handles[i] is not None
            and not in_house[i]
            for i, c in enumerate(self.chain.components)
        ]

    def _column_third_party_of_provider(self) -> list[Value]:
        col: list[Value] = [False] * self.n
        comps = self.chain.components
        for p, is_provider in enumerate(self._providers):
            if not is_provider:
                continue
            own = comps[p].supplier
            for j, relation in self.chain.deps[p]:
                if relation is Relation.TRAINED_ON or relation is Relation.POWERED_BY:
                    continue
                if comps[j].kind in (Kind.CHIP, Kind.ENERGY):
                    continue
                if comps[j].supplier is None or comps[j].supplier != own:
                    col[j] = True
        return col

    def _column_supplier_data_access(self) -> list[Value]:
        out: list[Value] = []
        unstated = Unknown.of("supplier_data_access")
        for comp in self.chain.components:
            if comp.supplier_data_access is not None:
                out.append(comp.supplier_data_access)
            elif comp.kind is Kind.TEAM:
                out.append(True)  # administrators have the access by nature
            else:
                out.append(unstated)
        return out

    def _column_operating_autonomy(self) -> list[Value]:
        out: list[Value] = []
        claims = self.column("certifications")
        licence_open = self.column("license_open")
        comps = self.chain.components
        provider_suppliers: dict[int, set[str]] = {}
        for p, is_provider in enumerate(self._providers):
            if is_provider and comps[p].supplier is not None:
                for j, _ in self.chain.deps[p]:
                    provider_suppliers.setdefault(j, set()).add(comps[p].supplier or "")
        for i, comp in enumerate(comps):
            qualified = claims[i]
            if (
                isinstance(qualified, Claims)
                and qualified.holds_any(frozenset({"secnumcloud"})) is True
            ):
                out.append(True)
                continue
            if comp.substitutes:
                out.append(True)  # at least two suppliers
                continue
            teams = [
                comps[t].supplier
                for t in self.chain.targets(i, Relation.MAINTAINED_BY)
                if comps[t].kind is Kind.TEAM
            ]
            if any(t in provider_suppliers.get(i, ()) for t in teams):
                out.append(True)  # the provider's own skills
                continue
            open_code = comp.open_source is True or licence_open[i] is True
            if open_code and comp.requires_connectivity is not True:
                out.append(True)
                continue
            if comp.requires_connectivity is True:
                out.append(False)
                continue
            out.append(Unknown.of("substitutes", "maintained_by", "requires_connectivity"))
        return out

    def _column_claimed_certifications(self) -> list[Value]:
        unknown = Unknown.of("certifications")
        return [
            unknown if c.certifications is None else frozenset(x.lower() for x in c.certifications)
            for c in self.chain.components
        ]

    def _column_certifications(self) -> list[Value]:
        table: dict[tuple[Value, Value], Value] = {}
        out: list[Value] = []
        for claimed, supplier in zip(
            self.column("claimed_certifications"), self.column("supplier"), strict=True
        ):
            key = (claimed, supplier)
            found = table.get(key, _MISSING)
            if found is _MISSING:
                found = table[key] = self._check_claims(claimed, supplier)
            out.append(found)
        return out

    def _check_claims(self, claimed: Value, supplier: Value) -> Value:
        """Each claimed certification against what the catalog records for the supplier
        and its parents: held (confirmed), in progress, expired or withdrawn
        (contradicted), or nothing (unverified)."""
        if isinstance(claimed, Unknown):
            return claimed
        recorded: dict[str, list[CatalogCertification]] = {}
        if not isinstance(supplier, Unknown):
            for org in self.orgs.control_chain(supplier):
                entry = self.catalog.organizations.get(org.id)
                for cert in entry.certifications if entry else ():
                    recorded.setdefault(cert.id.lower(), []).append(cert)
        confirmed: set[str] = set()
        contradicted: set[str] = set()
        unverified: set[str] = set()
        notes: list[tuple[str, str]] = []
        for claim in sorted(claimed):
            certs = recorded.get(claim, [])
            held = [c for c in certs if self._in_force(c)]
            if held:
                confirmed.add(claim)
            elif certs:
                contradicted.add(claim)
                notes.append((claim, "contradicted by the catalog: " + _cert_state(certs[0])))
            else:
                unverified.add(claim)
        return Claims(
            frozenset(confirmed), frozenset(contradicted), frozenset(unverified), tuple(notes)
        )

    def _in_force(self, cert: CatalogCertification) -> bool:
        if cert.status is not CertificationStatus.HELD:
            return False
        return cert.until is None or self.today is None or cert.until >= self.today

    # ----------------------------------------------------------------- obligations

    @cached_property
    def _home_obligations(self) -> tuple[Obligation, ...]:
        home = self.trust.home
        found = []
        for ob in self.catalog.jurisdictions.obligations:
            if not ob.requires:
                continue
            if ob.country == home or (
                ob.group is not None and home in self.catalog.expand([ob.group])
            ):
                found.append(ob)
        return tuple(found)

    def _column_required_certifications(self) -> list[Value]:
        return self._mapped_known("_hosting_obligations", _certifications_of)

    def _column_meets_required_certifications(self) -> list[Value]:
        return self._meets("_hosting_obligations")

    def _column_required_accreditations(self) -> list[Value]:
        return self._mapped_known("_accreditation_obligations", _certifications_of)

    def _column_meets_required_accreditations(self) -> list[Value]:
        return self._meets("_accreditation_obligations")

    def _column__hosting_obligations(self) -> list[Value]:
        """The home's obligations triggered at each component by the special categories
        of personal data reaching it (HDS for French health data)."""
        return [self._obligations_at(i, by_category=True) for i in range(self.n)]

    def _column__accreditation_obligations(self) -> list[Value]:
        """The home's obligations triggered by the classification of the data it handles
        (accreditation of a system holding classified information); unknown when the
        catalog records none for a classification that the home surely regulates."""
        out: list[Value] = []
        for i in range(self.n):
            found = self._obligations_at(i, by_category=False)
            handles = self.get(i, "handles")
            if found == () and handles is Classification.SECRET:
                found = Unknown.of("catalog.accreditation")
            out.append(found)
        return out

    @cached_property
    def _obligation_kinds(self) -> frozenset[str] | None:
        """The kinds some home obligation binds (None: every kind)."""
        kinds: set[str] = set()
        for ob in self._home_obligations:
            if not ob.kinds:
                return None
            kinds |= set(ob.kinds)
        return frozenset(kinds)

    def _obligations_at(self, i: int, *, by_category: bool) -> Value:
        comp = self.comp(i)
        kinds = self._obligation_kinds
        if kinds is not None and comp.kind.value not in kinds:
            return ()
        # nothing can trigger an obligation here: no special category, no classification
        if by_category and self.get(i, "data_categories") == frozenset():
            return ()
        if not by_category and self.get(i, "handles") is None:
            return ()
        found: list[Obligation] = []
        unknown: Unknown | None = None
        for ob in self._home_obligations:
            if ob.kinds and comp.kind.value not in ob.kinds:
                continue
            if ob.exempt_self_hosted and self.in_house(comp.supplier):
                continue
            if by_category and ob.for_categories:
                categories = self.get(i, "data_categories")
                if isinstance(categories, Unknown):
                    unknown = categories if unknown is None else unknown | categories
                elif categories & set(ob.for_categories):
                    found.append(ob)
            elif not by_category and ob.for_classification is not None:
                handles = self.get(i, "handles")
                level = Classification(ob.for_classification).rank
                if handles is not None and handles.rank >= level:
                    found.append(ob)
        if unknown is not None and not found:
            return unknown
        return tuple(found)

    def _meets(self, obligations_fact: str) -> list[Value]:
        """Whether every obligation binding a component is met by a confirmed claim: false
        when one is not claimed (or contradicted), unknown when one is only claimed."""
        out: list[Value] = []
        for obligations, claims in zip(
            self.column(obligations_fact), self.column("certifications"), strict=True
        ):
            if isinstance(obligations, Unknown):
                out.append(obligations)
            elif not obligations:
                out.append(True)
            elif isinstance(claims, Unknown):
                out.append(claims)
            else:
                verdicts = [claims.holds_any(frozenset(ob.requires)) for ob in obligations]
                if any(v is False for v in verdicts):
                    out.append(False)
                elif all(v is True for v in verdicts):
                    out.append(True)
                else:
                    out.append(Unknown.of("certifications"))
        return out

    # ----------------------------------------------------------------- licences, languages

    def _column_license_open(self) -> list[Value]:
        return self._mapped_known(
            "license", lambda lic: license_is_open(lic, self.catalog.open_licenses)
        )

    @cached_property
    def _home_language_set(self) -> frozenset[str] | None:
        declared = self.inventory.system.languages
        if declared is not None:
            return frozenset(declared)
        official = self.catalog.languages_of(self.trust.home)
        return frozenset(official) if official else None

    def _sys_home_languages(self) -> Value:
        found = self._home_language_set
        return Unknown.of("system.languages") if found is None else found

    def _column_serves_home_language(self) -> list[Value]:
        home = self.system("home_languages")
        return self._mapped(
            "languages",
            lambda langs: (
                _merge_unknown(langs, home)
                if isinstance(langs, Unknown) or isinstance(home, Unknown)
                else bool(langs & home)
            ),
        )

    def _column_serves_all_home_languages(self) -> list[Value]:
        home = self.system("home_languages")
        return self._mapped(
            "languages",
            lambda langs: (
                _merge_unknown(langs, home)
                if isinstance(langs, Unknown) or isinstance(home, Unknown)
                else home <= langs
            ),
        )

    def _column_serves_regional_languages(self) -> list[Value]:
        regional = self.system("regional_languages")
        return self._mapped(
            "languages",
            lambda langs: (
                _merge_unknown(langs, regional)
                if isinstance(langs, Unknown) or isinstance(regional, Unknown)
                else regional <= langs
            ),
        )

    def _column_meets_accessibility_standard(self) -> list[Value]:
        return self._mapped_known(
            "accessibility", lambda found: bool(found & ACCESSIBILITY_STANDARDS)
        )

    # ----------------------------------------------------------------- export rules

    def _column_export_rules(self) -> list[Value]:
        table: dict[tuple[Value, str, str | None], Value] = {}
        out = []
        for countries, comp in zip(
            self.column("controlled_from"), self.chain.components, strict=True
        ):
            chip_type = comp.chip_type.value if comp.chip_type else None
            key = (countries, comp.kind.value, chip_type)
            found = table.get(key)
            if found is None:
                found = table[key] = self._export_rules_of(countries, comp.kind.value, chip_type)
            out.append(found)
        return out

    def _export_controls(
        self, countries: frozenset[str], kind: str, chip_type: str | None
    ) -> list[ExportControl]:
        """The catalog's export rules that bind a component of this kind (and, for a chip,
        of this type: all chip rules while the type is not stated): the rules of the
        countries of its control chain, and rules of other countries that bind what is
        supplied from one of those (``binds_suppliers_from``)."""
        return [
            rule
            for rule in self.catalog.jurisdictions.export_controls
            if (
                countries & set(rule.binds_suppliers_from)
                if rule.binds_suppliers_from
                else rule.country in countries
            )
            and kind in rule.applies_to
            and (chip_type is None or not rule.chip_types or chip_type in rule.chip_types)
        ]

    def _export_rules_of(self, countries: Value, kind: str, chip_type: str | None) -> Value:
        if isinstance(countries, Unknown):
            return countries
        return frozenset(
            f"{rule.country} ECCN {rule.eccn}" if rule.eccn else rule.title
            for rule in self._export_controls(countries, kind, chip_type)
        )

    def _column_export_licence_required(self) -> list[Value]:
        return [self._licence_required(i) for i in range(self.n)]

    def _licence_required(self, i: int) -> Value:
        """Whether exporting the chip to the home needs a licence under the rules in force:
        stated, else the catalog's rules for its chip type and the home's country groups."""
        comp = self.comp(i)
        if comp.kind is not Kind.CHIP:
            return False
        if comp.export_licence_required is not None:
            return comp.export_licence_required
        if comp.export_controlled is False:
            return False
        if comp.export_controlled is None:
            return Unknown.of("export_controlled")
        if comp.chip_type is None:
            return Unknown.of("chip_type")
        countries = self.get(i, "controlled_from")
        if isinstance(countries, Unknown):
            return countries
        rules = self._export_controls(countries, comp.kind.value, comp.chip_type.value)
        if not rules:
            return Unknown.of("export_licence_required")
        home = self.trust.home
        groups = self.catalog.group_members
        answer: Value = False
        for rule in rules:
            if not rule.licence_required_for:
                answer = Unknown.of("export_licence_required")
                continue
            if home not in self.catalog.expand(rule.licence_required_for):
                continue
            if any(g not in groups and len(g) != 2 for g in rule.except_for):
                # an exception whose members the catalog does not record: undecided
                answer = Unknown.of("export_licence_required")
                continue
            if home in self.catalog.expand(rule.except_for):
                continue
            return True
        return answer

    def _column_undeclared_accelerators(self) -> list[Value]:
        """Hosts that models run on and that declare no chip, on them or below them."""
        chain = self.chain
        comps = chain.components
        chip = Kind.CHIP
        uses, runs_on = Relation.USES, Relation.RUNS_ON
        uses_chip = [
            any(r is uses and comps[j].kind is chip for j, r in deps) for deps in chain.deps
        ]
        hosts = [[j for j, r in deps if r is runs_on] for deps in chain.deps]
        declares = any_below(hosts, uses_chip)
        col: list[Value] = [False] * self.n
        unstated = Unknown.of("uses")
        for i, comp in enumerate(comps):
            if comp.kind is not Kind.MODEL or uses_chip[i]:
                continue
            for h in hosts[i]:
                if comps[h].kind in (Kind.CLOUD, Kind.DATACENTER) and not declares[h]:
                    col[h] = unstated
        return col

    # ----------------------------------------------------------------- substitutes, cut-off

    def _has_trusted_substitute(self, i: int) -> Value:
        subs = self.comp(i).substitutes
        if not subs:
            return False
        control = self.column("control")
        unknown: Unknown | None = None
        for sub in subs:
            j = self.chain.index.get(sub)
            if j is None:
                unknown = Unknown.of("substitutes") if unknown is None else unknown
                continue
            found = control[j]
            if found in ("home", "trusted"):
                return True
            if isinstance(found, Unknown):
                unknown = found if unknown is None else unknown | found
        return unknown if unknown is not None else False

    def _cutoff_assessment(self, i: int) -> tuple[Value, str]:
        """Whether a foreign decision under the rules in force can stop the component,
        and why. A chip whose export to the home needs no licence today is not a cut-off
        source (its conditional risk is a rule of its own); a service is remote and needed
        online unless it says otherwise (requires_connectivity: false)."""
        comp = self.comp(i)
        kind = comp.kind
        exposures: list[str] = []
        undecided: Unknown | None = None
        if kind is Kind.CHIP:
            licence = self.get(i, "export_licence_required")
            if licence is True:
                rules = self.get(i, "export_rules")
                named = (
                    f" ({', '.join(sorted(rules))})"
                    if isinstance(rules, frozenset) and rules
                    else ""
                )
                exposures.append(f"its export to {self.trust.home} needs a licence{named}")
            elif isinstance(licence, Unknown):
                undecided = licence
        elif comp.export_controlled:
            exposures.append("export-controlled")
        if comp.requires_connectivity:
            exposures.append("needs its supplier online")
        elif (
            kind is Kind.LIBRARY
            and comp.requires_connectivity is None
            and comp.open_source is not True
            and self.get(i, "license_open") is not True
        ):
            # proprietary software: whether it keeps working without its supplier's
            # updates or licence server is the question
            undecided = Unknown.of("requires_connectivity")
        if kind is Kind.MODEL and comp.weights is Weights.CLOSED:
            exposures.append("closed weights, served only by its supplier")
        if kind in HOSTING_KINDS and not (
            kind is Kind.SERVICE and comp.requires_connectivity is False
        ):
            exposures.append(f"{kind.value} operated by {comp.supplier or 'an unknown supplier'}")
        if not exposures and undecided is None:
            return False, ""
        control = self.get(i, "control")
        if control in ("home", "trusted"):
            return False, ""
        if self.get(i, "has_trusted_substitute") is True:
            return False, ""
        if not exposures:
            assert undecided is not None
            return undecided, ""
        reason = "; ".join(exposures)
        if control == "foreign":
            countries = ", ".join(sorted(self.get(i, "controlled_from")))
            return True, f"{reason}, under {countries} control"
        return control, reason  # unknown control

    def _column_cutoff_source(self) -> list[Value]:
        return [value for value, _ in self._cutoff]

    def _column_cutoff_reason(self) -> list[Value]:
        return [reason or None for _, reason in self._cutoff]

    @cached_property
    def _cutoff(self) -> list[tuple[Value, str]]:
        return [self._cutoff_assessment(i) for i in range(len(self.chain))]

    @cached_property
    def _cutoff_next(self) -> list[int]:
        sources = [i for i, (value, _) in enumerate(self._cutoff) if value is True]
        return self.chain.cutoff_exposure(sources)

    def cutoff_path(self, i: int) -> tuple[str, ...]:
        return self.chain.cutoff_path(self._cutoff_next, i)

    def _column_cutoff_exposed(self) -> list[Value]:
        """True when it depends on a cut-off source; unknown when it depends only on
        components whose cut-off is unknown (named by their missing facts)."""
        undecided = [i for i, (value, _) in enumerate(self._cutoff) if isinstance(value, Unknown)]
        maybe = self.chain.cutoff_exposure(undecided) if undecided else [-1] * self.n
        source = _path_ends(maybe)
        out: list[Value] = []
        ids = self.chain.ids
        named: dict[tuple[int, bool], Unknown] = {}
        for i, (nxt, end) in enumerate(zip(self._cutoff_next, source, strict=True)):
            if nxt != -1:
                out.append(True)
            elif end != -1:
                key = (end, end == i)
                found = named.get(key)
                if found is None:
                    value = self._cutoff[end][0]
                    prefix = "" if end == i else f"{ids[end]}."
                    found = named[key] = Unknown(frozenset(prefix + f for f in value.fields))
                out.append(found)
            else:
                out.append(False)
        return out

    # ----------------------------------------------------------------- structure

    def _column_spof(self) -> list[Value]:
        col: list[Value] = [False] * self.n
        for i in self.chain.dominated_counts():
            col[i] = self.get(i, "has_trusted_substitute") is not True
        return col

    def _column_dominated(self) -> list[Value]:
        col: list[Value] = [0] * self.n
        for i, count in self.chain.dominated_counts().items():
            col[i] = count
        return col

    def _column_critical(self) -> list[Value]:
        restricted = Classification.RESTRICTED.rank
        return [
            bool(
                entry
                or spof
                or cutoff is True
                or (handles is not None and handles.rank >= restricted)
            )
            for entry, spof, cutoff, handles in zip(
                self.column("is_entrypoint"),
                self.column("spof"),
                self.column("cutoff_source"),
                self.column("handles"),
                strict=True,
            )
        ]

    def _column_maintained_locally(self) -> list[Value]:
        """A team in the trusted area maintains the component itself, or the host it runs
        on, or (for a chip) the host that uses it: whoever runs a platform runs what is on
        it. Computed hosts first, safe on loops of hosts."""
        own = [self._maintained_by_local_team(i) for i in range(self.n)]
        result: list[Value] = list(own)
        hosts = self._maintenance_hosts
        finished = [False] * self.n
        for i in postorder(hosts):
            finished[i] = True
            if result[i] is True:
                continue
            done = [result[h] for h in hosts[i] if finished[h] and h != i]
            if any(v is True for v in done):
                result[i] = True
            elif result[i] is False:
                result[i] = next((v for v in done if isinstance(v, Unknown)), False)
        return result

    @cached_property
    def _maintenance_hosts(self) -> list[list[int]]:
        """The hosts of each component, whose teams maintain it too: what it runs on, and
        for a chip what uses it."""
        chain = self.chain
        hosts: list[list[int]] = [chain.targets(i, Relation.RUNS_ON) for i in range(self.n)]
        for i, comp in enumerate(chain.components):
            if comp.kind is Kind.CHIP:
                hosts[i] = hosts[i] + chain.sources(i, Relation.USES)
        return hosts

    def _maintained_by_local_team(self, i: int) -> Value:
        teams = [
            j
            for j in self.chain.targets(i, Relation.MAINTAINED_BY)
            if self.comp(j).kind is Kind.TEAM
        ]
        if not teams:
            return False
        unknown: Unknown | None = None
        for j in teams:
            trusted = self.get(j, "location_trusted")
            if trusted is True and self.get(j, "control") != "foreign":
                return True
            if isinstance(trusted, Unknown):
                team = self.comp(j).id
                unknown = Unknown(frozenset(f"{team}.{f}" for f in trusted.fields)) | (
                    unknown or Unknown(frozenset())
                )
        return unknown if unknown is not None else False

    def _energy_trusted(self, i: int) -> Value:
        sources = self.chain.targets(i, Relation.POWERED_BY)
        if not sources:
            return Unknown.of("powered_by")
        unknown: Unknown | None = None
        for j in sources:
            for fact in ("location_trusted", "control"):
                value = self.get(j, fact)
                if value is False or value == "foreign":
                    return False
                if isinstance(value, Unknown):
                    energy = self.comp(j).id
                    part = Unknown(frozenset(f"{energy}.{f}" for f in value.fields))
                    unknown = part if unknown is None else unknown | part
        return unknown if unknown is not None else True

    # ----------------------------------------------------------------- compute, cost, energy

    def _nested(self, read: Callable[[Component], Value], field: str) -> list[Value]:
        """A column read from a nested record: unknown (needing ``field``) where it is None."""
        unknown = Unknown.of(field)
        out: list[Value] = []
        for comp in self.chain.components:
            value = read(comp)
            out.append(unknown if value is None else value)
        return out

    def _column_compute_access(self) -> list[Value]:
        return self._nested(lambda c: c.compute and c.compute.access.value, "compute")

    def _column_allocation_programme(self) -> list[Value]:
        return self._nested(
            lambda c: c.compute and c.compute.allocation and c.compute.allocation.programme.value,
            "compute.allocation",
        )

    def _column_runs_models(self) -> list[Value]:
        chain = self.chain
        return [
            any(chain.components[j].kind is Kind.MODEL for j in chain.sources(i, Relation.RUNS_ON))
            for i in range(self.n)
        ]

    def _column_training_gpu_hours(self) -> list[Value]:
        return self._nested(lambda c: c.training and c.training.gpu_hours, "training.gpu_hours")

    def _column_training_cost_eur(self) -> list[Value]:
        return self._nested(
            lambda c: c.training and c.training.cost and c.training.cost.total_eur,
            "training.cost",
        )

    def _column_operating_cost_eur(self) -> list[Value]:
        return self._nested(
            lambda c: c.operating_cost and c.operating_cost.total_eur, "operating_cost"
        )

    def _column_site_energy_kwh(self) -> list[Value]:
        return self._nested(
            lambda c: c.energy_use and c.energy_use.kwh_per_year, "energy_use.kwh_per_year"
        )

    def _column_pue(self) -> list[Value]:
        return self._nested(lambda c: c.energy_use and c.energy_use.pue, "energy_use.pue")

    def _column_energy_origin(self) -> list[Value]:
        return self._nested(
            lambda c: None if c.origin is None else frozenset(o.value for o in c.origin), "origin"
        )

    def _frugality_documented(self, i: int) -> Value:
        frugality = self.comp(i).frugality
        if frugality is None:
            return Unknown.of("frugality")
        if not frugality.documented:
            return False
        if frugality.energy_per_training_kwh is None and frugality.energy_per_inference_wh is None:
            return Unknown.of(
                "frugality.energy_per_training_kwh", "frugality.energy_per_inference_wh"
            )
        return True

    # ----------------------------------------------------------------- people

    def _column_bus_factor(self) -> list[Value]:
        """People of teams in the trusted area (and not under foreign control) that maintain the
        component and can maintain it. A component no team maintains directly takes the best of its hosts (whoever runs
        a platform runs what is on it), as maintained_locally does."""
        result: list[Value] = [self._team_bus_factor(i) for i in range(self.n)]
        hosts = self._maintenance_hosts
        finished = [False] * self.n
        for i in postorder(hosts):
            finished[i] = True
            if result[i] is not None:
                continue
            done = [result[h] for h in hosts[i] if finished[h] and h != i and result[h] is not None]
            known = [v for v in done if not isinstance(v, Unknown)]
            if known:
                result[i] = max(known)
            else:
                result[i] = _merge_unknown(*done) if done else Unknown.of("maintained_by")
        return result

    def _team_bus_factor(self, i: int) -> Value:
        """The count from the teams that maintain it directly; None when none does."""
        comp = self.comp(i)
        teams = [
            j
            for j in self.chain.targets(i, Relation.MAINTAINED_BY)
            if self.comp(j).kind is Kind.TEAM
        ]
        if not teams:
            return None
        people = 0
        unknown: Unknown | None = None
        for j in teams:
            team = self.comp(j)
            trusted = self.get(j, "location_trusted")
            control = self.get(j, "control")
            if trusted is False or control == "foreign":
                continue
            part: Unknown | None = None
            if isinstance(trusted, Unknown):  # its control counts as maintained_locally's
                part = Unknown(frozenset(f"{team.id}.{f}" for f in trusted.fields))
            count = None if team.maintainers is None else team.maintainers.get(comp.id)
            if count is None:
                part = Unknown.of(f"{team.id}.maintainers") | (part or Unknown(frozenset()))
            if part is not None:
                unknown = part if unknown is None else unknown | part
            elif count is not None:
                people += count
        if unknown is not None and people < 2:
            return unknown
        return people

    def _sys_crisis_reserve(self) -> Value:
        missing: list[str] = []
        stated = False
        for comp in self.chain.components:
            if comp.kind is not Kind.TEAM:
                continue
            if comp.reserve is None:
                missing.append(f"{comp.id}.reserve")
                continue
            stated = True
            if comp.reserve.cleared and comp.reserve.people > 0:
                return True
        if not missing and stated:
            return False
        return Unknown(frozenset(missing or ["reserve"]))

    def _sys_system_classification(self) -> Value:
        level = self.inventory.system.classification
        return Unknown.of("system.classification") if level is None else level

    def _sys_regional_languages(self) -> Value:
        languages = self.inventory.system.regional_languages
        return (
            Unknown.of("system.regional_languages") if languages is None else frozenset(languages)
        )

    # ----------------------------------------------------------------- openness, Gaia-X

    def _open_source_ai(self, i: int) -> Value:
        """OSAID 1.0: weights and code under OSI-approved terms, and complete data
        information. Open weights under a licence that is not open are restricted."""
        comp = self.comp(i)
        openness = comp.openness
        weights = openness.weights if openness is not None else None
        if weights is None:
            if comp.weights is Weights.CLOSED:
                weights = OpenTerms.CLOSED
            elif comp.weights is Weights.LICENSED:
                weights = OpenTerms.RESTRICTED
            elif comp.weights is Weights.OPEN:
                licence = self.get(i, "license_open")
                if licence is True:
                    weights = OpenTerms.OPEN
                elif licence is False:
                    weights = OpenTerms.RESTRICTED
        code = openness.code if openness is not None else None
        data = openness.data_information if openness is not None else None
        if (
            weights in (OpenTerms.RESTRICTED, OpenTerms.CLOSED)
            or code in (OpenTerms.RESTRICTED, OpenTerms.CLOSED)
            or data in (DataInformation.PARTIAL, DataInformation.NONE)
        ):
            return False
        missing = [
            name
            for name, value in (
                ("openness.weights", weights),
                ("openness.code", code),
                ("openness.data_information", data),
            )
            if value is None
        ]
        return Unknown(frozenset(missing)) if missing else True

    def _gaia_x_level(self, i: int) -> Value:
        credential = self.comp(i).gaia_x
        if credential is None:
            return Unknown.of("gaia_x")
        expires, today = credential.expires, self.today
        if expires is not None and today is not None and expires < today:
            return "expired"
        return credential.level.value

    # ----------------------------------------------------------------- system

    def _sys_home(self) -> Value:
        return self.trust.home

    def _sys_hardware_declared(self) -> Value:
        if any(c.kind is Kind.CHIP for c in self.chain.components):
            return True
        return Unknown.of("uses")

    def _sys_purpose(self) -> Value:
        purpose = self.inventory.system.purpose
        return purpose.value if purpose is not None else "civil"

    def _sys_gdpr_applies(self) -> Value:
        return self.trust.home in self._eea

    def _sys_ai_act_applies(self) -> Value:
        if self.trust.home not in self.catalog.expand(["EU"]):
            return False
        return self.system("purpose") not in ("military", "defence", "national-security")

    @cached_property
    def _spend(self) -> _Spend:
        """Annual spend on outside suppliers, by the control of the supplier. What the
        system's own organization supplies is in-house, not spend. A paid component (a
        service, a cloud, a model with closed or licensed weights) with no cost stated
        leaves the share open on its side."""
        own = self.inventory.system.organization
        spend = _Spend()
        for i, comp in enumerate(self.chain.components):
            supplier = comp.supplier
            if self.in_house(supplier):
                continue
            cost = comp.annual_cost_eur
            control = self.get(i, "control")
            if cost is None:
                if supplier is not None and _paid(comp):
                    side = control if control in ("home", "trusted", "foreign") else "unknown"
                    spend.unpriced.setdefault(side, []).append(comp.id)
                continue
            spend.priced += 1
            if supplier is None:
                spend.unknown += cost
                spend.fields.add(f"{comp.id}.supplier")
            elif (
                own is None and comp.kind in (Kind.APPLICATION, Kind.TEAM) and control != "foreign"
            ):
                # the system's own work, or bought from a trusted supplier: say whose
                spend.unknown += cost
                spend.fields.add("system.organization")
            elif control == "foreign":
                spend.foreign += cost
            elif control in ("home", "trusted"):
                spend.trusted += cost
            else:
                spend.unknown += cost
                spend.fields |= control.fields
        for ids in spend.unpriced.values():
            spend.fields |= {f"{cid}.annual_cost_eur" for cid in ids}
        return spend

    def _sys_foreign_spend_share(self) -> Value:
        return self._spend.share()

    def _sys_unknown_spend_share(self) -> Value:
        spend = self._spend
        total = spend.foreign + spend.trusted + spend.unknown
        if total <= 0:
            return Unknown.of("annual_cost_eur")
        return Share(spend.unknown / total)

    def _sys_foreign_spend_percent(self) -> Value:
        share = self.system("foreign_spend_share")
        if isinstance(share, Bounds):
            return Bounds(share.low * 100, share.high * 100, share.fields)
        return share if isinstance(share, Unknown) else round(share * 100, 1)

    def _sys_unpriced_spend(self) -> Value:
        ids = sorted(cid for found in self._spend.unpriced.values() for cid in found)
        return ", ".join(ids) if ids else "none"

    def _sys_priced_components(self) -> Value:
        return self._spend.priced


@dataclass
class _Spend:
    foreign: float = 0.0
    trusted: float = 0.0
    unknown: float = 0.0  # stated costs whose supplier's control is unknown
    priced: int = 0
    unpriced: dict[str, list[str]] = field(default_factory=dict)  # control -> ids
    fields: set[str] = field(default_factory=set)

    def share(self) -> Value:
        """The foreign share, as far as the costs decide it: exact, a range, or unknown.
        A missing cost is unbounded: one on the trusted side can bring the share down to
        0, one on the foreign side up to 1; a cost whose side is unknown, either."""
        known = self.foreign + self.trusted + self.unknown
        open_low = bool(self.unpriced.get("home") or self.unpriced.get("trusted"))
        open_high = bool(self.unpriced.get("foreign"))
        if self.unpriced.get("unknown"):
            open_low = open_high = True
        if known <= 0:
            if not self.unpriced:
                return Unknown.of("annual_cost_eur")
            if not open_low:
                return Share(1.0)
            if not open_high:
                return Share(0.0)
            return Unknown(frozenset(self.fields))
        low = 0.0 if open_low else self.foreign / known
        high = 1.0 if open_high else (self.foreign + self.unknown) / known
        if low == high:
            return Share(low)
        if low == 0.0 and high == 1.0:
            return Unknown(frozenset(self.fields))
        return Bounds(low, high, frozenset(self.fields), share=True)


def _paid(comp: Component) -> bool:
    """Components that are paid for as a rule: remote services and clouds, and models whose
    weights are not open. Libraries, open models, chips, sites and teams are often part of
    another component's price; they count only where a cost is stated."""
    if comp.kind in (Kind.SERVICE, Kind.CLOUD):
        return True
    return comp.kind is Kind.MODEL and comp.weights in (Weights.CLOSED, Weights.LICENSED)


def any_below(below: list[list[int]], own: list[bool]) -> list[bool]:
    """For each node, whether it or a node below it (following ``below``, transitively) is
    marked in ``own``; safe on loops (a node on a loop sees what was finished below it)."""
    result = list(own)
    finished = [False] * len(own)
    for i in postorder(below):
        if not result[i]:
            result[i] = any(finished[j] and result[j] for j in below[i])
        finished[i] = True
    return result


def _path_ends(nxt: list[int]) -> list[int]:
    """For next-hop pointers (-2 an end, -1 none), the end each node leads to, in one pass
    with memory (a chain of n hops is walked once, not n times)."""
    end = [-1] * len(nxt)
    for start in range(len(nxt)):
        if nxt[start] == -1 or end[start] != -1:
            continue
        walk = []
        i = start
        while nxt[i] >= 0 and end[i] == -1:
            walk.append(i)
            i = nxt[i]
        found = end[i] if end[i] != -1 else i
        end[i] = found
        for k in walk:
            end[k] = found
    return end


def training_summary_published(value: object) -> Value:
    """A link (http or https) to the summary is evidence; an explicit "not published" (or
    none, n/a, unknown ...) says there is none; any other text is not evidence either way."""
    if value is None:
        return Unknown.of("training_summary")
    text = str(value).strip()
    if _URL.match(text):
        return True
    if _NO_SUMMARY.match(text):
        return False
    return Unknown.of("training_summary")


_URL = re.compile(r"^https?://\S+$", re.IGNORECASE)
_NO_SUMMARY = re.compile(
    r"^(none|no|n/?a|-|unknown|tbd|not (yet )?(published|available|public)|unpublished|"
    r"withheld|confidential)\.?$",
    re.IGNORECASE,
)


def _certifications_of(obligations: tuple[Obligation, ...]) -> frozenset[str]:
    return frozenset(c for ob in obligations for c in ob.requires)


def _cert_state(cert: CatalogCertification) -> str:
    state = {
        CertificationStatus.IN_PROGRESS: "in qualification, not held",
        CertificationStatus.EXPIRED: "expired",
        CertificationStatus.WITHDRAWN: "withdrawn",
        CertificationStatus.HELD: "no longer in force",
    }[cert.status]
    if cert.milestone:
        state += f" (milestone {cert.milestone})"
    dated = cert.until or cert.since
    if dated is not None:
        state += f", {'until' if cert.until else 'since'} {dated.isoformat()}"
    return state


def _merge_unknown(*values: Value) -> Unknown:
    fields: frozenset[str] = frozenset()
    for v in values:
        if isinstance(v, Unknown):
            fields |= v.fields
    return Unknown(fields)


_LICENSE_TOKEN = re.compile(r"\(|\)|\bAND\b|\bOR\b|\bWITH\b|[^\s()]+")


@cache
def _lowercased(ids: frozenset[str]) -> frozenset[str]:
    return frozenset(x.lower() for x in ids)


def license_is_open(expression: str, open_ids: frozenset[str]) -> bool:
    """Whether an SPDX licence expression can be used under open terms: every licence of an
    AND, at least one alternative of an OR; exceptions (WITH) do not change the answer."""
    tokens = _LICENSE_TOKEN.findall(expression)
    lowered = _lowercased(open_ids)
    pos = 0

    def parse_or() -> bool:
        nonlocal pos
        result = parse_and()
        while pos < len(tokens) and tokens[pos] == "OR":
            pos += 1
            right = parse_and()
            result = result or right
        return result

    def parse_and() -> bool:
        nonlocal pos
        result = parse_atom()
        while pos < len(tokens) and tokens[pos] == "AND":
            pos += 1
            right = parse_atom()
            result = result and right
        return result

    def parse_atom() -> bool:
        nonlocal pos
        if pos >= len(tokens):
            return False
        tok = tokens[pos]
        pos += 1
        if tok == "(":
            result = parse_or()
            if pos < len(tokens) and tokens[pos] == ")":
                pos += 1
            return result
        if pos < len(tokens) and tokens[pos] == "WITH":
            pos += 2
        return tok.rstrip("+").lower() in lowered or tok.lower() in lowered

    return parse_or()
