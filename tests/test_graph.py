"""Edge semantics: what crosses which relation, cycles, single points of failure."""

from __future__ import annotations

from sovcheck.graph import ValueChain
from sovcheck.model.inventory import Classification, Inventory


def chain(components: list[dict], **system: object) -> ValueChain:
    inv = Inventory.model_validate(
        {"sovcheck": 1, "system": {"name": "t", "home": "FR", **system}, "components": components}
    )
    return ValueChain(inv)


def c(cid: str, kind: str = "application", **fields: object) -> dict:
    return {"id": cid, "kind": kind, "name": cid, **fields}


def test_data_crosses_runs_on_calls_maintained_by_and_trained_on_but_not_uses():
    vc = chain(
        [
            c(
                "app",
                classification="restricted",
                runs_on=["host"],
                calls=["api"],
                uses=["lib"],
                maintained_by=["ops"],
            ),
            c("host", "cloud"),
            c("api", "service"),
            c("lib", "library"),
            c("ops", "team"),
            c("model", "model", trained_on=["data"]),
            c("data", "dataset", classification="secret"),
        ]
    )
    handles = {
        vc.ids[i]: (r.classification if (r := vc.data_reach(i)) else None) for i in range(len(vc))
    }
    assert handles == {
        "app": Classification.RESTRICTED,
        "host": Classification.RESTRICTED,
        "api": Classification.RESTRICTED,
        "lib": None,
        "ops": Classification.RESTRICTED,
        "model": Classification.SECRET,
        "data": Classification.SECRET,
    }
    assert vc.data_reach(vc.index["model"]).path == ("data", "model")  # type: ignore[union-attr]


def test_highest_classification_wins_with_its_own_path():
    vc = chain(
        [
            c("a", classification="internal", runs_on=["host"]),
            c("b", classification="secret", runs_on=["mid"]),
            c("mid", "cloud", runs_on=["host"]),
            c("host", "datacenter"),
        ]
    )
    reach = vc.data_reach(vc.index["host"])
    assert reach is not None
    assert reach.classification is Classification.SECRET
    assert reach.path == ("b", "mid", "host")


def test_entrypoints_default_to_the_system_classification():
    vc = chain([c("app", runs_on=["host"]), c("host", "cloud")], classification="restricted")
    reach = vc.data_reach(vc.index["host"])
    assert reach is not None and reach.origin == "system"


def test_cutoff_crosses_every_relation_but_trained_on():
    vc = chain(
        [
            c("app", calls=["model"]),
            c("model", "model", trained_on=["data"], runs_on=["gpu-host"]),
            c("gpu-host", "cloud", uses=["gpu"]),
            c("gpu", "chip"),
            c("data", "dataset"),
        ]
    )
    nxt = vc.cutoff_exposure([vc.index["gpu"], vc.index["data"]])
    assert vc.cutoff_path(nxt, vc.index["app"]) == ("app", "model", "gpu-host", "gpu")
    # the dataset being cut off does not stop the trained model
    nxt = vc.cutoff_exposure([vc.index["data"]])
    assert vc.cutoff_path(nxt, vc.index["model"]) == ()


def test_cycles_terminate():
    vc = chain(
        [
            c("a", depends_on=["b"], runs_on=["b"]),
            c("b", depends_on=["c"]),
            c("c", runs_on=["a"], classification="secret"),
        ],
        entrypoints=["a"],
    )
    assert vc.data_reach(vc.index["b"]) is not None
    assert vc.operational_path(vc.index["c"]) == ("a", "b", "c")
    nxt = vc.cutoff_exposure([vc.index["c"]])
    assert vc.cutoff_path(nxt, vc.index["a"]) == ("a", "b", "c")
    assert vc.effective_locations()[0] is None


def test_single_points_of_failure_are_dominators():
    vc = chain(
        [
            c("app", runs_on=["cloud"], uses=["lib"]),
            c("cloud", "cloud", runs_on=["dc1", "dc2"]),
            c("dc1", "datacenter", powered_by=["grid"]),
            c("dc2", "datacenter", powered_by=["grid"]),
            c("grid", "energy"),
            c("lib", "library"),
        ]
    )
    dominated = {vc.ids[i]: n for i, n in vc.dominated_counts().items()}
    # every path to the datacentres and the grid goes through the cloud; the grid is a leaf
    assert dominated == {"cloud": 3}


def test_effective_location_follows_runs_on():
    vc = chain(
        [
            c("app", runs_on=["vm"]),
            c("vm", "cloud", runs_on=["dc"]),
            c("dc", "datacenter", location=["DE"]),
        ]
    )
    found = vc.effective_locations()[vc.index["app"]]
    assert found == (frozenset({"DE"}), ("app", "vm", "dc"))
    places, via = vc.effective_places()
    assert places[vc.index["app"]] is places[vc.index["dc"]]  # one set, shared
    assert [vc.ids[h] if h >= 0 else None for h in via] == ["vm", "dc", None]


def test_effective_location_of_several_hosts_is_their_union():
    vc = chain(
        [
            c("app", runs_on=["dc1", "dc2"]),
            c("dc1", "datacenter", location=["DE"]),
            c("dc2", "datacenter", location=["FR"]),
            c("orphan", runs_on=["app", "nowhere"]),
            c("nowhere", "cloud"),
        ]
    )
    found = vc.effective_locations()
    assert found[vc.index["app"]] == (frozenset({"DE", "FR"}), ("app", "dc1"))
    assert found[vc.index["orphan"]] is None  # one of its hosts has no location


def test_to_networkx_keeps_typed_edges():
    vc = chain([c("app", runs_on=["host"], calls=["host"]), c("host", "cloud")])
    g = vc.to_networkx()
    assert sorted(k for _, _, k in g.edges(keys=True)) == ["calls", "runs_on"]


def test_dominators_agree_with_networkx_on_random_graphs():
    import random

    import networkx as nx

    from sovcheck.graph import CUTOFF_CROSSES

    relations = ["runs_on", "calls", "uses", "trained_on", "depends_on"]
    for seed in range(40):
        rng = random.Random(seed)
        n = rng.randint(2, 30)
        comps = []
        for k in range(n):
            fields: dict[str, list[str]] = {}
            for _ in range(rng.randint(0, 3)):
                target = rng.randrange(n)
                if target != k:
                    fields.setdefault(rng.choice(relations), []).append(f"c{target}")
            comps.append(c(f"c{k}", **{r: sorted(set(t)) for r, t in fields.items()}))
        entry = sorted({f"c{rng.randrange(n)}" for _ in range(rng.randint(1, 3))})
        vc = chain(comps, entrypoints=entry)
        g = nx.DiGraph()
        root = len(vc)
        g.add_node(root)
        g.add_edges_from((root, e) for e in vc.entrypoints)
        g.add_edges_from(
            (i, j) for i, edges in enumerate(vc.deps) for j, r in edges if r in CUTOFF_CROSSES
        )
        expected = {k: v for k, v in nx.immediate_dominators(g, root).items() if k != root}
        ours = {k: v for k, v in vc.immediate_dominators().items() if k != root}
        assert ours == expected, seed
