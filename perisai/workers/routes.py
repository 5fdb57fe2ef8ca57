"""The participants API: register, list and search, read, edit, death, consent and photos."""

import functools

from flask import Response, abort, current_app, request
from flask.views import MethodView
from flask_login import current_user
from sqlalchemy import select

from perisai import clock, zones
from perisai.api import Blueprint, paginate
from perisai.auth.permissions import current_scope, login_required, roles_required
from perisai.contributions.coverage import covered_until_on
from perisai.contributions.rates import version_header
from perisai.extensions import db
from perisai.storage import storage
from perisai.workers import changes, operations, photos, privacy
from perisai.workers.models import PHOTO_KINDS, Occupation
from perisai.workers.queries import list_query
from perisai.workers.schemas import (
    AsOfSchema,
    DeathSchema,
    MessageConsentSchema,
    OccupationSchema,
    WorkerCreateSchema,
    WorkerListItemSchema,
    WorkerQuerySchema,
    WorkerSchema,
    WorkerUpdateSchema,
)
from perisai.workers.serialization import Participant

blp = Blueprint(
    "workers", __name__, url_prefix="/api/v1/workers", description="Participants (Peserta BPU)"
)
reference = Blueprint(
    "reference-occupations", __name__, url_prefix="/api/v1/reference", description="Occupations"
)
blueprints = [blp, reference]


@blp.route("")
class Workers(MethodView):
    @login_required
    @blp.arguments(WorkerQuerySchema, location="query")
    @blp.response(200, WorkerListItemSchema(many=True))
    def get(self, args):
        """List participants in scope (NIK masked); search by name, number, phone or NIK."""
        scope = current_scope()
        today = clock.today(zones.of_scope(db.session, scope))
        stmt = list_query(
            scope,
            q=args["q"],
            status=args["status"],
            due_within_days=args["due_within_days"],
            today=today,
        )
        items, headers = paginate(db.session, stmt, args)
        return [Participant(w, scope, zones.today_of_worker(db.session, w)) for w in items], headers

    @roles_required("agent", "supervisor", "admin")
    @blp.arguments(WorkerCreateSchema)
    @blp.response(201, WorkerSchema)
    @blp.alt_response(200, schema=WorkerSchema, description="the same registration resent")
    def post(self, body):
        """Register a participant (idempotent on the client-generated id)."""
        scope = current_scope()
        result = operations.register_worker(
            db.session, scope=scope, agent=current_user.agent, data=body
        )
        db.session.commit()
        today = zones.today_of_worker(db.session, result.worker)
        participant = Participant(result.worker, scope, today, warnings=result.warnings)
        return participant, 201 if result.created else 200


@blp.route("/<worker_id>")
class WorkerById(MethodView):
    @login_required
    @blp.arguments(AsOfSchema, location="query")
    @blp.response(200, WorkerSchema)
    def get(self, args, worker_id):
        """One participant, with status and coverage as of a date (default today)."""
        scope = current_scope()
        worker = scope.worker(db.session, worker_id)
        if args["as_of"] is None:
            today = zones.today_of_worker(db.session, worker)
            return Participant(worker, scope, today)
        covered = covered_until_on(db.session, worker, args["as_of"])
        return Participant(worker, scope, args["as_of"], covered_until=covered)

    @roles_required("agent", "supervisor", "admin")
    @blp.arguments(WorkerUpdateSchema)
    @blp.response(200, WorkerSchema)
    @blp.alt_response(
        409,
        description="`version` is stale: the current participant is in "
        "errors.json.version.details (and `current`)",
    )
    def patch(self, body, worker_id):
        """Change phone, address, village, beneficiary, income level, programs, funding, the
        language of messages or the channels consented to (`consent`), on the version read.
        Income level and programs take effect from the next unpaid month; nothing changed →
        200 with the same version."""
        scope = current_scope()
        worker = scope.worker(db.session, worker_id)
        today = zones.today_of_worker(db.session, worker)
        changes.update_worker(
            db.session, scope=scope, worker=worker, data=body, changed_by=current_user, today=today
        )
        db.session.commit()
        return Participant(worker, scope, today)


@blp.route("/<worker_id>/death")
class WorkerDeath(MethodView):
    @roles_required("agent", "supervisor", "admin")
    @blp.arguments(DeathSchema)
    @blp.response(200, WorkerSchema)
    def post(self, body, worker_id):
        """Record the participant's death: status `ended`, `end_reason` "died". The same date
        again → 200 unchanged; another date → 409. No month after the month of death can be
        paid, and the participant leaves the renewal lists."""
        scope = current_scope()
        worker = scope.worker(db.session, worker_id)
        today = zones.today_of_worker(db.session, worker)
        changes.record_death(
            db.session,
            scope=scope,
            worker=worker,
            died_on=body["died_on"],
            changed_by=current_user,
            today=today,
        )
        db.session.commit()
        return Participant(worker, scope, today)


@blp.route("/<worker_id>/photos/<kind>")
class WorkerPhotoResource(MethodView):
    @login_required
    @blp.response(204)
    def put(self, worker_id, kind):
        """Upload (or replace) the KTP or face photo: raw JPEG/PNG/WebP body."""
        if kind not in PHOTO_KINDS:
            abort(404)
        worker = current_scope().worker(db.session, worker_id)
        photos.store_photo(
            db.session,
            storage(),
            worker,
            kind,
            request.content_type or "",
            request.get_data(),
            current_user.id,
        )
        db.session.commit()

    @login_required
    @blp.response(200, content_type="image/jpeg")
    def get(self, worker_id, kind):
        """The stored photo (JPEG, metadata stripped)."""
        worker = current_scope().worker(db.session, worker_id)
        content = photos.read_photo(
            db.session, storage(), worker, kind, current_app.config.get("PHOTO_STORE")
        )
        if content is None:
            abort(404)
        return Response(content, mimetype="image/jpeg", headers={"Cache-Control": "private"})


@reference.route("/occupations")
class Occupations(MethodView):
    @reference.response(200, OccupationSchema(many=True))
    def get(self):
        """BPU occupations with their sector (transport/other)."""
        occupations = db.session.scalars(
            select(Occupation).where(Occupation.is_active).order_by(Occupation.label_id)
        ).all()
        return occupations, version_header(db.session)


@blp.route("/<worker_id>/export")
class WorkerExport(MethodView):
    @roles_required("supervisor", "admin")
    @blp.response(200)
    def get(self, worker_id):
        """Everything held about one participant (UU PDP right of access)."""
        scope = current_scope()
        worker = scope.worker(db.session, worker_id)
        today = zones.today_of_worker(db.session, worker)
        participant = WorkerSchema().dump(Participant(worker, scope, today))
        return privacy.export_worker(db.session, worker, participant)


def _visible_first(view):
    """404 for a participant outside the caller's scope before the body is even read, so an
    outsider learns nothing from the body's validation either."""

    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        current_scope().worker(db.session, kwargs["worker_id"])
        return view(*args, **kwargs)

    return wrapper


@blp.route("/<worker_id>/consent")
class MessageConsent(MethodView):
    @roles_required("agent", "supervisor", "admin")
    @_visible_first
    @blp.arguments(MessageConsentSchema)
    @blp.response(200, WorkerSchema)
    def post(self, body, worker_id):
        """Set the channels (WhatsApp, SMS) the participant agrees to messages by, under the
        notice shown; a channel left out is withdrawn at once. Needs no `version`."""
        scope = current_scope()
        worker = scope.worker(db.session, worker_id)
        changes.change_message_consent(
            db.session, scope=scope, worker=worker, data=body, changed_by=current_user
        )
        db.session.commit()
        return Participant(worker, scope, zones.today_of_worker(db.session, worker))


@blp.route("/<worker_id>/consent/withdraw")
class ConsentWithdrawal(MethodView):
    @login_required
    @blp.response(200, WorkerSchema)
    def post(self, worker_id):
        """Record that the participant withdrew consent (processing stops)."""
        scope = current_scope()
        worker = scope.worker(db.session, worker_id)
        privacy.withdraw_consent(worker)
        db.session.commit()
        return Participant(worker, scope, zones.today_of_worker(db.session, worker))


@blp.route("/<worker_id>/anonymise")
class Anonymise(MethodView):
    @roles_required("admin")
    @blp.response(200, WorkerSchema)
    def post(self, worker_id):
        """Erase the participant's personal data; payments and ledger stay consistent."""
        scope = current_scope()
        worker = scope.worker(db.session, worker_id)
        privacy.anonymise_worker(
            db.session, worker, storage(), current_app.config.get("PHOTO_STORE")
        )
        db.session.commit()
        return Participant(worker, scope, zones.today_of_worker(db.session, worker))
