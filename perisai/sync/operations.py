"""Apply a batch of outbox operations, each on its own and each recorded by op_id.

A refused operation never undoes another: the batch is written all at once when the database
accepts all of it, and otherwise applied again with each operation in its own savepoint (the
batch writer of `perisai.batch`, which imports share).
Results come back in request order. An applied operation is recorded in `sync_operations`
together with a hash of its payload, so a replay (lost response, double tap, two tabs) returns
`duplicate` with the same entity, and the same op_id with other content is `rejected` (409).
Each applied operation leaves one audit event, in the batch's transaction: registrations and
payments are recorded here, all with one INSERT; a change or a death by its operation
(`perisai.workers.changes`), as through its own endpoint.
"""

from __future__ import annotations

import hashlib
import json
import logging
import uuid
from dataclasses import dataclass, field

from marshmallow import ValidationError
from sqlalchemy import insert, select, update
from sqlalchemy.exc import IntegrityError, OperationalError

from perisai import clock
from perisai.agents.models import Branch
from perisai.audit.operations import Actor, mark_recorded, record_many
from perisai.batch import together_or_alone
from perisai.errors import DomainError, NotFound
from perisai.observability import metrics
from perisai.sync.handlers import HANDLERS, Context, WriteStagedFirst, parse_uuid, preload
from perisai.sync.models import SyncOperation

log = logging.getLogger(__name__)
_LEDGER = SyncOperation.__table__
_INSERT_RECORD = insert(_LEDGER)  # built once: per-call .values() costs a compile-cache lookup
# The audit event of an applied operation recorded here; the others' operations record theirs.
AUDITED_HERE = {
    "worker.register": ("create", "participant"),
    "payment.record": ("create", "payment"),
}


@dataclass
class OperationResult:
    """One line of the answer; `message` and `errors` hold untranslated tokens."""

    op_id: str
    status: str
    http_status: int
    message: str | None = None
    errors: dict = field(default_factory=dict)
    entity: dict | None = None
    warnings: list = field(default_factory=list)
    details: dict = field(default_factory=dict)


class _OpIdTaken(Exception):
    """Another request recorded this op_id first (the race between two tabs/devices)."""


def payload_hash(op_type, payload) -> str:
    canonical = json.dumps(
        {"type": op_type, "payload": payload}, sort_keys=True, separators=(",", ":")
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


def apply_operations(
    session, *, ctx: Context, operations: list[dict], together: bool = True
) -> list[OperationResult]:
    """Apply every operation in order; never raises for one operation's failure.

    First all at once: each operation is checked and staged, and the batch is flushed in one
    go (a few multi-row statements instead of a savepoint and several statements for each;
    an operation naming one staged before it, a double tap, splits the batch there).
    Should the database refuse any of it (a NIK registered meanwhile, a random membership
    number drawn twice, an op_id sent by another tab at the same moment), the batch's savepoint
    undoes it all and every operation is applied again one at a time, in its own savepoint,
    which gives each its own answer. `together=False` goes straight to that careful way.
    """
    op_ids = [op["op_id"] for op in operations]
    known = {
        record.op_id: record
        for record in session.scalars(select(SyncOperation).where(SyncOperation.op_id.in_(op_ids)))
    }

    def one_at_a_time(ctx: Context) -> list[OperationResult]:
        preload(session, ctx, operations)
        return [_apply_one(session, ctx, op, known) for op in operations]

    if not together:
        results = one_at_a_time(ctx)
    else:
        results = together_or_alone(
            session,
            lambda: _apply_together(session, ctx, operations, dict(known)),
            # what it staged or counted was undone with the savepoint: start afresh
            lambda: one_at_a_time(ctx.fresh()),
            refusals=(_HalfStaged,),
        )
    _audit_applied(session, ctx, operations, results)
    metrics.count_sync(operations, results)
    return results


def _audit_applied(session, ctx: Context, operations: list[dict], results: list) -> None:
    """One event per registration or payment applied now, all in one INSERT. The batch is
    audited by its operations alone (`mark_recorded`): one that applied nothing (replays,
    refusals) records nothing, and never one event for the whole batch."""
    mark_recorded()
    events = [
        (*AUDITED_HERE[op["type"]], result.entity["id"])
        for op, result in zip(operations, results, strict=True)
        if result.status == "applied" and op["type"] in AUDITED_HERE
    ]
    if events:
        record_many(session, Actor.of(ctx.user, "sync"), events, status_code=201)


class _HalfStaged(Exception):
    """An operation failed unexpectedly and may have staged part of its work."""


def _apply_together(session, ctx: Context, operations: list[dict], known: dict):
    """Check and stage the operations, then write them: the ledger rows last, in one statement.
    An operation that names something staged before it is applied on its own after what is
    staged has been written. Raises _HalfStaged or the database's refusal instead of answering.
    """
    preload(session, ctx, operations)
    ledger: list[dict] = []
    results = []
    for op in operations:  # (without autoflush: see together_or_alone)
        try:
            results.append(_apply_one(session, ctx, op, known, ledger=ledger))
        except WriteStagedFirst:
            _write_staged(session, ctx, ledger)
            results.append(_apply_one(session, ctx, op, known))
    _write_staged(session, ctx, ledger)
    return results


def _write_staged(session, ctx: Context, ledger: list[dict]) -> None:
    session.flush()
    if ledger:
        session.connection().execute(_INSERT_RECORD, ledger)
    ledger.clear()
    ctx.staged.clear()  # written: the session finds them by id now (`ctx.held` keeps them)


def _apply_one(
    session, ctx: Context, op: dict, known: dict, ledger: list | None = None
) -> OperationResult:
    """One operation's answer. With `ledger`, the operation is staged (see `_stage`)."""
    op_id: uuid.UUID = op["op_id"]
    op_type, payload = op["type"], op["payload"]
    digest = payload_hash(op_type, payload)
    if op_id in known:
        if ledger is not None and ("op", op_id) in ctx.staged:
            raise WriteStagedFirst  # the same op_id earlier in this batch
        return _replay(session, ctx, op_id, op_type, digest, known[op_id])
    handler = HANDLERS.get(op_type) if isinstance(op_type, str) else None
    if handler is None:
        return _rejected(op_id, 422, "sync.unknown_type", {"json": {"type": ["sync.unknown_type"]}})
    if not isinstance(payload, dict):
        return _rejected(op_id, 422, "sync.payload", {"json": {"payload": ["sync.payload"]}})
    try:
        if ledger is not None:
            record, outcome = _stage(session, ctx, op, handler, digest, ledger)
        else:
            try:
                record, outcome = _attempt(session, ctx, op, handler, digest, savepoint=False)
            except IntegrityError:
                # A unique key clashed inside the operation (a NIK registered already, a random
                # membership number drawn twice): again, with the operation's own savepoints,
                # which turn the clash into its proper answer (the existing participant, a new
                # number). Only the rare clash pays for those savepoints.
                record, outcome = _attempt(session, ctx, op, handler, digest, savepoint=True)
    except _OpIdTaken:
        winner = session.scalars(
            select(SyncOperation)
            .where(SyncOperation.op_id == op_id)
            .execution_options(populate_existing=True)
        ).first()
        if winner is None:  # pragma: no cover - the winner rolled back in between
            return _rejected(op_id, 409, "http.409")
        known[op_id] = winner
        return _replay(session, ctx, op_id, op_type, digest, winner)
    except ValidationError as error:
        return _rejected(op_id, 422, "http.422", {"json": error.messages})
    except DomainError as error:
        return _rejected(op_id, error.status_code, error.message, error.errors, error.extra)
    except (WriteStagedFirst, OperationalError):
        raise  # written first, then alone / the database itself is gone: the phone retries
    except IntegrityError:
        # A unique constraint the operation does not answer itself.
        return _rejected(op_id, 409, "http.409")
    except Exception:  # one broken operation must not undo the others
        if ledger is not None:
            raise _HalfStaged from None  # undo the batch, then apply it the careful way
        log.exception("sync operation %s (%s) failed", op_id, op_type)
        return _rejected(op_id, 500, "sync.failed")
    known[op_id] = record
    return OperationResult(
        op_id=str(op_id),
        status="applied" if outcome.created else "duplicate",
        http_status=record.http_status,
        entity=outcome.entity,
        warnings=outcome.warnings,
    )


def _ledger_record(op: dict, ctx: Context, digest: str) -> SyncOperation:
    """The op_id's ledger row with the likely outcome: the client's id, created."""
    likely_id = parse_uuid(op["payload"].get("id"))
    return SyncOperation(
        op_id=op["op_id"],
        user_id=ctx.user.id,
        type=op["type"],
        payload_hash=digest,
        entity_id=str(likely_id) if likely_id is not None else None,
        http_status=201,
        applied_at=clock.now(),
    )


def _stage(session, ctx: Context, op: dict, handler, digest: str, ledger: list):
    """The operation checked and left pending, its ledger row kept for the batch's insert.

    The operations refuse before they add or change anything, so a refused one leaves
    nothing behind; anything else that goes wrong sends the batch the careful way.
    """
    record = _ledger_record(op, ctx, digest)
    outcome = handler.apply(session, ctx, op["payload"], savepoint=False, flush=False)
    record.entity_id, record.http_status = str(outcome.entity_id), _http_status(outcome)
    ledger.append(_row(record))
    ctx.staged["op", record.op_id] = record
    return record, outcome


def _http_status(outcome) -> int:
    if outcome.http_status is not None:
        return outcome.http_status
    return 201 if outcome.created else 200


def _row(record: SyncOperation) -> dict:
    return {c.key: getattr(record, c.key) for c in _LEDGER.columns}


def _attempt(session, ctx: Context, op: dict, handler, digest: str, *, savepoint: bool):
    """The operation and its ledger row in one savepoint: all of it stays, or none.

    The ledger row is written first (the op_id settles a race between two tabs before any work
    is done), with plain SQL rather than through the ORM's unit of work, and with the likely
    outcome (the client's id, created), so the usual operation costs one statement for it.
    """
    record = _ledger_record(op, ctx, digest)
    with session.begin_nested():
        try:
            session.connection().execute(_INSERT_RECORD, _row(record))
        except IntegrityError as error:
            raise _OpIdTaken from error
        outcome = handler.apply(session, ctx, op["payload"], savepoint=savepoint, flush=True)
        entity_id, http_status = str(outcome.entity_id), _http_status(outcome)
        if (record.entity_id, record.http_status) != (entity_id, http_status):
            record.entity_id, record.http_status = entity_id, http_status
            session.connection().execute(
                update(_LEDGER)
                .where(_LEDGER.c.op_id == record.op_id)
                .values(entity_id=entity_id, http_status=http_status)
            )
    return record, outcome


def _replay(session, ctx, op_id, op_type, digest, record: SyncOperation) -> OperationResult:
    if record.user_id != ctx.user.id or record.type != op_type:
        return _rejected(op_id, 409, "sync.op_id_taken", {"json": {"op_id": ["sync.op_id_taken"]}})
    if record.payload_hash != digest:
        errors = {"json": {"op_id": ["sync.op_id_reused"]}}
        return _rejected(op_id, 409, "sync.op_id_reused", errors)
    try:
        entity = HANDLERS[record.type].reload(session, ctx, record.entity_id)
    except NotFound:
        entity = None  # no longer visible to this user (e.g. moved to another agent)
    return OperationResult(op_id=str(op_id), status="duplicate", http_status=200, entity=entity)


def _rejected(op_id, http_status, message, errors=None, details=None) -> OperationResult:
    return OperationResult(
        op_id=str(op_id),
        status="rejected",
        http_status=http_status,
        message=message,
        errors=errors or {},
        details=details or {},
    )


def working_area(session, scope) -> dict:
    """The branch of an agent or supervisor and its regency code (None for an admin)."""
    branch = session.get(Branch, scope.branch_id) if scope.branch_id is not None else None
    if branch is None:
        return {"regency_code": None, "branch_code": None, "branch_name": None}
    return {
        "regency_code": branch.region_code,
        "branch_code": branch.code,
        "branch_name": branch.name,
    }
