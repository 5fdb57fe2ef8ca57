"""The query strings of the supervisor pages, one small schema a page, with the API's machinery
(perisai.api.QuerySchema: bounded integers, no control characters, translatable tokens).

A value the schema refuses, or an id the user cannot see (`wadah`, `branch`), gets a 422 page
naming the field instead of a 500 or a silently different page.
"""

from __future__ import annotations

import re

from marshmallow import fields, validate

from perisai.agents.models import AGENT_STATUSES, Agent, Branch, Wadah
from perisai.api import MonthField, OneOf, QuerySchema, Range
from perisai.cash.overview import SORTS as CASH_SORTS
from perisai.months import Month
from perisai.reports.leaderboard import SORTS
from perisai.text import problem as text_problem
from perisai.workers.validation import normalise_phone

INT32_MAX = 2**31 - 1
EARLIEST_MONTH = Month(2000, 1)  # far before the first participant; keeps 12-month trends valid


def _not_too_early(month: Month) -> None:
    if month < EARLIEST_MONTH:
        raise validate.ValidationError(f"sv.month_too_early|{EARLIEST_MONTH}")


class PageQuery(QuerySchema):
    """What every supervisor page takes: the month and (admins) the branch."""

    month = MonthField(load_default=None, validate=_not_too_early)
    branch = fields.Integer(load_default=None, validate=Range(min=1, max=INT32_MAX))

    def unknown_ids(self, session, scope, data: dict) -> dict[str, str]:
        """Ids that are well formed but name nothing the user may see: field → message token."""
        branch = data.get("branch")
        if branch is None:
            return {}
        if session.get(Branch, branch) is None or not scope.allows_branch(branch):
            return {"branch": "sv.unknown_branch"}
        return {}


class AgentsQuery(PageQuery):
    page = fields.Integer(load_default=1, validate=Range(min=1, max=100_000))
    sort = fields.String(load_default="rank", validate=OneOf(tuple(SORTS)))
    order = fields.String(load_default="desc", validate=OneOf(("asc", "desc")))
    status = fields.String(load_default=None, validate=OneOf(AGENT_STATUSES))
    wadah = fields.Integer(load_default=None, validate=Range(min=1, max=INT32_MAX))

    def unknown_ids(self, session, scope, data: dict) -> dict[str, str]:
        unknown = super().unknown_ids(session, scope, data)
        if data.get("wadah") is not None and "branch" not in unknown:
            wadah = session.get(Wadah, data["wadah"])
            if wadah is None or not scope.within(data.get("branch")).sees_wadah(wadah):
                unknown["wadah"] = "sv.unknown_wadah"
        return unknown


class RegionsQuery(PageQuery):
    regency = fields.String(
        load_default=None,
        validate=validate.Regexp(r"^\d{2}\.\d{2}$", error="sv.regency_code"),
    )
    uploaded = fields.Integer(load_default=None, validate=Range(min=0, max=10_000_000))


class MonthsQuery(PageQuery):
    close = MonthField(load_default=None, validate=_not_too_early)  # the month to preview
    closed = MonthField(load_default=None, validate=_not_too_early)  # the month just closed


class ListPageQuery(QuerySchema):
    """A page with nothing to choose but the page of a list (an import's problem rows)."""

    page = fields.Integer(load_default=1, validate=Range(min=1, max=100_000))


class WadahListQuery(PageQuery):
    """/supervisor/wadah: the branch's Wadah (an admin's whole country is 2,000), a page."""

    page = fields.Integer(load_default=1, validate=Range(min=1, max=100_000))


class PendingPaymentsQuery(ListPageQuery):
    done = fields.String(load_default=None, validate=OneOf(("approved", "rejected")))


class CardsQuery(QuerySchema):
    """/supervisor/cards: which participants to list for printing (the branch's print queue)."""

    branch = fields.Integer(load_default=None, validate=Range(min=1, max=INT32_MAX))
    show = fields.String(load_default="never", validate=OneOf(("never", "new", "replaced", "all")))
    page = fields.Integer(load_default=1, validate=Range(min=1, max=100_000))
    done = fields.String(load_default=None, validate=OneOf(("revoked",)))

    unknown_ids = PageQuery.unknown_ids


_NAME_TEXT = re.compile(r"^[^\W\d_](?:[^\W\d_]|[ .,'’-])*$")  # letters first, then a name's marks


def search_text(text: str) -> None:
    """What the participant search box takes (perisai.workers.queries.search_clause): a
    name (or part of one, letters and a name's marks, at least 2 letters), a full NIK (16
    digits), a membership number (11 digits) or a mobile number. Anything else would search
    for nothing, silently: it is named instead."""
    if text_problem(text):
        return  # named by every QuerySchema string's own check (perisai.text)
    value = text.strip()
    digits = re.sub(r"[\s\-().+]", "", value)
    if digits.isdigit() or not any(c.isalpha() for c in value):
        if digits.isdigit() and (len(digits) in (11, 16) or normalise_phone(value) is not None):
            return
        raise validate.ValidationError("svt.q_number")
    if sum(c.isalpha() for c in value) < 2 or not _NAME_TEXT.match(value):
        raise validate.ValidationError("svt.q_name")


class ParticipantsQuery(QuerySchema):
    branch = fields.Integer(load_default=None, validate=Range(min=1, max=INT32_MAX))
    q = fields.String(
        load_default=None,
        validate=[validate.Length(max=100, error="field.length_max|100"), search_text],
        metadata={"free_text": True},
    )
    status = fields.String(
        load_default=None, validate=OneOf(("registered", "active", "grace", "ended"))
    )
    page = fields.Integer(load_default=1, validate=Range(min=1, max=100_000))

    unknown_ids = PageQuery.unknown_ids


class RenewalsQuery(QuerySchema):
    branch = fields.Integer(load_default=None, validate=Range(min=1, max=INT32_MAX))
    agent = fields.Integer(load_default=None, validate=Range(min=1, max=INT32_MAX))
    village = fields.String(
        load_default=None,
        validate=validate.Regexp(r"^\d{2}\.\d{2}\.\d{2}\.\d{4}$", error="svt.village_code"),
    )
    days = fields.Integer(load_default=30, validate=Range(min=0, max=90))
    page = fields.Integer(load_default=1, validate=Range(min=1, max=100_000))
    format = fields.String(load_default=None, validate=OneOf(("csv", "xlsx")))

    def unknown_ids(self, session, scope, data: dict) -> dict[str, str]:
        unknown = PageQuery.unknown_ids(self, session, scope, data)
        if data.get("agent") is not None:
            agent = session.get(Agent, data["agent"])
            if agent is None or not scope.allows_branch(agent.wadah.branch_id):
                unknown["agent"] = "svt.unknown_agent"
        return unknown


CASH_DONE = ("paired", "dismissed", "confirmed", "rejected", "uploaded", "again")


class CashQuery(QuerySchema):
    """/supervisor/cash: the agents' cash, a page, most cash in hand or oldest cash first."""

    branch = fields.Integer(load_default=None, validate=Range(min=1, max=INT32_MAX))
    page = fields.Integer(load_default=1, validate=Range(min=1, max=100_000))
    sort = fields.String(load_default="cash_in_hand", validate=OneOf(CASH_SORTS))

    unknown_ids = PageQuery.unknown_ids


class CashQueueQuery(QuerySchema):
    """/supervisor/cash/queue and a statement's page: which page of lines and of deposits."""

    branch = fields.Integer(load_default=None, validate=Range(min=1, max=INT32_MAX))
    page = fields.Integer(load_default=1, validate=Range(min=1, max=100_000))
    deposits_page = fields.Integer(load_default=1, validate=Range(min=1, max=100_000))
    done = fields.String(load_default=None, validate=OneOf(CASH_DONE))

    unknown_ids = PageQuery.unknown_ids
