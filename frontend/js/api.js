// Talking to /api/v1: JSON, the CSRF header on writes, the agent's language, typed errors.
import { getLang } from "./i18n.js";

let csrfToken = null;
export function setCsrf(token) {
  csrfToken = token;
}

// The server names the version of its rates, discounts, income levels and occupations on the
// reference and sync answers (X-Perisai-Rules-Version); data.js refreshes when it changes.
let rulesListener = null;
export function onRulesVersion(fn) {
  rulesListener = fn;
}

export class ApiError extends Error {
  constructor(status, body) {
    super((body && body.message) || `HTTP ${status}`);
    this.status = status;
    this.body = body || {};
  }
}

// Thrown when the request never got an answer (offline, DNS, server down).
export class NetworkError extends Error {}

async function request(method, path, body, { timeout = 30000 } = {}) {
  const headers = { Accept: "application/json", "Accept-Language": getLang() };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  if (method !== "GET" && csrfToken) headers["X-CSRF-Token"] = csrfToken;
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeout);
  let response;
  try {
    response = await fetch(`/api/v1${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: "same-origin",
      cache: "no-store",
      signal: controller.signal,
    });
  } catch (error) {
    throw new NetworkError(error.message);
  } finally {
    clearTimeout(timer);
  }
  const rules = response.headers.get("X-Perisai-Rules-Version");
  if (rules && rulesListener) rulesListener(rules);
  let data = null;
  try {
    data = await response.json();
  } catch {
    data = null;
  }
  if (!response.ok) throw new ApiError(response.status, data);
  return { data, headers: response.headers };
}

const get = async (path) => (await request("GET", path)).data;
const post = async (path, body) => (await request("POST", path, body)).data;
const query = (name, value) => (value ? `?${name}=${encodeURIComponent(value)}` : "");

// One function per endpoint the app calls; data.js, outbox.js and the screens call these and
// read the answer in the shape /work/shared/API.md and the OpenAPI document give it.

// {user: {id, username, role, ...}, csrf_token}: the login, and the session it opened.
export const login = (username, password) => post("/auth/login", { username, password });
export const me = () => get("/auth/me");
export const logout = () => post("/auth/logout", {});

// {results: [...]}, one per operation sent, in order.
export const sync = (body) => post("/sync", body);
// {regency_code, ...}: the caller's area, whose villages the phone keeps.
export const area = () => get("/sync/area");
// {participants: [...], cursor, more, removed: [ids]}.
export const caseload = (since) => get(`/sync/caseload${query("since", since)}`);

// [{code, name}]: the children of a region (provinces when parent is empty).
export const regions = (parent) => get(`/reference/regions${query("parent", parent)}`);
// [{code, label_id, label_en, sector}].
export const occupations = () => get("/reference/occupations");
// [rupiah, ...], ascending: the income levels in force this month.
export const incomeLevels = () => get("/reference/income-levels");
// {version, rounding, rate_versions: [...], discounts: [...]}: every rule, for offline pricing.
export const rates = () => get("/reference/rates");

// The participant body (API.md "Participants").
export const worker = (id) => get(`/workers/${id}`);
// {total, months: [{month, jkk, jkm, jht, total}]}.
export const quote = (workerId, months) => get(`/workers/${workerId}/quote?months=${months}`);
// PUT is idempotent, so a retry after a lost answer is harmless.
export const putPhoto = (workerId, kind, blob) => putBlob(`/workers/${workerId}/photos/${kind}`, blob);

// {keys: [{kid, alg: "Ed25519", public_key}]}: the keys that sign card tokens (public, for
// checks offline, cardcheck.js); {valid, membership_number, name_masked, status, covered_until,
// issued_on, serial, reason?}: the server's check of one card's token (404: not genuine).
export const cardKeys = () => get("/cards/keys");
export const verifyCard = (token) => get(`/verify/${encodeURIComponent(token)}`);

// {url, expires_at}: a signed public link to the card or the receipt PDF.
export const cardLink = (workerId) => post(`/workers/${workerId}/card-link`);
export const receiptLink = (paymentId) => post(`/payments/${paymentId}/receipt-link`);

// [statement row]: one per agent in scope, the agent's own for an agent.
export const statements = (month) => get(`/commissions/statements?month=${month}`);
// The statement row with its ledger `lines`.
export const statement = (id) => get(`/commissions/statements/${encodeURIComponent(id)}`);
export const statementPdfUrl = (id) => `/api/v1/commissions/statements/${encodeURIComponent(id)}.pdf`;

// The agent's cash custody (API.md "Cash custody"): {cash_in_hand, unsettled_since, ceiling,
// max_age_days, blocked, block_reason, collected, deposited, open: [{payment_id, paid_on,
// amount}], ...}; its deposits, newest first; the slip's photo of one (PUT, idempotent).
export const cashPosition = (agentCode) => get(`/cash/agents/${encodeURIComponent(agentCode)}`);
export const deposits = (pageSize) => get(`/cash/deposits?page_size=${pageSize}`);
export const putDepositPhoto = (depositId, blob) => putBlob(`/cash/deposits/${depositId}/photo`, blob);

// Employers (PU, issue 23): the agent's own, and one employer's workers (NIK masked).
export const employers = () => get("/employers?page_size=200");
export const employerWorkers = (id) => get(`/employers/${encodeURIComponent(id)}/workers?page_size=200`);

// A raw body (photos).
async function putBlob(path, blob) {
  let response;
  try {
    response = await fetch(`/api/v1${path}`, {
      method: "PUT",
      headers: {
        "Content-Type": blob.type || "image/jpeg",
        "X-CSRF-Token": csrfToken || "",
        "Accept-Language": getLang(),
      },
      body: blob,
      credentials: "same-origin",
    });
  } catch (error) {
    throw new NetworkError(error.message);
  }
  if (!response.ok) {
    let data = null;
    try {
      data = await response.json();
    } catch {
      data = null;
    }
    throw new ApiError(response.status, data);
  }
}
