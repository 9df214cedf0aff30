"""Questions: what a clause asks, as a question task's question, and the context it asks it of.

The pure part turns a clause's words into a question (:func:`as_question`: "whether the man wears
glasses" -> "Does the man wear glasses?") and splits two joined by "and" (:func:`split_questions`);
:class:`QuestionArguments` fills a question task's question (:meth:`QuestionArguments._question`)
and its context (:meth:`QuestionArguments._context`).
"""

from __future__ import annotations

import re

from ..tasks import TASK_TYPES
from .clauses import PLACEHOLDER_RE, Clause, is_question
from .draft import TEXT_RESULT_RE, PlanDraft, clean
from .intents import Candidate
from .lexicon import FIGURES, QUESTION_TASKS, RECKON_VERBS

_QUESTION_START_RE = re.compile(
    r"(?<![\w'])(?:(?:until|since|from|in|on|at|by|for|to|with|about|of|during|after|before)\s+)?"
    r"(?:what|who|whom|whose|where|when|which|why|how|is|are|was|were|does|do|did|can|could|should|"
    r"will|would|has|have)\b[^?]*\?", re.IGNORECASE)
_POLITE_TAIL_RE = re.compile(r",?\s+(?:(?:could|can|would|will) you|please)\b[^?]*\?$", re.IGNORECASE)
_ASKING_YOU = r"(?:^|,\s+)(?:(?:can|could|would|will)\s+you\s+(?:please\s+)?)?"
_TELL_ME_RE = re.compile(
    _ASKING_YOU + r"(?:(?:tell|show|give|let)\s+(?:me|us)(?:\s+know)?|find out|work out|figure out|"
    r"(?:list|enumerate|find|locate|look\s+up|pull(?:\s+out)?|grab|fetch|copy|explain)(?:\s+out)?"
    r"(?=\s+(?:all\s+|every\s+)?(?:of\s+)?(?:the|its|their)\s))\s+(.{3,}?)\??$|"
    # "check invoice.png for the due date" (an image's mention taken out, a text file's kept): what the due date is
    + _ASKING_YOU + r"(?:check|search|scan|look\s+(?:through|over)|go\s+(?:through|over))\s+(?:\S+\.\w{2,5}\s+)?for\s+"
    r"((?:the|its|their)\s.{3,}?)(?:\s+and\s+(?:then\s+)?(?:explain|tell|send|read|translate|summari[sz]e|write|make|"
    r"put|add|show|give|draw|create|generate)\b.*)?\??$|"
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
_PARTICIPLE = (r"(?:been|got|gotten|done|had|made|gone|seen|left|won|lost|found|taken|given|eaten|sent|written|paid|held|"
               r"kept|brought|bought|sold|told|said|built|shot|born|set|put|read|drawn|spoken|sung|begun|known|shown|"
               r"grown|thrown|worn|hidden|stolen|broken|chosen|driven|fallen|\w{3,}ed)\b")
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
_SUPPLIED_TEXT_RE = re.compile(r"\s*:\s*" + PLACEHOLDER_RE.pattern + r"[\s.!?]*$")
"""A resource given after a colon at the end of a clause ("tell me who won: '<text>'")."""
_SUBJECT_GONE_RE = re.compile(r"(?:if|whether)\s+(?:is|was|are|were|has|have|had|does|did|do|can|could|will|would|"
                              r"shows?|showed|contains?|looks?|looked)\b", re.IGNORECASE)
"""What is asked once a file's mention is taken out of it, when that mention was its subject."""
_MEDIA_SUBJECT_RE = re.compile(r"\s*(?:(?<!\w)(?:the|this|my|that)\s+)?(?:(?:image|photo|picture|file|audio|recording|"
                               "video|document|pic)\\s+)?\ue000\\d+[\ue001\ue002]", re.IGNORECASE)
_BARE_WH_RE = re.compile(r"(?:what|whats|who|whos|where|wheres|which|how)(?:'s|\s+(?:is|are|was|were))?"
                         r"(?:[\s,]+(?:and|or|&))*\??$", re.IGNORECASE)
"""A question that is nothing but its question word once a file's mention is taken out ("what's in pic.jpg";
"what is in a.png and b.png" leaves "what is and")."""


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
                       rf"his|her|its|our|their)\s.+?|it|he|she|they|this|that)\s+(is|are|was|were)(?:\s+((?:{_PARTICIPLE}|\w+ing\b|about\b|for\b|like\b|"
                       r"from\b|made of\b).*))?$", re.IGNORECASE)
_WH_BARE_BE_RE = re.compile(r"^(when|where|why)\s+(?!(?:is|are|was|were|there|it|this|that)\b)([a-z]+)\s+(is|are|was|were)"
                            r"\s+(.+)$", re.IGNORECASE)
"""An indirect question whose subject is a bare noun ("when payment is due": "When is payment due?")."""
_WH_VERB_RE = re.compile(r"^((?:what|which|how)(?: (?!(?:is|are|was|were|do|does|did|has|have|had|can|could|will|would|"
                         r"should|shall|may|might|must)\b)\w+)?|whom?|where|when|why)\s+((?:the|a|an|this|that|these|those|my|"
                         r"your|his|her|its|our|their)\s(?:\w+\s){0,2}?\w+|it|he|she|this|that)\s+"
                         r"(?!(?:is|was|does|this|thus|its|his|hers|yes|less|unless|across|plus|as|us)\b)"
                         rf"([a-z]{{2,}}[^s\W']s|has(?!\s+{_PARTICIPLE}))\b(?:\s+(.+))?$", re.IGNORECASE)
"""An indirect question with a verb in the third person ("what this image shows", "what the
sign says about parking"): put with "does" ("What does this image show?")."""
_JOINED_QUESTIONS_RE = re.compile(
    r"^(?P<first>(?P<wh>who|whom|whose|what|when|where|which|why|how(?: many| much| long| old)?)\s+(?P<rest>.+?))"
    r",?\s+and\s+(?P<second>(?:who|whom|whose|what|when|where|which|why|how(?: many| much| long| old)?)\b(?P<more>.*?))"
    r"[\s?.!]*$", re.IGNORECASE)


def split_questions(question: str) -> list[str]:
    """Two questions joined by "and" as two: "Who sent email.txt and when was it sent?" -> "Who sent
    email.txt?", "When was it sent?"; a bare "when" after "who <did> it" asks when it was done: "Who
    sent it and when?" -> "Who sent it?", "When was it sent?" ("who sent email.txt and why?" -> "Who sent
    email.txt?", "Why was email.txt sent?"). A bare second question word otherwise
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


_DONE_RE = re.compile(r"^(\w+) (it|this|that|them|these|those|(?:the|this|that|his|her|their|my) [\w.\ue000-\ue002-]+|"
                      r"[\w-]+\.[A-Za-z0-9]{2,4})$", re.IGNORECASE)
_PARTICIPLES = {"sent": "sent", "wrote": "written", "made": "made", "took": "taken", "gave": "given", "said": "said",
                "told": "told", "built": "built", "drew": "drawn", "signed": "signed", "painted": "painted",
                "found": "found", "read": "read", "sang": "sung", "spoke": "spoken", "won": "won", "bought": "bought",
                "sold": "sold", "began": "begun", "did": "done", "recorded": "recorded"}


def as_question(wanted: str) -> str:
    """What a user asks to be told, as a question: "the total" -> "What is the total?", "if there
    is a dog" -> "Is there a dog?", "whether the man wears glasses" -> "Does the man wear
    glasses?", "where the meeting is" -> "Where is the meeting?", "who it is addressed to" -> "Who is it
    addressed to?"."""
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
    elif (wh_verb := _WH_VERB_RE.match(wanted)) and not _PLURAL_WORD_RE.fullmatch(wh_verb.group(2).split()[-1]):
        # "what this image shows" -> "what does this image show"
        wh, subject, verb, rest = wh_verb.groups()
        wanted = " ".join(w for w in (wh, "does", subject, _base_verb(verb), rest) if w)
    elif wh_be:
        # "where the meeting is" -> "where is the meeting", "what the man is holding" -> "what is the man holding"
        wanted = " ".join(w for w in (wh_be.group(1), wh_be.group(3), wh_be.group(2), wh_be.group(4)) if w)
    elif bare_be := _WH_BARE_BE_RE.match(wanted):  # "when payment is due" -> "when is payment due"
        wh, subject, verb, rest = bare_be.groups()
        wanted = f"{wh} {verb} {subject} {rest}"
    question = wanted if _WH_START_RE.match(wanted) else f"what {_be_for(wanted)} {wanted}"
    # "how many there are" -> "how many are there"
    question = re.sub(r"^(how many|how much|what|who) there (is|are|was|were)$", r"\1 \2 there", question, flags=re.I)
    if _BARE_BE_RE.search(question):  # "what animals are (in zoo.png)": "What animals are there?"
        question += " there"
    return question[:1].upper() + question[1:] + "?"


_HEAD_END_RE = re.compile(r"(?<!\s)\s+(?:in|on|of|from|for|at|with|about|to|by|under|inside|within|that|which|who|"
                          r"listed|mentioned|shown|named|written)\b.*$", re.IGNORECASE)
_NOT_PLURAL_RE = re.compile(r"(?:news|series|species|means|mathematics|physics|economics|politics|ethics|"
                            r"\w*ness|\w*ics)$", re.IGNORECASE)


def _be_for(wanted: str) -> str:
    """"are" for what names several things ("the ingredients in recipe.png", "the main dishes
    on the menu": its head noun, the last word before a preposition, is a plural), else "is"
    ("the total", "the name of the sender")."""
    head = _HEAD_END_RE.sub("", wanted).split()
    if len(head) < 2 or head[0].lower() not in ("the", "its", "his", "her", "their", "our", "my", "your", "all"):
        return "is"
    last = head[-1]
    return "are" if _PLURAL_WORD_RE.fullmatch(last) and not _NOT_PLURAL_RE.fullmatch(last) else "is"


_BARE_BE_RE = re.compile(r"^(?:what|which|how many|how much)\s+\w+(?:\s+\w+)?\s+(?:is|are|was|were)$", re.IGNORECASE)
"""A question whose place was a file mention, left out ("what animals are [in zoo.png]")."""


def without_file(question: str, name: str) -> str:
    """``question`` asked of the file ``name`` itself, without naming it where the words read as
    well without: "What does receipt.jpg say the total is?" -> "What is the total?", "Who is the
    main character in story.txt?" -> "Who is the main character?". (A question that needs the name
    to make sense, "Is story.txt finished?", is left whole.)"""
    file = re.escape(name)
    says = re.match(rf"^(what|who|where|when|which|how \w+) (?:does|did|do) (?:the \w+ )?(?:in |on |of )?{file} "
                    r"(?:say|show|state|list|mention|tell)(?: (?:me|us))?(?: that)? (.+?) (is|are|was|were)\s*\?$",
                    question, re.IGNORECASE)
    if says:
        return f"{says.group(1)[:1].upper()}{says.group(1)[1:]} {says.group(3)} {says.group(2)}?"
    trailing = re.sub(rf",?\s+(?:in|from|on|of|inside|within) (?:the |this |that )?(?:(?:image|photo|picture|file|"
                      rf"document|text|recording|audio|scan|page) )?{file}(?=\s*\?$)", "", question, flags=re.IGNORECASE)
    # "What is in photo.jpg?", "How many people are in crowd.jpg?": where, the question's point
    bare = re.search(r"\b(?:is|are|was|were|be|'s)\s*\?$|^\W*\w+\W*$", trailing)
    return question if bare else trailing


def _told(words: str) -> str | None:
    """What ``words`` ask to be told (:data:`_TELL_ME_RE`), or None."""
    found = _TELL_ME_RE.search(words)
    return next(g for g in found.groups() if g) if found else None


class QuestionArguments(PlanDraft):
    """The readings of a question task's question (:meth:`_question`) and context (:meth:`_context`)."""

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
        told = as_question(wanted) if wanted else None
        if told and (not asked or _ASKING_YOU_RE.match(asked.group().strip()) and _IF_RE.match(wanted)):
            return told  # "can you tell if the person is smiling?" asks "Is the person smiling?"
        if asked:
            # "can you tell me how many people are in crowd.jpg?" asks "How many people are in crowd.jpg?"
            question = asked.group().strip()
            rest = _TELL_ME_LEAD_RE.sub("", question)
            if rest != question and _WH_START_RE.match(rest):
                question = rest[:1].upper() + rest[1:]
            # "where it was taken?": "Where was it taken?"; "what this image shows?": "What does this image show?"
            if any(r.match(question.rstrip(" ?")) for r in (_WH_BE_RE, _WH_VERB_RE, _WH_BARE_BE_RE)):
                question = as_question(question)
            return question
        if told:
            return told
        earlier = self._earlier_text(cand)
        if earlier:
            return earlier
        nxt = self.req.clauses[clause.index + 1:clause.index + 2]
        told = self._told(nxt[0]) if nxt else None
        if told:
            return told
        if nxt and not nxt[0].resources and is_question(nxt[0].masked) and _WH_START_RE.match(nxt[0].masked):
            # 'Based on this text: "...". How tall is the tower?': the question follows
            return self._clause_text(nxt[0]).rstrip("?") + "?"
        asked_words, whole = self._question_words(clause, self._asked_part(clause.masked)), \
            self._question_words(clause)
        if asked_words and asked_words != whole:  # the text it supplies is the context, not the question
            # "what does the text say about the weather: '...'"; "explain this sentence: '...'"
            return as_question(asked_words) if _WH_START_RE.match(asked_words) else asked_words
        return whole or self._clause_text(clause)

    def _told(self, clause: Clause) -> str | None:
        """What ``clause`` asks to be told, as a question ("tell me the total": "What is the total?")."""
        wanted = self._wanted(clause)
        return as_question(wanted) if wanted else None

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
        if resource.kind != "quote" or resource.modality != "text" or is_question(resource.value):
            return masked
        return masked[:supplied.start()]

    def _earlier_text(self, cand: Candidate) -> str | None:
        """The latest earlier text output, when the clause refers back to a result ("use that
        answer as the question", "edit the photo based on the label") and that output is not
        already the task's main input."""
        if not TEXT_RESULT_RE.search(cand.clause.lower):
            return None
        latest = self._latest_output(["text"])
        main = TASK_TYPES[cand.task].args[0].modalities
        return latest if latest and not ("text" in main and cand.task not in QUESTION_TASKS) else None

    def _context(self, cand: Candidate) -> str | None:
        """Question answering's context: a quoted text, an earlier output, or a converted file (over
        the registry also one an earlier clause only pointed at: "Listen to voicemail.mp3 and tell
        me who called" asks the transcript; each recording's transcript in turn for "who called in
        call1.wav and call2.wav?", as each text file is asked: :meth:`PlanBuilder._argument`)."""
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


__all__ = ["QuestionArguments", "as_question", "split_questions"]
