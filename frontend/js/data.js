// Reference data and the agent's participants, cached in IndexedDB so that registration and
// payment amounts work with no network. Refreshed on login, on start and after a sync.
import * as db from "./db.js";
import * as api from "./api.js";
import { normaliseRules, statusFor } from "./pricing.js";
import { today } from "./ui.js";

const DETAILS_PER_REFRESH = 40;

export async function refreshAll() {
  await Promise.allSettled([refreshReference(), refreshWorkers(), refreshArea()]);
  await db.kv.set("refreshed_at", new Date().toISOString());
  document.body.dataset.refreshed = "1";
}

// The villages of the agent's regency (and the chain above it), so registration works offline.
export async function refreshArea() {
  const area = await api.get("/sync/area");
  if (!area.regency_code) return;
  const province = area.regency_code.split(".")[0];
  await fetchRegions("");
  await fetchRegions(province);
  const districts = await fetchRegions(area.regency_code);
  for (const district of districts) await fetchRegions(district.code);
  await db.kv.set("area", area);
}

async function fetchRegions(parent) {
  const list = await api.get(`/reference/regions${parent ? `?parent=${encodeURIComponent(parent)}` : ""}`);
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
    "ref.occupations": "/reference/occupations",
    "ref.income_levels": "/reference/income-levels",
    "ref.rates": "/reference/rates",
  };
  refreshing = (async () => {
    const before = await db.kv.get("ref.version");
    const results = await Promise.allSettled(Object.entries(sources).map(async ([key, path]) => {
      await db.kv.set(key, await api.get(path));
    }));
    const rates = await db.kv.get("ref.rates");
    if (results.every((r) => r.status === "fulfilled") && rates && rates.version) {
      await db.kv.set("ref.version", rates.version);
      if (before && before !== rates.version) await db.kv.set("ref.changed_at", new Date().toISOString());
    }
  })().finally(() => { refreshing = null; });
  return refreshing;
}

api.onRulesVersion((version) => {
  seenVersion = version;
  if (refreshing) return;
  db.kv.get("ref.version").then((held) => { if (held && held !== version) refreshReference(); }).catch(() => {});
});

// Before pricing: a refresh under way, or a newer version seen and not fetched yet (online). A
// slow network does not hold the screen: after FRESH_WAIT_MS it prices with what the phone holds.
const FRESH_WAIT_MS = 5000;
async function freshRules() {
  if (!refreshing && seenVersion && navigator.onLine && seenVersion !== (await db.kv.get("ref.version"))) refreshReference();
  if (refreshing) await Promise.race([refreshing.catch(() => {}), new Promise((resolve) => setTimeout(resolve, FRESH_WAIT_MS))]);
}

export async function rulesChangedAt() { return db.kv.get("ref.changed_at"); }

export async function occupations() { return (await db.kv.get("ref.occupations")) || []; }

export async function incomeLevels() {
  const body = (await db.kv.get("ref.income_levels")) || [];
  const list = Array.isArray(body) ? body : body.levels || body.income_levels || [];
  return list.map((l) => (typeof l === "object" ? l.amount : l)).filter(Number.isInteger).sort((a, b) => a - b);
}

export async function rules() {
  await freshRules();
  return normaliseRules((await db.kv.get("ref.rates")) || {});
}

// Children of a region (provinces when parent is empty): cached once fetched, so the villages of
// the agent's area are there offline.
export async function regions(parent = "") {
  const key = `ref.regions.${parent}`;
  const cached = await db.kv.get(key);
  if (cached) return cached;
  try {
    const list = await api.get(`/reference/regions${parent ? `?parent=${encodeURIComponent(parent)}` : ""}`);
    await db.kv.set(key, list);
    return list;
  } catch {
    return [];
  }
}

// The agent's participants: the list from the server merged with what the phone knows
// (registrations not yet synced, details fetched before).
export async function refreshWorkers() {
  const list = await api.getAll("/workers");
  await db.tx("workers", "readwrite", async ({ workers }) => {
    for (const item of list) {
      const local = (await db.req(workers.get(item.id))) || {};
      workers.put({ ...local, ...item, _pending: false });
    }
  });
  const missing = (await db.all("workers")).filter((w) => !w._pending && !w._detail).slice(0, DETAILS_PER_REFRESH);
  await Promise.allSettled(missing.map((w) => refreshWorker(w.id)));
}

export async function refreshWorker(id) {
  const detail = await api.get(`/workers/${id}`);
  const local = (await db.get("workers", id)) || {};
  const merged = { ...local, ...detail, _pending: false, _detail: true };
  await db.put("workers", merged);
  return merged;
}

export async function workers() {
  const list = await db.all("workers");
  const month = today().slice(0, 7);
  for (const w of list) w.status = statusFor(w.covered_until, month);
  return list.sort((a, b) => (a.full_name || "").localeCompare(b.full_name || ""));
}

export async function worker(id) { return db.get("workers", id); }

export async function payments() { return db.all("payments"); }
