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
from functools import cache, cached_property
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
    ) -> None:
        self.inventory = inventory
        self.chain = chain
        self.orgs = organizations
        self.catalog = catalog
        self.trust = trust
        self.n = len(chain)
        self._columns: dict[str, list[Value]] = {}
        self._system: dict[str, Value] = {}
        self._countries: dict[str, Value] = {}

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
            if FACTS[name].scope == "system":
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
        return True if self.comp(i).training_summary else Unknown.of("training_summary")

    def _has_substitute(self, i: int) -> Value:
        return bool(self.comp(i).substitutes)

    def _column_is_entrypoint(self) -> list[Value]:
        col = [False] * self.n
        for i in self.chain.entrypoints:
            col[i] = True
        return col

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

    def _column_max_foreign_control(self) -> list[Value]:
        return self._by_supplier(self._supplier_max_foreign_control)

    def _supplier_max_foreign_control(self, supplier: str) -> Value:
        shares = [
            o.foreign_control
            for o in self.orgs.control_chain(supplier)
            if o.foreign_control is not None
        ]
        return max(shares) if shares else Unknown.of(f"organizations.{supplier}.foreign_control")

    # ----------------------------------------------------------------- location

    def _column_effective_location(self) -> list[Value]:
        unknown = Unknown.of("location")
        return [unknown if p is None else p for p in self.chain.effective_places()[0]]

    def _column_location_trusted(self) -> list[Value]:
        return self._mapped_known(
            "effective_location", lambda places: all(self.trust.is_trusted(c) for c in places)
        )

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

    def _column_meets_accessibility_standard(self) -> list[Value]:
        return self._mapped_known(
            "accessibility", lambda found: bool(found & ACCESSIBILITY_STANDARDS)
        )

    # ----------------------------------------------------------------- export rules

    def _column_export_rules(self) -> list[Value]:
        table: dict[tuple[Value, str], Value] = {}
        out = []
        for countries, comp in zip(
            self.column("controlled_from"), self.chain.components, strict=True
        ):
            key = (countries, comp.kind.value)
            found = table.get(key)
            if found is None:
                found = table[key] = self._export_rules_of(countries, comp.kind.value)
            out.append(found)
        return out

    def _export_rules_of(self, countries: Value, kind: str) -> Value:
        if isinstance(countries, Unknown):
            return countries
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
        return [nxt != -1 for nxt in self._cutoff_next]

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
