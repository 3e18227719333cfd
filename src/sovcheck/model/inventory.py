"""The inventory, format version 1 (see the inventory format specification).

Field names here are the public format: they are never renamed. Models are frozen and
forbid unknown fields so that a misspelt field is an error, not a silent omission.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, HttpUrl, model_validator

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


class ChipType(StrEnum):
    """What a chip is: export rules and cut-off risks differ between them."""

    ACCELERATOR = "accelerator"  # GPU, TPU, NPU and other AI accelerators
    CPU = "cpu"
    MEMORY = "memory"  # high-bandwidth memory and other memory chips
    NETWORK = "network"
    OTHER = "other"


class Purpose(StrEnum):
    """What the system is used for, where the law depends on it (AI Act art. 2(3))."""

    CIVIL = "civil"
    MILITARY = "military"
    DEFENCE = "defence"
    NATIONAL_SECURITY = "national-security"
    DUAL_USE = "dual-use"


class SpecialCategory(StrEnum):
    """Special categories of personal data (GDPR art. 9(1))."""

    RACIAL_OR_ETHNIC_ORIGIN = "racial-or-ethnic-origin"
    POLITICAL_OPINIONS = "political-opinions"
    RELIGIOUS_OR_PHILOSOPHICAL_BELIEFS = "religious-or-philosophical-beliefs"
    TRADE_UNION_MEMBERSHIP = "trade-union-membership"
    GENETIC = "genetic"
    BIOMETRIC = "biometric"
    HEALTH = "health"
    SEX_LIFE_OR_ORIENTATION = "sex-life-or-orientation"


class ComputeAccess(StrEnum):
    """How the system gets its compute: its own machines, rented capacity, or an allocation
    on a public machine (a national or European supercomputer, a defence machine)."""

    OWNED = "owned"
    RENTED = "rented"
    ALLOCATED = "allocated"


class AllocationProgramme(StrEnum):
    """Who allocates compute on a public machine."""

    GENCI = "genci"  # the French national allocation (Jean Zay, Adastra, Joliot-Curie)
    EUROHPC = "eurohpc"  # the EuroHPC Joint Undertaking's access calls
    DEFENCE = "defence"  # a defence or national-security machine
    OTHER = "other"


class EnergyOrigin(StrEnum):
    """Where a supply's electricity mainly comes from."""

    NUCLEAR = "nuclear"
    HYDRO = "hydro"
    WIND = "wind"
    SOLAR = "solar"
    BIOMASS = "biomass"
    GEOTHERMAL = "geothermal"
    GAS = "gas"
    COAL = "coal"
    OIL = "oil"
    GRID_MIX = "grid-mix"  # the grid's mix, not one source


class Audience(StrEnum):
    """Who can use a system's application or service."""

    PUBLIC = "public"
    SMES = "smes"  # small and medium-sized enterprises
    LOCAL_AUTHORITIES = "local-authorities"
    PUBLIC_BODIES = "public-bodies"
    BUSINESSES = "businesses"
    INTERNAL = "internal"  # the owner's own staff only


class AccessMode(StrEnum):
    """How users reach an application: offline and low-bandwidth modes reach rural areas."""

    ONLINE = "online"
    OFFLINE = "offline"
    LOW_BANDWIDTH = "low-bandwidth"
    MOBILE = "mobile"


class SmallOrganizationPricing(StrEnum):
    FREE = "free"
    REDUCED = "reduced"  # a lower price or tier for small organisations
    STANDARD = "standard"  # the same price as for everyone


class OpenTerms(StrEnum):
    """Terms an element of a model is available under (Open Source AI Definition 1.0)."""

    OPEN = "open"  # OSI-approved terms: use, study, modify and share for any purpose
    RESTRICTED = "restricted"  # available, under terms that restrict use or sharing
    CLOSED = "closed"  # not available


class DataInformation(StrEnum):
    """How far the training data is documented (OSAID 1.0: enough for a skilled person to
    build a substantially equivalent system)."""

    COMPLETE = "complete"
    PARTIAL = "partial"
    NONE = "none"


class LocalTuning(StrEnum):
    """Whether a model was retrained or fine-tuned on data of the home or trusted area."""

    RETRAINED = "retrained"
    FINE_TUNED = "fine-tuned"
    NONE = "none"


class GaiaXLevel(StrEnum):
    """Conformity assessment schemes of a Gaia-X credential (Gaia-X Compliance Document)."""

    STANDARD_COMPLIANCE = "standard-compliance"
    LABEL_1 = "label-1"
    LABEL_2 = "label-2"
    LABEL_3 = "label-3"


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
    model_config = ConfigDict(
        frozen=True, extra="forbid", use_enum_values=False, allow_inf_nan=False
    )


NonNegative = Annotated[float, Field(ge=0)]
Count = Annotated[int, Field(ge=0)]


class CostSplit(_Model):
    """A cost in euros, split into compute, energy and cooling (and the rest)."""

    compute_eur: NonNegative | None = None
    energy_eur: NonNegative | None = None
    cooling_eur: NonNegative | None = None
    other_eur: NonNegative | None = None
    source: SourceRef | None = None
    as_of: dt.date | None = None

    @property
    def total_eur(self) -> float | None:
        """The sum of the parts stated; None when no part is."""
        parts = [self.compute_eur, self.energy_eur, self.cooling_eur, self.other_eur]
        known = [p for p in parts if p is not None]
        return sum(known) if known else None


class Allocation(_Model):
    """Compute allocated on a public machine: a dated fact with its source."""

    programme: AllocationProgramme
    machine: str = Field(min_length=1)
    gpu_hours: NonNegative | None = None
    start: dt.date | None = None
    end: dt.date | None = None
    source: SourceRef
    as_of: dt.date
    notes: str | None = None


class Compute(_Model):
    """How a compute host's capacity is had: owned, rented, or allocated."""

    access: ComputeAccess
    allocation: Allocation | None = None
    source: SourceRef | None = None
    as_of: dt.date | None = None

    @model_validator(mode="after")
    def _allocation_matches_access(self) -> Compute:
        if self.allocation is not None and self.access is not ComputeAccess.ALLOCATED:
            raise ValueError("an allocation is given only with access: allocated")
        return self


class Training(_Model):
    """A model's training run: its compute and its cost."""

    gpu_hours: NonNegative | None = None
    cost: CostSplit | None = None
    source: SourceRef | None = None
    as_of: dt.date | None = None
    notes: str | None = None


class Inference(_Model):
    """A model's running compute."""

    gpu_hours_per_year: NonNegative | None = None
    source: SourceRef | None = None
    as_of: dt.date | None = None


class Frugality(_Model):
    """Whether a model's energy is documented (AFNOR Spec 2314 on frugal AI), and the figures."""

    documented: bool
    framework: str | None = Field(
        default=None, description="The method followed, e.g. afnor-spec-2314."
    )
    energy_per_training_kwh: NonNegative | None = None
    energy_per_inference_wh: NonNegative | None = None
    source: SourceRef | None = None
    as_of: dt.date | None = None


class SiteEnergy(_Model):
    """A site's energy use and power usage effectiveness, as published."""

    kwh_per_year: NonNegative | None = None
    pue: Annotated[float, Field(ge=1.0)] | None = None
    source: SourceRef
    as_of: dt.date


class Reserve(_Model):
    """People a team can mobilise in a crisis."""

    people: Count
    cleared: bool = Field(description="The reserve holds the clearance the system needs.")
    source: SourceRef | None = None
    as_of: dt.date | None = None


class Openness(_Model):
    """A model's elements and their terms, as the Open Source AI Definition 1.0 reads them."""

    weights: OpenTerms | None = None
    code: OpenTerms | None = Field(default=None, description="The code to train and run the model.")
    data_information: DataInformation | None = None
    source: SourceRef | None = None
    as_of: dt.date | None = None


class GaiaX(_Model):
    """A Gaia-X credential of a service: its level, the credential itself as the source."""

    level: GaiaXLevel
    credential: SourceRef
    issued: dt.date
    expires: dt.date | None = None


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
    organization: Id | None = Field(
        default=None,
        description=(
            "The organization that owns and runs the system: what it supplies itself is "
            "in-house (not spend), and it hosts its own data (no hosting certification needed)."
        ),
    )
    purpose: Purpose | None = Field(
        default=None,
        description=(
            "What the system is used for; military, defence or national-security use "
            "exclusively takes it out of the AI Act (art. 2(3)). Default: civil."
        ),
    )
    regional_languages: tuple[LanguageCode, ...] | None = Field(
        default=None, description="Languages of the regions the system serves."
    )
    notes: str | None = None
    sources: tuple[SourceRef, ...] = ()


class Holding(_Model):
    """A share of an organization's capital or votes, as a public register or report gives it."""

    holder: str = Field(min_length=1, description="An organization id, or a name.")
    country: CountryCode | None = Field(
        default=None, description="The holder's country; an organization id's own by default."
    )
    share: Annotated[float, Field(ge=0.0, le=1.0)] | None = None
    max_share: Annotated[float, Field(ge=0.0, le=1.0)] | None = Field(
        default=None, description="When only a ceiling is public: the share is below this."
    )
    note: str | None = None


class Organization(_Model):
    id: Id
    name: str | None = None
    country: CountryCode | None = None
    parent: Id | None = None
    foreign_control: Annotated[float, Field(ge=0.0, le=1.0)] | None = None
    holders: tuple[Holding, ...] = ()
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
    chip_type: ChipType | None = None
    export_licence_required: bool | None = Field(
        default=None,
        description=(
            "Whether exporting the chip to the home country needs a licence; default: from "
            "the catalog's export rules for its supplier's country and chip type."
        ),
    )
    requires_connectivity: bool | None = None
    supplier_data_access: bool | None = Field(
        default=None,
        description=(
            "Whether its supplier can technically obtain the data a provider operates through "
            "it (SecNumCloud §19.6 c)), for a provider's subcontractor or technology supplier."
        ),
    )
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
    special_categories: tuple[SpecialCategory, ...] | None = None
    legal_basis: str | None = None
    training_summary: HttpUrl | str | None = None
    accessibility: tuple[str, ...] | None = None
    clearance: str | None = None
    # compute, cost and energy
    count: Annotated[int, Field(ge=1)] | None = None
    compute: Compute | None = None
    training: Training | None = None
    inference: Inference | None = None
    operating_cost: CostSplit | None = None
    frugality: Frugality | None = None
    energy_use: SiteEnergy | None = None
    origin: tuple[EnergyOrigin, ...] | None = None
    # people
    size: Count | None = None
    maintainers: dict[Id, Count] | None = None
    reserve: Reserve | None = None
    # reach
    audiences: tuple[Audience, ...] | None = None
    access_modes: tuple[AccessMode, ...] | None = None
    small_organization_pricing: SmallOrganizationPricing | None = None
    # openness and Gaia-X
    openness: Openness | None = None
    local_tuning: LocalTuning | None = None
    gaia_x: GaiaX | None = None
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
    # an application processes personal data its users give it; a dataset holds it
    "personal_data": frozenset({Kind.DATASET, Kind.APPLICATION}),
    "special_categories": frozenset({Kind.DATASET, Kind.APPLICATION}),
    "chip_type": frozenset({Kind.CHIP}),
    "export_licence_required": frozenset({Kind.CHIP}),
    "legal_basis": frozenset({Kind.DATASET}),
    "languages": frozenset({Kind.MODEL, Kind.DATASET, Kind.APPLICATION, Kind.SERVICE, Kind.CLOUD}),
    "accessibility": frozenset({Kind.APPLICATION}),
    "clearance": frozenset({Kind.TEAM}),
    "count": frozenset({Kind.CHIP}),
    "compute": frozenset({Kind.CLOUD, Kind.DATACENTER, Kind.SERVICE}),
    "training": frozenset({Kind.MODEL}),
    "inference": frozenset({Kind.MODEL}),
    "frugality": frozenset({Kind.MODEL}),
    "energy_use": frozenset({Kind.DATACENTER}),
    "origin": frozenset({Kind.ENERGY}),
    "size": frozenset({Kind.TEAM}),
    "maintainers": frozenset({Kind.TEAM}),
    "reserve": frozenset({Kind.TEAM}),
    "audiences": frozenset({Kind.APPLICATION, Kind.SERVICE}),
    "access_modes": frozenset({Kind.APPLICATION, Kind.SERVICE}),
    "small_organization_pricing": frozenset({Kind.APPLICATION, Kind.SERVICE}),
    "openness": frozenset({Kind.MODEL}),
    "local_tuning": frozenset({Kind.MODEL}),
    "gaia_x": frozenset({Kind.CLOUD, Kind.DATACENTER, Kind.SERVICE}),
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
