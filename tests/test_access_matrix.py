"""Every API route, walked from the URL map: other agents' and other branches' records are
refused (IDOR), and every cookie-authenticated write without the CSRF header is refused.

New routes are picked up automatically; a route with a path id this file cannot fill makes
`test_every_path_id_is_known` fail, so nobody adds an endpoint the matrix silently skips.
"""

from __future__ import annotations

import io
import re
import uuid

import pytest

from perisai import clock
from tests.employers.helpers import employee_payload, employer_payload
from tests.factories import worker_payload

WRITE_METHODS = ("POST", "PUT", "PATCH", "DELETE")
# Routes that anyone may call, by design (public verification, reference data, login).
PUBLIC_PREFIXES = (
    "/api/v1/reference/",
    "/api/v1/verify/",
    "/api/v1/auth/login",
    "/api/v1/openapi.json",
    "/api/v1/docs",
    "/api/v1/imports/template",
)
KNOWN_IDS = {
    "worker_id",
    "payment_id",
    "card_id",
    "serial",
    "statement_id",
    "sponsor_id",
    "job_id",
    "token",
    "code",
    "month",
    "kind",
    "filename",
    "wadah_id",
    "agent_code",
    "agent_id",
    "branch_id",
    "version_id",
    "rule_id",
    "path",
    "id",
    "deposit_id",
    "line_id",
    "flag_id",
    "employer_id",
    "headcount_id",
    "visit_id",
}


def api_rules(app):
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/v1/") and not rule.rule.startswith(PUBLIC_PREFIXES):
            yield rule


def path_variables(rule) -> set[str]:
    return set(rule.arguments)


def test_every_path_id_is_known(app):
    unknown = {
        (rule.rule, name)
        for rule in api_rules(app)
        for name in path_variables(rule)
        if name not in KNOWN_IDS
    }
    assert unknown == set()


@pytest.fixture
def records(as_agent, as_supervisor, org):
    """Records of agent 1 / branch A — participant, payment, card, commission statement,
    sponsor, agent — as the targets of the probes."""
    # filled in seconds: an enrolment quality flag (fast_capture) to probe as well
    worker = as_agent.post("/api/v1/workers", json=worker_payload(capture_seconds=5)).get_json()
    quote = as_agent.get(f"/api/v1/workers/{worker['id']}/quote?months=1").get_json()
    payment = as_agent.post(
        f"/api/v1/workers/{worker['id']}/payments",
        json={
            "id": str(uuid.uuid4()),
            "months": 1,
            "amount": quote["total"],
            "paid_on": clock.today().isoformat(),
            "channel": "cash",
        },
    ).get_json()
    assert as_agent.get(f"/api/v1/workers/{worker['id']}/card.pdf").status_code == 200
    card = as_agent.get(f"/api/v1/workers/{worker['id']}/cards").get_json()[0]
    month = clock.today().strftime("%Y-%m")
    statement = as_agent.get(f"/api/v1/commissions/statements?month={month}").get_json()[0]
    sponsor = as_supervisor.post(
        "/api/v1/sponsors",
        json={
            "name": "Pemkab Batang",
            "type": "apbd",
            "agreement_reference": "PKS/1",
            "agreement_start": "2026-01-01",
            "agreement_end": "2026-12-31",
            "contact_name": "Dinas Tenaga Kerja",
        },
    ).get_json()
    deposit = as_agent.post(
        "/api/v1/cash/deposits",
        json={
            "id": str(uuid.uuid4()),
            "amount": quote["total"],
            "channel": "va",
            "reference": "VA-MATRIX-1",
            "deposited_on": clock.today().isoformat(),
        },
    ).get_json()
    cash_statement = as_supervisor.post(
        "/api/v1/cash/statements",
        data=f"date,reference,amount\n{clock.today().isoformat()},NOT-A-DEPOSIT,12345\n".encode(),
        headers={"Content-Type": "text/csv"},
    ).get_json()
    [flag] = as_supervisor.get("/api/v1/quality/flags").get_json()
    employer, employee = employer_payload(), employee_payload()
    as_agent.post("/api/v1/employers", json=employer)
    as_agent.post(f"/api/v1/employers/{employer['id']}/workers", json=employee)
    due = as_agent.get(f"/api/v1/employers/{employer['id']}/quote").get_json()["amount_due"]
    employer_payment = as_agent.post(
        f"/api/v1/employers/{employer['id']}/payments",
        json={
            "id": str(uuid.uuid4()),
            "month": month,
            "amount": due,
            "paid_on": clock.today().isoformat(),
            "channel": "bank",
        },
    )
    assert employer_payment.status_code == 201, employer_payment.get_json()
    as_supervisor.post(
        "/api/v1/compliance/headcounts",
        data={
            "file": (
                io.BytesIO(b"employer_name,regency_code,reported_workers\nUsaha,33.25,5\n"),
                "l.csv",
            )
        },
        content_type="multipart/form-data",
    )
    [headcount] = as_supervisor.get("/api/v1/compliance/headcounts").get_json()
    visit = as_supervisor.post(
        "/api/v1/compliance/visits",
        json={
            "headcount_id": headcount["id"],
            "planned_on": clock.today().isoformat(),
            "team": "Tim",
        },
    ).get_json()
    return {
        "flag_id": flag["id"],
        "employer_id": employer["id"],
        "headcount_id": headcount["id"],
        "visit_id": visit["id"],
        "deposit_id": deposit["id"],
        "line_id": cash_statement["unmatched"][0]["id"],
        "worker_id": worker["id"],
        "payment_id": payment["id"],
        "serial": card["serial"],
        "statement_id": statement["id"],
        "sponsor_id": sponsor["id"],
        "agent_code": org.agent.agent_code,
        "_secrets": [
            worker["nik"],
            worker["full_name"],
            worker["phone"],
            employee["nik"],
            employee["full_name"],
        ],
    }


TARGETED = {
    "worker_id",
    "payment_id",
    "serial",
    "statement_id",
    "sponsor_id",
    "agent_code",
    "deposit_id",
    "line_id",
    "flag_id",
    "employer_id",
    "headcount_id",
    "visit_id",
}


def fill(rule, records) -> str:
    values = {name: records.get(name, str(uuid.uuid4())) for name in path_variables(rule)}
    values.setdefault("month", clock.today().strftime("%Y-%m"))
    values.update(
        {
            k: v
            for k, v in {"kind": "ktp", "month": clock.today().strftime("%Y-%m")}.items()
            if k in path_variables(rule)
        }
    )
    url = rule.rule
    for name, value in values.items():
        url = re.sub(rf"<(?:[^:<>]+:)?{name}>", str(value), url)
    return url


def targeted(rule) -> bool:
    return bool(path_variables(rule) & TARGETED)


def valid_body(method: str, rule: str) -> dict:
    """A body the route would accept from its owner, so a refusal is the access check's and
    not the body schema's (an empty body is a 422 before the participant is even loaded)."""
    today = clock.today().isoformat()
    bodies = {
        ("PATCH", "/api/v1/workers/<worker_id>"): {"version": 1, "phone": "081377778888"},
        ("POST", "/api/v1/workers/<worker_id>/death"): {"died_on": today},
        ("POST", "/api/v1/agents/<agent_code>/reassign"): {"to_agent_code": "AG-0000"},
        ("POST", "/api/v1/payments/<uuid:payment_id>/reverse"): {"reason": "uji coba"},
        ("POST", "/api/v1/payments/<uuid:payment_id>/reject"): {"note": "uji coba"},
        ("POST", "/api/v1/sponsors/<int:sponsor_id>/payments"): {
            "id": str(uuid.uuid4()),
            "months": 3,
            "paid_on": today,
            "worker_ids": [str(uuid.uuid4())],
            "amount": 3 * 16_800,
        },
        ("POST", "/api/v1/commissions/statements/<statement_id>/paid"): {
            "paid_on": today,
            "transfer_reference": "TRF-1",
        },
        ("POST", "/api/v1/cash/deposits/<deposit_id>/resolve"): {
            "decision": "confirm",
            "note": "uji coba",
        },
        ("POST", "/api/v1/cash/queue/lines/<int:line_id>/resolve"): {
            "decision": "dismiss",
            "note": "uji coba",
        },
        ("POST", "/api/v1/quality/flags/<int:flag_id>/clear"): {"note": "uji coba"},
        ("POST", "/api/v1/quality/flags/<int:flag_id>/confirm"): {"note": "uji coba"},
        ("PUT", "/api/v1/quality/agents/<agent_code>/areas"): {"region_codes": ["33.25.01"]},
        ("POST", "/api/v1/employers/<employer_id>/workers"): employee_payload(),
        ("POST", "/api/v1/compliance/visits/<int:visit_id>/outcome"): {
            "outcome": "promised",
            "visited_on": today,
        },
        ("POST", "/api/v1/employers/<employer_id>/payments"): {
            "id": str(uuid.uuid4()),
            "month": today[:7],
            "amount": 1,
            "paid_on": today,
            "channel": "bank",
        },
        ("POST", "/api/v1/workers/<worker_id>/payments"): {
            "id": str(uuid.uuid4()),
            "months": 1,
            "amount": 16_800,
            "paid_on": today,
            "channel": "cash",
        },
    }
    return bodies.get((method, rule), {})


@pytest.mark.parametrize("prober", ["as_agent2", "as_other_branch_agent", "as_other_supervisor"])
def test_other_agents_and_branches_are_refused(request, app, records, prober):
    client = request.getfixturevalue(prober)
    leaks = []
    for rule in api_rules(app):
        if not targeted(rule):
            continue
        url = fill(rule, records)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            response = client._call(method.lower(), url, json=valid_body(method, rule.rule))
            body = response.get_data(as_text=True)
            refused = response.status_code in (403, 404)  # not a 422: that is no access check
            if not refused or any(s in body for s in records["_secrets"]):
                leaks.append((method, rule.rule, response.status_code))
    assert leaks == [], leaks


def test_the_owner_can_reach_the_same_routes(app, as_agent, records):
    """The probes above are meaningful only if the same URLs work for the owner."""
    ok = as_agent.get(f"/api/v1/workers/{records['worker_id']}")
    assert ok.status_code == 200
    assert as_agent.get(f"/api/v1/workers/{records['worker_id']}/payments").status_code == 200
    assert (
        as_agent.get(f"/api/v1/commissions/statements/{records['statement_id']}.pdf").status_code
        == 200
    )


def test_every_write_needs_the_csrf_header(app, as_supervisor, records):
    """API and HTML form routes alike (a logged-in browser is what CSRF attacks ride on)."""
    missing = []
    for rule in app.url_map.iter_rules():
        if rule.rule.endswith("/login"):
            continue
        url = fill(rule, records)
        for method in sorted(rule.methods & set(WRITE_METHODS)):
            response = as_supervisor.client.open(url, method=method, json={})
            if response.status_code != 403:
                missing.append((method, rule.rule, response.status_code))
    assert missing == []
