"""What a user reads when no model here can do the job: an OCR's "no text" fits the request, and
the model a fix line says to download is one a laptop runs, of the languages asked."""

from __future__ import annotations

from pathlib import Path

import pytest
from fake_embedder import HashEmbedder

from hugginggpt_tools.artifacts import ArtifactStore
from hugginggpt_tools.backends._ocr import asks_for_writing, no_text_message
from hugginggpt_tools.backends.base import Backends, RunContext
from hugginggpt_tools.config import REPO_DIR, Settings
from hugginggpt_tools.diagnostics import cell
from hugginggpt_tools.errors import BackendError
from hugginggpt_tools.model_index.index import ModelIndex
from hugginggpt_tools.model_index.languages import QueryLanguages, card_languages
from hugginggpt_tools.model_index.ranking import (
    LAPTOP_PARAMETERS,
    estimated_parameters,
    exact_pair,
    laptop_sized,
    other_library,
    suggestion_key,
)
from hugginggpt_tools.schemas import ModelCard, Plan, Task
from hugginggpt_tools.selection import select_models
from hugginggpt_tools.testing import SubsetBackend

# ----------------------------------------------------------------------------- OCR: no text found


@pytest.mark.parametrize(("request_", "writing"), [
    ("Read the text in landscape.jpg aloud", True),
    ("What does the sign in p.jpg say?", True),
    ("Transcribe the handwriting in note.png", True),
    ("Caption these photos", False),
    ("Describe this picture", False),
    ("Give me a text description of p.jpg", False),
    ("", False),
])
def test_the_no_text_fix_fits_what_was_asked(request_: str, writing: bool) -> None:
    message = no_text_message("landscape.jpg", request_)
    assert asks_for_writing(request_) is writing
    assert message.startswith("found no text in landscape.jpg")
    # a reader of text is not told to add a captioning model; one who asked for a caption is
    assert ("captioning model" in message) is not writing
    assert ("sharper, closer or better-lit image" in message) is writing


@pytest.mark.integration
def test_the_ocr_model_fails_with_the_fix_for_the_request(tmp_path: Path) -> None:
    """"Read the text in landscape.jpg aloud" of a photo with no text said "add an image captioning model"."""
    from PIL import Image

    from hugginggpt_tools.backends.bundled import BundledBackend
    from hugginggpt_tools.model_index.catalog import bundled_cards

    Image.new("RGB", (64, 64), "skyblue").save(tmp_path / "landscape.jpg")
    backend = BundledBackend(Settings(num_threads=1))
    (card,) = [c for c in bundled_cards() if c.id == "bundled/rapidocr-ppocrv4"]
    inputs = {"image": str(tmp_path / "landscape.jpg")}
    messages = {}
    for request in ("Read the text in landscape.jpg aloud", "Caption landscape.jpg"):
        ctx = RunContext(store=ArtifactStore(tmp_path / "out"), settings=Settings(num_threads=1), request=request)
        with pytest.raises(BackendError, match="found no text in landscape.jpg") as caught:
            backend.run(card, "image-to-text", inputs, ctx)
        messages[request] = str(caught.value)
    assert "try a sharper" in messages["Read the text in landscape.jpg aloud"]
    assert "caption" not in messages["Read the text in landscape.jpg aloud"]
    assert "add an image captioning model" in messages["Caption landscape.jpg"]


# ----------------------------------------------------------------------------- model size and library


def _card(model_id: str, task: str = "translation", description: str = "", downloads: int = 100,
          tags: tuple[str, ...] = (), backends: tuple[str, ...] = ("local", "remote")) -> ModelCard:
    return ModelCard(id=model_id, task=task, description=description, downloads=downloads, tags=list(tags),
                     backends=list(backends))


@pytest.mark.parametrize(("model_id", "task", "description", "size"), [
    ("PygmalionAI/pygmalion-6b", "conversational", "", 6e9),
    ("facebook/nllb-200-distilled-600M", "translation", "", 600e6),
    ("damo-vilab/text-to-video-ms-1.7b", "text-to-video", "", 1.7e9),
    ("BelleGroup/BELLE-7B-2M", "text-generation", "", 7e9),  # the largest count of the id
    ("google/flan-t5-xxl", "text2text-generation", "Flan-PaLM 540B achieves ...", 11e9),  # the id outranks
    ("jonatasgrosman/wav2vec2-large-xlsr-53-english", "automatic-speech-recognition", "", 500e6),
    ("ultralyticsplus/yolov8m", "object-detection", "", None),  # not 8m
    ("facebook/m2m100_418M", "translation", "", 418e6),  # not m2m100's 2m
    ("hivemind/gpt-j-6B-8bit", "text-generation", "", 6e9),  # not 8bit
    ("gpt2", "text-generation", "the smallest version of GPT-2, with 124M parameters", 124e6),
    ("facebook/wmt21-dense-24-wide-en-x", "translation", "WMT 21 En-X is a 4.7B multilingual encoder-decoder "
     "(seq-to-seq) model trained for one-to-many multilingual translation", 4.7e9),
    ("bigscience/bloom", "text-generation", "BigScience Large Open-science Open-access Multilingual Language "
     "Model", 7e9),
    ("yiyanghkust/finbert-tone", "text-classification", "FinBERT: A Large Language Model for Extracting "
     "Information from Financial Text, trained on 4.9B tokens", None),  # a classifier; tokens are no size
    ("Helsinki-NLP/opus-mt-en-fr", "translation", "", None),
])
def test_estimated_parameters_read_the_id_then_the_description(model_id, task, description, size) -> None:
    card = _card(model_id, task, description)
    assert estimated_parameters(card) == size
    assert laptop_sized(card) is (size is None or size <= LAPTOP_PARAMETERS)


def test_other_libraries_and_exact_pairs() -> None:
    assert other_library(_card("facebook/unit_hifigan_x", tags=("fairseq", "audio")))
    assert not other_library(_card("microsoft/speecht5_tts", tags=("audio",)))
    into_french = QueryLanguages(frozenset({"fr"}), None, "fr")
    ja_to_en = QueryLanguages(frozenset({"ja", "en"}), "ja", "en")
    pairs = {name: card_languages(_card(name)) for name in (
        "Helsinki-NLP/opus-mt-en-fr", "facebook/wmt21-dense-24-wide-en-x", "Helsinki-NLP/opus-mt-mul-en",
        "Helsinki-NLP/opus-mt-ja-en", "t5-small")}
    assert [n for n, c in pairs.items() if exact_pair(into_french, c)] == ["Helsinki-NLP/opus-mt-en-fr"]
    assert [n for n, c in pairs.items() if exact_pair(ja_to_en, c)] == ["Helsinki-NLP/opus-mt-ja-en"]
    assert not exact_pair(None, pairs["Helsinki-NLP/opus-mt-en-fr"])


def test_the_suggestion_order_puts_loadable_laptop_models_first() -> None:
    big = _card("org/chat-6b", downloads=10_000_000)
    vocoder = _card("org/vocoder", downloads=5_000_000, tags=("fairseq",))
    small = _card("org/chat-small", downloads=1_000)
    assert min([big, vocoder, small], key=lambda c: suggestion_key(c, c.downloads)) is small
    assert min([big, vocoder], key=lambda c: suggestion_key(c, c.downloads)) is big  # loadable, if large
    # language first, then the exact pair, then the merit
    assert suggestion_key(small, 0.1, language=0.15) < suggestion_key(small, 0.9, language=0.12)
    assert suggestion_key(small, 0.1, 0.15, exact=True) < suggestion_key(small, 0.9, 0.15)


# ----------------------------------------------------------------------------- fix lines


def test_the_fix_line_names_a_small_model_of_the_languages_asked() -> None:
    """"Translate 'hello world' into French" said to download a 4.7B en-x model, ranked first."""
    cards = [
        _card("facebook/wmt21-dense-24-wide-en-x", description="translate translation French a 4.7B multilingual "
              "model", downloads=5_000_000),
        _card("t5-small", description="translate", downloads=2_000_000),
        _card("Helsinki-NLP/opus-mt-en-fr", description="translate", downloads=350_000),
        _card("Helsinki-NLP/opus-mt-en-de", description="translate", downloads=200_000),
    ]
    catalog = ModelIndex.build(cards, HashEmbedder())
    backends = Backends([SubsetBackend(set(), "local")])
    task = Task(id=0, task="translation", args={"text": "hello world", "target_language": "French"})
    request = "Translate 'hello world' into French: translate translation French"
    # the ranked best is still the large wmt21 model (it runs where its weights are)...
    runs_all = Backends([SubsetBackend({c.id for c in cards}, "local")])
    assert select_models(Plan(tasks=[task]), request, catalog, runs_all)[0].model_id == cards[0].id
    # ...but the fix names the pair model
    reason = select_models(Plan(tasks=[task]), request, catalog, backends)[0].reason
    assert "local: download the weights of Helsinki-NLP/opus-mt-en-fr" in reason and "wmt21" not in reason


def test_a_backend_that_does_not_implement_the_task_is_no_fix() -> None:
    """text-to-image listed the transformers backend's 19 task types as a "fix"."""
    cards = [_card("org/diffusion", task="text-to-image", backends=("transformers", "hf-inference"))]
    catalog = ModelIndex.build(cards, HashEmbedder())
    backends = Backends([SubsetBackend(set(), "transformers"), SubsetBackend(set(), "hf-inference")])
    task = Task(id=0, task="text-to-image", args={"text": "a cat"})
    reason = select_models(Plan(tasks=[task]), "draw a cat", catalog, backends)[0].reason
    assert "hf-inference: download the weights of org/diffusion" in reason and "transformers:" not in reason
    # when no backend implements it, the reasons stay (they say which types each one runs)
    only = Backends([SubsetBackend(set(), "transformers")])
    lone = [_card("org/diffusion", task="text-to-image", backends=("transformers",))]
    reason = select_models(Plan(tasks=[task]), "draw a cat", ModelIndex.build(lone, HashEmbedder()), only)[0].reason
    assert "transformers: download the weights of org/diffusion" in reason


def test_doctor_suggests_a_loadable_laptop_model_not_the_most_downloaded() -> None:
    cards = [_card("PygmalionAI/pygmalion-6b", "conversational", downloads=9_000_000, backends=("local",)),
             _card("org/fairseq-chat", "conversational", downloads=5_000_000, tags=("fairseq",), backends=("local",)),
             _card("facebook/blenderbot-400M-distill", "conversational", downloads=1_000, backends=("local",))]
    found = cell("conversational", "local", cards, Backends([SubsetBackend(set(), "local")]),
                 {"local": {"conversational"}})
    assert found.status == "unavailable" and found.fix == "download the weights of facebook/blenderbot-400M-distill"


@pytest.mark.integration
@pytest.mark.parametrize(("request_", "task", "args", "expected"), [
    ("Translate 'hello world' into French", "translation", {"text": "hello world"}, "Helsinki-NLP/opus-mt-en-fr"),
    ("Translate the text in sign.png into German", "translation", {"text": "OPEN DAILY"},
     "Helsinki-NLP/opus-mt-en-de"),
    ("Write a short poem about the sea", "text-generation", {"text": "a short poem about the sea"}, "gpt2"),
])
def test_the_shipped_index_suggests_laptop_models(request_, task, args, expected) -> None:
    """On the shipped index with the real MiniLM and nothing runnable: the fix names a small model
    (it named facebook/wmt21-dense-24-wide-en-x, facebook/mbart-large-cc25 and bigscience/bloom)."""
    shipped = ModelIndex.load(REPO_DIR / "indexes" / "default")
    backends = Backends([SubsetBackend(set(), "transformers")])
    reason = select_models(Plan(tasks=[Task(id=0, task=task, args=args)]), request_, shipped, backends)[0].reason
    assert f"transformers: download the weights of {expected};" in reason + ";"
