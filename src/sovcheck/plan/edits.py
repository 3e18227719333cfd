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
    base = _base(original) if structural else None
    rewired = False
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
            # The first rewiring reads who lists ``target`` from the original inventory's
            # index; a later one may follow an earlier rewiring, so it walks them all.
            assert base is not None  # replacing by a component is structural
            listing = order if rewired else base.listing.get(target, ())
            rewired = True
            for cid in listing:
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
    assert base is not None
    # relation targets must exist; when they did in the original inventory, only the
    # components the edits changed can break that
    changed = [c for c in order if not base.valid or components[c] is not base.by_id[c]]
    for cid in changed:
        comp = components[cid]
        for relation in RELATIONS:
            for t in comp.targets(relation):
                if t not in components or t == cid:
                    raise InputError(
                        f"{cid}.{relation.value}: '{t}' is not another component of this "
                        f"inventory{did_you_mean(t, ids())}"
                    )
    kept, removed = _prune([components[c] for c in order], base.starts, base.reached)
    return inventory.model_copy(update={"components": tuple(kept)}), removed


@dataclass(frozen=True)
class _Base:
    """What a structural edit reads of the inventory it starts from, computed once for
    all the candidates measured against one inventory."""

    by_id: dict[str, Component]
    listing: dict[str, tuple[str, ...]]  # per id, the components that list it, in order
    valid: bool  # every relation target is another component
    starts: tuple[str, ...]
    reached: set[str]


_last_base: list[tuple[Inventory, _Base]] = []


def _base(inventory: Inventory) -> _Base:
    if _last_base and _last_base[0][0] is inventory:
        return _last_base[0][1]
    by_id = {c.id: c for c in inventory.components}
    listing: dict[str, list[str]] = {}
    valid = True
    for comp in inventory.components:
        for relation in RELATIONS:
            for t in comp.targets(relation):
                if t not in by_id or t == comp.id:
                    valid = False
                found = listing.setdefault(t, [])
                if not found or found[-1] != comp.id:
                    found.append(comp.id)
    starts = _entrypoint_ids(inventory)
    base = _Base(
        by_id,
        {t: tuple(ids) for t, ids in listing.items()},
        valid,
        starts,
        _reached(inventory.components, starts),
    )
    _last_base[:] = [(inventory, base)]
    return base


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
    """Drop components the entrypoints reached before, reach no longer, and nothing refers to.

    Dropping a component the entrypoints do not reach leaves what they reach as it was, so
    reach is computed once; what refers to each component is counted, and dropping one
    uncounts its references, which may free others in turn."""
    reach = _reached(components, starts)
    refs: dict[str, int] = {}
    for c in components:
        for r in RELATIONS:
            for t in c.targets(r):
                refs[t] = refs.get(t, 0) + 1
    by_id = {c.id: c for c in components}
    drop = [
        c.id
        for c in components
        if c.id in reached_before and c.id not in reach and refs.get(c.id, 0) == 0
    ]
    removed: set[str] = set()
    while drop:
        cid = drop.pop()
        if cid in removed:
            continue
        removed.add(cid)
        for r in RELATIONS:
            for t in by_id[cid].targets(r):
                refs[t] -= 1
                if (
                    refs[t] == 0
                    and t in by_id
                    and t in reached_before
                    and t not in reach
                    and t not in removed
                ):
                    drop.append(t)
    if not removed:
        return components, ()
    return [c for c in components if c.id not in removed], tuple(sorted(removed))


def with_inventory(loaded: LoadedInventory, inventory: Inventory) -> LoadedInventory:
    """The same loaded document (positions of the original components) with other content."""
    return dataclasses.replace(loaded, inventory=inventory)
