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
