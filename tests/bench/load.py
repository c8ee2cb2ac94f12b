"""The load: whole visits over real HTTP from one asyncio process, and wrk for the bare hello.

The visit client is a small HTTP/1.1 client on asyncio streams (keep-alive, one connection per virtual browser,
its own cookies), because a visit must read each page (the CSRF token, the next question, the slip's code) and
wrk's Lua can keep no per-connection state with several connections per thread. It runs in one process with no
threads; its CPU time (time.process_time) is reported with every run, and its ceiling is measured on the hello,
so the tables show that it is not what limits the app.

- `closed_loop`: N browsers, each doing visit after visit without pause (N = 32 for the throughput runs).
- `ramp`: residents who think 3 s before each action (a redirect is followed at once, as a browser does), added
  step by step; each step reports its p95 over the step's last seconds.
- `run_wrk`: wrk against one URL (the hello).
"""

from __future__ import annotations

import asyncio
import os
import random
import re
import statistics
import subprocess
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

from .residents import Plan
from .visit import FlowError, Jar, Reply, Visit, check, local, resident_visit

TIMEOUT = 30.0


class HttpError(RuntimeError):
    """No reply, or one that cannot be read."""


class Connection:
    """One keep-alive HTTP/1.1 connection to 127.0.0.1 (reconnects when the server closed it while idle)."""

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None
        self.connects = 0

    async def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            self.reader = self.writer = None

    async def request(self, method: str, path: str, cookie: str, form: dict[str, object] | None) -> Reply:
        body = urlencode(form, doseq=True).encode() if form is not None else b""
        head = f"{method} {path} HTTP/1.1\r\nHost: {self.host}:{self.port}\r\nAccept-Encoding: identity\r\n"
        if cookie:
            head += f"Cookie: {cookie}\r\n"
        if form is not None:
            head += f"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {len(body)}\r\n"
        data = head.encode("latin-1") + b"\r\n" + body
        for attempt in (1, 2):
            reused = self.writer is not None
            if self.writer is None:
                self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
                self.connects += 1
            assert self.reader is not None and self.writer is not None
            try:
                self.writer.write(data)
                raw = await self.reader.readuntil(b"\r\n\r\n")
            except (ConnectionError, asyncio.IncompleteReadError) as error:
                await self.close()
                if reused and attempt == 1:  # closed by the server while idle (keep-alive timeout): as browsers do
                    continue
                raise HttpError(f"{method} {path}: {type(error).__name__}") from error
            return await self._read(raw)
        raise HttpError(f"{method} {path}: no reply")

    async def _read(self, raw: bytes) -> Reply:
        assert self.reader is not None
        lines = raw.decode("latin-1").split("\r\n")
        try:
            status = int(lines[0].split(" ", 2)[1])
        except (IndexError, ValueError) as error:
            raise HttpError(f"unreadable status line {lines[0]!r}") from error
        length, chunked, close, location = None, False, False, ""
        set_cookies = []
        for line in lines[1:]:
            name, _, value = line.partition(":")
            name, value = name.strip().lower(), value.strip()
            if name == "content-length":
                length = int(value)
            elif name == "transfer-encoding" and "chunked" in value.lower():
                chunked = True
            elif name == "connection" and value.lower() == "close":
                close = True
            elif name == "location":
                location = local(value)
            elif name == "set-cookie":
                set_cookies.append(value)
        if chunked:
            parts = []
            while True:
                size = int((await self.reader.readuntil(b"\r\n")).split(b";")[0], 16)
                if size == 0:
                    await self.reader.readuntil(b"\r\n")
                    break
                parts.append(await self.reader.readexactly(size + 2))
            body = b"".join(part[:-2] for part in parts)
        elif length is not None:
            body = await self.reader.readexactly(length)
        else:
            body = await self.reader.read()
            close = True
        if close:
            await self.close()
        return Reply(status, location, body.decode("utf-8", "replace"), set_cookies)


@dataclass
class Sample:
    done: float  # perf_counter when the reply was read
    seconds: float
    kind: str
    ok: bool


@dataclass
class Recorder:
    """Every request's latency; the client's own CPU and the event loop's lag (both must stay small)."""

    samples: list[Sample] = field(default_factory=list)
    errors: Counter[str] = field(default_factory=Counter)
    visits: int = 0
    visits_failed: int = 0

    def window(self, start: float, end: float) -> list[Sample]:
        return [s for s in self.samples if start <= s.done < end]


@dataclass
class Window:
    """What one measured window saw."""

    seconds: float
    requests: int
    failed: int
    p50: float  # ms
    p95: float
    p99: float
    client_cpu: float  # share of one core used by this client process
    loop_lag_p99: float  # ms: how late the client's event loop woke (a busy client would show here)
    server_cpu: float  # cores used by the server's processes
    machine_cpu: float  # cores busy on the whole machine (the server, this client and anything else)
    kinds: dict[str, list[float]]  # page kind → latencies (ms)
    visits: int = 0
    errors: dict[str, int] = field(default_factory=dict)
    connections: int = 0

    @property
    def rate(self) -> float:
        return self.requests / self.seconds

    @property
    def server_ms_per_request(self) -> float:
        return self.server_cpu * self.seconds * 1000 / self.requests if self.requests else float("nan")


def percentile(values: list[float], share: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def machine_cpu() -> float:
    """CPU seconds all cores of the machine have been busy (Linux /proc/stat; 0 where unreadable)."""
    try:
        fields = [int(n) for n in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:9]]
    except (OSError, ValueError):
        return 0.0
    return (sum(fields) - fields[3] - fields[4]) / os.sysconf("SC_CLK_TCK")  # all but idle and iowait


def process_cpu(pids: list[int]) -> float:
    """User + system CPU seconds of these processes (Linux /proc; 0 where unreadable)."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / tick
    return total


class Meter:
    """Client CPU, server CPU and loop lag over a window."""

    def __init__(self, server_pids: Callable[[], list[int]]) -> None:
        self.server_pids = server_pids
        self.lags: list[float] = []
        self._task: asyncio.Task[None] | None = None

    async def _watch(self) -> None:
        while True:
            before = time.perf_counter()
            await asyncio.sleep(0.01)
            self.lags.append((time.perf_counter() - before - 0.01) * 1000)

    def start(self) -> None:
        self._task = asyncio.get_running_loop().create_task(self._watch())

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)

    def mark(self) -> tuple[float, float, float, int, float]:
        return (time.perf_counter(), time.process_time(), process_cpu(self.server_pids()), len(self.lags),
                machine_cpu())

    def window(self, recorder: Recorder, start: tuple[float, float, float, int, float], connections: int,
               visits: int = 0) -> Window:
        now, cpu, server, _lags, machine = self.mark()
        seconds = now - start[0]
        samples = recorder.window(start[0], now)
        kinds: dict[str, list[float]] = {}
        for sample in samples:
            if sample.ok:
                kinds.setdefault(sample.kind, []).append(sample.seconds * 1000)
        latencies = [s.seconds * 1000 for s in samples if s.ok]
        return Window(seconds=seconds, requests=len(samples), failed=sum(not s.ok for s in samples),
                      p50=percentile(latencies, 0.50), p95=percentile(latencies, 0.95),
                      p99=percentile(latencies, 0.99), client_cpu=(cpu - start[1]) / seconds,
                      loop_lag_p99=percentile(self.lags[start[3]:], 0.99),
                      server_cpu=(server - start[2]) / seconds, machine_cpu=(machine - start[4]) / seconds,
                      kinds=kinds, visits=visits,
                      errors=dict(recorder.errors), connections=connections)


async def drive(connection: Connection, visit: Visit, recorder: Recorder, think: float = 0.0,
                stop: Callable[[], bool] = lambda: False) -> bool:
    """Run one visit to its end (or until `stop`); False when it broke."""
    try:
        step = next(visit)
        while True:
            if stop():
                visit.close()
                return True
            if think and step.think:
                await asyncio.sleep(think)
                if stop():
                    visit.close()
                    return True
            started = time.perf_counter()
            try:
                reply = await asyncio.wait_for(
                    connection.request(step.method, step.path, step.jar.header(), step.form), TIMEOUT)
            except (TimeoutError, HttpError, OSError) as error:
                recorder.samples.append(Sample(time.perf_counter(), time.perf_counter() - started, step.kind, False))
                recorder.errors[f"{step.kind}: {type(error).__name__}"] += 1
                await connection.close()
                return False
            recorder.samples.append(Sample(time.perf_counter(), time.perf_counter() - started, step.kind,
                                           reply.status < 500 and reply.status == step.expect))
            try:
                check(step, reply)
            except FlowError as error:
                recorder.errors[f"{step.kind}: {reply.status}"] += 1
                if len(recorder.errors) < 5:
                    print(f"    flow error: {error}", flush=True)
                return False
            step = visit.send(reply)
    except StopIteration:
        return True


async def login_clerks(host: str, port: int, count: int, staff: tuple[str, str]) -> list[Jar]:
    from .visit import clerk_login

    clerks = []
    for _ in range(count):
        clerk = Jar()
        connection = Connection(host, port)
        recorder = Recorder()
        if not await drive(connection, clerk_login(clerk, *staff), recorder):
            raise FlowError(f"the clerk could not log in: {dict(recorder.errors)}")
        await connection.close()
        clerks.append(clerk)
    return clerks


class Browsers:
    """Virtual browsers: each takes the next resident, does the whole visit, and takes the next."""

    def __init__(self, host: str, port: int, plans: Iterator[Plan], clerks: list[Jar], recorder: Recorder,
                 think: float = 0.0) -> None:
        self.host, self.port, self.plans, self.clerks = host, port, plans, clerks
        self.recorder, self.think = recorder, think
        self.tasks: list[asyncio.Task[None]] = []
        self.stopping = False
        self.visits_done = 0

    def add(self, count: int, stagger: float = 0.0) -> None:
        for _ in range(count):
            index = len(self.tasks)
            delay = random.uniform(0, stagger) if stagger else 0.0
            self.tasks.append(asyncio.get_running_loop().create_task(self._browse(index, delay)))

    async def _browse(self, index: int, delay: float) -> None:
        connection = Connection(self.host, self.port)
        clerk = self.clerks[index % len(self.clerks)]
        if delay:
            await asyncio.sleep(delay)
        try:
            while not self.stopping:
                plan = next(self.plans)
                ok = await drive(connection, resident_visit(plan, clerk), self.recorder, self.think,
                                 lambda: self.stopping)
                if self.stopping:
                    break
                self.recorder.visits += 1
                self.visits_done += 1
                if not ok:
                    self.recorder.visits_failed += 1
                    await asyncio.sleep(0.5)  # not a tight loop of failures
        finally:
            await connection.close()

    async def stop(self) -> None:
        self.stopping = True
        _done, pending = await asyncio.wait(self.tasks, timeout=TIMEOUT + 5) if self.tasks else (set(), set())
        for task in pending:
            task.cancel()
        await asyncio.gather(*self.tasks, return_exceptions=True)


async def closed_loop(host: str, port: int, plans: Iterator[Plan], clerks: list[Jar], connections: int,
                      warmup: float, seconds: float, server_pids: Callable[[], list[int]]) -> Window:
    """`connections` browsers doing visit after visit with no pause; measured after `warmup`."""
    recorder = Recorder()
    meter = Meter(server_pids)
    meter.start()
    browsers = Browsers(host, port, plans, clerks, recorder)
    browsers.add(connections)
    await asyncio.sleep(warmup)
    start, visits = meter.mark(), browsers.visits_done
    await asyncio.sleep(seconds)
    window = meter.window(recorder, start, connections, browsers.visits_done - visits)
    await browsers.stop()
    await meter.stop()
    return window


async def hello_loop(host: str, port: int, connections: int, warmup: float, seconds: float,
                     server_pids: Callable[[], list[int]]) -> Window:
    """The same client on the hello (`GET /` over and over): how fast this client itself can go."""
    recorder = Recorder()
    meter = Meter(server_pids)
    meter.start()
    stopping = False

    async def one() -> None:
        connection = Connection(host, port)
        while not stopping:
            started = time.perf_counter()
            try:
                reply = await connection.request("GET", "/", "", None)
                ok = reply.status == 200
            except (HttpError, OSError):
                ok = False
                await connection.close()
            recorder.samples.append(Sample(time.perf_counter(), time.perf_counter() - started, "hello", ok))
        await connection.close()

    tasks = [asyncio.get_running_loop().create_task(one()) for _ in range(connections)]
    await asyncio.sleep(warmup)
    start = meter.mark()
    await asyncio.sleep(seconds)
    window = meter.window(recorder, start, connections)
    stopping = True
    await asyncio.gather(*tasks, return_exceptions=True)
    await meter.stop()
    return window


@dataclass
class RampStep:
    residents: int
    window: Window
    passed: bool
    busy_before: float = 0.0  # cores other work took in a first window that missed (then measured again)


def others(window: Window) -> float:
    """Cores the machine's other work took during a window (neither the server nor this client)."""
    return max(0.0, window.machine_cpu - window.server_cpu - window.client_cpu)


BUSY = 0.5  # a step that misses while other work takes more cores than this is measured once more


async def ramp(host: str, port: int, plans: Iterator[Plan], clerks: list[Jar], steps: list[int], think: float,
               step_seconds: float, settle: float, p95_limit: float, server_pids: Callable[[], list[int]],
               report: Callable[[RampStep], None]) -> list[RampStep]:
    """Residents with a think time, added step by step (those of earlier steps carry on); each step is measured
    over its last `step_seconds - settle` seconds. Stops after the first step over the limit."""
    recorder = Recorder()
    meter = Meter(server_pids)
    meter.start()
    browsers = Browsers(host, port, plans, clerks, recorder, think)
    results: list[RampStep] = []
    try:
        for residents in steps:
            browsers.add(residents - len(browsers.tasks), stagger=think)
            await asyncio.sleep(settle)
            busy_before = 0.0
            for attempt in (1, 2):
                start, visits = meter.mark(), browsers.visits_done
                await asyncio.sleep(step_seconds - settle)
                window = meter.window(recorder, start, residents, browsers.visits_done - visits)
                failed_share = window.failed / window.requests if window.requests else 1.0
                step = RampStep(residents, window, window.p95 <= p95_limit and failed_share <= 0.001, busy_before)
                if step.passed or attempt == 2 or others(window) <= BUSY:
                    break
                busy_before = others(window)
                print(f"    {residents} residents: p95 {window.p95:.0f} ms while other work took "
                      f"{busy_before:.2f} cores: measured once more", flush=True)
            results.append(step)
            report(step)
            recorder.samples = [s for s in recorder.samples if s.done >= start[0]]
            if not step.passed:
                break
    finally:
        await browsers.stop()
        await meter.stop()
    return results


# ---------------------------------------------------------------- wrk (the hello)

UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


@dataclass
class WrkResult:
    requests_per_second: float
    latency_ms: dict[str, float]  # "50%", "75%", "90%", "95%", "99%"
    requests: int
    errors: dict[str, int]
    client_cpu: float  # share of one core used by wrk
    server_cpu: float  # cores used by the server
    machine_cpu: float  # cores busy on the whole machine

    @property
    def p50(self) -> float:
        return self.latency_ms["50%"]

    @property
    def p95(self) -> float:
        return self.latency_ms["95%"]

    @property
    def p99(self) -> float:
        return self.latency_ms["99%"]


def _ms(text: str) -> float:
    match = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text)
    if not match:
        raise ValueError(f"unreadable wrk latency: {text!r}")
    return float(match.group(1)) * UNITS[match.group(2)]


# wrk's --latency prints 50/75/90/99 only: the script prints the p95 from the same histogram.
WRK_P95 = """done = function(summary, latency, requests)
  io.write(string.format("p95 %d\\n", latency:percentile(95)))
end
"""


def run_wrk(url: str, seconds: int, connections: int, threads: int, script: Path,
            server_pids: Callable[[], list[int]]) -> WrkResult:
    """One wrk run, bounded by its own duration plus a margin; its CPU from the children's rusage."""
    command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s", "--latency",
               "-s", str(script), url]
    before_children = os.times()
    server_before, machine_before, started = process_cpu(server_pids()), machine_cpu(), time.perf_counter()
    finished = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 60, check=False)
    wall = time.perf_counter() - started
    after_children = os.times()
    server = (process_cpu(server_pids()) - server_before) / wall
    machine = (machine_cpu() - machine_before) / wall
    if finished.returncode != 0:
        raise RuntimeError(f"wrk failed ({finished.returncode}): {finished.stderr or finished.stdout}")
    output = finished.stdout
    rate = re.search(r"Requests/sec:\s+([\d.]+)", output)
    total = re.search(r"(\d+) requests in", output)
    p95 = re.search(r"^p95 (\d+)$", output, re.M)
    if not rate or not total or not p95:
        raise ValueError(f"unreadable wrk output:\n{output}")
    latency = {f"{m.group(1)}%": _ms(m.group(2)) for m in re.finditer(r"^\s+(50|75|90|99)%\s+(\S+)", output, re.M)}
    latency["95%"] = int(p95.group(1)) / 1000  # microseconds
    errors: dict[str, int] = {}
    sockets = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    if sockets:
        for name, value in zip(("connect", "read", "write", "timeout"), sockets.groups(), strict=True):
            if int(value):
                errors[name] = int(value)
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    if bad:
        errors["non-2xx/3xx"] = int(bad.group(1))
    cpu = ((after_children.children_user - before_children.children_user)
           + (after_children.children_system - before_children.children_system)) / wall
    return WrkResult(float(rate.group(1)), latency, int(total.group(1)), errors, cpu, server, machine)


def median_of(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")
