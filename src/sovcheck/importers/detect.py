"""Which kind of BOM a file holds, decided from its content, never from its name."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from sovcheck.errors import InputError, Location, Problem
from sovcheck.importers.spdx_tagvalue import parse_tag_value
from sovcheck.load.document import decode_text, parse_document


class BomFormat(StrEnum):
    CYCLONEDX_JSON = "CycloneDX JSON"
    CYCLONEDX_XML = "CycloneDX XML"
    SPDX2_JSON = "SPDX 2 JSON"
    SPDX2_TAGVALUE = "SPDX 2 tag-value"
    SPDX3_JSONLD = "SPDX 3 JSON-LD"


@dataclass(frozen=True)
class Detected:
    format: BomFormat
    data: Any  # parsed JSON (or tag-value as SPDX 2 JSON); None for XML, parsed by its reader


_CDX_XML_ROOT = re.compile(
    r"<(?:[A-Za-z_][\w.-]*:)?bom\b[^>]*\bxmlns(?::[A-Za-z_][\w.-]*)?\s*=\s*"
    r"[\"']http://cyclonedx\.org/schema/bom/1\.\d+[\"']",
    re.DOTALL,
)
_SPDX3_CONTEXT = re.compile(r"spdx\.org/rdf/3")


def detect(raw: bytes, name: str) -> Detected:
    """The format of ``raw``; an input error when it is no BOM sovcheck reads."""
    text = decode_text(raw, name)
    start = text.lstrip()
    if not start:
        raise InputError([Problem(Location(name, 1, 1), "the file is empty")])
    if start.startswith("<"):
        # A DTD may push the root element past the window: the XML reader refuses DTDs
        # with a message saying so, whatever the root.
        if _CDX_XML_ROOT.search(text, 0, 20_000) or "<!DOCTYPE" in text[:20_000]:
            return Detected(BomFormat.CYCLONEDX_XML, None)
        raise InputError(
            [
                Problem(
                    Location(name, 1, 1),
                    "XML, but not a CycloneDX BOM (root element 'bom' in namespace "
                    "http://cyclonedx.org/schema/bom/1.x); SPDX is read as JSON or tag-value",
                )
            ]
        )
    if start.startswith(("{", "[")):
        data = parse_document(raw, name, as_json=True).data
        return Detected(_json_format(data, name), data)
    if re.search(r"^\s*SPDXVersion\s*:", text[:5000], re.MULTILINE):
        return Detected(BomFormat.SPDX2_TAGVALUE, parse_tag_value(text, name))
    raise InputError(
        [
            Problem(
                Location(name, 1, 1),
                "not a BOM sovcheck reads: expected CycloneDX (JSON or XML), SPDX 2 (JSON or "
                "tag-value) or SPDX 3 JSON-LD",
            )
        ]
    )


def _json_format(data: Any, name: str) -> BomFormat:
    if isinstance(data, dict):
        if data.get("bomFormat") == "CycloneDX" or ("specVersion" in data and "components" in data):
            return BomFormat.CYCLONEDX_JSON
        if isinstance(data.get("spdxVersion"), str):
            return BomFormat.SPDX2_JSON
        context = data.get("@context")
        contexts = context if isinstance(context, list) else [context]
        if "@graph" in data and any(
            isinstance(c, str) and _SPDX3_CONTEXT.search(c) for c in contexts
        ):
            return BomFormat.SPDX3_JSONLD
    raise InputError(
        [
            Problem(
                Location(name, 1, 1),
                "JSON, but not a BOM sovcheck reads: expected CycloneDX ('bomFormat': "
                "'CycloneDX'), SPDX 2 ('spdxVersion') or SPDX 3 JSON-LD ('@context' of "
                "spdx.org/rdf/3 and '@graph')",
            )
        ]
    )
