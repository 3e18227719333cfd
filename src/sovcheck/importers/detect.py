"""Which kind of BOM a file holds, decided from its content, never from its name."""

from __future__ import annotations

import base64
import binascii
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
    SPDX2_XML = "SPDX 2 XML or RDF/XML"
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
# SPDX 2 as XML (spdx-tools' <Document>) or RDF/XML (the spdx.org/rdf/terms vocabulary)
_SPDX_XML = re.compile(r"spdx\.org/rdf/terms|<(?:\w+:)?Document\b[^>]*>.*?<spdxVersion>", re.DOTALL)
_DSSE_PAYLOAD_TYPE = "application/vnd.in-toto+json"
_BOM_PREDICATES = ("cyclonedx", "spdx")


def _is_attestation(data: dict[str, Any]) -> bool:
    """A DSSE envelope (payloadType, payload) or a bare in-toto Statement."""
    if "payloadType" in data and "payload" in data:
        return True
    kind = data.get("_type")
    return isinstance(kind, str) and "in-toto.io/Statement" in kind


def _unwrap(data: dict[str, Any], name: str) -> Detected:
    """The BOM an in-toto attestation carries: the DSSE envelope's base64 payload is an
    in-toto Statement whose predicate is the BOM (cosign's older "custom" predicates hold
    it as text under "Data")."""
    statement = data
    where = f"{name} (attestation payload)"
    if "payloadType" in data:
        if data.get("payloadType") != _DSSE_PAYLOAD_TYPE:
            raise InputError(
                [
                    Problem(
                        Location(name, 1, 1),
                        f"a DSSE envelope of payloadType {data.get('payloadType')!r}, not "
                        f"{_DSSE_PAYLOAD_TYPE!r}: it carries no in-toto attestation",
                    )
                ]
            )
        try:
            payload = base64.b64decode(str(data["payload"]), validate=True)
        except (binascii.Error, ValueError):
            raise InputError(
                [Problem(Location(name, 1, 1), "the DSSE envelope's payload is not base64")]
            ) from None
        statement = parse_document(payload, where, as_json=True).data
        if not isinstance(statement, dict):
            raise InputError([Problem(Location(where, 1, 1), "an in-toto Statement is an object")])
    predicate_type = str(statement.get("predicateType", ""))
    predicate = statement.get("predicate")
    if isinstance(predicate, dict) and "Data" in predicate:
        predicate = predicate["Data"]
    if isinstance(predicate, str):
        predicate = parse_document(predicate.encode("utf-8"), where, as_json=True).data
    if not any(p in predicate_type.lower() for p in _BOM_PREDICATES) and not isinstance(
        predicate, dict
    ):
        raise InputError(
            [
                Problem(
                    Location(where, 1, 1),
                    f"an in-toto attestation of predicateType {predicate_type!r}, not a "
                    "CycloneDX or SPDX BOM",
                )
            ]
        )
    return Detected(_json_format(predicate, where), predicate)


def _attestations(lines: list[str], name: str) -> Detected:
    """The one BOM among the attestations of a JSON Lines file."""
    found: list[Detected] = []
    for number, line in enumerate(lines, start=1):
        data = parse_document(line.encode("utf-8"), f"{name} (line {number})", as_json=True).data
        if not isinstance(data, dict) or not _is_attestation(data):
            raise InputError(
                [Problem(Location(name, number, 1), "not an in-toto attestation (DSSE envelope)")]
            )
        try:
            found.append(_unwrap(data, f"{name} (line {number})"))
        except InputError:
            continue  # another kind of attestation: a vulnerability scan, provenance…
    if len(found) != 1:
        raise InputError(
            [
                Problem(
                    Location(name, 1, 1),
                    f"{len(found)} of the {len(lines)} attestations carry a CycloneDX or SPDX "
                    "BOM; sovcheck imports a file holding exactly one",
                )
            ]
        )
    return found[0]


def _parses(line: str, name: str) -> bool:
    try:
        parse_document(line.encode("utf-8"), name, as_json=True)
    except InputError:
        return False
    return True


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
        if _SPDX_XML.search(text, 0, 20_000):
            return Detected(BomFormat.SPDX2_XML, None)
        raise InputError(
            [
                Problem(
                    Location(name, 1, 1),
                    "XML, but not a CycloneDX BOM (root element 'bom' in namespace "
                    "http://cyclonedx.org/schema/bom/1.x) nor an SPDX document",
                )
            ]
        )
    if start.startswith(("{", "[")):
        try:
            data = parse_document(raw, name, as_json=True).data
        except InputError as whole:
            # JSON Lines: one in-toto attestation per line, as cosign and trivy write them.
            # A document whose first line is no JSON object of its own is broken JSON.
            lines = [line for line in text.splitlines() if line.strip()]
            jsonl = len(lines) > 1 and all(line.lstrip().startswith("{") for line in lines)
            if not jsonl or not _parses(lines[0], name):
                raise whole from None
            return _attestations(lines, name)
        if isinstance(data, dict) and _is_attestation(data):
            return _unwrap(data, name)
        return Detected(_json_format(data, name), data)
    if re.search(r"^\s*SPDXVersion\s*:", text[:5000], re.MULTILINE):
        return Detected(BomFormat.SPDX2_TAGVALUE, parse_tag_value(text, name))
    if re.search(r"^spdxVersion\s*:", text, re.MULTILINE):
        # SPDX 2 in YAML (as spdx-tools writes it): the keys and values of its JSON form
        data = parse_document(raw, name, as_json=False).data
        return Detected(_json_format(data, name), data)
    raise InputError(
        [
            Problem(
                Location(name, 1, 1),
                "not a BOM sovcheck reads: expected CycloneDX (JSON or XML), SPDX 2 (JSON, "
                "YAML, tag-value, XML or RDF/XML), SPDX 3 JSON-LD, or an in-toto attestation of one of them",
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
