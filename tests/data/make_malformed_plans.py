"""Write ``tests/data/malformed_plans.jsonl``: bad planner answers, one JSON object a line.

    .venv/bin/python tests/data/make_malformed_plans.py

Each case is the raw text a planner answered (``text``), the files the user gave (``files``),
its category, and what must come of it (``expect``): ``"valid"`` (a repairable mistake: the
DAG check must return a valid plan), the name of the :class:`~hugginggpt_tools.errors.PlanError`
subclass that must be raised, ``"error"`` (any PlanError), or ``"any"`` (a valid plan or a
PlanError; either is fine as long as nothing else escapes). ``outside`` marks cases whose file
arguments point outside the workspace: if the plan is valid, running it must refuse them.
Expectations are written by hand from what the case is, never read off the code under test.
Deterministic: the same file every run.
"""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

OUT = Path(__file__).resolve().parent / "malformed_plans.jsonl"

OK = [{"task": "image-to-text", "id": 0, "dep": [-1], "args": {"image": "a.png"}},
      {"task": "text-to-speech", "id": 1, "dep": [0], "args": {"text": "<resource>-0"}}]
OK_TEXT = json.dumps(OK)


def t(task: Any, id_: Any, dep: Any = None, **args: Any) -> dict[str, Any]:
    """One task dict in HuggingGPT's format."""
    return {"task": task, "id": id_, "dep": [-1] if dep is None else dep, "args": args}


def dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def invalid_json() -> list[tuple[str, str]]:
    return [
        (OK_TEXT[:-1], "error"), (OK_TEXT[:40], "error"), (OK_TEXT[:len(OK_TEXT) // 2], "any"),
        ('[{"task": "image-to-text", "id": 0, "dep": [-1], "args": {"image": "a.png"}', "any"),
        ('[{"task": "image-to-text", "id": 0, "dep": [-1], "args": {"image": "a.png}}]', "error"),
        ('[{task: image-to-text, id: 0, dep: [-1], args: {image: a.png}}]', "error"),
        ("[{'task': 'image-to-text', 'id': 0, 'dep': [-1], 'args': {'image': 'a.png'},}]", "valid"),
        ('[{"task": "image-to-text", "id": 0, "dep": [-1], "args": {"image": "a.png"},},]', "valid"),
        ('[{"task": "image-to-text" "id": 0 "dep": [-1] "args": {"image": "a.png"}}]', "error"),
        ('[{"task": "image-to-text", "id": NaN, "dep": [-1], "args": {"image": "a.png"}}]', "error"),
        ('[{"task": "image-to-text", "id": 0, // the first task\n "dep": [-1], "args": {"image": "a.png"}}]', "error"),
        ("- task: image-to-text\n  id: 0\n  args:\n    image: a.png", "PlanParseError"),
        ('[{"task": "image-to-text", "id": 0, "dep": [-1], "args": {"image": "a.png"}}]]]]', "valid"),
        ('[[[[{"task": "image-to-text"', "error"),
        ('{"task": "image-to-text", "id": 0, "dep": [-1], "args": {"image": "a.png"}', "any"),
        ('[{"task": "image-to-text", "id": 0, "dep": [-1], "args": {"image": "a.png"}}, {"task": ', "any"),
        ('[{"task": "image-to-text", "id": 0, "dep": [-1], "args": {"image": "a.png"}} {"task": "summarization", '
         '"id": 1, "dep": [0], "args": {"text": "<resource>-0"}}]', "any"),
        ('[{"task": "image-to-text", "id": 0x0, "dep": [-1], "args": {"image": "a.png"}}]', "any"),  # 0x0 reads as a Python literal
        ('[{"task": "image-to-text", "id": 0, "dep": [-1], "args": {"image": "a.png"}}] extra ] } ] }', "valid"),
        ("[" * 5000 + "]" * 5000, "error"),
        ("{" * 3000, "error"),
        ('[{"task": "image-to-text", "id": 0, "dep": [-1], "args": {"image": "a.png\\x"}}]', "any"),
        ('[{"task": "image-to-text", "id": 1e999, "dep": [-1], "args": {"image": "a.png"}}]', "error"),
        ('[{"task": "summarization", "id": 0, "dep": [-1], "args": {"text": ' + '"' + "x" * 50 + "}]", "any"),
    ]


def prose_around_json() -> list[tuple[str, str]]:
    two = dumps([t("image-to-text", 0, image="a.png"), t("summarization", 1, [0], text="<resource>-0")])
    return [
        (f"Sure! Here is the plan:\n{OK_TEXT}\nHope this helps!", "valid"),
        (f"```json\n{OK_TEXT}\n```", "valid"),
        (f"```\n{OK_TEXT}\n```\nLet me know if you need anything else.", "valid"),
        (f"<think>The user wants OCR then speech. [{{\"task\": 1}}]</think>\n{OK_TEXT}", "valid"),
        (f"Plan A:\n```json\n{OK_TEXT}\n```\nPlan B:\n```json\n{two}\n```", "valid"),
        (f"Step 1 [read the image] then step 2 (speak it): {OK_TEXT}", "valid"),
        (f"The answer is {{\"tasks\": {OK_TEXT}}} as requested.", "valid"),
        ("I cannot help with that request.", "PlanParseError"),
        ("The tasks are: image-to-text on a.png, then text-to-speech.", "PlanParseError"),
        ("As an AI language model, I think you should [use OCR] and {then read it}.", "PlanParseError"),
        (f"{OK_TEXT}\n\nExplanation: task 0 reads the text, task 1 says it aloud.", "valid"),
        ('Here: {"task": "image-to-text", "id": 0, "dep": [-1], "args": {"image": "a.png"}}\n'
         '{"task": "text-to-speech", "id": 1, "dep": [0], "args": {"text": "<resource>-0"}}', "valid"),
        ("```python\nplan = " + OK_TEXT + "\n```", "valid"),
        ("```json\n[\n  // OCR first\n  " + dumps(OK[0]) + "\n]\n```", "any"),
        ("Answer: []", "valid"),
        ("No tasks are needed. []", "valid"),
        ("```json\n{\"result\": \"ok\", \"score\": 0.9}\n```", "PlanParseError"),
        ("<think>" + "hmm " * 200 + "</think>", "PlanParseError"),
        ("<think>unfinished thought " + OK_TEXT, "valid"),
        (f"“Here is the plan”: {OK_TEXT.replace(chr(34), '“', 4)}", "any"),
    ]


def single_objects() -> list[tuple[str, str]]:
    return [
        (dumps(OK[0]), "valid"),
        (dumps({"tasks": OK}), "valid"),
        (dumps({"plan": OK}), "valid"),
        (dumps({"task_list": OK}), "valid"),
        (dumps({"tasks": OK[0]}), "valid"),
        (dumps({"task_nodes": [{"task": "Image-to-Text", "arguments": ["a.png"]},
                               {"task": "Text-to-Speech", "arguments": ["<node-0>"]}]}), "valid"),
        (dumps({"tasks": []}), "valid"),
        (dumps({"steps": OK}), "PlanParseError"),
        (dumps({"task": None, "id": 0}), "error"),
        (dumps({"answer": "Use OCR on a.png"}), "PlanParseError"),
        (dumps({"tasks": "image-to-text"}), "error"),
    ]


def cycles() -> list[tuple[str, str]]:
    cases = [
        [t("summarization", 0, [1], text="<resource>-1"), t("summarization", 1, [0], text="<resource>-0")],
        [t("summarization", 0, [2], text="<resource>-2"), t("summarization", 1, [0], text="<resource>-0"),
         t("summarization", 2, [1], text="<resource>-1")],
        [t("translation", 0, [1], text="<GENERATED>-1"), t("summarization", 1, [0], text="<GENERATED>-0")],
        [t("summarization", 0, text="hi"), t("summarization", 1, [2], text="<resource>-2"),
         t("summarization", 2, [1], text="<resource>-1")],
        [t("text-classification", 0, [1], text="<resource-1>"), t("summarization", 1, [0], text="<resource-0>")],
        [t("summarization", 0, [1], text="Summary of <resource>-1 please"),
         t("summarization", 1, [0], text="and <resource>-0")],
    ]
    n = 12
    cases.append([t("summarization", i, [(i + 1) % n], text=f"<resource>-{(i + 1) % n}") for i in range(n)])
    cases.append([t("summarization", 0, [1], text="<resource>-1"), t("summarization", 1, [0], text="<resource>-0"),
                  t("summarization", 2, [3], text="<resource>-3"), t("summarization", 3, [2], text="<resource>-2")])
    out = [(dumps(c), "CycleError") for c in cases]
    out.append((dumps({"task_nodes": [{"task": "Summarization", "arguments": ["<node-1>"]},
                                      {"task": "Summarization", "arguments": ["<node-0>"]}]}), "CycleError"))
    return out


def self_references() -> list[tuple[str, str]]:
    return [
        (dumps([t("summarization", 0, [0], text="<resource>-0")]), "CycleError"),
        (dumps([t("image-to-text", 0, image="a.png"), t("summarization", 1, [1], text="<resource>-1")]), "CycleError"),
        (dumps([t("summarization", 0, text="Summarize <resource>-0 again")]), "CycleError"),
        (dumps([t("image-to-text", 0, [0], image="a.png")]), "valid"),
        (dumps([t("translation", 0, [0], text="<GENERATED>-0", target_language="fr")]), "CycleError"),
        (dumps([t("summarization", 0, [-1, 0], text="hello world")]), "valid"),
        (dumps([t("summarization", 0, "[0]", text="hello world")]), "valid"),
        (dumps([t("sentence-similarity", 0, [0], text="<resource>-0", text2="b")]), "CycleError"),
    ]


def forward_and_dangling() -> list[tuple[str, str]]:
    forward = [
        [t("text-to-speech", 0, [1], text="<resource>-1"), t("image-to-text", 1, image="a.png")],
        [t("summarization", 0, [2], text="<resource>-2"), t("translation", 1, [0], text="<resource>-0"),
         t("image-to-text", 2, image="a.png")],
        [t("text-to-speech", 1, [0], text="<resource>-0"), t("image-to-text", 0, image="a.png")],
        [t("summarization", 3, [1], text="<resource>-1"), t("image-to-text", 1, image="a.png")],
        [t("text-to-speech", 0, [1], text="<GENERATED>-1"), t("summarization", 1, [2], text="<GENERATED>-2"),
         t("image-to-text", 2, image="a.png")],
    ]
    dangling = [
        [t("summarization", 0, [7], text="<resource>-7")],
        [t("image-to-text", 0, image="a.png"), t("summarization", 1, [5], text="<resource>-5")],
        [t("summarization", 0, text="<resource>--1")],
        [t("summarization", 0, text="<resource>-abc")],
        [t("summarization", 0, text="<resource>")],
        [t("image-to-text", 0, image="a.png"), t("summarization", 1, [0], text="<resource-0")],
        [t("image-to-text", 0, image="a.png"), t("summarization", 1, [-5], text="<resource>-0")],
        [t("image-to-text", 0, image="a.png"), t("summarization", 1, [99], text="<resource>-0")],
    ]
    expect = ["DanglingReferenceError", "DanglingReferenceError", "error", "error", "error", "error", "any", "valid"]
    return [(dumps(c), "valid") for c in forward] + [(dumps(c), e) for c, e in zip(dangling, expect)]


def unknown_tasks() -> list[tuple[str, str]]:
    names = [("deep-diving-in-the-internet-of-things", "UnknownTaskError"), ("", "error"), (None, "error"),
             (42, "error"), (["image-to-text"], "error"), ("Image Editing", "any"), ("OCR", "valid"),
             ("image_to_text", "valid"), ("IMAGE-TO-TEXT", "valid"), ("іmage-to-text", "any"),
             ("image\u200b-to-text", "any"), ("make-coffee", "UnknownTaskError"),
             ("sentence-to-french-transliteration", "any"), ("text-to-3d", "any"),
             ("image-to-text; rm -rf /", "any"), ("x" * 5000, "UnknownTaskError")]
    out = [(dumps([{"task": n, "id": 0, "dep": [-1], "args": {"image": "a.png"}}]), e) for n, e in names]
    out.append((dumps([t("image-to-text", 0, image="a.png"), t("teleportation", 1, [0], text="<resource>-0")]),
                "UnknownTaskError"))
    return out


def wrong_modalities() -> list[tuple[str, str, list[str]]]:
    cases = [
        ([t("image-to-text", 0, image="a cat sitting on a mat")], "ModalityError", []),
        ([t("image-to-text", 0, image="song.mp3")], "ModalityError", []),
        ([t("automatic-speech-recognition", 0, audio="photo.jpg")], "ModalityError", []),
        ([t("text-to-image", 0, text="a fox"), t("summarization", 1, [0], text="<resource>-0")], "ModalityError", []),
        ([t("text-to-speech", 0, text="hi"), t("image-classification", 1, [0], image="<resource>-0")],
         "ModalityError", []),
        ([t("image-to-text", 0, image="a.png"), t("image-classification", 1, [0], image="<resource>-0")],
         "ModalityError", []),
        ([t("image-to-text", 0, image="https://example.com/song.wav")], "ModalityError", []),
        ([t("image-to-text", 0, image="https://example.com/cat.jpg")], "valid", []),
        ([t("image-to-text", 0)], "valid", ["a.png"]),
        ([t("image-to-text", 0)], "ModalityError", ["a.png", "b.png"]),
        ([t("image-to-text", 0)], "ModalityError", []),
        ([t("visual-question-answering", 0, image="a.png")], "ModalityError", []),
        ([t("image-to-text", 0, image="Describe <resource>-0")], "error", []),
        ([t("text-to-image", 0, text="a fox"), t("text-to-speech", 1, [0], text="Say <resource>-0")],
         "ModalityError", []),
        ([t("object-detection", 0, image=["a.png", "b.png"])], "any", ["a.png", "b.png"]),
        ([t("image-to-text", 0, photo="a.png")], "valid", []),
        ([t("image-to-text", 0, image="a.png", language="fr", verbose=True)], "valid", []),
        ([t("translation", 0, text=123, target_language=None)], "valid", []),
    ]
    return [(dumps(c), e, f) for c, e, f in cases]


def duplicate_ids() -> list[tuple[str, str]]:
    return [
        (dumps([t("image-to-text", 0, image="a.png"), t("image-classification", 0, image="a.png")]), "valid"),
        (dumps([t("image-to-text", 0, image="a.png"), t("image-to-text", 0, image="b.png"),
                t("summarization", 1, [0], text="<resource>-0")]), "DuplicateTaskIdError"),
        (dumps([t("summarization", 1, text="a"), t("summarization", 1, text="b"), t("summarization", 1, text="c")]),
         "valid"),
        (dumps([t("image-to-text", "0", image="a.png"), t("image-to-text", 0, image="b.png")]), "valid"),
        (dumps([t("image-to-text", 0, image="a.png"), t("text-to-speech", 0.0, [0], text="<resource>-0")]),
         "DuplicateTaskIdError"),
        (dumps([t("summarization", 0, text="a")] * 5), "valid"),
        (dumps([t("summarization", -1, text="a")]), "error"),
        (dumps([t("summarization", "first", text="a")]), "error"),
        (dumps([t("summarization", True, text="a")]), "error"),
        (dumps([t("summarization", 10**30, text="a")]), "any"),
    ]


def huge() -> list[tuple[str, str]]:
    chain = [t("image-to-text", 0, image="a.png")] + [t("summarization", i, [i - 1], text=f"<resource>-{i - 1}")
                                                        for i in range(1, 64)]
    over = chain + [t("summarization", 64, [63], text="<resource>-63")]
    thousands = [t("summarization", i, text=f"text {i}") for i in range(5000)]
    wide = [t("summarization", i, text="x") for i in range(300)]
    star = [t("image-to-text", 0, image="a.png")] + [t("summarization", i, [0], text="<resource>-0")
                                                       for i in range(1, 63)]
    fan_in = [t("summarization", i, text=f"part {i}") for i in range(40)] + \
        [t("summarization", 40, list(range(40)), text=" ".join(f"<resource>-{i}" for i in range(40)))]
    return [
        (dumps(chain), "valid"), (dumps(over), "error"), (dumps(thousands), "error"), (dumps(wide), "error"),
        (dumps(star), "valid"), (dumps(fan_in), "valid"),
        (dumps([t("summarization", 0, text="word " * 30_000)]), "valid"),
        (dumps([t("summarization", 0, text=" ".join(f"<resource>-{i}" for i in range(2000)))]), "error"),
        (dumps([t("summarization", 0, list(range(3000)), text="hi")]), "any"),
        (dumps([{"task": "summarization", "id": 0, "dep": [-1], "args": {f"k{i}": "v" for i in range(3000)}}]),
         "any"),
    ]


def odd_unicode() -> list[tuple[str, str]]:
    return [
        ("\ufeff" + OK_TEXT, "valid"),
        (OK_TEXT.replace('"a.png"', '"\u202ea.png\u202c"'), "any"),
        (dumps([t("summarization", 0, text="\u0000\u0001\u0002 control")]), "any"),
        ('[{"task": "summarization", "id": 0, "dep": [-1], "args": {"text": "\\ud800 lone surrogate"}}]', "any"),
        (dumps([t("summarization", 0, text="🦊🔥" * 100)]), "valid"),
        (dumps([t("translation", 0, text="مرحبا بالعالم", target_language="日本語")]), "valid"),
        (OK_TEXT.replace("[", "［").replace("]", "］"), "any"),
        (OK_TEXT.replace(":", "："), "any"),
        (dumps([t("summarization", 0, text="e\u0301" * 500)]), "valid"),
        (dumps([t("image-to-text", 0, image="ｆｏｔｏ.ｐｎｇ")]), "any"),
        (dumps([t("image-to-text", 0, image="a.png\u0000.txt")]), "any"),
        (OK_TEXT.replace('"task"', '"tаsk"'), "error"),
        (dumps([t("summarization", 0, text="<resource>-\u0661")]), "any"),
        (dumps([t("summarization", 0, text="<ＲＥＳＯＵＲＣＥ>-0")]), "any"),
        ("\u200b\u200b" + OK_TEXT + "\u200b", "valid"),
        (dumps([t("summarization", 0, text="\U0010ffff\U000e0001 tag chars")]), "any"),
    ]


def outside_workspace() -> list[tuple[str, str]]:
    paths = ["../../etc/passwd.png", "/etc/shadow.png", "~/.ssh/id_rsa.png", "/proc/self/environ.png",
             "/dev/zero.png", "../outside.png", "a/../../../../tmp/x.png", "/root/secret.jpg",
             "\\\\server\\share\\x.png", "C:\\Windows\\win.png", "/etc/passwd", "file:///etc/passwd.png",
             "..%2f..%2fetc%2fpasswd.png", "/var/run/docker.sock.png", "~root/x.png"]
    out = [(dumps([t("image-to-text", 0, image=p)]), "any") for p in paths]
    out.append((dumps([t("automatic-speech-recognition", 0, audio="../../../../etc/hostname.wav")]), "any"))
    out.append((dumps([t("image-to-text", 0, image="a.png"), t("image-classification", 1, image="/etc/x.jpg")]),
                "any"))
    out.append((dumps({"task_nodes": [{"task": "Image-to-Text", "arguments": ["../../../etc/issue.png"]}]}), "any"))
    return out


def type_confusion() -> list[tuple[str, str]]:
    return [
        (dumps([{"task": "summarization", "id": 0, "dep": [-1], "args": "hello"}]), "any"),
        (dumps([{"task": "summarization", "id": 0, "dep": [-1], "args": ["hello"]}]), "valid"),
        (dumps([{"task": "summarization", "id": 0, "dep": [-1], "args": None}]), "error"),
        (dumps([{"task": "summarization", "id": 0, "dep": [-1], "args": {"text": {"nested": [1, 2]}}}]), "any"),
        (dumps([{"task": "summarization", "id": 0, "dep": {"a": 1}, "args": {"text": "x"}}]), "any"),
        (dumps([{"task": "summarization", "id": 0, "dep": "none", "args": {"text": "x"}}]), "any"),
        (dumps([{"task": "summarization", "id": 1.5, "dep": [-1], "args": {"text": "x"}}]), "error"),
        (dumps([{"task": "summarization", "id": [0], "dep": [-1], "args": {"text": "x"}}]), "error"),
        (dumps([{"task": "summarization", "args": {"text": "x"}}]), "valid"),
        (dumps([{"id": 0, "args": {"text": "x"}}]), "error"),
        (dumps(["image-to-text", "text-to-speech"]), "error"),
        (dumps([["image-to-text", 0]]), "error"),
        (dumps([1, 2, 3]), "error"),
        (dumps([OK[0], "and then", OK[1]]), "error"),
        (dumps([{"task": {"name": "summarization"}, "id": 0, "args": {"text": "x"}}]), "error"),
        (dumps([{"task": "summarization", "id": 0, "dep": [True, None, "x", 2.5], "args": {"text": "x"}}]), "any"),
    ]


def misc() -> list[tuple[str, str]]:
    return [("", "PlanParseError"), ("   \n\t ", "PlanParseError"), ("null", "PlanParseError"), ("[]", "valid"),
            ("{}", "PlanParseError"), ("true", "PlanParseError"), ("0", "PlanParseError"),
            ('"[{\\"task\\": \\"summarization\\"}]"', "any"), ("[[], []]", "any"), ("[{}]", "any"),
            ("None", "PlanParseError"), ("undefined", "PlanParseError")]


def random_mutations(seed: int = 20240607, count: int = 40) -> list[tuple[str, str]]:
    """Random byte-level damage to a valid plan: deletions, insertions, swaps."""
    rng = random.Random(seed)
    source = dumps([t("image-to-text", 0, image="a.png"), t("translation", 1, [0], text="<resource>-0",
                                                             target_language="French"),
                    t("text-to-speech", 2, [1], text="<resource>-1")])
    out = []
    for _ in range(count):
        chars = list(source)
        for _ in range(rng.randint(1, 6)):
            i = rng.randrange(len(chars))
            op = rng.choice(["del", "ins", "swap", "dup"])
            if op == "del":
                del chars[i]
            elif op == "ins":
                chars.insert(i, rng.choice('[]{}",:-<>0123456789 abc\\'))
            elif op == "swap" and i + 1 < len(chars):
                chars[i], chars[i + 1] = chars[i + 1], chars[i]
            else:
                chars.insert(i, chars[i])
        out.append(("".join(chars), "any"))
    return out


def main() -> None:
    groups: list[tuple[str, list[tuple[Any, ...]]]] = [
        ("invalid_json", invalid_json()), ("prose_around_json", prose_around_json()),
        ("single_object", single_objects()), ("cycle", cycles()), ("self_reference", self_references()),
        ("forward_or_dangling_reference", forward_and_dangling()), ("unknown_task", unknown_tasks()),
        ("wrong_modality", wrong_modalities()), ("duplicate_ids", duplicate_ids()), ("huge", huge()),
        ("odd_unicode", odd_unicode()), ("outside_workspace", outside_workspace()),
        ("type_confusion", type_confusion()), ("misc", misc()), ("random_mutation", random_mutations()),
    ]
    lines = []
    for category, cases in groups:
        for k, case in enumerate(cases):
            text, expect, *rest = case
            files = rest[0] if rest else ["a.png"]
            lines.append({"id": f"{category}-{k:02d}", "category": category, "text": text, "files": files,
                          "expect": expect, "outside": category == "outside_workspace"})
    OUT.write_text("".join(json.dumps(x, ensure_ascii=False) + "\n" for x in lines), "utf-8")
    print(f"wrote {len(lines)} cases to {OUT}")


if __name__ == "__main__":
    main()
