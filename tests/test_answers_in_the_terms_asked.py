"""Answers in the terms of the question, found by a first user running `hugginggpt run`:

* "what language is this: 'Ich habe heute keine Zeit, vielleicht morgen.'" chose the VADER sentiment
  model (the German text made it the closer meaning) and answered "sentiment: neutral": a request that
  asks which language (or the sentiment) takes a classifier that gives it, or none, with the fix;
* "transcribe this" of a photo with no text answered with image-classification labels: transcribing an
  image asks for its writing, so the OCR's "found no text" is the answer;
* text-to-image said only "hf-inference: ...": the reason now says no bundled or local model makes images;
* "how many faces are in group.jpg?" answered "no objects found": it is "0 faces found in group.jpg",
  leading the answer, and a count of what the face detector cannot find ("count the cars") fails with the fix.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from fake_embedder import HashEmbedder

from hugginggpt_tools.backends._ocr import asks_for_writing, no_text_message
from hugginggpt_tools.backends.base import Backends
from hugginggpt_tools.backends.bundled_vision import answer_text, asked_thing
from hugginggpt_tools.config import REPO_DIR
from hugginggpt_tools.model_index.index import ModelIndex
from hugginggpt_tools.response import summarize
from hugginggpt_tools.schemas import Artifact, Candidate, ModelCard, ModelChoice, Plan, Ref, Task, TaskResult
from hugginggpt_tools.selection import (
    asked_kind,
    asks_for_language,
    identifies_language,
    picture_stand_in,
    select_models,
)
from hugginggpt_tools.testing import SubsetBackend, fake_choice

GERMAN = "Ich habe heute keine Zeit, vielleicht morgen."


def _card(model_id: str, description: str, downloads: int = 10, tags: tuple[str, ...] = (),
          task: str = "text-classification", backends: tuple[str, ...] = ("local",)) -> ModelCard:
    return ModelCard(id=model_id, task=task, description=description, downloads=downloads, tags=list(tags),
                     backends=list(backends))


# the sentiment model is far more popular: without the kind of answer asked, it ranks first
SENTIMENT = _card("cls/sentiment", "Sentiment analysis of English text: positive, negative or neutral. It does "
                  "not identify languages.", 10**7, tags=("sentiment-analysis",))
LANGID = _card("cls/langid", "Language identification: says which language a text is written in. It does not "
               "detect sentiment.", 10, tags=("language-identification",))
BARE = _card("local/my-classifier", "", 0)


@pytest.fixture(scope="module")
def catalog() -> ModelIndex:
    return ModelIndex.build([SENTIMENT, LANGID, BARE], HashEmbedder())


def _classify(text: str = GERMAN) -> Plan:
    return Plan(tasks=[Task(id=0, task="text-classification", args={"text": text})])


def _chosen(catalog: ModelIndex, request: str, runnable: set[str], text: str = GERMAN) -> ModelChoice:
    return select_models(_classify(text), request, catalog, Backends([SubsetBackend(runnable)]))[0]


# ----------------------------------------------------------------------------- which language, or sentiment


@pytest.mark.parametrize(("request_", "asks"), [
    (f"what language is this: '{GERMAN}'", True),
    ("Which language is this text written in?", True),
    ("Detect the language of 'hola, ¿cómo estás?'", True),
    ("identify the spoken language", True),
    ("run language identification on it", True),
    ("Translate this into German", False),
    ("Is this review positive or negative?", False),
    ("Classify language.txt", False),  # a file's name asks nothing
])
def test_a_request_asking_which_language_is_told(request_: str, asks: bool) -> None:
    assert asks_for_language(request_) is asks


def test_a_card_identifies_languages_unless_it_denies_it() -> None:
    assert identifies_language(LANGID)
    assert identifies_language(_card("papluca/xlm-roberta-base-language-detection", "fine-tuned xlm-roberta"))
    assert not identifies_language(SENTIMENT)  # "does not identify languages"
    assert not identifies_language(BARE)


def test_the_language_identifier_answers_which_language_whatever_the_text(catalog: ModelIndex) -> None:
    both = {SENTIMENT.id, LANGID.id}
    assert _chosen(catalog, "Classify this text", both).model_id == SENTIMENT.id  # popularity: the control
    for request in (f"what language is this: '{GERMAN}'", "Which language is this written in?"):
        choice = _chosen(catalog, request, {*both, BARE.id})
        assert choice.model_id == LANGID.id, request
        assert [c.model_id for c in choice.candidates] == [LANGID.id]
        assert "identifies languages" in choice.reason
    # and a sentiment question takes the sentiment model, though the text is in German
    assert _chosen(catalog, f"Is this positive or negative: '{GERMAN}'", {SENTIMENT.id, LANGID.id}).model_id \
        == SENTIMENT.id


def test_the_text_classified_asks_nothing(catalog: ModelIndex) -> None:
    """The question quoted as the text to classify is material, not the request's ask."""
    task = _classify("what language should I learn next?").tasks[0]
    assert asked_kind(task, "Classify the sentiment of: 'what language should I learn next?'").asks.startswith(
        "about sentiment")
    assert asked_kind(task, "Classify this: 'what language should I learn next?'") is None


def test_each_classification_takes_the_kind_its_own_words_ask_for(catalog: ModelIndex) -> None:
    """"what language is review.txt in, and is the reviewer happy?" plans two classifications of one text,
    each with its clause as ``about``: the first takes the language identifier, the second the sentiment
    model (over the whole request, which asks for both, each took the more popular sentiment model)."""
    request = "what language is review.txt written in, and is the reviewer happy?"
    plan = Plan(tasks=[Task(id=0, task="text-classification", args={"text": "review.txt"},
                            about="what language is review.txt written in?"),
                       Task(id=1, task="text-classification", args={"text": "review.txt"},
                            about="is the reviewer happy?")])
    chosen = select_models(plan, request, catalog, Backends([SubsetBackend({SENTIMENT.id, LANGID.id})]))
    assert [c.model_id for c in chosen] == [LANGID.id, SENTIMENT.id]
    # words that ask for neither kind leave the request to say which
    task = Task(id=0, task="text-classification", args={"text": "review.txt"}, about="classify review.txt")
    assert asked_kind(task, "classify review.txt; I want to know its sentiment").asks.startswith("about sentiment")


def test_with_no_language_identifier_a_bare_card_may_answer_and_a_sentiment_model_may_not(catalog) -> None:
    request = f"what language is this: '{GERMAN}'"
    maybe = _chosen(catalog, request, {SENTIMENT.id, BARE.id})
    assert maybe.model_id == BARE.id and "does not say it cannot" in maybe.reason
    refused = _chosen(catalog, request, {SENTIMENT.id})
    assert refused.model_id is None
    assert refused.reason.startswith("no runnable model for text-classification: the request asks which language "
                                     "its input is in, and no text-classification model that can run here "
                                     "identifies languages: cls/sentiment, the one that can run, does not; ")
    assert "1 of its catalog models identifies languages, none can run now (local: download the weights of " \
           "cls/langid)" in refused.reason
    # the answer lays the fix out on its own line, as for any model that cannot run
    result = TaskResult(task_id=0, task="text-classification", status="failed", error=refused.reason)
    assert "   - local: download the weights of cls/langid" in summarize(request, _classify(), [refused], [result])


@pytest.mark.integration
@pytest.mark.parametrize(("request_", "text", "model"), [
    (f"what language is this: '{GERMAN}'", GERMAN, "bundled/fasttext-lid176"),
    ("what language is this: 'Das Essen war wunderbar, danke!'", "Das Essen war wunderbar, danke!",
     "bundled/fasttext-lid176"),
    ("Is this review positive or negative? 'Das Essen war wunderbar, danke!'", "Das Essen war wunderbar, danke!",
     "bundled/vader-sentiment"),
])
def test_the_shipped_index_answers_which_language_with_the_language_identifier(request_, text, model) -> None:
    """Before, the German sentence chose bundled/vader-sentiment (similarity 0.32 against 0.26)."""
    from hugginggpt_tools.backends import default_backends
    from hugginggpt_tools.config import Settings
    from hugginggpt_tools.model_index.index import load_default_index

    settings = Settings(index_dir=REPO_DIR / "indexes" / "default")
    index, backends = load_default_index(settings), default_backends(settings)
    if backends.runnable_backend(next(c for c in index.cards if c.id == model)) is None:
        pytest.skip(f"{model} cannot run here")
    assert select_models(_classify(text), request_, index, backends)[0].model_id == model


# ----------------------------------------------------------------------------- transcribe an image


OCR = _card("ocr/reader", "reads printed text", tags=("ocr",), task="image-to-text")


def _ocr_choice() -> ModelChoice:
    return ModelChoice(task_id=0, task="image-to-text", model_id=OCR.id, backend="local",
                       candidates=[Candidate(model_id=OCR.id, backend="local", score=1.0, card=OCR)])


@pytest.mark.parametrize("request_", ["transcribe this", "Transcribe photo.jpg", "make a transcription of photo.jpg",
                                      "type out the note in photo.jpg", "tell me what the label in photo.jpg says"])
def test_transcribing_an_image_asks_for_its_writing(request_: str) -> None:
    task = Task(id=0, task="image-to-text", args={"image": "photo.jpg"})
    assert asks_for_writing(request_)
    assert picture_stand_in(task, _ocr_choice(), request_) is None  # no classifier labels for a transcript
    message = no_text_message("photo.jpg", request_)
    assert message.startswith("found no text in photo.jpg;") and "caption" not in message


@pytest.mark.parametrize("request_", ["describe photo.jpg", "write up a description of photo.jpg",
                                      "Describe photo.jpg and read it aloud"])
def test_describing_an_image_still_gets_the_classifier(request_: str) -> None:
    task = Task(id=0, task="image-to-text", args={"image": "photo.jpg"})
    assert picture_stand_in(task, _ocr_choice(), request_).task == "image-classification"


# ----------------------------------------------------------------------------- a type only a remote endpoint runs


def test_a_type_no_local_backend_runs_says_so_with_the_remote_fix() -> None:
    cards = [_card(f"t2i/model-{i}", "text to image diffusion", 10 - i, task="text-to-image",
                   backends=("transformers", "hf-inference")) for i in range(3)]
    cards.append(_card("cap/reader", "reads text", task="image-to-text", backends=("transformers", "hf-inference")))
    index = ModelIndex.build(cards, HashEmbedder())
    backends = Backends([SubsetBackend(set(), "transformers"), SubsetBackend(set(), "hf-inference", "set HF_TOKEN")])
    plan = Plan(tasks=[Task(id=0, task="text-to-image", args={"text": "a cat on a sofa"}),
                       Task(id=1, task="image-to-text", args={"image": "a.png"})])
    image, reader = select_models(plan, "draw a cat on a sofa and read a.png", index, backends)
    assert image.reason == (
        "no runnable model for text-to-image: no bundled or local model here makes images, as neither a bundled "
        "model nor the transformers backend runs text-to-image; its 3 catalog models run only on a remote "
        "endpoint, none can run now (hf-inference: set HF_TOKEN of t2i/model-0)")
    assert reader.reason.startswith("no runnable model for image-to-text: 1 catalog models, none can run now (")
    result = TaskResult(task_id=0, task="text-to-image", status="failed", error=image.reason)
    answer = summarize("draw a cat", plan, [image], [result])
    assert "run only on a remote endpoint, none can run now; to run one:\n   - hf-inference: set HF_TOKEN" in answer


# ----------------------------------------------------------------------------- counts in the question's terms


@pytest.mark.parametrize(("question", "expected"), [
    ("how many faces are in group.jpg?", ("faces", True)),
    ("How many smiling faces do you see?", ("smiling faces", True)),
    ("what is the number of people in it?", ("people", True)),
    ("find out how many faces there are", ("faces", True)),
    ("count the red cars in street.jpg", ("red cars", True)),
    ("Detect the faces in a.jpg", ("faces", False)),
    ("is there anyone in the photo?", ("anyone", False)),
    ("how many are there?", None),
    ("count the objects in x.png", None),
    ("find what is in it", None),
    ("Describe faces.jpg", None),
    # the phrase a label names, not another clause's ("cannot count words in photo.jpg" failed the faces)
    ("Count the words in note.txt and detect faces in photo.jpg", ("faces", False)),
])
def test_what_a_question_counts_or_looks_for(question: str, expected) -> None:
    assert asked_thing(question) == expected


def test_the_answer_is_in_the_terms_of_the_question() -> None:
    none = {"face": 0, "person": 0}
    assert answer_text("faces", none, "group.jpg") == "0 faces found in group.jpg"
    assert answer_text("faces", {"face": 2, "person": 1}, "a.jpg") == "2 faces found in a.jpg; also 1 person"
    # a face is a person too: a portrait shows one and no full body
    assert answer_text("people", {"face": 1, "person": 2}, "a.jpg") == "2 people found in a.jpg (1 face, 2 full bodies)"
    assert answer_text("anyone", {"face": 1, "person": 0}, "portrait.jpg", counting=False) == \
        "found 1 person in portrait.jpg (1 face, 0 full bodies)"
    assert answer_text("faces", none, "group.jpg", counting=False) == "no faces found in group.jpg"
    assert answer_text("anyone", {"face": 0, "person": 1}, "a.jpg", counting=False) == "found 1 person in a.jpg"
    assert answer_text("red cars", none, "street.jpg") is None


def _detect(tmp_path: Path, request: str):
    from PIL import Image

    from hugginggpt_tools.artifacts import ArtifactStore
    from hugginggpt_tools.backends.base import RunContext
    from hugginggpt_tools.backends.bundled import BundledBackend
    from hugginggpt_tools.config import Settings
    from hugginggpt_tools.model_index.catalog import bundled_cards

    Image.new("RGB", (320, 240), "skyblue").save(tmp_path / "group.jpg")
    (card,) = [c for c in bundled_cards() if c.id == "bundled/opencv-haar-faces-people"]
    ctx = RunContext(store=ArtifactStore(tmp_path / "out"), settings=Settings(num_threads=1), request=request)
    return BundledBackend(Settings(num_threads=1)).run(card, "object-detection",
                                                       {"image": str(tmp_path / "group.jpg")}, ctx)


@pytest.mark.integration
def test_the_face_detector_counts_what_was_asked(tmp_path: Path) -> None:
    from hugginggpt_tools.errors import BackendError

    assert _detect(tmp_path, "how many faces are in group.jpg?").text == "0 faces found in group.jpg"
    assert _detect(tmp_path, "how many people are in group.jpg?").text == "0 people found in group.jpg"
    # no count asked: what it finds at all, as before
    assert _detect(tmp_path, "find objects in group.jpg").text.startswith("no objects found; this model detects only")
    with pytest.raises(BackendError, match=r"cannot count cars in group\.jpg: this model detects only faces and "
                                           r"people; to count cars, add a general object detector"):
        _detect(tmp_path, "count the cars in group.jpg")


def test_a_detection_count_leads_the_answer() -> None:
    """A detection's text answers the question (its drawn boxes only show it): it heads the answer."""
    plan = Plan(tasks=[Task(id=0, task="object-detection", args={"image": "group.jpg"})])
    png = Artifact(id="d", path="/out/detections.png", mime_type="image/png", modality="image", task_id=0)
    result = TaskResult(task_id=0, task="object-detection", status="succeeded", model_id="bundled/haar",
                        backend="bundled", text="0 faces found in group.jpg", artifacts=[png])
    answer = summarize("how many faces are in group.jpg?", plan, [fake_choice(0, "object-detection")], [result])
    assert answer.startswith("Result: 0 faces found in group.jpg\n")
    # a file's description does not: text-to-speech's text says what it wrote
    tts = Plan(tasks=[Task(id=0, task="text-to-speech", args={"text": "hi"})])
    wav = Artifact(id="w", path="/out/s.wav", mime_type="audio/x-wav", modality="audio", task_id=0)
    spoke = TaskResult(task_id=0, task="text-to-speech", status="succeeded", model_id="bundled/tts", backend="bundled",
                       text="spoke 2 characters", artifacts=[wav])
    assert not summarize("say hi", tts, [fake_choice(0, "text-to-speech")], [spoke]).startswith("Result:")
    assert Ref(task_id=0)  # the references a consumer would hold keep a detection out of the finals
