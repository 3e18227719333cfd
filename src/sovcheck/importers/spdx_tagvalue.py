"""Read SPDX 2 tag-value into the shape of SPDX 2 JSON, so that one reader maps both.

Tag-value is a list of ``Tag: value`` lines; a value between ``<text>`` and ``</text>`` may
span lines, and a line starting with ``#`` is a comment. The order carries the structure:
``PackageName`` starts a package, ``FileName`` a file, ``SnippetSPDXID`` a snippet and
``LicenseID`` an extracted licence, and ``SPDXID`` names whatever was started last (the
document, before any of them). Only the tags the SPDX 2 reader uses are kept; the others
(checksums, copyright texts, annotations, ...) are read past.

Hand-written, as the JSON reader it feeds is: the format is a few rules, and sovcheck needs
a dozen of its tags. A line that is not ``Tag: value`` is an input error with its position.
"""

from __future__ import annotations

from typing import Any

from sovcheck.errors import InputError, Location, Problem

_DOCUMENT_TAGS = {"SPDXVersion": "spdxVersion", "SPDXID": "SPDXID", "DocumentName": "name"}
_PACKAGE_TAGS = {
    "SPDXID": "SPDXID",
    "PackageVersion": "versionInfo",
    "PackageSupplier": "supplier",
    "PackageOriginator": "originator",
    "PackageDownloadLocation": "downloadLocation",
    "PackageHomePage": "homepage",
    "PackageLicenseConcluded": "licenseConcluded",
    "PackageLicenseDeclared": "licenseDeclared",
    "PackageSummary": "summary",
    "PackageDescription": "description",
    "PrimaryPackagePurpose": "primaryPackagePurpose",
}
# The tags that start a new element, with the JSON list it goes to and the key of its value.
_STARTS = {
    "PackageName": ("packages", "name"),
    "FileName": ("files", "fileName"),
    "SnippetSPDXID": ("snippets", "SPDXID"),
    "LicenseID": ("hasExtractedLicensingInfos", "licenseId"),
}


def parse_tag_value(text: str, name: str) -> dict[str, Any]:
    """The SPDX 2 JSON data that ``text`` (SPDX 2 tag-value) describes."""
    document: dict[str, Any] = {"packages": [], "files": [], "snippets": [], "relationships": []}
    current, section = document, "document"
    lines = text.splitlines()
    n = 0
    while n < len(lines):
        line, line_no = lines[n], n + 1
        n += 1
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        tag, colon, value = stripped.partition(":")
        tag = tag.strip()
        if not colon or not tag or any(c.isspace() for c in tag):
            column = len(line) - len(line.lstrip()) + 1
            raise InputError(
                [Problem(Location(name, line_no, column), "expected 'Tag: value' (SPDX tag-value)")]
            )
        value = value.strip()
        if value.startswith("<text>"):
            value = value.removeprefix("<text>")
            while "</text>" not in value:
                if n >= len(lines):
                    column = line.index("<text>") + 1
                    raise InputError(
                        [
                            Problem(
                                Location(name, line_no, column), "<text> is not closed by </text>"
                            )
                        ]
                    )
                value += "\n" + lines[n]
                n += 1
            value = value[: value.index("</text>")].strip()
        if tag in _STARTS:
            group, key = _STARTS[tag]
            current, section = {key: value}, group
            document.setdefault(group, []).append(current)
        elif tag == "Relationship":
            parts = value.split()
            if len(parts) == 3:
                document["relationships"].append(
                    {
                        "spdxElementId": parts[0],
                        "relationshipType": parts[1],
                        "relatedSpdxElement": parts[2],
                    }
                )
        elif section == "document":
            if tag in _DOCUMENT_TAGS:
                document[_DOCUMENT_TAGS[tag]] = value
        elif section == "packages":
            if tag in _PACKAGE_TAGS:
                current[_PACKAGE_TAGS[tag]] = value
            elif tag == "ExternalRef":
                parts = value.split(None, 2)
                if len(parts) == 3:
                    category, kind, locator = parts
                    current.setdefault("externalRefs", []).append(
                        {
                            "referenceCategory": category,
                            "referenceType": kind,
                            "referenceLocator": locator,
                        }
                    )
        elif tag == "SPDXID":
            current["SPDXID"] = value
    return document
