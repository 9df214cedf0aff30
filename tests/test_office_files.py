"""A spreadsheet or a presentation given as a text is named as what it is, with the fix: "summarize budget.xlsx"
said "'budget.xlsx' is not a text file (its bytes are binary data)"."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from hugginggpt_tools.documents import read_text_file
from hugginggpt_tools.errors import InputError

_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
"""How an old-style Office file (.xls, .ppt) begins."""


def _package(path: Path, part: str) -> Path:
    """A minimal Office Open XML package at ``path`` holding ``part`` ("xl/workbook.xml")."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(part, "<root/>")
    return path


@pytest.mark.parametrize(("name", "part"), [("budget.xlsx", "xl/workbook.xml"), ("budget", "xl/workbook.xml"),
                                            ("budget.xlsm", "xl/workbook.xml")])
def test_an_excel_workbook_is_named_with_the_csv_fix(tmp_path: Path, name: str, part: str) -> None:
    with pytest.raises(InputError, match=rf"^'{name}' is an Excel workbook, whose text is not read here; save the sheet "
                                         r"as CSV \(File > Save As > CSV, or `soffice --headless --convert-to csv "
                                         rf"{name}`\) and give the \.csv, or quote its text in the request\.$"):
        read_text_file(_package(tmp_path / name, part))


def test_a_powerpoint_presentation_is_named_with_the_pdf_fix(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"^'deck.pptx' is a PowerPoint presentation, whose text is not read here; save "
                                         r"it as PDF \(File > Save As > PDF, .*\) and give the \.pdf"):
        read_text_file(_package(tmp_path / "deck.pptx", "ppt/presentation.xml"))


@pytest.mark.parametrize(("name", "what"), [("old.xls", r"an old-style Excel workbook \(\.xls\)"),
                                            ("old.ppt", r"an old-style PowerPoint presentation \(\.ppt\)"),
                                            ("sheet.ods", "an OpenDocument spreadsheet"),
                                            ("talk.key", "a Keynote presentation")])
def test_other_spreadsheets_and_presentations_are_named_by_their_suffix(tmp_path: Path, name: str, what: str) -> None:
    (tmp_path / name).write_bytes(_OLE + bytes(3_000_000))  # past the 2 MB a text may be: named all the same
    with pytest.raises(InputError, match=rf"^'{name}' is {what}, whose text is not read here; save (the sheet|it) as "):
        read_text_file(tmp_path / name)


def test_plain_text_named_as_a_spreadsheet_is_read_as_text(tmp_path: Path) -> None:
    (tmp_path / "notes.xls").write_text("Sales rose by ten percent.", encoding="utf-8")
    assert read_text_file(tmp_path / "notes.xls") == "Sales rose by ten percent."
