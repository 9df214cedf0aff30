"""Input files told by their content: an extensionless photo, recording or text is planned and read as
what it is; a folder named in a request, a blank PDF, plain text named .pdf and an image cut short each
get a message that names the file and the fix."""

from __future__ import annotations

import io
import logging
import wave
import zipfile
from pathlib import Path

import pytest
from fake_embedder import HashEmbedder

from hugginggpt_tools import create_hugginggpt_agent
from hugginggpt_tools.backends._images import check_complete, open_image
from hugginggpt_tools.backends._inputs import file_input
from hugginggpt_tools.backends.base import Backends
from hugginggpt_tools.cli._common import check_files
from hugginggpt_tools.config import Settings
from hugginggpt_tools.documents import read_text_file
from hugginggpt_tools.errors import InputError
from hugginggpt_tools.filekinds import content_kind, file_modality, given_files, name_modality
from hugginggpt_tools.inputs import named_folders
from hugginggpt_tools.model_index.index import ModelIndex
from hugginggpt_tools.testing import FakeBackend, fake_card


def _png() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (64, 32), "white").save(out, "PNG")
    return out.getvalue()


def _jpeg(size: tuple[int, int] = (320, 240)) -> bytes:
    from PIL import Image, ImageDraw

    image = Image.new("RGB", size, "white")
    ImageDraw.Draw(image).ellipse((size[0] // 8, size[1] // 8, size[0] * 7 // 8, size[1] * 7 // 8), fill=(200, 60, 30))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=90)
    return out.getvalue()


def _wav() -> bytes:
    out = io.BytesIO()
    with wave.open(out, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(16000)
        w.writeframes(b"\0\0" * 1600)
    return out.getvalue()


def _zip(part: str) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr(part, "<x/>")
    return out.getvalue()


def _agent(tmp_path: Path):
    backend = FakeBackend(handlers={"image-to-text": lambda inputs, ctx: "HELLO",
                                    "automatic-speech-recognition": lambda inputs, ctx: "hello there",
                                    "summarization": lambda inputs, ctx: "short"})
    cards = [fake_card(task, f"fake/{task}") for task in
             ("image-to-text", "text-to-speech", "automatic-speech-recognition", "summarization")]
    return create_hugginggpt_agent(planner="offline", settings=Settings(output_dir=tmp_path / "out"),
                                   index=ModelIndex.build(cards, HashEmbedder()), backends=Backends([backend]))


@pytest.mark.parametrize(("name", "data", "request_text", "first_task"), [
    ("scan", _png(), "read the text in scan", "image-to-text"),
    ("memo", _wav(), "transcribe memo", "automatic-speech-recognition"),
    ("notes", b"The meeting moved to Friday. Alice presents the budget.\n", "summarize notes", "summarization"),
])
def test_a_file_with_no_suffix_is_planned_and_read_as_what_it_holds(tmp_path, name, data, request_text, first_task):
    """A PNG saved as "scan" was planned as a text (read aloud, failing as "a PNG image, not a text"),
    a WAV saved as "memo" was "a text file, not an audio file": nothing was planned."""
    (tmp_path / name).write_bytes(data)
    answer = _agent(tmp_path).invoke({"input": request_text, "files": [str(tmp_path / name)]})["answer"]
    assert [t.task for t in answer.plan.tasks][:1] == [first_task]
    assert answer.results[0].status == "succeeded"


def test_what_a_file_holds_is_sniffed_from_its_content(tmp_path):
    samples = {
        "png": (_png(), "image"), "jpeg": (_jpeg(), "image"), "gif": (b"GIF89a" + b"\0" * 20, "image"),
        "webp": (b"RIFF\0\0\0\0WEBPVP8 " + b"\0" * 8, "image"), "bmp": (b"BM" + b"\0" * 30, "image"),
        "tiff": (b"II*\0" + b"\0" * 20, "image"), "wav": (_wav(), "audio"), "flac": (b"fLaC" + b"\0" * 20, "audio"),
        "ogg": (b"OggS" + b"\0" * 20, "audio"), "id3": (b"ID3\x04" + b"\0" * 20, "audio"),
        "mpeg2": (b"\xff\xf3\x64\xc4" + b"\0" * 20, "audio"), "pdf": (b"%PDF-1.4\n", "document"),
        "docx": (_zip("word/document.xml"), "document"), "xlsx": (_zip("xl/workbook.xml"), "document"),
        "pptx": (_zip("ppt/presentation.xml"), "document"), "utf8": ("Grüße aus Köln.\n".encode(), "text"),
    }
    for name, (data, kind) in samples.items():
        (tmp_path / name).write_bytes(data)
        assert (content_kind(tmp_path / name) or ("?",))[0] == kind, name
    assert content_kind(tmp_path / "docx")[1] == "a Word document"
    (tmp_path / "blob").write_bytes(bytes(range(256)) * 4)
    (tmp_path / "other.zip").write_bytes(_zip("a.txt"))
    assert content_kind(tmp_path / "blob") is content_kind(tmp_path / "other.zip") is None
    assert file_modality(tmp_path / "utf8") == file_modality(tmp_path / "docx") == "text"
    assert file_modality(tmp_path / "mpeg2") == "audio"


def test_a_text_the_reader_reads_is_text_by_its_content_too(tmp_path):
    """A Windows-1252 note with no suffix was no text by its content (strict UTF-8), though the text
    reader reads it: a summary of it was not planned as text."""
    note = tmp_path / "NOTES"
    note.write_bytes("Caf\xe9 cr\xe8me at 10, bring the r\xe9sum\xe9s.\n".encode("cp1252"))
    assert content_kind(note) == ("text", "a text file") and file_modality(note) == "text"
    assert "Café crème" in read_text_file(note)
    utf32 = tmp_path / "memo32"
    utf32.write_bytes("meet at noon".encode("utf-32"))
    assert content_kind(utf32) == ("text", "a text file")


def test_a_name_with_no_suffix_says_what_it_holds_only_for_the_files_given(tmp_path):
    """The planner sees names only: a given file's content tells while it plans, and nothing else changes."""
    (tmp_path / "scan").write_bytes(_png())
    (tmp_path / "notes").write_text("Some words.\n")
    assert name_modality("scan") is None
    with given_files([tmp_path / "scan", tmp_path / "notes", tmp_path / "photo.png"]) as found:
        assert found == {"scan": "image", "notes": "text"}
        assert name_modality("scan") == "image" and name_modality("photo.png") == "image"
        assert name_modality("other") is None
    assert name_modality("scan") is None


@pytest.mark.parametrize("request_text", ["Describe the pictures in ./photos/", "Read the text in photos/ aloud",
                                          "classify the images in the photos folder", "classify the images in photos"])
def test_a_folder_named_in_the_request_is_an_error_naming_it_and_the_fix(tmp_path, monkeypatch, request_text):
    """It was "image-to-text needs an image and the request gives none": the folder went unnoticed."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "photos").mkdir()
    for name in ("a.jpg", "b.jpg"):
        (tmp_path / "photos" / name).write_bytes(_jpeg((8, 8)))
    with pytest.raises(InputError) as caught:
        check_files([], request_text)
    message = str(caught.value)
    assert "the folder '" in message and "photos" in message.split("folder")[1][:12] and "--file photos/a.jpg" in message and "a.jpg, b.jpg" in message
    assert check_files(["photos/a.jpg"], request_text) == ["photos/a.jpg"]  # its files given: fine


def test_which_words_name_a_folder(tmp_path):
    (tmp_path / "photos").mkdir()
    (tmp_path / "photos" / "a.jpg").write_bytes(b"x")
    assert named_folders(f"transcribe the recordings in {tmp_path}/photos/", cwd=tmp_path) == [f"{tmp_path}/photos/"]
    for words in ("describe the photos", "read the text in photos/a.jpg", "see https://example.org/photos/",
                  "and/or then", "what is in it?"):
        assert named_folders(words, cwd=tmp_path) == [], words
    assert named_folders("classify the images in photos", ["x.png"], cwd=tmp_path) == []  # a file given: a word


def _blank_pdf(path: Path, pages: int = 1) -> None:
    import pypdf

    writer = pypdf.PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(612, 792)
    with path.open("wb") as handle:
        writer.write(handle)


@pytest.mark.parametrize("pages", [1, 2])
def test_a_blank_pdf_is_blank_not_a_scan(tmp_path, pages):
    """It was "no text layer (1 page, a scan or only pictures)", with how to OCR the page images."""
    _blank_pdf(tmp_path / "blank.pdf", pages)
    with pytest.raises(InputError) as caught:
        read_text_file(tmp_path / "blank.pdf")
    message = str(caught.value)
    assert f"'blank.pdf' has no text: its {pages} page" in message and "blank" in message
    assert "a scan or only pictures" not in message and "save its pages as images" not in message


def test_plain_text_named_pdf_is_read_as_text(tmp_path, caplog):
    """It was "Cannot read the PDF 'minutes.pdf' (PdfStreamError ...): it may be damaged"."""
    (tmp_path / "minutes.pdf").write_text("Minutes of the board meeting. The budget was approved.\n")
    with caplog.at_level(logging.WARNING, logger="hugginggpt_tools.documents"):
        assert read_text_file(tmp_path / "minutes.pdf").startswith("Minutes of the board meeting.")
    assert "'minutes.pdf' is plain text, not a PDF" in caplog.text
    (tmp_path / "photo.pdf").write_bytes(_png())
    with pytest.raises(InputError, match="'photo.pdf' is a PNG image, not a text"):
        read_text_file(tmp_path / "photo.pdf")


def test_a_truncated_jpeg_says_so_naming_the_file_and_the_fix(tmp_path):
    """It was "Cannot read 'cut.jpg' as an image (image file is truncated ...). Give a PNG, JPEG, WebP or
    BMP file": a JPEG told to be a JPEG."""
    whole = _jpeg()
    (tmp_path / "cut.jpg").write_bytes(whole[:len(whole) // 2])
    (tmp_path / "cut.png").write_bytes(_png()[:60])
    for name in ("cut.jpg", "cut.png"):
        for read in (open_image, lambda p: file_input({"image": str(p)}, "image", "image-to-text")):
            with pytest.raises(InputError) as caught:
                read(tmp_path / name)
            message = str(caught.value)
            assert f"The image file {name!r}" in message and "is truncated" in message
            assert "Re-export it" in message and "download or copy it again" in message
            assert "Give a PNG, JPEG" not in message


def test_a_whole_jpeg_passes_the_truncation_check(tmp_path):
    """A progressive JPEG, one with an EXIF thumbnail (its own end marker early) and one with data after its end."""
    from PIL import Image

    image = Image.new("RGB", (200, 100), (30, 90, 200))
    progressive = io.BytesIO()
    image.save(progressive, "JPEG", progressive=True)
    segment = b"Exif\0\0" + _jpeg((16, 16))
    whole = _jpeg()
    thumbnailed = whole[:2] + b"\xff\xe1" + (len(segment) + 2).to_bytes(2, "big") + segment + whole[2:]
    for name, data in {"p.jpg": progressive.getvalue(), "t.jpg": thumbnailed, "x.jpg": whole + b"trailer" * 50}.items():
        (tmp_path / name).write_bytes(data)
        check_complete(tmp_path / name)
        open_image(tmp_path / name)
    (tmp_path / "t-cut.jpg").write_bytes(thumbnailed[:len(thumbnailed) - 300])
    with pytest.raises(InputError, match="truncated"):
        check_complete(tmp_path / "t-cut.jpg")
