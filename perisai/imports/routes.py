"""/api/v1/imports: upload a participant list, poll the job, read the row report, templates."""

from __future__ import annotations

import csv
import io
import json

from flask import Response, current_app, request
from flask.views import MethodView
from flask_login import current_user
from sqlalchemy import func, select

from perisai.api import Blueprint, PageArgs, paginate
from perisai.auth.permissions import current_scope, roles_required
from perisai.extensions import db
from perisai.i18n import current_language, t
from perisai.imports import cli as _cli  # noqa: F401 - registers `flask perisai run-import`
from perisai.imports import operations, reading, template
from perisai.imports.models import ImportJob
from perisai.imports.pages import pages
from perisai.imports.schemas import (
    CommitSchema,
    ImportUploadSchema,
    JobSchema,
    RowQuerySchema,
    RowSchema,
    TemplateQuerySchema,
)
from perisai.imports.uploads import receive, start_and_answer

blp = Blueprint(
    "imports",
    __name__,
    url_prefix="/api/v1/imports",
    description="Collective enrolment: participant lists as CSV or XLSX, run as resumable jobs",
)
blueprints = [blp, pages]
IMPORTERS = ("agent", "supervisor", "admin")


@blp.before_request
def _upload_limit():
    # A 50,000-row list is bigger than the app-wide request limit; only uploads here get more.
    request.max_content_length = current_app.config.get("IMPORT_MAX_BYTES", 64 * 1024 * 1024)


def visible_job(job_id) -> ImportJob:
    return operations.visible_job(db.session, current_scope(), job_id)


@blp.route("/workers")
class ImportWorkers(MethodView):
    @roles_required(*IMPORTERS)
    @blp.arguments(ImportUploadSchema, location="files", content_type="multipart/form-data")
    @blp.response(201, JobSchema)
    @blp.alt_response(200, schema=JobSchema, description="the same file again: its job")
    @blp.alt_response(202, schema=JobSchema, description="running in the background: poll it")
    def post(self, form):
        """Upload a participant list (CSV/XLSX) for a dry run or an import."""
        with receive(form.pop("file")) as upload:
            job, created = operations.submit_import(
                db.session,
                user=current_user,
                upload=upload,
                dry_run=form.pop("dry_run"),
                mode=form.pop("mode"),
                options=form,
            )
        db.session.commit()
        return start_and_answer(job, created)


@blp.route("")
class ImportJobs(MethodView):
    @roles_required(*IMPORTERS)
    @blp.arguments(PageArgs, location="query")
    @blp.response(200, JobSchema(many=True))
    def get(self, args):
        """Import jobs in scope, newest first."""
        stmt = (
            select(ImportJob)
            .where(operations.visible_jobs(current_scope()))
            .order_by(ImportJob.created_at.desc(), ImportJob.id)
        )
        jobs, headers = paginate(db.session, stmt, args)
        return jobs, headers


@blp.route("/<uuid:job_id>")
class ImportJobById(MethodView):
    @roles_required(*IMPORTERS)
    @blp.response(200, JobSchema)
    def get(self, job_id):
        """One job: state, counts and progress (poll this while it runs)."""
        return visible_job(job_id)


@blp.route("/<uuid:job_id>/rows")
class ImportRows(MethodView):
    @roles_required(*IMPORTERS)
    @blp.arguments(RowQuerySchema, location="query")
    @blp.response(200, RowSchema(many=True))
    def get(self, args, job_id):
        """The row report: each row's status and problems (status=problems: only those)."""
        stmt = reading.rows_query(visible_job(job_id), args["status"])
        page, size = args["page"], args["page_size"]
        total = db.session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery()))
        rows = db.session.execute(stmt.limit(size).offset((page - 1) * size)).all()
        header = json.dumps({"total": total, "page": page, "page_size": size})
        return rows, {"X-Pagination": header}


@blp.route("/<uuid:job_id>/rows.csv")
class ImportRowsCsv(MethodView):
    @roles_required(*IMPORTERS)
    @blp.response(200, content_type="text/csv")
    def get(self, job_id):
        """The whole row report as CSV, in the request's language."""
        job = visible_job(job_id)
        lang = current_language()
        stmt = reading.rows_query(job, None).execution_options(yield_per=1000)

        def generate():
            out = io.StringIO()
            writer = csv.writer(out)
            writer.writerow(["row", "status", "nik_masked", "membership_number", "problems"])
            for row, number in db.session.execute(stmt):
                problems = "; ".join(
                    f"{key}: {t(message, lang)}"
                    for key, messages in (row.errors or {}).items()
                    for message in messages
                )
                writer.writerow([row.row_number, row.status, row.nik_masked, number, problems])
                yield out.getvalue()
                out.seek(0)
                out.truncate()

        filename = f"import-{job.id}-report.csv"
        return Response(
            generate(),
            mimetype="text/csv",
            headers={"Content-Disposition": f'attachment; filename="{filename}"'},
        )


def _action(job_id, operation):
    job = visible_job(job_id)
    operation(job)
    db.session.commit()
    return start_and_answer(job, False)


@blp.route("/<uuid:job_id>/commit")
class ImportCommit(MethodView):
    @roles_required(*IMPORTERS)
    @blp.arguments(CommitSchema)
    @blp.response(200, JobSchema)
    @blp.alt_response(202, schema=JobSchema, description="running in the background")
    def post(self, body, job_id):
        """Import a dry-run file for real (optionally choosing the mode)."""
        return _action(job_id, lambda job: operations.commit_validated(job, body["mode"]))


@blp.route("/<uuid:job_id>/resume")
class ImportResume(MethodView):
    @roles_required(*IMPORTERS)
    @blp.response(200, JobSchema)
    @blp.alt_response(202, schema=JobSchema, description="running in the background")
    def post(self, job_id):
        """Carry on an interrupted job from the first row not yet done."""
        return _action(job_id, operations.mark_for_resume)


@blp.route("/<uuid:job_id>/rollback")
class ImportRollback(MethodView):
    @roles_required(*IMPORTERS)
    @blp.response(200, JobSchema)
    @blp.alt_response(202, schema=JobSchema, description="running in the background")
    def post(self, job_id):
        """Undo an interrupted job: remove the participants it created (none paid yet)."""
        return _action(job_id, lambda job: operations.mark_for_rollback(db.session, job))


def _template(kind: str, lang: str) -> Response:
    if kind == "csv":
        content, mimetype = template.template_csv(lang), "text/csv"
    else:
        content = template.template_xlsx(lang)
        mimetype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    name = f"{'template-peserta' if lang == 'id' else 'participant-template'}.{kind}"
    return Response(
        content,
        mimetype=mimetype,
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@blp.route("/template.csv")
class TemplateCsv(MethodView):
    @roles_required(*IMPORTERS)
    @blp.arguments(TemplateQuerySchema, location="query")
    @blp.response(200, content_type="text/csv")
    def get(self, args):
        """The CSV template (header row) in Bahasa Indonesia (lang=id) or English (lang=en)."""
        return _template("csv", args["lang"])


@blp.route("/template.xlsx")
class TemplateXlsx(MethodView):
    @roles_required(*IMPORTERS)
    @blp.arguments(TemplateQuerySchema, location="query")
    @blp.response(
        200, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    def get(self, args):
        """The XLSX template: data sheet (NIK as text) and an instructions sheet."""
        return _template("xlsx", args["lang"])
