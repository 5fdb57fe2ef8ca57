"""Creating a participant's public links (API, scope checked) and opening them (public)."""

from flask import Response, render_template, request
from flask.views import MethodView
from flask_login import current_user

from perisai.api import Blueprint, pdf_response
from perisai.audit.operations import Actor, record_many
from perisai.auth.permissions import current_scope, login_required
from perisai.cards import render
from perisai.contributions import receipts
from perisai.extensions import db
from perisai.i18n import LANGUAGES, current_language, t
from perisai.links import operations
from perisai.links.schemas import LinkSchema

blp = Blueprint("links", __name__, url_prefix="/api/v1", description="Links a participant can open")
pages = Blueprint(
    "link-pages",
    __name__,
    template_folder="templates",
    description="Public card and receipt PDFs behind a signed, expiring link",
)
blueprints = [blp, pages]

PUBLIC_HEADERS = {"Cache-Control": "private, no-store", "X-Robots-Tag": "noindex"}


def _body(link: operations.Link) -> dict:
    return {"url": link.url, "expires_at": link.expires_at}


@blp.route("/workers/<uuid:worker_id>/card-link")
class CardLink(MethodView):
    @login_required
    @blp.response(200, LinkSchema)
    def post(self, worker_id):
        """A public URL to the participant's card PDF, valid for 30 days (issues the card on
        first use, like printing it)."""
        link = operations.card_link(db.session, current_scope(), worker_id, current_user)
        db.session.commit()
        return _body(link)


@blp.route("/payments/<uuid:payment_id>/receipt-link")
class ReceiptLink(MethodView):
    @login_required
    @blp.response(200, LinkSchema)
    def post(self, payment_id):
        """A public URL to the payment's receipt PDF, valid for 30 days."""
        return _body(operations.receipt_link(db.session, current_scope(), payment_id))


def _language() -> str:
    asked = request.args.get("lang")
    return asked if asked in LANGUAGES else current_language()


def _refusal(error: operations.LinkError) -> Response:
    lang = _language()
    html = render_template(
        "links/page.html",
        reason=error.reason,
        lang=lang,
        t=lambda token: t(token, lang),
        other_lang="en" if lang == "id" else "id",
    )
    response = Response(html, status=error.status, mimetype="text/html", headers=PUBLIC_HEADERS)
    response.headers["Content-Language"] = lang
    return response


def _audit(entity_type: str, entity_id: str) -> None:
    """Each public open is a read of personal data, by whoever opens it (no user, as a rule)."""
    record_many(db.session, Actor.of_request(), [("read", entity_type, entity_id)])


def _public_pdf(data: bytes, filename: str) -> Response:
    response = pdf_response(data, filename)
    response.headers.update(PUBLIC_HEADERS)
    return response


@pages.route("/l/card/<token>.pdf")
class PublicCard(MethodView):
    @pages.response(200, content_type="application/pdf")
    def get(self, token):
        """Public: the participant's current card, from a link an agent shared."""
        try:
            printed = operations.open_card(db.session, token)
        except operations.LinkError as error:
            db.session.rollback()
            return _refusal(error)
        _audit("card", str(printed.card.id))
        db.session.commit()
        pdf = render.render_cards([printed.face], with_back=False)
        return _public_pdf(pdf, f"kartu-{printed.card.membership_number}.pdf")


@pages.route("/l/receipt/<token>.pdf")
class PublicReceipt(MethodView):
    @pages.response(200, content_type="application/pdf")
    def get(self, token):
        """Public: one payment's receipt, from a link an agent shared."""
        try:
            payment, worker = operations.open_receipt(db.session, token)
        except operations.LinkError as error:
            db.session.rollback()
            return _refusal(error)
        _audit("payment", str(payment.id))
        db.session.commit()
        pdf = receipts.receipt_pdf(payment, worker, _language())
        return _public_pdf(pdf, f"kuitansi-{payment.receipt_number}.pdf")
