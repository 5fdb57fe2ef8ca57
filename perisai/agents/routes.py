"""Organisation endpoints: a supervisor hands an agent's participants to another agent."""

from __future__ import annotations

from flask.views import MethodView
from flask_login import current_user

from perisai import zones
from perisai.agents.schemas import ReassignResultSchema, ReassignSchema
from perisai.api import Blueprint
from perisai.auth.permissions import current_scope, roles_required
from perisai.extensions import db
from perisai.workers import changes

blp = Blueprint("agents", __name__, url_prefix="/api/v1/agents", description="Agents")


@blp.route("/<agent_code>/reassign")
class Reassign(MethodView):
    @roles_required("supervisor", "admin")
    @blp.arguments(ReassignSchema)
    @blp.response(200, ReassignResultSchema)
    def post(self, body, agent_code):
        """Move the agent's participants (all, or `worker_ids`) to another active agent of the
        same branch; collection fees follow from now on, the acquisition fee stays."""
        scope = current_scope()
        agent = scope.agent_by_code(db.session, agent_code)
        moved = changes.reassign_portfolio(
            db.session,
            scope=scope,
            from_agent=agent,
            to_agent_code=body["to_agent_code"],
            worker_ids=body["worker_ids"],
            changed_by=current_user,
            today=zones.today_of_branch(db.session, agent.wadah.branch_id),
        )
        db.session.commit()
        return {"moved": moved}
