"""A PDF with no text layer (a scan) says how to read it with what is here: pdftoppm only when it is on
PATH, else PyMuPDF when installed, else pypdf's saving of each page's scanned picture; then the bundled OCR
reads the images."""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
import sys

import pytest
from PIL import Image

from hugginggpt_tools import documents
from hugginggpt_tools.errors import InputError


@pytest.fixture
def scan(tmp_path):
    path = tmp_path / "scan.pdf"
    Image.new("RGB", (200, 100), "white").save(path)
    return path


def _message(path) -> str:
    with pytest.raises(InputError) as caught:
        documents._pdf_text(path, path.read_bytes())
    return str(caught.value)


def _without_tools(monkeypatch, pdftoppm: str | None = None) -> None:
    monkeypatch.setattr(shutil, "which", lambda name: pdftoppm if name == "pdftoppm" else None)
    find_spec = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "fitz" else find_spec(name, *a))


def test_without_pdftoppm_the_fix_uses_pypdf_and_its_command_saves_the_page_pictures(scan, monkeypatch):
    _without_tools(monkeypatch)
    message = _message(scan)
    assert message.startswith("The PDF 'scan.pdf' has no text layer (1 page")
    assert "pdftoppm" not in message and "Read the text in page-1-image.jpg" in message
    command = message.split('`python -c "')[1].split('"`')[0]
    subprocess.run([sys.executable, "-c", command], cwd=scan.parent, check=True)
    assert [p.name for p in scan.parent.glob("page-*")] == ["page-1-image.jpg"]


def test_pdftoppm_is_named_only_when_it_is_on_path(scan, monkeypatch):
    _without_tools(monkeypatch, pdftoppm="/usr/bin/pdftoppm")
    assert "`pdftoppm -png scan.pdf page`" in _message(scan)
