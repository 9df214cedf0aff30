"""TaskBench's planning metrics, as its ``evaluate.py`` defines them. Pure functions, no I/O.

A sample is TaskBench's ``{"task_nodes": [{"task", "arguments"}], ...}``, where an argument
``<node-k>`` is the output of node k. TaskBench reads each sample (label and prediction alike)
into sets (:func:`read_sample`):

* **nodes**: the task names (``_`` read as a space);
* **links**: ``(source, target)`` for every ``<node-k>`` argument (source = node k's name; a
  node referring to itself is skipped);
* **argument names**: ``"task-name"`` per argument, where ``name`` is the content type of the
  value (``image``/``audio``/``video`` by file extension, else ``text``) or, for ``<node-k>``,
  the first output type of node k's tool (``none`` for a tool without output, ``other`` for a
  name outside the tool graph);
* **argument values**: ``"task-name-value"``, the value being node k's name for ``<node-k>``.

Each metric is a micro F1 over the samples: true positives are the members of both sets,
false positives the prediction's others, false negatives the label's others. Node F1 counts only
the tool graph's names (a label's task outside the graph, and a predicted one, are ignored); the
other three count everything. One difference from ``evaluate.py``: an argument it cannot read (a
``<node-k>`` whose k is out of range, a value that is not text) is skipped here, where
``evaluate.py`` repeats whatever argument it read before (which depends on the order it visits
the samples in).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

SPLITS = ("overall", "single", "chain", "dag")
"""The groups TaskBench reports: all samples, then by the label's ``type``."""

_EXTENSIONS = (
    ("image", ("jpg", "png", "jpeg", "gif", "bmp", "tiff", "svg", "ico")),
    ("audio", ("mp3", "wav", "wma", "ogg", "aac", "flac", "aiff", "au")),
    ("video", ("mp4", "avi", "mov", "flv", "wmv", "mkv", "webm", "m4v", "mpg", "mpeg")),
)


def content_type(value: str) -> str:
    """TaskBench's type of a literal argument: image, audio or video when it contains a known
    extension (``".jpg"`` anywhere in it), else text."""
    value = value.strip("'")
    for kind, extensions in _EXTENSIONS:
        if any("." + ext in value for ext in extensions):
            return kind
    return "text"


@dataclass(frozen=True)
class SampleSets:
    """One sample read as TaskBench reads it: its sets of nodes, links, argument names and values."""

    nodes: frozenset[str]
    links: frozenset[tuple[str, str]]
    argument_names: frozenset[str]
    argument_values: frozenset[str]


def _argument_text(argument: Any) -> str | None:
    """The argument as a string the way TaskBench reads it (first value of a dict, a list joined)."""
    if isinstance(argument, Mapping):
        argument = next(iter(argument.values()), None)
    if isinstance(argument, list):
        if not all(isinstance(x, str) for x in argument):
            return None
        argument = " ".join(argument)
    return argument if isinstance(argument, str) else None


def _reference(text: str) -> int | None:
    """k of the ``<node-k>`` in ``text`` (read up to the first ``>``), or None when unreadable."""
    start = text.index("<node-") + 6
    try:
        return int(text[start:text.index(">")])
    except ValueError:
        return None


def read_sample(sample: Mapping[str, Any], output_types: Mapping[str, str]) -> SampleSets:
    """``sample``'s sets; ``output_types`` maps each tool name to its first output type."""
    nodes = [n for n in sample.get("task_nodes") or [] if isinstance(n, Mapping)]
    names = [str(n.get("task", "")).replace("_", " ") for n in nodes]
    links: set[tuple[str, str]] = set()
    arg_names: set[str] = set()
    arg_values: set[str] = set()
    for index, (node, name) in enumerate(zip(nodes, names)):
        for argument in node.get("arguments") or []:
            text = _argument_text(argument)
            if text is None:
                continue
            if "<node-" in text:
                k = _reference(text)
                if k is None or k == index or not -len(names) <= k < len(names):
                    continue
                source = names[k]
                links.add((source, str(node.get("task", ""))))
                kind, value = output_types.get(source, "other"), source
            else:
                kind, value = content_type(text), text
            arg_names.add(f"{name}-{kind}")
            arg_values.add(f"{name}-{kind}-{value}")
    return SampleSets(frozenset(names), frozenset(links), frozenset(arg_names), frozenset(arg_values))


@dataclass
class Counts:
    """True positives, false positives and false negatives, summed over samples."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, label: Collection[Any], prediction: Collection[Any]) -> None:
        both = len(set(label) & set(prediction))
        self.tp += both
        self.fp += len(prediction) - both
        self.fn += len(label) - both

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        """Micro F1 (0 when there are no true positives)."""
        return 2 * self.tp / (2 * self.tp + self.fp + self.fn) if self.tp else 0.0


@dataclass
class Scores:
    """The four TaskBench metrics over a group of samples (F1 in 0..1)."""

    samples: int = 0
    nodes: Counts = field(default_factory=Counts)
    links: Counts = field(default_factory=Counts)
    argument_names: Counts = field(default_factory=Counts)
    argument_values: Counts = field(default_factory=Counts)

    def add(self, label: SampleSets, prediction: SampleSets, tool_names: Collection[str]) -> None:
        """Count one sample; node names outside ``tool_names`` are ignored on both sides."""
        self.samples += 1
        self.nodes.add(label.nodes & set(tool_names), prediction.nodes & set(tool_names))
        self.links.add(label.links, prediction.links)
        self.argument_names.add(label.argument_names, prediction.argument_names)
        self.argument_values.add(label.argument_values, prediction.argument_values)

    def as_dict(self) -> dict[str, float | int]:
        return {
            "samples": self.samples,
            "node_f1": self.nodes.f1,
            "link_f1": self.links.f1,
            "argument_name_f1": self.argument_names.f1,
            "argument_value_f1": self.argument_values.f1,
        }


def _unwrap(prediction: Mapping[str, Any]) -> Mapping[str, Any]:
    """A prediction as written by TaskBench's inference script (``{"result": {...}}``) or bare."""
    inner = prediction.get("result")
    return inner if "task_nodes" not in prediction and isinstance(inner, Mapping) else prediction


def score(
    labels: Sequence[Mapping[str, Any]],
    predictions: Mapping[Any, Mapping[str, Any]],
    output_types: Mapping[str, str],
    splits: Iterable[str] = SPLITS,
) -> dict[str, Scores]:
    """The metrics per split (``overall`` and each label ``type``) for labelled samples.

    ``predictions`` maps a label's ``id`` to its predicted sample (bare, or under ``result`` as
    TaskBench's inference script writes it); a label without one counts as an empty plan. ``output_types`` maps every tool name of the graph to its first output
    type (its keys are also the names node F1 counts).
    """
    groups = {split: Scores() for split in splits}
    empty: Mapping[str, Any] = {"task_nodes": []}
    for label in labels:
        truth = read_sample(label, output_types)
        guess = read_sample(_unwrap(predictions.get(label.get("id"), empty)), output_types)
        for split in ("overall", label.get("type")):
            if split in groups:
                groups[split].add(truth, guess, output_types.keys())
    return groups


__all__ = ["SPLITS", "Counts", "SampleSets", "Scores", "content_type", "read_sample", "score"]
