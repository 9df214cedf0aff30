"""What a first-time user met with documents, empty files and wording (helper-124's CLI run): a web
page, a PDF, a text file with no suffix summarized as its own file name; an empty recording said to
be undecodable; "0 succeeded"; results that did not say which file each came from."""

from __future__ import annotations

from pathlib import Path

import pytest

from hugginggpt_tools.artifacts import ArtifactStore
from hugginggpt_tools.config import Settings
from hugginggpt_tools.errors import InputError
from hugginggpt_tools.execution import missing_files, resolve_args
from hugginggpt_tools.inputs import resolve_file, text_file_content
from hugginggpt_tools.response import summarize
from hugginggpt_tools.schemas import Plan, Task, TaskResult


@pytest.fixture()
def store(tmp_path: Path) -> ArtifactStore:
    return ArtifactStore(tmp_path / "out", "s1")


def _pdf(lines: list[str]) -> bytes:
    """A one-page PDF whose text layer holds ``lines`` (Helvetica), with a correct cross-reference table."""
    text = " ".join(f"({line}) Tj 0 -20 Td" for line in lines)
    stream = f"BT /F1 12 Tf 72 720 Td {text} ET".encode()
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
               b"/Resources << /Font << /F1 5 0 R >> >> >>",
               b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
               b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def _text(value: str, tmp_path: Path, store: ArtifactStore, files: list[str] | None = None, **kw) -> str:
    task = Task(id=0, task="summarization", args={"text": value})
    return resolve_args(task, {}, files=files or [], cwd=tmp_path, store=store, **kw)["text"]


def test_a_web_page_a_pdf_and_a_text_file_with_no_suffix_stand_for_their_text(tmp_path: Path,
                                                                              store: ArtifactStore) -> None:
    """"summarize page.html" summarized the words "page.html"; "summarize report.pdf", "--file NOTES"
    alike: the file's text is what the task reads."""
    (tmp_path / "page.html").write_text(
        "<!DOCTYPE html><html><head><title>Launch news</title><style>p {color: red}</style>"
        "<script>var hidden = '<p>not shown</p>';</script></head><body><h1>Launch</h1>"
        "<p>The rocket launch is delayed to Monday &amp; the crew rests.</p><!-- a comment --></body></html>")
    assert _text("page.html", tmp_path, store) == ("Launch news.\nLaunch.\nThe rocket launch is delayed to Monday & "
                                                   "the crew rests.")
    (tmp_path / "report.pdf").write_bytes(_pdf(["Quarterly report.", "Sales rose by ten percent."]))
    text = _text("report.pdf", tmp_path, store)
    assert "Quarterly report." in text and "Sales rose by ten percent." in text
    (tmp_path / "NOTES").write_text("Buy milk. Call Anna about the budget.")
    assert _text("NOTES", tmp_path, store) == "Buy milk. Call Anna about the budget."
    # a given file by its name, with an unknown suffix; a page with no suffix is read as a page
    given = tmp_path / "given"
    given.mkdir()
    (given / "notes.cfg").write_text("The meeting is on Friday.")
    assert _text("notes.cfg", tmp_path, store, files=[str(given / "notes.cfg")]) == "The meeting is on Friday."
    (tmp_path / "saved").write_text("<html><body><p>Saved page text.</p></body></html>")
    assert _text("saved", tmp_path, store) == "Saved page text."
    # a word that names no file is the text itself
    assert _text("hello", tmp_path, store) == "hello"


def test_a_file_that_cannot_be_read_as_text_fails_naming_it_and_the_fix(tmp_path: Path, store: ArtifactStore) -> None:
    """An old Word (.doc) file, binary data, a photo, a scanned PDF: a one-line error naming the file and what to do,
    never the file's name passed on as the text."""
    (tmp_path / "letter.doc").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(64))
    with pytest.raises(InputError, match=r"^'letter.doc' is an old-style Word document \(\.doc\), whose text is not "
                                         r"read here; save it as \.docx, \.txt or PDF \(`soffice --headless "
                                         r"--convert-to docx letter.doc`\), or quote its text in the request\.$"):
        _text("letter.doc", tmp_path, store)
    (tmp_path / "binary.bin").write_bytes(bytes(range(256)) * 4)
    with pytest.raises(InputError, match=r"^'binary.bin' is not a text file \(its bytes are binary data\); save it"):
        _text("binary.bin", tmp_path, store, files=[str(tmp_path / "binary.bin")])
    (tmp_path / "photo.jpg").write_bytes(b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(64))
    with pytest.raises(InputError, match=r"^'photo.jpg' is a JPEG image, not a text; to use the writing in it, ask "
                                         r"for that first \(read the text in photo.jpg\)"):
        _text("photo.jpg", tmp_path, store)
    (tmp_path / "scan.pdf").write_bytes(_pdf([]))  # its page draws nothing: blank, not a scan to OCR
    with pytest.raises(InputError, match=r"^The PDF 'scan.pdf' has no text: its 1 page is blank"):
        _text("scan.pdf", tmp_path, store)
    (tmp_path / "broken.pdf").write_bytes(b"%PDF-1.4\nnot really a pdf")
    with pytest.raises(InputError, match=r"^(?:Cannot read the PDF 'broken.pdf'|The PDF 'broken.pdf' has no text)"):
        _text("broken.pdf", tmp_path, store)
    # a document that is named but not there is a missing file before any model runs
    plan = Plan(tasks=[Task(id=0, task="summarization", args={"text": "gone.pdf"}),
                       Task(id=1, task="summarization", args={"text": "hello"})])
    assert missing_files(plan, cwd=tmp_path) == ["gone.pdf"]


def test_a_path_outside_the_allowed_folders_is_refused_not_summarized_as_its_name(tmp_path: Path,
                                                                                 store: ArtifactStore) -> None:
    """"summarize /etc/os-release" answered "/etc/os-release"."""
    outside = tmp_path.parent / f"{tmp_path.name}-os-release"
    outside.write_text("NAME=Linux")
    try:
        with pytest.raises(InputError, match="outside the folders files may come from"):
            _text(str(outside), tmp_path, store, settings=Settings(allowed_dirs=[]))
        assert text_file_content(str(outside), [str(outside)], tmp_path) == "NAME=Linux"  # given: allowed
    finally:
        outside.unlink()


def test_html_text_keeps_what_a_reader_sees() -> None:
    from hugginggpt_tools.inputs import html_text

    assert html_text("<head><title>T</title><body><ul><li>one</li><li>two</li></ul><noscript>x</noscript>") == \
        "T.\none\ntwo"


def test_a_missing_file_suggests_the_existing_one_it_is_close_to(tmp_path: Path) -> None:
    """"transcrbe speach.wav" said only "no such file"; speech.wav was right there."""
    from hugginggpt_tools.inputs import did_you_mean, similar_file_names

    (tmp_path / "speech.wav").write_bytes(b"RIFF")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "photo.png").write_bytes(b"x")
    assert similar_file_names("speach.wav", cwd=tmp_path) == ["speech.wav"]
    assert similar_file_names("sub/phot.png", cwd=tmp_path) == ["sub/photo.png"]
    assert did_you_mean("zebra.wav", cwd=tmp_path) == ""
    assert did_you_mean(str(tmp_path / "speach.wav"), cwd=tmp_path / "sub") == ""  # not guessed outside cwd
    with pytest.raises(InputError, match=r"File 'speach.wav' not found .*\. Did you mean 'speech.wav'\? Give it"):
        resolve_file("speach.wav", cwd=tmp_path)


def test_an_empty_recording_or_picture_is_named_as_empty(tmp_path: Path) -> None:
    """"transcribe this --file empty.wav" (0 bytes) said it cannot be decoded and suggested ffmpeg."""
    from hugginggpt_tools.backends._audio import read_audio, read_wav
    from hugginggpt_tools.backends._images import open_image

    (tmp_path / "empty.wav").write_bytes(b"")
    (tmp_path / "empty.mp3").write_bytes(b"")
    (tmp_path / "empty.png").write_bytes(b"")
    for name in ("empty.wav", "empty.mp3"):
        with pytest.raises(InputError, match=rf"^The audio file '{name}' is empty \(0 bytes\)\. Give a file that "
                                             r"holds the recording, or record it again\.$"):
            read_audio(tmp_path / name)
    with pytest.raises(InputError, match=r"^The audio file 'empty.wav' is empty"):
        read_wav(tmp_path / "empty.wav")
    with pytest.raises(InputError, match=r"^The image file 'empty.png' is empty \(0 bytes\)\. Give a file that holds "
                                         r"the picture, or save it again\.$"):
        open_image(tmp_path / "empty.png")
    (tmp_path / "fake.png").write_bytes(b"not an image at all")
    with pytest.raises(InputError) as caught:
        open_image(tmp_path / "fake.png")
    assert str(tmp_path) not in str(caught.value) and "'fake.png'" in str(caught.value)  # the bare name


def test_a_video_with_no_sound_says_how_to_ask_about_its_pictures() -> None:
    """"what text appears in silent.mp4?" said only that the video has no sound track."""
    from hugginggpt_tools.backends._audio import video_frames_hint

    assert video_frames_hint("/data/my clip.mp4") == (
        "No model here reads a video's pictures: to ask about what my clip.mp4 shows (the text in it, who is in "
        "it), extract a frame as an image, `ffmpeg -i 'my clip.mp4' -frames:v 1 'my clip-frame.png'`, and ask about "
        "my clip-frame.png.")


def test_a_silent_video_fails_with_the_frame_hint(tmp_path: Path) -> None:
    av = pytest.importorskip("av")
    import numpy as np

    from hugginggpt_tools.backends._audio import read_audio

    path = tmp_path / "silent.mp4"
    with av.open(str(path), "w") as container:
        stream = container.add_stream("mpeg4", rate=5)
        stream.width, stream.height, stream.pix_fmt = 32, 32, "yuv420p"
        for _ in range(3):
            frame = av.VideoFrame.from_ndarray(np.zeros((32, 32, 3), np.uint8), format="rgb24")
            for packet in stream.encode(frame):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
    with pytest.raises(InputError, match=r"'silent.mp4' has no sound track .* `ffmpeg -i silent.mp4 -frames:v 1 "
                                         r"silent-frame.png`"):
        read_audio(path)


def test_results_of_several_files_name_each_file_and_a_reason_names_its_model_once() -> None:
    """"classify the audio in noise.wav and meeting.wav" listed "- task 0 (audio-classification): no
    speech"; "bundled/whisper: heard no speech in tone.wav: bundled/whisper transcribes English speech"."""
    plan = Plan(tasks=[Task(id=k, task="audio-classification", args={"audio": name})
                       for k, name in enumerate(("noise.wav", "calls/meeting.wav"))])
    results = [TaskResult(task_id=0, task="audio-classification", status="succeeded", model_id="bundled/vad",
                          text="no speech (0.99)"),
               TaskResult(task_id=1, task="audio-classification", status="succeeded", model_id="bundled/vad",
                          text="speech (1.00)")]
    text = summarize("classify the audio in noise.wav and meeting.wav", plan, [], results)
    assert text.startswith("Results:\n- task 0 (audio-classification of noise.wav): no speech (0.99)\n"
                           "- task 1 (audio-classification of meeting.wav): speech (1.00)\n")
    # one file: nothing to tell apart
    one = summarize("x", Plan(tasks=plan.tasks[:1]), [], results[:1])
    assert "of noise.wav" not in one
    asr = Plan(tasks=[Task(id=0, task="automatic-speech-recognition", args={"audio": "tone.wav"})])
    failed = TaskResult(task_id=0, task="automatic-speech-recognition", status="failed", attempts=["bundled/whisper"],
                        error="bundled/whisper: heard no speech in tone.wav: bundled/whisper transcribes English "
                              "speech; try `hf download bundled/whisper`")
    said = summarize("transcribe tone.wav", asr, [], [failed])
    assert ("failed: bundled/whisper: heard no speech in tone.wav: this model transcribes English speech; try "
            "`hf download bundled/whisper`") in said
