"""What every supervisor page shares: login guard, language, month and branch choice, render."""

from __future__ import annotations

import functools
from urllib.parse import urlencode

from flask import current_app, g, redirect, render_template, request, session, url_for
from flask_login import current_user
from marshmallow import ValidationError

from perisai import zones
from perisai.auth.operations import new_csrf_token
from perisai.auth.permissions import Scope, current_scope
from perisai.extensions import db
from perisai.i18n import LANGUAGES, page_language, t
from perisai.months import Month
from perisai.reports.scope import current_month
from perisai.supervisor import formats

PAGE_ROLES = ("supervisor", "admin")


def remember_language(response):
    asked = request.args.get("lang")
    if asked in LANGUAGES:
        response.set_cookie("lang", asked, max_age=365 * 86400, samesite="Lax", httponly=True)
    return response


def supervisor_page(view):
    """Logged in as supervisor/admin; otherwise to the login page (anonymous) or 403 (agent)."""

    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        if not current_user.is_authenticated:
            return redirect(url_for("supervisor.login", next=request.full_path.rstrip("?")))
        if current_user.role not in PAGE_ROLES:
            return render("supervisor/forbidden.html", status=403)
        g.scope = current_scope()
        return view(*args, **kwargs)

    return wrapper


def page_query(schema_class):
    """The page's query string loaded by its schema into `g.query` (empty values mean "not
    chosen", as a form's "any" option sends them); anything refused → a 422 page naming the
    fields, in the page's language. Only for those who may see the page: anyone else is left
    to the view's own guard (`supervisor_page`, the imports pages' 401/403)."""
    schema = schema_class()

    def decorator(view):
        @functools.wraps(view)
        def wrapper(*args, **kwargs):
            if not current_user.is_authenticated or current_user.role not in PAGE_ROLES:
                return view(*args, **kwargs)
            g.scope = current_scope()
            sent = {key: value for key, value in request.args.items() if value != ""}
            try:
                g.query = schema.load(sent)
                errors = {}
            except ValidationError as error:
                errors = error.messages
            if not errors and hasattr(schema, "unknown_ids"):
                unknown = schema.unknown_ids(db.session, g.scope, g.query)
                errors = {field: [token] for field, token in unknown.items()}
            if errors:
                return render("supervisor/bad_query.html", status=422, errors=errors)
            return view(*args, **kwargs)

        wrapper.query_schema = schema_class
        return wrapper

    return decorator


def chosen_month() -> Month:
    now = current_month(zones.of_user(db.session, current_user))
    try:
        month = Month.parse(request.args.get("month", ""))
    except ValueError:
        return now
    return min(month, now)


def chosen_scope() -> Scope:
    """The caller's scope for the branch the page asks for (`?branch=`, `Scope.within`)."""
    branch = request.args.get("branch", "")
    return g.scope.within(int(branch) if branch.isdigit() else None)


def csrf_token() -> str:
    if "csrf_token" not in session:
        session["csrf_token"] = new_csrf_token()
    return session["csrf_token"]


def url_with(**changes) -> str:
    """This page's URL with some query arguments changed (None removes one)."""
    args = {k: v for k, v in request.args.items()}
    for key, value in changes.items():
        if value is None:
            args.pop(key, None)
        else:
            args[key] = value
    return request.path + ("?" + urlencode(args) if args else "")


def link(path: str, **args) -> str:
    """A URL with only the arguments that hold a value: an empty one is no choice at all."""
    kept = {key: value for key, value in args.items() if value is not None and str(value) != ""}
    return path + ("?" + urlencode(kept) if kept else "")


def render(template: str, status: int = 200, **context):
    lang = page_language()
    context.setdefault("month", None)

    def translate(token, *args):
        return t("|".join([token, *map(str, args)]) if args else token, lang)

    body = render_template(
        template,
        lang=lang,
        _=translate,
        num=lambda v: formats.number(v, lang),
        rp=lambda v: formats.rupiah(v, lang),
        pct=lambda v: formats.percent(v, lang),
        signed=lambda v: formats.signed(v, lang),
        signed_rp=lambda v: formats.signed_rupiah(v, lang),
        month_name=lambda m, width="long": formats.month_name(m, lang, width),
        day=lambda d: formats.day(d, lang),
        url_with=url_with,
        link=link,
        csrf_token=csrf_token(),
        user=current_user if current_user.is_authenticated else None,
        **context,
    )
    response = current_app.make_response((body, status))
    response.headers["Cache-Control"] = "no-store"
    return remember_language(response)
