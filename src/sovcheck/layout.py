"""A deterministic layered layout of the value chain, in pure Python.

Layers follow the kind of each component, from the bottom of the value chain to its top:
energy, chip, datacenter, cloud, library, model, dataset, service, application, and the
teams in a layer of their own above the applications (people maintain components of every
layer, so no layer of machines is "theirs"). Empty layers are left out so the picture has
no gaps. Within a layer, nodes are ordered by a barycentre heuristic: a few sweeps, down
then up, each placing a node at the mean position of its neighbours in the layers already
swept, ties broken by id. A layer wider than ``MAX_PER_ROW`` wraps onto several rows.
An edge that crosses rows bends through the gap between that row's nodes nearest its
straight line (up to ``ROUTE_LIMIT`` components; beyond, edges are drawn direct).

Coordinates are SVG user units, y growing downwards, rounded to one decimal: the same
chain always gives the same numbers.
"""

from __future__ import annotations

import bisect
import itertools
from collections.abc import Iterable
from dataclasses import dataclass

from sovcheck.graph import ValueChain
from sovcheck.model.inventory import Kind

# bottom to top
LAYER_ORDER: tuple[Kind, ...] = (
    Kind.ENERGY,
    Kind.CHIP,
    Kind.DATACENTER,
    Kind.CLOUD,
    Kind.LIBRARY,
    Kind.MODEL,
    Kind.DATASET,
    Kind.SERVICE,
    Kind.APPLICATION,
    Kind.TEAM,
)
_RANK = {kind: r for r, kind in enumerate(LAYER_ORDER)}

NODE_WIDTH = 176.0  # the narrowest a node is; wider when its labels need it
MAX_NODE_WIDTH = 420.0
NODE_HEIGHT = 46.0
H_GAP = 28.0
ROW_HEIGHT = 96.0
MARGIN = 24.0
LABEL_WIDTH = 96.0  # room on the left for the layer names
MAX_PER_ROW = 10
SWEEPS = 4
ROUTE_LIMIT = 300  # larger chains get direct edges: routing them costs more than it shows


@dataclass(frozen=True)
class NodeBox:
    id: str
    kind: str
    layer: int  # index into Layout.layers (0 the top layer drawn)
    x: float  # centre
    y: float  # centre


@dataclass(frozen=True)
class EdgeLine:
    source: str  # the component that lists the target
    target: str
    relation: str
    # points the edge passes through between its ends: one per row it crosses, in the
    # gap between that row's nodes nearest the straight line, so no edge runs under a node
    via: tuple[tuple[float, float], ...] = ()


@dataclass(frozen=True)
class LayerBand:
    kind: str
    y: float  # centre of its first row
    rows: int


@dataclass(frozen=True)
class Layout:
    width: float
    height: float
    node_width: float
    node_height: float
    layers: tuple[LayerBand, ...]  # top to bottom as drawn
    nodes: tuple[NodeBox, ...]  # in chain order
    edges: tuple[EdgeLine, ...]  # in chain order, relation order within a component

    def by_id(self) -> dict[str, NodeBox]:
        return {node.id: node for node in self.nodes}


def _r(value: float) -> float:
    return round(value + 0.0, 1)


# Advance widths of DejaVu Sans (the font the pictures ask for first) in em, by character
# class, rounded up: an estimate that errs on the wide side, so that a label fits its box.
_NARROW = frozenset("fijlrt.,:;'!|()[] ")
_WIDE = frozenset("mwMW@%")


def text_width(text: str, size: float, *, bold: bool = False) -> float:
    """About how wide ``text`` is drawn at ``size`` px (never less than it is)."""
    em = 0.0
    for char in text:
        if char in _NARROW:
            em += 0.36
        elif char in _WIDE:
            em += 0.98
        elif char.isupper():
            em += 0.76
        else:
            em += 0.64
    return em * size * (1.1 if bold else 1.0)


# A node's labels start after its band and glyph, and keep a margin on the right.
LABEL_LEFT = 22.0
LABEL_RIGHT = 8.0


def node_width_for(labels: list[tuple[str, float, bool]]) -> float:
    """The width a node needs for ``labels`` (text, size, bold), within the bounds."""
    need = max((text_width(t, size, bold=b) for t, size, b in labels), default=0.0)
    return _r(min(max(NODE_WIDTH, LABEL_LEFT + need + LABEL_RIGHT), MAX_NODE_WIDTH))


def row_centres(count: int, node_width: float, content: float) -> list[float]:
    """The x centre of each of ``count`` nodes of one row, the row centred in ``content``."""
    span = count * node_width + (count - 1) * H_GAP
    left = MARGIN + LABEL_WIDTH + (content - span) / 2
    return [left + node_width / 2 + k * (node_width + H_GAP) for k in range(count)]


def row_index(boxes: Iterable[NodeBox]) -> tuple[list[float], dict[float, list[float]]]:
    """The y of each row, top to bottom, and the sorted x of its nodes: what :func:`via`
    routes edges with."""
    row_xs: dict[float, list[float]] = {}
    for box in boxes:
        row_xs.setdefault(box.y, []).append(box.x)
    for xs in row_xs.values():
        xs.sort()
    return sorted(row_xs), row_xs


def via(
    src: NodeBox,
    dst: NodeBox,
    row_ys: list[float],
    row_xs: dict[float, list[float]],
    node_width: float = NODE_WIDTH,
) -> tuple[tuple[float, float], ...]:
    """Waypoints of an edge spanning several rows, in the gaps of the rows it crosses."""
    low, high = sorted((src.y, dst.y))
    crossed = row_ys[bisect.bisect_right(row_ys, low) : bisect.bisect_left(row_ys, high)]
    if src.y > dst.y:
        crossed.reverse()
    points = []
    half = node_width / 2 + 4
    px, py = src.x, src.y  # the last point the edge passes through
    for y in crossed:
        x = px + (y - py) / (dst.y - py) * (dst.x - px)
        xs = row_xs[y]
        k = bisect.bisect_left(xs, x)
        near = xs[max(k - 1, 0) : k + 1]
        if all(abs(x - nx) >= half for nx in near):
            continue
        gaps = [xs[0] - node_width / 2 - H_GAP / 2, xs[-1] + node_width / 2 + H_GAP / 2]
        gaps += [(a + b) / 2 for a, b in itertools.pairwise(xs[max(k - 2, 0) : k + 2])]
        px, py = _r(min(gaps, key=lambda g: (abs(g - x), g))), _r(y)
        points.append((px, py))
    return tuple(points)


def layout(chain: ValueChain, label_lines: list[tuple[str, float, bool]] | None = None) -> Layout:
    """The chain laid out; nodes are wide enough for every id (bold, 11 px) and for the
    ``label_lines`` the caller also draws in them (text, size, bold)."""
    n = len(chain)
    ids = chain.ids
    longest = max(ids, key=lambda i: text_width(i, 11, bold=True), default="")
    w = node_width_for([(longest, 11, True), *(label_lines or [])])
    # layers drawn top to bottom: highest rank first, empty kinds skipped
    present = sorted({_RANK[c.kind] for c in chain.components}, reverse=True)
    row_of_rank = {rank: r for r, rank in enumerate(present)}
    layer_of = [row_of_rank[_RANK[c.kind]] for c in chain.components]
    members: list[list[int]] = [[] for _ in present]
    for i in sorted(range(n), key=lambda k: ids[k]):
        members[layer_of[i]].append(i)

    neighbours: list[list[int]] = [[] for _ in range(n)]
    for i, deps in enumerate(chain.deps):
        for j, _relation in deps:
            neighbours[i].append(j)
            neighbours[j].append(i)

    pos = [0.0] * n  # position in its layer, normalised to (0, 1)

    def place(layer: list[int]) -> None:
        size = len(layer)
        for k, i in enumerate(layer):
            pos[i] = (k + 0.5) / size

    for layer in members:
        place(layer)

    order = list(range(len(members)))
    for sweep in range(SWEEPS):
        sequence = order if sweep % 2 == 0 else order[::-1]
        done: set[int] = set()
        for li in sequence:
            if done:
                keyed = []
                for i in members[li]:
                    fixed = [pos[j] for j in neighbours[i] if layer_of[j] in done]
                    bary = sum(fixed) / len(fixed) if fixed else pos[i]
                    keyed.append((round(bary, 9), ids[i], i))
                keyed.sort()
                members[li] = [i for _, _, i in keyed]
                place(members[li])
            done.add(li)

    # coordinates: each layer wraps into rows of at most MAX_PER_ROW, rows centred
    widest = max((min(len(m), MAX_PER_ROW) for m in members), default=1)
    content = widest * w + (widest - 1) * H_GAP
    width = LABEL_WIDTH + content + 2 * MARGIN
    boxes: dict[int, NodeBox] = {}
    bands: list[LayerBand] = []
    row = 0
    for li, layer in enumerate(members):
        rows = [layer[k : k + MAX_PER_ROW] for k in range(0, len(layer), MAX_PER_ROW)]
        bands.append(
            LayerBand(
                kind=LAYER_ORDER[present[li]].value,
                y=_r(MARGIN + NODE_HEIGHT / 2 + row * ROW_HEIGHT),
                rows=len(rows),
            )
        )
        for chunk in rows:
            y = MARGIN + NODE_HEIGHT / 2 + row * ROW_HEIGHT
            for i, x in zip(chunk, row_centres(len(chunk), w, content), strict=True):
                boxes[i] = NodeBox(ids[i], chain.components[i].kind.value, li, _r(x), _r(y))
            row += 1
    height = 2 * MARGIN + max(row - 1, 0) * ROW_HEIGHT + NODE_HEIGHT
    row_ys, row_xs = row_index(boxes.values())
    route = n <= ROUTE_LIMIT
    edges = tuple(
        EdgeLine(
            ids[i],
            ids[j],
            relation.value,
            via(boxes[i], boxes[j], row_ys, row_xs, w) if route else (),
        )
        for i, deps in enumerate(chain.deps)
        for j, relation in deps
    )
    return Layout(
        width=_r(width),
        height=_r(height),
        node_width=w,
        node_height=NODE_HEIGHT,
        layers=tuple(bands),
        nodes=tuple(boxes[i] for i in range(n)),
        edges=edges,
    )
