"""The seam between a month close and the enrolment quality review (DOMAIN.md §9).

Enrolment quality (perisai.quality) is a feature built on commissions (it reads the acquisition
minimum), so commissions never imports it: the close asks the provider perisai.quality
registers when the app is created (perisai.quality.hooks) for two SQL conditions on a
participant's id — under an open flag (its acquisition fee is held), and in a flag a supervisor
confirmed before the close (its acquisition fee is clawed back). Without a provider (a script
that built no app) nobody is under review.
"""

from __future__ import annotations

from typing import Protocol

from sqlalchemy import ColumnElement, false


class Reviews(Protocol):
    def under_review(self, worker_id) -> ColumnElement[bool]: ...

    def found_fake(self, worker_id) -> ColumnElement[bool]: ...


_provider: Reviews | None = None


def register(provider: Reviews) -> None:
    global _provider
    _provider = provider


def under_review(worker_id) -> ColumnElement[bool]:
    """The participant is in an open flag: its acquisition fee waits for the review."""
    return _provider.under_review(worker_id) if _provider is not None else false()


def found_fake(worker_id) -> ColumnElement[bool]:
    """The participant is in a confirmed flag: its acquisition fee is clawed back."""
    return _provider.found_fake(worker_id) if _provider is not None else false()
