"""A task's main text argument: a quote, an earlier output, a converted file, or the clause's words.

:meth:`TextArguments._text` takes a quote of the clause, else an earlier output when the clause
refers back ("it", "the caption") or the task transforms text (a summary, a translation), else a
quote from elsewhere, else the clause's own words (:meth:`TextArguments._prompt`: for image and
video generation what follows the cue; over the registry the words an instruction is about,
:meth:`TextArguments._object_text`); a text task given only an image or an audio file gets an
image-to-text or speech-recognition step in front of it.
"""

from __future__ import annotations

import re

from ..dag import reference_ids
from ..tasks import TASK_TYPES
from .clauses import Clause, mask
from .draft import (
    DESCRIBED_TASKS,
    OUTPUT_KIND_RE,
    OWN_TEXT_RE,
    PLURAL_RE,
    READS_PROSE,
    Missing,
    PlanDraft,
    clean,
    kinds_named,
)
from .intents import Candidate, asks_for_something
from .lexicon import ANAPHORA, FIGURES, MODALITY_HINTS, ORIGINAL, PROMPT_TASKS, QUESTION_TASKS, language_spans
from .questions import as_question

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
_MEDIA_WORDS_RE = re.compile(
    r"(?<!\w)(?:(?:the |its )?(?:text|words|writing|wording|lettering|message)(?: written)? (?:in|on|from|of) "
    r"(?:the|this|that|my|our|your|an?) (?:\w+ )?(?:(?P<image>photo|image|picture|pic|scan|screenshot|sign|poster|"
    r"photograph|snapshot)|(?P<audio>recording|audio|voice (?:memo|message|note)|voicemail)|(?P<video>video|clip))|"
    r"what (?:the|this|that|my|our|your) (?:\w+ )?(?:(?P<image2>photo|image|picture|scan|screenshot|sign)|"
    r"(?P<audio2>recording|audio|voice (?:memo|message|note)|voicemail|caller|speaker)|(?P<video2>video|clip)) "
    r"(?:says|said|reads))(?!\w)")
"""A clause's mention of the words of a picture, recording or video it names by a noun, not a file
("the text in this photo", "what the recording says")."""
_FOLLOWING_RE = re.compile(r"\b(?:following|below)\b", re.IGNORECASE)
"""Words that say the text comes next ("the following story", "the text below")."""
_ABSENT_TEXT_RE = re.compile(
    r"^(?:my|our|the|this|that|these|those|his|her|their|your|a|an)\s+(?:[\w'-]+\s+){0,2}?(?:essays?|articles?|"
    r"documents?|docs?|letters?|e-?mails?|notes?|reports?|stor(?:y|ies)|texts?|papers?|messages?|posts?|reviews?|"
    r"speech(?:es)?|scripts?|poems?|books?|chapters?|paragraphs?|passages?|thesis|cv|resume|homework|drafts?|files?|"
    r"transcripts?|lyrics|following(?: \w+)?|sentences?|minutes|memos?|tweets?|comments?|bio|statements?|"
    r"contracts?|manuals?|speech|blog(?: post)?|website|page)$", re.IGNORECASE)
"""Words that name a text the request does not hold ("my essay", "the article", "the following")."""
_POINTER_RE = re.compile(r"it|this|that|them|these|those|one|same|too|also|again|please|now|here|there|then|"
                         r"instead|later|today|\ue000\d+\ue001", re.IGNORECASE)
"""A one-word rest of a generation clause that names no subject of its own ("a video of it",
"some videos too")."""
_RECIPIENT_RE = re.compile(r"^(?:me|us)\s+(?=(?:a|an|the|some|one|two|three|four|five|several|many|\d+)\b)",
                           re.IGNORECASE)
"""Who the picture is for, right after the cue ("draw me a cat"): not part of its description."""
_SEEN_RE = re.compile(r"(?<!\w)what (?:you|i|we) (?:see|saw|hear|heard|notice|noticed|spot|spotted|observe|observed)"
                      r"(?!\w)")
"""A prompt's mention of what a picture or recording holds ("write a poem about what you see")."""
_FIELD_READ_RE = re.compile(
    r"^(?:(?:now|please|just|then|and|also|can you|could you)\s+)*(?:read|say|speak|tell)\s+(?:out\s+)?(?:me\s+)?"
    r"(?:only\s+|just\s+)?the\s+((?:" + FIGURES + r"|date|due date|deadline|time|phone number|number|address|"
    r"e-?mail(?: address)?|sender|title|headline|author|opening hours)(?:\s+(?:of|for)\s+(?:the\s+)?[\w-]+)?)"
    r"(?:\s+(?:on|in|of|from)\s+(?:the\s+)?(?:[\w-]+\s+)?\ue000\d+\ue001)?"
    r"(?:\s+(?:out loud|aloud|to me|for me|please|again))*[\s.!?]*$", re.IGNORECASE)
"""A reading aloud of one field of a text rather than all of it ("now read the total aloud", "say the
phone number on note.png out loud"): the field is the answer to a question about the text."""
_INSTRUCTION_WORDS = 6
"""At most this many words, a clause that refers back ("translate it into French") is only an
instruction, not also the text to work on."""


def strip_tail(words: str) -> str:
    """``words`` without :data:`_TAIL_WORDS` at their end (in one pass from the end: linear)."""
    low, end = words.lower(), len(words)
    while True:
        end = len(low[:end].rstrip(" ,")) if end and low[end - 1] in " ," else end
        word = next((w for w in _TAIL_WORDS if low.endswith(w, 0, end) and (end == len(w) or low[end - len(w) - 1] in " ,")),
                    None)
        if word is None:
            return words[:end]
        end -= len(word)


class TextArguments(PlanDraft):
    """The readings of a task's main text argument (:meth:`_text`)."""

    def _text(self, cand: Candidate) -> str | None:
        """The main text argument: a quote, an earlier output, a converted file, or the clause."""
        clause = cand.clause
        field = self._field_read(cand) if cand.task == "text-to-speech" else None
        if field is not None:
            return field
        found = self._take(clause.resources, ["text"], question=False) or self._take(clause.resources, ["text"])
        # "summarize these documents": each given text file the clause speaks of, not a summary of the summary
        found = found or self._take(sorted(self._main_inputs(cand) - set(clause.resources)), ["text"])
        # "find the names in people.csv": a table file named in the clause is a text too
        found = found or self._take(clause.resources, ["table"])
        if found is None and ORIGINAL.search(clause.lower):
            # "also create a video from the original caption": the caption, not its translation
            found = (self._named_output(clause) if OUTPUT_KIND_RE.search(clause.lower) else None) \
                or self._take(self._all(), ["text"], reuse=True)
        if found is None and self.feed_from_missing:
            found = self._own_text_named(clause)
        # a prompt is the clause's own words, unless it refers back or is about a file it names
        # ("write a poem about photo.jpg": about what the photo shows)
        prompt = cand.task in PROMPT_TASKS and not any(
            self.req.resources[i].modality in self.bridges for i in clause.resources)
        if found is None and prompt and self.feed_from_missing and _SEEN_RE.search(clause.lower):
            # "look at zoo.png and write a poem about what you see": about the picture's content
            found = self._latest_output(["text"]) or self._bridge(range(self.req.own), cand.strength)
        if found is None and (self._refers_back(clause) or not prompt or PLURAL_RE.search(clause.lower)):
            found = self._named_output(clause) or self._latest_output(["text"], prose=self._wants_prose(cand.task, clause))
            if cand.task in READS_PROSE:
                found = self._fuller(found, clause)
            if found is None and OUTPUT_KIND_RE.search(clause.lower):
                # "read the summary aloud" after a turn that summarized report.txt: that summary,
                # not report.txt
                found = self._earlier_reply(clause)
            if found is None and self._refers_back(clause) and not clause.resources and self.req.only_carried:
                # "read that out loud" in a later turn: the last reply, not a file an earlier turn named
                found = self._earlier_reply(clause)
            # a picture or recording the clause names is read before a text file the request only
            # gives ("what is the phone number on sign.jpg?" with report.pdf given earlier: the
            # sign's), after a text the request holds (a quote: "... 'water column twice' ... I
            # need that boiled down")
            found = found or self._take([i for i in self._all() if self.req.resources[i].mentioned], ["text"],
                                        question=False)
            found = found or self._bridge(clause.resources, cand.strength)
            found = found or self._take(self._all(), ["text"], question=False)
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
        if found is None and self.feed_from_missing and self._unfound_media(cand):
            return None
        if found is None and self.feed_from_missing and self._refers_back(clause) and (
                self.missing or self._only_an_instruction(clause)) and not _FOLLOWING_RE.search(clause.lower):
            # "translate it", where "it" was to come from a task left out for want of input, or
            # where nothing came before: the clause's own words are not the text
            return None
        return found or self._prompt(cand)

    def _field_read(self, cand: Candidate) -> str | None:
        """Over the registry, for a reading aloud of one field of a text (:data:`_FIELD_READ_RE`:
        "read the total aloud"), the answer to "What is the total?" asked of the text the clause
        names (a picture's words read first), else of the latest text made, else of the last reply
        ("now read the total aloud" after "What is the total on receipt.jpg?"); the latest answer
        itself when it is the plan's last task. None for any other clause: the whole text is read."""
        found = _FIELD_READ_RE.match(cand.clause.masked.strip())
        if not found or not self.feed_from_missing or "question-answering" not in self.vocab.outputs:
            return None
        if self.tasks and self.tasks[-1]["task"] in QUESTION_TASKS:
            return f"<resource>-{len(self.tasks) - 1}"
        clause = cand.clause
        source = (self._take(clause.resources, ["text"], question=False) or self._bridge(clause.resources, cand.strength)
                  or (None if clause.resources else self._latest_output(["text"], prose=True) or self.req.last_reply))
        if source is None:
            return None
        return self._append("question-answering", {"text": as_question(f"the {clean(found.group(1))}"), "context": source},
                            cand.strength)

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

    def _unfound_media(self, cand: Candidate) -> bool:
        """Whether the clause's text is the words of a picture or recording that the request does
        not give ("translate the text in this photo into French", "summarize what the recording
        says", with no file): the step that reads it is recorded as missing its input, so the
        task waits for it instead of working on the words "this photo"."""
        found = _MEDIA_WORDS_RE.search(cand.clause.masked.lower())
        if found is None:
            return False
        modality = next(m for m in ("image", "audio", "video") if found.group(m) or found.group(f"{m}2"))
        bridge = self.bridges.get(modality)
        if bridge is None or any(r.modality == modality for r in self.req.resources):
            return False
        spec = TASK_TYPES[bridge].args[0]
        self.missing.append(Missing(bridge, self._clause_text(cand.clause) or cand.clause.masked, spec.name, modality))
        return True

    def _only_an_instruction(self, clause: Clause) -> bool:
        """Whether the clause is too short to hold the text it works on ("now read that aloud")."""
        return ":" not in clause.masked and len(self._clause_text(clause).split()) <= _INSTRUCTION_WORDS

    def _own_text_named(self, clause: Clause) -> str | None:
        """A text the request quotes that the clause names as the user's own ("also read the English
        sentence aloud" after translating it; "then translate the first one" of two compared): the
        quote itself, not an earlier task's output."""
        named = OWN_TEXT_RE.search(clause.lower)
        quotes = [i for i in range(self.req.own) if self.req.resources[i].kind == "quote"
                  and self.req.resources[i].modality == "text" and i not in clause.resources]
        if named is None or not quotes:
            return None
        if named.group("which"):
            which = {"first": 0, "former": 0, "second": 1, "latter": -1, "last": -1}[named.group("which")]
            return self._take([quotes[which]], ["text"], reuse=True) if len(quotes) > 1 else None
        return self._take(quotes[:1], ["text"], reuse=True) if len(quotes) == 1 else None

    def _named_output(self, clause: Clause) -> str | None:
        """The latest output of this plan of the kind the clause names ("read the summary of the
        email out loud" after the summary and the e-mail's names: the summary)."""
        tasks = kinds_named(clause.lower)
        return next((f"<resource>-{k}" for k in range(len(self.tasks) - 1, -1, -1) if self.tasks[k]["task"] in tasks),
                    None)

    def _earlier_reply(self, clause: Clause) -> str | None:
        """An earlier turn's output the clause names by kind ("find the names in the transcript":
        the latest transcript, though that turn ended on its sentiment), else the chat's latest AI
        reply when the clause refers back ("translate it")."""
        tasks = kinds_named(clause.lower)
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
        if cand.task in DESCRIBED_TASKS:
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
            words = strip_tail(_OBJECT_LEAD_RE.sub("", words)).strip(" ,.;:!?")
        if words and _ABSENT_TEXT_RE.match(words):
            # "read me the heatwave article" with article.txt given and named nowhere: that file
            return self._take([i for i in range(self.req.own) if not self.req.resources[i].mentioned], ["text"])
        if not words:
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


__all__ = ["TextArguments", "strip_tail"]
