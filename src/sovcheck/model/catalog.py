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
from sovcheck.model.inventory import Holding as Holder

Sources = Annotated[tuple[SourceRef, ...], Field(min_length=1)]


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)


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
    applies_to: tuple[str, ...] = ()  # component kinds it covers
    chip_types: tuple[str, ...] = ()  # for chips: the chip types it covers (none: every chip)
    # Destinations (countries or group ids) an export needs a licence for under the rules in
    # force, and those excepted from that list. Empty: not recorded, the need is unknown.
    licence_required_for: tuple[str, ...] = ()
    except_for: tuple[str, ...] = ()
    # A rule of `country` that binds items whose supplier is controlled from these countries
    # wherever they are used (the 2025 US guidance on PRC advanced-computing chips).
    binds_suppliers_from: tuple[CountryCode, ...] = ()
    sources: Sources
    as_of: dt.date
    notes: str | None = None


class Obligation(_Model):
    """A duty of the home's law that the inventory can show is met or not, such as a
    certification required to host some data. Only what a rule can check is modelled:
    the rest is in the title, citation and summary."""

    id: Id
    country: CountryCode | None = None  # the law's jurisdiction (or a group, below)
    group: str | None = None
    title: str
    citation: str
    summary: str
    # What triggers it at a component: special categories of personal data reaching it, or
    # data of this classification or above; and the component kinds it binds.
    for_categories: tuple[str, ...] = ()
    for_classification: str | None = None
    kinds: tuple[str, ...] = ()
    # What meets it: any of these certifications or accreditations, confirmed.
    requires: tuple[str, ...] = ()
    exempt_self_hosted: bool = False  # an organization hosting its own data is not bound
    sources: Sources
    as_of: dt.date
    notes: str | None = None


class Jurisdictions(_Model):
    groups: tuple[Group, ...] = ()
    countries: tuple[Country, ...] = ()
    laws: tuple[Law, ...] = ()
    export_controls: tuple[ExportControl, ...] = ()
    obligations: tuple[Obligation, ...] = ()


class CertificationStatus(StrEnum):
    HELD = "held"  # qualified or certified, and in force
    IN_PROGRESS = "in-progress"  # applied for, a milestone reached (SecNumCloud J0, J1), not held
    EXPIRED = "expired"
    WITHDRAWN = "withdrawn"


class Certification(_Model):
    id: str
    status: CertificationStatus = CertificationStatus.HELD
    milestone: str | None = None  # e.g. SecNumCloud J0
    since: dt.date | None = None
    until: dt.date | None = None
    scope: str | None = None
    sources: Sources
    as_of: dt.date


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


class Capability(StrEnum):
    """What an offer does, so that a plan replaces like with like."""

    ACCELERATOR = "accelerator"  # chips
    CPU = "cpu"
    MEMORY = "memory"
    NETWORK_CHIP = "network-chip"
    SERVER = "server"  # server and HPC hardware
    IAAS = "iaas"  # virtual machines, block storage, networks
    GPU_COMPUTE = "gpu-compute"
    HPC = "hpc"  # supercomputer allocations
    MANAGED_KUBERNETES = "managed-kubernetes"
    OBJECT_STORAGE = "object-storage"
    DATABASE = "database"
    PAAS = "paas"
    COLOCATION = "colocation"  # data-centre space and power
    IDENTITY = "identity"  # identity and access management, authentication
    COLLABORATION = "collaboration"  # office suites, mail, file sharing
    LLM_API = "llm-api"  # a model served behind an API
    MODEL_WEIGHTS = "model-weights"  # weights delivered for self-hosting
    AI_PLATFORM = "ai-platform"  # model hosting, fine-tuning, inference platforms
    ENERGY = "energy"
    SECURITY = "security"


class Offer(_Model):
    """A product an organization offers: what a gap plan can replace a component with."""

    id: Id
    organization: Id
    name: str
    kind: str  # the component kind it stands for (chip, cloud, service, model, datacenter...)
    capabilities: Annotated[tuple[Capability, ...], Field(min_length=1)]
    locations: tuple[CountryCode, ...] = ()  # where it runs (or is made, for hardware)
    certifications: tuple[Certification, ...] = ()
    built_on: tuple[str, ...] = ()  # organization or offer ids whose technology it runs on
    sources: Sources
    as_of: dt.date
    notes: str | None = None


class OrganizationFile(_Model):
    organizations: tuple[CatalogOrganization, ...] = ()
    offers: tuple[Offer, ...] = ()


class LicenseList(_Model):
    id: Id
    name: str
    licenses: tuple[str, ...]
    sources: Sources
    as_of: dt.date


class LicenseFile(_Model):
    lists: tuple[LicenseList, ...]
