"""Read CycloneDX 1.4, 1.5 and 1.6 BOMs (JSON and XML) into the importer's common model.

The reader is written by hand over plain dicts and lists, on purpose. cyclonedx-python-lib
validates while it deserializes and rejects schema-invalid files, and real BOMs often are
invalid: a string where the schema wants an array, the same bom-ref on two objects,
dependencies that point at nothing, keys in any order. sovcheck must still read what such
a file says, so every field here is optional and may be a single value or a list.

XML is parsed with defusedxml: no DTD, no entity expansion, no external entity is ever
fetched. It is turned into the same dict shape as the JSON encoding, so one reader serves
both.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Any
from xml.etree.ElementTree import Element

from sovcheck.errors import InputError, Location, Problem
from sovcheck.importers.infer import Purl, country_code, parse_purl, purl_kind
from sovcheck.importers.mapping import (
    Bom,
    Item,
    Link,
    Party,
    classification_of,
    combine_licenses,
    describe_as_application,
    kind_reason,
)
from sovcheck.importers.xmlsafe import parse_xml
from sovcheck.model.inventory import Classification, Connectivity, Kind, Relation

CDX_NAMESPACE = re.compile(r"^\{http://cyclonedx\.org/schema/bom/(1\.\d+)\}")

_TYPE_KINDS = {
    "application": Kind.LIBRARY,  # the described application becomes Kind.APPLICATION
    "framework": Kind.LIBRARY,
    "library": Kind.LIBRARY,
    "container": Kind.LIBRARY,
    "platform": Kind.LIBRARY,
    "operating-system": Kind.LIBRARY,
    "device-driver": Kind.LIBRARY,
    "file": Kind.LIBRARY,
    "cryptographic-asset": Kind.LIBRARY,
    "device": Kind.CHIP,
    "firmware": Kind.CHIP,
    "machine-learning-model": Kind.MODEL,
    "data": Kind.DATASET,
}


def as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    if isinstance(value, list):
        return value
    return [value]


def text(value: Any) -> str | None:
    if type(value) is str:  # most values: first, and without the checks below
        return value.strip() or None
    if isinstance(value, dict):
        value = value.get("#text")
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, str) and value.strip():
        return value.strip()
    return None


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _urls(value: Any) -> tuple[str, ...]:
    return tuple(u for u in (text(v) for v in as_list(value)) if u)


def party(value: Any, role: str) -> Party | None:
    """A party from an organizationalEntity, an organizationalContact or a plain name."""
    if value is None:
        return None
    if isinstance(value, str):
        return Party(value.strip(), role) if value.strip() else None
    entity = _dict(value)
    name = text(entity.get("name"))
    urls = _urls(entity.get("url"))
    address = _dict(entity.get("address"))
    country = text(address.get("country"))
    if not name and not urls:
        return None
    return Party(name, role, urls, country)


def _full_name(obj: dict[str, Any], purl: Purl | None) -> str | None:
    """The component's name with its group, as its ecosystem writes them: an npm scope
    ``@colors/colors``, a Maven ``groupId:artifactId``, otherwise ``group/name``. Two
    packages of one name in different groups stay apart."""
    name = text(obj.get("name"))
    group = text(obj.get("group"))
    if not name or not group or name.startswith(f"{group}/") or name.startswith(f"{group}:"):
        return name
    maven = purl.type == "maven" if purl else ("." in group and "/" not in group)
    return f"{group}:{name}" if maven else f"{group}/{name}"


def licenses(value: Any) -> str | None:
    parts: list[str] = []
    for entry in as_list(value):
        if isinstance(entry, str):
            parts.append(entry)
            continue
        entry = _dict(entry)
        expression = text(entry.get("expression"))
        if expression:
            parts.append(expression)
            continue
        lic = _dict(entry.get("license")) or entry
        chosen = text(lic.get("id")) or text(lic.get("name"))
        if chosen:
            parts.append(chosen)
    return combine_licenses(parts)


class _Reader:
    def __init__(self, data: dict[str, Any]) -> None:
        self.data = data
        self.items: list[Item] = []
        self.auto = 0
        self.skipped: Counter[str] = Counter()
        self.flows: list[tuple[str, str, str]] = []  # caller key, callee key, how

    def key(self, obj: dict[str, Any]) -> str:
        ref = text(obj.get("bom-ref"))
        if ref:
            return ref
        self.auto += 1
        return f"\x00component-{self.auto}"

    # ---------------------------------------------------------------- components

    def component(self, obj: dict[str, Any], *, root: bool = False) -> Item:
        key = self.key(obj)
        cdx_type = text(obj.get("type"))
        purl_text = text(obj.get("purl"))
        purl = parse_purl(purl_text) if purl_text else None
        inferred: dict[str, str] = {}
        kind = _TYPE_KINDS.get(cdx_type or "")
        reason = kind_reason(cdx_type)
        if reason is not None:
            inferred["kind"] = reason  # the root's is dropped if it becomes the application
        if kind is None:
            from_purl = purl_kind(purl) if purl else None
            if from_purl is not None:
                kind, how = from_purl
            else:
                kind, how = Kind.LIBRARY, "no known component type; taken as a software dependency"
            inferred["kind"] = how
        item = Item(
            key=key,
            kind=kind,
            name=_full_name(obj, purl) or key.lstrip("\x00"),
            version=text(obj.get("version")),
            purl=purl_text,
            purl_parts=purl,
            license=licenses(obj.get("licenses")),
            inferred=inferred,
        )
        if root:
            describe_as_application(item, cdx_type)
        for role, field in (
            ("supplier", "supplier"),
            ("manufacturer", "manufacturer"),
            ("publisher", "publisher"),
        ):
            found = party(obj.get(field), role)
            if found:
                item.parties.append(found)
        for author in [*as_list(obj.get("authors")), *as_list(obj.get("author"))]:
            found = party(author, "author")
            if found:
                item.parties.append(found)
        item.urls.extend(self.reference_urls(obj))
        description = text(obj.get("description"))
        if description:
            item.notes.append(description)
        self.items.append(item)
        if kind is Kind.MODEL:
            self.model_card(item, _dict(obj.get("modelCard")))
        if kind is Kind.DATASET:
            for inner in as_list(obj.get("data")):
                self.dataset_details(item, _dict(inner))
        for child in as_list(obj.get("components")):
            if isinstance(child, dict):
                sub = self.component(child)
                # CycloneDX nests the parts a component is assembled from: the part is
                # in the component, which uses it (as SPDX's CONTAINS is read)
                item.links.append(
                    Link(sub.key, how=f"'{sub.name}' is nested in '{item.name}', so a part it uses")
                )
        return item

    def reference_urls(self, obj: dict[str, Any]) -> list[str]:
        urls = []
        for ref in as_list(obj.get("externalReferences")):
            url = text(_dict(ref).get("url"))
            if url:
                urls.append(url)
        return urls

    def dataset_details(self, item: Item, dataset: dict[str, Any]) -> None:
        """Owners, contents URL and classification of a CycloneDX dataset object."""
        governance = _dict(dataset.get("governance"))
        for owner in as_list(governance.get("owners")):
            owner = _dict(owner)
            found = party(owner.get("organization"), "owner") or party(
                owner.get("contact"), "owner"
            )
            if found:
                item.parties.append(found)
        url = text(_dict(dataset.get("contents")).get("url"))
        if url:
            item.urls.append(url)
        label = text(dataset.get("classification"))
        level = classification_of(label) if label else None
        if level is not None and "classification" not in item.facts:
            item.facts["classification"] = level.value
            if label != level.value:
                item.inferred["classification"] = (
                    f"dataset classification '{label}' in the BOM, read as {level.value}"
                )
        description = text(dataset.get("description"))
        if description and not item.notes:
            item.notes.append(description)

    def model_card(self, model: Item, card: dict[str, Any]) -> None:
        params = _dict(card.get("modelParameters"))
        for i, dataset in enumerate(as_list(params.get("datasets"))):
            if isinstance(dataset, str):
                model.links.append(Link(dataset, Relation.TRAINED_ON))
                continue
            dataset = _dict(dataset)
            ref = text(dataset.get("ref"))
            if ref:
                model.links.append(Link(ref, Relation.TRAINED_ON))
                continue
            name = text(dataset.get("name"))
            if not name:
                continue
            data_item = Item(
                key=text(dataset.get("bom-ref")) or f"{model.key}\x00dataset-{i}",
                kind=Kind.DATASET,
                name=name,
            )
            self.dataset_details(data_item, dataset)
            self.items.append(data_item)
            model.links.append(Link(data_item.key, Relation.TRAINED_ON))
        considerations = _dict(card.get("considerations"))
        environment = _dict(considerations.get("environmentalConsiderations"))
        for consumption in as_list(environment.get("energyConsumptions")):
            consumption = _dict(consumption)
            activity = text(consumption.get("activity")) or "an activity"
            for j, provider in enumerate(as_list(consumption.get("energyProviders"))):
                self.energy(model, activity, _dict(provider), j)

    def energy(self, model: Item, activity: str, provider: dict[str, Any], index: int) -> None:
        organization = party(provider.get("organization"), "supplier")
        description = text(provider.get("description"))
        name = description or (organization.name if organization else None) or "energy provider"
        item = Item(
            key=text(provider.get("bom-ref")) or f"{model.key}\x00energy-{activity}-{index}",
            kind=Kind.ENERGY,
            name=name,
            standalone=True,
        )
        if organization:
            item.parties.append(organization)
            if organization.country:
                code = country_code(organization.country)
                if code is not None:
                    item.facts["location"] = [code]
                    item.inferred["location"] = (
                        f"address country '{organization.country}' of the energy provider "
                        f"in the model card, read as ISO code {code}"
                    )
        source = text(provider.get("energySource"))
        item.notes.append(
            f"Energy for the {activity} of {model.name}"
            + (f" ({source})." if source else ".")
            + " Listed in the model card; not linked, as it is not needed to run the model."
        )
        self.items.append(item)

    # ---------------------------------------------------------------- services

    def service(self, obj: dict[str, Any]) -> Item:
        key = self.key(obj)
        item = Item(
            key=key,
            kind=Kind.SERVICE,
            name=text(obj.get("name")) or key.lstrip("\x00"),
            version=text(obj.get("version")),
            license=licenses(obj.get("licenses")),
        )
        found = party(obj.get("provider"), "provider")
        if found:
            item.parties.append(found)
        item.urls.extend(_urls(obj.get("endpoints")))
        item.urls.extend(self.reference_urls(obj))
        description = text(obj.get("description"))
        if description:
            item.notes.append(description)
        zone = text(obj.get("trustZone"))
        if zone and "internet" in zone.casefold():
            item.facts["connectivity"] = Connectivity.INTERNET.value
            item.inferred["connectivity"] = f"trust zone '{zone}'"
        levels: list[tuple[Classification | None, str]] = []
        for flow in as_list(obj.get("data")):
            self.data_flow(item, flow, levels)
        # Only when every flow's label says a level: "PII" says none, so the highest is unknown.
        if levels and all(level is not None for level, _ in levels):
            level, label = max(levels, key=lambda pair: pair[0].rank if pair[0] else 0)
            assert level is not None
            item.facts["classification"] = level.value
            item.inferred["classification"] = (
                f"highest data classification of its data flows: '{label}'"
            )
        self.items.append(item)
        for child in as_list(obj.get("services")):
            if isinstance(child, dict):
                self.service(child)
        return item

    def data_flow(
        self, service: Item, flow: Any, levels: list[tuple[Classification | None, str]]
    ) -> None:
        flow = _dict(flow)
        classification = flow.get("classification")
        direction = text(flow.get("flow")) or text(_dict(classification).get("flow"))
        label = text(classification)
        if label:
            levels.append((classification_of(label), label))
        name = text(flow.get("name")) or "data flow"
        if direction == "outbound":
            for ref in _flow_refs(flow.get("destination")):
                self.flows.append(
                    (service.key, ref, f"data flow '{name}' goes out of {service.name} to it")
                )
        elif direction == "inbound":
            for ref in _flow_refs(flow.get("source")):
                self.flows.append(
                    (ref, service.key, f"data flow '{name}' comes into it from there")
                )

    # ---------------------------------------------------------------- the BOM

    def read(self, spec_version: str, encoding: str) -> Bom:
        metadata = _dict(self.data.get("metadata"))
        roots: list[str] = []
        root_obj = metadata.get("component")
        if isinstance(root_obj, dict):
            root = self.component(root_obj, root=True)
            roots.append(root.key)
            for role, field in (
                ("supplier", "supplier"),
                ("manufacturer", "manufacturer"),
                ("manufacturer", "manufacture"),
            ):
                found = party(metadata.get(field), role)
                if found:
                    root.parties.append(found)
        for obj in as_list(self.data.get("components")):
            if isinstance(obj, dict):
                self.component(obj)
            else:
                self.skipped["component that is not an object"] += 1
        for obj in as_list(self.data.get("services")):
            if isinstance(obj, dict):
                self.service(obj)
            else:
                self.skipped["service that is not an object"] += 1
        self.dependencies()
        by_key: dict[str, Item] = {}
        for item in self.items:
            by_key.setdefault(item.key, item)
        for caller, callee, how in self.flows:
            source = by_key.get(caller)
            if source is None or callee not in by_key:
                self.skipped["data flow to or from nothing in the BOM"] += 1
                continue
            source.links.append(Link(callee, Relation.CALLS, how))
        return Bom(
            format="CycloneDX",
            version=spec_version,
            encoding=encoding,
            name=None,
            items=self.items,
            roots=roots,
            skipped=self.skipped,
        )

    def dependencies(self) -> None:
        by_key: dict[str, Item] = {}
        for item in self.items:
            by_key.setdefault(item.key, item)
        for entry in as_list(self.data.get("dependencies")):
            entry = _dict(entry)
            ref = text(entry.get("ref"))
            targets = [text(t) for t in as_list(entry.get("dependsOn"))]
            targets += [text(_dict(t).get("ref")) for t in as_list(entry.get("dependency"))]
            wanted = [t for t in targets if t]
            if not ref or not wanted:
                continue
            source = by_key.get(ref)
            if source is None:
                self.skipped["dependency entry for a reference not in the BOM"] += 1
                continue
            source.links.extend(Link(t) for t in wanted)


def _flow_refs(value: Any) -> list[str]:
    """BOM references in a data flow's source or destination (URLs to elsewhere are not)."""
    refs = []
    for entry in as_list(value):
        entry_text = text(entry) if not isinstance(entry, dict) else None
        candidates = [entry_text] if entry_text else list(_urls(_dict(entry).get("url")))
        for candidate in candidates:
            if candidate.startswith("urn:cdx:") and "#" in candidate:
                refs.append(candidate.split("#", 1)[1])
            elif "://" not in candidate:
                refs.append(candidate)
    return refs


def read_cyclonedx_json(data: dict[str, Any]) -> Bom:
    version = text(data.get("specVersion")) or "unknown"
    return _Reader(data).read(version, "JSON")


# --------------------------------------------------------------------------- XML

# Elements whose children form a list in the JSON encoding.
_LIST_ELEMENTS = frozenset(
    {
        "authors",
        "components",
        "custodians",
        "data",
        "datasets",
        "dependencies",
        "endpoints",
        "energyConsumptions",
        "externalReferences",
        "hashes",
        "licenses",
        "owners",
        "properties",
        "services",
        "stewards",
        "tags",
    }
)
MAX_XML_DEPTH = 64


def read_cyclonedx_xml(raw: bytes, name: str) -> Bom:
    root = parse_xml(raw, name)
    match = CDX_NAMESPACE.match(str(root.tag))
    if match is None or _local(root.tag) != "bom":
        raise InputError(
            [Problem(Location(name, 1, 1), "not a CycloneDX XML BOM (root element 'bom' expected)")]
        )
    namespace = match.group(0)
    data = _element(root, namespace, 0, name)
    return _Reader(_dict(data)).read(match.group(1), "XML")


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _element(element: Element, namespace: str, depth: int, name: str) -> Any:
    if depth > MAX_XML_DEPTH:
        raise InputError(
            [Problem(Location(name, 1, 1), f"XML nesting deeper than {MAX_XML_DEPTH} levels")]
        )
    tag = _local(element.tag)
    children = [c for c in element if isinstance(c.tag, str) and c.tag.startswith(namespace)]
    if tag in _LIST_ELEMENTS:
        if tag == "licenses":
            return [{_local(c.tag): _element(c, namespace, depth + 1, name)} for c in children]
        return [_element(c, namespace, depth + 1, name) for c in children]
    body = (element.text or "").strip()
    if not children and not element.attrib:
        return body
    result: dict[str, Any] = {_local(k): v for k, v in element.attrib.items()}
    if body and not children:
        result["#text"] = body
    repeated: set[str] = set()
    for child in children:
        key = _local(child.tag)
        value = _element(child, namespace, depth + 1, name)
        if key in repeated:
            result[key].append(value)
        elif key in result:
            result[key] = [result[key], value]
            repeated.add(key)
        else:
            result[key] = value
    return result
