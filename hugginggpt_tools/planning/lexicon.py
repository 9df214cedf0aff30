"""The offline planner's knowledge: cue phrases per task type, modality hint words, languages.

A :class:`Cue` is a regular expression over a lower-cased request clause with a weight and the
task types it points at. A cue naming several task types ("classify", "transcribe", a question)
is ambiguous: the planner keeps the task whose input modality the clause provides. Weights:
about 1.5 for a phrase that names the task outright ("text-to-speech", "OCR"), 1 to 1.4 for a
strong cue ("aloud", "summarize"), 0.5 to 0.9 for a cue that needs support from the context
("describe", "?"), under 0.5 for a cue that only tips a balance.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..errors import ConfigError
from ..tasks import TASK_TYPES


@dataclass(frozen=True)
class Cue:
    """A phrase (regular expression) hinting at one of ``tasks`` with ``weight``.

    ``bounded`` cues match whole words only (not inside "text-to-speech" or "speeches").
    A ``fallback`` cue (a question mark, "what") counts only when no other cue in the clause
    names a task: "what is the sentiment of ...?" asks for sentiment, not for question answering.
    """

    pattern: str
    weight: float
    tasks: tuple[str, ...]
    bounded: bool = True
    fallback: bool = False
    regex: re.Pattern[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        unknown = [t for t in self.tasks if t not in TASK_TYPES]
        if unknown:
            raise ConfigError(f"Cue {self.pattern!r} names unknown task types {unknown}; use {list(TASK_TYPES)}.")
        pattern = rf"(?<![\w-])(?:{self.pattern})(?![\w-])" if self.bounded else self.pattern
        object.__setattr__(self, "regex", re.compile(pattern))


def _cues(tasks: str | tuple[str, ...], *entries: tuple[str, float], fallback: bool = False) -> list[Cue]:
    names = (tasks,) if isinstance(tasks, str) else tasks
    return [Cue(pattern, weight, names, fallback=fallback) for pattern, weight in entries]


LANGUAGES: tuple[str, ...] = (
    "English", "French", "German", "Spanish", "Italian", "Portuguese", "Dutch", "Russian", "Chinese",
    "Mandarin", "Cantonese", "Japanese", "Korean", "Arabic", "Hindi", "Bengali", "Urdu", "Persian",
    "Farsi", "Turkish", "Polish", "Swedish", "Norwegian", "Danish", "Finnish", "Greek", "Hebrew",
    "Czech", "Slovak", "Romanian", "Hungarian", "Ukrainian", "Bulgarian", "Serbian", "Croatian",
    "Vietnamese", "Thai", "Indonesian", "Malay", "Filipino", "Tagalog", "Swahili", "Catalan",
    "Latin", "Irish", "Welsh", "Icelandic", "Estonian", "Latvian", "Lithuanian", "Tamil", "Telugu",
    "Punjabi", "Gujarati", "Marathi", "Esperanto",
)
"""Language names recognised as translation targets and sources."""

_LANG = "|".join(lang.lower() for lang in LANGUAGES)
_VERB_OBJECT_TEXT = r"text|texts|words|writing|characters|numbers|handwriting|letters|content|message|caption"
_IMAGE_NOUNS = (
    r"image|images|picture|pictures|photo|photos|photograph|illustration|drawing|painting|artwork|art|"
    r"poster|logo|portrait|wallpaper|visual|icon|sketch|render|rendering|cartoon|graphic|scene"
)
_VIDEO_NOUNS = r"video|videos|clip|animation|movie|film|gif"
_MAKE = r"generate|create|make|produce|render|design|draw|paint|imagine|craft|synthesi[sz]e|give me|show me"
_QUESTION_TASKS = ("question-answering", "visual-question-answering", "document-question-answering")
_CLASSIFY_TASKS = ("text-classification", "image-classification", "audio-classification", "tabular-classification")

CUES: tuple[Cue, ...] = tuple(
    _cues("text-classification",
          (r"sentiments?|sentimental|positive or negative|negative or positive", 1.3),
          (r"toxic(?:ity)?|offensive|hate speech|spam|sarcas(?:m|tic)|text[- ]classification", 1.1),
          (r"(?:detect|identify|determine|tell|guess|recogni[sz]e|which|what) (?:the )?language", 1.2),
          (r"language (?:detection|identification)|intent|topics?|opinion|polarity", 0.8))
    + _cues(("text-classification", "audio-classification"), (r"emotions?|mood|tone|feelings?", 0.7))
    + _cues(_CLASSIFY_TASKS,
            (r"classif(?:y|ies|ied|ying|ication|ier)|categori[sz](?:e|es|ed|ing|ation)|categor(?:y|ies)", 0.7),
            (r"label(?:s|ed|led)?", 0.4))
    + _cues("token-classification",
            (r"named[- ]entit(?:y|ies)|ner|part[- ]of[- ]speech|pos[- ]tag(?:s|ged|ging)?|token[- ]classification", 1.5),
            (r"entit(?:y|ies)", 1.0),
            (r"(?:extract|find|identify|list|pick out|highlight|tag|mark|recogni[sz]e) (?:all )?(?:the )?"
             r"(?:names|people|persons|person names|places|locations|organi[sz]ations|companies|dates|cities|"
             r"countries|proper nouns|nouns|verbs)", 1.2))
    + _cues("text2text-generation",
            (r"paraphras(?:e|es|ed|ing)|rephras(?:e|es|ed|ing)|reword|re-?writ(?:e|es|ing|ten)|text2text", 1.1),
            (r"grammar|grammatical|spelling|typos?|proofread|punctuation", 1.0),
            (r"simplif(?:y|ied)|(?:more )?(?:formal|informal|polite|concise)", 0.6))
    + _cues("summarization",
            (r"summar(?:y|ies|i[sz]e|i[sz]es|i[sz]ed|i[sz]ing|i[sz]ation)|tl;? ?dr", 1.5),
            (r"condens(?:e|ed)|shorten|shorter version|brief(?:er)? version|key points|main points|"
             r"main ideas?|gist|recap|synopsis|overview|abstract|highlights|in a nutshell", 0.9))
    + _cues("translation",
            (r"translat(?:e|es|ed|ing|ion|or)", 1.5),
            (rf"(?:into|to) (?:{_LANG})|(?:{_LANG}) (?:version|translation)", 0.9),
            (rf"(?:in|from) (?:{_LANG})", 0.4))
    + [Cue(r"\?", 0.6, _QUESTION_TASKS, bounded=False, fallback=True)]
    + _cues(_QUESTION_TASKS,
            (r"answer(?:s|ed|ing)?|questions?|ask(?:s|ed|ing)?|find out|i (?:want|would like|need) to know|"
             r"wonder(?:ing)?|tell me", 0.5),
            (r"what|who|whom|whose|where|when|which|why|how (?:many|much|old|long|far|big|tall)|is there|are there", 0.3),
            fallback=True)
    + _cues("question-answering",
            (r"based on|according to|(?:from|in) (?:the|this|that) (?:text|passage|paragraph|article|context|story)",
             0.6),
            (r"question[- ]answering|context|passage", 0.5))
    + _cues("visual-question-answering", (r"visual question(?:[- ]answering)?|vqa", 1.5))
    + _cues("document-question-answering", (r"document question(?:[- ]answering)?|docvqa", 1.5))
    + _cues("conversational",
            (r"chat(?:bot|ting)?|conversation(?:al)?|dialog(?:ue)?|small talk|talk(?:ing)? (?:to|with)", 1.0),
            (r"(?:reply|respond|response|answer) to (?:this|the|my|a|her|his|their) "
             r"(?:message|email|text|tweet|comment|chat|post)", 1.2))
    + _cues("text-generation",
            (r"text[- ]generation|(?:generate|produce|create) (?:a |an |some )?(?:\w+ )?(?:text|story|stories|poem|"
             r"essay|article|paragraph|sentences?|continuation|lyrics|tweet|post|email|letter|slogan|tagline|"
             r"joke|outline|blog)", 1.5),
            (r"stor(?:y|ies)|poems?|poetry|essay|lyrics|haiku|limerick|jokes?|blog post|slogan|tagline|"
             r"cover letter|speech draft", 0.6),
            (r"write|compose|draft|author|brainstorm|come up with|ideas", 0.5),
            (r"continu(?:e|ation)|(?:complete|finish|expand|elaborate on|extend) (?:the|this|my|a)", 0.9))
    + _cues("sentence-similarity",
            (r"sentence[- ]similarity|similarit(?:y|ies)|how similar|same meaning|mean the same|"
             r"semantic(?:ally)? (?:close|equivalent|related|similar)|how close|paraphrases of each other", 1.3),
            (r"similar|alike|compare|comparison", 0.6))
    + _cues("tabular-classification", (r"tabular(?:[- ]classification)?|classify (?:the |each |every )?rows?", 1.5))
    + _cues("object-detection",
            (r"object[- ]detection|bounding box(?:es)?|boxes|detect(?:s|ed|ing)? (?:all )?(?:the )?objects?", 1.5),
            (r"detect(?:s|ed|ing|ion)?|detector|objects?|what objects", 0.9),
            (r"(?:find|spot|locate|identify|count|mark) (?:all |every )?(?:the )?(?:objects|items|things|people|"
             r"persons|faces|cars|vehicles|animals|pedestrians)", 1.1),
            (r"locat(?:e|ing)|locali[sz](?:e|ation)|how many|count(?:ing)?|number of|faces?", 0.5))
    + _cues("image-classification",
            (r"image[- ]classification|what (?:kind|type|sort|breed|species|category) of (?:\w+ )?(?:animal|dog|"
             r"cat|bird|flower|plant|car|object|image|photo|picture)", 1.3))
    + _cues(("image-classification", "audio-classification"),
            (r"what (?:kind|type|sort|breed|species|category) of|recogni[sz](?:e|ion)|identif(?:y|ication)", 0.5))
    + _cues("image-to-text",
            (r"captions?|captioning|ocr|optical character|image[- ]to[- ]text", 1.4),
            (rf"(?:extract|get|pull|recogni[sz]e|read|copy|grab|detect|identify|scan) (?:out )?(?:all )?(?:the )?"
             rf"(?:{_VERB_OBJECT_TEXT})", 1.2),
            (r"text (?:in|on|from|of|inside|within)|(?:is )?written", 0.8),
            (r"describ(?:e|es|ed|ing)|descriptions?", 0.8))
    + _cues(("automatic-speech-recognition", "image-to-text"),
            (r"transcri(?:be|bes|bed|bing|ption|pt)", 1.1),
            (r"what (?:did|does|do|is|was|were) (?:\w+ ){0,2}(?:say|says|said|saying|talk(?:ing)? about)|"
             r"what (?:\w+ ){0,2}(?:said|says)", 1.0))
    + _cues("text-to-image",
            (rf"text[- ]to[- ]image|(?:{_MAKE}) (?:me )?(?:an? |some |the )?(?:new )?(?:\w+ )?(?:{_IMAGE_NOUNS})", 1.5),
            (r"draw|paint|sketch|illustrat(?:e|es|ed|ion)|visuali[sz](?:e|ation)", 1.0))
    + _cues("image-to-image",
            (r"image[- ]to[- ]image|in the style of|style transfer|styli[sz]e|cartooni[sz]e|cartoonify|"
             r"colou?ri[sz](?:e|ation)|retouch|upscal(?:e|ing)|super[- ]resolution|image editing", 1.4),
            (r"look(?:s|ing)? like|in the style|as (?:an? )?(?:painting|sketch|cartoon|drawing|watercolou?r)", 0.9),
            (r"edit(?:s|ed|ing)?|modif(?:y|ies|ied|ication)|alter|replace", 0.7),
            (r"change|transform|turn|convert|style", 0.4))
    + _cues(("image-to-image", "audio-to-audio"),
            (r"enhanc(?:e|ed|ing|ement)|improv(?:e|ed|ing)|clean(?:ed)? up|sharpen|restor(?:e|ed|ation)|quality", 0.6))
    + _cues("image-segmentation",
            (r"segment(?:s|ed|ing|ation)?|image[- ]segmentation", 1.5),
            (r"masks?|(?:foreground|background) (?:separation|removal)|remove the background|cut out|isolate|"
             r"outlines?|contours?|regions?|pixel[- ]level|partition", 0.8))
    + _cues("depth-estimation",
            (r"depth(?: map| estimation)?|depths", 1.5),
            (r"how (?:far|close|deep)|distances?|3d|three[- ]dimensional|closer|farther|further away", 0.7))
    + _cues("text-to-speech",
            (r"aloud|out loud|read (?:it |this |that |them )?out|text[- ]to[- ]speech|tts|speech synthesis", 1.4),
            (r"(?:into|to|as) (?:an? )?(?:speech|audio|voice|sound|spoken (?:words|form|version))"
             r"(?: file| clip| version| recording)?|audio (?:version|file|clip|recording) of", 1.2),
            (r"speak|spoken|pronounc(?:e|ed|iation)|narrat(?:e|es|ed|ion|or)|voice[- ]?over|audiobook|"
             r"synthesi[sz]e (?:speech|voice|audio)", 1.0),
            (r"(?:generate|create|make|produce|synthesi[sz]e|record) (?:an? |some )?(?:speech|audio|voice|spoken|"
             r"sound)(?: (?:file|clip|version|recording|message))?", 1.2),
            (r"listen(?:ing)? to|hear|say", 0.5))
    + _cues("automatic-speech-recognition",
            (r"speech[- ]to[- ]text|speech recognition|asr|dictation|subtitles?", 1.4),
            (r"(?:what|everything) (?:is|was|they|he|she|people|the speaker) (?:said|say|saying|says)|what was said",
             1.0),
            (r"(?:into|to) (?:text|words|writing)|in writing|written (?:form|text|version)", 0.6))
    + _cues("audio-to-audio",
            (r"audio[- ]to[- ]audio|noise|noisy|denois(?:e|ed|ing)|hiss|echo|reverb|source separation|vocals", 1.2),
            (r"(?:separat(?:e|ion)|isolate) (?:the )?(?:voices|speakers|sources|instruments|music)|"
             r"voice conversion|clearer|audio quality|sound quality", 1.0))
    + _cues("audio-classification",
            (r"audio[- ]classification|genre|instruments?|speaker (?:identification|recognition)|who is speaking|"
             r"sound events?|voice activity|(?:is|are) there (?:any )?(?:speech|music|talking)|"
             r"(?:speech|talking|singing) or (?:music|noise|silence)|(?:music|noise) or (?:speech|talking)", 1.0))
    + _cues("text-to-video",
            (rf"text[- ]to[- ]video|(?:{_MAKE}|animate) (?:me )?(?:an? |some |the )?(?:short |new )?(?:\w+ )?"
             rf"(?:{_VIDEO_NOUNS})", 1.5),
            (r"animat(?:e|ed|ion)|video (?:of|showing|about|that shows)", 0.9))
)
"""Every cue, across all task types."""

MODALITY_HINTS: dict[str, re.Pattern[str]] = {
    "image": re.compile(rf"(?<!\w)(?:{_IMAGE_NOUNS}|screenshot|scan|selfie|snapshot|pic|pics|sign|jpe?g|png)(?!\w)"),
    "audio": re.compile(r"(?<!\w)(?:audio|recording|recorded|sound|sounds|speech|podcast|song|music|track|"
                        r"voice (?:memo|message|note)|interview|lecture|wav|mp3)(?!\w)"),
    "video": re.compile(rf"(?<!\w)(?:{_VIDEO_NOUNS}|footage|mp4)(?!\w)"),
    "table": re.compile(r"(?<!\w)(?:table|tables|spreadsheet|csv|tabular|dataset|rows)(?!\w)"),
}
"""Words showing that a clause talks about a value of a modality even without naming a file."""

TASK_CONTEXT_HINTS: dict[str, re.Pattern[str]] = {
    "document-question-answering": re.compile(
        r"(?<!\w)(?:document|invoice|receipt|form|contract|bill|page|letter|pdf|menu|ticket|report|statement|"
        r"certificate|passport|license|licence)s?(?!\w)"),
    "tabular-classification": MODALITY_HINTS["table"],
}
"""Words that favour one task over the others sharing a cue (a document favours document QA)."""

PROMPT_TASKS = frozenset({"text-to-image", "text-to-video", "text-generation", "conversational"})
"""Tasks whose text argument is a prompt the request writes itself ("an image of a red fox"):
they use an earlier task's output only when the clause refers to it ("it", "the caption")."""

ANAPHORA = re.compile(
    r"(?<!\w)(?:it|its|this|that|these|those|them|the (?:result|results|output|text|transcript|transcription|"
    r"caption|description|summary|translation|answer|story|speech|recording|image|picture|photo|audio|words|"
    r"above|generated \w+|same)|above|previous|resulting|generated)(?!\w)"
)
"""Words by which a clause refers to something earlier."""

LANGUAGE_TARGET = re.compile(rf"(?<!\w)(?:into|to|in)\s+({_LANG})(?!\w)", re.IGNORECASE)
LANGUAGE_SOURCE = re.compile(rf"(?<!\w)from\s+({_LANG})(?!\w)", re.IGNORECASE)

__all__ = [
    "ANAPHORA", "CUES", "LANGUAGES", "LANGUAGE_SOURCE", "LANGUAGE_TARGET", "MODALITY_HINTS",
    "PROMPT_TASKS", "TASK_CONTEXT_HINTS", "Cue",
]
