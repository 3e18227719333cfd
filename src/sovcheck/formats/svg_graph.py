"""The value chain as a picture: inline SVG (for the HTML report and ``sovcheck graph``),
Graphviz DOT and a Mermaid flowchart (renders in GitHub Markdown).

Nodes are coloured by the trust of their supplier's control chain (home, trusted, foreign,
unknown) with a colour-blind-safe palette (Okabe and Ito), and each trust also has a shape
in the node's band and a word on its second line, so colour is never the only cue. Edges
are dashed per relation, with a legend. Pure functions: same chain, same bytes.
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import assert_never

from sovcheck.choices import GraphFormat as GraphFormat
from sovcheck.formats.visible import html_text
from sovcheck.graph import ValueChain
from sovcheck.layout import (
    H_GAP,
    LABEL_LEFT,
    LABEL_RIGHT,
    LABEL_WIDTH,
    LAYER_ORDER,
    MARGIN,
    NODE_HEIGHT,
    ROW_HEIGHT,
    Layout,
    NodeBox,
    layout,
    node_width_for,
    row_centres,
    row_index,
    text_width,
    via,
)
from sovcheck.rules.facts import AuditFacts
from sovcheck.rules.values import Unknown

TRUSTS: tuple[str, ...] = ("home", "trusted", "foreign", "unknown")
# (tint for the fill, strong colour for the band and border): Okabe-Ito bluish green,
# blue, vermillion, and a neutral grey for what is not known
TRUST_COLOURS: dict[str, tuple[str, str]] = {
    "home": ("#d5f0e6", "#009e73"),
    "trusted": ("#d4e6f4", "#0072b2"),
    "foreign": ("#fae0cf", "#d55e00"),
    "unknown": ("#eeeeee", "#6e6e6e"),
}
TRUST_WORDS = {
    "home": "home control",
    "trusted": "trusted control",
    "foreign": "foreign control",
    "unknown": "control unknown",
}
RELATION_DASH: dict[str, str] = {
    "runs_on": "",
    "calls": "8 4",
    "uses": "2 3",
    "trained_on": "10 3 2 3",
    "powered_by": "1 5",
    "maintained_by": "14 5",
    "depends_on": "5 2 5 7",
}
WARNING_FILL = "#f0e442"  # Okabe-Ito yellow
EDGE_COLOUR = "#4d4d4d"
FONT = "DejaVu Sans, Verdana, Arial, sans-serif"
LEGEND_HEIGHT = 88.0
MIN_WIDTH = 780.0

_STYLE = """
.vc .edge path.line{fill:none;stroke:#4d4d4d;stroke-width:1.4}
.vc.highlighting .node,.vc.highlighting .edge{opacity:.22}
.vc.highlighting .node.hl,.vc.highlighting .edge.hl{opacity:1}
.vc .edge.hl path.line{stroke:#000;stroke-width:3.2}
.vc .node.hl rect.box{stroke:#000;stroke-width:3}
"""


def node_trust(facts: AuditFacts) -> dict[str, str]:
    """Each component's control (home, trusted or foreign), or "unknown"."""
    result: dict[str, str] = {}
    for i, cid in enumerate(facts.chain.ids):
        value = facts.get(i, "control")
        known = not isinstance(value, Unknown) and value in TRUSTS
        result[cid] = str(value) if known else "unknown"
    return result


def path_class(index: int) -> str:
    """The CSS class marking the nodes and edges of ``highlight_paths[index]``."""
    return f"hp-{index}"


_a = html_text


def _n(value: float) -> str:
    return f"{round(value + 0.0, 1):g}"


def _second_line(kind: str, trust: str) -> str:
    return f"{kind} · {TRUST_WORDS[trust]}"


def _label(
    text: str, x: float, y: float, box_width: float, size: float, *, bold: bool = False
) -> str:
    """One line of a node's label, whole: a text wider than the widest node is drawn
    narrower (``textLength``), never cut."""
    room = box_width - LABEL_LEFT - LABEL_RIGHT
    fit = (
        f' textLength="{_n(room)}" lengthAdjust="spacingAndGlyphs"'
        if (text_width(text, size, bold=bold) > room)
        else ""
    )
    weight = ' font-weight="bold" fill="#111"' if bold else ' fill="#333"'
    return f'<text x="{_n(x)}" y="{_n(y)}" font-size="{size:g}"{weight}{fit}>{_a(text)}</text>'


def _path_memberships(
    highlight_paths: Sequence[tuple[str, ...]],
) -> tuple[dict[str, list[int]], dict[frozenset[str], list[int]]]:
    nodes: dict[str, list[int]] = {}
    pairs: dict[frozenset[str], list[int]] = {}
    for k, path in enumerate(highlight_paths):
        for cid in path:
            if k not in nodes.setdefault(cid, []):
                nodes[cid].append(k)
        for a, b in itertools.pairwise(path):
            key = frozenset((a, b))
            if k not in pairs.setdefault(key, []):
                pairs[key].append(k)
    return nodes, pairs


def _classes(base: str, indices: Iterable[int]) -> str:
    return " ".join([base, *(path_class(k) for k in indices)])


def _edge_d(
    src: NodeBox, dst: NodeBox, via: tuple[tuple[float, float], ...], h: float, offset: float
) -> str:
    """A smooth path from the source box to the target box through the waypoints, leaving
    and entering each box vertically."""
    x1, x2 = src.x + offset, dst.x + offset
    if dst.y == src.y:
        y1, y2 = src.y - h / 2, dst.y - h / 2 - 2
        return (
            f"M{_n(x1)},{_n(y1)} C{_n(x1)},{_n(y1 - 34)} {_n(x2)},{_n(y2 - 34)} {_n(x2)},{_n(y2)}"
        )
    down = dst.y > src.y
    y1 = src.y + h / 2 if down else src.y - h / 2
    y2 = dst.y - h / 2 - 2 if down else dst.y + h / 2 + 2
    points = [(x1, y1), *((x + offset, y) for x, y in via), (x2, y2)]
    parts = [f"M{_n(x1)},{_n(y1)}"]
    for (ax, ay), (bx, by) in itertools.pairwise(points):
        mid = (ay + by) / 2
        parts.append(f"C{_n(ax)},{_n(mid)} {_n(bx)},{_n(mid)} {_n(bx)},{_n(by)}")
    return " ".join(parts)


def _trust_glyph(trust: str, cx: float, cy: float) -> str:
    if trust == "home":
        return f'<circle cx="{_n(cx)}" cy="{_n(cy)}" r="4" fill="#fff"/>'
    if trust == "trusted":
        return f'<rect x="{_n(cx - 3.5)}" y="{_n(cy - 3.5)}" width="7" height="7" fill="#fff"/>'
    if trust == "foreign":
        return (
            f'<path d="M{_n(cx)},{_n(cy - 5)} L{_n(cx + 5)},{_n(cy + 4)} '
            f'L{_n(cx - 5)},{_n(cy + 4)} Z" fill="#fff"/>'
        )
    return (
        f'<text x="{_n(cx)}" y="{_n(cy + 4)}" text-anchor="middle" font-size="11" '
        f'font-weight="bold" fill="#fff">?</text>'
    )


def _warning(x: float, y: float) -> str:
    """A yellow warning triangle with an exclamation mark, its top at (x, y)."""
    return (
        f'<path d="M{_n(x)},{_n(y)} L{_n(x + 10)},{_n(y + 17)} L{_n(x - 10)},{_n(y + 17)} Z" '
        f'fill="{WARNING_FILL}" stroke="#000" stroke-width="1.2" stroke-linejoin="round"/>'
        f'<text x="{_n(x)}" y="{_n(y + 15)}" text-anchor="middle" font-size="11" '
        f'font-weight="bold" fill="#000">!</text>'
    )


def render_svg(
    chain: ValueChain,
    node_trust: Mapping[str, str],
    failing: set[str] | frozenset[str],
    highlight_paths: Sequence[tuple[str, ...]] = (),
    *,
    title: str = "Value chain",
    inline: bool = False,
) -> str:
    """The value chain as one ``<svg>`` element (no XML declaration: inline it or save it).

    ``node_trust`` maps each id to home, trusted, foreign or unknown (missing ids are
    unknown); ``failing`` marks nodes with failing findings; the nodes and edges of
    ``highlight_paths[k]`` carry the CSS class ``hp-k``. ``inline`` leaves out the
    namespace declaration, which HTML does not need.
    """
    seconds = {
        _second_line(c.kind.value, node_trust.get(c.id, "unknown")) for c in chain.components
    }
    lay: Layout = layout(chain, [(t, 10.5, False) for t in seconds])
    boxes = lay.by_id()
    w, h = lay.node_width, lay.node_height
    width = max(lay.width, MIN_WIDTH)
    shift = (width - lay.width) / 2
    height = lay.height + LEGEND_HEIGHT
    path_nodes, path_pairs = _path_memberships(highlight_paths)
    counts: dict[str, int] = dict.fromkeys(TRUSTS, 0)
    for cid in chain.ids:
        counts[node_trust.get(cid, "unknown")] += 1
    summary = ", ".join(f"{counts[t]} {TRUST_WORDS[t]}" for t in TRUSTS if counts[t])
    out: list[str] = []
    xmlns = "" if inline else 'xmlns="http://www.w3.org/2000/svg" '
    out.append(
        f'<svg {xmlns}class="vc" role="img" '
        f'aria-labelledby="vc-title vc-desc" viewBox="0 0 {_n(width)} {_n(height)}" '
        f'width="{_n(width)}" height="{_n(height)}" font-family="{FONT}">'
    )
    out.append(f'<title id="vc-title">{_a(title)}</title>')
    out.append(
        f'<desc id="vc-desc">{len(chain)} components in layers from energy at the bottom '
        f"to applications at the top (teams above them), {len(lay.edges)} relations; "
        f"{_a(summary)}; {len(failing)} with failing findings, marked with a warning "
        f"triangle.</desc>"
    )
    out.append(f"<style>{_STYLE.strip()}</style>")
    out.append(
        '<defs><marker id="vc-arrow" viewBox="0 0 10 10" refX="9" refY="5" '
        'markerUnits="userSpaceOnUse" markerWidth="10" markerHeight="10" '
        'orient="auto-start-reverse">'
        f'<path d="M0,0 L10,5 L0,10 Z" fill="{EDGE_COLOUR}"/></marker></defs>'
    )
    out.append(f'<g transform="translate({_n(shift)},0)">')
    # layer bands and names
    out.append('<g class="layers">')
    for k, band in enumerate(lay.layers):
        top = band.y - h / 2 - 16
        band_h = (band.rows - 1) * 96.0 + h + 32
        fill = "#f6f6f6" if k % 2 == 0 else "#ffffff"
        out.append(
            f'<rect x="4" y="{_n(top)}" width="{_n(lay.width - 8)}" height="{_n(band_h)}" '
            f'fill="{fill}"/>'
            f'<text x="16" y="{_n(band.y + 4)}" font-size="12" fill="#333" '
            f'font-style="italic">{_a(band.kind)}</text>'
        )
    out.append("</g>")
    # edges, with parallel edges between one pair spread apart
    pair_total: dict[tuple[str, str], int] = {}
    for e in lay.edges:
        pair_total[(e.source, e.target)] = pair_total.get((e.source, e.target), 0) + 1
    pair_seen: dict[tuple[str, str], int] = {}
    out.append('<g class="edges">')
    for e in lay.edges:
        key = (e.source, e.target)
        k = pair_seen.get(key, 0)
        pair_seen[key] = k + 1
        offset = (k - (pair_total[key] - 1) / 2) * 10
        d = _edge_d(boxes[e.source], boxes[e.target], e.via, h, offset)
        dash = RELATION_DASH.get(e.relation, "")
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        cls = _classes(f"edge rel-{e.relation}", path_pairs.get(frozenset(key), []))
        out.append(
            f'<g class="{cls}"><title>{_a(e.source)} {_a(e.relation)} {_a(e.target)}</title>'
            f'<path class="line" d="{d}"{dash_attr} marker-end="url(#vc-arrow)"/></g>'
        )
    out.append("</g>")
    # nodes
    out.append('<g class="nodes">')
    for i, box in enumerate(lay.nodes):
        comp = chain.components[i]
        trust = node_trust.get(box.id, "unknown")
        tint, strong = TRUST_COLOURS.get(trust, TRUST_COLOURS["unknown"])
        x0, y0 = box.x - w / 2, box.y - h / 2
        fails = box.id in failing
        cls = _classes(
            f"node trust-{trust}" + (" failing" if fails else ""), path_nodes.get(box.id, [])
        )
        tip = f"{box.id}: {comp.name} ({box.kind}); {TRUST_WORDS[trust]}"
        if fails:
            tip += "; failing findings"
        dash = ' stroke-dasharray="4 3"' if trust == "unknown" else ""
        out.append(f'<g class="{cls}" data-id="{_a(box.id)}"><title>{_a(tip)}</title>')
        out.append(
            f'<rect class="box" x="{_n(x0)}" y="{_n(y0)}" width="{_n(w)}" height="{_n(h)}" '
            f'rx="5" fill="{tint}" stroke="{strong}" stroke-width="1.5"{dash}/>'
            f'<rect x="{_n(x0)}" y="{_n(y0)}" width="16" height="{_n(h)}" rx="5" '
            f'fill="{strong}"/>'
        )
        out.append(_trust_glyph(trust, x0 + 8, box.y))
        out.append(
            _label(box.id, x0 + LABEL_LEFT, box.y - 4, w, 11, bold=True)
            + _label(_second_line(box.kind, trust), x0 + LABEL_LEFT, box.y + 13, w, 10.5)
        )
        if fails:
            out.append(_warning(x0 + w - 4, y0 - 9))
        out.append("</g>")
    out.append("</g>")
    out.append("</g>")
    out.append(_legend(width, lay.height))
    out.append("</svg>")
    return "".join(out) + "\n"


def _legend(width: float, top: float, relations: bool = True) -> str:
    out = [f'<g class="legend" transform="translate(16,{_n(top + 8)})" font-size="11">']
    out.append('<text x="0" y="10" font-weight="bold" fill="#111">Control</text>')
    x = 64.0
    for trust in TRUSTS:
        tint, strong = TRUST_COLOURS[trust]
        dash = ' stroke-dasharray="4 3"' if trust == "unknown" else ""
        out.append(
            f'<rect x="{_n(x)}" y="0" width="30" height="14" rx="3" fill="{tint}" '
            f'stroke="{strong}"{dash}/><rect x="{_n(x)}" y="0" width="12" height="14" rx="3" '
            f'fill="{strong}"/>'
        )
        out.append(_trust_glyph(trust, x + 6, 7).replace('r="4"', 'r="3"'))
        out.append(f'<text x="{_n(x + 36)}" y="11" fill="#111">{TRUST_WORDS[trust]}</text>')
        x += 140
    out.append(_warning(x + 10, -2))
    out.append(f'<text x="{_n(x + 26)}" y="11" fill="#111">failing findings</text>')
    if not relations:
        out.append(
            '<text x="0" y="40" fill="#333">Each box is the components of one layer under one '
            "control; a line, the relations between two boxes (thicker: more of them).</text>"
        )
        out.append("</g>")
        return "".join(out)
    out.append('<text x="0" y="40" font-weight="bold" fill="#111">Relations</text>')
    x, y = 64.0, 36.0
    for relation, dash in RELATION_DASH.items():
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        out.append(
            f'<path d="M{_n(x)},{_n(y)} H{_n(x + 34)}" stroke="{EDGE_COLOUR}" '
            f'stroke-width="1.6"{dash_attr} marker-end="url(#vc-arrow)"/>'
            f'<text x="{_n(x + 42)}" y="{_n(y + 4)}" fill="#111">{relation}</text>'
        )
        x += 140
        if x + 130 > width - 16:
            x, y = 64.0, y + 22
    out.append(
        f'<text x="0" y="{_n(y + 30)}" fill="#333">An arrow points from a component to the one '
        f"it lists (runs_on, calls, ...).</text>"
    )
    out.append("</g>")
    return "".join(out)


# ---------------------------------------------------------------------- collapsed


@dataclass(frozen=True)
class Collapsed:
    """The value chain with one box per layer and control: its SVG, and the box of each
    component (``group_of[i]`` for the chain's i-th component)."""

    svg: str
    group_of: tuple[int, ...]


def group_node_id(group: int) -> str:
    """The element id of a box of the collapsed chain."""
    return f"vc-g{group}"


def group_edge_id(source: int, target: int) -> str:
    """The element id of the line from one box of the collapsed chain to another."""
    return f"vc-e{source}-{target}"


def render_collapsed_svg(
    chain: ValueChain,
    node_trust: Mapping[str, str],
    failing: set[str] | frozenset[str],
    *,
    title: str = "Value chain",
) -> Collapsed:
    """The chain collapsed to one box per layer and control (at most four a layer), the
    relations between two boxes drawn as one line: a picture of bounded size whatever the
    number of components. Boxes and lines have ids (:func:`group_node_id`,
    :func:`group_edge_id`) for a script to highlight a path."""
    rank = {kind.value: r for r, kind in enumerate(LAYER_ORDER)}
    keys: dict[tuple[str, str], int] = {}
    group_of: list[int] = []
    for comp in chain.components:
        key = (comp.kind.value, node_trust.get(comp.id, "unknown"))
        group_of.append(keys.setdefault(key, len(keys)))
    members: list[list[int]] = [[] for _ in keys]
    for i, g in enumerate(group_of):
        members[g].append(i)
    key_of = {g: key for key, g in keys.items()}
    fails = [sum(1 for i in m if chain.ids[i] in failing) for m in members]

    def first_line(g: int) -> str:
        return f"{len(members[g]):,} × {key_of[g][0]}"

    def second_line(g: int) -> str:
        word = TRUST_WORDS[key_of[g][1]]
        return f"{word} · {fails[g]:,} failing" if fails[g] else word

    w = node_width_for(
        [(first_line(g), 11, True) for g in keys.values()]
        + [(second_line(g), 10.5, False) for g in keys.values()]
    )
    h = NODE_HEIGHT
    kinds = sorted({k for k, _ in keys}, key=lambda k: -rank[k])
    rows = {
        kind: sorted(
            (g for (k, t), g in keys.items() if k == kind), key=lambda g: TRUSTS.index(key_of[g][1])
        )
        for kind in kinds
    }
    widest = max(len(r) for r in rows.values())
    content = widest * w + (widest - 1) * H_GAP
    lay_width = LABEL_WIDTH + content + 2 * MARGIN
    boxes: dict[int, NodeBox] = {}
    for row, kind in enumerate(kinds):
        y = MARGIN + h / 2 + row * ROW_HEIGHT
        for g, x in zip(rows[kind], row_centres(len(rows[kind]), w, content), strict=True):
            boxes[g] = NodeBox(group_node_id(g), kind, row, round(x, 1), round(y, 1))
    lay_height = 2 * MARGIN + (len(kinds) - 1) * ROW_HEIGHT + h
    row_ys, row_xs = row_index(boxes.values())
    links: dict[tuple[int, int], dict[str, int]] = {}
    for i, deps in enumerate(chain.deps):
        for j, relation in deps:
            a, b = group_of[i], group_of[j]
            if a != b:
                counted = links.setdefault((a, b), {})
                counted[relation.value] = counted.get(relation.value, 0) + 1
    width = max(lay_width, MIN_WIDTH)
    shift = (width - lay_width) / 2
    height = lay_height + LEGEND_HEIGHT
    out = [
        f'<svg class="vc collapsed" role="img" aria-labelledby="vcg-title vcg-desc" '
        f'viewBox="0 0 {_n(width)} {_n(height)}" width="{_n(width)}" height="{_n(height)}" '
        f'font-family="{FONT}">',
        f'<title id="vcg-title">{_a(title)}</title>',
        f'<desc id="vcg-desc">{len(chain):,} components in {len(keys)} boxes, one per layer '
        f"and control, from energy at the bottom to applications at the top (teams above "
        f"them); {sum(fails):,} components with failing findings.</desc>",
        f"<style>{_STYLE.strip()}</style>",
        '<defs><marker id="vcg-arrow" viewBox="0 0 10 10" refX="9" refY="5" '
        'markerUnits="userSpaceOnUse" markerWidth="10" markerHeight="10" '
        'orient="auto-start-reverse">'
        f'<path d="M0,0 L10,5 L0,10 Z" fill="{EDGE_COLOUR}"/></marker></defs>',
        f'<g transform="translate({_n(shift)},0)"><g class="layers">',
    ]
    for row, kind in enumerate(kinds):
        y = MARGIN + h / 2 + row * ROW_HEIGHT
        fill = "#f6f6f6" if row % 2 == 0 else "#ffffff"
        out.append(
            f'<rect x="4" y="{_n(y - h / 2 - 16)}" width="{_n(lay_width - 8)}" '
            f'height="{_n(h + 32)}" fill="{fill}"/>'
            f'<text x="16" y="{_n(y + 4)}" font-size="12" fill="#333" '
            f'font-style="italic">{_a(kind)}</text>'
        )
    out.append('</g><g class="edges">')
    for (a, b), counted in sorted(links.items()):
        total = sum(counted.values())
        route = via(boxes[a], boxes[b], row_ys, row_xs, w)
        d = _edge_d(boxes[a], boxes[b], route, h, 0.0)
        stroke = min(1.4 + 0.7 * math.log2(total), 6.0)
        said = ", ".join(f"{n:,} {rel}" for rel, n in sorted(counted.items()))
        out.append(
            f'<g class="edge" id="{group_edge_id(a, b)}"><title>{_a(first_line(a))} '
            f"({_a(TRUST_WORDS[key_of[a][1]])}) to {_a(first_line(b))} "
            f"({_a(TRUST_WORDS[key_of[b][1]])}): {_a(said)}</title>"
            f'<path class="line" d="{d}" style="stroke-width:{stroke:.1f}" '
            'marker-end="url(#vcg-arrow)"/></g>'
        )
    out.append('</g><g class="nodes">')
    for g, box in sorted(boxes.items()):
        kind, trust = key_of[g]
        tint, strong = TRUST_COLOURS[trust]
        x0, y0 = box.x - w / 2, box.y - h / 2
        names = [chain.ids[i] for i in members[g][:12]]
        more = len(members[g]) - len(names)
        tip = f"{first_line(g)}, {TRUST_WORDS[trust]}: {', '.join(names)}" + (
            f" and {more:,} more" if more else ""
        )
        dash = ' stroke-dasharray="4 3"' if trust == "unknown" else ""
        cls = f"node trust-{trust}" + (" failing" if fails[g] else "")
        out.append(
            f'<g class="{cls}" id="{box.id}" data-kind="{_a(kind)}"><title>{_a(tip)}</title>'
            f'<rect class="box" x="{_n(x0)}" y="{_n(y0)}" width="{_n(w)}" height="{_n(h)}" '
            f'rx="5" fill="{tint}" stroke="{strong}" stroke-width="1.5"{dash}/>'
            f'<rect x="{_n(x0)}" y="{_n(y0)}" width="16" height="{_n(h)}" rx="5" '
            f'fill="{strong}"/>'
            + _trust_glyph(trust, x0 + 8, box.y)
            + _label(first_line(g), x0 + LABEL_LEFT, box.y - 4, w, 11, bold=True)
            + _label(second_line(g), x0 + LABEL_LEFT, box.y + 13, w, 10.5)
            + (_warning(x0 + w - 4, y0 - 9) if fails[g] else "")
            + "</g>"
        )
    out.append("</g></g>")
    out.append(_legend(width, lay_height, relations=False))
    out.append("</svg>")
    return Collapsed("".join(out) + "\n", tuple(group_of))


# ---------------------------------------------------------------------- DOT


def _dot_q(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


DOT_STYLE = {
    "runs_on": "solid",
    "calls": "dashed",
    "uses": "dotted",
    "trained_on": "dashed",
    "powered_by": "dotted",
    "maintained_by": "dashed",
    "depends_on": "solid",
}


def render_dot(chain: ValueChain, node_trust: Mapping[str, str]) -> str:
    """Graphviz DOT: one rank per layer, applications on top, energy at the bottom."""
    out = [
        "digraph value_chain {",
        "  rankdir=TB;",
        '  node [shape=box, style="rounded,filled", fontname="DejaVu Sans", fontsize=11];',
        '  edge [fontname="DejaVu Sans", fontsize=9, color="#4d4d4d"];',
    ]
    for comp in chain.components:
        trust = node_trust.get(comp.id, "unknown")
        tint, strong = TRUST_COLOURS.get(trust, TRUST_COLOURS["unknown"])
        style = '"rounded,filled,dashed"' if trust == "unknown" else '"rounded,filled"'
        label = f"{comp.id}\n{comp.kind.value} · {TRUST_WORDS[trust]}"
        out.append(
            f"  {_dot_q(comp.id)} [label={_dot_q(label)}, fillcolor={_dot_q(tint)}, "
            f"color={_dot_q(strong)}, style={style}, tooltip={_dot_q(comp.name)}];"
        )
    for kind in reversed(LAYER_ORDER):
        same = [c.id for c in chain.components if c.kind is kind]
        if same:
            out.append("  { rank=same; " + " ".join(_dot_q(c) + ";" for c in same) + " }")
    for i, deps in enumerate(chain.deps):
        for j, relation in deps:
            out.append(
                f"  {_dot_q(chain.ids[i])} -> {_dot_q(chain.ids[j])} "
                f"[label={_dot_q(relation.value)}, style={DOT_STYLE[relation.value]}];"
            )
    out.append("}")
    return "\n".join(out) + "\n"


# ---------------------------------------------------------------------- Mermaid

_MERMAID_UNSAFE = re.compile(r"[^A-Za-z0-9_]")


def mermaid_ids(ids: Sequence[str]) -> dict[str, str]:
    """Mermaid node ids: letters, digits and underscores, prefixed (so no id is a keyword
    such as ``end``, or starts with ``o``/``x`` right after a link), unique."""
    result: dict[str, str] = {}
    used: set[str] = set()
    for cid in ids:
        base = "n_" + _MERMAID_UNSAFE.sub("_", cid)
        name, k = base, 2
        while name in used:
            name, k = f"{base}_{k}", k + 1
        used.add(name)
        result[cid] = name
    return result


def _mermaid_text(text: str) -> str:
    return '"' + text.replace('"', "#quot;").replace("\n", " ") + '"'


def render_mermaid(chain: ValueChain, node_trust: Mapping[str, str]) -> str:
    """A Mermaid flowchart, bottom to top like the value chain: each link goes from a
    component up to the one that lists it, labelled with the relation the upper one states
    (``A ---|runs_on| B`` drawn with B above A reads "B runs_on A"); links carry no arrow
    head so that they are not read the wrong way round."""
    names = mermaid_ids(chain.ids)
    out = [
        "flowchart BT",
        "  %% sovcheck value chain: a link from a lower component to the one above that",
        "  %% lists it under the relation in its label",
    ]
    for trust in TRUSTS:
        tint, strong = TRUST_COLOURS[trust]
        dash = ",stroke-dasharray:4 3" if trust == "unknown" else ""
        out.append(f"  classDef {trust} fill:{tint},stroke:{strong},color:#111{dash}")
    for comp in chain.components:
        trust = node_trust.get(comp.id, "unknown")
        label = f"{comp.id}<br/>{comp.kind.value} · {TRUST_WORDS[trust]}"
        out.append(f"  {names[comp.id]}[{_mermaid_text(label)}]")
    for i, deps in enumerate(chain.deps):
        for j, relation in deps:
            out.append(f"  {names[chain.ids[j]]} ---|{relation.value}| {names[chain.ids[i]]}")
    for trust in TRUSTS:
        members = [names[c] for c in chain.ids if node_trust.get(c, "unknown") == trust]
        if members:
            out.append(f"  class {','.join(members)} {trust}")
    return "\n".join(out) + "\n"


# ---------------------------------------------------------------------- CLI entry


def render_graph(facts: AuditFacts, fmt: GraphFormat) -> str:
    """``sovcheck graph INVENTORY --format svg|dot|mermaid``: the value chain alone."""
    trust = node_trust(facts)
    chain = facts.chain
    if fmt is GraphFormat.SVG:
        return render_svg(chain, trust, frozenset(), (), title=facts.inventory.system.name)
    if fmt is GraphFormat.DOT:
        return render_dot(chain, trust)
    if fmt is GraphFormat.MERMAID:
        return render_mermaid(chain, trust)
    assert_never(fmt)
