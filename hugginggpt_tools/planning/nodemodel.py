"""Which intents a whole request asks for: a small trained model over its words and the cue rules.

The cue rules (:mod:`.intents`) read one clause at a time and miss what a request only implies
("I'd like to hear it" is speech synthesis; "how far is the tree" is depth estimation), or
read a task into a word that merely mentions it ("transcribe it into text format" is not
speech synthesis). :class:`NodeModel` looks at the request as a whole: one logistic regression
per intent over binary features (words, word pairs, word stems, the kinds of resources given, and
which intents the cue rules found), plus the request's sentence embedding when the planner has
the embedding model, gives the probability that the request needs that intent.

Neither input depends on what the user's files are called: the words are read with each resource
masked to a token of its kind (``_image_``), and the embedded text (:func:`embedding_text`) names
each file or URL by a fixed stand-in of its kind (``example.jpg``), so "summary.txt" or
"translate_me.png" plans no task by itself and "IMG_2041.HEIC" plans what "cat.jpg" does.

The package's models (``data/node_model.json``: one with the embedding, one without it for
planners that run without the embedding model) are trained by
``benchmarks/synth/train_node_model.py`` on requests the project wrote itself for tool graphs
sampled from TaskBench's (see ``benchmarks/synth/README.md``); none comes from a benchmark.
Inference is pure Python: a sum of the weights of the request's features (and a dot product with
the embedding), well under a millisecond.
"""

from __future__ import annotations

import functools
import json
import math
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from importlib import resources
from typing import Any

from ..errors import ConfigError
from .clauses import PLACEHOLDER_RE, RequestText, is_question, mask
from .lexicon import INTENTS

_WORD_RE = re.compile(r"[a-z][a-z'-]*|_[a-z]+_")
_STOP = frozenset(
    "a an the of to in on for and or is are be it its this that these those with as at by from i me my we our "
    "you your can could would will please me'd i'd i'm i've it's".split())

FORMAT = "hugginggpt-node-model/1"


def resource_token(req: RequestText, index: int) -> str:
    """The word a masked resource stands for: ``_image_``, ``_audio_``, ``_quote_``, ``_question_`` ..."""
    r = req.resources[index]
    if r.kind == "quote":
        return "_question_" if is_question(r.value) else "_quote_"
    return f"_{r.modality}_"


def words(req: RequestText, text: str) -> list[str]:
    """The lower-cased words of masked ``text``, each resource replaced by its kind's token."""
    text = PLACEHOLDER_RE.sub(lambda m: f" {resource_token(req, int(m.group(1)))} ", text)
    return _WORD_RE.findall(text.lower())


STAND_INS = {"image": "example.jpg", "audio": "example.wav", "video": "example.mp4", "text": "example.txt",
             "table": "example.csv"}
"""The file name that stands for any file of a kind in the text the node model embeds."""


def stand_in(req: RequestText, index: int) -> str:
    """The fixed name the embedded text gives resource ``index``: ``example.jpg`` for any image file,
    ``https://example.com/example.jpg`` for any image URL, ``https://example.com`` for a web page;
    a quoted text stays as written (its words are the request's content)."""
    r = req.resources[index]
    if r.kind == "quote":
        return req.request[r.start:r.end]
    name = STAND_INS.get(r.modality, "example.txt")
    if r.kind == "url":
        return "https://example.com" if r.modality == "text" else f"https://example.com/{name}"
    return name


def embedding_text(req: RequestText) -> str:
    """What the node model embeds of a request: its text with each file and URL it names replaced by
    a fixed stand-in of its kind (:func:`stand_in`), so the embedding, like the word features, does
    not depend on what the files are called ("Classify IMG_2041.HEIC" and "Classify translate.png"
    both read "Classify example.jpg")."""
    return PLACEHOLDER_RE.sub(lambda m: stand_in(req, int(m.group(1))), mask(req.request, req.resources))


def text_features(tokens: Sequence[str]) -> set[str]:
    """Word, stem and word-pair features of a token list (stop words count only inside pairs)."""
    feats: set[str] = set()
    for k, tok in enumerate(tokens):
        if tok not in _STOP:
            feats.add("w:" + tok)
            if len(tok) > 6 and not tok.startswith("_"):
                feats.add("s:" + tok[:6])
        if k:
            feats.add(f"b:{tokens[k - 1]} {tok}")
    return feats


def request_features(req: RequestText, masked: str, rule_intents: Iterable[str]) -> set[str]:
    """The features of a request: its words (:func:`text_features`), the kinds of resources it
    gives, and the intents the cue rules found in it."""
    feats = text_features(words(req, masked))
    feats.update("has:" + resource_token(req, i) for i in range(req.own))
    rules = set(rule_intents)
    feats.update("rule:" + intent for intent in rules)
    feats.add(f"rules:{min(len(rules), 4)}")
    return feats


class _Rows(Mapping[str, list[tuple[int, float]]]):
    """The weights of a node model, feature -> ``[(column, weight), ...]``, read from the
    ``{feature: {column: weight}}`` it was given only for the features a request has.

    The package's model has about 150,000 weights; turning all of them into lists of pairs took
    a fifth of a second at every planner's start, and a request reads about 50 features. The
    columns and the weights' types are checked here, at once (:class:`ConfigError` naming the bad
    columns); a row becomes pairs on first use, in the order it was given, so the sums come out
    exactly as before."""

    def __init__(self, rows: Mapping[str, Mapping[Any, Any]], columns: int) -> None:
        keys = {j for row in rows.values() for j in row}
        values = {type(w) for row in rows.values() for w in row.values()}
        if not values <= {float, int}:  # anything else: convert now, raising as float() does
            rows = {f: {j: float(w) for j, w in row.items()} for f, row in rows.items()}
        columns_of = {j: int(j) for j in keys}
        bad = sorted({c for c in columns_of.values() if not 0 <= c < columns})
        if bad:
            raise ConfigError(f"The node model's weights name columns {bad[:5]}; columns run 0..{columns - 1}.")
        self._rows = rows
        self._columns = columns_of
        self._pairs: dict[str, list[tuple[int, float]]] = {}

    def __getitem__(self, feature: str) -> list[tuple[int, float]]:
        pairs = self._pairs.get(feature)
        if pairs is None:
            row = self._rows[feature]  # KeyError for a feature the model does not weigh
            pairs = self._pairs[feature] = [(self._columns[j], float(w)) for j, w in row.items()]
        return pairs

    def get(self, feature: str, default: Any = None) -> Any:
        return self[feature] if feature in self._rows else default

    def __contains__(self, feature: object) -> bool:
        return feature in self._rows

    def __iter__(self) -> Iterator[str]:
        return iter(self._rows)

    def __len__(self) -> int:
        return len(self._rows)


class NodeModel:
    """Per-intent logistic regressions over binary features and, optionally, an embedding.

    Args:
        intents: the intents (columns), each one of :data:`~.lexicon.INTENTS`.
        weights: feature -> ``{column: weight}`` (the weights it adds to those intents' log-odds; a
            feature or column not listed weighs 0).
        bias: one intercept per intent.
        threshold: the probability from which the planner adds an intent that no cue named.
        vectors: per intent, the weights of the request's (unit-length) sentence embedding, that of
            its :func:`embedding_text`; a model without them ignores embeddings.
    """

    def __init__(self, intents: Sequence[str], weights: Mapping[str, Mapping[int, float]], bias: Sequence[float],
                 threshold: float = 0.5, vectors: Sequence[Sequence[float]] | None = None) -> None:
        unknown = sorted(set(intents) - set(INTENTS))
        if unknown:
            raise ConfigError(f"The node model names unknown intents {unknown}; use {sorted(INTENTS)}.")
        if len(bias) != len(intents):
            raise ConfigError(f"The node model needs one bias per intent ({len(intents)}), got {len(bias)}.")
        if vectors is not None and (len(vectors) != len(intents) or len({len(v) for v in vectors}) != 1):
            raise ConfigError(f"The node model's embedding weights need one vector per intent ({len(intents)}), "
                              "all of the embedding's length.")
        self.intents = list(intents)
        self.weights = _Rows(weights, len(intents))
        self.bias = [float(b) for b in bias]
        self.threshold = threshold
        self.vectors = [[float(x) for x in v] for v in vectors] if vectors is not None else None

    @property
    def uses_embedding(self) -> bool:
        return self.vectors is not None

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> NodeModel:
        if not isinstance(data, Mapping) or data.get("format") != FORMAT:
            found = data.get("format") if isinstance(data, Mapping) else type(data).__name__
            raise ConfigError(f"Not a node model: format {found!r}, expected {FORMAT!r}.")
        missing = [k for k in ("intents", "weights", "bias") if k not in data]
        if missing:
            raise ConfigError(f"The node model lacks {', '.join(missing)}; retrain it with "
                              "benchmarks/synth/train_node_model.py --write.")
        return cls(data["intents"], data["weights"], data["bias"], float(data.get("threshold", 0.5)),
                   data.get("vectors"))

    def to_dict(self) -> dict[str, Any]:
        data = {"format": FORMAT, "intents": self.intents, "threshold": self.threshold, "bias": self.bias,
                "weights": {f: {str(j): w for j, w in row} for f, row in self.weights.items()}}
        if self.vectors is not None:
            data["vectors"] = self.vectors
        return data

    @classmethod
    def default(cls, *, embedding: bool = True) -> NodeModel:
        """The package's model (``data/node_model.json``): the one that reads the request's
        embedding, or (``embedding=False``) the one that reads only its words and the rules.
        The file is read once per process; each model is built on first use (well under 0.1 s:
        its weights become pairs feature by feature, as requests name them)."""
        return _default_model("with_embedding" if embedding else "words_only")

    def logits(self, features: Iterable[str], embedding: Sequence[float] | None = None) -> dict[str, float]:
        """Each intent's log-odds given ``features`` and the request's ``embedding``."""
        total = list(self.bias)
        for feat in features:
            for j, w in self.weights.get(feat, ()):
                total[j] += w
        if self.vectors is not None:
            if embedding is None or len(embedding) != len(self.vectors[0]):
                got = "none" if embedding is None else f"{len(embedding)} numbers"
                raise ConfigError(f"This node model reads the request's embedding ({len(self.vectors[0])} numbers "
                                  f"from the package's planning embedder), got {got}; pass it, or use "
                                  "NodeModel.default(embedding=False).")
            for j, vector in enumerate(self.vectors):
                total[j] += sum(x * w for x, w in zip(embedding, vector))
        return dict(zip(self.intents, total))

    def weight(self, feature: str, intent: str) -> float:
        """What ``feature`` adds to ``intent``'s log-odds."""
        j = self.intents.index(intent)
        return next((w for k, w in self.weights.get(feature, ()) if k == j), 0.0)

    def probabilities(self, features: Iterable[str], embedding: Sequence[float] | None = None) -> dict[str, float]:
        """Each intent's probability given ``features`` (and ``embedding``, for a model that reads it)."""
        return {k: 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, v))))
                for k, v in self.logits(features, embedding).items()}


@functools.lru_cache(maxsize=1)
def _default_data() -> dict[str, Any]:
    path = resources.files("hugginggpt_tools").joinpath("data", "node_model.json")
    return json.loads(path.read_text("utf-8"))


@functools.lru_cache(maxsize=2)
def _default_model(name: str) -> NodeModel:
    return NodeModel.from_dict(_default_data()[name])


__all__ = ["FORMAT", "STAND_INS", "NodeModel", "embedding_text", "request_features", "resource_token", "stand_in",
           "text_features", "words"]
