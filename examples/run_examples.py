"""Run example requests end to end through the HuggingGPT agent, offline, and print each answer.

    .venv/bin/python examples/run_examples.py [--output-dir DIR] [--llm provider:model]

Ten requests over ten task types, on the inputs in this folder (see ``make_examples.py``):
OCR, text-to-speech, speech recognition, named entities, face detection, image
classification, denoising, speech detection, language identification and sentence
similarity. Without ``--llm`` the offline planner plans, the bundled models run, and a
deterministic summary answers; no network and no key. Each answer is checked for the output
it must contain; the exit code is 1 when one is missing.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")

HERE = Path(__file__).resolve().parent


@dataclass(frozen=True)
class Example:
    request: str
    files: tuple[str, ...]
    tasks: tuple[str, ...]
    expect: tuple[str, ...]
    """Texts the answer must contain (case-insensitive): the real output of the models."""


EXAMPLES: tuple[Example, ...] = (
    Example("Read the text in examples/invoice.png aloud", ("invoice.png",),
            ("image-to-text", "text-to-speech"), ("Invoice 1042 is due on Friday", ".wav")),
    Example("Transcribe examples/speech.wav and find the names and places in the transcript", ("speech.wav",),
            ("automatic-speech-recognition", "token-classification"),
            ("Sarah from Microsoft", "New York (GPE)", "Microsoft (ORG)")),
    Example("Detect the faces in examples/portrait.jpg", ("portrait.jpg",), ("object-detection",),
            ("found 1 face", ".png")),
    Example("What kind of object is in examples/portrait.jpg?", ("portrait.jpg",), ("image-classification",),
            ("uniform",)),
    Example("Describe examples/portrait.jpg", ("portrait.jpg",), ("image-classification",),
            ("for the image-to-text asked for", "found no text in portrait.jpg", "uniform")),
    Example("Remove the noise from examples/noisy_speech.wav", ("noisy_speech.wav",), ("audio-to-audio",),
            ("Denoised audio", ".wav")),
    Example("Remove the noise from examples/noisy_speech.wav, then transcribe it", ("noisy_speech.wav",),
            ("audio-to-audio", "automatic-speech-recognition"), ("Sarah from Microsoft",)),
    Example("Is there any speech in examples/noisy_speech.wav?", ("noisy_speech.wav",), ("audio-classification",),
            ("speech (",)),
    Example("Which language is this text written in: 'Le chat dort sur le canapé depuis ce matin.'", (),
            ("text-classification",), ("French (fr",)),
    Example("How similar are 'A man is playing a guitar' and 'Someone plays an instrument'?", (),
            ("sentence-similarity",), ("similarity 0.",)),
)


def problems(example: Example, answer: object) -> list[str]:
    """What is wrong with an answer: a planned task type, a failed task or an expected text missing."""
    found = [r.task for r in answer.results]  # type: ignore[attr-defined]
    issues = [f"planned {found}, expected {list(example.tasks)}"] if found != list(example.tasks) else []
    issues += [f"task {r.task_id} {r.task} {r.status}: {r.error}" for r in answer.results  # type: ignore[attr-defined]
               if r.status != "succeeded"]
    text = answer.text.lower()  # type: ignore[attr-defined]
    issues += [f"answer lacks {e!r}" for e in example.expect if e.lower() not in text]
    return issues


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output-dir", help="where produced files go (default: a temporary folder)")
    parser.add_argument("--llm", help="controller chat model (init_chat_model spec); default: offline")
    args = parser.parse_args(argv)
    os.chdir(HERE.parent)
    from hugginggpt_tools import Settings, create_hugginggpt_agent
    from hugginggpt_tools.cli._common import load_llm

    output = args.output_dir or tempfile.mkdtemp(prefix="hugginggpt-examples-")
    agent = create_hugginggpt_agent(load_llm(args.llm), settings=Settings.from_env(output_dir=output))
    failures = 0
    for number, example in enumerate(EXAMPLES, 1):
        started = time.perf_counter()
        files = [str(HERE / f) for f in example.files]
        answer = agent.invoke({"input": example.request, "files": files})["answer"]
        issues = [] if args.llm else problems(example, answer)
        failures += bool(issues)
        print(f"=== {number}. {example.request}  [{time.perf_counter() - started:.1f} s]")
        print(answer.text)
        for issue in issues:
            print(f"!!! {issue}")
        print()
    print(f"{len(EXAMPLES) - failures} of {len(EXAMPLES)} examples gave the expected output; files in {output}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
