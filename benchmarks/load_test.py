"""Load and fault test: gunicorn (4 workers) on PostgreSQL, 200 simulated agents syncing
registrations and payments with retries and deliberate duplicate sends, supervisors reading
reports, for a fixed time. Optionally with faults: a gunicorn worker killed, PostgreSQL
restarted once, and responses cut after the server committed (the client retries).

At the end the database must hold exactly what the clients believe was applied: no loss, no
duplicate. Prints throughput, p50/p95 latency and error counts.

    .venv/bin/python -m benchmarks.load_test --seconds 300 [--faults]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit

import requests
from sqlalchemy import create_engine, func, select, text

from perisai import clock

ROOT = Path(__file__).resolve().parents[1]
PASSWORD = "load-test-password"  # noqa: S105 - a throwaway load-test login
VILLAGE = "33.25.01.2001"
LOG_DIR = ROOT / "benchmarks" / "out"
IMPORT_AGENT = "PRS-IMPORT"  # manages the participants of the load test's import


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# --- set-up -------------------------------------------------------------------------------


def prepare_database(url: str, agents: int, *, migrate: bool = True, villages: int = 1) -> None:
    """A fresh database (unless `migrate` is False: already made and migrated) with one
    branch, 20 Wadah, `agents` agents with logins (`agent0`…), a supervisor, an agent for
    imports (PRS-IMPORT) and `villages` villages 33.25.01.2001… (imports_bench's list uses
    200)."""
    from unittest import mock

    from flask_migrate import upgrade

    from benchmarks._setup import fresh_postgres
    from perisai import create_app
    from perisai.agents import operations as org
    from perisai.auth import operations as auth
    from perisai.extensions import db
    from perisai.regions.models import Region

    if migrate and url.startswith("postgresql"):
        fresh_postgres(url.rsplit("/", 1)[1])  # a SQLite file is created by the migration
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "load"})
    # One argon2 hash for every throwaway login: hashing 400 of them would take half a minute.
    hashed = auth.hash_password(PASSWORD)
    with app.app_context(), mock.patch.object(auth, "hash_password", lambda _: hashed):
        if migrate:
            upgrade()
        session = db.session
        parts = VILLAGE.split(".")
        for depth, level in enumerate(("province", "regency", "district"), start=1):
            code = ".".join(parts[:depth])
            session.add(
                Region(
                    code=code,
                    parent_code=".".join(parts[: depth - 1]) or None,
                    level=level,
                    name=code,
                )
            )
        # Joined this month: the hourly standing check (beat) suspends an agent after three
        # empty months, which would refuse the run's registrations half-way.
        joined = clock.today().replace(day=1)
        district = ".".join(parts[:3])
        for v in range(villages):
            code = f"{district}.{2001 + v}"
            session.add(Region(code=code, parent_code=district, level="village", name=code))
        branch = org.create_branch(session, code="KC-LOAD", name="KC Load", region_code="33.25")
        wadahs = [
            org.create_wadah(
                session,
                branch=branch,
                name=f"Wadah {w}",
                pks_number=f"L/{w}",
                pks_start=date(2026, 1, 1),
                pks_end=date(2026, 12, 31),
                bank_name="BRI",
                bank_account=str(w),
            )
            for w in range(20)
        ]
        for a in range(agents):
            agent = org.create_agent(
                session,
                wadah=wadahs[a % 20],
                agent_code=f"PRS-L{a:04d}",
                full_name=f"Agen {a}",
                nik=f"33250101019{a:05d}",
                phone=f"+62812{a:08d}",
                joined_on=joined,
            )
            auth.create_user(
                session, username=f"agent{a}", password=PASSWORD, role="agent", agent=agent
            )
        auth.create_user(
            session, username="supervisor", password=PASSWORD, role="supervisor", branch=branch
        )
        org.create_agent(
            session,
            wadah=wadahs[0],
            agent_code=IMPORT_AGENT,
            full_name="Agen Impor",
            nik="3325010101890001",
            phone="+6281299999999",
            joined_on=joined,
        )
        session.commit()
        db.engine.dispose()


def start_gunicorn(
    url: str, port: int, log_name: str, *, log_dir: Path = LOG_DIR, env: dict | None = None
) -> subprocess.Popen:
    """gunicorn, 4 workers x 4 threads, in its own process group; `env` adds or overrides."""
    log_dir.mkdir(exist_ok=True)
    env = {
        **os.environ,
        "PERISAI_DATABASE_URL": url,
        "PERISAI_SECRET_KEY": "load-test-secret",
        "PERISAI_ENV": "production",
        "PERISAI_BASE_URL": f"http://127.0.0.1:{port}",
        "PERISAI_INSECURE_COOKIES": "1",
        **(env or {}),
    }
    with open(log_dir / log_name, "w") as log:  # the child writes to its own copy
        return subprocess.Popen(
            [
                str(ROOT / ".venv/bin/gunicorn"),
                "-w",
                "4",
                "--threads",
                "4",
                "-b",
                f"127.0.0.1:{port}",
                "--timeout",
                "60",
                "--graceful-timeout",
                "5",
                "wsgi:app",
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=log,
            start_new_session=True,
        )


def wait_healthy(base: str, seconds: float = 60) -> None:
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            if requests.get(f"{base}/healthz", timeout=2).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.3)
    raise RuntimeError("service did not become healthy")


def first_month_price(base: str) -> int:
    """What one month costs a new participant of `Agent.new_operations` this month."""
    params = {
        "income_level": 1_000_000,
        "programs": "JKK,JKM",
        "sector": "other",
        "funding": "self",
        "start_month": clock.today().strftime("%Y-%m"),
        "months": 1,
    }
    return requests.get(f"{base}/api/v1/reference/quote", timeout=10, params=params).json()["total"]


# --- the simulated people -------------------------------------------------------------------


class Stats:
    def __init__(self):
        self.lock = threading.Lock()
        self.latencies: list[float] = []
        self.sent_at: list[float] = []  # perf_counter() when each of `latencies` was sent
        self.errors: Counter = Counter()
        self.ops_sent = 0
        self.applied: dict[str, dict] = {}  # op_id -> {"type", "entity_id"} the client believes
        self.duplicates_seen = 0
        self.rejected: Counter = Counter()
        self.resend_answers: Counter = Counter()
        self.report_latencies: list[float] = []
        self.requests = 0  # every HTTP request answered, of any kind
        self.server_errors: Counter = Counter()  # 5xx answers, by kind and status

    def answered(self, kind: str, status: int) -> None:
        """Count one answered request (under the lock)."""
        with self.lock:
            self.requests += 1
            if status >= 500:
                self.server_errors[f"{kind} {status}"] += 1


class Agent(threading.Thread):
    def __init__(
        self,
        index: int,
        base: str,
        stats: Stats,
        stop: threading.Event,
        price: int,
        cut_rate: float,
        *,
        batch: int = 2,
        interval: float = 0.0,
    ):
        """`batch` operations a sync (a registration and its payment per visit); `interval`
        seconds between an agent's syncs (0: one after another, as fast as answered)."""
        super().__init__(daemon=True)
        self.index, self.base, self.stats, self.stop = index, base, stats, stop
        self.price, self.cut_rate = price, cut_rate
        self.visits, self.interval = max(1, batch // 2), interval
        self.http = requests.Session()
        self.csrf = ""
        self.outbox: list[dict] = []
        self.serial = 0

    def login(self) -> None:
        while not self.stop.is_set():
            try:
                response = self.http.post(
                    f"{self.base}/api/v1/auth/login",
                    timeout=30,
                    json={"username": f"agent{self.index}", "password": PASSWORD},
                )
                self.stats.answered("login", response.status_code)
                if response.status_code == 200:
                    self.csrf = response.json()["csrf_token"]
                    return
            except requests.RequestException:
                pass
            time.sleep(1)

    def new_operations(self) -> list[dict]:
        """A visit: register a worker and take the first payment, like the PWA's outbox."""
        self.serial += 1
        worker_id = str(uuid.uuid4())
        born = date.fromordinal(date(1960, 1, 1).toordinal() + self.serial * 7 % 15000)
        nik = f"332501{born.day:02d}{born.month:02d}{born.year % 100:02d}{self.index + 1:04d}"
        register = {
            "id": worker_id,
            "nik": nik,
            "full_name": f"Peserta {self.index}-{self.serial}",
            "birth_date": born.isoformat(),
            "gender": "M",
            "phone": f"08{self.index:04d}{self.serial:06d}",
            "occupation": "nelayan",
            "income_level": 1_000_000,
            "programs": ["JKK", "JKM"],
            "village_code": VILLAGE,
            "address": "Jl. Uji Beban",
            "consent": {"given": True, "notice_version": "2026-01"},
            "beneficiary": {"full_name": "Ahli Waris", "relationship": "istri"},
        }
        payment = {
            "id": str(uuid.uuid4()),
            "worker_id": worker_id,
            "months": 1,
            "amount": self.price,
            "paid_on": clock.today().isoformat(),
            "channel": "cash",
        }
        return [
            {"op_id": str(uuid.uuid4()), "type": "worker.register", "payload": register},
            {"op_id": str(uuid.uuid4()), "type": "payment.record", "payload": payment},
        ]

    def send(self, operations: list[dict], cut: bool = True) -> list[dict] | None:
        body = json.dumps({"operations": operations})
        headers = {"Content-Type": "application/json", "X-CSRF-Token": self.csrf}
        if cut and random.random() < self.cut_rate:
            self.cut_after_commit(body, headers)
            return None
        started = time.perf_counter()
        try:
            response = self.http.post(
                f"{self.base}/api/v1/sync", data=body, headers=headers, timeout=60
            )
        except requests.RequestException as error:
            with self.stats.lock:
                self.stats.errors[type(error).__name__] += 1
            return None
        self.stats.answered("sync", response.status_code)
        with self.stats.lock:
            self.stats.latencies.append(time.perf_counter() - started)
            self.stats.sent_at.append(started)
        if response.status_code == 401:
            self.login()
            return None
        if response.status_code != 200:
            with self.stats.lock:
                self.stats.errors[f"http {response.status_code}"] += 1
            return None
        return response.json()["results"]

    def cut_after_commit(self, body: str, headers: dict) -> None:
        """Send the request, give the server time to commit, then drop the connection unread."""
        parts = urlsplit(self.base)
        cookie = "; ".join(f"{c.name}={c.value}" for c in self.http.cookies)
        request = (
            f"POST /api/v1/sync HTTP/1.1\r\nHost: {parts.netloc}\r\n"
            f"Content-Type: application/json\r\nX-CSRF-Token: {headers['X-CSRF-Token']}\r\n"
            f"Cookie: {cookie}\r\nContent-Length: {len(body.encode())}\r\n"
            "Connection: close\r\n\r\n" + body
        )
        try:
            with socket.create_connection((parts.hostname, parts.port), timeout=10) as sock:
                sock.sendall(request.encode())
                time.sleep(0.8)
        except OSError:
            pass
        with self.stats.lock:
            self.stats.errors["cut responses"] += 1

    def run(self) -> None:
        if not self.csrf:  # the cluster run logs everyone in beforehand
            self.login()
        if self.interval:
            self.paced()
        else:
            while not self.stop.is_set():
                self.visit()
        self.drain()

    def paced(self) -> None:
        """A phone in the field: a batch of `visits` registrations with their payments every
        `interval` seconds (the first at a random moment of the first interval), sent again
        after 1, 2, 4… s while unanswered, like the PWA's outbox."""
        next_round = time.monotonic() + random.uniform(0, self.interval)
        while not self.stop.wait(max(0.0, next_round - time.monotonic())):
            next_round += self.interval * random.uniform(0.8, 1.2)
            if not self.outbox:
                self.outbox = [op for _ in range(self.visits) for op in self.new_operations()]
            pause = 1.0
            while self.outbox and not self.stop.is_set():
                if self.visit(pause_after=False):
                    break
                self.stop.wait(pause * random.uniform(0.5, 1.5))
                pause = min(pause * 2, 8.0)

    def drain(self) -> None:
        """Like a phone after the test: keep sending what is unconfirmed until it is confirmed
        (the server may have applied it already; then the answer is `duplicate`)."""
        deadline = time.time() + 120
        while self.outbox and time.time() < deadline:
            results = self.send(list(self.outbox), cut=False)
            if results is None:
                time.sleep(1)
                continue
            self.record(list(self.outbox), results)

    def visit(self, pause_after: bool = True) -> bool:
        """One round: the outbox (or a new visit's operations) sent; confirmed ones leave.
        False when unanswered (the batch stays in the outbox)."""
        if not self.outbox:
            self.outbox = [op for _ in range(self.visits) for op in self.new_operations()]
        batch = list(self.outbox)
        results = self.send(batch)
        if results is None:
            if pause_after:
                time.sleep(random.uniform(0.2, 1.0))
            return False  # retried next round: the server must not apply them twice
        self.record(batch, results)
        if random.random() < 0.1:  # a deliberate double send (double tap, two tabs)
            again = self.send(batch)
            with self.stats.lock:
                for result in again or []:
                    self.stats.resend_answers[result["status"]] += 1
        if pause_after:
            time.sleep(random.uniform(0.05, 0.3))
        return True

    def record(self, batch: list[dict], results: list[dict]) -> None:
        done = set()
        with self.stats.lock:
            self.stats.ops_sent += len(batch)
            for op, result in zip(batch, results, strict=True):
                done.add(op["op_id"])  # applied, duplicate, or (final here) rejected
                if result["status"] in ("applied", "duplicate"):
                    entity = result["entity"]["id"]
                    self.stats.applied[op["op_id"]] = {"type": op["type"], "entity_id": entity}
                    self.stats.duplicates_seen += result["status"] == "duplicate"
                else:
                    self.stats.rejected[result.get("message") or result["http_status"]] += 1
        self.outbox = [op for op in self.outbox if op["op_id"] not in done]


class Supervisor(threading.Thread):
    def __init__(self, base: str, stats: Stats, stop: threading.Event, pause: float = 1.0):
        """Reads the agents report, a participant page and the statements, then `pause` s."""
        super().__init__(daemon=True)
        self.base, self.stats, self.stop, self.pause = base, stats, stop, pause

    def run(self) -> None:
        http = requests.Session()
        self.stop.wait(random.uniform(0, self.pause))  # supervisors do not all open at once
        while not self.stop.is_set():  # 200 agents log in at the start: this may queue
            try:
                response = http.post(
                    f"{self.base}/api/v1/auth/login",
                    timeout=30,
                    json={"username": "supervisor", "password": PASSWORD},
                )
                if response.status_code == 200:
                    break
            except requests.RequestException as error:
                with self.stats.lock:
                    self.stats.errors[f"supervisor login {type(error).__name__}"] += 1
            time.sleep(1)
        month = clock.today().strftime("%Y-%m")
        while not self.stop.is_set():
            for path in (
                f"/api/v1/reports/agents?month={month}",
                "/api/v1/workers?page_size=50",
                f"/api/v1/commissions/statements?month={month}",
            ):
                try:
                    started = time.perf_counter()
                    response = http.get(self.base + path, timeout=60)
                    self.stats.answered("report", response.status_code)
                    if response.status_code == 200:
                        with self.stats.lock:
                            self.stats.report_latencies.append(time.perf_counter() - started)
                    if response.status_code >= 500:
                        with self.stats.lock:
                            self.stats.errors[f"report http {response.status_code}"] += 1
                except requests.RequestException as error:
                    with self.stats.lock:
                        self.stats.errors[f"report {type(error).__name__}"] += 1
            self.stop.wait(self.pause)


# --- faults -------------------------------------------------------------------------------


def kill_one_worker(master: subprocess.Popen) -> None:
    children = subprocess.run(["pgrep", "-P", str(master.pid)], capture_output=True, text=True)
    pids = [int(p) for p in children.stdout.split()]
    if pids:
        os.kill(random.choice(pids), signal.SIGKILL)
        print(f"fault: killed gunicorn worker ({len(pids)} were running)", flush=True)


def restart_postgres() -> None:
    version = sorted(os.listdir("/etc/postgresql"))[-1]
    subprocess.run(
        ["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "restart"], check=True
    )
    print("fault: PostgreSQL restarted", flush=True)


# --- the check ------------------------------------------------------------------------------


def verify(url: str, stats: Stats, imported: set[str] = frozenset()) -> dict:
    """What the clients believe against what the database holds; `imported`: the ids of
    participants an import stored (the cluster run's), neither believed nor unknown."""
    from perisai.config import normalise_database_url
    from perisai.contributions.models import Payment
    from perisai.workers.models import Worker

    believed_workers = {
        v["entity_id"] for v in stats.applied.values() if v["type"] == "worker.register"
    }
    believed_payments = {
        v["entity_id"] for v in stats.applied.values() if v["type"] == "payment.record"
    }
    engine = create_engine(normalise_database_url(url))
    with engine.connect() as conn:
        workers = {str(w) for w in conn.scalars(select(Worker.id))}
        payments = {str(p) for p in conn.scalars(select(Payment.id))}
        duplicate_niks = conn.scalar(
            text(
                "SELECT count(*) FROM (SELECT nik FROM workers GROUP BY nik HAVING count(*) > 1) d"
            )
        )
        paid_twice = conn.scalar(
            text(
                "SELECT count(*) FROM (SELECT worker_id, month FROM payment_months "
                "GROUP BY worker_id, month HAVING count(*) > 1) d"
            )
        )
        payment_sum = conn.scalar(select(func.coalesce(func.sum(Payment.amount), 0)))
        month_sum = conn.scalar(text("SELECT coalesce(sum(total), 0) FROM payment_months"))
    engine.dispose()
    ledger = reconcile_commissions(url)
    return {
        **ledger,
        "workers believed": len(believed_workers),
        "workers stored": len(workers),
        "lost workers": len(believed_workers - workers),
        "unknown workers": len(workers - believed_workers - imported),
        **({"workers of the import": len(workers & imported)} if imported else {}),
        "payments believed": len(believed_payments),
        "payments stored": len(payments),
        "lost payments": len(believed_payments - payments),
        "unknown payments": len(payments - believed_payments),
        "duplicate NIKs": duplicate_niks,
        "months paid twice": paid_twice,
        "payment amounts = sum of covered months": payment_sum == month_sum,
    }


def exactly_once(result: dict) -> bool:
    """The verdict on `verify`: nothing lost, nothing unknown or twice, the ledger agrees."""
    ledger_ok = all(v for k, v in result.items() if k.startswith("ledger:"))
    return (
        ledger_ok
        and (
            result["lost workers"]
            == result["unknown workers"]
            == result["lost payments"]
            == result["unknown payments"]
            == result["duplicate NIKs"]
            == result["months paid twice"]
            == 0
        )
        and result["payment amounts = sum of covered months"]
    )


def reconcile_commissions(url: str) -> dict:
    """The commission estimate of every agent, summed, against the payments themselves."""
    from perisai import create_app
    from perisai.agents.models import Agent
    from perisai.commissions.estimates import agent_months
    from perisai.extensions import db
    from perisai.months import Month

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "load"})
    with app.app_context():
        month = Month.of(clock.today())
        agents = db.session.scalars(select(Agent)).all()
        rows = [row.figures for row in agent_months(db.session, month, agents)]
        collected = db.session.scalar(
            text(
                "SELECT coalesce(sum(pm.total), 0) FROM payment_months pm "
                "JOIN payments p ON p.id = pm.payment_id"
            )
        )
        paying = db.session.scalar(text("SELECT count(DISTINCT worker_id) FROM payments"))
        db.engine.dispose()
    acquisition = sum(10_000 * r["new_participants"] for r in rows if r["new_participants"] >= 25)
    return {
        "ledger: collected = payments": sum(r["collected_amount"] for r in rows) == collected,
        "ledger: collection fee = 15% of payments": (
            sum(r["collection_fee"] for r in rows) == collected * 15 // 100
        ),
        "ledger: new participants = paying participants": (
            sum(r["new_participants"] for r in rows) == paying
        ),
        "ledger: acquisition fee = Rp 10,000 x new where >= 25": (
            sum(r["acquisition_fee"] for r in rows) == acquisition
        ),
        "commission total (Rp)": sum(r["total"] for r in rows),
    }


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=300)
    parser.add_argument("--agents", type=int, help="default 200 (cluster: 400)")
    parser.add_argument("--supervisors", type=int, help="default 5 (cluster: 2)")
    parser.add_argument("--faults", action="store_true")
    cluster = parser.add_argument_group(
        "cluster",
        "--cluster: through nginx, two app servers, PgBouncer and Celery workers "
        "(benchmarks/cluster_load.py); its defaults: 400 agents, a 10-operation sync every "
        "30 s, 2 supervisors, a 50,000-row import, an app server and a worker killed",
    )
    cluster.add_argument("--cluster", action="store_true")
    cluster.add_argument("--batch", type=int, help="operations a sync (default 2, cluster 10)")
    cluster.add_argument("--interval", type=float, help="s between an agent's syncs (0: no pause)")
    cluster.add_argument("--import-rows", type=int, default=50_000, help="0: no import")
    cluster.add_argument("--import-wait", type=float, default=900, help="s after the run")
    cluster.add_argument("--no-kill", dest="kill", action="store_false")
    cluster.add_argument("--cut-rate", type=float, help="share of syncs cut after sending")
    cluster.add_argument("--port-base", type=int, default=18400)
    args = parser.parse_args()
    if args.cluster:
        from benchmarks import cluster_load

        for name, default in {
            "agents": 400,
            "supervisors": 2,
            "batch": 10,
            "interval": 30.0,
        }.items():
            if getattr(args, name) is None:
                setattr(args, name, default)
        args.cut_rate = 0.02 if args.cut_rate is None else args.cut_rate
        return cluster_load.run(args)
    args.agents = 200 if args.agents is None else args.agents
    args.supervisors = 5 if args.supervisors is None else args.supervisors
    from benchmarks._setup import PG_ADMIN_URL

    url = PG_ADMIN_URL.rsplit("/", 1)[0] + ("/bench_faults" if args.faults else "/bench_load")
    prepare_database(url, args.agents)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    master = start_gunicorn(url, port, f"gunicorn-{'faults' if args.faults else 'load'}.log")
    try:
        wait_healthy(base)
        price = first_month_price(base)
        stats, stop = Stats(), threading.Event()
        cut_rate = 0.05 if args.faults else 0.0
        batch, interval = args.batch or 2, args.interval or 0.0
        people = [
            Agent(i, base, stats, stop, price, cut_rate, batch=batch, interval=interval)
            for i in range(args.agents)
        ]
        people += [Supervisor(base, stats, stop) for _ in range(args.supervisors)]
        started = time.perf_counter()
        for person in people:
            person.start()
        if args.faults:
            time.sleep(args.seconds / 3)
            kill_one_worker(master)
            time.sleep(args.seconds / 3)
            restart_postgres()
            wait_healthy(base, 120)
            time.sleep(max(0.0, args.seconds - (time.perf_counter() - started)))
        else:
            time.sleep(args.seconds)
        stop.set()
        for person in people:
            person.join(timeout=150)
        elapsed = time.perf_counter() - started
    finally:
        os.killpg(master.pid, signal.SIGTERM)
        master.wait(timeout=30)
    latencies = sorted(stats.latencies)
    p95 = latencies[int(len(latencies) * 0.95)] if latencies else 0
    print(
        f"mode: {'faults' if args.faults else 'load'}; {args.agents} agents, "
        f"{args.supervisors} supervisors, {elapsed:.0f} s, gunicorn 4 workers x 4 threads"
    )
    print(
        f"sync requests: {len(latencies)}  throughput: {len(latencies) / elapsed:.1f} req/s, "
        f"{stats.ops_sent / elapsed:.1f} ops/s"
    )
    print(f"latency p50: {statistics.median(latencies) * 1000:.0f} ms  p95: {p95 * 1000:.0f} ms")
    reads = sorted(stats.report_latencies) or [0.0]
    read_p95 = reads[int(0.95 * (len(reads) - 1))]
    print(
        f"supervisor reads answered: {len(stats.report_latencies)}, p50 "
        f"{statistics.median(reads) * 1000:.0f} ms, p95 {read_p95 * 1000:.0f} ms"
    )
    print(f"errors: {dict(stats.errors) or 'none'}  rejected ops: {dict(stats.rejected) or 'none'}")
    print(
        f"retries answered 'duplicate': {stats.duplicates_seen}; deliberate double sends "
        f"answered: {dict(stats.resend_answers) or 'none'}"
    )
    result = verify(url, stats)
    for key, value in result.items():
        print(f"  {key}: {value}")
    ok = exactly_once(result)
    print("EXACTLY-ONCE: OK" if ok else "EXACTLY-ONCE: FAILED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
