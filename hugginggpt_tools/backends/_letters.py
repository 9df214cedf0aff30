"""The parts of a letter, e-mail or memo that the extractive question answerer reads as such
(:class:`~.bundled_minilm.MiniLMExtractiveQA`): the sign-off and signature, the salutation, and header
lines ("From:", "To:", "Subject:", "Date:"), with the questions that ask for them."""

from __future__ import annotations

import re

from ._sentences import HEADER_FIELDS, HEADER_WORDS, TERMINATED_RE

_ASKS_SENDER_RE = re.compile(
    r"\bwho(?:m)?\b(?:\s+\w+){0,3}?\s+(?:signed|signs|sign|wrote|writes|write|written|sent|sends|send|authored|penned)\b|"
    r"\bfrom whom\b|\bwho(?:m)?(?:'s|\s+is|\s+was|\s+are)\s+(?:it|this|that|they|the\s+[\w-]+)\s+from\b|"
    r"\b(?:sender|signatory|signer|signature)\b|\bwho(?:'s|\s+is|\s+was) the (?:author|writer)\b(?! of (?!(?:the|this|that) "
    r"(?:letter|e-?mail|note|message|memo|card|invitation|notice|complaint)\b))", re.IGNORECASE)
"""A question about who signed, wrote or sent the text: "Who signed the letter?", "Who wrote this?",
"From whom is it?", "Who is the email from?", "Who's the sender?"; not "Who came from Paris?"."""
_CLOSINGS = (r"(?:yours\s+)?(?:sincerely|faithfully|truly|respectfully|cordially)(?:\s+yours)?|yours|"
             r"(?:with\s+)?(?:best|kind|kindest|warm|warmest|many|warm\s+best)\s+(?:regards|wishes|thanks)|"
             r"(?:with\s+)?(?:regards|thanks|love|best\s+wishes|gratitude)|best|cheers|thanks|thank\s+you|love|"
             r"all\s+the\s+best|take\s+care|talk\s+soon|signed|respectfully\s+submitted")
_SIGN_OFF_RE = re.compile(rf"^(?:{_CLOSINGS})\s*(?:[,!:\-\u2013\u2014]\s*|$)(?P<name>[^.!?]{{0,80}})$", re.IGNORECASE)
"""A letter's closing ("Kind regards,", "Yours faithfully", "Best, Jo", "Cheers, Owen"), with the name
that follows it on the same line, if any; not a sentence that opens with "Thanks for ..."."""
_SALUTATION_RE = re.compile(r"^(?:dear|hi|hello|hey|greetings|good (?:morning|afternoon|evening)|to whom it may "
                            r"concern)\b", re.IGNORECASE)
"""How a letter's salutation opens ("Dear Ms. Novak,", "Hi Priya,", "To whom it may concern,"): see
:func:`_salutation`."""
_SIGNATURE_WORDS = 8
_MESSAGE = (r"(?:(?:the|this|that|your|my|his|her|our|their)\s+(?:letter|e-?mail|mail|note|message|memo|memorandum|"
            r"notice|reply|invitation|card)\b|it|this|that)")
"""A question's words for the message itself: "it", "this", "the email", "this memo", "your letter"."""
_HEADER_RE = re.compile(rf"^(?P<field>{HEADER_FIELDS})\s*:\s*(?:(?:re|fwd?|aw)\s*:\s*)*"
                        r"(?P<value>\S.{0,150})$", re.IGNORECASE)
"""A message's header line ("From: Laura Chen", "To: All staff", "Subject: Re: Fire drill", "Sent: 3 May"), its
value without the "Re:"/"Fwd:" of a reply or forward."""
_HEADER_ROLES = {"from": "sender", "to": "recipient", "cc": "recipient", "bcc": "recipient", "subject": "subject",
                 "re": "subject", "date": "date", "sent": "date"}
_ASKS_HEADER = {
    "recipient": re.compile(
        rf"\bto whom\b|\brecipients?\b|\baddressee\b|\bwho(?:m)?(?:'s|\s+is|\s+was|\s+are|\s+were)\s+{_MESSAGE}\s+"
        rf"(?:for|to|meant for|(?:addressed|sent|written|going|copied)\s+to)\b|\bwho(?:m)?\s+(?:did|does|do)\s+\w+"
        rf"(?:\s+\w+)?\s+(?:send|write|address|copy)\s+{_MESSAGE}\s+to\b|\bwho\s+(?:received|receives|got|gets)\s+"
        rf"{_MESSAGE}|\bwho\s+(?:is|was|were)\s+(?:copied|cc'?d)\b", re.IGNORECASE),
    "date": re.compile(
        rf"\bwhen\s+(?:was|is|were)\s+{_MESSAGE}\s+(?:sent|written|dated|posted|mailed|e-?mailed)\b|\bwhen\s+did\s+\w+"
        rf"(?:\s+\w+)?\s+(?:send|write|post)\s+{_MESSAGE}|\b(?:what|which)(?:'s|\s+is|\s+was)\s+the\s+date\s+"
        rf"(?:of|on)\s+{_MESSAGE}|\bwhat\s+(?:date|day)\s+(?:was|is)\s+{_MESSAGE}\s+(?:sent|written|dated)\b",
        re.IGNORECASE),
    "subject": re.compile(
        rf"\bsubject(?:\s+line)?\s+of\s+{_MESSAGE}|\bwhat(?:'s|\s+is|\s+was)\s+the\s+subject\b|\bwhat(?:'s|\s+is|"
        rf"\s+was)\s+{_MESSAGE}\s+(?:about|regarding|concerning)\b|\bwhat\s+(?:is|was)\s+the\s+topic\s+of\s+{_MESSAGE}",
        re.IGNORECASE)}
"""Questions that ask for a header's value: who a message went to ("Who is the memo addressed to?", "Who are
the recipients?"), when it was sent ("When was the email sent?", "What is the date of the letter?") and what
it is about ("What is the subject of the email?", "What's this memo about?"). Who sent it: ``_ASKS_SENDER_RE``."""


def _signature_line(sentence: str) -> bool:
    """Whether ``sentence`` can be a line of a signature (a name, a role, an organization): at most
    ``_SIGNATURE_WORDS`` words, no sentence end, not a postscript."""
    return (len(sentence.split()) <= _SIGNATURE_WORDS and not TERMINATED_RE.search(sentence)
            and not re.match(r"p\.?\s?s\b", sentence, re.IGNORECASE))


def signature(sentences: list[str]) -> tuple[str, list[int]] | None:
    """Who signed the text of ``sentences`` (:func:`split_sentences`) and which sentences say so: the
    name after the last closing ("Kind regards, Tomas Varga", "Yours faithfully," then "Margaret
    Okafor") with the line after it when that is also a signature line (a role: "Head of
    Engineering"), joined by a comma; else the name of a "From:" header line; else None."""
    for k in range(len(sentences) - 1, -1, -1):
        closing = _SIGN_OFF_RE.match(sentences[k])
        if not closing:
            continue
        lines, used = [], [k]
        name = closing.group("name").strip(" ,")
        if name:
            lines.append(name)
        for j in range(k + 1, min(k + 3, len(sentences))):
            if len(lines) == 2 or not _signature_line(sentences[j]):
                break
            lines.append(sentences[j].strip(" ,"))
            used.append(j)
        if lines:
            return ", ".join(lines), used
    return header_answer(sentences, "sender")


def headers(sentences: list[str]) -> dict[int, tuple[str, str]]:
    """The header lines among ``sentences`` (:func:`split_sentences`) of an e-mail or memo ("From:",
    "To:", "Cc:", "Subject:", "Re:", "Date:", "Sent:", case aside), by index: what the line says
    (``"sender"``, ``"recipient"``, ``"subject"``, ``"date"``) and its value ("Re:"/"Fwd:" dropped).
    A header is a line of its own of at most :data:`HEADER_WORDS` words; a sentence that goes on past it is none."""
    found = {}
    for k, sentence in enumerate(sentences):
        header = _HEADER_RE.match(sentence)
        if header and len(sentence.split()) <= HEADER_WORDS:
            found[k] = (_HEADER_ROLES[header.group("field").lower()], header.group("value").strip(" ,;"))
    return found


def header_answer(sentences: list[str], role: str) -> tuple[str, list[int]] | None:
    """The value of the first header line that says ``role`` (:func:`headers`: "sender", "subject" or
    "date") or of all the recipient lines joined by "; " ("All staff; Tom Ruiz" from "To:" and "Cc:"),
    in the first message's header (a forwarded message's "From:" starts another), and their indexes;
    None when there is no such line."""
    found, senders = [], 0
    for k, (said, value) in headers(sentences).items():
        senders += said == "sender"
        if senders > 1:  # a forwarded or quoted message's header: the first message's is the answer
            break
        if said == role and (not found or role == "recipient"):
            found.append((k, value))
    return ("; ".join(value for _k, value in found), [k for k, _value in found]) if found else None


def asked_header(question: str) -> str | None:
    """Which header ``question`` asks for: "recipient" ("Who is the memo addressed to?"), "sender"
    ("Who sent the email?"), "date" ("When was the letter sent?"), "subject" ("What is this email
    about?"), or None. Asked first for the recipient: "Who was it sent to?" is not about the sender."""
    if _ASKS_HEADER["recipient"].search(question):
        return "recipient"
    if _ASKS_SENDER_RE.search(question):
        return "sender"
    return next((role for role in ("date", "subject") if _ASKS_HEADER[role].search(question)), None)


def _salutation(sentence: str) -> bool:
    """Whether ``sentence`` is a letter's salutation: opens with "Dear", "Hi", "Hello", ... and is a
    line of at most ``_SIGNATURE_WORDS`` words with no sentence end ("Dear Ms. Novak,"; not "Hello,
    I am writing about my order.")."""
    return bool(_SALUTATION_RE.match(sentence)) and len(sentence.split()) <= _SIGNATURE_WORDS and not \
        TERMINATED_RE.search(sentence)


_INTRODUCTION_RE = re.compile(r"^(?:hi|hello|hey|hiya|good (?:morning|afternoon|evening))\b[\s,!]*(?:\w+[\s,]+)?"
                              r"(?:this is|it's|it is|i'm|i am|my name is|you've reached|you have reached)\s",
                              re.IGNORECASE)
"""How a caller or writer says who they are ("Hi, this is Kai from the garage.", "Hello Sam, it's Rosa")."""


def introduction(sentence: str) -> bool:
    """Whether ``sentence`` is a greeting that only says who is speaking or writing: opens with "Hi",
    "Hello", ... and "this is", "it's", "my name is", in at most 12 words ("Hi, this is Kai from the
    garage.", "Hello, it's Rosa from the dental practice."; not "Hello, the office is closed on Monday.")."""
    return bool(_INTRODUCTION_RE.match(sentence)) and len(sentence.split()) <= 12


def letter_furniture(sentences: list[str]) -> set[int]:
    """The indexes of a letter's salutation ("Dear ..."), its closing and the signature lines after
    it (:func:`signature`): they name who wrote to whom and answer nothing else."""
    found = {k for k, sentence in enumerate(sentences) if _salutation(sentence)}
    for k, sentence in enumerate(sentences):
        if _SIGN_OFF_RE.match(sentence):
            found.add(k)
            found.update(j for j in range(k + 1, min(k + 3, len(sentences))) if _signature_line(sentences[j]))
    return found


__all__ = ["asked_header", "header_answer", "headers", "introduction", "letter_furniture", "signature"]
