"""The operation types of the outbox, each a thin adapter onto its feature's operations.

Nothing here re-implements a rule: a payload is loaded by the feature's own schema and handed
to the same operation the single-record endpoint uses, so both paths behave alike.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date
from typing import Any


@dataclass(frozen=True)
class Context:
    user: Any
    scope: Any
    agent: Any
    today: date


@dataclass
class Outcome:
    entity_id: Any
    created: bool
    entity: dict
    warnings: list = field(default_factory=list)


class WorkerRegister:
    """`worker.register`: the body of POST /api/v1/workers."""

    @staticmethod
    def apply(session, ctx: Context, payload: dict) -> Outcome:
        from perisai.workers import operations, schemas

        data = _schema(schemas.WorkerCreateSchema).load(payload)
        registration = operations.register_worker(
            session, scope=ctx.scope, agent=ctx.agent, data=data
        )
        worker = registration.worker
        return Outcome(
            entity_id=worker.id,
            created=registration.created,
            entity=_worker_entity(worker, ctx),
            warnings=list(registration.warnings or []),
        )

    @staticmethod
    def reload(session, ctx: Context, entity_id: str) -> dict:
        from perisai.workers import operations

        worker = operations.get_visible_worker(session, ctx.scope, uuid.UUID(entity_id))
        return _worker_entity(worker, ctx)


class PaymentRecord:
    """`payment.record`: the body of POST /api/v1/workers/<worker_id>/payments + worker_id."""

    @staticmethod
    def apply(session, ctx: Context, payload: dict) -> Outcome:
        from marshmallow import ValidationError

        from perisai.contributions import operations, schemas
        from perisai.workers.operations import get_visible_worker

        body = dict(payload)
        raw_worker_id = body.pop("worker_id", None)
        try:
            worker_id = uuid.UUID(str(raw_worker_id))
        except ValueError as error:
            token = "field.required" if raw_worker_id is None else "field.invalid|UUID"
            raise ValidationError({"worker_id": [token]}) from error
        data = _schema(schemas.PaymentCreateSchema).load(body)
        worker = get_visible_worker(session, ctx.scope, worker_id)
        payment, created = operations.record_payment(
            session, worker=worker, data=data, recorded_by=ctx.user
        )
        return Outcome(entity_id=payment.id, created=created, entity=_payment_entity(payment))

    @staticmethod
    def reload(session, ctx: Context, entity_id: str) -> dict:
        from perisai.contributions.models import Payment
        from perisai.workers.operations import get_visible_worker

        payment = session.get(Payment, uuid.UUID(entity_id))
        get_visible_worker(session, ctx.scope, payment.worker_id)
        return _payment_entity(payment)


_schemas: dict[type, Any] = {}


def _schema(cls):
    """One instance per schema class: building a marshmallow schema costs more than using it."""
    if cls not in _schemas:
        _schemas[cls] = cls()
    return _schemas[cls]


def _worker_entity(worker, ctx: Context) -> dict:
    from perisai.workers.operations import serialize_worker
    from perisai.workers.schemas import WorkerSchema

    return _schema(WorkerSchema).dump(serialize_worker(worker, ctx.scope, ctx.today))


def _payment_entity(payment) -> dict:
    from perisai.contributions.operations import serialize_payment
    from perisai.contributions.schemas import PaymentSchema

    return _schema(PaymentSchema).dump(serialize_payment(payment))


HANDLERS = {"worker.register": WorkerRegister, "payment.record": PaymentRecord}
