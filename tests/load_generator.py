"""The benchmarks' load generator: keep-alive form posts from many threads, latency
percentiles, and where the machine's CPU went meanwhile (server, PostgreSQL, the generator
itself), for a server that shares its cores with the generator."""

from __future__ import annotations

import http.client
import os
import resource
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlencode


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


class Load:
    """Fire one cast per voter from ``clients`` threads; collect latencies and receipts.

    Also measures where the machine's CPU went during the timed phase: the share of the
    two cores this load generator itself used (it shares them with the server and the
    database), and the whole machine's busy share.
    """

    def __init__(self, clients: int) -> None:
        self.clients = clients
        self.latencies: list[float] = []
        self.acknowledged: set[int] = set()
        self.errors = 0
        self.lock = threading.Lock()
        self.client_cores = 0.0
        self.machine_busy = 0.0
        self.loadavg = ""
        self.server_cores = 0.0
        self.postgres_cores = 0.0

    def run(self, jobs, one, server_group: int) -> float:
        processes = process_seconds(server_group)
        cpu = resource.getrusage(resource.RUSAGE_SELF)
        busy, total = machine_ticks()
        started = time.perf_counter()
        with ThreadPoolExecutor(self.clients) as pool:
            list(pool.map(one, jobs))
        seconds = time.perf_counter() - started
        after = resource.getrusage(resource.RUSAGE_SELF)
        used = (after.ru_utime - cpu.ru_utime) + (after.ru_stime - cpu.ru_stime)
        busy_after, total_after = machine_ticks()
        self.client_cores = used / seconds
        self.machine_busy = (busy_after - busy) / max(total_after - total, 1)
        self.loadavg = Path("/proc/loadavg").read_text().split()[0]
        processes_after = process_seconds(server_group)
        self.server_cores = (processes_after["server"] - processes["server"]) / seconds
        self.postgres_cores = (processes_after["postgres"] - processes["postgres"]) / seconds
        return seconds


def process_seconds(server_group: int) -> dict[str, float]:
    """CPU seconds used so far by the server's processes (its process group), by
    PostgreSQL's, and by every other process of the machine (this one included)."""
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


def post(local: threading.local, port: int, path: str, fields: list[tuple[str, object]],
         cookie: str | None = None) -> tuple[int, str]:
    """POST a form on this thread's keep-alive connection; (status, Location).

    The timed phases use http.client rather than requests: the load generator shares the
    two cores with the server and the database, and requests costs several times the CPU
    per call. Both endpoints (portal and bare) are driven the same way.
    """
    connection = getattr(local, "connection", None)
    if connection is None:
        connection = local.connection = http.client.HTTPConnection("127.0.0.1", port,
                                                                   timeout=30)
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    if cookie:
        headers["Cookie"] = f"session={cookie}"
    try:
        connection.request("POST", path, body=urlencode(fields), headers=headers)
        response = connection.getresponse()
        response.read()
    except (OSError, http.client.HTTPException):
        connection.close()
        local.connection = None
        raise
    return response.status, response.getheader("Location", "")
