"""/api/v1/quality: the flags of a month, one flag's evidence, its review, a month checked
again, and the agents' areas (API.md "Enrolment quality")."""

from __future__ import annotations

from flask.views import MethodView
from flask_login import current_user
from sqlalchemy import delete, select

from perisai import zones
from perisai.api import Blueprint, PageArgs, paginate
from perisai.auth.permissions import current_scope, roles_required
from perisai.errors import field_error
from perisai.extensions import db
from perisai.quality import checks, flags, review
from perisai.quality.models import AgentArea
from perisai.quality.schemas import (
    AgentAreasSchema,
    FlagDetailSchema,
    FlagQuerySchema,
    FlagSchema,
    RefreshQuerySchema,
    ReviewSchema,
)
from perisai.regions.models import Region

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
        rows = db.session.execute(stmt.limit(size).offset((page - 1) * size)).all()
        return [
            {"worker_id": str(w), "flag_id": f, "kind": k, "confirmed_at": at.isoformat()}
            for w, f, k, at in rows
        ]


@blp.route("/agents/<agent_code>/areas")
class AgentAreas(MethodView):
    @roles_required(*SUPERVISORS)
    @blp.response(200, AgentAreasSchema)
    def get(self, agent_code):
        """The districts and villages the agent works in (none: its branch's regency)."""
        agent = current_scope().agent_by_code(db.session, agent_code)
        codes = db.session.scalars(
            select(AgentArea.region_code).where(AgentArea.agent_id == agent.id)
        ).all()
        return {"region_codes": sorted(codes)}

    @roles_required(*SUPERVISORS)
    @blp.arguments(AgentAreasSchema)
    @blp.response(200, AgentAreasSchema)
    def put(self, body, agent_code):
        """Set the agent's areas (districts PP.KK.CC or villages PP.KK.CC.VVVV)."""
        agent = current_scope().agent_by_code(db.session, agent_code)
        codes = sorted(set(body["region_codes"]))
        known = set(db.session.scalars(select(Region.code).where(Region.code.in_(codes))))
        unknown = [code for code in codes if code not in known or code.count(".") < 2]
        if unknown:
            raise field_error("region_codes", f"quality.unknown_area|{', '.join(unknown)}")
        db.session.execute(delete(AgentArea).where(AgentArea.agent_id == agent.id))
        db.session.add_all(
            AgentArea(agent_id=agent.id, region_code=code, created_by_id=current_user.id)
            for code in codes
        )
        db.session.commit()
        return {"region_codes": codes}
