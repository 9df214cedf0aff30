"""Reading a request for the offline planner: its resources, and its clauses with them masked.

A request such as "Caption 'a.jpg', translate the caption into German, and read it aloud." is
split into clauses ("Caption ⟨0⟩", "translate the caption into German", "read it aloud") after
its resources (files, URLs, quoted text) are replaced by placeholders, so that separators and cue
words inside a quote do not count. Pure functions over strings.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from typing import Collection, Sequence

from langchain_core.messages import BaseMessage

from ..filekinds import any_os_path
from .resources import Resource, find_resources, quoted_spans

PLACEHOLDER_RE = re.compile("\ue000(\\d+)[\ue001\ue002]")
"""A masked resource in a clause: ``\\ue000K\\ue001`` for the request's resource K (``\\ue002`` at
the end when the resource is a quote that ends a sentence)."""

_ACTION_VERBS = (
    r"translat\w*|summari[sz]\w*|transcrib\w*|generat\w*|creat\w*|make|making|produc\w*|detect\w*|classif\w*|"
    r"identif\w*|caption\w*|describ\w*|read|convert\w*|turn\w*|speak|say|answer\w*|segment\w*|estimat\w*|draw|"
    r"paint|edit\w*|extract\w*|find|finding|tell|writ\w*|analy[sz]\w*|compar\w*|recogni[sz]\w*|narrat\w*|"
    r"enhanc\w*|denois\w*|remov\w*|clean\w*|count\w*|locat\w*|determin\w*|paraphras\w*|rephras\w*|rewrit\w*|"
    r"correct\w*|synthesi[sz]\w*|check\w*|reply\w*|respond\w*|continu\w*|complet\w*|compos\w*|modif\w*|"
    r"transform\w*|visuali[sz]\w*|animat\w*|give|giving|show|provid\w*|get|getting|predict\w*|separat\w*|"
    r"improv\w*|list|ask|let|use|using|categori[sz]\w*|figur\w*|evaluat\w*|measur\w*|calculat\w*|assess\w*|"
    r"verif\w*|ensur\w*|isolat\w*|design\w*|render\w*|illustrat\w*|sketch\w*|craft\w*|suppl\w*|suggest\w*|"
    r"explain\w*|pull\w*|pick\w*|highlight\w*|divid\w*|split\w*|outlin\w*|restor\w*|upscal\w*|sharpen\w*|"
    r"colou?ri[sz]\w*|styli[sz]\w*|apply\w*|adjust\w*|replac\w*|eras\w*|alter\w*|boost\w*|reduc\w*|filter\w*|"
    r"spot\w*|discover\w*|learn|understand|know|see|engag\w*|chat\w*|discuss\w*|conver[st]\w*|offer\w*|"
    r"recommend\w*|interpret\w*|examin\w*|inspect\w*|organi[sz]\w*|sort\w*|tag\w*|label\w*|mark\w*|"
    r"gaug\w*|quantif\w*|scor\w*|rat(?:e|ing)|match\w*|listen\w*|voic\w*|record\w*|captur\w*|help|assist\w*|"
    r"condens\w*|shorten\w*|brighten\w*|darken\w*|lighten\w*|polish\w*|tidy|sum|boil|crop\w*|resiz\w*|rotat\w*|"
    r"add|adding|put|putting|insert\w*|swap\w*|delet\w*|trac\w*|recit\w*|shar(?:e|ing)|send\w*|sav(?:e|ing)|"
    r"output\w*|return\w*|report\w*|build\w*|form\w*|develop\w*|establish\w*|obtain\w*|retriev\w*|grab\w*|"
    r"spell\w*|highlight\w*|emphasi[sz]\w*|summon\w*|fetch\w*|compil\w*|creat\w*|try|trying|attempt\w*|"
    r"do|perform\w*|run|execut\w*|carry out|conduct\w*"
)
_OBJECT_START = (
    r"(?:the|a|an|it|its|them|this|that|these|those|my|me|us|out|up|what|which|who|whether|if|how|any|all|"
    r"each|every|some|their|his|her|your|our|one|down|back|into|to|in|from|with|for|on|about|\S+ing|\ue000)"
)
_MADE_NOUNS = r"image|picture|photo|drawing|illustration|painting|poster|video|clip|animation"
"""Things a request asks to have made by naming what they show ("a joke and an image of a cat")."""
IMPERATIVE_RE = re.compile(rf"^(?:please\s+|also\s+|now\s+|just\s+)*(?:{_ACTION_VERBS})\b", re.IGNORECASE)
"""A clause that starts with an action verb ("translate ...", "make a video of ...")."""

_SPLIT_RE = re.compile(
    rf"""(?<=[.!?;])\s+
    | (?<!tl);(?=[^\s;])
    | (?<=\ue002)\s+(?=(?-i:[A-Z]))
    | \s*[:;]\s+(?=(?:and\s+)?(?:then|afterwards|after\s+that|finally|lastly|also|next)\b)
    | ,?\s+(?:and\s+)?(?:then|afterwards|after\s+that|after\s+this)\b,?
    | \s*(?:->|=>|→|>>)\s*
    | (?:,\s*|\s+and\s+)(?:finally|subsequently|lastly|next)\b,?
    | \s+(?:finally|subsequently|lastly|next)\b(?:,|(?=\s+(?:please\s+)?(?:{_ACTION_VERBS})\b))
    | ,?\s+(?:and\s+)?once\s+(?:that(?:'s|\s+is)\s+done|done)\b,?
    | ,?\s+followed\s+by\b
    | ,?\s+(?:and\s+)?(?:use|pass|feed|send|take)\s+(?:the|its|that|this)\s+(?:\w+\s+)?
      (?:result|output|text|answer|caption|summary|transcript|translation|description)s?\s+(?:to|and|for)\b
    | ,?\s+(?:and\s+)?(?:use|using)\s+(?:it|that|this|them)\s+(?:to|for)\b
    | ,?\s+(?:and\s+)?(?:based\s+on|from)\s+(?:that|this|it|these|those|the\s+(?:result|output)s?),
    | ,\s*(?:and|as\s+well\s+as|plus|along\s+with|but)\b
    | (?<=\ue001):\s+(?=(?:what|who|whom|whose|when|where|which|why|how|is|are|was|were|does|do|did|can|could|will|
      should)\b)
    | (?<=\ue001)\s+and\s+(?=(?:who|whom|whose|where|when|why|how|which)\s+\w+)
    | ,?\s+and\s+(?=(?:is|are|was|were|does|do|did)\s+(?:it|he|she|they|there|this|that)\s)
    | \s+and\s+(?=(?:is|are|was|were|does|do|did)\s+(?:the|my|your|his|her|their|our)\s+\w+\s[^.!?\ue000]{{0,200}}\?)
    | \s+(?:and|as\s+well\s+as|plus)\s+(?:also\s+|additionally\s+|afterwards\s+|even\s+)?
      (?=(?:please\s+)?(?:could\s+you\s+|can\s+you\s+|would\s+you\s+|i'?d\s+like\s+(?:you\s+)?to\s+|
      help\s+(?:me\s+)?)?(?:{_ACTION_VERBS})(?::\s*|\s+){_OBJECT_START})
    | ,\s*(?=(?:please\s+)?(?:also\s+)?(?:{_ACTION_VERBS})\s+{_OBJECT_START})
    | ,?\s+(?:and|plus)\s+(?:also\s+)?(?=(?:an?|some)\s+(?:[\w-]+\s+)?(?:{_MADE_NOUNS})\s+
      (?:of|showing|depicting|featuring|about)\s+(?!(?:the\s+|this\s+|that\s+|my\s+)?(?:\w+\s+)?\ue000))""",
    re.IGNORECASE | re.VERBOSE,
)
_SPACE_RUN_RE = re.compile(r"\s{2,}")
_LEAD_RE = re.compile(
    r"^(?:(?:and|also|additionally|moreover|furthermore|please|then|so|now|next|first(?:ly| of all)?|second(?:ly)?|"
    r"third(?:ly)?|finally|lastly|afterwards|plus|but|as well|ok(?:ay)?)\b[\s,]*)+", re.IGNORECASE)


@dataclass
class Clause:
    """A part of the request with its resources masked as placeholders.

    ``resources`` are the indices (into the request's resources) masked in this clause.
    """

    masked: str
    resources: list[int]
    index: int = 0
    first: bool = False
    """Whether the clause asks to be done before what came before it ("... Clean up the noise
    first.", "..., but first sharpen it", "Before that, remove the noise")."""

    @property
    def lower(self) -> str:
        return self.masked.lower()


@dataclass
class RequestText:
    """The request, its resources and clauses, and what earlier turns offer.

    ``resources`` holds the request's resources and the files passed in (the first ``own``
    entries), then the files and URLs named in earlier turns; ``last_reply`` is the latest AI
    message of the chat history without its line of files, which "it" may refer to (None when that
    turn produced nothing or only files), or the user's own last turn when the history ends on it
    (a client's ``chat_history=["The cat is on the mat."]``: no reply came after it).
    """

    request: str
    resources: list[Resource]
    clauses: list[Clause]
    own: int = 0
    last_reply: str | None = None
    earlier_outputs: list[tuple[str, str]] = field(default_factory=list)
    """Earlier turns' text outputs as (task type, text), the latest first (:data:`OUTPUTS`)."""
    carried: frozenset[int] = frozenset()
    """The request's own files (of the first ``own``) that an earlier turn was given (:data:`GIVEN`) and
    this request does not name: a session's files, passed again, not new input."""
    lower: str = field(init=False)

    @property
    def only_carried(self) -> bool:
        """Whether the request brings no file of its own: none, or only :attr:`carried` ones ("now read
        that aloud" after "Summarize story.txt": the summary, not story.txt again)."""
        return all(i in self.carried for i in range(self.own))

    def __post_init__(self) -> None:
        self.lower = self.request.lower()

    def unmask(self, text: str, *, quotes: bool = True) -> str:
        """``text`` with each placeholder back to its resource as written (quotes kept or not)."""
        def back(m: re.Match[str]) -> str:
            r = self.resources[int(m.group(1))]
            return f'"{r.value}"' if r.kind == "quote" and quotes else r.value
        return PLACEHOLDER_RE.sub(back, text)

    def matcher_text(self, clause: Clause) -> str:
        """What the semantic matcher reads of ``clause``: its words with quotes unquoted, and file
        names without the language names in them ("read french_note.png" is no translation)."""
        def back(m: re.Match[str]) -> str:
            r = self.resources[int(m.group(1))]
            return r.value if r.kind == "quote" else _language_in_name().sub("", r.value)
        return PLACEHOLDER_RE.sub(back, clause.masked)


@functools.lru_cache(maxsize=1)
def _language_in_name() -> re.Pattern[str]:
    """A language name inside a file name, between letters' ends ("french_note.png")."""
    from .lexicon import LANGUAGES  # local: the lexicon compiles its cues on import

    return re.compile(rf"(?<![a-z])(?:{'|'.join(LANGUAGES)})(?![a-z])", re.IGNORECASE)


def mask(request: str, resources: Sequence[Resource]) -> str:
    """``request`` with every mentioned resource replaced by its placeholder."""
    parts, last = [], 0
    for k, r in enumerate(resources):
        if r.mentioned and r.start >= last:
            end = "\ue002" if r.kind == "quote" and r.value.rstrip().endswith((".", "!", "?")) else "\ue001"
            parts += [request[last:r.start], f"\ue000{k}{end}"]
            last = r.end
    return "".join(parts) + request[last:]


NO_RESULT = "hugginggpt_no_result"
"""Key of an AI message's ``additional_kwargs`` that sessions set on the reply of a turn that ran
tasks and none succeeded: planners then take neither its text nor the files and URLs it names as
something to work on."""


OUTPUTS = "hugginggpt_outputs"
"""Key of an AI message's ``additional_kwargs`` where sessions list the turn's text outputs as
``[task type, text]`` pairs, so a later turn's "the transcript" finds the transcript even when
the turn ended on another result (its sentiment)."""

GIVEN = "hugginggpt_given"
"""Key of a human message's ``additional_kwargs`` where sessions list the names of the files given
with the request (``files=``, ``--file``), so "what about slide.png?" after "read the sign" (the
sign given as a file) reads slide.png the same way."""

READ_AS = "hugginggpt_read_as"
"""Key of a human message's ``additional_kwargs`` where sessions keep the request its plan was read
as (:attr:`~hugginggpt_tools.schemas.Plan.read_as`: "what about story.txt?" read as "What is the
sentiment of story.txt?"), so a next "and notes.docx too" repeats that, not the words typed."""

FILES_LINE = "Files: "
"""How a session's reply starts the line that lists the turn's files (not part of its text)."""


def _no_result(message: BaseMessage) -> bool:
    return bool(message.additional_kwargs.get(NO_RESULT))


def _outputs(message: BaseMessage) -> list:
    """A reply's :data:`OUTPUTS` list, or [] when it holds none (or something else: a client may
    send any chat history)."""
    outputs = message.additional_kwargs.get(OUTPUTS)
    return outputs if isinstance(outputs, list) else []


_BUILT_IN_ANSWER_RE = re.compile(r"^(?P<head>Results?):[ \t]*\n?(?P<body>.*?)\n(?:I (?:ran|planned) \d+ tasks? for your request)",
                                 re.DOTALL)
"""The agent's own built-in answer ("Result:\n   PARKING RESTRICTED\nI ran 1 task for your request; ..."),
as an app keeping ``state["output"]`` in its chat history passes it back."""


def _reply_text(message: BaseMessage) -> str | None:
    """What "it" means in a reply: its text without the line of files; of the agent's own built-in
    answer, the result it heads (not the task lines after it); None for a turn that produced nothing
    or only files."""
    if _no_result(message):
        return None
    text = message.text.strip()
    built_in = _BUILT_IN_ANSWER_RE.match(text)
    if built_in:
        body = built_in.group("body")
        text = "\n".join(line[3:] if line.startswith("   ") else line for line in body.splitlines()) \
            if built_in.group("head") == "Result" else body
    lines = [line for line in text.strip().splitlines() if not line.startswith(FILES_LINE)]
    return "\n".join(lines).strip() or None


def history_resources(chat_history: Sequence[BaseMessage]) -> list[Resource]:
    """Files and URLs named in earlier turns, latest first (not those in the reply of a turn that
    produced nothing: a failure's advice is no input)."""
    found: list[Resource] = []
    for message in reversed(list(chat_history)):
        if _no_result(message):
            continue
        for r in find_resources(message.text):
            if r.kind != "quote":
                found.append(Resource(r.value, r.modality, r.kind))
    return found


_INTRO_RE = re.compile(
    r"^(?:based on|according to|using|with|from|given|relying on|drawing on|in light of)\s+"
    r"(?:the|that|this|these|those|its|their|it|them|my|our|your)(?:(?:\s+[\w'-]+){0,3}|(?:\s+[\w'-]+){0,2}\s*"
    "\ue000\\d+[\ue001\ue002])$|"
    r"^(?:take|taking|use|using|given|start(?:ing)? (?:with|from))\s+(?:(?:the|this|that|my|our)\s+(?:[\w'-]+\s+)?)?"
    "\ue000\\d+[\ue001\ue002]$|"
    r"^(?:read|reading|look at|looking at|go through|going through|consider|review|check|see)\s+"
    r"(?:the|this|that|these|those|my|our|your)\s+(?:following\s+|short\s+|next\s+)?"
    r"(?:passage|text|paragraph|article|story|excerpt|sentence|note|email|message|letter|report|statement|"
    r"review|quote|post|extract)s?$|"
    r"^before (?:that|this|doing (?:that|this|so))$", re.IGNORECASE)
"""A phrase that only introduces the clause after it ("based on that description, tell me ...",
"based on the text 'The future of energy.', write an article"): a preposition and what it names, up
to three words or two and a resource that is no question ("from the text answer 'Who came?'" is a
clause); "take" and a resource ("take 'add falling leaves' and expand it"); or "read/look at" and a
text named only by its noun ("read this passage and tell me who won: '...'", where the text follows
and the next clause asks about it; "read the text in photo.jpg" names a resource and stays a clause)."""


_FIRST_LEAD_RE = re.compile(r"\bfirst(?:ly| of all)?\b[\s,]*$", re.IGNORECASE)
_FIRST_RE = re.compile(r"^before (?:that|this|doing (?:that|this|so)),|(?<!\bcomes)(?<!\bcome)(?<!\bcame)(?<!\bgoes)"
                       r"(?<!\bwent)(?<!\bspeaks)(?<!\bspoke)(?<!\bappears)(?<!\bis)(?<!\bwas)(?<!\bhappens)(?<!\barrives)"
                       r"\s(?:first|beforehand|before (?:that|this|doing (?:that|this|so)|you do (?:that|this|so)|"
                       r"anything else))$", re.IGNORECASE)
"""A clause that asks to be done before what the request said before it ("... Clean up the noise
first", "Before that, remove the noise"; with a lead "but first" read from the lead)."""


_WH_CLAUSE_RE = re.compile(
    r"(?!when\s+(?:\w+\s+){0,2}(?:done|finished|ready|complete|completed|possible|necessary|needed|"
    r"over)\b|where\s+(?:possible|necessary|needed)\b|how\s+about\b)"
    r"(?:what|who|whom|whose|where|when|why|which|how)\s+\w+", re.IGNORECASE)
"""A clause put as a question without its question mark (not "when done", "where possible")."""


def split_clauses(masked: str, questions: Collection[int] = ()) -> list[Clause]:
    """The clauses of a masked request, with leading connectives ("and", "then", ...) removed; a
    short phrase that only introduces the next clause ("then, based on that description, tell me
    what ...") stays with it, unless it names one of the quoted ``questions`` (resource indices).
    A clause after the first that asks to come first ("..., but first sharpen it") is marked
    :attr:`Clause.first`."""
    texts: list[tuple[str, bool]] = []
    intro, pending = "", False
    # a run of white space is one space, or one line break: the splitting pattern's "\s+and ..."
    # would try each start in a long run (8 KB of spaces took 17 s); quoted texts are placeholders
    # here, kept as written
    for part in _SPLIT_RE.split(_SPACE_RUN_RE.sub(lambda m: "\n" if "\n" in m.group() else " ", masked)):
        stripped = (part or "").strip(" \t\n,.;:-")
        lead = _LEAD_RE.match(stripped)
        text = stripped[lead.end():].strip(" \t\n,.;:-") if lead else stripped
        if not text:
            # "But first, translate it": the lead stood alone, its "first" is the next clause's
            pending = pending or bool(lead and _FIRST_LEAD_RE.search(lead.group()))
            continue
        text = f"{intro}, {text}" if intro else text
        intro = ""
        if _INTRO_RE.match(text) and not any(int(k) in questions for k in PLACEHOLDER_RE.findall(text)):
            intro = text
        else:
            first = bool(texts) and bool(pending or _FIRST_RE.search(text) or lead and _FIRST_LEAD_RE.search(lead.group()))
            if _WH_CLAUSE_RE.match(text):
                # "Transcribe voicemail.wav and who called": a question, of its own
                text = (text[:1].upper() + text[1:] if texts else text) + ("" if text.endswith("?") else "?")
            texts.append((text, first))
            pending = False
    texts += [(intro, False)] if intro else []
    return [Clause(text, [int(i) for i in PLACEHOLDER_RE.findall(text)], k, first)
            for k, (text, first) in enumerate(texts)]


_QUESTION_LEAD = (r"(?:(?:(?:in|on|from|for|about|regarding|look(?:ing)? at|based on|according to|given|using|with) "
                  r"(?:the |this |that |my |our |your )?(?:[\w-]+ ){0,2}?(?:[\w-]+\.[A-Za-z0-9]{2,4}|image|photo|picture|"
                  r"document|recording|audio|video|file|chart|graph|table|article|email|letter|page|scan|screenshot)"
                  r"|[\w-]+\.[A-Za-z0-9]{2,4})[,:]?\s+)?")
"""A file the question is about, named before it ("in chart.png which month sold most", "lease.pdf who
is the landlord")."""
_UNMARKED_QUESTION_RE = re.compile(
    r"(?:^|[.!?:]\s+)" + _QUESTION_LEAD + r"(?:what(?:'?s)?|who(?:'?s)?|whom|whose|where(?:'?s)?|when|which|why|how(?:'?s)?|is|are|was|were)\s(?:[^.!?:]|[.:](?=\S))*[\w)\]]$", re.IGNORECASE)
"""A request whose last sentence asks a question without its question mark ("what's in this picture"); not
one that supplies its text after a colon ("what is the sentiment of this review: the food was cold"): the
text is no question."""


_KEY_WORDS = ("summarize", "summarise", "summary", "transcribe", "transcript", "translate", "translation", "describe",
              "description", "classify", "detect", "caption", "aloud", "segment", "generate", "identify", "recognize",
              "sentiment", "language", "entities", "question", "answer", "picture", "image", "audio", "recording",
              "enhance", "denoise", "remove", "convert", "extract", "similarity", "compare", "estimate", "places",
              "people")
"""The words whose misspellings are mended before planning (a misspelt verb planned nothing)."""
_WORD_RE = re.compile(r"(?<![\w./\\-])[A-Za-z]{5,}(?![\w./\\-])")
"""A word of five letters or more, not part of a file name or path."""


def _near(word: str, key: str) -> bool:
    """Whether ``word`` is ``key`` misspelt: one letter added, dropped or changed, or two next to
    each other swapped, with the same first letter."""
    if word[0] != key[0] or abs(len(word) - len(key)) > 1:
        return False
    previous, before = list(range(len(key) + 1)), []
    for i, a in enumerate(word, 1):  # Damerau-Levenshtein (optimal string alignment)
        current = [i]
        for j, b in enumerate(key, 1):
            cost = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a != b))
            if i > 1 and j > 1 and a == key[j - 2] and word[i - 2] == b:
                cost = min(cost, before[j - 2] + 1)
            current.append(cost)
        before, previous = previous, current
        if min(previous) > 1:
            return False
    return previous[-1] <= 1


_SHORTHAND = {"ppl": "people", "pls": "please", "plz": "please", "u": "you", "ur": "your", "msg": "message",
              "abt": "about", "img": "image", "imgs": "images", "vid": "video", "vids": "videos"}
"""Chat shorthand read as the word it stands for ("how many ppl are in portrait.jpg")."""
_SHORTHAND_RE = re.compile(rf"(?<![\w./\\'-])(?:{'|'.join(_SHORTHAND)})(?![\w./\\'-])")
"""Shorthand in lower case only: "vitamin U", "Part U", "the city of Ur" are words of their own."""


def mend_spelling(request: str) -> str:
    """``request`` with misspelt key words mended ("Sumarize story.txt and read it alound") and chat
    shorthand written out ("ppl"); words that are key words, or near none, stay as they are. Quotes
    and file names are left alone."""
    def mend(m: re.Match[str]) -> str:
        word = m.group()
        low = word.lower()
        if low in _KEY_SET or any(low.startswith(k) for k in _KEY_WORDS):
            return word
        key = next((k for k in _KEY_WORDS if _near(low, k)), None)
        return word if key is None else (key.capitalize() if word[0].isupper() else key)
    quoted = quoted_spans(request)
    request = _WORD_RE.sub(lambda m: m.group() if any(s <= m.start() < e for s, e in quoted) else mend(m), request)
    return _SHORTHAND_RE.sub(lambda m: m.group() if any(s <= m.start() < e for s, e in quoted)
                             else _SHORTHAND[m.group()], request)


_KEY_SET = frozenset(_KEY_WORDS) | frozenset(
    "remote remotes concert concerts convent defect defects captain captains detest summery imagine plates planes "
    "placed place plaice palaces peoples peopled".split())
"""Key words, and real words near one that stay as written ("remote" is no "remove")."""


def is_question(text: str) -> bool:
    """Whether ``text`` ends as a question does (with "?")."""
    return text.rstrip().endswith("?")


def read_request(request: str, files: Sequence[str] = (), chat_history: Sequence[BaseMessage] = ()) -> RequestText:
    """The request's resources (its own, then earlier turns') and its clauses; a last sentence that
    asks a question without a question mark gets one."""
    request = mend_spelling(request)
    if _UNMARKED_QUESTION_RE.search(request.rstrip()):
        request = request.rstrip() + "?"
    resources = find_resources(request, files)
    own = len(resources)
    known = {r.value for r in resources}
    resources += [r for r in history_resources(chat_history) if r.value not in known]
    replies = [m for m in chat_history if m.type == "ai" and m.text.strip()]
    last = _reply_text(replies[-1]) if replies else None
    said = list(chat_history)[-1:]
    if said and said[0].type == "human" and said[0].text.strip() and not _given(said[0]):
        last = said[0].text.strip()  # a client's history that ends on the user's own words: "translate that"
    earlier = [(str(item[0]), item[1]) for m in reversed(replies) if not _no_result(m)
               for item in reversed(_outputs(m)) if isinstance(item, (list, tuple)) and len(item) == 2
               and isinstance(item[1], str) and item[1]]
    questions = {k for k, r in enumerate(resources) if r.kind == "quote" and is_question(r.value)}
    clauses = split_clauses(mask(request, resources), questions)
    before = {name for m in chat_history if m.type == "human" for name in _given(m)}
    carried = frozenset(k for k, r in enumerate(resources[:own])
                        if r.kind == "file" and not r.mentioned and any_os_path(r.value).name in before)
    return RequestText(request, resources, clauses, own, last, earlier, carried)


def _given(message: BaseMessage) -> list[str]:
    """The names of the files given with a human turn (:data:`GIVEN`), or [] (a client's own history)."""
    given = message.additional_kwargs.get(GIVEN)
    return [any_os_path(str(name)).name for name in given] if isinstance(given, list) else []


__all__ = ["FILES_LINE", "GIVEN", "IMPERATIVE_RE", "NO_RESULT", "OUTPUTS", "PLACEHOLDER_RE", "READ_AS", "Clause", "RequestText", "history_resources", "is_question", "mask", "read_request", "split_clauses"]
