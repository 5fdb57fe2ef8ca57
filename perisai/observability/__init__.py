"""Observability: request ids and JSON logs, Prometheus metrics, and the Celery signals that
carry a request's id into the job it queued (README "Operations: metrics, logs, health")."""

from perisai.observability.request_ids import bound, request_id

__all__ = ["bound", "request_id"]
