"""The text of a text file or document that a text argument names ("summarize report.txt").

:func:`read_text_file` reads a plain-text file as it is (UTF-8, or UTF-16/32 by its byte-order
mark; bytes that are not UTF-8 as Windows-1252, with a warning naming it:
:func:`~hugginggpt_tools.charsets.decode_text`), a CSV or TSV table as one sentence per row (:func:`table_as_text`), a
web page without its markup (:func:`html_text`), a PDF's text layer (pypdf) and a Word document
(.docx, :func:`_docx_text`, with the standard library). A Word document is told by its content,
not its name: a .docx saved without its suffix is read as one, and plain text named .docx as text.
A file whose text cannot be read (an old Word .doc or RTF file, a spreadsheet or a presentation, an
image, binary data) fails naming it and the fix (a sheet as CSV, slides as PDF).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from .charsets import decode_text
from .errors import InputError
from .filekinds import is_binary, kind_of

logger = logging.getLogger(__name__)

TEXT_FILE_SUFFIXES = frozenset({".txt", ".md", ".markdown", ".rst", ".srt", ".vtt", ".log", ".csv", ".tsv", ".json"})
"""Files whose content a text argument that names them stands for ("summarize report.txt"); a
CSV or TSV table is given as one sentence per row (:func:`table_as_text`)."""
DOCUMENT_FILE_SUFFIXES = frozenset({".pdf", ".html", ".htm", ".xhtml", ".docx"})
"""Documents whose text a text argument that names them stands for: a PDF's text layer (pypdf), a
web page's text without its tags, scripts and styles (:func:`html_text`), a Word document's
paragraphs and tables (:func:`_docx_text`)."""
UNREADABLE_DOCUMENTS = {".doc": "an old-style Word document (.doc)", ".rtf": "an RTF document",
                        ".odt": "an OpenDocument text", ".pages": "a Pages document", ".epub": "an EPUB book"}
"""Documents a text argument may name whose text is not read here: the task fails naming the file and the
fix (save it as .docx, .txt or PDF), rather than take the file's name for the text."""
_PAGE_SUFFIXES = frozenset({".html", ".htm", ".xhtml"})
"""Of :data:`DOCUMENT_FILE_SUFFIXES`, those of web pages, read without their markup (:func:`html_text`)."""
_CONVERTIBLE = frozenset({".doc", ".rtf", ".odt"})
"""Of :data:`UNREADABLE_DOCUMENTS`, those LibreOffice converts to .docx from the command line."""
MAX_TEXT_FILE_BYTES = 2_000_000
MAX_DOCUMENT_BYTES = 50_000_000
"""A PDF, web page or Word document may be this large on disk (a Word document's text, unpacked, too);
the text read from it is held to :data:`MAX_TEXT_FILE_BYTES`."""


_SAVE_AS_TEXT = "save it as .txt or PDF, or quote its text in the request"
_FIRST = {"image": "to use the writing in it, ask for that first (read the text in {name})",
          "audio": "to use what is said in it, ask for that first (transcribe {name})"}
"""How to get the text of a picture or a recording that a text argument names."""


def read_text_file(path: str | Path) -> str:
    """The text of the file at ``path`` (:func:`~hugginggpt_tools.inputs.text_file_content`): a PDF's
    text layer (pypdf), a Word document's (:func:`_docx_text`), a web page's text (:func:`html_text`), a
    CSV or TSV table as one sentence per row (:func:`table_as_text`), any other file whose bytes are
    text as it is (:func:`decode_text`). Raises :class:`InputError` naming the file (its bare name)
    when it is too large (2 MB of text), empty or blank, a document whose text is not read here
    (:data:`UNREADABLE_DOCUMENTS`: by its name and content, so plain text named .doc is read as text
    and a .docx named .doc as a Word document), a spreadsheet or presentation (:func:`_office_file`), a PDF
    with no text layer, a damaged Word document, an image, audio or other binary data."""
    path = Path(path)
    name, suffix = path.name, path.suffix.lower()
    with path.open("rb") as handle:  # read past the limit, not stat first: the file may grow meanwhile
        head = handle.read(8)  # a document by its content (a .docx with no suffix) has a document's limit
        document = suffix in DOCUMENT_FILE_SUFFIXES or head.startswith((_ZIP_MAGIC, b"%PDF-"))
        limit = MAX_DOCUMENT_BYTES if document else MAX_TEXT_FILE_BYTES
        data = head + handle.read(limit + 1 - len(head))
    if suffix in UNREADABLE_DOCUMENTS and data and not _is_docx(data) and (
            is_binary(data) or data.lstrip().startswith(b"{\\rtf")):  # plain text named .doc is read as text
        raise InputError(f"{name!r} is {UNREADABLE_DOCUMENTS[suffix]}, whose text is not read here; "
                         f"{_convert_fix(name) if suffix in _CONVERTIBLE else _SAVE_AS_TEXT}.")
    office = None if suffix == ".docx" else _office_file(name, data)  # a .docx is told what ails it as one
    if office is not None:
        raise InputError(office)
    if len(data) > limit:
        raise InputError(_too_long(name, max(path.stat().st_size, len(data)), limit))
    if not data:
        raise InputError(f"The {_kind_name(suffix)} {name!r} is empty (0 bytes). {_EMPTY_FIX[suffix in DOCUMENT_FILE_SUFFIXES]}")
    if data.startswith(b"%PDF-") or (suffix == ".pdf" and _pdf_header(data)):
        return _pdf_text(path, data)
    if suffix == ".pdf" and not is_binary(data):  # plain text named .pdf: read as the text it is
        logger.warning("%r is plain text, not a PDF (it does not begin with %%PDF-); read as text", name)
    if _is_docx(data) or (suffix == ".docx" and is_binary(data)):  # plain text named .docx is read as text
        return _docx_text(name, data)
    if is_binary(data):
        kind = kind_of(data)
        if kind is not None and kind[0] in _FIRST:
            raise InputError(f"{name!r} is {kind[1]}, not a text; {_FIRST[kind[0]].format(name=name)}, or quote the "
                             "text in the request.")
        raise InputError(f"{name!r} is not a text file (its bytes are binary data); {_SAVE_AS_TEXT}.")
    text = decode_text(data, name)
    page = suffix in _PAGE_SUFFIXES or bool(_HTML_START_RE.match(text))
    if page:
        text = html_text(text)
    if not text.strip():
        what = "has no text (only markup)" if page else "is blank (only spaces and line breaks)"
        kind = "web page" if page else "text file"
        raise InputError(f"The {kind} {name!r} {what}. Put the text in it, or quote the text in the request.")
    if len(text.encode("utf-8")) > MAX_TEXT_FILE_BYTES:
        raise InputError(_too_long(name, len(text.encode("utf-8")), MAX_TEXT_FILE_BYTES, "of text"))
    delimiter = {".csv": ",", ".tsv": "\t"}.get(suffix)
    return text if delimiter is None else table_as_text(text, delimiter)


_SHEET_FIX = "save the sheet as CSV (File > Save As > CSV, or `soffice --headless --convert-to csv {name}`) and give the .csv"
_SLIDES_FIX = "save it as PDF (File > Save As > PDF, or `soffice --headless --convert-to pdf {name}`) and give the .pdf"
_OFFICE_FILES = {
    ".xlsx": ("an Excel workbook", _SHEET_FIX), ".xlsm": ("an Excel workbook", _SHEET_FIX),
    ".xls": ("an old-style Excel workbook (.xls)", _SHEET_FIX), ".ods": ("an OpenDocument spreadsheet", _SHEET_FIX),
    ".numbers": ("a Numbers spreadsheet", "save the sheet as CSV (File > Export To > CSV) and give the .csv"),
    ".pptx": ("a PowerPoint presentation", _SLIDES_FIX), ".ppt": ("an old-style PowerPoint presentation (.ppt)", _SLIDES_FIX),
    ".odp": ("an OpenDocument presentation", _SLIDES_FIX),
    ".key": ("a Keynote presentation", "save it as PDF (File > Export To > PDF) and give the .pdf"),
}
"""Spreadsheets and presentations a text argument may name, what each is called and the fix: a sheet as CSV (read
one sentence per row, :func:`table_as_text`), slides as PDF (read by its text layer)."""
_OFFICE_PARTS = {"xl/workbook.xml": ".xlsx", "ppt/presentation.xml": ".pptx"}
"""The part that tells an Excel workbook or a PowerPoint presentation by its content, whatever its name."""


def _office_file(name: str, data: bytes) -> str | None:
    """Why the file ``name`` (its bytes ``data``) is not read, with the fix, when it is a spreadsheet or a
    presentation (:data:`_OFFICE_FILES`): an Excel or PowerPoint file by its content (a ZIP archive holding
    ``xl/workbook.xml`` or ``ppt/presentation.xml``), another by its name when its bytes are binary (plain text
    named .xls is read as text); else None."""
    import shlex

    suffix = Path(name).suffix.lower()
    kind = next((_OFFICE_PARTS[part] for part in _zip_names(data) if part in _OFFICE_PARTS), None)
    if kind is None and suffix in _OFFICE_FILES and is_binary(data):
        kind = suffix
    if kind is None:
        return None
    what, fix = _OFFICE_FILES[kind]
    return f"{name!r} is {what}, whose text is not read here; {fix.format(name=shlex.quote(name))}, or quote its text " \
           "in the request."


_KIND_NAMES = {".pdf": "PDF", ".docx": "Word document", ".html": "web page", ".htm": "web page", ".xhtml": "web page"}
_EMPTY_FIX = ("Put the text in it, or quote the text in the request.",
              "Save it again from the program that made it (a download cut short leaves an empty file), or quote "
              "its text in the request.")


def _kind_name(suffix: str) -> str:
    """What a file named with ``suffix`` is called in a message: "PDF", "Word document", "web page",
    else "text file"."""
    return _KIND_NAMES.get(suffix, "text file")


def _convert_fix(name: str) -> str:
    """How to get the text of the old Word, RTF or OpenDocument file ``name``: save it as .docx (the
    LibreOffice command that does it, the name quoted for the shell when it needs it), .txt or PDF."""
    import shlex

    return (f"save it as .docx, .txt or PDF (`soffice --headless --convert-to docx {shlex.quote(name)}`), or quote "
            "its text in the request")


def _too_long(name: str, size: int, limit: int, what: str = "") -> str:
    holds = f"holds {size / 1e6:.1f} MB {what}" if what else f"is {size / 1e6:.1f} MB"
    return (f"The {_kind_name(Path(name).suffix.lower())} {name!r} {holds}; text arguments take at most {limit / 1e6:.0f} MB. Pass an excerpt "
            "or split the file.")


def _pdf_header(data: bytes) -> bool:
    """Whether ``data`` holds a PDF header (``%PDF-``) in its first 1024 bytes, where readers look for it
    (a PDF may begin with a few bytes of junk)."""
    return b"%PDF-" in data[:1024]


def _pdf_text(path: Path, data: bytes) -> str:
    """The text layer of the PDF at ``path`` (its bytes ``data``), pages apart by a blank line.
    Raises :class:`InputError` naming the file when pypdf is missing, the file is damaged or locked
    by a password, or it has no text (a scanned PDF), with the fix."""
    import io

    name = path.name
    try:
        import pypdf  # local: a PDF is read only when one is named
    except ImportError as exc:
        raise InputError(f"Reading the PDF {name!r} needs pypdf: pip install pypdf (or 'hugginggpt-tools[offline]'); "
                         "or save its text as .txt, or quote its text in the request.") from exc
    logging.getLogger("pypdf").setLevel(logging.ERROR)  # a damaged file's warnings: the error below says it
    pages: list[str] = []
    try:
        reader = pypdf.PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise InputError(f"The PDF {name!r} is locked with a password; open it with the password and save an "
                             "unlocked copy (or its text as .txt), or quote its text in the request.")
        size = 0
        for page in reader.pages:
            pages.append(page.extract_text() or "")
            size += len(pages[-1].encode("utf-8"))
            if size > MAX_TEXT_FILE_BYTES:
                raise InputError(_too_long(name, size, MAX_TEXT_FILE_BYTES, "of text"))
    except InputError:
        raise
    except Exception as exc:  # pypdf raises many kinds on a damaged or unusual file
        raise InputError(f"Cannot read the PDF {name!r} ({type(exc).__name__}: {exc}): it may be damaged, cut short "
                         "(an interrupted download) or locked in a way not read here. Open it in a PDF viewer; if it "
                         "opens, save (or print to PDF) a new copy, or save its text as .txt; else get the file again. "
                         "Or quote its text in the request.") from exc
    text = "\n\n".join(p.strip() for p in pages if p.strip())
    if not text:
        raise InputError(_no_text(name, reader.pages))
    return text


def _no_text(name: str, pages: Any) -> str:
    """Why the PDF ``name``, whose ``pages`` hold no text, gives none, with the fix: blank pages (nothing
    drawn on them) are not a scan to read with OCR; pages with pictures or drawings may be one."""
    count = f"{len(pages)} page{'' if len(pages) == 1 else 's'}"
    if all(_blank(page) for page in pages):
        one = len(pages) == 1
        return (f"The PDF {name!r} has no text: its {count} {'is' if one else 'are'} blank (no text, pictures or "
                f"drawings on {'it' if one else 'them'}), so there is nothing to read, nor a scan for OCR. Check that it is the right file, or export it again from the "
                "program that made it; or quote its text in the request.")
    return (f"The PDF {name!r} has no text layer ({count}, a scan or only pictures), and a PDF is read by its text "
            f"layer only; {_pages_as_images(name)}")


def _blank(page: Any) -> bool:
    """Whether a PDF ``page`` draws nothing: no content stream, or one with no painting operator (a
    text, a path filled or stroked, a picture or form, an inline image, a shading); one that cannot
    be read counts as not blank."""
    try:
        contents = page.get_contents()
        data = b"" if contents is None else contents.get_data()
    except Exception:  # noqa: BLE001 - pypdf raises many kinds on a damaged stream: not known to be blank
        return False
    return _PAINTING_RE.search(data) is None


_PAINTING_RE = re.compile(rb"(?:^|(?<=[\s)\]>]))(?:Tj|TJ|'|\"|Do|BI|sh|f\*?|F|B\*?|b\*?|S|s)(?=[\s(\[/<]|$)")
"""A PDF content stream's operators that paint something: text, a picture or form (``Do``), an inline image,
a shading, a path filled or stroked (``n`` ends a path unpainted, a clip)."""


def _pages_as_images(name: str) -> str:
    """How to read a PDF with no text layer here: save its pages as images with a tool that is there
    (``pdftoppm`` when on PATH, else PyMuPDF when installed, else pypdf, which saves the scanned picture of
    each page), then ask the bundled OCR to read the text in them."""
    import importlib.util
    import shutil

    if shutil.which("pdftoppm"):
        how, first = f"`pdftoppm -png {name} page`", "page-1.png"
    elif importlib.util.find_spec("fitz") is not None:
        how = (f"with PyMuPDF: `python -c \"import fitz; [p.get_pixmap(dpi=200).save(f'page-{{p.number + 1}}.png') "
               f"for p in fitz.open('{name}')]\"`")
        first = "page-1.png"
    else:
        how = (f"with pypdf, which saves the scanned picture of each page: `python -c \"import pypdf; "
               f"[open(f'page-{{n}}-{{i.name}}', 'wb').write(i.data) for n, p in "
               f"enumerate(pypdf.PdfReader('{name}').pages, 1) for i in p.images]\"`")
        first = "page-1-image.jpg"
    return (f"save its pages as images {how}, then ask to read the text in them (the bundled OCR reads images): "
            f"`hugginggpt run \"Read the text in {first}\" --file {first}`, with the name of a file it wrote.")


_HTML_START_RE = re.compile(r"\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html)\b", re.IGNORECASE | re.DOTALL)
_HTML_SKIPPED = frozenset({"script", "style", "noscript", "template", "svg", "canvas", "iframe", "object", "head"})
_HTML_HEADINGS = frozenset({"title", "h1", "h2", "h3", "h4", "h5", "h6"})
_HTML_BLOCKS = frozenset({"p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "table",
                          "section", "article", "header", "footer", "main", "nav", "aside", "blockquote", "pre",
                          "hr", "title", "dd", "dt", "dl", "figcaption", "caption", "td", "th", "form", "address"})


def html_text(markup: str) -> str:
    """The text a reader sees of a web page ``markup``: its title and body text, entities decoded,
    without tags, comments, scripts, styles and the head's metadata; one line per paragraph,
    heading, list item or table cell, a heading or title ending in a full stop when it has no
    punctuation of its own (stdlib :mod:`html.parser`, which tolerates broken markup)."""
    from html.parser import HTMLParser

    class _Text(HTMLParser):
        def __init__(self) -> None:
            super().__init__(convert_charrefs=True)
            self.parts: list[str] = []
            self.skipping: list[str] = []

        def handle_starttag(self, tag: str, attrs: object) -> None:
            if tag == "body":  # a head left open ends where the body begins
                self.skipping = [t for t in self.skipping if t != "head"]
            if tag == "title" and self.skipping == ["head"]:
                self.skipping.append(tag)  # the title is read though the head is not
            elif tag in _HTML_SKIPPED:
                self.skipping.append(tag)
            if tag in _HTML_BLOCKS:
                self.parts.append("\n")

        def handle_endtag(self, tag: str) -> None:
            if tag in self.skipping:
                del self.skipping[len(self.skipping) - 1 - self.skipping[::-1].index(tag):]
            if tag in _HTML_HEADINGS and "".join(self.parts[-8:]).rstrip()[-1:].isalnum():
                self.parts.append(".")  # a heading ends its sentence: "Launch." is not read into the next one
            if tag in _HTML_BLOCKS:
                self.parts.append("\n")

        def handle_data(self, data: str) -> None:
            if not self.skipping or self.skipping[-1] == "title":
                self.parts.append(data)

    parser = _Text()
    parser.feed(markup)
    parser.close()
    lines = (" ".join(line.split()) for line in "".join(parser.parts).splitlines())
    return "\n".join(line for line in lines if line)


def table_as_text(text: str, delimiter: str = ",") -> str:
    """A CSV table as sentences a text model reads: one paragraph per row, each value after its
    column's name from the first row ("name: Alice, city: Paris."). A table of one row, or with
    rows longer than the header, comes back as it was."""
    import csv
    import io

    rows = [row for row in csv.reader(io.StringIO(text), delimiter=delimiter) if any(cell.strip() for cell in row)]
    sentences = _row_sentences(rows)
    return text if sentences is None else sentences


def _row_sentences(rows: list[list[str]]) -> str | None:
    """The ``rows`` of a table (the first its header, no blank row) as one sentence per row, a blank
    line apart ("name: Alice, city: Paris."), or None for a table of one row or with rows longer than
    the header. A blank line between rows makes each row a sentence of its own to the sentence
    splitter, which joins a line that goes on in lower case to the one before (a wrapped line) and
    answered a question with the whole table."""
    if len(rows) < 2 or any(len(row) > len(rows[0]) for row in rows[1:]):
        return None
    header = [name.strip() for name in rows[0]]
    return "\n\n".join(", ".join(f"{name}: {cell.strip()}" if name else cell.strip()
                                 for name, cell in zip(header, row) if cell.strip()) + "."
                       for row in rows[1:])

_WORD = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
"""A drawing's fallback for old readers, which repeats a text box's text: skipped."""
_RUN_MARKS = {f"{_WORD}tab": " ", f"{_WORD}ptab": " ", f"{_WORD}br": "\n", f"{_WORD}cr": "\n",
              f"{_WORD}noBreakHyphen": "-"}
"""What a tab, a line break or a non-breaking hyphen in a paragraph stands for in its text."""
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
"""How an old-style Word (.doc) file begins, and a .docx locked with a password (an encrypted OLE package)."""


_ZIP_MAGIC = b"PK\x03\x04"


def _is_docx(data: bytes) -> bool:
    """Whether ``data`` is a Word document by its content, whatever the file's name: a ZIP archive
    holding ``word/document.xml`` (a .docx saved without its suffix, or named .txt)."""
    return "word/document.xml" in _zip_names(data)


def _zip_names(data: bytes) -> list[str]:
    """The names of the files in the ZIP archive ``data``; none when it is not one (or is damaged)."""
    import io
    import zipfile

    if not data.startswith(_ZIP_MAGIC):
        return []
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return archive.namelist()
    except (zipfile.BadZipFile, ValueError, EOFError):
        return []


def _docx_text(name: str, data: bytes) -> str:
    """The text of the Word document ``name`` (its bytes ``data``), read with the standard library
    (:mod:`zipfile`, :mod:`xml.etree`): each paragraph of ``word/document.xml`` a line of its ``w:t``
    texts, a tab a space and a line break a new line; a table one sentence per row under its header
    row, as a CSV table (:func:`_row_sentences`), a blank line around it. Tracked deletions, field
    codes and empty paragraphs are left out. Raises :class:`InputError` naming the file when it is not
    a readable Word document (not a ZIP archive, no ``word/document.xml``, broken XML) or holds no
    text, with the fix."""
    body = _docx_body(name, data)
    text = _joined(_blocks(body))
    if not text:
        raise InputError(f"The Word document {name!r} has no text. Put the text in it, or quote the text in the "
                         "request.")
    if len(text.encode("utf-8")) > MAX_TEXT_FILE_BYTES:
        raise InputError(_too_long(name, len(text.encode("utf-8")), MAX_TEXT_FILE_BYTES, "of text"))
    return text


def _docx_body(name: str, data: bytes) -> Any:
    """The parsed ``w:body`` of the Word document ``name`` (its bytes ``data``); :class:`InputError`
    when its ``word/document.xml`` cannot be read or parsed."""
    from xml.etree import ElementTree

    builder = ElementTree.TreeBuilder()
    parser = ElementTree.XMLParser(target=_RefusingDtd(builder))
    try:
        parser.feed(_docx_part(name, data))
        root = parser.close()
    except _DtdDeclared:
        raise InputError(_not_docx(name, "its word/document.xml declares a DTD (<!DOCTYPE ...>), which Word never "
                                         "writes")) from None
    except ElementTree.ParseError as exc:
        raise InputError(_not_docx(name, f"its word/document.xml is not well-formed XML ({exc})")) from exc
    body = root.find(f"{_WORD}body")
    return root if body is None else body


class _DtdDeclared(Exception):
    """A DTD met while parsing a Word document's XML (:class:`_RefusingDtd`)."""


class _RefusingDtd:
    """The parser's target for ``word/document.xml``: builds the tree with ``builder`` and raises
    :class:`_DtdDeclared` where the parser meets a ``<!DOCTYPE``, before any entity it declares is
    read, whatever comes before it and whatever the encoding. Word writes no DTD; entity tricks
    (a "billion laughs" expansion) are all one would bring."""

    def __init__(self, builder: Any) -> None:
        self.start, self.end, self.data, self.close = builder.start, builder.end, builder.data, builder.close

    def doctype(self, name: str, pubid: str | None, system: str | None) -> None:
        raise _DtdDeclared(name)


def _docx_part(name: str, data: bytes) -> bytes:
    """The bytes of ``word/document.xml`` in the ZIP archive ``data`` of the Word document ``name``,
    at most :data:`MAX_DOCUMENT_BYTES` unpacked."""
    import io
    import zipfile
    import zlib

    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, EOFError):
        why = ("it is an old-style Word (.doc) file or one locked with a password" if data.startswith(_OLE_MAGIC)
               else "it is not a ZIP archive (a damaged file, or another kind named .docx)")
        raise InputError(_not_docx(name, why)) from None
    with archive:
        try:
            info = archive.getinfo("word/document.xml")
        except KeyError:
            raise InputError(_not_docx(name, "it holds no word/document.xml (a ZIP archive, but no Word "
                                             "document)")) from None
        if info.file_size > MAX_DOCUMENT_BYTES:
            raise InputError(_too_long(name, info.file_size, MAX_DOCUMENT_BYTES, "of XML"))
        try:
            return archive.read(info)
        except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError, ValueError) as exc:
            raise InputError(_not_docx(name, f"its word/document.xml cannot be unpacked ({exc})")) from exc


def _not_docx(name: str, why: str) -> str:
    return (f"{name!r} is not a readable Word document (.docx): {why}. Open it in Word or LibreOffice and save "
            "it again as .docx (or as .txt or PDF), or quote its text in the request.")


def _blocks(parent: Any) -> Iterator[tuple[str, bool]]:
    """The paragraphs and tables under ``parent`` in document order, as ``(text, is_table)``; the
    paragraphs of content controls and other wrappers included."""
    for child in parent:
        if child.tag == f"{_WORD}p":
            yield _paragraph_text(child), False
        elif child.tag == f"{_WORD}tbl":
            yield _table_text(child), True
        elif child.tag != _FALLBACK:
            yield from _blocks(child)


def _joined(blocks: Iterator[tuple[str, bool]]) -> str:
    """The texts of ``blocks`` (:func:`_blocks`) one after another, those left blank out: a line
    each, a blank line before and after a table (whose rows are a blank line apart)."""
    out: list[str] = []
    after_table = False
    for text, table in blocks:
        if not text:
            continue
        if out:
            out.append("\n\n" if table or after_table else "\n")
        out.append(text)
        after_table = table
    return "".join(out)


def _paragraph_text(paragraph: Any) -> str:
    """A paragraph's text: its runs' ``w:t`` texts joined, a line per line break, spaces made one."""
    lines = (" ".join(line.split()) for line in "".join(_run_texts(paragraph)).split("\n"))
    return "\n".join(line for line in lines if line)


def _run_texts(element: Any) -> Iterator[str]:
    """The texts, tabs and breaks under ``element`` in order (:data:`_RUN_MARKS`); a paragraph
    inside it (a text box) on lines of its own."""
    for child in element:
        if child.tag == f"{_WORD}t":
            yield child.text or ""
        elif child.tag in _RUN_MARKS:
            yield _RUN_MARKS[child.tag]
        elif child.tag == f"{_WORD}p":
            yield "\n"
            yield from _run_texts(child)
            yield "\n"
        elif child.tag != _FALLBACK:
            yield from _run_texts(child)


def _table_text(table: Any) -> str:
    """A table's text: one sentence per row under its header row (:func:`_row_sentences`), else (one
    row, or rows longer than the first) a line per row, its cells apart by " | "."""
    rows = [[_cell_text(cell) for cell in row.findall(f"{_WORD}tc")] for row in table.findall(f"{_WORD}tr")]
    rows = [row for row in rows if any(row)]
    sentences = _row_sentences(rows)
    return sentences if sentences is not None else "\n".join(" | ".join(c for c in row if c) for row in rows)


def _cell_text(cell: Any) -> str:
    """A table cell's text on one line: its paragraphs (and any table in it) apart by a space."""
    return " ".join(" ".join(text.split()) for text, _ in _blocks(cell) if text)


__all__ = [
    "DOCUMENT_FILE_SUFFIXES",
    "MAX_DOCUMENT_BYTES",
    "MAX_TEXT_FILE_BYTES",
    "TEXT_FILE_SUFFIXES",
    "UNREADABLE_DOCUMENTS",
    "decode_text",
    "html_text",
    "read_text_file",
    "table_as_text",
]
