"""The emotion-of-speech stand-in is decided per task, from the part of the request about that
task's audio file, and its selection embeds the queries once and builds the stand-in once."""

from __future__ import annotations

import pytest
from fake_embedder import HashEmbedder

from hugginggpt_tools import selection
from hugginggpt_tools.backends.base import Backends
from hugginggpt_tools.model_index.index import ModelIndex
from hugginggpt_tools.model_index.languages import QueryLanguages, reading_languages
from hugginggpt_tools.schemas import Plan, Ref, Task, TextTemplate
from hugginggpt_tools.selection import emotion_stand_in, request_about, select_models, stand_in_tasks, stand_ins
from hugginggpt_tools.testing import SubsetBackend, local_card

VAD = local_card("vad/silero", "audio-classification", "Voice activity detection: speech or no speech, no emotion "
            "labels.", 100)
SER = local_card("org/speech-emotion", "audio-classification", "Speech emotion recognition: happy, sad, angry, neutral")
ASR = local_card("asr/whisper", "automatic-speech-recognition", "transcribe speech to text", 100)
VADER = local_card("cls/vader", "text-classification", "sentiment of English text", tags=("sentiment",))
TTS = local_card("tts/voice", "text-to-speech", "speak text aloud")
RUNNABLE = {VAD.id, ASR.id, VADER.id, TTS.id}
MIXED = "Is there speech in a.wav and is the speaker in b.wav happy?"


@pytest.fixture()
def embedder() -> HashEmbedder:
    return HashEmbedder()


@pytest.fixture()
def catalog(embedder: HashEmbedder) -> ModelIndex:
    return ModelIndex.build([VAD, SER, ASR, VADER, TTS], embedder)


def _audio(task_id: int, name: str) -> Task:
    return Task(id=task_id, task="audio-classification", args={"audio": name})


def _selected(plan: Plan, request: str, catalog: ModelIndex):
    backends = Backends([SubsetBackend(RUNNABLE)])
    return stand_ins(plan, select_models(plan, request, catalog, backends), request, catalog, backends)


@pytest.mark.parametrize(("path", "request_", "expected"), [
    ("a.wav", MIXED, "Is there speech in a.wav"),
    ("b.wav", MIXED, "is the speaker in b.wav happy?"),
    ("a.wav", "Is the speaker in b.wav happy and is there speech in a.wav?", "is there speech in a.wav?"),
    ("b.wav", "Is the speaker in b.wav happy and is there speech in a.wav?", "Is the speaker in b.wav happy"),
    # a question after the file's that names no file is about it too
    ("a.wav", "Is a.wav speech and is it happy, and what is in b.wav?", "Is a.wav speech; is it happy"),
    # one file per clause, as before
    ("a.wav", "Is the speaker in a.wav happy, and does the one in b.wav sound angry?", "Is the speaker in a.wav happy"),
    ("voice.wav", "Tell me if the speaker in voice.wav is happy", "Tell me if the speaker in voice.wav is happy"),
])
def test_the_part_of_a_clause_about_each_of_two_files(path: str, request_: str, expected: str) -> None:
    assert request_about(path, request_) == expected


def test_the_emotion_stand_in_is_decided_per_file() -> None:
    """"Is there speech in a.wav and is the speaker in b.wav happy?" split both tasks: a.wav's
    speech detection became a transcript's sentiment."""
    assert emotion_stand_in(_audio(0, "a.wav"), MIXED) is None
    assert [t.task for t in emotion_stand_in(_audio(1, "b.wav"), MIXED)] == ["automatic-speech-recognition",
                                                                           "text-classification"]
    # an audio another task makes: the whole request decides
    made = Task(id=1, task="audio-classification", dep=[0], args={"audio": Ref(task_id=0)})
    assert emotion_stand_in(made, "Say hello, then tell me if the voice sounds happy") is not None


def test_only_the_task_asked_about_emotion_stands_in(catalog: ModelIndex) -> None:
    plan = Plan(tasks=[_audio(0, "a.wav"), _audio(1, "b.wav"),
                       Task(id=2, task="text-to-speech", dep=[0, 1],
                            args={"text": TextTemplate(parts=[Ref(task_id=0), ", ", Ref(task_id=1)])})])
    new_plan, choices = _selected(plan, MIXED, catalog)
    assert [(t.id, t.task, t.dep) for t in new_plan.tasks] == [
        (0, "audio-classification", [-1]), (1, "automatic-speech-recognition", [-1]), (2, "text-classification", [1]),
        (3, "text-to-speech", [0, 2])]
    assert new_plan.tasks[0].args == {"audio": "a.wav"} and new_plan.tasks[1].args == {"audio": "b.wav"}
    assert new_plan.tasks[3].args["text"] == TextTemplate(parts=[Ref(task_id=0), ", ", Ref(task_id=2)])
    assert [(c.task_id, c.model_id, c.stands_in_for) for c in choices] == [
        (0, VAD.id, None), (1, ASR.id, "audio-classification"), (2, VADER.id, "audio-classification"),
        (3, TTS.id, None)]
    (warning,) = new_plan.warnings
    assert warning.startswith("task 2 (text-classification, standing in for audio-classification) judges the "
                              "sentiment of the words said in b.wav (transcribed by task 1)")


def test_the_stand_in_embeds_its_queries_once_and_is_built_once(
        catalog: ModelIndex, embedder: HashEmbedder, monkeypatch: pytest.MonkeyPatch) -> None:
    plan = Plan(tasks=[_audio(0, "b.wav")])
    backends = Backends([SubsetBackend(RUNNABLE)])
    choices = select_models(plan, MIXED, catalog, backends)
    built: list[int] = []
    original = selection.emotion_stand_in

    def counting(task: Task, request: str) -> list[Task] | None:
        built.append(task.id)
        return original(task, request)

    monkeypatch.setattr(stand_in_tasks, "emotion_stand_in", counting)  # where stand_ins looks it up
    before = len(embedder.calls)
    new_plan, _ = stand_ins(plan, choices, MIXED, catalog, backends)
    assert [t.task for t in new_plan.tasks] == ["automatic-speech-recognition", "text-classification"]
    assert len(embedder.calls) - before == 1 and len(embedder.calls[-1]) == 3  # the task's and its two steps'
    assert built == [0]


def test_an_installed_emotion_model_is_chosen_among_the_cards_that_recognize_emotion(catalog: ModelIndex) -> None:
    """The choice among the cards a filter keeps (the former _select_where) is _choose's."""
    backends = Backends([SubsetBackend(RUNNABLE | {SER.id})])
    plan = Plan(tasks=[_audio(0, "b.wav")])
    (first,) = select_models(plan, MIXED, catalog, backends, popularity_weight=5.0)
    assert first.model_id == VAD.id  # the more popular detector ranks first
    new_plan, (choice,) = stand_ins(plan, [first], MIXED, catalog, backends, popularity_weight=5.0)
    assert new_plan == plan and choice.model_id == SER.id and [c.model_id for c in choice.candidates] == [SER.id]
    assert choice.reason.startswith(f"the request asks about emotion, which {SER.id} recognizes. best of 1 runnable "
                                    "candidate: similarity")


def test_the_text_language_is_detected_only_when_no_language_is_named() -> None:
    asked: list[int] = []

    def detect() -> str:
        asked.append(1)
        return "fr"

    named = QueryLanguages(frozenset({"de"}))
    assert reading_languages(named, detect) is named and not asked
    assert reading_languages(None, detect).mentioned == {"fr"} and asked == [1]
    assert reading_languages(QueryLanguages(), lambda: None).mentioned == {"en"}
