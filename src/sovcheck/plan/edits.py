"""Changes to a copy of an inventory, as the what-if options express them."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from sovcheck.catalog import Catalog
from sovcheck.errors import InputError
from sovcheck.load.document import parse_document
from sovcheck.load.inventory import LoadedInventory
from sovcheck.load.validation import did_you_mean
from sovcheck.model.inventory import (
    KIND_FIELDS,
    RELATIONS,
    Component,
    Inventory,
)


@dataclass(frozen=True)
class Edits:
    """Changes to an inventory, as the what-if options express them."""

    replace: tuple[tuple[str, str], ...] = ()
    set_fields: tuple[tuple[str, str, str], ...] = ()

    def options(self) -> tuple[str, ...]:
        return tuple(f"--replace {a}={b}" for a, b in self.replace) + tuple(
            f"--set {c}.{f}={v}" for c, f, v in self.set_fields
        )


def _org_known(org_id: str, inventory: Inventory, catalog: Catalog) -> bool:
    return org_id in catalog.organizations or any(o.id == org_id for o in inventory.organizations)


def _parse_value(text: str, option: str) -> Any:
    if text.strip() in ("", "null", "~"):
        return None
    doc = parse_document(text.encode("utf-8"), option, as_json=False)
    return doc.data


# Fields whose change can change what the entrypoints reach (see _entrypoint_ids).
_STRUCTURAL_FIELDS = frozenset({*(r.value for r in RELATIONS), "substitutes"})


def apply_edits(
    inventory: Inventory, edits: Edits, catalog: Catalog
) -> tuple[Inventory, tuple[str, ...]]:
    """Apply ``edits`` (replacements first, then fields, in order) to a copy of ``inventory``.

    Returns the new inventory and the components dropped because the entrypoints reached
    them before and no longer do, and nothing refers to them. Problems raise InputError
    naming the option.

    An edit that changes no relation, no ``substitutes`` and replaces no component by
    another leaves what the entrypoints reach as it was: nothing is dropped, and the edit
    costs what it changes, not walks of the whole inventory.
    """
    original = inventory
    components = {c.id: c for c in inventory.components}
    order = [c.id for c in inventory.components]

    def ids() -> list[str]:  # for messages only
        return sorted(components)

    structural = any(other in components for _, other in edits.replace) or any(
        field in _STRUCTURAL_FIELDS for _, field, _ in edits.set_fields
    )
    for target, other in edits.replace:
        option = f"--replace {target}={other}"
        if target not in components:
            raise InputError(
                f"{option}: '{target}' is not a component of this inventory"
                f"{did_you_mean(target, ids())}"
            )
        if other in components:
            if other == target:
                raise InputError(f"{option}: a component cannot replace itself")
            for cid in order:
                comp = components[cid]
                update: dict[str, Any] = {}
                for relation in RELATIONS:
                    targets = comp.targets(relation)
                    if target in targets:
                        new: list[str] = []
                        for t in targets:
                            t2 = other if t == target else t
                            if t2 != cid and t2 not in new:
                                new.append(t2)
                        update[relation.value] = tuple(new)
                if update:
                    components[cid] = comp.model_copy(update=update)
            system = inventory.system
            if system.entrypoints is not None and target in system.entrypoints:
                eps = tuple(dict.fromkeys(other if e == target else e for e in system.entrypoints))
                inventory = inventory.model_copy(
                    update={"system": system.model_copy(update={"entrypoints": eps})}
                )
        elif _org_known(other, inventory, catalog):
            components[target] = components[target].model_copy(update={"supplier": other})
        else:
            known = sorted(set(components) | set(catalog.organizations))
            raise InputError(
                f"{option}: '{other}' is neither a component of this inventory nor an "
                f"organization{did_you_mean(other, known)}"
            )
    for cid, field, value_text in edits.set_fields:
        option = f"--set {cid}.{field}={value_text}"
        if cid not in components:
            raise InputError(
                f"{option}: '{cid}' is not a component of this inventory{did_you_mean(cid, ids())}"
            )
        fields = [f for f in Component.model_fields if f != "id"]
        if field not in fields:
            raise InputError(
                f"{option}: components have no field '{field}'{did_you_mean(field, fields)}"
            )
        value = _parse_value(value_text, option)
        comp = components[cid]
        data = comp.model_dump(mode="json", exclude_none=True)
        if value is None:
            data.pop(field, None)
        else:
            data[field] = value
        try:
            new_comp = Component.model_validate(data)
        except ValidationError as exc:
            detail = "; ".join(e["msg"] for e in exc.errors(include_url=False))
            raise InputError(f"{option}: {detail}") from None
        kinds = KIND_FIELDS.get(field)
        if kinds is not None and value is not None and new_comp.kind not in kinds:
            allowed = ", ".join(sorted(k.value for k in kinds))
            raise InputError(
                f"{option}: field '{field}' applies to kind {allowed}, not {new_comp.kind.value}"
            )
        if (
            field == "supplier"
            and value is not None
            and not _org_known(str(new_comp.supplier), inventory, catalog)
        ):
            raise InputError(
                f"{option}: supplier '{new_comp.supplier}' is neither in 'organizations' "
                "nor in the catalog"
            )
        components[cid] = new_comp
    if not structural:
        return inventory.model_copy(update={"components": tuple(components[c] for c in order)}), ()
    # relation targets must exist
    for cid in order:
        comp = components[cid]
        for relation in RELATIONS:
            for t in comp.targets(relation):
                if t not in components or t == cid:
                    raise InputError(
                        f"{cid}.{relation.value}: '{t}' is not another component of this "
                        f"inventory{did_you_mean(t, ids())}"
                    )
    starts = _entrypoint_ids(original)
    reached_before = _reached(original.components, starts)
    kept, removed = _prune([components[c] for c in order], starts, reached_before)
    return inventory.model_copy(update={"components": tuple(kept)}), removed


def _entrypoint_ids(inventory: Inventory) -> tuple[str, ...]:
    if inventory.system.entrypoints is not None:
        return inventory.system.entrypoints
    referenced: set[str] = set()
    for comp in inventory.components:
        for relation in RELATIONS:
            referenced.update(comp.targets(relation))
        referenced.update(comp.substitutes)
    return tuple(c.id for c in inventory.components if c.id not in referenced)


def _reached(components: Sequence[Component], starts: Iterable[str]) -> set[str]:
    by_id = {c.id: c for c in components}
    seen = {s for s in starts if s in by_id}
    queue = sorted(seen)
    while queue:
        comp = by_id[queue.pop()]
        for relation in RELATIONS:
            for t in comp.targets(relation):
                if t in by_id and t not in seen:
                    seen.add(t)
                    queue.append(t)
    return seen


def _prune(
    components: list[Component], starts: Sequence[str], reached_before: set[str]
) -> tuple[list[Component], tuple[str, ...]]:
    """Drop components the entrypoints reached before, reach no longer, and nothing refers to."""
    removed: list[str] = []
    current = list(components)
    while True:
        reach = _reached(current, starts)
        referenced = {t for c in current for r in RELATIONS for t in c.targets(r)}
        drop = {
            c.id
            for c in current
            if c.id in reached_before and c.id not in reach and c.id not in referenced
        }
        if not drop:
            break
        removed.extend(drop)
        current = [c for c in current if c.id not in drop]
    return current, tuple(sorted(removed))


def with_inventory(loaded: LoadedInventory, inventory: Inventory) -> LoadedInventory:
    """The same loaded document (positions of the original components) with other content."""
    return dataclasses.replace(loaded, inventory=inventory)
