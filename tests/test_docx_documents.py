"""Word documents (.docx) stand for their text, read with the standard library: "summarize report.docx"
failed with "'report.docx' is a Word document, whose text is not read here"."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from hugginggpt_tools.artifacts import ArtifactStore
from hugginggpt_tools.documents import read_text_file
from hugginggpt_tools.errors import InputError
from hugginggpt_tools.execution import resolve_args
from hugginggpt_tools.planning import OfflinePlanner

_W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
_MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
_TYPES = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
          '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
          '<Default Extension="xml" ContentType="application/xml"/>'
          '<Override PartName="/word/document.xml" '
          'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>')


def _p(*runs: str) -> str:
    """A paragraph of runs, each a run's inner XML ("<w:t>Hello</w:t>", "<w:tab/>", "<w:br/>")."""
    return "<w:p>" + "".join(f"<w:r>{run}</w:r>" for run in runs) + "</w:p>"


def _t(text: str) -> str:
    return f'<w:t xml:space="preserve">{text}</w:t>'


def _table(rows: list[list[str]]) -> str:
    cells = ("<w:tr>" + "".join(f"<w:tc>{_p(_t(cell))}</w:tc>" for cell in row) + "</w:tr>" for row in rows)
    return "<w:tbl>" + "".join(cells) + "</w:tbl>"


def _textbox(text: str) -> str:
    """A text box as Word writes it: the drawing, and a fallback for old readers repeating its text."""
    box = f"<w:txbxContent>{_p(_t(text))}</w:txbxContent>"
    return (f'<mc:AlternateContent xmlns:mc="{_MC}"><mc:Choice Requires="wps"><w:drawing>{box}</w:drawing>'
            f"</mc:Choice><mc:Fallback><w:pict>{box}</w:pict></mc:Fallback></mc:AlternateContent>")


def _docx(path: Path, body: str) -> Path:
    """Write a minimal real .docx at ``path`` whose body is ``body`` (WordprocessingML)."""
    document = f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document {_W}><w:body>{body}</w:body></w:document>'
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", _TYPES)
        archive.writestr("word/document.xml", document)
    return path


@pytest.fixture()
def store(tmp_path: Path) -> ArtifactStore:
    return ArtifactStore(tmp_path / "out", "s1")


def test_a_docx_is_read_paragraph_by_paragraph(tmp_path: Path) -> None:
    """Each paragraph a line, its runs joined; a tab a space, a line break a new line; tracked deletions and
    empty paragraphs left out; a table one sentence per row under its header, as a CSV table is read."""
    body = (_p(_t("Quarterly "), _t("report."))
            + "<w:p/>"
            + _p(_t("Sales"), "<w:tab/>", _t("rose by ten percent."), "<w:br/>", _t("Costs fell."))
            + '<w:p><w:del><w:r><w:delText>Deleted words.</w:delText></w:r></w:del><w:r><w:t>Kept.</w:t></w:r></w:p>'
            + _table([["name", "city"], ["Alice", "Paris"], ["Bob", "Rome"]])
            + "<w:sdt><w:sdtContent>" + _p(_t("See "), "<w:hyperlink>" + _t("the site") + "</w:hyperlink>")
            + "</w:sdtContent></w:sdt>"
            + _p(_t("The end."), _textbox("Boxed note.")))
    text = read_text_file(_docx(tmp_path / "report.docx", body))
    assert text == ("Quarterly report.\nSales rose by ten percent.\nCosts fell.\nKept.\n\n"
                    "name: Alice, city: Paris.\n\nname: Bob, city: Rome.\n\nSee the site\nThe end.\nBoxed note.")


def test_a_summary_or_a_question_over_a_docx_plans_and_reads_it(tmp_path: Path, store: ArtifactStore) -> None:
    """As "summarize report.pdf" reads the PDF: the planned task's text is the document's text."""
    _docx(tmp_path / "report.docx", _p(_t("The launch moves to Monday.")) + _p(_t("The crew rests.")))
    _docx(tmp_path / "contract.docx", _p(_t("Either party may cancel with thirty days notice.")))
    planner = OfflinePlanner(matcher=False)
    summary = planner.plan("Summarize report.docx").tasks
    assert [(t.task, dict(t.args)) for t in summary] == [("summarization", {"text": "report.docx"})]
    args = resolve_args(summary[0], {}, cwd=tmp_path, store=store)
    assert args["text"] == "The launch moves to Monday.\nThe crew rests."
    question = planner.plan("What does contract.docx say about cancellation?").tasks
    assert [t.task for t in question] == ["question-answering"]
    args = resolve_args(question[0], {}, cwd=tmp_path, store=store)
    assert args["context"] == "Either party may cancel with thirty days notice."


def test_a_damaged_docx_fails_naming_the_file_and_the_fix(tmp_path: Path) -> None:
    """Not a ZIP archive, a ZIP with no word/document.xml, broken XML, no text: one line naming the file and what to do."""
    (tmp_path / "letter.docx").write_bytes(b"PK\x03\x04" + bytes(64))
    with pytest.raises(InputError, match=r"^'letter.docx' is not a readable Word document \(.docx\): it is not a ZIP "
                                         r"archive.*save it again as \.docx"):
        read_text_file(tmp_path / "letter.docx")
    (tmp_path / "old.docx").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(64))
    with pytest.raises(InputError, match=r"^'old.docx' is not a readable Word document \(.docx\): it is an old-style "
                                         r"Word \(.doc\) file or one locked with a password"):
        read_text_file(tmp_path / "old.docx")
    with zipfile.ZipFile(tmp_path / "sheet.docx", "w") as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
    with pytest.raises(InputError, match=r"^'sheet.docx' is not a readable Word document \(.docx\): it holds no "
                                         r"word/document.xml.*save it again as \.docx"):
        read_text_file(tmp_path / "sheet.docx")
    with zipfile.ZipFile(tmp_path / "cut.docx", "w") as archive:
        archive.writestr("word/document.xml", f"<w:document {_W}><w:body><w:p>")
    with pytest.raises(InputError, match=r"^'cut.docx' is not a readable Word document \(.docx\): its "
                                         r"word/document.xml is not well-formed XML"):
        read_text_file(tmp_path / "cut.docx")
    _docx(tmp_path / "blank.docx", "<w:p/>" + _p(_t("   ")))
    with pytest.raises(InputError, match=r"^The Word document 'blank.docx' has no text\. Put the text in it"):
        read_text_file(tmp_path / "blank.docx")


@pytest.mark.parametrize(("name", "what"), [("letter.doc", r"an old-style Word document \(\.doc\)"),
                                            ("notes.rtf", "an RTF document")])
def test_an_old_word_file_or_rtf_is_refused_saying_how_to_convert_it(tmp_path: Path, name: str, what: str) -> None:
    (tmp_path / name).write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(64))
    with pytest.raises(InputError, match=rf"^'{name}' is {what}, whose text is not read here; save it as \.docx, "
                                         rf"\.txt or PDF \(`soffice --headless --convert-to docx {name}`\), or quote "
                                         r"its text in the request\.$"):
        read_text_file(tmp_path / name)


_DTD = '<!DOCTYPE w:document [<!ENTITY e "EXPANDED"><!ENTITY ee "&e;&e;&e;&e;">]>'


@pytest.mark.parametrize(("before", "encoding"), [("", "utf-8"), (f"<!-- {'x' * 5000} -->", "utf-8"),
                                                  ("", "utf-16"), (f"<!-- {'x' * 5000} -->", "utf-16-le")],
                         ids=["plain", "after-a-5kb-comment", "utf-16", "utf-16le-after-a-comment"])
def test_a_docx_declaring_a_dtd_is_refused_before_its_entities_expand(tmp_path: Path, before: str,
                                                                      encoding: str) -> None:
    """Word writes no DTD; one is refused wherever the parser meets it, not only in the first 4 KB of ASCII."""
    bom = "\ufeff" if encoding == "utf-16-le" else ""
    declared = "utf-16" if encoding.startswith("utf-16") else encoding
    document = (f'{bom}<?xml version="1.0" encoding="{declared}"?>{before}{_DTD}'
                f"<w:document {_W}><w:body>{_p(_t('&ee;'))}</w:body></w:document>")
    with zipfile.ZipFile(tmp_path / "trap.docx", "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", _TYPES)
        archive.writestr("word/document.xml", document.encode(encoding))
    with pytest.raises(InputError, match=r"^'trap.docx' is not a readable Word document \(.docx\): its "
                                         r"word/document.xml declares a DTD.*, which Word never writes\. Open it in "
                                         r"Word or LibreOffice and save it again as \.docx"):
        read_text_file(tmp_path / "trap.docx")
