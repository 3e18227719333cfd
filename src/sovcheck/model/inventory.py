"""The inventory, format version 1 (see the inventory format specification).

Field names here are the public format: they are never renamed. Models are frozen and
forbid unknown fields so that a misspelt field is an error, not a silent omission.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, HttpUrl

from sovcheck.model.codes import country_problem, language_problem

FORMAT_VERSION = 1


def _country(code: str) -> str:
    problem = country_problem(code)
    if problem:
        raise ValueError(problem)
    return code


def _language(code: str) -> str:
    problem = language_problem(code)
    if problem:
        raise ValueError(problem)
    return code


CountryCode = Annotated[str, AfterValidator(_country)]
LanguageCode = Annotated[str, AfterValidator(_language)]
Id = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_.:-]*$", max_length=200)]
# Free-form source references: URLs in practice, but a citation such as a document name
# and page is accepted too.
SourceRef = Annotated[str, Field(min_length=1)]


class Kind(StrEnum):
    APPLICATION = "application"
    MODEL = "model"
    DATASET = "dataset"
    LIBRARY = "library"
    SERVICE = "service"
    CLOUD = "cloud"
    DATACENTER = "datacenter"
    CHIP = "chip"
    ENERGY = "energy"
    TEAM = "team"


class Classification(StrEnum):
    PUBLIC = "public"
    INTERNAL = "internal"
    RESTRICTED = "restricted"
    SECRET = "secret"

    @property
    def rank(self) -> int:
        return _CLASSIFICATION_RANK[self]


_CLASSIFICATION_RANK = {
    Classification.PUBLIC: 1,
    Classification.INTERNAL: 2,
    Classification.RESTRICTED: 3,
    Classification.SECRET: 4,
}


class Connectivity(StrEnum):
    AIR_GAPPED = "air-gapped"
    PRIVATE = "private"
    INTERNET = "internet"


class Weights(StrEnum):
    OPEN = "open"
    LICENSED = "licensed"
    CLOSED = "closed"


class Relation(StrEnum):
    """Typed edges. Each component lists the ids it relates to under these fields."""

    RUNS_ON = "runs_on"
    CALLS = "calls"
    USES = "uses"
    TRAINED_ON = "trained_on"
    POWERED_BY = "powered_by"
    MAINTAINED_BY = "maintained_by"
    DEPENDS_ON = "depends_on"


RELATIONS: tuple[Relation, ...] = tuple(Relation)


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", use_enum_values=False)


class System(_Model):
    name: str = Field(min_length=1)
    owner: str | None = None
    home: CountryCode
    trusted: tuple[str, ...] = ()
    classification: Classification | None = None
    entrypoints: tuple[Id, ...] | None = None
    languages: tuple[LanguageCode, ...] | None = Field(
        default=None,
        description="Languages the system must serve; default: the home's official ones.",
    )
    notes: str | None = None
    sources: tuple[SourceRef, ...] = ()


class Organization(_Model):
    id: Id
    name: str | None = None
    country: CountryCode | None = None
    parent: Id | None = None
    foreign_control: Annotated[float, Field(ge=0.0, le=1.0)] | None = None
    sources: tuple[SourceRef, ...] = ()
    as_of: dt.date | None = None
    notes: str | None = None
    inferred: dict[str, str] | None = Field(
        default=None, description="Facts inferred by an importer, field -> how it was inferred."
    )


class Component(_Model):
    id: Id
    kind: Kind
    name: str = Field(min_length=1)
    version: str | None = None
    supplier: Id | None = None
    location: tuple[CountryCode, ...] | None = None
    license: str | None = None
    open_source: bool | None = None
    certifications: tuple[str, ...] | None = None
    connectivity: Connectivity | None = None
    classification: Classification | None = None
    substitutes: tuple[str, ...] = ()
    annual_cost_eur: Annotated[float, Field(ge=0)] | None = None
    export_controlled: bool | None = None
    requires_connectivity: bool | None = None
    notes: str | None = None
    sources: tuple[SourceRef, ...] = ()
    as_of: dt.date | None = None
    purl: str | None = None
    inferred: dict[str, str] | None = Field(
        default=None, description="Facts inferred by an importer, field -> how it was inferred."
    )
    # fields of some kinds
    weights: Weights | None = None
    languages: tuple[LanguageCode, ...] | None = None
    personal_data: bool | None = None
    legal_basis: str | None = None
    training_summary: HttpUrl | str | None = None
    accessibility: tuple[str, ...] | None = None
    clearance: str | None = None
    # relations
    runs_on: tuple[Id, ...] = ()
    calls: tuple[Id, ...] = ()
    uses: tuple[Id, ...] = ()
    trained_on: tuple[Id, ...] = ()
    powered_by: tuple[Id, ...] = ()
    maintained_by: tuple[Id, ...] = ()
    depends_on: tuple[Id, ...] = ()

    def targets(self, relation: Relation) -> tuple[str, ...]:
        value: tuple[str, ...] = getattr(self, relation.value)
        return value


# Fields that only make sense on some kinds; anywhere else they are a mistake.
KIND_FIELDS: dict[str, frozenset[Kind]] = {
    "weights": frozenset({Kind.MODEL}),
    "training_summary": frozenset({Kind.MODEL}),
    "personal_data": frozenset({Kind.DATASET}),
    "legal_basis": frozenset({Kind.DATASET}),
    "languages": frozenset({Kind.MODEL, Kind.DATASET, Kind.APPLICATION, Kind.SERVICE}),
    "accessibility": frozenset({Kind.APPLICATION}),
    "clearance": frozenset({Kind.TEAM}),
}


class Waiver(_Model):
    rule: str = Field(min_length=1)
    component: Id | None = None
    reason: str = Field(min_length=1)
    expires: dt.date


class Inventory(_Model):
    sovcheck: Literal[1]
    system: System
    organizations: tuple[Organization, ...] = ()
    components: tuple[Component, ...] = Field(min_length=1)
    waivers: tuple[Waiver, ...] = ()
