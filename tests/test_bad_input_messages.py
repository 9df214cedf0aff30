"""Bad input gets a clear error naming the value and the fix, never a bare traceback or a silent guess:
a request holding a lone surrogate, an image over Pillow's pixel limit, a missing core dependency,
a misspelt task type, a text file that is not UTF-8, a damaged or empty PDF."""

from __future__ import annotations

import logging
import os
import struct
import warnings
import zlib
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
from fake_embedder import HashEmbedder

from hugginggpt_tools import create_hugginggpt_agent
from hugginggpt_tools.backends import bundled
from hugginggpt_tools.backends._images import check_pixels, image_size, open_image
from hugginggpt_tools.backends._inputs import file_input
from hugginggpt_tools.backends.base import Backends
from hugginggpt_tools.charsets import decoded, lone_surrogate
from hugginggpt_tools.cli import main
from hugginggpt_tools.cli._common import argv_text
from hugginggpt_tools.config import Settings
from hugginggpt_tools.documents import read_text_file
from hugginggpt_tools.errors import AgentInputError, InputError, MissingExtraError, UnknownTaskError
from hugginggpt_tools.model_index.index import ModelIndex
from hugginggpt_tools.pipeline import check_request
from hugginggpt_tools.planning.base import Planner
from hugginggpt_tools.schemas import Plan
from hugginggpt_tools.tasks import get_task
from hugginggpt_tools.testing import FakeBackend, fake_card

# ----------------------------------------------------------------------------- 1. lone surrogates


def test_a_request_with_a_lone_surrogate_is_refused_naming_where_and_the_fix() -> None:
    with pytest.raises(AgentInputError) as caught:
        check_request("summarize caf\udc80 ok")
    message = str(caught.value)
    assert "lone surrogate '\\udc80' at index 13" in message
    assert "byte 0x80" in message and "surrogateescape" in message
    assert "decode the bytes with their real encoding" in message and "LANG=C.UTF-8" in message


def test_half_an_emoji_is_named_as_such() -> None:
    message = lone_surrogate("hi \ud83d there") or ""
    assert "at index 3" in message and "half of a UTF-16 surrogate pair" in message
    assert lone_surrogate("café ☕ 😀") is None


def test_the_agent_refuses_it_before_planning(tmp_path: Path) -> None:
    agent = create_hugginggpt_agent(planner=_Raising(AssertionError("planned")), settings=Settings(output_dir=tmp_path),
                                    index=_index(), backends=Backends([FakeBackend()]))
    with pytest.raises(AgentInputError, match="lone surrogate"):
        agent.invoke("summarize caf\udc80 ok")


def test_the_cli_run_says_so_in_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["run", "summarize \ud83d ok", "--output-dir", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: The request holds a lone surrogate '\\ud83d' at index 10") and "TypeError" not in err


def test_argv_bytes_that_are_not_utf8_are_read_as_windows_1252_with_a_warning(capsys: pytest.CaptureFixture[str]) -> None:
    assert argv_text(os.fsdecode(b"na\xc3\xafve caf\xe9 \x93ok\x94")) == "naïve café “ok”"
    err = capsys.readouterr().err
    assert "byte 0xe9 at character 10, which is not UTF-8; read it as Windows-1252, where it is 'é'" in err
    assert "set the terminal to UTF-8" in err
    assert argv_text("plain café") == "plain café" and capsys.readouterr().err == ""


# ----------------------------------------------------------------------------- 2. images over the pixel limit


def _png_header(path: Path, width: int, height: int) -> Path:
    """A PNG whose header says ``width`` x ``height`` (1 bit per pixel) with no pixel data: measured, never decoded."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0))
                     + chunk(b"IDAT", zlib.compress(b"")) + chunk(b"IEND", b""))
    return path


@pytest.mark.parametrize("side", [20000, 12000])  # Pillow's DecompressionBombError, then its warning
def test_an_image_over_the_pixel_limit_is_refused_with_its_size_and_the_fix(tmp_path: Path, side: int) -> None:
    path = _png_header(tmp_path / "poster.png", side, side)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no DecompressionBombWarning either
        with pytest.raises(InputError) as caught:
            open_image(path)
    message = str(caught.value)
    assert f"'poster.png' is {side} x {side} pixels ({side * side:,})" in message
    assert "89,478,485 (about 9459 x 9459)" in message
    assert "`magick poster.png -resize 4000x4000 poster-small.png`" in message and "MAX_IMAGE_PIXELS" in message


def test_a_backend_is_told_before_it_decodes_or_uploads_the_image(tmp_path: Path) -> None:
    path = _png_header(tmp_path / "huge.png", 20000, 20000)
    with pytest.raises(InputError, match="'huge.png' is 20000 x 20000 pixels"):
        file_input({"image": str(path)}, "image", "image-to-text")


def test_a_raised_limit_or_a_small_image_passes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from PIL import Image

    small = tmp_path / "small.png"
    Image.new("RGB", (40, 30), "red").save(small)
    assert image_size(small) == (40, 30) and open_image(small).size == (40, 30)
    assert file_input({"image": str(small)}, "image", "image-to-text") == small.resolve()
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", None)
    check_pixels(_png_header(tmp_path / "huge.png", 20000, 20000))  # no limit: no error
    assert image_size(tmp_path / "nothing.png") is None


def test_pillows_own_refusal_is_explained_too(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import hugginggpt_tools.backends._images as images

    monkeypatch.setattr(images, "image_size", lambda path: None)  # a format the header reader misses
    with pytest.raises(InputError, match=r"'huge.png' is too large \(Image size \(400000000 pixels\) exceeds"):
        open_image(_png_header(tmp_path / "huge.png", 20000, 20000))


# ----------------------------------------------------------------------------- 3. a missing core dependency


class _Raising(Planner):
    name = "raising"

    def __init__(self, error: Exception) -> None:
        self.error = error

    def plan(self, request: str, *, files: Sequence[str] = (), chat_history: Sequence[Any] = ()) -> Plan:
        raise self.error


def _index() -> ModelIndex:
    return ModelIndex.build([fake_card("summarization", "fake/sum")], HashEmbedder())


def test_a_missing_package_while_planning_is_an_error_not_an_empty_plan(tmp_path: Path) -> None:
    error = MissingExtraError("torch", "index", "the model index")
    agent = create_hugginggpt_agent(planner=_Raising(error), settings=Settings(output_dir=tmp_path), index=_index(),
                                    backends=Backends([FakeBackend()]))
    with pytest.raises(MissingExtraError, match="'torch' is not installed"):
        agent.invoke("Summarize: cats purr.")


def test_a_bundled_model_missing_torch_names_the_cpu_build(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(bundled, "missing_packages", lambda names: [n for n in names if n in ("torch", "cv2")])
    card = fake_card("image-classification", "bundled/efficientnet-lite0")
    reason = bundled.BundledBackend().availability(card) or ""
    assert reason.startswith("missing packages torch; install torch with pip install 'torch==2.13.0' --index-url "
                             "https://download.pytorch.org/whl/cpu")
    assert bundled.install_fix(["cv2", "torch"], "offline").endswith(
        "and install the others with pip install 'hugginggpt-tools[offline]'")
    assert bundled.install_fix(["cv2"], "offline") == "install them with pip install 'hugginggpt-tools[offline]'"



def test_the_transformers_backend_and_the_index_name_the_cpu_build_of_torch(monkeypatch: pytest.MonkeyPatch) -> None:
    from hugginggpt_tools.backends.transformers import TransformersBackend
    from hugginggpt_tools.model_index.embedding import missing_dependency

    backend = TransformersBackend(Settings())
    monkeypatch.setattr(backend, "_missing_packages", lambda: ["torch", "transformers"])
    reason = backend.availability(fake_card("image-classification", "google/vit-base")) or ""
    assert "install torch with pip install 'torch==2.13.0' --index-url https://download.pytorch.org/whl/cpu" in reason
    assert reason.endswith("install the others with pip install hugginggpt-tools")
    assert "--index-url https://download.pytorch.org/whl/cpu" in str(missing_dependency("torch", "torch"))
    assert "pip install 'faiss-cpu'" in str(missing_dependency("faiss", "faiss-cpu"))


# ----------------------------------------------------------------------------- 4. misspelt task types


@pytest.mark.parametrize(("name", "meant"), [("summarisation", "summarization"), ("image-to-txt", "image-to-text"),
                                             ("speech recogniton", "automatic-speech-recognition")])
def test_an_unknown_task_type_names_the_closest(name: str, meant: str) -> None:
    with pytest.raises(UnknownTaskError, match=rf"Unknown task type '{name}' \(did you mean {meant}\?\)\. Use one of"):
        get_task(name)


def test_models_search_with_a_misspelt_task_fails_with_the_hint(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["models", "search", "read text", "--task", "image-to-txt"]) == 2
    assert "Unknown task type 'image-to-txt' (did you mean image-to-text?)" in capsys.readouterr().err


# ----------------------------------------------------------------------------- 5. text files that are not UTF-8


def test_a_windows_1252_file_is_read_as_such_with_a_warning(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    path = tmp_path / "legacy.txt"
    path.write_bytes(b"The caf\xe9 served \x93great\x94 coffee.")
    with caplog.at_level(logging.WARNING, logger="hugginggpt_tools.charsets"):
        assert read_text_file(path) == "The café served “great” coffee."
    assert "'legacy.txt' is not UTF-8 (byte 0xe9 at offset 7); read it as Windows-1252, where that byte is 'é'" \
        in caplog.text
    assert "save the file as UTF-8" in caplog.text


def test_utf8_parts_stay_and_marks_are_honoured() -> None:
    assert decoded("\ufeffcafé".encode()) == ("café", None)
    text, note = decoded(b"na\xc3\xafve caf\xe9")  # pasted together: UTF-8, then a Latin byte
    assert text == "naïve café" and note is not None and "byte 0xe9 at offset 10" in note
    assert decoded(b"\xef\xbb\xbfcaf\xe9")[1].startswith("is not UTF-8 (byte 0xe9 at offset 6)")
    page = b'<html><head><meta charset="iso-8859-7"></head><body>\xe1\xe2\xe3</body></html>'
    assert decoded(page) == (page.decode("iso-8859-7"), None)  # what the page declares
    text, note = decoded("hi".encode("utf-16") + b"\x00")
    assert text == "hi\ufffd" and note is not None and "1 of its characters (bytes that are not UTF-16) were replaced" in note


# ----------------------------------------------------------------------------- 6. wording


def test_a_damaged_pdf_is_not_told_to_be_saved_as_pdf(tmp_path: Path) -> None:
    path = tmp_path / "bad.pdf"
    path.write_bytes(b"%PDF-1.4\ngarbage garbage\n")
    with pytest.raises(InputError) as caught:
        read_text_file(path)
    message = str(caught.value)
    assert message.startswith("Cannot read the PDF 'bad.pdf' (") and "damaged" in message
    assert "save it as .txt or PDF" not in message and "save (or print to PDF) a new copy" in message


def test_an_empty_pdf_is_called_a_pdf(tmp_path: Path) -> None:
    (tmp_path / "empty.pdf").write_bytes(b"")
    with pytest.raises(InputError, match=r"^The PDF 'empty.pdf' is empty \(0 bytes\)\. Save it again"):
        read_text_file(tmp_path / "empty.pdf")


def test_the_llm_failure_names_the_command_line_options(tmp_path: Path) -> None:
    from langchain_core.language_models.fake_chat_models import FakeListChatModel

    from hugginggpt_tools.errors import LLMCallError

    class _Down(FakeListChatModel):
        def _call(self, *args: Any, **kwargs: Any) -> str:
            raise ConnectionError("provider down")

    agent = create_hugginggpt_agent(_Down(responses=["x"]), planner="llm", settings=Settings(output_dir=tmp_path),
                                    index=_index(), backends=Backends([FakeBackend()]))
    with pytest.raises(LLMCallError, match="on the command line: --planner auto, --planner offline"):
        agent.invoke("Summarize: cats purr.")


@pytest.mark.parametrize("label", ["undefined", "utf-16", "utf-32", "cp500", "no-such-charset", "latin-1", "cp1252"])
def test_a_web_pages_declared_charset_is_used_only_when_it_can_be_true(label: str) -> None:
    """"undefined" raised a bare UnicodeError (the run died, exit 3); "utf-16" turned a
    Windows-1252 page into CJK-looking nonsense with no warning; "latin-1" read curly quotes as
    control characters."""
    page = f'<html><head><meta charset="{label}"></head><body>caf\xe9 \u201cq\u201d</body></html>'.encode("cp1252")
    text, _ = decoded(page)
    assert text.endswith("<body>café “q”</body></html>")


def test_an_empty_image_is_named_empty_not_a_struct_error(tmp_path: Path) -> None:
    """A 0-byte PNG failed with "unpack_from requires a buffer of at least 4 bytes" (the size check
    ran Pillow's format probes on no bytes)."""
    empty = tmp_path / "empty.png"
    empty.write_bytes(b"")
    check_pixels(empty)  # nothing to measure: the reading says what is wrong
    with pytest.raises(InputError, match=r"'empty.png' is empty \(0 bytes\)"):
        open_image(empty)


def test_an_image_too_long_and_thin_for_the_text_detector_says_so(tmp_path: Path, ocr: Any) -> None:
    """RapidOCR's ResizeImgError has no message: the task failed with "ResizeImgError:"."""
    from PIL import Image

    from hugginggpt_tools.artifacts import ArtifactStore
    from hugginggpt_tools.backends.base import RunContext

    wide = tmp_path / "wide.png"
    Image.new("RGB", (60000, 20), "white").save(wide)
    ctx = RunContext(store=ArtifactStore(tmp_path / "out"), settings=Settings(num_threads=1), task="image-to-text")
    with pytest.raises(InputError, match=r"'wide.png' is 60000 x 20 pixels, too long and thin .* Cut it into parts"):
        ocr.predict({"image": str(wide)}, ctx)
