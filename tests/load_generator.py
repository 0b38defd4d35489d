"""The benchmarks' load generator: form posts encoded before the clock starts, sent over
many keep-alive connections from one thread; latency percentiles; and where the machine's
CPU went meanwhile (server, PostgreSQL, the generator itself), for a server that shares its
two cores with the generator.

The generator is deliberately lean: every CPU millisecond it spends is taken from the
server it measures. A thread per connection with ``http.client`` cost about 0.5 ms of CPU
per request here; a selector over raw sockets, with the requests already encoded, costs a
fraction of that (the report prints the generator's share).
"""

from __future__ import annotations

import os
import resource
import selectors
import socket
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def form_post(path: str, fields: Sequence[tuple[str, object]], cookie: str | None = None) -> bytes:
    """A complete HTTP/1.1 form POST, ready to send."""
    body = urlencode(fields).encode()
    head = [f"POST {path} HTTP/1.1", "Host: 127.0.0.1",
            "Content-Type: application/x-www-form-urlencoded", f"Content-Length: {len(body)}"]
    if cookie:
        head.append(f"Cookie: session={cookie}")
    return ("\r\n".join(head) + "\r\n\r\n").encode() + body


@dataclass(frozen=True)
class Reply:
    status: int
    location: str
    seconds: float


class _Connection:
    def __init__(self) -> None:
        self.sock: socket.socket | None = None
        self.index: int | None = None
        self.started = 0.0
        self.buffer = b""


def _parse(buffer: bytes) -> tuple[int, str, bool] | None:
    """(status, Location, server closes) once the whole response is in ``buffer``."""
    end = buffer.find(b"\r\n\r\n")
    if end < 0:
        return None
    lines = buffer[:end].decode("latin-1").split("\r\n")
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    if len(buffer) < end + 4 + int(headers.get("content-length", "0")):
        return None
    closes = headers.get("connection", "").lower() == "close"
    return int(lines[0].split()[1]), headers.get("location", ""), closes


def fire(port: int, requests: Sequence[bytes], connections: int,
         timeout: float = 30.0) -> list[Reply | None]:
    """Send every request once, at most ``connections`` at a time, each connection sending
    its next request as soon as the previous reply is complete. None marks a request that
    got no complete reply (the connection failed or the timeout passed)."""
    replies: list[Reply | None] = [None] * len(requests)
    queue = iter(range(len(requests)))
    selector = selectors.DefaultSelector()

    def send_next(connection: _Connection) -> None:
        index = next(queue, None)
        if index is None:
            if connection.sock is not None:
                selector.unregister(connection.sock)
                connection.sock.close()
                connection.sock = None
            return
        if connection.sock is None:
            connection.sock = socket.create_connection(("127.0.0.1", port))
            connection.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            selector.register(connection.sock, selectors.EVENT_READ, connection)
        connection.index, connection.buffer = index, b""
        connection.started = time.perf_counter()
        try:
            connection.sock.sendall(requests[index])
        except OSError:
            drop(connection)

    def drop(connection: _Connection) -> None:
        """The connection failed: its request stays unanswered; carry on with a new one."""
        if connection.sock is not None:
            selector.unregister(connection.sock)
            connection.sock.close()
            connection.sock = None
        send_next(connection)

    for _ in range(min(connections, len(requests))):
        send_next(_Connection())
    while selector.get_map():
        events = selector.select(timeout)
        if not events:
            break  # nothing answered for ``timeout`` seconds: the rest stay None
        for key, _mask in events:
            connection: _Connection = key.data
            try:
                chunk = connection.sock.recv(65536)
            except OSError:
                chunk = b""
            if not chunk:
                drop(connection)
                continue
            connection.buffer += chunk
            parsed = _parse(connection.buffer)
            if parsed is None:
                continue
            status, location, closes = parsed
            replies[connection.index] = Reply(status, location,
                                              time.perf_counter() - connection.started)
            if closes:
                selector.unregister(connection.sock)
                connection.sock.close()
                connection.sock = None
            send_next(connection)
    for key in list(selector.get_map().values()):
        key.fileobj.close()
    selector.close()
    return replies


class Load:
    """One timed burst of requests, and where the machine's CPU went during it: the share
    of the two cores this generator used (it shares them with the server and the
    database), the server's and PostgreSQL's, and the whole machine's busy share."""

    def __init__(self, connections: int) -> None:
        self.connections = connections
        self.seconds = 0.0
        self.client_cores = 0.0
        self.machine_busy = 0.0
        self.loadavg = ""
        self.server_cores = 0.0
        self.postgres_cores = 0.0

    def fire(self, port: int, requests: Sequence[bytes], server_group: int) -> list[Reply | None]:
        processes = process_seconds(server_group)
        cpu = resource.getrusage(resource.RUSAGE_SELF)
        busy, total = machine_ticks()
        started = time.perf_counter()
        replies = fire(port, requests, self.connections)
        self.seconds = seconds = time.perf_counter() - started
        after = resource.getrusage(resource.RUSAGE_SELF)
        used = (after.ru_utime - cpu.ru_utime) + (after.ru_stime - cpu.ru_stime)
        busy_after, total_after = machine_ticks()
        self.client_cores = used / seconds
        self.machine_busy = (busy_after - busy) / max(total_after - total, 1)
        self.loadavg = Path("/proc/loadavg").read_text().split()[0]
        processes_after = process_seconds(server_group)
        self.server_cores = (processes_after["server"] - processes["server"]) / seconds
        self.postgres_cores = (processes_after["postgres"] - processes["postgres"]) / seconds
        return replies


def process_seconds(server_group: int) -> dict[str, float]:
    """CPU seconds used so far by the server's processes (its process group) and by
    PostgreSQL's."""
    tick = os.sysconf("SC_CLK_TCK")
    used = {"server": 0.0, "postgres": 0.0}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        name = stat[stat.index("(") + 1:stat.rindex(")")]
        fields = stat[stat.rindex(")") + 2:].split()
        seconds = (int(fields[11]) + int(fields[12])) / tick
        if int(fields[2]) == server_group:
            used["server"] += seconds
        elif name == "postgres":
            used["postgres"] += seconds
    return used


def machine_ticks() -> tuple[int, int]:
    """Busy and total CPU ticks of the whole machine (all cores), from /proc/stat."""
    fields = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = fields[3] + fields[4]  # idle + iowait
    return sum(fields) - idle, sum(fields)
