"""Statement PDFs, rendered in the request or, when the client asks for an answer at once
(`Prefer: respond-async`), by a job.

The request checks the statement exactly as the PDF endpoint does (404 outside the caller's
scope, 422 for a month without a rule set) and queues a job naming it and the request's
language; the job reads the statement again and renders the very PDF the endpoint would, into
the shared storage. It writes nothing else, so running it twice renders the same statement into
the same key, and a finished job is not run again (the runner's claim). An open month is a
running estimate: the PDF shows it as it stands when the job runs, as a request would then.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from perisai.agents.models import Agent, Wadah
from perisai.auth.models import User
from perisai.auth.permissions import Scope
from perisai.commissions import access, render, rules, statements
from perisai.commissions.estimates import AgentMonth, agent_months
from perisai.commissions.statements import WadahMonth, wadah_months
from perisai.jobs.models import Job
from perisai.jobs.operations import new_job
from perisai.jobs.runner import Output, work

AGENT_KIND = "statement_pdf"
WADAH_KIND = "wadah_statement_pdf"
PDF = "application/pdf"


def agent_statement_pdf(session: Session, item: AgentMonth, lang: str) -> Output:
    """The agent's month as a PDF: every participant and payment line behind the total."""
    lines = statements.statement_lines(session, item)
    released = statements.released_lines(session, item)
    minimum = rules.rule_set_for(session, item.month, location="query").acquisition_minimum
    pdf = render.statement_pdf(item, lines, minimum, lang, released)
    return Output(pdf, f"insentif-{item.agent.agent_code}-{item.month}.pdf", PDF)


def wadah_statement_pdf(session: Session, item: WadahMonth, lang: str) -> Output:
    """The Wadah's month as a PDF, with every agent's lines."""
    lines = {a.agent.id: statements.statement_lines(session, a) for a in item.agents}
    pdf = render.wadah_statement_pdf(item, lines, lang)
    return Output(pdf, f"insentif-wadah-{item.wadah.id}-{item.month}.pdf", PDF)


def queue_agent_statement(
    session: Session, scope: Scope, user: User, statement_id: str, *, lang: str, request_id=None
) -> Job:
    """The job rendering an agent's statement the caller may see (checked now)."""
    item = access.get_agent_month(session, scope, statement_id)
    rules.rule_set_for(session, item.month, location="query")  # refused now, not by the job
    params = {"statement_id": statement_id, "lang": lang}
    branch_id = item.agent.wadah.branch_id
    return new_job(
        session, AGENT_KIND, user=user, branch_id=branch_id, params=params, request_id=request_id
    )


def queue_wadah_statement(
    session: Session, scope: Scope, user: User, statement_id: str, *, lang: str, request_id=None
) -> Job:
    """The job rendering a Wadah's statement the caller may see (checked now)."""
    item = statements.get_wadah_month(session, scope, statement_id)
    params = {"statement_id": statement_id, "lang": lang}
    branch_id = item.wadah.branch_id
    return new_job(
        session, WADAH_KIND, user=user, branch_id=branch_id, params=params, request_id=request_id
    )


@work(AGENT_KIND)
def render_agent_statement(session: Session, job: Job) -> Output:
    month, agent_id = access.parse_public_id(job.params["statement_id"])
    item = agent_months(session, month, [session.get(Agent, agent_id)])[0]
    return agent_statement_pdf(session, item, job.params["lang"])


@work(WADAH_KIND)
def render_wadah_statement(session: Session, job: Job) -> Output:
    month, wadah_id = access.parse_public_id(job.params["statement_id"])
    item = wadah_months(session, month, [session.get(Wadah, wadah_id)])[0]
    return wadah_statement_pdf(session, item, job.params["lang"])
