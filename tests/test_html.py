"""The HTML report and the value-chain pictures (SVG, DOT, Mermaid).

Unit tests check the renderers' bytes; the ``browser`` test opens every reference report in
headless Chromium (Debian's chromium and chromedriver, driven by selenium) and checks that
it shows its pictures, logs no error and requests nothing but the file itself.
"""

from __future__ import annotations

import itertools
import json
import os
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from functools import cache
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from sovcheck.audit import AuditOptions, build_facts, run_audit
from sovcheck.catalog import builtin_catalog
from sovcheck.formats.html import render_html
from sovcheck.formats.svg_graph import (
    GraphFormat,
    mermaid_ids,
    node_trust,
    path_class,
    render_dot,
    render_graph,
    render_mermaid,
    render_svg,
)
from sovcheck.graph import ValueChain
from sovcheck.layout import layout
from sovcheck.load.rubric import load_rubric
from sovcheck.model.report import Report
from sovcheck.rules.facts import AuditFacts
from tests.conftest import INVENTORIES, ROOT, TODAY, check_golden, load

PATHS = sorted(INVENTORIES.glob("*.yaml"))
IDS = [p.stem for p in PATHS]
CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
SCREENSHOT = ROOT / "docs" / "report-screenshot.png"
VOID = {"meta", "br", "input", "img", "hr", "link", "source", "wbr", "col", "area", "base"}


def audited(path: Path) -> tuple[Report, AuditFacts]:
    loaded = load(os.path.relpath(path))  # as a user names it: inventories/x.yaml
    catalog = builtin_catalog()
    report = run_audit(loaded, load_rubric("default"), catalog, AuditOptions(today=TODAY))
    return report, build_facts(loaded, catalog)


@cache
def html_of(path: Path) -> str:
    return render_html(*audited(path))


def _write_inventory(tmp_path: Path, components: str) -> Path:
    path = tmp_path / "inv.yaml"
    path.write_text(
        "sovcheck: 1\nsystem:\n  name: Test\n  home: FR\n  trusted: [EU]\ncomponents:\n"
        + components,
        encoding="utf-8",
    )
    return path


# ----------------------------------------------------------------------------- layout


def test_layout_is_layered_bottom_to_top_and_deterministic() -> None:
    chain = ValueChain(load(INVENTORIES / "hospital-us-cloud.yaml").inventory)
    first, second = layout(chain), layout(chain)
    assert first == second
    boxes = first.by_id()
    assert set(boxes) == set(chain.ids)
    # energy at the bottom, then datacenter, cloud, dataset, service, application, teams
    order = [
        "azure-fr-energy",
        "azure-fr-datacenters",
        "azure-france",
        "snds-extract",
        "microsoft-authentication",
        "hdh-platform",
        "hdh-team",
    ]
    ys = [boxes[c].y for c in order]
    assert ys == sorted(ys, reverse=True) and len(set(ys)) == len(ys)
    for node in first.nodes:
        assert node.x == round(node.x, 1) and node.y == round(node.y, 1)
    # no two nodes of a row overlap
    rows: dict[float, list[float]] = {}
    for node in first.nodes:
        rows.setdefault(node.y, []).append(node.x)
    for xs in rows.values():
        xs.sort()
        assert all(b - a >= first.node_width for a, b in itertools.pairwise(xs))
    assert {e.relation for e in first.edges} >= {"runs_on", "calls", "maintained_by"}


def test_layout_orders_a_layer_by_barycentre_with_ties_by_id(tmp_path: Path) -> None:
    path = _write_inventory(
        tmp_path,
        "  - {id: a1, kind: application, name: A1, runs_on: [c2]}\n"
        "  - {id: a2, kind: application, name: A2, runs_on: [c1]}\n"
        "  - {id: c1, kind: cloud, name: C1}\n"
        "  - {id: c2, kind: cloud, name: C2}\n"
        "  - {id: e1, kind: energy, name: E1}\n"
        "  - {id: e2, kind: energy, name: E2}\n",
    )
    boxes = layout(ValueChain(load(path).inventory)).by_id()
    assert boxes["a1"].x < boxes["a2"].x  # no neighbours above: order by id
    assert boxes["c2"].x < boxes["c1"].x  # under the application that runs on it
    assert boxes["e1"].x < boxes["e2"].x  # unconnected: by id
    assert boxes["a1"].layer == 0 and boxes["c1"].layer == 1 and boxes["e1"].layer == 2


def test_layout_wraps_wide_layers_and_routes_edges_around_nodes(tmp_path: Path) -> None:
    libs = "".join(f"  - {{id: lib{i:02d}, kind: library, name: L}}\n" for i in range(12))
    path = _write_inventory(
        tmp_path,
        "  - {id: app, kind: application, name: App, runs_on: [cl], calls: [svc]}\n"
        "  - {id: svc, kind: service, name: Svc}\n"
        "  - {id: cl, kind: cloud, name: Cl}\n" + libs,
    )
    lay = layout(ValueChain(load(path).inventory))
    boxes = lay.by_id()
    assert len({boxes[f"lib{i:02d}"].y for i in range(12)}) == 2  # 10 + 2
    assert [b.kind for b in lay.layers] == ["application", "service", "library", "cloud"]
    assert lay.layers[2].rows == 2
    edge = next(e for e in lay.edges if e.target == "cl")
    assert len(edge.via) >= 1  # around svc, right under app
    # the polyline through the waypoints passes every row it crosses between nodes
    points = [(boxes["app"].x, boxes["app"].y), *edge.via, (boxes["cl"].x, boxes["cl"].y)]
    for (ax, ay), (bx, by) in itertools.pairwise(points):
        for node in lay.nodes:
            if ay < node.y < by:
                x = ax + (node.y - ay) / (by - ay) * (bx - ax)
                assert abs(node.x - x) >= lay.node_width / 2, (x, node.id)


# ----------------------------------------------------------------------------- graph formats


@pytest.mark.parametrize("path", PATHS, ids=IDS)
def test_every_component_is_a_node_in_every_format(path: Path) -> None:
    _, facts = audited(path)
    chain = facts.chain
    trust = node_trust(facts)
    assert set(trust.values()) <= {"home", "trusted", "foreign", "unknown"}
    svg = render_svg(chain, trust, frozenset(), ())
    root = ET.fromstring(svg)  # well-formed XML
    ns = "{http://www.w3.org/2000/svg}"
    assert root.find(f"{ns}title") is not None and root.find(f"{ns}desc") is not None
    nodes = [
        g.get("data-id", "") for g in root.iter(f"{ns}g") if "node" in g.get("class", "").split()
    ]
    assert sorted(nodes) == sorted(chain.ids)
    dot = render_dot(chain, trust)
    mermaid = render_mermaid(chain, trust)
    names = mermaid_ids(chain.ids)
    for cid in chain.ids:
        assert f'"{cid}" [label=' in dot
        assert re.search(rf"^  {re.escape(names[cid])}\[\"", mermaid, re.M)


@pytest.mark.parametrize("path", PATHS, ids=IDS)
def test_mermaid_lines_are_flowchart_syntax(path: Path) -> None:
    _, facts = audited(path)
    text = render_mermaid(facts.chain, node_trust(facts))
    lines = text.splitlines()
    assert lines[0] == "flowchart BT"
    patterns = [
        r"  %% .*",
        r"  classDef (home|trusted|foreign|unknown) fill:#[0-9a-f]{6},stroke:#[0-9a-f]{6},color:#111(,stroke-dasharray:4 3)?",
        r'  n_\w+\["[^"\[\]]*"\]',
        r"  n_\w+ ---\|[a-z_]+\| n_\w+",
        r"  class n_\w+(,n_\w+)* (home|trusted|foreign|unknown)",
    ]
    for line in lines[1:]:
        assert any(re.fullmatch(p, line) for p in patterns), line
    edges = sum(len(d) for d in facts.chain.deps)
    assert sum(1 for line in lines if " ---|" in line) == edges


def test_mermaid_ids_are_sanitised_and_unique() -> None:
    names = mermaid_ids(["end", "a.b", "a-b", "a_b", "x:y"])
    assert names == {
        "end": "n_end",
        "a.b": "n_a_b",
        "a-b": "n_a_b_2",
        "a_b": "n_a_b_3",
        "x:y": "n_x_y",
    }


def test_dot_is_one_digraph_with_ranks() -> None:
    _, facts = audited(INVENTORIES / "hospital-us-cloud.yaml")
    dot = render_dot(facts.chain, node_trust(facts))
    assert dot.startswith("digraph value_chain {\n") and dot.endswith("}\n")
    assert '"hdh-platform" -> "azure-france" [label="runs_on", style=solid];' in dot
    assert '{ rank=same; "azure-fr-energy"; }' in dot


def test_render_graph_formats_are_deterministic() -> None:
    for fmt in GraphFormat:
        texts = [
            render_graph(audited(INVENTORIES / "public-chatbot.yaml")[1], fmt) for _ in range(2)
        ]
        assert texts[0] == texts[1] and texts[0].endswith("\n")
    svg = render_graph(audited(INVENTORIES / "public-chatbot.yaml")[1], GraphFormat.SVG)
    assert svg.startswith('<svg xmlns="http://www.w3.org/2000/svg" ')


def test_svg_marks_trust_failing_and_paths() -> None:
    _, facts = audited(INVENTORIES / "hospital-us-cloud.yaml")
    trust = node_trust(facts)
    assert trust["azure-france"] == "foreign" and trust["hdh-platform"] == "home"
    path = ("hdh-platform", "azure-france", "azure-fr-datacenters")
    svg = render_svg(facts.chain, trust, {"azure-france"}, [("x",), path])
    root = ET.fromstring(svg)
    ns = "{http://www.w3.org/2000/svg}"
    marked = {
        g.get("data-id") or g.find(f"{ns}title").text  # type: ignore[union-attr]
        for g in root.iter(f"{ns}g")
        if path_class(1) in g.get("class", "").split()
    }
    assert marked == {
        *path,
        "hdh-platform runs_on azure-france",
        "azure-france runs_on azure-fr-datacenters",
    }
    node = next(g for g in root.iter(f"{ns}g") if g.get("data-id") == "azure-france")
    assert "failing" in node.get("class", "").split()
    assert "trust-foreign" in node.get("class", "").split()
    assert "foreign control" in ET.tostring(node, encoding="unicode")


# ----------------------------------------------------------------------------- HTML


class _TagChecker(HTMLParser):
    """Checks that non-void elements are closed in order, and collects a few facts."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.errors: list[str] = []
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag not in VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"</{tag}> closes {self.stack[-1:]}")
        else:
            self.stack.pop()


def test_html_is_deterministic() -> None:
    path = INVENTORIES / "hospital-us-cloud.yaml"
    assert render_html(*audited(path)) == render_html(*audited(path))


@pytest.mark.parametrize("name", ["hospital-us-cloud", "hospital-trusted-cloud"])
def test_html_golden(name: str) -> None:
    """The whole page, byte for byte: a change to the report, the graph's layout or the
    styles shows in review as a diff of this file."""
    check_golden(f"formats/{name}.html", html_of(INVENTORIES / f"{name}.yaml"))


@pytest.mark.parametrize("path", PATHS, ids=IDS)
def test_html_is_self_contained_and_well_formed(path: Path) -> None:
    text = html_of(path)
    assert text.startswith('<!DOCTYPE html>\n<html lang="en">')
    assert "<link" not in text.lower()
    for src in re.findall(r"\bsrc\s*=\s*[\"']?([^\"' >]*)", text, re.I):
        assert src.startswith("data:"), src
    # URLs may appear only as the text of references (shown, never fetched)
    outside = re.sub(r'<span class="ref">[^<]*</span>', "", text)
    assert "http://" not in outside and "https://" not in outside
    assert "url(" not in outside.replace("url(#vc-arrow)", "")
    assert "@import" not in text
    assert "default-src 'none'" in text  # the browser itself refuses any request
    checker = _TagChecker()
    checker.feed(text)
    checker.close()
    assert checker.errors == [] and checker.stack == []
    tags = checker.tags
    names = [t for t, _ in tags]
    for required in ("header", "main", "section", "footer", "nav", "caption", "figure"):
        assert required in names, required
    assert names.count("table") == names.count("caption")
    assert all(a.get("scope") in ("col", "row") for t, a in tags if t == "th")
    assert names.count("svg") == 2 and names.count("desc") == 2  # the chart and the graph
    titled = {a.get("id") for t, a in tags if t == "title"}
    assert {"chart-title", "vc-title"} <= titled


@pytest.mark.parametrize("path", PATHS, ids=IDS)
def test_html_shows_report_and_every_component(path: Path) -> None:
    report, facts = audited(path)
    text = html_of(path)
    assert f"{report.overall.level} · {report.overall.level_name}" in text
    assert ("PASS" if report.overall.passed else "FAIL") in text
    for cid in facts.chain.ids:
        assert f'data-id="{cid}"' in text
    for o in report.objectives:
        assert f'<th scope="row">{o.title}</th><td class="num">{o.score:.1f}</td>' in text
    assert text.count('<tr data-status="') == len(report.findings)
    assert text.count('<li><span class="box"') == len(report.unknowns)
    for f in report.findings:
        if f.path:
            assert "Show on graph" in text
            break
    # without a script the table is complete, and the controls stay hidden
    assert '<div class="controls" id="findings-controls" hidden>' in text
    assert "@media print" in text


def test_html_escapes_inventory_text(tmp_path: Path) -> None:
    path = _write_inventory(
        tmp_path, '  - {id: app, kind: application, name: "<script>alert(1)</script> & co"}\n'
    )
    text = render_html(*audited(path))
    assert "<script>alert" not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; co" in text


# ----------------------------------------------------------------------------- browser


def _need_browser() -> None:
    missing = [str(p) for p in (CHROMIUM, CHROMEDRIVER) if not p.exists()]
    try:
        import selenium  # noqa: F401
    except ImportError:
        missing.append("the selenium package")
    if missing:
        reason = (
            f"browser test needs {', '.join(missing)} "
            "(apt-get install chromium chromium-driver; pip install selenium)"
        )
        if os.environ.get("CI"):
            pytest.fail(f"{reason}; CI must run it")
        pytest.skip(reason)


def test_browser_test_skips_without_chromium_but_fails_in_ci(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(__import__(__name__), "CHROMIUM", tmp_path / "no-chromium")
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="no-chromium"):
        _need_browser()
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="CI must run it"):
        _need_browser()


@pytest.fixture(scope="module")
def driver(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    _need_browser()
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    os.environ.setdefault("SE_OFFLINE", "true")  # never let selenium fetch a driver
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for arg in (
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
        "--hide-scrollbars",
        "--window-size=1280,1800",
        f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}",
    ):
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    browser = webdriver.Chrome(service=Service(executable_path=str(CHROMEDRIVER)), options=options)
    try:
        # leave the start page (Chromium's own new-tab page loads chrome:// resources)
        browser.get("about:blank")
        yield browser
    finally:
        browser.quit()


def _requests(entries: list[dict[str, Any]], page: str) -> list[str]:
    """Every URL requested from the navigation to ``page`` on (DevTools Network events)."""
    urls = []
    for entry in entries:
        message = json.loads(entry["message"])["message"]
        if message["method"] == "Network.requestWillBeSent":
            urls.append(message["params"]["request"]["url"])
    assert page in urls, f"no request for {page}: {urls}"
    return urls[urls.index(page) :]


@pytest.mark.browser
@pytest.mark.parametrize("path", PATHS, ids=IDS)
def test_report_renders_in_chromium(driver: Any, path: Path, tmp_path: Path) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    page = tmp_path / f"{path.stem}.html"
    page.write_text(html_of(path), encoding="utf-8")
    driver.get_log("browser")
    driver.get_log("performance")  # start both logs afresh for this page
    driver.get(page.as_uri())
    WebDriverWait(driver, 20).until(
        lambda d: d.execute_script("return document.readyState") == "complete"
    )
    for selector in ("svg.vc", "svg.chart"):
        element = driver.find_element(By.CSS_SELECTOR, selector)
        assert element.is_displayed(), selector
        assert element.size["width"] > 100 and element.size["height"] > 100, selector
    # the script ran: controls shown, the findings counted, sorting and highlighting work
    report, facts = audited(path)
    count = driver.find_element(By.ID, "f-count").text
    assert count == f"Showing {len(report.findings)} of {len(report.findings)} findings."
    driver.find_element(By.ID, "f-status").send_keys("fail")
    failing = sum(1 for f in report.findings if f.status.value == "fail")
    assert driver.find_element(By.ID, "f-count").text.startswith(f"Showing {failing} of")
    # every rule with a failing finding left is shown, the others hidden
    shown_rules = {
        g.get_attribute("data-rule")
        for g in driver.find_elements(By.CSS_SELECTOR, "details.rule")
        if g.is_displayed()
    }
    assert shown_rules == {f.rule for f in report.findings if f.status.value == "fail"}
    driver.find_element(By.ID, "f-status").send_keys("all")
    show = driver.find_elements(By.CSS_SELECTOR, "button.show-path")
    if show:
        driver.execute_script("arguments[0].click()", show[0])
        lit = driver.find_elements(By.CSS_SELECTOR, "svg.vc .node.hl")
        assert lit, "the finding's path is not highlighted"
    _labels_fit_their_boxes(driver)
    nodes = driver.find_elements(By.CSS_SELECTOR, "svg.vc g.node")
    assert len(nodes) == len(facts.chain)
    assert all(n.size["width"] > 0 for n in nodes)

    errors = [e for e in driver.get_log("browser") if e["level"] in ("SEVERE", "WARNING")]
    assert errors == []
    urls = _requests(driver.get_log("performance"), page.as_uri())
    assert all(u.startswith(("file:", "data:")) for u in urls), urls

    if path.stem == "hospital-us-cloud":
        driver.execute_script("window.scrollTo(0, 0)")
        target = (
            SCREENSHOT
            if os.environ.get("SOVCHECK_UPDATE_SCREENSHOT") == "1"
            else tmp_path / SCREENSHOT.name
        )
        target.parent.mkdir(parents=True, exist_ok=True)
        driver.get(page.as_uri())
        driver.set_window_size(1280, 2300)  # header, objectives and the whole graph
        assert driver.save_screenshot(str(target))
        driver.set_window_size(1280, 1800)
        assert target.stat().st_size > 10_000


def _labels_fit_their_boxes(driver: Any) -> None:
    """Every label of every drawn node lies inside its box: none is cut or runs out."""
    seen, outside = driver.execute_script(
        """
        var bad = [], seen = 0;
        document.querySelectorAll("svg.vc g.node").forEach(function (g) {
          if (!g.getClientRects().length) { return; }
          seen += 1;
          var box = g.querySelector("rect.box").getBBox();
          g.querySelectorAll("text").forEach(function (t) {
            if (t.textContent === "!" || t.textContent === "?") { return; }
            var b = t.getBBox();
            if (b.x < box.x || b.x + b.width > box.x + box.width + 0.5) {
              bad.push(t.textContent + " " + b.width.toFixed(1) + " in " + box.width);
            }
          });
          if (g.textContent.indexOf("\u2026") !== -1) { bad.push("cut: " + g.textContent); }
        });
        return [seen, bad];
        """
    )
    assert seen > 0 and outside == []


ARTIFACTS = ROOT / "tests" / "artifacts"  # screenshots kept for people to look at (not in git)


def _open(driver: Any, page: Path, width: int = 1280, height: int = 1800) -> None:
    from selenium.webdriver.support.ui import WebDriverWait

    driver.set_window_size(width, height)
    driver.get(page.as_uri())
    WebDriverWait(driver, 20).until(
        lambda d: d.execute_script("return document.readyState") == "complete"
    )


def _no_horizontal_overflow(driver: Any) -> None:
    widths = driver.execute_script(
        "return [document.documentElement.scrollWidth, window.innerWidth]"
    )
    assert widths[0] <= widths[1], f"the page is {widths[0]} px wide in a {widths[1]} px window"


@pytest.mark.browser
@pytest.mark.parametrize("size", [10, 75, 300])
def test_screenshots_of_generated_estates(driver: Any, tmp_path: Path, size: int) -> None:
    """Estates of 10, 75 and 300 components: grouped findings beside the value chain,
    collapsed above 30 components, a path highlighted; screenshots in tests/artifacts/."""
    from selenium.webdriver.common.by import By

    from benchmarks.generate import generate

    json_path, _ = generate(size, tmp_path)
    page = tmp_path / f"estate-{size}.html"
    page.write_text(render_html(*audited(json_path)), encoding="utf-8")
    _open(driver, page)
    _no_horizontal_overflow(driver)
    collapsed = driver.find_elements(By.CSS_SELECTOR, "#chain figure svg.vc.collapsed")
    assert bool(collapsed) == (size > 30)
    first = driver.find_element(By.CSS_SELECTOR, "details.rule")
    assert first.get_attribute("open") is not None
    button = first.find_element(By.CSS_SELECTOR, "button.show-path")
    driver.execute_script("arguments[0].click()", button)
    lit = driver.find_elements(By.CSS_SELECTOR, "#chain figure svg.vc .node.hl")
    assert lit, "the finding's path is not highlighted on the graph beside it"
    # the graph is beside the findings: in view when the finding is
    panel = driver.find_element(By.ID, "chain").rect
    rule = first.rect
    assert panel["x"] > rule["x"] + rule["width"] - 1
    assert abs(panel["y"] - rule["y"]) < 40
    _labels_fit_their_boxes(driver)
    ARTIFACTS.mkdir(exist_ok=True)
    driver.execute_script("document.getElementById('findings').scrollIntoView()")
    target = ARTIFACTS / f"html-{size}-components.png"
    assert driver.save_screenshot(str(target))
    if size > 30:
        whole = driver.find_element(By.CSS_SELECTOR, "details.whole")
        driver.execute_script("arguments[0].open = true", whole)
        nodes = driver.find_elements(By.CSS_SELECTOR, "details.whole svg.vc g.node")
        assert len(nodes) == size
        _labels_fit_their_boxes(driver)
        _no_horizontal_overflow(driver)
        driver.execute_script("arguments[0].scrollIntoView()", whole)
        assert driver.save_screenshot(str(ARTIFACTS / f"html-{size}-components-whole.png"))
    errors = [e for e in driver.get_log("browser") if e["level"] in ("SEVERE", "WARNING")]
    assert errors == []


CORPUS_BOM = ROOT.parent / "shared" / "corpus" / "cyclonedx" / "aibomgen-mnist-training-1.5.json"


@pytest.mark.browser
@pytest.mark.skipif(not CORPUS_BOM.exists(), reason="the shared BOM corpus is absent")
def test_an_imported_bom_does_not_overflow_the_page(driver: Any, tmp_path: Path) -> None:
    """A real BOM of about a hundred packages with long names: the page keeps to the window,
    no label is cut, in the collapsed graph and in the whole one."""
    from selenium.webdriver.common.by import By

    from sovcheck.importers import dump_inventory, import_bom

    data, header = import_bom(CORPUS_BOM, system_name=None, home="FR")
    assert len(data["components"]) > 75
    inventory = tmp_path / "imported.yaml"
    inventory.write_text(dump_inventory(data, header, as_json=False), encoding="utf-8")
    page = tmp_path / "imported.html"
    page.write_text(render_html(*audited(inventory)), encoding="utf-8")
    _open(driver, page)
    _no_horizontal_overflow(driver)
    whole = driver.find_element(By.CSS_SELECTOR, "details.whole")
    driver.execute_script("arguments[0].open = true", whole)
    _no_horizontal_overflow(driver)
    _labels_fit_their_boxes(driver)
    ARTIFACTS.mkdir(exist_ok=True)
    driver.execute_script("document.getElementById('findings').scrollIntoView()")
    assert driver.save_screenshot(str(ARTIFACTS / "html-imported-bom.png"))


PORTFOLIO_SCREENSHOT = ROOT / "docs" / "portfolio-screenshot.png"


@pytest.mark.browser
def test_portfolio_dashboard_renders_in_chromium(driver: Any, tmp_path: Path, cli: Any) -> None:
    """The example portfolio's dashboard: charts drawn, one row per system, nothing
    fetched; its screenshot is the README's picture (SOVCHECK_UPDATE_SCREENSHOT=1)."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    page = tmp_path / "portfolio.html"
    result = cli(
        "portfolio",
        "inventories",
        "examples/portfolio",
        "--today",
        "2026-11-23",
        "--target",
        "80%:restricted:overall>=L3@2027-12-31",
        "-f",
        "html",
        "-o",
        page,
    )
    assert result.code == 0, result.err
    driver.get_log("browser")
    driver.get_log("performance")
    driver.set_window_size(1280, 2600)
    driver.get(page.as_uri())
    WebDriverWait(driver, 20).until(
        lambda d: d.execute_script("return document.readyState") == "complete"
    )
    charts = driver.find_elements(By.CSS_SELECTOR, "svg")
    assert len(charts) == 3  # concentration, dependency map, levels
    assert all(c.is_displayed() and c.size["width"] > 300 for c in charts)
    rows = driver.find_elements(By.CSS_SELECTOR, "details > summary")
    assert len(rows) == 12
    assert [e for e in driver.get_log("browser") if e["level"] in ("SEVERE", "WARNING")] == []
    urls = _requests(driver.get_log("performance"), page.as_uri())
    assert all(u.startswith(("file:", "data:")) for u in urls), urls
    target = (
        PORTFOLIO_SCREENSHOT
        if os.environ.get("SOVCHECK_UPDATE_SCREENSHOT") == "1"
        else tmp_path / PORTFOLIO_SCREENSHOT.name
    )
    assert driver.save_screenshot(str(target))
    driver.set_window_size(1280, 1800)
    assert target.stat().st_size > 10_000


# ----------------------------------------------------------------------------- at any size


def test_findings_are_grouped_by_rule_with_the_remediation_once() -> None:
    report, _ = audited(INVENTORIES / "hospital-us-cloud.yaml")
    text = html_of(INVENTORIES / "hospital-us-cloud.yaml")
    rules = re.findall(r'<details class="rule" data-rule="([^"]+)"', text)
    assert sorted(rules) == sorted({f.rule for f in report.findings})
    needs_work = {f.rule for f in report.findings if f.status.value != "pass"}
    assert text.count('<p class="remediation">') == len(needs_work)
    # the first group is open, and is a failing one of the most severe failing rule
    first = re.search(
        r'<details class="rule" data-rule="([^"]+)" data-severity="[a-z]+" open>', text
    )
    assert first is not None and first.group(1) == rules[0]
    worst = max(f.severity.rank for f in report.findings if f.status.value == "fail")
    assert any(
        f.rule == rules[0] and f.status.value == "fail" and f.severity.rank == worst
        for f in report.findings
    )
    # the graph stands beside the findings, in the same section
    section = text[text.index('<section id="findings"') :]
    section = section[: section.index("</section>")]
    assert '<div class="side-by-side">' in section and '<aside class="graph-panel"' in section


@pytest.mark.parametrize(
    ("size", "collapsed", "whole"), [(30, False, False), (31, True, True), (301, True, False)]
)
def test_the_chain_is_collapsed_above_30_components(
    tmp_path: Path, size: int, collapsed: bool, whole: bool
) -> None:
    from benchmarks.generate import generate
    from sovcheck.formats import html

    json_path, _ = generate(size, tmp_path)
    report, facts = audited(json_path)
    text = render_html(report, facts)
    assert html.COLLAPSE_ABOVE == 30 and html.WHOLE_CHAIN_LIMIT == 300
    assert ('<svg class="vc collapsed"' in text) is collapsed
    assert ('<details class="whole">' in text) is whole
    assert text.count('<svg class="vc"') == (1 if whole or not collapsed else 0)
    if collapsed:
        # one box per layer and control, and each path button names the boxes it crosses
        boxes = set(re.findall(r'<g class="node trust-[a-z]+(?: failing)?" id="vc-g(\d+)"', text))
        keys = {
            (c.kind.value, t)
            for c, t in zip(facts.chain.components, node_trust(facts).values(), strict=True)
        }
        assert len(boxes) == len(keys)
        groups = re.findall(r'data-groups="([\d ]+)"', text)
        assert groups and all(set(g.split()) <= boxes for g in groups)
    else:
        assert 'data-groups="' not in text


def test_many_findings_of_one_rule_are_capped_and_say_so() -> None:
    from sovcheck.formats import html

    report, facts = audited(INVENTORIES / "hospital-us-cloud.yaml")
    base = next(f for f in report.findings if f.status.value == "fail")
    many = tuple(base.model_copy(update={"component": f"c-{i:04d}"}) for i in range(600))
    text = render_html(report.model_copy(update={"findings": many}), facts)
    assert text.count('<tr data-status="') == html.MAX_ROWS_PER_RULE == 50
    assert f"{600 - 50} more finding(s) of this rule are not shown here" in text
    assert "<strong>550 finding(s) are not shown</strong>" in text


def test_a_long_path_keeps_its_ends() -> None:
    from sovcheck.formats.html import _short_path

    path = tuple(f"n{i}" for i in range(3000))
    assert _short_path(path) == "n0 → n1 → n2 → <em>2,994 more</em> → n2997 → n2998 → n2999"
    assert _short_path(path[:7]) == " → ".join(path[:7])
