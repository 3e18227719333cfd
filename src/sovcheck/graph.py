"""The value-chain graph: typed edges, and what crosses them.

This is the only module that uses networkx, which is the graph users of the Python API
get from :meth:`ValueChain.to_networkx`. The passes that run over every component
(propagation of data classification, reachability, cut-off exposure, dominators for single
points of failure) work on plain adjacency lists: breadth-first searches and Cooper, Harvey
and Kennedy's dominator iteration, linear or close to it and safe on cycles, with no copy of
the graph (a networkx copy of a 100,000-component chain took about 0.6 GB and 2 s).

Edge semantics (inventory format, "Relations"): a component lists the ids it relates to.
Data crosses ``runs_on``, ``calls`` and ``maintained_by`` towards the listed component, and
``trained_on`` from the listed dataset into the model. A cut-off of the listed component
reaches the one that lists it across every relation but ``trained_on``.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sovcheck.model.inventory import Classification, Component, Inventory, Relation

DATA_TO_TARGET = frozenset({Relation.RUNS_ON, Relation.CALLS, Relation.MAINTAINED_BY})
DATA_FROM_TARGET = frozenset({Relation.TRAINED_ON})
CUTOFF_CROSSES = frozenset(set(Relation) - {Relation.TRAINED_ON})

if TYPE_CHECKING:
    import networkx as nx

_LEVELS = sorted(Classification, key=lambda c: c.rank, reverse=True)


@dataclass(frozen=True)
class DataReach:
    """The highest classification that reaches a component, and the path bringing it."""

    classification: Classification
    path: tuple[str, ...]
    origin: str  # "component" (its own or its source's field) or "system" (entrypoint default)


class ValueChain:
    """Components as nodes 0..n-1, typed edges as adjacency lists."""

    def __init__(self, inventory: Inventory) -> None:
        self.components: tuple[Component, ...] = inventory.components
        self.ids: tuple[str, ...] = tuple(c.id for c in self.components)
        self.index: dict[str, int] = {cid: i for i, cid in enumerate(self.ids)}
        n = len(self.ids)
        # deps[i]: (j, relation) for every id that component i lists under a relation
        self.deps: list[list[tuple[int, Relation]]] = [[] for _ in range(n)]
        self.dependents: list[list[tuple[int, Relation]]] = [[] for _ in range(n)]
        referenced = [False] * n
        index = self.index
        relations = [(relation, relation.value) for relation in Relation]
        dependents = self.dependents
        for i, comp in enumerate(self.components):
            values = vars(comp)  # one dict lookup per field instead of an attribute access
            deps = self.deps[i]
            for relation, name in relations:
                for target in values[name]:
                    j = index.get(target)
                    if j is None or j == i:
                        continue  # rejected by the loader; ignored if built by hand
                    deps.append((j, relation))
                    dependents[j].append((i, relation))
                    referenced[j] = True
            for sub in values["substitutes"]:
                k = index.get(sub)
                if k is not None:
                    referenced[k] = True
        if inventory.system.entrypoints is not None:
            self.entrypoints: tuple[int, ...] = tuple(
                index[e] for e in inventory.system.entrypoints
            )
        else:
            self.entrypoints = tuple(i for i in range(n) if not referenced[i])
        self._system_classification = inventory.system.classification
        self._reach: list[int] | None = None
        self._op_reach: list[int] | None = None
        self._data: list[tuple[Classification, list[int], str] | None] | None = None
        self._dominated: dict[int, int] | None = None

    def __len__(self) -> int:
        return len(self.ids)

    # ------------------------------------------------------------------ neighbours

    def targets(self, i: int, relation: Relation) -> list[int]:
        return [j for j, r in self.deps[i] if r is relation]

    def has_host(self, i: int) -> bool:
        """Whether the component lists something it runs on."""
        return any(r is Relation.RUNS_ON for _, r in self.deps[i])

    def sources(self, i: int, relation: Relation) -> list[int]:
        """Components that list ``i`` under ``relation``."""
        return [j for j, r in self.dependents[i] if r is relation]

    # ------------------------------------------------------------------ reachability

    def _bfs_parents(self, starts: Iterable[int], relations: frozenset[Relation]) -> list[int]:
        """Parent pointers of a BFS along dependency edges; -1 unreached, -2 a start."""
        return _bfs(len(self.ids), starts, self.deps, relations)

    def reach_path(self, i: int) -> tuple[str, ...]:
        """The shortest chain of ids from an entrypoint to component ``i`` (any relation)."""
        if self._reach is None:
            self._reach = self._bfs_parents(self.entrypoints, frozenset(Relation))
        return self._walk(self._reach, i)

    def operational_path(self, i: int) -> tuple[str, ...]:
        """From an entrypoint to ``i`` along the edges a cut-off crosses (not ``trained_on``)."""
        if self._op_reach is None:
            self._op_reach = self._bfs_parents(self.entrypoints, CUTOFF_CROSSES)
        return self._walk(self._op_reach, i)

    def _walk(self, parent: list[int], i: int) -> tuple[str, ...]:
        if parent[i] == -1:
            return ()
        path = [i]
        while parent[path[-1]] >= 0:
            path.append(parent[path[-1]])
        return tuple(self.ids[k] for k in reversed(path))

    def is_reachable(self, i: int) -> bool:
        self.reach_path(i)
        assert self._reach is not None
        return self._reach[i] != -1

    # ------------------------------------------------------------------ data

    def data_reach(self, i: int) -> DataReach | None:
        """What the component handles, or None when no classified data reaches it."""
        if self._data is None:
            self._data = self._propagate_classification()
        found = self._data[i]
        if found is None:
            return None
        level, parent, origin = found
        path = [i]
        while parent[path[-1]] >= 0:
            path.append(parent[path[-1]])
        return DataReach(level, tuple(self.ids[k] for k in reversed(path)), origin)

    def data_levels(self) -> list[Classification | None]:
        """The classification reaching each component (``data_reach`` without the paths)."""
        if self._data is None:
            self._data = self._propagate_classification()
        return [None if found is None else found[0] for found in self._data]

    def _data_successors(self, i: int) -> Iterable[int]:
        for j, relation in self.deps[i]:
            if relation in DATA_TO_TARGET:
                yield j
        for j, relation in self.dependents[i]:
            if relation in DATA_FROM_TARGET:
                yield j

    def _propagate_classification(self) -> list[tuple[Classification, list[int], str] | None]:
        """One BFS per level, highest first: each component keeps the highest level that
        reaches it, with a shortest path from where that data comes from."""
        n = len(self.ids)
        result: list[tuple[Classification, list[int], str] | None] = [None] * n
        own: list[Classification | None] = [c.classification for c in self.components]
        origin = ["component"] * n
        if self._system_classification is not None:
            for e in self.entrypoints:
                if own[e] is None:
                    own[e] = self._system_classification
                    origin[e] = "system"
        for level in _LEVELS:
            parent = [-1] * n  # -1: start of a path (or unreached at this level)
            queue: deque[int] = deque()
            for i in range(n):
                if own[i] is level and result[i] is None:
                    result[i] = (level, parent, origin[i])
                    queue.append(i)
            while queue:
                i = queue.popleft()
                origin_i = result[i][2]  # type: ignore[index]
                for j in self._data_successors(i):
                    if result[j] is None:
                        parent[j] = i
                        result[j] = (level, parent, origin_i)
                        queue.append(j)
        return result

    def data_origins(self, starts: Iterable[int]) -> list[int]:
        """For each component, the start whose data reaches it along data edges (the
        nearest one, breadth first), or -1 when none does."""
        n = len(self.ids)
        origin = [-1] * n
        queue: deque[int] = deque()
        for s in starts:
            if origin[s] == -1:
                origin[s] = s
                queue.append(s)
        while queue:
            i = queue.popleft()
            for j in self._data_successors(i):
                if origin[j] == -1:
                    origin[j] = origin[i]
                    queue.append(j)
        return origin

    def reachable(self) -> list[bool]:
        """Whether each component is reachable from an entrypoint (along any relation)."""
        if self._reach is None:
            self._reach = self._bfs_parents(self.entrypoints, frozenset(Relation))
        return [p != -1 for p in self._reach]

    # ------------------------------------------------------------------ cut-off

    def cutoff_exposure(self, sources: Iterable[int]) -> list[int]:
        """For each component, the next hop towards the nearest cut-off source it depends
        on (-2 for a source itself, -1 when it depends on none)."""
        return _bfs(len(self.ids), sources, self.dependents, CUTOFF_CROSSES)

    def cutoff_path(self, nxt: Sequence[int], i: int) -> tuple[str, ...]:
        """From component ``i`` down to the cut-off source it depends on."""
        if nxt[i] == -1:
            return ()
        path = [i]
        while nxt[path[-1]] >= 0:
            path.append(nxt[path[-1]])
        return tuple(self.ids[k] for k in path)

    # ------------------------------------------------------------------ single points of failure

    def dominated_counts(self) -> dict[int, int]:
        """Components that lie on every path from the entrypoints to at least one other
        component, with how many components are reachable only through them."""
        if self._dominated is None:
            self._dominated = self._compute_dominators()
        return self._dominated

    def _compute_dominators(self) -> dict[int, int]:
        idom = self.immediate_dominators()
        root = len(self.ids)
        children: dict[int, list[int]] = {}
        for node, dom in idom.items():
            if node != root:
                children.setdefault(dom, []).append(node)
        # subtree sizes of the dominator tree, leaves first
        order: list[int] = []
        stack = [root]
        while stack:
            node = stack.pop()
            order.append(node)
            stack.extend(children.get(node, ()))
        size: dict[int, int] = {}
        for node in reversed(order):
            size[node] = 1 + sum(size[c] for c in children.get(node, ()))
        entry = set(self.entrypoints)
        return {
            node: size[node] - 1
            for node in order
            if node != root and node not in entry and size[node] > 1
        }

    def immediate_dominators(self) -> dict[int, int]:
        """Immediate dominator of every component reachable from the entrypoints, along the
        edges a cut-off crosses, from a virtual root (numbered ``len(self)``) above the
        entrypoints; the root dominates itself.

        Cooper, Harvey and Kennedy's iterative algorithm ("A Simple, Fast Dominance
        Algorithm", 2001) over the adjacency lists: a few passes in reverse postorder, each
        linear, and no copy of the graph.
        """
        n = len(self.ids)
        root = n
        succ: list[list[int]] = [
            [j for j, relation in edges if relation in CUTOFF_CROSSES] for edges in self.deps
        ]
        succ.append(list(dict.fromkeys(self.entrypoints)))
        # postorder numbers by an iterative depth-first search
        post = [-1] * (n + 1)
        order: list[int] = []
        seen = [False] * (n + 1)
        seen[root] = True
        stack: list[tuple[int, int]] = [(root, 0)]
        while stack:
            node, k = stack[-1]
            if k < len(succ[node]):
                stack[-1] = (node, k + 1)
                nxt = succ[node][k]
                if not seen[nxt]:
                    seen[nxt] = True
                    stack.append((nxt, 0))
            else:
                stack.pop()
                post[node] = len(order)
                order.append(node)
        preds: list[list[int]] = [[] for _ in range(n + 1)]
        for node in order:
            for j in succ[node]:
                preds[j].append(node)
        idom = [-1] * (n + 1)
        idom[root] = root
        rpo = order[::-1]
        changed = True
        while changed:
            changed = False
            for node in rpo:
                if node == root:
                    continue
                new = -1
                for p in preds[node]:
                    if idom[p] == -1:
                        continue
                    if new == -1:
                        new = p
                        continue
                    a, b = p, new
                    while a != b:
                        while post[a] < post[b]:
                            a = idom[a]
                        while post[b] < post[a]:
                            b = idom[b]
                    new = a
                if new != idom[node]:
                    idom[node] = new
                    changed = True
        return {node: idom[node] for node in order}

    # ------------------------------------------------------------------ location

    def effective_locations(self) -> list[tuple[frozenset[str], tuple[str, ...]] | None]:
        """Where each component runs: its own ``location``, else that of what it runs on
        (following ``runs_on``), with the path that decides it. None when unknown."""
        places, via = self.effective_places()
        result: list[tuple[frozenset[str], tuple[str, ...]] | None] = []
        for i, found in enumerate(places):
            if found is None:
                result.append(None)
                continue
            path = [i]
            while via[path[-1]] != -1:
                path.append(via[path[-1]])
            result.append((found, tuple(self.ids[k] for k in path)))
        return result

    def effective_places(self) -> tuple[list[frozenset[str] | None], list[int]]:
        """``effective_locations`` without the paths: the places (None when unknown) and,
        for each component, the host its places come from (-1: its own location).

        A component on one host shares that host's set; a component on a cycle of hosts
        without a location anywhere is unknown."""
        n = len(self.ids)
        runs_on = [[j for j, r in deps if r is Relation.RUNS_ON] for deps in self.deps]
        own: dict[tuple[str, ...], frozenset[str]] = {}
        places: list[frozenset[str] | None] = [None] * n
        via = [-1] * n
        state = [0] * n  # 0 new, 1 in progress, 2 done
        for start in range(n):
            if state[start]:
                continue
            stack = [(start, False)]
            while stack:
                i, expanded = stack.pop()
                if state[i] == 2:
                    continue
                location = self.components[i].location
                if location is not None:
                    found = own.get(location)
                    if found is None:
                        found = own[location] = frozenset(location)
                    places[i] = found
                    state[i] = 2
                    continue
                hosts = runs_on[i]
                if not expanded:
                    state[i] = 1
                    stack.append((i, True))
                    stack.extend((h, False) for h in hosts if state[h] == 0)
                    continue
                state[i] = 2
                if not hosts or any(state[h] != 2 or places[h] is None for h in hosts):
                    continue
                if len(hosts) == 1:
                    places[i] = places[hosts[0]]
                else:
                    places[i] = frozenset().union(*(places[h] or () for h in hosts))
                via[i] = hosts[0]
        return places, via

    # ------------------------------------------------------------------ networkx

    def to_networkx(self) -> nx.MultiDiGraph:
        """The value chain as a networkx multigraph: one node per component (attribute
        ``component``), one edge per relation (key and attribute ``relation``)."""
        import networkx as nx  # only here: an audit does not need it (0.2 s to import)

        g = nx.MultiDiGraph()
        for comp in self.components:
            g.add_node(comp.id, component=comp, kind=comp.kind.value)
        for i, edges in enumerate(self.deps):
            for j, relation in edges:
                g.add_edge(self.ids[i], self.ids[j], key=relation.value, relation=relation.value)
        return g


def postorder(below: Sequence[Sequence[int]]) -> list[int]:
    """Every node once, each after the nodes below it (following ``below``), by an
    iterative depth-first search; on a loop, the node met first comes last."""
    n = len(below)
    order: list[int] = []
    state = [0] * n  # 0 new, 1 on the stack, 2 finished
    for start in range(n):
        if state[start]:
            continue
        stack = [(start, False)]
        while stack:
            i, expanded = stack.pop()
            if state[i] == 2:
                continue
            if not expanded:
                state[i] = 1
                stack.append((i, True))
                stack.extend((j, False) for j in below[i] if state[j] == 0)
                continue
            state[i] = 2
            order.append(i)
    return order


def _bfs(
    n: int,
    starts: Iterable[int],
    edges: Sequence[Sequence[tuple[int, Relation]]],
    relations: frozenset[Relation],
) -> list[int]:
    """For each node, the one it was reached from by a breadth-first search from
    ``starts`` along ``edges`` of the given relations: -2 for a start, -1 unreached."""
    parent = [-1] * n
    queue: deque[int] = deque()
    for s in starts:
        if parent[s] == -1:
            parent[s] = -2
            queue.append(s)
    while queue:
        i = queue.popleft()
        for j, relation in edges[i]:
            if parent[j] == -1 and relation in relations:
                parent[j] = i
                queue.append(j)
    return parent
