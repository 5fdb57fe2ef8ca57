"""The request id follows a job: Celery signals carry it from the request that queued the task
into the worker that runs it, and the worker's log lines take our format.

Connected when this module is imported: by the app (`perisai.observability.hooks`) on the
publishing side and by `perisai.jobs` in the worker. A task queued in a request carries the
request's id in its message headers (`request_id`, unless the caller gave one); while the task
runs, `request_id()` answers that id, and a task queued by no request (beat) gets one of its own.
"""

from __future__ import annotations

import os
from contextlib import suppress

from celery.signals import (
    after_setup_logger,
    after_setup_task_logger,
    before_task_publish,
    task_postrun,
    task_prerun,
)

from perisai.observability import logs
from perisai.observability.request_ids import bind, request_id, unbind

HEADER = "request_id"
_tokens: dict[str, object] = {}  # task id → the binding to undo after it ran


@before_task_publish.connect
def carry_request_id(headers=None, **_):
    """Put the current request id in the message's headers."""
    if headers is not None and not headers.get(HEADER) and (current := request_id()):
        headers[HEADER] = current


@task_prerun.connect
def adopt_request_id(task_id=None, task=None, **_):
    """While the task runs, log lines carry the id of the request that queued it."""
    carried = getattr(task.request, HEADER, None) if task is not None else None
    if carried is None and task is not None:
        carried = (getattr(task.request, "headers", None) or {}).get(HEADER)
    if carried is None and request_id() is not None:  # run at once inside the request
        return
    _tokens[task_id] = bind(carried)


@task_postrun.connect
def drop_request_id(task_id=None, **_):
    token = _tokens.pop(task_id, None)
    if token is not None:
        with suppress(ValueError):  # made in another context: nothing of ours to undo there
            unbind(token)


@after_setup_logger.connect
@after_setup_task_logger.connect
def format_worker_logs(logger=None, **_):
    """The worker's console lines in the app's format (PERISAI_LOG_FORMAT, else JSON in
    production)."""
    logs.install_record_factory()
    name = logs.log_format(_environment())
    if logger is not None:
        for handler in logger.handlers:
            handler.setFormatter(logs.formatter(name))


def _environment() -> dict:
    return {
        "LOG_FORMAT": os.environ.get("PERISAI_LOG_FORMAT"),
        "ENV_NAME": os.environ.get("PERISAI_ENV"),
    }
