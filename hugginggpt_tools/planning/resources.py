"""Finding the resources a request mentions: file names, URLs and quoted text.

Both planners use this: the LLM planner lists the files mentioned in earlier turns of the chat,
the offline planner fills task arguments with them. Pure functions over strings, no I/O.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Iterable, Literal, Sequence
from urllib.parse import urlparse

from ..artifacts import guess_modality
from ..filekinds import FILE_NAME_RE, any_os_path
from ..filekinds import name_modality as file_modality

ResourceKind = Literal["file", "url", "quote"]

_URL_RE = re.compile(r"https?://[^\s'\"<>“”‘’]+", re.IGNORECASE)
_QUOTE_RES = (
    re.compile(r"“([^”]+)”"),
    re.compile(r"‘((?:[^’\n]|’(?=[a-z]))+)’(?!\w)"),
    re.compile(r"(?<![\w\\])\"([^\"\n]+)\""),
    re.compile(r"(?<![\w\\])'((?:[^'\n]|'(?=[a-z]))+)'(?!\w)"),
)


@dataclass(frozen=True)
class Resource:
    """A file, URL or quoted text found in a request, with where it was found.

    ``value`` is what a task argument gets (the file's path as given, the URL, the quoted
    text); ``start``/``end`` span the mention in the text (quotes included), or are -1 for a
    file that was passed in but not mentioned.
    """

    value: str
    modality: str
    kind: ResourceKind
    start: int = -1
    end: int = -1

    @property
    def mentioned(self) -> bool:
        return self.start >= 0


def _strip_trailing(value: str) -> str:
    return value.rstrip(".,;:!?)]}")


def url_modality(url: str) -> str:
    """The modality of what a URL points at, from its path's extension (text when unknown)."""
    return file_modality(urlparse(url).path) or "text"


def quoted_spans(text: str) -> list[tuple[int, int]]:
    """Where ``text`` quotes something (quote marks included), by the patterns :func:`find_resources` reads."""
    return [m.span() for pattern in _QUOTE_RES for m in pattern.finditer(text)]


def _overlaps(start: int, end: int, taken: list[tuple[int, int]]) -> bool:
    return any(start < e and s < end for s, e in taken)


def _urls(text: str, taken: list[tuple[int, int]]) -> list[Resource]:
    found = []
    for m in _URL_RE.finditer(text):
        url = _strip_trailing(m.group(0))
        found.append(Resource(url, url_modality(url), "url", m.start(), m.start() + len(url)))
        taken.append((m.start(), m.start() + len(url)))
    return found


def _quotes(text: str, taken: list[tuple[int, int]]) -> list[Resource]:
    found = []
    for pattern in _QUOTE_RES:
        for m in pattern.finditer(text):
            inner = m.group(1).strip()
            if not inner or _overlaps(m.start(), m.end(), taken):
                continue
            taken.append((m.start(), m.end()))
            url = _URL_RE.fullmatch(inner)
            modality = url_modality(inner) if url else file_modality(inner)
            if url or (modality and " " not in inner):
                kind: ResourceKind = "url" if url else "file"
                found.append(Resource(inner, modality or "text", kind, m.start(), m.end()))
            else:
                found.append(Resource(inner, "text", "quote", m.start(), m.end()))
    return found


def _files(text: str, taken: list[tuple[int, int]]) -> list[Resource]:
    found = []
    for m in FILE_NAME_RE.finditer(text):
        modality = file_modality(m.group(0))
        if modality is None or _overlaps(m.start(), m.end(), taken):
            continue
        taken.append((m.start(), m.end()))
        found.append(Resource(m.group(0), modality, "file", m.start(), m.end()))
    return found


def _match_given(resource: Resource, files: Iterable[str]) -> Resource:
    """A mentioned file named like a given file takes the given file's path."""
    if resource.kind != "file":
        return resource
    for path in files:
        if any_os_path(path).name == PurePosixPath(resource.value).name:
            return Resource(path, resource.modality, "file", resource.start, resource.end)
    return resource


_SUPPLIED_RE = re.compile(
    r"^(?P<lead>[^:\n]{0,120}?\b(?:(?i:(?:the following|following text|this|these|text|sentence|sentences|paragraph|"
    r"passage|message|review|note|notes|email|article|story|poem|quote|words|phrase)(?:\s+[\w'-]+){0,3}|aloud|out loud|"
    r"summari[sz]e|translate|paraphrase|rephrase|reword|rewrite|proofread|simplify|classify|analy[sz]e|in|from|within|"
    r"of|about|on)|"
    r"(?i:in|into|to) [A-Z][a-z]+))\s*:\s+(?P<text>\S.*\S)\s*$", re.DOTALL)
"""An instruction ending in a colon and the text it is about, unquoted ("Summarize the following:
Cats are small. Dogs bark.", "Read aloud: good morning", "Translate to German: good morning",
"Paraphrase: ...", "Find the people and places in: ...", "What emotion does this text express: ...")."""


_ASKED_ABOUT_RE = re.compile(
    r"^(?P<lead>[^?.!:\n]{3,100}?\b(?:this|these|that|the following)(?:\s+(?:text|texts|sentence|sentences|"
    r"review|message|phrase|passage|paragraph|quote|line|lines|tweet|comment|email|note|poem|words?|statement))?"
    r"(?:\s+(?!(?:photo|image|picture|pic|audio|video|clip|recording|file|document|song|one)s?\b)[\w'-]+){0,3}\s*\?)"
    r"\s+(?P<text>\S.*\S)\s*$", re.DOTALL | re.IGNORECASE)
"""A question about "this" and the text it is about, unquoted ("Which language is this? Dziękuję
bardzo.", "Is this review positive? The food was cold.")."""
_NOT_SUPPLIED_RE = re.compile(
    r"^(?:(?:and|then|also|now|next|so|please|but|ok(?:ay)?|just)\b|(?:i|we)(?:'d|\s+(?:want|would|need|wonder|"
    r"like|am|was))\b|(?:can|could|would|will)\s+you\b)", re.IGNORECASE)
"""What opens a further instruction rather than a text ("Then translate it", "I'd like it in French")."""


_FURTHER_RE = re.compile(r"(?<=[.!?])\s+(?:and\s+)?(?:then|afterwards|after\s+that|after\s+this|finally|lastly|next|"
                         r"once\s+(?:that(?:'s|\s+is)\s+)?done)\b,?\s*", re.IGNORECASE)
"""A sentence after a supplied text that goes on with the request ("Read this aloud: hello. Then
summarize it"): the text ends before it."""


_LAST_QUESTION_RE = re.compile(r"(?<=[.!])\s+(?=(?:what|who|whom|whose|where|when|which|why|how|is|are|was|were|does|do|"
                               r"did|can|could)\b[^.!?]*\?\s*$)", re.IGNORECASE)
"""Where a supplied text ends in a question about it, which is the request's, not the text's."""

_LABELLED_RE = re.compile(r"^\s*(?:Q|Question)\s*:\s*(?P<question>[^\n]+?\?)\s*(?:Context|Text|Passage)\s*:\s*"
                          r"(?P<context>\S.*\S)\s*$", re.IGNORECASE | re.DOTALL)
"""A question and its context labelled so ("Q: What color is the sky? Context: The sky is blue.")."""


def _labelled(text: str, taken: list[tuple[int, int]]) -> list[Resource]:
    """A labelled question and its context (:data:`_LABELLED_RE`), as two quotes."""
    m = _LABELLED_RE.match(text)
    if m is None or _overlaps(m.start("question"), m.end("context"), taken):
        return []
    taken += [m.span("question"), m.span("context")]
    return [Resource(m.group(g), "text", "quote", *m.span(g)) for g in ("question", "context")]


def _supplied(text: str, taken: list[tuple[int, int]]) -> list[Resource]:
    """The unquoted text after an instruction's colon or a question about "this", as a quote, when
    nothing else (no file, URL or quote) is named after it: else it is likelier more instructions
    (so is a sentence that opens like one: "What is this? Then read it aloud")."""
    from .clauses import IMPERATIVE_RE  # local: clauses imports this module

    m = _SUPPLIED_RE.match(text)
    if m is None:
        m = _ASKED_ABOUT_RE.match(text)
        if m is None or IMPERATIVE_RE.match(m.group("text")) or _NOT_SUPPLIED_RE.match(m.group("text")):
            return []
    start, end = m.span("text")
    asked = _LAST_QUESTION_RE.search(text, start, end)
    if asked and asked.start() > start:  # "Here's a paragraph: The meeting is on Tuesday. When is it?"
        end = asked.start()
    for then in _FURTHER_RE.finditer(text, start, end):  # "Next, read it aloud", not "Next stop is Boston"
        if IMPERATIVE_RE.match(text[then.end():end]):
            end = then.start()
            break
    supplied = text[start:end].rstrip()
    end = start + len(supplied)
    if len(m.group("lead").split()) > 12 or len(supplied.split()) < 2 \
            or _overlaps(start, end, taken) or FILE_NAME_RE.search(supplied):
        return []
    if len(m.group("lead").split()) == 1:
        if IMPERATIVE_RE.match(supplied) or _NOT_SUPPLIED_RE.match(supplied):  # "Note: I want it summarized"
            return []
    taken.append((start, end))
    return [Resource(supplied, "text", "quote", start, end)]


def _spaced_given(text: str, files: Sequence[str], taken: list[tuple[int, int]]) -> list[Resource]:
    """Mentions of given files whose names :data:`FILE_NAME_RE` would cut: with spaces ("french note.png",
    cut to its last word; "scans/french note.png" too: a mention with a folder counts) or other signs
    ("O'Brien.png", cut to "Brien.png"; "notes (1).txt"); quoted or not, but not inside a longer quoted
    text ("'french note.png is late'" is words)."""
    found = []
    quotes = quoted_spans(text)
    for path in files:
        name = any_os_path(path).name
        if FILE_NAME_RE.fullmatch(name):
            continue
        for m in re.finditer(rf"(?<![\w/.~-])(?:[\w.~-]+/)*{re.escape(name)}(?![\w/-])", text, re.IGNORECASE):
            inside = any(s < m.start() and m.end() < e and text[s + 1:e - 1].strip() != m.group(0) for s, e in quotes)
            if not inside and not _overlaps(m.start(), m.end(), taken):
                taken.append(m.span())
                found.append(Resource(path, file_modality(name) or guess_modality(name), "file", m.start(), m.end()))
    return found


_GENERIC_WORDS = frozenset(
    "image images photo photos picture pictures audio sound speech voice recording recordings video videos file files "
    "text texts document documents scan scans output outputs result results upload uploads copy final small new "
    "edited draft version untitled sample test example".split())
"""Words of a file's name that say only what kind of file it is: "the photo" names no file among several."""
_DETERMINER_RE = r"(?:the|my|this|that|our|your)\s+"
_NAME_GAP = r"[\s_-]+"


def _described_given(text: str, files: Sequence[str], taken: list[tuple[int, int]]) -> list[Resource]:
    """Mentions of given files by the words of their names, when several are given ("summarize the
    meeting notes and the press release" given team_meeting_notes.docx and press_release.docx; "read
    the receipt and the slide" given receipt_bakery.jpg and q3_slide.png): "the" (or "my", "this",
    ...) and one or two words in a row of the name, of four letters or more and not a word for a
    kind of file (:data:`_GENERIC_WORDS`). A mention two files' names fit names neither."""
    if len(files) < 2:
        return []
    spans: dict[tuple[int, int], list[str]] = {}
    for path in files:
        stem = any_os_path(path).stem.lower()
        words = [w for w in re.split(r"[^a-z]+", stem) if w]
        runs = [words[i:i + n] for n in (2, 1) for i in range(len(words) - n + 1)]
        for run in runs:
            if any(len(w) < 4 or w in _GENERIC_WORDS for w in run):
                continue
            joined = _NAME_GAP.join(map(re.escape, run))
            pattern = rf"(?<!\w){_DETERMINER_RE}(?:\w+\s+)?({joined})s?(?!\w)"
            found = re.search(pattern, text, re.IGNORECASE)
            if found and not _overlaps(found.start(1), found.end(1), taken):
                spans.setdefault((found.start(1), found.end(1)), []).append(path)
                break
    chosen = []
    for (start, end), paths in sorted(spans.items()):
        if len(set(paths)) == 1 and not _overlaps(start, end, [span for span, _ in chosen]):
            chosen.append(((start, end), paths[0]))
    taken += [span for span, _ in chosen]
    return [Resource(path, file_modality(path) or guess_modality(path), "file", start, end)
            for (start, end), path in chosen]


def find_resources(text: str, files: Iterable[str] = ()) -> list[Resource]:
    """The URLs, files and quoted texts mentioned in ``text``, in order, then unmentioned ``files``.

    A quoted file name or URL counts as a file or URL, not as quoted text; so does, as quoted
    text, what follows an instruction's colon ("Summarize the following: ..."). A mentioned file
    whose name matches one of ``files`` gets that file's path as its value; a given file's name
    with spaces in it ("french note.png") is found whole.
    """
    files = list(files)
    taken: list[tuple[int, int]] = []
    found = _spaced_given(text, files, taken) + _urls(text, taken) + _quotes(text, taken) + _files(text, taken)
    found += _labelled(text, taken) or _supplied(text, taken)
    named = {any_os_path(r.value).name for r in found if r.kind == "file"}
    found += _described_given(text, [f for f in files if any_os_path(f).name not in named], taken)
    found = sorted((_match_given(r, files) for r in found), key=lambda r: r.start)
    mentioned = {r.value for r in found}
    for path in files:
        if path not in mentioned:
            found.append(Resource(path, file_modality(path) or guess_modality(path), "file"))
    return found


__all__ = ["FILE_NAME_RE", "Resource", "file_modality", "find_resources", "quoted_spans", "url_modality"]
