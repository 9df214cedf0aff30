"""Linking the offline planner's tasks once every clause is read.

Outputs nobody uses feed the tasks whose main input was only a guess, and the tasks are put in an
order where each comes after those it uses (:meth:`OutputLinking.link_unused_outputs`).
"""

from __future__ import annotations

import re
from typing import Any, Sequence

from ..dag import descendants, reference_id, renumber_references, toposort
from ..filekinds import any_os_path
from ..tasks import TASK_TYPES, ArgSpec
from .clauses import is_question
from .draft import MAPS, OWN_TEXT_RE, TEXT_RESULT_RE, PlanDraft, refs, task_dict
from .lexicon import LABEL_TASKS, PROMPT_TASKS, QUESTION_TASKS, RESULT_PHRASE

_SECOND_TEXT_TASKS = frozenset({"visual-question-answering", "document-question-answering", "sentence-similarity"})
_ASKS_RE = re.compile(r"(?<![\w'])(?:what|who|whom|whose|where|when|which|why|how|whether|if)(?![\w'])", re.IGNORECASE)


def _preds(tasks: Sequence[dict[str, Any]]) -> dict[int, set[int]]:
    """Each task's position mapped to the positions of the tasks whose outputs it uses."""
    return {k: set(refs(t["args"])) for k, t in enumerate(tasks)}


def _names_file(text: str, value: str) -> bool:
    """Whether ``text`` names the file ``value`` by its name's words ("from the email" for email.txt,
    "the meeting notes" for meeting_notes.txt)."""
    stem = " ".join(re.split(r"[\W_]+", any_os_path(value).stem.lower())).strip()
    if len(stem) < 3 or not re.fullmatch(r"[a-z ]+", stem):
        return False
    return bool(re.search(rf"(?<!\w)(?:the|this|that|my|your|our|his|her|their) (?:\w+ )?{re.escape(stem)}s?(?!\w)", text))


class OutputLinking(PlanDraft):
    """The links and the order made once every clause is read (:meth:`link_unused_outputs`)."""

    def link_unused_outputs(self) -> None:
        """Feed outputs nobody uses into tasks whose main input was only a guess.

        A task whose main input is not a resource its own clause names (the request's file
        mentioned elsewhere, or its clause's words standing in for a text) takes instead the
        output of the nearest other task that outputs that modality and that no task uses yet
        (an earlier one only, when the guess is a file or quote of the request); the tasks are
        then put in an order where each comes after those it uses. "Segment the objects in my
        photo and make an audio clip describing them" then reads the caption aloud rather than
        the request's words.
        """
        self._put_first()
        used = {j for t in self.tasks for j in refs(t["args"])}
        for k, task in enumerate(self.tasks):
            self._link_second_text(k, task, used)
            spec = TASK_TYPES[task["task"]].args[0]
            value = task["args"].get(spec.name)
            if value is None or refs(task["args"]) or not self._guessed(k, spec, value):
                continue
            if self.feed_from_missing and task["task"] in QUESTION_TASKS and is_question(value):
                continue  # over the registry a question asked is the user's, not an earlier output's
            below = descendants(_preds(self.tasks), k)
            given = any(r.value == value for r in self.req.resources)  # a real input, only not its clause's
            # the translations of one text into several languages: all take the same output, none another's
            group = [k, *self._siblings(k, spec.name, value)]
            prose = self._wants_prose(task["task"], self.clauses[k])
            # a later output only for a clause that refers to one: "Read good morning aloud. Then
            # caption photo.jpg" reads "good morning", not the caption
            later = not given and (spec.modality != "text" or self._refers_back(self.clauses[k])
                                   or bool(TEXT_RESULT_RE.search(self.clauses[k].lower)))
            options = [j for j in range(len(self.tasks) if later else k) if j not in group and j not in used
                       and j not in below
                       and set(self.vocab.outputs.get(self.tasks[j]["task"], ())[:1]) & set(self.vocab.modalities(task["task"]))
                       and not (prose and self.tasks[j]["task"] in LABEL_TASKS)
                       # over the registry a map is read again only where the clause names it ("the mask",
                       # "the segmented image"), not for "it": "segment kitchen.jpg and estimate its depth"
                       and not (self.feed_from_missing and spec.modality == "image" and self.tasks[j]["task"] in MAPS
                                and not RESULT_PHRASE.search(self.clauses[k].lower))
                       # over the registry, the text a summary was made of, read again on purpose
                       # (:meth:`_fuller`), stays: "summarize email.txt and find the names in the email"
                       and not (self.feed_from_missing and self.tasks[j]["task"] == "summarization"
                                and self.tasks[j]["args"].get("text") == value)]
            if not options:
                continue
            j = min(options, key=lambda j: (j > k, abs(j - k)))
            for same in group:
                self.tasks[same]["args"][spec.name] = f"<resource>-{j}"
                self.tasks[same]["dep"] = refs(self.tasks[same]["args"]) or [-1]
            used.add(j)
        self._reorder()

    def _put_first(self) -> None:
        """A task whose clause asks to come first ("What is said in noisy.wav? Clean up the noise
        first.") and that turns a resource into another of its modality feeds the earlier clauses'
        tasks that took that resource instead ("..., but first sharpen it": the sharpened photo is
        captioned); :meth:`_reorder` then puts it before them."""
        for k, task in enumerate(self.tasks):
            clause, spec = self.clauses[k], TASK_TYPES[task["task"]].args[0]
            value = task["args"].get(spec.name)
            if clause is None or not clause.first or value is None:
                continue
            j = reference_id(value)
            if j is not None:  # "Summarize story.txt. Translate it into English first.": "it" is story.txt
                value = None if self.clauses[j] is clause else self.tasks[j]["args"].get(
                    TASK_TYPES[self.tasks[j]["task"]].args[0].name)
            modality = next((r.modality for r in self.req.resources if r.value == value), None)
            if value is None or modality not in self.vocab.outputs.get(task["task"], ())[:1]:
                continue
            task["args"][spec.name] = value
            task["dep"] = refs(task["args"]) or [-1]
            for j, other in enumerate(self.tasks[:k]):
                main = TASK_TYPES[other["task"]].args[0].name
                if self.clauses[j] is not clause and other["args"].get(main) == value:
                    other["args"][main] = f"<resource>-{k}"
                    other["dep"] = refs(other["args"])

    def _siblings(self, k: int, name: str, value: str) -> list[int]:
        """The other tasks of task ``k``'s clause and type whose argument ``name`` is ``value`` too
        (one text translated into several languages)."""
        task, clause = self.tasks[k], self.clauses[k]
        return [j for j, other in enumerate(self.tasks) if j != k and clause is not None and self.clauses[j] is clause
                and other["task"] == task["task"] and other["args"].get(name) == value]

    def _link_second_text(self, k: int, task: dict[str, Any], used: set[int]) -> None:
        """A question or a text to compare with that is only the clause's words (no quote, no
        question asked) becomes the latest earlier text output nobody uses:
        "translate the question into English and answer it from the brochure"."""
        specs = TASK_TYPES[task["task"]].args
        slot = next((a for a in specs[1:] if a.modality == "text" and a.name in task["args"]), None)
        if slot is None or task["task"] not in _SECOND_TEXT_TASKS:
            return
        value = task["args"][slot.name]
        if reference_id(value) is not None or any(r.value == value for r in self.req.resources) or is_question(value):
            return
        if task["task"] != "sentence-similarity" and _ASKS_RE.search(value) and not TEXT_RESULT_RE.search(value):
            return  # the clause asks its own question ("tell me what colour the car is")
        below = descendants(_preds(self.tasks), k)
        for j in range(k - 1, -1, -1):
            if j not in used and j not in below and "text" in self.vocab.outputs.get(self.tasks[j]["task"], ())[:1]:
                task["args"][slot.name] = f"<resource>-{j}"
                task["dep"] = refs(task["args"]) or [-1]
                used.add(j)
                return

    def _guessed(self, k: int, spec: ArgSpec, value: str) -> bool:
        """Whether task ``k``'s main input ``value`` is a guess: not a resource of its clause
        (nor, for a prompt, words the clause wrote itself without referring back)."""
        clause = self.clauses[k]
        if clause is None:
            return False
        own = [self.req.resources[i].value for i in clause.resources]
        if value in own or self.feed_from_missing and _names_file(clause.lower, value):
            return False
        if value in {self.req.resources[i].value for i in self._several_given(clause, spec.modalities)}:
            return False  # "summarize these documents": a given file the clause speaks of
        if self.feed_from_missing and spec.modality == "text" and OWN_TEXT_RE.search(clause.lower):
            return False  # "also read the English sentence aloud": the quote, named as the user's own
        if any(r.value == value for r in self.req.resources):
            return True
        if spec.modality != "text":
            return False
        if self.tasks[k]["task"] in PROMPT_TASKS:
            return bool(TEXT_RESULT_RE.search(clause.lower) or self._refers_back(clause))
        return True

    def _reorder(self) -> None:
        """Put the tasks in an order where each comes after the tasks it uses (stable), renumbered."""
        nodes, preds = list(range(len(self.tasks))), _preds(self.tasks)
        if any(not used <= preds.keys() for used in preds.values()):  # a quoted "<resource>-9": no such task
            return
        order, cycles = toposort(nodes, preds)
        if cycles or order == nodes:  # cycles: only from quoted references; links never make one
            return
        new = {old: n for n, old in enumerate(order)}
        tasks = []
        for n, old in enumerate(order):
            t = self.tasks[old]
            args = {name: renumber_references(v, new.__getitem__) for name, v in t["args"].items()}
            tasks.append(task_dict(t["task"], n, args))
        self.tasks = tasks
        self.strengths = [self.strengths[old] for old in order]
        self.clauses = [self.clauses[old] for old in order]


__all__ = ["OutputLinking"]
