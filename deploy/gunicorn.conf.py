"""gunicorn settings for one Perisai app server: `gunicorn -c deploy/gunicorn.conf.py wsgi:app`.

Read by gunicorn at start; every value can be overridden from the environment (the systemd unit
and benchmarks/cluster.py set PERISAI_BIND) or on the command line. The app keeps no state in
process memory (sessions, lockouts and jobs live in the database and Redis), so workers and
servers can be added freely behind nginx.
"""

from __future__ import annotations

import glob
import multiprocessing
import os

# Where nginx reaches this server. One app server per port; nginx's upstream lists them all.
bind = os.environ.get("PERISAI_BIND", "127.0.0.1:8001")

# Processes x threads. Requests spend much of their time waiting on PostgreSQL, so a few
# threads per process help; processes give CPU parallelism (the GIL). 2 x CPUs + 1 is
# gunicorn's rule of thumb for the process count.
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1))
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", 4))

# A request still running after `timeout` seconds gets its worker killed and restarted. Above
# the slowest legitimate request (a 1,000-card PDF batch, a report export), below nginx's
# proxy_read_timeout so nginx sees the app's answer rather than its own 504.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 60))
graceful_timeout = 20  # on SIGTERM (a deploy), requests in flight get this long to finish
# Longer than nginx's upstream keepalive_timeout (60 s): the proxy closes an idle connection
# first, so it never sends a request on one gunicorn is closing (a spurious 502).
keepalive = 75

# Recycle workers now and then (slow leaks in any library); jitter so they do not all restart
# at once.
max_requests = 5000
max_requests_jitter = 500

# Load the app in the master before it opens the port and forks: a server that is (re)starting
# accepts connections only once it can answer them (else nginx's requests queue in the listen
# backlog for the seconds the workers take to import the app), and the workers share the
# loaded code's memory. The cost: `kill -HUP` no longer loads new code; a release restarts the
# server (systemctl restart, one server at a time; nginx sends to the others meanwhile).
preload_app = os.environ.get("GUNICORN_PRELOAD", "1") == "1"

# Only nginx (on this host) may say which scheme the client used (X-Forwarded-Proto).
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")

# The app logs JSON itself (request id included); gunicorn's own access log would repeat it.
accesslog = None
errorlog = "-"
loglevel = "info"


def on_starting(server):
    """Prometheus multiprocess mode: each worker writes its metrics to files in
    PROMETHEUS_MULTIPROC_DIR, and /metrics adds them up. Files left by a previous run (this
    server killed, then started again) would be counted again, so the folder is emptied before
    the first worker starts. The folder must be this server's own (one per app server)."""
    folder = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if not folder:
        return
    os.makedirs(folder, exist_ok=True)
    for path in glob.glob(os.path.join(folder, "*.db")):
        os.remove(path)


def child_exit(server, worker):
    """A worker that exited (recycled, killed, timed out) stops counting in the live gauges;
    its counters stay in the sum, as Prometheus expects of a counter."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)


def post_fork(server, worker):
    """A worker starts with a copy of the master's database pool (preload_app): drop it
    without closing (the sockets are the master's), so each worker opens its own."""
    if not preload_app:
        return
    from perisai.extensions import db

    with server.app.wsgi().app_context():
        for engine in db.engines.values():
            engine.dispose(close=False)
