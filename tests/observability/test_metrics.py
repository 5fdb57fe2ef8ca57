"""`GET /metrics`: Prometheus text that parses, counts that move, route templates only."""

from __future__ import annotations

import uuid

import pytest
import redis
from prometheus_client.parser import text_string_to_metric_families

from perisai import create_app
from tests.factories import worker_payload

REDIS_URL = "redis://127.0.0.1:6379/0"


def scrape(client, **kwargs) -> dict:
    """{(sample name, frozenset of labels): value} of one scrape."""
    response = client.get("/metrics", **kwargs)
    assert response.status_code == 200
    assert response.content_type.startswith("text/plain; version=0.0.4")
    samples = {}
    for family in text_string_to_metric_families(response.get_data(as_text=True)):
        for sample in family.samples:
            samples[(sample.name, frozenset(sample.labels.items()))] = sample.value
    return samples


def value(samples: dict, name: str, **labels) -> float:
    return samples.get((name, frozenset(labels.items())), 0.0)


def test_request_counts_and_latency_move_by_route_template(client):
    before = scrape(client)
    worker_route = "/api/v1/workers/<worker_id>"
    for _ in range(3):
        client.get("/healthz")
    client.get(f"/api/v1/workers/{uuid.uuid4()}")  # 401: not logged in
    after = scrape(client)
    ok = {"method": "GET", "route": "/healthz", "status": "200"}
    assert value(after, "perisai_http_requests_total", **ok) == (
        value(before, "perisai_http_requests_total", **ok) + 3
    )
    assert (
        value(after, "perisai_http_requests_total", method="GET", route=worker_route, status="401")
        == value(
            before, "perisai_http_requests_total", method="GET", route=worker_route, status="401"
        )
        + 1
    )
    timed = {"method": "GET", "route": "/healthz"}
    assert value(after, "perisai_http_request_duration_seconds_count", **timed) >= 3
    assert value(after, "perisai_http_request_duration_seconds_bucket", le="+Inf", **timed) >= 3


def test_no_raw_path_in_any_label(as_agent, org):
    body = worker_payload()
    as_agent.get("/api/v1/workers", query_string={"q": body["nik"]})
    as_agent.get(f"/api/v1/workers/{uuid.uuid4()}")
    as_agent.get(f"/nothing/here/{body['nik']}")
    text = as_agent.client.get("/metrics").get_data(as_text=True)
    assert body["nik"] not in text
    assert 'route="unmatched"' in text
    assert "/api/v1/workers/<worker_id>" in text


def test_sync_operations_are_counted_by_result(as_agent, org):
    before = scrape(as_agent.client)
    op = {"op_id": str(uuid.uuid4()), "type": "worker.register", "payload": worker_payload()}
    for _ in range(2):  # the second send of the same operation is a duplicate
        response = as_agent.post("/api/v1/sync", json={"operations": [op]})
        assert response.status_code == 200, response.get_json()
    bad = {"op_id": str(uuid.uuid4()), "type": "worker.register", "payload": {"nik": "1"}}
    as_agent.post("/api/v1/sync", json={"operations": [bad]})
    after = scrape(as_agent.client)
    for result in ("applied", "duplicate", "rejected"):
        name, labels = "perisai_sync_operations_total", {"type": "worker.register"}
        moved = value(after, name, result=result, **labels) - value(
            before, name, result=result, **labels
        )
        assert moved == 1, result


def test_job_counts_come_from_the_database(client):
    samples = scrape(client)
    assert value(samples, "perisai_metrics_source_up", source="database") == 1
    # No Redis configured: no queue depth, and no Redis source.
    assert not [key for key in samples if key[0] == "perisai_queue_depth"]


@pytest.fixture
def metrics_token(app):
    app.config["METRICS_TOKEN"] = "scrape-secret"
    yield "scrape-secret"
    app.config["METRICS_TOKEN"] = None


def test_a_configured_token_is_required(client, metrics_token):
    assert client.get("/metrics").status_code == 401
    wrong = {"Authorization": "Bearer nope"}
    assert client.get("/metrics", headers=wrong).status_code == 401
    scrape(client, headers={"Authorization": f"Bearer {metrics_token}"})


def test_queue_depth_is_read_from_redis(app):
    queue = f"perisai-test-{uuid.uuid4().hex}"
    client = redis.Redis.from_url(REDIS_URL)
    key = f"{queue}:{queue}"  # kombu's list: the global key prefix, then the queue's name
    client.rpush(key, "m1", "m2", "m3")
    try:
        served = create_app(
            {
                "TESTING": True,
                "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
                "REDIS_URL": REDIS_URL,
                "JOBS_QUEUE": queue,
            }
        )
        samples = scrape(served.test_client())
    finally:
        client.delete(key)
    assert value(samples, "perisai_queue_depth", queue=key) == 3
    assert value(samples, "perisai_metrics_source_up", source="redis") == 1
