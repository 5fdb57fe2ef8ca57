"""The participant's own status check: POST /api/v1/self/status (JSON) and the page /cek.

Both are public and share one limit per client address (`self_check`, perisai/ratelimits.py),
counted before anything is looked up. The page works without JavaScript: a form POSTed to
itself, answered in Bahasa Indonesia or English (`?lang=`), like the card check `/v/<token>`.
"""

from flask import Response, render_template, request, session
from flask.views import MethodView
from marshmallow import ValidationError

from perisai import clock, ratelimits
from perisai.api import Blueprint
from perisai.audit.operations import Actor
from perisai.errors import NotFound, TooMany
from perisai.extensions import db
from perisai.i18n import page_language, t
from perisai.money import rupiah
from perisai.selfservice import operations
from perisai.selfservice.schemas import (
    SelfStatusFormSchema,
    SelfStatusResultSchema,
    SelfStatusSchema,
)

blp = Blueprint(
    "selfservice", __name__, url_prefix="/api/v1", description="A participant's own status"
)
pages = Blueprint(
    "self-pages",
    __name__,
    template_folder="templates",
    static_folder="static",
    static_url_path="/self/static",
    description="Public self-service status page",
)
blueprints = [blp, pages]


def _check(body: dict) -> dict:
    """The limit, then the lookup (audited, committed with its event); 404 when the number and
    birth date do not belong together, whichever of them is wrong."""
    ratelimits.check("self_check")
    result = operations.check_status(
        db.session, body["membership_number"], body["birth_date"], actor=Actor.of_request()
    )
    db.session.commit()
    if result is None:
        raise NotFound("self.not_found")
    return result


@blp.route("/self/status")
class SelfStatus(MethodView):
    @blp.arguments(SelfStatusSchema)
    @blp.response(200, SelfStatusResultSchema)
    @blp.alt_response(404, description="no participant with this number and birth date")
    @blp.alt_response(429, description="too many checks from this address")
    def post(self, body):
        """Public: masked name, status, covered-until, amount due and the agent to contact."""
        return _check(body)


@pages.route("/cek")
class CekPage(MethodView):
    @pages.response(200, content_type="text/html")
    def get(self):
        """Public, mobile-first page: membership number and birth date → status."""
        return _page({}, None, {}, 200)

    @pages.response(200, content_type="text/html")
    def post(self):
        """The page's form (works without JavaScript): the answer, or why there is none."""
        form = {key: request.form.get(key, "") for key in ("membership_number", "birth_date")}
        try:
            body = SelfStatusFormSchema().load(request.form.to_dict())
        except ValidationError as error:
            return _page(form, None, error.messages, 422)
        try:
            return _page(form, _check(body), {}, 200)
        except (NotFound, TooMany) as error:
            db.session.rollback()
            return _page(form, None, {"_": [error.message]}, error.status_code)


def _page(form: dict, result: dict | None, errors: dict, status: int) -> Response:
    """The page: the form (kept as typed), the answer or the errors (field → message tokens,
    "_" for the whole form)."""
    lang = page_language()
    html = render_template(
        "selfservice/cek.html",
        form=form,
        result=result,
        errors=errors,
        lang=lang,
        t=lambda token: t(token, lang),
        other_lang="en" if lang == "id" else "id",
        rupiah=lambda amount: rupiah(amount, lang),
        today=clock.today().isoformat(),
        csrf_token=session.get("csrf_token"),
    )
    response = Response(html, status=status, mimetype="text/html")
    response.headers["Content-Language"] = lang
    response.headers["Cache-Control"] = "no-store"
    response.headers["Vary"] = "Accept-Language, Cookie"
    return response
