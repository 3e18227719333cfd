"""The compute, cost, energy, people, reach, openness and Gaia-X fields: the documented
example loads and gives the findings it should; bad values are placed at their line and
column; the JSON Schema names every field."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import ROOT, audit
from tests.test_bad_input import bad

FORMAT_DOC = ROOT / "docs" / "inventory-format.md"


def _documented_example() -> str:
    section = FORMAT_DOC.read_text(encoding="utf-8").split(
        "## Compute, cost, energy, people, reach, openness and Gaia-X"
    )[1]
    body = section.split("```yaml\n", 1)[1].split("```", 1)[0]
    return (
        "sovcheck: 1\n"
        "system: {name: Example, home: FR, trusted: [EU], classification: restricted}\n" + body
    )


def test_the_documented_example_gives_the_findings_it_describes(tmp_path: Path) -> None:
    path = tmp_path / "example.yaml"
    path.write_text(_documented_example(), encoding="utf-8")
    report = audit(path, include_passed=True)
    new_rules = {"DS-011", "TI-011", "TI-012", "LV-009", "EC-005", "EC-006", "EC-007"}
    new_rules |= {"IN-005", "IN-006", "IN-007"}
    got = {
        (f.rule, f.component or "(system)"): f.status.value
        for f in report.findings
        if f.rule in new_rules
    }
    assert got == {
        ("DS-011", "hpc"): "fail",  # Label Level 2, and restricted data reaches it
        ("DS-011", "site"): "unknown",  # no credential stated
        ("EC-005", "hpc"): "pass",  # allocated by GENCI
        ("EC-006", "site"): "pass",  # PUE 1.3
        ("EC-007", "hpc"): "pass",  # three people of a French team
        ("EC-007", "model"): "pass",  # two people of the team, stated for the model
        ("IN-005", "model"): "pass",
        ("IN-006", "portal"): "pass",
        ("IN-007", "portal"): "pass",
        ("LV-009", "model"): "pass",
        ("TI-011", "model"): "fail",  # the training data is only partly documented
        ("TI-012", "(system)"): "pass",  # the operations team's cleared reserve
    }
    by_key = {(f.rule, f.component): f for f in report.findings}
    assert by_key[("EC-007", "hpc")].message == (
        "3 people in the trusted area can maintain critical component hpc"
    )
    assert by_key[("EC-005", "hpc")].message == "the compute of hpc is allocated"


def test_an_allocation_needs_allocated_access(cli, tmp_path: Path) -> None:
    text = _documented_example().replace("      access: allocated", "      access: rented")
    lines = bad(cli, tmp_path, text)
    assert lines == ["F:31:7: an allocation is given only with access: allocated"]


def test_maintainers_name_components_of_the_inventory(cli, tmp_path: Path) -> None:
    text = _documented_example().replace("maintainers: {hpc: 3,", "maintainers: {hcp: 3,")
    assert bad(cli, tmp_path, text) == [
        "F:67:19: maintainers names 'hcp', which is not a component of this inventory "
        "(did you mean 'hpc'?)"
    ]


def test_a_pue_below_one_is_refused_at_its_value(cli, tmp_path: Path) -> None:
    text = _documented_example().replace("pue: 1.3", "pue: 0.8")
    assert bad(cli, tmp_path, text) == [
        "F:55:47: 'components[3].energy_use.pue': Input should be greater than or equal to 1"
    ]


def test_a_field_on_the_wrong_kind_is_refused(cli, tmp_path: Path) -> None:
    text = _documented_example().replace("    count: 64\n", "    count: 64\n    size: 3\n")
    assert bad(cli, tmp_path, text) == ["F:51:5: field 'size' applies to kind team, not chip"]


def test_a_gaia_x_credential_needs_its_source_and_date(cli, tmp_path: Path) -> None:
    text = _documented_example().replace(
        'credential: "https://.../credential.json", issued: 2026-02-01, ', ""
    )
    assert bad(cli, tmp_path, text) == [
        "F:41:13: missing required field 'credential'",
        "F:41:13: missing required field 'issued'",
    ]


def test_the_inventory_schema_names_every_new_field(cli) -> None:
    result = cli("schema")
    assert result.code == 0
    schema = json.loads(result.out)
    component = schema["$defs"]["Component"]["properties"]
    for name in (
        "count",
        "compute",
        "training",
        "inference",
        "operating_cost",
        "frugality",
        "energy_use",
        "origin",
        "size",
        "maintainers",
        "reserve",
        "audiences",
        "access_modes",
        "small_organization_pricing",
        "openness",
        "local_tuning",
        "gaia_x",
    ):
        assert name in component, name
    assert schema["$defs"]["Allocation"]["required"] == ["programme", "machine", "source", "as_of"]
    assert schema["$defs"]["GaiaX"]["required"] == ["level", "credential", "issued"]
    assert "regional_languages" in schema["$defs"]["System"]["properties"]
