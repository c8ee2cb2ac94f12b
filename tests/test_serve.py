"""`kiosk serve`: one listening socket shared by the workers by default, a socket per worker (SO_REUSEPORT) when
KIOSK_REUSE_PORT=1 opts in, which spreads kept-alive connections over the workers."""

import http.client
import os
import sys
from collections import Counter
from pathlib import Path

import pytest

from .robustness import helpers
from .robustness.helpers import Server

CONNECTIONS = 32


def _socket_inodes(pid: int) -> set[str]:
    inodes = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            target = os.readlink(fd)
        except OSError:
            continue
        if target.startswith("socket:["):
            inodes.add(target[8:-1])
    return inodes


def _tcp_inodes(port: int, state: str) -> set[str]:
    """Inodes of TCP sockets whose local port is `port`, in a state of /proc/net/tcp (01 established, 0A listen)."""
    inodes = set()
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        if int(fields[1].split(":")[1], 16) == port and fields[3] == state:
            inodes.add(fields[9])
    return inodes


def _established_inodes(port: int) -> set[str]:
    return _tcp_inodes(port, "01")


def _listening_inodes(port: int) -> set[str]:
    return _tcp_inodes(port, "0A")


def _children(pid: int) -> list[int]:
    return [int(child) for task in Path(f"/proc/{pid}/task").iterdir()
            for child in (task / "children").read_text().split()]


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_with_reuse_port_kept_alive_connections_are_spread_over_both_workers(tmp_path):
    with Server(tmp_path, f"sqlite:///{tmp_path / 'kiosk.sqlite3'}", workers=2, threads=2,
                KIOSK_REUSE_PORT="1") as server:
        connections = []
        try:
            for _ in range(CONNECTIONS):  # opened at once, as a load generator or a busy counter does
                connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
                connection.connect()
                connections.append(connection)
            for connection in connections:
                connection.request("GET", "/health")
                assert connection.getresponse().read()
            established = _established_inodes(server.port)
            workers = _children(server.process.pid)
            per_worker = Counter({pid: len(_socket_inodes(pid) & established) for pid in workers})
            listening = [_socket_inodes(pid) & _listening_inodes(server.port) for pid in workers]
        finally:
            for connection in connections:
                connection.close()
    assert len(workers) == 2 and sum(per_worker.values()) == CONNECTIONS
    assert all(len(own) == 1 for own in listening) and listening[0] != listening[1]  # a socket per worker
    # Spread by the kernel: Bin(32, ½) has fewer than 6 on one side about once in 17,000 runs. With one shared
    # listening socket all 32 often landed on one worker.
    assert min(per_worker.values()) >= 6, per_worker


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_by_default_the_workers_share_one_socket_and_a_second_server_on_the_port_fails(tmp_path, monkeypatch):
    database = f"sqlite:///{tmp_path / 'kiosk.sqlite3'}"
    monkeypatch.delenv("KIOSK_REUSE_PORT", raising=False)  # the default, whatever the environment says
    with Server(tmp_path / "first", database, workers=2, threads=2) as server:
        listening = _listening_inodes(server.port)
        workers = _children(server.process.pid)
        assert len(listening) == 1 and len(workers) == 2
        assert all(listening <= _socket_inodes(pid) for pid in workers)

        monkeypatch.setattr(helpers, "free_port", lambda: server.port)
        second = Server(tmp_path / "second", database, workers=1, threads=1)
        try:
            second.process.wait(timeout=60)  # gunicorn retries the bind for about 5 s, then gives up
        finally:
            second.stop()
        assert second.process.returncode != 0
        assert "Connection in use" in second.log_path.read_text(errors="replace")
        assert _listening_inodes(server.port) == listening
