"""A task that ran and found nothing (a question no passage answers, entities of the kind asked that are not
there) is no result to pass on: its decline, written for the user, is kept on its result and shown, and each
task that would take its text is skipped, saying what was not found and what was not done. A first user's
"read the phone number aloud" had text-to-speech speak 'no passage of the text answers "What is the phone
number?" ...', both tasks "succeeded" and the run exited 0; "what's in the voicemail? just the short version"
summarized the decline."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from hugginggpt_tools.artifacts import ArtifactStore
from hugginggpt_tools.backends.base import Backends, TaskOutput
from hugginggpt_tools.config import Settings
from hugginggpt_tools.execution import Executor
from hugginggpt_tools.schemas import Plan, Ref, Task, TaskResult, TextTemplate
from hugginggpt_tools.testing import FakeBackend, fake_choice

TRANSCRIPT = "Quick standup. Dana is on the billing fix. Omar ships the login page today."
DECLINE = 'no passage of the text answers "What is the phone number?" (the closest, similarity 0.10, ...)'


def _declining_qa(inputs: dict[str, str], ctx: Any) -> TaskOutput:
    return TaskOutput(text=DECLINE, data={"answer": "", "found": False}, no_result="no answer")


def _run(tmp_path: Path, tasks: list[Task], **handlers: Any) -> tuple[list[TaskResult], FakeBackend, list[dict]]:
    """Run ``tasks`` after task 0, speech recognition of a WAV, with fake models (``handlers`` by task type,
    underscores for hyphens); the results, the backend (its calls) and the events."""
    by_type = {"automatic-speech-recognition": lambda i, c: TRANSCRIPT, "question-answering": _declining_qa,
               "text-to-speech": lambda i, c: f"spoke: {i['text']}", "summarization": lambda i, c: "SHORT",
               **{name.replace("_", "-"): handler for name, handler in handlers.items()}}
    backend = FakeBackend(handlers=by_type)
    audio = tmp_path / "standup.wav"
    audio.write_bytes(b"RIFF\x24\x00\x00\x00WAVEfmt ")
    plan = Plan(tasks=[Task(id=0, task="automatic-speech-recognition", args={"audio": str(audio)}), *tasks])
    events: list[dict] = []
    ex = Executor(Backends([backend]), ArtifactStore(tmp_path / "out"), Settings(output_dir=tmp_path / "out"),
                  on_event=events.append)
    results = ex.run(plan, [fake_choice(t.id, t.task) for t in plan.tasks], files=[str(audio)])
    return results, backend, events


def _qa(task_id: int = 1, question: str = "What is the phone number?") -> Task:
    return Task(id=task_id, task="question-answering", dep=[0], args={"text": question, "context": Ref(task_id=0)})


def test_a_question_with_no_answer_is_not_read_aloud(tmp_path: Path) -> None:
    tts = Task(id=2, task="text-to-speech", dep=[1], args={"text": Ref(task_id=1)})
    results, backend, events = _run(tmp_path, [_qa(), tts])
    assert [r.status for r in results] == ["succeeded", "succeeded", "skipped"]
    assert results[1].no_result == "no answer" and results[1].text == DECLINE  # the decline kept for the user
    assert results[2].error == "task 1 (question-answering) found no answer, so there was nothing to read aloud"
    assert backend.calls_of("fake/text-to-speech") == 0
    assert [e["event"] for e in events if e["task_id"] == 2] == ["task_skipped"]
    assert [e["no_result"] for e in events if e["task_id"] == 1] == [None, "no answer"]  # started, finished


def test_nor_summarized_nor_translated_and_a_task_after_it_is_skipped_too(tmp_path: Path) -> None:
    tasks = [_qa(question="What is in the voicemail?"),
             Task(id=2, task="summarization", dep=[1], args={"text": Ref(task_id=1)}),
             Task(id=3, task="translation", dep=[1],
                  args={"text": TextTemplate(parts=["Answer: ", Ref(task_id=1)]), "target_language": "French"}),
             Task(id=4, task="text-to-speech", dep=[2], args={"text": Ref(task_id=2)})]
    results, backend, _ = _run(tmp_path, tasks)
    assert [r.status for r in results] == ["succeeded", "succeeded", "skipped", "skipped", "skipped"]
    assert results[2].error == "task 1 (question-answering) found no answer, so there was nothing to summarize"
    assert results[3].error == "task 1 (question-answering) found no answer, so there was nothing to translate"
    assert results[4].error == "it needs the output of task 2 (summarization), which was skipped"
    assert [c.task for c in backend.calls] == ["automatic-speech-recognition", "question-answering"]


def test_a_task_that_needs_a_failed_one_and_one_that_found_nothing_names_both(tmp_path: Path) -> None:
    tasks = [_qa(), Task(id=2, task="summarization", dep=[0], args={"text": Ref(task_id=0)}),
             Task(id=3, task="text-generation", dep=[1, 2],
                  args={"text": TextTemplate(parts=[Ref(task_id=1), " / ", Ref(task_id=2)])})]
    results, _, _ = _run(tmp_path, tasks, summarization=lambda i, c: (_ for _ in ()).throw(RuntimeError("boom")))
    assert [r.status for r in results] == ["succeeded", "succeeded", "failed", "skipped"]
    assert results[3].error == ("it needs the outputs of task 1 (question-answering), which found no answer, and "
                                "task 2 (summarization), which failed")


def test_what_the_model_did_not_find_is_named_and_a_type_with_no_verb_is_told_plainly(tmp_path: Path) -> None:
    ner = Task(id=1, task="token-classification", dep=[0], args={"text": Ref(task_id=0)})
    qa = Task(id=2, task="question-answering", dep=[1], args={"text": "Whose number is it?", "context": Ref(task_id=1)})
    results, _, _ = _run(tmp_path, [ner, qa], token_classification=lambda i, c: TaskOutput(
        text="no phone numbers found", data=[], no_result="no phone numbers"))
    assert results[2].error == ("task 1 (token-classification) found no phone numbers, so there was nothing to "
                                "pass on to it")


def test_a_result_that_found_something_or_an_empty_one_that_answers_passes_on(tmp_path: Path) -> None:
    """An answer passes on as before; so does a result that is empty but answers ("0 faces found": a count)."""
    tts = Task(id=2, task="text-to-speech", dep=[1], args={"text": Ref(task_id=1)})
    results, _, _ = _run(tmp_path, [_qa(), tts], question_answering=lambda i, c: TaskOutput(
        text="555-0142", data={"answer": "555-0142", "found": True}))
    assert [r.status for r in results] == ["succeeded"] * 3 and results[1].no_result is None
    assert results[2].text == "spoke: 555-0142"
    results, _, _ = _run(tmp_path, [Task(id=1, task="summarization", dep=[0], args={"text": Ref(task_id=0)}), tts],
                         summarization=lambda i, c: "0 faces found in group.jpg")
    assert results[2].status == "succeeded" and results[2].inputs == {"text": "0 faces found in group.jpg"}


def test_an_independent_task_still_runs(tmp_path: Path) -> None:
    tasks = [_qa(), Task(id=2, task="text-to-speech", dep=[1], args={"text": Ref(task_id=1)}),
             Task(id=3, task="summarization", dep=[0], args={"text": Ref(task_id=0)})]
    results, _, _ = _run(tmp_path, tasks)
    assert [r.status for r in results] == ["succeeded", "succeeded", "skipped", "succeeded"]


# ----------------------------------------------------------------------------- the bundled models mark it


def test_the_bundled_answerer_marks_a_declined_question_as_no_result(bundled_qa: Any, qa_ctx: Any) -> None:
    context = "Dana said the release is on track. Omar will fix the login bug today."
    declined = bundled_qa.predict({"text": "What is the phone number?", "context": context}, qa_ctx)
    assert declined.data["found"] is False and declined.no_result == "no answer"
    assert declined.text.startswith('no passage of the text answers "What is the phone number?"')
    counted = bundled_qa.predict({"text": "How many words are in notes.txt?", "context": context}, qa_ctx)
    assert counted.data["found"] is False and counted.no_result == "no answer"
    answered = bundled_qa.predict({"text": "Who will fix the login bug?", "context": context}, qa_ctx)
    assert answered.data["found"] is True and answered.no_result is None


def test_the_bundled_entity_finder_marks_finding_none_of_the_kinds_asked(tmp_path: Path) -> None:
    pytest.importorskip("spacy")
    from hugginggpt_tools.backends.base import RunContext
    from hugginggpt_tools.backends.bundled_text import SpacyNERModel

    model = SpacyNERModel(Settings(num_threads=1))
    try:
        model.load()
    except Exception as exc:  # noqa: BLE001 - the small English pipeline is an optional download
        pytest.skip(f"spaCy's en_core_web_sm is not installed: {exc}")
    store = ArtifactStore(tmp_path / "out")
    text = {"text": "Dana said the release is on track. Omar will fix the login bug today."}

    def run(request: str) -> TaskOutput:
        return model.predict(text, RunContext(store=store, settings=Settings(), task="token-classification",
                                              request=request))

    none = run("find the phone numbers in notes.txt and read them aloud")
    assert none.text == "no phone numbers found" and none.no_result == "no phone numbers"
    names = run("find the names and phone numbers in notes.txt")
    assert names.no_result is None and "Dana" in names.text
    assert model.predict({"text": "ok then, thanks"}, RunContext(store=store, settings=Settings())).no_result \
        == "no entities"


def test_the_transformers_and_remote_entity_finders_mark_finding_none(tmp_path: Path) -> None:
    from types import SimpleNamespace

    from hugginggpt_tools.backends import _hf_tasks, _transformers_tasks
    from hugginggpt_tools.backends.base import RunContext

    ctx, inputs = RunContext(store=ArtifactStore(tmp_path / "out"), settings=Settings()), {"text": "ok then"}
    local = _transformers_tasks.token_classification(lambda text, **kw: [], inputs, ctx, _transformers_tasks.Options())
    remote = _hf_tasks.token_classification(SimpleNamespace(token_classification=lambda text, **kw: []), "m", inputs,
                                            ctx)
    assert (local.text, local.no_result) == (remote.text, remote.no_result) == ("no entities found", "no entities")
    found = _transformers_tasks.token_classification(
        lambda text, **kw: [{"entity_group": "PER", "word": "Dana", "score": 0.9, "start": 0, "end": 4}], inputs, ctx,
        _transformers_tasks.Options())
    assert found.no_result is None


# ----------------------------------------------------------------------------- through the command line


def test_hugginggpt_run_skips_reading_aloud_a_question_it_found_no_answer_to(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """The offline planner, the bundled answerer and the command line's exit code: 1, part was not done."""
    from hugginggpt_tools.cli import main

    monkeypatch.chdir(tmp_path)
    (tmp_path / "notes.txt").write_text("The standup was short. Dana said the release is on track. "
                                        "Omar will fix the login bug today.\n")
    code = main(["run", "who is the manager according to notes.txt? read the answer aloud",
                 "--output-dir", str(tmp_path / "out")])
    out = capsys.readouterr().out
    assert "task 1 (text-to-speech) skipped: task 0 (question-answering) found no answer, so there was nothing " \
           "to read aloud" in out
    assert 'no passage of the text answers "who is the manager' in out.lower()  # the decline is shown
    assert code == 1
    assert not list((tmp_path / "out").rglob("*.wav"))


# ----------------------------------------------------------------------------- in a session's next turn


def test_a_next_turn_finds_no_text_in_a_turn_whose_question_found_no_answer(tmp_path: Path) -> None:
    """"who is the manager in notes.txt?" then "read that aloud" spoke the decline: the turn had a result."""
    from hugginggpt_tools.planning.clauses import NO_RESULT, OUTPUTS, read_request
    from hugginggpt_tools.schemas import Answer
    from hugginggpt_tools.sessions import SessionManager

    session = SessionManager(Settings(output_dir=tmp_path)).get("s")
    qa = Task(id=0, task="question-answering", args={"text": "Who is the manager?", "context": "notes.txt"})
    declined = TaskResult(task_id=0, task="question-answering", status="succeeded", text=DECLINE, no_result="no answer")
    session.record_turn("who is the manager in notes.txt?", Answer(request="r", text=DECLINE, plan=Plan(tasks=[qa]),
                                                                   results=[declined]))
    assert session.history[-1].additional_kwargs == {NO_RESULT: True}
    assert read_request("read that aloud", chat_history=session.history).last_reply is None
    asr = TaskResult(task_id=0, task="automatic-speech-recognition", status="succeeded", text=TRANSCRIPT)
    plan = Plan(tasks=[Task(id=0, task="automatic-speech-recognition", args={"audio": "standup.wav"}), _qa()])
    session.record_turn("what is the phone number in standup.wav?", Answer(
        request="r", text=DECLINE, plan=plan, results=[asr, declined.model_copy(update={"task_id": 1})]))
    assert session.history[-1].additional_kwargs == {OUTPUTS: [["automatic-speech-recognition", TRANSCRIPT]]}
