"""A small asyncio HTTP/1.1 load generator with keep-alive connections, aimed only at 127.0.0.1.
Each virtual user runs a scenario (a list of requests) in a loop, bounded in count and time; the
latency of a whole scenario and of each request is recorded."""

from __future__ import annotations

import asyncio
import contextlib
import json
import statistics
import time
from dataclasses import dataclass, field


@dataclass
class Result:
    operations: int = 0
    failures: int = 0
    requests: int = 0
    seconds: float = 0.0
    latencies_ms: list[float] = field(default_factory=list)  # per operation
    statuses: dict[int, int] = field(default_factory=dict)

    def percentile(self, q: float) -> float:
        if not self.latencies_ms:
            return 0.0
        ordered = sorted(self.latencies_ms)
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))]

    def summary(self) -> dict:
        return {
            "operations": self.operations,
            "failures": self.failures,
            "requests": self.requests,
            "seconds": round(self.seconds, 3),
            "ops_per_s": round(self.operations / self.seconds, 1) if self.seconds else 0.0,
            "requests_per_s": round(self.requests / self.seconds, 1) if self.seconds else 0.0,
            "p50_ms": round(self.percentile(0.50), 2),
            "p95_ms": round(self.percentile(0.95), 2),
            "p99_ms": round(self.percentile(0.99), 2),
            "mean_ms": round(statistics.fmean(self.latencies_ms), 2) if self.latencies_ms else 0.0,
            "statuses": self.statuses,
        }


class Connection:
    def __init__(self, port: int):
        self.port = port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def request(
        self, method: str, path: str, *, headers: dict[str, str], body: bytes = b""
    ) -> tuple[int, bytes]:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection("127.0.0.1", self.port)
        lines = [
            f"{method} {path} HTTP/1.1",
            "Host: 127.0.0.1",
            f"Content-Length: {len(body)}",
            *(f"{k}: {v}" for k, v in headers.items()),
            "",
            "",
        ]
        self.writer.write("\r\n".join(lines).encode() + body)
        await self.writer.drain()
        status_line = await self.reader.readline()
        if not status_line:
            await self.close()
            raise ConnectionError("connection closed")
        status = int(status_line.split()[1])
        length, chunked, close = 0, False, False
        while True:
            line = await self.reader.readline()
            if line in (b"\r\n", b""):
                break
            name, _, value = line.decode("latin-1").partition(":")
            name, value = name.strip().lower(), value.strip()
            if name == "content-length":
                length = int(value)
            elif name == "transfer-encoding" and "chunked" in value.lower():
                chunked = True
            elif name == "connection" and value.lower() == "close":
                close = True
        if chunked:
            payload = b""
            while True:
                size = int((await self.reader.readline()).strip(), 16)
                if size == 0:
                    await self.reader.readline()
                    break
                payload += await self.reader.readexactly(size)
                await self.reader.readline()
        else:
            payload = await self.reader.readexactly(length) if length else b""
        if close:
            await self.close()
        return status, payload

    async def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            with contextlib.suppress(ConnectionError, OSError):
                await self.writer.wait_closed()
        self.reader = self.writer = None


async def run_load(
    *, port: int, users: list, scenario, seconds: float, max_operations: int, rate_per_s: float | None = None
) -> Result:
    """``scenario(connection, user, state)`` is a coroutine performing one operation and returning the
    number of requests it made, raising on a failed one. With ``rate_per_s``, operations start on a
    fixed schedule (open model) instead of back to back."""
    result = Result()
    started = time.perf_counter()
    deadline = started + seconds
    counter = {"n": 0}
    interval = (len(users) / rate_per_s) if rate_per_s else 0.0

    async def virtual_user(index: int, user) -> None:
        connection = Connection(port)
        state: dict = {}
        next_start = time.perf_counter() + (index * interval / max(len(users), 1) if interval else 0.0)
        try:
            while time.perf_counter() < deadline and counter["n"] < max_operations:
                if interval:
                    delay = next_start - time.perf_counter()
                    if delay > 0:
                        await asyncio.sleep(delay)
                    next_start += interval
                counter["n"] += 1
                begin = time.perf_counter()
                try:
                    requests, status = await scenario(connection, user, state)
                    result.requests += requests
                    result.operations += 1
                    result.latencies_ms.append((time.perf_counter() - begin) * 1000)
                    result.statuses[status] = result.statuses.get(status, 0) + 1
                except (AssertionError, ConnectionError, OSError, ValueError) as exc:
                    result.failures += 1
                    status = getattr(exc, "status", 0)
                    result.statuses[status] = result.statuses.get(status, 0) + 1
                    await connection.close()
        finally:
            await connection.close()

    await asyncio.gather(*(virtual_user(i, u) for i, u in enumerate(users)))
    result.seconds = time.perf_counter() - started
    return result


class Failed(AssertionError):
    def __init__(self, status: int, body: bytes):
        super().__init__(f"HTTP {status}: {body[:200]!r}")
        self.status = status


def expect(status: int, body: bytes, *wanted: int) -> dict:
    if status not in wanted:
        raise Failed(status, body)
    return json.loads(body) if body else {}
