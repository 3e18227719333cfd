"""Candidate steps: like-for-like replacements, rewiring to trusted hosts, facts to
establish (see the package docstring)."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Literal

from sovcheck.catalog import Catalog, Organizations
from sovcheck.load.rubric import LoadedRubric
from sovcheck.model.catalog import Capability, CertificationStatus, Offer
from sovcheck.model.inventory import (
    RELATIONS,
    Component,
    Kind,
    Relation,
)
from sovcheck.model.report import Status
from sovcheck.plan.edits import Edits
from sovcheck.plan.evaluate import (
    DATA_OBJECTIVE,
    HOST_KINDS,
    PlanState,
    chain_text,
    control_of,
    senders_of,
)
from sovcheck.plan.report import NoOffer, NotModelled
from sovcheck.rules.values import Unknown

# What a step takes, when the inventory gives no costs to estimate it with.
Effort = Literal["contract", "migration", "re-platforming", "r-and-d", "fact-finding"]
# On equal gain, prefer what exists over what must be contracted, and changes over facts.
SOURCE_RANK = {"substitutes": 0, "inventory": 1, "catalog": 2, "fact": 3}


@dataclass(frozen=True)
class Candidate:
    id: str
    kind: Literal["rewire", "replace", "establish"]
    source: Literal["inventory", "substitutes", "catalog", "fact"]
    summary: str
    components: tuple[str, ...]
    edits: Edits
    modelled: tuple[str, ...]
    depends: tuple[str, ...]
    host: str | None = None
    alternatives: tuple[str, ...] = ()
    assumes_fact: bool = False
    preference: int = 0  # among equal gains, lower first (home, own stack)
    effort: Effort = "migration"
    offer: str | None = None
    supplier: str | None = None  # replaced everywhere, by ``offers``
    offers: tuple[tuple[str, str], ...] = ()  # (component, catalog offer)


# Words of a component's id and name that say what it does, per capability. A component's
# capability is that of the catalog offer it is (see _capabilities), else read from these
# words, else from its kind where the kind has one meaning; otherwise it stays unknown and
# no catalog offer is proposed for it.
_CAPABILITY_WORDS: dict[Capability, tuple[str, ...]] = {
    Capability.ACCELERATOR: (
        "gpu",
        "gpus",
        "accelerator",
        "accelerators",
        "tpu",
        "npu",
        "ipu",
        "h100",
        "h200",
        "a100",
        "b200",
        "mi300x",
        "gaudi",
    ),
    Capability.CPU: ("cpu", "cpus", "processor", "processors"),
    Capability.IDENTITY: (
        "authentication",
        "identity",
        "login",
        "sso",
        "entra",
        "oidc",
        "saml",
        "iam",
    ),
    Capability.LLM_API: ("openai", "llm", "gpt", "claude", "chatgpt", "gemini"),
    Capability.COLLABORATION: ("office", "mail", "sharepoint", "collaboration"),
    Capability.MANAGED_KUBERNETES: ("kubernetes", "aks", "eks", "gke"),
    Capability.OBJECT_STORAGE: ("s3", "blob", "storage"),
    Capability.HPC: ("supercomputer", "hpc"),
}
# The capabilities each kind can have (a GPU word on a cloud means GPU compute).
_KIND_CAPABILITIES: dict[Kind, frozenset[Capability]] = {
    Kind.CHIP: frozenset(
        {Capability.ACCELERATOR, Capability.CPU, Capability.MEMORY, Capability.NETWORK_CHIP}
    ),
    Kind.CLOUD: frozenset(
        {
            Capability.IAAS,
            Capability.GPU_COMPUTE,
            Capability.HPC,
            Capability.MANAGED_KUBERNETES,
            Capability.OBJECT_STORAGE,
            Capability.DATABASE,
            Capability.PAAS,
            Capability.AI_PLATFORM,
            Capability.COLLABORATION,
        }
    ),
    Kind.SERVICE: frozenset(
        {
            Capability.IDENTITY,
            Capability.COLLABORATION,
            Capability.LLM_API,
            Capability.AI_PLATFORM,
            Capability.SECURITY,
            Capability.DATABASE,
            Capability.OBJECT_STORAGE,
        }
    ),
    Kind.MODEL: frozenset({Capability.MODEL_WEIGHTS, Capability.LLM_API}),
    Kind.DATACENTER: frozenset({Capability.COLOCATION}),
    Kind.ENERGY: frozenset({Capability.ENERGY}),
}
_CHIP_TYPES = {
    "accelerator": Capability.ACCELERATOR,
    "cpu": Capability.CPU,
    "memory": Capability.MEMORY,
    "network": Capability.NETWORK_CHIP,
}
# A kind whose components have one capability whatever their name ("a hosting platform").
_KIND_DEFAULT: dict[Kind, Capability] = {
    Kind.CLOUD: Capability.IAAS,
    Kind.DATACENTER: Capability.COLOCATION,
    Kind.ENERGY: Capability.ENERGY,
}


def _words(text: str) -> set[str]:
    return set("".join(ch if ch.isalnum() else " " for ch in text.lower()).split())


def _capabilities(state: PlanState, comp: Component, catalog: Catalog) -> frozenset[Capability]:
    """What ``comp`` does, so that it is replaced like for like (empty: unknown).

    First its stated ``chip_type``. Then the catalog offer it is: an offer of the same kind, of an organization in the
    component's supplier chain, whose id words (less its organization's) all appear in
    the component's id and name. Else the capability words of its id and name
    (``_CAPABILITY_WORDS``), kept to those its kind can have. Else its kind's one meaning
    (a cloud is a hosting platform), or for a model what its weights say."""
    allowed = _KIND_CAPABILITIES.get(comp.kind, frozenset())
    stated = _CHIP_TYPES.get(comp.chip_type.value) if comp.chip_type is not None else None
    if stated is not None:
        return frozenset({stated})
    words = _words(f"{comp.id} {comp.name}")
    chain = (
        {o.id for o in state.facts.orgs.control_chain(comp.supplier)}
        if comp.supplier is not None
        else set()
    )
    for offer in sorted(catalog.offers.values(), key=lambda o: o.id):
        if offer.kind != comp.kind.value or offer.organization not in chain:
            continue
        own = _words(offer.id) - _words(offer.organization)
        if own and own <= words:
            return frozenset(offer.capabilities) & allowed or frozenset(offer.capabilities)
    found: set[Capability] = set()
    for cap, names in _CAPABILITY_WORDS.items():
        if words & set(names):
            found.add(cap)
    if comp.kind is Kind.CLOUD and Capability.ACCELERATOR in found:
        found.add(Capability.GPU_COMPUTE)
    found &= allowed
    if found:
        return frozenset(found)
    if comp.kind is Kind.MODEL and comp.weights is not None:
        return frozenset(
            {Capability.LLM_API if comp.weights.value == "closed" else Capability.MODEL_WEIGHTS}
        )
    default = _KIND_DEFAULT.get(comp.kind)
    return frozenset({default}) if default is not None else frozenset()


# Certifications that some obligation of the catalog requires in some sector (HDS, C5,
# IGI 1300): one the component holds is kept by any replacement the plan proposes.
def _sector_certifications(catalog: Catalog) -> frozenset[str]:
    return frozenset(c for ob in catalog.jurisdictions.obligations for c in ob.requires)


def _required_certifications(state: PlanState, comp: Component, catalog: Catalog) -> frozenset[str]:
    """What a replacement of ``comp`` must hold: the certifications the home's obligations
    require where it is (HDS where French health data reaches it), and those it holds
    that an obligation of the catalog requires in some sector (C5 held by a German bank's
    cloud)."""
    required: set[str] = set()
    i = state.facts.chain.index.get(comp.id)
    if i is not None:
        for name in ("required_certifications", "required_accreditations"):
            value = state.facts.get(i, name)
            if isinstance(value, frozenset):
                required |= {str(v) for v in value}
    held = set(comp.certifications or ())
    return frozenset(required | (held & _sector_certifications(catalog)))


def _held(offer: Offer, today: Any) -> tuple[str, ...]:
    return tuple(
        sorted(
            {
                c.id
                for c in offer.certifications
                if c.status is CertificationStatus.HELD
                and (c.until is None or today is None or c.until >= today)
            }
        )
    )


@dataclass(frozen=True)
class _OfferChoice:
    offer: Offer
    control: Literal["home", "trusted"]
    location: tuple[str, ...] | None  # None: the catalog lists none in the trusted area
    certifications: tuple[str, ...]
    foreign_stack: tuple[str, ...]  # built_on organizations controlled outside the area
    alternatives: tuple[str, ...] = ()

    @property
    def preference(self) -> int:
        """0 best: home and own stack; then trusted; then built on a foreign stack."""
        return 2 * bool(self.foreign_stack) + (self.control != "home")


def _org_control(
    orgs: Organizations, org_id: str, trust: Any
) -> Literal["home", "trusted", "foreign", "unknown"]:
    chain = orgs.control_chain(org_id)
    countries = [o.country for o in chain]
    if not chain or any(c is None for c in countries):
        return "unknown"
    if any(not trust.is_trusted(c) for c in countries):
        return "foreign"
    return "home" if all(c == trust.home for c in countries) else "trusted"


def offer_choices(
    state: PlanState, comp: Component, catalog: Catalog, today: Any
) -> tuple[list[_OfferChoice], str | None]:
    """Catalog offers that can replace ``comp`` like for like, grouped by effect (the
    preferred one of each group first, the rest its alternatives), and when there is none,
    why: the finding the plan reports."""
    trusted, why = _trusted_offers(state, comp, catalog, today)
    return _grouped(trusted), why


def _effect(choice: _OfferChoice) -> tuple[Any, ...]:
    """What decides an offer's effect on the audit: offers alike in these model one change."""
    return (choice.control, choice.location, choice.certifications, bool(choice.foreign_stack))


def _grouped(trusted: list[_OfferChoice]) -> list[_OfferChoice]:
    groups: dict[tuple[Any, ...], list[_OfferChoice]] = {}
    for ch in trusted:
        groups.setdefault(_effect(ch), []).append(ch)
    out: list[_OfferChoice] = []
    for members in groups.values():
        members.sort(key=lambda c: (c.preference, c.offer.id))
        first = members[0]
        out.append(dataclasses.replace(first, alternatives=tuple(m.offer.id for m in members[1:])))
    out.sort(key=lambda c: (c.preference, c.offer.id))
    return out


def _trusted_offers(
    state: PlanState, comp: Component, catalog: Catalog, today: Any
) -> tuple[list[_OfferChoice], str | None]:
    """Every catalog offer that can replace ``comp`` like for like, preferred first, and
    when there is none, why."""
    caps = _capabilities(state, comp, catalog)
    trust = state.facts.trust
    what = "/".join(sorted(c.value for c in caps)) or comp.kind.value
    if not caps:
        return [], (
            f"the capability of {comp.id} ({comp.kind.value}) is unknown: name the catalog "
            "offer it is, or its substitutes, so that it can be replaced like for like"
        )
    required = _required_certifications(state, comp, catalog)
    orgs = state.facts.orgs
    current_chain = (
        {o.id for o in orgs.control_chain(comp.supplier)} if comp.supplier is not None else set()
    )
    like = [
        o
        for o in sorted(catalog.offers.values(), key=lambda o: o.id)
        if o.kind == comp.kind.value and caps & set(o.capabilities)
    ]
    trusted: list[_OfferChoice] = []
    for offer in like:
        if offer.organization in current_chain or offer.organization not in catalog.organizations:
            continue
        control = _org_control(orgs, offer.organization, trust)
        if control not in ("home", "trusted"):
            continue
        certs = _held(offer, today)
        if not required <= set(certs):
            continue
        inside = [c for c in offer.locations if trust.is_trusted(c)]
        location: tuple[str, ...] | None = None
        if trust.home in inside:
            location = (trust.home,)
        elif inside:
            location = (sorted(inside)[0],)
        foreign = tuple(
            b
            for b in offer.built_on
            if b in catalog.organizations and _org_control(orgs, b, trust) == "foreign"
        )
        choice = _OfferChoice(offer, control, location, certs, foreign)
        trusted.append(choice)
    if not trusted:
        needs = f" holding {', '.join(sorted(required))}" if required else ""
        return [], f"no trusted {what} offer in the catalog{needs}"
    trusted.sort(key=lambda c: (c.preference, c.offer.id))
    return trusted, None


def _yaml_list(values: Iterable[str]) -> str:
    return "[" + ", ".join(values) + "]"


def _catalog_candidate(
    state: PlanState,
    comp: Component,
    choice: _OfferChoice,
    catalog: Catalog,
    rewire: bool,
) -> Candidate:
    offer = choice.offer
    org_id = offer.organization
    entry = catalog.organizations[org_id]
    sets: list[tuple[str, str, str]] = []
    modelled = [
        f"supplier of {comp.id}: {comp.supplier or 'unknown'} -> {org_id} ({entry.name}), "
        f"offer {offer.id} ({offer.name}; {', '.join(c.value for c in offer.capabilities)})"
    ]
    for field, old, new, known, unknown in (
        (
            "location",
            comp.location,
            choice.location,
            f"where the catalog says {offer.id} runs",
            f"the catalog lists no location of {offer.id} in the trusted area",
        ),
        (
            "certifications",
            comp.certifications,
            choice.certifications or None,
            f"the catalog's cited certifications of {offer.id}",
            f"the catalog lists none for {offer.id}",
        ),
    ):
        old_text = _yaml_list(old) if old is not None else None
        new_text = _yaml_list(new) if new is not None else None
        if old_text != new_text:
            sets.append((comp.id, field, new_text or "null"))
            modelled.append(
                f"{field} of {comp.id}: {old_text or 'unknown'} -> "
                + (f"{new_text} ({known})" if new_text else f"unknown ({unknown})")
            )
    if choice.foreign_stack:
        modelled.append(
            f"{offer.id} is built on technology of {', '.join(choice.foreign_stack)}, "
            "controlled outside the trusted area; preferred only after offers on a trusted stack"
        )
    # the old provider's own sites, staff and energy go with it
    orgs = state.facts.orgs
    old_chain = (
        {o.id for o in orgs.control_chain(comp.supplier)} if comp.supplier is not None else set()
    )
    by_id = state.by_id
    for relation in RELATIONS:
        targets = comp.targets(relation)
        keep = [
            t
            for t in targets
            if not (by_id[t].supplier is not None and by_id[t].supplier in old_chain)
        ]
        if len(keep) != len(targets):
            dropped = [t for t in targets if t not in keep]
            sets.append((comp.id, relation.value, _yaml_list(keep)))
            modelled.append(
                f"{relation.value} of {comp.id}: drop {', '.join(dropped)} (the old provider's "
                "own components; the new provider's are not modelled)"
            )
    senders = senders_of(state, comp.id)
    where = f"{offer.name} from {org_id} ({entry.name}, {entry.country})"
    if rewire:
        summary = (
            f"move the restricted-data processing of {', '.join(senders) or comp.id} off "
            f"{comp.id} ({chain_text(state, comp.id)}) to a trusted host: {where}"
        )
    else:
        summary = f"replace {comp.id} ({chain_text(state, comp.id)}) with {where}"
    effort: Effort = (
        "re-platforming" if comp.kind in (Kind.CHIP, Kind.CLOUD, Kind.DATACENTER) else "migration"
    )
    return Candidate(
        id=f"{'rewire' if rewire else 'replace'}:{comp.id}:catalog:{offer.id}",
        kind="rewire" if rewire else "replace",
        source="catalog",
        summary=summary,
        components=(comp.id,),
        edits=Edits(replace=((comp.id, org_id),), set_fields=tuple(sets)),
        modelled=tuple(modelled),
        depends=(
            f"{offer.id} contracted from {org_id}"
            + (f" and the data of {', '.join(senders)} migrated to it" if senders else ""),
        ),
        host=org_id,
        alternatives=choice.alternatives,
        preference=choice.preference,
        effort=effort,
        offer=offer.id,
    )


def _host_signature(state: PlanState, cid: str) -> tuple[Any, ...]:
    """What decides a trusted host's effect as a target: two hosts alike in these facts
    give the same plan step, so one is measured and the other listed as an alternative."""
    comp = state.by_id[cid]
    i = state.facts.chain.index[cid]
    countries = state.facts.get(i, "controlled_from")
    return (
        control_of(state, cid),
        None if isinstance(countries, Unknown) else tuple(sorted(countries)),
        comp.supplier,
        comp.location,
        comp.certifications,
        comp.connectivity,
        tuple(comp.targets(Relation.RUNS_ON)),
        tuple(comp.targets(Relation.MAINTAINED_BY)),
    )


def component_candidates(
    state: PlanState, catalog: Catalog, today: Any = None
) -> tuple[list[Candidate], list[NoOffer]]:
    inv = state.inventory
    by_id = state.by_id
    failing = state.failing()
    fail_components = sorted(
        {c for (_, c), f in failing.items() if c is not None and f.status is Status.FAIL}
    )
    ds_hosts = {
        c
        for (_, c), f in failing.items()
        if c is not None
        and f.objective == DATA_OBJECTIVE
        and f.status is Status.FAIL
        and by_id[c].kind in HOST_KINDS
    }
    by_kind: dict[Kind, list[Component]] = {}
    for c in inv.components:
        by_kind.setdefault(c.kind, []).append(c)
    caps_of: dict[str, frozenset[Capability]] = {}

    def caps(c: Component) -> frozenset[Capability]:
        if c.id not in caps_of:
            caps_of[c.id] = _capabilities(state, c, catalog)
        return caps_of[c.id]

    out: list[Candidate] = []
    none_found: list[NoOffer] = []
    by_supplier: dict[str, list[tuple[Component, bool, list[_OfferChoice]]]] = {}
    for cid in fail_components:
        comp = by_id[cid]
        if control_of(state, cid) != "foreign":
            continue
        rewire = cid in ds_hosts and bool(senders_of(state, cid))
        kind: Literal["rewire", "replace"] = "rewire" if rewire else "replace"
        # substitutes the inventory names, then trusted hosts of the same kind and capability
        others: list[tuple[str, Literal["substitutes", "inventory"]]] = [
            (s, "substitutes") for s in comp.substitutes if s in by_id and s != cid
        ]
        if rewire and caps(comp):
            others += [
                (c.id, "inventory")
                for c in by_kind.get(comp.kind, [])
                if c.id != cid and c.id not in comp.substitutes and caps(c) & caps(comp)
            ]
        grouped: dict[tuple[Any, ...], list[tuple[str, Literal["substitutes", "inventory"]]]] = {}
        for other, source in others:
            if control_of(state, other) not in ("home", "trusted"):
                continue
            key = (source, other) if source == "substitutes" else _host_signature(state, other)
            grouped.setdefault(key, []).append((other, source))
        senders = senders_of(state, cid)
        for members in grouped.values():
            other, source = members[0]
            what = (
                f"move the processing of {', '.join(senders)} off {cid} "
                f"({chain_text(state, cid)}) to {other} ({chain_text(state, other)})"
                if rewire
                else f"replace {cid} ({chain_text(state, cid)}) with its substitute {other} "
                f"({chain_text(state, other)})"
            )
            out.append(
                Candidate(
                    id=f"{kind}:{cid}:{source}:{other}",
                    kind=kind,
                    source=source,
                    summary=what,
                    components=(cid, other),
                    edits=Edits(replace=((cid, other),)),
                    modelled=(f"every relation that targets {cid} targets {other} instead",),
                    depends=(f"{other} exists and can take over what {cid} does",),
                    host=other,
                    alternatives=tuple(m[0] for m in members[1:]),
                    preference=0 if control_of(state, other) == "home" else 1,
                    effort="migration",
                )
            )
        trusted, why = _trusted_offers(state, comp, catalog, today)
        for choice in _grouped(trusted):
            out.append(_catalog_candidate(state, comp, choice, catalog, rewire))
        if comp.supplier is not None and trusted:
            by_supplier.setdefault(comp.supplier, []).append((comp, rewire, trusted))
        if not grouped and why is not None:
            none_found.append(
                NoOffer(
                    component=cid,
                    kind=comp.kind.value,
                    capabilities=tuple(sorted(c.value for c in caps(comp))),
                    reason=why,
                    effort="r-and-d" if caps(comp) else "fact-finding",
                )
            )
    for supplier in sorted(by_supplier):
        out += _supplier_candidates(state, supplier, by_supplier[supplier], catalog)
    return out, none_found


_EFFORT_RANK: dict[Effort, int] = {
    "contract": 0,
    "migration": 1,
    "re-platforming": 2,
    "r-and-d": 3,
    "fact-finding": 4,
}


# Components a supplier-wide step names in its summary; its offers list them all.
_NAMED = 5


def _supplier_candidates(
    state: PlanState,
    supplier: str,
    members: list[tuple[Component, bool, list[_OfferChoice]]],
    catalog: Catalog,
) -> list[Candidate]:
    """ "Replace ``supplier`` everywhere": one step per trusted organization that offers a
    like-for-like replacement for two or more of the supplier's foreign failing components,
    each replaced by that organization's preferred offer for it, as the single-component
    catalog step would model it. One contract never costs a component a better offer:
    an organization covers a component only with an offer as preferred as the best one
    for it (home, trusted, on a foreign stack) and located in the trusted area when the
    best one is. A member that another covered member relies on (the
    supplier's own site or staff) goes with it, as that step models, and is not replaced
    on its own. Organizations whose offers model the same change are measured once, the
    others listed as alternatives."""
    by_org: dict[str, list[tuple[Component, bool, _OfferChoice]]] = {}
    for comp, rewire, trusted in members:
        best = trusted[0]  # preferred first
        seen: set[str] = set()
        for choice in trusted:
            org = choice.offer.organization
            if (
                choice.preference == best.preference
                and (choice.location is not None or best.location is None)
                and org not in seen
            ):
                seen.add(org)
                by_org.setdefault(org, []).append((comp, rewire, choice))
    groups: dict[tuple[Any, ...], list[tuple[str, list[tuple[Component, bool, _OfferChoice]]]]] = {}
    for org in sorted(by_org):
        covered = by_org[org]
        relied_on = {t for comp, _, _ in covered for r in RELATIONS for t in comp.targets(r)}
        covered = [m for m in covered if m[0].id not in relied_on]
        if len(covered) < 2:
            continue
        key = tuple((comp.id, _effect(choice)) for comp, _, choice in covered)
        groups.setdefault(key, []).append((org, covered))
    out: list[Candidate] = []
    for same in groups.values():
        same.sort(key=lambda m: (max(ch.preference for _, _, ch in m[1]), m[0]))
        org, covered = same[0]
        parts = [_catalog_candidate(state, c, ch, catalog, rw) for c, rw, ch in covered]
        ids = tuple(c.id for c, _, _ in covered)
        left = [c.id for c, _, _ in members if c.id not in ids]
        entry = catalog.organizations[org]
        named = [f"{c.id} with {ch.offer.name}" for c, _, ch in covered[:_NAMED]]
        if len(covered) > _NAMED:
            named.append(f"and {len(covered) - _NAMED} more (see offers)")
        summary = (
            f"replace {supplier} everywhere with {entry.name} ({org}, {entry.country}): "
            + "; ".join(named)
        )
        if left:
            stay = ", ".join(left[:_NAMED]) + (
                f" and {len(left) - _NAMED} more" if len(left) > _NAMED else ""
            )
            summary += f" ({stay} stay: no like-for-like offer of {org} for them)"
        out.append(
            Candidate(
                id=f"replace-supplier:{supplier}:catalog:{org}",
                kind="replace",
                source="catalog",
                summary=summary,
                components=ids,
                edits=Edits(
                    replace=tuple(r for p in parts for r in p.edits.replace),
                    set_fields=tuple(s for p in parts for s in p.edits.set_fields),
                ),
                modelled=tuple(m for p in parts for m in p.modelled),
                depends=tuple(dict.fromkeys(d for p in parts for d in p.depends)),
                host=org,
                alternatives=tuple(o for o, _ in same[1:]),
                preference=max(p.preference for p in parts),
                effort=max((p.effort for p in parts), key=lambda e: _EFFORT_RANK[e]),
                supplier=supplier,
                offers=tuple((c.id, ch.offer.id) for c, _, ch in covered),
            )
        )
    return out


def _certification_values(rubric: LoadedRubric) -> list[str]:
    found: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if node.get("fact") == "certifications":
                for op in ("intersects", "contains", "equals", "subset_of"):
                    value = node.get(op)
                    if isinstance(value, list) and value:
                        found.append(str(value[0]))
                    elif isinstance(value, str):
                        found.append(value)
            for v in node.values():
                walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)

    for rule in rubric.rubric.rules:
        walk(rule.check)
    return list(dict.fromkeys(found))


def _favourable(
    state: PlanState, comp: Component, field: str, rubric: LoadedRubric
) -> tuple[str, str] | None:
    """(value as YAML text, how to say it) of a favourable outcome, or None if not modelled."""
    inv = state.inventory
    home = inv.system.home
    if field == "supplier":
        org = state.home_supplier
        if org is None:
            return None
        return org, f"an organization controlled from {home} (modelled as {org})"
    if field == "location":
        return _yaml_list([home]), f"[{home}]"
    if field == "languages":
        langs = state.facts.system("home_languages")
        if isinstance(langs, Unknown):
            return None
        return _yaml_list(sorted(langs)), _yaml_list(sorted(langs))
    if field == "certifications":
        values = _certification_values(rubric)
        return (_yaml_list(values[:1]), _yaml_list(values[:1])) if values else None
    simple: dict[str, tuple[str, str]] = {
        "accessibility": ("[wcag-aa]", "[wcag-aa] (or another standard the rubric accepts)"),
        "license": ("EUPL-1.2", "an open licence (modelled as EUPL-1.2)"),
        "open_source": ("true", "true"),
        "export_controlled": ("false", "false"),
        "requires_connectivity": ("false", "false"),
        "weights": ("open", "open"),
        "training_summary": ("published", "published (a public summary exists)"),
        "legal_basis": ("public-task", "stated (modelled as public-task)"),
        "connectivity": ("private", "private"),
    }
    if field == "classification":
        value = inv.system.classification.value if inv.system.classification else "internal"
        return value, f"stated (modelled as {value}, the system's classification)"
    return simple.get(field)


def fact_candidates(
    state: PlanState, rubric: LoadedRubric
) -> tuple[list[Candidate], list[NotModelled]]:
    by_id = state.by_id
    out: list[Candidate] = []
    skipped: list[NotModelled] = []
    for (cid, name), rules in sorted(
        state.result.unknowns.items(), key=lambda kv: (kv[0][0] or "", kv[0][1])
    ):
        target_id, field = cid, name
        head, dot, rest = name.partition(".")
        if dot and head in by_id:
            target_id, field = head, rest
        comp = by_id.get(target_id) if target_id is not None else None
        fav = None
        reason = "a system or organization fact; state it in the inventory"
        if comp is not None:
            if field in Component.model_fields:
                fav = _favourable(state, comp, field, rubric)
                reason = "no favourable value can be modelled for this field"
            else:
                reason = "not a component field"
        if comp is None or fav is None:
            skipped.append(
                NotModelled(component=cid, field=name, rules=tuple(sorted(rules)), reason=reason)
            )
            continue
        value, said = fav
        out.append(
            Candidate(
                id=f"establish:{comp.id}:{field}",
                kind="establish",
                source="fact",
                summary=f"establish {field} of {comp.id}; if it is {said}",
                components=(comp.id,),
                edits=Edits(set_fields=((comp.id, field, value),)),
                modelled=(f"{field} of {comp.id}: unknown -> {value} (favourable outcome)",),
                depends=(f"{field} of {comp.id} established from a source",),
                assumes_fact=True,
                effort="fact-finding",
            )
        )
    return out, skipped
