// The agent's cash custody on the phone (DOMAIN.md §8, API.md "Cash custody"): the last position
// the server gave (GET /cash/agents/<code>) and the agent's deposits, kept in IndexedDB whenever
// the phone is online, and the same rule as perisai/cash/position.py judged on the phone from
// that position plus what the phone has done since: cash payments and deposits still in the
// outbox, and those the server accepted after the position was fetched (outbox.js logs them).
import * as db from "./db.js";
import * as api from "./api.js";
import * as outbox from "./outbox.js";
import { today } from "./ui.js";

export const cacheKey = (userId) => `cash.${userId}`;
const DEPOSITS_SHOWN = 50;

// --- fetching -------------------------------------------------------------------------------

let refreshing = null;
let afterSync = false;
let fetchedAt = -Infinity; // performance.now() of the last fetch (the phone's clock may be set)
const listeners = new Set();

// `fn()` after every position stored (a screen showing it repaints).
export function subscribe(fn) {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

// Fetch the position and the deposits; resolves to the stored entry (or null: not an agent).
// Not while the outbox is sending: an operation the server applied but whose answer the phone
// has not read yet would be counted twice (in the position and in the outbox).
export function refresh() {
  if (outbox.state.sending) {
    afterSync = true;
    return Promise.resolve(null);
  }
  if (refreshing) return refreshing;
  refreshing = fetchPosition().finally(() => {
    refreshing = null;
  });
  return refreshing;
}

// Online: the position fetched now (or right after the sync under way), for a screen that shows
// it; waits at most `waitMs` (a slow network does not hold the screen). Null: not fetched.
export function fresh(waitMs = 4000) {
  if (!navigator.onLine) return Promise.resolve(null);
  return new Promise((resolve) => {
    let stop = () => {};
    const done = (entry) => {
      stop();
      clearTimeout(timer);
      resolve(entry || null);
    };
    const timer = setTimeout(() => done(null), waitMs);
    if (outbox.state.sending) {
      stop = subscribe(done);
      refresh(); // fetched as soon as the sync is over
    } else refresh().then(done, () => done(null));
  });
}

async function fetchPosition() {
  const session = (await db.kv.get("session")) || {};
  const user = session.user;
  if (!user || !user.agent_code) return null;
  const logKey = outbox.cashLogKey(user.id);
  const logged = ((await db.kv.get(logKey)) || []).length;
  const [position, deposits] = await Promise.all([api.cashPosition(user.agent_code), api.deposits(DEPOSITS_SHOWN)]);
  const entry = { position, deposits, fetched_at: new Date().toISOString() };
  fetchedAt = performance.now();
  // What the server accepted before this request was sent is in its answer: it leaves the log.
  await db.tx("kv", "readwrite", async ({ kv }) => {
    const log = (await db.req(kv.get(logKey))) || [];
    kv.put(log.slice(logged), logKey);
    kv.put(entry, cacheKey(user.id));
  });
  for (const fn of listeners) fn(entry);
  return entry;
}

// After a sync in which the server answered a cash payment or a deposit, the position again;
// after any other sync when the last fetch is STALE_MS old (a supervisor may have confirmed or
// rejected a deposit, or changed the limits).
const STALE_MS = 5 * 60 * 1000;
let seenAnswered = 0;
outbox.subscribe((state) => {
  if (state.sending || !navigator.onLine || state.authNeeded) return;
  const stale = performance.now() - fetchedAt > STALE_MS;
  if (state.cashAnswered === seenAnswered && !afterSync && !stale) return;
  seenAnswered = state.cashAnswered;
  afterSync = false;
  fetchedAt = performance.now();
  refresh().catch(() => {});
});

// --- the rule, as perisai/cash/position.py -----------------------------------------------------

const DAY_MS = 86400000;
const dayNumber = (iso) => Date.UTC(Number(iso.slice(0, 4)), Number(iso.slice(5, 7)) - 1, Number(iso.slice(8, 10)));
export const daysBetween = (from, to) => Math.round((dayNumber(to) - dayNumber(from)) / DAY_MS);
export function addDays(iso, n) {
  const d = new Date(dayNumber(iso) + n * DAY_MS);
  return d.toISOString().slice(0, 10);
}
const sum = (list) => list.reduce((total, c) => total + c.amount, 0);

// `server`: the position as the API gave it; `payments`: cash payments it does not know yet
// [{id, paid_on, amount}]; `deposits`: deposits it does not know yet [{id, amount}]; `day`: the
// phone's today. Deposits cover the agent's cash oldest first.
export function judge(server, payments, deposits, day) {
  const listed = server.open.map((c) => ({ id: c.payment_id, paid_on: c.paid_on, amount: c.amount }));
  const known = new Set(listed.map((c) => c.id));
  const added = payments.filter((p) => !known.has(p.id));
  // Beyond the oldest 200 the API lists: no older than the last one listed.
  const unlisted = server.cash_in_hand - sum(listed);
  if (unlisted > 0 && listed.length)
    listed.push({ id: null, paid_on: listed[listed.length - 1].paid_on, amount: unlisted });
  const collected = server.collected + sum(added);
  const deposited = server.deposited + sum(deposits);
  const inHand = Math.max(0, collected - deposited);
  // Array.sort is stable: for one day, the cash the server listed (taken earlier) comes first.
  const cash = [...listed, ...added].sort((a, b) => (a.paid_on < b.paid_on ? -1 : a.paid_on > b.paid_on ? 1 : 0));
  let credit = Math.max(0, server.deposited - server.collected) + sum(deposits);
  const held = [];
  for (const c of cash) {
    const used = Math.min(credit, c.amount);
    credit -= used;
    if (c.amount > used) held.push({ ...c, amount: c.amount - used });
  }
  const heldOn = (d) => held.filter((c) => c.paid_on <= d);
  const oldestOn = (d) =>
    heldOn(d)
      .map((c) => c.paid_on)
      .sort()[0] || null;
  const inHandOn = (d) => (d >= day ? inHand : sum(heldOn(d)));
  const limits = { ceiling: server.ceiling, max_age_days: server.max_age_days };
  // Why the agent may not take cash on `d`, or null.
  function blockOn(d) {
    const amount = inHandOn(d);
    if (amount > limits.ceiling) return { reason: "ceiling", in_hand: amount, ...limits };
    const oldest = oldestOn(d);
    if (oldest && daysBetween(oldest, d) > limits.max_age_days) return { reason: "age", oldest, ...limits };
    return null;
  }
  const oldest = oldestOn(day);
  return {
    // What the bank has not confirmed yet: the server's figures and the cash taken since.
    unsettled_amount: server.unsettled_amount + sum(added),
    unsettled_payments: server.unsettled_payments + added.length,
    unconfirmed_deposits: server.unconfirmed_deposits + sum(deposits),
    today: day,
    ...limits,
    in_hand: inHand,
    oldest,
    // The last day the oldest cash may be held (it blocks from the day after).
    deposit_by: oldest ? addDays(oldest, limits.max_age_days) : null,
    held,
    block: blockOn(day),
    blockOn,
    // A cash payment taken on `paidOn` is judged on that day (a day already over: leniently).
    blockFor: (paidOn) => blockOn(paidOn && paidOn < day ? paidOn : day),
  };
}

// --- what the phone knows ----------------------------------------------------------------------

const isCashPayment = (r) => r.type === "payment.record" && r.payload.channel === "cash";

// Everything the cash screen, the deposit form and the pay screen need: the stored position
// judged with what the phone did since (null `judged` when no position was ever fetched).
export async function standing(userId, day = today()) {
  const [entry, records, log] = await Promise.all([
    db.kv.get(cacheKey(userId)),
    outbox.records(),
    db.kv.get(outbox.cashLogKey(userId)),
  ]);
  const waiting = records.filter((r) => r.state !== "rejected");
  const queuedPayments = waiting.filter(isCashPayment).map((r) => ({
    id: r.payload.id,
    paid_on: r.payload.paid_on,
    amount: r.payload.amount,
  }));
  const queuedDeposits = waiting.filter((r) => r.type === "cash.deposit").map((r) => ({ ...r.payload, seq: r.seq }));
  const sent = log || [];
  const sentPayments = sent.filter((e) => e.kind === "payment");
  const serverDeposits = (entry && entry.deposits) || [];
  const listedIds = new Set(serverDeposits.map((d) => d.id));
  const sentDeposits = sent.filter((e) => e.kind === "deposit" && !listedIds.has(e.id)).map((e) => e.deposit);
  const judged = entry
    ? judge(entry.position, [...queuedPayments, ...sentPayments], [...queuedDeposits, ...sentDeposits], day)
    : null;
  return {
    entry,
    judged,
    queuedPayments,
    // Newest first: those still on the phone, those sent since the list was fetched, the server's.
    deposits: [
      ...queuedDeposits.reverse().map((d) => ({ ...d, state: "unsent" })),
      ...sentDeposits.reverse(),
      ...serverDeposits,
    ],
    rejectedDeposits: records.filter((r) => r.type === "cash.deposit" && r.state === "rejected"),
  };
}
