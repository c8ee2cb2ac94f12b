"""The speech worker: a child process that is the only owner of the pyttsx3 engine.

pyttsx3 is not thread-safe (several threads crash the whole process), and it prints "Audio saved to …" on
stdout for every file. So the engine lives alone in a spawned child process: the web process sends one job at a
time over a pipe and gets encoded audio bytes back. A crash of libespeak-ng kills only this process; the service
starts a new one.

pyttsx3 2.99's espeak driver needs care (measured here, see `_Espeak`): runAndWait returns before the file is
written, and a rate change is silently dropped when the next job starts while libespeak-ng is still busy. Without
the waits below, 1 clip in ~90 came out empty and about a third of the clips had the previous clip's rate.

Protocol (tuples over a multiprocessing Connection):
    child → parent  ("ready", info) | ("failed", message)       once, after start-up
    parent → child  (job_id, text, voice_id, rate, audio_format) | None to stop
    child → parent  (job_id, True, audio_bytes, samplerate, frames) | (job_id, False, message, 0, 0)
"""

from __future__ import annotations

import contextlib
import io
import os
import shutil
import sys
import tempfile
import threading
import time
import wave
from multiprocessing.connection import Connection
from typing import Any

SYNTHESIS_TIMEOUT = 20.0
"""Seconds one utterance may take inside the worker (the parent has its own, longer, deadline)."""


def worker_main(conn: Connection, driver: str | None) -> None:
    """Entry point of the child process."""
    _silence_stdout()
    try:
        import pyttsx3

        engine = pyttsx3.init(driver) if driver else pyttsx3.init()
        voices = [_voice_info(v) for v in engine.getProperty("voices") or []]
        finished = threading.Event()
        engine.connect("finished-utterance", lambda **_: finished.set())
        espeak = _Espeak.for_driver(driver)
        with contextlib.suppress(ImportError, OSError):
            import soundfile  # noqa: F401 - loaded now so that the first clip is not slower than the rest
    except Exception as exc:
        conn.send(("failed", f"{type(exc).__name__}: {exc}"))
        return
    conn.send(("ready", {"pid": os.getpid(), "voices": voices}))
    workdir = tempfile.mkdtemp(prefix="kiosk-speech-")
    try:
        for counter in range(1, sys.maxsize):
            try:
                job = conn.recv()
            except (EOFError, OSError):
                break
            if job is None:
                break
            job_id, text, voice_id, rate, audio_format = job
            # A fresh file for every job: pyttsx3 keeps state between calls and may rewrite an old path.
            wav_path = os.path.join(workdir, f"{counter}.wav")
            try:
                if espeak is not None:
                    espeak.apply(voice_id, rate)
                else:
                    engine.setProperty("voice", voice_id)
                    engine.setProperty("rate", rate)
                finished.clear()
                engine.save_to_file(text, wav_path)
                engine.runAndWait()
                if not finished.wait(SYNTHESIS_TIMEOUT):
                    raise RuntimeError(f"the engine did not finish within {SYNTHESIS_TIMEOUT:.0f} s")
                if espeak is not None:
                    espeak.wait_until_idle()
                audio, samplerate, frames = _encode(wav_path, audio_format)
                conn.send((job_id, True, audio, samplerate, frames))
            except Exception as exc:
                conn.send((job_id, False, f"{type(exc).__name__}: {exc}", 0, 0))
            finally:
                with contextlib.suppress(OSError):
                    os.unlink(wav_path)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


class _Espeak:
    """Voice and rate for pyttsx3's espeak driver, applied so that they hold.

    libespeak-ng runs asynchronously under pyttsx3: `runAndWait` returns as soon as synthesis is queued (the WAV
    is written later, from the library's thread), and when a job starts while the library still reports itself
    busy, the driver cancels everything queued in it, including a rate change queued by `setProperty`. So the
    worker waits for the end of each utterance, sets voice and rate through the driver directly (not through
    pyttsx3's command queue) and waits until the library is idle before synthesising."""

    def __init__(self, driver_class: Any, library: Any) -> None:
        self._driver = driver_class
        self._library = library
        self._current: tuple[str, int] | None = None

    @classmethod
    def for_driver(cls, driver: str | None) -> _Espeak | None:
        if driver not in (None, "espeak") or sys.platform in ("win32", "darwin"):
            return None
        from pyttsx3.drivers import _espeak
        from pyttsx3.drivers.espeak import EspeakDriver

        return cls(EspeakDriver, _espeak)

    def apply(self, voice_id: str, rate: int) -> None:
        self.wait_until_idle()
        # The voice is set for every job: setting a voice resets the rate, so both go together.
        self._driver.setProperty("voice", voice_id)
        self._driver.setProperty("rate", rate)
        self.wait_until_idle()

    def wait_until_idle(self) -> None:
        deadline = time.monotonic() + SYNTHESIS_TIMEOUT
        while self._library.IsPlaying():
            if time.monotonic() > deadline:
                raise RuntimeError("libespeak-ng stayed busy")
            time.sleep(0.002)


def _silence_stdout() -> None:
    """pyttsx3 prints a line per saved file; keep it (and anything the C library writes) out of the server log."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    os.close(devnull)
    sys.stdout = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115 - lives as long as the process


def _voice_info(voice: Any) -> dict[str, Any]:
    languages = []
    for language in getattr(voice, "languages", None) or []:
        if isinstance(language, bytes):
            language = language.decode("ascii", "replace").lstrip("\x05")
        languages.append(str(language))
    return {"id": str(voice.id), "name": str(getattr(voice, "name", "") or ""), "languages": languages}


def _encode(wav_path: str, audio_format: str) -> tuple[bytes, int, int]:
    """The WAV pyttsx3 wrote, as Ogg Vorbis (or as WAV); raises if it holds no audio."""
    with wave.open(wav_path, "rb") as wav:
        samplerate, frames = wav.getframerate(), wav.getnframes()
    if frames == 0:
        raise RuntimeError("the engine produced no audio")
    if audio_format == "ogg":
        import soundfile

        data, samplerate = soundfile.read(wav_path, dtype="int16")
        buffer = io.BytesIO()
        soundfile.write(buffer, data, samplerate, format="OGG", subtype="VORBIS")
        return buffer.getvalue(), samplerate, frames
    with open(wav_path, "rb") as handle:
        return handle.read(), samplerate, frames
