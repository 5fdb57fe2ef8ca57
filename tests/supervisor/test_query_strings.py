"""Every supervisor page (every GET route under /supervisor/, walked from the URL map) answers
junk in its query string with a 4xx page naming the field, in the user's language; never 500."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from perisai import clock, create_app
from perisai.cash.statements import statement_format, upload_statement
from perisai.quality.models import QualityFlag
from tests.employers.helpers import employer_payload
from tests.factories import make_worker

JUNK = {
    "huge": "99999999999999999999",
    "negative": "-5",
    "letters": "abc",
    "nul": "1\x00",
    "unknown id": "2147483000",
}
# A free-text field (metadata free_text, e.g. the participant search box) takes letters: for it
# "abc" is a name, and the junk is text that can name no participant.
TEXT_JUNK = {
    **{kind: junk for kind, junk in JUNK.items() if kind != "letters"},
    "one letter": "a",
    "wildcards": "%_%",
    "too long": "a" * 101,
    "text-direction override": "Budi\u202eexe.png",
}
# Fields of no schema, sent to a page that declares none: it must still not fail.
COMMON_FIELDS = ("page", "page_size", "month", "branch", "wadah", "agent", "status")
NOT_PAGES = ("supervisor.static", "supervisor.login", "imports-pages.static")


def page_routes():
    app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "TESTING": True})
    cases = []
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if not rule.rule.startswith("/supervisor") or "GET" not in rule.methods:
            continue
        if rule.endpoint in NOT_PAGES:
            continue
        schema = getattr(app.view_functions[rule.endpoint], "query_schema", None)
        fields = tuple(schema().fields) if schema else COMMON_FIELDS
        if schema is None:
            cases += [(rule.rule, field, False, False) for field in fields]
            continue
        free = {f for f, spec in schema().fields.items() if spec.metadata.get("free_text")}
        cases += [(rule.rule, field, schema is not None, field in free) for field in fields]
    return cases


CASES = page_routes()


@pytest.fixture
def path_ids(db, org, as_admin):
    """The ids a page's path needs: the org's agent and Wadah, an import job, a statement."""
    import io

    from tests.imports.helpers import csv_bytes, rows_of

    content = csv_bytes(rows_of(1, start=7000, agent_code=org.agent.agent_code))
    response = as_admin.client.post(
        "/supervisor/imports",
        data={"csrf_token": as_admin.csrf_token, "file": (io.BytesIO(content), "a.csv")},
        content_type="multipart/form-data",
    )
    job_id = response.headers["Location"].rsplit("/", 1)[-1]
    employer = as_admin.post(
        "/api/v1/employers", json=employer_payload(agent_code=org.agent.agent_code)
    ).get_json()
    worker = make_worker(db.session, org.agent)
    make_worker(db.session, org.agent, capture_seconds=3)  # an enrolment quality flag
    statement = upload_statement(
        db.session,
        branch_id=org.branch.id,
        content=b"date,reference,amount\n2026-06-15,TRF 1,1000\n",
        filename="mutasi.csv",
        fmt=statement_format(db.session, "standard"),
    ).statement
    db.session.commit()
    return {
        "agent_code": org.agent.agent_code,
        "wadah_id": org.wadah.id,
        "job_id": job_id,
        "worker_id": worker.id,
        "statement_id": statement.id,
        "flag_id": db.session.scalar(select(QualityFlag.id)),
        "employer_id": employer["id"],
    }


def fill(rule: str, ids: dict) -> str:
    return re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", lambda m: str(ids[m.group(1)]), rule)


def test_the_pages_are_found():
    rules = {rule for rule, *_ in CASES}
    assert {"/supervisor/", "/supervisor/agents", "/supervisor/months"} <= rules
    assert ("/supervisor/agents", "wadah", True, False) in CASES
    assert ("/supervisor/participants", "q", True, True) in CASES


@pytest.mark.parametrize(
    ("rule", "field", "has_schema", "free_text"), CASES, ids=[f"{r} {f}" for r, f, *_ in CASES]
)
def test_junk_in_the_query_string_is_named_never_a_500(
    as_admin, path_ids, rule, field, has_schema, free_text
):
    url = fill(rule, path_ids)
    for kind, junk in (TEXT_JUNK if free_text else JUNK).items():
        for lang, accept in (("id", "id"), ("en", "en")):
            with clock.travel("2026-06-15"):
                response = as_admin.get(
                    url, query_string={field: junk}, headers={"Accept-Language": accept}
                )
            if not has_schema:  # a page without a query schema ignores what it does not read
                assert response.status_code == 200, (url, field, kind, response.status_code)
                continue
            assert response.status_code == 422, (url, field, kind, response.status_code)
            html = response.get_data(as_text=True)
            assert f'data-field="{field}"' in html, (url, field, kind)
            title = "tidak valid" if lang == "id" else "not valid"
            assert title in html, (url, field, kind, lang)


def test_a_supervisor_cannot_name_another_branch_or_its_wadah(db, org, as_supervisor):
    other_wadah = org.other_agent.wadah_id
    with clock.travel("2026-06-15"):
        wadah = as_supervisor.get(f"/supervisor/agents?wadah={other_wadah}")
        branch = as_supervisor.get(f"/supervisor/agents?branch={org.other_branch.id}&lang=en")
        own = as_supervisor.get(f"/supervisor/agents?wadah={org.wadah.id}&branch={org.branch.id}")
    assert wadah.status_code == 422
    assert "Wadah tidak dikenal" in wadah.get_data(as_text=True)
    assert branch.status_code == 422
    assert "Unknown branch." in branch.get_data(as_text=True)
    assert own.status_code == 200


def test_empty_choices_mean_any(db, org, as_supervisor):
    """The filter form sends `wadah=&status=` for "any": not junk."""
    with clock.travel("2026-06-15"):
        response = as_supervisor.get("/supervisor/agents?month=2026-06&wadah=&status=&sort=rank")
    assert response.status_code == 200
    assert org.agent.agent_code in response.get_data(as_text=True)
