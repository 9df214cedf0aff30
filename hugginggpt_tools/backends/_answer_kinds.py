"""The kinds of answer a question asks for and whether a passage can hold one: the rules by which the bundled
extractive question answerer (:class:`~.bundled_minilm.MiniLMExtractiveQA`) passes over, or declines with, a
passage that is close to the question in meaning but cannot answer it ("What colour was her coat?" over a
sentence with no colour word, "What time does the bakery open?" over "BAKERY OPEN DAILY")."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import NamedTuple

from ._entities import _CODE, _MONTH, _SYMBOL, EMAIL_RE, holds_phone_number, pattern_entities
from ._sentences import TERMINATED_RE

QUESTION_WORDS = frozenset("""a about an and any anyone anything are as at be been by can could did do does for from get
got had has have how in is it its many much of on or per some than that the there these this those to was were what when
where which who whom whose why will with would whats""".split())
"""Words of a question that name nothing to look for in the text."""


def stems(text: str) -> set[str]:
    """Crude stems of ``text``'s words: lower-cased, a final "s" dropped, cut to five letters ("runs"
    and "run", "starting" and "start", "recalled" and "recall" match)."""
    found = set()
    for word in re.findall(r"[^\W_]+", text.lower()):
        if len(word) > 3 and word.endswith("s"):
            word = word[:-1]
        found.add(word[:5])
    return found


_QUESTION_STEMS = frozenset(stems(" ".join(QUESTION_WORDS)))
""":data:`QUESTION_WORDS` as :func:`stems` cuts them ("anything" is "anyth", "this" is "thi")."""


def content_stems(text: str) -> set[str]:
    """The :func:`stems` of ``text`` less those of :data:`QUESTION_WORDS`: what a question looks for."""
    return stems(text) - _QUESTION_STEMS


_NUMBER_WORDS = (r"one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fifteen|twenty|thirty|"
                 r"forty|fifty|sixty|hundreds?|thousands?|millions?|billions?|dozens?")
_MONTHS_DAYS = (r"january|february|march|april|may|june|july|august|september|october|november|december|monday|"
                r"tuesday|wednesday|thursday|friday|saturday|sunday|today|tomorrow|yesterday|noon|midnight")
_HAS_AMOUNT_RE = re.compile(rf"\d|\b(?:{_NUMBER_WORDS}|{_MONTHS_DAYS})\b", re.I)
"""A number, a date or a time written out: what a "how many" or "when" question is answered with; it
makes a passage an answer below the ``confident`` similarity."""
ASKS_WHO_RE = re.compile(r"\bwho(?:m|se)?\b", re.I)
_NAME_RE = re.compile(r"(?<=[^\W\d_,;:] )[A-Z][^\W\d_]+")
"""A capitalized word after a word (not opening the sentence, not after a comma): a name."""
_COLOURS = (r"red|reds|orange|yellow|green|blue|purple|violet|pink|brown|black|white|gr[ae]y|silver|gold|golden|beige|"
            r"tan|navy|teal|turquoise|maroon|crimson|scarlet|ivory|cream|khaki|olive|lilac|lavender|magenta|cyan|"
            r"indigo|amber|bronze|copper|ochre|blond|blonde|ginger|auburn|charcoal|emerald|ruby|coral|mint|peach|"
            r"plum|burgundy|mustard|cobalt|azure|rust|sandy|colou?r(?:s|ed|less|ful)?|hue|shade|transparent|"
            r"reddish|yellowish|greenish|bluish|brownish|greyish|grayish|pinkish|striped|spotted|tartan|plaid")
_ASKS = {
    "colour": re.compile(r"\b(?:what|which)\s+colou?rs?\b|\bin what colou?rs?\b|\bcolou?rs?\s+(?:is|was|are|were)\b",
                         re.I),
    "place": re.compile(r"\bwhere\b|\b(?:in|at|to|from)?\s*(?:what|which)\s+(?:city|town|village|country|state|"
                        r"county|region|place|street|room|building|address|location|venue|continent|island|floor)\b",
                        re.I),
    "time": re.compile(r"\bwhen\b|\b(?:what|which)\s+(?:time|date|day|days|year|month|week|hour|season|century|"
                       r"decade)\b|\bhow (?:long|soon|late|early)\b|\b(?:since|until|till) when\b", re.I),
    "amount": re.compile(r"\bhow (?:much|many|long|old|often|far|heavy|big|tall|high|large|wide|deep|fast|hot|cold|"
                         r"warm|frequently|expensive|cheap)\b|\bwhat (?:percentage|proportion|number|amount|price|age|"
                         r"size|temperature|weight|distance|speed)\b|\bwhat (?:does|do|did|will|would) (?:[\w'-]+ ){1,4}"
                         r"cost\b|\bwhat(?:'s| is| are| was| were)(?: the| a| an)? (?:[\w-]+ )?(?:price|cost|fee|fare|"
                         r"charge|rent)s?\b", re.I),
    "reason": re.compile(r"\bwhy\b|\bwhat (?:is|was|were|are) the reasons?\b|\bfor what reason\b|\bwhat (?:caused|causes|"
                         r"made|makes)\b|\bhow come\b", re.I),
    "phone": re.compile(r"\b(?:phone|telephone|mobile|cell(?:phone)?|fax|contact|office|home|work)[- ]?(?:numbers?|"
                        r"no\.|#)|\b(?:phone|telephone|mobile|cell(?:phone)?|fax)[- ]?no\b(?!\s+(?:more|longer)\b)|\b(?:number|who) (?:(?:should|can|do|could) (?:i|we) )?(?:to )?(?:call|ring|dial)\b|"
                        r"\bhow (?:can|do|should|could) (?:i|we) (?:call|ring|phone|reach)\b", re.I),
    "email": re.compile(r"\be-?mail (?:address(?:es)?|ids?)\b|\bwhat (?:e-?mail|address) (?:should|can|do) (?:i|we) "
                        r"(?:write|send|e-?mail)\b", re.I),
    "link": re.compile(r"\b(?:url|urls|web ?address|web ?link|hyperlink)\b|\b(?:what|which)(?:'s| is| are)? (?:the )?"
                       r"(?:[\w-]+ ){0,2}(?:links?|website|web ?site|web ?page)\b"
                       r"(?! (?:about|say|says|sell|sells|do|does|offer)\b)", re.I),
}
"""The kinds of answer a question asks for that a passage can be checked for cheaply: a colour ("What
colour was her coat?"), a place ("Where ...", "In which city ..."), a date or time ("When ...", "What
time ...", "How long ..."), an amount ("How many ...", "How much ...", "How old ..."), a reason ("Why
...", "What caused ..."), a phone number ("What's the phone number?", "How can I reach her?"), an e-mail
address ("What is his email address?"), a web address ("What's the link?", "Which URL ...")."""
_CAN_HOLD = {
    "colour": re.compile(rf"\b(?:{_COLOURS})\b", re.I),
    "place": re.compile(r"\b(?:in|at|on|near|behind|beside|under|underneath|inside|outside|into|onto|from|across|"
                        r"along|between|above|below|beneath|over|opposite|around|through|within|next to|here|there|"
                        r"home|abroad|upstairs|downstairs|nearby|indoors|outdoors|overseas|away|everywhere|somewhere|"
                        r"where)\b|(?-i:(?<=[^\W\d_,;:] )[A-Z][^\W\d_]+)", re.I),
    "time": re.compile(rf"\d|\b(?:(?:{_MONTHS_DAYS})s?|morning|afternoon|evening|night|tonight|dawn|dusk|sunrise|sunset|"
                       r"days?|weeks?|weekends?|fortnight|months?|years?|hours?|minutes?|seconds?|seasons?|winter|"
                       r"spring|summer|autumn|century|decade|ago|before|after|during|until|till|since|christmas|easter|"
                       r"holidays?|a\.m|p\.m|o'clock)\b", re.I),
    "amount": re.compile(rf"\b(?:{_NUMBER_WORDS}|half|quarter|double|twice|once|single|couple|pair|few|some|"
                         r"several|many|much|more|less|most|least|lots?|plenty|enough|all|none|no|nothing|every|each|"
                         r"daily|weekly|monthly|yearly|annually|free|cheap|expensive)\b",
                         re.I),
    "reason": re.compile(r"\b(?:because|since|so|therefore|thus|hence|due to|owing to|thanks to|as a result|"
                         r"in order to|so that|caus(?:e|es|ed|ing)|reasons?|results?|resulted|led to|leads to|after|"
                         r"meant|means|otherwise|for fear|lest|as (?:he|she|it|they|we|i|you|there))\b|"
                         r"\b(?:why)\b", re.I),
    "email": EMAIL_RE,
    "link": re.compile(r"\bhttps?://|\bwww\.|\b[\w-]+\.(?:com|org|net|io|co|gov|edu|info|dev|app|[a-z]{2})/\S", re.I),
}
"""What a passage that answers each kind of question holds: a colour word; a preposition or adverb of place
or a name; a number, date, time or word of time ("morning", "after", "last week"; not one of frequency,
"DAILY", nor "then" or "now"); a word of quantity ("twice", "several", "free") or a number that is not part of
a date, a time or an address (:func:`_holds_count`, in :func:`can_hold`: "at 2 p.m." is no amount); a word that
gives a cause ("because", "so", "due to", "after") or a cause in a phrase after the question's own words
(:func:`_states_cause`); a phone number (not "phone" here: :func:`holds_phone_number`, which a date or a time
is not); an e-mail address; a web address. Checked leniently: a passage with none of them cannot answer that
kind of question, unless it names the field asked for (:func:`_names_field`: "region: South" for "Which
region ...?", a row of a table). A question may ask for a narrower kind (``_NARROWER``)."""
_KIND_NAMES = {"colour": "colour", "place": "place", "time": "date or time", "amount": "number or amount",
               "reason": "reason", "phone": "phone number", "email": "e-mail address", "link": "web address",
               "day": "day or date", "price": "price or amount of money", "count": "number that counts them"}
_CONTACT_KINDS = frozenset({"phone", "email", "link"})
_CAUSE_PREPOSITIONS = frozenset("on by from with over about at for after".split())


_MONTH_NAMES = _MONTH  # the entity finder's month names, long and short
_WEEKDAY_NAMES = "Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|Mon|Tue|Tues|Wed|Thu|Thur|Thurs|Fri|Sat|Sun"
_MONTH_RE = re.compile(rf"\b(?:{_MONTH_NAMES}|{_MONTH_NAMES.upper()})\b(?!-)|(?i:\b(?:this|last|next|that|the same|"
                       r"the following|the previous) month\b)")
"""A month: its name or short name, capitalized ("May", "Sept", "OCT"; "may" is a verb), or "next month"."""
_DAY_RE = re.compile(rf"\b(?:{_WEEKDAY_NAMES}|{_WEEKDAY_NAMES.upper()})s?\b|(?i:\b(?:today|tomorrow|yesterday|tonight|"
                     r"weekends?|weekdays?)\b|\b\d{1,2}(?:st|nd|rd|th)\b|\bday \d{1,3}\b)")
"""A day: a weekday's name or short name, capitalized, "today", "the weekend", an ordinal ("the 3rd")."""
_YEAR_RE = re.compile(r"(?<![\d,.])(?:1[5-9]|20)\d\d(?!\d|[,.]\d)|'\d\d\b|(?i:\b(?:this|last|next|that|the same|"
                      r"the following|the previous) year\b|\byears? (?:ago|later|earlier|before|after)\b)")
"""A year: four digits from 1500 to 2099 ("in 2009"), "'98", "last year", "two years later"."""
_CLOCK_RE = re.compile(
    r"(?<![\d.,:])\d{1,2}(?:[:.h]\d{2})?\s?(?:a\.?m\.?|p\.?m\.?|o'clock|h)(?![^\W\d_])|"
    r"(?<![\d.,:/-])(?:[01]?\d|2[0-3])[:.h][0-5]\d(?![\d:/-]|\.\d)|"
    rf"\bat (?:[1-9]|1[0-2]|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)\b(?![\d%/]|[.,:]\d|"
    rf"(?:st|nd|rd|th)\b|\s+(?:{_MONTH_NAMES}|percent|per|degrees?|km|kilometres?|miles?|[a-z]+s)\b)|"
    r"\b(?:noon|midday|midnight|morning|afternoon|evening|night|tonight|dawn|dusk|sunrise|sunset|lunchtime)\b", re.I)
"""A time of day: "7 am", "6.30 p.m.", "19h", "10:30", "7.45", "at six", "noon", "in the evening"; not "DAILY"
or "every day"."""
_CURRENCY_WORDS = r"dollars?|euros?|cents?|pence|pounds?|quid|bucks|yen|yuan|francs?|rupees?|kronor|kroner|zloty"
_MONEY_RE = re.compile(
    rf"{_SYMBOL}|\b{_CODE}\b|(?i:\b(?:{_CURRENCY_WORDS})\b|"
    r"\b(?:free|free of charge|no charge|complimentary|at no (?:extra )?cost)\b|"
    r"(?<![\d.,:])\d+[.,]\d{2}(?![\d.,:]|\s?[ap]\.?m\b)|"
    r"\b(?:costs?|costing|prices?|priced|fees?|fares?|charges?|charged|pays?|paid|rent|rates?)\b\W+(?:[^\W\d_]+\W+){0,2}"
    r"\d)")
"""An amount of money: a currency's sign, code or name ("$4", "EUR 30", "twelve euros"), "free", a price with its
cents ("4.50", "12,99"; not a time, "7.30 pm"), or a number after a word of price ("costs only 45", "fee: 30")."""
_AGE_RE = re.compile(
    r"\b(?:years?|yrs?|months?|weeks?)(?:\s|-)old\b|\b(?:aged?|ages?)\b\W{0,3}\d|\bborn\b|\bbirthdays?\b|"
    r"\bturn(?:s|ed|ing)? (?:\d|(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|a hundred)\b)|"
    r"\b(?:teens|twenties|thirties|forties|fifties|sixties|seventies|eighties|nineties)\b|"
    r"\b(?:built|founded|established|erected|constructed|opened|dates (?:back|from)|dating (?:back|from)|since)\b"
    r"(?:\W+[^\W\d_]+){0,2}\W+(?:\d|(?:a|one|two|three|four|five|six|seven|eight|nine|ten) (?:centur|decade))", re.I)
"""An age said as one: "70 years old", "a 3-year-old", "aged 12", "age: 34", "born in 1950", "in her seventies",
"turned 40"; a thing's age by when it was made ("built in 1887", "founded in 1902"). A number that counts
(:func:`_holds_count`: "Sam is 30") is one too; a span of time ("for thirty years") is not."""
_COUNT_WORDS_RE = re.compile(rf"\d|\b(?:{_NUMBER_WORDS}|zero|none|nobody|both|couple|pair|twice|half|single|dozen|"
                             r"thousands?|hundreds?)\b", re.I)
_ADDRESS_RE = re.compile(r"\b\d+[A-Za-z]?\s+(?:[A-Z][\w'-]*\s+){1,3}(?:Street|St|Road|Rd|Lane|Ln|Avenue|Ave|Way|Drive|"
                         r"Dr|Close|Place|Pl|Square|Sq|Boulevard|Blvd|Court|Ct|Terrace|Crescent|Row|Hill|Park|Gardens)\b")
_ORDINAL_RE = re.compile(r"\b\d+(?:st|nd|rd|th)\b|\b(?:no\.?|number|#|room|gate|platform|page|flat|unit|version|v)"
                         r"\s?\d+\b", re.I)
_DATED_YEAR_RE = re.compile(r"\b(?:in|since|by|until|till|from|of|to|before|after|during|around|circa)\s+"
                            r"(?:1[5-9]|20)\d\d\b|(?<![\w,.])(?:1[5-9]|20)\d\d(?![\d,.]\d|\s+[a-z])", re.I)
"""A year that dates something ("in 2009", "Monthly Sales 2024", "May 3, 2025"), not a count ("2000 people")."""


_SPAN_RE = re.compile(rf"\b(?:\d+|{_NUMBER_WORDS}|a|an)(?:\s+|-)(?:years?|months?|weeks?|days?|hours?|minutes?|decades?|"
                      r"centur(?:y|ies))\b(?!\s*old|-old)", re.I)
"""A span of time ("for thirty years", "two weeks", "a two-month refit"): no age."""


def _holds_count(passage: str, spans_of_time: bool = False) -> bool:
    """Whether ``passage`` holds a number that can count things ("Twelve people came", "3 carts", "both"): one
    that is not part of a date, a time of day, a year, a street address, a phone number or an ordinal or
    reference ("14 Carver Lane on Monday, 2 June" counts nothing); nor, with ``spans_of_time``, of a span of
    time ("for thirty years")."""
    spans = [(entity["start"], entity["end"]) for entity in pattern_entities(passage)
             if entity["entity"] in ("DATE", "PHONE")]
    for regex in (_CLOCK_RE, _ADDRESS_RE, _ORDINAL_RE, _DATED_YEAR_RE, *([_SPAN_RE] if spans_of_time else [])):
        spans += [match.span() for match in regex.finditer(passage)]
    text = list(passage)
    for start, end in spans:
        text[start:end] = " " * (end - start)
    return bool(_COUNT_WORDS_RE.search("".join(text)))


SUPERLATIVE_RE = re.compile(
    r"\b(?:most|least|highest|lowest|largest|smallest|biggest|fewest|greatest|maximum|minimum|max|min|top|best|"
    r"worst|busiest|quietest|cheapest|priciest|dearest|longest|shortest|hottest|coldest|warmest|coolest|wettest|"
    r"driest|heaviest|lightest|tallest|oldest|newest|youngest|fastest|slowest|strongest|weakest|peak(?:ed|s)?|"
    r"record)\b", re.I)
"""A word that ranks ("the most sales", "the highest salary", "the busiest day"): a question with one asks which
of several is first, and only a passage that ranks them too answers it."""
_RANKS_RE = re.compile(rf"{SUPERLATIVE_RE.pattern}|\b(?:more|less|fewer|than|beat|led|topped|ahead)\b", re.I)


def _lists_unranked(question: str, regex: re.Pattern[str], passage: str) -> bool:
    """Whether ``passage`` only lists several values that ``regex`` finds (months, days, years) where ``question``
    asks which of them is first ("Which month had the most sales?" over a chart's "Jan Feb Mar Apr"): two or more
    different ones, and no word that ranks them."""
    values = {match.group().lower()[:3] for match in regex.finditer(passage)}
    return len(values) > 1 and bool(SUPERLATIVE_RE.search(question)) and not _RANKS_RE.search(passage)


def _dated(regex: re.Pattern[str], dates: bool = True) -> Callable[[str, str], bool]:
    """A check that a passage holds what ``regex`` finds (a month, a day, a year) or, with ``dates``, a date
    written out ("15/05/2024" holds a month and a day; "4 November" no year), and does not only list several
    of them where the question asks which is first (:func:`_lists_unranked`)."""
    def holds(question: str, passage: str) -> bool:
        dated = dates and any(entity["entity"] == "DATE" for entity in pattern_entities(passage))
        return (dated or bool(regex.search(passage))) and not _lists_unranked(question, regex, passage)
    return holds


_PRICE_WORDS_RE = re.compile(r"\b(?:cost|costs|costing|price|prices|priced|pricing|fee|fees|fare|fares|charge|charges|"
                             r"charged|pay|pays|paid|spend|spent|afford|rent|salary|wage|wages|expensive|cheap|"
                             r"money)\b", re.I)


class _Narrower(NamedTuple):
    """A narrower kind of answer than :func:`asked_kinds`' ``kind``, asked for when ``asks`` finds its words in the
    question ("what time" of "time", "how much does it cost" of "amount"), held when ``holds(question, passage)``."""

    kind: str
    name: str
    asks: re.Pattern[str]
    holds: Callable[[str, str], bool]


_NARROWER = (
    _Narrower("time", "time of day", re.compile(r"\b(?:what|which)\s+times?\b(?!\s+of\s+(?:the\s+)?(?:year|month|"
                                                r"week|season))|\bwhat hours?\b|\bopening (?:hours|times)\b", re.I),
              lambda _question, passage: bool(_CLOCK_RE.search(passage))),
    _Narrower("time", "month", re.compile(r"\b(?:what|which)\s+months?\b", re.I), _dated(_MONTH_RE)),
    _Narrower("time", "day", re.compile(r"\b(?:what|which)\s+(?:days?|date)\b(?!\s+of\s+(?:the\s+)?(?:month|year))",
                                        re.I), _dated(_DAY_RE)),
    _Narrower("time", "year", re.compile(r"\b(?:what|which)\s+years?\b", re.I), _dated(_YEAR_RE, dates=False)),
    _Narrower("amount", "age", re.compile(r"\bhow old\b|\bwhat age\b", re.I),
              lambda _question, passage: bool(_AGE_RE.search(passage)) or _holds_count(passage, spans_of_time=True)),
    _Narrower("amount", "count", re.compile(r"\bhow many\b|\bwhat number of\b", re.I),
              lambda _question, passage: _holds_count(passage)),
    _Narrower("amount", "price", _PRICE_WORDS_RE, lambda _question, passage: bool(_MONEY_RE.search(passage))),
)
"""The narrower kinds of answer, the first that a question asks for counting: "What time ...?" needs a time of day,
"Which month/day/year ...?" that (or a date), "How old ...?" an age, "How many ...?" a number that counts (not
one of a date, a time or an address; "How many people paid?" too), "How much does it cost?" an amount of money."""


def _narrower(kind: str, question: str) -> _Narrower | None:
    """The narrower kind of ``kind`` that ``question`` asks for (``_NARROWER``), or None: the kind itself."""
    return next((narrow for narrow in _NARROWER if narrow.kind == kind and narrow.asks.search(question)), None)


def asked_kinds(question: str) -> set[str]:
    """The kinds of answer ``question`` asks for (``_ASKS``): "colour", "place", "time", "amount", "reason",
    "phone", "email", "link"; a question may ask for more than one ("How long ...?": time and amount); "What did ...?" for none."""
    return {kind for kind, asks in _ASKS.items() if asks.search(question)}


def _states_cause(question: str, passage: str) -> bool:
    """Whether ``passage`` follows one of ``question``'s own words with a phrase that can give a cause
    ("Why is Julia blocked?" and "Julia is blocked on the test account", "delayed by", "tired from")."""
    wanted = content_stems(question)
    words = re.findall(r"[^\W_]+", passage.lower())
    return any(stems(word) & wanted and following in _CAUSE_PREPOSITIONS
               for word, following in zip(words, words[1:]))


_ASKED_FIELD_RE = re.compile(r"\b(?:what|which)\s+([^\W\d_]{3,})\b", re.I)


def _names_field(question: str, passage: str) -> bool:
    """Whether ``passage`` gives a value for the thing ``question`` asks which of ("Which region sold the most?"
    and "month: February, region: South, units: 140", a table's row read as text; "Status: shipped" for "What
    status ...?"): the noun after "which" or "what" followed by a colon or an equals sign and a value."""
    return any(re.search(rf"\b{re.escape(noun)}(?:e?s)?\s*[:=]\s*\S", passage, re.I)
               for noun in _ASKED_FIELD_RE.findall(question) if noun.lower() not in QUESTION_WORDS)


def can_hold(kind: str, question: str, passage: str) -> bool:
    """Whether ``passage`` can hold the ``kind`` of answer ``question`` asks for: the narrower kind the question
    asks for when it asks one (:func:`_narrower`: a time of day for "What time ...?", an amount of money for "How
    much does it cost?"), else ``_CAN_HOLD``'s (a phone number by :func:`holds_phone_number`); or it names the
    field asked for (:func:`_names_field`)."""
    narrow = _narrower(kind, question)
    if narrow is not None:
        held = narrow.holds(question, passage)
    else:
        held = holds_phone_number(passage) if kind == "phone" else bool(_CAN_HOLD[kind].search(passage)) \
            or kind == "amount" and _holds_count(passage)
    return held or kind == "reason" and _states_cause(question, passage) \
        or _names_field(question, passage)


def answer_type_met(question: str, passage: str) -> bool:
    """Whether ``passage`` holds the kind of thing ``question`` asks for, as evidence that it answers a
    question it is less close to: a number, date or time for "when", "how much", "how many", "how long";
    a colour word for "what colour"; a name (a capitalized word inside a sentence) for "who"; a phone
    number, an e-mail address or a web address when asked for one."""
    kinds = asked_kinds(question)
    if kinds & _CONTACT_KINDS:
        return any(can_hold(kind, question, passage) for kind in kinds & _CONTACT_KINDS)
    if kinds & {"time", "amount"}:
        return bool(_HAS_AMOUNT_RE.search(passage))
    if "colour" in kinds:
        return can_hold("colour", question, passage)
    if ASKS_WHO_RE.search(question):
        return bool(_NAME_RE.search(passage))
    return False


def answer_type_missing(question: str, passage: str) -> str | None:
    """The kind of answer ``question`` asks for (:func:`asked_kinds`, or the narrower kind: "time of day",
    "month", "day", "year", "price", "age", "count") that ``passage`` cannot hold, when it can hold none of the
    kinds asked ("What colour was her coat?" over a passage with no colour word, "Why ...?" over one that gives
    no cause, "How much does it cost?" over one with no amount of money); None when it can hold one, or none is
    asked."""
    kinds = asked_kinds(question)
    if not kinds or any(can_hold(kind, question, passage) for kind in kinds):
        return None
    kind = sorted(kinds)[0]
    narrow = _narrower(kind, question)
    return kind if narrow is None else narrow.name


def lacking_name(lacks: str) -> str:
    """How an answer's text names the kind ``lacks`` that a passage cannot hold (:func:`answer_type_missing`)."""
    return _KIND_NAMES.get(lacks, lacks)


_LABEL_WORDS = 6
"""A line of at most this many words, with no sentence end, can be a label whose value is on the next line."""


def value_line(question: str, sentences: list[str], best: int, excluded: set[int]) -> int | None:
    """The index of the line after ``sentences[best]`` when that one is a label (at most ``_LABEL_WORDS`` words,
    no sentence end: "Dentist appointment", "Total due") that cannot hold the kind of answer ``question`` asks
    for and the next line (not in ``excluded``: a header line, a salutation) can ("Tuesday 3:30 pm"): a note,
    a form or a receipt read line by line puts a value under its label. None otherwise."""
    after = best + 1
    if after >= len(sentences) or after in excluded or len(sentences[best].split()) > _LABEL_WORDS \
            or TERMINATED_RE.search(sentences[best]):
        return None
    return after if answer_type_missing(question, sentences[after]) is None else None



_TEXT_UNITS = r"words?|sentences?|paragraphs?|lines?|letters?|syllables?|verses?|stanzas?|tokens?|characters?|chars"
_TEXT_NOUNS = (r"text|file|document|doc|story|passage|article|essay|e-?mail|message|note|notes|letter|poem|"
               r"transcript|report|paragraph|page|post|tweet|review|string|sentence|speech|it|this|that")
_COUNTS_TEXT_RE = re.compile(
    rf"\bhow many (?P<unit>{_TEXT_UNITS})\b(?:(?:\s+(?:are|is|were|was|there|in|does|do|did|has|have|had|contains?|"
    rf"of|the|this|that|my|your|its|whole|entire|above|given|long))*\s+(?:{_TEXT_NOUNS})\b|"
    r"(?:\s+(?:are|is|were|was|there|in|does|do|did|has|have|had|contains?|of|the|this|that|my|your|its|whole|"
    r"entire))*\s+[\w-]+\.[A-Za-z0-9]{2,5}\b|\s*(?:[?.!]|$))|"
    rf"\b(?P<counted>word|sentence|line|character|paragraph|letter) count\b|"
    rf"\bcount (?:the |all )?(?:number of )?(?P<listed>{_TEXT_UNITS})\b(?! (?:as|for)\b)|"
    r"\bhow many times (?:does|do|did|is|are|was|were) (?:the (?:word|name|phrase|term|letter) )?\S+ "
    r"(?P<times>appear|occur|used|mentioned|written|repeated|come up|show up)", re.I)
"""A question that counts the text itself: its words, sentences, lines ("how many words are in story.txt", "how
many lines does the poem have?", "what is the word count?", "how many times does the word 'fox' appear?")."""


_CAST_RE = re.compile(r"\b(?:story|stories|book|novel|play|film|movie|tale|show|series|game|cast)\b", re.I)


def counts_text(question: str) -> str | None:
    """What ``question`` asks to count of the text itself (``_COUNTS_TEXT_RE``: "words", "lines", "times a word
    appears"), or None when it asks no such count. A passage quoted from the text cannot answer it."""
    asked = _COUNTS_TEXT_RE.search(question)
    if asked is None:
        return None
    if asked.group("times"):
        return "times a word appears"
    unit = (asked.group("unit") or asked.group("listed") or asked.group("counted")).lower()
    if unit.startswith("char") and _CAST_RE.search(question):
        return None  # "How many characters are in the story?": its people
    return unit if unit.endswith("s") else f"{unit}s"
