// Talking to /api/v1: JSON, the CSRF header on writes, the agent's language, typed errors.
import { getLang } from "./i18n.js";

let csrfToken = null;
export function setCsrf(token) { csrfToken = token; }

// The server names the version of its rates, discounts, income levels and occupations on the
// reference and sync answers (X-Perisai-Rules-Version); data.js refreshes when it changes.
let rulesListener = null;
export function onRulesVersion(fn) { rulesListener = fn; }

export class ApiError extends Error {
  constructor(status, body) {
    super((body && body.message) || `HTTP ${status}`);
    this.status = status;
    this.body = body || {};
  }
}

// Thrown when the request never got an answer (offline, DNS, server down).
export class NetworkError extends Error {}

export async function request(method, path, body, { timeout = 30000 } = {}) {
  const headers = { "Accept": "application/json", "Accept-Language": getLang() };
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
  try { data = await response.json(); } catch { data = null; }
  if (!response.ok) throw new ApiError(response.status, data);
  return { data, headers: response.headers };
}

export const get = async (path) => (await request("GET", path)).data;
export const post = async (path, body) => (await request("POST", path, body)).data;

// Every page of a paginated list (X-Pagination), up to `limit` items.
export async function getAll(path, limit = 5000) {
  const items = [];
  const sep = path.includes("?") ? "&" : "?";
  for (let page = 1; items.length < limit; page += 1) {
    const { data, headers } = await request("GET", `${path}${sep}page=${page}&page_size=200`);
    items.push(...data);
    const info = JSON.parse(headers.get("X-Pagination") || "{}");
    if (!data.length || items.length >= (info.total ?? items.length)) break;
  }
  return items;
}

// A raw body (photos): PUT is idempotent, so a retry after a lost answer is harmless.
export async function putBlob(path, blob) {
  let response;
  try {
    response = await fetch(`/api/v1${path}`, {
      method: "PUT",
      headers: { "Content-Type": blob.type || "image/jpeg", "X-CSRF-Token": csrfToken || "", "Accept-Language": getLang() },
      body: blob,
      credentials: "same-origin",
    });
  } catch (error) {
    throw new NetworkError(error.message);
  }
  if (!response.ok) {
    let data = null;
    try { data = await response.json(); } catch { data = null; }
    throw new ApiError(response.status, data);
  }
}
