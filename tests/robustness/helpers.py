"""Shared by the robustness and store tests: answering a whole flow, and running real server processes."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from kiosk.engine.yamlsource import load_yaml

from ..conftest import SCENARIOS

PROJECT = Path(__file__).resolve().parents[2]


def scenario_answers(event: str) -> dict:
    """The answers of the event's first scenario (tests/scenarios/<event>/01_*.yaml)."""
    data, _ = load_yaml(sorted((SCENARIOS / event).glob("01_*.yaml"))[0])
    return data["answers"]


def api_answer_value(question: dict, answers: dict):
    """A value for an API question: the scenario's answer, else わからない where allowed, else the first option."""
    if question["id"] in answers:
        value = answers[question["id"]]
        return str(value) if hasattr(value, "isoformat") else value
    if question["unknown_allowed"]:
        return "unknown"
    if question["type"] == "multiple":
        return [question["options"][0]["value"]]
    if question["type"] == "number":
        return question.get("min") or 1
    if question["type"] == "date":
        return "2026-05-01"
    return question["options"][0]["value"]


def complete_api_session(client, event: str) -> str:
    """Start an API session and answer every question (test client or anything with .post/.get_json)."""
    reply = client.post("/api/v1/sessions", json={"event": event})
    assert reply.status_code == 201, reply.get_data(as_text=True)
    progress = reply.get_json()
    answers = scenario_answers(event)
    for _ in range(100):
        question = progress["question"]
        if question is None:
            return progress["session"]
        reply = client.post(
            f"/api/v1/sessions/{progress['session']}/answers",
            json={"question": question["id"], "value": api_answer_value(question, answers)},
        )
        assert reply.status_code == 200, reply.get_data(as_text=True)
        progress = reply.get_json()
    raise AssertionError(f"the {event} flow did not end")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Server:
    """`kiosk serve` (gunicorn) in a subprocess on 127.0.0.1, stopped by `stop()` or as a context manager."""

    def __init__(
        self, instance: Path, database_url: str, *, workers: int | None = None, threads: int | None = None, **env: str
    ) -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        instance.mkdir(parents=True, exist_ok=True)
        self.log_path = instance / f"server-{self.port}.log"
        environment = {
            **os.environ,
            "KIOSK_DATABASE_URL": database_url,
            "KIOSK_SECRET_KEY": "robustness-test-secret-key",
            "KIOSK_LOG_LEVEL": "WARNING",
            "KIOSK_SPEECH_CACHE": str(instance / "speech"),
            **env,
        }
        environment.pop("KIOSK_TEST_DATABASE_URL", None)
        self._log = open(self.log_path, "wb")  # noqa: SIM115 - closed in stop()
        command = [sys.executable, "-m", "kiosk.cli", "serve", "--host", "127.0.0.1", "--port", str(self.port)]
        if workers is not None:
            command += ["--workers", str(workers)]
        if threads is not None:
            command += ["--threads", str(threads)]
        self.process = subprocess.Popen(
            command,
            cwd=instance,
            env=environment,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def wait_ready(self, timeout: float = 60.0) -> Server:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"the server stopped ({self.process.returncode}):\n{self.log()}")
            try:
                with urllib.request.urlopen(f"{self.base}/health", timeout=2) as reply:
                    if reply.status == 200:
                        return self
            except (urllib.error.URLError, OSError):
                time.sleep(0.2)
        raise AssertionError(f"the server did not answer /health within {timeout:.0f} s:\n{self.log()}")

    def log(self) -> str:
        self._log.flush()
        return self.log_path.read_text(errors="replace")[-4000:]

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)
        self._log.close()

    def __enter__(self) -> Server:
        return self.wait_ready()

    def __exit__(self, *exc: object) -> None:
        self.stop()
