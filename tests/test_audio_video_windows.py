"""Audio from videos, long recordings transcribed in windows, and the audio files opened once.

Videos are made here with PyAV (a few grey frames, and ``examples/speech.wav`` as AAC sound, or
no sound at all); the long recording repeats that speech with pauses.
"""

from __future__ import annotations

import tracemalloc
from pathlib import Path

import numpy as np
import pytest
from helpers import make_video

from hugginggpt_tools.artifacts import ArtifactStore
from hugginggpt_tools.backends import _audio
from hugginggpt_tools.backends._audio import quietest_cut, read_audio, read_wav, windows, write_wav
from hugginggpt_tools.backends.base import RunContext
from hugginggpt_tools.config import Settings
from hugginggpt_tools.dag import check_plan
from hugginggpt_tools.errors import InputError, ModalityError
from hugginggpt_tools.execution import resolve_args
from hugginggpt_tools.schemas import Task
from hugginggpt_tools.tasks import TASK_TYPES

SPEECH = Path(__file__).resolve().parents[1] / "examples" / "speech.wav"
AUDIO_TASKS = ("automatic-speech-recognition", "audio-classification", "audio-to-audio")


# ----------------------------------------------------------------------------- videos as audio input


@pytest.mark.parametrize("task", AUDIO_TASKS)
def test_the_audio_tasks_take_a_video_in_a_plan(task: str) -> None:
    """"Transcribe talk.mp4": the plan was refused, the audio argument needing an audio file."""
    assert "video" in TASK_TYPES[task].arg("audio").modalities
    for name in ("talk.mp4", "clip.mov", "https://example.com/lecture.webm"):
        plan = check_plan([{"task": task, "id": 0, "dep": [-1], "args": {"audio": name}}], repair=False)
        assert plan.tasks[0].args == {"audio": name}


def test_an_image_is_still_refused_for_speech_recognition_and_the_fix_names_videos() -> None:
    """The fix said "an audio file the user gave (ending .wav/.mp3/.flac)" only."""
    with pytest.raises(ModalityError, match=r"'audio' needs an audio/video file, got 'house.png' .*fix: set it to the "
                       r"path or URL of an audio or video file the user gave \(ending .wav/.mp3/.flac or .mp4\)"):
        check_plan([{"task": "automatic-speech-recognition", "id": 0, "dep": [-1], "args": {"audio": "house.png"}}],
                   repair=False)


def test_a_missing_audio_argument_is_filled_with_the_users_only_video() -> None:
    plan = check_plan([{"task": "automatic-speech-recognition", "id": 0, "dep": [-1], "args": {}}],
                      files=["photo.jpg", "talk.mp4"])
    assert plan.tasks[0].args == {"audio": "talk.mp4"}


def test_a_video_passes_the_file_kind_check_and_a_photo_does_not(tmp_path: Path) -> None:
    video = make_video(tmp_path / "talk.mp4", read_wav(SPEECH)[0])
    task = Task(id=0, task="automatic-speech-recognition", args={"audio": "talk.mp4"})
    assert resolve_args(task, {}, files=[str(video)], cwd=tmp_path) == {"audio": str(video)}
    photo = tmp_path / "talk2.mp4"
    photo.write_bytes((SPEECH.parents[0] / "invoice.png").read_bytes())
    task = Task(id=0, task="automatic-speech-recognition", args={"audio": "talk2.mp4"})
    with pytest.raises(InputError, match=r"'talk2.mp4' is a PNG image despite its .mp4 name"):
        resolve_args(task, {}, files=[str(photo)], cwd=tmp_path)


@pytest.mark.parametrize("name,codec,fmt", [("talk.mp4", "mpeg4", None), ("talk.mov", "mpeg4", "mov"),
                                            ("talk.mkv", "libx264", None)])
def test_the_sound_track_of_a_video_is_its_audio(tmp_path: Path, name: str, codec: str, fmt: str | None) -> None:
    speech, rate = read_wav(SPEECH)
    decoded, decoded_rate = read_audio(make_video(tmp_path / name, speech, rate, video=codec, fmt=fmt), 16000)
    assert decoded_rate == 16000 and decoded.size == pytest.approx(speech.size, abs=4000)  # AAC pads up to 0.25 s
    lag = int(np.argmax(np.correlate(decoded[:8000], speech[:4000], "valid")))  # AAC's priming delay, if any
    same = decoded[lag: lag + speech.size]
    assert np.corrcoef(same, speech[: same.size])[0, 1] > 0.95


def test_a_video_without_sound_says_so(tmp_path: Path) -> None:
    """It said "Cannot decode 'clip.mp4' as audio (it holds no audio stream). Give a WAV, MP3, FLAC
    or OGG file", as if the video were a broken audio file."""
    silent = make_video(tmp_path / "clip.mp4")
    with pytest.raises(InputError, match=r"^'clip.mp4' has no sound track \(a video with no audio stream\).*give a "
                       r"video with sound, or the recording itself as an audio file"):
        read_audio(silent, 16000)


def test_an_image_pyav_opens_is_not_called_a_silent_video(tmp_path: Path) -> None:
    pytest.importorskip("av")
    image = tmp_path / "memo.m4a"
    image.write_bytes((SPEECH.parents[0] / "invoice.png").read_bytes())
    with pytest.raises(InputError, match=r"Cannot decode 'memo.m4a' as audio.*it looks like a PNG image"):
        read_audio(image, 16000)


# ----------------------------------------------------------------------------- windows cut in pauses


def _tones_and_pauses(rate: int) -> tuple[np.ndarray, list[tuple[int, int]]]:
    """Bursts of 0.4 to 1.3 s of tone (with a DC offset and some noise) between 0.35 s pauses, and where the pauses are."""
    rng = np.random.default_rng(1)
    parts, pauses, at = [], [], 0
    for k in range(40):
        n = int(rng.uniform(0.4, 1.3) * rate)
        t = np.arange(n) / rate
        parts.append(0.3 + 0.5 * np.sin(2 * np.pi * (200 + 20 * k) * t) + rng.normal(0, 0.01, n))
        at += n
        gap = int(0.35 * rate)
        parts.append(0.3 + rng.normal(0, 0.001, gap))
        pauses.append((at, at + gap))
        at += gap
    return np.concatenate(parts).astype(np.float32), pauses


def test_windows_cover_the_stream_once_and_end_in_pauses() -> None:
    rate = 1000
    signal, pauses = _tones_and_pauses(rate)
    blocks = iter([signal[i: i + 777] for i in range(0, signal.size, 777)])
    got = list(windows(blocks, rate, length=6 * rate, search=2 * rate))
    assert len(got) > 4
    assert np.array_equal(np.concatenate([w for _, w in got]), signal)
    assert [o for o, _ in got] == list(np.cumsum([0] + [len(w) for _, w in got[:-1]]))
    for offset, window in got[:-1]:
        assert 4 * rate <= len(window) <= 6 * rate
        cut = offset + len(window)
        assert any(start <= cut <= end for start, end in pauses), cut


def test_a_cut_falls_in_the_quietest_stretch_and_within_bounds() -> None:
    rate = 1000
    loud = np.sin(np.arange(3000) * 0.3).astype(np.float32)
    loud[1800:2200] = 0.0
    assert 1800 <= quietest_cut(loud, rate) <= 2200
    assert quietest_cut(np.zeros(100, np.float32), rate) == 100  # shorter than a pause: the end
    assert 1 <= quietest_cut(np.zeros(5000, np.float32), rate) <= 5000
    with pytest.raises(ValueError, match="search"):
        next(windows(iter([loud]), rate, length=100, search=0))


# ----------------------------------------------------------------------------- RNNoise opens the file once


@pytest.mark.integration
def test_denoising_opens_the_recording_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """It opened the file once for its rate and again for its audio."""
    pytest.importorskip("pyrnnoise")
    from hugginggpt_tools.backends.bundled_audio import RNNoiseModel

    model = RNNoiseModel(Settings(num_threads=1))
    model.load()
    opened: list[Path] = []
    real = _audio._open
    monkeypatch.setattr(_audio, "_open", lambda path: opened.append(path) or real(path))
    ctx = RunContext(store=ArtifactStore(tmp_path / "out"), settings=Settings(num_threads=1), task="audio-to-audio")
    speech, rate = read_wav(SPEECH)
    memo = tmp_path / "memo.wav"
    write_wav(memo, speech, rate)
    out = model.predict({"audio": str(memo)}, ctx)
    assert out.data["sample_rate"] == 16000 and out.data["duration_s"] == pytest.approx(speech.size / rate, abs=0.01)
    assert opened == [memo]


# ----------------------------------------------------------------------------- Whisper: videos and long recordings


@pytest.fixture(scope="module")
def whisper():  # noqa: ANN201
    pytest.importorskip("faster_whisper")
    from hugginggpt_tools.backends.bundled_audio import WhisperTinyEnModel

    model = WhisperTinyEnModel(Settings(num_threads=1))
    model.load()
    return model


@pytest.fixture()
def ctx(tmp_path: Path) -> RunContext:
    return RunContext(store=ArtifactStore(tmp_path / "out"), settings=Settings(num_threads=1), task_id=1,
                      task="automatic-speech-recognition")


@pytest.mark.integration
def test_whisper_transcribes_a_videos_speech_and_says_when_it_has_none(whisper, ctx: RunContext,  # noqa: ANN001
                                                                       tmp_path: Path) -> None:
    speech, rate = read_wav(SPEECH)
    reference = whisper.predict({"audio": str(SPEECH)}, ctx).text
    assert "Tuesday" in reference
    assert whisper.predict({"audio": str(make_video(tmp_path / "talk.mp4", speech, rate))}, ctx).text == reference
    with pytest.raises(InputError, match=r"'muted.mp4' has no sound track"):
        whisper.predict({"audio": str(make_video(tmp_path / "muted.mp4"))}, ctx)


SENTENCES = [
    "The quick brown fox jumps over the lazy dog near the river bank.",
    "Please send the quarterly report to the finance team before Friday.",
    "She planted tomatoes and basil in the garden behind the old house.",
    "My brother bought a blue bicycle with a wicker basket.",
    "We watched the sunset from the top of the lighthouse.",
    "Remember to water the plants while I am away in Chicago.",
    "The doctor said the results will arrive next Wednesday.",
    "Seven hungry penguins marched across the frozen lake.",
    "Coffee tastes better when the beans are freshly ground.",
]


def _spoken(sentences: list[str], folder: Path) -> tuple[np.ndarray, int]:
    """The sentences spoken by the bundled Piper voice (its random noise off: the same speech on
    every run) at 16 kHz, with half a second of silence after each."""
    import wave

    pytest.importorskip("piper")
    from piper.config import SynthesisConfig

    from hugginggpt_tools.backends.bundled import PiperTTSModel

    tts = PiperTTSModel(Settings(num_threads=1))
    tts.load()
    parts = []
    for i, sentence in enumerate(sentences):
        path = folder / f"sentence{i}.wav"
        with wave.open(str(path), "wb") as out:
            tts.voice.synthesize_wav(sentence, out, syn_config=SynthesisConfig(noise_scale=0.0, noise_w_scale=0.0))
        parts += [read_wav(path, 16000)[0], np.zeros(8000, np.float32)]
    return np.concatenate(parts), 16000


@pytest.mark.integration
def test_whisper_hears_every_word_of_a_long_recording_in_capped_windows(whisper, ctx: RunContext,  # noqa: ANN001
                                                                         tmp_path: Path,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """Nine sentences (33 s) in windows of at most 12 s: every sentence is heard, in order, with
    times counted from the start of the recording. The whole recording went to Whisper at once,
    and faster-whisper's features alone hold about 60 MB a minute of audio (1.4 GB of memory for
    30 minutes)."""
    long, rate = _spoken(SENTENCES, tmp_path)
    path = tmp_path / "meeting.wav"
    write_wav(path, long, rate)
    monkeypatch.setattr(type(whisper), "window_s", 12.0)
    monkeypatch.setattr(type(whisper), "cut_search_s", 4.0)
    fed: list[int] = []
    transcribe = whisper.model.transcribe
    monkeypatch.setattr(whisper.model, "transcribe", lambda audio, **kw: fed.append(len(audio)) or transcribe(audio, **kw))
    tracemalloc.start()
    try:
        out = whisper.predict({"audio": str(path)}, ctx)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert len(fed) >= 3 and max(fed) <= 12 * rate and sum(fed) == long.size
    assert out.data["duration_s"] == pytest.approx(long.size / rate, abs=0.01)
    heard = [w.strip(".,!?").lower() for w in out.text.split()]
    last_words = [sentence.split()[-1].strip(".").lower() for sentence in SENTENCES]
    at = [heard.index(word) for word in last_words]  # each sentence's last word, just before a window's edge or not
    assert at == sorted(at), out.text
    said = [w.strip(".,").lower() for w in " ".join(SENTENCES).split()]
    assert len(set(said) - set(heard)) <= 3, (set(said) - set(heard), out.text)
    starts = [s["start"] for s in out.data["segments"]]
    assert starts == sorted(starts) and out.data["segments"][-1]["end"] <= long.size / rate + 0.01
    assert starts[-1] >= sum(fed[:-1]) / rate - 0.01  # counted from the start of the recording, not of its window
    assert len(starts) >= len(SENTENCES) - 2  # about one segment a sentence, not one a window
    assert peak < 25 * 2 ** 20, f"peak {peak / 2 ** 20:.0f} MiB"  # one 12 s window; the whole 33 s took ~40 MiB


@pytest.mark.integration
def test_whisper_on_an_empty_recording_names_the_file(whisper, ctx: RunContext, tmp_path: Path) -> None:  # noqa: ANN001
    import wave

    empty = tmp_path / "memo.wav"
    with wave.open(str(empty), "wb") as out:
        out.setnchannels(1), out.setsampwidth(2), out.setframerate(16000)
    with pytest.raises(InputError, match=r"'memo.wav' holds no audio samples"):
        whisper.predict({"audio": str(empty)}, ctx)
