"""The condition language: three-valued logic, operators, and rubric validation."""

from __future__ import annotations

from pathlib import Path

import pytest

from sovcheck.errors import InputError
from sovcheck.load.rubric import load_rubric
from sovcheck.model.inventory import Classification
from sovcheck.rules.conditions import ConditionCompiler
from sovcheck.rules.facts import license_is_open
from sovcheck.rules.values import Unknown


class _NoMap:
    file = "r.yaml"

    def locate(self, path):
        from sovcheck.errors import Location

        return Location("r.yaml", 1, 1)

    locate_key = locate


def compile_(data):
    compiler = ConditionCompiler(_NoMap())
    condition = compiler.compile(data, ())
    assert compiler.problems == []
    return condition


FACTS = {
    "kind": "cloud",
    "control": "foreign",
    "handles": Classification.RESTRICTED,
    "location": frozenset({"FR"}),
    "export_controlled": Unknown.of("export_controlled"),
    "open_source": True,
}


def ev(data):
    return compile_(data).evaluate(FACTS.__getitem__)


@pytest.mark.parametrize(
    ("condition", "expected"),
    [
        ({"fact": "kind", "equals": "cloud"}, True),
        ({"fact": "control", "in": ["home", "trusted"]}, False),
        ({"fact": "handles", "at_least": "restricted"}, True),
        ({"fact": "handles", "at_least": "secret"}, False),
        ({"fact": "handles", "at_most": "internal"}, False),
        ({"fact": "location", "subset_of": ["FR", "DE"]}, True),
        ({"fact": "location", "intersects": ["US"]}, False),
        ({"fact": "location", "contains": "FR"}, True),
        ({"fact": "location", "empty": False}, True),
        ({"fact": "location", "equals": ["FR"]}, True),
        ({"fact": "location", "equals": ["FR", "DE"]}, False),
        ({"fact": "open_source", "is": True}, True),
        ({"fact": "export_controlled", "known": False}, True),
        ({"not": {"fact": "kind", "equals": "cloud"}}, False),
    ],
)
def test_predicates(condition, expected):
    assert ev(condition) is expected


def test_unknown_propagates_in_kleene_logic():
    unknown = {"fact": "export_controlled", "is": True}
    assert ev(unknown) == Unknown.of("export_controlled")
    assert ev({"not": unknown}) == Unknown.of("export_controlled")
    # all: a false part decides; otherwise unknown wins over true
    assert ev({"all": [unknown, {"fact": "kind", "equals": "chip"}]}) is False
    assert ev({"all": [unknown, {"fact": "kind", "equals": "cloud"}]}) == Unknown.of(
        "export_controlled"
    )
    # any: a true part decides; otherwise unknown wins over false
    assert ev({"any": [unknown, {"fact": "kind", "equals": "cloud"}]}) is True
    assert ev({"any": [unknown, {"fact": "kind", "equals": "chip"}]}) == Unknown.of(
        "export_controlled"
    )


def test_no_handles_compares_as_none():
    assert (
        compile_({"fact": "handles", "at_least": "public"}).evaluate({"handles": None}.__getitem__)
        is False
    )


@pytest.mark.parametrize(
    ("expression", "is_open"),
    [
        ("Apache-2.0", True),
        ("MIT OR LicenseRef-proprietary", True),
        ("MIT AND LicenseRef-proprietary", False),
        ("(GPL-2.0-or-later WITH Classpath-exception-2.0) AND BSD-3-Clause", True),
        ("llama3.1", False),
        ("CC-BY-4.0", True),
    ],
)
def test_licence_expressions(expression, is_open):
    from sovcheck.catalog import builtin_catalog

    assert license_is_open(expression, builtin_catalog().open_licenses) is is_open


RUBRIC = """\
rubric: 1
id: custom
version: "1"
title: Custom
objectives:
  - {id: data-security, title: Data security}
levels:
  - {level: 0, name: Low, min_score: 0}
rules:
  - id: X-1
    objective: data-security
    title: Test
    severity: high
    weight: 1
    applies_to: {fact: handels, at_least: restricted}
    check: {fact: control, in: [home, abroad]}
    message: "{id} is {contol}"
    rationale: r
    remediation: r
    references: [ref]
"""


def test_rubric_errors_have_positions_and_suggestions(tmp_path: Path):
    path = tmp_path / "custom.yaml"
    path.write_text(RUBRIC, encoding="utf-8")
    with pytest.raises(InputError) as exc:
        load_rubric(str(path))
    lines = [line.replace(str(path), "R") for line in exc.value.lines()]
    assert lines == [
        "R:15:24: unknown fact 'handels' (did you mean 'handles'?)",
        "R:16:39: 'abroad' is not one of home, trusted, foreign",
        "R:17:14: message uses unknown fact '{contol}' (did you mean 'control'?)",
    ]


@pytest.mark.parametrize(
    ("check", "message"),
    [
        ("{fact: control, in: [home, [trusted]]}", "R:16:39: 'in' takes a list of texts"),
        ("{fact: location, intersects: [{FR: 1}]}", "R:16:42: 'intersects' takes a list of texts"),
        ("{fact: kind, equals: {a: 1}}", "R:16:33: 'equals' on a text fact takes a text"),
        ("{fact: location, contains: [FR]}", "R:16:39: 'contains' on a set fact takes a text"),
        (
            "{fact: handles, at_least: [secret]}",
            "R:16:38: 'at_least' on a classification fact takes a text",
        ),
        (
            "{fact: open_source, equals: yes}",
            "R:16:40: 'equals' on a bool fact takes true or false",
        ),
        ("{fact: location, equals: FR}", "R:16:37: 'equals' takes a list"),
    ],
)
def test_rubric_operand_of_the_wrong_type_is_a_positioned_error(tmp_path: Path, check, message):
    text = RUBRIC.replace("{fact: handels, at_least: restricted}", "{fact: kind, equals: cloud}")
    text = text.replace("{fact: control, in: [home, abroad]}", check)
    text = text.replace("{contol}", "{control}")
    path = tmp_path / "custom.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as exc:
        load_rubric(str(path))
    assert [line.replace(str(path), "R") for line in exc.value.lines()] == [message]


def test_rubric_may_not_evaluate_code(tmp_path: Path):
    text = RUBRIC.replace("{fact: handels, at_least: restricted}", "{eval: '__import__(\"os\")'}")
    path = tmp_path / "evil.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as exc:
        load_rubric(str(path))
    assert "a predicate needs 'fact: NAME'" in exc.value.text


def test_default_rubric_covers_the_five_objectives_with_four_rules_each():
    rubric = load_rubric("default")
    counts: dict[str, int] = {}
    for compiled in rubric.rules:
        rule = compiled.rule
        counts[rule.objective] = counts.get(rule.objective, 0) + 1
        assert rule.references and rule.rationale and rule.remediation
    assert set(counts) == {
        "data-security",
        "technological-independence",
        "local-values",
        "economic-competitiveness",
        "inclusion",
    }
    assert min(counts.values()) >= 4


def test_default_rubric_uses_every_inventory_fact():
    """Every fact the inventory format defines feeds at least one default rule."""
    rubric = load_rubric("default")
    used: set[str] = set()
    for compiled in rubric.rules:
        used |= compiled.applies_to.facts() | compiled.check.facts()
    # inventory field -> the facts through which rules read it
    readers = {
        "supplier": {"control", "controlled_from"},
        "location": {"location_trusted"},
        "license": {"license_open"},
        "open_source": {"open_source"},
        "certifications": {"certifications"},
        "connectivity": {"connectivity"},
        "classification": {"classification", "handles"},
        "substitutes": {"has_trusted_substitute"},
        "annual_cost_eur": {"foreign_spend_share"},
        "export_controlled": {"export_controlled", "cutoff_source"},
        "requires_connectivity": {"cutoff_source"},
        "weights": {"weights"},
        "languages": {"serves_home_language", "serves_all_home_languages"},
        "personal_data": {"personal_data"},
        "legal_basis": {"legal_basis"},
        "training_summary": {"has_training_summary"},
        "accessibility": {"meets_accessibility_standard"},
        "foreign_control": {"max_foreign_control", "foreign_holdings"},
        "holders": {"foreign_holdings", "largest_foreign_holding"},
        "chip_type": {"chip_type", "export_licence_required"},
        "export_licence_required": {"export_licence_required"},
        "special_categories": {"required_certifications"},
        "organization": {"foreign_spend_share", "required_certifications"},
        "purpose": {"ai_act_applies"},
        "runs_on": {"holds_data", "undeclared_accelerators"},
        "maintained_by": {"maintained_locally"},
        "powered_by": {"energy_trusted"},
        "entrypoints": {"is_entrypoint"},
    }
    missing = {field for field, facts in readers.items() if not facts & used}
    assert missing == set()


@pytest.mark.parametrize("rubric_id", ["default", "secnumcloud", "eu-csf"])
def test_column_evaluation_agrees_with_per_component_evaluation(rubric_id):
    """The engine counts with whole-column truth vectors; they must say what the
    per-component evaluation says, for every rule and component."""
    from sovcheck.audit import build_facts
    from sovcheck.catalog import builtin_catalog
    from sovcheck.rules.columns import ColumnTable
    from sovcheck.rules.facts import FACTS
    from tests.conftest import INVENTORIES, load

    rubric = load_rubric(rubric_id)
    for path in sorted(INVENTORIES.glob("*.yaml")):
        facts = build_facts(load(path), builtin_catalog())
        table = ColumnTable(facts)
        for compiled in rubric.rules:
            if compiled.rule.scope == "system":
                continue
            for condition in (compiled.applies_to, compiled.check):
                true, false = condition.truth(table)
                for i in range(len(facts.chain)):

                    def lookup(name, i=i, facts=facts):
                        scope = FACTS[name].scope
                        return facts.system(name) if scope == "system" else facts.get(i, name)

                    value = condition.evaluate(lookup)
                    bit = 1 << (8 * i)
                    got = True if true & bit else (False if false & bit else "unknown")
                    want = value if isinstance(value, bool) else "unknown"
                    assert got == want, (path.name, compiled.rule.id, facts.chain.ids[i])


def test_unchecked_findings_equal_validated_ones():
    """The engine's fast constructor must build what pydantic's validation builds."""
    from sovcheck.model.report import (
        Finding,
        SourceLocation,
        Status,
        finding_unchecked,
        source_location,
    )
    from sovcheck.model.rubric import Severity

    values = {
        "rule": "DS-001",
        "objective": "data-security",
        "severity": Severity.CRITICAL,
        "status": Status.FAIL,
        "component": "x",
        "message": "m",
        "path": ("a", "x"),
        "remediation": "r",
        "references": ("ref",),
        "waived": False,
        "waiver_reason": None,
        "status_without_waiver": None,
        "unknown_fields": (),
    }
    fast = finding_unchecked({**values, "location": source_location("f.yaml", 3, 5)})
    other = finding_unchecked({**values, "location": source_location("g.yaml", 1, 1)})
    checked = Finding(location=SourceLocation(file="f.yaml", line=3, column=5), **values)
    assert fast == checked
    assert fast.model_dump() == checked.model_dump()
    assert fast.model_fields_set == checked.model_fields_set
    assert fast.model_copy(update={"component": "y"}) == checked.model_copy(
        update={"component": "y"}
    )
    assert fast.location == SourceLocation(file="f.yaml", line=3, column=5)
    assert fast.location.model_fields_set == {"file", "line", "column"}
    # Findings share their fields-set; a copy with changes must not touch it.
    fast.model_copy(update={"component": "y", "extra_name": 1})
    assert other.model_fields_set == checked.model_fields_set


def test_every_fact_is_explained_in_docs_semantics():
    from sovcheck.rules.facts import FACTS

    text = (Path(__file__).resolve().parents[1] / "docs" / "semantics.md").read_text(
        encoding="utf-8"
    )
    missing = [name for name in FACTS if f"`{name}`" not in text and f"**`{name}`**" not in text]
    assert not missing, f"facts docs/semantics.md does not explain: {missing}"
