"""Stand-ins: what runs in place of a task that cannot give the answer asked for.

A task no model of its type can run gets a task of another type whose output holds the answer
(:func:`stand_in`), with a plan warning when it holds only part of it (:func:`stand_in_caveat`:
"who is in the photo?" counts the people, not who they are); a picture to describe with only text
readers gets a classifier fallback (:func:`picture_stand_in`, decided from the part of the request
about its image); an audio-classification task asking about the emotion of speech becomes two
tasks when no model here recognizes it (:mod:`~hugginggpt_tools.selection.speech_emotion`). A stand-in
that would repeat a task of the plan (the same type on the same inputs) is merged into it
(:func:`_merged_duplicates`), and an audio classifier that only tells speech from no speech, asked
about other sounds, gets a warning that says so (:func:`speech_only`). A question about something in
particular in the writing of a document or picture ("what is the total?") becomes two tasks, reading then
extractive question answering (:mod:`~hugginggpt_tools.selection.reading`), or only the second when the plan
already reads that image with that model ("read receipt.png and tell me the total": it is read once), or an earlier
stand-in does ("what card did I pay with and what day was it?": two questions of one receipt read it once).
:func:`stand_ins` applies them all to a plan and its choices.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

from ..asking import without_file_names
from ..backends._ocr import asks_for_writing
from ..backends.base import Backends
from ..dag import renumbered
from ..filekinds import FILE_NAME_RE
from ..model_index.index import ModelIndex
from ..schemas import ModelCard, ModelChoice, Plan, Task, arg_refs
from .choice import select_models
from .questions import _about, _text_args
from .reading import _reading, _ReadingSplit, _reusing
from .reasons import first_fixes, reason_detail
from .speech_emotion import _emotion, emotion_stand_in

_PEOPLE = (r"people|persons?|(?:wo)?m[ae]n|child(?:ren)?|kids?|boys?|girls?|bab(?:y|ies)|faces?|humans?|"
           r"any(?:one|body)|some(?:one|body)|players?|pedestrians?|crowds?|riders?|guys?|lad(?:y|ies)|figures?")
_OBJECTS = (r"animals?|objects?|things|items|vehicles?|cars?|trucks?|bus(?:es)?|bicycles?|bikes?|motorcycles?|"
            r"motorbikes?|trains?|boats?|ships?|(?:aero|air)planes?|planes?|traffic lights?|stop signs?|benches?|"
            r"birds?|dogs?|cats?|horses?|sheep|cows?|elephants?|bears?|zebras?|giraffes?|backpacks?|umbrellas?|"
            r"handbags?|bags?|suitcases?|balls?|kites?|bottles?|cups?|glass(?:es)?|bowls?|bananas?|apples?|"
            r"oranges?|pizzas?|cakes?|chairs?|couch(?:es)?|sofas?|beds?|tables?|tvs?|laptops?|phones?|books?|"
            r"clocks?|vases?|plants?|flowers?|trees?|fish|insects?|pets?|fruits?")
_DETECTABLE = rf"(?:{_PEOPLE}|{_OBJECTS})"
"""What a detector may find: people and faces (the bundled detector) and the things of COCO's classes."""
_LOOKS_FOR = r"(?:how many|count|number of|is there|are there|find|locate|spot|where(?:['’]s| is| are)?)"
_COUNTS_RE = re.compile(
    rf"\b{_LOOKS_FOR}\s+(?:(?!(?:in|on|of|at|for|with|from|to|and|when)\b)[\w'’-]+\s+){{0,2}}?{_DETECTABLE}\b"
    r"|\b(?:is|are)\s+(?:any(?:one|body)|some(?:one|body))\b", re.IGNORECASE)
"""A question that counts or looks for people, faces or things a detector finds: "how many faces are there?", "is
there a dog in it?", "where is the red car?", "is anyone in the picture?"; not one about something else that the
writing in a picture may tell ("is there gluten in this product?", "where and when are they meeting?", "how many
calories?"), which is left to reading (:mod:`~hugginggpt_tools.selection.reading`)."""
_READS_RE = re.compile(r"\b(?:say|says|said|written|write|text|read|reads|words?|letters?|print(?:ed)?|sign)\b",
                       re.IGNORECASE)
_WHO_RE = re.compile(
    r"\bwho(?:['’]s|['’]re|\s+(?:is|are|was|were))\s+(?:(?:in|on|shown|pictured|depicted|visible|seen)\b"
    rf"|(?:(?:the|this|that|these|those)\s+)?(?:[\w'’-]+\s+)?(?:{_PEOPLE})\b"
    r"|(?:this|that|these|those|it|he|she|they|him|her|them)\s*(?:[?.!,]|$))", re.IGNORECASE)
"""A question about who is in a picture ("who is in portrait.jpg?", "who's this?", "who are the people in the
photo?"), not about someone the writing in it names ("who is Tom meeting?")."""

_PICTURE = (r"(?:(?:the|this|that|my|your|these|those|a)\s+)?"
            r"(?:picture|photo(?:graph)?|image|pic|shot|snapshot|scene|screenshot)s?")
_SEEN = r"(?:shown|pictured|depicted|visible|seen|displayed)"
_THINGS = (r"(?:animal|object|thing|item|plant|flower|tree|food|dish|fruit|vegetable|bird|dog|cat|insect|fish|"
           r"vehicle|creature|breed|species|building|instrument|device|tool)s?")
_WHAT_RE = re.compile(
    rf"\bwhat(?:'s|\s+is|\s+are)\s+(?:{_SEEN}\s+)?(?:in|on)\s+{_PICTURE}\s*(?:[?.!]|$)"
    rf"|\bwhat(?:'s|\s+is|\s+are)\s+(?:this|that|it|these|those)(?:\s+{_THINGS})?"
    rf"\s*(?:[?.!]|$|(?:an?\s+)?(?:picture|photo|image)\s+of\b|(?:in|on)\s+{_PICTURE})"
    rf"|\bwhat(?:'s|\s+is|\s+are)\s+{_SEEN}\b"
    rf"|\bwhat(?:'s|\s+is)\s+{_PICTURE}\s+(?:of|about)\b"
    r"|\bwhat\s+(?:kind|type|sort|breed|species|variety)s?\s+of\b"
    rf"|\bwhat\s+{_THINGS}\s+(?:is|are)\b"
    rf"|\bwhat\s+(?:does|do|did)\s+(?:{_PICTURE}|it|this|that)\s+(?:show|depict|contain|portray|feature|represent)\b"
    r"|\bwhat\s+(?:can|do)\s+you\s+see\b|\bwhat\s+am\s+i\s+looking\s+at\b"
    r"|\bwhat(?:'s|\s+is)\s+(?:the\s+)?(?:main\s+)?(?:subject|content)s?\s+of\b",
    re.IGNORECASE)
"""A question about what a picture shows as a whole, which an image classifier's labels answer in
part: "what is in portrait.jpg?", "what is this?", "what kind of dog is this?", "what does the
photo show?"; not one about a part or a property of it ("what colour is the car?", "what is the
man holding?", "what is this person doing?")."""

_PARTIAL = {
    "who": "finds and counts the people (or faces) in the picture, not who they are",
    "what": ("labels the picture as a whole with the classifier's categories and their scores, rather than "
             "answer the question"),
}
"""What a stand-in that answers only part of an image question gives, by the kind of question."""


def _question_kind(task: Task) -> str | None:
    """What a document or image question asks, to tell which task type's output holds the answer:
    ``"reads"`` (its writing), ``"who"``, ``"counts"`` (counts or finds things), ``"what"`` (what
    the picture shows); None when none of these. File names in it read as "the picture"
    ("who is in portrait.jpg?" asks who is in the picture; "text.png" asks for no text)."""
    if task.task == "document-question-answering":
        return "reads"
    question = FILE_NAME_RE.sub("the picture", str(task.args.get("text", "")))
    question = re.sub(r"\b(?:the|this|that|my|your|a)\s+(?=the picture)", "", question, flags=re.IGNORECASE)
    for kind, pattern in (("reads", _READS_RE), ("who", _WHO_RE), ("counts", _COUNTS_RE), ("what", _WHAT_RE)):
        if pattern.search(question):
            return kind
    return None


_STAND_IN_TYPES = {"reads": "image-to-text", "who": "object-detection", "counts": "object-detection",
                   "what": "image-classification"}


def stand_in(task: Task) -> Task | None:
    """A task of another type whose output holds the answer ``task`` asks for, to run when no model
    of ``task``'s type can: a document's question is answered within its text (image-to-text:
    OCR); an image question about the writing in it ("what does the sign say?") by image-to-text,
    one that counts or finds things ("how many faces?") or asks who is in it ("who is in
    portrait.jpg?": part of the answer, see :func:`stand_in_caveat`) by object detection, and one
    about what the picture shows ("what is in this photo?", "what kind of dog is this?") by image
    classification (part of the answer too); None otherwise ("what colour is the car?", "what is
    the man holding?": no model here holds that answer)."""
    if task.task not in ("document-question-answering", "visual-question-answering") or "image" not in task.args:
        return None
    kind = _question_kind(task)
    if kind is None:
        return None
    image = task.args["image"]
    return Task(id=task.id, task=_STAND_IN_TYPES[kind], dep=[r.task_id for r in arg_refs(image)] or [-1],
                args={"image": image})


def stand_in_caveat(task: Task) -> str | None:
    """What the :func:`stand_in` of ``task`` does not answer, when it answers only part of the
    question: a detector finds and counts people, not who they are; a classifier labels the whole
    picture rather than answer. None when its output holds the whole answer (or there is none)."""
    if task.task != "visual-question-answering":
        return None
    return _PARTIAL.get(_question_kind(task) or "")


def picture_stand_in(task: Task, choice: ModelChoice, request: str) -> Task | None:
    """The image-classification task to fall back on (:attr:`ModelChoice.fallback`) when ``task`` asks to
    describe a picture, every image-to-text model that can run here only reads printed text (its card is
    tagged ``ocr``) and neither the part of the request about this task's image
    (:func:`~hugginggpt_tools.selection.request_about`: "Describe portrait.jpg" of "Describe portrait.jpg and
    read the text in sky.png aloud") nor the task's own text arguments ask about writing in it
    (:func:`~hugginggpt_tools.backends._ocr.asks_for_writing`): a photo with no text then gets the
    classifier's labels instead of nothing. None otherwise."""
    if task.task != "image-to-text" or "image" not in task.args or not choice.candidates:
        return None
    if not all("ocr" in c.card.tags for c in choice.candidates):
        return None
    image = task.args["image"]
    if asks_for_writing(_about(image, request)) or any(asks_for_writing(text) for _, text in _text_args(task)):
        return None
    return Task(id=task.id, task="image-classification", dep=task.dep, args={"image": image})


def stand_ins(plan: Plan, choices: list[ModelChoice], request: str, index: ModelIndex, backends: Backends,
              **select: Any) -> tuple[Plan, list[ModelChoice]]:
    """``plan`` and ``choices`` with each task that has no runnable model replaced by its :func:`stand_in`
    when one can run (its choice's ``stands_in_for`` names the type asked for; one that answers only part of
    the question, :func:`stand_in_caveat`, adds a plan warning saying what it does not answer and how to get a
    model of the type asked for), a picture to describe with only text readers given a
    :func:`picture_stand_in` fallback, and an audio-classification task whose part of the request asks about
    the emotion of speech ("is there speech in a.wav and is the speaker in b.wav happy?" asks it of b.wav
    only) given a model that recognizes emotion when one can run, else replaced by two tasks
    (:func:`~hugginggpt_tools.selection.emotion_stand_in`: transcribe, then judge the sentiment of the words,
    both naming the type they stand in for; the later tasks' ids shift by one), with a plan warning that they
    judge the words, not the voice, and the emotion model to add
    (:func:`~hugginggpt_tools.selection.emotion_fix`); when neither can run, the task has no model and its
    reason says so, rather than run a speech detector that answers "speech" (``select`` goes to
    :func:`~hugginggpt_tools.selection.select_models`). A stand-in that repeats another task of the plan
    (same type, same inputs: "How many people are in portrait.jpg? Draw boxes around them.") is merged into
    it, with a plan warning that that task answers the question too (:func:`_merged_duplicates`; not done
    when an emotion split renumbers the plan); an audio-classification task whose model only tells speech
    from no speech, asked about something else, gets a plan warning with a sound classifier to add
    (:func:`_speech_only_warnings`)."""
    tasks, chosen = list(plan.tasks), list(choices)
    splits: dict[int, Any] = {}  # _EmotionSplit or _ReadingSplit
    partial: list[tuple[Task, Task, str | None, str]] = []  # the stand-ins: asked, run, caveat, why
    for k, (task, choice) in enumerate(zip(plan.tasks, choices)):
        steps = emotion_stand_in(task, request)
        if steps is not None:
            chosen[k], split = _emotion(task, steps, choice, request, index, backends, **select)
            if split is not None:
                splits[task.id] = split
        elif choice.model_id is not None:
            chosen[k] = _with_picture_fallback(task, choice, request, index, backends, **select)
        elif (read := _reading(task, choice, _question_kind(task) if "image" in task.args else None, request, index,
                               backends, **select)) is not None:
            splits[task.id], twin = _reusing(read, tasks[:k], chosen[:k], splits)
            if twin is not None:  # its writing is asked about: a picture's labels would answer nothing
                chosen[twin] = chosen[twin].model_copy(update={"fallback": None})
        else:
            replaced = _standing_in(task, choice, request, index, backends, **select)
            if replaced is not None:
                tasks[k], chosen[k], caveat = replaced
                partial.append((task, tasks[k], caveat, choice.reason))
    merged: dict[int, int] = {}
    if not splits:  # an emotion split renumbers the tasks itself; the two are not combined
        tasks, chosen, merged = _merged_duplicates(tasks, chosen, {asked.id for asked, *_ in partial})
    warnings = [_stand_in_warning(*p, task_id=merged.get(p[0].id, _new_id(p[0].id, splits)), merged=p[0].id in merged)
                for p in partial if p[2] or p[0].id in merged]
    warnings += _speech_only_warnings(tasks, chosen, splits, request, index, backends, **select)
    if warnings:
        plan = plan.model_copy(update={"warnings": [*plan.warnings, *warnings]})
    if splits:
        return _spliced(plan.model_copy(update={"tasks": tasks}), chosen, splits)
    if tasks == plan.tasks:
        return plan, chosen
    return plan.model_copy(update={"tasks": tasks}), chosen


def _merged_duplicates(tasks: list[Task], chosen: list[ModelChoice], stood: set[int]
                       ) -> tuple[list[Task], list[ModelChoice], dict[int, int]]:
    """``tasks`` and ``chosen`` with each stand-in (its id in ``stood``) that duplicates another task (the same
    type on the same inputs: "How many people are in portrait.jpg? Draw boxes around them." stands object
    detection in for the question beside the object detection asked for) merged into one: the earlier of the
    two stays, with the choice of the task asked for outright (not standing in), the later goes, and the
    references to it point at the one kept; later ids shift down (:func:`_renumbering`). Also the map of
    each merged stand-in's id (as given) to the id of the task kept (as it is now)."""
    merged: dict[int, int] = {}
    dropped: set[int] = set()
    for k, task in enumerate(tasks):
        if task.id not in stood or task.id in dropped:
            continue
        twin = next((j for j, other in enumerate(tasks) if j != k and other.id not in dropped
                     and other.task == task.task and other.args == task.args), None)
        if twin is None:
            continue
        keep, drop = min(k, twin), max(k, twin)
        if tasks[twin].id not in stood:  # the task asked for outright keeps its own choice
            chosen[keep] = chosen[twin].model_copy(update={"task_id": tasks[keep].id})
        dropped.add(tasks[drop].id)
        merged[task.id] = tasks[keep].id
        merged[tasks[drop].id] = tasks[keep].id
    if not dropped:
        return tasks, chosen, {}
    renumber = _renumbering({d: merged[d] for d in dropped})
    kept = [(t, c) for t, c in zip(tasks, chosen) if t.id not in dropped]
    moved = [_moved(t, renumber(t.id), renumber) for t, _ in kept]
    return ([t.model_copy(update={"dep": sorted(set(t.dep))}) for t in moved],  # a task may have used both
            [c.model_copy(update={"task_id": renumber(c.task_id), "fallback": c.fallback.model_copy(
                update={"task_id": renumber(c.task_id)}) if c.fallback else None}) for _, c in kept],
            {asked: renumber(into) for asked, into in merged.items() if asked in stood})


def _renumbering(merged: dict[int, int]) -> Callable[[int], int]:
    """The new id of each task once the tasks whose ids ``merged`` holds (except those it maps to
    themselves) are gone into the task it maps them to: every later id shifts down by one per task gone."""
    gone = sorted(d for d, into in merged.items() if d != into)

    def renumber(old: int) -> int:
        old = merged.get(old, old) if old in gone else old
        return old - sum(1 for d in gone if d < old)

    return renumber


def _stand_in_warning(task: Task, other: Task, caveat: str | None, why: str, *, task_id: int, merged: bool) -> str:
    """The plan warning of a stand-in ``other`` for ``task``: when ``merged`` into a task of the plan
    (:func:`_merged_duplicates`), that that task answers ``task``'s question too, as far as it can
    (``caveat``); else what it gives when it answers only part of the question (``caveat``). Either way,
    how to get a model of the type asked for (``why``: the reason none can run, with the fix)."""
    question = " ".join(str(task.args.get("text", "")).split())
    asked = f" (\"{question}\")" if question else ""
    head = (f"task {task_id} ({other.task}) also answers the {task.task} asked for{asked}" if merged else
            f"task {task_id} ({other.task}, standing in for {task.task}) {caveat}")
    gives = f": it {caveat}" if merged and caveat else ""
    goal = f"it with a {task.task} model" if merged else f"\"{question}\" itself"
    return (f"{head}, as no {task.task} model can run here{gives}. To answer {goal}, make one runnable: "
            f"{reason_detail(task.task, why)}")


SPEECH_ONLY_TAGS = frozenset({"voice-activity-detection", "vad", "speech-detection"})
"""Tags of a model card whose audio classifier only tells speech from no speech (Silero VAD)."""
_SPEECH_ASKED_RE = re.compile(
    r"\b(?:speech|speak\w*|spoken|spoke|talk\w*|voices?|vocal|said|says?|saying|words?|silen\w*|quiet|"
    r"any(?:one|body)|some(?:one|body)|human|people|person|conversation|dialog(?:ue)?)\b", re.IGNORECASE)
"""A question a speech detector answers: whether and where someone speaks ("is there speech in a.wav?",
"is anyone talking?", "find the silent parts")."""


def speech_only(choice: ModelChoice) -> bool:
    """Whether ``choice``'s model only tells speech from no speech: its card is tagged as voice
    activity detection (:data:`SPEECH_ONLY_TAGS`)."""
    chosen = choice.chosen
    return chosen is not None and bool(SPEECH_ONLY_TAGS & {t.lower() for t in chosen.card.tags})


def _speech_only_warnings(tasks: list[Task], chosen: list[ModelChoice], splits: Mapping[int, Any], request: str,
                          index: ModelIndex, backends: Backends, **select: Any) -> list[str]:
    """A plan warning for each audio-classification task whose model only tells speech from no speech
    (:func:`speech_only`: Silero VAD) while the part of the request about its audio asks about something
    else ("what kind of sound is tone.wav?", "classify the audio"): its answer is only "speech" or "no
    speech", said with the fix, a sound classifier to download (the catalog's best to suggest,
    :func:`~hugginggpt_tools.selection.reasons.first_fixes` over the cards that say they name sounds, else over
    those that are not speech, emotion or language classifiers); one warning for the tasks one model runs.
    A task in ``splits`` does not run (its stand-in's steps do: "what's the mood of the caller?" transcribes,
    then judges the words), so it has none; the others are named by their ids in the plan as run
    (:func:`_new_id`)."""
    from .ranking import _selecting, task_languages, task_query

    by_model: dict[str, list[Task]] = {}
    for task, choice in zip(tasks, chosen):
        if task.task != "audio-classification" or "audio" not in task.args or not speech_only(choice) \
                or task.id in splits:
            continue
        if not _SPEECH_ASKED_RE.search(without_file_names(_about(task.args["audio"], request))):
            by_model.setdefault(str(choice.model_id), []).append(task)
    warnings = []
    for model, group in by_model.items():  # one warning for the tasks a model runs alike
        task = group[0]
        (vector,) = index.embed_queries([task_query(task, request)])
        weights, languages = _selecting(select)[1], task_languages(task, request)
        fix = first_fixes(task, vector, index, backends, weights, languages, request, (_names_sounds, _may_name_sounds))
        ids = [str(_new_id(t.id, splits)) for t in group]
        which = f"task {ids[0]}" if len(ids) == 1 else f"tasks {', '.join(ids[:-1])} and {ids[-1]}"
        warnings.append(f"{which} ({task.task}) run{'s' if len(ids) == 1 else ''} {model}, which only tells speech "
                        "from no speech: it names no other sound (music, a tone, an animal, a machine). To name the "
                        f"kind of sound, add a sound classifier: {fix}")
    return warnings


_SOUND_CARD_RE = re.compile(r"\baudio[ -]?set\b|\besc-?50\b|\burban[ -]?sound|\bsound (?:event|recognition|"
                            r"classification|classifier)s?\b|\benvironmental sounds?\b|\bmusic genres?\b|\bgtzan\b",
                            re.IGNORECASE)
"""A card whose model names sounds: trained on AudioSet, ESC-50, UrbanSound8K or music genres."""


def _names_sounds(card: ModelCard) -> bool:
    """Whether ``card``'s id, tags or description say its model names sounds (:data:`_SOUND_CARD_RE`)."""
    return bool(_SOUND_CARD_RE.search(" ".join([card.id, *card.tags, card.description])))


def _may_name_sounds(card: ModelCard) -> bool:
    """Whether ``card``'s audio classifier may name sounds: not a speech detector (:data:`SPEECH_ONLY_TAGS`),
    nor one that tells emotion or language (what its card says it recognizes)."""
    from .questions import identifies_language, recognizes_emotion

    return not SPEECH_ONLY_TAGS & {t.lower() for t in card.tags} and not recognizes_emotion(card) \
        and not identifies_language(card)


def _select_one(task: Task, request: str, index: ModelIndex, backends: Backends, **select: Any) -> ModelChoice:
    """The :func:`~hugginggpt_tools.selection.select_models` choice for the one task ``task``."""
    (found,) = select_models(Plan(tasks=[task]), request, index, backends, **select)
    return found


def _with_picture_fallback(task: Task, choice: ModelChoice, request: str, index: ModelIndex, backends: Backends,
                           **select: Any) -> ModelChoice:
    """``choice`` with its :func:`picture_stand_in` fallback when ``task`` has one that can run."""
    fallback = picture_stand_in(task, choice, request)
    if fallback is None:
        return choice
    found = _select_one(fallback, request, index, backends, **select)
    if found.model_id is None:
        return choice
    return choice.model_copy(update={"fallback": found.model_copy(update={
        "stands_in_for": task.task, "reason": (
            f"the {task.task} models here only read printed text; if they find none, "
            f"{fallback.task} says what the picture shows. {found.reason}")})})


def _standing_in(task: Task, choice: ModelChoice, request: str, index: ModelIndex, backends: Backends,
                 **select: Any) -> tuple[Task, ModelChoice, str | None] | None:
    """For ``task``, which no model can run (``choice`` says why), its :func:`stand_in`, that task's
    choice (naming the type it stands in for, and ``answers_whole`` when its output is the whole answer
    and needs no model of that type: an image question with no caveat, "how many faces are there?" by a
    detector's count; not a document's question, whose answer is only somewhere in the text read) and
    its :func:`stand_in_caveat`, when one can run; else None."""
    other = stand_in(task)
    if other is None:
        return None
    found = _select_one(other, request, index, backends, **select)
    if found.model_id is None:
        return None
    caveat = stand_in_caveat(task)
    gives = f"it {caveat}" if caveat else "its output holds the answer"
    whole = caveat is None and task.task == "visual-question-answering"
    return other, found.model_copy(update={"stands_in_for": task.task, "answers_whole": whole, "reason": (
        f"no {task.task} model can run here ({choice.reason}); {other.task} stands in: {gives}. "
        f"{found.reason}")}), caveat


def _moved(task: Task, task_id: int, new_id: Callable[[int], int]) -> Task:
    """``task`` with id ``task_id`` and the ids in its ``dep`` and references mapped by ``new_id``."""
    return task.model_copy(update={"id": task_id, "dep": [d if d < 0 else new_id(d) for d in task.dep],
                                   "args": {k: renumbered(v, new_id) for k, v in task.args.items()}})


def _new_id(old: int, splits: Mapping[int, Any]) -> int:
    """The id of task ``old`` once each task in ``splits`` is its split's steps (:func:`_spliced`): two, or
    one for a reading that reuses the plan's (:func:`~hugginggpt_tools.selection.reading._reusing`)."""
    return old + sum(len(split.steps) - 1 for s, split in splits.items() if s <= old)


def _spliced(plan: Plan, choices: list[ModelChoice], splits: dict[int, Any]) -> tuple[Plan, list[ModelChoice]]:
    """``plan`` with each task whose id ``splits`` holds replaced by its split's steps (two, or one): the
    first takes the task's id, the last (the one the other tasks' references to the task now point at)
    the next (a split of one step keeps the id), and every later id shifts by one per added step before it; the steps' warnings are added
    to the plan's. A split (:class:`~.speech_emotion._EmotionSplit`, :class:`~.reading._ReadingSplit`)
    has ``steps`` and gives their choices and warning with ``finish(task, steps)`` (the task's references
    and the steps' ids final); a reading split's ``reads`` is the id of an earlier split whose first step
    (the image it reads) its step's reference means, not that split's last step."""
    def new_id(old: int) -> int:
        return _new_id(old, splits)

    tasks: list[Task] = []
    chosen: list[ModelChoice] = []
    warnings: list[str] = []
    for task, choice in zip(plan.tasks, choices):
        moved_id = new_id(task.id)
        if task.id not in splits:
            fallback = choice.fallback.model_copy(update={"task_id": moved_id}) if choice.fallback else None
            tasks.append(_moved(task, moved_id, new_id))
            chosen.append(choice.model_copy(update={"task_id": moved_id, "fallback": fallback}))
            continue

        first = moved_id + 1 - len(splits[task.id].steps)
        reads = splits[task.id].reads if isinstance(splits[task.id], _ReadingSplit) else None

        def step_id(old: int, split_id: int = task.id, first: int = first, reads: int | None = reads) -> int:
            if old == reads:  # the reading of an earlier split: its first step
                return new_id(reads) + 1 - len(splits[reads].steps)
            return first if old == split_id else new_id(old)  # the transcript: the first step's output

        steps = [_moved(step, first + k, step_id) for k, step in enumerate(splits[task.id].steps)]
        step_choices, warning = splits[task.id].finish(_moved(task, moved_id, new_id), steps)
        tasks += steps
        chosen += step_choices
        warnings += [warning] if warning else []
    return plan.model_copy(update={"tasks": tasks, "warnings": [*plan.warnings, *warnings]}), chosen
