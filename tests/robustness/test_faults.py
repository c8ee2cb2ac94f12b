"""Faults: the database going away for real, the speech worker killed in the middle of a request, and the audio
cache's disk full. Each time the resident gets a clear page, nothing entered earlier is lost, and the part
recovers by itself once the fault is gone.

Speech faults go through the kiosk's read-aloud route (/speech/clip/N, kiosk/web/speech.py), /health and the
resident pages served meanwhile; the service's own guarantees (a killed job is retried on a new worker, a full
disk is named in the error) are checked on kiosk.speech.SpeechService directly.
"""

import contextlib
import errno
import io
import os
import re
import signal
import socket
import subprocess
import threading
import time
from pathlib import Path

import pytest
import soundfile
from sqlalchemy.engine import make_url

import kiosk.speech.service as service_module
from kiosk.engine.texts import text_catalogue
from kiosk.extensions import services
from kiosk.speech import Clip, SpeechService, SpeechUnavailable, catalogue_lookup

from ..speech.conftest import needs_engine
from ..web.conftest import Resident, database_url_for_tests
from ..web.test_resident_flow import OKUYAMI_78
from .conftest import app_for_tests
from .helpers import free_port

POSTGRES = bool(os.environ.get("KIOSK_TEST_DATABASE_URL"))


# ---------------------------------------------------------------- a real database outage


class Plug:
    """A TCP proxy on 127.0.0.1 in front of the PostgreSQL server: pulling it closes every connection and refuses
    new ones, as a database host that went away does; putting it back lets new connections through."""

    def __init__(self, host: str, port: int) -> None:
        self.target = (host, port)
        self.port = free_port()
        self._listener: socket.socket | None = None
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()

    def put_back(self) -> None:
        listener = socket.create_server(("127.0.0.1", self.port), reuse_port=False)
        self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def pull(self) -> None:
        listener, self._listener = self._listener, None
        if listener is not None:
            with contextlib.suppress(OSError):
                listener.shutdown(socket.SHUT_RDWR)  # wakes the thread blocked in accept()
            listener.close()
        with self._lock:
            sockets, self._sockets = self._sockets, []
        for sock in sockets:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            try:
                upstream = socket.create_connection(self.target, timeout=5)
                upstream.settimeout(None)
            except OSError:
                client.close()
                continue
            with self._lock:
                self._sockets += [client, upstream]
            for source, sink in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(source, sink), daemon=True).start()

    @staticmethod
    def _pump(source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for sock in (source, sink):
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)


class Outage:
    """Makes the app's database unreachable for real, then reachable again.

    SQLite: the folder that holds the database file is renamed away (and the pool's open connections closed, as
    after a restart), so opening the file fails. PostgreSQL: the app talks to the server through a `Plug`."""

    def __init__(self, tmp_path: Path) -> None:
        self.folder = tmp_path / "db"
        url = database_url_for_tests(self.folder)
        if POSTGRES:
            real = make_url(url)
            self.plug = Plug(real.host or "127.0.0.1", real.port or 5432)
            self.plug.put_back()
            url = real.set(host="127.0.0.1", port=self.plug.port).render_as_string(hide_password=False)
        self.url = url
        self.app = None

    def begin(self) -> None:
        if POSTGRES:
            self.plug.pull()
        else:
            services(self.app).database.engine.dispose()
            self.folder.rename(self.folder.with_name("db-away"))

    def end(self) -> None:
        if POSTGRES:
            self.plug.put_back()
        else:
            self.folder.with_name("db-away").rename(self.folder)


@pytest.fixture
def outage(tmp_path):
    fault = Outage(tmp_path)
    with app_for_tests(tmp_path / "db", reset=False, KIOSK_DATABASE_URL=fault.url, KIOSK_SPEECH=False) as app:
        fault.app = app
        try:
            yield fault
        finally:
            if POSTGRES:
                fault.plug.pull()
            elif not fault.folder.exists():
                fault.end()


def _check_unavailable_json(document, operation_path, method, reply):
    assert reply.status_code == 503, reply.get_data(as_text=True)
    body = reply.json
    assert body["error"] == "service_unavailable" and "データベース" in body["message"]
    responses = document["paths"][operation_path][method]["responses"]
    assert "503" in responses, f"{method.upper()} {operation_path}: 503 is not in the OpenAPI document"
    assert responses["503"]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/Error"}


def _retry_form(page):
    """The action and fields of the 503 page's retry form, exactly as the browser would send them."""
    form = re.search(r'<form method="post" action="([^"]+)">(.*?)</form>', page.split("</header>")[-1], re.S)
    assert form, page
    fields = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', form.group(2)))
    return form.group(1), fields


def test_a_real_database_outage_gives_clear_503s_and_loses_nothing(outage):
    app = outage.app
    document = app.test_client().get("/api/v1/openapi.json").get_json()
    resident = Resident(app.test_client())
    resident.start("okuyami")
    first = resident.current_question()
    resident.answer("okuyami", first, OKUYAMI_78[first])
    second = resident.current_question()
    api = app.test_client()
    progress = api.post("/api/v1/sessions", json={"event": "okuyami"}).get_json()
    session = progress["session"]
    assert (
        api.post(
            f"/api/v1/sessions/{session}/answers", json={"question": first, "value": OKUYAMI_78[first]}
        ).status_code
        == 200
    )

    outage.begin()
    page = resident.client.get(f"/okuyami/questions/{second}")
    text = page.get_data(as_text=True)
    assert page.status_code == 503 and page.headers["Retry-After"] == "30"
    assert "ただいま利用できません" in text and "Traceback" not in text
    value = str(OKUYAMI_78[second])
    typed = {"answer": value}
    response = resident.client.post(f"/okuyami/questions/{second}", data={"csrf_token": resident.csrf(), **typed})
    text = response.get_data(as_text=True)
    assert response.status_code == 503 and "入力した内容は消えていません" in text
    retry_action, retry_fields = _retry_form(text)  # the retry button re-sends what was typed
    assert retry_action == f"/okuyami/questions/{second}"
    assert retry_fields["answer"] == value
    _check_unavailable_json(document, "/sessions/{session_id}", "get", api.get(f"/api/v1/sessions/{session}"))
    _check_unavailable_json(
        document,
        "/sessions/{session_id}/answers",
        "post",
        api.post(f"/api/v1/sessions/{session}/answers", json={"question": second, "value": OKUYAMI_78[second]}),
    )
    _check_unavailable_json(document, "/sessions", "post", api.post("/api/v1/sessions", json={"event": "okuyami"}))
    health = app.test_client().get("/health")
    assert health.status_code == 503 and health.get_json()["checks"]["database"].startswith("unavailable")

    outage.end()
    assert app.test_client().get("/health").status_code == 200
    resident.get(f"/okuyami/questions/{first}")
    assert 'value="2026"' in resident.page  # what was entered before the outage is still there
    response = resident.client.post(retry_action, data=retry_fields)  # the resident presses 「もう一度送る」
    assert response.status_code == 302, response.get_data(as_text=True)
    resident.get(f"/okuyami/questions/{second}", follow_redirects=True)  # the page of its screen
    assert re.search(rf'value="{re.escape(value)}"[^>]*checked|checked[^>]*value="{re.escape(value)}"', resident.page)
    reply = api.get(f"/api/v1/sessions/{session}")
    assert reply.status_code == 200 and reply.json["answers"] == {first: OKUYAMI_78[first]}
    while (question := reply.json["question"]) is not None:
        reply = api.post(
            f"/api/v1/sessions/{session}/answers",
            json={"question": question["id"], "value": OKUYAMI_78.get(question["id"], "unknown")},
        )
        assert reply.status_code == 200, reply.json
    assert api.get(f"/api/v1/sessions/{session}/result").status_code == 200


def test_a_new_visitor_during_an_outage_gets_the_503_page_not_an_error(outage):
    outage.begin()
    client = outage.app.test_client()
    # A visitor without a session needs no database for the menu, the start page, the resume page or the first
    # question.
    for url, status in (("/", 200), ("/okuyami/", 200), ("/resume", 200), ("/okuyami/questions/death_date", 200)):
        response = client.get(url)
        assert response.status_code == status, (url, response.status_code)
        assert "Traceback" not in response.get_data(as_text=True)
    # The start page's session (with its CSRF secret) could not be saved: pressing 「はじめる」 is the 503 page,
    # not 「画面の有効期限が切れました」.
    resident = Resident(client)
    resident.get("/okuyami/")
    response = resident.client.post("/okuyami/start", data={"csrf_token": resident.csrf()})
    assert response.status_code == 503 and "ただいま利用できません" in response.get_data(as_text=True)
    api = client.post("/api/v1/sessions", json={"event": "okuyami"})
    assert api.status_code == 503 and api.get_json()["error"] == "service_unavailable"
    outage.end()
    resident.start("okuyami")
    assert resident.current_question() == "death_date"


# ---------------------------------------------------------------- the speech worker killed mid-request


def _alive(pid):
    try:
        waited, _ = os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        return False
    return waited == 0


def _wait_for(condition, seconds=30):
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.01)


def _stuck_on_a_job(speech):
    """The dispatcher has taken a job and waits for the worker's answer."""
    return bool(speech._inflight) and speech._queue.empty() and speech._workers[0].lock.locked()


def _audio_seconds(body):
    data, samplerate = soundfile.read(io.BytesIO(body))
    return len(data) / samplerate


class _Reply:
    """A clip reply read and closed (send_file keeps the clip open until the response is closed)."""

    def __init__(self, response):
        self.status_code = response.status_code
        self.data = response.data
        self.json = response.get_json(silent=True)
        response.close()


def _clip(client, index):
    return _Reply(client.get(f"/speech/clip/{index}"))


@pytest.fixture
def kiosk_with_speech(tmp_path):
    """A counter tablet's app whose read-aloud clips go to a cache of their own (none made yet)."""
    with app_for_tests(
        tmp_path / "db", KIOSK_MODE="kiosk", KIOSK_SPEECH_CACHE=str(tmp_path / "speech"), KIOSK_SPEECH_TIMEOUT=60
    ) as app:
        yield app, services(app).speech


@needs_engine
def test_the_speech_worker_killed_in_the_middle_of_a_clip_request(kiosk_with_speech):
    app, speech = kiosk_with_speech
    resident = Resident(app.test_client())
    resident.start("okuyami")
    first = _clip(resident.client, 0)
    assert first.status_code == 200 and _audio_seconds(first.data) > 0.3
    (old_pid,) = speech.worker_pids
    os.kill(old_pid, signal.SIGSTOP)  # it takes the next job from the pipe only to be killed: mid-request
    tablet = app.test_client()  # the page's audio element, with the same session cookie
    tablet.set_cookie("kiosk_session", resident.client.get_cookie("kiosk_session").value)
    replies = {}
    thread = threading.Thread(target=lambda: replies.update(clip=_clip(tablet, 1)))
    thread.start()
    try:
        _wait_for(lambda: _stuck_on_a_job(speech))
        time.sleep(0.2)
        assert thread.is_alive()  # the clip request waits on the stopped worker
        response = resident.answer("okuyami", "death_date", OKUYAMI_78["death_date"])  # meanwhile, pages work
        assert response.status_code == 302 and "<h1" in resident.page
    finally:
        os.kill(old_pid, signal.SIGKILL)
    thread.join(120)
    assert not thread.is_alive()
    reply = replies["clip"]
    if reply.status_code == 503:  # a clear answer the page's script understands, never a 500 or a hang
        assert reply.json["error"] == "speech_unavailable"
    else:  # or the service restarted the worker and made the clip anyway
        assert reply.status_code == 200 and _audio_seconds(reply.data) > 0.3
    _wait_for(lambda: not _alive(old_pid))
    following = _clip(resident.client, 0)  # the next request: speech has recovered
    assert following.status_code == 200 and _audio_seconds(following.data) > 0.3
    (new_pid,) = speech.worker_pids
    assert new_pid != old_pid


@needs_engine
def test_the_service_gives_the_killed_request_its_clip_from_a_new_worker(tmp_path, content):
    lookup = catalogue_lookup(text_catalogue(content))
    with SpeechService(tmp_path / "speech", lookup=lookup) as speech:
        speech.clip_for_text("はい", timeout=60)
        (old_pid,) = speech.worker_pids
        os.kill(old_pid, signal.SIGSTOP)
        outcome = {}

        def request():
            try:
                outcome["clip"] = speech.clip_for_key("flow.okuyami.q.deceased_age.text", "ja", "slow", timeout=90)
            except Exception as exc:  # reported below
                outcome["clip"] = exc

        thread = threading.Thread(target=request)
        thread.start()
        try:
            _wait_for(lambda: _stuck_on_a_job(speech))
            time.sleep(0.2)
            assert thread.is_alive()
        finally:
            os.kill(old_pid, signal.SIGKILL)
        thread.join(120)
        assert isinstance(outcome["clip"], Clip), outcome["clip"]
        assert soundfile.info(str(outcome["clip"].path)).duration > 0.5
        assert speech.worker_pids and speech.worker_pids[0] != old_pid


@needs_engine
def test_a_speech_worker_that_died_between_requests_is_replaced(kiosk_with_speech):
    app, speech = kiosk_with_speech
    resident = Resident(app.test_client())
    resident.start("okuyami")
    assert _clip(resident.client, 0).status_code == 200
    (old_pid,) = speech.worker_pids
    os.kill(old_pid, signal.SIGKILL)
    _wait_for(lambda: not _alive(old_pid))
    assert resident.client.get("/okuyami/").status_code == 200
    reply = _clip(resident.client, 1)
    assert reply.status_code == 200 and _audio_seconds(reply.data) > 0.2
    assert speech.worker_pids and speech.worker_pids[0] != old_pid
    health = app.test_client().get("/health")
    assert health.status_code == 200
    checks = health.get_json()["checks"]
    assert {name: checks[name] for name in ("database", "database_writes", "speech")} == {
        "database": "ok", "database_writes": "ok", "speech": "ok"}
    assert checks["speech_languages"]["ja"] == "ok"


# ---------------------------------------------------------------- the audio cache's disk full


class TinyDisk:
    """A 256 KiB tmpfs mounted on `path` (as root), filled up by `fill()`; or, where mounting is not allowed, the
    same ENOSPC from a patched `open` in kiosk.speech.service."""

    def __init__(self, path: Path, monkeypatch) -> None:
        self.path = path
        self.monkeypatch = monkeypatch
        path.mkdir()
        mounted = subprocess.run(
            ["mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", str(path)], capture_output=True, check=False
        )
        self.mounted = mounted.returncode == 0
        self.filler = path / "filler"

    def fill(self) -> None:
        if not self.mounted:
            self.monkeypatch.setattr(service_module, "open", _full_disk_open, raising=False)
            return
        with open(self.filler, "wb", buffering=0) as handle, contextlib.suppress(OSError):
            while True:
                handle.write(b"\0" * 4096)
        with pytest.raises(OSError) as caught:
            (self.path / "one-more").write_bytes(b"x" * 4096)
        assert caught.value.errno == errno.ENOSPC

    def free(self) -> None:
        if self.mounted:
            self.filler.unlink()
            with contextlib.suppress(FileNotFoundError):
                (self.path / "one-more").unlink()
        else:
            self.monkeypatch.undo()

    def unmount(self) -> None:
        if self.mounted:
            subprocess.run(["umount", "-l", str(self.path)], check=False)


def _full_disk_open(file, mode="r", *args, **kwargs):
    handle = open(file, mode, *args, **kwargs)  # noqa: SIM115 - closed below or by the caller
    if "w" in mode or "x" in mode or "a" in mode:
        real_write = handle.write

        def write(data):
            real_write(data[:0])
            raise OSError(errno.ENOSPC, "No space left on device")

        handle.write = write
    return handle


@pytest.fixture
def tiny_disk(tmp_path, monkeypatch):
    disk = TinyDisk(tmp_path / "cache", monkeypatch)
    try:
        yield disk
    finally:
        disk.unmount()


@needs_engine
def test_the_audio_cache_disk_full(tmp_path, tiny_disk):
    with app_for_tests(
        tmp_path / "db", KIOSK_MODE="kiosk", KIOSK_SPEECH_CACHE=str(tiny_disk.path), KIOSK_SPEECH_TIMEOUT=60
    ) as app:
        speech = services(app).speech
        resident = Resident(app.test_client())
        resident.start("okuyami")
        made = _clip(resident.client, 0)  # made while there is room
        assert made.status_code == 200
        tiny_disk.fill()

        reply = _clip(resident.client, 1)
        assert reply.status_code == 503  # a clear JSON answer for the page's script, not a 500
        assert reply.json["error"] == "speech_unavailable" and "読み上げ" in reply.json["message"]
        with pytest.raises(SpeechUnavailable, match="ディスクの空きがありません") as caught:  # what the log says
            speech.clip_for_text("ディスクがいっぱいのときの文です", timeout=60)
        assert "KIOSK_SPEECH_CACHE" in str(caught.value)  # and what staff can do about it
        assert not list(tiny_disk.path.glob(".*.tmp"))  # no partial file left behind
        assert len(list(tiny_disk.path.glob("*.ogg")) + list(tiny_disk.path.glob("*.wav"))) == 1
        again = _clip(resident.client, 0)  # clips already in the cache are still served
        assert again.status_code == 200 and again.data == made.data
        response = resident.answer("okuyami", "death_date", OKUYAMI_78["death_date"])  # the guide works on
        assert response.status_code == 302 and "<h1" in resident.page
        health = app.test_client().get("/health")  # speech is optional: the guide stays up, and says so
        assert health.status_code == 200 and health.get_json()["checks"]["speech"] == "unavailable"

        tiny_disk.free()
        resident.get("/okuyami/questions/death_date")
        reply = _clip(resident.client, 1)
        assert reply.status_code == 200 and _audio_seconds(reply.data) > 0.3
        assert app.test_client().get("/health").get_json()["checks"]["speech"] == "ok"
