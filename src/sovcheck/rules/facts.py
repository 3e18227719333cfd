"""Facts the engine computes about each component and about the system.

Rules refer to facts by name; this module is the one place that says what each fact means
and how it is established. A fact that cannot be established is :class:`Unknown`, with the
inventory fields that would establish it, never a default that looks sovereign.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from functools import cache, cached_property, partial
from typing import Any

from sovcheck.catalog import Catalog, Organizations, TrustArea
from sovcheck.graph import ValueChain
from sovcheck.model.catalog import Law
from sovcheck.model.inventory import Classification, Component, Inventory, Kind, Relation, Weights
from sovcheck.rules.values import FactType, Unknown

Value = Any  # a known value, or Unknown

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
            "max_foreign_control",
            T.NUMBER,
            "the highest foreign_control share stated along the control chain",
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
        _spec("certifications", T.SET, "certifications or qualifications the component holds"),
        _spec(
            "connectivity",
            T.TEXT,
            "air-gapped, private or internet",
            choices=("air-gapped", "private", "internet"),
        ),
        _spec("requires_connectivity", T.BOOL, "it stops working when its supplier is unreachable"),
        _spec("export_controlled", T.BOOL, "export rules can stop its supply"),
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
            "a team located in the trusted area maintains it (maintained_by)",
        ),
        _spec(
            "energy_trusted",
            T.BOOL,
            "every energy source it is powered_by is located and controlled in the trusted area",
        ),
        _spec(
            "foreign_spend_share",
            T.NUMBER,
            "share of stated annual spend going to suppliers outside the trusted area",
            scope="system",
        ),
        _spec(
            "unknown_spend_share",
            T.NUMBER,
            "share of stated annual spend whose supplier's control is unknown",
            scope="system",
        ),
        _spec(
            "foreign_spend_percent", T.NUMBER, "foreign_spend_share as a percentage", scope="system"
        ),
        _spec("priced_components", T.NUMBER, "components with annual_cost_eur", scope="system"),
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
        "certifications",
        "connectivity",
        "requires_connectivity",
        "export_controlled",
        "weights",
        "languages",
        "accessibility",
        "personal_data",
        "legal_basis",
        "clearance",
        "annual_cost_eur",
    }
)
_LOWERCASE_FIELDS = frozenset({"certifications", "accessibility"})
_UNKNOWN_SUPPLIER = Unknown(frozenset({"supplier"}))

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
    ) -> None:
        self.inventory = inventory
        self.chain = chain
        self.orgs = organizations
        self.catalog = catalog
        self.trust = trust
        self._cache: list[dict[str, Value]] = [{} for _ in range(len(chain))]
        self._system: dict[str, Value] = {}
        self._by_supplier: dict[str, Value] = {}
        self._fns: dict[str, Callable[[int], Value]] = {
            name: partial(self._plain, name) if name in PLAIN_FIELDS else getattr(self, "_" + name)
            for name, spec in FACTS.items()
            if spec.scope == "component"
        }

    # ----------------------------------------------------------------- access

    def get(self, i: int, name: str) -> Value:
        cache = self._cache[i]
        if name in cache:
            return cache[name]
        value = self._fns[name](i)
        cache[name] = value
        return value

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

    def _plain(self, field: str, i: int) -> Value:
        """An inventory field as a fact: unknown when absent, lists as sets, choices as text."""
        value = getattr(self.comp(i), field)
        if value is None:
            return Unknown.of(field)
        if isinstance(value, tuple):
            return frozenset(v.lower() if field in _LOWERCASE_FIELDS else v for v in value)
        if isinstance(value, StrEnum) and not isinstance(value, Classification):
            return value.value
        return value

    def _handles(self, i: int) -> Value:
        reach = self.chain.data_reach(i)
        return None if reach is None else reach.classification

    def _has_training_summary(self, i: int) -> Value:
        return True if self.comp(i).training_summary else Unknown.of("training_summary")

    def _has_substitute(self, i: int) -> Value:
        return bool(self.comp(i).substitutes)

    def _is_entrypoint(self, i: int) -> Value:
        return i in self._entrypoints

    @cached_property
    def _entrypoints(self) -> frozenset[int]:
        return frozenset(self.chain.entrypoints)

    # ----------------------------------------------------------------- control

    def _control_chain(self, i: int) -> Value:
        supplier = self.comp(i).supplier
        if supplier is None:
            return Unknown.of("supplier")
        return tuple(org.id for org in self.orgs.control_chain(supplier))

    def _controlled_from(self, i: int) -> Value:
        supplier = self.comp(i).supplier
        if supplier is None:
            return _UNKNOWN_SUPPLIER
        found = self._by_supplier.get(supplier)
        if found is None:
            found = self._supplier_countries(supplier)
            self._by_supplier[supplier] = found
        return found

    def _supplier_countries(self, supplier: str) -> Value:
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

    def _control(self, i: int) -> Value:
        countries = self.get(i, "controlled_from")
        if isinstance(countries, Unknown):
            return countries
        kinds = {self.trust.classify(c) for c in countries}
        if "foreign" in kinds:
            return "foreign"
        if kinds == {"home"}:
            return "home"
        return "trusted"

    def _foreign_laws(self, i: int) -> Value:
        return (
            frozenset(law.id for law in self._foreign_law_objects(i))
            if not isinstance(self.get(i, "controlled_from"), Unknown)
            else self.get(i, "controlled_from")
        )

    def _foreign_law_names(self, i: int) -> Value:
        if isinstance(self.get(i, "controlled_from"), Unknown):
            return self.get(i, "controlled_from")
        return frozenset(law_name(law) for law in self._foreign_law_objects(i))

    def _foreign_law_objects(self, i: int) -> tuple[Law, ...]:
        supplier = self.comp(i).supplier
        if supplier is None:
            return ()
        return tuple(
            law
            for law in self.orgs.laws_reaching(supplier)
            if not self.trust.is_trusted(law.country)
        )

    def _max_foreign_control(self, i: int) -> Value:
        supplier = self.comp(i).supplier
        if supplier is None:
            return Unknown.of("supplier")
        shares = [
            o.foreign_control
            for o in self.orgs.control_chain(supplier)
            if o.foreign_control is not None
        ]
        return max(shares) if shares else Unknown.of(f"organizations.{supplier}.foreign_control")

    # ----------------------------------------------------------------- location

    @cached_property
    def _effective(self) -> list[tuple[frozenset[str], tuple[str, ...]] | None]:
        return self.chain.effective_locations()

    def _effective_location(self, i: int) -> Value:
        found = self._effective[i]
        return Unknown.of("location") if found is None else found[0]

    def _location_trusted(self, i: int) -> Value:
        places = self.get(i, "effective_location")
        if isinstance(places, Unknown):
            return places
        return all(self.trust.is_trusted(c) for c in places)

    # ----------------------------------------------------------------- licences, languages

    def _license_open(self, i: int) -> Value:
        lic = self.comp(i).license
        if lic is None:
            return Unknown.of("license")
        return license_is_open(lic, self.catalog.open_licenses)

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

    def _serves_home_language(self, i: int) -> Value:
        langs = self.get(i, "languages")
        home = self.system("home_languages")
        if isinstance(langs, Unknown) or isinstance(home, Unknown):
            return _merge_unknown(langs, home)
        return bool(langs & home)

    def _serves_all_home_languages(self, i: int) -> Value:
        langs = self.get(i, "languages")
        home = self.system("home_languages")
        if isinstance(langs, Unknown) or isinstance(home, Unknown):
            return _merge_unknown(langs, home)
        return home <= langs

    def _meets_accessibility_standard(self, i: int) -> Value:
        found = self.get(i, "accessibility")
        if isinstance(found, Unknown):
            return found
        return bool(found & ACCESSIBILITY_STANDARDS)

    # ----------------------------------------------------------------- export rules

    def _export_rules(self, i: int) -> Value:
        countries = self.get(i, "controlled_from")
        if isinstance(countries, Unknown):
            return countries
        kind = self.comp(i).kind.value
        rules = set()
        for country in countries:
            for rule in self.catalog.export_controls_of(country):
                if (
                    not rule.applies_to
                    or kind in rule.applies_to
                    or (kind == "chip" and {"chips", "accelerators"} & set(rule.applies_to))
                ):
                    rules.add(f"{rule.country} ECCN {rule.eccn}" if rule.eccn else rule.title)
        return frozenset(rules)

    # ----------------------------------------------------------------- substitutes, cut-off

    def _has_trusted_substitute(self, i: int) -> Value:
        subs = self.comp(i).substitutes
        if not subs:
            return False
        unknown: Unknown | None = None
        for sub in subs:
            j = self.chain.index.get(sub)
            if j is None:
                unknown = Unknown.of("substitutes") if unknown is None else unknown
                continue
            control = self.get(j, "control")
            if control in ("home", "trusted"):
                return True
            if isinstance(control, Unknown):
                unknown = control if unknown is None else unknown | control
        return unknown if unknown is not None else False

    def _cutoff_assessment(self, i: int) -> tuple[Value, str]:
        comp = self.comp(i)
        control = self.get(i, "control")
        foreign = control == "foreign"
        exposures: list[str] = []
        if comp.export_controlled:
            exposures.append("export-controlled")
        if comp.requires_connectivity:
            exposures.append("needs its supplier online")
        if comp.kind is Kind.MODEL and comp.weights is Weights.CLOSED:
            exposures.append("closed weights, served only by its supplier")
        if comp.kind in HOSTING_KINDS:
            exposures.append(
                f"{comp.kind.value} operated by {comp.supplier or 'an unknown supplier'}"
            )
        if not exposures:
            if comp.kind is Kind.CHIP and comp.export_controlled is None:
                return Unknown.of("export_controlled"), ""
            if comp.kind is Kind.SERVICE and comp.requires_connectivity is None:
                return Unknown.of("requires_connectivity"), ""
            return False, ""
        if control in ("home", "trusted"):
            return False, ""
        substitute = self.get(i, "has_trusted_substitute")
        if substitute is True:
            return False, ""
        reason = "; ".join(exposures)
        if foreign:
            laws = self.get(i, "export_rules") if comp.export_controlled else frozenset()
            if isinstance(laws, frozenset) and laws:
                reason = reason.replace(
                    "export-controlled", f"export-controlled ({', '.join(sorted(laws))})"
                )
            return (
                True,
                reason + f", under {', '.join(sorted(self.get(i, 'controlled_from')))} control",
            )
        return control, reason  # unknown control

    def _cutoff_source(self, i: int) -> Value:
        return self._cutoff[i][0]

    def _cutoff_reason(self, i: int) -> Value:
        return self._cutoff[i][1] or None

    @cached_property
    def _cutoff(self) -> list[tuple[Value, str]]:
        return [self._cutoff_assessment(i) for i in range(len(self.chain))]

    @cached_property
    def _cutoff_next(self) -> list[int]:
        sources = [i for i, (value, _) in enumerate(self._cutoff) if value is True]
        return self.chain.cutoff_exposure(sources)

    def cutoff_path(self, i: int) -> tuple[str, ...]:
        return self.chain.cutoff_path(self._cutoff_next, i)

    def _cutoff_exposed(self, i: int) -> Value:
        return self._cutoff_next[i] != -1

    # ----------------------------------------------------------------- structure

    def _spof(self, i: int) -> Value:
        return (
            i in self.chain.dominated_counts() and self.get(i, "has_trusted_substitute") is not True
        )

    def _dominated(self, i: int) -> Value:
        return self.chain.dominated_counts().get(i, 0)

    def _critical(self, i: int) -> Value:
        handles = self.get(i, "handles")
        return bool(
            self.get(i, "is_entrypoint")
            or self.get(i, "spof")
            or self.get(i, "cutoff_source") is True
            or (handles is not None and handles.rank >= Classification.RESTRICTED.rank)
        )

    def _maintained_locally(self, i: int) -> Value:
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

    # ----------------------------------------------------------------- system

    @cached_property
    def _spend(self) -> tuple[float, float, float, int]:
        total = foreign = unknown = 0.0
        priced = 0
        for i, comp in enumerate(self.chain.components):
            cost = comp.annual_cost_eur
            if cost is None:
                continue
            priced += 1
            total += cost
            control = self.get(i, "control")
            if control == "foreign":
                foreign += cost
            elif isinstance(control, Unknown):
                unknown += cost
        return total, foreign, unknown, priced

    def _sys_foreign_spend_share(self) -> Value:
        total, foreign, _, _ = self._spend
        if total <= 0:
            return Unknown.of("annual_cost_eur")
        return foreign / total

    def _sys_unknown_spend_share(self) -> Value:
        total, _, unknown, _ = self._spend
        if total <= 0:
            return Unknown.of("annual_cost_eur")
        return unknown / total

    def _sys_foreign_spend_percent(self) -> Value:
        share = self.system("foreign_spend_share")
        return share if isinstance(share, Unknown) else round(share * 100, 1)

    def _sys_priced_components(self) -> Value:
        return self._spend[3]


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
