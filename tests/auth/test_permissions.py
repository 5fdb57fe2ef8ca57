"""The reusable role/scope helpers, exercised through a throwaway blueprint."""

import pytest
from flask import Blueprint

from perisai.auth.permissions import Scope, roles_required


def test_scope_allows_only_its_branch():
    assert Scope("supervisor", None, 1).allows_branch(1)
    assert not Scope("supervisor", None, 1).allows_branch(2)
    assert not Scope("supervisor", None, None).allows_branch(None)
    assert Scope("admin", None, None).allows_branch(2)


@pytest.fixture(scope="module")
def guarded_app(tmp_path_factory):
    from flask_migrate import upgrade

    from perisai import create_app

    path = tmp_path_factory.mktemp("perm")
    app = create_app({"SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}/p.sqlite3"})
    bp = Blueprint("guarded", __name__)

    @bp.get("/guarded/admin")
    @roles_required("admin")
    def admin_only():
        return {"ok": True}

    @bp.get("/guarded/staff")
    @roles_required("admin", "supervisor")
    def staff():
        return {"ok": True}

    app.register_blueprint(bp)
    with app.app_context():
        upgrade()
        from perisai.extensions import db
        from tests import factories

        factories.make_org(db.session)
        org_users = {
            u.role: u.username for u in db.session.scalars(db.select(factories.User)).all()
        }
    return app, org_users


@pytest.mark.parametrize(
    "role, path, status",
    [
        ("agent", "/guarded/admin", 403),
        ("supervisor", "/guarded/admin", 403),
        ("admin", "/guarded/admin", 200),
        ("agent", "/guarded/staff", 403),
        ("supervisor", "/guarded/staff", 200),
        ("admin", "/guarded/staff", 200),
        (None, "/guarded/staff", 401),
    ],
)
def test_roles_required(guarded_app, role, path, status):
    app, users = guarded_app
    client = app.test_client()
    if role:
        r = client.post(
            "/api/v1/auth/login",
            json={"username": users[role], "password": "correct-horse-battery"},
        )
        assert r.status_code == 200
    assert client.get(path).status_code == status


def _scopes(org):
    return [
        Scope("admin", None, None),
        Scope("supervisor", None, org.branch.id),
        Scope("supervisor", None, None),  # a supervisor without a branch sees nothing
        Scope("agent", org.agent.id, org.branch.id, org.agent_user.id),
        Scope("agent", org.agent2.id, org.branch.id),
        Scope("agent", None, org.branch.id),
        Scope("admin", None, None).within(org.other_branch.id),  # an admin who chose a branch
    ]


def test_scope_sql_and_loaded_records_agree(db, org):
    """Scope.workers()/agents() (SQL) and sees_worker/sees_agent (a loaded record) are one rule;
    worker()/agent() load the visible ones and raise NotFound for the rest."""
    from sqlalchemy import select

    from perisai.agents.models import Agent
    from perisai.errors import NotFound
    from perisai.workers.models import Worker
    from tests import factories

    session = db.session
    mine = factories.make_worker(session, org.agent)
    handed_over = factories.make_worker(session, org.agent, managed_by_id=org.agent2.id)
    elsewhere = factories.make_worker(session, org.other_agent)
    session.flush()
    workers, agents = [mine, handed_over, elsewhere], session.scalars(select(Agent)).all()
    for scope in _scopes(org):
        listed = set(session.scalars(select(Worker.id).where(scope.workers())))
        assert listed == {w.id for w in workers if scope.sees_worker(w)}, scope
        assert {a.id for a in session.scalars(scope.agents())} == {
            a.id for a in agents if scope.sees_agent(a)
        }, scope
        for worker in workers:
            if scope.sees_worker(worker):
                assert scope.worker(session, str(worker.id)) is worker
            else:
                with pytest.raises(NotFound):
                    scope.worker(session, worker.id)
    with pytest.raises(NotFound):
        Scope("admin", None, None).worker(session, "not-a-uuid")
    with pytest.raises(NotFound):
        Scope("agent", org.agent.id, org.branch.id).agent(session, org.agent2.id)
    assert Scope("supervisor", None, org.branch.id).agent(session, org.agent2.id) is org.agent2


def test_scope_where_for_records_owned_by_a_user():
    """Import jobs: an agent sees those its user uploaded; without a user, none."""
    agent = Scope("agent", 7, 1, 70)
    assert agent.sees(branch_id=1, user_id=70)
    assert not agent.sees(branch_id=1, user_id=71)
    assert not Scope("agent", 7, 1).sees(branch_id=1, user_id=None)
    assert Scope("supervisor", None, 1).sees(branch_id=1, user_id=71)
    assert not Scope("supervisor", None, 1).sees(branch_id=None, user_id=71)


def test_within_limits_an_admin_to_the_branch_it_chose(db, org):
    """`Scope.within`: an admin who chose a branch (a report's `?branch=`) sees that branch
    only, in SQL and for loaded records; choosing none is every branch with no condition."""
    from sqlalchemy import select

    from perisai.agents.models import Wadah
    from perisai.errors import NotFound

    session = db.session
    chosen = Scope("admin", None, None).within(org.branch.id)
    assert chosen.is_admin and not chosen.every_branch and chosen.one_branch_id == org.branch.id
    assert chosen.agent_by_code(session, org.agent.agent_code) is org.agent
    with pytest.raises(NotFound):
        chosen.agent_by_code(session, org.other_agent.agent_code)
    assert chosen.wadah(session, org.wadah.id) is org.wadah
    with pytest.raises(NotFound):
        chosen.wadah(session, org.other_agent.wadah_id)
    listed = set(session.scalars(select(Wadah.id).where(chosen.branches(Wadah.branch_id))))
    assert listed == {org.wadah.id, org.wadah2.id}
    assert chosen.branch_ids(session) == [org.branch.id]
    assert chosen.allows_branch(org.branch.id) and not chosen.allows_branch(org.other_branch.id)

    everything = Scope("admin", None, None).within(None)
    assert everything.every_branch and everything.one_branch_id is None
    assert str(everything.branches(Wadah.branch_id)) == "true"  # no IN (...every branch...)
    assert everything.branch_ids(session) == sorted([org.branch.id, org.other_branch.id])
    assert everything.agent_by_code(session, org.other_agent.agent_code) is org.other_agent


def test_within_keeps_a_supervisor_on_its_branch_and_refuses_agents(db, org):
    """A supervisor asking for another branch still sees only its own; an agent (or a
    supervisor without a branch) has no report at all."""
    from perisai.errors import NotAllowed, NotFound

    session = db.session
    supervisor = Scope("supervisor", None, org.branch.id)
    asked = supervisor.within(org.other_branch.id)
    assert asked == supervisor and asked.branch_ids(session) == [org.branch.id]
    with pytest.raises(NotFound):
        asked.agent_by_code(session, org.other_agent.agent_code)
    for refused in (Scope("agent", org.agent.id, org.branch.id), Scope("supervisor", None, None)):
        with pytest.raises(NotAllowed):
            refused.within(org.branch.id)
