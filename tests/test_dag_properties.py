"""Property-based tests of the DAG functions and the task-list parser (hypothesis).

Beyond the ordering and cycle properties in ``test_dag.py``: arbitrary input ends in a valid plan
or a PlanError (never another exception), what comes out is valid and stable under re-checking,
and neither renumbering the ids nor leaving out ``dep`` changes the graph.
"""

from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hugginggpt_tools.dag import check_plan, dependants, parse_reference, topological_order
from hugginggpt_tools.errors import PlanError, PlanParseError
from hugginggpt_tools.planning.parsing import extract_task_list
from hugginggpt_tools.schemas import Plan, Ref, TextTemplate
from hugginggpt_tools.tasks import TASK_TYPES

NAMES = [*TASK_TYPES, "Image Editing", "OCR", "image_to_text", "bogus-task", "", "Summarization"]
json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-3, 70) | st.floats(allow_nan=True) | st.text(max_size=12),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3),
    max_leaves=12,
)
references = st.builds(lambda k, form: form.format(k), st.integers(-1, 8),
                       st.sampled_from(["<resource>-{}", "<GENERATED>-{}", "<resource-{}>", "<node-{}>", "<task_{}>",
                                        "see <resource>-{} here", "<resource {}>", "{}"]))
arg_values = st.one_of(references, st.sampled_from(["a.png", "b.wav", "c.mp4", "t.csv", "hello", "", "/etc/x.png"]),
                       json_values)
tasks = st.fixed_dictionaries(
    {"task": st.one_of(st.sampled_from(NAMES), json_values)},
    optional={"id": st.one_of(st.integers(-2, 9), st.sampled_from(["0", "1", "x", 1.0, 2.5, True]), json_values),
              "dep": st.one_of(st.lists(st.integers(-2, 9), max_size=3), st.sampled_from(["[-1]", "0,1", -1]),
                               json_values),
              "args": st.one_of(st.dictionaries(st.sampled_from(["text", "image", "audio", "context", "text2",
                                                                 "target_language", "img", "extra"]),
                                                arg_values, max_size=3),
                                st.lists(arg_values, max_size=3), json_values)},
)
plans = st.one_of(st.lists(tasks, max_size=6), st.dictionaries(st.sampled_from(["tasks", "plan", "x"]),
                                                               st.lists(tasks, max_size=4), max_size=1),
                  tasks, json_values)


def assert_valid(plan: Plan) -> None:
    ids = [t.id for t in plan.tasks]
    assert len(ids) == len(set(ids)) and all(t.task in TASK_TYPES for t in plan.tasks)
    seen: set[int] = set()
    for t in plan.tasks:
        assert set(t.references()) <= seen and t.dep == (t.references() or [-1])
        seen.add(t.id)
    assert topological_order(plan.tasks) == ids


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(plans, st.lists(st.sampled_from(["a.png", "b.png", "c.wav"]), max_size=2), st.booleans())
def test_any_input_ends_in_a_valid_plan_or_a_plan_error(raw, files, repair):
    try:
        plan = check_plan(raw, files=files, repair=repair)
    except PlanError as exc:
        assert exc.problems and str(exc)
        return
    assert_valid(plan)
    again = check_plan(plan, files=files, repair=repair)  # a checked plan passes again, unchanged
    assert again.tasks == plan.tasks
    assert check_plan(plan.tasks, files=files, repair=False).tasks == plan.tasks


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(max_size=200), st.builds(json.dumps, plans)),
       st.sampled_from(["{}", "Sure! {}", "```json\n{}\n```", "{} Done.", "<think>{}</think>", "[{}"]))
def test_any_text_parses_or_raises_a_parse_error(text, frame):
    try:
        found = extract_task_list(frame.format(text))
    except PlanParseError as exc:
        assert "Answer with" in str(exc)
        return
    assert isinstance(found, list) and all(isinstance(t, dict) and "task" in t for t in found)


@st.composite
def dags(draw: st.DrawFn) -> list[dict]:
    """A valid plan in HuggingGPT's format: ids 0..n-1, each task using some earlier ones."""
    n = draw(st.integers(1, 8))
    out = []
    for i in range(n):
        uses = sorted(draw(st.sets(st.integers(0, i - 1), max_size=3))) if i else []
        text = " ".join(f"<resource>-{u}" for u in uses) or f"text {i}"
        out.append({"task": "summarization", "id": i, "dep": uses or [-1], "args": {"text": text}})
    return out


def edges(plan: Plan) -> set[tuple[int, int]]:
    return {(r, t.id) for t in plan.tasks for r in t.references()}


@settings(max_examples=150, deadline=None)
@given(dags(), st.randoms(use_true_random=False))
def test_renumbering_ids_keeps_the_graph(raw, rnd):
    new_ids = rnd.sample(range(100, 200), len(raw))
    mapping = dict(enumerate(new_ids))
    renamed = [{**t, "id": mapping[t["id"]], "dep": [mapping.get(d, -1) for d in t["dep"]],
                "args": {"text": _remap(t["args"]["text"], mapping)}} for t in raw]
    plan, other = check_plan(raw), check_plan(renamed)
    assert {(mapping[a], mapping[b]) for a, b in edges(plan)} == edges(other)
    assert [mapping[t.id] for t in plan.tasks] == [t.id for t in other.tasks]


def _remap(text: str, mapping: dict[int, int]) -> str:
    for old in sorted(mapping, reverse=True):
        text = text.replace(f"<resource>-{old}", f"<resource>-#{mapping[old]}")
    return text.replace("<resource>-#", "<resource>-")


@settings(max_examples=150, deadline=None)
@given(dags())
def test_dep_can_be_left_out_or_written_loosely(raw):
    plan = check_plan(raw)
    without = check_plan([{k: v for k, v in t.items() if k != "dep"} for t in raw])
    loose = check_plan([{**t, "dep": ",".join(map(str, t["dep"]))} for t in raw])
    assert without.tasks == plan.tasks == loose.tasks


@settings(max_examples=150, deadline=None)
@given(dags(), st.integers(0, 7))
def test_dependants_never_include_ancestors(raw, pick):
    plan = check_plan(raw)
    start = plan.tasks[pick % len(plan.tasks)].id
    after = dependants(plan, start)
    ancestors, frontier = set(), {start}
    while frontier:
        frontier = {r for t in plan.tasks if t.id in frontier for r in t.references()} - ancestors
        ancestors |= frontier
    assert not after & ancestors and start not in after
    order = [t.id for t in plan.tasks]
    assert all(order.index(d) > order.index(start) for d in after)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(st.integers(0, 99).map(lambda k: Ref(task_id=k)),
                          st.text(alphabet=st.characters(blacklist_characters="<>"), min_size=1, max_size=10)),
                min_size=1, max_size=5))
def test_references_round_trip_through_text(parts):
    merged: list = []
    for p in parts:  # adjacent strings are one string once written out
        if merged and isinstance(p, str) and isinstance(merged[-1], str):
            merged[-1] += p
        else:
            merged.append(p)
    text = str(TextTemplate(parts=merged))
    parsed = parse_reference(text)
    refs = [p for p in merged if isinstance(p, Ref)]
    if len(refs) == 1 and all(isinstance(p, Ref) or not p.strip() for p in merged):
        assert parsed == refs[0]  # one reference with only blanks around it
    elif all(isinstance(p, str) for p in merged):
        assert parsed == text
    else:
        assert isinstance(parsed, TextTemplate) and str(parsed) == text
        assert [r.task_id for r in parsed.refs()] == [p.task_id for p in merged if isinstance(p, Ref)]
