"""The HTML report: one self-contained file for people (``sovcheck audit --format html``).

Everything is inline: styles, SVG pictures (objective scores against their thresholds, and
the value chain) and a small vanilla script that filters the findings and highlights a
finding's path on the graph. The findings are grouped by rule, each rule a collapsible
section that says its remediation once; the value chain stands beside them (sticky, so a
highlighted path is in view). Above ``COLLAPSE_ABOVE`` components the chain is collapsed to
one box per layer and control, the whole chain expandable up to ``WHOLE_CHAIN_LIMIT``; the
findings, unknown facts and risks listed are capped, each cap said where it applies, so the
page stays light at any size. Nothing is fetched: no external URL, no
``<link>``, no ``src=``, and a Content-Security-Policy that forbids any request, so the file
can be mailed, archived or opened offline. Without the script the page is complete: the
controls stay hidden.

Pure: the same report and facts give the same bytes (no clock, no randomness).
"""

from __future__ import annotations

from collections.abc import Iterable

from sovcheck.formats.visible import html_text
from sovcheck.model.report import Finding, ObjectiveResult, Report, Status
from sovcheck.model.rubric import Severity
from sovcheck.rules.facts import AuditFacts
from sovcheck.summary import summary_tables

from .svg_graph import node_trust, path_class, render_collapsed_svg, render_svg

STATUS_ORDER: dict[Status, int] = {
    Status.FAIL: 0,
    Status.UNKNOWN: 1,
    Status.WAIVED: 2,
    Status.PASS: 3,
    Status.NOT_APPLICABLE: 4,
}
# Above this many components the value chain is collapsed to one box per layer and
# control; up to WHOLE_CHAIN_LIMIT the whole chain can still be expanded.
COLLAPSE_ABOVE = 30
WHOLE_CHAIN_LIMIT = 300
# Findings listed, at most: MAX_ROWS in all, shared between the rules (each lists up to
# MAX_ROWS_PER_RULE, and never fewer than MIN_ROWS_PER_RULE), so that the page stays light
# at any size; the JSON and SARIF reports keep every finding.
MAX_ROWS_PER_RULE = 50
MIN_ROWS_PER_RULE = 5
MAX_ROWS = 500
# Unknown facts, risks and warnings listed, at most, each.
MAX_ITEMS = 300
# Warnings shown before the others are folded away.
WARNINGS_SHOWN = 5
# A path longer than 2 * PATH_ENDS + 1 shows its first and last PATH_ENDS components.
PATH_ENDS = 3
PASS_COLOUR = "#009e73"
FAIL_COLOUR = "#d55e00"
NOT_ASSESSED_COLOUR = "#9e9e9e"

CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; "
    "img-src data:; font-src 'none'; connect-src 'none'; form-action 'none'; base-uri 'none'"
)

_CSS = """
:root{--fg:#1a1a1a;--muted:#555;--line:#d0d0d0;--bg:#fff;--soft:#f4f4f4;--pass:#00704f;--fail:#b34700}
*{box-sizing:border-box}
body{margin:0;color:var(--fg);background:var(--bg);font:15px/1.5 "DejaVu Sans",Verdana,Arial,sans-serif}
header.report,main,footer{max-width:1560px;margin:0 auto;padding:0 20px}
header.report{padding-top:20px;padding-bottom:8px;border-bottom:3px solid var(--fg)}
h1{font-size:1.6rem;margin:.2em 0 .3em}
h2{font-size:1.3rem;margin:1.6em 0 .5em;border-bottom:1px solid var(--line);padding-bottom:.2em}
h3{font-size:1.05rem;margin:1.2em 0 .4em}
.meta{color:var(--muted);margin:.2em 0;font-size:.92rem}
.verdict{display:flex;flex-wrap:wrap;gap:14px;align-items:stretch;margin:14px 0}
.level{border:2px solid var(--fg);border-radius:8px;padding:10px 18px;min-width:220px}
.level .big{display:block;font-size:2.1rem;font-weight:bold;line-height:1.1}
.level .small{display:block;color:var(--muted)}
.gates{border-radius:8px;padding:10px 18px;flex:1;min-width:260px;border:2px solid}
.gates.pass{border-color:var(--pass)}.gates.fail{border-color:var(--fail)}
.gates .big{font-size:1.25rem;font-weight:bold}
.pass-text{color:var(--pass);font-weight:bold}.fail-text{color:var(--fail);font-weight:bold}
nav.toc ul{list-style:none;padding:0;margin:8px 0;display:flex;flex-wrap:wrap;gap:6px 18px}
table{border-collapse:collapse;width:100%;margin:.4em 0 1em;font-size:.9rem}
caption{text-align:left;font-weight:bold;padding:4px 0;color:var(--muted)}
th,td{border:1px solid var(--line);padding:5px 7px;text-align:left;vertical-align:top}
thead th{background:var(--soft)}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
figure{margin:0}
.scroll{overflow-x:auto;border:1px solid var(--line);border-radius:6px;background:#fff}
svg{display:block}
.scroll svg.vc{margin:0 auto}
svg.chart{max-width:100%;height:auto}
figcaption{color:var(--muted);font-size:.9rem;margin:6px 0}
.badge{display:inline-block;padding:0 6px;border-radius:4px;font-size:.8rem;font-weight:bold;border:1px solid}
.st-fail{color:var(--fail);border-color:var(--fail)}.st-unknown{color:#444;border-color:#777;border-style:dashed}
.st-waived{color:#0059a0;border-color:#0059a0}.st-pass,.st-not_applicable{color:var(--pass);border-color:var(--pass)}
.path{font-family:"DejaVu Sans Mono",Menlo,Consolas,monospace;font-size:.82rem;word-break:break-word}
ul.refs{margin:0;padding-left:1.1em}
button.show-path{white-space:nowrap;display:block}button.show-path[hidden]{display:none}
.controls{display:flex;flex-wrap:wrap;gap:10px 18px;align-items:end;margin:.5em 0}
.controls label{display:flex;flex-direction:column;font-size:.85rem;color:var(--muted)}
.controls input,.controls select{font:inherit;padding:3px 6px}
.side-by-side{display:grid;grid-template-columns:minmax(0,11fr) minmax(0,9fr);gap:18px;align-items:start}
.graph-panel{position:sticky;top:8px;max-height:calc(100vh - 16px);overflow:auto;border:1px solid var(--line);border-radius:6px;padding:0 12px 8px;background:#fff}
.graph-panel h2{margin-top:.5em}
.graph-panel figure svg.vc{width:100%;height:auto}
details.whole{margin:12px 0}details.whole>summary{cursor:pointer;font-weight:bold}
details.rule{border:1px solid var(--line);border-left:6px solid var(--sev,#9e9e9e);border-radius:6px;margin:0 0 8px;background:#fff}
details.rule>summary{cursor:pointer;padding:6px 10px;font-weight:bold;list-style-position:inside}
details.rule[data-hidden]{display:none}
details.rule .counts{font-weight:normal;color:var(--muted);margin-left:.4em}
.rule-body{padding:0 10px 6px}
.rule-body p{margin:.3em 0}
table.findings{font-size:.85rem;table-layout:auto}
table.findings td:nth-child(1){white-space:nowrap}
table.findings td:nth-child(2){overflow-wrap:anywhere;min-width:8em}
table.findings td:nth-child(3){min-width:14em}
table.findings td:nth-child(4){min-width:9em}
.sev{display:inline-block;min-width:4.6em;padding:0 5px;border-radius:4px;color:#fff;font-size:.8rem;text-align:center}
.sev-critical{--sev:#a50026;background:#a50026}.sev-high{--sev:#d55e00;background:#d55e00}
.sev-medium{--sev:#8a6d00;background:#8a6d00}.sev-low{--sev:#0072b2;background:#0072b2}
.sev-info{--sev:#6e6e6e;background:#6e6e6e}
details.rule[data-severity=critical]{--sev:#a50026}details.rule[data-severity=high]{--sev:#d55e00}
details.rule[data-severity=medium]{--sev:#8a6d00}details.rule[data-severity=low]{--sev:#0072b2}
p.more{color:var(--muted);font-style:italic}
@media (max-width:1100px){.side-by-side{grid-template-columns:minmax(0,1fr)}.graph-panel{position:static;max-height:none}}
button.show-path,button#clear-highlight{font:inherit;font-size:.8rem;margin-top:4px;cursor:pointer}
tr.selected td{background:#fff6c8}
ul.todo{list-style:none;padding-left:0}
ul.todo li{margin:.25em 0}
ul.todo .box{display:inline-block;width:1.3em}
code{font-family:"DejaVu Sans Mono",Menlo,Consolas,monospace;font-size:.88em;background:var(--soft);padding:0 3px;border-radius:3px}
footer{color:var(--muted);font-size:.85rem;padding-top:8px;padding-bottom:24px;margin-top:2em;border-top:1px solid var(--line)}
.sr-only{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
@media print{
  body{font-size:10.5pt}
  header.report,main,footer{max-width:none;padding:0}
  nav.toc,.controls,button,#clear-highlight{display:none!important}
  tr[hidden]{display:table-row!important}
  .scroll{overflow:visible;border:0}
  .side-by-side{display:block}.graph-panel{position:static;max-height:none;overflow:visible}
  details.rule>.rule-body{display:block}
  svg.vc{max-width:100%;height:auto}
  section{break-inside:auto}
  tr,figure,.verdict{break-inside:avoid}
  h2,caption{break-after:avoid}
  thead{display:table-header-group}
  *{-webkit-print-color-adjust:exact;print-color-adjust:exact}
}
"""

_JS = """
(function () {
  "use strict";
  var each = function (list, f) { Array.prototype.forEach.call(list, f); };
  var clear = document.getElementById("clear-highlight");
  function highlight(button) {
    each(document.querySelectorAll("svg.vc .hl"), function (e) { e.classList.remove("hl"); });
    each(document.querySelectorAll("svg.vc.highlighting"), function (e) { e.classList.remove("highlighting"); });
    each(document.querySelectorAll("tr.selected"), function (r) { r.classList.remove("selected"); });
    if (!button) { if (clear) { clear.hidden = true; } return; }
    var cls = button.getAttribute("data-path");
    if (cls) {
      each(document.querySelectorAll("svg.vc ." + cls), function (e) {
        e.classList.add("hl");
        e.ownerSVGElement.classList.add("highlighting");
      });
    }
    var groups = (button.getAttribute("data-groups") || "").split(" ").filter(Boolean);
    groups.forEach(function (g, i) {
      var node = document.getElementById("vc-g" + g);
      if (node) { node.classList.add("hl"); node.ownerSVGElement.classList.add("highlighting"); }
      if (i > 0) {
        var p = groups[i - 1];
        var edge = document.getElementById("vc-e" + p + "-" + g) || document.getElementById("vc-e" + g + "-" + p);
        if (edge) { edge.classList.add("hl"); }
      }
    });
    button.closest("tr").classList.add("selected");
    if (clear) { clear.hidden = false; }
    var panel = document.getElementById("chain");
    var box = panel.getBoundingClientRect();
    if (box.bottom < 0 || box.top > window.innerHeight) { panel.scrollIntoView({ block: "start" }); }
  }
  if (clear) { clear.addEventListener("click", function () { highlight(null); }); }
  each(document.querySelectorAll("button.show-path"), function (b) {
    b.hidden = false;
    b.addEventListener("click", function () { highlight(b); });
  });
  var list = document.getElementById("findings-list");
  var controls = document.getElementById("findings-controls");
  if (!list || !controls) { return; }
  var rows = Array.prototype.slice.call(list.querySelectorAll("tr[data-status]"));
  var groups = Array.prototype.slice.call(list.querySelectorAll("details.rule"));
  var text = document.getElementById("f-text");
  var status = document.getElementById("f-status");
  var severity = document.getElementById("f-severity");
  var count = document.getElementById("f-count");
  controls.hidden = false;
  function apply() {
    var q = text.value.trim().toLowerCase();
    var s = status.value;
    var min = Number(severity.value);
    var shown = 0;
    rows.forEach(function (r) {
      var ok = (!s || r.getAttribute("data-status") === s) &&
        Number(r.getAttribute("data-severity")) >= min &&
        (!q || r.textContent.toLowerCase().indexOf(q) !== -1 ||
         r.closest("details").querySelector("summary").textContent.toLowerCase().indexOf(q) !== -1);
      r.hidden = !ok;
      if (ok) { shown += 1; }
    });
    groups.forEach(function (g) {
      var any = g.querySelector("tr[data-status]:not([hidden])") !== null;
      if (any) { g.removeAttribute("data-hidden"); } else { g.setAttribute("data-hidden", ""); }
      if (q && any) { g.open = true; }
    });
    count.textContent = "Showing " + shown + " of " + rows.length + " findings.";
  }
  [text, status, severity].forEach(function (e) {
    e.addEventListener("input", apply);
    e.addEventListener("change", apply);
  });
  count.textContent = "Showing " + rows.length + " of " + rows.length + " findings.";
})();
"""


_e = html_text


def _score(value: float) -> str:
    return f"{value:.1f}"


def _arrowed(path: Iterable[str]) -> str:
    return " → ".join(_e(p) for p in path)


def render_objectives_chart(objectives: tuple[ObjectiveResult, ...]) -> str:
    """Horizontal bars of each objective's score (0-100) with its threshold marked."""
    label_w, bar_w, right_w, row_h, top = 230.0, 420.0, 150.0, 38.0, 30.0
    width = label_w + bar_w + right_w
    height = top + row_h * len(objectives) + 14

    def x_of(score: float) -> float:
        return label_w + bar_w * max(0.0, min(score, 100.0)) / 100.0

    out = [
        f'<svg class="chart" role="img" aria-labelledby="chart-title chart-desc" '
        f'aria-describedby="objectives-table" viewBox="0 0 {width:g} {height:g}" '
        f'width="{width:g}" height="{height:g}" '
        f'font-family="DejaVu Sans, Verdana, Arial, sans-serif">',
        '<title id="chart-title">Objective scores against their thresholds</title>',
        '<desc id="chart-desc">'
        + _e(
            "; ".join(
                f"{o.title}: {_score(o.score)}"
                + (f" (threshold {o.threshold:g})" if o.threshold is not None else "")
                + (", not assessed" if not o.assessed else "")
                for o in objectives
            )
        )
        + ". The table below gives the same figures.</desc>",
    ]
    for tick in (0, 25, 50, 75, 100):
        x = x_of(tick)
        out.append(
            f'<line x1="{x:g}" y1="{top - 6:g}" x2="{x:g}" y2="{height - 10:g}" '
            f'stroke="#d0d0d0" stroke-width="1"/>'
            f'<text x="{x:g}" y="{top - 10:g}" font-size="11" text-anchor="middle" '
            f'fill="#555">{tick}</text>'
        )
    for k, o in enumerate(objectives):
        y = top + k * row_h
        mid = y + row_h / 2
        colour = NOT_ASSESSED_COLOUR if not o.assessed else PASS_COLOUR if o.passed else FAIL_COLOUR
        verdict = "not assessed" if not o.assessed else "meets it" if o.passed else "below"
        if o.threshold is None and o.assessed:
            verdict = "no threshold"
        out.append(
            f'<text x="{label_w - 10:g}" y="{mid + 4:g}" font-size="13" text-anchor="end" '
            f'fill="#1a1a1a">{_e(o.title)}</text>'
            f'<rect x="{label_w:g}" y="{y + 8:g}" width="{bar_w:g}" height="{row_h - 16:g}" '
            f'fill="#f0f0f0"/>'
            f'<rect x="{label_w:g}" y="{y + 8:g}" width="{x_of(o.score) - label_w:.1f}" '
            f'height="{row_h - 16:g}" fill="{colour}"/>'
        )
        if o.threshold is not None:
            tx = x_of(o.threshold)
            out.append(
                f'<line x1="{tx:.1f}" y1="{y + 3:g}" x2="{tx:.1f}" y2="{y + row_h - 3:g}" '
                f'stroke="#000" stroke-width="2.5"/>'
                f'<path d="M{tx - 5:.1f},{y + 1:g} L{tx + 5:.1f},{y + 1:g} L{tx:.1f},{y + 7:g} Z" '
                f'fill="#000"/>'
            )
        out.append(
            f'<text x="{label_w + bar_w + 10:g}" y="{mid + 4:g}" font-size="13" '
            f'fill="#1a1a1a"><tspan font-weight="bold">{_score(o.score)}</tspan> '
            f"{_e(verdict)}"
            + (f" {o.threshold:g}" if o.threshold is not None and o.assessed else "")
            + "</text>"
        )
    out.append("</svg>")
    return "".join(out)


def _sorted_findings(findings: tuple[Finding, ...]) -> list[Finding]:
    return sorted(
        findings,
        key=lambda f: (STATUS_ORDER[f.status], -f.severity.rank, f.rule, f.component or ""),
    )


def _header(report: Report) -> str:
    inv, rub, ov = report.inventory, report.rubric, report.overall
    failed = [g for g in report.gates if not g.passed]
    trusted = ", ".join(inv.trusted) if inv.trusted else "none"
    if ov.passed:
        verdict = f"Every gate holds ({len(report.gates)} checked)."
        cls, word = "pass", "PASS"
    else:
        verdict = f"{len(failed)} of {len(report.gates)} gates fail."
        cls, word = "fail", "FAIL"
    fails = sum(1 for f in report.findings if f.status is Status.FAIL)
    unknown = sum(1 for f in report.findings if f.status is Status.UNKNOWN)
    return (
        '<header class="report">'
        '<p class="meta">sovcheck sovereignty audit</p>'
        f"<h1>{_e(inv.system)}</h1>"
        f'<p class="meta">Inventory <code>{_e(inv.path)}</code> · {inv.components} components'
        f" · home <strong>{_e(inv.home)}</strong> · trusted {_e(trusted)}</p>"
        f'<p class="meta">Rubric <strong>{_e(rub.title)}</strong> ({_e(rub.id)} '
        f"v{_e(rub.version)})</p>"
        '<div class="verdict">'
        '<div class="level" role="group" aria-label="Overall level">'
        '<span class="small">Overall level</span>'
        f'<span class="big">{ov.level} · {_e(ov.level_name)}</span>'
        f'<span class="small">score {_score(ov.score)} / 100</span></div>'
        f'<div class="gates {cls}" role="group" aria-label="Verdict">'
        f'<span class="small">Verdict</span><br><span class="big {cls}-text">{word}</span> '
        f"{_e(verdict)}<br>{fails} failing finding(s), {unknown} unknown, "
        f"{len(report.unknowns)} fact(s) to establish.</div>"
        "</div>"
        '<nav class="toc" aria-label="Sections"><ul>'
        '<li><a href="#objectives">Objectives</a></li>'
        '<li><a href="#chain">Value chain</a></li>'
        '<li><a href="#findings">Findings</a></li>'
        '<li><a href="#unknowns">To establish</a></li>'
        '<li><a href="#risks">Risks</a></li>'
        '<li><a href="#gates">Gates</a></li>'
        "</ul></nav>"
        "</header>"
    )


def _objectives(report: Report) -> str:
    rows = []
    for o in report.objectives:
        threshold = "–" if o.threshold is None else f"{o.threshold:g}"
        if not o.assessed:
            verdict = '<span class="badge st-unknown">not assessed</span>'
        elif o.passed:
            verdict = '<span class="pass-text">pass</span>'
        else:
            verdict = '<span class="fail-text">FAIL</span>'
        rows.append(
            f'<tr><th scope="row">{_e(o.title)}</th><td class="num">{_score(o.score)}</td>'
            f'<td class="num">{threshold}</td><td>{verdict}</td>'
            f"<td>{o.level} {_e(o.level_name)}</td>"
            f'<td class="num">{o.weight:g}</td><td class="num">{o.failing}</td>'
            f'<td class="num">{o.unknown}</td></tr>'
        )
    ov = report.overall
    rows.append(
        f'<tr><th scope="row">Overall</th><td class="num">{_score(ov.score)}</td>'
        f'<td class="num"></td><td>{"pass" if ov.passed else "FAIL"}</td>'
        f"<td>{ov.level} {_e(ov.level_name)}</td><td></td><td></td><td></td></tr>"
    )
    return (
        '<section id="objectives" aria-labelledby="h-objectives">'
        '<h2 id="h-objectives">Objectives</h2>'
        f"<figure>{render_objectives_chart(report.objectives)}"
        "<figcaption>Score of each objective (bar, 0 to 100) and the threshold it must reach "
        "(black mark). The table gives the same figures.</figcaption></figure>"
        '<table id="objectives-table"><caption>Objective scores, thresholds and levels</caption>'
        '<thead><tr><th scope="col">Objective</th><th scope="col" class="num">Score</th>'
        '<th scope="col" class="num">Threshold</th><th scope="col">Verdict</th>'
        '<th scope="col">Level</th><th scope="col" class="num">Weight</th>'
        '<th scope="col" class="num">Failing</th><th scope="col" class="num">Unknown</th>'
        f"</tr></thead><tbody>{''.join(rows)}</tbody></table>"
        "</section>"
    )


def _graph_panel(
    report: Report, facts: AuditFacts, paths: dict[tuple[str, ...], int]
) -> tuple[str, str, tuple[int, ...] | None]:
    """The value chain beside the findings: whole up to ``COLLAPSE_ABOVE`` components, else
    collapsed to one box per layer and control; then the whole chain to expand, full width,
    up to ``WHOLE_CHAIN_LIMIT`` components (or a line saying how to draw it); and, when
    collapsed, the box of each component."""
    trust = node_trust(facts)
    failing = frozenset(
        f.component for f in report.findings if f.status is Status.FAIL and f.component
    )
    title = f"Value chain of {report.inventory.system}"
    n = len(facts.chain)
    counts = {t: sum(1 for v in trust.values() if v == t) for t in ("home", "trusted", "foreign")}
    counts["unknown"] = len(trust) - sum(counts.values())
    summary = ", ".join(f"{c:,} {t}" for t, c in counts.items() if c)
    intro = f"<p>Control of each component's supplier: {_e(summary)}. "
    group_of: tuple[int, ...] | None = None
    whole = ""
    if n > COLLAPSE_ABOVE or n > WHOLE_CHAIN_LIMIT:
        collapsed = render_collapsed_svg(facts.chain, trust, failing, title=title)
        group_of = collapsed.group_of
        picture = collapsed.svg
        intro += (
            f"The {n:,} components are collapsed into one box per layer and control; "
            "a warning triangle marks a box with failing findings. "
        )
        if n <= WHOLE_CHAIN_LIMIT:
            intro += "Every component, one by one, is drawn below the findings. "
            svg = render_svg(facts.chain, trust, failing, _ordered(paths), title=title, inline=True)
            whole = (
                f'<details class="whole"><summary>Show every component of the value chain '
                f"({n:,})</summary>"
                f'<div class="scroll">{svg}</div></details>'
            )
        else:
            whole = (
                f"<p>{n:,} components are too many to draw one by one here: "
                "<code>sovcheck graph INVENTORY --format svg</code> draws them all.</p>"
            )
    else:
        picture = render_svg(facts.chain, trust, failing, _ordered(paths), title=title, inline=True)
        intro += "A warning triangle marks a component with failing findings. "
    return (
        (
            '<aside class="graph-panel" id="chain" aria-labelledby="h-chain">'
            '<h2 id="h-chain">Value chain</h2>'
            f"{intro}"
            '"Show on graph" beside a finding highlights its path here.</p>'
            '<button type="button" id="clear-highlight" hidden>Clear highlight</button>'
            f"<figure>{picture}"
            "<figcaption>Layers from energy (bottom) to applications, with the teams above them. "
            "Colour, the shape in each box's band and its second line tell the control of its "
            "supplier.</figcaption></figure></aside>"
        ),
        whole,
        group_of,
    )


def _ordered(paths: dict[tuple[str, ...], int]) -> list[tuple[str, ...]]:
    return sorted(paths, key=lambda p: paths[p])


def _counts(findings: list[Finding]) -> str:
    by_status: dict[Status, int] = {}
    for f in findings:
        by_status[f.status] = by_status.get(f.status, 0) + 1
    return ", ".join(
        f"{n:,} {s.value.replace('_', ' ')}"
        for s, n in sorted(by_status.items(), key=lambda kv: STATUS_ORDER[kv[0]])
    )


def _short_path(path: tuple[str, ...]) -> str:
    """A path as arrows; a very long one keeps its first and last components."""
    if len(path) <= 2 * PATH_ENDS + 1:
        return _arrowed(path)
    hidden = len(path) - 2 * PATH_ENDS
    return (
        _arrowed(path[:PATH_ENDS]) + f" → <em>{hidden:,} more</em> → " + _arrowed(path[-PATH_ENDS:])
    )


def _row(
    f: Finding,
    paths: dict[tuple[str, ...], int],
    chain_index: dict[str, int],
    group_of: tuple[int, ...] | None,
) -> str:
    path_cell = f'<span class="path">{_short_path(f.path)}</span>' if f.path else "–"
    if f.path:
        groups = ""
        if group_of is not None:
            seen: list[int] = []
            for cid in f.path:
                k = chain_index.get(cid)
                if k is not None and (not seen or seen[-1] != group_of[k]):
                    seen.append(group_of[k])
            groups = f' data-groups="{" ".join(map(str, seen))}"'
        whole = f' data-path="{path_class(paths[f.path])}"' if f.path in paths else ""
        path_cell += (
            f'<button type="button" class="show-path"{whole}{groups} hidden>Show on graph</button>'
        )
    message = _e(f.message)
    if f.waived and f.waiver_reason:
        message += f"<br><em>Waived: {_e(f.waiver_reason)}</em>"
    if f.unknown_fields:
        message += "<br>To establish: " + ", ".join(
            f"<code>{_e(u)}</code>" for u in f.unknown_fields
        )
    return (
        f'<tr data-status="{f.status.value}" data-severity="{f.severity.rank}">'
        f'<td><span class="badge st-{f.status.value}">{_e(f.status.value)}</span></td>'
        f"<td>{_e(f.component or '(system)')}</td>"
        f"<td>{message}</td><td>{path_cell}</td>"
        f'<td class="num">{f.location.line}</td></tr>'
    )


def _rule_groups(report: Report) -> list[tuple[str, list[Finding]]]:
    """Findings by rule: the worst status first, then the most severe, then by id."""
    groups: dict[str, list[Finding]] = {}
    for f in _sorted_findings(report.findings):
        groups.setdefault(f.rule, []).append(f)
    return sorted(
        groups.items(),
        key=lambda g: (STATUS_ORDER[g[1][0].status], -g[1][0].severity.rank, g[0]),
    )


def _findings(report: Report, facts: AuditFacts, paths: dict[tuple[str, ...], int]) -> str:
    panel, whole, group_of = _graph_panel(report, facts, paths)
    chain_index = facts.chain.index
    rules = {r.id: r for r in report.rules}
    groups = _rule_groups(report)
    parts: list[str] = []
    shown = 0
    per_rule = min(MAX_ROWS_PER_RULE, max(MIN_ROWS_PER_RULE, MAX_ROWS // max(len(groups), 1)))
    for k, (rule_id, findings) in enumerate(groups):
        first = findings[0]
        summary = rules.get(rule_id)
        title = summary.title if summary is not None else first.objective
        remediation = summary.remediation if summary is not None else first.remediation
        references = summary.references if summary is not None else first.references
        kept = findings[:per_rule]
        shown += len(kept)
        rows = "".join(_row(f, paths, chain_index, group_of) for f in kept)
        more = ""
        if len(kept) < len(findings):
            more = (
                f'<p class="more">{len(findings) - len(kept):,} more finding(s) of this rule '
                "are not shown here; the JSON and SARIF reports list them all.</p>"
            )
        refs = (
            '<ul class="refs">'
            + "".join(f'<li><span class="ref">{_e(r)}</span></li>' for r in references)
            + "</ul>"
            if references
            else ""
        )
        needs_work = first.status is not Status.PASS
        is_open = k == 0 or (first.status is Status.FAIL and first.severity is Severity.CRITICAL)
        body = (
            f'<p class="remediation"><strong>Remediation:</strong> {_e(remediation)}</p>{refs}'
            if needs_work
            else ""
        )
        parts.append(
            f'<details class="rule" data-rule="{_e(rule_id)}" '
            f'data-severity="{first.severity.value}"{" open" if is_open else ""}>'
            f'<summary><span class="sev sev-{first.severity.value}">{_e(first.severity.value)}'
            f"</span> <code>{_e(rule_id)}</code> {_e(title)} "
            f'<span class="counts">{_e(_counts(findings))}</span></summary>'
            f'<div class="rule-body">{body}'
            '<table class="findings"><caption class="sr-only">Findings of '
            f"{_e(rule_id)}</caption>"
            '<thead><tr><th scope="col">Status</th><th scope="col">Component</th>'
            '<th scope="col">Message</th><th scope="col">Path</th>'
            f'<th scope="col" class="num">Line</th></tr></thead><tbody>{rows}</tbody></table>'
            f"{more}</div></details>"
        )
    statuses = sorted({f.status for f in report.findings}, key=lambda s: STATUS_ORDER[s])
    status_options = "".join(f'<option value="{s.value}">{s.value}</option>' for s in statuses)
    severity_options = "".join(
        f'<option value="{s.rank}">{s.value} and above</option>' for s in Severity
    )
    controls = (
        '<div class="controls" id="findings-controls" hidden>'
        '<label>Search<input type="search" id="f-text" placeholder="rule, component, text">'
        "</label>"
        f'<label>Status<select id="f-status"><option value="">all</option>{status_options}'
        "</select></label>"
        f'<label>Severity<select id="f-severity">{severity_options}</select></label>'
        '<output id="f-count" aria-live="polite"></output></div>'
    )
    left_out = len(report.findings) - shown
    note = (
        f"<p><strong>{left_out:,} finding(s) are not shown</strong> (at most "
        f"{per_rule:,} a rule, so that the page stays light); the JSON and SARIF reports "
        "list them all.</p>"
        if left_out
        else ""
    )
    return (
        '<section id="findings" aria-labelledby="h-findings">'
        f'<h2 id="h-findings">Findings ({len(report.findings):,} in {len(groups):,} rules)</h2>'
        "<p>Grouped by rule, failing rules first, the most severe first; each rule says once "
        "what to do. Line numbers refer to the inventory file.</p>"
        f"{controls}{note}"
        f'<div class="side-by-side"><div class="findings-list" id="findings-list">'
        f"{''.join(parts) or '<p>No finding to list.</p>'}</div>{panel}</div>"
        f"{whole}</section>"
    )


def _unknowns(report: Report) -> str:
    if not report.unknowns:
        body = "<p>Nothing to establish: every fact the rules need is known.</p>"
    else:
        items = "".join(
            '<li><span class="box" aria-hidden="true">☐</span>'
            f"<strong>{_e(u.component or '(system)')}</strong>: establish "
            f"<code>{_e(u.field)}</code> (needed by {_e(', '.join(u.rules))})</li>"
            for u in report.unknowns[:MAX_ITEMS]
        )
        body = (
            "<p>Facts the inventory does not state. Each one left unknown keeps the rules "
            "that need it from passing.</p>"
            f'<ul class="todo" aria-label="Facts to establish">{items}</ul>'
            + _more(len(report.unknowns), "fact(s) to establish")
        )
    return (
        '<section id="unknowns" aria-labelledby="h-unknowns">'
        f'<h2 id="h-unknowns">To establish ({len(report.unknowns)})</h2>{body}</section>'
    )


def _risks(report: Report) -> str:
    risks = report.risks
    out = ['<section id="risks" aria-labelledby="h-risks"><h2 id="h-risks">Risks</h2>']
    if risks.cutoff:
        rows = "".join(
            f'<tr><th scope="row">{_e(r.component)}</th><td>{_e(r.reason)}</td>'
            f'<td class="path">{_short_path(r.path)}</td></tr>'
            for r in risks.cutoff[:MAX_ITEMS]
        )
        out.append(
            "<table><caption>Cut-off sources: a foreign decision can stop them</caption>"
            '<thead><tr><th scope="col">Component</th><th scope="col">Why</th>'
            f'<th scope="col">Path from an entrypoint</th></tr></thead><tbody>{rows}</tbody>'
            "</table>" + _more(len(risks.cutoff), "cut-off source(s)")
        )
    else:
        out.append("<p>No cut-off source found.</p>")
    out.append(
        f"<p>{risks.cutoff_exposed} component(s) depend on a cut-off source.</p>"
        if risks.cutoff
        else ""
    )
    if risks.single_points_of_failure:
        rows = "".join(
            f'<tr><th scope="row">{_e(s.component)}</th><td class="num">{s.dominated}</td>'
            f'<td class="path">{_short_path(s.path)}</td></tr>'
            for s in risks.single_points_of_failure[:MAX_ITEMS]
        )
        out.append(
            "<table><caption>Single points of failure</caption>"
            '<thead><tr><th scope="col">Component</th>'
            '<th scope="col" class="num">Components reachable only through it</th>'
            f'<th scope="col">Path from an entrypoint</th></tr></thead><tbody>{rows}</tbody>'
            "</table>" + _more(len(risks.single_points_of_failure), "single point(s) of failure")
        )
    else:
        out.append("<p>No single point of failure found.</p>")
    if risks.foreign_spend_share is not None:
        out.append(
            "<p>Share of stated annual spend going to suppliers outside the trusted area: "
            f"<strong>{risks.foreign_spend_share:.0%}</strong>.</p>"
        )
    else:
        out.append("<p>Share of spend going abroad: unknown (no annual cost stated).</p>")
    out.append("</section>")
    return "".join(out)


def _summary(report: Report) -> str:
    """The cost and energy summary, when the inventory gives facts for it."""
    if report.summary is None:
        return ""
    out = ['<section id="costs" aria-labelledby="h-costs"><h2 id="h-costs">Cost and energy</h2>']
    for title, headers, rows in summary_tables(report.summary):
        head = "".join(f'<th scope="col">{_e(h)}</th>' for h in headers)
        body = "".join(
            f'<tr><th scope="row">{_e(row[0])}</th>'
            + "".join(f"<td>{_e(c)}</td>" for c in row[1:])
            + "</tr>"
            for row in rows
        )
        out.append(
            f"<table><caption>{_e(title)}</caption><thead><tr>{head}</tr></thead>"
            f"<tbody>{body}</tbody></table>"
        )
    out.append("</section>")
    return "".join(out)


def _gates(report: Report) -> str:
    rows = "".join(
        f'<tr><th scope="row"><code>{_e(g.id)}</code></th><td>{_e(g.kind)}</td>'
        f'<td class="num">{_e(g.threshold)}</td><td class="num">{_e(g.actual)}</td>'
        f"<td>{'<span class=pass-text>holds</span>' if g.passed else '<span class=fail-text>fails</span>'}"
        f"</td><td>{_e(g.source)}</td></tr>"
        for g in report.gates
    )
    waivers = ""
    if report.waivers:
        wrows = "".join(
            f'<tr><th scope="row"><code>{_e(w.rule)}</code></th>'
            f"<td>{_e(w.component or '(system)')}</td><td>{_e(w.reason)}</td>"
            f"<td>{_e(w.expires)}</td><td>{_e(w.status)}</td>"
            f'<td class="num">{w.matched}</td></tr>'
            for w in report.waivers
        )
        waivers = (
            "<table><caption>Waivers</caption><thead><tr>"
            '<th scope="col">Rule</th><th scope="col">Component</th><th scope="col">Reason</th>'
            '<th scope="col">Expires</th><th scope="col">State</th>'
            f'<th scope="col" class="num">Matched</th></tr></thead><tbody>{wrows}</tbody></table>'
        )
    orgs = ""
    if report.organizations:
        orgs = (
            "<ul>"
            + "".join(
                f"<li><code>{_e(o.id)}</code>: {_e(o.note)}</li>" for o in report.organizations
            )
            + "</ul>"
        )
    return (
        '<section id="gates" aria-labelledby="h-gates"><h2 id="h-gates">Gates</h2>'
        "<table><caption>Gates decide the exit code: 0 when all hold, 1 otherwise</caption>"
        '<thead><tr><th scope="col">Gate</th><th scope="col">Kind</th>'
        '<th scope="col" class="num">Threshold</th><th scope="col" class="num">Actual</th>'
        '<th scope="col">State</th><th scope="col">Set by</th></tr></thead>'
        f"<tbody>{rows}</tbody></table>{waivers}{orgs}</section>"
    )


def _warnings(report: Report) -> str:
    """Warnings come before the objectives: the verdicts below depend on them. The first
    few are shown; the others are one click away, so that they do not push the verdicts
    out of sight."""
    if not report.warnings:
        return ""
    items = [
        f"<li><code>{_e(w.subject)}</code>"
        + (f" (line {w.location.line})" if w.location else "")
        + f": {_e(w.message)}</li>"
        for w in report.warnings[:MAX_ITEMS]
    ]
    shown, folded = items[:WARNINGS_SHOWN], items[WARNINGS_SHOWN:]
    rest = ""
    if folded:
        kinds: dict[str, int] = {}
        for w in report.warnings[WARNINGS_SHOWN:]:
            kinds[w.kind] = kinds.get(w.kind, 0) + 1
        said = ", ".join(f"{n:,} {kind}" for kind, n in sorted(kinds.items()))
        rest = (
            f"<details><summary>{len(report.warnings) - WARNINGS_SHOWN:,} more ({_e(said)})"
            f"</summary><ul>{''.join(folded)}</ul>"
            f"{_more(len(report.warnings), 'warning(s)')}</details>"
        )
    return (
        '<section id="warnings" aria-labelledby="h-warnings" role="alert">'
        f'<h2 id="h-warnings">Warnings ({len(report.warnings):,})</h2>'
        f"<ul>{''.join(shown)}</ul>{rest}</section>"
    )


def _more(total: int, what: str) -> str:
    """The line saying how many of ``total`` are not listed (none: nothing)."""
    if total <= MAX_ITEMS:
        return ""
    return (
        f'<p class="more">{total - MAX_ITEMS:,} more {_e(what)} not listed here; the JSON '
        "report lists them all.</p>"
    )


def _path_index(report: Report, facts: AuditFacts) -> dict[tuple[str, ...], int]:
    """One highlight class per distinct finding path, most severe findings first; none
    when the whole chain is not drawn (too large)."""
    index: dict[tuple[str, ...], int] = {}
    if len(facts.chain) > WHOLE_CHAIN_LIMIT:
        return index
    for f in _sorted_findings(report.findings):
        if f.path and f.path not in index:
            index[f.path] = len(index)
    return index


def render_html(report: Report, facts: AuditFacts) -> str:
    """The whole report as one HTML document (``facts`` gives the value chain and the
    control of each component, as computed for this audit)."""
    paths = _path_index(report, facts)
    inv, tool = report.inventory, report.tool
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f'<meta name="generator" content="sovcheck {_e(tool.version)}">'
        f"<title>sovcheck: {_e(inv.system)}</title>"
        f"<style>{_CSS.strip()}</style></head><body>"
        f"{_header(report)}<main>{_warnings(report)}"
        f"{_objectives(report)}{_findings(report, facts, paths)}"
        f"{_unknowns(report)}{_risks(report)}{_summary(report)}{_gates(report)}"
        "</main>"
        f"<footer><p>{_e(tool.name)} {_e(tool.version)} · inventory sha256 "
        f"<code>{_e(inv.sha256)}</code> · rubric "
        f"{_e(report.rubric.id)} sha256 <code>{_e(report.rubric.sha256)}</code></p></footer>"
        f"<script>{_JS.strip()}</script>"
        "</body></html>\n"
    )
