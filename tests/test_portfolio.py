"""sovcheck portfolio: the analyst's answers over many systems, and its exits."""

from __future__ import annotations

import csv
import io
import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from tests.conftest import INVENTORIES, ROOT, Result, check_golden

TODAY = ("--today", "2026-11-23")
Cli = Callable[..., Result]


def _json(cli: Cli, *args: str | Path) -> tuple[Result, dict[str, Any]]:
    result = cli("portfolio", *args, *TODAY, "--format", "json", "--jobs", "1")
    return result, json.loads(result.out)


def test_shipped_portfolio_json_is_its_golden_and_valid_against_its_schema(cli: Cli) -> None:
    result, data = _json(cli, "inventories")
    assert result.code == 0, result.err
    check_golden("portfolio/inventories.json", result.out)
    schema = json.loads(cli("schema", "--portfolio").out)
    jsonschema.Draft202012Validator(schema).validate(data)


def test_concentration_counts_systems_under_each_controlling_organization(cli: Cli) -> None:
    _, data = _json(cli, "inventories")
    orgs = {o["organization"]: o for o in data["organizations"]}
    # nvidia supplies chips to bloom, the defence system and the startup-like chatbot
    nvidia = orgs["nvidia"]
    assert (nvidia["systems"], nvidia["control"], nvidia["share"]) == (3, "foreign", 0.4286)
    # Microsoft's French subsidiary counts under its US parent
    assert "microsoft-france" not in orgs
    assert orgs["microsoft"]["control"] == "foreign"
    # The hospital's US cloud is on its cut-off path, a single point without substitute
    assert orgs["microsoft"]["cutoff_systems"] == 1
    assert orgs["microsoft"]["no_substitute_systems"] == 1
    countries = {c["country"]: c for c in data["countries"]}
    assert countries["US"]["systems"] == 6
    assert (countries["US"]["restricted_systems"], countries["US"]["restricted_share"]) == (1, 0.25)


def test_distribution_levels_add_up_to_the_systems(cli: Cli) -> None:
    _, data = _json(cli, "inventories")
    overall = data["distribution"][0]
    assert overall["objective"] == "overall"
    assert overall["levels"] == {"0": 1, "1": 3, "2": 3}
    assert overall["assessed"] == 7


@pytest.mark.parametrize(
    ("target", "status", "code"),
    [
        ("40%:overall>=L2", "met", 0),  # 3 of 7 at level 2 or more
        ("50%:overall>=L2", "missed", 1),
        ("80%:restricted:overall>=L3", "missed", 1),  # none of the 4 restricted systems
        ("80%:restricted:overall>=L3@2027-12-31", "open", 0),  # not yet due
        ("100%:secret:data-security>=85", "met", 0),  # the defence system: 86.2
        ("100%:secret:data-security>=90", "missed", 1),
    ],
)
def test_a_missed_portfolio_target_exits_1(cli: Cli, target: str, status: str, code: int) -> None:
    result, data = _json(cli, "inventories", "--target", target)
    assert result.code == code
    [found] = data["targets"]
    assert found["status"] == status


def test_missed_target_lists_the_systems_furthest_from_it_first(cli: Cli) -> None:
    _, data = _json(cli, "inventories", "--target", "100%:overall>=L3")
    [found] = data["targets"]
    assert found["meeting"] == 0
    assert found["furthest"][0] == "inventories/hospital-us-cloud.yaml"  # level 0


def test_a_system_of_unknown_classification_is_outside_a_classified_target(
    cli: Cli, tmp_path: Path
) -> None:
    text = (INVENTORIES / "public-chatbot.yaml").read_text(encoding="utf-8")
    assert "classification:" in text
    unclassified = "\n".join(line for line in text.splitlines() if "classification:" not in line)
    (tmp_path / "chatbot.yaml").write_text(unclassified + "\n", encoding="utf-8")
    _, data = _json(cli, tmp_path, "--target", "100%:internal:overall>=L4")
    system = data["systems"][0]
    assert system["classification"] is None
    [found] = data["targets"]
    assert (found["systems"], found["status"]) == (0, "missed")


@pytest.mark.parametrize(
    ("target", "message"),
    [
        ("80%overall>=L3", "--target takes SHARE%[:CLASSIFICATION]:OBJECTIVE>=LEVEL|SCORE"),
        ("80%:topsecret:overall>=L3", "unknown classification 'topsecret'"),
        ("80%:overal>=L3", "unknown objective 'overal'"),
        ("180%:overall>=L3", "a share is at most 100%"),
        ("80%:overall>=L3@2027-13-01", "'2027-13-01' is not a date"),
    ],
)
def test_bad_target_is_exit_2(cli: Cli, target: str, message: str) -> None:
    result = cli("portfolio", "inventories", "--target", target)
    assert result.code == 2
    assert message in result.err


def test_the_same_output_whatever_the_number_of_workers(cli: Cli) -> None:
    one = cli("portfolio", "inventories", *TODAY, "-f", "json", "-j", "1").out
    two = cli("portfolio", "inventories", *TODAY, "-f", "json", "-j", "2").out
    assert one == two


def test_a_bad_inventory_is_reported_and_the_others_audited(cli: Cli, tmp_path: Path) -> None:
    shutil.copy(INVENTORIES / "bloom-jean-zay.yaml", tmp_path / "a.yaml")
    text = (INVENTORIES / "bloom-jean-zay.yaml").read_text(encoding="utf-8")
    (tmp_path / "b.yaml").write_text(text.replace("  home: FR", "  home: XX", 1), encoding="utf-8")
    result, data = _json(cli, tmp_path)
    assert result.code == 2
    assert [s["path"] for s in data["systems"]] == [f"{tmp_path}/a.yaml"]
    [error] = data["errors"]
    assert error["path"] == f"{tmp_path}/b.yaml"
    assert any(line.startswith(f"{tmp_path}/b.yaml:10:9: ") for line in error["problems"])
    assert f"{tmp_path}/b.yaml:10:9: " in result.err


def test_merge_of_shards_equals_the_whole(cli: Cli, tmp_path: Path) -> None:
    paths = sorted(INVENTORIES.glob("*.yaml"))
    for k, shard in enumerate((paths[:3], paths[3:])):
        (tmp_path / f"s{k}").mkdir()
        for p in shard:
            (tmp_path / f"s{k}" / p.name).symlink_to(p)
    whole = cli("portfolio", *paths, *TODAY, "-f", "json").out
    for k in range(2):
        shard_out = cli("portfolio", *sorted((tmp_path / f"s{k}").iterdir()), *TODAY, "-f", "json")
        (tmp_path / f"s{k}.json").write_text(shard_out.out, encoding="utf-8")
    merged = cli(
        "portfolio", "--merge", tmp_path / "s1.json", tmp_path / "s0.json", *TODAY, "-f", "json"
    )
    assert merged.code == 0, merged.err
    assert _without_paths(merged.out, tmp_path) == _without_paths(whole, tmp_path)
    overlap = cli("portfolio", "--merge", tmp_path / "s0.json", tmp_path / "s0.json", *TODAY)
    assert overlap.code == 2
    assert "shards must not overlap" in overlap.err


def _without_paths(text: str, tmp_path: Path) -> str:
    """Shards were run on links in tmp_path: the paths differ, nothing else may."""
    data = json.loads(text)
    for s in data["systems"]:
        s["path"] = Path(s["path"]).name
    return json.dumps(data, sort_keys=True).replace(str(tmp_path), "")


def test_merge_refuses_a_file_that_is_not_a_portfolio(cli: Cli, tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{\n  "portfolio_version": 1,\n  "systems": 3\n}\n', encoding="utf-8")
    result = cli("portfolio", "--merge", bad)
    assert result.code == 2
    assert f"{bad}:" in result.err


def test_trend_shows_the_systems_whose_verdicts_changed(cli: Cli, tmp_path: Path) -> None:
    for name in ("hospital-us-cloud.yaml", "hospital-trusted-cloud.yaml"):
        shutil.copy(INVENTORIES / name, tmp_path / name)
    before = cli("portfolio", tmp_path, "--today", "2026-06-01", "-f", "json")
    (tmp_path / "before.json").write_text(before.out, encoding="utf-8")
    # the US-cloud hospital moves to the trusted platform; a third system arrives
    shutil.copy(INVENTORIES / "hospital-trusted-cloud.yaml", tmp_path / "hospital-us-cloud.yaml")
    shutil.copy(INVENTORIES / "public-chatbot.yaml", tmp_path / "public-chatbot.yaml")
    result, data = _json(cli, tmp_path, "--compare", tmp_path / "before.json")
    assert result.code == 0, result.err
    trend = data["trend"]
    assert [p["today"] for p in trend["points"]] == ["2026-06-01", "2026-11-23"]
    changes = {Path(c["path"]).name: c["change"] for c in trend["changes"]}
    assert changes == {"hospital-us-cloud.yaml": "improved", "public-chatbot.yaml": "new"}


def test_csv_has_one_row_per_system_and_quotes_formulas(cli: Cli, tmp_path: Path) -> None:
    text = (INVENTORIES / "public-chatbot.yaml").read_text(encoding="utf-8")
    (tmp_path / "c.yaml").write_text(
        text.replace("  name: ", "  name: '=HYPERLINK(\"http://x\")' #", 1), encoding="utf-8"
    )
    shutil.copy(INVENTORIES / "bloom-jean-zay.yaml", tmp_path / "b.yaml")
    result = cli("portfolio", tmp_path, *TODAY, "-f", "csv")
    rows = list(csv.DictReader(io.StringIO(result.out)))
    assert [Path(r["path"]).name for r in rows] == ["b.yaml", "c.yaml"]
    assert rows[1]["system"] == '\'=HYPERLINK("http://x")'
    assert rows[0]["overall_score"] == "74.8"
    assert rows[0]["data-security_level"] == "4"


def test_html_dashboard_escapes_what_inventories_say(cli: Cli, tmp_path: Path) -> None:
    text = (INVENTORIES / "public-chatbot.yaml").read_text(encoding="utf-8")
    (tmp_path / "c.yaml").write_text(
        text.replace("  name: ", "  name: '<script>alert(1)</script>' #", 1), encoding="utf-8"
    )
    result = cli("portfolio", tmp_path, *TODAY, "-f", "html")
    assert result.code == 0
    assert "<script>" not in result.out
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in result.out
    assert "<svg" in result.out and "http://" not in result.out.replace(
        'xmlns="http://www.w3.org/2000/svg"', ""
    )


def test_table_is_the_default_and_says_the_verdict(cli: Cli) -> None:
    result = cli("portfolio", "inventories", *TODAY, "--target", "80%:restricted:overall>=L3")
    assert result.code == 1
    assert result.out.startswith(
        "Portfolio of 7 systems (4 with restricted or secret data), rubric default@1, 2026-11-23\n"
    )
    assert result.out.endswith("Verdict: FAIL: a portfolio target is missed\n")


def test_nothing_to_audit_is_exit_2(cli: Cli) -> None:
    result = cli("portfolio")
    assert result.code == 2
    assert "portfolio needs inventories" in result.err


def test_the_readme_documents_the_portfolio_command() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "sovcheck portfolio" in readme and "--merge" in readme
