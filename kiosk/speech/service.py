"""The speech service: audio clips for known texts, made by one pyttsx3 owner and cached on disk.

    request thread ──clip_for_key──▶ disk cache hit? ──yes──▶ Clip(path)
                                        │ no
                                        ▼
                          in-flight job for the same clip? ──yes──▶ wait on it
                                        │ no
                                        ▼
                  bounded queue ──full──▶ SpeechBusy (the web layer answers 503)
                                        │
                        dispatcher thread ──pipe──▶ worker process (pyttsx3 + espeak-ng, restarted if it dies)
                                        │
                 Ogg Vorbis bytes ──temp file + os.replace──▶ cache_dir/<sha256>.ogg

Clients never send text: the web layer asks for a text *key* (kiosk.engine.texts) and the service looks the
text up. Japanese (and やさしい日本語) is spoken from its kana reading (kiosk.speech.readings), because
espeak-ng cannot read kanji. The cache key is sha256(engine, voice, rate, reading rules, NFKC text), so several
server processes can share one cache folder and a change of engine or readings never serves stale audio.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import errno
import hashlib
import itertools
import multiprocessing
import os
import platform
import queue
import re
import secrets
import shutil
import subprocess
import sys
import threading
import time
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass, field
from importlib import metadata
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from .cache_dir import default_cache_dir as default_cache_dir  # also kiosk.speech's
from .readings import Readings, ReadingsError, default_readings

RATES: dict[str, int] = {"slow": 115, "normal": 160}
"""Speaking rates in words per minute as pyttsx3 takes them: ゆっくり and ふつう."""
RATE_NAMES: dict[str, str] = {"slow": "slow", "normal": "normal", "ゆっくり": "slow", "ふつう": "normal"}
VOICE_LANGUAGES: dict[str, str] = {"ja": "ja", "easy": "ja", "en": "en"}
"""Resident language code → voice language. やさしい日本語 (easy) speaks with the Japanese voice. The app takes
these from each language's `voice:` metadata instead (kiosk.web.speech); this is the default for tools."""
ASK_THE_ENGINE: Any = object()
"""SpeechService(installed_voices=…) default: ask espeak-ng which voices this machine has (once per process)."""
MAX_TEXT_CHARS = 1000
CACHE_NAME = re.compile(r"^[0-9a-f]{32}\.(ogg|wav)$")
MEDIA_TYPES = {"ogg": "audio/ogg", "wav": "audio/wav"}
TEST_PHRASE = "読み上げの確認です。"
CHECK_REUSE_SECONDS = 10.0
"""`check` synthesises its test phrase at most this often while the engine keeps working."""

TextLookup = Callable[[str, str], str | None]
"""(text key, language code) → the text to speak, or None for an unknown key."""


class SpeechError(Exception):
    """Base class: read-aloud could not give a clip."""


class SpeechBusy(SpeechError):
    """Too many clips are waiting to be made; try again shortly (HTTP 503 with Retry-After)."""


class SpeechUnavailable(SpeechError):
    """No engine, no voice, a timeout, or the cache cannot be written (HTTP 503; tell staff)."""


class UnknownText(SpeechError, LookupError):
    """The text key is not a known text in that language (HTTP 404)."""


@dataclass(frozen=True)
class Clip:
    """An audio file in the cache, ready to send."""

    path: Path
    media_type: str
    key: str
    cached: bool
    """True when the file was already in the cache (no synthesis for this request)."""

    @property
    def name(self) -> str:
        """The file name, usable in a URL and in `SpeechService.cached_clip`."""
        return self.path.name


@dataclass(frozen=True)
class Audio:
    """What the worker made: encoded bytes and the length of the speech."""

    data: bytes
    samplerate: int
    frames: int

    @property
    def seconds(self) -> float:
        return self.frames / self.samplerate if self.samplerate else 0.0


@dataclass
class SpeechStatus:
    """What `kiosk speech check` reports."""

    engine: str
    audio_format: str
    cache_dir: Path
    voices: dict[str, str | None] = field(default_factory=dict)
    available_voices: int = 0
    problems: list[str] = field(default_factory=list)
    test_seconds: float | None = None

    @property
    def ready(self) -> bool:
        return not self.problems


@dataclass
class BuildResult:
    """What `kiosk speech build` did."""

    clips: int = 0
    made: int = 0
    seconds: float = 0.0
    failures: list[str] = field(default_factory=list)


def catalogue_lookup(
    catalogue: Mapping[str, str],
    translations: Mapping[str, Mapping[str, str]] | None = None,
    voices: Mapping[str, str] = VOICE_LANGUAGES,
) -> TextLookup:
    """A lookup over kiosk.engine.texts.text_catalogue (Japanese) and translations {lang: {key: text}}.

    A language spoken with the Japanese voice (やさしい日本語) falls back to the Japanese text when a key is not
    translated; other languages do not, since an English voice cannot read Japanese."""
    translations = translations or {}

    def lookup(key: str, lang: str) -> str | None:
        if lang == "ja":
            return catalogue.get(key)
        text = translations.get(lang, {}).get(key)
        if text is None and voices.get(lang) == "ja":
            return catalogue.get(key)
        return text

    return lookup


# ---------------------------------------------------------------- the service


@dataclass
class _Job:
    key: str
    text: str
    voice: str
    rate: int
    path: Path | None
    future: Future[Audio]


class SpeechService:
    """Audio clips for texts, from one engine owner per worker process, cached on disk.

    Thread-safe: many request threads may call `clip_for_key` at once. Worker processes are started on the
    first clip that is not in the cache, so a server that only serves pre-built clips never starts one.
    """

    def __init__(
        self,
        cache_dir: Path | None = None,
        *,
        lookup: TextLookup | None = None,
        readings: Readings | None = None,
        voices: Mapping[str, str] = VOICE_LANGUAGES,
        queue_size: int = 32,
        workers: int = 1,
        timeout: float = 10.0,
        job_timeout: float = 30.0,
        start_timeout: float = 60.0,
        driver: str | None = None,
        audio_format: str | None = None,
        installed_voices: Iterable[Mapping[str, Any]] | None = ASK_THE_ENGINE,
    ) -> None:
        self.cache_dir = Path(cache_dir) if cache_dir is not None else default_cache_dir()
        self.lookup = lookup
        self.voices = dict(voices)
        self.driver = driver or _default_driver()
        if installed_voices is ASK_THE_ENGINE:
            installed_voices = system_voices(self.driver)
        self.installed_voices: list[Mapping[str, Any]] | None = (
            None if installed_voices is None else list(installed_voices)
        )
        """The voices this machine has (espeak-ng's list, read at start-up); None when it cannot be asked."""
        self.timeout = timeout
        self.job_timeout = job_timeout
        self.start_timeout = start_timeout
        self._readings = readings
        self._audio_format = audio_format
        self._queue: queue.Queue[_Job] = queue.Queue(maxsize=queue_size)
        self._lock = threading.Lock()
        self._inflight: dict[str, Future[Audio]] = {}
        self._workers = [_Worker(self, index) for index in range(max(1, workers))]
        self._dispatchers: list[threading.Thread] = []
        self._closed = False
        self._engine_tag: str | None = None
        self._reading_tag: str | None = None
        self._last_test: tuple[float, float] | None = None

    # ------------------------------------------------------------ public API

    def use_languages(self, voices: Mapping[str, str | None]) -> None:
        """Speak the app's languages with these voice languages ({code: voice}; None: the language has no voice)."""
        self.voices = {code: voice for code, voice in voices.items() if voice}

    def speaks(self, lang: str) -> bool:
        """Whether language `lang` has a usable voice: one is set for it and this machine has it (when espeak-ng's
        voice list could not be read, a voice that is set counts: the browser's voice is the fallback)."""
        voice = self.voices.get(lang)
        if not voice:
            return False
        return self.installed_voices is None or pick_voice(self.installed_voices, voice) is not None

    def clip_for_key(
        self, text_key: str, lang: str = "ja", rate: str = "normal", *, timeout: float | None = None
    ) -> Clip:
        """The clip for a known text (a kiosk.engine.texts key); UnknownText if there is no such text."""
        if self.lookup is None:
            raise UnknownText(text_key)
        text = self.lookup(text_key, lang)
        if not text or not text.strip():
            raise UnknownText(text_key)
        return self.clip_for_text(text, lang, rate, timeout=timeout)

    def clip_for_text(self, text: str, lang: str = "ja", rate: str = "normal", *, timeout: float | None = None) -> Clip:
        """The clip for `text` (internal use: never pass text that came from a client)."""
        text, voice, rate_name = self._normalise(text, lang, rate)
        key = self.cache_key(text, voice, rate_name)
        path = self.cache_dir / f"{key}.{self.audio_format}"
        if path.is_file():
            return Clip(path, self.media_type, key, cached=True)
        self._ensure_cache_dir()
        future = self._submit(key, text, voice, rate_name, path)
        self._wait(future, timeout)
        return Clip(path, self.media_type, key, cached=False)

    def cached_clip(self, name: str) -> Clip | None:
        """A clip already in the cache by file name (for serving `/speech/<name>`), or None."""
        if not CACHE_NAME.match(name):
            return None
        path = self.cache_dir / name
        if not path.is_file():
            return None
        key, ext = name.split(".")
        return Clip(path, MEDIA_TYPES[ext], key, cached=True)

    def cache_key(self, text: str, voice: str, rate: str) -> str:
        """sha256(engine, voice, rate, reading rules, NFKC text); the readings matter only for Japanese."""
        reading_tag = self.reading_tag if voice == "ja" else ""
        material = "\0".join((self.engine_tag, voice, rate, reading_tag, unicodedata.normalize("NFKC", text)))
        return hashlib.sha256(material.encode("utf-8")).hexdigest()[:32]

    def build(
        self,
        texts: Iterable[str],
        langs: Iterable[str] = ("ja",),
        rates: Iterable[str] = ("slow", "normal"),
        progress: Callable[[int], None] | None = None,
    ) -> BuildResult:
        """Make every clip that is not in the cache yet (for `kiosk speech build`)."""
        started = time.perf_counter()
        unique = list(dict.fromkeys(t for t in texts if re.search(r"\w", t)))  # not a bare 「、」
        spoken = [lang for lang in langs if self.speaks(lang)]  # a language without a voice has no audio to make
        jobs = [(t, lang, rate) for lang in spoken for rate in rates for t in unique]
        result = BuildResult(clips=len(jobs))
        submitters = max(1, min(self._queue.maxsize or 8, len(self._workers) * 4))

        def one(job: tuple[str, str, str]) -> tuple[bool, str | None]:
            text, lang, rate = job
            for _ in range(100):
                try:
                    clip = self.clip_for_text(text, lang, rate, timeout=self.job_timeout * 2)
                    return (not clip.cached), None
                except SpeechBusy:
                    time.sleep(0.05)
                except SpeechError as exc:
                    return False, f"{lang}/{rate} 「{text[:30]}」: {exc}"
            return False, f"{lang}/{rate} 「{text[:30]}」: 混み合っています"

        with ThreadPoolExecutor(max_workers=submitters, thread_name_prefix="speech-build") as pool:
            for done, (made, failure) in enumerate(pool.map(one, jobs), start=1):
                result.made += int(made)
                if failure:
                    result.failures.append(failure)
                if progress:
                    progress(done)
        result.seconds = time.perf_counter() - started
        return result

    def check(self) -> SpeechStatus:
        """Engine, voices and cache: what `kiosk speech check` prints. Synthesises a short test phrase."""
        status = SpeechStatus(engine=self.engine_tag, audio_format=self.audio_format, cache_dir=self.cache_dir)
        try:
            self._ensure_cache_dir()
            probe = self.cache_dir / f".probe.{os.getpid()}.{secrets.token_hex(4)}"
            _write_atomic(probe, b"probe")
            probe.unlink()
        except SpeechUnavailable as exc:
            status.problems.append(str(exc))
        recent = self._last_test is not None and time.monotonic() - self._last_test[0] < CHECK_REUSE_SECONDS
        if recent and self._last_test is not None:  # a health endpoint may ask often: reuse a recent success
            status.test_seconds = self._last_test[1]
        else:
            try:
                started = time.perf_counter()
                text, voice, rate_name = self._normalise(TEST_PHRASE, "ja", "normal")
                future = self._submit(f"check-{secrets.token_hex(8)}", text, voice, rate_name, None)
                audio = self._wait(future, max(self.timeout, self.start_timeout))
                status.test_seconds = time.perf_counter() - started
                if audio.frames == 0:
                    status.problems.append("試しの音声が空でした")
                else:
                    self._last_test = (time.monotonic(), status.test_seconds)
            except SpeechError as exc:
                self._last_test = None
                status.problems.append(str(exc))
        info = next((w.info for w in self._workers if w.info), None)
        available = info["voices"] if info else []
        status.available_voices = len(available)
        for lang, voice in self.voices.items():
            status.voices[lang] = pick_voice(available, voice) if info else None
        if info and status.voices.get("ja") is None:
            status.problems.append("日本語の声がありません（espeak-ng を入れてください）")
        return status

    def start(self) -> None:
        """Start the worker processes now (at server start-up), so that the first new clip is not slower."""
        if self._closed:
            raise SpeechUnavailable("読み上げは停止しています")
        with self._lock:
            self._start_dispatchers()

    def close(self) -> None:
        """Stop the dispatcher threads and the worker processes."""
        self._closed = True
        for worker in self._workers:
            with worker.lock:
                worker.stop()
        for thread in self._dispatchers:
            thread.join(timeout=2)

    def __enter__(self) -> SpeechService:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------ properties

    @property
    def readings(self) -> Readings:
        """The kana converter with the content's override table (SpeechUnavailable if the table is broken)."""
        if self._readings is None:
            try:
                self._readings = default_readings()
            except ReadingsError as exc:
                raise SpeechUnavailable(f"読みの表を使えません: {exc}") from exc
        return self._readings

    @property
    def engine_tag(self) -> str:
        """Identifies the engine that makes the audio, e.g. pyttsx3-2.99/espeak-1.51."""
        if self._engine_tag is None:
            self._engine_tag = f"pyttsx3-{_version('pyttsx3')}/{self.driver}-{_engine_version(self.driver)}"
        return self._engine_tag

    @property
    def reading_tag(self) -> str:
        """Identifies the kana conversion: converter version, rules and override table."""
        if self._reading_tag is None:
            self._reading_tag = f"ojt-{_version('pyopenjtalk-plus')}/readings-{self.readings.digest}"
        return self._reading_tag

    @property
    def audio_format(self) -> str:
        """ "ogg" (Ogg Vorbis via soundfile) where available, else "wav"."""
        if self._audio_format is None:
            self._audio_format = "ogg" if _ogg_available() else "wav"
        return self._audio_format

    @property
    def media_type(self) -> str:
        return MEDIA_TYPES[self.audio_format]

    @property
    def worker_pids(self) -> list[int]:
        """Process ids of the running worker processes (for monitoring and tests)."""
        return [w.process.pid for w in self._workers if w.process is not None and w.process.pid is not None]

    # ------------------------------------------------------------ internals

    def _normalise(self, text: str, lang: str, rate: str) -> tuple[str, str, str]:
        text = unicodedata.normalize("NFKC", text).strip()
        if not text:
            raise ValueError("読み上げる文がありません")
        if len(text) > MAX_TEXT_CHARS:
            raise ValueError(f"読み上げる文が長すぎます（{len(text)}字、上限 {MAX_TEXT_CHARS}字）")
        voice = self.voices.get(lang)
        if voice is None:
            raise SpeechUnavailable(f"「{lang}」の読み上げの声が決まっていません")
        rate_name = RATE_NAMES.get(rate)
        if rate_name is None:
            raise ValueError(f"はやさは {', '.join(RATE_NAMES)} のどれかです（「{rate}」）")
        return text, voice, rate_name

    def _submit(self, key: str, text: str, voice: str, rate: str, path: Path | None) -> Future[Audio]:
        if self._closed:
            raise SpeechUnavailable("読み上げは停止しています")
        spoken = self.readings.reading(text) if voice == "ja" else text
        if not spoken:
            raise SpeechUnavailable(f"「{text[:30]}」の読みが作れません")
        with self._lock:
            if path is not None and path.is_file():  # made by another thread or server process meanwhile
                done: Future[Audio] = Future()
                done.set_result(Audio(b"", 0, 0))
                return done
            future = self._inflight.get(key)
            if future is not None:
                return future
            future = Future()
            try:
                self._queue.put_nowait(_Job(key, spoken, voice, RATES[rate], path, future))
            except queue.Full:
                raise SpeechBusy("読み上げが混み合っています。少し待ってからもう一度お試しください") from None
            self._inflight[key] = future
            self._start_dispatchers()
        return future

    def _wait(self, future: Future[Audio], timeout: float | None) -> Audio:
        try:
            return future.result(timeout=self.timeout if timeout is None else timeout)
        except FutureTimeout:
            raise SpeechUnavailable("読み上げの音声が時間内にできませんでした") from None

    def _start_dispatchers(self) -> None:
        if self._dispatchers:
            return
        for worker in self._workers:
            thread = threading.Thread(target=self._dispatch, args=(worker,), name=f"speech-{worker.index}", daemon=True)
            thread.start()
            self._dispatchers.append(thread)

    def _dispatch(self, worker: _Worker) -> None:
        with worker.lock, contextlib.suppress(SpeechError):
            worker.start()  # start the engine now; a failure is reported to the first job
        while not self._closed:
            try:
                job = self._queue.get(timeout=0.5)
            except queue.Empty:
                continue
            try:
                with worker.lock:
                    audio = worker.synthesise(job)
                if job.path is not None:
                    _write_atomic(job.path, audio.data)
                job.future.set_result(audio)
            except SpeechError as exc:
                job.future.set_exception(exc)
            except Exception as exc:
                job.future.set_exception(SpeechUnavailable(f"読み上げで予期しない問題が起きました: {exc!r}"))
            finally:
                with self._lock:
                    if self._inflight.get(job.key) is job.future:
                        del self._inflight[job.key]

    def cache_writable(self) -> bool:
        """Whether the audio cache folder exists (or can be made) and can be written to: a cheap health check."""
        try:
            self._ensure_cache_dir()
            probe = self.cache_dir / f".health.{os.getpid()}.{secrets.token_hex(4)}"
            _write_atomic(probe, b"ok")  # a full disk fails here, as a clip would
            probe.unlink()
        except (SpeechUnavailable, OSError):
            return False
        return True

    def _ensure_cache_dir(self) -> None:
        try:
            self.cache_dir.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise SpeechUnavailable(_storage_message(self.cache_dir, exc, "フォルダを作れません")) from exc


class _Worker:
    """One worker process and its pipe; used only by its own dispatcher thread (under `lock`)."""

    def __init__(self, service: SpeechService, index: int) -> None:
        self.service = service
        self.index = index
        self.lock = threading.Lock()
        self.process: Any = None
        self.conn: Connection | None = None
        self.info: dict[str, Any] | None = None
        self._job_ids = itertools.count(1)

    def synthesise(self, job: _Job) -> Audio:
        """Run one job; a worker that died is restarted and the job tried once more."""
        for _attempt in range(2):
            self.start()
            assert self.conn is not None and self.info is not None
            voice_id = pick_voice(self.info["voices"], job.voice)
            if voice_id is None:
                raise SpeechUnavailable(f"読み上げエンジンに「{job.voice}」の声がありません")
            job_id = next(self._job_ids)
            try:
                self.conn.send((job_id, job.text, voice_id, job.rate, self.service.audio_format))
            except (OSError, EOFError, ValueError):
                self.stop()
                continue
            answer = self._receive(job_id)
            if answer is None:  # the process died: start a new one and try again
                self.stop()
                continue
            ok, data, samplerate, frames = answer
            if not ok:
                raise SpeechUnavailable(f"読み上げエンジンが音声を作れませんでした: {data}")
            return Audio(data, samplerate, frames)
        raise SpeechUnavailable("読み上げエンジンが続けて止まりました")

    def _receive(self, job_id: int) -> tuple[bool, Any, int, int] | None:
        assert self.conn is not None
        deadline = time.monotonic() + self.service.job_timeout
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                self.stop()
                raise SpeechUnavailable(f"読み上げエンジンが {self.service.job_timeout:.0f} 秒以内に応答しませんでした")
            try:
                if self.conn.poll(min(remaining, 0.5)):
                    answer_id, ok, data, samplerate, frames = self.conn.recv()
                    if answer_id == job_id:
                        return ok, data, samplerate, frames
                    continue  # an answer to a job abandoned earlier
            except (EOFError, OSError):
                return None
            if not self.process.is_alive():
                return None

    def start(self) -> None:
        """Start the worker process unless it is running (only under `lock`)."""
        if self.process is not None and self.process.is_alive() and self.conn is not None:
            return
        self.stop()
        from .worker import worker_main

        context = multiprocessing.get_context("spawn")
        parent_conn, child_conn = context.Pipe()
        process = context.Process(
            target=worker_main, args=(child_conn, self.service.driver), name=f"kiosk-speech-{self.index}", daemon=True
        )
        try:
            process.start()
        except OSError as exc:
            raise SpeechUnavailable(f"読み上げエンジンのプロセスを起動できません: {exc}") from exc
        finally:
            child_conn.close()
        self.process, self.conn = process, parent_conn
        try:
            ready = parent_conn.poll(self.service.start_timeout)
            message = parent_conn.recv() if ready else None
        except (EOFError, OSError):
            message = None
        if not message or message[0] != "ready":
            detail = message[1] if message else "応答がありません"
            self.stop()
            raise SpeechUnavailable(f"読み上げエンジン（pyttsx3/{self.service.driver}）を起動できません: {detail}")
        self.info = message[1]

    def stop(self) -> None:
        process, conn = self.process, self.conn
        self.process = self.conn = None
        if conn is not None:
            with contextlib.suppress(OSError, EOFError, ValueError):
                conn.send(None)
        if process is not None:
            process.join(timeout=1)
            if process.is_alive():
                process.kill()
                process.join(timeout=2)
        if conn is not None:
            conn.close()


# ---------------------------------------------------------------- helpers


_VOICE_PREFERENCES = {"ja": ("ja", "ja-jp"), "en": ("en-us", "en-gb", "en")}
_VOICE_NAME_HINTS = {
    "ja": ("japanese", "ja-jp", "ja_jp", "haruka", "ayumi", "sayaka", "ichiro", "kyoko", "otoya"),
    "en": ("english", "en-us", "en_us", "en-gb", "en_gb", "zira", "david", "samantha", "alex"),
}


def pick_voice(voices: Iterable[Mapping[str, Any]], lang: str) -> str | None:
    """The engine's voice id for a voice language, or None: exact language tag, then prefix, then name."""
    voices = list(voices)

    def tags(voice: Mapping[str, Any]) -> list[str]:
        return [str(t).lower().replace("_", "-") for t in voice.get("languages", [])]

    for wanted in _VOICE_PREFERENCES.get(lang, (lang,)):
        for voice in voices:
            if wanted in tags(voice):
                return str(voice["id"])
    for voice in voices:
        if any(tag.split("-")[0] == lang for tag in tags(voice)):
            return str(voice["id"])
    for voice in voices:
        label = f"{voice.get('id', '')} {voice.get('name', '')}".lower()
        if any(hint in label for hint in _VOICE_NAME_HINTS.get(lang, ())):
            return str(voice["id"])
    return None


_ESPEAK_OTHER_LANGUAGE = re.compile(r"\(([^\s()]+)\s+\d+\)")


def parse_espeak_voices(listing: str) -> list[dict[str, Any]]:
    """The voices of `espeak-ng --voices` output as pick_voice takes them: id (the voice file), name and the
    language tags (its own, then its other languages: cmn also speaks zh-cmn and zh)."""
    voices: list[dict[str, Any]] = []
    for line in listing.splitlines():
        columns = line.split()
        if len(columns) < 5 or not columns[0].isdigit():  # the header line, blank lines
            continue
        _priority, language, _age_gender, name, file, *rest = columns
        others = _ESPEAK_OTHER_LANGUAGE.findall(" ".join(rest))
        voices.append({"id": file, "name": name.replace("_", " "), "languages": [language, *others]})
    return voices


def system_voices(driver: str) -> tuple[dict[str, Any], ...] | None:
    """The voices espeak-ng has on this machine, asked when the speech service starts (about 9 ms); None when that
    cannot be known (another engine, espeak-ng not installed or not answering)."""
    if driver != "espeak":
        return None
    program = shutil.which("espeak-ng") or shutil.which("espeak")
    if program is None:
        return None
    try:
        done = subprocess.run([program, "--voices"], capture_output=True, text=True, timeout=10, check=True)
    except (OSError, subprocess.SubprocessError):
        return None
    return tuple(parse_espeak_voices(done.stdout)) or None


def _write_atomic(path: Path, data: bytes) -> None:
    """Write to a temporary name in the same folder, then rename: readers never see a partial file."""
    temporary = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
    try:
        with open(temporary, "xb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except OSError as exc:
        with contextlib.suppress(OSError):
            temporary.unlink()
        raise SpeechUnavailable(_storage_message(path.parent, exc, "音声を保存できません")) from exc


def _storage_message(folder: Path, exc: OSError, what: str) -> str:
    reasons = {
        errno.ENOSPC: "ディスクの空きがありません",
        errno.EDQUOT: "ディスクの割り当てを超えています",
        errno.EACCES: "書き込む権限がありません",
        errno.EPERM: "書き込む権限がありません",
        errno.EROFS: "読み取り専用です",
        errno.ENOTDIR: "途中にフォルダでないものがあります",
    }
    reason = reasons.get(exc.errno or 0, exc.strerror or str(exc))
    return f"読み上げのキャッシュ（{folder}）に{what}: {reason}（KIOSK_SPEECH_CACHE で場所を変えられます）"


def _default_driver() -> str:
    if sys.platform == "win32":
        return "sapi5"
    if sys.platform == "darwin":
        return "nsss"
    return "espeak"


def _version(distribution: str) -> str:
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return "none"


def _engine_version(driver: str) -> str:
    """The speech engine's own version (espeak-ng's, read from the library without starting it)."""
    if driver != "espeak":
        return platform.release() or "unknown"
    try:
        name = ctypes.util.find_library("espeak-ng") or ctypes.util.find_library("espeak") or "libespeak-ng.so.1"
        library = ctypes.CDLL(name)
        library.espeak_Info.restype = ctypes.c_char_p
        library.espeak_Info.argtypes = [ctypes.c_void_p]
        version = library.espeak_Info(None)
        return str(version.decode("ascii", "replace")) if version else "unknown"
    except (OSError, AttributeError):
        return "missing"


def _ogg_available() -> bool:
    try:
        import soundfile

        return "OGG" in soundfile.available_formats() and "VORBIS" in soundfile.available_subtypes("OGG")
    except (ImportError, OSError):
        return False
