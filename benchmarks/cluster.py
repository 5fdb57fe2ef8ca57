"""A real Perisai cluster on this machine, from deploy/'s configuration examples.

    deploy/cluster.sh [--port-base 18400]          # start, print the addresses, wait for Ctrl-C
    .venv/bin/python -m benchmarks.load_test --cluster ...   # the load test through it

Starts, each as a child process of this one in a temporary folder, never as a system service:
- a PostgreSQL database of its own (`perisai_cluster`, dropped and created, `flask db upgrade`)
  on this machine's server (PERISAI_BENCH_PG),
- PgBouncer in transaction mode in front of it (deploy/pgbouncer/pgbouncer.ini's settings),
- moto_server as the S3-compatible object store, with the bucket created,
- two gunicorn app servers (deploy/gunicorn.conf.py), each through PgBouncer
  (PERISAI_DATABASE_POOL=pgbouncer), each with its own PROMETHEUS_MULTIPROC_DIR,
- nginx in front of both (deploy/nginx/perisai.conf, its ports and paths replaced),
- two Celery workers and beat on Redis (a DB index of its own, emptied at start and at the end)
  when perisai.jobs exists,
then waits until each answers and prints where it listens. Everything is stopped on the way
out (a normal end, an exception, Ctrl-C, SIGTERM or SIGHUP); the children also get SIGTERM
from the kernel should this process die without cleaning up (PR_SET_PDEATHSIG).
"""

from __future__ import annotations

import argparse
import contextlib
import ctypes
import importlib.util
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[1]
DEPLOY = ROOT / "deploy"
VENV_BIN = ROOT / ".venv" / "bin"
PG_SERVER = os.environ.get("PERISAI_BENCH_PG", "postgresql://postgres@127.0.0.1:5432/postgres")
BUCKET = "perisai-cluster"
_PR_SET_PDEATHSIG = 1


def _die_with_parent() -> None:
    """In the child before exec: SIGTERM when the process that started it dies."""
    ctypes.CDLL("libc.so.6", use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)


def port_is_free(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) != 0


def wait_for(check, what: str, seconds: float = 60, process: subprocess.Popen | None = None):
    """Poll `check()` until it is true; fail early when `process` has exited."""
    deadline = time.time() + seconds
    while time.time() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"{what} exited with {process.returncode}")
        try:
            ready = check()
        except Exception:  # noqa: BLE001 - not ready yet, whatever the client library says
            ready = False
        if ready:
            return
        time.sleep(0.3)
    raise RuntimeError(f"{what} did not become ready within {seconds:.0f} s")


@dataclass
class Ports:
    """Where each part listens: base+0 nginx, +1 and +2 the app servers, +32 PgBouncer, +50 S3."""

    base: int = 18400

    @property
    def nginx(self) -> int:
        return self.base

    def app(self, index: int) -> int:
        return self.base + 1 + index

    @property
    def pgbouncer(self) -> int:
        return self.base + 32

    @property
    def s3(self) -> int:
        return self.base + 50


@dataclass
class Cluster:
    """The processes of one cluster run; `start()` then `stop()` (or use it as a context)."""

    ports: Ports = field(default_factory=Ports)
    database: str = "perisai_cluster"
    redis_db: int = 11
    app_servers: int = 2
    gunicorn_workers: int = 2
    gunicorn_threads: int = 4
    job_workers: int = 2
    job_concurrency: int = 1
    workdir: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="perisai-cluster-")))
    processes: dict[str, subprocess.Popen] = field(default_factory=dict)
    secret: str = field(default_factory=lambda: secrets.token_hex(32))

    # --- addresses ------------------------------------------------------------------------

    @property
    def base_url(self) -> str:
        """nginx: what clients use."""
        return f"http://127.0.0.1:{self.ports.nginx}"

    def app_url(self, index: int) -> str:
        return f"http://127.0.0.1:{self.ports.app(index)}"

    @property
    def direct_url(self) -> str:
        """PostgreSQL itself: migrations, seeding and the final check."""
        return PG_SERVER.rsplit("/", 1)[0] + f"/{self.database}"

    @property
    def pooled_url(self) -> str:
        """Through PgBouncer: what the app servers and workers use."""
        return f"postgresql://postgres@127.0.0.1:{self.ports.pgbouncer}/{self.database}"

    @property
    def redis_url(self) -> str:
        return f"redis://127.0.0.1:6379/{self.redis_db}"

    @property
    def has_jobs(self) -> bool:
        """perisai.jobs (Celery) is there: workers and beat are part of the cluster."""
        return importlib.util.find_spec("perisai.jobs") is not None

    def environment(self, **extra: str) -> dict:
        """What every Perisai process of the cluster gets (deploy/perisai.env.example's names)."""
        return {
            **os.environ,
            "PERISAI_ENV": "production",
            "PERISAI_SECRET_KEY": self.secret,
            "PERISAI_BASE_URL": self.base_url,
            "PERISAI_INSECURE_COOKIES": "1",  # plain http on this machine
            "PERISAI_DATABASE_URL": self.pooled_url,
            "PERISAI_DATABASE_POOL": "pgbouncer",
            "PERISAI_REDIS_URL": self.redis_url,
            "PERISAI_STORAGE_URL": f"s3://{BUCKET}/files",
            "PERISAI_S3_ENDPOINT_URL": f"http://127.0.0.1:{self.ports.s3}",
            "AWS_ACCESS_KEY_ID": "cluster",
            "AWS_SECRET_ACCESS_KEY": "cluster",
            "AWS_DEFAULT_REGION": "us-east-1",
            # nginx puts the client's address in X-Forwarded-For: the per-address limits count
            # that one (deploy/perisai.env.example). Every simulated phone of the load test
            # comes from 127.0.0.1, so the logins-per-address limit is lifted here.
            "PERISAI_TRUSTED_PROXIES": "1",
            "PERISAI_LOGIN_ADDRESS_LIMIT": "100000",
            **extra,
        }

    # --- processes ------------------------------------------------------------------------

    def spawn(self, name: str, argv: list[str], env: dict | None = None) -> subprocess.Popen:
        """Start one part in its own process group (so a kill reaches its children too)."""
        log = open(self.workdir / f"{name}.log", "ab")  # noqa: SIM115 - the child keeps it
        process = subprocess.Popen(
            argv,
            cwd=ROOT,
            env=env or self.environment(),
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            preexec_fn=_die_with_parent,
        )
        log.close()
        self.processes[name] = process
        return process

    def kill(self, name: str, sig: int = signal.SIGKILL) -> None:
        """Signal a part's whole process group (a gunicorn master and its workers, a Celery
        worker and its pool) and reap it."""
        process = self.processes.get(name)
        if process is None or process.poll() is not None:
            return
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            return
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=15)

    def stop(self) -> None:
        """Everything, front to back: nginx, app servers, beat, workers, S3, PgBouncer. A second
        Ctrl-C or SIGTERM while stopping (a shell sends it to the whole group) is ignored, so
        the stop is never cut short."""
        if threading.current_thread() is threading.main_thread():
            for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
                signal.signal(sig, signal.SIG_IGN)
        for name in reversed(list(self.processes)):
            self.kill(name, signal.SIGTERM)
        for process in self.processes.values():  # stragglers of a group (forked children)
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(process.pid, signal.SIGKILL)
        if self.has_jobs:
            subprocess.run(
                ["redis-cli", "-n", str(self.redis_db), "FLUSHDB"],
                capture_output=True,
                check=False,
            )

    def __enter__(self) -> Cluster:
        try:
            self.start()
        except BaseException:
            self.stop()  # what did start; its logs stay in the work folder
            raise
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    # --- the parts ------------------------------------------------------------------------

    def start(self) -> None:
        """Every part, each waited for, back to front."""
        busy = [p for p in self.all_ports() if not port_is_free(p)]
        if busy:
            raise RuntimeError(f"ports already in use: {busy} (another cluster? --port-base)")
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.workdir.chmod(0o755)  # PgBouncer and nginx's workers run as other users
        self.create_database()
        self.start_pgbouncer()
        self.start_s3()
        for index in range(self.app_servers):
            self.start_app(index)
        self.start_nginx()
        if self.has_jobs:
            subprocess.run(
                ["redis-cli", "-n", str(self.redis_db), "FLUSHDB"], check=True, capture_output=True
            )
            for index in range(self.job_workers):
                self.start_worker(index)
            self.start_beat()

    def all_ports(self) -> list[int]:
        apps = [self.ports.app(i) for i in range(self.app_servers)]
        return [self.ports.nginx, *apps, self.ports.pgbouncer, self.ports.s3]

    def create_database(self) -> None:
        from sqlalchemy import create_engine, text

        from perisai.config import normalise_database_url

        engine = create_engine(normalise_database_url(PG_SERVER), isolation_level="AUTOCOMMIT")
        with engine.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{self.database}" WITH (FORCE)'))
            conn.execute(text(f'CREATE DATABASE "{self.database}"'))
        engine.dispose()
        # Migrations go to PostgreSQL directly, never through transaction pooling.
        env = self.environment(PERISAI_DATABASE_URL=self.direct_url, PERISAI_DATABASE_POOL="direct")
        subprocess.run(
            [str(VENV_BIN / "flask"), "--app", "wsgi", "db", "upgrade"],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
        )

    def start_pgbouncer(self) -> None:
        """deploy/pgbouncer/pgbouncer.ini's pooling settings; trust auth on this machine
        (PostgreSQL here trusts local connections), logs to its own file."""
        folder = self.workdir / "pgbouncer"
        folder.mkdir()
        (folder / "userlist.txt").write_text('"postgres" ""\n')
        settings = _ini_settings(DEPLOY / "pgbouncer" / "pgbouncer.ini")
        settings.update(
            listen_addr="127.0.0.1",
            listen_port=str(self.ports.pgbouncer),
            unix_socket_dir="",
            auth_type="trust",
            auth_file=str(folder / "userlist.txt"),
            admin_users="postgres",
            stats_users="postgres",
            logfile="",
            pidfile="",
        )
        lines = [
            "[databases]",
            f"{self.database} = host=127.0.0.1 port=5432 dbname={self.database}",
            "[pgbouncer]",
            *(f"{key} = {value}" for key, value in settings.items()),
        ]
        (folder / "pgbouncer.ini").write_text("\n".join(lines) + "\n")
        # PgBouncer refuses to run as root: -u drops to the postgres user.
        user = ["-u", "postgres"] if os.geteuid() == 0 else []
        process = self.spawn(
            "pgbouncer", ["/usr/sbin/pgbouncer", *user, str(folder / "pgbouncer.ini")]
        )
        wait_for(self.pgbouncer_answers, "PgBouncer", process=process)

    def pgbouncer_answers(self) -> bool:
        import psycopg

        with psycopg.connect(self.pooled_url, prepare_threshold=None, connect_timeout=2) as conn:
            return conn.execute("SELECT 1").fetchone() == (1,)

    def start_s3(self) -> None:
        process = self.spawn(
            "s3",
            [str(VENV_BIN / "moto_server"), "-H", "127.0.0.1", "-p", str(self.ports.s3)],
        )
        endpoint = f"http://127.0.0.1:{self.ports.s3}"
        wait_for(lambda: requests.get(endpoint, timeout=2).ok, "moto_server", process=process)
        import boto3

        env = self.environment()
        boto3.client(
            "s3",
            endpoint_url=endpoint,
            aws_access_key_id=env["AWS_ACCESS_KEY_ID"],
            aws_secret_access_key=env["AWS_SECRET_ACCESS_KEY"],
            region_name=env["AWS_DEFAULT_REGION"],
        ).create_bucket(Bucket=BUCKET)

    def start_app(self, index: int) -> subprocess.Popen:
        """One gunicorn app server with deploy/gunicorn.conf.py; waits until it is ready
        (`/readyz`: database, Redis and storage answer)."""
        name = f"app{index + 1}"
        metrics = self.workdir / f"prometheus-{name}"
        env = self.environment(
            PERISAI_BIND=f"127.0.0.1:{self.ports.app(index)}",
            GUNICORN_WORKERS=str(self.gunicorn_workers),
            GUNICORN_THREADS=str(self.gunicorn_threads),
            PROMETHEUS_MULTIPROC_DIR=str(metrics),
        )
        argv = [str(VENV_BIN / "gunicorn"), "-c", str(DEPLOY / "gunicorn.conf.py"), "wsgi:app"]
        process = self.spawn(name, argv, env)
        url = f"{self.app_url(index)}/readyz"
        wait_for(lambda: requests.get(url, timeout=5).status_code == 200, name, process=process)
        return process

    def start_nginx(self) -> None:
        """nginx with deploy/nginx/perisai.conf inside a main file of our own (no daemon, pid,
        logs and temporary files in the work folder)."""
        folder = self.workdir / "nginx"
        for sub in ("cache", "client_body", "proxy", "fastcgi", "uwsgi", "scgi"):
            (folder / sub).mkdir(parents=True)
            (folder / sub).chmod(0o777)  # written by the worker processes (nobody)
        site = (DEPLOY / "nginx" / "perisai.conf").read_text()
        for old, new in {
            "127.0.0.1:8001": f"127.0.0.1:{self.ports.app(0)}",
            "127.0.0.1:8002": f"127.0.0.1:{self.ports.app(1)}",
            "listen 80;": f"listen 127.0.0.1:{self.ports.nginx};",
            "/var/cache/nginx/perisai": str(folder / "cache"),
            "/var/log/nginx/perisai.access.log": str(folder / "access.log"),
        }.items():
            if old not in site:
                raise RuntimeError(f"deploy/nginx/perisai.conf no longer holds {old!r}")
            site = site.replace(old, new)
        (folder / "perisai.conf").write_text(site)
        user = "user nobody nogroup;\n" if os.geteuid() == 0 else ""
        temp = "\n".join(
            f"    {kind}_temp_path {folder / sub};"
            for kind, sub in (
                ("client_body", "client_body"),
                ("proxy", "proxy"),
                ("fastcgi", "fastcgi"),
                ("uwsgi", "uwsgi"),
                ("scgi", "scgi"),
            )
        )
        (folder / "nginx.conf").write_text(
            f"{user}daemon off;\nworker_processes 2;\nworker_rlimit_nofile 8192;\n"
            f"pid {folder / 'nginx.pid'};\nerror_log {folder / 'error.log'} warn;\n"
            "events { worker_connections 4096; }\n"
            "http {\n"
            "    include /etc/nginx/mime.types;\n"
            f"{temp}\n"
            f"    include {folder / 'perisai.conf'};\n"
            "}\n"
        )
        conf = str(folder / "nginx.conf")
        nginx = ["/usr/sbin/nginx", "-p", str(folder), "-e", str(folder / "error.log"), "-c", conf]
        subprocess.run([*nginx, "-t"], check=True, capture_output=True)
        process = self.spawn("nginx", nginx)
        url = f"{self.base_url}/readyz"
        wait_for(lambda: requests.get(url, timeout=5).status_code == 200, "nginx", process=process)

    def worker_name(self, index: int) -> str:
        return f"worker{index + 1}"

    def start_worker(self, index: int) -> subprocess.Popen:
        """One Celery worker (as deploy/systemd/perisai-worker@.service runs it); waits until
        it says it is ready (connected to Redis, consuming)."""
        name = self.worker_name(index)
        node = f"{name}@{socket.gethostname()}"
        # Nice 10, as the unit's Nice=: on a host shared with app servers a job yields the CPU
        # to requests (a phone waits on a sync; nobody waits on a row of an import).
        argv = [
            "nice",
            "-n",
            "10",
            str(VENV_BIN / "celery"),
            "-A",
            "perisai.jobs",
            "worker",
            f"--hostname={node}",
            f"--concurrency={self.job_concurrency}",
            "--loglevel=INFO",
        ]
        log = self.workdir / f"{name}.log"
        seen = log.stat().st_size if log.exists() else 0  # a restarted worker appends
        process = self.spawn(name, argv)
        # Its log's "<node> ready." line, not `celery inspect ping`: a ping is a whole Python
        # process importing the app, CPU the measured requests would share.
        wait_for(
            lambda: f"{node} ready.".encode() in log.read_bytes()[seen:],
            name,
            seconds=90,
            process=process,
        )
        return process

    def start_beat(self) -> None:
        schedule = self.workdir / "celerybeat-schedule"
        argv = [str(VENV_BIN / "celery"), "-A", "perisai.jobs", "beat", "--loglevel=INFO"]
        process = self.spawn("beat", [*argv, f"--schedule={schedule}"])
        time.sleep(3)  # beat answers nothing: alive after a few seconds is as ready as it gets
        if process.poll() is not None:
            raise RuntimeError(f"beat exited with {process.returncode}")

    def describe(self) -> str:
        """Where each part listens, one line each."""
        lines = [
            f"nginx       {self.base_url}  (clients; /metrics kept inside)",
            *(
                f"app{i + 1}        {self.app_url(i)}  (gunicorn {self.gunicorn_workers} workers"
                f" x {self.gunicorn_threads} threads; metrics at /metrics)"
                for i in range(self.app_servers)
            ),
            f"pgbouncer   127.0.0.1:{self.ports.pgbouncer}  (transaction mode) -> "
            f"PostgreSQL database {self.database}",
            f"s3          http://127.0.0.1:{self.ports.s3}  (moto_server, bucket {BUCKET})",
        ]
        if self.has_jobs:
            lines.append(
                f"jobs        {self.job_workers} Celery workers + beat on {self.redis_url}"
            )
        else:
            lines.append("jobs        perisai.jobs not present: no workers, no beat")
        lines.append(f"logs        {self.workdir}")
        return "\n".join(lines)


def _ini_settings(path: Path) -> dict[str, str]:
    """The [pgbouncer] section of an ini file (comments dropped, order kept)."""
    settings, section = {}, None
    for raw in path.read_text().splitlines():
        line = raw.strip()
        if not line or line.startswith((";", "#")):
            continue
        if line.startswith("["):
            section = line.strip("[]")
            continue
        if section == "pgbouncer" and "=" in line:
            key, _, value = line.partition("=")
            settings[key.strip()] = value.strip()
    return settings


def stop_on_signals() -> None:
    """SIGTERM and SIGHUP end this process like Ctrl-C does, so `finally` blocks run."""

    def leave(signum, frame):
        raise KeyboardInterrupt(signal.Signals(signum).name)

    signal.signal(signal.SIGTERM, leave)
    signal.signal(signal.SIGHUP, leave)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--port-base", type=int, default=18400)
    parser.add_argument("--keep-logs", action="store_true", help="leave the work folder")
    args = parser.parse_args()
    stop_on_signals()
    cluster = Cluster(ports=Ports(args.port_base))
    failed = False
    try:
        cluster.start()
        print(cluster.describe(), flush=True)
        print("ready; Ctrl-C stops everything", flush=True)
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
    except Exception:
        failed = True
        raise
    finally:
        cluster.stop()
        if failed or args.keep_logs:
            print(f"logs kept in {cluster.workdir}", flush=True)
        else:
            shutil.rmtree(cluster.workdir, ignore_errors=True)
        print("cluster stopped", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
