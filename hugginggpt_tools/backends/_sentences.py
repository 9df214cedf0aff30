"""Sentence splitting for the bundled text models: :func:`split_sentences` cuts a text into the
sentences that the extractive summarizer picks from and the extractive question answerer quotes;
:func:`split_texts` cuts apart several texts joined by :data:`TEXTS_SEPARATOR`."""

from __future__ import annotations

import re

from ..schemas import TEXTS_SEPARATOR, TEXTS_SEPARATOR_RE

LIST_ITEM_RE = re.compile(r"(?:[-*•●○◦▪■□►▸‣⁃✓✔➢]|\d+[.)]|[a-z]\))\s")
"""How a list item opens: a bullet ("- ", "* ", "• ", "▪ ", "✓ ") or a number or letter ("2. ", "b) ")."""
_BLOCK_RE = re.compile(rf"\s*\n\s*\n\s*|\s*\n(?=\s*{LIST_ITEM_RE.pattern})")
"""Breaks no sentence runs across: blank lines, and line breaks before a list item (:data:`LIST_ITEM_RE`)."""
_END_RE = re.compile(r"[.!?…][\"'”’)\]]*\s+|[。！？][」』”’）)]*\s*")
"""A possible sentence end: ``.``, ``!``, ``?`` with closing quotes and a space, or a Chinese or
Japanese full stop (no space after it)."""
_ABBREVIATION_RE = re.compile(r"\b(?:Mr|Mrs|Ms|Dr|Prof|Sr|Jr|St|Mt|No|vs|etc|e\.g|i\.e|Inc|Ltd|Co|Corp|Jan|Feb|Mar|Apr|"
                              r"Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)\.$")
_ENUMERATOR_RE = re.compile(r"\s*(?:\d{1,3}|[A-Za-z]|[IVXivx]{1,4})[.)]\s*$")
"""A list item's number or letter alone ("1.", "b)", "IV."): no sentence ends after it."""
_INITIAL_RE = re.compile(r"(?<![^\W\d_])[A-Z]\.$")
_STARTERS = frozenset("""A An And As At But By For He Her His How I If In It Its My No Now Of On One Our She So Some That
The Their Then There These They This Those To We What When Where Which While Who Why Yet You Your
After Also Although Always Are Because Before Did Does Each Every Here However Is Just Many Never Not Once Only Since
Thank Thanks Today Tomorrow Unless Until Was Were With Yes
Add Ask Avoid Be Bring Call Check Click Come Contact Do Don't Enter Find Follow Get Give Join Keep Leave Let Look Make
Note Please Put Remember Report Return Send Stop Take Try Turn Use Visit Wait""".split())
"""Words that open a sentence, so "Plan B. It failed." and "... behind building C. Do not use the lifts." split
after the capital where "J. R. Tolkien" does not: pronouns, articles, conjunctions and question words, adverbs
that open a sentence ("However", "Also"), and verbs that open an instruction ("Please", "Note", "Do", "Don't",
"Call"); words seldom a surname after an initial ("Michael J. Fox" stays whole)."""
_OPENING = "\"'“‘([¿¡"


def _opens_sentence(text: str) -> bool:
    """Whether ``text`` begins like a sentence: a capital (any script) or a digit, quotes aside."""
    head = text.lstrip(_OPENING)[:1]
    return head.isupper() or head.isdigit()


def _opens_with_starter(text: str) -> bool:
    """Whether ``text`` opens with a word of ``_STARTERS``, quotes aside; a contraction by its whole
    ("Don't") or by the word before its apostrophe ("It's" as "It")."""
    word = re.match(r"\w*(?:['’]\w+)?", text.lstrip(_OPENING)).group().replace("’", "'")
    return word in _STARTERS or word.partition("'")[0] in _STARTERS


_HSPACE_RE = re.compile(r"[^\S\n]+")
_CONTINUES = frozenset("""a an and are as at be but by for from in into is of on or that the their to was were which
onto per than via who with""".split())
"""Words a line does not end on when the next line starts a new sentence: a line ending on one is wrapped."""
_FILLERS = frozenset("um uh umm uhm erm er hmm mm ah".split())
"""Filler words of speech, dropped from the ends of a piece cut out of an unpunctuated transcript."""
_OPENERS = {**dict.fromkeys("okay ok alright anyway so well um uh umm uhm erm yeah hi hello thanks".split(), 2),
            **dict.fromkeys("but and then also".split(), 1)}
"""Words that often open an utterance in an unpunctuated transcript, with how strongly: a piece is cut before one."""
_LONG_WORDS, _PIECE_MIN, _PIECE_TARGET, _PIECE_MAX = 50, 8, 20, 32
"""A piece of more than ``_LONG_WORDS`` words with no sentence end (a speech-recognition transcript) is cut into
pieces of ``_PIECE_MIN`` to ``_PIECE_MAX`` words, about ``_PIECE_TARGET``."""


def _line_structured(lines: list[str]) -> bool:
    """Whether a block's lines are items rather than a wrapped paragraph (OCR of a receipt, a slide, a
    signature): at least three in five of the lines after the first open with no lower-case letter."""
    rest = lines[1:]
    return bool(rest) and sum(not line[:1].islower() for line in rest) >= 0.6 * len(rest)


HEADER_FIELDS = "from|to|cc|bcc|subject|re|date|sent"
"""The fields of an e-mail's or memo's header lines ("From:", "Subject:", "Sent:"), case aside."""
_HEADER_LINE_RE = re.compile(rf"(?:{HEADER_FIELDS})\s*:\s*\S", re.IGNORECASE)
HEADER_WORDS = 25
"""A header line is at most this many words: a longer line that opens "To: ..." is prose."""


def _header_line(line: str) -> bool:
    return bool(_HEADER_LINE_RE.match(line)) and len(line.split()) <= HEADER_WORDS


def _line_segments(block: str) -> list[str]:
    """``block`` cut at the line breaks that start a new item: each header line ("From: ...",
    "Subject: ...") is one, and between them, in a line-structured run of lines, before each line that
    opens with no lower-case letter, unless the line before ends on a comma, hyphen or a word that
    needs more ("to", "the", "and"); other line breaks (wrapped text) are spaces."""
    lines = [line.strip() for line in block.split("\n") if line.strip()]
    segments: list[str] = []
    run: list[str] = []
    for line in [*lines, None]:
        if line is not None and not _header_line(line):
            run.append(line)
            continue
        if run:
            segments += _run_segments(run)
            run = []
        if line is not None:
            segments.append(line)
    return segments


_MINOR = frozenset("a an and as at but by for from in into nor of on or over per the to via vs with".split())
"""Words a title leaves lower-case ("Pride and Prejudice", "A Guide to the City")."""
_HEADING_WORDS = 12
"""A heading is at most this many words."""
_SMALL_LAST = _CONTINUES | _MINOR
"""Words no heading ends on ("A Guide to the", "Diversion via")."""
_TRAILING = _SMALL_LAST | frozenset("""about after against before between during through under until upon
within without than this these those my our your his her its their no not very will would can could should shall may
might must has have had do does did being been""".split())
"""Words a heading in sentence case does not end on ("... will be closed due to", "Chief executive Dana Wills said the
company will"): a line ending on one goes on in the next."""
_HEADING_RUN = 3
"""At most this many headings in a row stand over prose (a kicker, a title and a subtitle: "FOR IMMEDIATE
RELEASE", "GreenLeaf Foods opens new factory in Toledo"); more are the lines of a receipt or a slide."""


def _heading_words(line: str) -> list[str] | None:
    """``line``'s words when it is shaped like a heading: 1 to ``_HEADING_WORDS`` words, a capital first,
    no sentence end, comma, colon or hyphen at its end and no word that needs more ("the", "and", "via")
    last; else None."""
    words = line.split()
    if not 0 < len(words) <= _HEADING_WORDS or TERMINATED_RE.search(line) or line[-1] in ",;:-–—(&/":
        return None
    if words[-1].lower() in _SMALL_LAST or not words[0].lstrip(_OPENING)[:1].isupper():
        return None
    return words


def _title_case(words: list[str]) -> bool:
    """Whether ``words`` are in Title Case or capitals: every word a capital or a digit first but the small
    words of a title ("of", "and", "the") after the first."""
    heads = [word.lstrip(_OPENING)[:1] for word in words]
    return all(head.isupper() or head.isdigit() or not head.isalpha() or (k and word in _MINOR)
               for k, (word, head) in enumerate(zip(words, heads, strict=True)))


def heading(line: str) -> bool:
    """Whether ``line`` reads as a heading or title: at most ``_HEADING_WORDS`` words, a capital first, with no
    sentence end, comma, colon or hyphen at its end and no word that needs more ("the", "and", "of") last,
    in Title Case ("City Council Approves New Cycling Lanes", "Grandma's Banana Bread"), in capitals ("FOR
    IMMEDIATE RELEASE") or in sentence case ("Team meeting notes", "GreenLeaf Foods opens new factory in
    Toledo") ending on no small word (:data:`_TRAILING`: "of", "via", "will", "this")."""
    words = _heading_words(line)
    return words is not None and (_title_case(words) or words[-1].lower() not in _TRAILING)


def headings(sentences: list[str]) -> set[int]:
    """The indexes of the ``sentences`` that are headings over prose: up to ``_HEADING_RUN`` :func:`heading`
    lines in a row ("FOR IMMEDIATE RELEASE", "GreenLeaf Foods opens new factory in Toledo") followed by a
    sentence that ends like one, at the text's start or after a sentence that ends (or ends on a comma or
    colon: "Dear Sam,"). A summary leaves them out; the lines of a receipt or a slide ("GREEN VALLEY
    MARKET", "123 Oak Street", "Milk 2.49", then "Thank you for shopping with us.") are not headings."""
    found: set[int] = set()
    for end, sentence in enumerate(sentences):
        if not TERMINATED_RE.search(sentence):
            continue
        start = end
        while start > 0 and end - start < _HEADING_RUN and heading(sentences[start - 1]):
            start -= 1
        if start < end and (start == 0 or TERMINATED_RE.search(sentences[start - 1])
                            or sentences[start - 1][-1] in ",:"):
            found.update(range(start, end))
    return found


def _breaks_before(line: str, after: str, width: int) -> bool:
    """Whether a heading ``line`` stands apart from the line ``after`` it that opens a sentence: in Title Case
    or capitals, or in sentence case when the line break is not a wrap (the first word of ``after`` would
    have fit on ``line`` in the block's ``width``, its longest line: a DOCX paragraph or a line of its own,
    where a wrapped line of prose is as full as the words allow)."""
    words = _heading_words(line)
    if words is None or not _opens_sentence(after):
        return False
    return _title_case(words) or (words[-1].lower() not in _TRAILING
                                  and len(line) + 1 + len(after.split(" ", 1)[0]) <= width)


def _heading_runs(lines: list[str]) -> list[list[str]]:
    """``lines`` cut after each :func:`heading` that stands apart from the next line (:func:`_breaks_before`):
    a title over a wrapped paragraph is a sentence of its own, not glued to the paragraph's first sentence."""
    width = max(map(len, lines), default=0)
    runs: list[list[str]] = [[]]
    for k, line in enumerate(lines):
        runs[-1].append(line)
        if k + 1 < len(lines) and _breaks_before(line, lines[k + 1], width):
            runs.append([])
    return runs


def _run_segments(lines: list[str]) -> list[str]:
    """A run of lines with no header line among them cut after headings (:func:`_heading_runs`) and, when the
    run is line-structured as a whole (:func:`_line_structured`), into its items as :func:`_line_segments` says."""
    structured = _line_structured(lines)
    return [segment for run in _heading_runs(lines) for segment in _items(run, structured)]


def _items(lines: list[str], structured: bool) -> list[str]:
    """``lines`` joined into one segment, or, when ``structured``, cut before each line that opens with no
    lower-case letter unless the line before ends on a comma, hyphen or a word that needs more ("to", "the")."""
    if not structured:
        return [" ".join(lines)]
    segments = [[lines[0]]]
    for line in lines[1:]:
        last = segments[-1][-1]
        if line[:1].islower() or last[-1:] in ",-–" or last.rsplit(" ", 1)[-1].lower() in _CONTINUES:
            segments[-1].append(line)
        else:
            segments.append([line])
    return [" ".join(segment) for segment in segments]


def _sentence_ends(segment: str) -> list[str]:
    """``segment`` cut after its sentence ends, in one pass: each possible end is judged on the dozen
    characters before it and the word after it, so the cost is linear in the text's length."""
    pieces: list[str] = []
    start = 0
    for end in _END_RE.finditer(segment):
        cut = end.end()
        if cut >= len(segment):
            break
        if end.group()[0] in ".!?…":
            after = segment[cut:cut + 40]
            before = segment[max(start, end.start() - 12):cut].rstrip()
            if not _opens_sentence(after) or _ABBREVIATION_RE.search(before) or _ENUMERATOR_RE.match(
                    segment, start, cut) or (_INITIAL_RE.search(before) and not _opens_with_starter(after)):
                continue
        pieces.append(segment[start:cut].rstrip())
        start = cut
    pieces.append(segment[start:])
    return pieces


def _strip_fillers(words: list[str]) -> list[str]:
    start, end = 0, len(words)
    while start < end and words[start].lower() in _FILLERS:
        start += 1
    while end > start and words[end - 1].lower() in _FILLERS:
        end -= 1
    return words[start:end] or words


TERMINATED_RE = re.compile(r"[.!?…。！？][\"'”’)\]」』）]*$")
"""A sentence end at the end of a text: ``.``, ``!``, ``?``, ``…`` or a Chinese or Japanese full stop, closing
quotes or brackets after it."""


def _cut_run_on(piece: str) -> list[str]:
    """A piece of more than ``_LONG_WORDS`` words that does not end a sentence (speech recognized with
    no punctuation, a run-on list) cut into sentence-sized pieces: each of ``_PIECE_MIN`` to ``_PIECE_MAX`` words, ending after a comma,
    semicolon or colon or before a word that opens an utterance ("okay", "so", "um", "but"), the
    strongest such break nearest ``_PIECE_TARGET`` words; filler words ("um", "uh") at a piece's ends
    are dropped. Other pieces are kept whole."""
    words = piece.split()
    if len(words) <= _LONG_WORDS or TERMINATED_RE.search(piece):
        return [piece]

    def strength(k: int) -> int:  # of a break before words[k]; none after "the", "and", "to"
        if words[k - 1].lower() in _CONTINUES:
            return 0
        return 3 if words[k - 1][-1] in ",;:" else _OPENERS.get(words[k].lower(), 0)

    pieces, start = [], 0
    while len(words) - start > _PIECE_MAX:
        stop = min(start + _PIECE_MAX, len(words) - _PIECE_MIN)
        cut = max(range(start + _PIECE_MIN, stop + 1),
                  key=lambda k: (strength(k), -abs(k - start - _PIECE_TARGET)))
        pieces.append(words[start:cut])
        start = cut
    pieces.append(words[start:])
    return [" ".join(_strip_fillers(chunk)) for chunk in pieces]


def split_texts(text: str) -> list[str]:
    """The texts joined by :data:`TEXTS_SEPARATOR` (a record separator, U+001E, with any white space
    around it) in ``text``, blank ones dropped: one text when there is none."""
    return [part for part in TEXTS_SEPARATOR_RE.split(text) if part.strip()] or [text]


def split_sentences(text: str) -> list[str]:
    """``text`` cut into sentences: after ``.``, ``!`` or ``?`` before a capital (any script) or
    a digit, not after "Dr." or an initial ("J. R. Tolkien", but "Plan B. It failed." and "... behind
    building C. Do not use the lifts." split: a word that opens sentences or instructions follows);
    after a Chinese or Japanese full stop; at blank lines and before list items. A header line of an
    e-mail or memo ("From: ...", "To: ...", "Subject: ...", "Date: ...") is a sentence of its own,
    even over a paragraph wrapped with no blank line after it. A block whose lines
    mostly open with no lower-case letter (OCR of a receipt or a slide, a heading over a paragraph, a
    signature) is cut into its lines, a line that starts lower-case or follows one ending on a comma
    or "the" joined to the one before; elsewhere a sentence wrapped over lines stays whole, but a heading
    (a short line with no sentence end: "City Council Approves New Cycling Lanes", "FOR IMMEDIATE RELEASE",
    or in sentence case, "Team meeting notes", where the next line's first word would have fit on it: not a
    wrap) over a line that opens a sentence is a sentence of its own (:func:`heading`). A run of
    more than 50 words with no sentence end (a speech-recognition transcript with no punctuation) is
    cut into pieces of 8 to 32 words before words that open an utterance ("so", "okay", "um") or after
    commas, filler words at their ends dropped. Linear in the text's length."""
    pieces: list[str] = []
    text = _HSPACE_RE.sub(" ", text.strip())
    for block in _BLOCK_RE.split(text):
        for segment in _line_segments(block):
            for piece in _sentence_ends(segment):
                piece = " ".join(piece.split())
                if piece:
                    pieces.extend(_cut_run_on(piece))
    return pieces


def join_sentences(sentences: list[str]) -> str:
    """``sentences`` quoted one after another (a summary's): a space apart, but a line break after one with no
    sentence end (a slide's or a receipt's line, a list item, a heading) and before a list item ("- ", "• ",
    "2. "), so items stay apart ("Website visits up 18%", "Social ads cost $42,000") rather than run together."""
    out = sentences[:1]
    for before, sentence in zip(sentences, sentences[1:]):
        out.append("\n" if not TERMINATED_RE.search(before) or LIST_ITEM_RE.match(sentence) else " ")
        out.append(sentence)
    return "".join(out)


__all__ = ["HEADER_FIELDS", "HEADER_WORDS", "LIST_ITEM_RE", "TERMINATED_RE", "TEXTS_SEPARATOR", "heading", "headings",
           "join_sentences", "split_sentences", "split_texts"]
