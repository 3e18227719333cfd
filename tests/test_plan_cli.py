"""The gap, whatif and diff commands: outputs and exit codes."""

from __future__ import annotations

import json

HOSPITAL = "inventories/hospital-us-cloud.yaml"
TRUSTED = "inventories/hospital-trusted-cloud.yaml"
TODAY = ("--today", "2026-11-23")


def test_gap_markdown_plans_the_move_off_the_us_controlled_host_first(cli):
    result = cli("gap", HOSPITAL, *TODAY)
    assert result.code == 1  # the target is not met yet
    first = result.out.split("### Step 1. ", 1)[1].splitlines()[0]
    assert first.startswith("move the restricted-data processing of")
    assert "off azure-france (microsoft-ireland, controlled from IE, US) to a trusted host" in first


def test_gap_json_and_target_options(cli):
    result = cli("gap", HOSPITAL, *TODAY, "--min", "data-security=40", "--format", "json")
    data = json.loads(result.out)
    assert data["reached"] is True
    already = cli("gap", HOSPITAL, *TODAY, "--min", "local-values=45")
    assert already.code == 0
    both = cli("gap", HOSPITAL, "--fail-under", "50", "--target-level", "2")
    assert both.code == 2
    assert "choose one of --target-level, --fail-under, --min" in both.err


def test_whatif_replace_applies_without_editing_the_file(cli):
    from pathlib import Path

    before = Path(HOSPITAL).read_bytes()
    result = cli(
        "whatif",
        HOSPITAL,
        *TODAY,
        "--format",
        "json",
        # the plan's first step, as its what-if options
        "--replace",
        "azure-france=cloud-temple",
        "--set",
        "azure-france.runs_on=[]",
        "--set",
        "azure-france.maintained_by=[]",
    )
    assert result.code == 1
    data = json.loads(result.out)
    ds = next(o for o in data["objectives"] if o["id"] == "data-security")
    assert ds["after"] > ds["before"]
    assert Path(HOSPITAL).read_bytes() == before
    assert cli("whatif", HOSPITAL).code == 2


def test_whatif_bad_option_is_exit_2(cli):
    result = cli("whatif", HOSPITAL, "--set", "azure-france.locaton=[FR]")
    assert result.code == 2
    assert "Traceback" not in result.err
    assert "locaton" in result.err


def test_diff_of_the_hospital_variants_shows_the_data_security_gain(cli):
    better = cli("diff", HOSPITAL, TRUSTED, *TODAY, "--format", "json", "--fail-on-new", "critical")
    assert better.code == 0
    data = json.loads(better.out)
    ds = next(o for o in data["objectives"] if o["id"] == "data-security")
    assert ds["delta"] > 15
    assert {"rule": "DS-001", "component": "azure-france"}.items() <= next(
        f
        for f in data["fixed_findings"]
        if f["rule"] == "DS-001" and f["component"] == "azure-france"
    ).items()
    worse = cli("diff", TRUSTED, HOSPITAL, *TODAY)
    assert worse.code == 1


def test_diff_accepts_saved_reports(cli, tmp_path):
    base, head = tmp_path / "base.json", tmp_path / "head.json"
    cli("audit", HOSPITAL, *TODAY, "--format", "json", "--output", base)
    cli("audit", TRUSTED, *TODAY, "--format", "json", "--output", head)
    result = cli("diff", base, head, "--format", "markdown")
    assert result.code == 1
    assert "- DS-005 fails on scaleway-cloud (high, new), at or above --fail-on-new high" in (
        result.out
    )
    assert cli("diff", base, head, "--fail-on-new", "none").code == 0
    assert "data-security" in result.out.lower() or "Data security" in result.out
