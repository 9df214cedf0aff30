"""The transformers backend on tiny random models built and saved once per session."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
import wave
from pathlib import Path
from typing import Any

import pytest

from hugginggpt_tools.artifacts import ArtifactStore
from hugginggpt_tools.backends._transformers_tasks import (
    ADAPTERS,
    Options,
    _audio_arg,
    document_question_answering,
)
from hugginggpt_tools.backends.base import RunContext
from hugginggpt_tools.backends.transformers import LRUCache, TransformersBackend, local_model_dir
from hugginggpt_tools.config import Settings
from hugginggpt_tools.errors import BackendError, InputError
from hugginggpt_tools.schemas import ModelCard
from hugginggpt_tools.tasks import TASK_TYPES

CORPUS = ["the quick brown fox jumps over the lazy dog", "Paris is the capital of France", "I love this movie",
          "never again", "summarize the following text please", "what is the capital of France?"] * 10
W2V = dict(hidden_size=32, num_hidden_layers=2, num_attention_heads=2, intermediate_size=64, conv_dim=(16, 16),
           conv_stride=(5, 4), conv_kernel=(10, 8), num_conv_pos_embeddings=16, num_conv_pos_embedding_groups=2,
           feat_extract_norm="group", do_stable_layer_norm=False)
VIT = dict(hidden_size=32, num_hidden_layers=2, num_attention_heads=2, intermediate_size=64)


def _labels(*names: str) -> dict[str, Any]:
    return {"num_labels": len(names), "id2label": dict(enumerate(names)),
            "label2id": {n: i for i, n in enumerate(names)}}


def _wordpiece(d: Path, specials: list[str], template: str, **names: str) -> Any:
    from tokenizers import Tokenizer, decoders, models, normalizers, pre_tokenizers, processors, trainers
    from transformers import PreTrainedTokenizerFast

    tok = Tokenizer(models.WordPiece(unk_token=names["unk_token"]))
    tok.normalizer, tok.pre_tokenizer = normalizers.BertNormalizer(lowercase=True), pre_tokenizers.BertPreTokenizer()
    tok.decoder = decoders.WordPiece()
    tok.train_from_iterator(CORPUS, trainers.WordPieceTrainer(vocab_size=200, special_tokens=specials))
    ids = [(s, tok.token_to_id(s)) for s in specials if s in template]
    pair = None
    if "[SEP]" in template:
        pair = template.replace("$A", "$A:0").replace("[SEP]", "[SEP]:0") + " $B:1 [SEP]:1"
    tok.post_processor = processors.TemplateProcessing(single=template, pair=pair, special_tokens=ids)
    hf = PreTrainedTokenizerFast(tokenizer_object=tok, model_max_length=64, **names)
    hf.save_pretrained(d)
    return hf


def _bert_tok(d: Path) -> Any:
    return _wordpiece(d, ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"], "[CLS] $A [SEP]", unk_token="[UNK]",
                      pad_token="[PAD]", cls_token="[CLS]", sep_token="[SEP]", mask_token="[MASK]")


def _bert(d: Path, model_cls: str, **extra: Any) -> None:
    import transformers

    tok = _bert_tok(d)
    cfg = transformers.BertConfig(vocab_size=tok.vocab_size, max_position_embeddings=64, **VIT, **extra)
    getattr(transformers, model_cls)(cfg).save_pretrained(d)


def _t5(d: Path) -> None:
    from transformers import T5Config, T5ForConditionalGeneration

    tok = _wordpiece(d, ["<pad>", "</s>", "<unk>"], "$A </s>", unk_token="<unk>", pad_token="<pad>", eos_token="</s>")
    params = {"summarization": {"prefix": "summarize: "},
              "translation_en_to_fr": {"prefix": "translate English to French: "}}
    cfg = T5Config(vocab_size=tok.vocab_size, d_model=32, d_kv=8, d_ff=64, num_layers=2, num_heads=2, pad_token_id=0,
                   eos_token_id=1, decoder_start_token_id=0, task_specific_params=params)
    T5ForConditionalGeneration(cfg).save_pretrained(d)


def _gpt2(d: Path, chat: bool = False) -> None:
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
    from transformers import GPT2Config, GPT2LMHeadModel, PreTrainedTokenizerFast

    tok = Tokenizer(models.BPE())
    tok.pre_tokenizer, tok.decoder = pre_tokenizers.ByteLevel(add_prefix_space=False), decoders.ByteLevel()
    tok.train_from_iterator(CORPUS, trainers.BpeTrainer(vocab_size=300, special_tokens=["<|endoftext|>"],
                                                        initial_alphabet=pre_tokenizers.ByteLevel.alphabet()))
    hf = PreTrainedTokenizerFast(tokenizer_object=tok, eos_token="<|endoftext|>", bos_token="<|endoftext|>",
                                 unk_token="<|endoftext|>", model_max_length=64)
    if chat:
        hf.chat_template = ("{% for m in messages %}{{ m['role'] }}: {{ m['content'] }}\n{% endfor %}"
                            "{% if add_generation_prompt %}assistant:{% endif %}")
    hf.save_pretrained(d)
    cfg = GPT2Config(vocab_size=hf.vocab_size, n_positions=64, n_embd=32, n_layer=2, n_head=2, bos_token_id=0,
                     eos_token_id=0)
    GPT2LMHeadModel(cfg).save_pretrained(d)


def _vision(d: Path, name: str, processor: dict[str, Any], **cfg: Any) -> None:
    import transformers

    getattr(transformers, f"{name}ImageProcessor")(size=processor).save_pretrained(d)
    model_cls = {"ViT": "ViTForImageClassification", "Yolos": "YolosForObjectDetection",
                 "Segformer": "SegformerForSemanticSegmentation", "DPT": "DPTForDepthEstimation"}[name]
    getattr(transformers, model_cls)(getattr(transformers, f"{name}Config")(**cfg)).save_pretrained(d)


def _wav2vec2(d: Path, ctc: bool) -> None:
    from transformers import (
        Wav2Vec2Config,
        Wav2Vec2CTCTokenizer,
        Wav2Vec2FeatureExtractor,
        Wav2Vec2ForCTC,
        Wav2Vec2ForSequenceClassification,
        Wav2Vec2Processor,
    )

    fe = Wav2Vec2FeatureExtractor(feature_size=1, sampling_rate=16000, padding_value=0.0, do_normalize=True)
    if not ctc:
        fe.save_pretrained(d)
        cfg = Wav2Vec2Config(classifier_proj_size=16, **_labels("speech", "music"), **W2V)
        Wav2Vec2ForSequenceClassification(cfg).save_pretrained(d)
        return
    d.mkdir(parents=True, exist_ok=True)
    vocab = {"<pad>": 0, "<unk>": 1, "|": 2, **{c: i + 3 for i, c in enumerate("abcdefghijklmnopqrstuvwxyz'")}}
    (d / "vocab.json").write_text(json.dumps(vocab))
    tok = Wav2Vec2CTCTokenizer(str(d / "vocab.json"), unk_token="<unk>", pad_token="<pad>", word_delimiter_token="|")
    Wav2Vec2Processor(feature_extractor=fe, tokenizer=tok).save_pretrained(d)
    Wav2Vec2ForCTC(Wav2Vec2Config(vocab_size=len(vocab), pad_token_id=0, **W2V)).save_pretrained(d)


def _vits(d: Path) -> None:
    from transformers import VitsConfig, VitsModel, VitsTokenizer

    d.mkdir(parents=True, exist_ok=True)
    vocab = {c: i for i, c in enumerate("_ abcdefghijklmnopqrstuvwxyz.,'")}
    (d / "vocab.json").write_text(json.dumps(vocab))
    VitsTokenizer(str(d / "vocab.json"), pad_token="_", unk_token=None, add_blank=True, phonemize=False,
                  is_uroman=False).save_pretrained(d)
    cfg = VitsConfig(vocab_size=len(vocab), hidden_size=16, num_hidden_layers=1, num_attention_heads=2, ffn_dim=32,
                     flow_size=8, spectrogram_bins=17, upsample_initial_channel=16, upsample_rates=[4, 4],
                     upsample_kernel_sizes=[8, 8], resblock_kernel_sizes=[3], resblock_dilation_sizes=[[1, 3]],
                     prior_encoder_num_flows=1, prior_encoder_num_wavenet_layers=1,
                     posterior_encoder_num_wavenet_layers=1, duration_predictor_num_flows=1,
                     duration_predictor_filter_channels=16, depth_separable_num_layers=1, sampling_rate=16000)
    VitsModel(cfg).save_pretrained(d)


def _blip(d: Path) -> None:
    from transformers import BlipConfig, BlipForConditionalGeneration, BlipImageProcessor, BlipProcessor

    tok = _bert_tok(d)
    processor = BlipProcessor(image_processor=BlipImageProcessor(size={"height": 32, "width": 32}), tokenizer=tok)
    processor.save_pretrained(d)
    text = dict(vocab_size=tok.vocab_size, encoder_hidden_size=32, max_position_embeddings=64, **VIT,
                bos_token_id=tok.cls_token_id, sep_token_id=tok.sep_token_id, pad_token_id=tok.pad_token_id)
    vision = dict(image_size=32, patch_size=8, **VIT)
    cfg = BlipConfig(text_config=text, vision_config=vision, projection_dim=32)
    BlipForConditionalGeneration(cfg).save_pretrained(d)


BUILDERS = {
    "cls": lambda d: _bert(d, "BertForSequenceClassification", **_labels("NEGATIVE", "POSITIVE")),
    "ner": lambda d: _bert(d, "BertForTokenClassification", **_labels("O", "B-PER", "I-PER", "B-LOC", "I-LOC")),
    "qa": lambda d: _bert(d, "BertForQuestionAnswering"),
    "emb": lambda d: _bert(d, "BertModel"),
    "t5": _t5,
    "gpt2": _gpt2,
    "gpt2chat": lambda d: _gpt2(d, chat=True),
    "vit": lambda d: _vision(d, "ViT", {"height": 32, "width": 32}, image_size=32, patch_size=8,
                             **_labels("cat", "dog", "car"), **VIT),
    "yolos": lambda d: _vision(d, "Yolos", {"shortest_edge": 32, "longest_edge": 64}, image_size=[32, 32],
                               patch_size=8, num_detection_tokens=5, **_labels("cat", "dog"), **VIT),
    "seg": lambda d: _vision(d, "Segformer", {"height": 32, "width": 32}, num_encoder_blocks=2, depths=[1, 1],
                             sr_ratios=[2, 1], hidden_sizes=[8, 16], patch_sizes=[7, 3], strides=[4, 2],
                             num_attention_heads=[1, 1], mlp_ratios=[2, 2], decoder_hidden_size=16,
                             **_labels("sky", "road", "tree")),
    "dpt": lambda d: _vision(d, "DPT", {"height": 32, "width": 32}, image_size=32, patch_size=8,
                             backbone_out_indices=[0, 1, 2, 3], neck_hidden_sizes=[8, 16, 16, 16],
                             fusion_hidden_size=16, head_in_index=-1, **{**VIT, "num_hidden_layers": 4}),
    "w2v": lambda d: _wav2vec2(d, ctc=True),
    "w2vcls": lambda d: _wav2vec2(d, ctc=False),
    "vits": _vits,
    "blip": _blip,
}


@pytest.fixture(scope="session")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Tiny random models, saved once per session, by short name."""
    import torch

    torch.manual_seed(0)
    root = tmp_path_factory.mktemp("tiny-models")
    started = time.perf_counter()
    for name, build in BUILDERS.items():
        build(root / name)
    print(f"built {len(BUILDERS)} tiny models in {time.perf_counter() - started:.2f} s")
    return {name: root / name for name in BUILDERS}


@pytest.fixture(scope="module")
def backend() -> TransformersBackend:
    return TransformersBackend(Settings(num_threads=1, pipeline_cache_size=32), max_new_tokens=4,
                               detection_threshold=0.0)


@pytest.fixture()
def ctx(tmp_path: Path) -> RunContext:
    return RunContext(store=ArtifactStore(tmp_path / "out"), settings=Settings(num_threads=1), task_id=7,
                      request="test request")


@pytest.fixture(scope="session")
def image(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from PIL import Image, ImageDraw

    path = tmp_path_factory.mktemp("inputs") / "photo.png"
    img = Image.new("RGB", (64, 48), (200, 30, 30))
    ImageDraw.Draw(img).rectangle((10, 10, 40, 30), fill=(20, 200, 20))
    img.save(path)
    return path


@pytest.fixture(scope="session")
def wav_8k(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One second of a 440 Hz tone at 8 kHz (so the backend must resample to 16 kHz)."""
    import numpy as np

    path = tmp_path_factory.mktemp("inputs") / "tone.wav"
    samples = (0.3 * np.sin(2 * np.pi * 440 * np.arange(8000) / 8000) * 32767).astype("<i2")
    with wave.open(str(path), "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(8000)
        wav.writeframes(samples.tobytes())
    return path


def _card(task: str, path: Path | None, model_id: str = "tiny/model") -> ModelCard:
    return ModelCard(id=model_id, task=task, backends=["transformers"], path=str(path) if path else None)


def _run(backend: TransformersBackend, tiny: dict[str, Path], name: str, task: str, ctx: RunContext,
         **inputs: Any) -> Any:
    return backend.run(_card(task, tiny[name]), task, {k: str(v) for k, v in inputs.items()}, ctx)


# ----------------------------------------------------------------------------- finding weights


def test_every_adapter_is_a_known_task() -> None:
    assert set(ADAPTERS) <= set(TASK_TYPES)


def test_availability_from_card_path_and_model_dirs(tiny: dict[str, Path], tmp_path: Path) -> None:
    backend = TransformersBackend(Settings(model_dirs=[tiny["cls"].parent]))
    assert backend.availability(_card("text-classification", tiny["cls"])) is None
    by_dir = ModelCard(id="cls", task="text-classification", backends=["transformers"])
    assert backend.availability(by_dir) is None
    assert local_model_dir(by_dir, backend.settings) == tiny["cls"].resolve()
    missing = ModelCard(id="org/absent-model", task="text-classification", backends=["transformers"])
    reason = backend.availability(missing)
    assert "hf download org/absent-model" in reason and "HUGGINGGPT_MODEL_DIRS" in reason
    assert "does not run 'text-to-video'" in backend.availability(_card("text-to-video", tiny["cls"]))
    (tmp_path / "empty").mkdir()
    assert backend.availability(_card("text-classification", tmp_path / "empty", "org/other")) is not None


def test_availability_from_hf_cache(tiny: dict[str, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import shutil

    from huggingface_hub import constants

    snapshot = tmp_path / "hub" / "models--acme--tiny-cls" / "snapshots" / "abc123"
    shutil.copytree(tiny["cls"], snapshot)
    (snapshot.parents[1] / "refs").mkdir()
    (snapshot.parents[1] / "refs" / "main").write_text("abc123")
    monkeypatch.setattr(constants, "HF_HUB_CACHE", str(tmp_path / "hub"))
    card = ModelCard(id="acme/tiny-cls", task="text-classification", backends=["transformers"])
    backend = TransformersBackend(Settings())
    assert backend.availability(card) is None and local_model_dir(card, backend.settings) == snapshot
    store = ArtifactStore(tmp_path / "out")
    out = backend.run(card, card.task, {"text": "I love this movie"}, RunContext(store=store, settings=Settings()))
    assert {d["label"] for d in out.data} == {"NEGATIVE", "POSITIVE"}


def test_import_is_light() -> None:
    code = ("import sys, hugginggpt_tools.backends; "
            "print(sorted(m for m in ('torch', 'transformers', 'faiss', 'onnxruntime') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_a_model_not_in_the_hf_cache_is_told_without_importing_the_hub_download_code(tmp_path: Path) -> None:
    """``get_tools`` asks for hundreds of cards; importing huggingface_hub.file_download (and httpx)
    to hear "not cached" of each cost its first call a tenth of a second or more."""
    code = ("import sys; from huggingface_hub import constants; constants.HF_HUB_CACHE = sys.argv[1]; "
            "from hugginggpt_tools.backends.transformers import TransformersBackend; "
            "from hugginggpt_tools.config import Settings; from hugginggpt_tools.schemas import ModelCard; "
            "card = ModelCard(id='org/absent-model', task='text-classification', backends=['transformers']); "
            "print(TransformersBackend(Settings()).availability(card)); "
            "print(sorted(m for m in ('huggingface_hub.file_download', 'httpx') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code, str(tmp_path)], capture_output=True, text=True, check=True)
    reason, imported = out.stdout.strip().splitlines()
    assert "hf download org/absent-model" in reason
    assert imported == "[]"


def test_transformers_and_torch_are_looked_for_until_found(monkeypatch: pytest.MonkeyPatch) -> None:
    from hugginggpt_tools.backends import transformers as module

    looked: list[list[str]] = []
    answers = iter([["torch"], []])
    monkeypatch.setattr(module, "missing_packages", lambda names: looked.append(list(names)) or next(answers))
    backend = TransformersBackend(Settings())
    card = ModelCard(id="org/absent-model", task="text-classification", backends=["transformers"])
    assert "missing packages torch" in backend.availability(card)
    assert "not found locally" in backend.availability(card)
    assert "not found locally" in backend.availability(card)
    assert looked == [["transformers", "torch"]] * 2


# ----------------------------------------------------------------------------- errors and cache


def test_missing_weights_and_bad_folders(tmp_path: Path, ctx: RunContext) -> None:
    backend = TransformersBackend(Settings())
    with pytest.raises(BackendError, match="not found locally"):
        backend.run(_card("text-classification", None, "org/absent"), "text-classification", {"text": "x"}, ctx)
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "config.json").write_text("{}")
    with pytest.raises(BackendError, match="Could not load 'tiny/model'.*complete model"):
        backend.run(_card("text-classification", broken), "text-classification", {"text": "x"}, ctx)


def test_missing_input_is_an_input_error(backend: TransformersBackend, tiny: dict[str, Path],
                                         ctx: RunContext) -> None:
    with pytest.raises(InputError, match="'context'"):
        _run(backend, tiny, "qa", "question-answering", ctx, text="what is the capital?")
    with pytest.raises(InputError, match="does not exist"):
        _run(backend, tiny, "vit", "image-classification", ctx, image="/no/such.png")


def test_lru_cache_loads_once_and_evicts_oldest() -> None:
    cache, loads = LRUCache(2), []

    def loader(key: str) -> Any:
        def load() -> str:
            time.sleep(0.05)
            loads.append(key)
            return key.upper()
        return load

    threads = [threading.Thread(target=cache.get, args=("a", loader("a"))) for _ in range(5)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert loads == ["a"]
    cache.get("b", loader("b"))
    assert cache.get("a", loader("a")) == "A"
    cache.get("c", loader("c"))
    assert cache.keys() == ["a", "c"] and loads == ["a", "b", "c"]


def test_pipelines_are_cached_per_model(tiny: dict[str, Path], ctx: RunContext) -> None:
    backend = TransformersBackend(Settings(pipeline_cache_size=1))
    for _ in range(2):
        _run(backend, tiny, "cls", "text-classification", ctx, text="I love this movie")
    assert backend.loaded() == [(str(tiny["cls"].resolve()), "text-classification", "cpu")]
    _run(backend, tiny, "ner", "token-classification", ctx, text="Paris is nice")
    assert [key[1] for key in backend.loaded()] == ["token-classification"]
    backend.close()
    assert backend.loaded() == []


# ----------------------------------------------------------------------------- text tasks


def test_text_classification(backend: TransformersBackend, tiny: dict[str, Path], ctx: RunContext) -> None:
    out = _run(backend, tiny, "cls", "text-classification", ctx, text="I love this movie")
    assert [d["label"] for d in out.data] in (["NEGATIVE", "POSITIVE"], ["POSITIVE", "NEGATIVE"])
    assert sum(d["score"] for d in out.data) == pytest.approx(1.0, abs=1e-3)
    assert out.text.startswith(f"{out.data[0]['label']} (")


def test_token_classification(backend: TransformersBackend, tiny: dict[str, Path], ctx: RunContext) -> None:
    text = "Paris is the capital of France"
    out = _run(backend, tiny, "ner", "token-classification", ctx, text=text)
    assert out.data and {e["entity"] for e in out.data} <= {"PER", "LOC", "O"}
    for entity in out.data:
        assert text[entity["start"]:entity["end"]].lower() == entity["word"]


def test_summarization_uses_the_models_prefix(backend: TransformersBackend, tiny: dict[str, Path],
                                              ctx: RunContext, monkeypatch: pytest.MonkeyPatch) -> None:
    out = _run(backend, tiny, "t5", "summarization", ctx, text="the quick brown fox jumps over the lazy dog")
    assert isinstance(out.text, str) and out.data == {"summary_text": out.text}
    runner = backend._runner(_card("summarization", tiny["t5"]), "summarization", "seq2seq", tiny["t5"].resolve())
    seen: list[tuple[str, int]] = []
    monkeypatch.setattr(runner, "generate", lambda text, n: seen.append((text, n)) or "short")
    assert _run(backend, tiny, "t5", "summarization", ctx, text="a text").text == "short"
    assert seen == [("summarize: a text", 4)]


def test_translation_prefix_follows_the_target_language(backend: TransformersBackend, tiny: dict[str, Path],
                                                        ctx: RunContext, monkeypatch: pytest.MonkeyPatch) -> None:
    _run(backend, tiny, "t5", "translation", ctx, text="hello world", target_language="French")
    runner = backend._runner(_card("translation", tiny["t5"]), "translation", "seq2seq", tiny["t5"].resolve())
    seen: list[str] = []
    monkeypatch.setattr(runner, "generate", lambda text, n: seen.append(text) or "bonjour")
    out = _run(backend, tiny, "t5", "translation", ctx, text="hello", target_language="French")
    _run(backend, tiny, "t5", "translation", ctx, text="hello", target_language="German", source_language="Dutch")
    _run(backend, tiny, "t5", "translation", ctx, text="hello")
    assert seen == ["translate English to French: hello", "translate Dutch to German: hello",
                    "translate English to French: hello"]
    assert out.data == {"translation_text": "bonjour", "target_language": "French",
                        "prefix": "translate English to French: "}


def test_text2text_generation(backend: TransformersBackend, tiny: dict[str, Path], ctx: RunContext) -> None:
    out = _run(backend, tiny, "t5", "text2text-generation", ctx, text="what is the capital of France?")
    assert isinstance(out.text, str) and out.data == {"generated_text": out.text}


@pytest.mark.parametrize(("name", "task"), [("gpt2", "text-generation"), ("gpt2", "conversational"),
                                            ("gpt2chat", "conversational")])
def test_generation(backend: TransformersBackend, tiny: dict[str, Path], ctx: RunContext, name: str,
                    task: str) -> None:
    from transformers import AutoTokenizer

    out = _run(backend, tiny, name, task, ctx, text="the quick brown")
    assert isinstance(out.text, str) and "the quick brown" not in out.text
    assert len(AutoTokenizer.from_pretrained(tiny[name])(out.text)["input_ids"]) <= 4 * 4


def test_question_answering_returns_a_span_of_the_context(backend: TransformersBackend, tiny: dict[str, Path],
                                                          ctx: RunContext) -> None:
    context = "Paris is the capital of France"
    out = _run(backend, tiny, "qa", "question-answering", ctx, text="what is the capital?", context=context)
    span = out.data
    assert out.text == span["answer"] == context[span["start"]:span["end"]] and span["answer"]
    assert 0 < span["score"] <= 1 and span["start"] >= 0


def test_sentence_similarity(backend: TransformersBackend, tiny: dict[str, Path], ctx: RunContext) -> None:
    same = _run(backend, tiny, "emb", "sentence-similarity", ctx, text="the lazy dog", text2="the lazy dog")
    other = _run(backend, tiny, "emb", "sentence-similarity", ctx, text="the lazy dog", text2="I love Paris")
    assert same.data["similarity"] == pytest.approx(1.0, abs=1e-3)
    assert -1 <= other.data["similarity"] < same.data["similarity"]


# ----------------------------------------------------------------------------- vision tasks


def test_image_classification(backend: TransformersBackend, tiny: dict[str, Path], ctx: RunContext,
                              image: Path) -> None:
    out = _run(backend, tiny, "vit", "image-classification", ctx, image=image)
    assert sorted(d["label"] for d in out.data) == ["car", "cat", "dog"]
    assert [d["score"] for d in out.data] == sorted((d["score"] for d in out.data), reverse=True)


def test_object_detection_draws_boxes(backend: TransformersBackend, tiny: dict[str, Path], ctx: RunContext,
                                      image: Path) -> None:
    from PIL import Image

    out = _run(backend, tiny, "yolos", "object-detection", ctx, image=image)
    assert out.data and all(o["label"] in {"cat", "dog"} and len(o["box"]) == 4 for o in out.data)
    (artifact,) = out.artifacts
    assert artifact.task_id == 7 and artifact.modality == "image"
    with Image.open(artifact.path) as drawn, Image.open(image) as original:
        assert drawn.size == original.size and drawn.tobytes() != original.convert("RGB").tobytes()


def test_object_detection_that_finds_nothing_names_the_labels_it_knows(tiny: dict[str, Path], ctx: RunContext,
                                                                       image: Path) -> None:
    """An empty detection says what the model detects at all (its config's labels), so "nothing
    found" by a cat-and-dog detector does not read as "no objects in the picture"."""
    strict = TransformersBackend(Settings(num_threads=1), detection_threshold=1.01)
    out = _run(strict, tiny, "yolos", "object-detection", ctx, image=image)
    assert out.data == [] and out.text == "no objects found; this model detects only cat and dog, nothing else"


def test_image_segmentation(backend: TransformersBackend, tiny: dict[str, Path], ctx: RunContext,
                            image: Path) -> None:
    out = _run(backend, tiny, "seg", "image-segmentation", ctx, image=image)
    assert out.data and {s["label"] for s in out.data} <= {"sky", "road", "tree"}
    assert sum(s["area"] for s in out.data) == pytest.approx(1.0, abs=0.01)
    assert Path(out.artifacts[0].path).is_file()


def test_depth_estimation(backend: TransformersBackend, tiny: dict[str, Path], ctx: RunContext, image: Path) -> None:
    from PIL import Image

    out = _run(backend, tiny, "dpt", "depth-estimation", ctx, image=image)
    (artifact,) = out.artifacts
    with Image.open(artifact.path) as depth:
        assert depth.size == (64, 48)
    assert (out.data["width"], out.data["height"]) == (64, 48) and out.data["min_depth"] <= out.data["max_depth"]


def test_image_to_text_and_vqa(backend: TransformersBackend, tiny: dict[str, Path], ctx: RunContext,
                               image: Path) -> None:
    caption = _run(backend, tiny, "blip", "image-to-text", ctx, image=image)
    answer = _run(backend, tiny, "blip", "visual-question-answering", ctx, image=image, text="what colour?")
    assert isinstance(caption.text, str) and caption.data == {"generated_text": caption.text}
    assert isinstance(answer.text, str) and answer.data == {"answer": answer.text}


def test_vision_chat_models_get_a_chat_message(backend: TransformersBackend, tiny: dict[str, Path],
                                               ctx: RunContext, image: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    card = _card("visual-question-answering", tiny["blip"])
    pipe = backend._runner(card, card.task, "image-text-to-text", tiny["blip"].resolve())
    template = ("{% for m in messages %}{% for c in m['content'] %}{% if c['type'] == 'text' %}{{ c['text'] }}"
                "{% endif %}{% endfor %}{% endfor %}")
    monkeypatch.setattr(pipe.processor, "chat_template", template)
    calls: list[dict[str, Any]] = []
    original = type(pipe).__call__
    monkeypatch.setattr(type(pipe), "__call__", lambda self, *a, **k: calls.append(k) or original(self, *a, **k))
    out = backend.run(card, card.task, {"image": str(image), "text": "what colour?"}, ctx)
    content = [{"type": "image", "path": str(image)}, {"type": "text", "text": "what colour?"}]
    assert calls[0]["text"] == [{"role": "user", "content": content}] and "images" not in calls[0]
    assert isinstance(out.text, str) and out.data == {"answer": out.text}


def test_document_question_answering_adapter(tmp_path: Path, ctx: RunContext, image: Path) -> None:
    calls: list[dict[str, Any]] = []

    def fake_pipe(**kwargs: Any) -> list[dict[str, Any]]:
        calls.append(kwargs)
        return [{"answer": "348.50", "score": 0.91, "start": 4, "end": 4}, {"answer": "EUR", "score": 0.05}]

    out = document_question_answering(fake_pipe, {"image": str(image), "text": "total?"}, ctx, Options())
    assert calls == [{"image": str(image), "question": "total?"}]
    assert out.text == "348.50" and out.data == {"answer": "348.50", "score": 0.91}


# ----------------------------------------------------------------------------- audio tasks


def test_speech_recognition_resamples_wav(backend: TransformersBackend, tiny: dict[str, Path], ctx: RunContext,
                                          wav_8k: Path) -> None:
    out = _run(backend, tiny, "w2v", "automatic-speech-recognition", ctx, audio=wav_8k)
    assert out.text and set(out.text.replace("<unk>", "")) <= set("abcdefghijklmnopqrstuvwxyz' ")
    assert out.data == {"text": out.text}


def test_wav_is_read_and_resampled_for_the_model(wav_8k: Path) -> None:
    from types import SimpleNamespace

    import numpy as np

    pipe = SimpleNamespace(feature_extractor=SimpleNamespace(sampling_rate=16000))
    arg = _audio_arg(pipe, wav_8k)
    assert arg["sampling_rate"] == 16000 and arg["raw"].dtype == np.float32 and len(arg["raw"]) == 16000
    assert 0.25 < float(np.abs(arg["raw"]).max()) < 0.35
    with pytest.raises(InputError, match="missing.mp3"):  # other formats go through PyAV, not ffmpeg
        _audio_arg(pipe, Path("missing.mp3"))


def test_audio_classification(backend: TransformersBackend, tiny: dict[str, Path], ctx: RunContext,
                              wav_8k: Path) -> None:
    out = _run(backend, tiny, "w2vcls", "audio-classification", ctx, audio=wav_8k)
    assert sorted(d["label"] for d in out.data) == ["music", "speech"]


def test_text_to_speech_writes_wav(backend: TransformersBackend, tiny: dict[str, Path], ctx: RunContext) -> None:
    out = _run(backend, tiny, "vits", "text-to-speech", ctx, text="hello world")
    (artifact,) = out.artifacts
    with wave.open(artifact.path, "rb") as wav:
        assert (wav.getframerate(), wav.getsampwidth(), wav.getnchannels()) == (16000, 2, 1)
        assert wav.getnframes() > 0
    assert out.data["sample_rate"] == 16000 and out.data["duration_s"] > 0 and artifact.modality == "audio"
