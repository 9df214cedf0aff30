"""Filling the offline planner's tasks: each argument from the request or an earlier task.

A media argument (image, audio, video, table) takes a resource of its clause, else the latest
earlier output of its modality (unless the clause says "the original"), else a resource from
elsewhere in the request. A text argument takes a quote of its clause, else an earlier output
when the clause refers back ("it", "the caption") or the task transforms text (a summary, a
translation), else a quote from elsewhere, else the clause's own words; a text task given only an
image or an audio file gets an image-to-text or speech-recognition step in front of it.
Questions, contexts, prompts and editing instructions each have their own reading; one that only
names an earlier result ("use the label as the edit") takes it. Once every clause is read, outputs
nobody uses feed the tasks whose input was only a guess (:meth:`PlanBuilder.link_unused_outputs`).
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import Any, Callable, Mapping, Sequence

from ..dag import MAX_TASKS, descendants, reference_id, reference_ids, renumber_references, toposort
from ..schemas import TEXTS_SEPARATOR
from ..tasks import TASK_TYPES, ArgSpec
from .clauses import PLACEHOLDER_RE, Clause, RequestText, mask
from .intents import Candidate, Vocabulary, asks_for_something
from .lexicon import (
    ANAPHORA,
    FIGURES,
    INSTRUCTED,
    LABEL_TASKS,
    LANGUAGE_SOURCE,
    MODALITY_HINTS,
    ORIGINAL,
    PROMPT_TASKS,
    QUESTION_TASKS,
    RECKON_VERBS,
    RESULT_PHRASE,
    language_spans,
    target_languages,
)

logger = logging.getLogger(__name__)

CONVERTERS = {"image": ("image-to-text", "image-classification", "object-detection", "tabular-classification"),
              "audio": ("automatic-speech-recognition", "audio-classification")}
"""Intents that turn an image or an audio file into text, for a text task given only such a file
(the node model picks among them)."""
BRIDGES = {**{modality: options[0] for modality, options in CONVERTERS.items()}, "video": "automatic-speech-recognition"}
"""The step put in front of a text task given only an image, an audio or a video file (the
default; a video's words are its sound track's: "summarize the talk in lecture.mp4")."""
_SECOND_TEXT_TASKS = frozenset({"visual-question-answering", "document-question-answering", "sentence-similarity"})
_ASKS_RE = re.compile(r"(?<![\w'])(?:what|who|whom|whose|where|when|which|why|how|whether|if)(?![\w'])", re.IGNORECASE)
_DESCRIBED_TASKS = frozenset({"text-to-image", "text-to-video"})
_TO_WRITE_RE = re.compile(
    r"(?:(?:a |an |the |my |our |some )?(?:[\w'-]+ )?(?:intro(?:duction)?|story|poem|speech|talk|lecture|"
    r"explanation|message|greeting|announcement|ad|advert(?:isement)?|pitch|monologue|script|toast|wish(?:es)?|"
    r"note|reminder|invitation) (?:about|on|explaining|for|to|wishing|congratulating|thanking|welcoming|"
    r"inviting|announcing|introducing|reminding)|(?:wishing|congratulating|thanking|welcoming|inviting|announcing|"
    r"introducing|reminding|telling|asking|explaining) )", re.IGNORECASE)
"""Words for speech that describe a text rather than being it ("greeting for my mom's birthday",
"wishing my team good luck", "introduction about climate change"): a text to write first."""
_DESCRIPTION_LEAD_RE = re.compile(
    r"^(?:(?:that|which|who)\s+(?:is|are|shows?|depicts?|features?|illustrates?|captures?|represents?)\s+|"
    r"(?:of|about|showing|depicting|featuring|illustrating|capturing|representing|with|where|in which|for|"
    r"based on|inspired by|that shows|to show|to depict)\s+)+", re.IGNORECASE)
_PLURAL_RE = re.compile(r"(?<!\w)(?:them|both|each of them|all of them|the (?:\w+ )?(?:translations|results|outputs|"
                        r"captions|descriptions|summaries|transcripts|transcriptions|answers|texts|versions)|"
                        r"(?:each|every) (?:translation|result|output|caption|description|summary|transcript|"
                        r"transcription|answer|text|version))(?!\w)")
"""Words that name several earlier outputs at once ("read them aloud", "the translations", "each caption")."""
_OBJECT_TASKS = frozenset({"translation", "summarization", "text-to-speech", "text-classification",
                           "token-classification"})
"""Tasks whose unquoted text is the clause's words less the instruction (:meth:`PlanBuilder._object_text`)."""
_COORDINATED_RE = re.compile(r"^(?:and|&|plus)\s+(?:an?\s+|some\s+)?(?:\w+\s+)?(?:audio|speech|voice(?:-?over)?|narration|"
                             r"image|picture|video|clip|animation)(?!\w)\s*", re.IGNORECASE)
"""Another thing to make of the same description, after the cue ("generate a video and audio about
a dog": the video's description is "a dog")."""
_OBJECT_LEAD_RE = re.compile(
    r"^(?:(?:please|just|now|also|can you|could you|would you|read(?: out)?|say|speak|pronounce|translate|"
    r"summari[sz]e|classify|analy[sz]e|tag|find|detect|the (?:words?|sentence|phrase|text|message|line)|of|in|"
    r"about|me|for me)\b[\s,:]*)+", re.IGNORECASE)
"""What opens the words of an instruction before its text ("read", "the words", "of")."""
_TAIL_WORDS = ("please", "for me", "thanks", "thank you", "aloud", "out loud", "now")
"""What closes them after it ("please", "for me")."""
_FILLER_RE = re.compile(r"[\s,.:;!?]*(?:(?:the|a|an|my|this|that|me|us)\s+)*[\s,.:;!?]*", re.IGNORECASE)
"""What may lie between an instruction's cue and the end of the clause it trims ("classify the
sentiment of ...": "classify" and "sentiment")."""
_FOLLOWING_RE = re.compile(r"\b(?:following|below)\b", re.IGNORECASE)
"""Words that say the text comes next ("the following story", "the text below")."""
_ABSENT_TEXT_RE = re.compile(
    r"^(?:my|our|the|this|that|these|those|his|her|their|your|a|an)\s+(?:[\w'-]+\s+){0,2}?(?:essays?|articles?|"
    r"documents?|docs?|letters?|e-?mails?|notes?|reports?|stor(?:y|ies)|texts?|papers?|messages?|posts?|reviews?|"
    r"speech(?:es)?|scripts?|poems?|books?|chapters?|paragraphs?|passages?|thesis|cv|resume|homework|drafts?|files?|"
    r"transcripts?|lyrics|following(?: \w+)?|sentences?|minutes|memos?|tweets?|comments?|bio|statements?|"
    r"contracts?|manuals?|speech|blog(?: post)?|website|page)$", re.IGNORECASE)
"""Words that name a text the request does not hold ("my essay", "the article", "the following")."""
_ASR, _CAPTION, _QA = ("automatic-speech-recognition",), ("image-to-text",), (
    "question-answering", "visual-question-answering", "document-question-answering")
_OUTPUT_KINDS = {"transcript": _ASR, "transcripts": _ASR, "transcription": _ASR, "transcriptions": _ASR,
                 "caption": _CAPTION, "captions": _CAPTION, "description": _CAPTION, "descriptions": _CAPTION,
                 "translation": ("translation",), "translations": ("translation",), "summary": ("summarization",),
                 "summaries": ("summarization",), "answer": _QA, "answers": _QA}
_OUTPUT_KIND_RE = re.compile(r"(?<!\w)(?:the|that|this|your|its) (?:\w+ )?(transcripts?|transcriptions?|captions?|"
                             r"descriptions?|translations?|summary|summaries|answers?)(?!\w)")
"""An earlier output named by its kind ("the transcript"), and the task types that make it."""
_FIRST_TAIL_RE = re.compile(r"[\s,]+(?:first|beforehand|before anything else)[.!]?$", re.IGNORECASE)
"""The words by which an instruction asks to come first ("remove the background first")."""
_IMPROVERS = frozenset({"image-to-image", "audio-to-audio"})
"""Tasks whose output is their input made better or changed, which a next task of their clause takes."""
_MAPS = frozenset({"image-segmentation", "depth-estimation", "object-detection"})
"""Tasks whose picture maps what they found in their input; a next task asks of the input, unless it
refers to the map."""
_READS_PROSE = frozenset({"text-classification", "token-classification"})
"""Text tasks that read prose: given "it", they skip an earlier list of labels for the text before it
("transcribe it, find the names, then tell me its sentiment"; "detect the language of '...' and find
the names in it"). Summaries and translations of a list of labels are asked for ("summarize the
tagged version"), so those tasks chain as written."""
_NAMES_LABELS_RE = re.compile(r"(?<!\w)(?:the|those|these|that|its|their|each) (?:\w+ )?(?:labels?|entities|names|tags|"
                              r"categor(?:y|ies)|classifications?|detections?|objects|results?|output|list|predictions?)(?!\w)")
"""A clause that names an earlier list of labels as its text ("translate the labels")."""
_SEVERAL_INPUTS_RE = re.compile(
    r"(?<!\w)(?:these|those|both|each|every|them|the (?:two|three|four|five)|all of (?:the|them)|(?:images|photos|pictures|pics|photographs|"
    r"screenshots|scans|pages|recordings|files|clips|videos|tracks|songs|documents|tables|spreadsheets))(?!\w)")
"""Words that speak of several inputs ("caption these photos", "transcribe both")."""
_THESE_FILES_RE = re.compile(r"(?<!\w)(?:these|those|both|each|every|all(?: of)?(?: the)?) (?:\w+ )?(?:images?|photos?|"
                             r"pictures?|pics|photographs|screenshots|scans|pages|recordings|files|clips|videos|"
                             r"tracks|songs|documents)(?!\w)")
"""Words that point at several files named before ("how many zebras are in these pictures?")."""
_EACH_RE = re.compile(r"(?<!\w)(?:each|every|per|respectively|apiece)(?!\w)")
"""Words that ask for one task per output even where :data:`_TOGETHER_RE` matches ("write a poem about each of them")."""
_READS_APART = frozenset({"summarization", "question-answering"})
"""Tasks whose backends read several texts joined by :data:`TEXTS_SEPARATOR` one by one."""
_TOGETHER_RE = re.compile(r"(?<!\w)(?:together|combin(?:e|es|ed|ing)|merg(?:e|es|ed|ing)|jointly|as a whole|"
                          r"(?:one|a single) (?:\w+ )?(?:summary|story|text|paragraph|report|answer)|"
                          r"into an? (?:\w+ )?(?:poem|story|song|essay|paragraph|script|report|letter|speech)|"
                          r"(?:write|compose|create|make|draw|generate|paint) (?:me )?(?:a|an|one) (?:\w+ ){0,2}(?:poem|story|"
                          r"song|essay|paragraph|script|letter|picture|image|drawing|painting|video|clip))(?!\w)")
"""Words that ask for one task over several outputs ("summarize them together") rather than one each."""
_POINTER_RE = re.compile(r"it|this|that|them|these|those|one|same|too|also|again|please|now|here|there|then|"
                         r"instead|later|today|\ue000\d+\ue001", re.IGNORECASE)
"""A one-word rest of a generation clause that names no subject of its own ("a video of it",
"some videos too")."""
_RECIPIENT_RE = re.compile(r"^(?:me|us)\s+(?=(?:a|an|the|some|one|two|three|four|five|several|many|\d+)\b)",
                           re.IGNORECASE)
"""Who the picture is for, right after the cue ("draw me a cat"): not part of its description."""
_POLITE_RE = re.compile(
    r"^(?:(?:so|well|now|ok|okay|also|and|then|hey|hi)\b,?\s*)*"
    r"(?:(?:(?:could|can|would|will) you\s+(?:please\s+|kindly\s+|also\s+)*(?:(?:help|assist)\s+(?:me\s+)?"
    r"(?:(?:in|with|to|by)\s+)?)?|please\s+|kindly\s+|i(?:'d| would) (?:like|love|appreciate it if)\s+(?:you\s+|it\s+)?"
    r"(?:to\s+|if you could\s+)?(?:help\s+(?:me\s+)?(?:to\s+)?)?|i (?:want|need)\s+(?:you\s+)?(?:to\s+)?|"
    r"help me\s+(?:to\s+)?|let'?s\s+|i'?m (?:curious|wondering)\s+(?:about\s+|if\s+|whether\s+)?)\s*)+",
    re.IGNORECASE)
_TRAILING_RE = re.compile(r"(?:,?\s+(?:for me|please|for us|as well|too))+\s*([?.!]?)$", re.IGNORECASE)
_QUESTION_START_RE = re.compile(
    r"(?<![\w'])(?:(?:until|since|from|in|on|at|by|for|to|with|about|of|during|after|before)\s+)?"
    r"(?:what|who|whom|whose|where|when|which|why|how|is|are|was|were|does|do|did|can|could|should|"
    r"will|would|has|have)\b[^?]*\?", re.IGNORECASE)
_POLITE_TAIL_RE = re.compile(r",?\s+(?:(?:could|can|would|will) you|please)\b[^?]*\?$", re.IGNORECASE)
_INSTRUCTION_WORDS = 6
"""At most this many words, a clause that refers back ("translate it into French") is only an
instruction, not also the text to work on."""
_ASKING_YOU = r"(?:^|,\s+)(?:(?:can|could|would|will)\s+you\s+(?:please\s+)?)?"
_TELL_ME_RE = re.compile(
    _ASKING_YOU + r"(?:(?:tell|show|give|let)\s+(?:me|us)(?:\s+know)?|find out|work out|figure out)\s+(.{3,}?)\??$|"
    # "add up the total": what the total is
    + _ASKING_YOU + rf"(?:{RECKON_VERBS})\s+((?:the\s+|its\s+|my\s+|our\s+)?(?:{FIGURES})\b.*?)\??$|"
    r"(?<![\w'])(?:i|we)(?:(?:\s+(?:want|need|would like|wish)|'d\s+like)\s+to\s+(?:know|find out|learn)|"
    r"\s+wonder|(?:\s+am|'m|\s+are|'re)\s+(?:curious|wondering))\s+(?:about\s+)?((?:what|who|whom|whose|where|"
    r"when|which|why|how|whether|if)\b.{3,})$|"
    + _ASKING_YOU + r"(?:extract|determine|identify|find|establish|check|answer|tell|see|say|confirm|verify)\s+"
    r"((?:what|who|whom|whose|where|when|which|why|how|whether|if)\b.{3,}?)\??$|"
    # "I'd like to know if ...", its politeness already cut
    r"^(?:to\s+)?(?:know|learn)\s+((?:what|who|whom|whose|where|when|which|why|how|whether|if)\b.{3,}?)\??$",
    re.IGNORECASE)
"""A clause that asks to be told something ("tell me the total", "based on the caption, tell me
...", "... I want to know where she works", "from the text '...', extract when the meeting is",
"can you tell if the person is smiling?"): what it asks, for a question task."""
_ASKING_YOU_RE = re.compile(r"^(?:can|could|would|will)\s+you\b", re.IGNORECASE)
_TELL_ME_LEAD_RE = re.compile(r"^(?:can|could|would|will)\s+you\s+(?:please\s+)?(?:tell|show|let)\s+(?:me|us)"
                              r"(?:\s+know)?\s+", re.IGNORECASE)
_IF_RE = re.compile(r"(?:if|whether)\b", re.IGNORECASE)
_WH_START_RE = re.compile(r"^(?:what|who|whom|whose|where|when|which|why|how|whether|if|is|are|was|were|does|do|did|can|"
                          r"could|has|have|will|would)\b",
                          re.IGNORECASE)


_DETERMINER = r"(?:the|a|an|this|that|these|those|my|your|his|her|its|our|their|some|any|no)"
_SUBJECT = rf"(this|that|it|he|she|(?:{_DETERMINER}\s+(?:\w+\s+){{0,2}}?\w+)|(?!{_DETERMINER}\b)\w+)"
_PARTICIPLE = r"(?:been|got|gotten|done|had|made|gone|seen|left|won|lost|found|taken|given|eaten|\w{3,}ed)\b"
_YES_NO_RE = re.compile(r"^(?:if|whether)\s+" + _SUBJECT + rf"\s+(is|are|was|were|can|could|(?:has|have)(?=\s+{_PARTICIPLE})|"
                        r"will|would)\s+(.+)$", re.IGNORECASE)
_YES_NO_VERB_RE = re.compile(r"^(?:if|whether)\s+" + _SUBJECT + rf"\s+([a-z]{{2,}}[^s\W]s|has(?!\s+{_PARTICIPLE}))(?:\s+(.+))?$",
                             re.IGNORECASE)
"""A yes-or-no question with a verb in the third person ("if the man wears glasses", "if she has a hat")."""
_YES_NO_PLURAL_RE = re.compile(
    r"^(?:if|whether)\s+((?:the|these|those|my|your|his|her|its|our|their|some|any|both|all)\s+(?:(?!\w*s\b)\w+\s+){0,2}?"
    r"(?:\w+[^suis\W]s|men|women|children|people|police|mice|teeth|feet|geese)|they|we|you|i)\s+"
    r"(?!(?:is|are|was|were|can|could|will|would|do|does|did|should|must|may|might)\b)([a-z]+[^s\W])(?:\s+(.+))?$",
    re.IGNORECASE)
"""A yes-or-no question with a plural subject ("if the kids wear hats": "Do the kids wear hats?")."""
_PLURAL_WORD_RE = re.compile(r"(?<!\w)(?:\w+[^suis\W]s|men|women|children|people|police|mice|teeth|feet|geese)(?!\w)",
                             re.IGNORECASE)


def _strip_tail(words: str) -> str:
    """``words`` without :data:`_TAIL_WORDS` at their end (in one pass from the end: linear)."""
    low, end = words.lower(), len(words)
    while True:
        end = len(low[:end].rstrip(" ,")) if end and low[end - 1] in " ," else end
        word = next((w for w in _TAIL_WORDS if low.endswith(w, 0, end) and (end == len(w) or low[end - len(w) - 1] in " ,")),
                    None)
        if word is None:
            return words[:end]
        end -= len(word)


def earlier_outputs_named(req: RequestText) -> set[str]:
    """The task types whose earlier-turn outputs the request names by kind ("find the names in the
    translation", after a turn that translated): the request means that output, not a new task."""
    made = {task for task, _ in req.earlier_outputs}
    return {task for m in _OUTPUT_KIND_RE.finditer(req.lower) for task in _OUTPUT_KINDS[m.group(1)] if task in made}


def _base_verb(verb: str) -> str:
    """The base form of a verb in the third person singular: "wears" -> "wear", "carries" ->
    "carry", "watches" -> "watch", "has" -> "have", "lies" -> "lie", "buzzes" -> "buzz"."""
    lower = verb.lower()
    if lower == "has":
        return "have"
    if lower.endswith("ies"):
        return verb[:-1] if len(lower) == 4 else verb[:-3] + "y"
    if lower.endswith(("sses", "shes", "ches", "xes", "zzes", "oes")):
        return verb[:-2]
    return verb[:-1]


_WH_BE_RE = re.compile(r"^((?:what|which|how)(?: \w+)?|who|where|when|why)\s+((?:the|a|an|this|that|these|those|my|your|"
                       rf"his|her|its|our|their)\s.+?)\s+(is|are|was|were)(?:\s+((?:{_PARTICIPLE}|\w+ing\b|about\b|for\b|like\b|"
                       r"from\b|made of\b).*))?$", re.IGNORECASE)


_JOINED_QUESTIONS_RE = re.compile(
    r"^(?P<first>(?P<wh>who|whom|whose|what|when|where|which|why|how(?: many| much| long| old)?)\s+(?P<rest>.+?))"
    r",?\s+and\s+(?P<second>(?:who|whom|whose|what|when|where|which|why|how(?: many| much| long| old)?)\b(?P<more>.*?))"
    r"[\s?.!]*$", re.IGNORECASE)


def split_questions(question: str) -> list[str]:
    """Two questions joined by "and" as two: "Who sent email.txt and when was it sent?" -> "Who sent
    email.txt?", "When was it sent?"; a bare "when" after "who <did> it" asks when it was done: "Who
    sent it and when?" -> "Who sent it?", "When was it sent?". A bare second question word otherwise
    ("Which product is better and why?") leaves the question one; so does one question."""
    m = _JOINED_QUESTIONS_RE.match(question.strip())
    if not m:
        return [question]
    first = m.group("first").rstrip(" ,") + "?"
    second = m.group("second").rstrip(" ,")
    if not m.group("more").strip():  # "who sent it and when": when was it sent
        done = _DONE_RE.match(m.group("rest")) if m.group("wh").lower() == "who" else None
        verb = done and _PARTICIPLES.get(done.group(1).lower(), done.group(1) if done.group(1).endswith("ed") else None)
        if not verb:
            return [question]
        second = f"{second} was {done.group(2)} {verb}"
    return [first, second[:1].upper() + second[1:].rstrip("?") + "?"]


_DONE_RE = re.compile(r"^(\w+) (it|this|that|them|these|those|(?:the|this|that|his|her|their|my) [\w.\ue000-\ue002-]+)$",
                      re.IGNORECASE)
_PARTICIPLES = {"sent": "sent", "wrote": "written", "made": "made", "took": "taken", "gave": "given", "said": "said",
                "told": "told", "built": "built", "drew": "drawn", "signed": "signed", "painted": "painted",
                "found": "found", "read": "read", "sang": "sung", "spoke": "spoken", "won": "won", "bought": "bought",
                "sold": "sold", "began": "begun", "did": "done", "recorded": "recorded"}


def _as_question(wanted: str) -> str:
    """What a user asks to be told, as a question: "the total" -> "What is the total?", "if there
    is a dog" -> "Is there a dog?", "whether the man wears glasses" -> "Does the man wear
    glasses?", "where the meeting is" -> "Where is the meeting?"."""
    wanted = wanted.strip(" .!?")
    yes_no = _YES_NO_RE.match(wanted)
    yes_no_verb = _YES_NO_VERB_RE.match(wanted)
    wh_be = _WH_BE_RE.match(wanted)
    plural = _YES_NO_PLURAL_RE.match(wanted)
    if yes_no_verb and (_PLURAL_WORD_RE.search(yes_no_verb.group(1))
                        or not yes_no_verb.group(3) and len(yes_no_verb.group(1).split()) > 2):
        # a plural in the subject, or a last word taken for the verb after a long subject ("if the
        # man wore glasses"): the verb is not in the third person singular
        yes_no_verb = None
    if yes_no:
        wanted = f"{yes_no.group(2)} {yes_no.group(1)} {yes_no.group(3)}"
    elif yes_no_verb:
        subject, verb, rest = yes_no_verb.groups()
        wanted = " ".join(w for w in ("does", subject, _base_verb(verb), rest) if w)
    elif plural:
        wanted = " ".join(w for w in ("do", *plural.groups()) if w)
    elif wh_be:
        # "where the meeting is" -> "where is the meeting", "what the man is holding" -> "what is the man holding"
        wanted = " ".join(w for w in (wh_be.group(1), wh_be.group(3), wh_be.group(2), wh_be.group(4)) if w)
    question = wanted if _WH_START_RE.match(wanted) else f"what is {wanted}"
    # "how many there are" -> "how many are there"
    question = re.sub(r"^(how many|how much|what|who) there (is|are|was|were)$", r"\1 \2 there", question, flags=re.I)
    if _BARE_BE_RE.search(question):  # "what animals are (in zoo.png)": "What animals are there?"
        question += " there"
    return question[:1].upper() + question[1:] + "?"


_BARE_BE_RE = re.compile(r"^(?:what|which|how many|how much)\s+\w+(?:\s+\w+)?\s+(?:is|are|was|were)$", re.IGNORECASE)
"""A question whose place was a file mention, left out ("what animals are [in zoo.png]")."""


_SUPPLIED_TEXT_RE = re.compile(r"\s*:\s*" + PLACEHOLDER_RE.pattern + r"[\s.!?]*$")
"""A resource given after a colon at the end of a clause ("tell me who won: '<text>'")."""

_TEXT_RESULT_RE = re.compile(
    r"(?<!\w)(?:(?:the|that|this|its|your|their|these|those|resulting|generated)\s+(?:\w+\s+)?(?:answers?|labels?|"
    r"results?|captions?|text|reply|replies|response|summary|transcript(?:ion)?|translation|description|"
    r"classification|category|categories|output|findings|story|paragraph|dialogue|conversation|phrase|sentence|"
    r"suggestion)|"
    r"(?:based on|from|use|using|with|according to) (?:it|that|this|them|what)|"
    r"what (?:i|you|we|he|she|they) (?:said|say|wrote|asked|recorded|dictated|mentioned|described|found|see|saw|notice|noticed|spot|spotted|observe|observed)|"
    r"what (?:the|that|this|it) (?:\w+ )?(?:says|said|shows|showed|found|returned|tells))(?!\w)")
"""A clause's mention of an earlier text result, which a question, an instruction or a comparison
may then be."""
_SEEN_RE = re.compile(r"(?<!\w)what (?:you|i|we) (?:see|saw|hear|heard|notice|noticed|spot|spotted|observe|observed)"
                      r"(?!\w)")
"""A prompt's mention of what a picture or recording holds ("write a poem about what you see")."""
_MEDIA_MENTION_RE = re.compile(
    r"\s*(?:(?<!\w)(?:in|of|on|from|to|for|within|inside|at)\s+)?(?:(?<!\w)(?:the|this|my|that|an?)\s+)?"
    r"(?:(?:image|photo|picture|file|audio|recording|video|document|pic)\s+(?:(?:called|named|titled)\s+)?)?"
    "\ue000(\\d+)[\ue001\ue002]", re.IGNORECASE)


def _language(pattern: re.Pattern[str], *texts: str) -> str | None:
    for text in texts:
        m = pattern.search(text)
        if m:
            return m.group(1).capitalize()
    return None


def clean(text: str) -> str:
    """A clause's words as a task argument: politeness ("could you please") and trailing "for me" cut."""
    text = _POLITE_RE.sub("", text.strip()).strip(" ,;:")
    return _TRAILING_RE.sub(r"\1", text).strip(" ,;:")


@dataclass(frozen=True)
class Missing:
    """A task the request asks for that was left out: an input it needs is neither in the request
    nor an earlier task's output."""

    task: str
    words: str
    """The clause that asked for it."""
    argument: str
    """The argument that found no value ("image", "audio", "context", ...)."""
    modality: str
    after: str | None = None
    """When that input was to be the output of a task left out before it ("describe the photo,
    then translate the description", with no photo): that task."""
    given: tuple[tuple[str, str], ...] = ()
    """The request's files of other kinds, as (file, modality): "Transcribe this audio" given
    house.png is told that house.png is an image."""

    def note(self, name: Callable[[str], str] = str) -> str:
        """One line for the user: the task left out (``name`` gives a task type's name), why, and
        what to do."""
        task = name(self.task)
        if self.after is not None:
            return f"{task} works on the output of {name(self.after)}, which could not be planned ({self.words!r})"
        if self.modality == "text" and self.task in _DESCRIBED_TASKS:
            made = "video" if "video" in self.task else "image"
            return (f"{task} needs a description of the {made} to make and the request gives none "
                    f"({self.words!r}); say what it should show (\"make {'a' if made == 'video' else 'an'} "
                    f"{made} of a lighthouse at night\")")
        if self.modality == "text":
            what = "a text" if self.argument == "text" else f"a {self.argument} text"
            return (f"{task} needs {what} and the request gives none "
                    f"({self.words!r}); quote the text in the request")
        needed = "an audio file" if self.modality == "audio" else f"{'an' if self.modality[:1] in 'aeiou' else 'a'} {self.modality}"
        others = ", ".join(f"{file} is {_KIND_NOUNS.get(kind, kind)}" for file, kind in self.given)
        return (f"{task} needs {needed} and the request gives none "
                f"({self.words!r}{f': {others}, not {_KIND_NOUNS.get(self.modality)}' if others else ''}); "
                f"attach the {self.modality} file or name it in the request")


_KIND_NOUNS = {"image": "an image", "audio": "an audio file", "video": "a video", "table": "a table",
               "text": "a text file"}


@dataclass
class PlanBuilder:
    """Turns ordered candidates into HuggingGPT task dicts, filling their arguments."""

    req: RequestText
    vocab: Vocabulary
    tasks: list[dict[str, Any]] = field(default_factory=list)
    strengths: list[float] = field(default_factory=list)
    consumed: set[int] = field(default_factory=set)
    missing: list[Missing] = field(default_factory=list)
    bridges: dict[str, str] = field(default_factory=lambda: dict(BRIDGES))
    clauses: list[Clause | None] = field(default_factory=list)
    _clause: Clause | None = field(default=None, init=False, repr=False)
    _reading: bool = field(default=False, init=False, repr=False)
    """Whether the task being added reads the next file its clause names (:meth:`_unread`)."""

    @property
    def feed_from_missing(self) -> bool:
        """Whether the plan is one that runs, over the registry (:attr:`Vocabulary.over_registry`),
        rather than one scored against a benchmark's tool graph. A text task whose text was to be
        the output of a task left out for want of input ("describe the photo, then translate the
        description", no photo) is then left out too, rather than given its clause's words (on a
        graph the task counts although it cannot run); texts are taken as a run needs them (an
        unquoted text without the instruction around it, :meth:`_object_text`; a quoted question as
        the text when no other is given); and the registry-only readings of this module apply."""
        return self.vocab.over_registry

    def produced(self) -> list[str]:
        """The modalities earlier tasks output, the latest task's main output last (a detector's
        image after its list of labels: "detect the objects in it and classify it" classifies an
        image, not the labels' sentiment)."""
        found = [m for t in self.tasks for m in sorted(
            self.vocab.outputs.get(t["task"], ())[::-1], key=lambda m: t["task"] in LABEL_TASKS and m != "text")]
        return list(dict.fromkeys(found[::-1]))[::-1]

    def _append(self, task: str, args: dict[str, str], strength: float) -> str:
        self.tasks.append(_task(task, len(self.tasks), args))
        self.strengths.append(strength)
        self.clauses.append(self._clause)
        return f"<resource>-{len(self.tasks) - 1}"

    def _take(self, indices: Sequence[int], modalities: Sequence[str], *, reuse: bool = False,
              question: bool | None = None) -> str | None:
        """The first resource among ``indices`` of one of ``modalities`` (unused unless ``reuse``);
        ``question`` limits quotes to questions (True) or to other texts (False)."""
        for m in modalities:
            for i in indices:
                r = self.req.resources[i]
                if r.modality != m or (i in self.consumed and not reuse):
                    continue
                if question is not None and (r.kind == "quote" and _is_question(r.value) != question
                                             or question and r.kind != "quote"):
                    continue  # a file is a text to read, never the question asked about it
                self.consumed.add(i)
                return r.value
        return None

    def _latest_output(self, modalities: Sequence[str], *, primary: bool = True, prose: bool = False,
                       skip: str | None = None) -> str | None:
        """The latest task's output of one of ``modalities`` (its main one, if ``primary``); with
        ``prose``, no list of labels (:data:`LABEL_TASKS`); never ``skip``."""
        for k in range(len(self.tasks) - 1, -1, -1):
            outputs = self.vocab.outputs.get(self.tasks[k]["task"], ())
            if set(outputs[:1] if primary else outputs) & set(modalities) and not (
                    prose and self.tasks[k]["task"] in LABEL_TASKS) and f"<resource>-{k}" != skip:
                return f"<resource>-{k}"
        return None

    def _wants_prose(self, task: str, clause: Clause | None) -> bool:
        """Whether the task reads a text that labels are no stand-in for ("transcribe it, find the
        names in it, then tell me its sentiment": the transcript's, not the names'; over the
        registry also a summary: "what emotion does the speaker in call.wav show, and what is the
        call about?" summarizes the call's words), unless the clause names the labels ("translate
        the labels")."""
        reads_prose = task in _READS_PROSE or self.feed_from_missing and task == "summarization"
        return reads_prose and not (clause and _NAMES_LABELS_RE.search(clause.lower))

    def _all(self) -> list[int]:
        return list(range(len(self.req.resources)))

    def _media(self, spec: ArgSpec, clause: Clause, task: str) -> str | None:
        """An image/audio/video/table argument: from the clause, an earlier task, or the request."""
        mods = self.vocab.modalities(task, spec)
        found = self._take(clause.resources, mods)
        latest = self._latest_output(mods)
        made_by = self.tasks[reference_id(latest)]["task"] if latest is not None else None
        if found is None and self.feed_from_missing and not self._refers_back(clause) \
                and not RESULT_PHRASE.search(clause.lower) and made_by not in (None, *_IMPROVERS):
            # over the registry, "a depth map and a segmentation of room.jpg": both of the photo
            # (but "denoise and transcribe memo.wav" transcribes the denoised recording)
            found = self._take(clause.resources, mods, reuse=True)
            if found is None and made_by in _MAPS:
                # "segment the person in portrait.jpg and estimate the depth": of the photo, not the mask
                found = self._take(range(self.req.own), mods, reuse=True)
        if found is None and not ORIGINAL.search(clause.lower):
            found = self._latest_output(mods)
        return (found or self._take(self._all(), mods) or self._take(clause.resources, mods, reuse=True)
                or self._take(self._all(), mods, reuse=True) or self._latest_output(mods, primary=False))

    def _bridge(self, indices: Sequence[int], strength: float, heard: bool = False) -> str | None:
        """An image-to-text or speech-recognition step over an unused image or audio resource (with
        ``heard``, over a recording or video a task already used: its words, beside its labels)."""
        for i in indices:
            r = self.req.resources[i]
            bridge = self.bridges.get(r.modality)
            if heard and r.modality not in ("audio", "video"):
                continue
            if bridge and bridge in self.vocab.outputs and (i not in self.consumed or heard):
                self.consumed.add(i)
                return self._append(bridge, {TASK_TYPES[bridge].args[0].name: r.value}, strength)
        return None

    def _clause_text(self, clause: Clause) -> str:
        return clean(self.req.unmask(clause.masked, quotes=False))

    def _refers_back(self, clause: Clause) -> bool:
        return bool(ANAPHORA.search(clause.lower)) and not ORIGINAL.search(clause.lower)

    def _text(self, cand: Candidate) -> str | None:
        """The main text argument: a quote, an earlier output, a converted file, or the clause."""
        clause = cand.clause
        if self._reading:  # the next file of the clause to read (:meth:`_unread`)
            return self._bridge(self._readable(clause), cand.strength)
        found = self._take(clause.resources, ["text"], question=False) or self._take(clause.resources, ["text"])
        # "summarize these documents": each given text file the clause speaks of, not a summary of the summary
        found = found or self._take(sorted(self._main_inputs(cand) - set(clause.resources)), ["text"])
        # "find the names in people.csv": a table file named in the clause is a text too
        found = found or self._take(clause.resources, ["table"])
        if found is None and ORIGINAL.search(clause.lower):
            found = self._take(self._all(), ["text"], reuse=True)
        # a prompt is the clause's own words, unless it refers back or is about a file it names
        # ("write a poem about photo.jpg": about what the photo shows)
        prompt = cand.task in PROMPT_TASKS and not any(
            self.req.resources[i].modality in self.bridges for i in clause.resources)
        if found is None and prompt and self.feed_from_missing and _SEEN_RE.search(clause.lower):
            # "look at zoo.png and write a poem about what you see": about the picture's content
            found = self._latest_output(["text"]) or self._bridge(range(self.req.own), cand.strength)
        if found is None and (self._refers_back(clause) or not prompt or _PLURAL_RE.search(clause.lower)):
            found = self._named_output(clause) or self._latest_output(["text"], prose=self._wants_prose(cand.task, clause))
            if cand.task in _READS_PROSE:
                found = self._fuller(found, clause)
            if found is None and _OUTPUT_KIND_RE.search(clause.lower):
                # "read the summary aloud" after a turn that summarized report.txt: that summary,
                # not report.txt
                found = self._earlier_reply(clause)
            if found is None and self._refers_back(clause) and not clause.resources and self.req.own == 0:
                # "read that out loud" in a later turn: the last reply, not a file an earlier turn named
                found = self._earlier_reply(clause)
            found = found or self._take(self._all(), ["text"], question=False)
            found = found or self._bridge(clause.resources, cand.strength)
            found = found or self._earlier_reply(clause)
            if found is None and (self._refers_back(clause) or not self.req.resources[:self.req.own]
                                  or any(not r.mentioned for r in self.req.resources[:self.req.own])):
                found = self._bridge(range(self.req.own), cand.strength)
            found = found or self._named_media(clause, cand.strength)
            found = found or self._take(self._all(), ["text"], reuse=True, question=False)
            # "Which language is this? Wie geht's?": a quoted question is the text when no other is
            if self.feed_from_missing:
                found = found or self._take(range(self.req.own), ["text"], question=True)
                if self._wants_prose(cand.task, clause):  # the words of a recording a label task heard
                    found = found or self._bridge(range(self.req.own), cand.strength, heard=True)
            found = found or self._latest_output(["text"])
        if found is None and self.feed_from_missing and self._refers_back(clause):
            # "segment the objects in photo.jpg and make an audio clip describing them": the labels
            found = self._earlier_prompt() or self._latest_output(["text"], primary=False)
        if found is None and self.feed_from_missing and self._refers_back(clause) and (
                self.missing or self._only_an_instruction(clause)) and not _FOLLOWING_RE.search(clause.lower):
            # "translate it", where "it" was to come from a task left out for want of input, or
            # where nothing came before: the clause's own words are not the text
            return None
        return found or self._prompt(cand)

    def _named_media(self, clause: Clause, strength: float) -> str | None:
        """A text task's input when its clause names a picture or recording by a word for it ("give
        me a summary of the lecture" after "remove the noise from lecture.wav"): the words in the
        latest such output (the denoised lecture), else in the request's file of that kind."""
        if not self.feed_from_missing:
            return None
        for modality, bridge in self.bridges.items():
            if modality not in MODALITY_HINTS or not MODALITY_HINTS[modality].search(clause.lower) \
                    or bridge not in self.vocab.outputs:
                continue
            # a made video has no words to hear ("generate a video and audio about a dog")
            latest = self._latest_output([modality]) if modality != "video" else None
            if latest is not None:
                return self._append(bridge, {TASK_TYPES[bridge].args[0].name: latest}, strength)
            found = self._bridge(range(self.req.own), strength)
            if found is not None:
                return found
        return None

    def _earlier_prompt(self) -> str | None:
        """The text the latest task was given, when that task made something other than text from
        it: "it" in "Create an image of a castle, then make a video of it" or "Say good morning,
        then translate it into French" is that text (the castle, "good morning"), which no
        output holds."""
        if not self.tasks:
            return None
        task = self.tasks[-1]
        spec = TASK_TYPES[task["task"]].args[0]
        value = task["args"].get(spec.name)
        if spec.modality != "text" or "text" in self.vocab.outputs.get(task["task"], ())[:1] or not isinstance(value, str) \
                or reference_ids(value) or any(r.value == value and r.kind == "file" for r in self.req.resources):
            return None
        return value

    def _only_an_instruction(self, clause: Clause) -> bool:
        """Whether the clause is too short to hold the text it works on ("now read that aloud")."""
        return ":" not in clause.masked and len(self._clause_text(clause).split()) <= _INSTRUCTION_WORDS

    def _named_output(self, clause: Clause) -> str | None:
        """The latest output of this plan of the kind the clause names ("read the summary of the
        email out loud" after the summary and the e-mail's names: the summary)."""
        kind = _OUTPUT_KIND_RE.search(clause.lower)
        tasks = _OUTPUT_KINDS[kind.group(1)] if kind else ()
        return next((f"<resource>-{k}" for k in range(len(self.tasks) - 1, -1, -1) if self.tasks[k]["task"] in tasks),
                    None)

    def _earlier_reply(self, clause: Clause) -> str | None:
        """An earlier turn's output the clause names by kind ("find the names in the transcript":
        the latest transcript, though that turn ended on its sentiment), else the chat's latest AI
        reply when the clause refers back ("translate it")."""
        kind = _OUTPUT_KIND_RE.search(clause.lower)
        tasks = _OUTPUT_KINDS[kind.group(1)] if kind else ()
        named = next((text for task, text in self.req.earlier_outputs if task in tasks), None)
        return named or (self.req.last_reply if ANAPHORA.search(clause.lower) else None)

    def _prompt(self, cand: Candidate) -> str | None:
        """For image and video generation what follows the cue, else an unused quote of the request
        (over the registry, else the latest text made before, else none: the description is missing);
        for a task that reads a text, the words the instruction is about (:meth:`_object_text`);
        the clause itself for other tasks."""
        if self.feed_from_missing and cand.task in _OBJECT_TASKS:
            words = self._object_text(cand)
            if cand.task == "text-to-speech" and words and _TO_WRITE_RE.match(words) \
                    and "text-generation" in self.vocab.outputs:
                # "make an audio greeting for my mom's birthday": a greeting to write, then to speak
                return self._append("text-generation", {"text": self._clause_text(cand.clause)}, cand.strength)
            return words
        if cand.task in _DESCRIBED_TASKS:
            rest = cand.clause.masked[cand.cue_end:].strip(" ,.:;?!") if cand.cue_end else ""
            rest = _DESCRIPTION_LEAD_RE.sub("", _COORDINATED_RE.sub("", _RECIPIENT_RE.sub("", rest)))
            # one word will do ("an image of cats"), unless it only points back ("a video of it")
            if len(rest.split()) >= 2 or rest and not _POINTER_RE.fullmatch(rest):
                return clean(self.req.unmask(rest, quotes=False))
            quoted = self._take(range(self.req.own), ["text"], question=False)
            if quoted:
                return quoted
            if self.feed_from_missing:
                # "Generate an image" says nothing of what it shows: after "write a poem about the
                # sea", the poem; alone, the description is missing (not the words "Generate an image")
                return self._latest_output(["text"], prose=True)
        text = self._clause_text(cand.clause)
        if self.feed_from_missing and cand.task in ("text-generation", "conversational"):
            # "I'm writing a blog post about climate change. Could you draft an intro paragraph?":
            # what the request says before, asking nothing, is what the text is for
            told = [clean(self._clause_text(c)).rstrip(".") for c in self.req.clauses[:cand.clause.index]
                    if not c.resources and not asks_for_something(c)]
            if told and text:
                return ". ".join([*told, text])
        return text

    def _object_text(self, cand: Candidate) -> str | None:
        """The unquoted text a clause gives a text task, without the instruction around it: the
        clause less the languages and the task's cues at its ends ("Say hello world aloud": "hello
        world"; "Translate hello world into French": "hello world") and what comes before a cue
        inside it ("What is the sentiment of I loved it?"), less a verb, "the words" or
        "of"/"in" at its start ("Read good morning aloud", "the sentiment of I loved it") and
        "please"/"aloud" at its end. None when that names a text the request does not hold
        ("Translate my essay into German", "Read the message aloud": the text is missing, not the
        words "my essay"), or when nothing is left."""
        from .intents import cue_matches  # local: intents imports this module's neighbours

        masked = cand.clause.masked
        cues = [(s, e) for cue, s, e in cue_matches(cand.clause.lower) if cand.task in cue.tasks]
        start, end = 0, len(masked)
        for spans in (language_spans(masked), cues):  # languages first: a cue may run over one
            trimmed = True
            while trimmed:
                trimmed = False
                for s, e in sorted(spans):
                    if start <= s and e <= end and _FILLER_RE.fullmatch(masked, start, s):
                        start, trimmed = e, True
                    elif start <= s and e <= end and _FILLER_RE.fullmatch(masked, e, end):
                        end, trimmed = s, True
        inside = [e for s, e in cues if start < s and e < end]
        if inside:  # "what is the sentiment of I loved it?": what follows the cue
            start = max(inside)
        words = masked[start:end].strip(" ,.;:!?")
        more = self._continued(cand.clause)  # the text may go on in the next sentences
        if _FOLLOWING_RE.search(masked) and more.strip(" ,.;:!?"):  # "Summarize the following story. It was ..."
            return clean(self.req.unmask(more.strip(" ,.;:!?"), quotes=False))
        if end == len(masked) and not _ABSENT_TEXT_RE.match(words):
            words = (masked[start:end] + more).strip(" ,.;:!?")
        if not _ABSENT_TEXT_RE.match(words):
            words = _strip_tail(_OBJECT_LEAD_RE.sub("", words)).strip(" ,.;:!?")
        if not words or _ABSENT_TEXT_RE.match(words):
            return None
        return clean(self.req.unmask(words, quotes=False))

    def _continued(self, clause: Clause) -> str:
        """The request's words after ``clause`` (from its end, punctuation included) that go on with
        the unquoted text it ends on: the following sentences that name no file, ask nothing, name
        no task and instruct nothing ("Summarize The cat sat on the mat. The dog barked. Then it
        slept."); empty when the next one does any of those."""
        from .intents import cue_matches, requests_something  # local: as in _object_text

        full = mask(self.req.request, self.req.resources)
        stop = full.find(clause.masked)
        if stop < 0:
            return ""
        stop = end = stop + len(clause.masked)
        for following in self.req.clauses[clause.index + 1:]:
            if following.resources or following.first or "?" in following.masked or requests_something(following) \
                    or any(not cue.fallback for cue, _, _ in cue_matches(following.lower)):
                break
            at = full.find(following.masked, end)
            if at < 0:
                break
            end = at + len(following.masked)
        return full[stop:end]

    def _question(self, cand: Candidate) -> str:
        """A question: a quoted one, else the question the clause asks, else what it asks to be told
        ("look at the receipt and tell me the total": "What is the total?"), else an earlier result
        the clause names, else what the next clause asks to be told, else the clause's words
        (without its file mentions and a text it supplies after a colon)."""
        clause = cand.clause
        found = (self._take(clause.resources, ["text"], question=True)
                 or self._take(range(self.req.own), ["text"], question=True))
        if found:
            return found
        text = _POLITE_TAIL_RE.sub("?", self.req.unmask(self._asked_part(clause.masked), quotes=False))
        asked = _QUESTION_START_RE.search(text)
        # "based on that caption, tell me what colour the car is": the caption is the context
        wanted = self._wanted(clause)
        told = _as_question(wanted) if wanted else None
        if told and (not asked or _ASKING_YOU_RE.match(asked.group().strip()) and _IF_RE.match(wanted)):
            return told  # "can you tell if the person is smiling?" asks "Is the person smiling?"
        if asked:
            # "can you tell me how many people are in crowd.jpg?" asks "How many people are in crowd.jpg?"
            question = asked.group().strip()
            rest = _TELL_ME_LEAD_RE.sub("", question)
            return rest[:1].upper() + rest[1:] if rest != question and _WH_START_RE.match(rest) else question
        if told:
            return told
        earlier = self._earlier_text(cand)
        if earlier:
            return earlier
        nxt = self.req.clauses[clause.index + 1:clause.index + 2]
        told = self._told(nxt[0]) if nxt else None
        if told:
            return told
        if nxt and not nxt[0].resources and _is_question(nxt[0].masked) and _WH_START_RE.match(nxt[0].masked):
            # 'Based on this text: "...". How tall is the tower?': the question follows
            return self._clause_text(nxt[0]).rstrip("?") + "?"
        asked_words, whole = self._question_words(clause, self._asked_part(clause.masked)), \
            self._question_words(clause)
        if asked_words and asked_words != whole:  # the text it supplies is the context, not the question
            # "what does the text say about the weather: '...'"; "explain this sentence: '...'"
            return _as_question(asked_words) if _WH_START_RE.match(asked_words) else asked_words
        return whole or self._clause_text(clause)

    def _told(self, clause: Clause) -> str | None:
        """What ``clause`` asks to be told, as a question ("tell me the total": "What is the total?")."""
        wanted = self._wanted(clause)
        return _as_question(wanted) if wanted else None

    def _wanted(self, clause: Clause) -> str | None:
        """What ``clause`` asks to be told, in its own words ("tell me the total": "the total")."""
        asked = self._asked_part(clause.masked)
        wanted = _told(self._words_without_media(clause, asked))
        if wanted and _BARE_WH_RE.match(wanted):  # "tell me what is in photo.jpg": not "What is?"
            wanted = _told(clean(self.req.unmask(asked, quotes=False)))
        elif wanted and _SUBJECT_GONE_RE.match(wanted):  # "tell if the photo.jpg was taken indoors": it was
            wanted = _told(clean(self.req.unmask(_MEDIA_SUBJECT_RE.sub(" it", asked), quotes=False)))
        return wanted

    def _question_words(self, clause: Clause, masked: str | None = None) -> str:
        """:meth:`_words_without_media`, unless the file's mention is most of what is asked: "what's
        in this picture pic.jpg" asks that, not "whats?"."""
        words = self._words_without_media(clause, masked)
        if not _BARE_WH_RE.match(words):
            return words
        return clean(self.req.unmask(clause.masked if masked is None else masked, quotes=False))

    def _asked_part(self, masked: str) -> str:
        """A clause's masked words without the text it supplies after a colon at its end ("tell me
        who won: '<text>'"): that text is what the question is about, not part of it."""
        supplied = _SUPPLIED_TEXT_RE.search(masked)
        if supplied is None:
            return masked
        resource = self.req.resources[int(supplied.group(1))]
        if resource.kind != "quote" or resource.modality != "text" or resource.value.rstrip().endswith("?"):
            return masked
        return masked[:supplied.start()]

    def _earlier_text(self, cand: Candidate) -> str | None:
        """The latest earlier text output, when the clause refers back to a result ("use that
        answer as the question", "edit the photo based on the label") and that output is not
        already the task's main input."""
        if not _TEXT_RESULT_RE.search(cand.clause.lower):
            return None
        latest = self._latest_output(["text"])
        main = TASK_TYPES[cand.task].args[0].modalities
        return latest if latest and not ("text" in main and cand.task not in QUESTION_TASKS) else None

    def _context(self, cand: Candidate) -> str | None:
        """Question answering's context: a quoted text, an earlier output, or a converted file (over
        the registry also one an earlier clause only pointed at: "Listen to voicemail.mp3 and tell
        me who called" asks the transcript)."""
        clause = cand.clause
        if not self.feed_from_missing:
            return (self._take(clause.resources, ["text"], question=False)
                    or (self._latest_output(["text"]) if self._refers_back(clause) else None)
                    or self._take(self._all(), ["text"], question=False) or self._latest_output(["text"])
                    or self._bridge(clause.resources, cand.strength))
        # labels are no text to answer from: "Who is speaking in meeting.wav, and what did they
        # decide?" asks the recording's transcript, not its speaker labels; a table is read as a
        # text ("What were the March sales for the South region in sales.csv?")
        return (self._take(clause.resources, ["text"], question=False) or self._take(clause.resources, ["table"])
                or (self._fuller(self._latest_output(["text"], prose=True), clause) if self._refers_back(clause) else None)
                or self._take(self._all(), ["text"], question=False) or self._take(self._all(), ["table"])
                or self._fuller(self._latest_output(["text"], prose=True), clause)
                or self._bridge(clause.resources, cand.strength) or self._bridge(range(self.req.own), cand.strength)
                or self._bridge(range(self.req.own), cand.strength, heard=True)
                # "who is mentioned in memo.txt and where were they?": memo.txt again, not its entities
                or self._take(self._all(), ["text"], reuse=True, question=False) or self._latest_output(["text"]))

    def _second_text(self, cand: Candidate, first: str | None) -> str | None:
        """Sentence similarity's second text: another quote, or an earlier text output than the first."""
        clause = cand.clause
        # "caption a.jpg and b.jpg and compare them": the other caption
        # "compare the captions of a.jpg and b.jpg": b.jpg's caption
        return (self._take(clause.resources, ["text"]) or self._take(self._all(), ["text"])
                or self._bridge(clause.resources, cand.strength) or self._latest_output(["text"], skip=first))

    def _instruction(self, cand: Candidate) -> str | None:
        """An editing instruction: a quoted one, else the clause without the image's mention."""
        if cand.intent not in INSTRUCTED or not self.vocab.instructed_edit:
            return None
        clause = cand.clause
        found = self._take(clause.resources, ["text"]) or self._earlier_text(cand)
        if found:
            return found
        words = self._words_without_media(clause)
        if clause.first:  # "remove the background first": the order is the plan's, not the edit's
            words = _FIRST_TAIL_RE.sub("", words)
        return words or None

    def _words_without_media(self, clause: Clause, masked: str | None = None) -> str:
        """The clause's words (or ``masked``, a part of them) without its mentions of files ("in
        the photo example.jpg")."""
        text = _MEDIA_MENTION_RE.sub(
            lambda m: "" if self.req.resources[int(m.group(1))].modality != "text" else m.group(),
            clause.masked if masked is None else masked)
        return clean(self.req.unmask(text, quotes=False))

    def arguments(self, cand: Candidate) -> dict[str, str] | None:
        """The candidate's arguments, or None when a required one cannot be filled."""
        args: dict[str, str] = {}
        for spec in TASK_TYPES[cand.task].args:
            value = self._argument(cand, spec, args)
            if value is None and spec.required:
                # an open question ("Who wrote Hamlet?") lacks no input: it is one for a chat model
                if cand.named or spec.name != "context":
                    after = self.missing[-1].task if spec.name == "text" and self.missing else None
                    words = self._clause_text(cand.clause) or cand.clause.masked
                    given = () if spec.modality == "text" else tuple(
                        (PurePosixPath(r.value.replace("\\", "/")).name, r.modality)
                        for r in self.req.resources[:self.req.own] if r.kind == "file" and r.modality not in spec.modalities)
                    self.missing.append(Missing(cand.task, words, spec.name, spec.modality, after, given))
                return None
            if value is not None:
                args[spec.name] = value
        return args

    def _argument(self, cand: Candidate, spec: ArgSpec, args: dict[str, str]) -> str | None:
        clause, task = cand.clause, cand.task
        if spec.name == "target_language":
            return next(iter(self._target_languages(clause)), None)
        if spec.name == "source_language":
            return _language(LANGUAGE_SOURCE, clause.masked)
        if spec.modality != "text":
            return self._media(spec, clause, task)
        if task == "image-to-image":
            return self._instruction(cand)
        if task in QUESTION_TASKS and spec.name == "text":
            return self._question(cand)
        if spec.name == "context":
            return self._context(cand)
        if spec.name == "text2":
            return self._second_text(cand, args.get("text"))
        return self._text(cand)

    def _main_inputs(self, cand: Candidate) -> set[int]:
        """The clause's resources that could be the candidate's main (first) input; when it names
        none but speaks of several ("caption these photos", "transcribe both"), the given files
        that no clause names."""
        wanted = self.vocab.modalities(cand.task)
        named = {i for i in cand.clause.resources if self.req.resources[i].modality in wanted}
        return named or self._several_given(cand.clause, wanted)

    def _several_given(self, clause: Clause, modalities: Sequence[str]) -> set[int]:
        """The given files of ``modalities`` that no clause names, or that only a clause asking
        nothing names ("Given images A: a.jpg, B: b.jpg, C: c.jpg, how many zebras are in these
        pictures?"), when there are several and ``clause`` speaks of several inputs ("caption these
        photos"), else none."""
        if not _SEVERAL_INPUTS_RE.search(clause.lower):
            return set()
        tasked = {i for c in self.clauses if c is not None for i in c.resources}
        named = bool(_THESE_FILES_RE.search(clause.lower))  # "these pictures", not "them"
        given = {i for i, r in enumerate(self.req.resources) if r.modality in modalities
                 and (not r.mentioned or named and r.kind == "file" and i < self.req.own and i not in tasked)}
        return given if len(given) > 1 else set()

    def _repeats(self, cand: Candidate) -> bool:
        """Whether the task type is already planned and the clause names no new input for it (nor a
        new file to read its text from: :meth:`_unread`). Over
        the registry, a clause of its own that describes something new to make is no repeat ("draw
        a cat, then draw a dog": two pictures), unless it refers back ("then draw it again"); nor is
        a question of its own ("What is in photo.jpg? Where was it taken?": two questions)."""
        planned = [k for k, t in enumerate(self.tasks) if t["task"] == cand.task]
        if planned and self.feed_from_missing and all(self.clauses[k] is not cand.clause for k in planned) and (
                cand.task in PROMPT_TASKS and not self._refers_back(cand.clause)
                or cand.task in QUESTION_TASKS and _is_question(cand.clause.masked)):
            return False
        return bool(planned) and not (self._main_inputs(cand) - self.consumed) and not self._reading

    def add(self, cand: Candidate) -> bool:
        """Add the candidate's task; True when it used a new resource of its clause as main input.
        Past :data:`~hugginggpt_tools.dag.MAX_TASKS` tasks nothing more is added: the plan is too
        long to run, and each further task costs more ("read a.png and a.png and ..." 600 times)."""
        if self._repeats(cand) or len(self.tasks) > MAX_TASKS:
            return False
        before = set(self.consumed)
        args = self.arguments(cand)
        if args is None:
            logger.debug("Offline planner: no input for %s in %r", cand.task, cand.clause.masked)
            return False
        each = [one for some in self._for_each_sibling(cand, args) for one in self._each_question(cand, some)]
        for one in [*each, *(more for one in each for more in self._further_targets(cand, one))]:
            if not any(t["task"] == cand.task and t["args"] == one for t in self.tasks):
                self._append(cand.task, one, cand.strength)
        return bool(self._main_inputs(cand) & (self.consumed - before))

    def _each_question(self, cand: Candidate, args: dict[str, str]) -> list[dict[str, str]]:
        """Over the registry, one question answering task per question of two joined by "and" ("Who
        sent email.txt and when was it sent?", "tell me who sent it and when": an extractive answer
        holds one passage, so one task answered only the first)."""
        question = args.get("text")
        if not self.feed_from_missing or cand.task not in QUESTION_TASKS or not isinstance(question, str):
            return [args]
        return [{**args, "text": one} for one in split_questions(question)]

    def _for_each_sibling(self, cand: Candidate, args: dict[str, str]) -> list[dict[str, str]]:
        """``args``, and when the clause names a group of outputs in the plural ("translate it
        into French and German, then read them aloud": one reading per translation) the same
        arguments over each output of the group (the tasks of one earlier clause and type as the
        output the task takes), in the group's order."""
        refs = [(name, k) for name, value in args.items() if (k := reference_id(value)) is not None]
        if len(refs) != 1:
            return [args]
        name, k = refs[0]
        # "read the text in a.png and b.png aloud", "... in each image aloud": the clause made the group
        if not _PLURAL_RE.search(cand.clause.lower) and self.clauses[k] is not cand.clause:
            return [args]
        group = [j for j, t in enumerate(self.tasks) if t["task"] == self.tasks[k]["task"]
                 and self.clauses[j] is not None and self.clauses[j] is self.clauses[k]]
        if k not in group:
            return [args]
        if _TOGETHER_RE.search(cand.clause.lower) and not _EACH_RE.search(cand.clause.lower) \
                and TASK_TYPES[cand.task].arg(name).modality == "text":
            # "summarize them together": one task on the outputs' texts one after another
            # (apart for a summary or an answer, which must tell the texts apart; one prompt else)
            sep = TEXTS_SEPARATOR if cand.task in _READS_APART else "\n\n"
            return [{**args, name: sep.join(f"<resource>-{j}" for j in group)}]
        return [{**args, name: f"<resource>-{j}"} for j in group]

    def _further_targets(self, cand: Candidate, args: dict[str, str]) -> list[dict[str, str]]:
        """The arguments of one more translation per further language the clause lists ("into
        French, German and Italian": German and Italian), each of the same text."""
        if "target_language" not in args:
            return []
        return [{**args, "target_language": language} for language in self._target_languages(cand.clause)
                if language != args["target_language"]]

    def _target_languages(self, clause: Clause) -> list[str]:
        """The languages the clause asks for (:func:`target_languages`), else the request: never
        one named inside a quote ("translate 'the film is in English' into French"). Over the
        registry, a word no language is known by that ends a translation's clause after "into" is
        the target still ("into klingon"), for selection to say no model translates into it."""
        known = target_languages(clause.masked) or target_languages(" ".join(c.masked for c in self.req.clauses))
        unknown = _UNKNOWN_TARGET_RE.search(clause.masked) if not known and self.feed_from_missing else None
        return known or ([unknown.group(1).capitalize()] if unknown and unknown.group(1).lower() not in _NO_LANGUAGE
                         else [])

    def add_clause(self, candidates: Sequence[Candidate]) -> None:
        """Add a clause's tasks; a task repeats for each further input the clause names
        ("caption a.jpg and b.jpg")."""
        for cand in candidates:
            self._clause = cand.clause
            if self.add(cand):
                for _ in range(MAX_TASKS):  # a file named 600 times is one input, not 600 passes
                    if not (self._main_inputs(cand) - self.consumed and self.add(cand)):
                        break
            # "read sign.png and invoice.png aloud": speech of each picture's text, each read first
            while self._unread(cand):
                before = len(self.tasks)
                self.add(cand)
                if len(self.tasks) == before:
                    break
        self._clause = None

    def _fuller(self, found: str | None, clause: Clause) -> str | None:
        """Over the registry, for a question or a judgement of a text, the text a summary was made of
        rather than the summary ``found``, unless the clause names the summary: "Summarize email.txt
        and tell me who sent it" asks email.txt, which the summary may have left the sender out of.
        Likewise the text an earlier question was answered from rather than its answer: "Who wrote
        email.txt? What does it ask for?" asks email.txt again."""
        k = reference_id(found) if found is not None and self.feed_from_missing else None
        if k is not None and self.tasks[k]["task"] == "question-answering" and not _ANSWER_NAMED_RE.search(clause.lower):
            return self.tasks[k]["args"].get("context") or found
        if k is None or self.tasks[k]["task"] != "summarization":
            return found
        source = self.tasks[k]["args"].get("text")
        named = _OUTPUT_KIND_RE.search(clause.lower)
        if reference_id(source) is None and source and not (named and named.group(1).startswith("summar")):
            return source
        return found

    def _readable(self, clause: Clause) -> Sequence[int]:
        """The files a clause's text task may read, one task each: those it names, else, when it
        speaks of them in the plural ("read them both out loud"), the request's own."""
        return clause.resources or (range(self.req.own) if _PLURAL_RE.search(clause.lower) else [])

    def _unread(self, cand: Candidate) -> bool:
        """Over the registry, whether a text task's clause names another file its words are to be read
        from (its bridge: a picture's text, a recording's words; :meth:`_readable`) that no task used
        yet, after the task read one such file; the next :meth:`add` reads it (:attr:`_reading`)."""
        self._reading = False
        if not self.feed_from_missing or "text" not in self.vocab.modalities(cand.task)[:1] or not self.tasks:
            return False
        last = self.tasks[-1]
        bridged = [j for j in _refs(last["args"]) if self.tasks[j]["task"] in self.bridges.values()
                   and self.clauses[j] is cand.clause]
        unread = [i for i in self._readable(cand.clause) if i not in self.consumed
                  and self.req.resources[i].kind == "file" and self.req.resources[i].modality in self.bridges]
        self._reading = bool(bridged and unread and last["task"] == cand.task)
        return self._reading

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
        used = {j for t in self.tasks for j in _refs(t["args"])}
        for k, task in enumerate(self.tasks):
            self._link_second_text(k, task, used)
            spec = TASK_TYPES[task["task"]].args[0]
            value = task["args"].get(spec.name)
            if value is None or _refs(task["args"]) or not self._guessed(k, spec, value):
                continue
            if self.feed_from_missing and task["task"] in QUESTION_TASKS and _is_question(value):
                continue  # over the registry a question asked is the user's, not an earlier output's
            below = descendants(_preds(self.tasks), k)
            given = any(r.value == value for r in self.req.resources)  # a real input, only not its clause's
            # the translations of one text into several languages: all take the same output, none another's
            group = [k, *self._siblings(k, spec.name, value)]
            prose = self._wants_prose(task["task"], self.clauses[k])
            # a later output only for a clause that refers to one: "Read good morning aloud. Then
            # caption photo.jpg" reads "good morning", not the caption
            later = not given and (spec.modality != "text" or self._refers_back(self.clauses[k])
                                   or bool(_TEXT_RESULT_RE.search(self.clauses[k].lower)))
            options = [j for j in range(len(self.tasks) if later else k) if j not in group and j not in used
                       and j not in below
                       and set(self.vocab.outputs.get(self.tasks[j]["task"], ())[:1]) & set(self.vocab.modalities(task["task"]))
                       and not (prose and self.tasks[j]["task"] in LABEL_TASKS)
                       and not (self.feed_from_missing and spec.modality == "image" and self.tasks[j]["task"] in _MAPS
                                and not self._refers_back(self.clauses[k]))
                       # over the registry, the text a summary was made of, read again on purpose
                       # (:meth:`_fuller`), stays: "summarize email.txt and find the names in the email"
                       and not (self.feed_from_missing and self.tasks[j]["task"] == "summarization"
                                and self.tasks[j]["args"].get("text") == value)]
            if not options:
                continue
            j = min(options, key=lambda j: (j > k, abs(j - k)))
            for same in group:
                self.tasks[same]["args"][spec.name] = f"<resource>-{j}"
                self.tasks[same]["dep"] = _refs(self.tasks[same]["args"]) or [-1]
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
            task["dep"] = _refs(task["args"]) or [-1]
            for j, other in enumerate(self.tasks[:k]):
                main = TASK_TYPES[other["task"]].args[0].name
                if self.clauses[j] is not clause and other["args"].get(main) == value:
                    other["args"][main] = f"<resource>-{k}"
                    other["dep"] = _refs(other["args"])

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
        if reference_id(value) is not None or any(r.value == value for r in self.req.resources) or _is_question(value):
            return
        if task["task"] != "sentence-similarity" and _ASKS_RE.search(value) and not _TEXT_RESULT_RE.search(value):
            return  # the clause asks its own question ("tell me what colour the car is")
        below = descendants(_preds(self.tasks), k)
        for j in range(k - 1, -1, -1):
            if j not in used and j not in below and "text" in self.vocab.outputs.get(self.tasks[j]["task"], ())[:1]:
                task["args"][slot.name] = f"<resource>-{j}"
                task["dep"] = _refs(task["args"]) or [-1]
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
        if any(r.value == value for r in self.req.resources):
            return True
        if spec.modality != "text":
            return False
        if self.tasks[k]["task"] in PROMPT_TASKS:
            return bool(_TEXT_RESULT_RE.search(clause.lower) or self._refers_back(clause))
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
            tasks.append(_task(t["task"], n, args))
        self.tasks = tasks
        self.strengths = [self.strengths[old] for old in order]
        self.clauses = [self.clauses[old] for old in order]


def _refs(args: Mapping[str, str]) -> list[int]:
    """The tasks whose outputs ``args`` use (``<resource>-K``, whole or in a text), sorted."""
    return sorted({k for v in args.values() for k in reference_ids(v)})


def _task(name: str, task_id: int, args: dict[str, str]) -> dict[str, Any]:
    """A HuggingGPT task dict, its ``dep`` the tasks ``args`` use."""
    return {"task": name, "id": task_id, "dep": _refs(args) or [-1], "args": args}


def _preds(tasks: Sequence[dict[str, Any]]) -> dict[int, set[int]]:
    """Each task's position mapped to the positions of the tasks whose outputs it uses."""
    return {k: set(_refs(t["args"])) for k, t in enumerate(tasks)}


_UNKNOWN_TARGET_RE = re.compile(r"\btranslat\w*\b.*?\binto\s+(?:the\s+)?([a-z][\w'-]+)(?:\s+language)?[\s.!?]*$",
                                re.IGNORECASE)
_NO_LANGUAGE = frozenset("text texts words speech audio writing it them this that something plain simple everyday "
                         "other another more less language languages lowercase uppercase capitals caps emoji emojis "
                         "code json csv table list bullets numbers digits".split())
"""Words that end "translate ... into" and name no language ("into text", "into plain words")."""
_SUBJECT_GONE_RE = re.compile(r"(?:if|whether)\s+(?:is|was|are|were|has|have|had|does|did|do|can|could|will|would|"
                              r"shows?|showed|contains?|looks?|looked)\b", re.IGNORECASE)
"""What is asked once a file's mention is taken out of it, when that mention was its subject."""
_MEDIA_SUBJECT_RE = re.compile(r"\s*(?:(?<!\w)(?:the|this|my|that)\s+)?(?:(?:image|photo|picture|file|audio|recording|"
                               "video|document|pic)\\s+)?\ue000\\d+[\ue001\ue002]", re.IGNORECASE)


def _told(words: str) -> str | None:
    """What ``words`` ask to be told (:data:`_TELL_ME_RE`), or None."""
    found = _TELL_ME_RE.search(words)
    return next(g for g in found.groups() if g) if found else None


_BARE_WH_RE = re.compile(r"(?:what|whats|who|whos|where|wheres|which|how)(?:'s|\s+(?:is|are|was|were))?\??$",
                         re.IGNORECASE)
"""A question that is nothing but its question word once a file's mention is taken out ("what's in pic.jpg")."""
_ANSWER_NAMED_RE = re.compile(r"\b(?:answers?|reply|replies|response)\b")
"""A clause that names an earlier answer as what it works on ("translate the answer")."""


def _names_file(text: str, value: str) -> bool:
    """Whether ``text`` names the file ``value`` by its name's words ("from the email" for email.txt,
    "the meeting notes" for meeting_notes.txt)."""
    stem = " ".join(re.split(r"[\W_]+", PurePosixPath(value.replace("\\", "/")).stem.lower())).strip()
    if len(stem) < 3 or not re.fullmatch(r"[a-z ]+", stem):
        return False
    return bool(re.search(rf"(?<!\w)(?:the|this|that|my|your|our|his|her|their) (?:\w+ )?{re.escape(stem)}s?(?!\w)", text))


def _is_question(text: str) -> bool:
    return text.rstrip().endswith("?")


__all__ = ["BRIDGES", "CONVERTERS", "PlanBuilder", "clean", "earlier_outputs_named"]
