"""The messages, in Bahasa Indonesia and English: one text per template in the catalogue
(perisai/translations, msgid `notifications.msg.<template>`), with {0}, {1} … for its values.

WhatsApp sends only templates approved in WhatsApp Manager: each of ours is registered there
under `whatsapp_name`, category UTILITY, in languages `id` and `en`, with the same text and
its values as {{1}}, {{2}} … in the same order (README "Reaching participants" lists them). An
SMS carries the same text with the values filled in. No text holds a NIK or a full membership
number (`member_ref` shows the last four digits): the phone may have passed to someone else.
"""

from __future__ import annotations

from dataclasses import dataclass

from babel.dates import format_date

from perisai.i18n import t
from perisai.money import rupiah
from perisai.months import Month


@dataclass(frozen=True)
class Template:
    name: str  # the notification's `template`
    whatsapp_name: str
    values: tuple[str, ...]  # what {0}, {1} … stand for, in order

    @property
    def token(self) -> str:
        return f"notifications.msg.{self.name}"


TEMPLATES = {
    template.name: template
    for template in (
        Template("renewal_due", "perisai_renewal_due", ("member", "ends_on", "amount", "agent")),
        # the three grace months share one WhatsApp template: {1} is the month of grace
        *(
            Template(
                f"grace_{n}",
                "perisai_renewal_grace",
                ("member", "months", "amount", "pay_by", "agent"),
            )
            for n in (1, 2, 3)
        ),
        Template("ended", "perisai_membership_ended", ("member", "since", "amount", "agent")),
        Template("receipt", "perisai_receipt", ("member", "amount", "months", "receipt_url")),
        Template(
            "receipt_card",
            "perisai_receipt_card",
            ("member", "amount", "months", "receipt_url", "card_url"),
        ),
        Template("agent_digest", "perisai_agent_digest", ("day", "due", "grace", "ended")),
    )
}
# WhatsApp's codes for the languages the templates are registered in
WHATSAPP_LANGUAGES = {"id": "id", "en": "en"}


@dataclass(frozen=True)
class Message:
    """One message ready for a gateway: its template, language and values (text each)."""

    template: Template
    language: str
    values: tuple[str, ...]

    @property
    def text(self) -> str:
        """The message as an SMS carries it."""
        return t("|".join((self.template.token, *self.values)), self.language)


def message(template_name: str, language: str, **values) -> Message:
    """The message of `template_name` with its values (each made text; a `|` would split the
    catalogue token, so none is kept)."""
    template = TEMPLATES[template_name]
    texts = tuple(str(values[name]).replace("|", "/") for name in template.values)
    return Message(template, language if language in WHATSAPP_LANGUAGES else "id", texts)


# --- how values are written -----------------------------------------------------------------


def member_ref(membership_number: str) -> str:
    """'12345678901' → '…8901': enough for the holder to recognise, nothing for anyone else."""
    return "…" + membership_number[-4:]


def day_text(day, language: str) -> str:
    return format_date(day, "d MMMM y", locale=language)


def month_text(month: Month, language: str) -> str:
    return format_date(month.first_day(), "MMMM y", locale=language)


def months_text(first: Month, last: Month, language: str) -> str:
    """'Juni 2026' or 'Juni 2026 – Agustus 2026'."""
    if first == last:
        return month_text(first, language)
    return f"{month_text(first, language)} – {month_text(last, language)}"


def money_text(amount: int, language: str) -> str:
    return rupiah(amount, language)


def local_phone(phone: str) -> str:
    """'+6281234567890' → '081234567890', as people write it."""
    return "0" + phone[3:] if phone.startswith("+62") else phone


def agent_text(agent, language: str) -> str:
    """The agent to contact: name and phone (an agent's work number, theirs to give)."""
    if agent is None:
        return t("notifications.branch_office", language)
    return f"{agent.full_name} ({local_phone(agent.phone)})"
