"""/api/v1/quality: the flags of a month, one flag's evidence, its review, a month checked
again, and the agents' areas (API.md "Enrolment quality")."""

from __future__ import annotations

import json

from flask.views import MethodView
from flask_login import current_user
from sqlalchemy import func, select

from perisai import zones
from perisai.api import Blueprint, PageArgs, paginate
from perisai.auth.permissions import current_scope, roles_required
from perisai.extensions import db
from perisai.quality import areas, checks, flags, review
from perisai.quality.schemas import (
    AgentAreasSchema,
    FlagDetailSchema,
    FlagQuerySchema,
    FlagSchema,
    RefreshQuerySchema,
    ReviewSchema,
)

blp = Blueprint(
    "quality", __name__, url_prefix="/api/v1/quality", description="Enrolment quality: flags"
)
SUPERVISORS = ("supervisor", "admin")


@blp.route("/flags")
class Flags(MethodView):
    @roles_required(*SUPERVISORS)
    @blp.arguments(FlagQuerySchema, location="query")
    @blp.response(200, FlagSchema(many=True))
    def get(self, args):
        """The flags of the caller's branches, newest month first (filters month, agent, state)."""
        return paginate(db.session, review.flags_query(db.session, current_scope(), args), args)


@blp.route("/flags/<int:flag_id>")
class FlagById(MethodView):
    @roles_required(*SUPERVISORS)
    @blp.response(200, FlagDetailSchema)
    def get(self, flag_id):
        """One flag with its participants side by side (NIK masked), positions and photos."""
        flag = flags.flag_or_404(db.session, current_scope(), flag_id)
        return review.FlagReview(flag, review.members(db.session, flag))


def _review(flag_id: int, decision: str, note: str):
    flag = flags.flag_or_404(db.session, current_scope(), flag_id)
    flags.review_flag(db.session, flag=flag, decision=decision, note=note, user=current_user)
    db.session.commit()
    return flag


@blp.route("/flags/<int:flag_id>/clear")
class ClearFlag(MethodView):
    @roles_required(*SUPERVISORS)
    @blp.arguments(ReviewSchema)
    @blp.response(200, FlagSchema)
    def post(self, body, flag_id):
        """A false alarm: the held acquisition fees are released at the next close."""
        return _review(flag_id, "clear", body["note"])


@blp.route("/flags/<int:flag_id>/confirm")
class ConfirmFlag(MethodView):
    @roles_required(*SUPERVISORS)
    @blp.arguments(ReviewSchema)
    @blp.response(200, FlagSchema)
    def post(self, body, flag_id):
        """Fake or careless: the fees are clawed back; agent marked for dismissal."""
        return _review(flag_id, "confirm", body["note"])


@blp.route("/refresh")
class Refresh(MethodView):
    @roles_required(*SUPERVISORS)
    @blp.arguments(RefreshQuerySchema, location="query")
    @blp.response(200)
    def post(self, args):
        """Check a registration month again now (the scheduled job does it nightly)."""
        scope = current_scope()
        branch_ids = scope.within(None).branch_ids(db.session)
        today = zones.today_of_branch(db.session, scope.one_branch_id)
        changed = checks.refresh_month(db.session, args["month"], branch_ids, today)
        db.session.commit()
        return {"month": str(args["month"]), "changed": changed}


@blp.route("/verifications")
class Verifications(MethodView):
    @roles_required(*SUPERVISORS)
    @blp.arguments(PageArgs, location="query")
    @blp.response(200)
    def get(self, args):
        """Participants of confirmed flags, to be verified in person."""
        stmt = flags.verifications(current_scope())
        page, size = args["page"], args["page_size"]
        total = db.session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery()))
        rows = db.session.execute(stmt.limit(size).offset((page - 1) * size)).all()
        header = json.dumps({"total": total, "page": page, "page_size": size})
        return [
            {"worker_id": str(w), "flag_id": f, "kind": k, "confirmed_at": at.isoformat()}
            for w, f, k, at in rows
        ], {"X-Pagination": header}


@blp.route("/agents/<agent_code>/areas")
class AgentAreas(MethodView):
    @roles_required(*SUPERVISORS)
    @blp.response(200, AgentAreasSchema)
    def get(self, agent_code):
        """The districts and villages the agent works in (none: its branch's regency)."""
        agent = current_scope().agent_by_code(db.session, agent_code)
        return {"region_codes": areas.agent_areas(db.session, agent)}

    @roles_required(*SUPERVISORS)
    @blp.arguments(AgentAreasSchema)
    @blp.response(200, AgentAreasSchema)
    def put(self, body, agent_code):
        """Set the agent's areas (districts PP.KK.CC or villages PP.KK.CC.VVVV)."""
        agent = current_scope().agent_by_code(db.session, agent_code)
        codes = areas.set_agent_areas(
            db.session, agent=agent, region_codes=body["region_codes"], user=current_user
        )
        db.session.commit()
        return {"region_codes": codes}
