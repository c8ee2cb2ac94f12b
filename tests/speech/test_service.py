"""The speech service against the real engine (pyttsx3 + espeak-ng): audio, cache, concurrency, failures."""

import errno
import os
import random
import signal
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import soundfile

import kiosk.speech.service as service_module
from kiosk.engine.texts import text_catalogue
from kiosk.speech import (
    SpeechBusy,
    SpeechService,
    SpeechUnavailable,
    UnknownText,
    catalogue_lookup,
)

from .conftest import needs_engine

pytestmark = needs_engine


@pytest.fixture(scope="module")
def service(tmp_path_factory, content):
    lookup = catalogue_lookup(text_catalogue(content))
    with SpeechService(tmp_path_factory.mktemp("speech-cache"), lookup=lookup) as speech:
        yield speech


def _decoded(path):
    info = soundfile.info(str(path))
    data, samplerate = soundfile.read(str(path))
    return info, data, samplerate


def test_a_clip_decodes_as_ogg_vorbis_with_speech_in_it(service):
    clip = service.clip_for_text("住民票の写しは1通300円です")
    assert clip.path.suffix == ".ogg" and clip.media_type == "audio/ogg"
    info, data, samplerate = _decoded(clip.path)
    assert (info.format, info.subtype) == ("OGG", "VORBIS")
    assert 8000 <= samplerate <= 48000
    assert info.channels == 1
    assert 1.0 < info.duration < 15.0
    assert abs(data).max() > 0.05  # not silence


def test_the_second_request_is_a_cache_hit(service):
    first = service.clip_for_text("窓口は2階です")
    started = time.perf_counter()
    second = service.clip_for_text("窓口は2階です")
    assert second.cached and second.path == first.path
    assert time.perf_counter() - started < 0.05
    assert service.cached_clip(first.name) == second


def test_slow_is_slower_than_normal_and_english_uses_an_english_voice(service):
    normal = soundfile.info(str(service.clip_for_text("亡くなった方は何歳でしたか", rate="normal").path)).duration
    slow = soundfile.info(str(service.clip_for_text("亡くなった方は何歳でしたか", rate="ゆっくり").path)).duration
    assert slow > normal * 1.2
    english = service.clip_for_text("Please wait a moment.", lang="en")
    assert soundfile.info(str(english.path)).duration > 0.5
    assert service.check().voices["en"] is not None


def test_known_keys_only(service, content):
    key = "flow.okuyami.q.deceased_age.text"
    clip = service.clip_for_key(key, "ja", "normal")
    assert clip.path == service.clip_for_text(text_catalogue(content)[key]).path
    # やさしい日本語 without a translation speaks the Japanese text with the Japanese voice: the same clip
    assert service.clip_for_key(key, "easy", "normal").path == clip.path
    with pytest.raises(UnknownText):
        service.clip_for_key("flow.okuyami.q.no_such_question.text")
    with pytest.raises(UnknownText):
        service.clip_for_key(key, "en")  # no English translation yet: never read Japanese with an English voice
    assert service.cached_clip("../../etc/passwd") is None
    assert service.cached_clip("0" * 32 + ".ogg") is None


def test_bad_requests_are_refused(service):
    with pytest.raises(ValueError, match="ありません"):
        service.clip_for_text("   ")
    with pytest.raises(ValueError, match="長すぎ"):
        service.clip_for_text("あ" * 1001)
    with pytest.raises(ValueError, match="はやさ"):
        service.clip_for_text("はい", rate="fast")
    with pytest.raises(SpeechUnavailable):
        service.clip_for_text("Bonjour", lang="fr")


def test_many_simultaneous_requests_for_new_clips(service, content):
    texts = [t for t in dict.fromkeys(text_catalogue(content).values()) if len(t) < 40][100:124]
    wanted = [(text, rate) for text in texts for rate in ("slow", "normal")]  # 48 new clips
    random.seed(5)
    plans = [random.sample(wanted, 6) for _ in range(16)]  # 16 threads × 6 clips, many shared
    barrier = threading.Barrier(16)

    def client(plan):
        barrier.wait()
        return [service.clip_for_text(text, rate=rate, timeout=60) for text, rate in plan]

    with ThreadPoolExecutor(16) as pool:
        results = list(pool.map(client, plans))
    paths = {clip.path for clips in results for clip in clips}
    assert len(paths) == len({(t, r) for plan in plans for t, r in plan})
    for path in paths:
        info, data, _ = _decoded(path)
        assert path.stat().st_size > 1000 and info.duration > 0.2 and abs(data).max() > 0.05
    assert not list(service.cache_dir.glob(".*.tmp"))  # no temporary file left behind


def test_a_killed_worker_is_restarted(service):
    service.clip_for_text("はい")
    (old_pid,) = service.worker_pids
    os.kill(old_pid, signal.SIGKILL)
    _wait_for(lambda: not _alive(old_pid))
    clip = service.clip_for_text("次のかたどうぞ")
    assert soundfile.info(str(clip.path)).duration > 0.2
    (new_pid,) = service.worker_pids
    assert new_pid != old_pid


def _alive(pid):
    try:
        waited, _ = os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        return False
    return waited == 0


def test_a_full_queue_answers_busy_and_a_stuck_engine_times_out(tmp_path):
    with SpeechService(tmp_path, queue_size=1, timeout=30) as speech:
        worker = speech._workers[0]
        with ThreadPoolExecutor(1) as pool:
            with worker.lock:  # the engine is "stuck" while the lock is held
                first = pool.submit(speech.clip_for_text, "はい")  # fills the queue
                _wait_for(lambda: speech._queue.full())
                with pytest.raises(SpeechBusy):
                    speech.clip_for_text("いいえ")
                with pytest.raises(SpeechUnavailable, match="時間内"):
                    speech.clip_for_text("はい", timeout=0.2)  # joins the queued job, gives up waiting
            assert first.result(timeout=30).path.is_file()
        assert speech.clip_for_text("いいえ").path.is_file()  # works again once the queue drains


def _wait_for(condition, seconds=5):
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.005)


def test_an_unusable_cache_folder_is_a_clear_error(tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    with SpeechService(blocker / "speech") as speech:
        with pytest.raises(SpeechUnavailable, match="キャッシュ") as caught:
            speech.clip_for_text("はい")
        assert str(blocker / "speech") in str(caught.value)
        status = speech.check()
    assert not status.ready
    assert any("キャッシュ" in problem for problem in status.problems)


class _FullDisk:
    """The os module, except that the disk is full."""

    def __getattr__(self, name):
        return getattr(os, name)

    @staticmethod
    def replace(source, target):
        raise OSError(errno.ENOSPC, "No space left on device")


def test_a_full_disk_is_a_clear_error_and_leaves_nothing_behind(service, monkeypatch):
    text = "ディスクがいっぱいのときの文です"
    path = service.cache_dir / f"{service.cache_key(text, 'ja', 'normal')}.ogg"
    monkeypatch.setattr(service_module, "os", _FullDisk())
    with pytest.raises(SpeechUnavailable, match="ディスクの空きがありません"):
        service.clip_for_text(text)
    monkeypatch.undo()
    assert not path.exists()
    assert not list(service.cache_dir.glob(".*.tmp"))
    assert service.clip_for_text(text).path == path  # and it recovers


def test_check_reports_a_ready_engine_and_engine_output_stays_out_of_the_log(tmp_path, capfd):
    with SpeechService(tmp_path) as speech:
        speech.start()  # at server start-up: the engine starts before the first request
        _wait_for(lambda: speech.worker_pids, seconds=30)
        status = speech.check()
        speech.clip_for_text("はい")
    assert status.ready, status.problems
    assert status.voices["ja"] and status.voices["easy"] == status.voices["ja"]
    assert status.engine.startswith("pyttsx3-")
    assert status.test_seconds is not None
    out, err = capfd.readouterr()
    assert "Audio saved" not in out + err


def test_the_cache_key_covers_engine_voice_rate_readings_and_text(tmp_path):
    speech = SpeechService(tmp_path)
    key = speech.cache_key("はい", "ja", "normal")
    assert key == speech.cache_key("ﾊｲ".replace("ﾊｲ", "はい"), "ja", "normal")
    assert (
        len(
            {
                key,
                speech.cache_key("はい", "en", "normal"),
                speech.cache_key("はい", "ja", "slow"),
                speech.cache_key("いいえ", "ja", "normal"),
            }
        )
        == 4
    )
    from kiosk.speech import Readings

    other = SpeechService(tmp_path, readings=Readings({"はい": "ハイ"}))
    assert other.cache_key("はい", "ja", "normal") != key  # a new reading table never serves old audio
    assert other.cache_key("yes", "en", "normal") == speech.cache_key("yes", "en", "normal")
    assert speech.cache_key("１通", "ja", "normal") == speech.cache_key("1通", "ja", "normal")  # NFKC
