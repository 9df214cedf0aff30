"""Session ids, isolation and bounded memory."""

from __future__ import annotations

import pytest

from hugginggpt_tools.config import Settings
from hugginggpt_tools.errors import InputError
from hugginggpt_tools.sessions import SessionManager


@pytest.mark.parametrize("bad", ["", "../etc", ".hidden", "a/b", "x" * 129, "spa ce"])
def test_unsafe_session_ids_are_refused(tmp_path, bad):
    with pytest.raises(InputError, match="Invalid session id"):
        SessionManager(Settings(output_dir=tmp_path)).get(bad)


def test_same_id_same_session_and_none_is_private(tmp_path):
    sessions = SessionManager(Settings(output_dir=tmp_path))
    assert sessions.get("a") is sessions.get("a")
    assert sessions.get("a") is not sessions.get("b")
    assert sessions.get(None) is not sessions.get(None)
    assert sessions.get("a").store.folder == (tmp_path / "a").resolve()


def test_least_recently_used_session_is_dropped(tmp_path):
    sessions = SessionManager(Settings(output_dir=tmp_path), max_sessions=2)
    sessions.get("a"), sessions.get("b"), sessions.get("a"), sessions.get("c")
    assert "a" in sessions and "c" in sessions and "b" not in sessions


def _answer(results, tasks, files=(), missing=()):
    from hugginggpt_tools.schemas import Answer, Artifact, Plan, Task, TaskResult

    plan = Plan(tasks=[Task(**t) for t in tasks], missing=list(missing))
    artifacts = [Artifact(id=str(i), path=f, mime_type="audio/x-wav", modality="audio", task_id=1)
                 for i, f in enumerate(files)]
    results = [TaskResult(**r, artifacts=[a for a in artifacts if a.task_id == r["task_id"]]) for r in results]
    return Answer(request="r", text="I ran ... see https://huggingface.co/settings/tokens", plan=plan,
                  results=results, artifacts=artifacts)


def test_the_next_turn_reads_what_a_turn_made_and_nothing_from_a_failed_one(tmp_path):
    from hugginggpt_tools.planning.clauses import read_request

    session = SessionManager(Settings(output_dir=tmp_path)).get("s")
    ocr_then_tts = [{"task": "image-to-text", "id": 0, "args": {"image": "a.png"}},
                    {"task": "text-to-speech", "id": 1, "dep": [0], "args": {"text": "<resource>-0"}}]
    session.record_turn("read a.png aloud", _answer(
        [{"task_id": 0, "task": "image-to-text", "status": "succeeded", "text": "Invoice 1042"},
         {"task_id": 1, "task": "text-to-speech", "status": "succeeded", "text": "spoke"}],
        ocr_then_tts, files=[str(tmp_path / "speech.wav")]))
    # every text fed another task: the latest is what "it" means, the files are not part of it
    assert session.history[-1].content == f"Invoice 1042\nFiles: {tmp_path / 'speech.wav'}"
    req = read_request("which language is it in?", chat_history=session.history)
    assert req.last_reply == "Invoice 1042" and str(tmp_path / "speech.wav") in [r.value for r in req.resources]
    session.record_turn("read b.png", _answer(
        [{"task_id": 0, "task": "image-to-text", "status": "failed", "error": "see https://huggingface.co/x"}],
        ocr_then_tts[:1]))
    req = read_request("now read that aloud", chat_history=session.history)
    assert req.last_reply is None and not any("huggingface.co" in r.value for r in req.resources)


def test_a_turn_where_every_task_lacked_its_input_is_no_result(tmp_path):
    from hugginggpt_tools.planning.clauses import read_request

    session = SessionManager(Settings(output_dir=tmp_path)).get("s")
    session.record_turn("caption this image", _answer(
        [], [], missing=["image-to-text needs an image and the request gives none; attach the image file"]))
    assert read_request("now read that aloud", chat_history=session.history).last_reply is None
    # a turn that asked for no task and a chat model answered is still something to refer to
    from hugginggpt_tools.schemas import Trace

    session.record_turn("hello", _answer([], []).model_copy(update={"trace": Trace(llm_calls=1)}))
    assert read_request("now read that aloud", chat_history=session.history).last_reply is not None


def test_the_advice_of_a_turn_that_planned_nothing_is_no_input(tmp_path):
    """"when is the appointment?" planned nothing and got the built-in advice "for example: read
    the text in invoice.png aloud"; the next turn took invoice.png for a file to work on, and "do the
    same summary" summarized the advice. A chat model's answer to a turn that planned nothing stays
    the reply "it" means."""
    from hugginggpt_tools.planning.clauses import read_request
    from hugginggpt_tools.schemas import Answer, Plan, Trace

    session = SessionManager(Settings(output_dir=tmp_path)).get("s")
    advice = ("No model task was needed or could be planned for this request. Name the input file and what to do "
              "with it (for example: read the text in invoice.png aloud), or configure an LLM with --llm.")
    session.record_turn("when is the appointment?", Answer(request="when is the appointment?", text=advice, plan=Plan()))
    req = read_request("summarize that", chat_history=session.history)
    assert req.last_reply is None and "invoice.png" not in [r.value for r in req.resources]
    session.record_turn("who wrote Hamlet?", Answer(request="who wrote Hamlet?", text="Shakespeare wrote it.",
                                                    plan=Plan(), trace=Trace(llm_calls=1)))
    assert read_request("translate that", chat_history=session.history).last_reply == "Shakespeare wrote it."


def test_the_advice_standing_in_for_a_chat_model_that_failed_is_no_input(tmp_path):
    """With an LLM that planned nothing and then failed to write the answer (2 calls), the built-in
    advice was kept as the turn's reply: the next turn took invoice.png from it."""
    from hugginggpt_tools.planning.clauses import read_request
    from hugginggpt_tools.response import nothing_planned
    from hugginggpt_tools.schemas import Answer, Plan, Trace

    session = SessionManager(Settings(output_dir=tmp_path)).get("s")
    advice = nothing_planned(Plan())
    session.record_turn("hmm", Answer(request="hmm", text=advice, plan=Plan(), trace=Trace(llm_calls=2)))
    req = read_request("summarize that", chat_history=session.history)
    assert req.last_reply is None and "invoice.png" not in [r.value for r in req.resources]
