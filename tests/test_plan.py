"""Gap plans, what-if audits and diffs (sovcheck.plan and its renderers)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sovcheck.audit import AuditOptions
from sovcheck.catalog import Organizations, builtin_catalog
from sovcheck.errors import InputError
from sovcheck.formats import (
    diff_json,
    diff_markdown,
    diff_table,
    gap_json,
    gap_markdown,
    gap_table,
    json_report,
)
from sovcheck.load.rubric import load_rubric
from sovcheck.model.inventory import RELATIONS
from sovcheck.model.rubric import Severity
from sovcheck.plan import (
    FailUnder,
    GapReport,
    Minimums,
    Target,
    TargetLevel,
    diff,
    load_side,
    parse_replace,
    parse_set,
    plan_edits,
    plan_gap,
    rubric_minimums,
    whatif,
    whatif_diff,
)
from tests.conftest import INVENTORIES, TODAY, check_golden, load

# Relative to the repository root (the tests run there, see the fixture below), so that
# reports and goldens name the inventory the same way on every machine.
US = INVENTORIES.relative_to(INVENTORIES.parent) / "hospital-us-cloud.yaml"
TRUSTED = INVENTORIES.relative_to(INVENTORIES.parent) / "hospital-trusted-cloud.yaml"


@pytest.fixture(autouse=True)
def _in_repository_root(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(INVENTORIES.parent)


OPTIONS = AuditOptions(today=TODAY)
RUBRIC = load_rubric("default")
CATALOG = builtin_catalog()

SMALL = """\
sovcheck: 1
system:
  name: Small test system
  home: FR
  trusted: [EU]
  classification: restricted
  entrypoints: [app]
components:
  - id: app
    kind: application
    name: App
    supplier: ovhcloud
    runs_on: [us-cloud]
  - id: us-cloud
    kind: cloud
    name: A US cloud
    supplier: aws
    location: [FR]
  - id: fr-cloud
    kind: cloud
    name: A French cloud
    supplier: ovhcloud
    location: [FR]
    certifications: [secnumcloud]
    gaia_x: {level: label-3, credential: "https://example.org/fr-cloud.json", issued: 2026-01-01}
"""


def _plan(path: Path = US, target: Target | None = None) -> GapReport:
    return plan_gap(load(path), RUBRIC, CATALOG, OPTIONS, target or rubric_minimums(RUBRIC))


def _scores(report) -> dict[str, float]:  # type: ignore[no-untyped-def]
    return {o.id: o.score for o in report.objectives}


# ------------------------------------------------------------------ gap


def test_first_step_moves_restricted_data_off_the_us_controlled_host() -> None:
    gap = _plan()
    first = gap.steps[0]
    assert first.kind == "rewire"
    assert first.source == "catalog"
    assert "azure-france" in first.components
    assert "azure-france" in first.summary and "restricted-data processing" in first.summary
    assert first.host is not None
    # controlled from home: every organization of the new host's control chain is French
    chain = Organizations(CATALOG, ()).control_chain(first.host)
    assert chain and all(o.country == "FR" for o in chain)
    assert first.host in first.summary
    ds = next(c for c in first.changes if c.id == "data-security")
    assert ds.delta > 0
    assert "DS-001 azure-france" in first.fixed
    assert "18 U.S.C. §2713 (CLOUD Act)" in first.references
    assert set(first.removed) == {"azure-fr-datacenters", "azure-fr-energy", "microsoft-admins"}


def test_plan_steps_applied_with_whatif_reach_the_target() -> None:
    target = Minimums({"data-security": 60})
    gap = _plan(target=target)
    assert gap.reached and gap.stopped == "reached"
    assert [line.id for line in gap.before] == ["data-security"]
    edits = plan_edits(gap)
    original, modified = whatif(
        load(US), dict(edits.replace), list(edits.set_fields), RUBRIC, CATALOG, OPTIONS
    )
    assert _scores(original)["data-security"] < 60
    assert _scores(modified)["data-security"] >= 60
    assert _scores(modified)["data-security"] == gap.after[0].score


def test_whatif_of_every_step_gives_the_plan_scores() -> None:
    gap = _plan()
    edits = plan_edits(gap)
    _, modified = whatif(
        load(US), dict(edits.replace), list(edits.set_fields), RUBRIC, CATALOG, OPTIONS
    )
    expected = {c.id: c.after for c in gap.objectives_after if c.id != "overall"}
    assert _scores(modified) == expected


def test_later_steps_depend_on_the_steps_they_build_on() -> None:
    gap = _plan(target=TargetLevel(4))
    for step in gap.steps:
        assert all(n < step.number for n in step.depends_on_steps)
        assert step.depends_on
    assert len(gap.steps) <= 10


def test_costs_of_an_objective_add_up_to_its_gap_to_100() -> None:
    gap = _plan(target=TargetLevel(4))
    for line in gap.before:
        if line.costs:
            assert sum(c.points for c in line.costs) == pytest.approx(100 - line.score, abs=0.2)
    costs = gap.before[0].costs
    assert costs == tuple(sorted(costs, key=lambda c: -c.points))


def test_fail_under_target_plans_on_the_overall_score() -> None:
    gap = _plan(target=FailUnder(50))
    assert [line.id for line in gap.before] == ["overall"]
    assert gap.reached
    assert gap.after[0].score >= 50


def test_establish_steps_say_they_assume_a_fact() -> None:
    gap = _plan()
    facts = [s for s in gap.steps if s.kind == "establish"]
    assert facts and all(s.source == "fact" and s.assumes_fact for s in facts)
    assert gap.assumes_facts


def test_rewire_to_a_trusted_host_in_the_inventory(tmp_path: Path) -> None:
    path = tmp_path / "small.yaml"
    path.write_text(SMALL, encoding="utf-8")
    gap = _plan(path, Minimums({"data-security": 100}))
    first = gap.steps[0]
    assert (first.kind, first.source, first.host) == ("rewire", "inventory", "fr-cloud")
    assert first.replace == (("us-cloud", "fr-cloud"),)
    assert first.removed == ("us-cloud",)
    assert gap.reached


def test_plan_is_deterministic() -> None:
    assert gap_json.render(_plan()) == gap_json.render(_plan())


# Batches are a heuristic: on eu-public-admin, defence-airgapped and bloom-jean-zay, batches
# of 4 pick a different first step than measuring every candidate; batches of 32 do not.
@pytest.mark.parametrize("name", ["public-chatbot.yaml", "trusted-cloud-jv.yaml"])
def test_batches_most_at_stake_first_find_the_plan_of_measuring_every_candidate(
    name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What a large inventory gets (more candidates than a batch), on small ones whose
    exact plan is known: batches of 4 instead of 32 give the same steps."""
    path = INVENTORIES.relative_to(INVENTORIES.parent) / name
    exact = _plan(path)
    monkeypatch.setattr("sovcheck.plan.search.BATCH", 4)
    batched = _plan(path)
    assert [(s.candidate, s.gain) for s in batched.steps] == [
        (s.candidate, s.gain) for s in exact.steps
    ]
    assert len(exact.steps) >= 2


def test_unknown_objective_in_target_is_an_input_error() -> None:
    with pytest.raises(InputError, match="--min: unknown objective 'data-securty'"):
        _plan(target=Minimums({"data-securty": 50}))
    with pytest.raises(InputError, match="--target-level: level 9"):
        _plan(target=TargetLevel(9))


def test_gap_markdown_golden() -> None:
    text = gap_markdown.render(_plan())
    assert "## How the scores are computed" in text
    check_golden("plan/hospital-us-cloud.gap.md", text)


def test_gap_table_and_json_render() -> None:
    gap = _plan()
    assert "Target: not reached" in gap_table.render(gap) or "Target: reached" in gap_table.render(
        gap
    )
    data = json.loads(gap_json.render(gap))
    assert data["gap_version"] == 1 and data["steps"][0]["kind"] == "rewire"


# ------------------------------------------------------------------ what-if


def test_whatif_never_edits_the_file() -> None:
    before = US.read_bytes()
    whatif(load(US), {"azure-france": "ovhcloud"}, [], RUBRIC, CATALOG, OPTIONS)
    assert US.read_bytes() == before


def test_whatif_replace_with_an_organization_changes_the_supplier() -> None:
    original, modified = whatif(
        load(US), {"microsoft-authentication": "ovhcloud"}, [], RUBRIC, CATALOG, OPTIONS
    )
    keys = {(f.rule, f.component) for f in modified.findings}
    assert ("TI-002", "microsoft-authentication") not in keys
    assert (
        _scores(modified)["technological-independence"]
        > _scores(original)["technological-independence"]
    )


@pytest.mark.parametrize(
    ("replace", "sets", "message"),
    [
        (["nope=ovhcloud"], [], "--replace nope=ovhcloud: 'nope' is not a component"),
        (
            ["azure-france=nobody"],
            [],
            "'nobody' is neither a component of this inventory nor an organization",
        ),
        ([], ["azure-france.location=[XX]"], "--set azure-france.location=[XX]: "),
        (
            [],
            ["azure-france.locaton=[FR]"],
            "components have no field 'locaton' (did you mean 'location'?)",
        ),
        ([], ["azure-france.weights=open"], "field 'weights' applies to kind model, not cloud"),
        ([], ["azure-france.supplier=nobody"], "supplier 'nobody' is neither"),
        (
            [],
            ["azure-france.runs_on=[ghost]"],
            "azure-france.runs_on: 'ghost' is not another component",
        ),
        (["azure-france"], [], "--replace takes ID=OTHER"),
        ([], ["azure-france=1"], "--set takes ID.field=value"),
    ],
)
def test_whatif_bad_options_are_input_errors(
    replace: list[str], sets: list[str], message: str
) -> None:
    with pytest.raises(InputError) as exc:
        whatif(load(US), parse_replace(replace), parse_set(sets), RUBRIC, CATALOG, OPTIONS)
    assert message in str(exc.value)


def test_whatif_set_parses_yaml_scalars() -> None:
    original, modified = whatif(
        load(US),
        {},
        parse_set(["hdh-platform.languages=[fr]", "hdh-platform.open_source=true"]),
        RUBRIC,
        CATALOG,
        OPTIONS,
    )
    assert _scores(modified)["inclusion"] > _scores(original)["inclusion"]


# ------------------------------------------------------------------ diff


def _side(path: Path):  # type: ignore[no-untyped-def]
    return load_side(str(path), RUBRIC, CATALOG, OPTIONS, display_name=f"inventories/{path.name}")


def test_diff_us_to_trusted_shows_the_data_security_gain() -> None:
    d = diff(_side(US), _side(TRUSTED))
    ds = next(o for o in d.objectives if o.id == "data-security")
    assert ds.delta > 0
    fixed = {(f.rule, f.component): f for f in d.fixed_findings}
    assert fixed[("DS-001", "azure-france")].status_before is not None
    assert fixed[("DS-001", "azure-france")].status_before.value == "fail"
    # the new host claims HDS but holds no confirmed qualification: a failing finding on a
    # component the base did not have, which --fail-on-new (default high) does not let pass
    assert d.worse_reasons == (
        "DS-005 fails on scaleway-cloud (high, new), at or above --fail-on-new high",
    )
    assert [(f.rule, f.component) for f in d.new_failing] == [
        ("DS-005", "scaleway-cloud"),
        ("EC-002", "scaleway-datacenters"),
    ]
    assert not diff(_side(US), _side(TRUSTED), fail_on_new=Severity.CRITICAL).worse
    assert not diff(_side(US), _side(TRUSTED), fail_on_new=None).worse
    assert "azure-france" in d.removed and "scaleway-cloud" in d.added
    changed = {c.id: c.fields for c in d.changed}
    assert changed["hdh-platform"] == ("runs_on", "calls")


def test_diff_the_other_way_is_worse() -> None:
    d = diff(_side(TRUSTED), _side(US))
    assert d.worse
    assert (
        "gate objective:technological-independence passed in inventories/"
        "hospital-trusted-cloud.yaml and fails in inventories/hospital-us-cloud.yaml"
    ) in d.worse_reasons
    assert "Verdict: WORSE" in diff_table.render(d)


def test_diff_reads_a_saved_json_report(tmp_path: Path) -> None:
    saved = tmp_path / "base.json"
    saved.write_text(json_report.render(_side(US).report), encoding="utf-8")
    d = diff(load_side(str(saved), RUBRIC, CATALOG, OPTIONS), _side(TRUSTED))
    assert not d.components_compared
    assert any(f.rule == "DS-001" and f.component == "azure-france" for f in d.fixed_findings)
    same = diff(_side(US), load_side(str(saved), RUBRIC, CATALOG, OPTIONS))
    assert not same.worse and not same.new_findings and not same.fixed_findings


def test_diff_rejects_a_report_of_another_version(tmp_path: Path) -> None:
    saved = tmp_path / "base.json"
    saved.write_text('{"report_version": 3}', encoding="utf-8")
    with pytest.raises(InputError, match="report_version 3 is not supported"):
        load_side(str(saved), RUBRIC, CATALOG, OPTIONS)


def test_whatif_diff_labels_the_options() -> None:
    d = whatif_diff(load(US), {"azure-france": "ovhcloud"}, [], RUBRIC, CATALOG, OPTIONS)
    assert d.head.endswith("with --replace azure-france=ovhcloud")
    assert [c.id for c in d.changed] == ["azure-france"]


def test_diff_goldens() -> None:
    d = diff(_side(US), _side(TRUSTED))
    check_golden("plan/hospital-diff.md", diff_markdown.render(d))
    check_golden("plan/hospital-diff.txt", diff_table.render(d))
    assert json.loads(diff_json.render(d))["diff_version"] == 1


# ------------------------------------------------------------------ like for like

# relative to the repository root, as US and TRUSTED above
PLAN_DATA = Path("tests") / "data" / "plan"
STARTUP = PLAN_DATA / "startup-fr.yaml"
BANK = PLAN_DATA / "bank-de.yaml"


def _choices(path: Path, cid: str) -> tuple[list[str], str | None]:
    from sovcheck.plan.candidates import offer_choices
    from sovcheck.plan.edits import with_inventory
    from sovcheck.plan.evaluate import evaluate_state

    loaded = load(path)
    state = evaluate_state(with_inventory(loaded, loaded.inventory), RUBRIC, CATALOG, OPTIONS)
    comp = state.by_id[cid]
    found, why = offer_choices(state, comp, CATALOG, TODAY)
    return [c.offer.id for c in found], why


def test_an_accelerator_is_replaced_by_an_accelerator_not_a_cpu() -> None:
    offers, why = _choices(STARTUP, "h100")
    assert why is None
    assert "sipearl-rhea1" not in offers  # an HPC CPU
    assert offers and all("accelerator" in CATALOG.offers[o].capabilities for o in offers)
    # home first: French accelerators before the Dutch one
    assert offers[0] == "kalray-mppa3-coolidge"


def test_no_trusted_accelerator_is_a_finding_of_its_own(tmp_path: Path) -> None:
    text = STARTUP.read_text(encoding="utf-8").replace("trusted: [EU]", "trusted: []")
    text = text.replace("home: FR", "home: DE")
    path = tmp_path / "startup-de.yaml"
    path.write_text(text, encoding="utf-8")
    offers, why = _choices(path, "h100")
    assert offers == []
    assert why == "no trusted accelerator offer in the catalog"


def test_capability_unknown_gives_no_catalog_candidate(tmp_path: Path) -> None:
    text = STARTUP.read_text(encoding="utf-8").replace("    chip_type: accelerator\n", "")
    text = text.replace("name: NVIDIA H100", "name: Some chip").replace("h100", "chip-1")
    path = tmp_path / "startup-unknown.yaml"
    path.write_text(text, encoding="utf-8")
    offers, why = _choices(path, "chip-1")
    assert offers == []
    assert why is not None and why.startswith("the capability of chip-1 (chip) is unknown")


def test_hospital_authentication_goes_to_an_identity_provider() -> None:
    report = _plan()
    auth = [s for s in report.steps if "microsoft-authentication" in s.components]
    assert len(auth) == 1
    assert auth[0].offer == "proconnect"
    assert "identity" in CATALOG.offers["proconnect"].capabilities
    for name in ("bleu", "lighton", "probabl", "dassault-systemes"):
        assert name not in auth[0].alternatives and auth[0].host != name


def test_hospital_plan_keeps_hds_and_reaches_the_default_target() -> None:
    report = _plan()
    assert report.reached
    cloud = next(s for s in report.steps if "azure-france" in s.components)
    sets = {(c, f): v for c, f, v in cloud.set_fields}
    certs = sets.get(("azure-france", "certifications"))
    assert certs is not None and "hds" in certs
    assert CATALOG.offers[str(cloud.offer)].kind == "cloud"
    assert cloud.effort == "re-platforming"


def test_german_bank_gets_german_llm_and_keeps_c5() -> None:
    report = plan_gap(load(BANK), RUBRIC, CATALOG, OPTIONS, rubric_minimums(RUBRIC))
    by = {s.components[0]: s for s in report.steps if s.kind != "establish"}
    assert by["azure-openai"].offer == "ionos-ai-model-hub"  # home DE, not Bleu
    cloud = by["azure-germany"]
    assert cloud.host != "cloud-temple" and cloud.offer != "bleu-cloud-de-confiance"
    sets = {(c, f): v for c, f, v in cloud.set_fields}
    assert "c5" in sets[("azure-germany", "certifications")]
    # SecNumCloud is the qualification DS-005 confirms, so the measured gain takes the
    # bank's cloud to OVHcloud's qualified region in France, inside the trusted area, and
    # the step says the offer is built on a foreign stack
    assert cloud.offer == "ovhcloud-hosted-private-cloud-snc"
    assert sets[("azure-germany", "location")] == "[FR]"
    assert any("built on technology of broadcom" in m for m in cloud.modelled_change)


def test_an_offer_on_a_foreign_stack_comes_after_one_on_a_trusted_stack() -> None:
    offers, _ = _choices(BANK, "azure-germany")
    # Open Telekom Cloud is German but built on Huawei technology: after OVHcloud
    assert offers.index("ovhcloud-public-cloud") < offers.index("open-telekom-cloud")


def test_gains_rank_on_unrounded_scores() -> None:
    report = _plan()
    for step in report.steps:
        shown = sum(c.delta for c in step.changes if c.id != "overall")
        assert step.gain > 0 and abs(step.gain - round(step.gain, 4)) < 1e-12
        assert shown != 0


def test_bank_and_jv_plan_goldens() -> None:
    from sovcheck.formats import gap_markdown

    bank = plan_gap(load(BANK), RUBRIC, CATALOG, OPTIONS, rubric_minimums(RUBRIC))
    check_golden("plan/bank-de.gap.md", gap_markdown.render(bank))
    jv = _plan(INVENTORIES.relative_to(INVENTORIES.parent) / "trusted-cloud-jv.yaml")
    check_golden("plan/trusted-cloud-jv.gap.md", gap_markdown.render(jv))


def test_a_target_not_reached_says_what_blocks_it() -> None:
    report = plan_gap(load(STARTUP), RUBRIC, CATALOG, OPTIONS, TargetLevel(4))
    assert not report.reached
    assert report.blocked_by == (
        "economic-competitiveness: EC-002 app (fail, 15.38 points)",
        "economic-competitiveness: EC-002 gpu-cloud (fail, 15.38 points)",
        # who the application serves, and how, is not stated
        "inclusion: IN-006 app (unknown, 12.5 points)",
        "inclusion: IN-007 app (unknown, 8.33 points)",
    )
    reached = plan_gap(load(STARTUP), RUBRIC, CATALOG, OPTIONS, rubric_minimums(RUBRIC))
    assert reached.reached and reached.blocked_by == () and reached.facts_to_establish == ()


def test_foreign_spend_change_from_the_inventory_costs(tmp_path: Path) -> None:
    text = BANK.read_text(encoding="utf-8").replace(
        "    name: Azure OpenAI\n", "    name: Azure OpenAI\n    annual_cost_eur: 120000\n"
    )
    path = tmp_path / "bank.yaml"
    path.write_text(text, encoding="utf-8")
    report = plan_gap(load(path), RUBRIC, CATALOG, OPTIONS, rubric_minimums(RUBRIC))
    by = {s.components[0]: s for s in report.steps}
    assert by["azure-openai"].foreign_spend_change_eur == -120000
    assert by["azure-germany"].foreign_spend_change_eur is None  # no cost stated
    assert by["azure-germany"].effort == "re-platforming"
    assert by["azure-openai"].effort == "migration"


AGENCY = PLAN_DATA / "agency-aws.yaml"


def _candidate_ids(path: Path) -> list[str]:
    from sovcheck.plan.candidates import component_candidates
    from sovcheck.plan.evaluate import evaluate_state

    state = evaluate_state(load(path), RUBRIC, CATALOG, OPTIONS)
    found, _ = component_candidates(state, CATALOG, TODAY)
    return [c.id for c in found]


def test_one_step_replaces_a_supplier_everywhere() -> None:
    report = plan_gap(load(AGENCY), RUBRIC, CATALOG, OPTIONS, rubric_minimums(RUBRIC))
    assert report.reached
    first = report.steps[0]
    assert first.candidate == "replace-supplier:aws:catalog:scaleway"
    assert first.supplier == "aws" and first.host == "scaleway" and first.offer is None
    assert first.offers == (
        ("aws-compute", "scaleway-instances"),
        ("aws-llm", "scaleway-generative-apis"),
        ("aws-storage", "scaleway-object-storage"),
    )
    assert first.components == ("aws-compute", "aws-llm", "aws-storage")
    assert first.replace == (
        ("aws-compute", "scaleway"),
        ("aws-llm", "scaleway"),
        ("aws-storage", "scaleway"),
    )
    assert first.effort == "re-platforming"  # the largest of its parts
    assert first.depends_on == (
        "scaleway-instances contracted from scaleway and the data of app migrated to it",
        "scaleway-generative-apis contracted from scaleway and the data of app migrated to it",
        "scaleway-object-storage contracted from scaleway and the data of app migrated to it",
    )
    # the step is measured, not summed: its changes are those of a what-if with its options
    _, after = whatif(
        load(AGENCY), dict(first.replace), list(first.set_fields), RUBRIC, CATALOG, OPTIONS
    )
    shown = {c.id: c.after for c in first.changes}
    assert shown["overall"] == after.overall.score
    assert {o.id: o.score for o in after.objectives} == {
        k: v for k, v in shown.items() if k != "overall"
    }
    # one supplier step per organization whose offers differ in effect (OVHcloud has no
    # object storage offer, so it covers two of the three)
    ids = _candidate_ids(AGENCY)
    assert [i for i in ids if i.startswith("replace-supplier:")] == [
        "replace-supplier:aws:catalog:ovhcloud",
        "replace-supplier:aws:catalog:scaleway",
    ]


def test_a_supplier_step_never_costs_a_component_its_best_offer(tmp_path: Path) -> None:
    # The bank's cloud holds C5: IONOS (DE) has no C5 offer, and OVHcloud's LLM offer is
    # neither home nor located in the trusted area while IONOS's is: no supplier step, the
    # German LLM and the C5 cloud are proposed one by one (test above).
    assert not [i for i in _candidate_ids(BANK) if i.startswith("replace-supplier:")]
    # Without C5 to keep, IONOS offers both, from home: one step replaces Microsoft.
    text = BANK.read_text(encoding="utf-8").replace("    certifications: [c5]\n", "")
    path = tmp_path / "bank-no-c5.yaml"
    path.write_text(text, encoding="utf-8")
    assert [i for i in _candidate_ids(path) if i.startswith("replace-supplier:")] == [
        "replace-supplier:microsoft:catalog:ionos"
    ]
    report = plan_gap(load(path), RUBRIC, CATALOG, OPTIONS, rubric_minimums(RUBRIC))
    assert report.steps[0].offers == (
        ("azure-germany", "ionos-cloud-compute-engine"),
        ("azure-openai", "ionos-ai-model-hub"),
    )


def test_a_single_component_of_a_supplier_gets_no_supplier_step() -> None:
    # the startup's only foreign failing component is its NVIDIA chip
    assert not [i for i in _candidate_ids(STARTUP) if i.startswith("replace-supplier:")]


def test_supplier_step_golden() -> None:
    from sovcheck.formats import gap_markdown

    report = plan_gap(load(AGENCY), RUBRIC, CATALOG, OPTIONS, rubric_minimums(RUBRIC))
    check_golden("plan/agency-aws.gap.md", gap_markdown.render(report))


@pytest.mark.parametrize(
    "path",
    [US, TRUSTED, STARTUP, BANK, AGENCY]
    + [INVENTORIES.relative_to(INVENTORIES.parent) / n for n in ("public-chatbot.yaml",)],
    ids=str,
)
def test_an_edit_that_changes_no_relation_drops_nothing(path: Path) -> None:
    """apply_edits skips the walk of the inventory for edits that change no relation: the
    full computation, run here on every such candidate, must agree (nothing dropped)."""
    from sovcheck.plan.candidates import component_candidates, fact_candidates
    from sovcheck.plan.edits import _entrypoint_ids, _prune, _reached, apply_edits
    from sovcheck.plan.evaluate import evaluate_state

    state = evaluate_state(load(path), RUBRIC, CATALOG, OPTIONS)
    found, _ = component_candidates(state, CATALOG, TODAY)
    facts, _ = fact_candidates(state, RUBRIC)
    inventory = state.inventory
    starts = _entrypoint_ids(inventory)
    before = _reached(inventory.components, starts)
    relations = {r.value for r in RELATIONS} | {"substitutes"}
    checked = 0
    for cand in found + facts:
        if any(other in state.by_id for _, other in cand.edits.replace) or any(
            f in relations for _, f, _ in cand.edits.set_fields
        ):
            continue
        new, removed = apply_edits(inventory, cand.edits, CATALOG)
        kept, dropped = _prune(list(new.components), starts, before)
        assert removed == dropped == ()
        assert kept == list(new.components)
        assert [c.id for c in new.components] == [c.id for c in inventory.components]
        checked += 1
    assert checked > 0


def test_a_supplier_step_on_many_components_names_a_few_and_lists_all(tmp_path: Path) -> None:
    clouds = [f"aws-compute-{n}" for n in range(1, 8)]
    text = AGENCY.read_text(encoding="utf-8").replace(
        "    runs_on: [aws-compute]\n", f"    runs_on: [aws-compute, {', '.join(clouds)}]\n"
    )
    text += "".join(
        f"  - id: {c}\n    kind: cloud\n    name: AWS EC2 Paris region\n"
        "    supplier: aws\n    location: [FR]\n"
        for c in clouds
    )
    path = tmp_path / "agency-many.yaml"
    path.write_text(text, encoding="utf-8")
    from sovcheck.plan.candidates import component_candidates
    from sovcheck.plan.evaluate import evaluate_state

    state = evaluate_state(load(path), RUBRIC, CATALOG, OPTIONS)
    found, _ = component_candidates(state, CATALOG, TODAY)
    step = next(c for c in found if c.id == "replace-supplier:aws:catalog:scaleway")
    assert len(step.offers) == 10 and len(step.components) == 10
    assert step.summary.endswith("; and 5 more (see offers)")
    assert step.summary.split(": ", 1)[1].count(" with Scaleway") == 5
    ovh = next(c for c in found if c.id == "replace-supplier:aws:catalog:ovhcloud")
    assert ovh.summary.endswith(" (aws-storage stay: no like-for-like offer of ovhcloud for them)")


@pytest.mark.parametrize(
    "path",
    [US, TRUSTED, STARTUP, BANK, AGENCY]
    + [
        INVENTORIES.relative_to(INVENTORIES.parent) / n
        for n in ("public-chatbot.yaml", "defence-airgapped.yaml", "bloom-jean-zay.yaml")
    ],
    ids=str,
)
def test_a_candidate_measured_without_words_scores_as_the_full_audit(path: Path) -> None:
    """Candidates are measured by audits whose findings carry no message nor path; the
    scores, levels, tallies and statuses must be the full audit's, exactly."""
    from sovcheck.plan.candidates import component_candidates, fact_candidates
    from sovcheck.plan.edits import apply_edits, with_inventory
    from sovcheck.plan.evaluate import evaluate_state

    state = evaluate_state(load(path), RUBRIC, CATALOG, OPTIONS)
    found, _ = component_candidates(state, CATALOG, TODAY)
    facts, _ = fact_candidates(state, RUBRIC)
    for cand in [None, *found, *facts]:
        loaded = state.loaded
        if cand is not None:
            loaded = with_inventory(loaded, apply_edits(state.inventory, cand.edits, CATALOG)[0])
        full = evaluate_state(loaded, RUBRIC, CATALOG, OPTIONS)
        light = evaluate_state(loaded, RUBRIC, CATALOG, OPTIONS, words=False)
        assert light.exact == full.exact
        assert light.objectives == full.objectives and light.overall == full.overall
        assert [
            (t.rule.rule.id, t.passed, t.failed, t.unknown, t.not_applicable)
            for t in light.result.tallies
        ] == [
            (t.rule.rule.id, t.passed, t.failed, t.unknown, t.not_applicable)
            for t in full.result.tallies
        ]
        assert light.result.findings == [
            f.model_copy(update={"message": "", "path": ()}) for f in full.result.findings
        ]
        assert light.result.unknowns == full.result.unknowns
        assert all(f.message for f in full.result.findings)


def _rewired_by_definition(inventory, edits):  # type: ignore[no-untyped-def]
    """What replacing components by other components does, read off its definition: every
    component's relations rewired one replacement after another, then pruned round by round
    of what the entrypoints reached before, reach no longer and nothing refers to."""
    from sovcheck.plan.edits import _entrypoint_ids, _reached

    comps = {c.id: c for c in inventory.components}
    for target, other in edits.replace:
        for cid, comp in list(comps.items()):
            update = {}
            for relation in RELATIONS:
                targets = comp.targets(relation)
                if target in targets:
                    mapped = [other if t == target else t for t in targets]
                    update[relation.value] = tuple(dict.fromkeys(t for t in mapped if t != cid))
            if update:
                comps[cid] = comp.model_copy(update=update)
    starts = _entrypoint_ids(inventory)
    before = _reached(inventory.components, starts)
    current = list(comps.values())
    removed: list[str] = []
    while True:
        reach = _reached(current, starts)
        referenced = {t for c in current for r in RELATIONS for t in c.targets(r)}
        drop = {
            c.id for c in current if c.id in before and c.id not in reach and c.id not in referenced
        }
        if not drop:
            return tuple(current), tuple(sorted(removed))
        removed.extend(drop)
        current = [c for c in current if c.id not in drop]


def _generated_estates(tmp_path: Path) -> list[Path]:
    from benchmarks.generate import Generator, write_json

    paths = []
    for size, seed in ((200, 1), (300, 2), (400, 3), (500, 4), (500, 5)):
        path = tmp_path / f"estate-{size}-{seed}.json"
        write_json(Generator(size, seed), path)
        paths.append(path)
    return paths


def test_structural_edits_equal_their_definition(tmp_path: Path) -> None:
    """apply_edits rewires from an index of who refers to what and prunes with reference
    counts; on every rewiring candidate of the shipped and of generated inventories, and on
    pairs of them applied together, it must give what the definition gives."""
    from sovcheck.plan.candidates import component_candidates
    from sovcheck.plan.edits import Edits, apply_edits
    from sovcheck.plan.evaluate import evaluate_state

    portfolio = INVENTORIES.parent / "examples" / "portfolio"
    paths = [
        *sorted(INVENTORIES.glob("*.yaml")),
        *sorted(portfolio.glob("*.yaml")),
        *_generated_estates(tmp_path),
    ]
    checked = pruned = 0
    for path in paths:
        state = evaluate_state(load(path), RUBRIC, CATALOG, OPTIONS, words=False)
        found, _ = component_candidates(state, CATALOG, TODAY)
        rewires = [
            c.edits
            for c in found
            if not c.edits.set_fields
            and c.edits.replace
            and all(other in state.by_id for _, other in c.edits.replace)
        ]
        pairs = [Edits(a.replace + b.replace) for a, b in zip(rewires, rewires[1::7], strict=False)]
        for edits in rewires + pairs:
            new, removed = apply_edits(state.inventory, edits, CATALOG)
            expected, expected_removed = _rewired_by_definition(state.inventory, edits)
            assert (new.components, removed) == (expected, expected_removed), edits
            checked += 1
            pruned += bool(removed)
    assert checked > 250 and pruned > 0
