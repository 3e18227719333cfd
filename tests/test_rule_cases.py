"""Rule cases: small inventories and the findings each rule must give on them.

Each file in ``tests/rule_cases/`` is about one rule of a shipped rubric (the default one
unless the file says ``rubric:``). Its ``cases`` are inventory fragments, completed by the
file's ``system`` and ``organizations``, with the status the rule must give each component
(``pass``, ``fail``, ``unknown``, ``waived``; a component not listed must get no finding, the
rule does not apply to it) and, where it matters, the exact message and unknown fields.

Every rule of the default rubric has a file, and among its cases one where it must pass, one
where it must fail and one where it must stay unknown, unless the file says why it cannot
(``cannot: {unknown: reason}``).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

from sovcheck.load.rubric import load_rubric
from tests.conftest import audit

CASES = Path(__file__).resolve().parent / "rule_cases"
SYSTEM = "(system)"
STATUSES = {"pass", "fail", "unknown", "waived"}


def _files() -> list[Path]:
    return sorted(CASES.glob("*.yaml"))


def _load(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = YAML(typ="safe", pure=True).load(path.read_text(encoding="utf-8"))
    return data


def _cases() -> list[Any]:
    params = []
    for path in _files():
        data = _load(path)
        for case in data["cases"]:
            params.append(pytest.param(data, case, id=f"{path.stem}: {case['name']}"))
    return params


def _inventory(data: dict[str, Any], case: dict[str, Any]) -> dict[str, Any]:
    system = {"name": f"{data['rule']} case", **data.get("system", {}), **case.get("system", {})}
    inventory: dict[str, Any] = {
        "sovcheck": 1,
        "system": system,
        "organizations": [*data.get("organizations", []), *case.get("organizations", [])],
        "components": case["components"],
    }
    if "waivers" in case:
        inventory["waivers"] = case["waivers"]
    return inventory


@pytest.mark.parametrize(("data", "case"), _cases())
def test_rule_case(data: dict[str, Any], case: dict[str, Any], tmp_path: Path) -> None:
    path = tmp_path / "inventory.json"
    path.write_text(json.dumps(_inventory(data, case), indent=2, default=str), encoding="utf-8")
    report = audit(path, data.get("rubric", "default"), include_passed=True)
    rule = data["rule"]
    found = {f.component or SYSTEM: f for f in report.findings if f.rule == rule}
    got = {component: f.status.value for component, f in found.items()}
    assert got == case["expect"], f"{rule}: {[f.message for f in found.values()]}"
    for component, message in case.get("messages", {}).items():
        assert found[component].message == message
    for component, fields in case.get("unknown_fields", {}).items():
        assert list(found[component].unknown_fields) == fields
    for component, severity in case.get("severity", {}).items():
        assert found[component].severity.value == severity


def test_every_default_rule_has_cases_that_pass_fail_and_stay_unknown() -> None:
    by_rule: dict[str, tuple[set[str], dict[str, str]]] = {}
    for path in _files():
        data = _load(path)
        if data.get("rubric", "default") != "default":
            continue
        assert path.stem == data["rule"], f"{path.name} is about {data['rule']}"
        statuses = {s for case in data["cases"] for s in case["expect"].values()}
        assert statuses <= STATUSES, path.name
        by_rule[data["rule"]] = (statuses, data.get("cannot", {}))
    missing = []
    for compiled in load_rubric("default").rules:
        rule = compiled.rule.id
        statuses, cannot = by_rule.get(rule, (set(), {}))
        for wanted in ("pass", "fail", "unknown"):
            if wanted not in statuses and wanted not in cannot:
                missing.append(f"{rule}: no case where it must {wanted}")
    assert not missing, "\n".join(missing)
