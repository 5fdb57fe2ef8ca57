"""/supervisor/: the blueprint of the supervisor pages (perisai.supervisor.blueprint) with every
page module on it, and the login and logout pages. The pages themselves: report_pages (overview,
leaderboard, agent, regions, Wadah), admin_pages and reassign_pages (administration), months
(closing a commission month), approvals (late payments), task_pages (cards, participants,
renewals) and cash_pages (the agents' cash, the settlement queue, bank statements). Each page
module adds its views to the blueprint; none imports this one."""

from __future__ import annotations

import flask
from flask import redirect, request, session, url_for
from flask_login import current_user, login_user, logout_user

from perisai import ratelimits
from perisai.auth import operations as auth
from perisai.auth.permissions import form_token_valid
from perisai.errors import DomainError, TooMany
from perisai.extensions import db
from perisai.supervisor import (  # noqa: F401 - each adds its pages to blp
    admin_pages,
    approvals,
    cash_pages,
    employer_pages,
    months,
    quality_pages,
    reassign_pages,
    report_pages,
    task_pages,
)
from perisai.supervisor.blueprint import blp, page_route
from perisai.supervisor.pages import render

__all__ = ["blp"]


def login():
    if request.method == "GET":
        if current_user.is_authenticated and current_user.role in ("supervisor", "admin"):
            return redirect(_next_url())
        return render("supervisor/login.html", next=_next_url())
    if not form_token_valid():
        return render("supervisor/login.html", status=403, error="auth.csrf", next=_next_url())
    try:
        ratelimits.check("login")
    except TooMany:
        return render("supervisor/login.html", status=429, error="sv.login_rate", next=_next_url())
    try:
        user = auth.authenticate(
            db.session,
            request.form.get("username", ""),
            request.form.get("password", ""),
            max_failures=flask.current_app.config["LOGIN_MAX_FAILURES"],
            window_seconds=flask.current_app.config["LOGIN_FAILURE_WINDOW_SECONDS"],
        )
        auth.start_session(db.session, user, lifetime=flask.current_app.permanent_session_lifetime)
    except DomainError as error:
        db.session.commit()  # the failure is recorded for the lockout
        status, token = (
            (429, "sv.login_locked") if isinstance(error, TooMany) else (401, "sv.login_failed")
        )
        return render("supervisor/login.html", status=status, error=token, next=_next_url())
    db.session.commit()
    session.clear()
    session.permanent = True
    session["csrf_token"] = auth.new_csrf_token()
    login_user(user)
    if user.role not in ("supervisor", "admin"):
        return redirect("/app/")
    return redirect(_next_url())


def logout():
    if current_user.is_authenticated:  # the CSRF token was checked (perisai.security)
        auth.end_session(current_user.session_record)
        db.session.commit()
    logout_user()
    session.clear()
    return redirect(url_for("supervisor.login"))


def _next_url() -> str:
    target = request.values.get("next", "")
    if target.startswith("/supervisor/") and "//" not in target and "\\" not in target:
        return target
    return url_for("supervisor.overview")


page_route("/months", months.months)
page_route("/months/close", months.close_month, methods=("POST",))
page_route("/login", login, methods=("GET", "POST"))
page_route("/logout", logout, methods=("POST",))
