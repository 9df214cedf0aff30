"""The offline planner's PlanBuilder: the tasks it writes and their order after linking."""

from __future__ import annotations

from typing import Any

from hugginggpt_tools.planning.arguments import PlanBuilder
from hugginggpt_tools.planning.clauses import read_request
from hugginggpt_tools.planning.intents import Vocabulary


def builder(*tasks: tuple[str, dict[str, str]]) -> PlanBuilder:
    b = PlanBuilder(read_request("a request"), Vocabulary.from_graph(None))
    for name, args in tasks:
        b._append(name, args, strength=float(len(b.tasks)))
    return b


def summary(b: PlanBuilder) -> list[tuple[str, Any, list[int], float]]:
    return [(t["task"], t["args"], t["dep"], s) for t, s in zip(b.tasks, b.strengths)]


def test_append_writes_dep_from_the_references() -> None:
    b = builder(("image-to-text", {"image": "a.png"}), ("image-to-text", {"image": "b.png"}),
                ("sentence-similarity", {"text": "<resource>-1", "text2": "<resource>-0"}))
    assert [t["dep"] for t in b.tasks] == [[-1], [-1], [0, 1]]
    assert [t["id"] for t in b.tasks] == [0, 1, 2]


def test_reorder_puts_each_task_after_those_it_uses_stably_and_renumbers() -> None:
    b = builder(("text-to-speech", {"text": "<resource>-3"}), ("image-classification", {"image": "a.png"}),
                ("summarization", {"text": "<resource>-0"}), ("image-to-text", {"image": "b.png"}))
    b.clauses = ["c0", "c1", "c2", "c3"]  # type: ignore[list-item]  # only carried along
    b._reorder()
    assert summary(b) == [
        ("image-classification", {"image": "a.png"}, [-1], 1.0),
        ("image-to-text", {"image": "b.png"}, [-1], 3.0),
        ("text-to-speech", {"text": "<resource>-1"}, [1], 0.0),
        ("summarization", {"text": "<resource>-2"}, [2], 2.0),
    ]
    assert [t["id"] for t in b.tasks] == [0, 1, 2, 3] and b.clauses == ["c1", "c3", "c0", "c2"]


def test_reorder_keeps_an_ordered_plan_and_leaves_a_cycle_or_a_dangling_reference_alone() -> None:
    ordered = builder(("image-to-text", {"image": "a.png"}), ("text-to-speech", {"text": "<resource>-0"}))
    before = summary(ordered)
    ordered._reorder()
    assert summary(ordered) == before
    cycle = builder(("summarization", {"text": "<resource>-1"}), ("translation", {"text": "<resource>-0"}),
                    ("image-to-text", {"image": "a.png"}))
    before = summary(cycle)
    cycle._reorder()
    assert summary(cycle) == before
    dangling = builder(("summarization", {"text": "<resource>-9"}), ("image-to-text", {"image": "a.png"}))
    before = summary(dangling)
    dangling._reorder()
    assert summary(dangling) == before


def test_a_quoted_reference_with_words_after_it_is_no_crash() -> None:
    from hugginggpt_tools.planning import OfflinePlanner

    # "<resource>-0 and more" once reached int("0 and more"), a ValueError out of plan(); now the
    # builder keeps it as text (not one whole reference) and check_plan refuses the plan: that text
    # uses <resource>-0, the task's own output
    plan = OfflinePlanner(matcher=False).plan('Translate "<resource>-0 and more" into French')
    assert plan.tasks == [] and any("its own output" in n for n in plan.notes)
