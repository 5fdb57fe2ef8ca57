"""Background jobs: `celery -A perisai.jobs worker` and `beat`; in-process without Redis."""

from perisai.jobs.app import celery

__all__ = ["celery"]
