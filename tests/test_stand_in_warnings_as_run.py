"""The warnings of a plan whose tasks stand-ins replaced speak of the plan as run: "what's the mood of the
caller in complaint_call.wav?" ran Whisper then sentiment in the speech detector's place, yet warned that
"task 0 (audio-classification) runs vad/silero, which only tells speech from no speech", a task that no
longer ran; and a speech detector's warning after a split names its task by its id as run."""

from __future__ import annotations

from fake_embedder import HashEmbedder

from hugginggpt_tools.backends.base import Backends
from hugginggpt_tools.model_index.index import ModelIndex
from hugginggpt_tools.schemas import ModelChoice, Plan, Task
from hugginggpt_tools.selection import select_models, stand_ins
from hugginggpt_tools.testing import SubsetBackend, local_card

VAD = local_card("vad/silero", "audio-classification", "Voice activity detection: speech or no speech.",
                 tags=("audio-classification", "voice-activity-detection"))
AST = local_card("mit/ast-audioset", "audio-classification", "Audio Spectrogram Transformer fine-tuned on AudioSet: "
                 "names sound events")
SER = local_card("org/speech-emotion", "audio-classification", "Speech emotion recognition: happy, sad, angry, neutral")
ASR = local_card("asr/whisper", "automatic-speech-recognition", "transcribe speech to text")
SENTIMENT = local_card("cls/vader", "text-classification", "sentiment of English text", tags=("sentiment",))
VQA = local_card("vqa/blip", "visual-question-answering", "answer questions about images")
OCR = local_card("ocr/reader", "image-to-text", "reads printed text", tags=("ocr",))
QA = local_card("qa/extractive", "question-answering", "extractive question answering")
CARDS = [VAD, AST, SER, ASR, SENTIMENT, VQA, OCR, QA]
RUNNABLE = {VAD.id, ASR.id, SENTIMENT.id, OCR.id, QA.id}
MOOD = "what's the mood of the caller in complaint_call.wav?"


def _selected(plan: Plan, request: str) -> tuple[Plan, list[ModelChoice]]:
    catalog = ModelIndex.build(CARDS, HashEmbedder())
    backends = Backends([SubsetBackend(RUNNABLE)])
    return stand_ins(plan, select_models(plan, request, catalog, backends), request, catalog, backends)


def _audio(task_id: int, name: str) -> Task:
    return Task(id=task_id, task="audio-classification", args={"audio": name})


def test_the_mood_of_a_caller_warns_of_the_words_judged_not_of_the_speech_detector_replaced() -> None:
    plan = Plan(tasks=[_audio(0, "complaint_call.wav")])
    new_plan, choices = _selected(plan, MOOD)
    assert [(c.task_id, c.task, c.model_id) for c in choices] == [
        (0, "automatic-speech-recognition", ASR.id), (1, "text-classification", SENTIMENT.id)]
    (warning,) = new_plan.warnings
    assert warning.startswith("task 1 (text-classification, standing in for audio-classification) judges the "
                              "sentiment of the words said in complaint_call.wav")
    assert not any("only tells speech" in w for w in new_plan.warnings)


def test_a_speech_detector_after_a_split_is_named_by_its_id_as_run() -> None:
    """The mood question splits into two tasks, so the sound question's task 1 runs as task 2; only it is
    warned of."""
    plan = Plan(tasks=[_audio(0, "complaint_call.wav"), _audio(1, "tone.wav")])
    new_plan, choices = _selected(plan, MOOD + " And what kind of sound is tone.wav?")
    assert [(c.task_id, c.task, c.model_id) for c in choices] == [
        (0, "automatic-speech-recognition", ASR.id), (1, "text-classification", SENTIMENT.id),
        (2, "audio-classification", VAD.id)]
    (detector,) = [w for w in new_plan.warnings if "only tells speech" in w]
    assert detector.startswith("task 2 (audio-classification) runs vad/silero, which only tells speech")


def test_a_speech_detector_after_a_reading_split_is_named_by_its_id_as_run() -> None:
    plan = Plan(tasks=[Task(id=0, task="visual-question-answering", args={"image": "receipt.jpg",
                                                                         "text": "what is the total?"}),
                       _audio(1, "tone.wav")])
    new_plan, _ = _selected(plan, "what is the total on receipt.jpg? what kind of sound is tone.wav?")
    assert [t.task for t in new_plan.tasks] == ["image-to-text", "question-answering", "audio-classification"]
    (detector,) = [w for w in new_plan.warnings if "only tells speech" in w]
    assert detector.startswith("task 2 (audio-classification) runs vad/silero")
