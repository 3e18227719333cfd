"""Read SPDX 2.3 JSON (and tag-value, through ``spdx_tagvalue``) and SPDX 3.0 JSON-LD (with
the AI and Dataset profiles).

Written by hand over plain dicts, like the CycloneDX reader: spdx-tools does not read
SPDX 3.0 JSON-LD with the AI and Dataset profiles robustly, and published examples contain
data errors (wrong names, repeated relationship ids) that a strict parser refuses. Every
field is optional here; what a file does not say stays unknown.

Relationship types: ``dependsOn`` (and links, prerequisites, ``contains``) become typed
relations from the kinds at both ends; ``trainedOn`` becomes ``trained_on``. ``testedOn``
is not imported: evaluating a model on a dataset does not make the running system depend
on that dataset, and no data of the system flows into it; the header counts them.
"""

from __future__ import annotations

import dataclasses
import re
from collections import Counter, deque
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote, urlsplit

from sovcheck.importers.cyclonedx import as_list, text
from sovcheck.importers.infer import parse_purl, purl_kind
from sovcheck.importers.mapping import (
    Bom,
    Item,
    Link,
    Party,
    combine_licenses,
    describe_as_application,
    is_unset,
    kind_reason,
)
from sovcheck.model.inventory import Classification, Kind, Relation

_UNSET = frozenset({"NOASSERTION", "NONE", ""})

# --------------------------------------------------------------------------- SPDX 2

_SPDX2_PURPOSES = {
    "APPLICATION": Kind.LIBRARY,  # the described package becomes Kind.APPLICATION
    "FRAMEWORK": Kind.LIBRARY,
    "LIBRARY": Kind.LIBRARY,
    "CONTAINER": Kind.LIBRARY,
    "OPERATING-SYSTEM": Kind.LIBRARY,
    "SOURCE": Kind.LIBRARY,
    "ARCHIVE": Kind.LIBRARY,
    "FILE": Kind.LIBRARY,
    "INSTALL": Kind.LIBRARY,
    "OTHER": Kind.LIBRARY,
    "DEVICE": Kind.CHIP,
    "FIRMWARE": Kind.CHIP,
}
# relationship type -> True when the element depends on the related one, False for reverse
_SPDX2_LINKS = {
    "DEPENDS_ON": True,
    "CONTAINS": True,
    "DYNAMIC_LINK": True,
    "STATIC_LINK": True,
    "HAS_PREREQUISITE": True,
    "DEPENDENCY_OF": False,
    "RUNTIME_DEPENDENCY_OF": False,
    "BUILD_DEPENDENCY_OF": False,
    "OPTIONAL_DEPENDENCY_OF": False,
    "PROVIDED_DEPENDENCY_OF": False,
    "CONTAINED_BY": False,
    "PREREQUISITE_FOR": False,
}
_SPDX2_NOT_RUNTIME = frozenset(
    {"DEV_DEPENDENCY_OF", "TEST_DEPENDENCY_OF", "TEST_OF", "DEV_TOOL_OF"}
)
_ACTOR = re.compile(r"^\s*(Organization|Person|Tool)\s*:\s*(.*?)\s*(?:\(([^)]*)\))?\s*$")


def _actor(value: Any, role: str) -> Party | None:
    raw = text(value)
    if not raw or raw.upper() in _UNSET:
        return None
    match = _ACTOR.match(raw)
    if match is None:
        return Party(raw, role)
    what, name, _email = match.groups()
    if what == "Tool" or not name:
        return None
    return Party(name, role, person=what == "Person")


def _external(ref: str) -> bool:
    """NOASSERTION, NONE, or an element of another document (DocumentRef-x:SPDXRef-y)."""
    return ref.upper() in _UNSET or ":" in ref


def read_spdx2(data: dict[str, Any], *, encoding: str = "JSON") -> Bom:
    version = (text(data.get("spdxVersion")) or "SPDX-2").removeprefix("SPDX-")
    items: dict[str, Item] = {}
    skipped: Counter[str] = Counter()
    for n, package in enumerate(as_list(data.get("packages"))):
        if not isinstance(package, dict):
            skipped["package that is not an object"] += 1
            continue
        key = text(package.get("SPDXID")) or f"\x00package-{n}"
        item = _spdx2_package(key, package)
        items.setdefault(key, item)
    known = set(items)
    for group in ("files", "snippets"):
        for element in as_list(data.get(group)):
            if isinstance(element, dict) and text(element.get("SPDXID")):
                known.add(str(text(element.get("SPDXID"))))
    document = text(data.get("SPDXID")) or "SPDXRef-DOCUMENT"
    known.add(document)
    roots = [str(t) for t in (text(r) for r in as_list(data.get("documentDescribes"))) if t]
    not_runtime: set[str] = set()
    for rel in as_list(data.get("relationships")):
        if not isinstance(rel, dict):
            continue
        kind = (text(rel.get("relationshipType")) or "").upper()
        a, b = text(rel.get("spdxElementId")), text(rel.get("relatedSpdxElement"))
        if not a or not b:
            continue
        if kind == "DESCRIBES" and a == document:
            roots.append(b)
        elif kind == "DESCRIBED_BY" and b == document:
            roots.append(a)
        elif kind in _SPDX2_NOT_RUNTIME:
            skipped[f"{kind} relationship (not needed at run time)"] += 1
            if a in items:
                not_runtime.add(a)
        elif kind in _SPDX2_LINKS:
            source, target = (a, b) if _SPDX2_LINKS[kind] else (b, a)
            if source in items and target in items:
                items[source].links.append(Link(target))
            elif not _external(a) and not _external(b) and (a not in known or b not in known):
                skipped["relationship to nothing in the BOM"] += 1
    for key in not_runtime:
        # Only a development or test dependency: not attached to what the BOM describes.
        items[key].standalone = True
    package_roots = [r for r in dict.fromkeys(roots) if r in items]
    for key in package_roots[:1]:
        root = items[key]
        describe_as_application(root, text(root.facts.pop("_purpose", None)))
    for item in items.values():
        item.facts.pop("_purpose", None)
    return Bom(
        format="SPDX",
        version=version,
        encoding=encoding,
        name=text(data.get("name")),
        items=list(items.values()),
        roots=package_roots,
        skipped=skipped,
    )


def _spdx2_package(key: str, package: dict[str, Any]) -> Item:
    purl_text = None
    for ref in as_list(package.get("externalRefs")):
        if isinstance(ref, dict) and (text(ref.get("referenceType")) or "").lower() == "purl":
            purl_text = text(ref.get("referenceLocator"))
            break
    purpose = (text(package.get("primaryPackagePurpose")) or "").upper()
    inferred: dict[str, str] = {}
    kind = _SPDX2_PURPOSES.get(purpose)
    if kind is None:
        kind, how = _kind_without_purpose(purl_text)
        inferred["kind"] = how
    elif (reason := kind_reason(purpose)) is not None:
        inferred["kind"] = reason
    item = Item(
        key=key,
        kind=kind,
        name=text(package.get("name")) or key,
        version=text(package.get("versionInfo")),
        purl=purl_text,
        inferred=inferred,
    )
    item.facts["_purpose"] = purpose
    for role, field in (("supplier", "supplier"), ("originator", "originator")):
        found = _actor(package.get(field), role)
        if found:
            item.parties.append(found)
    for field in ("downloadLocation", "homepage"):
        url = text(package.get(field))
        if url and url.upper() not in _UNSET:
            item.urls.append(url)
    concluded = text(package.get("licenseConcluded"))
    declared = text(package.get("licenseDeclared"))
    for lic in (concluded, declared):
        if lic and lic.upper() not in _UNSET:
            item.license = lic
            break
    description = text(package.get("description")) or text(package.get("summary"))
    if description:
        item.notes.append(description)
    return item


def _kind_without_purpose(purl_text: str | None) -> tuple[Kind, str]:
    purl = parse_purl(purl_text) if purl_text else None
    found = purl_kind(purl) if purl else None
    if found is not None:
        return found
    return Kind.LIBRARY, "no package purpose; taken as a software dependency"


# --------------------------------------------------------------------------- SPDX 3

_SPDX3_PURPOSES = {
    "application": Kind.LIBRARY,  # the root element becomes Kind.APPLICATION
    "model": Kind.MODEL,
    "data": Kind.DATASET,
    "device": Kind.CHIP,
    "firmware": Kind.CHIP,
}
_SPDX3_PACKAGES = {
    "software_Package": None,
    "ai_AIPackage": Kind.MODEL,
    "dataset_DatasetPackage": Kind.DATASET,
}
_SPDX3_LINKS = frozenset(
    {"dependsOn", "hasDynamicLink", "hasStaticLink", "hasPrerequisite", "hasProvidedDependency"}
)
_DOCUMENTS = frozenset({"SpdxDocument", "software_Sbom", "Bom"})
# SPDX 3 names the type packageUrl; sbom-tool writes purl.
_PURL_IDENTIFIER_TYPES = frozenset({"packageUrl", "purl"})
_NOT_RUNTIME_SCOPES = frozenset({"test", "development"})
# Traffic Light Protocol levels of dataset_confidentialityLevel.
_CONFIDENTIALITY = {
    "clear": Classification.PUBLIC,
    "green": Classification.INTERNAL,
    "amber": Classification.RESTRICTED,
    "red": Classification.SECRET,
}
_TERMS = re.compile(r"/terms/([A-Za-z]+)/([A-Za-z]+)$")


def _type(element: dict[str, Any]) -> str:
    raw = text(element.get("type")) or text(element.get("@type")) or ""
    match = _TERMS.search(raw)
    if match:
        profile, name = match.groups()
        return name if profile == "Core" else f"{profile.lower()}_{name}"
    return raw


def _relationship_type(written: str) -> tuple[str, bool]:
    """The SPDX 3 relationship type ``written`` stands for, and whether it runs backwards.

    Producers such as sbom-tool write SPDX 3 relationships with SPDX 2 spellings
    (``DEPENDS_ON``, ``CONTAINS``, ``DESCRIBES``); they mean SPDX 3's ``dependsOn`` and so on.
    The SPDX 2 reverse types (``DEPENDENCY_OF``) are read with their ends swapped.
    """
    if not written.isupper():
        return written, False
    forward = _SPDX2_LINKS.get(written, True)
    if not forward:
        written = "CONTAINS" if written == "CONTAINED_BY" else "DEPENDS_ON"
    words = written.lower().split("_")
    return words[0] + "".join(w.capitalize() for w in words[1:]), not forward


def _id(element: dict[str, Any]) -> str | None:
    return text(element.get("spdxId")) or text(element.get("@id"))


@dataclass
class _Relationships:
    contains: dict[str, list[str]] = dataclasses.field(default_factory=dict)
    licenses: dict[str, dict[str, list[str]]] = dataclasses.field(default_factory=dict)
    not_runtime: set[str] = dataclasses.field(default_factory=set)
    described: list[str] = dataclasses.field(default_factory=list)  # targets of "describes"


class _Spdx3:
    def __init__(self, graph: list[Any]) -> None:
        self.elements: dict[str, dict[str, Any]] = {}
        self.skipped: Counter[str] = Counter()
        for element in graph:
            if isinstance(element, dict):
                key = _id(element)
                if key:
                    self.elements.setdefault(key, element)

    def agent(self, ref: Any, role: str) -> Party | None:
        element = ref if isinstance(ref, dict) else self.elements.get(text(ref) or "", {})
        iri = text(ref) if not isinstance(ref, dict) else _id(ref)
        urls: list[str] = []
        if iri and iri.startswith(("http://", "https://")):
            urls.append(iri)
        for ident in as_list(element.get("externalIdentifier")):
            if isinstance(ident, dict):
                urls.extend(
                    u for u in (text(x) for x in as_list(ident.get("identifierLocator"))) if u
                )
        name = text(element.get("name"))
        if not name and iri:
            segments = [s for s in urlsplit(iri).path.split("/") if s]
            name = unquote(segments[-1]) if segments else None
        person = _type(element) == "Person"
        if name:
            # sbom-tool names agents the SPDX 2 way: "Organization: Microsoft", "NOASSERTION".
            written = _actor(name, role)
            name = written.name if written else None
            person = person or bool(written and written.person)
        if not name and not urls:
            return None
        return Party(name, role, tuple(urls), person=person)

    def license_text(self, ref: str) -> str | None:
        element = self.elements.get(ref)
        if element is None:
            if ref.startswith("https://spdx.org/licenses/"):
                return ref.rsplit("/", 1)[-1]
            return None
        kind = _type(element)
        if kind == "simplelicensing_LicenseExpression":
            return text(element.get("simplelicensing_licenseExpression"))
        if kind in {"expandedlicensing_ListedLicense", "expandedlicensing_ListedLicenseException"}:
            return ref.rsplit("/", 1)[-1]
        if kind == "expandedlicensing_CustomLicense":
            name = text(element.get("name"))
            return f"LicenseRef-{name}" if name else "LicenseRef-custom"
        return None

    def package(self, key: str, element: dict[str, Any], kind_of_type: Kind | None) -> Item:
        purl_text = text(element.get("software_packageUrl"))
        for ref in as_list(element.get("externalIdentifier")):
            # inline, or (as sbom-tool writes it) a reference to an element of the graph
            ident = ref if isinstance(ref, dict) else self.elements.get(text(ref) or "")
            if (
                isinstance(ident, dict)
                and text(ident.get("externalIdentifierType")) in _PURL_IDENTIFIER_TYPES
            ):
                purl_text = purl_text or text(ident.get("identifier"))
        purpose = text(element.get("software_primaryPurpose")) or ""
        inferred: dict[str, str] = {}
        kind = kind_of_type or _SPDX3_PURPOSES.get(purpose)
        if (reason := kind_reason(purpose)) is not None:
            inferred["kind"] = reason
        if kind is None:
            if purpose:
                kind = Kind.LIBRARY
            else:
                kind, how = _kind_without_purpose(purl_text)
                inferred["kind"] = how
        item = Item(
            key=key,
            kind=kind,
            name=text(element.get("name")) or key,
            version=text(element.get("software_packageVersion")),
            purl=purl_text,
            inferred=inferred,
        )
        supplier = self.agent(element.get("suppliedBy"), "supplier")
        if supplier:
            item.parties.append(supplier)
        for originator in as_list(element.get("originatedBy")):
            found = self.agent(originator, "originator")
            if found:
                item.parties.append(found)
        for field in ("software_downloadLocation", "software_homePage"):
            url = text(element.get(field))
            if url and url.upper() not in _UNSET:
                item.urls.append(url)
        description = text(element.get("description")) or text(element.get("comment"))
        if description:
            item.notes.append(description)
        if kind is Kind.DATASET:
            level_text = text(element.get("dataset_confidentialityLevel"))
            level = _CONFIDENTIALITY.get((level_text or "").casefold())
            if level is not None:
                item.facts["classification"] = level.value
                item.inferred["classification"] = (
                    f"dataset confidentiality level '{level_text}' (Traffic Light Protocol), "
                    f"read as {level.value}"
                )
            sensitive = text(element.get("dataset_hasSensitivePersonalInformation"))
            if sensitive and sensitive.casefold() == "yes":
                item.facts["personal_data"] = True
                item.inferred["personal_data"] = "dataset_hasSensitivePersonalInformation 'yes'"
        return item

    def read(self, version: str) -> Bom:
        items: dict[str, Item] = {}
        for key, element in self.elements.items():
            kind = _type(element)
            if kind in _SPDX3_PACKAGES:
                items[key] = self.package(key, element, _SPDX3_PACKAGES[kind])
        rels = _Relationships()
        contains, licenses, not_runtime = rels.contains, rels.licenses, rels.not_runtime
        for element in self.elements.values():
            if not _type(element).endswith("Relationship"):
                continue
            rel, backwards = _relationship_type(text(element.get("relationshipType")) or "")
            source = text(element.get("from"))
            targets = [t for t in (text(x) for x in as_list(element.get("to"))) if t]
            if not source:
                continue
            ends = [(t, [source]) for t in targets] if backwards else [(source, targets)]
            for source, targets in ends:
                self.relationship(rel, source, targets, element, items, rels)
        for key, item in items.items():
            for target in _contained_packages(key, contains, items):
                item.links.append(Link(target))
            by_type = licenses.get(key, {})
            for rel in ("hasConcludedLicense", "hasDeclaredLicense"):
                found = [
                    lic
                    for lic in (self.license_text(t) for t in by_type.get(rel, []))
                    if lic and not is_unset(lic)
                ]
                if found:  # a concluded NOASSERTION leaves the declared licence to say
                    item.license = combine_licenses(found)
                    break
        for key in not_runtime:
            if key in items:
                # Only tested on or a development dependency: not attached to the root.
                items[key].standalone = True
        roots = [r for r in self.roots(rels.described) if r in items]
        if roots:
            root = items[roots[0]]
            describe_as_application(
                root, text(self.elements[roots[0]].get("software_primaryPurpose"))
            )
        return Bom(
            format="SPDX",
            version=version,
            encoding="JSON-LD",
            name=next(
                (
                    text(e.get("name"))
                    for e in self.elements.values()
                    if _type(e) == "SpdxDocument" and text(e.get("name"))
                ),
                None,
            ),
            items=list(items.values()),
            roots=roots,
            skipped=self.skipped,
        )

    def relationship(
        self,
        rel: str,
        source: str,
        targets: list[str],
        element: dict[str, Any],
        items: dict[str, Item],
        found: _Relationships,
    ) -> None:
        if rel in {"hasConcludedLicense", "hasDeclaredLicense"}:
            found.licenses.setdefault(source, {}).setdefault(rel, []).extend(targets)
        elif rel == "contains":
            found.contains.setdefault(source, []).extend(targets)
        elif rel == "describes":
            # sbom-tool writes SPDX 2's "SPDXRef-DOCUMENT" as the source, an id no element has
            document = source not in self.elements and source.endswith("SPDXRef-DOCUMENT")
            if document or _type(self.elements.get(source, {})) in _DOCUMENTS:
                found.described.extend(targets)
        elif rel == "testedOn":
            self.skipped["testedOn relationship (not imported)"] += 1
            found.not_runtime.update(targets)
        elif rel in _SPDX3_LINKS or rel == "trainedOn":
            if text(element.get("scope")) in _NOT_RUNTIME_SCOPES:
                self.skipped[f"{rel} relationship scoped to test or development"] += 1
                found.not_runtime.update(targets)
                return
            if source not in items:
                self.skipped["relationship from something that is not a package"] += 1
                return
            relation = Relation.TRAINED_ON if rel == "trainedOn" else None
            for target in targets:
                if target in items or target not in self.elements:
                    items[source].links.append(Link(target, relation))

    def roots(self, described: list[str]) -> list[str]:
        """Root elements of the document, through the SBOMs it holds, then what a
        document or SBOM ``describes`` (the SPDX 2 way, which some producers keep)."""
        found: list[str] = []
        queue = deque(key for key, e in self.elements.items() if _type(e) == "SpdxDocument")
        queue.extend(described)
        seen: set[str] = set()
        while queue:
            key = queue.popleft()
            if key in seen:
                continue
            seen.add(key)
            element = self.elements.get(key)
            if element is None:
                continue
            kind = _type(element)
            if kind in _SPDX3_PACKAGES:
                found.append(key)
                continue
            queue.extend(t for t in (text(r) for r in as_list(element.get("rootElement"))) if t)
        return found


def _contained_packages(
    start: str, contains: dict[str, list[str]], packages: dict[str, Item]
) -> list[str]:
    """Packages ``start`` contains, directly or through files and directories."""
    found: list[str] = []
    seen = {start}
    queue = deque(contains.get(start, []))
    while queue:
        key = queue.popleft()
        if key in seen:
            continue
        seen.add(key)
        if key in packages:
            found.append(key)
        else:
            queue.extend(contains.get(key, []))
    return found


def read_spdx3(data: dict[str, Any]) -> Bom:
    graph = as_list(data.get("@graph"))
    version = "3.0"
    for element in graph:
        if isinstance(element, dict) and _type(element) == "CreationInfo":
            version = text(element.get("specVersion")) or version
            break
    return _Spdx3(graph).read(version)
