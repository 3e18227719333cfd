"""The catalog: cited facts about jurisdictions, their laws, and organizations.

Every entry carries sources and an as-of date; a fact without a source is not in the
catalog at all (it stays unknown).
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from sovcheck.model.inventory import CountryCode, Id, LanguageCode, SourceRef

Sources = Annotated[tuple[SourceRef, ...], Field(min_length=1)]


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class LawEffect(StrEnum):
    DATA_ACCESS = "data-access"
    SURVEILLANCE = "surveillance"
    COOPERATION_DUTY = "cooperation-duty"
    EXPORT_CONTROL = "export-control"
    DATA_LOCALISATION = "data-localisation"
    SANCTIONS = "sanctions"


# Effects that let a foreign authority reach the data a component handles.
DATA_REACH_EFFECTS = frozenset(
    {LawEffect.DATA_ACCESS, LawEffect.SURVEILLANCE, LawEffect.COOPERATION_DUTY}
)


class Group(_Model):
    id: Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_-]*$")]
    name: str
    members: tuple[CountryCode, ...]
    sources: Sources
    as_of: dt.date
    notes: str | None = None


class Country(_Model):
    code: CountryCode
    name: str
    languages: tuple[LanguageCode, ...] = ()
    sources: Sources
    as_of: dt.date


class Law(_Model):
    id: Id
    country: CountryCode
    title: str
    short: str | None = None
    citation: str
    effect: LawEffect
    reach: str
    sources: Sources
    as_of: dt.date


class ExportControl(_Model):
    id: Id
    country: CountryCode
    eccn: str | None = None
    title: str
    scope: str
    applies_to: tuple[str, ...] = ()
    sources: Sources
    as_of: dt.date
    notes: str | None = None


class Jurisdictions(_Model):
    groups: tuple[Group, ...] = ()
    countries: tuple[Country, ...] = ()
    laws: tuple[Law, ...] = ()
    export_controls: tuple[ExportControl, ...] = ()


class Certification(_Model):
    id: str
    scope: str | None = None
    sources: Sources
    as_of: dt.date


class Holder(_Model):
    holder: str
    share: Annotated[float, Field(ge=0, le=1)] | None = None
    note: str | None = None


class CatalogOrganization(_Model):
    id: Id
    name: str
    country: CountryCode | None = None
    parent: Id | None = None
    foreign_control: Annotated[float, Field(ge=0, le=1)] | None = None
    holders: tuple[Holder, ...] = ()
    roles: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()
    domains: tuple[str, ...] = ()
    huggingface: tuple[str, ...] = ()
    certifications: tuple[Certification, ...] = ()
    sources: Sources
    as_of: dt.date
    notes: str | None = None


class OrganizationFile(_Model):
    organizations: tuple[CatalogOrganization, ...]


class LicenseList(_Model):
    id: Id
    name: str
    licenses: tuple[str, ...]
    sources: Sources
    as_of: dt.date


class LicenseFile(_Model):
    lists: tuple[LicenseList, ...]
