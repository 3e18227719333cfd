"""The shipped catalog: every fact cited and dated, ids that resolve, control chains that end."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator

import pytest

from sovcheck.catalog import Catalog, Organizations, builtin_catalog
from sovcheck.load.catalog import builtin_catalog_dir, read_licenses
from sovcheck.model.inventory import ChipType, Kind

URL = re.compile(r"^https?://[^\s/]+\.[^\s/]+(/\S*)?$")
# The catalog's id syntax (sovcheck.model.inventory.Id): lowercase letters, digits, '.', ':', '_', '-'.
ID_FORM = re.compile(r"^[a-z0-9][a-z0-9_.:-]*$")

# The fixed ids of /work/staging/IDS.md, shared by the catalog and the reference inventories.
FIXED_IDS = {
    "chips, fabs, fab equipment": (
        "nvidia amd intel arm softbank tsmc samsung-electronics sk-hynix micron asml "
        "applied-materials lam-research tokyo-electron huawei hisilicon sipearl qualcomm "
        "broadcom globalfoundries cerebras graphcore hpe eviden atos"
    ),
    "clouds and hosts": (
        "amazon aws aws-european-sovereign-cloud microsoft microsoft-ireland microsoft-france "
        "alphabet google google-cloud-france oracle ibm ovhcloud iliad scaleway "
        "dassault-systemes outscale thales s3ns orange capgemini bleu ionos united-internet "
        "deutsche-telekom t-systems open-telekom-cloud schwarz-group stackit alibaba "
        "alibaba-cloud tencent cloudflare cloud-temple numspot"
    ),
    "models and AI labs": (
        "mistral-ai meta openai anthropic google-deepmind aleph-alpha tii atrc deepseek "
        "high-flyer hugging-face cohere lighton kyutai bigscience"
    ),
    "HPC and research": "genci cnrs idris cea eurohpc-ju bsc fz-juelich csc cineca",
    "open-source foundations": (
        "linux-foundation pytorch-foundation cncf apache-software-foundation "
        "eclipse-foundation python-software-foundation numfocus openssf"
    ),
    "energy": "edf engie rte totalenergies eon rwe enel iberdrola vattenfall",
    "public bodies and users": "ministere-armees amiad dinum health-data-hub anssi bsi",
}

EU_27 = frozenset(
    [
        "AT",
        "BE",
        "BG",
        "HR",
        "CY",
        "CZ",
        "DK",
        "EE",
        "FI",
        "FR",
        "DE",
        "GR",
        "HU",
        "IE",
        "IT",
        "LV",
        "LT",
        "LU",
        "MT",
        "NL",
        "PL",
        "PT",
        "RO",
        "SK",
        "SI",
        "ES",
        "SE",
    ]
)


# The date the catalog was last compiled: no fact in it can be dated later.
COMPILED = dt.date(2026, 12, 1)


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return builtin_catalog()


def cited_entries(catalog: Catalog) -> Iterator[tuple[str, tuple[str, ...], dt.date]]:
    """(what, sources, as_of) for every cited entry of the catalog."""
    j = catalog.jurisdictions
    for g in j.groups:
        yield f"group {g.id}", g.sources, g.as_of
    for c in j.countries:
        yield f"country {c.code}", c.sources, c.as_of
    for law in j.laws:
        yield f"law {law.id}", law.sources, law.as_of
    for e in j.export_controls:
        yield f"export control {e.id}", e.sources, e.as_of
    for ob in j.obligations:
        yield f"obligation {ob.id}", ob.sources, ob.as_of
    for org in catalog.organizations.values():
        yield f"organization {org.id}", org.sources, org.as_of
        for cert in org.certifications:
            yield f"certification {cert.id} of {org.id}", cert.sources, cert.as_of
    for lst in read_licenses(builtin_catalog_dir() / "licenses.yaml").lists:
        yield f"licence list {lst.id}", lst.sources, lst.as_of


def test_every_entry_has_a_source_and_an_as_of_date(catalog: Catalog) -> None:
    entries = list(cited_entries(catalog))
    kinds = {what.split()[0] for what, _, _ in entries}
    assert {
        "group",
        "country",
        "law",
        "export",
        "obligation",
        "organization",
        "certification",
    } <= kinds
    for what, sources, as_of in entries:
        assert sources, f"{what} has no source"
        assert isinstance(as_of, dt.date), f"{what} has no as_of date"
        assert as_of <= COMPILED, f"{what} is dated after the catalog was compiled"


def test_every_source_is_an_http_url(catalog: Catalog) -> None:
    bad = [
        f"{what}: {source}"
        for what, sources, _ in cited_entries(catalog)
        for source in sources
        if not URL.match(source)
    ]
    assert not bad, "sources that are not http(s) URLs:\n" + "\n".join(bad)


def test_every_parent_is_a_catalog_organization(catalog: Catalog) -> None:
    orgs = catalog.organizations
    missing = [f"{o.id} -> {o.parent}" for o in orgs.values() if o.parent and o.parent not in orgs]
    assert not missing, missing


def test_every_holder_written_as_an_id_is_a_catalog_organization(catalog: Catalog) -> None:
    """A holder is either a catalog id or a free-text name. The rule that tells them apart:
    a holder written in id form (matches the catalog's id syntax: lowercase, no spaces) is an
    id and must resolve; anything else (capitals, spaces, punctuation such as "Klaba family"
    or "Bpifrance") is a name. A lowercase one-word name would be taken for an id and fail
    here, which is the point: names are written as names."""
    orgs = catalog.organizations
    holders = [(o.id, h.holder) for o in orgs.values() for h in o.holders]
    as_ids = [(o, h) for o, h in holders if ID_FORM.match(h)]
    assert as_ids, "expected some holders given by catalog id"
    assert any(not ID_FORM.match(h) for _, h in holders), "expected some free-text holders"
    missing = [f"{o} held by {h}" for o, h in as_ids if h not in orgs]
    assert not missing, missing


def test_control_chains_have_no_loops(catalog: Catalog) -> None:
    orgs = catalog.organizations
    for start in orgs:
        visited: list[str] = []
        current: str | None = start
        while current is not None:
            assert current not in visited, (
                f"loop in the control chain: {' -> '.join([*visited, current])}"
            )
            visited.append(current)
            current = orgs[current].parent if current in orgs else None


@pytest.mark.parametrize("group", sorted(FIXED_IDS))
def test_fixed_ids_exist_in_the_catalog(catalog: Catalog, group: str) -> None:
    ids = FIXED_IDS[group].split()
    assert all(ID_FORM.match(i) for i in ids)
    missing = [i for i in ids if i not in catalog.organizations]
    assert not missing, f"{group}: {missing}"


def test_eu_has_27_members_and_eea_adds_iceland_liechtenstein_norway(catalog: Catalog) -> None:
    groups = catalog.group_members
    assert len(groups["EU"]) == 27
    assert groups["EU"] == EU_27
    assert groups["EEA"] == groups["EU"] | {"IS", "LI", "NO"}
    eu = next(g for g in catalog.jurisdictions.groups if g.id == "EU")
    assert len(eu.members) == 27  # and no code listed twice


def test_eu_countries_state_their_official_languages(catalog: Catalog) -> None:
    for code in sorted(EU_27):
        assert catalog.languages_of(code), f"{code} has no official languages"
    assert catalog.languages_of("FR") == ("fr",)


def test_export_controls_cover_the_advanced_computing_eccns(catalog: Catalog) -> None:
    by_eccn = {e.eccn: e for e in catalog.export_controls_of("US")}
    assert {"3A090", "3A090.c", "4A090"} <= set(by_eccn)
    # A GPU is 3A090.a; 3A090.c is the memory: each binds its chip type only.
    assert by_eccn["3A090"].applies_to == ("chip",)
    assert by_eccn["3A090"].chip_types == ("accelerator",)
    assert by_eccn["3A090.c"].chip_types == ("memory",)
    assert catalog.expand(by_eccn["3A090"].licence_required_for) >= {"CN", "RU", "MO", "AE"}
    assert not catalog.expand(by_eccn["3A090"].licence_required_for) & EU_27


def test_export_controls_name_real_kinds_chip_types_and_groups(catalog: Catalog) -> None:
    kinds = {k.value for k in Kind}
    types = {t.value for t in ChipType}
    groups = set(catalog.group_members)
    for e in catalog.jurisdictions.export_controls:
        assert set(e.applies_to) <= kinds, e.id
        assert set(e.chip_types) <= types, e.id
        for dest in e.licence_required_for:
            assert dest in groups or len(dest) == 2, (e.id, dest)


def test_microsoft_ireland_is_controlled_from_the_us(catalog: Catalog) -> None:
    orgs = Organizations(catalog, ())
    chain = orgs.control_chain("microsoft-ireland")
    assert [o.id for o in chain] == ["microsoft-ireland", "microsoft"]
    assert chain[-1].id == "microsoft"
    assert [o.country for o in chain] == ["IE", "US"]
    laws = {law.id for law in orgs.laws_reaching("microsoft-ireland")}
    assert {"us-cloud-act", "us-fisa-702"} <= laws
    # export rules are not laws that reach data
    assert "us-ear" not in laws


def test_s3ns_is_a_french_company_controlled_by_thales(catalog: Catalog) -> None:
    orgs = Organizations(catalog, ())
    chain = orgs.control_chain("s3ns")
    assert [(o.id, o.country) for o in chain] == [("s3ns", "FR"), ("thales", "FR")]
    assert orgs.laws_reaching("s3ns") == ()


def test_holders_of_an_organization_add_up_to_at_most_100_percent(catalog: Catalog) -> None:
    over = []
    for org in catalog.organizations.values():
        known = sum(h.share for h in org.holders if h.share is not None)
        if known > 1.0 + 1e-9:
            over.append(f"{org.id}: {known:.4f}")
    assert not over, over


def test_every_reference_in_the_catalog_resolves(catalog: Catalog) -> None:
    orgs = catalog.organizations
    offers = catalog.offers
    missing = [
        f"offer {o.id}: organization {o.organization}"
        for o in offers.values()
        if o.organization not in orgs
    ]
    missing += [
        f"offer {o.id}: built on {b}"
        for o in offers.values()
        for b in o.built_on
        if b not in orgs and b not in offers
    ]
    kinds = {k.value for k in Kind}
    missing += [f"offer {o.id}: kind {o.kind}" for o in offers.values() if o.kind not in kinds]
    groups = set(catalog.group_members)
    for ob in catalog.jurisdictions.obligations:
        if ob.group is not None and ob.group not in groups:
            missing.append(f"obligation {ob.id}: group {ob.group}")
        if ob.country is None and ob.group is None:
            missing.append(f"obligation {ob.id}: neither a country nor a group")
    assert not missing, missing


def test_offers_have_sources_dates_and_dated_certifications(catalog: Catalog) -> None:
    for offer in catalog.offers.values():
        assert offer.sources and offer.as_of <= COMPILED, offer.id
        for cert in offer.certifications:
            assert cert.sources and cert.as_of <= COMPILED, (offer.id, cert.id)
