"""Sample tool subgraphs from TaskBench's Hugging Face tool graph, the way TaskBench builds its data.

    .venv/bin/python benchmarks/synth/sample_graphs.py --n 640 --seed 7 --prefix synth --out benchmarks/synth/specs-a.jsonl

Each line is ``{"id", "type": single|chain|dag, "n_tools", "nodes": [tool...], "links": [[i, j], ...]}``
(node ``j`` takes node ``i``'s output). Requests are then written for these specs by language-model helpers (see
``benchmarks/synth/README.md``; sets A, B and C are seeds 7, 11 and 23 with prefixes synth,
synthb and synthc; set D is seed 31 with ``--long`` and prefix synthd), so the planner has labelled data that never comes from TaskBench.
"""

from __future__ import annotations

import argparse
import json
import random
from pathlib import Path

GRAPH = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "taskbench_hf" / "graph_desc.json"
SIZES = {2: 20, 3: 30, 4: 30, 5: 10, 6: 6, 7: 2, 8: 2}
LONG_SIZES = {2: 10, 3: 25, 4: 40, 5: 13, 6: 8, 7: 2, 8: 2}
"""Tool counts of multi-tool graphs (weights): the default mix, and ``--long``'s."""


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=600)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--graph", default=str(GRAPH))
    parser.add_argument("--long", action="store_true", help="more and longer multi-tool graphs (set D)")
    parser.add_argument("--prefix", default="synth", help="ids are PREFIX-0000, PREFIX-0001, ...")
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    graph = json.loads(Path(args.graph).read_text())
    names = [n["id"] for n in graph["nodes"]]
    succ: dict[str, list[str]] = {n: [] for n in names}
    for link in graph["links"]:
        succ[link["source"]].append(link["target"])
    specs = []
    while len(specs) < args.n:
        kind = rng.choices(["single", "chain", "dag"], [30, 55, 15] if args.long else [40, 50, 10])[0]
        if kind == "single":
            nodes, links = [rng.choice(names)], []
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


if __name__ == "__main__":
    main()
