"""From what a BOM says to an inventory: the common model every reader fills, and assembly.

A reader (CycloneDX, SPDX 2, SPDX 3) turns its format into :class:`Bom`: items with the
BOM's own references, parties (supplier, manufacturer, ...) and typed or untyped links.
:func:`assemble` then does what is the same for every format: ids, organizations matched
against the catalog, relation types, entrypoints, and the ``inferred`` marks.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from sovcheck.importers.infer import (
    CatalogIndex,
    IdAllocator,
    Publisher,
    Purl,
    catalog_index,
    country_code,
    hf_namespace_of_url,
    parse_purl,
    purl_publisher,
    slug,
    url_host,
)
from sovcheck.importers.licences import (
    is_spdx_expression,
    normalize_licences,
    split_and,
    unwrap,
)
from sovcheck.model.inventory import KIND_FIELDS, Classification, Kind, Relation

# The field order of a component in the inventory format; relations come last.
COMPONENT_FIELDS = (
    "id",
    "kind",
    "name",
    "version",
    "supplier",
    "location",
    "license",
    "open_source",
    "certifications",
    "connectivity",
    "classification",
    "export_controlled",
    "requires_connectivity",
    "weights",
    "languages",
    "personal_data",
    "legal_basis",
    "training_summary",
    "notes",
    "sources",
    "purl",
    "inferred",
)
RELATION_ORDER = (
    Relation.RUNS_ON,
    Relation.CALLS,
    Relation.USES,
    Relation.TRAINED_ON,
    Relation.POWERED_BY,
    Relation.MAINTAINED_BY,
    Relation.DEPENDS_ON,
)
NOTES_LIMIT = 300


@dataclass
class Party:
    """An organization or person the BOM names, in one role."""

    name: str | None
    role: str  # supplier, manufacturer, publisher, author, originator, provider, owner
    urls: tuple[str, ...] = ()
    country: str | None = None  # as written in an address
    person: bool = False


@dataclass
class Link:
    """An edge as the BOM gives it. ``relation`` None: typed from the two kinds."""

    target: str
    relation: Relation | None = None
    how: str | None = None  # set when the relation type itself is an inference


@dataclass
class Item:
    """One future component, under the BOM's own reference ``key``."""

    key: str
    kind: Kind
    name: str
    version: str | None = None
    purl: str | None = None
    # ``purl`` parsed, where the reader has parsed it already (else parsed when mapped)
    purl_parts: Purl | None = None
    parties: list[Party] = field(default_factory=list)
    urls: list[str] = field(default_factory=list)
    license: str | None = None
    facts: dict[str, Any] = field(default_factory=dict)
    inferred: dict[str, str] = field(default_factory=dict)
    links: list[Link] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    # Never an entrypoint, never attached to the root: training energy, test-only data,
    # development dependencies.
    standalone: bool = False


@dataclass
class Bom:
    format: str  # "CycloneDX", "SPDX"
    version: str  # "1.6", "2.3", "3.0.1"
    encoding: str  # "JSON", "XML", "JSON-LD"
    name: str | None
    items: list[Item]
    roots: list[str]  # keys of what the BOM describes (metadata.component, DESCRIBES)
    skipped: Counter[str] = field(default_factory=Counter)


@dataclass(frozen=True)
class Assembled:
    organizations: list[dict[str, Any]]
    components: list[dict[str, Any]]
    entrypoints: list[str]
    relation_count: int
    inferred_count: int


# What a BOM says the software it describes is, in any format's spelling (CycloneDX type,
# SPDX 2 primaryPackagePurpose, SPDX 3 software_primaryPurpose), when that software is the
# system's own application: a scan of an application, of its source tree, or of its image.
_ROOT_APPLICATION = frozenset({"", "application", "container", "source", "install"})


def describe_as_application(root: Item, written_type: str | None) -> None:
    """Make the software a BOM describes the application, the same way in every format."""
    if root.kind is Kind.LIBRARY and (written_type or "").casefold() in _ROOT_APPLICATION:
        root.kind = Kind.APPLICATION
        root.inferred.pop("kind", None)


def relation_for(source: Kind, target: Kind) -> Relation:
    """The typed relation a plain dependency stands for, from the kinds at its ends."""
    if source is _MODEL and target is _DATASET:
        return Relation.TRAINED_ON
    return _RELATION_TO.get(target, Relation.DEPENDS_ON)


# relation_for runs for every dependency of a BOM: the kinds are looked up once here.
_MODEL, _DATASET = Kind.MODEL, Kind.DATASET
_RELATION_TO = {
    Kind.SERVICE: Relation.CALLS,
    Kind.LIBRARY: Relation.USES,
    Kind.MODEL: Relation.USES,
    Kind.CHIP: Relation.USES,
}


_CLASSIFICATIONS = {
    "public": Classification.PUBLIC,
    "internal": Classification.INTERNAL,
    "restricted": Classification.RESTRICTED,
    "confidential": Classification.RESTRICTED,
    "secret": Classification.SECRET,
}


def classification_of(text: str) -> Classification | None:
    """A sovcheck classification named by ``text`` (only the words that say one)."""
    return _CLASSIFICATIONS.get(text.strip().casefold())


# SPDX's words for "not known" and "none stated", which every format's producers write.
UNSET = frozenset({"NOASSERTION", "NONE"})


def is_unset(value: str | None) -> bool:
    """Whether ``value`` says nothing: empty, NOASSERTION or NONE (unknown, in any format)."""
    return value is None or not value.strip() or value.strip().upper() in UNSET


def combine_licenses(parts: list[str]) -> str | None:
    """One licence text: an SPDX expression where the parts are ids or expressions."""
    unique = list(dict.fromkeys(p.strip() for p in parts if not is_unset(p)))
    if not unique:
        return None
    if len(unique) == 1:
        return unique[0]
    return " AND ".join(f"({p})" if " " in p else p for p in unique)


class _Organizations:
    """The organizations of the imported inventory, and the catalog ones it refers to."""

    def __init__(self, index: CatalogIndex, catalog_ids: frozenset[str]) -> None:
        self.index = index
        self.ids = IdAllocator(reserved=catalog_ids)
        self.defined: dict[str, dict[str, Any]] = {}  # normalized name -> organization
        self.inferred_count = 0

    def resolve(self, party: Party, publisher: Publisher | None) -> tuple[str, str | None] | None:
        """Organization id for ``party`` and how it was matched to the catalog (if it was)."""
        if is_unset(party.name):
            party = Party(None, party.role, party.urls, party.country, party.person)
        if party.name:
            org = self.index.match_name(party.name)
            if org is not None:
                return org, f"{party.role} name '{party.name}' matches catalog organization {org}"
            account = publisher.account if publisher else None
            if publisher and account and party.name.casefold() == account.casefold():
                found = self.index.match_publisher(publisher)
                if found is not None:
                    return found[0], f"{publisher.where}, {found[1]}"
        for url in party.urls:
            ns = hf_namespace_of_url(url)
            if ns is not None:
                org = self.index.match_hf(ns)
                if org is not None:
                    return (
                        org,
                        f"Hugging Face namespace '{ns}' in {url}, catalog organization {org}",
                    )
            host = url_host(url)
            if host is not None:
                found = self.index.match_host(host)
                if found is not None:
                    return found[0], (
                        f"domain {found[1]} of {party.role} URL {url}, catalog organization "
                        f"{found[0]}"
                    )
        name = party.name or _name_from_urls(party.urls)
        if not name:
            return None
        return self._define(name, party), None

    def _define(self, name: str, party: Party) -> str:
        key = " ".join(name.casefold().split())
        org = self.defined.get(key)
        if org is None:
            org = {"id": self.ids.take(slug(name, "organization")), "name": name}
            self.defined[key] = org
            if party.person:
                org["notes"] = "A person, not an organization."
        if party.country and "country" not in org:
            code = country_code(party.country)
            if code is not None:
                org["country"] = code
                if party.country.strip().upper() != code:
                    org.setdefault("inferred", {})["country"] = (
                        f"address country '{party.country}' in the BOM, read as ISO code {code}"
                    )
                    self.inferred_count += 1
        return str(org["id"])

    def listing(self) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        for org in self.defined.values():
            ordered: dict[str, Any] = {
                k: org[k] for k in ("id", "name", "country", "notes") if k in org
            }
            if "inferred" in org:
                ordered["inferred"] = org["inferred"]
            out.append(ordered)
        return out


def _name_from_urls(urls: tuple[str, ...]) -> str | None:
    for url in urls:
        host = url_host(url)
        if host:
            return host.removeprefix("www.")
    return None


def assemble(bom: Bom) -> Assembled:
    from sovcheck.catalog import builtin_catalog

    catalog_ids = frozenset(builtin_catalog().organizations)
    orgs = _Organizations(catalog_index(), catalog_ids)
    component_ids = IdAllocator()
    by_key: dict[str, Item] = {}
    id_of: dict[str, str] = {}
    for item in bom.items:
        if item.key in by_key:
            bom.skipped["repeated reference"] += 1
            continue
        by_key[item.key] = item
        name_slug = slug(item.name, item.kind.value)
        candidates = [name_slug]
        if item.version:
            candidates.append(slug(f"{item.name}-{item.version}", name_slug))
        id_of[item.key] = component_ids.take(*candidates)

    items = list(by_key.values())
    # Edges, typed and checked.
    edges: dict[str, dict[Relation, list[str]]] = {}
    incoming: set[str] = set()
    for item in items:
        rel_map: dict[Relation, list[str]] = {}
        for link in item.links:
            target = by_key.get(link.target)
            if target is None:
                bom.skipped["reference to nothing in the BOM"] += 1
                continue
            if target is item:
                continue
            relation = link.relation or relation_for(item.kind, target.kind)
            targets = rel_map.setdefault(relation, [])
            if id_of[target.key] in targets:
                continue
            targets.append(id_of[target.key])
            incoming.add(target.key)
            if link.how and relation.value not in item.inferred:
                item.inferred[relation.value] = link.how
            elif (
                link.relation is None
                and relation is Relation.TRAINED_ON
                and "trained_on" not in item.inferred
            ):
                item.inferred["trained_on"] = (
                    "a dependency of a model on a dataset, read as trained_on"
                )
        edges[item.key] = rel_map

    roots = [k for k in dict.fromkeys(bom.roots) if k in by_key]
    unreached = _unreached(items, roots, edges, {v: k for k, v in id_of.items()}, incoming)
    if roots:
        root = by_key[roots[0]]
        attached: dict[Relation, list[str]] = {}
        for item in unreached:
            relation = relation_for(root.kind, item.kind)
            edges[root.key].setdefault(relation, []).append(id_of[item.key])
            attached.setdefault(relation, []).append(id_of[item.key])
        for relation, ids in attached.items():
            shown = ", ".join(ids[:5]) + (f" and {len(ids) - 5} more" if len(ids) > 5 else "")
            root.inferred.setdefault(
                relation.value,
                f"{shown}: not reached by the BOM's dependencies, so taken as parts of "
                f"'{root.name}', which the BOM describes",
            )
        entrypoints = [id_of[k] for k in roots]
    else:
        entrypoints = [id_of[item.key] for item in unreached]

    components = []
    relation_count = 0
    for item in items:
        comp = _component(item, id_of[item.key], orgs)
        for relation in RELATION_ORDER:
            linked = edges[item.key].get(relation)
            if linked:
                comp[relation.value] = linked
                relation_count += len(linked)
        components.append(comp)
    inferred = orgs.inferred_count + sum(len(c.get("inferred", {})) for c in components)
    return Assembled(orgs.listing(), components, entrypoints, relation_count, inferred)


def _unreached(
    items: list[Item],
    roots: list[str],
    edges: dict[str, dict[Relation, list[str]]],
    key_of: dict[str, str],
    incoming: set[str],
) -> list[Item]:
    """The fewest items from which, with the roots, every item is reached: first those
    nothing depends on, then one item of each cycle that nothing outside it reaches (the
    first in the BOM's order). Standalone items are never taken, but what they reach is
    reached."""
    reached: set[str] = set()

    def visit(start: str) -> None:
        stack = [start]
        while stack:
            key = stack.pop()
            if key in reached:
                continue
            reached.add(key)
            stack.extend(key_of[t] for targets in edges[key].values() for t in targets)

    for key in roots:
        visit(key)
    for item in items:
        if item.standalone:
            visit(item.key)
    picked: list[Item] = []
    for first_pass in (True, False):
        for item in items:
            if item.key in reached or (first_pass and item.key in incoming):
                continue
            picked.append(item)
            visit(item.key)
    return picked


def _component(item: Item, comp_id: str, orgs: _Organizations) -> dict[str, Any]:
    values: dict[str, Any] = {"id": comp_id, "kind": item.kind.value, "name": item.name}
    if item.version:
        values["version"] = item.version
    purl = item.purl_parts or (parse_purl(item.purl) if item.purl else None)
    supplier = _supplier(item, purl_publisher(purl) if purl else None, orgs)
    if supplier is not None:
        values["supplier"] = supplier
    if item.license:
        _licence(item, values)
    values.update(item.facts)
    if item.kind is Kind.MODEL and "weights" not in values:
        how = _open_weights(item, purl)
        if how:
            values["weights"] = "open"
            item.inferred["weights"] = how
    notes = [n for n in item.notes if n]
    if "_licence_unknown" in values:
        notes.insert(0, values.pop("_licence_unknown"))
    if notes:
        text = " ".join(" ".join(n.split()) for n in notes)
        values["notes"] = text if len(text) <= NOTES_LIMIT else text[: NOTES_LIMIT - 1] + "…"
    if item.purl:
        values["purl"] = item.purl
    for name, kinds in KIND_FIELDS.items():
        if name in values and item.kind not in kinds:
            del values[name]
            item.inferred.pop(name, None)
    if item.inferred:
        values["inferred"] = dict(sorted(item.inferred.items()))
    return {k: values[k] for k in COMPONENT_FIELDS if k in values}


def _licence(item: Item, values: dict[str, Any]) -> None:
    """The component's licence as an SPDX expression; a trove classifier mapped (and
    marked), a name that is no SPDX licence left unknown and kept in the notes."""
    assert item.license is not None
    if is_spdx_expression(item.license):
        # "(A OR B)" and "A OR B" are one licence: formats differ in the parentheses
        values["license"] = unwrap(item.license)
        return
    found = normalize_licences(split_and(item.license))
    if found.expression:
        values["license"] = found.expression
    if found.how:
        item.inferred["license"] = found.how
    if found.unknown:
        names = ", ".join(f"'{n}'" for n in found.unknown)
        values["_licence_unknown"] = (
            f"Licence stated as {names}: not an SPDX licence, so left unknown."
        )


def _open_weights(item: Item, purl: Purl | None) -> str | None:
    """Why the model's weights can be downloaded, when a Hugging Face repository holds them."""
    if purl is not None and purl.type == "huggingface" and purl.namespace:
        return "a Hugging Face model repository (purl), so the weights can be downloaded"
    for url in item.urls:
        path = [s for s in url.split("://", 1)[-1].split("/")[1:] if s]
        if hf_namespace_of_url(url) is not None and len(path) >= 2 and path[0] != "datasets":
            return f"a Hugging Face model repository ({url}), so the weights can be downloaded"
    return None


def _supplier(item: Item, publisher: Publisher | None, orgs: _Organizations) -> str | None:
    for party in item.parties:
        found = orgs.resolve(party, publisher)
        if found is None:
            continue
        org_id, how = found
        if party.role != "supplier":
            taken = f"{party.role} '{party.name or ', '.join(party.urls)}' taken as supplier"
            item.inferred["supplier"] = f"{taken}; {how}" if how else taken
        elif how:
            item.inferred["supplier"] = how
        return org_id
    # No party: what the component's purl, or its Hugging Face URL, says of its publisher.
    # An account or a domain is not an organization: it is taken as one only where the
    # catalog says whose it is, and otherwise the supplier stays unknown.
    if publisher is None:
        for url in item.urls:
            ns = hf_namespace_of_url(url)
            if ns is not None:
                publisher = Publisher(f"Hugging Face account '{ns}' in {url}", "Hugging Face", ns)
                break
    if publisher is not None:
        matched = orgs.index.match_publisher(publisher)
        if matched is not None:
            item.inferred["supplier"] = f"{publisher.where}, {matched[1]}"
            return matched[0]
    for url in item.urls:
        host = url_host(url)
        found = orgs.index.match_host(host) if host else None
        if found is not None:
            item.inferred["supplier"] = (
                f"domain {found[1]} of {url}, catalog organization {found[0]}"
            )
            return found[0]
    if publisher is not None and publisher.account is not None:
        item.notes.append(
            f"Supplier unknown: the {publisher.where} is an account, not an organization, "
            "and the catalog does not say whose it is."
        )
    elif publisher is not None:
        item.notes.append(
            f"Supplier unknown: the {publisher.where} names the domain {publisher.domain}, "
            "which the catalog gives to no organization."
        )
    return None


# What a BOM says a component is, where the inventory has no kind of its own for it: the
# kind it is taken as is an inference, marked with this reason (the same in every format,
# so that the same system gives the same inventory).
_KIND_REASONS = {
    "container": "a container image: no inventory kind of its own, taken as a software dependency",
    "platform": "a platform (such as Kubernetes or a runtime): no inventory kind of its own, "
    "taken as a software dependency",
    "operating-system": "an operating system: no inventory kind of its own, taken as a "
    "software dependency",
    "device-driver": "a device driver: taken as a software dependency",
    "cryptographic-asset": "a cryptographic asset (a CBOM algorithm, key or certificate): no "
    "inventory kind of its own, taken as a software dependency",
    "firmware": "firmware: counted with the hardware it runs on, as a chip",
    "device": "a hardware device: taken as a chip, the inventory's hardware kind",
}


@lru_cache(maxsize=256)  # a BOM names a handful of types, each on thousands of components
def kind_reason(purpose: str | None) -> str | None:
    """The reason to mark the kind inferred, for a BOM's component type or package purpose
    in any spelling (CycloneDX ``operating-system``, SPDX 2 ``OPERATING-SYSTEM``, SPDX 3
    ``operatingSystem``)."""
    if not purpose:
        return None
    spelled = re.sub(r"(?<=[a-z])(?=[A-Z])", "-", purpose).replace("_", "-").lower()
    return _KIND_REASONS.get(spelled)
