"""The writing systems (scripts) of a text, for a voice that reads one of them.

The bundled Piper voice reads English through espeak-ng, which sounds out Latin letters only;
a letter of another script is spelled out by its name, one sign at a time: "Arabic meem, Arabic
reh ...", "Chinese letter, Chinese letter ...", Cyrillic and Greek words letter by letter. A
300-character Arabic or Chinese paragraph became over three minutes of such audio. :func:`split`
finds the runs of letters in other scripts (pure, standard library only) so that the voice can
refuse such a text, or leave a name in another script out of an English one, before it speaks.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

_FULLWIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}
"""Fullwidth ASCII ("ｈｅｌｌｏ！", typed in Chinese and Japanese text) and the ideographic space, as plain
ASCII: espeak-ng spells a fullwidth letter out as "letter FF48"."""

_SCRIPT_NAMES = {"CJK": "Han", "IDEOGRAPHIC": "Han", "HIRAGANA": "Japanese kana", "KATAKANA": "Japanese kana",
                 "KATAKANA-HIRAGANA": "Japanese kana"}
"""Script names where the first word of a letter's Unicode name is not the script's usual name."""

NAMED_ALONE = frozenset({"Greek"})
"""Scripts whose lone letters espeak-ng names as an English reader would ("the α-helix", "5 μm", "Δt",
"π r": alpha, mu, delta, pi); two or more letters in a row are a word, spelled out."""

_RUN_RE = re.compile(r"F(?:[FMWP]*[FM])?P*")
"""A run of letters of other scripts over the classes :func:`_classes` gives: from a letter to the last
letter or mark, across spaces and non-ASCII punctuation between them, with the punctuation after it
("北京。", "你好」"). A quote mark left behind is not spoken."""

_SPACE_BEFORE_RE = re.compile(r"[ \t]+([.,;:!?)\]])")
"""A space left before a punctuation mark where a run was cut out ("lives in 北京." -> "lives in .")."""


@dataclass(frozen=True)
class Split:
    """A text cut into what a Latin-script reader can say and the runs in other scripts.

    ``kept``: the text without those runs (fullwidth letters made plain); ``skipped``: the runs, in
    order; ``scripts``: their scripts, most letters first; ``latin`` and ``foreign``: how many
    letters each holds."""

    kept: str
    skipped: tuple[str, ...] = ()
    scripts: tuple[str, ...] = ()
    latin: int = 0
    foreign: int = 0

    @property
    def foreign_share(self) -> float:
        """The share of the text's letters that are in other scripts (0 with no letters)."""
        letters = self.latin + self.foreign
        return self.foreign / letters if letters else 0.0


def plain(text: str) -> str:
    """``text`` with fullwidth ASCII and compatibility letters (ligatures, roman numerals, mathematical
    letters, the micro sign) in their plain form, by NFKC, and nothing else changed ("½" stays)."""
    text = text.translate(_FULLWIDTH)
    return "".join(unicodedata.normalize("NFKC", c) if _is_letter(c) and not c.isascii() else c for c in text)


def script(char: str) -> str | None:
    """The script of the letter ``char`` by its Unicode name ("Arabic", "Han", "Cyrillic"), None for a
    Latin letter; "non-Latin" for a letter without a name."""
    name = unicodedata.name(char, "")
    if name.startswith("LATIN"):
        return None
    first = name.split(" ", 1)[0]
    return _SCRIPT_NAMES.get(first, first.title()) if first else "non-Latin"


def split(text: str) -> Split:
    """``text`` (made :func:`plain`) cut into the part a Latin-script reader can say and the runs of
    letters in other scripts; lone letters of a script in :data:`NAMED_ALONE` stay in the text."""
    text = plain(text)
    classes, scripts = _classes(text)
    kept, skipped, counts = [], [], {}
    last = 0
    for run in _RUN_RE.finditer(classes):
        found = [scripts[i] for i in range(run.start(), run.end()) if classes[i] == "F"]
        if set(found) <= NAMED_ALONE and "FF" not in run.group():  # lone letters: "angles α, β and γ"
            continue
        kept.append(text[last: run.start()])
        skipped.append(_bare(text[run.start(): run.end()]))
        last = run.end()
        for name in found:
            counts[name] = counts.get(name, 0) + 1
    if not skipped:
        return Split(text, latin=classes.count("L"))
    kept.append(text[last:])
    said = _SPACE_BEFORE_RE.sub(r"\1", re.sub(r"[ \t]{2,}", " ", " ".join(kept))).strip()
    order = tuple(sorted(counts, key=lambda name: -counts[name]))
    return Split(said, tuple(skipped), order, classes.count("L"), sum(counts.values()))


def _bare(run: str) -> str:
    """A run as the user is shown it: without the spaces and punctuation after it ("北京" of "北京。")."""
    return run.strip().rstrip("".join(c for c in run if unicodedata.category(c)[0] == "P")).strip()


def _is_letter(char: str) -> bool:
    """A letter of some script; not a modifier letter of no script (the apostrophe of "donʼt", the
    ʻokina of "Hawaiʻi", a stress mark), which the voice passes over as it does punctuation."""
    kind = unicodedata.category(char)
    if kind == "Lm" and unicodedata.name(char, "").startswith("MODIFIER LETTER"):
        return False
    return kind[0] == "L" or kind == "Nl"


def _classes(text: str) -> tuple[str, list[str | None]]:
    """One class per character of ``text`` (a :func:`plain` text), and each letter's script: ``L`` a
    Latin letter, ``F`` a letter of another script, ``M`` a mark or format character (it belongs to
    the letter before it), ``W`` white space, ``P`` non-ASCII punctuation or digits ("。", "」",
    "،", "٣"), ``N`` anything else (ASCII punctuation and digits, symbols)."""
    classes, scripts = [], []
    for char in text:
        kind = unicodedata.category(char)
        name = script(char) if _is_letter(char) else None
        if _is_letter(char):
            classes.append("F" if name else "L")
        elif kind[0] == "M" or kind == "Cf":
            classes.append("M")
        elif char.isspace():
            classes.append("W")
        elif not char.isascii() and (kind[0] == "P" or kind == "Nd"):
            classes.append("P")
        else:
            classes.append("N")
        scripts.append(name)
    return "".join(classes), scripts


__all__ = ["NAMED_ALONE", "Split", "plain", "script", "split"]
