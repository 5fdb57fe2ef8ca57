"""The operation types of the outbox, each a thin adapter onto its feature's operations.

Nothing here re-implements a rule: a payload is loaded by the feature's own schema and handed
to the same operation the single-record endpoint uses, so both paths behave alike.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from perisai.cash import deposits
from perisai.cash.position import cash_position
from perisai.cash.schemas import DepositCreateSchema, DepositSchema
from perisai.contributions import custody, payments
from perisai.contributions.models import Payment
from perisai.contributions.schemas import PaymentCreateSchema, PaymentSchema
from perisai.db import in_session
from perisai.employers.access import employer_or_404
from perisai.employers.employees import add_employer_worker, bpu_niks
from perisai.employers.models import EmployerWorker
from perisai.employers.operations import register_employer
from perisai.employers.queries import worker_counts
from perisai.employers.schemas import (
    EmployeeCreateSchema,
    EmployeeSchema,
    EmployerCreateSchema,
    EmployerSchema,
)
from perisai.employers.serialization import EmployeeView, EmployerView
from perisai.errors import NotAllowed
from perisai.workers import schemas as worker_schemas
from perisai.workers.changes import record_death, update_worker
from perisai.workers.duplicates import DuplicatePool
from perisai.workers.models import Worker
from perisai.workers.operations import build_registration, register_worker
from perisai.workers.schemas import WorkerCreateSchema, WorkerSchema
from perisai.workers.serialization import Participant


@dataclass
class Context:
    user: Any
    scope: Any
    agent: Any
    today: date
    # Participants and payments of this batch, kept referenced for the whole request: the
    # session's identity map holds objects weakly, and a payment right after its participant's
    # registration would otherwise load the participant again.
    held: list = field(default_factory=list)
    # Payments per participant of the batch, counted at once (receipt numbers); a stale count
    # clashes on the receipt's unique key and the operation is redone the careful way.
    payment_counts: dict = field(default_factory=dict)
    duplicates: Any = None  # the batch's likely duplicates (perisai.workers.duplicates)
    # What this batch added and has not flushed yet, by (kind, id): the session finds only
    # flushed objects by id, and a payment may follow its participant's registration.
    staged: dict = field(default_factory=dict)
    # The recording agent's cash position, loaded once for the batch's cash payments.
    cash: Any = None

    def cash_for(self, session, custodian):
        """The custodian's cash position for this batch (None: no custody involved)."""
        if custodian is None:
            return None
        if self.cash is None:
            self.cash = cash_position(session, custodian, self.today)
        return self.cash

    def fresh(self) -> Context:
        """The same caller with nothing loaded or staged (for applying a batch again)."""
        return Context(self.user, self.scope, self.agent, self.today)


class WriteStagedFirst(Exception):
    """The operation names something staged earlier in its batch and not written yet (the
    same participant, payment or op_id sent twice): write what is staged, then apply the
    operation on its own. Raised before the operation stages anything."""


def parse_uuid(value) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None


@dataclass
class Outcome:
    entity_id: Any
    created: bool  # applied now (not a replay of something stored before)
    entity: dict
    warnings: list = field(default_factory=list)
    http_status: int | None = None  # default: 201 when created, else 200


class WorkerRegister:
    """`worker.register`: the body of POST /api/v1/workers."""

    @staticmethod
    def preload(payload: dict) -> list[tuple[str, uuid.UUID | None]]:
        """What the operation may find already stored: (kind, id)."""
        return [("worker", parse_uuid(payload.get("id")))]

    @staticmethod
    def apply(session, ctx: Context, payload: dict, *, savepoint: bool, flush: bool) -> Outcome:
        data = _schema(WorkerCreateSchema).load(payload)
        if not flush and ("worker", data.get("id")) in ctx.staged:
            raise WriteStagedFirst  # registered earlier in this batch
        if savepoint:  # the careful way: the operation's own savepoint answers a clash
            registration = register_worker(session, scope=ctx.scope, agent=ctx.agent, data=data)
        else:
            registration = build_registration(
                session,
                scope=ctx.scope,
                agent=ctx.agent,
                data=data,
                existing=_loaded(session, Worker, data.get("id")),
                duplicates=ctx.duplicates,
            )
            if registration.created:
                _persist(session, registration.worker, flush=flush)
        worker = registration.worker
        ctx.held.append(worker)
        if registration.created and not flush:
            ctx.staged["worker", worker.id] = worker
        if registration.created and ctx.duplicates is not None:
            ctx.duplicates.add(worker)
        return Outcome(
            entity_id=worker.id,
            created=registration.created,
            entity=_worker_entity(worker, ctx),
            warnings=list(registration.warnings or []),
        )

    @staticmethod
    def reload(session, ctx: Context, entity_id: str) -> dict:

        worker = ctx.scope.worker(session, uuid.UUID(entity_id))
        return _worker_entity(worker, ctx)


class PaymentRecord:
    """`payment.record`: the body of POST /api/v1/workers/<worker_id>/payments + worker_id."""

    @staticmethod
    def preload(payload: dict) -> list[tuple[str, uuid.UUID | None]]:
        worker_id, payment_id = parse_uuid(payload.get("worker_id")), parse_uuid(payload.get("id"))
        return [("worker", worker_id), ("payer", worker_id), ("payment", payment_id)]

    @staticmethod
    def apply(session, ctx: Context, payload: dict, *, savepoint: bool, flush: bool) -> Outcome:
        from marshmallow import ValidationError

        body = dict(payload)
        raw_worker_id = body.pop("worker_id", None)
        try:
            worker_id = uuid.UUID(str(raw_worker_id))
        except ValueError as error:
            token = "field.required" if raw_worker_id is None else "field.invalid|UUID"
            raise ValidationError({"worker_id": [token]}) from error
        data = _schema(PaymentCreateSchema).load(body)
        if not flush and ("payment", data.get("id")) in ctx.staged:
            raise WriteStagedFirst  # recorded earlier in this batch
        worker = ctx.staged.get(("worker", worker_id))
        if worker is None or not ctx.scope.sees_worker(worker):
            worker = ctx.scope.worker(session, worker_id)
        if savepoint:  # the careful way: the operation's own savepoint answers a clash
            payment, created = payments.record_payment(
                session, worker=worker, data=data, recorded_by=ctx.user
            )
        else:
            new = payments.build_payment(
                session,
                worker=worker,
                data=data,
                recorded_by=ctx.user,
                existing=_loaded(session, Payment, data["id"]),
                earlier_payments=ctx.payment_counts.get(worker.id, 0),
                cash=ctx.cash_for(session, custody.custodian_of(ctx.user, data["channel"])),
            )
            payment, created = new.payment, new.created
            if created:
                payments.add_payment(session, worker, new)
                if flush:
                    session.flush()
        if created:
            ctx.payment_counts[worker.id] = ctx.payment_counts.get(worker.id, 0) + 1
            if not flush:
                ctx.staged["payment", payment.id] = payment
        return Outcome(entity_id=payment.id, created=created, entity=_payment_entity(payment))

    @staticmethod
    def reload(session, ctx: Context, entity_id: str) -> dict:
        payment = session.get(Payment, uuid.UUID(entity_id))
        ctx.scope.worker(session, payment.worker_id)
        return _payment_entity(payment)


def _worker_id(body: dict) -> uuid.UUID:
    """The payload's `worker_id`, taken out of the body (which is then the endpoint's)."""
    from marshmallow import ValidationError

    raw = body.pop("worker_id", None)
    try:
        return uuid.UUID(str(raw))
    except ValueError as error:
        token = "field.required" if raw is None else "field.invalid|UUID"
        raise ValidationError({"worker_id": [token]}) from error


class _WorkerChangeOp:
    """A change to a stored participant: the body of its endpoint + worker_id."""

    schema_name = ""

    @staticmethod
    def preload(payload: dict) -> list[tuple[str, uuid.UUID | None]]:
        return [("worker", parse_uuid(payload.get("worker_id")))]

    @classmethod
    def apply(
        cls, session, ctx: Context, payload: dict, *, savepoint: bool, flush: bool
    ) -> Outcome:
        body = dict(payload)
        worker_id = _worker_id(body)
        data = _schema(getattr(worker_schemas, cls.schema_name)).load(body)
        if not flush and ("worker", worker_id) in ctx.staged:
            raise WriteStagedFirst  # registered earlier in this batch, not written yet
        worker = ctx.scope.worker(session, worker_id)
        ctx.held.append(worker)
        cls.change(session, ctx, worker, data)
        return Outcome(
            entity_id=worker.id, created=True, entity=_worker_entity(worker, ctx), http_status=200
        )

    @staticmethod
    def reload(session, ctx: Context, entity_id: str) -> dict:

        worker = ctx.scope.worker(session, uuid.UUID(entity_id))
        return _worker_entity(worker, ctx)


class WorkerUpdate(_WorkerChangeOp):
    """`worker.update`: the body of PATCH /api/v1/workers/<worker_id> + worker_id."""

    schema_name = "WorkerUpdateSchema"

    @staticmethod
    def change(session, ctx: Context, worker, data: dict) -> None:
        update_worker(
            session, scope=ctx.scope, worker=worker, data=data, changed_by=ctx.user, via="sync"
        )


class WorkerDeath(_WorkerChangeOp):
    """`worker.death`: the body of POST /api/v1/workers/<worker_id>/death + worker_id."""

    schema_name = "DeathSchema"

    @staticmethod
    def change(session, ctx: Context, worker, data: dict) -> None:
        record_death(
            session,
            scope=ctx.scope,
            worker=worker,
            died_on=data["died_on"],
            changed_by=ctx.user,
            via="sync",
        )


class CashDeposit:
    """`cash.deposit`: the body of POST /api/v1/cash/deposits (the agent's own)."""

    @staticmethod
    def preload(payload: dict) -> list[tuple[str, uuid.UUID | None]]:
        return []

    @staticmethod
    def apply(session, ctx: Context, payload: dict, *, savepoint: bool, flush: bool) -> Outcome:
        data = _schema(DepositCreateSchema).load(payload)
        if not flush and ctx.staged:
            raise WriteStagedFirst  # its savepoint would flush the batch's staged rows
        if ctx.agent is None:
            raise NotAllowed("cash.agents_only")
        deposit, created = deposits.record_deposit(
            session, agent=ctx.agent, data=data, recorded_by=ctx.user
        )
        if created:
            session.flush()
            ctx.cash = None  # the batch's next cash payment sees this deposit
        return Outcome(
            entity_id=deposit.id, created=created, entity=_schema(DepositSchema).dump(deposit)
        )

    @staticmethod
    def reload(session, ctx: Context, entity_id: str) -> dict:
        deposit = deposits.deposit_or_404(session, ctx.scope, entity_id)
        return _schema(DepositSchema).dump(deposit)


def _loaded(session, model, key):
    """What `preload` read for this id: the batch loaded everything it names beforehand."""
    return in_session(session, model, key) if key is not None else None


def _persist(session, obj, *, flush: bool) -> None:
    """Added for the batch's one flush (staged), or flushed now (a clash raises IntegrityError
    and the operation is applied again the careful way)."""
    session.add(obj)
    if flush:
        session.flush()


_schemas: dict[type, Any] = {}


def _schema(cls):
    """One instance per schema class: building a marshmallow schema costs more than using it."""
    if cls not in _schemas:
        _schemas[cls] = cls()
    return _schemas[cls]


def _worker_entity(worker, ctx: Context) -> dict:
    return _schema(WorkerSchema).dump(Participant(worker, ctx.scope, ctx.today))


def _payment_entity(payment) -> dict:
    return _schema(PaymentSchema).dump(payment)


class EmployerRegister:
    """`employer.register`: the body of POST /api/v1/employers (an employer registered offline)."""

    @staticmethod
    def preload(payload: dict) -> list[tuple[str, uuid.UUID | None]]:
        return []

    @staticmethod
    def apply(session, ctx: Context, payload: dict, *, savepoint: bool, flush: bool) -> Outcome:
        data = _schema(EmployerCreateSchema).load(payload)
        if not flush and ctx.staged:
            raise WriteStagedFirst  # its savepoint would flush the batch's staged rows
        result = register_employer(session, scope=ctx.scope, agent=ctx.agent, data=data)
        entity = _employer_entity(session, result.employer, result.warnings)
        return Outcome(result.employer.id, result.created, entity, list(result.warnings))

    @staticmethod
    def reload(session, ctx: Context, entity_id: str) -> dict:
        return _employer_entity(session, employer_or_404(session, ctx.scope, entity_id))


class EmployerWorkerAdd:
    """`employer.worker`: the body of POST /api/v1/employers/<employer_id>/workers +
    employer_id (the employer may be registered earlier in the same batch)."""

    @staticmethod
    def preload(payload: dict) -> list[tuple[str, uuid.UUID | None]]:
        return []

    @staticmethod
    def apply(session, ctx: Context, payload: dict, *, savepoint: bool, flush: bool) -> Outcome:
        body = dict(payload)
        employer_id = _uuid_field(body, "employer_id")
        data = _schema(EmployeeCreateSchema).load(body)
        if not flush and ctx.staged:
            raise WriteStagedFirst  # its savepoint would flush the batch's staged rows
        employer = employer_or_404(session, ctx.scope, employer_id)
        added = add_employer_worker(
            session, scope=ctx.scope, employer=employer, data=data, added_by=ctx.user
        )
        entity = _employee_entity(session, ctx, added.employee, added.warnings)
        return Outcome(added.employee.id, added.created, entity, list(added.warnings))

    @staticmethod
    def reload(session, ctx: Context, entity_id: str) -> dict:
        employee = session.get(EmployerWorker, uuid.UUID(entity_id))
        employer_or_404(session, ctx.scope, employee.employer_id if employee else None)
        return _employee_entity(session, ctx, employee)


def _uuid_field(body: dict, name: str) -> uuid.UUID:
    """The payload's `name`, taken out of the body (which is then the endpoint's)."""
    from marshmallow import ValidationError

    raw = body.pop(name, None)
    try:
        return uuid.UUID(str(raw))
    except ValueError as error:
        token = "field.required" if raw is None else "field.invalid|UUID"
        raise ValidationError({name: [token]}) from error


def _employer_entity(session, employer, warnings=None) -> dict:
    count = worker_counts(session, [employer.id])[employer.id]
    view = EmployerView(employer, count, **({"warnings": warnings} if warnings else {}))
    return _schema(EmployerSchema).dump(view)


def _employee_entity(session, ctx: Context, employee, warnings=None) -> dict:
    bpu = bool(bpu_niks(session, [employee.nik]))
    view = EmployeeView(employee, ctx.scope, bpu, **({"warnings": warnings} if warnings else {}))
    return _schema(EmployeeSchema).dump(view)


HANDLERS = {
    "worker.register": WorkerRegister,
    "payment.record": PaymentRecord,
    "worker.update": WorkerUpdate,
    "worker.death": WorkerDeath,
    "cash.deposit": CashDeposit,
    "employer.register": EmployerRegister,
    "employer.worker": EmployerWorkerAdd,
}


def preload(session, ctx: Context, operations: list[dict]) -> None:
    """Load every participant and payment a batch names, one query per kind, into the session
    (and `ctx.held`), so that each operation finds what exists without a query of its own."""
    from sqlalchemy import func, select

    wanted: dict[str, set] = {"worker": set(), "payment": set(), "payer": set()}
    for op in operations:
        handler = HANDLERS.get(op.get("type")) if isinstance(op.get("type"), str) else None
        if handler is not None and isinstance(op.get("payload"), dict):
            for kind, key in handler.preload(op["payload"]):
                if key is not None:
                    wanted[kind].add(key)
    for kind, model in (("worker", Worker), ("payment", Payment)):
        if wanted[kind]:
            ctx.held.extend(session.scalars(select(model).where(model.id.in_(wanted[kind]))))
    registrations = [
        op["payload"]
        for op in operations
        if op.get("type") == "worker.register" and isinstance(op.get("payload"), dict)
    ]
    if registrations:
        ctx.duplicates = DuplicatePool(session, registrations)
    if wanted["payer"]:
        ctx.payment_counts.update(
            session.execute(
                select(Payment.worker_id, func.count())
                .where(Payment.worker_id.in_(wanted["payer"]))
                .group_by(Payment.worker_id)
            ).all()
        )
