"""Load an inventory: parse, validate against the v1 models, and check references.

Reference checks need to know which organization ids and trust groups exist beyond the
inventory (the catalog's); the caller passes them in, so this module stays a loader.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel

from sovcheck.errors import InputError, Location, Problem

if TYPE_CHECKING:
    from sovcheck.catalog import Catalog
from sovcheck.load.document import Document, PathItem, read_document
from sovcheck.load.validation import Suggester, did_you_mean, validate_model
from sovcheck.model.codes import country_codes
from sovcheck.model.inventory import (
    FORMAT_VERSION,
    KIND_FIELDS,
    RELATIONS,
    Inventory,
)


@dataclass(frozen=True)
class LoadedInventory:
    """An inventory with the file it came from and the position of each of its parts."""

    inventory: Inventory
    document: Document
    component_index: dict[str, int] = field(repr=False)
    organization_index: dict[str, int] = field(repr=False)

    @property
    def path(self) -> str:
        return self.document.path

    def locate(self, path: Sequence[PathItem]) -> Location:
        return self.document.source_map.locate(path)

    def component_location(self, component_id: str, field_name: str | None = None) -> Location:
        index = self.component_index[component_id]
        path: tuple[PathItem, ...] = ("components", index)
        if field_name:
            return self.document.source_map.locate_key((*path, field_name))
        return self.locate(path)

    def organization_location(self, org_id: str) -> Location | None:
        index = self.organization_index.get(org_id)
        return None if index is None else self.locate(("organizations", index))


def load_inventory(
    path: str | Path,
    *,
    catalog_organizations: Collection[str] = (),
    groups: Collection[str] = (),
    display_name: str | None = None,
) -> LoadedInventory:
    doc = read_document(path, display_name=display_name)
    return inventory_from_document(doc, catalog_organizations=catalog_organizations, groups=groups)


def load_for_catalog(
    path: str | Path, catalog: Catalog, *, display_name: str | None = None
) -> LoadedInventory:
    """``load_inventory`` with references checked against ``catalog``'s organizations and
    groups (what every command that audits does)."""
    return load_inventory(
        path,
        catalog_organizations=catalog.organizations.keys(),
        groups=catalog.group_members.keys(),
        display_name=display_name,
    )


def inventory_from_document(
    doc: Document, *, catalog_organizations: Collection[str] = (), groups: Collection[str] = ()
) -> LoadedInventory:
    _check_header(doc)
    inventory = validate_model(doc, Inventory)
    # The models hold everything from here on: let the parsed plain data go (a few hundred
    # megabytes for a large inventory); positions and the digest stay.
    doc = dataclasses.replace(doc, data=None)
    _share_fields_sets(inventory.components)
    _share_fields_sets(inventory.organizations)
    component_index = {c.id: i for i, c in enumerate(inventory.components)}
    organization_index = {o.id: i for i, o in enumerate(inventory.organizations)}
    loaded = LoadedInventory(inventory, doc, component_index, organization_index)
    problems = check_references(loaded, catalog_organizations, groups)
    if problems:
        raise InputError(problems)
    return loaded


def _share_fields_sets(models: Sequence[BaseModel]) -> None:
    """Models that were given the same fields share one fields-set (pydantic keeps one per
    instance, 700 bytes for a component: 700 MB for a million). They are frozen, and
    pydantic copies the set before changing it (model_copy)."""
    shared: dict[frozenset[str], set[str]] = {}
    for model in models:
        fields = model.__pydantic_fields_set__
        object.__setattr__(
            model, "__pydantic_fields_set__", shared.setdefault(frozenset(fields), fields)
        )


def _check_header(doc: Document) -> None:
    data: Any = doc.data
    smap = doc.source_map
    if not isinstance(data, dict):
        raise InputError(
            [
                Problem(
                    smap.locate(()),
                    "an inventory is a mapping with 'sovcheck', 'system' and 'components'",
                )
            ]
        )
    if "sovcheck" not in data:
        raise InputError(
            [
                Problem(
                    smap.locate(()),
                    "missing 'sovcheck: 1' (the inventory format version) at the top",
                )
            ]
        )
    version = data["sovcheck"]
    if version != FORMAT_VERSION or isinstance(version, bool):
        raise InputError(
            [
                Problem(
                    smap.locate(("sovcheck",)),
                    f"unsupported inventory format version {version!r}: this sovcheck reads version "
                    f"{FORMAT_VERSION}",
                )
            ]
        )
    components = data.get("components")
    if components is None or components == []:
        raise InputError(
            [
                Problem(
                    smap.locate(("components",)), "no components: an inventory needs at least one"
                )
            ]
        )


def check_references(
    loaded: LoadedInventory, catalog_organizations: Collection[str], groups: Collection[str]
) -> list[Problem]:
    inv = loaded.inventory
    smap = loaded.document.source_map
    problems: list[Problem] = []

    def at(path: tuple[PathItem, ...], message: str, key: bool = False) -> None:
        loc = smap.locate_key(path) if key else smap.locate(path)
        problems.append(Problem(loc, message))

    # unique ids
    first: dict[str, int] = {}
    for i, comp in enumerate(inv.components):
        if comp.id in first:
            at(
                ("components", i, "id"),
                f"duplicate component id '{comp.id}' (first at "
                f"line {smap.locate(('components', first[comp.id])).line})",
            )
        else:
            first[comp.id] = i
    org_first: dict[str, int] = {}
    for i, org in enumerate(inv.organizations):
        if org.id in org_first:
            at(("organizations", i, "id"), f"duplicate organization id '{org.id}'")
        else:
            org_first[org.id] = i

    component_ids = Suggester(sorted(first))
    known_orgs = set(org_first) | set(catalog_organizations)
    org_ids = Suggester(sorted(known_orgs))

    def check_org(path: tuple[PathItem, ...], org_id: str, what: str) -> None:
        if org_id not in known_orgs:
            at(
                path,
                f"{what} '{org_id}' is neither in 'organizations' nor in the catalog"
                f"{org_ids.did_you_mean(org_id)}",
            )

    # One pass over every component: its fields are read from the model's dict, and a
    # position is looked up only for a problem.
    relation_names = [relation.value for relation in RELATIONS]
    kind_fields = list(KIND_FIELDS.items())
    for i, comp in enumerate(inv.components):
        values = vars(comp)
        own_id = values["id"]
        for name in relation_names:
            targets = values[name]
            if not targets:
                continue
            for j, target in enumerate(targets):
                if target not in first:
                    at(
                        ("components", i, name, j),
                        f"{name} refers to '{target}', which is "
                        f"not a component of this inventory{component_ids.did_you_mean(target)}",
                    )
                elif target == own_id:
                    at(("components", i, name, j), f"component '{own_id}' cannot relate to itself")
        maintainers = values["maintainers"]
        if maintainers:
            for target in maintainers:
                if target not in first:
                    at(
                        ("components", i, "maintainers", target),
                        f"maintainers names '{target}', which is not a component of this "
                        f"inventory{component_ids.did_you_mean(target)}",
                        key=True,
                    )
        supplier = values["supplier"]
        if supplier is not None and supplier not in known_orgs:
            check_org(("components", i, "supplier"), supplier, "supplier")
        kind = values["kind"]
        for name, kinds in kind_fields:
            if values[name] is not None and kind not in kinds:
                allowed = ", ".join(sorted(k.value for k in kinds))
                at(
                    ("components", i, name),
                    f"field '{name}' applies to kind {allowed}, not {kind.value}",
                    key=True,
                )

    for i, org in enumerate(inv.organizations):
        if org.parent is not None:
            check_org(("organizations", i, "parent"), org.parent, "parent")
    problems.extend(_parent_cycles(loaded))

    if inv.system.entrypoints is not None:
        for j, entry in enumerate(inv.system.entrypoints):
            if entry not in first:
                at(
                    ("system", "entrypoints", j),
                    f"entrypoint '{entry}' is not a component{component_ids.did_you_mean(entry)}",
                )
    valid_trust = country_codes() | set(groups)
    for j, code in enumerate(inv.system.trusted):
        if code not in valid_trust:
            at(
                ("system", "trusted", j),
                f"'{code}' in trusted is neither an ISO 3166-1 alpha-2 "
                f"code nor a known group{did_you_mean(code, sorted(groups))}",
            )
    for i, waiver in enumerate(inv.waivers):
        if waiver.component is not None and waiver.component not in first:
            at(
                ("waivers", i, "component"),
                f"waiver names component '{waiver.component}', which "
                f"does not exist{component_ids.did_you_mean(waiver.component)}",
            )
    return problems


def _parent_cycles(loaded: LoadedInventory) -> list[Problem]:
    """Loops of parents, each once, entered where the walk from the first organization (by
    id) that reaches it enters it. Each organization is walked once: linear in their number."""
    parents = {o.id: o.parent for o in loaded.inventory.organizations if o.parent}
    problems = []
    walked: set[str] = set()
    for start in sorted(parents):
        chain: list[str] = []
        position: dict[str, int] = {}
        current: str | None = start
        while current is not None and current not in walked:
            walked.add(current)
            position[current] = len(chain)
            chain.append(current)
            current = parents.get(current)
        if current is not None and current in position:
            cycle = chain[position[current] :]
            index = loaded.organization_index[current]
            problems.append(
                Problem(
                    loaded.locate(("organizations", index, "parent")),
                    "organizations form a control loop: " + " -> ".join([*cycle, current]),
                )
            )
    return problems
