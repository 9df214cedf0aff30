"""Image questions with no visual-question-answering model here, a picture to describe next to one
whose text is asked for, and a translation into a language no model is known for.

* "Who is in portrait.jpg?" has the face and person detector stand in (how many, not who) and
  "what is in this photo?" the image classifier (labels of the whole picture), each named as a
  stand-in with a plan warning that says what it does not answer and keeps the download fix; a
  question neither holds the answer to ("what colour is the car?") still fails with the fix.
* "Describe portrait.jpg and read the text in sky.png aloud": the classifier fallback is decided
  per task, from the part of the request about its image, so the portrait gets it and sky.png not.
* "Translate 'good morning' into Klingon": no model of another language is taken for Klingon.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from fake_embedder import HashEmbedder

from hugginggpt_tools import selection
from hugginggpt_tools.backends.base import Backends
from hugginggpt_tools.model_index import languages
from hugginggpt_tools.model_index.index import ModelIndex
from hugginggpt_tools.model_index.languages import QueryLanguages, query_languages
from hugginggpt_tools.schemas import Candidate, ModelChoice, Plan, Ref, Task
from hugginggpt_tools.selection import picture_stand_in, select_models, stand_in, stand_ins
from hugginggpt_tools.testing import SubsetBackend, local_card

ROOT = Path(__file__).resolve().parents[1]
VQA_FIX = "download the weights"


VQA = local_card("org/blip-vqa", "visual-question-answering", "answer questions about images")
DETECTOR = local_card("det/faces", "object-detection", "detect faces and people")
CLASSIFIER = local_card("cls/imagenet", "image-classification", "imagenet labels")
OCR = local_card("ocr/reader", "image-to-text", "reads printed text", tags=("ocr",))
TTS = local_card("tts/voice", "text-to-speech", "speak text aloud")


@pytest.fixture(scope="module")
def catalog() -> ModelIndex:
    return ModelIndex.build([VQA, DETECTOR, CLASSIFIER, OCR, TTS], HashEmbedder())


def _vqa(question: str, task_id: int = 0) -> Task:
    return Task(id=task_id, task="visual-question-answering", args={"image": "portrait.jpg", "text": question})


# ----------------------------------------------------------------------------- which stand-in


@pytest.mark.parametrize(("question", "expected", "partial"), [
    ("Who is in portrait.jpg?", "object-detection", True),
    ("Who's this?", "object-detection", True),
    ("Who are the people in the photo?", "object-detection", True),
    ("How many faces are there?", "object-detection", False),
    ("Is there a person in portrait.jpg?", "object-detection", False),
    ("Is anyone in the picture?", "object-detection", False),
    ("What is in this photo?", "image-classification", True),
    ("What is in portrait.jpg?", "image-classification", True),
    ("What is in this beach.jpg?", "image-classification", True),
    ("What is this?", "image-classification", True),
    ("What's that animal?", "image-classification", True),
    ("What kind of dog is this?", "image-classification", True),
    ("What does the picture show?", "image-classification", True),
    ("What can you see in portrait.jpg?", "image-classification", True),
    ("What is this a photo of?", "image-classification", True),
    ("What does the sign say?", "image-to-text", False),
    ("What colour is the car?", None, False),
    ("What color is the car in portrait.jpg?", None, False),
    ("What is the man holding?", None, False),
    ("What is this person doing?", None, False),
    ("Why is the sky orange?", None, False),
])
def test_an_image_question_gets_the_stand_in_whose_output_holds_its_answer(question, expected, partial):
    task = _vqa(question, task_id=3)
    found = stand_in(task)
    assert (found and found.task) == expected
    if found is not None:
        assert found.id == 3 and found.args == {"image": "portrait.jpg"} and found.dep == [-1]
    assert (selection.stand_in_caveat(task) is not None) == partial


def test_a_file_name_in_the_question_is_read_as_the_picture():
    """'text.png' asks for no writing, and 'who is in text.png?' who is in the picture."""
    task = Task(id=0, task="visual-question-answering", args={"image": "text.png", "text": "Who is in text.png?"})
    assert stand_in(task).task == "object-detection"


def _selected(plan: Plan, request: str, catalog: ModelIndex, runnable: set[str]):
    backends = Backends([SubsetBackend(runnable)])
    return stand_ins(plan, select_models(plan, request, catalog, backends), request, catalog, backends)


def test_who_is_in_the_picture_counts_people_and_warns_it_cannot_tell_who_with_the_fix(catalog):
    plan = Plan(tasks=[_vqa("Who is in portrait.jpg?")])
    new_plan, choices = _selected(plan, "Who is in portrait.jpg?", catalog, {DETECTOR.id, CLASSIFIER.id})
    assert [t.task for t in new_plan.tasks] == ["object-detection"]
    assert choices[0].model_id == DETECTOR.id and choices[0].stands_in_for == "visual-question-answering"
    assert "not who they are" in choices[0].reason
    (warning,) = new_plan.warnings
    assert warning.startswith("task 0 (object-detection, standing in for visual-question-answering) finds and "
                              "counts the people")
    assert "not who they are" in warning and '"Who is in portrait.jpg?"' in warning
    assert f"{VQA_FIX} of {VQA.id}" in warning  # the download fix is kept


def test_what_is_in_the_picture_gets_the_classifiers_labels_with_the_caveat(catalog):
    plan = Plan(tasks=[_vqa("What is in this photo?")])
    new_plan, choices = _selected(plan, "What is in this photo? portrait.jpg", catalog, {DETECTOR.id, CLASSIFIER.id})
    assert [t.task for t in new_plan.tasks] == ["image-classification"]
    assert choices[0].model_id == CLASSIFIER.id and choices[0].stands_in_for == "visual-question-answering"
    (warning,) = new_plan.warnings
    assert "labels the picture as a whole" in warning and f"{VQA_FIX} of {VQA.id}" in warning


def test_a_question_no_stand_in_answers_fails_with_the_fix_and_a_full_answer_warns_nothing(catalog):
    plan = Plan(tasks=[_vqa("What colour is the car?")])
    new_plan, choices = _selected(plan, "What colour is the car in portrait.jpg?", catalog,
                                  {DETECTOR.id, CLASSIFIER.id})
    assert new_plan == plan and choices[0].model_id is None and f"{VQA_FIX} of {VQA.id}" in choices[0].reason
    counted, choices = _selected(Plan(tasks=[_vqa("How many faces are there?")]), "how many faces?", catalog,
                                 {DETECTOR.id})
    assert choices[0].model_id == DETECTOR.id and counted.warnings == []
    # a VQA model that can run answers the question itself
    asked, choices = _selected(plan, "Who is in portrait.jpg?", catalog, {VQA.id, DETECTOR.id})
    assert asked == plan and choices[0].model_id == VQA.id and choices[0].stands_in_for is None


def test_the_warning_names_the_stand_in_by_its_id_after_an_emotion_split():
    """An emotion question before it becomes two tasks: the image question's stand-in is task 2."""
    cards = [VQA, DETECTOR, local_card("vad/silero", "audio-classification", "voice activity detection"),
             local_card("asr/whisper", "automatic-speech-recognition", "transcribe speech"),
             local_card("cls/vader", "text-classification", "sentiment of English text", tags=("sentiment",))]
    catalog = ModelIndex.build(cards, HashEmbedder())
    plan = Plan(tasks=[Task(id=0, task="audio-classification", args={"audio": "voice.wav"}),
                       _vqa("Who is in portrait.jpg?", task_id=1)])
    request = "Is the speaker in voice.wav happy? Who is in portrait.jpg?"
    new_plan, choices = _selected(plan, request, catalog, {c.id for c in cards} - {VQA.id})
    assert [t.task for t in new_plan.tasks] == ["automatic-speech-recognition", "text-classification",
                                                "object-detection"]
    assert choices[2].task_id == 2 and choices[2].stands_in_for == "visual-question-answering"
    assert any(w.startswith("task 2 (object-detection, standing in for visual-question-answering)")
               for w in new_plan.warnings)


# ----------------------------------------------------------------------------- the picture fallback, per task


MIXED = "Describe portrait.jpg and read the text in sky.png aloud"


@pytest.mark.parametrize(("path", "request_", "expected"), [
    ("portrait.jpg", MIXED, "Describe portrait.jpg"),
    ("/uploads/sky.png", MIXED, "read the text in sky.png aloud"),
    ("examples/portrait.jpg", "Describe examples/portrait.jpg, then read the text in examples/invoice.png",
     "Describe examples/portrait.jpg"),
    ("photo.jpg", "Describe photo.jpg. Then read the text in it aloud.", "Describe photo.jpg; read the text in it aloud"),
    ("photo.jpg", "Describe photo.jpg and translate the text into French", "Describe photo.jpg"),
    ("photo.jpg", "describe this photo", "describe this photo"),  # not named: the whole request
])
def test_the_part_of_a_request_about_a_file(path, request_, expected):
    assert selection.request_about(path, request_) == expected


def _ocr_choice(task_id: int) -> ModelChoice:
    return ModelChoice(task_id=task_id, task="image-to-text", model_id=OCR.id, backend="local",
                       candidates=[Candidate(model_id=OCR.id, backend="local", score=1.0, card=OCR)])


def test_the_picture_fallback_is_decided_per_task_not_by_the_whole_request():
    portrait = Task(id=0, task="image-to-text", args={"image": "portrait.jpg"})
    sky = Task(id=1, task="image-to-text", args={"image": "sky.png"})
    assert picture_stand_in(portrait, _ocr_choice(0), MIXED).task == "image-classification"
    assert picture_stand_in(sky, _ocr_choice(1), MIXED) is None
    assert picture_stand_in(portrait, _ocr_choice(0), "Describe portrait.jpg").task == "image-classification"
    # an image given as another task's output: the whole request decides, as before
    made = Task(id=2, task="image-to-text", dep=[0], args={"image": Ref(task_id=0)})
    assert picture_stand_in(made, _ocr_choice(2), "Make a picture of a cat, then read the text in it") is None


def test_stand_ins_give_only_the_picture_to_describe_a_classifier_fallback(catalog):
    plan = Plan(tasks=[Task(id=0, task="image-to-text", args={"image": "portrait.jpg"}),
                       Task(id=1, task="image-to-text", args={"image": "sky.png"}),
                       Task(id=2, task="text-to-speech", dep=[1], args={"text": Ref(task_id=1)})])
    _, choices = _selected(plan, MIXED, catalog, {OCR.id, CLASSIFIER.id, TTS.id})
    assert choices[0].fallback is not None and choices[0].fallback.model_id == CLASSIFIER.id
    assert choices[1].fallback is None and choices[2].fallback is None


# ----------------------------------------------------------------------------- a language no model is known for


def test_an_unknown_target_language_is_kept_as_written_and_matches_no_other_code():
    found = query_languages("Translate 'good morning' into Klingon")
    assert found.unknown_target == "Klingon" and found.target == "klingon"
    assert query_languages("x", target="Klingon").unknown_target == "Klingon"
    # known ones, however written, are not unknown
    assert query_languages("Translate this French text into Simplified Chinese") == QueryLanguages(
        frozenset({"fr", "zh"}), "fr", "zh")
    assert query_languages("x", target="Brazilian Portuguese").target == "pt"
    assert query_languages("Translate 'fly to Mars' and read it to John").unknown_target is None
    korean = local_card("Helsinki-NLP/opus-mt-ko-en", "translation", "ko en", languages=("ko", "en"))
    en_x = local_card("facebook/wmt21-en-x", "translation", "en to x", languages=("multilingual", "en", "de", "ja"))
    listed = local_card("org/klingon-mt", "translation", "English to Klingon", languages=("en", "klingon"))
    llm = local_card("controller-llm", "translation", "the LLM", tags=("llm",))
    assert not languages.may_translate_into(korean, found) and not languages.may_translate_into(en_x, found)
    assert languages.may_translate_into(listed, found) and languages.may_translate_into(llm, found)


def test_a_translation_into_klingon_takes_no_model_of_another_language_and_says_so():
    cards = [local_card("Helsinki-NLP/opus-mt-ko-en", "translation", "translate Korean Klingon to English", languages=("ko", "en")),
             local_card("Helsinki-NLP/opus-mt-en-de", "translation", "translate English to German", languages=("en", "de")),
             local_card("facebook/wmt21-en-x", "translation", "English to many", languages=("multilingual", "en", "de")),
             local_card("controller-llm", "translation", "the LLM translates", tags=("llm",))]
    catalog = ModelIndex.build(cards, HashEmbedder())
    request = "Translate 'good morning' into Klingon"
    plan = Plan(tasks=[Task(id=0, task="translation", args={"text": "good morning"})])
    backends = Backends([SubsetBackend({c.id for c in cards[:3]})])
    (choice,) = select_models(plan, request, catalog, backends)
    assert choice.model_id is None and choice.candidates == []
    assert "no model here is known to translate into Klingon (none of its 4 catalog models lists it)" in choice.reason
    assert "hugginggpt models add PATH_OR_ID --task translation" in choice.reason
    assert f"{VQA_FIX} of controller-llm" in choice.reason  # the LLM may know it: its fix
    # with the LLM runnable, it is the one chosen; into German, the German model
    with_llm = Backends([SubsetBackend({c.id for c in cards})])
    assert select_models(plan, request, catalog, with_llm)[0].model_id == "controller-llm"
    german = select_models(plan, "Translate 'good morning' into German", catalog, backends)[0]
    assert german.model_id == "Helsinki-NLP/opus-mt-en-de"


# ----------------------------------------------------------------------------- real bundled models


def _run(tmp_path: Path, request: str, files: list[str]):
    from hugginggpt_tools import create_hugginggpt_agent
    from hugginggpt_tools.config import Settings

    agent = create_hugginggpt_agent(settings=Settings(output_dir=tmp_path / "out"))
    return agent.invoke({"input": request, "files": files})["answer"]


@pytest.mark.integration
def test_real_who_and_what_questions_about_the_portrait(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    shutil.copy(ROOT / "examples" / "portrait.jpg", tmp_path / "portrait.jpg")
    who = _run(tmp_path, "Who is in portrait.jpg?", ["portrait.jpg"])
    (result,) = who.results
    assert (result.task, result.stands_in_for, result.status) == ("object-detection", "visual-question-answering",
                                                                  "succeeded")
    assert "found 1 face" in result.text
    assert "not who they are" in who.text and "hf download" in who.text and "standing in for" in who.text
    what = _run(tmp_path, "What is in portrait.jpg?", ["portrait.jpg"])
    (result,) = what.results
    assert (result.task, result.stands_in_for, result.status) == ("image-classification",
                                                                  "visual-question-answering", "succeeded")
    assert result.data and "labels the picture as a whole" in what.text and "hf download" in what.text
    colour = _run(tmp_path, "What colour is the car in portrait.jpg?", ["portrait.jpg"])
    reading, answering = colour.results  # answered from the writing in the picture: it has none
    assert (reading.task, reading.stands_in_for, reading.status) == ("image-to-text", "visual-question-answering",
                                                                     "failed")
    assert "no model here answers questions about what a picture shows" in reading.error
    assert answering.status == "skipped" and "hf download" in colour.plan.warnings[0]


@pytest.mark.integration
def test_real_describe_one_picture_and_read_the_text_of_another(tmp_path, monkeypatch):
    """sky.png has no text: its reading fails with the fix for writing, and the portrait still gets
    the classifier's labels, its reason the fix for a description."""
    from PIL import Image

    monkeypatch.chdir(tmp_path)
    shutil.copy(ROOT / "examples" / "portrait.jpg", tmp_path / "portrait.jpg")
    sky = Image.linear_gradient("L").resize((320, 200)).convert("RGB")
    sky.save(tmp_path / "sky.png")
    answer = _run(tmp_path, MIXED, ["portrait.jpg", "sky.png"])
    portrait, reading, speech = answer.results
    assert (portrait.task, portrait.stands_in_for, portrait.status) == ("image-classification", "image-to-text",
                                                                        "succeeded")
    assert "found no text in portrait.jpg: this model reads printed text and does not describe pictures" in portrait.error
    assert reading.status == "failed" and "found no text in sky.png; if it does show text" in reading.error
    assert speech.status == "skipped"
    alone = _run(tmp_path, "Describe portrait.jpg", ["portrait.jpg"])
    assert alone.results[0].task == "image-classification" and alone.results[0].status == "succeeded"
