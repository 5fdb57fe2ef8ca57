"""Prometheus metrics: requests by route template, sync operations by result, jobs, queue depth.

Counters and histograms are recorded where they happen (a request's end, `count_sync`). Under
gunicorn every worker is a process of its own: with `PROMETHEUS_MULTIPROC_DIR` set (before the
process starts, an empty folder per app server), prometheus_client writes each process's values
to files there and `exposition()` adds up every process's files, so whichever worker answers
the scrape reports the whole server. Without it, the process's own registry is read.

Job counts and the queue depth are not counted by any process: they are read when scraped,
from the database (import jobs and the generic jobs table by kind and state) and from Redis
(the length of the Celery queue's list), so every scrape of every server tells the same truth.
"""

from __future__ import annotations

import logging
import os

import redis
from prometheus_client import (
    CollectorRegistry,
    Counter,
    Histogram,
    disable_created_metrics,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.exposition import CONTENT_TYPE_PLAIN_0_0_4
from sqlalchemy import column, func, inspect, select, table

from perisai.extensions import db
from perisai.imports.models import ImportJob

log = logging.getLogger(__name__)

CONTENT_TYPE = CONTENT_TYPE_PLAIN_0_0_4  # the classic text format every Prometheus reads
disable_created_metrics()  # no *_created series beside every counter and histogram
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})

REQUESTS = Counter(
    "perisai_http_requests_total",
    "HTTP requests answered, by method, route template and status code.",
    ["method", "route", "status"],
)
LATENCY = Histogram(
    "perisai_http_request_duration_seconds",
    "Time to answer an HTTP request, by method and route template.",
    ["method", "route"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
)
SYNC_OPERATIONS = Counter(
    "perisai_sync_operations_total",
    "Outbox operations answered by POST /api/v1/sync, by type and result.",
    ["type", "result"],
)
OWN = (REQUESTS, LATENCY, SYNC_OPERATIONS)


def route_label(rule) -> str:
    """The route template (`/api/v1/workers/<uuid:worker_id>`), never the path: no ids, no
    NIK, a bounded number of series. A path that matched no route is `unmatched`."""
    return rule.rule if rule is not None else "unmatched"


def observe_request(method: str, rule, status: int, seconds: float) -> None:
    method = method if method in METHODS else "other"
    route = route_label(rule)
    REQUESTS.labels(method, route, str(status)).inc()
    LATENCY.labels(method, route).observe(seconds)


def count_sync(operations: list[dict], results: list) -> None:
    """One count per operation answered, by its type and result (applied, duplicate,
    rejected)."""
    for op, result in zip(operations, results, strict=True):
        SYNC_OPERATIONS.labels(str(op.get("type")), result.status).inc()


class StateCollector:
    """Job counts and queue depth, read at scrape time (database, Redis)."""

    def __init__(self, app):
        self.app = app

    def collect(self):
        up = GaugeMetricFamily(
            "perisai_metrics_source_up", "Whether a scrape-time source answered.", labels=["source"]
        )
        jobs = GaugeMetricFamily(
            "perisai_jobs", "Background jobs by kind and state.", labels=["kind", "state"]
        )
        try:
            for kind, state, count in job_counts():
                jobs.add_metric([kind, state], count)
            up.add_metric(["database"], 1)
        except Exception as error:  # noqa: BLE001 - a scrape reports the failure, not fails
            db.session.rollback()
            log.warning("metrics: job counts unavailable (%s)", type(error).__name__)
            up.add_metric(["database"], 0)
        yield jobs
        url = self.app.config.get("REDIS_URL")
        if url:
            depth = GaugeMetricFamily(
                "perisai_queue_depth", "Messages waiting in a job queue.", labels=["queue"]
            )
            try:
                client = redis_client(self.app)
                for queue in job_queues(self.app):
                    depth.add_metric([queue], client.llen(queue))
                up.add_metric(["redis"], 1)
            except (redis.RedisError, OSError):
                log.warning("metrics: queue depth unavailable")
                up.add_metric(["redis"], 0)
            yield depth
        yield up


def job_counts() -> list[tuple[str, str, int]]:
    """(kind, state, count) of the import jobs and, once it exists, the generic jobs table."""
    rows = [
        (f"import.{kind}", state, count)
        for kind, state, count in db.session.execute(
            select(ImportJob.kind, ImportJob.state, func.count()).group_by(
                ImportJob.kind, ImportJob.state
            )
        )
    ]
    if inspect(db.session.connection()).has_table("jobs"):
        jobs = table("jobs", column("kind"), column("state"))
        rows += list(
            db.session.execute(
                select(jobs.c.kind, jobs.c.state, func.count()).group_by(jobs.c.kind, jobs.c.state)
            )
        )
    return [(str(kind), str(state), int(count)) for kind, state, count in rows]


def job_queues(app) -> list[str]:
    """The Redis lists Celery keeps its queues in (kombu's key: the global key prefix and the
    queue's name)."""
    queue = app.config.get("JOBS_QUEUE") or "perisai"
    prefix = app.config.get("JOBS_QUEUE_KEY_PREFIX", f"{queue}:")
    return [f"{prefix}{queue}"]


def redis_client(app) -> redis.Redis:
    client = app.extensions.get("perisai_metrics_redis")
    if client is None:
        client = redis.Redis.from_url(
            app.config["REDIS_URL"], socket_connect_timeout=1, socket_timeout=1
        )
        app.extensions["perisai_metrics_redis"] = client
    return client


def multiprocess_dir() -> str | None:
    return os.environ.get("PROMETHEUS_MULTIPROC_DIR") or None


def exposition(app) -> bytes:
    """The text a scrape reads: every process's counters (multiprocess) or this one's, and the
    job and queue figures of now."""
    registry = CollectorRegistry()
    if multiprocess_dir():
        multiprocess.MultiProcessCollector(registry)
    else:
        for metric in OWN:
            registry.register(metric)
    registry.register(StateCollector(app))
    return generate_latest(registry)
