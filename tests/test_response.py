"""Response generation: deterministic summary and the LLM response prompt."""

from __future__ import annotations

import asyncio

from hugginggpt_tools.response import Responder, summarize
from hugginggpt_tools.schemas import Artifact, Plan, Ref, Task, TaskResult
from hugginggpt_tools.testing import fake_choice, scripted_chat_model

PLAN = Plan(tasks=[Task(id=0, task="image-to-text", args={"image": "a.png"}),
                   Task(id=1, task="text-to-speech", dep=[0], args={"text": Ref(task_id=0)}),
                   Task(id=2, task="image-classification", args={"image": "a.png"})])
WAV = Artifact(id="abc", path="/out/s/speech.wav", mime_type="audio/x-wav", modality="audio", task_id=1)
RESULTS = [
    TaskResult(task_id=0, task="image-to-text", status="succeeded", model_id="bundled/ocr", backend="bundled",
               text="Invoice 1042\nTotal 250", started_at=1.0, finished_at=2.5),
    TaskResult(task_id=1, task="text-to-speech", status="succeeded", model_id="bundled/tts", backend="bundled",
               text="spoke 22 characters", artifacts=[WAV], started_at=2.5, finished_at=3.0),
    TaskResult(task_id=2, task="image-classification", status="failed", error="model crashed"),
]
CHOICES = [fake_choice(0, "image-to-text", ["bundled/ocr"]), fake_choice(1, "text-to-speech", ["bundled/tts"])]


def test_summary_states_results_files_and_failures():
    text = summarize("read a.png aloud", PLAN, CHOICES, RESULTS)
    assert "Invoice 1042" in text and "Total 250" in text
    assert "/out/s/speech.wav" in text
    assert "task 2 (image-classification) failed: model crashed" in text
    assert "bundled/ocr" in text and "1.5 s" in text


def test_summary_of_empty_plan_explains_what_to_do():
    text = summarize("hello there", Plan(notes=["planning failed: nothing matched"]), [], [])
    assert "No model task" in text and "nothing matched" in text


def test_llm_response_reads_structured_results():
    llm = scripted_chat_model(["The image says Invoice 1042; I read it aloud into /out/s/speech.wav."])
    responder = Responder(llm)
    messages = responder.messages("read a.png aloud", PLAN, CHOICES, RESULTS)
    prompt = messages[-1].content
    assert "read a.png aloud" in prompt and "Invoice 1042" in prompt
    assert "/out/s/speech.wav" in prompt and "model crashed" in prompt and "bundled/ocr" in prompt
    text = asyncio.run(responder.arespond("read a.png aloud", PLAN, CHOICES, RESULTS))
    assert text.startswith("The image says Invoice 1042")


def test_what_could_not_be_planned_is_said_with_or_without_tasks():
    missing = ["image-classification needs an image and the request gives none ('Classify this image'); "
               "attach the image file or name it in the request"]
    empty = summarize("Classify this image", Plan(missing=missing), [], [])
    assert empty.startswith("Nothing was run.") and "needs an image" in empty and "No model task" not in empty
    text = summarize("read a.png aloud", PLAN.model_copy(update={"missing": missing}), CHOICES, RESULTS)
    assert "Invoice 1042" in text and text.rstrip().endswith("name it in the request")
    assert "needs an image" not in summarize("read a.png aloud", PLAN, CHOICES, RESULTS)
    llm = scripted_chat_model(["Done."])
    reply = asyncio.run(Responder(llm).arespond("x", Plan(missing=missing), [], []))
    assert reply.startswith("Done.") and "needs an image" in reply


def test_a_stand_in_task_says_what_it_stands_in_for():
    plan = Plan(tasks=[Task(id=0, task="image-to-text", args={"image": "a.png"})])
    result = TaskResult(task_id=0, task="image-to-text", status="succeeded", model_id="bundled/ocr",
                        backend="bundled", text="Total 250", stands_in_for="document-question-answering")
    text = summarize("what is the total?", plan, [fake_choice(0, "image-to-text", ["bundled/ocr"])], [result])
    assert "task 0 (image-to-text, standing in for document-question-answering) succeeded with bundled/ocr" in text
    assert "- task 0 ran image-to-text for the document-question-answering asked for, which no model here can give" \
        in text


def test_a_fallback_that_ran_says_what_it_stands_in_for_and_why_with_or_without_an_llm():
    plan = Plan(tasks=[Task(id=0, task="image-to-text", args={"image": "a.jpg"})])
    why = "bundled/ocr: found no text in a.jpg"
    result = TaskResult(task_id=0, task="image-classification", status="succeeded", model_id="bundled/cls",
                        backend="bundled", text="tabby cat (0.80)", stands_in_for="image-to-text", error=why)
    choices = [fake_choice(0, "image-to-text", ["bundled/ocr"])]
    text = summarize("describe a.jpg", plan, choices, [result])
    assert "task 0 (image-classification, standing in for image-to-text) succeeded with bundled/cls" in text
    assert ("- task 0 ran image-classification for the image-to-text asked for, which its models could not give: "
            f"{why}") in text and "tabby cat (0.80)" in text and "did not succeed" not in text
    llm = scripted_chat_model(["It looks like a tabby cat."])
    answer = asyncio.run(Responder(llm).arespond("describe a.jpg", plan, choices, [result]))
    assert answer.startswith("It looks like a tabby cat.") and "did not succeed" not in answer
    assert f"- task 0 ran image-classification for the image-to-text asked for, which its models could not give: {why}" in answer


def test_a_stand_in_for_several_inputs_is_explained_once_naming_the_other_inputs():
    """"Caption these photos": the OCR's 300-character reason and fix came once per photo, in each task line."""
    photos = ("hills.jpg", "beach.jpg", "garden.jpg")
    plan = Plan(tasks=[Task(id=k, task="image-to-text", args={"image": name}) for k, name in enumerate(photos)])
    why = ("bundled/ocr: found no text in {}: this model reads printed text and does not describe "
           "pictures; to caption photos, add an image captioning model (`hugginggpt models add <folder or Hub id> "
           "--task image-to-text`)")
    results = [TaskResult(task_id=k, task="image-classification", status="succeeded", model_id="bundled/cls",
                          backend="bundled", text=f"label {k} (0.50)", stands_in_for="image-to-text",
                          error=why.format(name), inputs={"image": f"/work/{name}"})
               for k, name in enumerate(photos)]
    results.append(TaskResult(task_id=3, task="object-detection", status="succeeded", model_id="bundled/det",
                              backend="bundled", text="found 2 faces", stands_in_for="visual-question-answering"))
    choices = [fake_choice(k, "image-to-text", ["bundled/ocr"]) for k in range(3)]
    text = summarize("caption these photos", plan, choices, results)
    assert text.count("captioning model") == 1 and text.count("standing in for image-to-text") == 3
    assert ("- tasks 0, 1 and 2 ran image-classification for the image-to-text asked for, which its models could "
            f"not give: {why.format('hills.jpg')}; the same for beach.jpg and garden.jpg") in text
    assert "- task 3 ran object-detection for the visual-question-answering asked for, which no model here can give" \
        in text
    # another reason is its own line, with or without an LLM
    results[2] = results[2].model_copy(update={"error": "bundled/ocr: the model timed out"})
    llm = scripted_chat_model(["Labels only."])
    answer = asyncio.run(Responder(llm).arespond("caption these photos", plan, choices, results))
    assert answer.count("captioning model") == 1 and "the same for beach.jpg\n" in answer
    assert "- task 2 ran image-classification for the image-to-text asked for, which its models could not give: " \
           "bundled/ocr: the model timed out" in answer


def test_a_failure_for_the_same_reason_as_an_earlier_one_points_at_it():
    plan = Plan(tasks=[Task(id=k, task="translation", args={"text": "hi", "target_language": lang})
                       for k, lang in enumerate(("French", "German", "Italian"))])
    reason = ("no runnable model for translation: 31 catalog models, none can run now (transformers: weights of "
              "'Helsinki-NLP/opus-mt-en-{}' not found locally; download the weights with `hf download "
              "Helsinki-NLP/opus-mt-en-{}`)")
    results = [TaskResult(task_id=k, task="translation", status="failed", error=reason.format(code, code))
               for k, code in enumerate(("fr", "de", "it"))]
    results[2] = results[2].model_copy(update={"error": "the model timed out after 60 s"})
    text = summarize("translate hi", plan, [], results)
    assert text.count("hf download") == 2 and "opus-mt-en-fr" in text
    # the pointer names what differs: the German model and the command that fetches it
    assert ("task 1 (translation) failed for the same reason as task 0 (no runnable model for translation: …); here "
            "'Helsinki-NLP/opus-mt-en-de', `hf download Helsinki-NLP/opus-mt-en-de`") in text
    assert "task 2 (translation) failed: the model timed out after 60 s" in text  # another reason is said in full


def test_a_failure_on_another_input_for_the_same_reason_points_at_the_first():
    """The reason named each input file, so each photo repeated the whole fix."""
    images = [f"/tmp/photos/{name}.jpg" for name in ("beach", "garden")]
    plan = Plan(tasks=[Task(id=k, task="image-to-text", args={"image": image}) for k, image in enumerate(images)])
    reason = ("bundled/ocr: found no text in {}.jpg: this model reads printed text and does not "
              "describe pictures; to caption photos, add an image captioning model or run with a remote endpoint")
    results = [TaskResult(task_id=k, task="image-to-text", status="failed", inputs={"image": image},
                          error=reason.format(name)) for k, (image, name) in enumerate(zip(images, ("beach", "garden")))]
    text = summarize("caption the photos", plan, [], results)
    assert text.count("captioning model") == 1
    assert "task 1 (image-to-text) failed for the same reason as task 0 (bundled/ocr: …); here garden.jpg" in text


def test_every_final_text_heads_the_answer_not_only_the_last():
    """"Transcribe both recordings": the headline showed the second transcript only."""
    plan = Plan(tasks=[Task(id=k, task="automatic-speech-recognition", args={"audio": f"{k}.wav"}) for k in (0, 1)])
    results = [TaskResult(task_id=k, task="automatic-speech-recognition", status="succeeded", text=f"transcript {k}")
               for k in (0, 1)]
    text = summarize("transcribe both", plan, [], results)
    assert text.startswith("Results:\n- task 0 (automatic-speech-recognition of 0.wav): transcript 0\n"
                           "- task 1 (automatic-speech-recognition of 1.wav): transcript 1\n")
    one = summarize("transcribe it", Plan(tasks=plan.tasks[:1]), [], results[:1])
    assert one.startswith("Result: transcript 0\n")
