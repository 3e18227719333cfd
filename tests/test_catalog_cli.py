"""`sovcheck catalog search|show` and ageing facts."""

from __future__ import annotations

import json

from tests.conftest import INVENTORIES, audit


def test_catalog_show_gives_the_chain_to_the_us_parent_and_the_laws(cli):
    result = cli("catalog", "show", "microsoft-ireland")
    assert result.code == 0
    assert "  microsoft-ireland (Microsoft Ireland Operations Limited, IE)\n" in result.out
    assert "    -> microsoft (Microsoft Corporation, US)\n" in result.out
    assert "  CLOUD Act - 18 U.S.C. §2713 [US, data-access]" in result.out
    assert "  FISA §702 - 50 U.S.C. §1881a [US, surveillance]" in result.out


def test_catalog_show_unknown_id_suggests(cli):
    result = cli("catalog", "show", "microsoft-irland")
    assert result.code == 2
    assert "(did you mean 'microsoft-ireland'?)" in result.err


def test_catalog_show_country_and_group(cli):
    assert "us-cloud-act" in cli("catalog", "show", "US").out
    eu = cli("catalog", "show", "EU").out
    assert "FR" in eu and "European Union" in eu


def test_catalog_search_matches_aliases_and_namespaces(cli):
    result = cli("catalog", "search", "mistral")
    assert result.code == 0
    assert "mistral-ai" in result.out
    assert "no organization matches" in cli("catalog", "search", "zzzz-nothing").out


def test_inventory_organization_overrides_the_catalog_and_the_report_says_so(tmp_path):
    text = (INVENTORIES / "public-chatbot.yaml").read_text(encoding="utf-8")
    assert "\norganizations:" not in text
    path = tmp_path / "override.yaml"
    path.write_text(
        text + "\norganizations:\n  - {id: openai, name: OpenAI (test override), country: FR}\n",
        encoding="utf-8",
    )
    report = audit(path)
    assert [(o.id, o.note) for o in report.organizations] == [
        ("openai", "defined in the inventory; overrides the catalog entry")
    ]
    assert not [f for f in report.findings if f.rule == "DS-003" and f.component == "openai-api"]


def test_max_fact_age_lists_stale_facts(cli):
    args = (
        "audit",
        "inventories/hospital-us-cloud.yaml",
        "--format",
        "json",
        "--today",
        "2026-11-23",
    )
    assert json.loads(cli(*args).out)["stale_facts"] == []
    stale = json.loads(cli(*args, "--max-fact-age", "365").out)["stale_facts"]
    # the UK Investigatory Powers Act entry was last checked in November 2024
    assert {
        "subject": "law",
        "id": "gb-ipa-2016",
        "as_of": "2024-11-24",
        "age_days": 729,
    } not in stale
    assert {"subject": "organization", "id": "microsoft-ireland"} not in [
        {k: f[k] for k in ("subject", "id")} for f in stale
    ]
    assert {"subject": "component", "id": "azure-france"} in [
        {k: f[k] for k in ("subject", "id")} for f in stale
    ]
    # FISA §702 was checked on 24 June 2026: older than 30 days, not than a year
    recent = json.loads(cli(*args, "--max-fact-age", "30").out)["stale_facts"]
    assert {"subject": "law", "id": "us-fisa-702", "as_of": "2026-06-24", "age_days": 152} in recent
    assert all(f["age_days"] > 365 for f in stale)
