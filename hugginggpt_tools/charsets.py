"""What text is written in: a file's bytes as text (:func:`decoded`, :func:`decode_text`) and text
that holds no characters a model reads (:func:`lone_surrogate`).

A text file is read as UTF-8, or UTF-16/32 by its byte-order mark; bytes that are not UTF-8 (a file
saved by an older Windows program) are read as the web page declares, else as Windows-1252, never
replaced unsaid: the note names the byte, the encoding assumed and the fix. A lone surrogate (a
byte kept by ``errors='surrogateescape'``, half of an emoji's UTF-16 pair) is named by its index.
"""

from __future__ import annotations

import codecs
import logging
import re

logger = logging.getLogger(__name__)


def decode_text(data: bytes, name: str = "") -> str:
    """A text file's bytes as text (:func:`decoded`); when they are not in the encoding they claim
    or UTF-8, a warning is logged naming the file ``name``, the first byte that is not, the encoding
    assumed instead and the fix (save the file as UTF-8). No character is replaced unsaid."""
    text, note = decoded(data)
    if note:
        logger.warning("%s %s", repr(name) if name else "The text", note)
    return text


def decoded(data: bytes) -> tuple[str, str | None]:
    """A text file's bytes as text, and a note when they were not read as UTF-8 or by their mark.

    UTF-16 or UTF-32 when the file starts with their byte-order mark (Windows Notepad's "Unicode"),
    else UTF-8 (a UTF-8 mark dropped). Bytes that are not UTF-8 (a file saved by an older Windows
    program: an é saved as the byte 0xE9, curly quotes as 0x93 and 0x94) are read in the charset a
    web page declares (``<meta charset>``), else as Windows-1252 (:func:`_utf8_or_windows_1252`);
    the note names the byte, the encoding assumed and the fix. A file with a byte-order mark whose
    bytes do not follow it has its bad bytes replaced (U+FFFD), and the note counts them."""
    for mark, codec in ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
                        (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(mark):  # UTF-32-LE's mark begins with UTF-16-LE's: it is tried first
            text = data.decode(codec, errors="replace")
            bad = text.count("\ufffd") - data.decode(codec, errors="ignore").count("\ufffd")
            return text, (f"starts with a {codec.upper()} byte-order mark, but {bad} of its characters (bytes that "
                          f"are not {codec.upper()}) were replaced by \ufffd; save the file again as UTF-8."
                          if bad else None)
    try:
        return data.decode("utf-8-sig"), None
    except UnicodeDecodeError:
        pass
    declared = _declared_charset(data)
    if declared:
        try:
            return data.decode(declared), None  # the page says what it is written in
        except (UnicodeError, LookupError):  # a label like "undefined" raises a plain UnicodeError
            pass
    return _utf8_or_windows_1252(data)


def windows_1252(byte: int) -> str:
    """The character ``byte`` stands for in Windows-1252 as web browsers read it (its five
    unassigned bytes, 0x81, 0x8d, 0x8f, 0x90 and 0x9d, as Latin-1's control characters)."""
    return bytes([byte]).decode("cp1252", errors="ignore") or chr(byte)


def _windows_1252(error: UnicodeError) -> tuple[str, int]:
    """The codec error handler of :func:`_utf8_or_windows_1252`: the bytes that are not UTF-8 read
    as Windows-1252 (:func:`windows_1252`)."""
    if not isinstance(error, UnicodeDecodeError):
        raise error
    return "".join(windows_1252(b) for b in error.object[error.start:error.end]), error.end


codecs.register_error("hugginggpt-windows-1252", _windows_1252)


def _utf8_or_windows_1252(data: bytes) -> tuple[str, str]:
    """``data`` read as UTF-8, each byte that is not UTF-8 read as Windows-1252 (:func:`_windows_1252`;
    the UTF-8 parts of a file pasted together from two sources stay as they are), and the note naming
    the first such byte, what it was read as (the text around it) and the fix."""
    skip = len(codecs.BOM_UTF8) if data.startswith(codecs.BOM_UTF8) else 0
    text = data[skip:].decode("utf-8", errors="hugginggpt-windows-1252")
    try:
        data[skip:].decode("utf-8")
        start = 0
    except UnicodeDecodeError as exc:
        start = exc.start
    at, start = skip + start, len(data[skip:skip + start].decode("utf-8"))  # all before the byte is UTF-8
    shown = " ".join(text[max(0, start - 20):start + 20].split())
    return text, (f"is not UTF-8 (byte 0x{data[at]:02x} at offset {at}); read it as Windows-1252, where that byte "
                  f"is {text[start]!r}: \"{shown}\". If that reads wrong, save the file as UTF-8 (an editor's "
                  "'Save as', or `iconv -f <its encoding> -t utf-8`).")


_META_CHARSET_RE = re.compile(rb"""<meta[^>]{0,200}?charset\s*=\s*["']?([A-Za-z0-9_.:-]{1,40})""", re.IGNORECASE)


def _declared_charset(data: bytes) -> str | None:
    """The charset a web page declares in its first 4 KB (``<meta charset="windows-1252">``), else
    None: also for a label Python does not know, or one that cannot be true of bytes that spell out
    an ASCII ``<meta>`` tag (UTF-16 and UTF-32, which the HTML standard reads as UTF-8 there, and
    EBCDIC code pages)."""
    match = _META_CHARSET_RE.search(data[:4096])
    if not match:
        return None
    try:
        name = codecs.lookup(match.group(1).decode("ascii")).name
        ascii_like = "<meta charset".encode(name) == b"<meta charset"
    except (LookupError, UnicodeError):  # unknown, or "undefined" (whose codec refuses everything)
        return None
    if not ascii_like:
        return None
    # as browsers read a page labelled Latin-1 or ASCII (the WHATWG encoding standard): Windows-1252
    return "cp1252" if name in ("iso8859-1", "ascii") else name


_SURROGATE_RE = re.compile("[\ud800-\udfff]")


def lone_surrogate(text: str, what: str = "The request") -> str | None:
    """Why ``text`` cannot be read, when it holds a lone surrogate (U+D800 to U+DFFF, which is no
    character and which tokenizers and UTF-8 encoders refuse), else None: where the first one is
    (its index and the text around it), where such a thing comes from (a byte that is not UTF-8 kept
    by ``errors='surrogateescape'``, a command line typed in a terminal that does not send UTF-8, or
    half of an emoji's UTF-16 pair) and the fix."""
    match = _SURROGATE_RE.search(text)
    if match is None:
        return None
    at, char = match.start(), match.group()
    around = text[max(0, at - 20):at + 20].encode("utf-8", "backslashreplace").decode("utf-8")
    if "\udc80" <= char <= "\udcff":
        why = (f"the byte 0x{ord(char) - 0xDC00:02x}, which is not UTF-8, kept by errors='surrogateescape' (as "
               "Python reads a command-line argument or a file name in a terminal that does not send UTF-8)")
        fix = ("decode the bytes with their real encoding (raw.decode('cp1252'), say) or with errors='replace'; on "
               "the command line, set the terminal to UTF-8 (LANG=C.UTF-8) and type it again")
    else:
        why = "half of a UTF-16 surrogate pair (an emoji or other character cut in two, or a JSON '\\ud83d' alone)"
        fix = "send the whole character (both halves of the pair), or leave it out"
    return (f"{what} holds a lone surrogate {char!r} at index {at} (\"{around}\"), which is no character: {why}. "
            f"Fix: {fix}.")


__all__ = ["decode_text", "decoded", "lone_surrogate", "windows_1252"]
