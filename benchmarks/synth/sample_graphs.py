"""Sample tool subgraphs from TaskBench's Hugging Face tool graph, the way TaskBench builds its data.

    .venv/bin/python benchmarks/synth/sample_graphs.py --n 640 --seed 7 --prefix synth --out benchmarks/synth/specs-a.jsonl

Each line is ``{"id", "type": single|chain|dag, "n_tools", "nodes": [tool...], "links": [[i, j], ...]}``
(node ``j`` takes node ``i``'s output). Requests are then written for these specs by language-model helpers (see
``benchmarks/synth/README.md``; sets A, B and C are seeds 7, 11 and 23 with prefixes synth,
synthb and synthc; set D is seed 31 with ``--long`` and prefix synthd), so the planner has labelled data that never comes from TaskBench.

``--taskbench`` samples the way TaskBench's own sampler does (sets F and G, seeds 53 and 67): a chain grows
at either end by a random predecessor of its head or successor of its tail; a DAG grows from a random
member by a successor or by a predecessor whose output type fills one of its still-open inputs, and takes
a random unconnected tool when the member has no neighbour. Tool counts follow TaskBench's weights
(mostly 3 to 5, up to 10) and the mix follows its published Hugging Face statistics (about 40% single
tools, 48% chains, 12% DAGs).

``--text-tools`` adds the package's two text tasks that TaskBench's graph lacks (``text_tools.json``:
text classification and text-to-text generation, linked by type to every text tool) and grows every
graph from one of them (set H, seed 79, with ``--taskbench``).
"""

from __future__ import annotations

import argparse
import json
import random
from pathlib import Path

GRAPH = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "taskbench_hf" / "graph_desc.json"
TEXT_TOOLS = Path(__file__).resolve().with_name("text_tools.json")
SIZES = {2: 20, 3: 30, 4: 30, 5: 10, 6: 6, 7: 2, 8: 2}
LONG_SIZES = {2: 10, 3: 25, 4: 40, 5: 13, 6: 8, 7: 2, 8: 2}
TASKBENCH_SIZES = {2: 10, 3: 20, 4: 30, 5: 20, 6: 10, 7: 5, 8: 2.5, 9: 2.5, 10: 2.5}
"""Tool counts of multi-tool graphs (weights): the default mix, ``--long``'s and ``--taskbench``'s."""


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=600)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--graph", default=str(GRAPH))
    parser.add_argument("--long", action="store_true", help="more and longer multi-tool graphs (set D)")
    parser.add_argument("--taskbench", action="store_true",
                        help="TaskBench's own sampling: two-ended chains, type-aware DAGs (sets F and G)")
    parser.add_argument("--text-tools", action="store_true",
                        help="add text classification and text-to-text generation and start every graph at one (set H)")
    parser.add_argument("--prefix", default="synth", help="ids are PREFIX-0000, PREFIX-0001, ...")
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    if args.text_tools and not args.taskbench:
        parser.error("--text-tools needs --taskbench: only TaskBench's sampler starts graphs at a given tool")
    rng = random.Random(args.seed)
    graph = json.loads(Path(args.graph).read_text())
    starts = None
    if args.text_tools:
        graph, starts = _with_text_tools(graph)
    names = [n["id"] for n in graph["nodes"]]
    succ: dict[str, list[str]] = {n: [] for n in names}
    for link in graph["links"]:
        succ[link["source"]].append(link["target"])
    specs = []
    while len(specs) < args.n:
        mix = [40, 48, 12] if args.taskbench else [30, 55, 15] if args.long else [40, 50, 10]
        kind = rng.choices(["single", "chain", "dag"], mix)[0]
        if kind == "single":
            nodes, links = [rng.choice(starts or names)], []
        elif args.taskbench:
            size = rng.choices(list(TASKBENCH_SIZES), list(TASKBENCH_SIZES.values()))[0]
            grow = _grow_chain if kind == "chain" else _grow_dag
            start = rng.choice(starts or names)
            nodes, links = _in_data_order(*grow(rng, graph, size if kind == "chain" else max(size, 3), start))
            if len(nodes) < 2:
                continue
        else:
            sizes = LONG_SIZES if args.long else SIZES
            size = rng.choices(list(sizes), list(sizes.values()))[0]
            sampled = _chain(rng, names, succ, size) if kind == "chain" else _dag(rng, names, succ, max(size, 3))
            if sampled is None:
                continue
            nodes, links = sampled
        specs.append({"id": f"{args.prefix}-{len(specs):04d}", "type": kind, "n_tools": len(nodes), "nodes": nodes,
                      "links": links})
    Path(args.out).write_text("".join(json.dumps(s) + "\n" for s in specs))


def _chain(rng, names, succ, size):
    for _ in range(50):
        nodes = [rng.choice(names)]
        while len(nodes) < size:
            options = [t for t in succ[nodes[-1]] if t not in nodes]
            if not options:
                break
            nodes.append(rng.choice(options))
        if len(nodes) == size:
            return nodes, [[i, i + 1] for i in range(size - 1)]
    return None


def _dag(rng, names, succ, size):
    for _ in range(50):
        nodes, links = [rng.choice(names)], []
        while len(nodes) < size:
            i = rng.randrange(len(nodes))
            options = [t for t in succ[nodes[i]] if t not in nodes]
            if not options:
                break
            nodes.append(rng.choice(options))
            links.append([i, len(nodes) - 1])
            # sometimes a second input for the new node from another earlier node
            j = rng.randrange(len(nodes) - 1)
            if j != i and nodes[-1] in succ[nodes[j]] and rng.random() < 0.3:
                links.append([j, len(nodes) - 1])
        fan = any(sum(1 for a, _ in links if a == k) > 1 for k in range(len(nodes)))
        join = any(sum(1 for _, b in links if b == k) > 1 for k in range(len(nodes)))
        if len(nodes) == size and (fan or join):
            return nodes, sorted(links, key=lambda link: link[1])
    return None


def _with_text_tools(graph):
    """``graph`` with the tools of ``text_tools.json`` linked by type to every tool, and their names."""
    extra = json.loads(TEXT_TOOLS.read_text())["nodes"]
    links = list(graph["links"])
    for tool in extra:
        for other in graph["nodes"] + [t for t in extra if t is not tool]:
            if "text" in other["output-type"]:
                links.append({"source": other["id"], "target": tool["id"], "type": "text"})
            if "text" in other["input-type"] and other["id"] not in [t["id"] for t in extra]:
                links.append({"source": tool["id"], "target": other["id"], "type": "text"})
    return {"nodes": graph["nodes"] + extra, "links": links}, [t["id"] for t in extra]


def _grow_chain(rng, graph, size, start):
    """A chain grown at both ends from ``start``, as TaskBench's sampler grows it (it may stop short)."""
    names, edges = [n["id"] for n in graph["nodes"]], graph["links"]
    pred = {n: [e["source"] for e in edges if e["target"] == n] for n in names}
    succ = {n: [e["target"] for e in edges if e["source"] == n] for n in names}
    nodes, links = [start], []
    for _ in range(20 * size):
        if len(nodes) >= size:
            break
        before, after = pred[nodes[0]], succ[nodes[-1]]
        if not before + after:
            break
        pick = rng.choice(before + after)
        if pick in nodes:
            continue
        if pick in before:
            links.append((pick, nodes[0]))
            nodes.insert(0, pick)
        else:
            links.append((nodes[-1], pick))
            nodes.append(pick)
    return nodes, links


def _grow_dag(rng, graph, size, start):
    """A DAG grown from random members, as TaskBench's sampler grows one: a member takes a successor, or a
    predecessor whose output type fills one of its inputs not yet fed; a member without either brings in
    a random new tool (unconnected)."""
    names, edges = [n["id"] for n in graph["nodes"]], graph["links"]
    inputs = {n["id"]: list(n["input-type"]) for n in graph["nodes"]}
    nodes, links = [start], []
    for _ in range(50 * size):
        if len(nodes) >= size:
            break
        node = rng.choice(nodes)
        open_types = list(inputs.get(node, []))
        for source, target in links:
            for e in edges:
                if e["source"] == source and e["target"] == node == target and e["type"] in open_types:
                    open_types.remove(e["type"])
        before = [e["source"] for e in edges if e["target"] == node and e["type"] in open_types]
        after = [e["target"] for e in edges if e["source"] == node]
        if before + after:
            pick = rng.choice(before + after)
            if pick not in nodes:
                links.append((pick, node) if pick in before else (node, pick))
                nodes.append(pick)
        else:
            pick = rng.choice(names)
            if pick not in nodes:
                nodes.append(pick)
    return nodes, links


def _in_data_order(nodes, links):
    """Nodes in an order where every link goes forward, links as index pairs."""
    ordered, left = [], list(nodes)
    while left:
        ready = next(n for n in left if all(s in ordered for s, t in links if t == n))
        ordered.append(ready)
        left.remove(ready)
    index = {n: k for k, n in enumerate(ordered)}
    return ordered, sorted(([index[s], index[t]] for s, t in links), key=lambda link: (link[1], link[0]))


if __name__ == "__main__":
    main()
