// The outbox: every change is saved here first (with its op_id and entity id made once, at save
// time), then sent through POST /api/v1/sync, oldest first, in batches. A record leaves only
// when the server answered `applied` or `duplicate`; so a lost answer, a double tap, a reload in
// the middle of a send or a second tab can only ever produce a `duplicate`, never a second copy.
// Only one tab sends at a time (a Web Lock, or an IndexedDB lease where Web Locks are missing).
import * as db from "./db.js";
import * as api from "./api.js";
import { uuid } from "./ui.js";

const BATCH = 100;
const TIMER_MS = 30000;
const LEASE_MS = 60000;
const TAB_ID = uuid();

// `refused`: the server's message when it refuses every write of this agent (suspended or
// dismissed: 403 with `agent_status`). The outbox keeps everything and tries again later.
// `cashAnswered`: how many cash payments and deposits the server answered in this tab (cash.js
// fetches the agent's cash position again after such a sync: it changed, or the phone's copy was
// out of date when the server refused one).
export const state = {
  sending: false,
  authNeeded: false,
  offline: !navigator.onLine,
  lastSync: null,
  refused: null,
  cashAnswered: 0,
};
const listeners = new Set();
let userId = null;
let timer = null;
let running = null;
let again = false;

export function subscribe(fn) {
  listeners.add(fn);
  return () => listeners.delete(fn);
}
function emit() {
  for (const fn of listeners) {
    try {
      fn(state);
    } catch (e) {
      console.error(e);
    }
  }
}

export async function records() {
  const list = await db.all("outbox");
  return list.filter((r) => r.user_id === userId).sort((a, b) => a.seq - b.seq);
}

export async function pendingCount(forUser = userId) {
  return (await db.all("outbox")).filter((r) => r.user_id === forUser).length;
}

export async function totalCount() {
  return db.count("outbox");
}

// Save one change. Returns the stored record; a second call for the same entity (double tap)
// returns the first record instead of queueing a copy.
export async function enqueue(type, payload, { entityId, label, blob = null }) {
  const record = {
    op_id: uuid(),
    type,
    payload,
    entity_id: entityId,
    label,
    blob,
    user_id: userId,
    state: "pending",
    attempts: 0,
    error: null,
    created_at: new Date().toISOString(),
  };
  const stored = await db.tx("outbox", "readwrite", async ({ outbox }) => {
    const same = await db.req(outbox.index("entity_id").getAll(entityId));
    const existing = same.find((r) => r.type === type);
    if (existing) return existing;
    record.seq = await db.req(outbox.add(record));
    return record;
  });
  emit();
  soon();
  return stored;
}

// An edit of a participant (worker.update): one record per participant, with the fields changed
// against the server's copy the phone holds and that copy's version. A second edit before the
// first is sent takes the first one's place (the form showed the first edit's values, so the new
// fields include them), as a new operation.
export async function enqueueChange(payload, { label }) {
  const workerId = payload.worker_id;
  const stored = await db.tx("outbox", "readwrite", async ({ outbox }) => {
    const same = await db.req(outbox.index("entity_id").getAll(workerId));
    const existing = same.find((r) => r.type === "worker.update");
    if (existing) {
      Object.assign(existing, { payload, label, op_id: uuid(), state: "pending", error: null });
      outbox.put(existing);
      return existing;
    }
    const record = {
      op_id: uuid(),
      type: "worker.update",
      payload,
      entity_id: workerId,
      label,
      blob: null,
      user_id: userId,
      state: "pending",
      attempts: 0,
      error: null,
      created_at: new Date().toISOString(),
    };
    record.seq = await db.req(outbox.add(record));
    return record;
  });
  emit();
  soon();
  return stored;
}

// A stale edit: the server answered 409 with its current participant.
export function conflictOf(r) {
  const current =
    r &&
    r.type === "worker.update" &&
    r.state === "rejected" &&
    r.error &&
    r.error.http_status === 409 &&
    r.error.details &&
    r.error.details.current;
  return current || null;
}

// Fix-and-resend: a rejected record gets its corrected payload and a fresh op_id (a different
// operation); the entity id stays, so the server can still recognise the participant/payment.
export async function replace(seq, payload, label) {
  await db.tx("outbox", "readwrite", async ({ outbox }) => {
    const record = await db.req(outbox.get(seq));
    if (!record) return;
    Object.assign(record, { payload, label: label || record.label, op_id: uuid(), state: "pending", error: null });
    outbox.put(record);
  });
  emit();
  soon();
}

export async function retry(seq) {
  await db.tx("outbox", "readwrite", async ({ outbox }) => {
    const record = await db.req(outbox.get(seq));
    if (record) {
      record.state = "pending";
      record.error = null;
      outbox.put(record);
    }
  });
  emit();
  soon();
}

export async function discard(seq) {
  const record = await db.get("outbox", seq);
  await db.del("outbox", seq);
  if (record && record.type === "worker.register") {
    const cached = await db.get("workers", record.entity_id);
    if (cached && cached._pending) await db.del("workers", record.entity_id);
  }
  if (record && record.type === "payment.record") {
    const cached = await db.get("payments", record.entity_id);
    if (cached && !cached.receipt_number) await db.del("payments", record.entity_id);
  }
  // An employer's workers have no employer to go with any more.
  if (record && record.type === "employer.register") {
    const all = await db.all("outbox");
    const workers = all.filter((r) => r.type === "employer.worker" && r.payload.employer_id === record.entity_id);
    for (const worker of workers) await db.del("outbox", worker.seq);
  }
  // The slip's photo has no deposit to go with any more.
  if (record && record.type === "cash.deposit") {
    const photos = await db.byIndex("outbox", "entity_id", record.entity_id);
    for (const photo of photos.filter((r) => r.type === "deposit.photo")) await db.del("outbox", photo.seq);
  }
  emit();
}

export function start(id) {
  userId = id;
  if (!timer) {
    timer = setInterval(() => drain(), TIMER_MS);
    window.addEventListener("online", () => {
      state.offline = false;
      emit();
      drain();
    });
    window.addEventListener("offline", () => {
      state.offline = true;
      emit();
    });
    document.addEventListener("visibilitychange", () => {
      if (!document.hidden) drain();
    });
  }
  emit();
  return drain();
}

export function stop() {
  userId = null;
}

// The session expired: keep everything, wait for the agent to log in again.
export function needAuth() {
  state.authNeeded = true;
  emit();
}
export function resume(id) {
  state.authNeeded = false;
  return start(id);
}

function soon() {
  setTimeout(() => drain(), 50);
}

export function drain() {
  if (running) {
    again = true;
    return running;
  }
  running = (async () => {
    do {
      again = false;
      await withLock(sendAll);
    } while (again);
  })().finally(() => {
    running = null;
  });
  return running;
}

async function withLock(fn) {
  if (navigator.locks && navigator.locks.request) {
    return navigator.locks.request("perisai-outbox", { ifAvailable: true }, async (lock) => {
      if (lock) await fn();
      else setTimeout(() => drain(), 3000);
    });
  }
  const now = Date.now();
  const mine = await db.tx("kv", "readwrite", async ({ kv }) => {
    const lease = await db.req(kv.get("outbox-lease"));
    if (lease && lease.owner !== TAB_ID && lease.until > now) return false;
    kv.put({ owner: TAB_ID, until: now + LEASE_MS }, "outbox-lease");
    return true;
  });
  if (!mine) {
    setTimeout(() => drain(), 3000);
    return undefined;
  }
  try {
    return await fn();
  } finally {
    await db.kv.del("outbox-lease");
  }
}

// The participant a record belongs to: its own entity for a registration or a photo, the
// payload's worker_id for a payment or any other change to a participant.
function workerOf(r) {
  return r.type === "worker.register" || r.type === "photo.upload"
    ? r.entity_id
    : (r.payload && r.payload.worker_id) || r.entity_id;
}

// Held: a record whose participant's registration is still in the outbox (waiting, sending or
// rejected), or the photo of a deposit slip whose deposit is. It would only come back 404; it
// goes once the server has applied what it belongs to.
export function heldBy(list) {
  const registrations = new Map(list.filter((r) => r.type === "worker.register").map((r) => [r.entity_id, r]));
  const deposits = new Set(list.filter((r) => r.type === "cash.deposit").map((r) => r.entity_id));
  // An employer's worker goes once the employer is registered (issue 23).
  const employers = new Set(list.filter((r) => r.type === "employer.register").map((r) => r.entity_id));
  return (r) =>
    r.type === "deposit.photo"
      ? deposits.has(r.entity_id)
      : r.type === "employer.worker"
        ? employers.has(r.payload.employer_id)
        : r.type !== "worker.register" && r.type !== "cash.deposit" && registrations.has(workerOf(r));
}

// Photos go one by one as raw bodies (PUT, idempotent), after the record they belong to.
const PHOTOS = {
  "photo.upload": (r) => api.putPhoto(r.entity_id, r.payload.kind, r.blob),
  "deposit.photo": (r) => api.putDepositPhoto(r.entity_id, r.blob),
};

// Which records may go now: oldest first, held ones left for a later round.
function sendable(list) {
  const held = heldBy(list);
  const ops = [];
  const photos = [];
  for (const r of list) {
    if (r.state === "rejected" || held(r)) continue;
    if (PHOTOS[r.type]) photos.push(r);
    else if (ops.length < BATCH) ops.push(r);
  }
  return { ops, photos };
}

async function sendAll() {
  if (!userId || state.authNeeded) return;
  if (!navigator.onLine) {
    state.offline = true;
    emit();
    return;
  }
  state.sending = true;
  emit();
  try {
    for (let round = 0; round < 100; round += 1) {
      const { ops, photos } = sendable(await records());
      if (!ops.length && !photos.length) break;
      const progressed = ops.length ? await sendBatch(ops) : await sendPhoto(photos[0]);
      if (!progressed) break;
    }
    state.lastSync = new Date().toISOString();
  } catch (error) {
    if (error instanceof api.ApiError && error.status === 401) needAuth();
    else if (agentRefused(error)) state.refused = error.body.message || error.message;
    else console.warn("sync stopped", error);
  } finally {
    state.sending = false;
    emit();
  }
}

// The agent's account may not write (suspended/dismissed): nothing in the outbox is at fault.
function agentRefused(error) {
  return error instanceof api.ApiError && error.status === 403 && Boolean(error.body.agent_status);
}

async function sendBatch(ops) {
  const body = { operations: ops.map((r) => ({ op_id: r.op_id, type: r.type, payload: r.payload })) };
  let answer;
  try {
    answer = await api.sync(body);
  } catch (error) {
    if (agentRefused(error)) {
      throw error;
    } else if (error instanceof api.ApiError && error.status === 403) {
      // A stale CSRF token (e.g. the server restarted the session): fetch a fresh one once.
      const me = await api.me();
      api.setCsrf(me.csrf_token);
      await db.kv.set("session", me);
      answer = await api.sync(body);
    } else if (error instanceof api.NetworkError) {
      state.offline = !navigator.onLine;
      return false;
    } else {
      throw error;
    }
  }
  state.offline = false;
  state.refused = null;
  const byOp = new Map(ops.map((r) => [r.op_id, r]));
  let progressed = false;
  for (const result of answer.results) {
    const record = byOp.get(result.op_id);
    if (!record) continue;
    if (result.status === "applied" || result.status === "duplicate") {
      await settle(record, result);
      progressed = true;
    } else if (result.http_status >= 500) {
      await mark(record, { state: "pending", attempts: record.attempts + 1, error: result });
    } else {
      await mark(record, { state: "rejected", attempts: record.attempts + 1, error: result });
      if (cashEntry(record, null)) state.cashAnswered += 1;
      // A stale edit: the phone keeps the server's participant from now on (the agent's values
      // stay in the record, to be sent again on that version or dropped).
      const current = conflictOf({ ...record, state: "rejected", error: result });
      if (current) await db.tx("workers", "readwrite", async ({ workers }) => keepServerCopy(workers, current));
      progressed = true;
    }
  }
  await remember(answer.results.map((result) => [byOp.get(result.op_id), result]));
  emit();
  return progressed;
}

async function sendPhoto(record) {
  try {
    await PHOTOS[record.type](record);
  } catch (error) {
    if (error instanceof api.NetworkError) return false;
    if (error instanceof api.ApiError && error.status === 401) throw error;
    if (agentRefused(error)) throw error;
    const rejection = {
      status: "rejected",
      http_status: error.status,
      message: error.message,
      errors: error.body.errors || {},
    };
    await mark(record, { state: "rejected", attempts: record.attempts + 1, error: rejection });
    await remember([[record, rejection]]);
    return true;
  }
  await remember([[record, { status: "applied" }]]);
  await db.del("outbox", record.seq);
  state.refused = null;
  emit();
  return true;
}

async function mark(record, changes) {
  await db.tx("outbox", "readwrite", async ({ outbox }) => {
    const current = await db.req(outbox.get(record.seq));
    // Replaced meanwhile (fixed by the agent in another tab): leave the newer version alone.
    if (current && current.op_id === record.op_id) outbox.put({ ...current, ...changes });
  });
}

// Cash the server accepted from this phone since cash.js last fetched the agent's position: a
// cash payment or a deposit, counted on the phone until a position fetched later includes it.
export const cashLogKey = (userId) => `cash.settled.${userId}`;
function cashEntry(record, entity) {
  const p = record.payload;
  if (record.type === "cash.deposit")
    return { kind: "deposit", id: p.id, amount: p.amount, deposit: { ...p, state: "recorded", ...entity } };
  if (record.type === "payment.record" && p.channel === "cash")
    return { kind: "payment", id: p.id, paid_on: p.paid_on, amount: p.amount };
  return null;
}

// The server has it: drop the record and keep the server's copy of the entity.
async function settle(record, result) {
  await db.tx(["outbox", "workers", "payments", "kv"], "readwrite", async ({ outbox, workers, payments, kv }) => {
    const current = await db.req(outbox.get(record.seq));
    if (current && current.op_id === record.op_id) outbox.delete(record.seq);
    const cash = cashEntry(record, result.entity);
    if (cash && record.user_id) {
      const log = (await db.req(kv.get(cashLogKey(record.user_id)))) || [];
      if (!log.some((e) => e.id === cash.id)) kv.put([...log, cash], cashLogKey(record.user_id));
      state.cashAnswered += 1;
    }
    if (record.type === "worker.register") {
      // Sent before the registration was applied (an older phone's queue): it failed only because
      // the participant was not there yet, so it goes again now.
      for (const other of await db.req(outbox.getAll())) {
        if (
          other.state === "rejected" &&
          other.error &&
          other.error.http_status === 404 &&
          workerOf(other) === record.entity_id
        ) {
          outbox.put({ ...other, state: "pending", error: null });
        }
      }
    }
    const entity = result.entity;
    if (!entity) return;
    if (record.type === "worker.register") {
      const local = (await db.req(workers.get(entity.id))) || {};
      // A payment taken offline may already have moved coverage on the phone; keep the later.
      const covered = [local.covered_until, entity.covered_until].filter(Boolean).sort().pop() || null;
      workers.put({ ...local, ...entity, covered_until: covered, _pending: false, _detail: true });
    } else if (record.type === "payment.record") {
      const local = (await db.req(payments.get(entity.id))) || {};
      payments.put({ ...local, ...entity, _pending: false });
    } else if (record.type === "worker.update" || record.type === "worker.death") {
      await keepServerCopy(workers, entity);
      // Edited again while this one was on its way: the newer record holds these fields too and
      // was made on the same version, so it goes on the version the server has now.
      if (
        current &&
        current.op_id !== record.op_id &&
        current.type === "worker.update" &&
        current.payload.version === record.payload.version
      ) {
        outbox.put({ ...current, payload: { ...current.payload, version: entity.version } });
      }
    }
  });
}

// The server's copy of a participant replaces the phone's; a payment taken here and not yet
// accepted may already have moved coverage on the phone, so the later coverage stays.
async function keepServerCopy(workers, entity) {
  const local = (await db.req(workers.get(entity.id))) || {};
  const covered = [local.covered_until, entity.covered_until].filter(Boolean).sort().pop() || null;
  workers.put({ ...local, ...entity, covered_until: covered, _pending: false, _detail: true });
}

// Sync history ("sent", as ODK Collect and KoboToolbox show): what the server answered for each
// record, newest first, the last HISTORY kept on this phone per agent, and when the server last
// answered. Only the record's label (a name and a masked NIK, an amount), never its payload.
const HISTORY = 200;
const historyKey = () => `sent.${userId}`;

async function remember(pairs) {
  const at = new Date().toISOString();
  const entries = pairs
    .filter(([record, result]) => record && !(result.http_status >= 500))
    .map(([record, result]) => ({
      op_id: record.op_id,
      type: record.type,
      label: record.label || "",
      status: result.status,
      message: result.status === "rejected" ? result.message || "" : null,
      at,
    }));
  if (!userId) return;
  const key = historyKey();
  const before = (await db.kv.get(key)) || { last_sync: null, entries: [] };
  await db.kv.set(key, { last_sync: at, entries: [...entries.reverse(), ...before.entries].slice(0, HISTORY) });
}

export async function history() {
  return (await db.kv.get(historyKey())) || { last_sync: null, entries: [] };
}
