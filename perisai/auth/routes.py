"""The JSON login, session (`/me`) and logout endpoints under /api/v1/auth."""

from flask import current_app, session
from flask.views import MethodView
from flask_login import current_user, login_user, logout_user

from perisai import ratelimits
from perisai.api import Blueprint
from perisai.auth import operations
from perisai.auth.permissions import login_required
from perisai.auth.schemas import LoginSchema, MessageSchema, SessionSchema
from perisai.extensions import db
from perisai.i18n import t

blp = Blueprint("auth", __name__, url_prefix="/api/v1/auth", description="Login and session")


def _session_body(user):
    return {"user": user, "csrf_token": session["csrf_token"]}


@blp.route("/login")
class Login(MethodView):
    @blp.arguments(LoginSchema)
    @blp.response(200, SessionSchema)
    def post(self, body):
        """Log in with username and password; sets the session cookie. 429 beyond the
        per-address limit (`auth.rate`) or while the account is locked (`auth.locked`)."""
        ratelimits.check("login")
        try:
            user = operations.authenticate(
                db.session,
                body["username"],
                body["password"],
                max_failures=current_app.config["LOGIN_MAX_FAILURES"],
                window_seconds=current_app.config["LOGIN_FAILURE_WINDOW_SECONDS"],
            )
            operations.start_session(
                db.session, user, lifetime=current_app.permanent_session_lifetime
            )
        finally:
            db.session.commit()  # failures are recorded even though we answer 401/429
        session.clear()
        session.permanent = True
        session["csrf_token"] = operations.new_csrf_token()
        login_user(user)
        return _session_body(user)


@blp.route("/me")
class Me(MethodView):
    @login_required
    @blp.response(200, SessionSchema)
    def get(self):
        """The logged-in user and the CSRF token for writes."""
        return _session_body(current_user)


@blp.route("/logout")
class Logout(MethodView):
    @blp.response(200, MessageSchema)
    def post(self):
        """End the session, on every server: the same cookie replayed afterwards → 401."""
        if current_user.is_authenticated:
            operations.end_session(current_user.session_record)
            db.session.commit()
        logout_user()
        session.clear()
        return {"message": t("auth.logged_out")}
