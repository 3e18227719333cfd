"""The cost and energy summary of an audit: what the inventory says of spend, energy and
compute, gathered for the reports. Only stated facts; a section the inventory gives no fact
for is empty, and the reports leave it out."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)


class SpendLine(_Model):
    """Annual spend on outside suppliers under one control chain's countries."""

    jurisdiction: str  # the countries of the suppliers' control chains, or "unknown"
    control: str  # home, trusted, foreign or unknown
    annual_eur: float
    components: tuple[str, ...]


class SiteLine(_Model):
    site: str
    location: tuple[str, ...]
    kwh_per_year: float | None
    pue: float | None
    origins: tuple[str, ...]  # of the supplies it is powered_by


class ModelLine(_Model):
    model: str
    training_gpu_hours: float | None
    training_kwh: float | None
    inference_wh: float | None
    training_cost_eur: float | None


class ComputeLine(_Model):
    host: str
    access: str  # owned, rented or allocated
    allocation: str | None  # programme and machine
    accelerators: int | None  # chips with a count, used directly by the host
    control: str


class CostLine(_Model):
    """An annual operating cost, split as stated."""

    component: str
    compute_eur: float | None
    energy_eur: float | None
    cooling_eur: float | None
    other_eur: float | None
    total_eur: float


class CostEnergySummary(_Model):
    spend: tuple[SpendLine, ...] = ()
    sites: tuple[SiteLine, ...] = ()
    models: tuple[ModelLine, ...] = ()
    compute: tuple[ComputeLine, ...] = ()
    operating_costs: tuple[CostLine, ...] = ()

    @property
    def empty(self) -> bool:
        return not (self.spend or self.sites or self.models or self.compute or self.operating_costs)
