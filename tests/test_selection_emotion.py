"""An audio-classification request about the emotion of speech ("is the speaker happy?") when no
model here recognizes emotion in audio: the speech is transcribed and the sentiment of its words
judged, named as a stand-in, with the caveat (the words, not the voice) and the model to add."""

from __future__ import annotations

from pathlib import Path

import pytest
from fake_embedder import HashEmbedder

from hugginggpt_tools.backends.base import Backends, RunContext
from hugginggpt_tools.config import REPO_DIR, Settings
from hugginggpt_tools.model_index.index import ModelIndex
from hugginggpt_tools.schemas import Plan, Ref, Task, TextTemplate
from hugginggpt_tools.selection import (
    asks_about_emotion,
    emotion_stand_in,
    recognizes_emotion,
    select_models,
    stand_ins,
)
from hugginggpt_tools.testing import SubsetBackend, local_card

EMOTION_FIX = "download the weights"


VAD = local_card("vad/silero", "audio-classification", "Voice activity detection: speech or no speech. It answers "
            "only whether someone is speaking: no speaker identity, emotion or language labels.", 100)
SER = local_card("org/speech-emotion-base", "audio-classification", "Speech emotion recognition: happy, sad, angry, "
            "neutral", 50, languages=("en",))
SER_HUGE = local_card("org/speech-emotion-6b", "audio-classification", "Speech emotion recognition of the speaker: is "
                 "the speaker happy, sad or angry", 5000, languages=("en",))
ASR = local_card("asr/whisper", "automatic-speech-recognition", "transcribe speech to text", 100)
LANG_ID = local_card("cls/lang-id", "text-classification", "the speaker happy: which language a text is in", 1000)
VADER = local_card("cls/vader", "text-classification", "sentiment of English text", 10, tags=("sentiment",))
TTS = local_card("tts/voice", "text-to-speech", "speak text aloud", 10)
CATALOG_CARDS = [VAD, SER, SER_HUGE, ASR, LANG_ID, VADER, TTS]
BUNDLED_LIKE = {VAD.id, ASR.id, LANG_ID.id, VADER.id, TTS.id}
HAPPY = "Tell me if the speaker in voice.wav is happy"


@pytest.fixture(scope="module")
def catalog() -> ModelIndex:
    return ModelIndex.build(CATALOG_CARDS, HashEmbedder())


def _backends(runnable: set[str]) -> Backends:
    return Backends([SubsetBackend(runnable)])


def _selected(plan: Plan, request: str, catalog: ModelIndex, runnable: set[str]):
    backends = _backends(runnable)
    return stand_ins(plan, select_models(plan, request, catalog, backends), request, catalog, backends)


@pytest.mark.parametrize(("request_", "asks"), [
    (HAPPY, True),
    ("What emotion does the speaker in call.wav express?", True),
    ("Does she sound angry in call.wav?", True),
    ("How does the caller feel in call.mp3?", True),
    ("What is the mood of this recording?", True),
    ("Is the tone of voice in a.wav positive or negative?", True),
    ("Was the customer upset on the call in support.wav?", True),
    ("What sound is this in a.wav?", False),
    ("Is there speech in a.wav?", False),
    ("Classify the audio clip a.wav", False),
    ("I'd be happy if you told me what sound a.wav is", False),
    ("Which language is spoken in a.wav?", False),
    ("Is this a dog barking or a car horn?", False),
    ("Is there speech in happy.wav?", False),  # a file's name asks nothing
    ("Is there speech in calls/angry_customer.mp3?", False),
    ("Is the caller in calls/angry_customer.mp3 calm?", True),
])
def test_a_request_about_the_emotion_of_speech_is_recognized(request_: str, asks: bool) -> None:
    assert asks_about_emotion(request_) is asks


def test_a_card_recognizes_emotion_when_it_says_so_not_when_it_denies_it() -> None:
    from hugginggpt_tools.model_index.catalog import bundled_cards

    bundled = {c.id: c for c in bundled_cards()}
    assert not recognizes_emotion(bundled["bundled/silero-vad"])  # "no speaker identity, emotion, ..."
    assert not recognizes_emotion(bundled["bundled/fasttext-lid176"])
    assert recognizes_emotion(bundled["bundled/vader-sentiment"])
    assert recognizes_emotion(SER) and not recognizes_emotion(VAD)
    # a local model described by its labels (local_models._describe)
    local = local_card("local/ser", "audio-classification", "Local wav2vec2 model (Wav2Vec2ForSequenceClassification) "
                  "in ser. Labels: neu, hap, ang, sad.")
    assert recognizes_emotion(local)
    assert not recognizes_emotion(local_card("local/kws", "audio-classification", "Labels: yes, no, up, down, left."))


def test_the_stand_in_transcribes_then_judges_the_transcript() -> None:
    task = Task(id=2, task="audio-classification", dep=[1], args={"audio": Ref(task_id=1)})
    asr, judge = emotion_stand_in(task, HAPPY)
    assert (asr.id, asr.task, asr.dep, asr.args) == (2, "automatic-speech-recognition", [1], {"audio": Ref(task_id=1)})
    assert (judge.id, judge.task, judge.dep, judge.args) == (3, "text-classification", [2], {"text": Ref(task_id=2)})
    assert emotion_stand_in(task, "What sound is this?") is None
    assert emotion_stand_in(Task(id=0, task="automatic-speech-recognition", args={"audio": "a.wav"}), HAPPY) is None


def test_no_emotion_model_splits_the_task_and_says_what_it_judges(catalog: ModelIndex) -> None:
    """"Is the speaker happy?" was answered "speech" by the voice activity detector."""
    plan = Plan(tasks=[Task(id=0, task="audio-classification", args={"audio": "voice.wav"}),
                       Task(id=1, task="text-to-speech", dep=[0], args={"text": Ref(task_id=0)})])
    choices = select_models(plan, HAPPY, catalog, _backends(BUNDLED_LIKE))
    assert choices[0].model_id == VAD.id  # what ran before
    new_plan, new_choices = stand_ins(plan, choices, HAPPY, catalog, _backends(BUNDLED_LIKE))
    assert [(t.id, t.task, t.dep) for t in new_plan.tasks] == [
        (0, "automatic-speech-recognition", [-1]), (1, "text-classification", [0]), (2, "text-to-speech", [1])]
    assert new_plan.tasks[0].args == {"audio": "voice.wav"} and new_plan.tasks[1].args == {"text": Ref(task_id=0)}
    assert new_plan.tasks[2].args == {"text": Ref(task_id=1)}  # speaks the verdict, as it spoke the label
    assert [(c.task_id, c.model_id, c.stands_in_for) for c in new_choices] == [
        (0, ASR.id, "audio-classification"), (1, VADER.id, "audio-classification"), (2, TTS.id, None)]
    assert "not the voice" in new_choices[1].reason and f"{VAD.id}, the one that can run, does not" in new_choices[1].reason
    (warning,) = new_plan.warnings
    assert warning.startswith("task 1 (text-classification, standing in for audio-classification) judges the "
                              "sentiment of the words said in voice.wav (transcribed by task 0), not the voice")
    # the fix: an emotion model a laptop runs (not the larger, more popular 6B one)
    assert f"{EMOTION_FIX} of {SER.id}" in warning and SER_HUGE.id not in warning


def test_an_installed_emotion_model_is_chosen_and_nothing_stands_in(catalog: ModelIndex) -> None:
    plan = Plan(tasks=[Task(id=0, task="audio-classification", args={"audio": "voice.wav"})])
    new_plan, new_choices = _selected(plan, HAPPY, catalog, BUNDLED_LIKE | {SER.id})
    assert new_plan == plan and new_choices[0].model_id == SER.id and new_choices[0].stands_in_for is None
    assert not new_plan.warnings


def test_a_request_about_something_else_is_left_alone(catalog: ModelIndex) -> None:
    plan = Plan(tasks=[Task(id=0, task="audio-classification", args={"audio": "voice.wav"})])
    backends = _backends(BUNDLED_LIKE)
    for request in ("Is there speech in voice.wav?", "What sound is this?"):
        choices = select_models(plan, request, catalog, backends)
        assert stand_ins(plan, choices, request, catalog, backends) == (plan, choices)
        assert choices[0].model_id == VAD.id


def test_with_no_stand_in_either_the_task_fails_with_the_fix_rather_than_answer_speech(catalog: ModelIndex) -> None:
    plan = Plan(tasks=[Task(id=0, task="audio-classification", args={"audio": "voice.wav"})])
    new_plan, (choice,) = _selected(plan, HAPPY, catalog, {VAD.id, LANG_ID.id})  # no ASR, no sentiment model
    assert new_plan == plan and choice.model_id is None
    assert choice.reason.startswith("no runnable model for audio-classification: the request asks about emotion")
    assert f"{EMOTION_FIX} of {SER.id}" in choice.reason and "automatic-speech-recognition" in choice.reason


def test_several_splits_shift_the_later_ids_and_references(catalog: ModelIndex) -> None:
    request = "Is the speaker in a.wav happy, and does the one in b.wav sound angry? Summarize both."
    plan = Plan(tasks=[
        Task(id=0, task="audio-classification", args={"audio": "a.wav"}),
        Task(id=1, task="audio-classification", args={"audio": "b.wav"}),
        Task(id=2, task="text-to-speech", dep=[0, 1],
             args={"text": TextTemplate(parts=["first ", Ref(task_id=0), ", then ", Ref(task_id=1)])}),
    ])
    new_plan, new_choices = _selected(plan, request, catalog, BUNDLED_LIKE)
    assert [(t.id, t.task, t.dep) for t in new_plan.tasks] == [
        (0, "automatic-speech-recognition", [-1]), (1, "text-classification", [0]),
        (2, "automatic-speech-recognition", [-1]), (3, "text-classification", [2]), (4, "text-to-speech", [1, 3])]
    assert new_plan.tasks[4].args["text"] == TextTemplate(parts=["first ", Ref(task_id=1), ", then ", Ref(task_id=3)])
    assert [c.task_id for c in new_choices] == [0, 1, 2, 3, 4]
    assert [w.split(" judges")[0] for w in new_plan.warnings] == [
        "task 1 (text-classification, standing in for audio-classification)",
        "task 3 (text-classification, standing in for audio-classification)"]
    assert "words said in b.wav (transcribed by task 2)" in new_plan.warnings[1]


# ----------------------------------------------------------------------------- real bundled models


def _speak(text: str, path: Path) -> Path:
    """``text`` spoken by the bundled Piper voice, as 16 kHz WAV."""
    from hugginggpt_tools.artifacts import ArtifactStore
    from hugginggpt_tools.backends._audio import read_wav, write_wav
    from hugginggpt_tools.backends.bundled import PiperTTSModel

    model = PiperTTSModel(Settings(num_threads=1))
    model.load()
    ctx = RunContext(store=ArtifactStore(path.parent / "tts"), settings=Settings(num_threads=1))
    samples, rate = read_wav(model.predict({"text": text}, ctx).artifacts[0].path, 16_000)
    write_wav(path, samples, rate)
    return path


@pytest.mark.integration
def test_the_bundled_models_judge_the_words_of_a_happy_and_a_sad_recording(tmp_path: Path) -> None:
    pytest.importorskip("piper")
    pytest.importorskip("faster_whisper")
    pytest.importorskip("vaderSentiment")
    from hugginggpt_tools import create_hugginggpt_agent

    happy = _speak("I am so happy today. This is wonderful news and I love it!", tmp_path / "happy.wav")
    sad = _speak("I am very sad. This is terrible news and I hate it.", tmp_path / "sad.wav")
    agent = create_hugginggpt_agent(settings=Settings(output_dir=tmp_path / "out", num_threads=1))
    verdicts = {}
    for path in (happy, sad):
        state = agent.invoke({"input": f"Tell me if the speaker in {path.name} is happy", "files": [str(path)]})
        asr, judge = state["answer"].results
        assert (asr.task, asr.model_id, asr.status) == ("automatic-speech-recognition",
                                                        "bundled/faster-whisper-tiny.en", "succeeded")
        assert (judge.task, judge.model_id, judge.stands_in_for) == ("text-classification", "bundled/vader-sentiment",
                                                                     "audio-classification")
        verdicts[path.name] = judge.data["label"]
        output = state["output"]
        assert "Stand-ins:" in output and "not the voice" in output and "add an audio emotion model" in output
        assert "hf download" in output  # a model to download, named
    assert verdicts == {"happy.wav": "positive", "sad.wav": "negative"}
    # the same recording, asked whether anyone speaks: the speech detector, as before
    state = agent.invoke({"input": f"Is there speech in {happy.name}?", "files": [str(happy)]})
    (result,) = state["answer"].results
    assert (result.task, result.model_id) == ("audio-classification", "bundled/silero-vad")
    assert result.text.startswith("speech") and not state["answer"].plan.warnings


@pytest.mark.integration
def test_the_example_recording_is_judged_neutral_by_its_words(tmp_path: Path) -> None:
    """examples/speech.wav says "Hello, this is Sarah from Microsoft, our meeting in New York is moved
    to Tuesday": neither happy nor sad words."""
    pytest.importorskip("faster_whisper")
    pytest.importorskip("vaderSentiment")
    from hugginggpt_tools import create_hugginggpt_agent

    agent = create_hugginggpt_agent(settings=Settings(output_dir=tmp_path, num_threads=1))
    speech = REPO_DIR / "examples" / "speech.wav"
    state = agent.invoke({"input": "What emotion does the speaker in speech.wav express?", "files": [str(speech)]})
    asr, judge = state["answer"].results
    assert "Sarah" in asr.text and judge.data["label"] == "neutral"
