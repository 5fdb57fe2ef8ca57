"""How an endpoint answers with a job instead of its file: only when the client asks for it
(`Prefer: respond-async`, RFC 7240), 202 with the job (BackgroundJobSchema) and its `Location`
to poll; `GET /api/v1/jobs/<id>/download` then gives the file."""

from __future__ import annotations

from flask import jsonify, request, url_for

from perisai.extensions import db
from perisai.jobs import tasks
from perisai.jobs.models import Job
from perisai.jobs.schemas import BackgroundJobSchema


def prefers_async() -> bool:
    """Whether the request asked for an answer at once (`Prefer: respond-async`)."""
    return "respond-async" in request.headers.get("Prefer", "")


def accepted(job: Job):
    """Start the committed, queued job and answer 202 with it (run in-process it may be done
    already) and the `Location` to poll."""
    tasks.start(job)
    db.session.refresh(job)
    location = {"Location": url_for("jobs.JobById", job_id=job.id)}
    return jsonify(BackgroundJobSchema().dump(job)), 202, location
