"""The DAG check: references, ordering, repairs and rejections of planner output."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hugginggpt_tools.dag import (
    check_plan,
    dependants,
    descendants,
    literal_modality,
    parse_reference,
    reference_id,
    topological_order,
    toposort,
)
from hugginggpt_tools.errors import (
    CycleError,
    DanglingReferenceError,
    DuplicateTaskIdError,
    ModalityError,
    PlanError,
    UnknownTaskError,
)
from hugginggpt_tools.schemas import Plan, Ref, Task, TextTemplate
from hugginggpt_tools.tasks import TASK_TYPES


def hg(task: str, id: object, dep: object = (-1,), **args: object) -> dict:
    """One task in HuggingGPT's format."""
    return {"task": task, "id": id, "dep": list(dep) if isinstance(dep, tuple) else dep, "args": args}


def rejected(raw: object, kind: type[PlanError], **kwargs: object) -> list[str]:
    """The problems of a plan that must raise exactly ``kind``."""
    with pytest.raises(PlanError) as info:
        check_plan(raw, **kwargs)
    assert type(info.value) is kind, info.value.problems
    assert info.value.problems and all(p in str(info.value) for p in info.value.problems)
    return info.value.problems


def both_ways(raw: object, kind: type[PlanError], **kwargs: object) -> tuple[Plan, list[str]]:
    """A plan that is repaired with repair=True and rejected with ``kind`` with repair=False."""
    plan = check_plan(raw, **kwargs)
    assert plan.notes, "a repair must be noted"
    return plan, rejected(raw, kind, repair=False, **kwargs)


CAPTION_TO_SPEECH = [
    hg("image-to-text", 0, image="photo.jpg"),
    hg("text-to-speech", 1, [0], text="<resource>-0"),
]


# --- parse_reference ---------------------------------------------------------------------------

@pytest.mark.parametrize("spelling", [
    "<resource>-3", "<GENERATED>-3", "<resource-3>", "<GENERATED-3>", "<node-3>", "<output-3>", "<task-3>",
    "<Resource>-3", "<generated>-3", "<NODE-3>", "< resource > - 3", "<resource - 3>", "<resource>_3",
    "  <node-3>  ", "<GENERATED>-03",
])
def test_every_reference_spelling_parses_to_a_ref(spelling):
    assert parse_reference(spelling) == Ref(task_id=3)


def test_multi_digit_reference():
    assert parse_reference("<resource>-12") == Ref(task_id=12)


@pytest.mark.parametrize("text", [
    "hello", "", "<resource>", "<GENERATED>", "<node-x>", "resource-1", "a <b> c", "x < 3 and y > 2",
    "example.jpg", "<output-Translation>",
])
def test_strings_without_a_reference_are_unchanged(text):
    assert parse_reference(text) == text


def test_embedded_references_make_a_text_template():
    value = parse_reference("Translate <resource>-0 into French, then <GENERATED-2>!")
    assert value == TextTemplate(parts=["Translate ", Ref(task_id=0), " into French, then ", Ref(task_id=2), "!"])
    assert str(value) == "Translate <resource>-0 into French, then <resource>-2!"


def test_template_of_two_adjacent_references():
    value = parse_reference("<node-0> and <node-1>")
    assert isinstance(value, TextTemplate)
    assert value.parts == [Ref(task_id=0), " and ", Ref(task_id=1)]


def test_reference_id_reads_only_a_whole_reference():
    assert [reference_id(v) for v in ("<resource>-3", " <node-12> ", "<GENERATED>_0")] == [3, 12, 0]
    for text in ("a.png", "see <resource>-3", "<resource>-3 and <resource>-4", "<resource>-x", "<resource>-", ""):
        assert reference_id(text) is None


# --- literal_modality --------------------------------------------------------------------------

@pytest.mark.parametrize("value,modality", [
    ("a.jpg", "image"), ("dir/B.PNG", "image"), ("/tmp/x/photo.jpeg", "image"),
    ("https://example.org/cat.jpeg?size=2", "image"), ("http://example.org/a.wav", "audio"),
    ("clip.wav", "audio"), ("song.mp3", "audio"), ("movie.mp4", "video"), ("data.csv", "table"),
    ("notes.txt", "text"), ("my photo.jpg", "text"), ("A photo of a cat.", "text"),
    ("Describe the image a.png", "text"), ("https://example.com/page", "text"), ("", "text"),
    ("hello", "text"), ("report.pdf", "text"),
])
def test_literal_modality(value, modality):
    assert literal_modality(value) == modality


# --- topological_order and dependants ----------------------------------------------------------

def task(id: int, dep: list[int] | None = None, text: str = "x") -> Task:
    return Task(id=id, task="summarization", dep=dep or [-1], args={"text": parse_reference(text)})


def test_valid_order_is_kept():
    tasks = [task(0), task(1, [0], "<resource>-0"), task(2), task(3, [1, 2], "<resource>-1 <resource>-2")]
    assert topological_order(tasks) == [0, 1, 2, 3]


def test_order_is_stable_taking_the_earliest_ready_task():
    tasks = [task(5, [7], "<resource>-7"), task(6), task(7), task(8)]
    assert topological_order(tasks) == [6, 7, 5, 8]


def test_order_counts_references_missing_from_dep():
    tasks = [task(0, [-1], "<resource>-1"), task(1)]
    assert topological_order(tasks) == [1, 0]


def test_order_rejects_cycles_naming_the_ids():
    with pytest.raises(CycleError) as info:
        topological_order([task(0), task(1, [2]), task(2, [1])])
    assert "1 -> 2 -> 1" in str(info.value) or "2 -> 1 -> 2" in str(info.value)


def test_order_rejects_self_dependency():
    with pytest.raises(CycleError, match="4 -> 4"):
        topological_order([task(4, [4])])


def test_order_rejects_dangling_and_duplicate_ids():
    with pytest.raises(DanglingReferenceError, match="task 9"):
        topological_order([task(0, [9])])
    with pytest.raises(DuplicateTaskIdError):
        topological_order([task(0), task(0)])


def test_dependants_are_transitive():
    plan = check_plan([
        hg("text-to-image", 0, text="a cat"),
        hg("image-to-text", 1, [0], image="<resource>-0"),
        hg("text-to-speech", 2, [1], text="<resource>-1"),
        hg("text-to-image", 3, text="a dog"),
        hg("sentence-similarity", 4, [1, 3], text="<resource>-1", text2="a dog"),
    ])
    assert dependants(plan, 0) == {1, 2, 4}
    assert dependants(plan, 1) == {2, 4}
    assert dependants(plan, 2) == set()
    assert dependants(plan, 3) == set()
    with pytest.raises(KeyError):
        dependants(plan, 42)


# --- valid plans, empty plans, garbage ---------------------------------------------------------

def test_valid_plan_passes_unchanged_in_both_modes():
    for repair in (True, False):
        plan = check_plan(CAPTION_TO_SPEECH, repair=repair, planner="test", confidence=0.5)
        assert plan.notes == []
        assert plan.planner == "test" and plan.confidence == 0.5
        assert [t.task for t in plan.tasks] == ["image-to-text", "text-to-speech"]
        assert plan.tasks[1].args == {"text": Ref(task_id=0)} and plan.tasks[1].dep == [0]
        assert plan.tasks[0].dep == [-1]


def test_checking_a_plan_again_changes_nothing():
    plan = check_plan([hg("Image Editing", 0, image="a.jpg", text="blue"),
                       hg("image-to-text", 1, image="<GENERATED>-0")], planner="llm", confidence=0.9)
    again = check_plan(plan)
    assert again.tasks == plan.tasks and again.notes == plan.notes
    assert again.planner == "llm" and again.confidence == 0.9
    assert check_plan(plan.tasks, repair=False).tasks == plan.tasks


@pytest.mark.parametrize("raw", [[], (), {"tasks": []}, {"task_nodes": []}, {"plan": []}])
def test_empty_plan_is_valid(raw):
    for repair in (True, False):
        assert check_plan(raw, repair=repair).tasks == []


@pytest.mark.parametrize("raw", [None, "[]", "image-to-text", 3, 4.5, {"foo": 1}, object()])
def test_non_list_garbage_is_rejected(raw):
    problems = rejected(raw, PlanError)
    assert "Expected a list of tasks" in problems[0] and "fix" in problems[0]


def test_garbage_items_are_each_reported():
    problems = rejected([1, "x", {"id": 0}, hg("image-to-text", 3, image="a.jpg")], PlanError)
    assert [p.split(" of the plan")[0] for p in problems] == ["item 0", "item 1", "item 2"]


def test_wrapped_lists_are_accepted():
    for key in ("tasks", "task_nodes", "plan"):
        assert len(check_plan({key: CAPTION_TO_SPEECH}).tasks) == 2
    assert len(check_plan({"plan": {"tasks": CAPTION_TO_SPEECH}}).tasks) == 2


def test_single_task_object_is_wrapped_or_rejected():
    plan, _ = both_ways(hg("image-to-text", 0, image="a.jpg"), PlanError)
    assert plan.tasks[0].task == "image-to-text" and "single task" in plan.notes[0]


def test_too_many_tasks():
    many = [hg("summarization", i, text="x") for i in range(65)]
    assert "more than the limit of 64" in rejected(many, PlanError)[0]
    assert len(check_plan(many, max_tasks=65).tasks) == 65
    rejected(many[:3], PlanError, max_tasks=2)


# --- task types --------------------------------------------------------------------------------

@pytest.mark.parametrize("name,canonical", [
    ("Image Editing", "image-to-image"), ("Text-to-Speech", "text-to-speech"), ("image_to_text", "image-to-text"),
    ("Speech Recognition", "automatic-speech-recognition"), ("OCR", "image-to-text"),
])
def test_task_type_aliases(name, canonical):
    args = {s.name: ("a.jpg" if "image" in s.modalities else "a.wav" if "audio" in s.modalities else "hi")
            for s in TASK_TYPES[canonical].args}
    plan, problems = both_ways([{"task": name, "id": 0, "dep": [-1], "args": args}], UnknownTaskError)
    assert plan.tasks[0].task == canonical
    assert repr(name) in plan.notes[0] and canonical in plan.notes[0]
    assert f'"task": "{canonical}"' in problems[0]


def test_truly_unknown_task_type_lists_the_valid_ones():
    for repair in (True, False):
        problems = rejected([hg("Teleportation", 0, text="me")], UnknownTaskError, repair=repair)
        assert "'Teleportation'" in problems[0] and "task 0" in problems[0]
        assert all(name in problems[0] for name in TASK_TYPES)


def test_unknown_task_type_suggests_a_close_name():
    problems = rejected([hg("image-to-txt", 0, image="a.jpg")], UnknownTaskError)
    assert "did you mean 'image-to-text'" in problems[0]


# --- ids ---------------------------------------------------------------------------------------

def test_missing_ids_become_list_positions():
    raw = [{"task": "image-to-text", "dep": [-1], "args": {"image": "a.jpg"}},
           {"task": "text-to-speech", "dep": [0], "args": {"text": "<resource>-0"}}]
    plan, problems = both_ways(raw, PlanError)
    assert [t.id for t in plan.tasks] == [0, 1] and plan.tasks[1].dep == [0]
    assert len(problems) == 2 and '"id": 1' in problems[1]


def test_string_ids_become_ints():
    raw = [hg("image-to-text", "0", image="a.jpg"), hg("text-to-speech", " 1", ["0"], text="<resource>-0")]
    plan, problems = both_ways(raw, PlanError)
    assert [t.id for t in plan.tasks] == [0, 1] and plan.tasks[1].dep == [0]
    assert "'0'" in problems[0] and "integer 0" in problems[0]


@pytest.mark.parametrize("bad", ["first", -2, True, [0]])
def test_unusable_ids_are_rejected(bad):
    for repair in (True, False):
        problems = rejected([hg("image-to-text", bad, image="a.jpg")], PlanError, repair=repair)
        assert repr(bad) in problems[0]


def test_duplicate_ids_renumbered_when_nothing_references_them():
    raw = [hg("image-to-text", 0, image="a.jpg"), hg("image-to-text", 1, image="b.jpg"),
           hg("image-to-text", 1, image="c.jpg"), hg("text-to-speech", 2, [0], text="<resource>-0")]
    plan, problems = both_ways(raw, DuplicateTaskIdError)
    assert [t.id for t in plan.tasks] == [0, 1, 3, 2]
    assert plan.task(3).args["image"] == "c.jpg" and "renumbered" in plan.notes[0]
    assert "share id 1" in problems[0]


def test_duplicate_ids_that_are_referenced_are_rejected():
    raw = [hg("image-to-text", 0, image="a.jpg"), hg("image-to-text", 0, image="b.jpg"),
           hg("text-to-speech", 1, [0], text="<resource>-0")]
    for repair in (True, False):
        problems = rejected(raw, DuplicateTaskIdError, repair=repair)
        assert "ambiguous" in problems[0] and "positions 0 ('image-to-text'), 1" in problems[0]


# --- references --------------------------------------------------------------------------------

@pytest.mark.parametrize("spelling", ["<resource>-0", "<GENERATED>-0", "<resource-0>", "<GENERATED-0>", "<node-0>"])
def test_reference_spellings_in_a_plan(spelling):
    plan = check_plan([hg("image-to-text", 0, image="a.jpg"), hg("text-to-speech", 1, [0], text=spelling)])
    assert plan.tasks[1].args["text"] == Ref(task_id=0)
    assert plan.tasks[1].to_hugginggpt()["args"] == {"text": "<resource>-0"}


def test_embedded_reference_in_a_plan():
    plan = check_plan([hg("image-to-text", 0, image="a.jpg"),
                       hg("translation", 1, [0], text="Caption: <GENERATED>-0", target_language="French")])
    assert plan.tasks[1].args["text"] == TextTemplate(parts=["Caption: ", Ref(task_id=0)])
    assert plan.tasks[1].args["target_language"] == "French" and plan.tasks[1].dep == [0]


def test_dangling_reference_is_rejected_in_both_modes():
    raw = [hg("image-to-text", 0, image="a.jpg"), hg("text-to-speech", 1, [0], text="<resource>-5")]
    for repair in (True, False):
        problems = rejected(raw, DanglingReferenceError, repair=repair)
        assert "task 1 (text-to-speech)" in problems[0] and "<resource>-5" in problems[0]
        assert "ids: 0, 1" in problems[0]


def test_malformed_reference_is_rejected():
    problems = rejected([hg("image-to-text", 0, image="a.jpg"),
                         hg("translation", 1, [0], text="<output-Translation>")], DanglingReferenceError)
    assert "'<output-Translation>'" in problems[0] and "<resource>-K" in problems[0]


def test_reference_to_a_later_task_is_reordered():
    raw = [hg("text-to-speech", 0, [1], text="<resource>-1"), hg("image-to-text", 1, image="a.jpg")]
    plan, problems = both_ways(raw, DanglingReferenceError)
    assert [t.id for t in plan.tasks] == [1, 0] and "reordered" in plan.notes[0]
    assert "comes later" in problems[0] and "move task 1 before task 0" in problems[0]


def test_self_reference_is_a_cycle():
    for repair in (True, False):
        problems = rejected([hg("summarization", 0, [0], text="<resource>-0")], CycleError, repair=repair)
        assert "its own output" in problems[0]


def test_cycle_names_the_tasks():
    raw = [hg("summarization", 0, [2], text="<resource>-2"), hg("summarization", 1, [0], text="<resource>-0"),
           hg("summarization", 2, [1], text="<resource>-1"), hg("summarization", 3, text="ok")]
    for repair in (True, False):
        problems = rejected(raw, CycleError, repair=repair)
        assert len(problems) == 1 and "form a cycle" in problems[0]
        assert all(f"task {i} (summarization)" in problems[0] for i in (0, 1, 2))
        assert "task 3" not in problems[0]


def test_two_separate_cycles_are_both_reported():
    raw = [hg("summarization", 0, [1], text="<resource>-1"), hg("summarization", 1, [0], text="<resource>-0"),
           hg("summarization", 2, [3], text="<resource>-3"), hg("summarization", 3, [2], text="<resource>-2")]
    assert len(rejected(raw, CycleError)) == 2


# --- dep reconciliation ------------------------------------------------------------------------

def test_referenced_ids_missing_from_dep_are_added():
    raw = [hg("image-to-text", 0, image="a.jpg"), hg("text-to-speech", 1, [-1], text="<resource>-0")]
    plan, problems = both_ways(raw, PlanError)
    assert plan.tasks[1].dep == [0] and "added 0 to dep" in plan.notes[0]
    assert "add 0 to dep" in problems[0]


def test_dep_is_derived_silently_when_absent():
    plan = check_plan([hg("image-to-text", 0, image="a.jpg"), {"task": "text-to-speech", "id": 1,
                                                               "args": {"text": "<resource>-0"}}], repair=False)
    assert plan.tasks[1].dep == [0] and plan.notes == []


def test_unreferenced_dep_fills_a_missing_argument():
    raw = [hg("image-to-text", 0, image="a.jpg"), hg("text-to-speech", 1, [0])]
    plan, problems = both_ways(raw, ModalityError)
    assert plan.tasks[1].args == {"text": Ref(task_id=0)} and plan.tasks[1].dep == [0]
    assert "<resource>-0" in plan.notes[0]
    assert '"text": "<resource>-0"' in problems[0]


def test_unreferenced_dep_without_a_missing_argument_is_dropped():
    raw = [hg("image-to-text", 0, image="a.jpg"), hg("text-to-speech", 1, [0], text="hello")]
    plan, problems = both_ways(raw, PlanError)
    assert plan.tasks[1].dep == [-1] and "removed 0 from dep" in plan.notes[0]
    assert "dep lists 0" in problems[0]


def test_unreferenced_dep_of_the_wrong_modality_is_dropped_not_used():
    raw = [hg("text-to-speech", 0, text="hi"), hg("image-to-text", 1, [0])]
    problems = rejected(raw, ModalityError)
    assert any("missing argument 'image'" in p for p in problems)
    assert len(rejected(raw, PlanError, repair=False)) == 2
    plan = check_plan(raw, files=["cat.png"])
    assert plan.tasks[1].args == {"image": "cat.png"} and plan.tasks[1].dep == [-1]


def test_dep_naming_a_missing_task():
    raw = [hg("image-to-text", 0, [7], image="a.jpg")]
    plan, problems = both_ways(raw, DanglingReferenceError)
    assert plan.tasks[0].dep == [-1] and "no such task" in plan.notes[0]
    assert "no task 7" in problems[0]


def test_dep_naming_the_task_itself():
    plan, problems = both_ways([hg("image-to-text", 0, [0], image="a.jpg")], CycleError)
    assert plan.tasks[0].dep == [-1] and "its own id" in problems[0]


def test_dep_only_cycle_is_dropped_when_repairing():
    raw = [hg("summarization", 0, [1], text="a"), hg("summarization", 1, [0], text="b")]
    plan = check_plan(raw)
    assert [t.dep for t in plan.tasks] == [[-1], [-1]]
    problems = rejected(raw, PlanError, repair=False)
    assert any("form a cycle" in p for p in problems)


@pytest.mark.parametrize("dep,expected", [
    (0, [0]), ("0", [0]), ("[0]", [0]), ([0], [0]), (["0"], [0]), ("<resource>-0", [0]), ([0.0], [0]),
    ("0,1", [0, 1]), ("[0, 1]", [0, 1]), ([1, 0, 1], [0, 1]), ([-1, 0], [0]),
    (-1, [-1]), ("[-1]", [-1]), ("-1", [-1]), (None, [-1]), ([], [-1]),
])
def test_dep_is_accepted_loosely(dep, expected):
    args = {"text": "<resource>-0 <resource>-1"} if len(expected) == 2 else (
        {"text": "<resource>-0"} if expected == [0] else {"text": "hi"})
    plan = check_plan([hg("summarization", 0, text="a"), hg("summarization", 1, text="b"),
                       {"task": "summarization", "id": 2, "dep": dep, "args": args}], repair=False)
    assert plan.tasks[2].dep == expected


def test_garbage_in_dep():
    raw = [hg("image-to-text", 0, ["first"], image="a.jpg")]
    plan, problems = both_ways(raw, PlanError)
    assert plan.tasks[0].dep == [-1] and "'first'" in problems[0]


# --- arguments ---------------------------------------------------------------------------------

def test_argument_renamed_by_modality():
    plan, problems = both_ways([hg("image-to-text", 0, text="a.png")], PlanError)
    assert plan.tasks[0].args == {"image": "a.png"}
    assert "renamed argument 'text' to 'image'" in plan.notes[0]
    assert "unknown argument 'text' = 'a.png'" in problems[0] and "rename it to 'image'" in problems[0]


@pytest.mark.parametrize("task_type,args,expected", [
    ("question-answering", {"question": "Who?", "context": "Ann did."}, {"text": "Who?", "context": "Ann did."}),
    ("visual-question-answering", {"image": "a.jpg", "question": "Why?"}, {"image": "a.jpg", "text": "Why?"}),
    ("translation", {"text": "hi", "language": "French"}, {"text": "hi", "target_language": "French"}),
    ("image-classification", {"Image": "a.jpg"}, {"image": "a.jpg"}),
    ("image-to-image", {"img": "a.jpg", "instruction": "make it blue"}, {"image": "a.jpg", "text": "make it blue"}),
    ("sentence-similarity", {"sentence1": "a", "sentence2": "b"}, {"text": "a", "text2": "b"}),
    ("automatic-speech-recognition", {"input": "talk.wav"}, {"audio": "talk.wav"}),
])
def test_argument_synonyms(task_type, args, expected):
    plan, _ = both_ways([hg(task_type, 0, **args)], PlanError)
    assert plan.tasks[0].args == expected


def test_argument_that_fits_nothing_is_dropped():
    plan, problems = both_ways([hg("text-to-speech", 0, text="hi", voice="deep")], PlanError)
    assert plan.tasks[0].args == {"text": "hi"} and "dropped argument 'voice'" in plan.notes[0]
    assert "text (text)" in problems[0]


def test_ambiguous_unknown_argument_is_not_guessed():
    plan = check_plan([hg("translation", 0, text="hi", lng="fr")])
    assert plan.tasks[0].args == {"text": "hi"}


def test_missing_argument_filled_from_the_only_user_file():
    plan, problems = both_ways([hg("image-to-text", 0)], ModalityError, files=["/data/in/photo.png", "talk.wav"])
    assert plan.tasks[0].args == {"image": "/data/in/photo.png"} and "user's file" in plan.notes[0]
    assert "/data/in/photo.png" in problems[0]


def test_missing_argument_with_several_user_files_is_rejected():
    problems = rejected([hg("image-to-text", 0)], ModalityError, files=["a.png", "b.jpg"])
    assert "task 0 (image-to-text)" in problems[0] and "'image'" in problems[0]
    assert "a.png" in problems[0] and "b.jpg" in problems[0] and "fix" in problems[0]


def test_missing_text_argument_is_rejected_with_a_fix():
    problems = rejected([hg("text-to-speech", 1)], ModalityError)
    assert problems[0].startswith("task 1 (text-to-speech): missing argument 'text'") and "fix:" in problems[0]


def test_missing_argument_hint_names_tasks_that_produce_it():
    problems = rejected([hg("text-to-image", 0, text="a cat"), hg("image-classification", 1)], ModalityError)
    assert "tasks here that output image: [0]" in problems[0]


def test_two_fitting_deps_are_ambiguous():
    raw = [hg("text-to-image", 0, text="a"), hg("text-to-image", 1, text="b"), hg("image-to-text", 2, [0, 1])]
    problems = rejected(raw, ModalityError)
    assert "dep lists [0, 1]" in problems[0]


def test_user_file_with_spaces_counts_as_a_file():
    plan = check_plan([hg("image-to-text", 0, image="my photo.jpg")], files=["my photo.jpg"], repair=False)
    assert plan.tasks[0].args == {"image": "my photo.jpg"}
    rejected([hg("image-to-text", 0, image="my photo.jpg")], ModalityError)


def test_optional_argument_may_be_missing():
    plan = check_plan([hg("image-to-image", 0, image="a.jpg")], repair=False)
    assert plan.tasks[0].args == {"image": "a.jpg"}


# --- modalities --------------------------------------------------------------------------------

def test_output_of_the_wrong_modality_is_rejected():
    raw = [hg("text-to-speech", 0, text="hi"), hg("summarization", 1, [0], text="<resource>-0")]
    for repair in (True, False):
        problems = rejected(raw, ModalityError, repair=repair)
        assert "task 1 (summarization)" in problems[0] and "task 0 (text-to-speech), which is audio" in problems[0]
        assert "automatic-speech-recognition" in problems[0]


def test_embedded_reference_to_a_non_text_output_is_rejected():
    raw = [hg("text-to-image", 0, text="a cat"), hg("summarization", 1, [0], text="Describe <resource>-0")]
    problems = rejected(raw, ModalityError)
    assert "embeds <resource>-0" in problems[0] and "not text" in problems[0]


def test_text_template_in_a_file_argument_is_rejected():
    raw = [hg("text-to-image", 0, text="a cat"), hg("image-to-text", 1, [0], image="see <resource>-0")]
    assert "needs one image file" in rejected(raw, ModalityError)[0]


@pytest.mark.parametrize("value,kind", [("a cat on a mat", "text, not a file"), ("talk.wav", "an audio file"),
                                        ("clip.mp4", "a video file"), ("https://example.com/cat", "text, not a file"),
                                        (42, "text, not a file")])
def test_literal_that_is_not_a_file_of_the_right_kind(value, kind):
    for repair in (True, False):
        problems = rejected([hg("image-to-text", 0, image=value)], ModalityError, repair=repair)
        assert f"needs an image file, got {str(value)!r} ({kind}" in problems[0]
        assert ".jpg" in problems[0]


def test_file_arguments_accept_urls_and_tables():
    plan = check_plan([hg("image-to-text", 0, image="https://x.org/cat.png?s=1"),
                       hg("tabular-classification", 1, image="rows.csv"),
                       hg("tabular-classification", 2, image="table.png")], repair=False)
    assert len(plan.tasks) == 3


def test_text_arguments_take_any_literal_and_stringify_non_strings():
    plan = check_plan([hg("text-to-speech", 0, text=42), hg("summarization", 1, text=["one", "two"]),
                       hg("translation", 2, text="a.jpg", target_language=None)], repair=False)
    assert plan.tasks[0].args == {"text": "42"}
    assert plan.tasks[1].args == {"text": "one, two"}
    assert plan.tasks[2].args == {"text": "a.jpg"}


def test_several_problems_are_collected():
    raw = [hg("Teleportation", 0), hg("image-to-text", 1, image="no file"),
           hg("text-to-speech", 2, text="<node-9>")]
    problems = rejected(raw, PlanError)
    assert len(problems) == 3
    assert sorted(p.split(" ")[1] for p in problems) == ["0", "1", "2"]


def test_problems_of_one_kind_raise_that_kind():
    raw = [hg("image-to-text", 0, image="<resource>-4"), hg("text-to-speech", 1, text="<resource>-5")]
    assert len(rejected(raw, DanglingReferenceError)) == 2


# --- TaskBench format --------------------------------------------------------------------------

def test_taskbench_chain():
    raw = [{"task": "Image-to-Text", "arguments": ["example.jpg"]},
           {"task": "Text-to-Speech", "arguments": ["<node-0>"]}]
    plan = check_plan(raw)
    assert [(t.id, t.task, t.dep) for t in plan.tasks] == [(0, "image-to-text", [-1]), (1, "text-to-speech", [0])]
    assert plan.tasks[0].args == {"image": "example.jpg"} and plan.tasks[1].args == {"text": Ref(task_id=0)}
    assert len(plan.notes) == 2  # only the two task type spellings
    rejected(raw, UnknownTaskError, repair=False)


def test_taskbench_positional_arguments_follow_the_argspecs():
    raw = {"task_nodes": [{"task": "translation", "arguments": ["Hello", "Spanish", "English"]}]}
    plan = check_plan(raw, repair=False)
    assert plan.tasks[0].args == {"text": "Hello", "target_language": "Spanish", "source_language": "English"}


def test_taskbench_positional_arguments_matched_by_modality():
    raw = [{"task": "text-to-image", "arguments": ["a red car"]},
           {"task": "visual-question-answering", "arguments": ["What color is the car?", "<node-0>"]},
           {"task": "image-to-image", "arguments": ["Make it blue", "example.jpg"]}]
    plan, problems = both_ways(raw, ModalityError)
    assert plan.tasks[1].args == {"image": Ref(task_id=0), "text": "What color is the car?"}
    assert plan.tasks[2].args == {"image": "example.jpg", "text": "Make it blue"}
    assert any("matched its arguments by modality" in n for n in plan.notes)


def test_taskbench_extra_positional_arguments():
    raw = [{"task": "text-to-image", "arguments": ["A sunset", "example.jpg"]}]
    plan = check_plan(raw)
    assert plan.tasks[0].args == {"text": "A sunset"} and "dropped 'example.jpg'" in plan.notes[0]
    assert "takes text (text)" in rejected(raw, PlanError, repair=False)[0]


def test_taskbench_reference_is_preferred_over_an_instruction():
    raw = [{"task": "image-to-text", "arguments": ["a.jpg"]},
           {"task": "text-to-speech", "arguments": ["Read it with emotion", "<node-0>"]}]
    plan = check_plan(raw)
    assert plan.tasks[1].args == {"text": Ref(task_id=0)} and plan.tasks[1].dep == [0]


def test_taskbench_nodes_counted_from_one_are_shifted():
    raw = [{"task": "image-segmentation", "arguments": ["example.jpg"]},
           {"task": "image-to-text", "arguments": ["<node-1>"]},
           {"task": "text-to-speech", "arguments": ["Say: <node-2>"]}]
    plan, problems = both_ways(raw, CycleError)
    assert plan.tasks[1].args == {"image": Ref(task_id=0)}
    assert plan.tasks[2].args == {"text": TextTemplate(parts=["Say: ", Ref(task_id=1)])}
    assert "count tasks from 1" in plan.notes[0] and "<node-0>" in problems[0]


def test_taskbench_nodes_are_not_shifted_when_counting_from_zero_works():
    raw = [{"task": "image-to-text", "arguments": ["<node-1>"]}, {"task": "text-to-image", "arguments": ["a cat"]}]
    plan = check_plan(raw)
    assert plan.task(0).args == {"image": Ref(task_id=1)} and [t.id for t in plan.tasks] == [1, 0]


def test_taskbench_parameters_key():
    plan = check_plan([{"task": "tabular-classification", "parameters": ["rows.csv"]}], repair=False)
    assert plan.tasks[0].args == {"image": "rows.csv"}


@pytest.mark.parametrize("raw", [
    [hg("image-to-text", 0, text="hello")],
    [hg("image-to-text", 0, image="a.jpg"), hg("text-to-speech", 0, text="hi"), hg("summarization", 1, [0])],
    [hg("image-to-text", 0, [3], image="a.jpg"), hg("summarization", 1, [1], text="<GENERATED>-1 <node-7>")],
    [hg("text-to-speech", 0, text="hi"), hg("summarization", 1, text="<resource>-0"), hg("Image Editing", 2)],
    [hg("text-to-speech", 0, text="hi"), hg("image-to-text", "1", image="<resource>-0", extra=3)],
])
def test_every_problem_names_the_task_and_the_fix(raw):
    for repair in (True, False):
        with pytest.raises(PlanError) as info:
            check_plan(raw, repair=repair)
        for problem in info.value.problems:
            assert problem.startswith(("task ", "tasks at positions")) and "fix: " in problem, problem


# --- properties --------------------------------------------------------------------------------

@st.composite
def shuffled_dags(draw: st.DrawFn, with_cycle: bool = False) -> tuple[list[dict], dict[int, set[int]]]:
    """Tasks (summarization, text references) of a random DAG in random order, and its edges by id."""
    n = draw(st.integers(1, 10))
    ids = draw(st.lists(st.integers(0, 60), min_size=n, max_size=n, unique=True))
    preds = {ids[j]: {ids[i] for i in (draw(st.sets(st.integers(0, j - 1))) if j else ())} for j in range(n)}
    if with_cycle:
        cycle = draw(st.lists(st.sampled_from(ids), min_size=1, max_size=n, unique=True))
        for a, b in zip(cycle, cycle[1:] + cycle[:1]):
            preds[a].add(b)
    tasks = [hg("summarization", i, sorted(preds[i]) or [-1],
                text=" and ".join(f"<resource>-{p}" for p in sorted(preds[i])) or f"text {i}") for i in ids]
    return draw(st.permutations(tasks)), preds


@settings(max_examples=150, deadline=None)
@given(shuffled_dags())
def test_shuffled_dags_come_back_in_topological_order(case):
    raw, preds = case
    plan = check_plan(raw)
    seen: set[int] = set()
    for t in plan.tasks:
        assert set(t.references()) <= seen
        assert t.dep == (t.references() or [-1])
        seen.add(t.id)
    assert {t.id: set(t.references()) for t in plan.tasks} == preds
    assert topological_order(plan.tasks) == [t.id for t in plan.tasks]
    assert check_plan(plan.tasks, repair=False).tasks == plan.tasks


@settings(max_examples=100, deadline=None)
@given(shuffled_dags(), st.randoms(use_true_random=False))
def test_dependants_match_reachability(case, rnd):
    raw, preds = case
    plan = check_plan(raw)
    start = rnd.choice(list(preds))
    expected, frontier = set(), {start}
    while frontier:
        frontier = {t for t, ps in preds.items() if ps & frontier} - expected
        expected |= frontier
    assert dependants(plan, start) == expected


def first_ready_order(nodes: list[int], preds: dict[int, set[int]]) -> list[int]:
    """The stable order by definition: again and again the earliest node whose predecessors are placed."""
    order: list[int] = []
    while ready := [n for n in nodes if n not in order and preds[n] <= set(order)]:
        order.append(ready[0])
    return order


@settings(max_examples=150, deadline=None)
@given(shuffled_dags(), st.randoms(use_true_random=False))
def test_toposort_takes_the_earliest_ready_node_and_descendants_follow_users(case, rnd):
    raw, preds = case
    nodes = [t["id"] for t in raw]
    order, cycles = toposort(nodes, preds)
    assert order == first_ready_order(nodes, preds) and not cycles
    start = rnd.choice(nodes)
    expected = {n for n in nodes if start in preds[n]}
    while grown := {n for n in nodes if preds[n] & expected} - expected:
        expected |= grown
    assert descendants(preds, start) == expected


def test_toposort_leaves_out_a_cycle_and_descendants_leave_out_the_start():
    preds = {0: set(), 1: {2}, 2: {1}, 3: {0}}
    assert toposort([0, 1, 2, 3], preds) == ([0, 3], [[1, 2, 1]])
    assert descendants(preds, 1) == {2} and descendants(preds, 0) == {3}


@settings(max_examples=150, deadline=None)
@given(shuffled_dags(with_cycle=True), st.booleans())
def test_graphs_with_a_cycle_are_rejected(case, repair):
    raw, _ = case
    problems = rejected(raw, CycleError, repair=repair)
    assert all("cycle" in p or "its own output" in p for p in problems)
    tasks = [Task(id=t["id"], task=t["task"], dep=t["dep"], args={"text": parse_reference(t["args"]["text"])})
             for t in raw]
    with pytest.raises(CycleError):
        topological_order(tasks)


def test_references_inside_a_text_are_found_and_renumbered() -> None:
    from hugginggpt_tools.dag import reference_ids, renumber_references

    assert reference_ids("<resource>-0\n\n<node-2> and <GENERATED>-1") == [0, 2, 1]
    assert reference_ids("a.png") == []
    assert renumber_references("<resource>-0 then <node-2>", {0: 1, 2: 0}.__getitem__) == \
        "<resource>-1 then <resource>-0"


def test_the_words_a_task_serves_are_kept_through_the_check() -> None:
    """``about`` (the planner's clause, read by selection) survives the check, from a dict or a Task."""
    plan = check_plan([{"task": "text-classification", "id": 0, "dep": [-1], "args": {"text": "a.txt"},
                        "about": "is the reviewer happy?"}])
    assert plan.tasks[0].about == "is the reviewer happy?"
    assert check_plan(plan).tasks[0].about == "is the reviewer happy?"
    assert "about" not in plan.tasks[0].to_hugginggpt()
