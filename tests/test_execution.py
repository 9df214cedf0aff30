"""The asyncio DAG scheduler: concurrency, reference resolution, failures, fallback, timeouts."""

from __future__ import annotations

import pytest

from hugginggpt_tools.artifacts import ArtifactStore
from hugginggpt_tools.backends.base import Backends, TaskOutput
from hugginggpt_tools.config import Settings
from hugginggpt_tools.errors import InputError
from hugginggpt_tools.execution import Executor, resolve_file
from hugginggpt_tools.schemas import Plan, Ref, Task, TextTemplate
from hugginggpt_tools.testing import FakeBackend, fake_choice


def _executor(backend: FakeBackend, tmp_path, **settings) -> tuple[Executor, list[dict]]:
    events: list[dict] = []
    ex = Executor(Backends([backend]), ArtifactStore(tmp_path), Settings(output_dir=tmp_path, **settings),
                  on_event=events.append)
    return ex, events


def _plan(*tasks: Task) -> Plan:
    return Plan(tasks=list(tasks))


def test_independent_slow_tasks_overlap_in_time(tmp_path):
    backend = FakeBackend(delays={"fake/a": 0.4, "fake/b": 0.4})
    plan = _plan(Task(id=0, task="summarization", args={"text": "one"}),
                 Task(id=1, task="text-classification", args={"text": "two"}))
    ex, _ = _executor(backend, tmp_path)
    results = ex.run(plan, [fake_choice(0, "summarization", ["fake/a"]),
                            fake_choice(1, "text-classification", ["fake/b"])])
    assert [r.status for r in results] == ["succeeded", "succeeded"]
    a, b = backend.calls
    assert a.started < b.finished and b.started < a.finished, "the two tasks did not overlap"
    span = max(a.finished, b.finished) - min(a.started, b.started)
    assert span < 0.75


def test_reference_is_resolved_into_dependant_input(tmp_path):
    backend = FakeBackend(handlers={"image-to-text": lambda i, c: "HELLO WORLD",
                                    "translation": lambda i, c: f"[fr] {i['text']}"})
    image = tmp_path / "x.png"
    image.write_bytes(b"not really a png")
    plan = _plan(Task(id=0, task="image-to-text", args={"image": str(image)}),
                 Task(id=1, task="translation", dep=[0], args={"text": Ref(task_id=0)}),
                 Task(id=2, task="summarization", dep=[0],
                      args={"text": TextTemplate(parts=["Text: ", Ref(task_id=0)])}))
    ex, _ = _executor(backend, tmp_path)
    results = ex.run(plan, [fake_choice(0, "image-to-text"), fake_choice(1, "translation"),
                            fake_choice(2, "summarization")], files=[str(image)])
    assert results[0].inputs == {"image": str(image.resolve())}
    assert results[1].inputs == {"text": "HELLO WORLD"}
    assert results[1].text == "[fr] HELLO WORLD"
    assert results[2].inputs == {"text": "Text: HELLO WORLD"}


def test_failing_task_skips_dependant_and_keeps_sibling(tmp_path):
    backend = FakeBackend(failing={"fake/bad"})
    plan = _plan(Task(id=0, task="summarization", args={"text": "a"}),
                 Task(id=1, task="text-generation", args={"text": "b"}),
                 Task(id=2, task="translation", dep=[0], args={"text": Ref(task_id=0)}))
    ex, events = _executor(backend, tmp_path)
    results = ex.run(plan, [fake_choice(0, "summarization", ["fake/bad"]),
                            fake_choice(1, "text-generation"), fake_choice(2, "translation")])
    assert results[0].status == "failed" and "failed on purpose" in results[0].error
    assert results[1].status == "succeeded" and results[1].text == "b"
    assert results[2].status == "skipped" and "task 0 (summarization), which failed" in results[2].error
    assert [c.model_id for c in backend.calls].count("fake/translation") == 0
    assert {e["event"] for e in events} >= {"task_started", "task_finished", "task_skipped"}
    # a starting task's event names the model it tries first (it was None until one had run)
    started = {e["task_id"]: e["model_id"] for e in events if e["event"] == "task_started"}
    assert started[0] == "fake/bad" and started[1] is not None


def test_falls_back_to_next_candidate(tmp_path):
    backend = FakeBackend(failing={"fake/first"})
    plan = _plan(Task(id=0, task="summarization", args={"text": "abc"}))
    ex, _ = _executor(backend, tmp_path)
    (result,) = ex.run(plan, [fake_choice(0, "summarization", ["fake/first", "fake/second"])])
    assert result.status == "succeeded"
    assert result.model_id == "fake/second"
    assert result.attempts == ["fake/first", "fake/second"]


def test_timeout_records_error(tmp_path):
    backend = FakeBackend(delays={"fake/slow": 1.0})
    plan = _plan(Task(id=0, task="summarization", args={"text": "abc"}))
    ex, _ = _executor(backend, tmp_path, task_timeout_s=0.1)
    (result,) = ex.run(plan, [fake_choice(0, "summarization", ["fake/slow"])])
    assert result.status == "failed" and "longer than 0.1 s" in result.error


def test_task_without_model_fails_with_reason(tmp_path):
    plan = _plan(Task(id=0, task="text-to-video", args={"text": "a cat"}))
    ex, _ = _executor(FakeBackend(), tmp_path)
    choice = fake_choice(0, "text-to-video")
    choice = choice.model_copy(update={"model_id": None, "backend": None, "candidates": [],
                                       "reason": "set HF_TOKEN"})
    (result,) = ex.run(plan, [choice])
    assert result.status == "failed" and result.error == "no runnable model for text-to-video: set HF_TOKEN"
    # selection's reason already says so: not said twice
    said = choice.model_copy(update={"reason": "no runnable model for text-to-video: 3 catalog models, none can run"})
    (result,) = ex.run(plan, [said])
    assert result.error == "no runnable model for text-to-video: 3 catalog models, none can run"


def test_artifact_output_feeds_file_argument(tmp_path):
    def tts(inputs, ctx):
        return TaskOutput(text="spoken", artifacts=[ctx.store.add_bytes(b"RIFF....", ".wav", ctx.task_id)])

    backend = FakeBackend(handlers={"text-to-speech": tts})
    plan = _plan(Task(id=0, task="text-to-speech", args={"text": "hi"}),
                 Task(id=1, task="automatic-speech-recognition", dep=[0], args={"audio": Ref(task_id=0)}))
    ex, _ = _executor(backend, tmp_path)
    results = ex.run(plan, [fake_choice(0, "text-to-speech"), fake_choice(1, "automatic-speech-recognition")])
    assert results[1].inputs["audio"] == results[0].artifacts[0].path
    assert results[0].artifacts[0].modality == "audio" and results[0].artifacts[0].task_id == 0


def test_missing_file_fails_the_task_with_a_clear_error(tmp_path):
    plan = _plan(Task(id=0, task="image-to-text", args={"image": "nope.png"}))
    ex, _ = _executor(FakeBackend(), tmp_path)
    (result,) = ex.run(plan, [fake_choice(0, "image-to-text")])
    assert result.status == "failed" and "nope.png" in result.error and "--file" in result.error


def test_a_file_of_the_wrong_kind_fails_before_any_model_runs(tmp_path):
    """A photo given to speech recognition (an LLM planner's plan, or an image renamed .wav): the
    task fails naming the file, what it holds and what the task needs; no model is called and the
    other tasks' results are kept."""
    (tmp_path / "house.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 32)
    backend = FakeBackend()
    plan = _plan(Task(id=0, task="automatic-speech-recognition", args={"audio": "house.png"}),
                 Task(id=1, task="summarization", args={"text": "kept"}))
    ex, _ = _executor(backend, tmp_path)
    results = ex.run(plan, [fake_choice(0, "automatic-speech-recognition"), fake_choice(1, "summarization")],
                     files=[str(tmp_path / "house.png")], cwd=tmp_path)
    assert results[0].status == "failed" and results[0].error == (
        "'house.png' is a PNG image; automatic-speech-recognition needs an audio file (WAV, MP3, FLAC or OGG) or a "
        "video with a sound track (MP4, MOV, MKV, WebM or AVI). Give an audio file or a video with a sound track "
        "instead.")
    assert results[1].status == "succeeded" and [c.task for c in backend.calls] == ["summarization"]


def test_an_unwritable_output_folder_is_blamed_on_the_folder_not_the_model(tmp_path):
    """A model that writes into a store whose folder cannot be created: the task's error names the
    output folder and the fix (not "model X failed: No such file"); the other results are kept."""
    def tts(inputs, ctx):
        return TaskOutput(text="spoken", artifacts=[ctx.save_bytes(b"RIFF", ".wav")])

    (tmp_path / "taken").write_text("a file where the output folder should be")
    backend = FakeBackend(handlers={"text-to-speech": tts})
    ex = Executor(Backends([backend]), ArtifactStore(tmp_path / "taken", "s1"), Settings(output_dir=tmp_path / "taken"))
    results = ex.run(_plan(Task(id=0, task="text-to-speech", args={"text": "hello"}),
                           Task(id=1, task="summarization", args={"text": "kept"})),
                     [fake_choice(0, "text-to-speech"), fake_choice(1, "summarization")])
    assert results[0].status == "failed"
    assert f": Cannot write to the output folder '{tmp_path / 'taken' / 's1'}'" in results[0].error
    assert "ConfigError" not in results[0].error  # the package's own message, without its class name
    assert "--output-dir" in results[0].error
    assert results[1].status == "succeeded" and results[1].text == "kept"


def test_resolve_file_by_name_among_given_files(tmp_path):
    f = tmp_path / "sub" / "photo.jpg"
    f.parent.mkdir()
    f.write_bytes(b"x")
    assert resolve_file("photo.jpg", [str(f)], cwd=tmp_path) == str(f.resolve())
    assert resolve_file("sub/photo.jpg", cwd=tmp_path) == str(f.resolve())
    with pytest.raises(InputError, match="other.jpg"):
        resolve_file("other.jpg", [str(f)], cwd=tmp_path)


def test_when_every_model_fails_the_fallback_of_another_type_stands_in(tmp_path):
    """A picture to describe, read only by an OCR model that finds no text: the classifier's labels
    stand in, the result says so and why, and the next task gets them."""
    backend = FakeBackend(handlers={"image-classification": lambda i, c: "tabby cat (0.80)",
                                    "translation": lambda i, c: f"FR[{i['text']}]"},
                          failing={"ocr/a"})
    image = tmp_path / "photo.png"
    image.write_bytes(b"not really a png")
    plan = _plan(Task(id=0, task="image-to-text", args={"image": str(image)}),
                 Task(id=1, task="translation", dep=[0], args={"text": Ref(task_id=0)}))
    fallback = fake_choice(0, "image-classification", ["cls/b"]).model_copy(update={"stands_in_for": "image-to-text"})
    choices = [fake_choice(0, "image-to-text", ["ocr/a"]).model_copy(update={"fallback": fallback}),
               fake_choice(1, "translation")]
    ex, events = _executor(backend, tmp_path)
    first, second = ex.run(plan, choices, files=[str(image)])
    assert first.status == "succeeded" and first.task == "image-classification" and first.model_id == "cls/b"
    assert first.stands_in_for == "image-to-text" and first.error == "ocr/a: ocr/a failed on purpose"
    assert first.attempts == ["ocr/a", "cls/b"] and second.text == "FR[tabby cat]"  # the labels, not their scores
    finished = [e for e in events if e["event"] == "task_finished" and e["task_id"] == 0]
    assert finished[0]["stands_in_for"] == "image-to-text"
    # the task's own model works: the fallback is never run
    backend.failing.clear()
    own, _ = ex.run(plan, choices, files=[str(image)])
    assert own.task == "image-to-text" and own.stands_in_for is None and own.error is None
    assert backend.calls_of("cls/b") == 1
    # the fallback fails too: the task failed, and the error says why each did
    backend.failing.update({"ocr/a", "cls/b"})
    both, skipped = ex.run(plan, choices, files=[str(image)])
    assert both.status == "failed" and both.stands_in_for is None and skipped.status == "skipped"
    assert both.error.startswith("ocr/a: ocr/a failed on purpose") and "; image-classification standing in: cls/b: " \
        in both.error
    # a stand-in chosen at selection that never ran for want of its input still says what it stood in for
    stand_in = fake_choice(1, "translation").model_copy(update={"stands_in_for": "summarization"})
    _, skipped = ex.run(plan, [choices[0], stand_in], files=[str(image)])
    assert skipped.status == "skipped" and skipped.stands_in_for == "summarization"


def test_a_stand_ins_labels_are_passed_on_without_their_scores() -> None:
    """Labels standing in for a caption are read aloud as words, not "tabby cat (0.80)"; a task's
    own labels keep their scores."""
    from hugginggpt_tools.execution import resolve_args
    from hugginggpt_tools.schemas import TaskResult

    labels = "tabby cat (0.80), tiger cat (0.12); language: French (fr, 0.98)"
    stand_in = TaskResult(task_id=0, task="image-classification", status="succeeded", text=labels,
                          stands_in_for="image-to-text")
    speak = Task(id=1, task="text-to-speech", dep=[0], args={"text": Ref(task_id=0)})
    assert resolve_args(speak, {0: stand_in}) == {"text": "tabby cat, tiger cat; language: French"}
    own = stand_in.model_copy(update={"stands_in_for": None})
    assert resolve_args(speak, {0: own}) == {"text": labels}


def test_failure_reasons_show_the_package_s_own_messages_without_their_class_name(tmp_path, caplog):
    """"bundled/ocr: BackendError: found no text in ..." reached users; the package's errors carry a
    message written for them, while a library's exception is worth naming by its class."""
    import logging

    from hugginggpt_tools.errors import BackendError, InputError

    def ocr(inputs, ctx):
        raise BackendError("found no text in photo.png")

    def crash(inputs, ctx):
        raise RuntimeError("CUDA out of memory")

    ex, _ = _executor(FakeBackend(handlers={"image-to-text": ocr, "summarization": crash}), tmp_path)
    image = tmp_path / "photo.png"
    image.write_bytes(b"png")
    plan = _plan(Task(id=0, task="image-to-text", args={"image": str(image)}),
                 Task(id=1, task="summarization", args={"text": "some text"}))
    with caplog.at_level(logging.INFO, logger="hugginggpt_tools.execution"):
        first, second = ex.run(plan, [fake_choice(0, "image-to-text", ["ocr/a"]),
                                      fake_choice(1, "summarization", ["sum/b"])], files=[str(image)])
    assert first.error == "ocr/a: found no text in photo.png"
    assert second.error == "sum/b: RuntimeError: CUDA out of memory"
    # the answer says each failure: the log does not warn about it again
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING], caplog.text
    assert "task 0 (image-to-text): ocr/a: found no text in photo.png" in caplog.text

    from hugginggpt_tools.execution import failure_reason

    assert failure_reason(InputError("'x.png' is a text file")) == "'x.png' is a text file"
    assert failure_reason(BackendError("")) == "BackendError" and failure_reason(KeyError("k")) == "KeyError: 'k'"


def test_a_model_that_failed_before_another_succeeded_is_warned_about(tmp_path, caplog):
    """The result of a task whose second model succeeded keeps no error: the log is the only trace
    of the first one's failure, so it stays a warning."""
    import logging

    ex, _ = _executor(FakeBackend(failing={"sum/a"}), tmp_path)
    with caplog.at_level(logging.INFO, logger="hugginggpt_tools.execution"):
        (result,) = ex.run(_plan(Task(id=0, task="summarization", args={"text": "t"})),
                           [fake_choice(0, "summarization", ["sum/a", "sum/b"])])
    assert result.status == "succeeded" and result.model_id == "sum/b" and result.error is None
    (warning,) = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert warning.getMessage() == "task 0 (summarization): sum/b ran after sum/a: sum/a failed on purpose"


def test_a_skipped_task_names_the_tasks_it_needs_by_their_ids(tmp_path):
    ex, _ = _executor(FakeBackend(failing={"bad"}), tmp_path)
    plan = _plan(Task(id=0, task="summarization", args={"text": "a"}),
                 Task(id=1, task="translation", dep=[0], args={"text": Ref(task_id=0)}),
                 Task(id=2, task="summarization", dep=[0, 1],
                      args={"text": TextTemplate(parts=[Ref(task_id=0), " ", Ref(task_id=1)])}))
    _, one, two = ex.run(plan, [fake_choice(0, "summarization", ["bad"]), fake_choice(1, "translation"),
                                fake_choice(2, "summarization")])
    assert one.error == "it needs the output of task 0 (summarization), which failed"
    assert two.error == ("it needs the outputs of task 0 (summarization), which failed, and task 1 (translation), "
                         "which was skipped")


def test_missing_files_names_the_file_arguments_that_are_not_there(tmp_path):
    from hugginggpt_tools.execution import missing_files

    (tmp_path / "here.png").write_bytes(b"png")
    elsewhere = tmp_path / "sub" / "given.wav"
    elsewhere.parent.mkdir()
    elsewhere.write_bytes(b"RIFF")
    plan = _plan(Task(id=0, task="image-to-text", args={"image": "here.png"}),
                 Task(id=1, task="image-to-text", args={"image": "nothere.png"}),
                 Task(id=2, task="automatic-speech-recognition", args={"audio": "given.wav"}),
                 Task(id=3, task="summarization", args={"text": "notes.txt"}),
                 Task(id=4, task="summarization", args={"text": "plain words, not a file"}),
                 Task(id=5, task="image-classification", args={"image": "https://example.com/cat.jpg"}),
                 Task(id=6, task="translation", dep=[0], args={"text": Ref(task_id=0)}),
                 Task(id=7, task="image-classification", args={"image": "nothere.png"}))
    assert missing_files(plan, [str(elsewhere)], cwd=tmp_path) == ["nothere.png", "notes.txt"]
    assert missing_files(_plan(plan.tasks[0]), cwd=tmp_path) == []


def test_a_one_word_text_that_may_name_a_file_is_resolved_off_the_event_loop():
    """"summarize NOTES" reads the file NOTES when there is one: resolving it may touch the disk, so it
    runs in a worker thread like a file argument; a sentence resolves in memory."""
    from hugginggpt_tools.execution import _reads_files

    assert _reads_files(Task(id=0, task="summarization", args={"text": "NOTES"}))
    assert _reads_files(Task(id=0, task="summarization", args={"text": "notes.txt"}))
    assert not _reads_files(Task(id=0, task="summarization", args={"text": "The cat sat on the mat."}))
    assert not _reads_files(Task(id=0, task="summarization", args={"text": Ref(task_id=1)}))
