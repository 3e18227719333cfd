"""Import a BOM file as a sovcheck inventory (plain data) and write it as YAML or JSON."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sovcheck import jsontext
from sovcheck.errors import InputError, Location, Problem
from sovcheck.importers.cyclonedx import read_cyclonedx_json, read_cyclonedx_xml
from sovcheck.importers.detect import BomFormat, detect
from sovcheck.importers.mapping import Assembled, Bom, assemble
from sovcheck.importers.spdx import read_spdx2, read_spdx3
from sovcheck.importers.spdx_xml import read_spdx2_xml
from sovcheck.load.document import read_input
from sovcheck.load.dump import dump_yaml
from sovcheck.model.codes import country_problem
from sovcheck.model.inventory import FORMAT_VERSION


def import_bom(path: Path, *, system_name: str | None, home: str) -> tuple[dict[str, Any], str]:
    """The inventory a BOM file describes, and a header saying what was imported.

    ``home`` is the ISO 3166-1 alpha-2 code of the jurisdiction the system serves; when it
    is an EU member state, the inventory trusts the EU. Output is deterministic: the same
    file gives the same inventory and header, wherever it lies.
    """
    name = path.name
    problem = country_problem(home)
    if problem:
        raise InputError(f"--home: {problem}")
    raw = read_input(path, str(path))
    detected = detect(raw, str(path))
    if detected.format is BomFormat.CYCLONEDX_XML:
        bom = read_cyclonedx_xml(raw, str(path))
    elif detected.format is BomFormat.SPDX2_XML:
        document, rendering = read_spdx2_xml(raw, str(path))
        bom = read_spdx2(document, encoding=rendering)
    elif not isinstance(detected.data, dict):
        raise InputError([Problem(Location(str(path), 1, 1), "a BOM is a JSON object")])
    elif detected.format is BomFormat.CYCLONEDX_JSON:
        bom = read_cyclonedx_json(detected.data)
    elif detected.format is BomFormat.SPDX2_JSON:
        bom = read_spdx2(detected.data)
    elif detected.format is BomFormat.SPDX2_TAGVALUE:
        bom = read_spdx2(detected.data, encoding="tag-value")
    else:
        bom = read_spdx3(detected.data)
    if not bom.items:
        raise InputError(
            [
                Problem(
                    Location(str(path), 1, 1),
                    "the BOM lists no component or service: there is nothing to import",
                )
            ]
        )
    assembled = assemble(bom)
    system: dict[str, Any] = {
        "name": system_name or _system_name(bom, assembled, path),
        "home": home,
        "trusted": ["EU"] if home in _eu_members() else [],
    }
    if assembled.entrypoints:
        system["entrypoints"] = assembled.entrypoints
    data: dict[str, Any] = {"sovcheck": FORMAT_VERSION, "system": system}
    if assembled.organizations:
        data["organizations"] = assembled.organizations
    data["components"] = assembled.components
    return data, _header(name, bom, assembled)


def dump_inventory(data: dict[str, Any], header: str, *, as_json: bool) -> str:
    """The inventory as YAML with ``header`` as comments, or as JSON with the header in
    ``system.notes`` (JSON has no comments). Field order is the inventory format's."""
    if as_json:
        system = dict(data.get("system", {}))
        system.setdefault("notes", header)
        out = {**data, "system": system}
        return jsontext.dumps(out)
    return dump_yaml(data, header)


def _eu_members() -> frozenset[str]:
    from sovcheck.catalog import builtin_catalog

    return builtin_catalog().group_members.get("EU", frozenset())


def _system_name(bom: Bom, assembled: Assembled, path: Path) -> str:
    if bom.roots:
        by_key = {item.key: item for item in bom.items}
        root = by_key.get(bom.roots[0])
        if root is not None:
            return root.name
    return bom.name or path.stem


def _header(name: str, bom: Bom, assembled: Assembled) -> str:
    kinds: dict[str, int] = {}
    for comp in assembled.components:
        kinds[comp["kind"]] = kinds.get(comp["kind"], 0) + 1
    counts = ", ".join(f"{n} {k}" for k, n in sorted(kinds.items()))
    lines = [
        f"Imported by sovcheck from {name} ({bom.format} {bom.version}, {bom.encoding}).",
        f"{len(assembled.components)} components ({counts}), "
        f"{len(assembled.organizations)} organizations defined here, "
        f"{assembled.relation_count} relations.",
        f"{assembled.inferred_count} facts were inferred, not stated by the BOM: each is listed "
        "under 'inferred' with how; review them.",
    ]
    if bom.skipped:
        skipped = ", ".join(f"{n} {what}" for what, n in sorted(bom.skipped.items()))
        lines.append(f"Skipped: {skipped}.")
    lines.append(
        "What the BOM does not say stays unknown: add countries, locations and the other "
        "facts before relying on the audit."
    )
    return "\n".join(lines)
