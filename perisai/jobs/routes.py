"""/api/v1/jobs: poll a background job and download its file when it is done."""

from __future__ import annotations

from flask import Response
from flask.views import MethodView

from perisai.api import Blueprint
from perisai.auth.permissions import current_scope, login_required
from perisai.extensions import db
from perisai.jobs import operations
from perisai.jobs.schemas import BackgroundJobSchema

blp = Blueprint(
    "jobs", __name__, url_prefix="/api/v1/jobs", description="Background jobs: poll, download"
)


@blp.route("/<uuid:job_id>")
class JobById(MethodView):
    @login_required
    @blp.response(200, BackgroundJobSchema)
    def get(self, job_id):
        """One job: its state and, once done, where to download its file (poll this)."""
        return operations.visible_job(db.session, current_scope(), job_id)


@blp.route("/<uuid:job_id>/download")
class JobDownload(MethodView):
    @login_required
    @blp.response(200, content_type="application/octet-stream")
    @blp.alt_response(409, description="not done yet: poll the job")
    def get(self, job_id):
        """The job's file (a card batch's PDF, …), streamed from shared storage."""
        found = operations.visible_job(db.session, current_scope(), job_id)
        opened, name, content_type = operations.download(found)

        def blocks():
            with opened as stream:
                while block := stream.read(256 * 1024):
                    yield block

        headers = {
            "Content-Disposition": f'attachment; filename="{name}"',
            "Cache-Control": "private, no-store",  # card sheets carry personal data
        }
        return Response(blocks(), mimetype=content_type, headers=headers)
