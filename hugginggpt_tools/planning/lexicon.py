"""The offline planner's knowledge: cue phrases per intent, modality hint words, languages.

An *intent* is a task type of the registry, or ``image-editing``: image-to-image driven by an
instruction ("make the car red"), which the planner passes on as the task's text argument.

A :class:`Cue` is a regular expression over a lower-cased request clause with a weight and the
intents it points at. A cue naming several intents ("classify", "transcribe", a question) is
ambiguous: the planner keeps the intent whose input modality the clause provides. Weights:
about 1.5 for a phrase that names the task outright ("text-to-speech", "OCR"), 1 to 1.4 for a
strong cue ("aloud", "summarize"), 0.5 to 0.9 for a cue that needs support from the context
("describe", "?"), under 0.5 for a cue that only tips a balance.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..errors import ConfigError
from ..tasks import TASK_TYPES

INTENTS: dict[str, str] = {**{name: name for name in TASK_TYPES}, "image-editing": "image-to-image"}
"""Every intent and the registry task type it plans."""

INSTRUCTED = frozenset({"image-editing"})
"""Intents whose clause is the instruction the task gets as its text argument."""


@dataclass(frozen=True)
class Cue:
    """A phrase (regular expression) hinting at one of ``tasks`` (intents) with ``weight``.

    ``bounded`` cues match whole words only (not inside "text-to-speech" or "speeches").
    A ``fallback`` cue (a question mark, "what") counts only when no other cue in the clause
    names a task: "what is the sentiment of ...?" asks for sentiment, not for question answering.
    A ``names_results`` cue is matched before :data:`RESULT_PHRASE` blanks the names of earlier
    outputs ("the caption"), because it needs them; the others never see those names. A
    ``wordless`` cue counts only in a request that gives no picture, recording or video (a
    request that is only a description: "picture of a red car" is nothing to classify).
    """

    pattern: str
    weight: float
    tasks: tuple[str, ...]
    bounded: bool = True
    fallback: bool = False
    names_results: bool = False
    wordless: bool = False
    regex: re.Pattern[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        unknown = [t for t in self.tasks if t not in INTENTS]
        if unknown:
            raise ConfigError(f"Cue {self.pattern!r} names unknown intents {unknown}; use {list(INTENTS)}.")
        pattern = rf"(?<![\w-])(?:{self.pattern})(?![\w-])" if self.bounded else self.pattern
        object.__setattr__(self, "regex", re.compile(pattern))


def _cues(tasks: str | tuple[str, ...], *entries: tuple[str, float], fallback: bool = False,
          wordless: bool = False, names_results: bool = False) -> list[Cue]:
    names = (tasks,) if isinstance(tasks, str) else tasks
    return [Cue(pattern, weight, names, fallback=fallback, wordless=wordless, names_results=names_results)
            for pattern, weight in entries]


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
_TEXT_OBJECTS = (r"text|texts|words|writing|characters|numbers|handwriting|letters|content|message|caption|"
                 r"wording|lettering|script|inscription|labels?|data|figures|prices|amounts")
_JUDGES = (r"customers?|reviewers?|writers?|authors?|users?|clients?|guests?|callers?|speakers?|senders?|buyers?|"
           r"person|people|employees?|team|audience|readers?|viewers?|patients?|students?")
"""Who a text's or a recording's feeling is asked of ("how does the customer feel")."""
RECKON_VERBS = r"add up|sum up|total up|calculate|compute|work out|figure out|tally(?: up)?"
"""Verbs that ask for a figure worked out of a document ("add up the total")."""
FIGURES = r"total|totals|sum|amount|cost|costs|price|balance|tax|tip|average|difference|subtotal"
_IMAGE_NOUNS = (
    r"image|images|picture|pictures|photo|photos|photograph|photographs|illustration|drawing|painting|artwork|"
    r"art|poster|logo|portrait|wallpaper|visual|visuals|icon|sketch|render|rendering|cartoon|graphic|scene|pic"
)
_VIDEO_NOUNS = r"video|videos|clip|animation|movie|film|gif|footage|short film|animated clip"
_MAKE = (r"generate|generating|create|creating|make|making|produce|producing|render|design|designing|draw|paint|"
         r"imagine|craft|synthesi[sz]e|give me|show me|visuali[sz]e|illustrate|come up with")
_QUESTION_TASKS = ("question-answering", "visual-question-answering", "document-question-answering")
_CLASSIFY_TASKS = ("text-classification", "image-classification", "audio-classification", "tabular-classification")
_ENTITY_OBJECTS = (r"names?|people|persons?|person names|places?|locations?|organi[sz]ations?|compan(?:y|ies)|dates?|"
                   r"cit(?:y|ies)|countr(?:y|ies)|proper nouns|nouns|verbs|adjectives|key details|important details|notable details|"
                   r"details|keywords|key terms|key information|individuals|brands|products|events|times|amounts|"
                   r"(?:phone|telephone|contact|mobile|fax) numbers?|e-?mail address(?:es)?|addresses|urls?|"
                   r"(?:web )?links(?= (?:in|on|from) )|web addresses|websites|contact (?:details|info(?:rmation)?)|prices|"
                   r"sums of money")
_COLORS = r"red|blue|green|yellow|black|white|pink|purple|orange|brown|gr[ae]y|golden|silver"

LABEL_TASKS = frozenset({"object-detection", "image-classification", "audio-classification", "text-classification",
                         "token-classification", "tabular-classification", "sentence-similarity"})
"""Tasks whose text output is a list of labels or a score, not prose."""

QUESTION_TASKS = frozenset(_QUESTION_TASKS)
"""The question answering intents (text, image, document)."""

FAMILIES: tuple[frozenset[str], ...] = (QUESTION_TASKS, frozenset(_CLASSIFY_TASKS))
"""Intents that one ambiguous cue names ("answer the question", "classify"): which of them a
request needs depends on its input, so a model unsure which splits its belief between them."""

_MESSAGES = (r"messages?|e-?mails?|reminders?|notes?|letters?|posts?|memos?|tweets?|announcements?|invitations?|"
             r"cards?|replies|reply|texts? message|newsletters?|reports?")
"""Things written for someone, that a result can be put in ("put it in a message to my accountant")."""

QUESTION_CUE = Cue(r"\?", 0.6, _QUESTION_TASKS, bounded=False, fallback=True)
"""A question mark: some question answering task, unless another cue names the task."""

QUOTED_QUESTION_CUE = Cue(r"\?", 0.8, _QUESTION_TASKS, bounded=False, fallback=True)
"""A quoted question ("ask 'What is on the table?'"): some question answering task, unless another
cue names the task ("chat with me about 'What would Mars look like?'")."""

CUES: tuple[Cue, ...] = tuple(
    _cues("text-classification",
          (r"sentiments?|sentimental|positive or negative|negative or positive|how (?:positive|negative)", 1.3),
          # "compare the sentiment of review1.txt and review2.txt": each judged, not one compared with the other
          (r"compar(?:e|ing) (?:the )?(?:sentiments?|tones?|moods?|polarity|polarities)", 1.5),
          # "is review.txt positive?" (a file's mention is a word here)
          (r"(?:is|are|was|were|sounds?|seems?|feels?|comes? across as|reads? as) (?:[\w\ue000-\ue002]+ ){0,2}"
           r"(?:positive|negative|upbeat|"
           r"optimistic|pessimistic|favou?rable|unfavou?rable)", 1.1),
          (r"toxic(?:ity)?|offensive|hate speech|spam|scam|phishing|fraudulent|sarcas(?:m|tic)|text[- ]classification", 1.1),
          (r"(?:detect|identify|determine|tell|guess|recogni[sz]e|which|what) (?:the )?language|^language of", 1.2),
          (r"language (?:detection|identification)|intent|polarity", 0.8))
    + _cues(("text-classification", "audio-classification"), (r"emotions?|mood|tone|feelings?", 0.7),
            # "is the text in review.png positive?", "whether they sounded upset"
            (r"(?:sounds?|sounded|seems?|seemed|feels?|felt) (?:\w+ ){0,3}?(?:positive|negative|upset|"
             r"angry|happy|sad|cheerful|annoyed|frustrated|excited|rude|polite|friendly|hostile|toxic|offensive|"
             r"sarcastic|optimistic|pessimistic)", 0.9),
            (r"(?:text|review|message|comment|email|tweet|post|letter|note|words|tone|writing|sentence|paragraph|caller|"
             r"speaker|voice|recording|call)(?: [\w\ue000-\ue002]+){0,4}? (?:positive|negative|upset|angry|sad|annoyed|"
             r"frustrated|rude|polite|hostile|toxic|offensive|sarcastic|optimistic|pessimistic)(?=\s*(?:[?.!]|$))", 1.2),
            # "how does this customer feel about the hotel?", "is the reviewer happy?"
            # "say how the customer feels": asked indirectly
            (rf"how (?:does|did|do) (?:(?:the |this |that |my |our |their )(?:\w+ )?(?:{_JUDGES})|they|he|she) (?:really )?feel|"
             rf"how (?:the |this |that |my |our |their )(?:\w+ )?(?:{_JUDGES}) (?:really )?(?:feels|felt|is feeling)|"
             rf"(?:is|are|was|were) (?:the |this |that |my |our )(?:\w+ )?(?:{_JUDGES}) (?:\w+ )?(?:happy|unhappy|"
             r"satisfied|dissatisfied|pleased|displeased|angry|upset|disappointed|content|annoyed|frustrated|mad)|"
             # "is complaint_email.txt angry?", "is call.wav upset?": a file's feeling, asked outright
             r"(?:is|are|was|were) (?:the |this |that |my )?(?:\w+ )?\ue000\d+\ue001 (?:\w+ )?(?:happy|unhappy|satisfied|"
             r"dissatisfied|pleased|angry|upset|disappointed|annoyed|frustrated|mad|rude|polite|hostile)(?=\s*(?:[?.!,]|$))",
             1.2))
    + _cues(_CLASSIFY_TASKS,
            (r"classif(?:y|ies|ied|ying|ication|ier)|categori[sz](?:e|es|ed|ing|ation)", 0.8),
            (r"categor(?:y|ies)|class(?:es)?|belongs?(?: to)?", 0.7),
            (r"label(?:s|ed|led)?|type of|kind of|sort of", 0.4))
    + _cues("token-classification",
            (r"named[- ]entit(?:y|ies)|ner|parts?[- ]of[- ]speech|pos[- ]tag(?:s|ged|ging)?|token[- ]classification|"
             r"entity recognition", 1.5),
            (r"entit(?:y|ies)|grammatical (?:roles?|structure|categor(?:y|ies)|function)|each word|every word|"
             r"individual words|word by word|tokens?", 1.1),
            (rf"(?:extract|find|identify|list|pick out|pull out|highlight|tag|mark|recogni[sz]e|label|spot|detect|"
             rf"point out|locate|determine|classify) (?:all |any |every |some )?(?:of )?(?:the )?(?:\w+ )?(?:{_ENTITY_OBJECTS})",
             1.2),
            # "write down the phone number they left", "what's the e-mail address in letter.txt?"
            (r"(?:(?:write|note|jot|copy|take|get) down|give me|tell me|what(?:'s| is| are| was| were)) (?:all |any |every )?"
             r"(?:of )?(?:the |their |his |her |its |my )?(?:\w+ )?(?:(?:phone|telephone|contact|mobile|fax) numbers?|"
             r"e-?mail address(?:es)?|contact (?:details|info(?:rmation)?)|urls?|web addresses)"
             # a file, a quote or an earlier output to find them in ("... they left", "... in letter.txt")
             r"(?=.*(?:\ue000|\b(?:it|they|he|she|them|this|that)\b))", 1.2),
            # "give me the names of the people mentioned", not "tell me the due date"
            (r"(?:give|tell|show|get) (?:me|us) (?:all )?(?:of )?(?:the )?(?:\w+ )?(?:names|entities|places|dates|people|"
             r"persons|locations|organi[sz]ations|companies|cities|countries|brands|products)(?! of (?:the |this |that )?"
             r"(?:\w+ )?(?:image|photo|picture|\ue000))", 1.2),
            (r"(?:names|entities|places|dates|people|persons|locations|organi[sz]ations)(?: [\w,]+){0,6} (?:tagged|"
             r"label(?:l)?ed|marked|highlighted|identified|extracted|recogni[sz]ed)", 1.0),
            (r"keywords|key terms|key phrases|key entities", 1.0),
            # not a question about one thing: "what city does Chen Wei live in?", "what date is the party?"
            (rf"(?:which|what) (?:\w+ )?(?:{_ENTITY_OBJECTS}|entities)(?! (?:does|did|do|will|would|can|could|should|"
             rf"has|have|had)\b)(?! (?:is|was|are|were) (?!(?:mentioned|named|listed|referred|cited|talked|written|in|on|"
             rf"inside|within|from|there|given|shown|found|included)\b)[\w\ue000])|"
             rf"words? (?:\w+ ){{0,3}}(?:people|persons|names|"
             rf"places|locations|organi[sz]ations|entities|nouns|verbs)|(?:each|every) word|stands? for", 1.0),
            (r"who(?:m| else)? (?:is|are|was|were|gets?|got|has been|have been) (?:\w+ )?(?:mentioned|named|referred to|"
             r"referenced|cited|talked about|written about)", 1.2))
    + _cues("text2text-generation",
            (r"paraphras(?:e|es|ed|ing)|rephras(?:e|es|ed|ing)|reword|re-?writ(?:e|es|ing|ten)|text2text", 1.1),
            (r"grammar|grammatical (?:errors?|mistakes?)|spelling|typos?|proofread|punctuation", 1.0),
            (r"simplif(?:y|ied)|(?:more )?(?:formal|informal|polite)", 0.6),
            # "turn this recipe into a shopping list: recipe.txt"
            (r"(?:turn|convert|transform|make|rewrite|reformat) (?:this |that |the |my |our |it |them )?(?:[\w-]+ |\ue000\d+\ue001 )?"
             r"(?:into|to|as) (?:an? )?(?:[\w-]+ )?(?:list|bullet(?:ed)? points|bullets|checklist|outline|to-?do list|"
             r"email|memo|tweet|table)\b", 1.2))
    + _cues(("audio-to-audio", "text2text-generation"),
            # "make clip.wav sound like it was recorded in a church" (a text: "make it sound more formal")
            (r"(?:make|get|have|let) (?:it|this|that|them|the [\w-]+(?: \ue000\d+\ue001)?|my [\w-]+|\ue000\d+\ue001) "
             r"sound (?:like|as if|as though|more|less|warmer|clearer|better|fuller|deeper|brighter)\b", 1.2))
    + _cues("summarization",
            (r"summar(?:y|ies|i[sz]e|i[sz]es|i[sz]ed|i[sz]ing|i[sz]ation)|tl;? ?dr", 1.5),
            (r"key points|main points|main ideas?|main (?:topics|themes)|key (?:topics|themes|quotes|passages|sentences)|"
             r"main quotes|topics (?:discussed|"
             r"covered)|gist|recap|synopsis|in a nutshell|sum (?:it |this |that )?up|"
             r"boil (?:it |this |that )?down|key takeaways", 1.2),
            # a kind of summary named outright: "transcribe meeting.wav and list the action items",
            # "turn lecture.mp3 into notes", "take notes on talk.wav"
            (r"meeting minutes|minutes of (?:the |this |that |our )?(?:meeting|call)|(?:into|as) minutes|"
             r"action (?:items|points)|to-?do(?:s| lists?)|(?:into|as) (?:\w+ )?notes\b|take notes|"
             r"(?:make|write|give me|jot down) (?:\w+ )?notes (?:on|from|of|about)\b", 1.4),
            (r"condens(?:e|ed|ing)|shorten|short(?:er)? version|brief(?:er)? version|overview|abstract|highlights|"
             r"concise|in brief|briefly", 0.9))
    + _cues("translation",
            (r"translat(?:e|es|ed|ing|ion|ions|or)", 1.5),
            (rf"^(?:{_LANG})$", 1.2),  # a step that is only a language: "speech.wav -> transcript -> French"
            # "tell me what it means in English", "what does the sign say in German?"
            (rf"(?:means?|meant|say|says|said|reads?),? in (?:{_LANG})", 1.3),
            (rf"(?:into|to) (?:{_LANG})|(?:{_LANG}) (?:version|translation|speakers?|equivalent)", 0.9),
            # "a summary of paper.pdf in Spanish", "describe photo.jpg in French": the result, in that language
            # (but "transcribe talk.wav in German" names the language spoken)
            (r"(?<=\ue001 )(?<!transcribe \ue000\d\ue001 )(?<!transcript of \ue000\d\ue001 )"
             rf"(?<!transcription of \ue000\d\ue001 )in (?:{_LANG})(?=[\s.!?]*$)", 0.9),
            (rf"(?:render|put|say|write|express|give|rewrite|convert|turn|have|get)(?: [\w\ue000-\ue002]+){{0,3}} (?:in|into) "
             rf"(?:{_LANG})",
             1.3),
            (rf"(?:in|from) (?:{_LANG})", 0.4))
    + [QUESTION_CUE]
    + _cues(_QUESTION_TASKS,
            (r"answer(?:s|ed|ing)?|questions?|ask(?:s|ed|ing)?|find out|i(?: want| would like| need|'d like) to know|"
             r"wonder(?:ing)?|tell me|curious|query", 0.5),
            (r"what|who|whom|whose|where|when|which|why|how (?:many|much|old|long|far|big|tall)|is there|are there",
             0.3),
            fallback=True)
    + _cues(_QUESTION_TASKS, (r"(?:what|how) (?:\w+ ){0,4}(?:looks?|looked|seems?|sounds?) like", 1.0), fallback=True)
    # "read aloud the answer to the question '...' from manual.png": the question is asked of the file first
    + [Cue(r"(?<!\w)(?:the|an|your) answers? to (?:the |my |this |that |a |these |those )?(?:questions? |query |"
           r"queries )?(?=\ue000\d+\ue002.*\ue000\d+\ue001)", 1.0, _QUESTION_TASKS, names_results=True)]
    # "check invoice.png for the due date": a fact to find, unless a cue names a task
    + _cues(_QUESTION_TASKS, (r"(?:check|search|scan|look (?:through|over)|go (?:through|over)) (?:[\w\ue000-\ue002]+ )?"
                              r"for (?:the|its|their)(?= \w)", 0.9), fallback=True)
    # "read contract.txt and tell me the notice period": a fact to find, unless a cue names a task
    + _cues(_QUESTION_TASKS, (r"(?:tell|show|give) (?:me|us) (?:the|its|his|her|their) (?!(?:same|rest)\b)\w+", 0.8),
            fallback=True)
    # "list the ingredients in recipe.png": the things to find, unless a cue names a task ("list the
    # objects in street.jpg", "list the names in email.txt")
    + _cues(_QUESTION_TASKS, (r"(?:list|enumerate|find|locate|look up|pull out|explain)(?: out)? (?:all |every )?(?:of )?"
                              r"(?:the|its|their) \w+|(?:pull|grab|fetch|copy)(?: out)? (?:the|its|their) (?:\w+ ){1,3}"
                              r"(?:off|from|out of)\b", 0.8), fallback=True)
    # "read receipt.png and add up the total": a figure to find
    + _cues(_QUESTION_TASKS, (rf"(?:{RECKON_VERBS}) (?:the |its |my |our )?(?:{FIGURES})\b", 1.0), fallback=True)
    # "look at chart.png and explain the trend": a question about what is at hand
    + _cues(_QUESTION_TASKS, (r"explain|interpret", 0.8), fallback=True)
    # a yes-or-no question put as a request: "can you tell if the person in selfie.jpg is smiling?"
    + _cues(_QUESTION_TASKS, (r"(?:tell|check|see|know|determine|find out|say|confirm|verify) (?:me |us )?(?:if|whether)",
                              0.6), fallback=True)
    # "tell me if anything looks wrong": a yes-or-no question about how something looks or seems
    + _cues(_QUESTION_TASKS, (r"(?:tell|let) (?:me|us)(?: know)? (?:if|whether) (?:\w+ ){1,4}(?:looks?|seems?|appears?|is|are) "
                              r"(?:\w+ )?(?:wrong|right|off|broken|damaged|normal|ok(?:ay)?|fine|missing|different)", 0.9),
            fallback=True)
    + _cues("question-answering",
            # not "based on car.jpg, answer: '...'", which asks it of the file at hand, as its kind needs
            (r"(?:based on|according to)(?! (?:the |this |that |my )?(?:\w+ )?\ue000)|(?:from|in) (?:the|this|that|my) (?:text|passage|paragraph|article|context|story|"
             r"transcript(?:ion)?|summary|translation)", 0.6),
            (r"question[- ]answering", 1.5),
            # "what does the following text say about the weather: '...'": a question about a text, not speech
            (r"what (?:does|do|did) (?:the |this |that |my |following |given |above |below )*(?:text|passage|"
             r"paragraph|article|sentence|email|message|review|note|story|statement|letter|post|tweet|document|file|"
             r"contract|report|\ue000\d+\ue001)s? (?:say|tell (?:me|us)|mention|state|claim)s? about|"
             # "help me understand what contract.pdf says about cancellation"
             r"what (?:the |this |that |my )?(?:text|passage|article|email|message|letter|document|file|contract|report|"
             r"\ue000\d+\ue001) (?:says|said|mentions|states|claims) about", 1.3))
    + _cues("question-answering", (r"context|passage", 0.5), fallback=True)
    # a question answered from an earlier text ("answer 'Who came?' using the caption")
    + [Cue(r"(?:from|using|based on|according to|with|relying on|drawing on) (?:that|this|the|its|their) (?:\w+ )?"
           r"(?:answer|result|classification|summary|text|output|label|translation|transcript(?:ion)?|caption|"
           r"description|response|reply|paragraph|article|story|notes?)s?", 0.9, ("question-answering",),
           fallback=True, names_results=True)]
    + _cues("visual-question-answering", (r"visual question(?:[- ]answering)?|vqa", 1.5))
    + _cues("document-question-answering", (r"document question(?:[- ]answering)?|docvqa", 1.5))
    + _cues("conversational",
            (r"chat(?:bot|ting)?|conversational|small talk|talk(?:ing)? (?:to|with)|chit[- ]chat|let'?s (?:talk|chat)|"
             r"(?:have|start|engage in|continue|carry on|hold|keep) (?:up )?(?:a |an |the |our |this )?(?:\w+ )?"
             r"(?:conversation|dialog(?:ue)?|chat|discussion)|conversation starters?", 1.2),
            (r"conversations?|dialog(?:ue)?s?|discuss(?:ion)?|talk(?:ing)? about", 1.0),
            (r"(?:reply|respond|response|answer) to (?:this|the|my|a|her|his|their|that) "
             r"(?:message|email|text|tweet|comment|chat|post|question|statement|greeting)", 1.2),
            (r"advice|advise|suggest(?:ions?)?|recommend(?:ations?)?|tips|insights?|thoughts|opinion|"
             r"learn (?:more )?about|tell me (?:more )?about|more about|ideas? (?:for|on|about)|engag(?:e|ing)", 0.6),
            (r"(?:reply|respond|react) to", 0.9),
            (r"(?:generate|give|provide|write|create|craft|produce|formulate|compose) (?:me )?(?:a |an |some )?"
             r"(?:\w+ ){0,2}(?:response|reply|replies|responses)", 1.0),
            (r"repl(?:y|ies)|respon(?:d|se|ses)|follow[- ]up", 0.5))
    + _cues("text-generation",
            # "find the total in receipt.png and put it in a message to my accountant": a message
            # written around it, not an edit of the receipt
            (r"(?:add|put|include|insert|paste|turn|work|make) (?:it|this|that|them|these|those|the (?:\w+ )?(?:answer|"
             r"result|results|total|date|amount|figure|number|names?|details|info|information|summary)) (?:in|into|"
             rf"to|as|inside) (?:an? |my |our |the )?(?:\w+ ){{0,2}}(?:{_MESSAGES})\b", 1.3),
            (r"(?:make|make up|invent) (?:me |us )?(?:a|an|some|another) (?:\w+ )?(?:\w+ )?(?:story|stories|"
             r"poem|poems|song|joke|jokes|riddle|limerick|haiku|slogan|tagline|lyrics)", 1.4),
            # "give me three title ideas for a mystery novel", "suggest some names for my bakery"
            (r"(?:give|suggest|brainstorm|propose|list|come up with|think of|need) (?:me |us )?(?:some |a few |several |"
             r"\d+ |two |three |four |five |ten |a list of )?(?:[\w-]+ )?(?:ideas|names|titles|suggestions|taglines|"
             r"slogans|headlines|captions for (?:my|our|a|an) (?!\ue000))(?![^\ue000]*\b(?:in|of|from|mentioned in) \ue000)", 1.2),
            # "turn all the captions into a short poem"
            (r"(?:turn|make|convert|transform|rewrite|weave|combine)\b[^.;]{0,40}?\b(?:into|to|as) (?:an? |one )?(?:\w+ )?"
             r"(?:poem|story|song|haiku|limerick|rap|essay|fairy tale)\b", 1.2),
            # "create a title for article.txt", "suggest hashtags for photo.jpg", "quiz me on lecture.wav"
            (r"(?:titles?|headlines?|hashtags?|taglines?|slogans?|tweets?|names?) (?:for|about) (?:the |this |that |my |our )?"
             r"(?:\w+ )?\ue000\d+\ue001|quiz (?:me|us)|(?:make|write|create|generate|give me|prepare) (?:me |us )?(?:an? )?"
             r"(?:\w+ ){0,2}(?:quiz|quiz questions|questions to test)", 1.2),
            # "tell me a joke", "show us a short poem"; "read me a story" is read aloud too (the cue
            # leaves "read me" to text-to-speech)
            (r"(?:(?:tell|show|give) (?:me|us) |(?<=read me )|(?<=read us ))(?:a|an|some|another) (?:\w+ )?"
             r"(?:story|stories|poem|joke|jokes|riddle|limerick|haiku|fun fact)|"
             # "tell me the story of the three little pigs" (not of a file: "the story in story.txt")
             r"(?:tell|give) (?:me|us) the (?:\w+ )?(?:story|tale|legend|myth) (?:of|about|behind)(?= )(?![^\ue000]*\ue000)",
             1.4),
            (r"text[- ]generation|(?:generate|produce|create|write|compose|draft|craft|come up with|put together) "
             r"(?:a |an |some )?(?:(?!(?:speech|audio|voice|from|of|in)\b)\w+ ){0,3}"
             r"(?:text|story|stories|poem|essay|article|paragraph|sentences?|continuation|lyrics|tweet|post|email|"
             r"letter|slogan|tagline|joke|outline|blog|narrative|script|biography|report|review|recipe|song|message|"
             r"response|reply|continuation)", 1.4),
            # "create a podcast intro about space travel": a text about a topic, unless it is a picture, video or sound
            (rf"(?:write|compose|draft|create|generate|produce|come up with|make) (?:me |us )?(?:a|an|some) "
             rf"(?:(?!(?:{_IMAGE_NOUNS}|{_VIDEO_NOUNS}|audio|sound|speech|voice|recording|song|music|tune|melody|"
             rf"captions?|summary|transcript|translation)\b)[\w-]+ ){{1,3}}(?:about|on the topic of|explaining|introducing)"
             rf"(?!\w)", 1.0),
            # "an audio introduction about climate change": a text to write, then to speak
            (r"(?:(?<=audio )|(?<=spoken )|(?<=podcast )|(?<=voice )|(?<=radio ))"
             r"(?:intro(?:duction)?|story|poem|speech|talk|lecture|explanation|"
             r"message|greeting|announcement|ad|advert(?:isement)?|pitch|monologue|script) (?:about|on|explaining)",
             1.0),
            (r"(?:write|compose|draft|author|pen) (?:me |up )?(?:a|an|some)(?!\s+(?:\w+\s+)?(?:captions?|summary|"
             r"transcript|translation|description)\b)", 0.9),
            # not a text the user gives ("read this story aloud: '...'", "translate my essay", "the poem in poem.txt")
            (r"(?<!this )(?<!that )(?<!these )(?<!those )(?<!my )(?<!our )(?<!your )(?<!following )"
             r"(?:stor(?:y|ies)|poems?|poetry|essay|lyrics|haiku|limerick|jokes?|blog post|slogan|tagline|narrative|"
             r"cover letter|speech draft|creative|storytelling)(?! (?:in|from|inside) \ue000)", 0.6),
            (r"write|compose|draft|author|brainstorm|come up with|ideas?|elaborat(?:e|ion)|expand(?: on)?", 0.5),
            (r"continu(?:e|ation)|(?:complete|finish|extend) (?:the|this|my|a)|fill in|incomplete|unfinished", 0.9),
            (r"(?:generate|produce|create|craft|come up with|write|provide|give me) (?:a |an |some )?"
             r"(?:(?!from|of|the|this|that|it|its)\w+ ){0,2}"
             r"(?:content|texts?|explanations?|narratives?|paragraphs?|write-?ups?|pieces? of (?:text|writing))"
             r"|elaborate (?:on|upon)|expand (?:on|upon)|more (?:details|information) (?:about|on)", 1.2))
    + _cues("sentence-similarity",
            (r"sentence[- ]similarity|similarit(?:y|ies)|how similar|same meaning|mean the same|"
             r"semantic(?:ally)? (?:close|equivalent|related|similar)|how close|paraphrases of each other|"
             r"similarity score|how (?:well|closely) (?:\w+ ){0,4}match(?:es)?|(?:saying|say|says|mean|means|express|"
             r"expresses) (?:basically |essentially |roughly )?the same(?: thing| idea| message)?|how alike|"
             r"(?:talk|talks|speak|speaks|are|is|write|writes) about (?:basically |essentially |roughly )?the same "
             r"(?:thing|things|topic|topics|subject|subjects)|(?:discuss|discusses|cover|covers|describe|describes|show|"
             r"shows|depict|depicts) (?:basically |essentially |roughly )?the same (?:thing|things|topic|topics|subject|"
             r"subjects|events?|scene|place|person|object)|"
             r"(?:score|measure|rating) (?:\w+ ){0,3}(?:alike|similar|close|related)|"
             r"compar(?:e|ing) (?:them|both|the two|these two|those two)\b|"
             # "compare photo1.jpg and photo2.jpg", "the difference between a.txt and b.txt": two files
             r"(?:compar(?:e|ing)|differences? between) (?:the )?(?:\w+ )?\ue000\d+\ue001 (?:and|with|to|against|&) "
             r"(?:the )?(?:\w+ )?\ue000\d+\ue001|"
             r"differences? between (?:the |these |those )?(?:two )?(?:texts|sentences|documents|versions|files|"
             r"paragraphs|drafts|captions|transcripts|descriptions)|"
             r"(?:sentences|texts|phrases|statements|passages|titles|questions|headlines|lines|strings) "
             r"(?:(?:are|is|were|be|sound|look|seem|mean) )?(?:\w+ )?(?:similar|alike|equivalent|related)\b", 1.3),
            (r"similar|alike|compare|comparison|compar(?:e|ing) (?:it|this|that)|(?<!the )(?<!a )(?<!this )(?<!that )match(?:es|ing)?|"
             r"relevan(?:ce|t)|related|align(?:s|ed)? with|consistent with|correspond(?:s)?", 0.6))
    + [Cue(r"compar(?:e|ing) (?:the|both|these|those) (?:two )?(?:captions|transcripts|transcriptions|descriptions|"
           r"texts|sentences|summaries|translations|answers)", 1.5, ("sentence-similarity",), names_results=True)]
    + _cues("tabular-classification",
            (r"tabular(?:[- ]classification)?|classify (?:the |each |every )?(?:rows?|tables?|spreadsheets?)|"
             r"(?:what|which) (?:kind|type|sort|category|class) of (?:table|spreadsheet|chart|data)|"
             r"table (?:type|category|class)|tabular data", 1.4),
            # "which rows in sales.csv are likely fraud?", "label each row of data.csv"
            (r"(?:which|each|every) (?:of the )?(?:rows|records|entries) (?:in|of) (?:the |this |my )?\ue000\d+\ue001 "
             r"(?:are|is|look|seem)|(?:(?:which|each|every) (?:of the )?(?:rows|records|entries)(?! of text) (?:are|is|look|"
             r"seem)|(?:label|tag|flag|score) (?:the |each |every |all )?(?:rows?|records|entries))"
             r"(?=[^\ue000]*\ue000|.*\b(?:table|spreadsheet|csv)\b)", 1.2),
            (r"tables?|spreadsheets?|rows?|records|columns", 0.4))
    # "predict the species from the measurements in iris.csv": a label for each row of a table, for
    # a picture or for a text, by what the clause gives
    + _cues(("image-classification", "tabular-classification", "text-classification", "audio-classification"),
            (r"(?:predict|classify|infer)(?:s|ed|ing)? (?:the |a |their |its |each )?(?:[\w-]+ )?(?:species|class|classes|"
             r"category|categories|label|labels|genre|type|types|kind|outcome|result|breed|variety) "
             r"(?:from|for|of|in|based on|using) (?:the |this |these |my )?(?:[\w-]+ ){0,3}\ue000\d+\ue001", 1.2))
    + _cues("object-detection",
            (r"object[- ]detection|bounding box(?:es)?|boxes|detect(?:s|ed|ing)? (?:all |any |the |every )*objects?|"
             r"(?:identify|find|recogni[sz]e|spot|list|locate|pinpoint|point out|tell me|show me|name) (?:all |any |the |every |different |"
             r"various |distinct )*(?:objects|items)|where (?:the |all |each )?(?:\w+ )?(?:objects|items) (?:are|sit|lie)\b", 1.5),
            (r"detect(?:s|ed|ing|ion)?|detector|box(?:es)?|(?:draw|put|place) (?:a )?boxes", 0.9),
            (r"(?:which|what) (?:objects|items|things)", 1.2),
            (r"(?:find|spot|locate|identify|count|mark|detect|box|highlight|pinpoint) (?:all |every |each |any )"
             r"(?:of )?(?:the )?\w+|(?:find|spot|locate|identify|count|mark) (?:all |every )?(?:the )?(?:people|persons|"
             r"faces|cars|vehicles|animals|pedestrians|things)", 1.1),
            (r"detect(?:s|ed|ing)? (?:all |any |every |the )*(?:people|persons|humans|faces|pedestrians|cars|vehicles|"
             r"animals)|(?:find|spot|locate|count|mark|box|highlight) (?:all |any |every )?(?:of )?(?:the )?(?:\w+ )?faces",
             1.3))
    # "I need the object detection results, a depth map and a caption" ("the detection results" reads
    # as an earlier output's name)
    + [Cue(r"object[- ]detection", 1.5, ("object-detection",), names_results=True)]
    + _cues("object-detection", (r"objects?|items|locat(?:e|ing)|locali[sz](?:e|ation)|faces?|positions?", 0.9),
            fallback=True)
    + _cues("image-classification",
            (r"image[- ]classification|classify (?:the |this |my |that |an? )?(?:\w+ )?(?:image|photo|picture|pic)|"
             r"what (?:kind|type|sort|breed|species|category|class) of (?:\w+ )?(?:animal|dog|cat|bird|flower|plant|"
             r"car|object|image|photo|picture|scene)", 1.3),
            (r"(?:identify|determine|recogni[sz]e|tell me|figure out) (?:the )?(?:main |primary |central )?(?:subject|"
             r"content|category|class|type|species|breed)", 1.0),
            # "identify the dominant object in street.jpg": what it is, not where each object is
            (r"(?:identif(?:y|ying)|recogni[sz](?:e|ing)|determin(?:e|ing)|nam(?:e|ing)|classify(?:ing)?|what|which)"
             r" (?:is |are )?(?:the |its |this )?(?:main|dominant|primary|principal|central|most prominent) "
             r"(?:object|item|thing)", 1.0))
    + _cues(("image-classification", "audio-classification"),
            (r"(?:what|which) (?:kind|type|sort|breed|species|category|class|genre) of", 0.9),
            # not "recognize the speech in voice.wav" (its words), "identify the named entities"
            (r"(?:recogni[sz](?:e|ion)|identif(?:y|ication))(?! (?:of )?(?:the |all |any |its |his |her |their )?(?:speech|"
             r"spoken|words?|what(?:'s| is| was| they| he| she| people)|named|entit(?:y|ies)|names|text|writing|dates)\b)", 0.5))
    + _cues("image-to-text", (r"ocr|optical character|image[- ]to[- ]text|text extraction|alt[- ]texts?", 1.5))
    # a picture's caption, a video's (or recording's) captions: its words
    + _cues(("image-to-text", "automatic-speech-recognition"), (r"captions?|captioning", 1.5))
    + _cues("image-to-text",
            (rf"(?:extract|get|pull|recogni[sz]e|read|copy|grab|detect|identify|scan|retrieve|obtain) (?:out )?"
             rf"(?:all |any )?(?:of )?(?:the )?(?:\w+ )?(?:{_TEXT_OBJECTS})", 1.2),
            # "read the receipt.png and add up the total": its words
            (r"(?<!can't )(?<!cannot )read (?:the |this |that |my |our )?(?:\w+ )?\ue000\d+\ue001(?! (?:to|for) me\b)", 1.0),
            # "read this" of a picture given with the request
            (r"^(?:please |can you |could you |now |just )*read (?:this|these)(?: (?:one|file|image|picture|"
             r"photo|page|scan|document|screenshot|note|sign|for me|please))*[\s.!?]*$", 1.0),
            # "extract the table from receipt.png": its words, not its rows classified
            (r"(?:extract|get|pull|copy|grab|read|type (?:out|up)|digiti[sz]e) (?:out )?(?:all |any )?(?:of )?(?:the )?"
             r"(?:\w+ )?tables?", 1.4),
            (r"text (?:in|on|from|of|inside|within)|(?:is )?written|printed", 0.8),
            # "convert the handwriting in note.jpg to typed text"
            (r"(?:convert|turn|transcribe|type(?: out| up)?|digiti[sz]e) (?:the |this |my |his |her |their )?"
             r"(?:handwriting|handwritten (?:\w+)|scribbles?|scrawl)", 1.3),
            # "check if the image product.jpg contains any text and translate it"
            (r"(?:(?:check|see|find out|tell me|determine|verify) (?:if|whether)|does|do) (?:[\w\ue000-\ue002]+ ){0,4}"
             r"(?:contains?|has|have) (?:any |some )?(?:text|writing|words|lettering)\b", 1.2),
            (r"describ(?:e|es|ing)|(?<!is )(?<!are )(?<!was )(?<!were )(?<!been )described(?! in (?:the |this |that |my )?(?:\w+ )?\ue000)|what (?:is|does) (?:\w+ ){0,3}(?:show|shows|depict|depicts|"
             r"contain|contains|about)|what(?:'s| is| are) (?:being )?(?:shown|depicted|happening|going on|pictured)",
             0.8))
    # a request that is only what to show: "picture of a red car" (its style kept after an article:
    # "a watercolor painting of a lighthouse"), not "classify image of a bird" with bird.png given
    + _cues("text-to-image",
            (rf"^(?:(?:an?|some) (?=(?:[\w-]+ )?(?:{_IMAGE_NOUNS}) (?:of|showing|depicting|with)\b)|"
             rf"(?:{_IMAGE_NOUNS}) (?:of|showing|depicting|with)\b)"
             r"(?![^\ue000]*\ue000)(?!.*\b(?:is|are|was|were|looks?|seems?)\b)", 1.3), wordless=True)
    # "give me the short version" (a name :data:`RESULT_PHRASE` would blank as an earlier output's)
    + _cues("summarization", (r"(?:give|send|show|make|want|need|get) (?:me |us )?(?:the |a )?(?:short|shorter|brief|"
                              r"condensed|cliff ?notes?) version", 1.2), names_results=True)
    + _cues(("image-to-text", "text-generation"), (r"descriptions?", 0.8))
    # "tell me what's in the picture", "what the photo is of", "what the image as a whole depicts": a
    # description of it, not a question (a question about one thing in it goes on: "what's in the box")
    + _cues("image-to-text",
            (rf"what(?:'s| is) (?:in|on) (?:the|this|that|my|your) (?:{_IMAGE_NOUNS})(?=\s*(?:[?.!,;]|$|and\b|then\b))|"
             rf"what (?:the|this|that|my) (?:{_IMAGE_NOUNS}) (?:(?:as a whole|overall) )?(?:shows|depicts|is of|"
             rf"is showing|contains)\b", 1.3))
    # "tell me about the painting in art.jpg": what the picture shows (a recording or a video: what it
    # says; a text file: its gist); "what is notes.txt about?", "explain notes.txt", "what happens in
    # video.mp4"
    + _cues(("image-to-text", "automatic-speech-recognition", "summarization"),
            (rf"(?:(?:tell me|talk|say something) about|explain) (?:the |this |that |my |what(?:'s| is) in )?(?:\w+ )?"
             rf"(?:{_IMAGE_NOUNS}|recording|audio|\ue000\d+\ue001)|"
             rf"what(?:'s| is) (?:\w+ ){{0,3}}\ue000\d+\ue001 (?:all )?about\b|"
             rf"what happens (?:in|on) (?:the |this |that |my )?(?:\w+ (?:in |of )?)?\ue000\d+\ue001|"
             rf"what(?:'s| is| was) (?:the|this|that) (?:call|recording|audio|voicemail|video|clip|talk|meeting|podcast|"
             rf"lecture|interview|conversation|speech|document|file|pdf|text|letter|email|article|report) (?:all )?about\b|"
             # "what's this?" of a file given with it, "help me with this recording": what it holds
             r"^what(?:'s| is) (?:this|that|it)(?: (?:thing|one|file|document|recording|audio|picture|photo|image))?"
             r"(?=\s*\??$)|help me (?:with|understand) (?:this|that|the|my)(?: \w+)? (?:recording|audio|voicemail|call|"
             rf"memo|{_IMAGE_NOUNS}|document|file|pdf|text|letter|email|report)\b", 1.4))
    + _cues(("automatic-speech-recognition", "image-to-text"),
            # it names its task outright: "transcribe this" with notes.txt given is missing a recording
            (r"transcri(?:be|bes|bed|bing|ption|ptions|pt|pts)", 1.3),
            (r"(?:into|to|as) (?:a |an )?(?:written|readable)(?: \w+)?|in writing|(?:into|to|as) text", 0.6),
            # "classify the sound in clip.wav and tell me what it says": its words, asked outright
            (r"(?:tell me|let me know|write down|show me) (?:exactly )?what (?:it|this|that|he|she|they|the (?:speaker|"
             r"caller|voice|person|sign|note|label|text)(?: (?:in|on|from) \ue000\d+\ue001)?) (?:says|said|is saying|"
             r"was saying|reads)(?! about)", 1.4))
    + _cues(("automatic-speech-recognition", "image-to-text", "summarization"),
            # "what does invoice.png say?", "what does the sign in street.jpg say?": the words in the file
            # (of a document, what it says in short: "what does report.pdf say")
            (r"what (?:does|did|do) (?:\w+ ){0,3}(?:(?:in|on|of) )?\ue000\d+\ue001 (?:say|says|read|reads)(?! about)(?! (?:the|that|its|their|his|her|my|our|who|when|where|how|which|what|whether|if)\b)|"
             r"what (?:this|it|that|the \w+) (?:says|reads)(?=[\s:?]*(?:(?:in|on) )?\ue000)|"
             # "show me what report.docx says"
             r"(?:tell|show) (?:me|us) what \ue000\d+\ue001 (?:says|said|reads)(?! about)", 1.3))
    + _cues("automatic-speech-recognition",
            (r"speech[- ]to[- ]text|speech recognition|asr|dictation|subtitles?", 1.4),
            # "recognize the speech in voice.wav", "identify what is being said"
            (r"(?:recogni[sz]e|identify|detect|pick up|make out) (?:the |all |any )?(?:speech|spoken words|words spoken|"
             r"what(?:'s| is| was) (?:being )?(?:said|spoken))", 1.3),
            (r"what (?:\w+ ){0,3}(?:did|does|do|is|was|were|are) (?:\w+ ){0,2}(?:say|says|said|saying|talk(?:ing)? about)|"
             r"what (?:\w+ ){0,2}(?:said|says)|what (?:the |this |that )?(?:\w+ )?(?:in|on) \ue000\d+\ue001 (?:says|said|is saying|"
             r"was saying)|(?<!understand )(?<!hear )(?<!follow )(?<!catch )what(?:'s| is| was) (?:being )?(?:said|spoken)|spoken (?:words|content)", 1.0),
            (r"(?:write|type|jot|note) (?:out|down) (?:the |all |every )?(?:words|what)|(?:the )?words (?:that )?(?:he|she|they|"
             r"it|someone|the speaker) (?:says?|said|speaks?|spoke|sings?|sang)", 1.1),
            (r"(?:text|words|written (?:version|form)|wording|transcript) (?:of|from|in) (?:the |this |that |my |his |her )?"
             r"(?:\w+ )?(?:audio|recording|speech|lecture|call|interview|podcast|meeting|voice ?\w*|conversation|talk|"
             r"message|clip|song)", 1.2),
            (r"(?:audio|speech|recording|voice|spoken \w+|words spoken|lecture|message)(?: \w+){0,3} (?:converted|turned|"
             r"transcribed|changed|written) (?:in)?to (?:\w+ )?(?:text|writing|words)", 1.3))
    + _cues("text-to-image",
            (rf"text[- ]to[- ]image|(?:{_MAKE}) (?:me )?(?:an? |some |the |one )?(?:new |fresh |brand new )?"
             # not "make the photo dog.jpg look like ...", "generate a cartoon version of selfie.jpg",
             # "make this photo sharper"
             rf"(?!(?:this|that|these|those|my|our|your|his|her|its|their) )(?:\w+ )?(?:{_IMAGE_NOUNS})(?! \ue000)(?! (?:version|rendition|copy) of (?:\w+ )?\ue000)", 1.5),
            (rf"(?:need|want|like|love) (?:an? |some |one )?(?:[\w-]+ ){{0,2}}(?:{_IMAGE_NOUNS}) "
             rf"(?:of|showing|depicting|with|that|where|featuring|inspired by|based on|about|representing)|"
             rf"(?:an? |some )(?:[\w-]+ )?(?:{_IMAGE_NOUNS}) (?:inspired by|based on)", 1.3),
            (r"visual (?:representation|depiction|version|interpretation)|(?:pictorial|graphic) representation", 1.3),
            # "draft an intro paragraph and suggest an image for it"
            (rf"(?:suggest|propose|pick|choose|find|add|include) (?:me )?(?:an? |some |a matching |a fitting )?(?:[\w-]+ )?"
             rf"(?:{_IMAGE_NOUNS}) (?:for|to go with|to accompany|to illustrate) (?:it|this|that|them|the \w+)\b", 1.2),
            # "a joke and an image of a cat": a picture asked for by what it shows, not a given file
            (rf"(?:^|and |also |plus |with |then )(?:an? |some )(?:[\w-]+ )?(?:{_IMAGE_NOUNS}) (?:of|showing|depicting|"
             rf"featuring)(?![^\ue000]*\ue000)", 1.0),  # not "a photo of a table, table.jpg, ..."
            (rf"(?:into|as) (?:an? )?(?:\w+ )?(?:{_IMAGE_NOUNS})(?! \ue000)|(?:{_IMAGE_NOUNS}) (?:that|which) "
             rf"(?:represents?|depicts?|illustrates?|shows?|captures?|reflects?|matches?|portrays?|visuali[sz]es?)", 1.2),
            # not what someone in a story does ("a story about a girl who loves to draw")
            (r"(?<!loves to )(?<!learns to )(?<!likes to )(?<!wants to )(?<!tries to )(?<!learned to )"
             r"(?<!loved to )(?<!liked to )(?<!wanted to )(?<!learning to )(?<!how to )"
             r"(?:draw|paint|sketch|illustrat(?:e|es|ed|ion)|visuali[sz](?:e|ation)|depict(?:ion|ing)?|imagery)", 1.0))
    + _cues("image-to-image",
            (r"image[- ]to[- ]image|in the style of|style transfer|styli[sz]e|cartooni[sz]e|cartoonify|"
             r"colou?ri[sz](?:e|ation)|retouch|upscal(?:e|ing)|super[- ]resolution|(?:higher|better) resolution|"
             r"image (?:transformation|enhancement|manipulation|conversion|translation)", 1.4),
            (r"brighten|darken|lighten|de-?blur|unblur|increase (?:the |its )?(?:resolution|brightness|contrast)", 0.9),
            # a control image: "generate a canny image based on f.jpg"
            (r"canny|edges? (?:map|image|version)|line[- ]?art|scribble", 1.6),
            (r"(?:cartoon|anime|comic|manga|sketch(?:ed)?|watercolou?r|oil[- ]painting|pencil|pixel[- ]art|"
             r"black[- ]and[- ]white|vintage|retro|pop[- ]art|impressionist|cubist|claymation) (?:version|rendition)"
             r"(?= of (?:(?:the|this|my|that|our|your) )?(?:\w+ )?(?:\ue000|photo|image|picture|pic|selfie|portrait))", 1.2),
            (r"look(?:s|ing)? like|resembl(?:e|es|ing)|in the style|as (?:an? )?(?:painting|sketch|cartoon|drawing|watercolou?r)|"
             r"(?:a|an|the) [\w-]+ (?:style|look|effect|aesthetic|feel|finish)|"
             r"target (?:style|domain|image)|aesthetic", 0.9),
            (r"transform(?:s|ed|ing|ation)?|convert|turn|style|stylistic|manipulat(?:e|ion)", 0.4),
            # "turn this sketch into a realistic photo", "convert photo.jpg into a cartoon": a picture
            # given, made into another (not one made from words, as "turn this poem into a picture")
            (rf"(?:turn|convert|transform|change|make|render) (?:this |that |the |my |our |your )?(?:[\w-]+ )?"
             rf"(?:{_IMAGE_NOUNS}|\ue000\d+\ue001)(?: \ue000\d+\ue001)? into (?:an? )?(?:[\w-]+ )?(?:[\w-]+ )?"
             rf"(?:{_IMAGE_NOUNS})", 1.3))
    + _cues(("image-to-image", "audio-to-audio"),
            (r"enhanc(?:e|ed|es|ing|ement)|improv(?:e|ed|es|ing)|clean(?:ed|ing)? (?:it )?up|sharpen|"
             r"restor(?:e|ed|ation)|quality|clarity|clearer|crisp(?:er)?|sharper|better|clean(?:er)?|polish(?:ed|ing)?", 0.6))
    + _cues("image-editing",
            (r"image editing|edit(?:s|ed|ing)? (?:the |this |my |that )?(?:image|photo|picture)|"
             rf"(?:change|changing|turn|make|paint|recolou?r) (?:the |its |my )?(?:\w+ ){{0,3}}(?:colou?rs?|background|"
             rf"sky|hair|walls?|shirt|dress|lighting) (?:\w+ ){{0,3}}(?:to|into|with)|"
             # "colour the pixels of photo.jpg blue": the words between may hold a masked file
             rf"(?:make|paint|turn|colou?r) (?:the |its |my )?(?:[\w\ue000-\ue002]+ ){{1,3}}(?:{_COLORS})|"
             # "make the text in poster.png bold": a look given to a part of the image
             rf"make (?:the |its |my |all )?(?:[\w\ue000-\ue002]+ ){{1,4}}(?:bold|italic|bigger|larger|smaller|"
             rf"transparent|blurr?(?:y|ed)|invisible|disappear|glow|shine|stand out)\b|"
             # "blur the faces in group.jpg", "pixelate the licence plate"
             rf"(?:blur|pixel+ate|obscure|censor|hide|mask) (?:out )?(?:the |all |any |its |my )?(?:\w+ )?(?:faces?|"
             rf"background|people|persons?|plates?|licen[cs]e plates?|text|names?|logos?|eyes)", 1.3),
            (r"edit(?:s|ed|ing)?|modif(?:y|ies|ied|ication|ications)|alter(?:s|ed|ing|ation)?|"
             r"(?:add|insert|put|place|remove|erase|delete|replace|swap) (?:a |an |the |some |more )?(?:\w+ ){0,2}"
             rf"(?:in|into|on|onto|from|with|to|for|by)(?! (?:an? |my |our |the )?(?:\w+ ){{0,2}}(?:{_MESSAGES})\b)|"
             r"makeover", 0.8),
            (r"(?:change|modify|alter|adjust|edit|update|tweak) (?:the|this|my|that) (?:image|photo|picture|document|scan|"
             r"page)(?: so| such| to| by)|highlight(?:ed|ing)? (?:\w+ ){0,4}in (?:red|blue|green|yellow|orange|pink|purple)",
             1.2),
            (r"change|adjust|tweak|replace", 0.5))
    + _cues("image-segmentation",
            (r"segment(?:s|ed|ing|ation)?|image[- ]segmentation", 1.5),
            (r"masks?|(?:foreground|background) (?:separation|removal)|remove the background|cut out|isolat(?:e|ing)|"
             r"outlines?|contours?|(?<!which )(?<!what )regions?|pixel[- ]level|partition|foreground|(?:from|against) (?:the |its )?background|"
             r"separat(?:e|ing) (?:the )?(?:\w+ )?(?:objects|elements|parts|foreground)|divid(?:e|ing)", 0.8))
    + _cues("image-segmentation", (r"(?:distinct|different|separate|individual) (?:parts|regions|areas|segments|"
                                   r"components|sections)", 0.8), fallback=True)
    + _cues("image-segmentation",
            (r"(?:break|split|divide|partition|separate|cut|carve)(?: \w+){0,3} (?:in ?to|up into|down into) (?:\w+ ){0,3}"
             r"(?:segments|parts|sections|regions|areas|components|pieces|elements|objects|zones)|"
             r"boundar(?:y|ies)|delineat\w*|each pixel|pixel[- ]wise|pixel by pixel|(?:distinct|different|separate|"
             r"individual|various) (?:elements|objects) (?:in|of|within) (?:the |this |that |my )?(?:\w+ )?(?:image|photo|"
             r"picture|scene)|(?:mark|map|label|trace)(?: \w+){0,2} (?:out |in )?(?:the |each |every |all )?"
             r"(?:\w+ )?(?:areas|regions|zones|pixels)(?: (?:that|which) belongs? to)?|"
             r"(?:areas|regions|zones|pixels) (?:that|which) belongs? to|"
             r"colou?r(?:ed|ized|ised|-coded)? (?:map|mask|overlay)|(?:segmentation|label) map", 1.1))
    + _cues("depth-estimation",
            (r"depth(?: map| estimation)?|depths", 1.5),
            (r"how (?:far|close|deep)(?: away)?", 1.0),
            (r"distances?|3d|three[- ]dimensional|closer|farther|further away|spatial", 0.7))
    + _cues("text-to-speech",
            (r"aloud|out loud|verbali[sz]e|read (?:it |this |that |them )?out|text[- ]to[- ]speech|tts|speech synthesis|"
             r"(?:natural(?:ly)?|human|pleasant)[- ](?:sounding )?(?:speech|voice|audio)", 1.4),
            (r"(?:into|to|as) (?!(?:the|this|that|my|its|his|her|their|these|those|your) )(?:an? )?(?:\w+ ){0,3}"
             r"(?:speech|audio|voice|sound|spoken (?:words|form|version))"
             r"(?: file| clip| version| recording| format| form)?|audio (?:version|file|clip|recording|narration) of|"
             r"(?:audio|voice|speech)[- ](?:version|narration|format|output)|audible|vocali[sz]e", 1.2),
            # "read me the first paragraph of essay.txt", "read me my notes"
            (r"^(?:please |can you |could you |now |then |and )*read (?:me|us)(?= )(?! (?:the |a )?(?:text|words|"
             r"writing) (?:in|on|from) \ue000)(?=.*(?:\ue000|\b(?:it|this|that|them|summary|translation|transcript|"
             r"caption|answer|story|poem|notes?|paragraph|letter|message|email|article|report|essay|document|"
             r"chapter|speech|script|review|post)\b))", 1.2),
            (r"speak|spoken|pronounc(?:e|ed|iation)|narrat(?:e|es|ed|ion|or)|voice[- ]?over|audiobook|"
             r"synthesi[sz]e (?:speech|voice|audio)", 1.0),
            # "if so, read it to me": speech outright
            (r"read (?:it|this|that|them) (?:out )?to (?:me|us)", 1.3),
            # "summarize recipe.txt and say it loud for me"
            (r"say (?:it|this|that|them)(?: out)? loud(?:ly)?", 1.3),
            # "then read the summary to me" (its output's name blanked)
            (r"read\s+(?:out\s+)?(?:to|for) (?:me|us)\b", 1.2),
            # "read letter.png to me"
            (r"read (?:the |this |that |my |our )?(?:\w+ )?\ue000\d+\ue001 (?:out )?(?:to|for) (?:me|us)\b", 1.2),
            # "please dub for me: '...'", "generate a video and audio about ..."
            (r"dub(?:s|bed|bing)?|voice (?:it|this|that)|(?:(?<=video )|(?<=image )|(?<=picture )|(?<=clip ))and "
             r"(?:an? |some )?(?:audio|speech|voice|narration|voice-?over)", 1.2),
            # "photo.jpg -> caption -> speech": a step named by what it makes
            (r"^(?:speech|audio|voice|spoken audio|an audio file)$", 1.0),
            # "Say good morning everyone", not "say it in French", "say something about ..."
            (r"^(?:please |now |also |just |then |and )*say(?! (?:it|this|that|them|what|something|anything|in|into|"
             r"hello to|hi to|goodbye to|whether|if|why|how|which|who)\b)(?= [\w\ue000])", 0.9),
            # "a summary I can listen to", not "what I can hear in it"
            (r"(?<!what )(?<!what do )(?:i|we) (?:can|could) (?:listen to|hear|play)(?! (?:in|on) )", 1.2),
            # "I want to hear a summary of report.txt", "let me hear the translation"
            (r"(?:(?:i|we) (?:want|would like|'d like|need|wanna) to (?:hear|listen to)|let (?:me|us) hear)"
             r"(?! (?:what|whether|if|how|your|music|some music|a song|songs)\b)"
             r"(?= (?:it|this|that|them|(?:a|an|the) (?:\w+ )?(?:summary|translation|transcript|caption|answer|story|"
             r"poem|reading|version)|\ue000))", 1.2),
            (r"(?:generate|create|make|produce|synthesi[sz]e|record|provide|give me|prepare|deliver|output) "
             r"(?:an? |some |the )?(?:[\w-]+ )?(?:speech|audio|voice|spoken)(?: (?:file|clip|version|recording|message))?"
             # not "make the speech (file) in memo.wav clearer": that speech is given ("speech from
             # '<text>'" is speech to make: quotes and files are masked alike)
             r"(?!(?: (?:file|clip|version|recording|message))? (?:(?:in|on) )?\ue000)"
             r"|(?:audio|speech|spoken|voice) (?:representation|rendition|narration)", 1.2),
            # not what someone says ("count how many times they say 'um'")
            (r"listen(?:ing)? to|hear|(?<!they )(?<!he )(?<!she )(?<!we )(?<!you )(?<!people )(?<!i )say", 0.5))
    + _cues("automatic-speech-recognition",
            (r"(?:convert|turn|change|transform) (?:the |this |my |that |its )?(?:\w+ ){0,2}(?:audio|speech|recording|"
             r"voice|spoken \w+|words spoken) (?:\w+ ){0,4}(?:into|to) (?:\w+ ){0,2}(?:text|writing|words)", 1.4))
    + _cues("audio-to-audio",
            (r"audio[- ]to[- ]audio|noise|noises|noisy|denois(?:e|ed|ing)|hiss|hum|buzz(?:ing)?|static|crackl\w*|echo|reverb|source separation|vocals|"
             r"audio quality|sound quality|audio enhancement|speech enhancement", 1.2),
            (r"(?:change|modify|alter|transform|convert|adjust|shift|process) (?:the |this |my |its )?(?:\w+ )?(?:audio|voice|"
             r"sound|pitch|speed|tempo|tone)(?! (?:\w+ ){0,3}(?:into|to) (?:\w+ )?(?:text|words|writing))|"
             r"audio (?:processing|transformation|conversion|manipulation|effects?)", 1.0),
            (r"(?:separat(?:e|ion)|isolate|extract) (?:the )?(?:\w+'s )?(?:voices?|speakers?|sources|instruments|music|"
             r"vocals|singers?)|"
             r"voice conversion|clearer|clarity|muffled|distort(?:ed|ion)", 1.0))
    # "take podcast.wav, remove the background music, transcribe it" (in a clause of its own: not
    # "write an essay on how to remove background music from a film score")
    + _cues("audio-to-audio",
            (r"(?:remove|cut|strip|filter out|get rid of|take out|mute|lower|reduce|suppress) (?:the |any |all )?"
             r"(?:background )?(?:music|singing|vocals|voices|talking|chatter|laughter|applause|wind|traffic)\b", 1.2),
            fallback=True)
    + _cues("audio-classification",
            (r"audio[- ]classification|genre|instruments?|speaker (?:identification|recognition)|who is speaking|"
             r"sound events?|voice activity|(?:is|are) there (?:any )?(?:speech|music|talking)|"
             r"(?:is|are) (?:there )?(?:any ?one|any ?body|some ?one|some ?body|people|a person) (?:speaking|talking|"
             r"singing)|(?:does|do) (?:it|this|that|the \w+|\ue000\d+\ue001) (?:contain|have|include) (?:any )?"
             r"(?:speech|talking|voices?|music)|"
             r"(?:speech|talking|singing) or (?:music|noise|silence)|(?:music|noise) or (?:speech|talking)|"
             r"(?:what|which) (?:kind|type|sort|category) of (?:sound|audio|noise|music)|commands?|"
             # "tell me what animals you can hear in forest.wav"
             r"(?:what|which) (?:\w+ )?(?:animals?|birds?|sounds?|noises?|instruments?|species|vehicles?) "
             r"(?:\w+ ){0,3}(?:hear|heard|audible)|"
             r"identify (?:the )?speakers?|emotions? (?:in|of|from|behind) (?:the |his |her |their |this )?(?:voice|audio|"
             r"speech|recording|tone|clip)", 1.0))
    + _cues("text-to-video",
            (rf"text[- ]to[- ]video|(?:{_MAKE}|animate) (?:me )?(?:an? |some |the )?(?:short |new |brief )?"
             rf"(?:(?!(?:audio|sound|voice|speech|music)\b)\w+ )?(?:{_VIDEO_NOUNS})", 1.5),  # not "an audio clip"
            # not a video at hand ("transcribe the video")
            (r"animat(?:e|ed|ion)|(?<!the )(?<!this )(?<!that )(?<!my )(?<!your )(?<!our )(?<!his )(?<!her )videos?|"
             r"(?:video|clip|movie|film) (?:of|showing|about|that shows)", 0.9))
)
"""Every cue, across all intents."""

MODALITY_HINTS: dict[str, re.Pattern[str]] = {
    "image": re.compile(rf"(?<!\w)(?:{_IMAGE_NOUNS}|screenshot|scan|scanned|selfie|snapshot|pics|sign|jpe?g|png)(?!\w)"),
    "audio": re.compile(r"(?<!\w)(?:audio|recording|recorded|sound|sounds|speech|podcast|song|music|track|"
                        r"voice (?:memo|message|note)|interview|lecture|wav|mp3)(?!\w)"),
    "video": re.compile(rf"(?<!\w)(?:{_VIDEO_NOUNS}|mp4)(?!\w)"),
    "table": re.compile(r"(?<!\w)(?:table|tables|spreadsheet|csv|tabular|dataset|rows)(?!\w)"),
}
"""Words showing that a clause talks about a value of a modality even without naming a file."""

TASK_CONTEXT_HINTS: dict[str, re.Pattern[str]] = {
    "document-question-answering": re.compile(
        r"(?<!\w)(?:document|documents|invoice|receipt|form|contract|bill|page|letter|pdf|menu|ticket|report|"
        r"statement|certificate|passport|license|licence|paper|scan|scanned|brochure|flyer|manual)s?(?!\w)"),
    "tabular-classification": MODALITY_HINTS["table"],
}
"""Words that favour one intent over the others sharing a cue (a document favours document QA)."""

PROMPT_TASKS = frozenset({"text-to-image", "text-to-video", "text-generation", "conversational"})
"""Tasks whose text argument is a prompt the request writes itself ("an image of a red fox"):
they use an earlier task's output only when the clause refers to it ("it", "the caption")."""

ANAPHORA = re.compile(
    r"(?<!\w)(?:it|its|this|that|these|those|them|they|the (?:result|results|output|outputs|text|transcript|"
    r"transcription|caption|description|summary|translation|answer|story|speech|recording|image|picture|photo|"
    r"audio|words|above|generated \w+|same|response|outcome|information|findings|label|labels|class|category|"
    r"objects|entities|new \w+|edited \w+|enhanced \w+|resulting \w+|modified \w+|segmented \w+|cleaned \w+|"
    r"translated \w+|extracted \w+|produced \w+|created \w+|classification|content|details)|"
    r"(?:the|your|its|their|his|her|that) (?:\w+'s )?(?:reply|replies|response|answer|output|result|text|story|poem|"
    r"conversation|label|caption|summary|transcript)|above|previous|"
    r"resulting|generated|such|based on|inspired by|from (?:that|this|the)|"
    # "a picture of the dish you suggest", "of what the caller wants", "what was said"
    r"(?:what|the \w+) (?:you|it|they|he|she|the \w+) (?:suggest(?:s|ed)?|recommend(?:s|ed)?|describe[sd]?|"
    r"mention(?:s|ed)?|said|says|wants?|wanted|propose[sd]?|came up with|chose|picked|wrote|asked for)|"
    r"what (?:was|is|were|gets?|got) (?:said|described|mentioned|written|suggested|asked for|talked about))(?!\w)"
)
"""Words by which a clause refers to something earlier."""

_PARTICIPLES = (r"detected|segmented|classified|generated|edited|enhanced|translated|summari[sz]ed|transcribed|"
                r"extracted|identified|recogni[sz]ed|resulting|cleaned|modified|transformed|produced|created|output|"
                r"final|improved|processed|synthesi[sz]ed|converted|estimated|predicted|obtained")
_OUTPUT_NOUNS = (r"summary|summaries|captions?|transcripts?|transcriptions?|translations?|descriptions?|depth maps?|versions?|"
                 r"segmentation|classification|detections?|answers?|results?|outputs?")
_TASK_NAMES = (r"(?:object|image|audio|text|token|tabular) (?:detection|classification|segmentation)|depth estimation|"
               r"speech recognition")
"""Task names that end in an output's noun ("the object detection results" asks for a detection)."""
RESULT_PHRASE = re.compile(
    r"(?<!\w)(?:recorded|phone|audio|video|important|recent|long|short|whole|entire) (?:\w+ )?(?:conversations?|"
    r"dialog(?:ue)?s?|discussions?|chats?)(?!\w)|(?<!\w)(?:recording|audio|file|clip|video) of (?:a |an |the |my |our )?"
    r"(?:\w+ )?(?:conversations?|dialog(?:ue)?s?|discussions?|chats?)(?!\w)"
    rf"|(?<!\w)(?:the|this|that|these|those|its|their|resulting|above|each|every|all(?: the)?)\s+(?:(?:{_PARTICIPLES})\s+)+[\w-]+"
    rf"|(?<!\w)(?:the|this|that|these|those|its|their)\s+(?!{_TASK_NAMES})(?:\w+\s+)?(?:{_OUTPUT_NOUNS})(?!\s+(?:of|for)\b)(?![\w-])"
)
"""A phrase naming an earlier task's output ("the generated image", "the summary") or a recording
("a recorded conversation"): its words are not cues for a new task."""

ORIGINAL = re.compile(r"(?<!\w)(?:original|initial|source|uploaded|raw|unedited|my own|separately|independently|"
                      r"in parallel)(?!\w)")
"""Words by which a clause refers to the user's own input rather than an earlier task's output."""

_VARIETY = r"(?:(?:simplified|traditional|brazilian|european|mexican|latin american|modern|standard|formal|informal) )?"
_LANGUAGE_LIST = (rf"\s+(?:(?:both|each of|all of|all three of) )?{_VARIETY}({_LANG})(?!\w)((?:\s*(?:,|\band\b|\bas well as\b|\bplus\b|&)\s*(?:and\s+)?"
                  rf"{_VARIETY}(?:{_LANG})(?!\w))*)")
_TARGET_PATTERNS = (re.compile(rf"(?<!\w)(?:into|to){_LANGUAGE_LIST}", re.IGNORECASE),
                    re.compile(rf"(?<!\w)in{_LANGUAGE_LIST}", re.IGNORECASE),
                    # a step that is only a language: "speech.wav -> transcript -> French"
                    re.compile(rf"^\s*({_LANG})()\s*$", re.IGNORECASE),
                    # "a French version of menu.png" (group 2, the list of further languages, is empty)
                    re.compile(rf"(?<!\w)({_LANG})()\s+(?:version|translation|equivalent|rendition|rendering)(?!\w)",
                               re.IGNORECASE))
LANGUAGE_SOURCE = re.compile(rf"(?<!\w)from\s+({_LANG})(?!\w)", re.IGNORECASE)
LANGUAGE_NAME = re.compile(rf"(?<!\w)(?:{_LANG})(?!\w)", re.IGNORECASE)


def target_languages(text: str) -> list[str]:
    """The languages ``text`` asks for, in order: "into French, German and Italian" gives all
    three ("French or German" asks for one of them: the first). "into" / "to" come before "in",
    so "translate doc.txt, which is in English, into German" asks for German."""
    for pattern in _TARGET_PATTERNS:
        found = pattern.search(text)
        if found:
            names = [found.group(1), *LANGUAGE_NAME.findall(found.group(2))]
            return list(dict.fromkeys(name.capitalize() for name in names))
    return []


def with_target_language(text: str, languages: str) -> str | None:
    """``text`` with the languages it asks for ("into French") replaced by ``languages`` ("German"),
    or None when it asks for none: "Translate 'good morning' into French", then "and into German?"."""
    for pattern in _TARGET_PATTERNS:
        found = pattern.search(text)
        if found:
            start, end = found.start(1), found.end(2) if found.group(2) else found.end(1)
            return text[:start] + languages + text[end:]
    return None


def language_spans(text: str) -> list[tuple[int, int]]:
    """Where ``text`` names languages to translate into or from ("into French and German", "from
    Spanish"), as (start, end) spans."""
    return [m.span() for pattern in (*_TARGET_PATTERNS, LANGUAGE_SOURCE) for m in pattern.finditer(text)]


__all__ = [
    "ANAPHORA", "CUES", "FAMILIES", "INSTRUCTED", "INTENTS", "LABEL_TASKS", "LANGUAGES", "LANGUAGE_SOURCE", "LANGUAGE_NAME",
    "FIGURES", "MODALITY_HINTS", "ORIGINAL", "PROMPT_TASKS", "QUESTION_CUE", "QUESTION_TASKS", "QUOTED_QUESTION_CUE", "RECKON_VERBS", "RESULT_PHRASE", "TASK_CONTEXT_HINTS", "Cue", "language_spans",
    "target_languages", "with_target_language",
]
