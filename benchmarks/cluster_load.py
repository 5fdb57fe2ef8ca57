"""The load test through a real cluster (benchmarks/cluster.py), with an app server and a job
worker killed on the way and a 50,000-row import running on the workers meanwhile.

    .venv/bin/python -m benchmarks.load_test --cluster                      # 400 agents, 5 min
    .venv/bin/python -m benchmarks.load_test --cluster --seconds 20 --agents 20   # a smoke run

Every simulated agent is a phone in the field: a batch of 10 operations (five registrations,
each with its first payment) every ~30 s through nginx, sent again with a growing pause while
unanswered, and now and then sent twice on purpose. Meanwhile:
- a 50,000-row participant list (imports_bench's generator) is uploaded straight to app server 1;
  with Redis it is queued for the Celery workers (202);
- app server 1 is SIGKILLed (master and workers at once) and started again;
- the Celery worker running the import is SIGKILLed and started again; the job must be carried
  on by a worker from its last committed chunk.
At the end, read from PostgreSQL itself: every operation a client believes applied is stored
once and nothing else is (load_test.verify), and the import's 50,000 participants are stored,
once each. Prints requests/s, sync p50/p95, 5xx answers, the exactly-once check and the import.
"""

from __future__ import annotations

import os
import shutil
import statistics
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests
from sqlalchemy import create_engine, text

from benchmarks import load_test as lt
from benchmarks.cluster import Cluster, Ports, stop_on_signals
from perisai.config import normalise_database_url
from perisai.imports.models import FINISHED, RUNNING

P95_TARGET = 1.0  # seconds, for a 10-operation sync at the offered load


class Clock:
    """Seconds since the run started, for the event log."""

    def __init__(self):
        self.started = time.perf_counter()

    def now(self) -> float:
        return time.perf_counter() - self.started

    def say(self, message: str) -> None:
        print(f"[{self.now():6.1f} s] {message}", flush=True)


class ImportRun:
    """The 50,000-row list: written, uploaded to one app server, then watched in the database."""

    def __init__(self, cluster: Cluster, rows: int, stats: lt.Stats):
        self.cluster, self.rows, self.stats = cluster, rows, stats
        self.engine = create_engine(normalise_database_url(cluster.direct_url))
        self.job_id: str | None = None
        self.answer: int | None = None
        self.submitted_at = 0.0
        self.finished_at: float | None = None

    def prepare(self) -> None:
        """Write the list before the clock starts (50,000 rows take seconds of this process's
        CPU, which the simulated agents share)."""
        from benchmarks.imports_bench import write_csv

        folder = Path(tempfile.mkdtemp(prefix="cluster-import-", dir=self.cluster.workdir))
        self.path = folder / "peserta.csv"
        write_csv(str(self.path), self.rows)

    def submit(self, clock: Clock) -> None:
        """Log in as the branch supervisor on app server 1 and upload the list there."""
        path = self.path
        server = self.cluster.app_url(0)
        http = requests.Session()
        login = http.post(
            f"{server}/api/v1/auth/login",
            json={"username": "supervisor", "password": lt.PASSWORD},
            timeout=60,
        )
        login.raise_for_status()
        with open(path, "rb") as handle:
            response = http.post(
                f"{server}/api/v1/imports/workers",
                headers={"X-CSRF-Token": login.json()["csrf_token"]},
                files={"file": ("peserta.csv", handle, "text/csv")},
                data={"mode": "valid_only", "agent_code": lt.IMPORT_AGENT},
                timeout=300,
            )
        self.stats.answered("import", response.status_code)
        response.raise_for_status()
        self.job_id, self.answer = response.json()["id"], response.status_code
        self.submitted_at = clock.now()
        self.watch(clock)
        size = path.stat().st_size / 2**20
        clock.say(
            f"import of {self.rows:,} rows ({size:.1f} MB) uploaded to app1: "
            f"{response.status_code} {response.json()['state']}"
        )

    def job(self) -> dict:
        with self.engine.connect() as conn:
            row = conn.execute(
                text(
                    "SELECT state, processed_rows, imported_rows, invalid_rows, error, "
                    "runner_pid FROM import_jobs WHERE id = :id"
                ),
                {"id": self.job_id},
            ).one()
        return dict(row._mapping)

    def wait_running(self, rows: int, seconds: float) -> dict:
        """The job once a runner holds it and has done `rows` rows, or has finished, or as it
        stands after `seconds`."""
        deadline = time.monotonic() + seconds
        while True:
            job = self.job()
            done = job["runner_pid"] and job["processed_rows"] >= rows
            if done or job["state"] in FINISHED or time.monotonic() > deadline:
                return job
            time.sleep(1)

    def watch(self, clock: Clock) -> None:
        """In the background: note when the job finishes (polled every 2 s)."""

        def poll():
            while self.finished_at is None:
                try:
                    if self.job()["state"] in FINISHED:
                        self.finished_at = clock.now()
                        clock.say(f"import finished: {self.job()['state']}")
                except Exception:  # noqa: BLE001 - a poll that failed is tried again
                    time.sleep(1)
                time.sleep(2)

        threading.Thread(target=poll, daemon=True).start()

    def wait_finished(self, seconds: float) -> dict:
        deadline = time.monotonic() + seconds
        while (job := self.job())["state"] not in FINISHED and time.monotonic() < deadline:
            time.sleep(2)
        time.sleep(2.5)  # the watcher's last poll
        return job

    def check(self) -> dict:
        """The import's participants, read from the database: stored, and once each."""
        with self.engine.connect() as conn:
            imported = conn.scalar(
                text(
                    "SELECT count(DISTINCT worker_id) FROM import_rows "
                    "WHERE job_id = :id AND worker_id IS NOT NULL"
                ),
                {"id": self.job_id},
            )
            row_reports = conn.scalar(
                text("SELECT count(*) FROM import_rows WHERE job_id = :id"), {"id": self.job_id}
            )
            managed = conn.scalar(
                text(
                    "SELECT count(*) FROM workers w JOIN agents a ON a.id = w.managed_by_id "
                    "WHERE a.agent_code = :code"
                ),
                {"code": lt.IMPORT_AGENT},
            )
        return {
            "participants of the import": imported,
            "row reports": row_reports,
            "managed": managed,
        }

    def worker_ids(self) -> set[str]:
        with self.engine.connect() as conn:
            return {
                str(w)
                for w in conn.scalars(
                    text(
                        "SELECT worker_id FROM import_rows "
                        "WHERE job_id = :id AND worker_id IS NOT NULL"
                    ),
                    {"id": self.job_id},
                )
            }


class Faults:
    """Kill and restart an app server and a job worker, noting when."""

    def __init__(self, cluster: Cluster, clock: Clock):
        self.cluster, self.clock = cluster, clock
        self.events: list[str] = []
        self.windows: list[tuple[float, float]] = []  # from a kill until it answers again

    def note(self, message: str) -> None:
        self.events.append(f"t={self.clock.now():.0f} s {message}")
        self.clock.say(message)

    def app_server(self, index: int, down_for: float) -> None:
        name = f"app{index + 1}"
        killed = self.clock.now()
        self.note(f"SIGKILL {name} (gunicorn master and workers)")
        self.cluster.kill(name)
        time.sleep(down_for)
        started = time.monotonic()
        self.cluster.start_app(index)
        self.note(f"{name} started again, ready after {time.monotonic() - started:.1f} s")
        self.windows.append((killed, self.clock.now()))

    def job_worker(self, index: int, down_for: float, why: str) -> None:
        name = self.cluster.worker_name(index)
        killed = self.clock.now()
        self.note(f"SIGKILL {name} ({why})")
        self.cluster.kill(name)
        time.sleep(down_for)
        self.cluster.start_worker(index)
        self.note(f"{name} started again and ready")
        self.windows.append((killed, self.clock.now()))

    def worker_running(self, pid: int | None) -> int:
        """Which worker's process group holds the import's runner (its pool process)."""
        if pid:
            for index in range(self.cluster.job_workers):
                process = self.cluster.processes.get(self.cluster.worker_name(index))
                try:
                    if process is not None and os.getpgid(pid) == process.pid:
                        return index
                except ProcessLookupError:
                    break
        return 0


class MachineLoad(threading.Thread):
    """The 1-minute load average every 10 s: the machine is shared (other test suites may run
    beside the cluster), so the figures say how busy it was."""

    def __init__(self, stop: threading.Event):
        super().__init__(daemon=True)
        self.stop, self.samples = stop, []

    def run(self) -> None:
        while not self.stop.wait(10):
            self.samples.append(os.getloadavg()[0])

    def describe(self) -> str:
        if not self.samples:
            return "not sampled"
        mean = sum(self.samples) / len(self.samples)
        return (
            f"mean {mean:.1f}, max {max(self.samples):.1f} on {os.cpu_count()} CPUs "
            "(everything on this machine, the cluster and the simulated phones included)"
        )


def log_in(agents: list[lt.Agent], clock: Clock) -> None:
    """Every agent logged in before the clock starts: a phone stays logged in for 12 hours, so
    400 argon2 checks at once are not the steady state this test measures."""
    with ThreadPoolExecutor(8) as pool:
        list(pool.map(lambda agent: agent.login(), agents))
    clock.say(f"{len(agents)} agents logged in")


def run(args) -> int:
    """The whole cluster scenario; returns the exit status (0: exactly once and import done)."""
    stop_on_signals()
    cluster = Cluster(ports=Ports(args.port_base))
    clock = Clock()
    with cluster:
        clock.say("cluster up:\n" + cluster.describe())
        lt.prepare_database(
            cluster.direct_url, args.agents, migrate=False, villages=200 if args.import_rows else 1
        )
        base = cluster.base_url
        price = lt.first_month_price(base)
        stats, stop = lt.Stats(), threading.Event()
        agents = [
            lt.Agent(
                i, base, stats, stop, price, args.cut_rate, batch=args.batch, interval=args.interval
            )
            for i in range(args.agents)
        ]
        log_in(agents, clock)
        people = agents + [
            lt.Supervisor(base, stats, stop, pause=30.0) for _ in range(args.supervisors)
        ]
        importer = ImportRun(cluster, args.import_rows, stats) if args.import_rows else None
        if importer:
            importer.prepare()
        faults = Faults(cluster, clock)
        clock = Clock()  # the measured run starts now
        faults.clock = clock
        load = MachineLoad(stop)
        load.start()
        for person in people:
            person.start()
        scenario(args, cluster, clock, faults, importer)
        stop.set()
        clock.say("time is up: agents send what is left in their outboxes")
        for person in people:
            person.join(timeout=150)
        elapsed = clock.now()
        job = importer.wait_finished(args.import_wait) if importer else None
        clock.say("checking the database")
        result = lt.verify(
            cluster.direct_url, stats, imported=importer.worker_ids() if importer else set()
        )
        imported = importer.check() if importer else None
    phases = latency_phases(stats, clock, faults, importer)
    print(f"\nload average during the run: {load.describe()}")
    status = report(args, stats, elapsed, faults, result, importer, job, imported, phases)
    if status == 0:
        shutil.rmtree(cluster.workdir, ignore_errors=True)
    else:
        print(f"logs kept in {cluster.workdir}")
    return status


def latency_phases(stats: lt.Stats, clock: Clock, faults: Faults, importer) -> dict:
    """Sync p95 by what the cluster was doing when the request was sent: a part down or
    starting again, the import running, or neither."""
    running = (importer.submitted_at, importer.finished_at or float("inf")) if importer else (0, 0)
    phases: dict[str, list[float]] = {"fault": [], "import": [], "quiet": []}
    for sent, latency in zip(stats.sent_at, stats.latencies, strict=True):
        t = sent - clock.started
        if any(start <= t <= end for start, end in faults.windows):
            phases["fault"].append(latency)
        elif running[0] <= t <= running[1]:
            phases["import"].append(latency)
        else:
            phases["quiet"].append(latency)
    return {name: sorted(values) for name, values in phases.items() if values}


def scenario(args, cluster: Cluster, clock: Clock, faults: Faults, importer: ImportRun | None):
    """The timeline: the import uploaded at 5 % of the time; the worker running it killed once
    it has done a tenth of the rows (by 35 % at the latest); app server 1, which took the
    upload, killed at 40 %; each back after a pause; then the rest of the time."""
    seconds = args.seconds
    down_for = min(10.0, max(2.0, seconds * 0.05))

    def until(fraction: float) -> None:
        time.sleep(max(0.0, seconds * fraction - clock.now()))

    until(0.05)
    if importer:
        importer.submit(clock)
    if not args.kill:
        until(1.0)
        return
    if cluster.has_jobs:
        why, index = "no import running", 0
        if importer:
            limit = max(0.0, seconds * 0.35 - clock.now())
            job = importer.wait_running(importer.rows // 10, limit)
            index = faults.worker_running(job["runner_pid"])
            state = job["state"] if job["state"] in RUNNING else f"already {job['state']}"
            why = f"import {state}, {job['processed_rows']:,} rows done"
        faults.job_worker(index, down_for, why)
    until(0.40)
    faults.app_server(0, down_for)
    until(1.0)


def report(args, stats: lt.Stats, elapsed, faults, result, importer, job, imported, phases) -> int:
    latencies = sorted(stats.latencies) or [0.0]

    def pct(p: float) -> float:
        return latencies[min(len(latencies) - 1, int(p * len(latencies)))]

    p95 = pct(0.95)
    print()
    print(
        "cluster: nginx -> 2 app servers (gunicorn 2 workers x 4 threads each) -> PgBouncer "
        "(transaction) -> PostgreSQL; 2 Celery workers + beat on Redis; moto_server S3"
    )
    offered = args.agents / args.interval if args.interval else float("nan")
    print(
        f"load: {args.agents} agents, {args.batch}-operation sync every ~{args.interval:.0f} s "
        f"(offered {offered:.1f} syncs/s), {args.supervisors} supervisors, {elapsed:.0f} s "
        f"(with the outboxes' last sends)"
    )
    print("faults: " + ("; ".join(faults.events) or "none"))
    print(
        f"requests answered: {stats.requests:,} ({stats.requests / elapsed:.1f} req/s); "
        f"sync requests: {len(stats.latencies):,} ({len(stats.latencies) / elapsed:.1f}/s, "
        f"{stats.ops_sent / elapsed:.0f} ops/s)"
    )
    print(
        f"sync latency ({args.batch} ops): p50 {statistics.median(latencies) * 1000:.0f} ms, "
        f"p95 {p95 * 1000:.0f} ms, p99 {pct(0.99) * 1000:.0f} ms, max {latencies[-1] * 1000:.0f} ms"
    )
    names = {
        "fault": "a part down or starting again",
        "import": "the import running, nothing down",
        "quiet": "neither",
    }
    for name, values in phases.items():
        print(
            f"  sent while {names[name]}: {len(values):,} syncs, p50 "
            f"{statistics.median(values) * 1000:.0f} ms, "
            f"p95 {values[int(0.95 * (len(values) - 1))] * 1000:.0f} ms"
        )
    reads = sorted(stats.report_latencies) or [0.0]
    print(
        f"supervisor reads: {len(stats.report_latencies)}, p50 "
        f"{statistics.median(reads) * 1000:.0f} ms, max {reads[-1] * 1000:.0f} ms"
    )
    five = sum(stats.server_errors.values())
    print(f"5xx answers: {five} {dict(stats.server_errors) or ''}")
    print(f"no answer (client side): {dict(stats.errors) or 'none'}")
    print(f"rejected ops: {dict(stats.rejected) or 'none'}")
    print(
        f"retries answered 'duplicate': {stats.duplicates_seen}; deliberate double sends "
        f"answered: {dict(stats.resend_answers) or 'none'}"
    )
    for key, value in result.items():
        print(f"  {key}: {value}")
    once = lt.exactly_once(result)
    print("EXACTLY-ONCE: OK" if once else "EXACTLY-ONCE: FAILED")
    complete = True
    if importer:
        took = (importer.finished_at or 0) - importer.submitted_at
        complete = (
            job["state"] == "done"
            and job["imported_rows"] == importer.rows
            and imported["participants of the import"] == importer.rows
            and imported["managed"] == importer.rows
        )
        print(
            f"import: {importer.rows:,} rows via app1 (answered {importer.answer}): state "
            f"{job['state']}, imported {job['imported_rows']:,}, invalid {job['invalid_rows']:,}, "
            f"error {job['error']}; "
            + (
                f"{took:.0f} s from upload ({importer.rows / took:.0f} rows/s); "
                if importer.finished_at
                else ""
            )
            + ", ".join(f"{k} {v:,}" for k, v in imported.items())
        )
        print("IMPORT: COMPLETE" if complete else "IMPORT: NOT COMPLETE")
    print(f"p95 target ({P95_TARGET * 1000:.0f} ms): {'met' if p95 <= P95_TARGET else 'NOT met'}")
    return 0 if once and complete else 1
