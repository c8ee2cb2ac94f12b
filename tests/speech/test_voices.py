"""Which languages read aloud: the voices espeak-ng has on this machine, asked once at start-up, against each
language's `voice:` (none for Filipino)."""

from __future__ import annotations

import pytest

from kiosk.speech import service as speech_service
from kiosk.speech.service import SpeechService, parse_espeak_voices, system_voices

from .conftest import needs_engine

LISTING = """\
Pty Language       Age/Gender VoiceName          File                 Other Languages
 5  af              --/M      Afrikaans          gmw/af
 5  cmn             --/M      Chinese_(Mandarin,_latin_as_English) sit/cmn              (zh-cmn 5)(zh 5)
 5  en-us           --/M      English_(America)  gmw/en-US            (en 3)
 5  ja              --/M      Japanese           jpx/ja
 5  pt-br           --/M      Portuguese_(Brazil) roa/pt-BR            (pt 6)
 5  vi              --/M      Vietnamese_Northern aav/vi
"""
COMING = {"zh-Hans": "cmn", "ko": "ko", "vi": "vi", "ne": "ne", "id": "id", "pt-BR": "pt-br"}


def test_the_voice_listing_is_read_with_each_voice_s_other_languages():
    voices = parse_espeak_voices(LISTING)
    assert [voice["languages"] for voice in voices] == [
        ["af"], ["cmn", "zh-cmn", "zh"], ["en-us", "en"], ["ja"], ["pt-br", "pt"], ["vi"]
    ]
    assert voices[1]["id"] == "sit/cmn" and voices[1]["name"] == "Chinese (Mandarin, latin as English)"


def test_a_language_speaks_only_with_a_voice_set_and_installed(tmp_path):
    voices = {"ja": "ja", "easy": "ja", "en": "en", "zh-Hans": "cmn", "ko": "ko", "pt-BR": "pt-br"}
    service = SpeechService(tmp_path, voices=voices, installed_voices=parse_espeak_voices(LISTING))
    assert {code: service.speaks(code) for code in voices} == {
        "ja": True, "easy": True, "en": True, "zh-Hans": True, "ko": False, "pt-BR": True
    }
    assert not service.speaks("fil")  # no voice set
    service.use_languages({"ja": "ja", "fil": None, "vi": "vi"})
    assert (service.speaks("ja"), service.speaks("fil"), service.speaks("vi"), service.speaks("en")) == (
        True, False, True, False
    )


def test_without_espeak_ng_a_voice_that_is_set_is_offered(tmp_path, monkeypatch):
    """espeak-ng missing: the voices cannot be listed; the pages keep read-aloud where a voice is set (the browser's
    voice is the fallback, and speech.js hides the controls if nothing speaks), never where none is."""
    monkeypatch.setattr(speech_service.shutil, "which", lambda name: None)
    assert system_voices("espeak") is None
    service = SpeechService(tmp_path, voices={"en": "en", "vi": "vi"})
    assert service.installed_voices is None
    assert service.speaks("en") and service.speaks("vi") and not service.speaks("fil")
    assert system_voices("sapi5") is None  # another engine: not asked


def test_a_language_without_a_voice_has_no_audio_to_build(tmp_path):
    service = SpeechService(tmp_path, voices={"ja": "ja"}, installed_voices=parse_espeak_voices(LISTING))
    result = service.build(["こんにちは"], langs=("fil",))
    assert (result.clips, result.made, result.failures) == (0, 0, [])


@needs_engine
def test_this_machine_has_voices_for_the_coming_languages_but_not_filipino(tmp_path):
    installed = system_voices("espeak")
    assert installed, "espeak-ng --voices gave no voices"
    service = SpeechService(tmp_path, voices={**COMING, "fil": "fil", "tl": "tl"})
    assert {code: service.speaks(code) for code in COMING} == dict.fromkeys(COMING, True)
    assert not service.speaks("fil") and not service.speaks("tl")


@pytest.mark.parametrize("voice", ["none", "None", "", None])
def test_voice_none_or_absent_in_the_metadata_means_no_voice(voice):
    from kiosk.i18n import _language

    meta = {"name": "Filipino", "html_lang": "fil"}
    if voice is not None:
        meta["voice"] = voice
    problems: list = []
    assert _language("fil", meta, "ui.yaml", problems).voice is None
    assert _language("vi", {"name": "Tiếng Việt", "html_lang": "vi", "voice": "vi"}, "ui.yaml", problems).voice == "vi"
    assert problems == []
