"""The PWA's copies of the NIK and pricing rules (frontend/js/nik.js, frontend/js/pricing.js)
against the same vectors the server's tests use (tests/vectors/*.json), in Chromium: the modules
are imported by the URLs the PWA serves them at, under its own CSP."""

from __future__ import annotations

import pytest

from tests.vectors import load

RUN_NIK = """async ({url, vectors}) => {
  const {checkNik} = await import(url);
  const [y, m, d] = vectors.today.split("-").map(Number);
  const today = new Date(y, m - 1, d, 12);
  return vectors.cases.map((c) => {
    const r = checkNik(c.nik, {birthDate: c.birth_date || null, gender: c.gender || null, today});
    return {name: c.name, errors: [...r.errors].sort(), warnings: r.warnings,
            birth_date: r.birthDate, gender: r.gender};
  });
}"""

RUN_PRICING = """async ({url, vectors, body}) => {
  const p = await import(url);
  const rules = p.normaliseRules(body);
  const months = vectors.months.map((c) => {
    const price = p.priceMonth(rules, c.month, {income_level: c.income_level, has_jht: c.jht,
                                                sector: c.sector, funding: c.funding});
    return {name: c.name, price};
  });
  const next = vectors.next_months.map((c) => p.nextMonths(c.covered_until, c.paid_month, c.count));
  const status = vectors.status.map((c) => p.statusFor(c.covered_until, c.month));
  const effective = vectors.effective_month.map((c) => p.effectiveMonth(c.covered_until, c.month));
  const quotes = vectors.quotes.map((c) => {
    const worker = {covered_until: c.covered_until, income_level: c.income_level,
                    programs: c.programs, sector: c.sector, funding: c.funding};
    const q = p.quote(rules, worker, c.count, c.paid_month);
    return q && {months: q.months.map((m) => [m.month, m.total]), total: q.total};
  });
  // After an edit: the body carries the new values and the server's `pricing` segments.
  const edits = vectors.edits.map((c) => {
    const worker = {covered_until: c.covered_until, first_paid_month: c.first_paid_month,
                    income_level: c.edit.income_level ?? c.income_level,
                    programs: c.edit.programs ?? c.programs, sector: c.sector, funding: c.funding,
                    pricing: c.expect.pricing};
    const q = p.quote(rules, worker, c.count, c.today.slice(0, 7));
    return q && {months: q.months.map((m) => [m.month, m.total]), total: q.total};
  });
  return {months, next, status, effective, quotes, edits};
}"""


def _module_url(page, name: str) -> str:
    """Where the PWA serves js/<name>.js: beside its app.js (/app/v/<version>/js/)."""
    page.goto("/app/")
    app_js = page.eval_on_selector("script[type=module]", "s => s.src")
    assert app_js.endswith("/js/app.js"), app_js
    return app_js[: -len("app.js")] + f"{name}.js"


def _rules_body(page, vectors: dict) -> dict:
    """The server's /reference/rates as the PWA fetches it, plus the vector file's rules with
    ids after the server's (as the server's tests add them: newer rows win)."""
    body = page.evaluate("async () => (await fetch('/api/v1/reference/rates')).json()")
    next_id = max(v["id"] for v in body["rate_versions"] + body["discounts"]) + 1
    extra = vectors["rules"]
    for n, version in enumerate(extra["rate_versions"]):
        body["rate_versions"].append({**version, "id": next_id + n})
    for n, rule in enumerate(extra["discounts"]):
        body["discounts"].append({**rule, "id": next_id + n})
    return body


def test_nik_js_agrees_with_the_vectors(page):
    vectors = load("nik")
    results = page.evaluate(RUN_NIK, {"url": _module_url(page, "nik"), "vectors": vectors})
    assert len(results) == len(vectors["cases"])
    for case, got in zip(vectors["cases"], results, strict=True):
        expect = case["expect"]
        want = {
            "name": case["name"],
            "errors": sorted(expect["errors"]),
            "warnings": expect["warnings"],
            "birth_date": expect["birth_date"],
            "gender": expect["gender"],
        }
        assert got == want, case


def test_pricing_js_agrees_with_the_vectors(page):
    vectors = load("pricing")
    url = _module_url(page, "pricing")
    got = page.evaluate(
        RUN_PRICING, {"url": url, "vectors": vectors, "body": _rules_body(page, vectors)}
    )
    for case, result in zip(vectors["months"], got["months"], strict=True):
        expect = case["expect"]
        if "error" in expect:  # the phone cannot price it: no rates, or an unknown level
            assert result["price"] is None, case
        else:
            assert result["price"] == {"month": case["month"], **expect}, case
    assert got["next"] == [c["expect"] for c in vectors["next_months"]]
    assert got["status"] == [c["expect"] for c in vectors["status"]]
    assert got["effective"] == [c["expect"] for c in vectors["effective_month"]]
    assert got["quotes"] == [c["expect"] for c in vectors["quotes"]]
    assert got["edits"] == [
        {"months": c["expect"]["months"], "total": c["expect"]["total"]} for c in vectors["edits"]
    ]


@pytest.fixture(autouse=True)
def _page_errors(page):
    errors = []
    page.on("pageerror", lambda error: errors.append(error))
    yield
    assert errors == []
