"""Card PDFs, batch printing, revocation, and the public verification (JSON and HTML)."""

from flask import Response, abort, current_app, render_template, request
from flask.views import MethodView
from flask_login import current_user
from werkzeug.exceptions import NotFound

from perisai import ratelimits
from perisai.api import Blueprint, pdf_response
from perisai.audit.operations import mark_recorded
from perisai.auth.permissions import current_scope, login_required, or_404, roles_required
from perisai.cards import batches, keys, operations, render, tokens
from perisai.cards import cli as _cli  # noqa: F401 - registers `flask perisai card-keys`
from perisai.cards.schemas import (
    CardKeysSchema,
    CardPdfArgs,
    CardSchema,
    PrintSchema,
    RevokeSchema,
    VerificationSchema,
)
from perisai.errors import TooMany
from perisai.extensions import db
from perisai.i18n import LANGUAGES, current_language, t
from perisai.jobs import tasks as jobs
from perisai.jobs.responses import accepted, prefers_async
from perisai.jobs.schemas import BackgroundJobSchema

blp = Blueprint("cards", __name__, url_prefix="/api/v1", description="Membership cards")
pages = Blueprint(
    "card-pages",
    __name__,
    template_folder="templates",
    static_folder="static",
    static_url_path="/cards/static",
    description="Public card verification page",
)
blueprints = [blp, pages]


@blp.route("/workers/<uuid:worker_id>/card.pdf")
class WorkerCardPdf(MethodView):
    @login_required
    @blp.arguments(CardPdfArgs, location="query")
    @blp.response(200, content_type="application/pdf")
    def get(self, args, worker_id):
        """The participant's card as a PDF page of 85.6 × 54 mm (issues it on first print)."""
        worker = current_scope().worker(db.session, worker_id)
        (printed,) = operations.print_cards(db.session, [worker], user=current_user, batch=False)
        db.session.commit()
        pdf = render.render_cards([printed.face], with_back=args["back"])
        return pdf_response(pdf, f"kartu-{printed.card.membership_number}.pdf")


@blp.route("/workers/<uuid:worker_id>/cards")
class WorkerCards(MethodView):
    @login_required
    @blp.response(200, CardSchema(many=True))
    def get(self, worker_id):
        """The participant's cards, newest first, with their status and print history."""
        worker = current_scope().worker(db.session, worker_id)
        cards = operations.worker_cards(db.session, worker)
        return cards


@blp.route("/cards/print")
class PrintCards(MethodView):
    @login_required
    @blp.arguments(PrintSchema)
    @blp.response(200, content_type="application/pdf")
    @blp.alt_response(
        202,
        schema=BackgroundJobSchema,
        description="with `Prefer: respond-async` (up to 10,000 cards): a job rendering "
        "them; poll it, then download the PDF",
    )
    def post(self, body):
        """Up to 1,000 cards on A4 sheets of 10 with cut marks, by village then name."""
        if batches.runs_as_job(len(body["worker_ids"]), prefers_async()):
            return _queue_batch(body)
        workers = operations.load_printable_workers(db.session, current_scope(), body["worker_ids"])
        printed = operations.print_cards(db.session, workers, user=current_user, batch=True)
        db.session.commit()
        pdf = render.render_sheets(
            [p.face for p in printed],
            with_back=body["back"],
            processes=current_app.config.get("CARD_RENDER_PROCESSES"),
        )
        return pdf_response(pdf, f"kartu-{len(printed)}.pdf")


def _queue_batch(body):
    job = batches.queue_batch(
        db.session,
        current_scope(),
        current_user,
        body["worker_ids"],
        with_back=body["back"],
        request_id=jobs.request_id(),
    )
    db.session.commit()
    return accepted(job)


@blp.route("/cards/<int:serial>/revoke")
class RevokeCard(MethodView):
    @roles_required("supervisor", "admin")
    @blp.arguments(RevokeSchema)
    @blp.response(200, CardSchema)
    def post(self, body, serial):
        """Revoke a card (lost, stolen or misused): its QR code then verifies as not valid."""
        card = or_404(operations.get_visible_card(db.session, current_scope(), serial))
        operations.revoke_card(db.session, card, user=current_user, reason=body["reason"])
        db.session.commit()
        return card


@blp.route("/cards/keys")
class CardKeys(MethodView):
    @blp.response(200, CardKeysSchema)
    def get(self):
        """Public: the Ed25519 keys that sign card tokens, retired ones too (offline checks)."""
        published = keys.published(db.session)
        db.session.commit()
        mark_recorded()  # public keys are no one's personal data: no audit event
        return {"keys": published}, 200, {"Cache-Control": "public, max-age=300"}


def _verification(token: str) -> dict:
    """The shared core of both verification views: signature (no database), the per-address
    rate limit (perisai/ratelimits.py: Redis or memory, no database row), lookup. 404 for
    anything not genuine."""
    claim = tokens.verify(token)
    if claim is None:
        abort(404)
    ratelimits.check("card_verify")
    result = operations.verify_card(db.session, claim)
    db.session.commit()
    if result is None:
        abort(404)
    return result


@blp.route("/verify/<token>")
class Verify(MethodView):
    @blp.response(200, VerificationSchema)
    def get(self, token):
        """Public: is this card genuine and valid? Masked name, status, covered-until."""
        return _verification(token)


@pages.route("/v/<token>")
class VerifyPage(MethodView):
    @pages.response(200, content_type="text/html")
    def get(self, token):
        """Public, mobile-friendly card verification page (Bahasa Indonesia or English)."""
        lang = request.args.get("lang") if request.args.get("lang") in LANGUAGES else None
        lang = lang or current_language()
        try:
            result, status = _verification(token), 200
        except TooMany:
            db.session.rollback()
            result, status = {"error": "cards.verify_rate"}, 429
        except NotFound:
            result, status = None, 404
        html = render_template(
            "cards/verify.html",
            result=result,
            lang=lang,
            t=lambda token: t(token, lang),
            other_lang="en" if lang == "id" else "id",
            token=token,
        )
        response = Response(html, status=status, mimetype="text/html")
        response.headers["Content-Language"] = lang
        response.headers["Cache-Control"] = "no-store"
        response.headers["Vary"] = "Accept-Language"
        return response
