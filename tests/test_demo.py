from sqlalchemy import func, select

from perisai.agents.models import Agent, Wadah
from perisai.auth.models import User
from perisai.cli import demo_command
from tests.conftest import login


def test_demo_creates_the_logins_of_the_contract(app, db):
    runner = app.test_cli_runner()
    result = runner.invoke(demo_command)
    assert result.exit_code == 0, result.output
    roles = dict(db.session.execute(select(User.username, User.role)).all())
    assert {k: roles[k] for k in ("admin", "supervisor", "agent", "agent2")} == {
        "admin": "admin",
        "supervisor": "supervisor",
        "agent": "agent",
        "agent2": "agent",
    }
    agent, agent2 = (
        db.session.scalar(select(User).where(User.username == u)) for u in ("agent", "agent2")
    )
    assert agent.agent.wadah_id != agent2.agent.wadah_id
    assert agent.agent.wadah.branch_id == agent2.agent.wadah.branch_id
    assert db.session.scalar(select(User).where(User.username == "supervisor")).branch_id == (
        agent.agent.wadah.branch_id
    )
    assert db.session.scalar(select(func.count()).select_from(Agent)) > 2
    assert db.session.scalar(select(func.count()).select_from(Wadah)) >= 2
    session = login(app, "agent", "perisai-demo")
    assert session.user["agent_code"] == agent.agent.agent_code


def test_demo_refuses_a_database_that_has_data(app, db, org):
    result = app.test_cli_runner().invoke(demo_command)
    assert result.exit_code == 1
    assert (
        db.session.scalar(select(func.count()).select_from(User).where(User.username == "admin"))
        == 0
    )


def test_create_user_command(app, db, org):
    runner = app.test_cli_runner()
    result = runner.invoke(
        args=[
            "perisai",
            "create-user",
            "new.agent",
            "--role",
            "agent",
            "--agent-code",
            org.agent2.agent_code,
            "--password",
            "long-enough-pw",
        ]
    )
    assert result.exit_code != 0  # agent2 already has a login (one login per agent)
    result = runner.invoke(
        args=[
            "perisai",
            "create-user",
            "kepala",
            "--role",
            "supervisor",
            "--branch-code",
            org.branch.code,
            "--password",
            "long-enough-pw",
        ]
    )
    assert result.exit_code == 0, result.output
    assert login(app, "kepala", "long-enough-pw").user["role"] == "supervisor"


def test_create_user_rejects_a_short_password(app, db, org):
    result = app.test_cli_runner().invoke(
        args=["perisai", "create-user", "adm2", "--role", "admin", "--password", "short"]
    )
    assert result.exit_code != 0
    assert "10" in result.output


def test_demo_participants_cover_every_status(app, db):
    assert app.test_cli_runner().invoke(demo_command).exit_code == 0
    agent = login(app, "agent", "perisai-demo")
    statuses = {
        status: int(
            agent.get(f"/api/v1/workers?status={status}")
            .headers["X-Pagination"]
            .split('"total": ')[1]
            .split(",")[0]
        )
        for status in ("registered", "active", "grace", "ended")
    }
    assert all(count > 0 for count in statuses.values()), statuses
    # the other agent's participants are not the demo agent's
    other = login(app, "agent2", "perisai-demo").get("/api/v1/workers").get_json()
    mine = {w["id"] for w in agent.get("/api/v1/workers?page_size=200").get_json()}
    assert other and not ({w["id"] for w in other} & mine)
