"""Read the catalog files shipped with sovcheck (or given by the user) into models."""

from __future__ import annotations

from collections.abc import Iterable
from importlib import resources
from pathlib import Path

from sovcheck.errors import InputError, Problem
from sovcheck.load.document import parse_document
from sovcheck.load.validation import validate_model
from sovcheck.model.catalog import (
    CatalogOrganization,
    Jurisdictions,
    LicenseFile,
    OrganizationFile,
)


def builtin_catalog_dir() -> Path:
    return Path(str(resources.files("sovcheck") / "catalog"))


def builtin_catalog_files() -> tuple[Path, list[Path]]:
    """The shipped jurisdiction file and organization files, in a stable order."""
    root = builtin_catalog_dir()
    orgs = sorted((root / "organizations").glob("*.yaml"))
    return root / "jurisdictions.yaml", orgs


def read_licenses(path: Path) -> LicenseFile:
    doc = parse_document(path.read_bytes(), _display(path), as_json=False)
    return validate_model(doc, LicenseFile)


def _display(path: Path) -> str:
    parts = path.parts
    if "sovcheck" in parts:
        return "/".join(parts[len(parts) - 1 - parts[::-1].index("sovcheck") :])
    return str(path)


def read_jurisdictions(path: Path) -> Jurisdictions:
    doc = parse_document(path.read_bytes(), _display(path), as_json=False)
    return validate_model(doc, Jurisdictions)


def read_organizations(paths: Iterable[Path]) -> dict[str, tuple[CatalogOrganization, str]]:
    """Organizations by id, each with the file that defines it; a repeated id is an error."""
    found: dict[str, tuple[CatalogOrganization, str]] = {}
    problems: list[Problem] = []
    for path in paths:
        name = _display(path)
        doc = parse_document(path.read_bytes(), name, as_json=False)
        parsed = validate_model(doc, OrganizationFile)
        for i, org in enumerate(parsed.organizations):
            if org.id in found:
                problems.append(
                    Problem(
                        doc.source_map.locate(("organizations", i, "id")),
                        f"organization '{org.id}' is already defined in {found[org.id][1]}",
                    )
                )
            else:
                found[org.id] = (org, name)
    if problems:
        raise InputError(problems)
    return found
