"""A job as its caller polls it: state, error in the request's language, the download."""

from flask import url_for
from marshmallow import fields

from perisai.api import IsoString, Schema
from perisai.i18n import t


class BackgroundJobSchema(Schema):
    """A background job (jobs.models.Job)."""

    id = fields.String()
    kind = fields.String(
        metadata={"description": "card_batch, statement_pdf, wadah_statement_pdf, …"}
    )
    state = fields.String(metadata={"description": "queued, running, done, failed"})
    finished = fields.Boolean()
    error = fields.Function(
        lambda job: t(job.error) if job.error else None,
        metadata={"type": "string", "nullable": True},
    )
    attempts = fields.Integer()
    result = fields.Dict(
        allow_none=True, metadata={"description": "a summary, for jobs without a file"}
    )
    download_url = fields.Method("_download", metadata={"type": "string", "nullable": True})
    created_at = IsoString(allow_none=True)
    started_at = IsoString(allow_none=True)
    finished_at = IsoString(allow_none=True)

    def _download(self, job) -> str | None:
        if not job.has_download:
            return None
        return url_for("jobs.JobDownload", job_id=job.id)
