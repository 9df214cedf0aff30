"""A token-classification result passes its entities' words to the next task, not their "(LABEL)"s:
text-to-speech reads "555-0142", not "555-0142 (PHONE)"; the result shown keeps its labels."""

from __future__ import annotations

from hugginggpt_tools.artifacts import ArtifactStore
from hugginggpt_tools.backends.base import Backends, TaskOutput
from hugginggpt_tools.config import Settings
from hugginggpt_tools.execution import Executor
from hugginggpt_tools.schemas import Plan, Ref, Task, TextTemplate
from hugginggpt_tools.testing import FakeBackend, fake_choice

ENTITIES = [{"entity": "PHONE", "word": "555-0142", "start": 30, "end": 38},
            {"entity": "PERSON", "word": "Dana Whitfield", "start": 8, "end": 22}]


def _ner(inputs, ctx) -> TaskOutput:  # noqa: ANN001
    return TaskOutput(text="555-0142 (PHONE), Dana Whitfield (PERSON)", data=ENTITIES)


def _run(tmp_path, ner=_ner, second: Task | None = None):  # noqa: ANN001, ANN202
    backend = FakeBackend(handlers={"automatic-speech-recognition": lambda i, c: "Hi, this is Dana Whitfield, "
                                    "call me at 555-0142.", "token-classification": ner,
                                    "text-to-speech": lambda i, c: f"spoke: {i['text']}"})
    audio = tmp_path / "voicemail.wav"
    audio.write_bytes(b"RIFF\x24\x00\x00\x00WAVEfmt ")
    plan = Plan(tasks=[Task(id=0, task="automatic-speech-recognition", args={"audio": str(audio)}),
                       Task(id=1, task="token-classification", dep=[0], args={"text": Ref(task_id=0)}),
                       second or Task(id=2, task="text-to-speech", dep=[1], args={"text": Ref(task_id=1)})])
    ex = Executor(Backends([backend]), ArtifactStore(tmp_path / "out"), Settings(output_dir=tmp_path / "out"))
    choices = [fake_choice(k, task.task) for k, task in enumerate(plan.tasks)]
    return ex.run(plan, choices, files=[str(audio)])


def test_text_to_speech_reads_the_entities_not_their_labels(tmp_path) -> None:
    results = _run(tmp_path)
    assert [r.status for r in results] == ["succeeded"] * 3
    assert results[2].inputs == {"text": "555-0142, Dana Whitfield"}
    assert results[1].text == "555-0142 (PHONE), Dana Whitfield (PERSON)"  # shown with its labels


def test_a_text_template_takes_the_words_too(tmp_path) -> None:
    task = Task(id=2, task="summarization", dep=[1],
                args={"text": TextTemplate(parts=["Call back: ", Ref(task_id=1)])})
    assert _run(tmp_path, second=task)[2].inputs == {"text": "Call back: 555-0142, Dana Whitfield"}


def test_no_entities_passes_the_text_that_says_so(tmp_path) -> None:
    results = _run(tmp_path, ner=lambda i, c: TaskOutput(text="no phone number found", data=[]))
    assert results[2].inputs == {"text": "no phone number found"}
