"""The cost and energy summary: spend by supplier jurisdiction, compute owned, rented or
allocated, energy by site and origin, models' training figures and operating costs, in the
terminal, Markdown and HTML reports when the inventory gives the facts, absent otherwise,
and never in the JSON report (version 1)."""

from __future__ import annotations

import json
from pathlib import Path

from sovcheck.formats import markdown, table
from sovcheck.model.summary import ComputeLine, CostLine, ModelLine, SiteLine, SpendLine
from tests.conftest import audit

INVENTORY = """\
sovcheck: 1
system: {name: Costed system, home: FR, trusted: [EU], classification: internal, entrypoints: [app]}
components:
  - {id: app, kind: application, name: App, supplier: french-state, runs_on: [host], calls: [api]}
  - id: host
    kind: cloud
    name: Host
    supplier: ovhcloud
    location: [FR]
    annual_cost_eur: 80000
    compute: {access: rented}
    operating_cost: {compute_eur: 60000, energy_eur: 15000, cooling_eur: 5000}
    uses: [gpus]
    runs_on: [site]
  - {id: gpus, kind: chip, name: GPUs, supplier: nvidia, chip_type: accelerator, count: 8}
  - id: site
    kind: datacenter
    name: Site
    supplier: ovhcloud
    location: [FR]
    energy_use: {kwh_per_year: 1200000, pue: 1.25, source: "https://example.org/r", as_of: 2025-12-31}
    powered_by: [grid]
  - {id: grid, kind: energy, name: Grid, location: [FR], origin: [nuclear, hydro]}
  - {id: api, kind: service, name: API, supplier: openai, annual_cost_eur: 20000}
  - id: model
    kind: model
    name: Model
    supplier: mistral-ai
    weights: open
    runs_on: [host]
    training: {gpu_hours: 5000, cost: {compute_eur: 9000, energy_eur: 1000}}
    frugality: {documented: true, energy_per_inference_wh: 0.5}
"""


def _report(tmp_path: Path, text: str = INVENTORY):  # type: ignore[no-untyped-def]
    path = tmp_path / "inv.yaml"
    path.write_text(text, encoding="utf-8")
    return audit(path)


def test_the_summary_gathers_what_the_inventory_states(tmp_path: Path) -> None:
    summary = _report(tmp_path).summary
    assert summary is not None
    assert summary.spend == (
        SpendLine(jurisdiction="FR", control="home", annual_eur=80000, components=("host",)),
        SpendLine(jurisdiction="US", control="foreign", annual_eur=20000, components=("api",)),
    )
    assert summary.compute == (
        ComputeLine(host="host", access="rented", allocation=None, accelerators=8, control="home"),
    )
    assert summary.sites == (
        SiteLine(
            site="site",
            location=("FR",),
            kwh_per_year=1200000,
            pue=1.25,
            origins=("hydro", "nuclear"),
        ),
    )
    assert summary.models == (
        ModelLine(
            model="model",
            training_gpu_hours=5000,
            training_kwh=None,
            inference_wh=0.5,
            training_cost_eur=10000,
        ),
    )
    assert summary.operating_costs == (
        CostLine(
            component="host",
            compute_eur=60000,
            energy_eur=15000,
            cooling_eur=5000,
            other_eur=None,
            total_eur=80000,
        ),
    )


def test_terminal_markdown_and_html_show_it(tmp_path: Path) -> None:
    from sovcheck.formats.html import _summary

    report = _report(tmp_path)
    text = table.render(report, width=120)
    assert "\nSpend by supplier jurisdiction (annual_cost_eur)\n" in text
    spend = text.split("Spend by supplier jurisdiction (annual_cost_eur)\n")[1].splitlines()
    assert spend[2].split() == ["FR", "home", "80,000", "EUR", "80%", "host"]
    assert spend[3].split() == ["US", "foreign", "20,000", "EUR", "20%", "api"]
    assert "site  " in text and "1,200,000 kWh" in text and "hydro, nuclear" in text
    md = markdown.render(report)
    assert "## Cost and energy" in md
    assert "| host | rented | \\- | 8 | home |" in md
    assert "| host | 60,000 EUR | 15,000 EUR | 5,000 EUR | \\- | 80,000 EUR |" in md
    html = _summary(report)
    assert html.startswith('<section id="costs"')
    assert "<caption>Energy by site and origin</caption>" in html
    assert '<th scope="row">model</th><td>5,000</td><td>-</td><td>0.50 Wh</td>' in html


def test_absent_when_the_inventory_gives_no_such_fact(tmp_path: Path) -> None:
    from sovcheck.formats.html import _summary

    keys = ("annual_cost_eur", "compute", "operating_cost", "energy_use", "training", "frugality")
    bare = "\n".join(
        line for line in INVENTORY.splitlines() if line.split(":")[0].strip() not in keys
    )
    bare = bare.replace(", annual_cost_eur: 20000", "").replace(", origin: [nuclear, hydro]", "")
    report = _report(tmp_path, bare + "\n")
    assert report.summary is None
    assert "Spend by" not in table.render(report)
    assert "Cost and energy" not in markdown.render(report)
    assert _summary(report) == ""


def test_the_json_report_keeps_its_fields(cli, tmp_path: Path) -> None:
    path = tmp_path / "inv.yaml"
    path.write_text(INVENTORY, encoding="utf-8")
    result = cli("audit", path, "--format", "json", "--today", "2026-11-23")
    assert "summary" not in json.loads(result.out)
