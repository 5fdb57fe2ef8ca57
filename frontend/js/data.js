// Reference data and the agent's participants, cached in IndexedDB so that registration and
// payment amounts work with no network. Refreshed on login, on start and after a sync (the cash
// position too: cash.js; the public keys that check cards offline: cardcheck.js).
import * as db from "./db.js";
import * as api from "./api.js";
import * as cash from "./cash.js";
import * as cardcheck from "./cardcheck.js";
import { effectiveMonth, normaliseRules, statusFor } from "./pricing.js";
import { today } from "./ui.js";

export async function refreshAll() {
  await Promise.allSettled([
    refreshReference(),
    refreshWorkers(),
    refreshArea(),
    cash.refresh(),
    cardcheck.refreshKeys(),
  ]);
  await db.kv.set("refreshed_at", new Date().toISOString());
  document.body.dataset.refreshed = "1";
}

// The villages of the agent's regency (and the chain above it), so registration works offline.
export async function refreshArea() {
  const area = await api.area();
  if (!area.regency_code) return;
  const province = area.regency_code.split(".")[0];
  await fetchRegions("");
  await fetchRegions(province);
  const districts = await fetchRegions(area.regency_code);
  for (const district of districts) await fetchRegions(district.code);
  await db.kv.set("area", area);
}

// GET /reference/regions, kept on the phone by parent.
async function fetchRegions(parent) {
  const list = await api.regions(parent);
  await db.kv.set(`ref.regions.${parent}`, list);
  return list;
}

// Rule updates reach the phone: every reference and sync answer names the server's rules version;
// when it differs from the one the phone holds, the reference data is fetched again, and pricing
// (rules()) waits for that. `ref.changed_at` is when a newer version arrived: a payment priced
// before it and refused for its amount was priced with the old rates (queue.js says so).
let refreshing = null;
let seenVersion = null;

export function refreshReference() {
  if (refreshing) return refreshing;
  const sources = {
    "ref.occupations": api.occupations,
    "ref.income_levels": api.incomeLevels,
    "ref.rates": api.rates,
  };
  refreshing = (async () => {
    const before = await db.kv.get("ref.version");
    const results = await Promise.allSettled(
      Object.entries(sources).map(async ([key, fetch]) => {
        await db.kv.set(key, await fetch());
      }),
    );
    const rates = await db.kv.get("ref.rates");
    if (results.every((r) => r.status === "fulfilled") && rates && rates.version) {
      await db.kv.set("ref.version", rates.version);
      if (before && before !== rates.version) await db.kv.set("ref.changed_at", new Date().toISOString());
    }
  })().finally(() => {
    refreshing = null;
  });
  return refreshing;
}

api.onRulesVersion((version) => {
  seenVersion = version;
  if (refreshing) return;
  db.kv
    .get("ref.version")
    .then((held) => {
      if (held && held !== version) refreshReference();
    })
    .catch(() => {});
});

// Before pricing: a refresh under way, or a newer version seen and not fetched yet (online). A
// slow network does not hold the screen: after FRESH_WAIT_MS it prices with what the phone holds.
const FRESH_WAIT_MS = 5000;
async function freshRules() {
  if (!refreshing && seenVersion && navigator.onLine && seenVersion !== (await db.kv.get("ref.version")))
    refreshReference();
  if (refreshing)
    await Promise.race([refreshing.catch(() => {}), new Promise((resolve) => setTimeout(resolve, FRESH_WAIT_MS))]);
}

export async function rulesChangedAt() {
  return db.kv.get("ref.changed_at");
}

// The reference data as the phone holds it; empty until it is first fetched.
export async function occupations() {
  return (await db.kv.get("ref.occupations")) ?? [];
}

// The income levels, ascending (a copy the caller may add to).
export async function incomeLevels() {
  return [...((await db.kv.get("ref.income_levels")) ?? [])];
}

const NO_RULES = { rate_versions: [], discounts: [] };
export async function rules() {
  await freshRules();
  return normaliseRules((await db.kv.get("ref.rates")) ?? NO_RULES);
}

// Children of a region (provinces when parent is empty): cached once fetched, so the villages of
// the agent's area are there offline.
export async function regions(parent = "") {
  const key = `ref.regions.${parent}`;
  const cached = await db.kv.get(key);
  if (cached) return cached;
  try {
    return await fetchRegions(parent);
  } catch {
    return [];
  }
}

// The agent's caseload (GET /sync/caseload): the first call brings every participant the agent
// manages, later ones only those changed since the cursor kept in db.kv (payments recorded on the
// server or another phone included, with their newest payments); ones moved to another agent are
// dropped. The cursor counts only while this user's copies are in the store (a logout empties it).
// `synced_at`: when the last complete refresh began (the copies are at least that fresh).
const CASELOAD_PAGES = 40;

export async function refreshWorkers() {
  const session = (await db.kv.get("session")) || {};
  const user = session.user ? session.user.id : null;
  const kept = (await db.kv.get("caseload")) || {};
  const held = (await db.all("workers")).some((w) => w._caseload);
  const ours = kept.user === user && held;
  let cursor = ours ? kept.cursor : null;
  let syncedAt = ours ? kept.synced_at || null : null;
  const started = new Date().toISOString();
  for (let page = 0; page < CASELOAD_PAGES; page += 1) {
    const body = await api.caseload(cursor);
    await storeCaseload(body);
    cursor = body.cursor;
    if (!body.more) syncedAt = started;
    await db.kv.set("caseload", { user, cursor, synced_at: syncedAt });
    if (!body.more) break;
  }
}

export async function caseloadSyncedAt() {
  return ((await db.kv.get("caseload")) || {}).synced_at || null;
}

async function storeCaseload(body) {
  await db.tx(["workers", "payments"], "readwrite", async ({ workers, payments }) => {
    // Payments taken here and not yet accepted keep the coverage they gave on this phone.
    const waiting = new Set((await db.req(payments.getAll())).filter((p) => p._pending).map((p) => p.worker_id));
    for (const { payments: recent, ...item } of body.participants) {
      const local = (await db.req(workers.get(item.id))) || {};
      const merged = { ...local, ...item, _pending: false, _detail: true, _caseload: true };
      if (waiting.has(item.id) && (local.covered_until || "") > (item.covered_until || ""))
        merged.covered_until = local.covered_until;
      workers.put(merged);
      for (const p of recent) {
        const mine = await db.req(payments.get(p.id));
        // Not taken on this phone: shown on the participant, not counted in today's numbers.
        payments.put({
          worker_name: item.full_name,
          membership_number: item.membership_number,
          ...mine,
          ...p,
          _pending: false,
          _remote: mine ? !!mine._remote : true,
        });
      }
    }
    for (const id of body.removed) workers.delete(id);
  });
}

export async function refreshWorker(id) {
  const detail = await api.worker(id);
  const local = (await db.get("workers", id)) || {};
  const merged = { ...local, ...detail, _pending: false, _detail: true };
  await db.put("workers", merged);
  return merged;
}

export async function workers() {
  const [list, changes] = await Promise.all([db.all("workers"), changesByWorker()]);
  const month = today().slice(0, 7);
  const shown = list.map((w) => overlay(w, changes.get(w.id)));
  for (const w of shown) w.status = w.end_reason ? "ended" : statusFor(w.covered_until, month);
  return shown.sort((a, b) => (a.full_name || "").localeCompare(b.full_name || ""));
}

export async function worker(id) {
  const stored = await db.get("workers", id);
  if (!stored) return stored;
  const shown = overlay(stored, (await changesByWorker()).get(id));
  if (shown.end_reason) shown.status = "ended";
  return shown;
}

// The server's copy as the phone holds it, without the changes waiting in the outbox (what an
// edit is compared with, and the version it is made on).
export async function serverCopy(id) {
  return db.get("workers", id);
}

// What the phone shows: the server's copy with the changes still in the outbox laid over it, so
// an edit shows at once and a death recorded offline ends the participant here. A refused change
// is not shown as made (a stale edit is shown as a conflict by the participant screen).
export const EDITABLE = ["phone", "address", "village_code", "beneficiary", "income_level", "programs", "funding"];

export async function changesByWorker() {
  const byWorker = new Map();
  for (const r of await db.all("outbox")) {
    if (r.type !== "worker.update" && r.type !== "worker.death") continue;
    const id = r.payload.worker_id;
    const entry = byWorker.get(id) || {};
    entry[r.type === "worker.update" ? "update" : "death"] = r;
    byWorker.set(id, entry);
  }
  return byWorker;
}

function overlay(w, change) {
  const shown = { ...w, _waiting: [] };
  if (!change) return shown;
  const { update, death } = change;
  if (update && update.state !== "rejected") {
    for (const key of EDITABLE) {
      if (key in update.payload) {
        shown[key] = update.payload[key];
        shown._waiting.push(key);
      }
    }
    if ("income_level" in update.payload || "programs" in update.payload) {
      // Priced as the server will once it applies the edit: from the next unpaid month on.
      const from = effectiveMonth(w.covered_until, today().slice(0, 7));
      const earlier =
        w.pricing && w.pricing.length
          ? w.pricing.filter((s) => s.from_month === null || s.from_month < from)
          : [{ from_month: null, income_level: w.income_level, programs: w.programs }];
      shown.pricing = [...earlier, { from_month: from, income_level: shown.income_level, programs: shown.programs }];
    }
  }
  if (update) shown._update = update;
  if (death) shown._death = death;
  if (death && death.state !== "rejected" && !shown.died_on) {
    Object.assign(shown, { died_on: death.payload.died_on, end_reason: "died", status: "ended" });
    shown._waiting.push("died_on");
  }
  return shown;
}

// "Desa X, Kec. Y": the village and its district by name from the cached regions (offline too).
export async function placeName(code) {
  if (!code) return "—";
  const parts = code.split(".");
  const named = async (parent, child) => ((await regions(parent)).find((r) => r.code === child) || {}).name;
  const district = parts.slice(0, 3).join(".");
  const village = await named(district, code);
  const districtName = await named(parts.slice(0, 2).join("."), district);
  return village ? [village, districtName].filter(Boolean).join(", ") : code;
}

// Payments taken on this phone (today's numbers); those the caseload brought are left out.
export async function payments() {
  return (await db.all("payments")).filter((p) => !p._remote);
}
