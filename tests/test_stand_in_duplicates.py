"""A stand-in that would repeat a task of the plan runs once ("How many people are in portrait.jpg?
Draw boxes around them." drew the same boxes twice), and a speech detector asked what kind of sound
a recording is says that it only tells speech from no speech."""

from __future__ import annotations

from fake_embedder import HashEmbedder

from hugginggpt_tools.backends.base import Backends
from hugginggpt_tools.model_index.index import ModelIndex
from hugginggpt_tools.schemas import ModelCard, Plan, Ref, Task
from hugginggpt_tools.selection import select_models, stand_ins
from hugginggpt_tools.testing import SubsetBackend, local_card

VQA = local_card("vqa/blip", "visual-question-answering", "answer questions about images")
DETECT = local_card("det/faces", "object-detection", "finds faces and people")
TTS = local_card("tts/voice", "text-to-speech", "speak text aloud")
VAD = local_card("vad/silero", "audio-classification", "Voice activity detection: speech or no speech.",
            tags=("audio-classification", "voice-activity-detection"))
AST = local_card("mit/ast-audioset", "audio-classification", "Audio Spectrogram Transformer fine-tuned on AudioSet: "
            "names sound events")
SER = local_card("org/speech-emotion", "audio-classification", "Speech emotion recognition: happy, sad, angry, neutral")
RUNNABLE = {DETECT.id, TTS.id, VAD.id}
QUESTION = "How many people are in portrait.jpg?"


def _selected(plan: Plan, request: str, cards: list[ModelCard], runnable: set[str] = RUNNABLE):
    catalog = ModelIndex.build(cards, HashEmbedder())
    backends = Backends([SubsetBackend(runnable)])
    return stand_ins(plan, select_models(plan, request, catalog, backends), request, catalog, backends)


def test_a_stand_in_that_repeats_a_task_of_the_plan_is_merged_into_it() -> None:
    request = f"{QUESTION} Draw boxes around them and read the count aloud."
    plan = Plan(tasks=[Task(id=0, task="visual-question-answering", args={"image": "portrait.jpg", "text": QUESTION}),
                       Task(id=1, task="object-detection", args={"image": "portrait.jpg"}),
                       Task(id=2, task="text-to-speech", dep=[0], args={"text": Ref(task_id=0)})])
    new_plan, choices = _selected(plan, request, [VQA, DETECT, TTS])
    assert [(t.id, t.task, t.dep) for t in new_plan.tasks] == [(0, "object-detection", [-1]),
                                                               (1, "text-to-speech", [0])]
    assert new_plan.tasks[1].args == {"text": Ref(task_id=0)}  # the question's answer: the one detection
    assert [(c.task_id, c.model_id, c.stands_in_for) for c in choices] == [(0, DETECT.id, None), (1, TTS.id, None)]
    (warning,) = new_plan.warnings
    assert warning.startswith(f'task 0 (object-detection) also answers the visual-question-answering asked for '
                              f'("{QUESTION}"), as no visual-question-answering model can run here. To answer it '
                              "with a visual-question-answering model, make one runnable: ")
    assert "vqa/blip" in warning  # how to get a model of the type asked for


def test_a_stand_in_after_the_task_it_repeats_points_its_readers_at_that_task() -> None:
    plan = Plan(tasks=[Task(id=0, task="object-detection", args={"image": "a.jpg"}),
                       Task(id=1, task="visual-question-answering", args={"image": "a.jpg", "text": "How many faces?"}),
                       Task(id=2, task="text-to-speech", dep=[1], args={"text": Ref(task_id=1)}),
                       Task(id=3, task="object-detection", args={"image": "b.jpg"})])
    new_plan, choices = _selected(plan, "detect a.jpg; how many faces? say it; detect b.jpg", [VQA, DETECT, TTS])
    assert [(t.id, t.task, t.args.get("image")) for t in new_plan.tasks] == [
        (0, "object-detection", "a.jpg"), (1, "text-to-speech", None), (2, "object-detection", "b.jpg")]
    assert new_plan.tasks[1].args == {"text": Ref(task_id=0)} and new_plan.tasks[1].dep == [0]
    assert [c.task_id for c in choices] == [0, 1, 2]
    # a stand-in on another image stays
    other = Plan(tasks=[Task(id=0, task="visual-question-answering", args={"image": "a.jpg", "text": QUESTION}),
                        Task(id=1, task="object-detection", args={"image": "b.jpg"})])
    kept, kept_choices = _selected(other, QUESTION, [VQA, DETECT, TTS])
    assert [t.task for t in kept.tasks] == ["object-detection", "object-detection"]
    assert kept_choices[0].stands_in_for == "visual-question-answering"


def test_a_speech_detector_asked_what_kind_of_sound_says_what_it_cannot_tell() -> None:
    """"what kind of sound is tone.wav?" answered "no speech (1.00)" with nothing said of the model's limits."""
    cards = [VAD, AST, SER]
    plan = Plan(tasks=[Task(id=0, task="audio-classification", args={"audio": "tone.wav"})])
    new_plan, choices = _selected(plan, "what kind of sound is tone.wav?", cards)
    assert choices[0].model_id == VAD.id
    (warning,) = new_plan.warnings
    assert warning.startswith("task 0 (audio-classification) runs vad/silero, which only tells speech from no "
                              "speech: it names no other sound")
    assert AST.id in warning and SER.id not in warning  # a sound classifier to add, not an emotion model
    # several recordings: one warning for the tasks the detector runs alike
    two = Plan(tasks=[Task(id=k, task="audio-classification", args={"audio": name})
                      for k, name in enumerate(("noise.wav", "hum.wav"))])
    (both,) = _selected(two, "classify the audio in noise.wav and hum.wav", cards)[0].warnings
    assert both.startswith("tasks 0 and 1 (audio-classification) run vad/silero, which only tells speech")
    # asked about speech: what the detector answers, nothing to warn of
    for request in ("is there speech in tone.wav?", "is anyone talking in tone.wav?"):
        assert _selected(plan, request, cards)[0].warnings == []
