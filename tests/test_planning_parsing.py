"""Tolerant task-list extraction from LLM answers (hugginggpt_tools.planning.parsing)."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hugginggpt_tools.errors import PlanError, PlanParseError
from hugginggpt_tools.planning import extract_task_list
from hugginggpt_tools.planning.parsing import as_task_list, loads_lenient

TWO_TASKS = [
    {"task": "image-to-text", "id": 0, "dep": [-1], "args": {"image": "a.png"}},
    {"task": "text-to-speech", "id": 1, "dep": [0], "args": {"text": "<resource>-0"}},
]
PLAIN = json.dumps(TWO_TASKS)


@pytest.mark.parametrize(
    "text",
    [
        PLAIN,
        f"```json\n{PLAIN}\n```",
        f"```\n{PLAIN}\n```",
        f"Sure! Here is the plan you asked for:\n{PLAIN}\nLet me know if you need anything else.",
        f"Here it is:\n```json\n{PLAIN}\n```\nThe first task reads {{the image}}.",
        json.dumps({"tasks": TWO_TASKS}),
        json.dumps({"task_nodes": TWO_TASKS}),
        f"<think>maybe [{{\"task\": \"summarization\"}}]</think>\n{PLAIN}",
        "\n".join(json.dumps(t) for t in TWO_TASKS),
        f"```json\n{json.dumps(TWO_TASKS[0])}\n{json.dumps(TWO_TASKS[1])}\n```",
    ],
    ids=["plain", "json-fence", "bare-fence", "prose-around", "fence-then-braces-in-prose", "tasks-key",
         "task-nodes-key", "think-block", "json-lines", "json-lines-in-fence"],
)
def test_extracts_the_two_tasks_from_common_wrappings(text: str) -> None:
    assert extract_task_list(text) == TWO_TASKS


def test_trailing_commas() -> None:
    text = '[{"task": "summarization", "id": 0, "dep": [-1,], "args": {"text": "hi",},},]'
    assert extract_task_list(text) == [{"task": "summarization", "id": 0, "dep": [-1], "args": {"text": "hi"}}]


def test_smart_quotes_are_straightened() -> None:
    text = "[{“task”: “translation”, “args”: {“text”: “bonjour”, “target_language”: “English”}}]"
    assert extract_task_list(text) == [
        {"task": "translation", "args": {"text": "bonjour", "target_language": "English"}}
    ]


def test_python_literal_with_single_quotes_and_constants() -> None:
    text = "[{'task': 'text-classification', 'id': 0, 'dep': [-1], 'args': {'text': \"it's great\"}, 'ok': True, 'x': None}]"
    assert extract_task_list(text) == [
        {"task": "text-classification", "id": 0, "dep": [-1], "args": {"text": "it's great"}, "ok": True, "x": None}
    ]


def test_json_constants_mixed_with_single_quotes() -> None:
    assert extract_task_list("[{'task': 'a', 'flag': true, 'v': null, 'n': -1}]") == [
        {"task": "a", "flag": True, "v": None, "n": -1}
    ]


def test_single_object_becomes_a_list() -> None:
    assert extract_task_list('Plan: {"task": "depth-estimation", "args": {"image": "x.jpg"}}') == [
        {"task": "depth-estimation", "args": {"image": "x.jpg"}}
    ]


def test_empty_list_is_a_valid_answer() -> None:
    assert extract_task_list("No model is needed for this. []") == []
    assert extract_task_list("```json\n[]\n```") == []


def test_first_block_that_is_a_task_list_wins() -> None:
    text = 'Options [1, 2], settings {"temperature": 0}, plan [{"task": "b"}], alternative [{"task": "c"}]'
    assert extract_task_list(text) == [{"task": "b"}]


def test_fenced_block_is_preferred_to_prose_examples() -> None:
    text = 'For example [{"task": "example"}] is the format.\n```json\n[{"task": "real"}]\n```'
    assert extract_task_list(text) == [{"task": "real"}]


def test_brackets_inside_strings_do_not_confuse_the_scanner() -> None:
    text = 'x [{"task": "summarization", "args": {"text": "a ] b } c [ d"}}] y'
    assert extract_task_list(text) == [{"task": "summarization", "args": {"text": "a ] b } c [ d"}}]


def test_a_truncated_list_is_not_mistaken_for_its_first_task() -> None:
    text = '[{"task": "image-to-text", "id": 0, "args": {"image": "a.png"}}, {"task": "text-to-speech", "id": 1, "args": '
    with pytest.raises(PlanParseError):
        extract_task_list(text)


def test_a_malformed_list_is_not_mistaken_for_its_first_task() -> None:
    text = '[{"task": "image-to-text", "id": 0} {"task": "text-to-speech", "id": 1}]'
    with pytest.raises(PlanParseError) as info:
        extract_task_list(text)
    assert "does not parse" in str(info.value)


@pytest.mark.parametrize(
    ("text", "detail"),
    [
        ("I cannot help with that request.", "holds no JSON"),
        ("", "holds no JSON"),
        ('{"answer": "42"}', "not a list of tasks"),
        ('["image-to-text", "text-to-speech"]', "not a list of tasks"),
    ],
)
def test_errors_quote_the_answer_and_the_expected_format(text: str, detail: str) -> None:
    with pytest.raises(PlanParseError) as info:
        extract_task_list(text)
    message = str(info.value)
    assert detail in message
    assert repr(" ".join(text.split())) in message
    assert '"task": "image-to-text"' in message and "[] when the request needs no task" in message
    assert info.value.problems == [message]
    assert isinstance(info.value, PlanError)


def test_error_quotes_only_the_start_of_a_long_answer() -> None:
    text = "nonsense " * 200
    with pytest.raises(PlanParseError) as info:
        extract_task_list(text)
    assert "..." in str(info.value) and len(str(info.value)) < 700


def test_non_text_answer_is_rejected() -> None:
    with pytest.raises(PlanParseError):
        extract_task_list(None)  # type: ignore[arg-type]


def test_as_task_list_shapes() -> None:
    assert as_task_list([]) == []
    assert as_task_list({"task": "a"}) == [{"task": "a"}]
    assert as_task_list({"plan": [{"task": "a"}]}) == [{"task": "a"}]
    assert as_task_list([{"task": "a"}, {"name": "b"}]) is None
    assert as_task_list("[]") is None


def test_loads_lenient_refuses_code() -> None:
    with pytest.raises(ValueError):
        loads_lenient("__import__('os').system('echo hi')")
    with pytest.raises(ValueError):
        loads_lenient("[x for x in range(3)]")


_text = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=20)
_task = st.fixed_dictionaries({
    "task": st.sampled_from(["image-to-text", "translation", "object-detection"]),
    "id": st.integers(0, 9),
    "dep": st.lists(st.integers(-1, 9), max_size=3),
    "args": st.dictionaries(st.sampled_from(["text", "image", "audio"]), _text, max_size=2),
})
_prose = st.text(alphabet="abc xyz.,:!\n", max_size=30)


@settings(max_examples=150, deadline=None)
@given(tasks=st.lists(_task, max_size=4), before=_prose, after=_prose, fenced=st.booleans())
def test_any_task_list_survives_prose_and_fences(tasks, before, after, fenced) -> None:
    body = json.dumps(tasks, ensure_ascii=False)
    text = f"{before}\n```json\n{body}\n```\n{after}" if fenced else f"{before}\n{body}\n{after}"
    assert extract_task_list(text) == tasks


def test_a_python_style_string_with_an_invalid_escape_parses_without_warning_the_caller() -> None:
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")  # as under `python -W error`: the warning must not become a failure
        assert loads_lenient(r"{'task': 'summarization', 'args': {'text': 'C:\escape'}}") == {
            "task": "summarization", "args": {"text": "C:\\escape"}}
        # valid escapes keep their meaning, an escaped backslash stays one
        assert loads_lenient(r"{'b': 'x\ny', 'c': '\\e', 'd': '\x41', 'e': 'tab\there'}") == {
            "b": "x\ny", "c": "\\e", "d": "A", "e": "tab\there"}
