"""A small pure-torch BERT sentence encoder for plain mean-pooled BERT folders (all-MiniLM-L6-v2).

``import sentence_transformers`` costs about 6 s on this project's machines (it imports
transformers, which pulls in ``torch._dynamo``, ``torch.distributed`` and more), four times what
the model needs: torch, the ``tokenizers`` library and ``safetensors``. :func:`load_encoder` builds
the same network as transformers' ``BertModel`` from those three and wraps it in
:class:`BertSentenceEncoder`, which offers the part of ``SentenceTransformer``'s interface that
:class:`~hugginggpt_tools.model_index.embedding.Embedder` uses and computes the same vectors:
the same operations in the same order and dtype as sentence-transformers with transformers'
``sdpa`` attention, bit for bit on this project's pins (sentence-transformers 6.2, transformers
5.23, torch 2.13) in float32, bfloat16 and int8 alike; ``tests/test_minilm_encoder.py`` holds
them to cosine similarity 0.99999 (bfloat16: 0.999).

Only a folder of exactly the bundled model's shape takes this path (:func:`unsupported_reason`
says why another does not): modules.json a Transformer, a mean-tokens Pooling and optionally a
Normalize; config.json a ``bert`` encoder with absolute position embeddings and exact ``gelu``;
float32 weights in one model.safetensors with the expected names and shapes; a WordPiece
tokenizer.json that the folder's tokenizer_config.json would rebuild unchanged; no prompts, no
lower-casing by sentence-transformers. Anything else loads with sentence-transformers as before.

Importing this module imports neither torch nor tokenizers nor safetensors.
"""

from __future__ import annotations

import functools
import json
import struct
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

_ST_PREFIX = "sentence_transformers."
_SENTENCE_BERT_KEYS = {"max_seq_length", "do_lower_case"}
_POOLING_FLAGS = ("pooling_mode_cls_token", "pooling_mode_max_tokens", "pooling_mode_mean_tokens",
                  "pooling_mode_mean_sqrt_len_tokens", "pooling_mode_weightedmean_tokens", "pooling_mode_lasttoken")
_POOLING_KEYS = {*_POOLING_FLAGS, "word_embedding_dimension", "embedding_dimension", "pooling_mode", "include_prompt"}
_TOKENIZER_CONFIG_KEYS = {"do_lower_case", "unk_token", "sep_token", "pad_token", "cls_token", "mask_token",
                          "tokenize_chinese_chars", "strip_accents", "name_or_path", "do_basic_tokenize", "never_split",
                          "tokenizer_class", "model_max_length", "clean_up_tokenization_spaces", "padding_side",
                          "truncation_side", "special_tokens_map_file", "added_tokens_decoder", "extra_special_tokens",
                          "model_input_names"}
_SPECIAL_TOKENS = {"unk_token": "[UNK]", "sep_token": "[SEP]", "pad_token": "[PAD]", "cls_token": "[CLS]",
                   "mask_token": "[MASK]"}
_OPTIONAL_WEIGHTS = {"embeddings.position_ids", "pooler.dense.weight", "pooler.dense.bias"}
"""Tensors a BERT checkpoint may carry that a mean-pooled sentence encoder does not use."""


class UnsupportedFolder(ValueError):
    """The folder is not a plain mean-pooled BERT (the message says what differs)."""


@dataclass(frozen=True)
class BertFolder:
    """What :func:`inspect_folder` read from a supported folder."""

    path: Path
    config: dict[str, Any]
    max_seq_length: int
    normalize: bool
    """Whether modules.json ends with a Normalize module."""
    pad_token: str
    tokenizer_json: str


def _read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise UnsupportedFolder(f"no {path.name}") from None
    except (OSError, ValueError) as error:
        raise UnsupportedFolder(f"{path.name} is unreadable: {error}") from None


def _module_type(entry: Any, name: str) -> bool:
    kind = entry.get("type", "") if isinstance(entry, dict) else ""
    return kind.startswith(_ST_PREFIX) and kind.rsplit(".", 1)[-1] == name


def _token(value: Any) -> Any:
    return value.get("content") if isinstance(value, dict) else value


def _check_modules(folder: Path) -> tuple[Path, bool]:
    modules = _read_json(folder / "modules.json")
    if not isinstance(modules, list) or not modules:
        raise UnsupportedFolder("modules.json is not a list of modules")
    modules = sorted(modules, key=lambda m: m.get("idx", 0) if isinstance(m, dict) else 0)
    names = ["Transformer", "Pooling", "Normalize"]
    if len(modules) not in (2, 3) or not all(_module_type(m, n) for m, n in zip(modules, names)):
        kinds = [m.get("type") if isinstance(m, dict) else m for m in modules]
        raise UnsupportedFolder(f"modules.json is {kinds}, not Transformer + Pooling [+ Normalize]")
    if modules[0].get("path", "") not in ("", "."):
        raise UnsupportedFolder("the Transformer module is not in the folder itself")
    pooling_dir = folder / str(modules[1].get("path", ""))
    if pooling_dir.resolve() == folder.resolve():
        raise UnsupportedFolder("the Pooling module has no folder of its own")
    return pooling_dir, len(modules) == 3


def _check_pooling(pooling_dir: Path, hidden_size: int) -> None:
    pooling = _read_json(pooling_dir / "config.json")
    if not isinstance(pooling, dict) or set(pooling) - _POOLING_KEYS:
        raise UnsupportedFolder(f"the Pooling config has settings this encoder does not know: "
                                f"{sorted(set(pooling) - _POOLING_KEYS) if isinstance(pooling, dict) else pooling}")
    if "pooling_mode" in pooling:  # sentence-transformers 5.3+: "mean" or a list of modes
        mode = pooling["pooling_mode"]
        modes = tuple(mode) if isinstance(mode, list) else (mode,)
    else:  # the legacy flags; none set means mean
        modes = tuple(flag for flag in _POOLING_FLAGS if pooling.get(flag)) or ("pooling_mode_mean_tokens",)
        modes = tuple("mean" if flag == "pooling_mode_mean_tokens" else flag for flag in modes)
    if modes != ("mean",):
        raise UnsupportedFolder(f"the Pooling module pools by {modes}, not by the mean of the tokens only")
    dimension = pooling.get("word_embedding_dimension", pooling.get("embedding_dimension"))
    if dimension != hidden_size:
        raise UnsupportedFolder(f"the Pooling dimension {dimension} is not the hidden size {hidden_size}")


def _check_config(config: Any) -> dict[str, Any]:
    if not isinstance(config, dict) or config.get("model_type") != "bert":
        raise UnsupportedFolder(f"config.json model_type is {config.get('model_type') if isinstance(config, dict) else None!r}, "
                                "not 'bert'")
    if config.get("position_embedding_type", "absolute") != "absolute":
        raise UnsupportedFolder(f"position_embedding_type is {config['position_embedding_type']!r}, not 'absolute'")
    if config.get("hidden_act") != "gelu":
        raise UnsupportedFolder(f"hidden_act is {config.get('hidden_act')!r}, not 'gelu'")
    if config.get("is_decoder") or config.get("add_cross_attention"):
        raise UnsupportedFolder("config.json describes a decoder")
    dtype = config.get("dtype", config.get("torch_dtype"))
    if dtype not in (None, "float32"):
        raise UnsupportedFolder(f"config.json asks for {dtype}")
    sizes = ("vocab_size", "hidden_size", "num_hidden_layers", "num_attention_heads", "intermediate_size",
             "max_position_embeddings")
    if not all(isinstance(config.get(key), int) and config[key] > 0 for key in sizes):
        raise UnsupportedFolder(f"config.json lacks one of {', '.join(sizes)}")
    if config["hidden_size"] % config["num_attention_heads"]:
        raise UnsupportedFolder("hidden_size is not a multiple of num_attention_heads")
    return {**config, "type_vocab_size": int(config.get("type_vocab_size", 2)),
            "layer_norm_eps": float(config.get("layer_norm_eps", 1e-12))}


def expected_weights(config: dict[str, Any]) -> dict[str, list[int]]:
    """The float32 tensors (name: shape) of a ``BertModel`` checkpoint for ``config``."""
    hidden, inner = config["hidden_size"], config["intermediate_size"]
    shapes = {
        "embeddings.word_embeddings.weight": [config["vocab_size"], hidden],
        "embeddings.position_embeddings.weight": [config["max_position_embeddings"], hidden],
        "embeddings.token_type_embeddings.weight": [config["type_vocab_size"], hidden],
        "embeddings.LayerNorm.weight": [hidden], "embeddings.LayerNorm.bias": [hidden],
    }
    for i in range(config["num_hidden_layers"]):
        layer = f"encoder.layer.{i}."
        for name in ("attention.self.query", "attention.self.key", "attention.self.value", "attention.output.dense"):
            shapes |= {f"{layer}{name}.weight": [hidden, hidden], f"{layer}{name}.bias": [hidden]}
        shapes |= {f"{layer}intermediate.dense.weight": [inner, hidden], f"{layer}intermediate.dense.bias": [inner],
                   f"{layer}output.dense.weight": [hidden, inner], f"{layer}output.dense.bias": [hidden]}
        for norm in ("attention.output.LayerNorm", "output.LayerNorm"):
            shapes |= {f"{layer}{norm}.weight": [hidden], f"{layer}{norm}.bias": [hidden]}
    return shapes


def _check_weights(path: Path, config: dict[str, Any]) -> None:
    """The safetensors header (JSON after an 8-byte length) against the expected tensors; no torch."""
    try:
        with path.open("rb") as handle:
            (size,) = struct.unpack("<Q", handle.read(8))
            if size > 100_000_000:
                raise ValueError("header too large")
            header = json.loads(handle.read(size))
    except FileNotFoundError:
        raise UnsupportedFolder("no model.safetensors") from None
    except (OSError, ValueError, struct.error) as error:
        raise UnsupportedFolder(f"model.safetensors is unreadable: {error}") from None
    header.pop("__metadata__", None)
    expected = expected_weights(config)
    missing = sorted(set(expected) - set(header))
    extra = sorted(set(header) - set(expected) - _OPTIONAL_WEIGHTS)
    if missing or extra:
        raise UnsupportedFolder(f"model.safetensors lacks {missing[:3]} or has unexpected {extra[:3]} tensors")
    for name, shape in expected.items():
        if header[name].get("dtype") != "F32" or header[name].get("shape") != shape:
            raise UnsupportedFolder(f"model.safetensors {name} is {header[name].get('dtype')} "
                                    f"{header[name].get('shape')}, not F32 {shape}")


def _check_tokenizer(folder: Path) -> tuple[str, str]:
    """The tokenizer.json text and the pad token, if transformers would tokenize exactly as it says."""
    tokenizer_config = _read_json(folder / "tokenizer_config.json") if (folder / "tokenizer_config.json").exists() else {}
    special_map = _read_json(folder / "special_tokens_map.json") if (folder / "special_tokens_map.json").exists() else {}
    if not isinstance(tokenizer_config, dict) or not isinstance(special_map, dict):
        raise UnsupportedFolder("tokenizer_config.json or special_tokens_map.json is not an object")
    if set(tokenizer_config) - _TOKENIZER_CONFIG_KEYS:
        raise UnsupportedFolder(f"tokenizer_config.json has settings this encoder does not know: "
                                f"{sorted(set(tokenizer_config) - _TOKENIZER_CONFIG_KEYS)}")
    if tokenizer_config.get("tokenizer_class", "BertTokenizer") not in ("BertTokenizer", "BertTokenizerFast"):
        raise UnsupportedFolder(f"the tokenizer is a {tokenizer_config.get('tokenizer_class')}, not a BertTokenizer")
    if (tokenizer_config.get("padding_side", "right"), tokenizer_config.get("truncation_side", "right")) != ("right", "right") \
            or tokenizer_config.get("do_basic_tokenize", True) is not True or tokenizer_config.get("never_split"):
        raise UnsupportedFolder("tokenizer_config.json pads, cuts or splits differently from BERT's defaults")
    tokens = {key: _token(tokenizer_config.get(key, special_map.get(key, default)))
              for key, default in _SPECIAL_TOKENS.items()}
    try:
        text = (folder / "tokenizer.json").read_text(encoding="utf-8")
        spec = json.loads(text)
    except FileNotFoundError:
        raise UnsupportedFolder("no tokenizer.json") from None
    except (OSError, ValueError) as error:
        raise UnsupportedFolder(f"tokenizer.json is unreadable: {error}") from None
    model = spec.get("model") or {}
    vocab = model.get("vocab") or {}
    # transformers 5 rebuilds a BertTokenizer from the vocab and tokenizer_config.json; 4 reads tokenizer.json
    # as it is: the fast path is only right where the two agree
    normalizer = {"type": "BertNormalizer", "clean_text": True,
                  "handle_chinese_chars": tokenizer_config.get("tokenize_chinese_chars", True),
                  "strip_accents": tokenizer_config.get("strip_accents"),
                  "lowercase": tokenizer_config.get("do_lower_case", True)}
    if (model.get("type"), model.get("unk_token"), model.get("continuing_subword_prefix"),
            model.get("max_input_chars_per_word")) != ("WordPiece", tokens["unk_token"], "##", 100):
        raise UnsupportedFolder("tokenizer.json is not BERT's WordPiece model")
    if spec.get("normalizer") != normalizer or spec.get("pre_tokenizer") != {"type": "BertPreTokenizer"}:
        raise UnsupportedFolder("tokenizer.json normalizes or splits text differently from its tokenizer_config.json")
    cls, sep = tokens["cls_token"], tokens["sep_token"]
    single = (spec.get("post_processor") or {}).get("single")
    template = [{"SpecialToken": {"id": cls, "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}},
                {"SpecialToken": {"id": sep, "type_id": 0}}]
    post = spec.get("post_processor") or {}
    if not ((post.get("type") == "TemplateProcessing" and single == template
             and all(post["special_tokens"].get(t, {}).get("ids") == [vocab.get(t)] for t in (cls, sep)))
            or (post.get("type") == "BertProcessing" and post.get("cls") == [cls, vocab.get(cls)]
                and post.get("sep") == [sep, vocab.get(sep)])):
        raise UnsupportedFolder(f"tokenizer.json does not wrap a text in {cls} ... {sep}")
    specials = {tokens[key] for key in _SPECIAL_TOKENS}
    if any(not added.get("special") or added.get("content") not in specials for added in spec.get("added_tokens", [])):
        raise UnsupportedFolder("tokenizer.json adds tokens besides BERT's special ones")
    if not all(isinstance(vocab.get(token), int) for token in specials):
        raise UnsupportedFolder("a special token is not in tokenizer.json's vocabulary")
    return text, tokens["pad_token"]


def inspect_folder(path: str | Path) -> BertFolder:
    """What a plain mean-pooled BERT folder holds; :class:`UnsupportedFolder` if it is anything else.

    Reads only JSON (and the safetensors header): no torch."""
    folder = Path(path)
    if not folder.is_dir():
        raise UnsupportedFolder(f"{folder} is not a folder")
    if (folder / "adapter_config.json").exists():
        raise UnsupportedFolder("the folder holds a PEFT adapter")
    pooling_dir, normalize = _check_modules(folder)
    settings = _read_json(folder / "sentence_bert_config.json")
    if not isinstance(settings, dict) or set(settings) - _SENTENCE_BERT_KEYS or settings.get("do_lower_case"):
        raise UnsupportedFolder(f"sentence_bert_config.json is {settings}, not just max_seq_length "
                                "(without do_lower_case)")
    max_seq_length = settings.get("max_seq_length")
    if not isinstance(max_seq_length, int) or max_seq_length < 1:
        raise UnsupportedFolder("sentence_bert_config.json has no max_seq_length")
    if (folder / "config_sentence_transformers.json").exists():
        st_config = _read_json(folder / "config_sentence_transformers.json")
        if not isinstance(st_config, dict) or st_config.get("default_prompt_name") \
                or st_config.get("model_type", "SentenceTransformer") != "SentenceTransformer":
            raise UnsupportedFolder("config_sentence_transformers.json sets a default prompt or another model type")
    config = _check_config(_read_json(folder / "config.json"))
    _check_pooling(pooling_dir, config["hidden_size"])
    _check_weights(folder / "model.safetensors", config)
    tokenizer_json, pad_token = _check_tokenizer(folder)
    return BertFolder(folder, config, max_seq_length, normalize, pad_token, tokenizer_json)


def unsupported_reason(path: str | Path) -> str | None:
    """Why the folder at ``path`` is not one :func:`load_encoder` loads, or None if it is."""
    try:
        inspect_folder(path)
    except UnsupportedFolder as error:
        return str(error)
    return None


@functools.lru_cache(maxsize=1)
def _bert_class() -> type:
    """transformers' ``BertModel`` encoder (no pooler), inference only: the same modules under the
    same names (so a checkpoint loads as it is and ``quantize_dynamic`` finds the same Linear
    layers) and the same operations in the same order as transformers 5 runs them with ``sdpa``."""
    import torch
    from torch import nn
    from torch.nn import functional as F  # noqa: N812

    class Table(nn.Module):
        """``nn.Embedding``'s lookup without its random initialisation (on the meta device that
        would import ``torch._dynamo``: about 1.5 s)."""

        def __init__(self, rows: int, width: int) -> None:
            super().__init__()
            self.weight = nn.Parameter(torch.empty(rows, width))

        def forward(self, ids: torch.Tensor) -> torch.Tensor:
            return F.embedding(ids, self.weight)

    class Embeddings(nn.Module):
        def __init__(self, c: dict[str, Any]) -> None:
            super().__init__()
            self.word_embeddings = Table(c["vocab_size"], c["hidden_size"])
            self.position_embeddings = Table(c["max_position_embeddings"], c["hidden_size"])
            self.token_type_embeddings = Table(c["type_vocab_size"], c["hidden_size"])
            self.LayerNorm = nn.LayerNorm(c["hidden_size"], eps=c["layer_norm_eps"])

        def forward(self, input_ids: torch.Tensor, token_type_ids: torch.Tensor) -> torch.Tensor:
            positions = torch.arange(input_ids.shape[1], dtype=torch.long).unsqueeze(0)
            embeddings = self.word_embeddings(input_ids) + self.token_type_embeddings(token_type_ids)
            embeddings = embeddings + self.position_embeddings(positions)
            return self.LayerNorm(embeddings)

    class SelfAttention(nn.Module):
        def __init__(self, c: dict[str, Any]) -> None:
            super().__init__()
            self.head_size = c["hidden_size"] // c["num_attention_heads"]
            self.scaling = self.head_size ** -0.5
            self.query = nn.Linear(c["hidden_size"], c["hidden_size"])
            self.key = nn.Linear(c["hidden_size"], c["hidden_size"])
            self.value = nn.Linear(c["hidden_size"], c["hidden_size"])

        def forward(self, hidden: torch.Tensor, mask: torch.Tensor | None) -> torch.Tensor:
            shape = (*hidden.shape[:-1], -1, self.head_size)
            query = self.query(hidden).view(shape).transpose(1, 2)
            key = self.key(hidden).view(shape).transpose(1, 2)
            value = self.value(hidden).view(shape).transpose(1, 2)
            out = F.scaled_dot_product_attention(query, key, value, attn_mask=mask, dropout_p=0.0,
                                                 scale=self.scaling, is_causal=False)
            return out.transpose(1, 2).contiguous().reshape(*hidden.shape[:-1], -1).contiguous()

    class DenseNorm(nn.Module):  # BertSelfOutput and BertOutput: dense, residual, LayerNorm
        def __init__(self, c: dict[str, Any], fan_in: int) -> None:
            super().__init__()
            self.dense = nn.Linear(fan_in, c["hidden_size"])
            self.LayerNorm = nn.LayerNorm(c["hidden_size"], eps=c["layer_norm_eps"])

        def forward(self, hidden: torch.Tensor, residual: torch.Tensor) -> torch.Tensor:
            return self.LayerNorm(self.dense(hidden) + residual)

    class Attention(nn.Module):
        def __init__(self, c: dict[str, Any]) -> None:
            super().__init__()
            self.self = SelfAttention(c)
            self.output = DenseNorm(c, c["hidden_size"])

        def forward(self, hidden: torch.Tensor, mask: torch.Tensor | None) -> torch.Tensor:
            return self.output(self.self(hidden, mask), hidden)

    class Intermediate(nn.Module):
        def __init__(self, c: dict[str, Any]) -> None:
            super().__init__()
            self.dense = nn.Linear(c["hidden_size"], c["intermediate_size"])

        def forward(self, hidden: torch.Tensor) -> torch.Tensor:
            return F.gelu(self.dense(hidden))  # BERT's "gelu": the exact erf form

    class Layer(nn.Module):
        def __init__(self, c: dict[str, Any]) -> None:
            super().__init__()
            self.attention = Attention(c)
            self.intermediate = Intermediate(c)
            self.output = DenseNorm(c, c["intermediate_size"])

        def forward(self, hidden: torch.Tensor, mask: torch.Tensor | None) -> torch.Tensor:
            attended = self.attention(hidden, mask)
            return self.output(self.intermediate(attended), attended)

    class Encoder(nn.Module):
        def __init__(self, c: dict[str, Any]) -> None:
            super().__init__()
            self.layer = nn.ModuleList(Layer(c) for _ in range(c["num_hidden_layers"]))

    class Bert(nn.Module):
        """Token embeddings of a batch: ``(batch, length, hidden)``."""

        def __init__(self, c: dict[str, Any]) -> None:
            super().__init__()
            self.embeddings = Embeddings(c)
            self.encoder = Encoder(c)

        def forward(self, input_ids: torch.Tensor, token_type_ids: torch.Tensor,
                    attention_mask: torch.Tensor) -> torch.Tensor:
            hidden = self.embeddings(input_ids, token_type_ids)
            mask = None  # as transformers: no mask at all where nothing is padded
            if not bool(attention_mask.all()):
                length = attention_mask.shape[1]
                mask = attention_mask.bool()[:, None, None, :].expand(-1, 1, length, length)
            for layer in self.encoder.layer:
                hidden = layer(hidden, mask)
            return hidden

    return Bert


class TokenizerView:
    """The folder's tokenizer called like a transformers tokenizer, for checks and tests:
    ``tokenizer(texts, truncation=True, max_length=128)["input_ids"]`` (no padding, no tensors)."""

    def __init__(self, tokenizer_json: str) -> None:
        self._json = tokenizer_json
        self._tokenizer: Any = None
        self._lock = threading.Lock()

    def __call__(self, texts: str | list[str], *, truncation: bool = False,
                 max_length: int | None = None) -> dict[str, Any]:
        from tokenizers import Tokenizer

        single = isinstance(texts, str)
        with self._lock:
            if self._tokenizer is None:
                self._tokenizer = Tokenizer.from_str(self._json)
            self._tokenizer.no_padding()
            if truncation and max_length is not None:
                self._tokenizer.enable_truncation(max_length=max_length, strategy="longest_first", direction="right")
            else:
                self._tokenizer.no_truncation()
            encodings = self._tokenizer.encode_batch([texts] if single else list(texts))
        out = {"input_ids": [e.ids for e in encodings], "token_type_ids": [e.type_ids for e in encodings],
               "attention_mask": [e.attention_mask for e in encodings]}
        return {key: value[0] for key, value in out.items()} if single else out


class BertSentenceEncoder:
    """A mean-pooled BERT sentence encoder with the part of ``SentenceTransformer``'s interface
    that :class:`~hugginggpt_tools.model_index.embedding.Embedder` uses: :meth:`encode`,
    :meth:`get_embedding_dimension`, a settable :attr:`max_seq_length`, :meth:`parameters`,
    :meth:`to` and :attr:`tokenizer`. Its torch module is :attr:`bert` (quantize that one).

    Made by :func:`load_encoder`. :meth:`encode` batches texts longest first, as
    sentence-transformers does (the same batches, so dynamically quantized layers see the same
    ranges), and returns the vectors in input order.
    """

    def __init__(self, folder: BertFolder, bert: Any, tokenizer: Any) -> None:
        self.folder = folder
        self.bert = bert
        self._tokenizer = tokenizer
        self._pad_id = tokenizer.token_to_id(folder.pad_token)
        self._max_positions = int(folder.config["max_position_embeddings"])
        self.tokenizer = TokenizerView(folder.tokenizer_json)
        self.max_seq_length = folder.max_seq_length

    @property
    def max_seq_length(self) -> int:
        """Texts are cut at this many tokens ([CLS] and [SEP] included); the folder's
        sentence_bert_config.json sets the default. Cuts never go past the model's positions."""
        return self._max_seq_length

    @max_seq_length.setter
    def max_seq_length(self, value: int) -> None:
        if int(value) < 2:
            raise ValueError(f"max_seq_length must be at least 2, not {value}")
        self._max_seq_length = int(value)
        self._tokenizer.enable_truncation(max_length=min(self._max_seq_length, self._max_positions),
                                          strategy="longest_first", direction="right")
        self._tokenizer.enable_padding(direction="right", pad_id=self._pad_id, pad_type_id=0,
                                       pad_token=self.folder.pad_token)

    def get_embedding_dimension(self) -> int:
        return int(self.folder.config["hidden_size"])

    def parameters(self) -> Any:
        return self.bert.parameters()

    def to(self, *args: Any, **kwargs: Any) -> "BertSentenceEncoder":
        self.bert.to(*args, **kwargs)
        return self

    def encode(self, texts: list[str], *, batch_size: int = 32, normalize_embeddings: bool = False,
               convert_to_numpy: bool = True, show_progress_bar: bool = False) -> Any:
        """``texts`` as a ``(len(texts), dimension)`` float32 array (a float32 tensor with
        ``convert_to_numpy=False``); ``show_progress_bar`` is accepted and ignored."""
        import numpy as np
        import torch
        from torch.nn import functional as F  # noqa: N812

        del show_progress_bar
        texts = [texts] if isinstance(texts, str) else list(texts)
        if batch_size < 1:
            raise ValueError(f"batch_size must be at least 1, not {batch_size}")
        order = np.argsort([-len(text) for text in texts])  # sentence-transformers' order, ties included
        rows: list[torch.Tensor] = []
        with torch.inference_mode():
            for start in range(0, len(texts), batch_size):
                encodings = self._tokenizer.encode_batch([texts[k] for k in order[start:start + batch_size]])
                input_ids = torch.tensor([e.ids for e in encodings], dtype=torch.long)
                type_ids = torch.tensor([e.type_ids for e in encodings], dtype=torch.long)
                attention = torch.tensor([e.attention_mask for e in encodings], dtype=torch.long)
                tokens = self.bert(input_ids, type_ids, attention)
                # sentence-transformers' mean pooling: sums in float32 for half types, then back
                mask = attention.unsqueeze(-1).to(tokens.dtype)
                accumulate = torch.float32 if tokens.dtype in (torch.float16, torch.bfloat16) else tokens.dtype
                total = (tokens * mask).sum(dim=1, dtype=accumulate)
                count = torch.clamp(mask.sum(dim=1, dtype=accumulate), min=1e-9)
                vectors = (total / count).to(tokens.dtype)
                if self.folder.normalize:  # the Normalize module
                    vectors = F.normalize(vectors, p=2, dim=-1)
                if normalize_embeddings:
                    vectors = F.normalize(vectors, p=2, dim=1)
                rows.extend(vectors)
        if not rows:
            empty = torch.zeros((0, self.get_embedding_dimension()), dtype=torch.float32)
            return empty.numpy() if convert_to_numpy else empty
        inverse = np.argsort(order)
        result = torch.stack([rows[k] for k in inverse]).float()
        return result.numpy() if convert_to_numpy else result

    def __repr__(self) -> str:
        return f"BertSentenceEncoder({str(self.folder.path)!r}, max_seq_length={self.max_seq_length})"


def load_encoder(folder: str | Path | BertFolder) -> BertSentenceEncoder:
    """The folder's model as a :class:`BertSentenceEncoder` in float32 on the CPU (raises
    :class:`UnsupportedFolder` for a folder :func:`unsupported_reason` turns down)."""
    import torch
    from safetensors import safe_open
    from tokenizers import Tokenizer

    spec = folder if isinstance(folder, BertFolder) else inspect_folder(folder)
    expected = expected_weights(spec.config)
    with safe_open(str(spec.path / "model.safetensors"), framework="pt") as weights:
        state = {name: weights.get_tensor(name) for name in expected}
    with torch.device("meta"):  # no memory nor random initialisation for weights about to be replaced
        bert = _bert_class()(spec.config)
    bert.load_state_dict(state, strict=True, assign=True)
    bert.eval().requires_grad_(False)
    return BertSentenceEncoder(spec, bert, Tokenizer.from_str(spec.tokenizer_json))


__all__ = ["BertFolder", "BertSentenceEncoder", "TokenizerView", "UnsupportedFolder", "expected_weights",
           "inspect_folder", "load_encoder", "unsupported_reason"]
