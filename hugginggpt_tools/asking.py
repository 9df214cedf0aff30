"""What a request asks a classifier for: which language a text or a recording is in
(:func:`asks_for_language`), or its sentiment or emotion (:func:`asks_about_emotion`). Pure text
rules, shared by the planner (two judgements of one text are two tasks: "what language is
review.txt in, and is the reviewer happy?") and selection (a model of the kind asked). Standard
library and :mod:`~hugginggpt_tools.filekinds` only: selection uses it without loading the planner."""

from __future__ import annotations

import re

from .filekinds import FILE_NAME_RE


def without_file_names(text: str) -> str:
    """``text`` with the file names in it left out ("language.txt", "happy.wav" ask nothing)."""
    return FILE_NAME_RE.sub(" ", text)


_LANGUAGE_ASKED_RE = re.compile(
    r"\b(?:what|which)\s+(?:[\w-]+\s+){0,2}?languages?\b"
    r"|\b(?:identify|detect|determine|recogni[sz]e|guess|tell(?:\s+me)?|name|find(?:\s+out)?|classify|check|"
    r"work\s+out|figure\s+out)\s+(?:the\s+|its\s+|their\s+|this\s+)?(?:[\w-]+\s+)?languages?\b"
    r"|\blanguages?\s+(?:identification|detection|id)\b|\blang(?:uage)?[-_ ]?id\b",
    re.IGNORECASE)
"""A request asking which language a text or a recording is in: "what language is this", "which
language is it written in", "identify the language", "detect the spoken language", "language ID";
not "translate into German" or "a language school" (the text to classify is left out first)."""


def asks_for_language(text: str) -> bool:
    """Whether ``text`` asks which language something is written or spoken in (file names left out:
    "language.txt" asks nothing)."""
    return bool(_LANGUAGE_ASKED_RE.search(without_file_names(text)))


_EMOTION_ADJECTIVES = (r"positive|negative|upbeat|optimistic|pessimistic|happy|happier|sad|sadder|angry|angrier|upset|cheerful|joyful|excited|scared|afraid|fearful|"
                       r"frustrated|annoyed|irritated|calm|nervous|anxious|disgusted|surprised|depressed|stressed|"
                       r"emotional|enthusiastic|bored|hostile|friendly|rude|sarcastic|in a (?:good|bad) mood")
_EMOTION_ASKED_RE = re.compile(
    r"\b(?:emotions?|emotional(?:ly)?|moods?|sentiments?|feelings?|tone of (?:(?:his|her|their|the) )?voice"
    r"|(?:his|her|their|speaker'?s|caller'?s|voice'?s?) tone|what tone|positive or negative|negative or positive)\b"
    rf"|\b(?:is|are|was|were|sounds?|sounded|sounding|seems?|seemed|feels?|felt)\b(?:\s+[\w']+){{0,3}}?\s+"
    rf"(?:{_EMOTION_ADJECTIVES})\b"
    r"|\bhow (?:does|did|do|is|was) (?:[\w']+\s+){0,3}?(?:feel|feeling)\b",
    re.IGNORECASE)
"""A question about the emotion, mood, tone or sentiment of speech: "is the speaker happy", "what
emotion", "does she sound angry", "how does the caller feel" (not "what sound is this" or "is there
speech"; "I'd be happy to know" asks nothing: the adjective must follow "is", "sounds", "seems"...)."""

def asks_about_emotion(text: str) -> bool:
    """Whether ``text`` asks about the emotion, mood, tone or sentiment of speech (the file names
    in it left out: "is there speech in happy.wav?" does not)."""
    return bool(_EMOTION_ASKED_RE.search(without_file_names(text)))


JUDGED_TASKS = frozenset({"text-classification", "audio-classification"})
"""The task types whose models may be asked for either kind of judgement (a language or a sentiment)."""


def judgements_asked(text: str) -> frozenset[str]:
    """The kinds of judgement ``text`` asks for: ``"language"`` (:func:`asks_for_language`),
    ``"sentiment"`` (:func:`asks_about_emotion`), both or none."""
    return frozenset(kind for kind, asks in (("language", asks_for_language), ("sentiment", asks_about_emotion))
                     if asks(text))


__all__ = ["JUDGED_TASKS", "asks_about_emotion", "asks_for_language", "judgements_asked", "without_file_names"]
