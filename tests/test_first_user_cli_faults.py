"""Faults a first user of the command line met, each with the fix's test:

* "TRANSCRIBE MEETING.WAV" said "no such file" with no hint, though meeting.wav was there;
* a "no runnable model" reason came twice, in full on stdout and as one long progress line on
  stderr; a count that answered a question still got a "to run one: `hf download ...`" hint;
* ``hugginggpt plan "hello there" --file sign.jpg`` printed ``[]`` and nothing on why, and the run's
  answer said "Name the input file" of a file that was given;
* "count the faces in slide.png" (none) wrote and listed a picture with no box on it;
* ``bench taskbench --data email.txt`` said only "not a JSON line"; ``plan --input`` took a
  ``"files": "x.jpg"`` string without a word;
* ``--file FOLDER`` for "transcribe it" suggested the folder's text file;
* a .docx holding plain text was refused as a Word document, and a Word document without its
  suffix as binary data;
* each WAV read checked twice whether the file was empty.
"""

from __future__ import annotations

import json
import wave
import zipfile
from pathlib import Path

import pytest

from hugginggpt_tools.cli import main
from hugginggpt_tools.errors import InputError
from hugginggpt_tools.schemas import Artifact, ModelChoice, Plan, Task, TaskResult

NO_MODEL = ("no runnable model for text-to-image: no bundled or local model here makes images, as neither a bundled "
            "model nor the transformers backend runs text-to-image; its 30 catalog models run only on a remote "
            "endpoint, none can run now (hf-inference: HF_HUB_OFFLINE=1 is set and no token or endpoint is "
            "configured; unset HF_HUB_OFFLINE and set HF_TOKEN to a Hugging Face token)")


def _wav(path: Path, frames: int = 1600) -> Path:
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(16000)
        out.writeframes(b"\x10\x00" * frames)
    return path


# ----------------------------------------------------------------------------- 1: a name in other case


def test_a_missing_name_in_other_case_gets_the_existing_file_as_a_hint(tmp_path: Path) -> None:
    from hugginggpt_tools.inputs import did_you_mean, resolve_file, similar_file_names

    _wav(tmp_path / "meeting.wav")
    (tmp_path / "meeting.txt").write_text("notes")
    assert similar_file_names("MEETING.WAV", cwd=tmp_path) == ["meeting.wav"]
    assert did_you_mean("MEETING.WAV", cwd=tmp_path) == " Did you mean 'meeting.wav'?"
    assert similar_file_names("Metting.WAV", cwd=tmp_path)[0] == "meeting.wav"  # a typo in other case too
    assert similar_file_names("MEETING.WAV", ["/elsewhere/Meeting.wav"], cwd=tmp_path)[:2] == [
        "Meeting.wav", "meeting.wav"]
    with pytest.raises(InputError, match=r"Did you mean 'meeting\.wav'\?"):
        resolve_file("MEETING.WAV", cwd=tmp_path)


# ----------------------------------------------------------------------------- 2: a reason said once


def test_a_long_failure_reason_is_one_short_progress_line(capsys: pytest.CaptureFixture[str]) -> None:
    from hugginggpt_tools.cli.run import _progress

    _progress({"event": "task_finished", "task_id": 0, "task": "text-to-image", "status": "failed",
               "model_id": None, "duration_s": None, "error": NO_MODEL})
    _progress({"event": "task_finished", "task_id": 1, "task": "image-to-text", "status": "failed",
               "model_id": "bundled/ocr", "duration_s": 0.5,
               "error": "bundled/ocr: found no text in a.jpg: " + "the picture holds no writing " * 5})
    _progress({"event": "task_finished", "task_id": 2, "task": "summarization", "status": "failed",
               "model_id": "bundled/sum", "duration_s": 0.01, "error": "The text file 'e.txt' is empty"})
    assert capsys.readouterr().err.splitlines() == [
        "[task 0] text-to-image failed: no runnable model for text-to-image; the answer says why",
        "[task 1] image-to-text failed with bundled/ocr in 0.50 s: bundled/ocr: found no text in a.jpg; "
        "the answer says why",
        "[task 2] summarization failed with bundled/sum in 0.01 s: The text file 'e.txt' is empty"]


def _counting(status: str = "succeeded") -> tuple[Plan, ModelChoice, TaskResult]:
    reason = ("no visual-question-answering model can run here (no runnable model for visual-question-answering: "
              "13 catalog models, none can run now (transformers: weights of 'Salesforce/blip-vqa-base' not found "
              "locally; download the weights with `hf download Salesforce/blip-vqa-base`)); object-detection stands "
              "in: its output holds the answer. best of 1 runnable candidate")
    choice = ModelChoice(task_id=0, task="object-detection", model_id="bundled/faces", backend="bundled",
                         reason=reason, stands_in_for="visual-question-answering", answers_whole=True)
    plan = Plan(tasks=[Task(id=0, task="object-detection", args={"image": "slide.png"})])
    result = TaskResult(task_id=0, task="object-detection", status=status, model_id="bundled/faces",
                        backend="bundled", text="0 people found in slide.png" if status == "succeeded" else None,
                        error=None if status == "succeeded" else "bundled/faces: timed out",
                        stands_in_for="visual-question-answering")
    return plan, choice, result


def test_a_count_that_answered_the_question_gets_no_download_hint() -> None:
    from hugginggpt_tools.response import summarize

    plan, choice, result = _counting()
    text = summarize("how many people are in slide.png", plan, [choice], [result])
    assert text.startswith("Result: 0 people found in slide.png\n")
    assert ("- task 0 ran object-detection for the visual-question-answering asked for, which no model here can "
            "give\n") in text + "\n" and "hf download" not in text
    # a stand-in that did not answer still says how to get a model that would
    plan, choice, failed = _counting("failed")
    assert "(to run one: `hf download Salesforce/blip-vqa-base`)" in summarize("x", plan, [choice], [failed])


# ----------------------------------------------------------------------------- 3: nothing planned


def test_plan_says_why_nothing_was_planned_and_what_to_ask_of_the_file(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["plan", "hello there", "--file", "sign.jpg", "--planner", "offline"]) == 1
    out = capsys.readouterr()
    assert json.loads(out.out) == []
    assert out.err.strip() == (
        "No model task was needed or could be planned for this request. Say what to do with sign.jpg: e.g. "
        "'read the text in sign.jpg', 'describe sign.jpg'; or configure an LLM with --llm for open questions.")


def test_the_answer_to_an_unplanned_request_names_the_files_given(tmp_path: Path) -> None:
    from hugginggpt_tools.response import summarize

    _wav(tmp_path / "talk.wav")
    files = [str(tmp_path / "sign.jpg"), str(tmp_path / "talk.wav")]
    text = summarize("hello there", Plan(), [], [], files)
    assert "Name the input file" not in text
    assert ("Say what to do with sign.jpg and talk.wav: e.g. 'read the text in sign.jpg', 'transcribe talk.wav'; "
            "or configure an LLM") in text
    assert "Name the input file and what to do with it" in summarize("hello there", Plan(), [], [])


def test_the_agent_passes_the_files_given_to_the_answer(tmp_path: Path) -> None:
    from helpers import fake_agent

    from hugginggpt_tools.config import Settings

    (tmp_path / "notes.txt").write_text("Buy milk.")
    agent = fake_agent(Settings(output_dir=tmp_path / "out"), {"fake/sum": ("summarization", lambda i, c: "s")})
    state = agent.invoke({"input": "hello there", "files": [str(tmp_path / "notes.txt")]})
    assert state["answer"].plan.tasks == []
    assert "Say what to do with notes.txt: e.g. 'summarize notes.txt'" in state["output"]


# ----------------------------------------------------------------------------- 4: nothing detected


def test_a_detection_that_found_nothing_writes_no_picture(tmp_path: Path) -> None:
    from PIL import Image

    from hugginggpt_tools.artifacts import ArtifactStore
    from hugginggpt_tools.backends.base import RunContext
    from hugginggpt_tools.backends.bundled import BundledBackend
    from hugginggpt_tools.config import Settings
    from hugginggpt_tools.model_index.catalog import bundled_cards

    pytest.importorskip("cv2")
    Image.new("RGB", (320, 240), "skyblue").save(tmp_path / "slide.png")
    (card,) = [c for c in bundled_cards() if c.id == "bundled/opencv-haar-faces-people"]
    store = ArtifactStore(tmp_path / "out")
    ctx = RunContext(store=store, settings=Settings(num_threads=1), request="count the faces in slide.png")
    out = BundledBackend(Settings(num_threads=1)).run(card, "object-detection", {"image": str(tmp_path / "slide.png")},
                                                      ctx)
    assert out.text == "0 faces found in slide.png" and out.artifacts == []
    assert not list((tmp_path / "out").rglob("*.png"))


def test_a_task_reading_the_picture_of_an_empty_detection_is_told_why_there_is_none() -> None:
    from hugginggpt_tools.execution import _ref_value
    from hugginggpt_tools.schemas import Ref

    found = TaskResult(task_id=0, task="object-detection", status="succeeded", text="0 faces found in slide.png")
    with pytest.raises(InputError, match=r"^Task 0 \(object-detection\) produced no image output to pass on: "
                                         r"0 faces found in slide\.png\.$"):
        _ref_value(Ref(task_id=0), "image", {0: found})


def test_the_pictures_of_a_detection_that_found_something_are_still_written(tmp_path: Path) -> None:
    from PIL import Image

    from hugginggpt_tools.artifacts import ArtifactStore
    from hugginggpt_tools.backends._images import detections_image
    from hugginggpt_tools.backends.base import RunContext
    from hugginggpt_tools.config import Settings

    ctx = RunContext(store=ArtifactStore(tmp_path / "out"), settings=Settings(num_threads=1))
    image = Image.new("RGB", (64, 48), "white")
    assert detections_image(image, [], ctx, "none") == []
    (drawn,) = detections_image(image, [{"label": "cat", "score": 0.9, "box": [2, 2, 30, 30]}], ctx, "1 object")
    assert isinstance(drawn, Artifact) and Path(drawn.path).is_file()


# ----------------------------------------------------------------------------- 5, 6: bad lines


def test_a_taskbench_file_that_is_not_json_lines_gets_the_line_format(tmp_path: Path) -> None:
    from hugginggpt_tools.taskbench import load_requests

    email = tmp_path / "email.txt"
    email.write_text("Hi Bob,\nthe meeting moved.\n")
    with pytest.raises(InputError, match=r"email\.txt:1: not a JSON line \(Expecting value\)\. Each line is a JSON "
                                         r"object like \{\"id\": \"1\", \"type\": \"single\", \"instruction\""):
        load_requests(email)
    email.write_text('"Caption photo.jpg"\n')
    with pytest.raises(InputError, match=r"got str\. Each line is a JSON object like .*\"task_nodes\""):
        load_requests(email)


def test_plan_input_refuses_files_given_as_a_string(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    batch = tmp_path / "batch.jsonl"
    batch.write_text(json.dumps({"request": "Caption x.jpg", "files": "x.jpg"}) + "\n"
                     + json.dumps({"request": "Caption y.jpg", "files": ["y.jpg"]}) + "\n")
    assert main(["plan", "--input", str(batch), "--planner", "offline"]) == 1
    bad, good = (json.loads(line) for line in capsys.readouterr().out.splitlines())
    assert bad["error"].startswith(f"{batch}:1: 'files' must be a list of file names (e.g. \"files\": [\"x.jpg\"]), "
                                   "got \"x.jpg\"; each line is")
    assert good["plan"][0]["args"] == {"image": "y.jpg"}


# ----------------------------------------------------------------------------- 7: a folder for --file


def test_a_folder_given_as_file_suggests_files_of_the_kind_the_request_needs(tmp_path: Path) -> None:
    from hugginggpt_tools.cli._common import check_files

    folder = tmp_path / "t1"
    folder.mkdir()
    (folder / "article.txt").write_text("An article.")
    _wav(folder / "talk.wav")
    with pytest.raises(InputError, match=rf"e\.g\. --file {folder}/talk\.wav \(its audio files: talk\.wav\)\.$"):
        check_files([str(folder)], "transcribe it")
    with pytest.raises(InputError, match=r"it holds no image file, only article\.txt, talk\.wav; give the image "
                                         r"file's path with --file\.$"):
        check_files([str(folder)], "describe it")
    with pytest.raises(InputError, match=rf"e\.g\. --file {folder}/article\.txt \(it holds article\.txt, talk\.wav\)"):
        check_files([str(folder)], "do it")


# ----------------------------------------------------------------------------- 8: a Word document by its content


def _docx(path: Path, text: str) -> Path:
    body = f'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p>' \
           f"<w:r><w:t>{text}</w:t></w:r></w:p></w:body></w:document>"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", body)
    return path


def test_a_word_document_is_told_by_its_content_not_its_name(tmp_path: Path) -> None:
    from hugginggpt_tools.documents import read_text_file

    (tmp_path / "notes.docx").write_text("Meeting notes\nBuy <milk> & eggs.\n")
    assert read_text_file(tmp_path / "notes.docx") == "Meeting notes\nBuy <milk> & eggs.\n"
    assert read_text_file(_docx(tmp_path / "LETTER", "Dear Anna, it arrives Monday.")) == \
        "Dear Anna, it arrives Monday."
    assert read_text_file(_docx(tmp_path / "letter.txt", "Dear Bob.")) == "Dear Bob."
    # the old formats too: refused by name only when the content is not plain text
    (tmp_path / "memo.doc").write_text("Memo: the office closes at 5.")
    assert read_text_file(tmp_path / "memo.doc") == "Memo: the office closes at 5."
    assert read_text_file(_docx(tmp_path / "saved.doc", "Saved as doc.")) == "Saved as doc."
    (tmp_path / "notes.rtf").write_text("{\\rtf1\\ansi Hello}")
    with pytest.raises(InputError, match=r"^'notes.rtf' is an RTF document, whose text is not read here"):
        read_text_file(tmp_path / "notes.rtf")
    # a ZIP archive that is no Word document is still binary data; a binary .docx still a damaged document
    with zipfile.ZipFile(tmp_path / "photos", "w") as archive:
        archive.writestr("a.txt", "x")
    with pytest.raises(InputError, match=r"^'photos' is not a text file \(its bytes are binary data\)"):
        read_text_file(tmp_path / "photos")
    (tmp_path / "broken.docx").write_bytes(bytes(range(256)))
    with pytest.raises(InputError, match=r"^'broken.docx' is not a readable Word document \(\.docx\): it is not a "
                                         r"ZIP archive"):
        read_text_file(tmp_path / "broken.docx")


# ----------------------------------------------------------------------------- 9: one empty-file check per read


def test_each_wav_read_checks_for_an_empty_file_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from hugginggpt_tools.backends import _audio

    wav = _wav(tmp_path / "a.wav")
    checks: list[str] = []
    real = _audio.empty_file
    monkeypatch.setattr(_audio, "empty_file", lambda path, *args: checks.append(Path(path).name) or real(path, *args))
    for read in (_audio.read_wav, _audio.read_audio, lambda p: list(_audio.iter_audio(p)[0])):
        checks.clear()
        read(wav)
        assert checks == ["a.wav"], read
    (tmp_path / "empty.wav").write_bytes(b"")
    with pytest.raises(InputError, match=r"^The audio file 'empty.wav' is empty"):
        _audio.read_wav(tmp_path / "empty.wav")


# ----------------------------------------------------------------------------- 10: an unknown target language


def test_a_translation_into_an_unknown_language_names_it_and_no_other_model(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """"... into klingon" once suggested `hf download Helsinki-NLP/opus-mt-ko-en` (Korean)."""
    assert main(["run", "translate 'where is the train station' into klingon", "--output-dir",
                 str(tmp_path / "out")]) == 1
    out = capsys.readouterr()
    assert "no model here is known to translate into Klingon" in out.out
    assert "opus-mt-ko" not in out.out + out.err and "hf download" not in out.out
    assert "[task 0] translation failed: no runnable model for translation; the answer says why" in out.err
