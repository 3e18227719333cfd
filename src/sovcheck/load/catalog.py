"""Read the catalog files shipped with sovcheck (or given by the user) into models."""

from __future__ import annotations

from collections.abc import Iterable
from importlib import resources
from pathlib import Path

from sovcheck.errors import InputError, Problem
from sovcheck.load.document import Document, parse_document, read_input
from sovcheck.load.validation import validate_model
from sovcheck.model.catalog import (
    CatalogOrganization,
    Jurisdictions,
    LicenseFile,
    Offer,
    OrganizationFile,
)


def builtin_catalog_dir() -> Path:
    return Path(str(resources.files("sovcheck") / "catalog"))


def builtin_catalog_files() -> tuple[Path, list[Path]]:
    """The shipped jurisdiction file and organization (and offer) files, in a stable order."""
    root = builtin_catalog_dir()
    orgs = sorted((root / "organizations").glob("*.yaml")) + sorted(
        (root / "offers").glob("*.yaml")
    )
    return root / "jurisdictions.yaml", orgs


def read_licenses(path: Path) -> LicenseFile:
    doc = parse_document(read_input(path, _display(path)), _display(path), as_json=False)
    return validate_model(doc, LicenseFile)


def _display(path: Path) -> str:
    parts = path.parts
    if "sovcheck" in parts:
        return "/".join(parts[len(parts) - 1 - parts[::-1].index("sovcheck") :])
    return str(path)


def read_jurisdictions(path: Path) -> Jurisdictions:
    doc = parse_document(read_input(path, _display(path)), _display(path), as_json=False)
    return validate_model(doc, Jurisdictions)


def read_organizations(paths: Iterable[Path]) -> dict[str, tuple[CatalogOrganization, str]]:
    """Organizations by id, each with the file that defines it; a repeated id is an error."""
    return read_catalog_files(paths)[0]


def read_catalog_files(
    paths: Iterable[Path],
) -> tuple[dict[str, tuple[CatalogOrganization, str]], dict[str, tuple[Offer, str]]]:
    """Organizations and offers by id, each with the file that defines it; a repeated id
    is an error."""
    found: dict[str, tuple[CatalogOrganization, str]] = {}
    offers: dict[str, tuple[Offer, str]] = {}
    problems: list[Problem] = []
    for path in paths:
        name = _display(path)
        doc = parse_document(read_input(path, name), name, as_json=False)
        parsed = validate_model(doc, OrganizationFile)
        for i, org in enumerate(parsed.organizations):
            if org.id in found:
                problems.append(_again(doc, "organizations", i, org.id, found[org.id][1]))
            else:
                found[org.id] = (org, name)
        for i, offer in enumerate(parsed.offers):
            if offer.id in offers:
                problems.append(_again(doc, "offers", i, offer.id, offers[offer.id][1]))
            else:
                offers[offer.id] = (offer, name)
    if problems:
        raise InputError(problems)
    return found, offers


def _again(doc: Document, key: str, i: int, ident: str, first: str) -> Problem:
    return Problem(
        doc.source_map.locate((key, i, "id")), f"{key[:-1]} '{ident}' is already defined in {first}"
    )
