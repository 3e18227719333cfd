"""SPDX 2 in XML and RDF/XML, read by the SPDX project's own library.

The two renderings are read with spdx-tools, which implements them as the SPDX
specification defines them (RDF/XML in particular is a graph: the same document can be
serialised in many shapes, which only an RDF parser reads reliably). spdx-tools turns the
file into its document model, which it converts to the SPDX JSON form; sovcheck's SPDX 2
reader then reads that, so every rendering of a document gives the same inventory.

The XML is first parsed with defusedxml (no DTD, entity or external reference), so hostile
input is refused with a located message before spdx-tools reads it.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from sovcheck.errors import InputError, Location, Problem
from sovcheck.importers.xmlsafe import parse_xml
from sovcheck.load.document import decode_text

RDF_NAMESPACE = "{http://www.w3.org/1999/02/22-rdf-syntax-ns#}"
_MAX_MESSAGES = 5


def read_spdx2_xml(raw: bytes, name: str) -> tuple[dict[str, Any], str]:
    """The SPDX JSON form of an SPDX 2 XML or RDF/XML document, and which rendering it was."""
    root = parse_xml(raw, name)
    rdf = root.tag == f"{RDF_NAMESPACE}RDF"
    rendering = "RDF/XML" if rdf else "XML"
    if not rdf and str(root.tag).rsplit("}", 1)[-1] != "Document":
        raise InputError(
            [
                Problem(
                    Location(name, 1, 1),
                    "not an SPDX 2 XML document (root element 'Document' or 'rdf:RDF' expected)",
                )
            ]
        )
    # Imported here: the library and rdflib cost a third of a second to import, and only
    # these renderings need them.
    from spdx_tools.spdx.jsonschema.document_converter import DocumentConverter
    from spdx_tools.spdx.parser.error import SPDXParsingError
    from spdx_tools.spdx.parser.rdf import rdf_parser
    from spdx_tools.spdx.parser.xml import xml_parser

    parser = rdf_parser if rdf else xml_parser
    # spdx-tools reads files by name: a private copy in a private directory, so that the
    # input itself may be standard input or any file, and is never touched.
    with tempfile.TemporaryDirectory(prefix="sovcheck-") as folder:
        copy = Path(folder) / ("document.rdf.xml" if rdf else "document.xml")
        # as UTF-8 text, whatever the input's encoding (decode_text reads the byte-order
        # marks): parsed from text, the XML declaration's encoding is not used again
        copy.write_text(decode_text(raw, name), encoding="utf-8")
        try:
            document = parser.parse_from_file(str(copy), encoding="utf-8")
        except SPDXParsingError as exc:
            raise InputError(
                [Problem(Location(name, 1, 1), _parsing_message(rendering, list(exc.messages)))]
            ) from None
        except Exception as exc:  # rdflib and its XML parser raise errors of many kinds
            raise InputError(
                [
                    Problem(
                        Location(name, 1, 1),
                        f"SPDX 2 {rendering} not read: {type(exc).__name__}: "
                        f"{' '.join(str(exc).split())[:300]}",
                    )
                ]
            ) from None
    data: dict[str, Any] = DocumentConverter().convert(document)  # type: ignore[no-untyped-call]
    return data, rendering


def _parsing_message(rendering: str, messages: list[str]) -> str:
    shown = "; ".join(" ".join(m.split()) for m in messages[:_MAX_MESSAGES])
    more = len(messages) - _MAX_MESSAGES
    tail = f" (and {more} more)" if more > 0 else ""
    return f"SPDX 2 {rendering} not read by spdx-tools: {shown}{tail}"
