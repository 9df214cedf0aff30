"""A result's text longer than the answer shows is cut saying so, and where the whole text is.

A 15,000-character OCR was cut at 2,000 characters with a lone "…": nothing said that the text was
cut, nor that ``--json`` has it whole. The LLM was sent the cut text as if it were the whole, too.
"""

from __future__ import annotations

import asyncio
import json

from helpers import recording_chat

from hugginggpt_tools.response import Responder, result_record, summarize
from hugginggpt_tools.schemas import Artifact, Plan, Ref, Task, TaskResult

LONG = ("The quick brown fox jumps over the lazy dog. " * 12 + "\n") * 28  # 15,148 characters over 28 lines
CUT = ("(cut at 2,000 of 15,148 characters; the whole text is in task 0's result (the answer's results; on the "
       "command line, --json))")


def _ocr(text: str = LONG, **update: object) -> TaskResult:
    result = TaskResult(task_id=0, task="image-to-text", status="succeeded", model_id="bundled/ocr", backend="bundled",
                        text=text)
    return result.model_copy(update=update)


OCR_PLAN = Plan(tasks=[Task(id=0, task="image-to-text", args={"image": "scan.png"})])


def test_a_cut_final_result_says_so_and_where_the_whole_text_is() -> None:
    assert len(LONG) == 15_148
    answer = summarize("read scan.png", OCR_PLAN, [], [_ocr()])
    shown, rest = answer.split("…\n", 1)
    head, *lines = shown.split("\n")
    assert head == "Result:" and "\n".join(line.removeprefix("   ") for line in lines) == LONG[:2000]
    assert rest.startswith(f"   {CUT}\n")


def test_a_cut_text_in_a_task_line_says_so_too() -> None:
    """The OCR a summary was made of is shown on its task's line, not as the result."""
    plan = Plan(tasks=[*OCR_PLAN.tasks, Task(id=1, task="summarization", dep=[0], args={"text": Ref(task_id=0)})])
    summary = TaskResult(task_id=1, task="summarization", status="succeeded", model_id="bundled/sum",
                         backend="bundled", text="A fox jumps.")
    answer = summarize("summarize scan.png", plan, [], [_ocr(), summary])
    assert answer.startswith("Result: A fox jumps.") and answer.count("(cut at") == 1 and f"   {CUT}" in answer


def test_a_text_file_the_task_wrote_is_named() -> None:
    text_file = Artifact(id="a1", path="/out/s/scan.txt", mime_type="text/plain", modality="text", task_id=0)
    answer = summarize("read scan.png", OCR_PLAN, [], [_ocr(artifacts=[text_file])])
    assert "the whole text is in /out/s/scan.txt and in task 0's result" in answer


def test_a_text_that_fits_is_shown_whole_with_no_note() -> None:
    text = LONG[:2000]
    answer = summarize("read scan.png", OCR_PLAN, [], [_ocr(text)])
    assert text.rstrip().splitlines()[-1] in answer and "…" not in answer and "cut at" not in answer
    assert "text_cut" not in result_record(_ocr(text))


def test_the_llm_is_told_a_text_was_cut_and_the_answer_says_what_it_read() -> None:
    record = result_record(_ocr(data={"lines": ["x" * 40] * 100}))
    assert len(record["text"]) == 2001 and record["text"].endswith("…")
    assert record["text_cut"].startswith("only the first 2,000 of its 15,148 characters are shown here")
    assert "never present this part as the whole text" in record["text_cut"]
    assert record["data_cut"].startswith("only the first 1,499 of its 4,411 characters")
    llm = recording_chat("The scan reads: The quick brown fox...")
    answer = asyncio.run(Responder(llm, timeout_s=5).arespond("read scan.png", OCR_PLAN, [], [_ocr()]))
    sent = json.loads(llm.received[-1].split("Inference results: ", 1)[1])
    assert "text_cut" in sent[0]
    assert answer.endswith("Texts cut for the LLM:\n- task 0 (image-to-text): the LLM read the first 2,000 of 15,148 "
                           "characters; the whole text is in task 0's result (the answer's results; on the command "
                           "line, --json)")


def test_an_llm_answer_over_whole_texts_has_no_cut_note() -> None:
    llm = recording_chat("It says WET FLOOR.")
    answer = asyncio.run(Responder(llm, timeout_s=5).arespond("read sign.png", OCR_PLAN, [], [_ocr("WET FLOOR")]))
    assert answer == "It says WET FLOOR."


def test_an_answer_the_llm_wrote_names_the_files_written() -> None:
    """"Done: the sign was read aloud." was the whole answer: the WAV was only in the artifact."""
    wav = Artifact(id="0123456789ab", path="/out/s/speech-1.wav", mime_type="audio/wav", modality="audio", task_id=0)
    spoken = TaskResult(task_id=0, task="text-to-speech", status="succeeded", text="spoke", artifacts=[wav])
    plan = Plan(tasks=[Task(id=0, task="text-to-speech", args={"text": "hello"})])
    answer = asyncio.run(Responder(recording_chat("Done: the sign was read aloud."), timeout_s=5)
                         .arespond("say hello", plan, [], [spoken]))
    assert answer == "Done: the sign was read aloud.\n\nFiles written:\n- /out/s/speech-1.wav"
    named = asyncio.run(Responder(recording_chat("Saved to /out/s/speech-1.wav."), timeout_s=5)
                        .arespond("say hello", plan, [], [spoken]))
    assert named == "Saved to /out/s/speech-1.wav."
