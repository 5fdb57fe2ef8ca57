// Membership cards checked on the phone (DOMAIN.md §11; API.md "Cards", "Reaching participants"):
// the token a card's QR holds, verified OFFLINE with the Ed25519 public keys kept in IndexedDB
// (fetched whenever the app refreshes its reference data), and decoded as perisai/cards/tokens.py
// lays it out. A check offline proves only what the card was signed with: a card replaced or
// revoked since is known to the server alone (GET /verify/<token>), and so are the first cards,
// whose 28-character tokens are HMAC-signed.
//
// Signatures are checked with WebCrypto's Ed25519 (Chromium 137+, Safari 17+, Firefox 129+); a
// browser without it is told to check online, nothing is guessed.
import * as api from "./api.js";
import * as db from "./db.js";

const KEYS = "ref.card_keys";
const HEAD = 15; // kid 1, serial 4, membership number 5, issue day 2, month + 1 2, name length 1
const SIGNATURE = 64;
const NAME_BYTES = 32; // the most of a name a token holds (tokens.NAME_BYTES)
export const HMAC_LENGTH = 28;
const EPOCH = Date.UTC(2020, 0, 1);
const DAY_MS = 86400000;

// GET /cards/keys, kept as {keys: [{kid, alg, public_key}], fetched_at}. Retired keys stay
// published, so a card printed before a rotation still verifies here.
export async function refreshKeys() {
  const body = await api.cardKeys();
  const entry = { keys: body.keys || [], fetched_at: new Date().toISOString() };
  await db.kv.set(KEYS, entry);
  return entry;
}

export async function storedKeys() {
  return (await db.kv.get(KEYS)) || null;
}

// The token in what was scanned, typed or pasted: the whole `<base URL>/v/<token>` address or
// the token alone (line breaks of a pasted, wrapped text dropped); null for anything else.
export function tokenOf(text) {
  const s = String(text || "").replace(/\s+/g, "");
  if (!s || s.length > 400) return null;
  const inUrl = s.match(/\/v\/([A-Za-z0-9_-]+)\/?(?:[?#].*)?$/);
  if (inUrl) return inUrl[1];
  return /^[A-Za-z0-9_-]+$/.test(s) ? s : null;
}

const toBase64url = (bytes) =>
  btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, "-")
    .replace(/\//g, "_")
    .replace(/=+$/, "");

// The bytes of a base64url text without padding; null unless it is the one canonical spelling
// (as the server refuses others: one card, one token).
export function fromBase64url(text) {
  if (!/^[A-Za-z0-9_-]*$/.test(text) || text.length % 4 === 1) return null;
  let binary;
  try {
    binary = atob(text.replace(/-/g, "+").replace(/_/g, "/") + "=".repeat((4 - (text.length % 4)) % 4));
  } catch {
    return null;
  }
  const bytes = Uint8Array.from(binary, (c) => c.charCodeAt(0));
  return toBase64url(bytes) === text ? bytes : null;
}

// "Ni LPASD" → "Ni L*** P*** A*** S*** D***"; a one-word name "Su" → "Su***" (tokens.masked_name).
export function maskedName(core) {
  if (!core) return "";
  const space = core.indexOf(" ");
  if (space < 0) return `${core}***`;
  return [core.slice(0, space), ...[...core.slice(space + 1)].map((initial) => `${initial}***`)].join(" ");
}

const pad = (n, width = 2) => String(n).padStart(width, "0");

// The fields of a new (Ed25519) token, not yet verified; null when it is not laid out as one.
export function decode(token) {
  const raw = fromBase64url(token);
  if (!raw || raw.length < HEAD + SIGNATURE || raw.length > HEAD + NAME_BYTES + SIGNATURE) return null;
  const payload = raw.slice(0, raw.length - SIGNATURE);
  if (payload.length !== HEAD + payload[14]) return null;
  let core;
  try {
    core = new TextDecoder("utf-8", { fatal: true }).decode(payload.slice(HEAD));
  } catch {
    return null;
  }
  const view = new DataView(payload.buffer);
  const month = view.getUint16(12);
  return {
    kid: payload[0],
    serial: view.getUint32(1),
    membership_number: pad(payload[5] * 2 ** 32 + view.getUint32(6), 11),
    issued_on: new Date(EPOCH + view.getUint16(10) * DAY_MS).toISOString().slice(0, 10),
    covered_until: month ? `${Math.floor((month - 1) / 12)}-${pad(((month - 1) % 12) + 1)}` : null,
    name_masked: maskedName(core),
    payload,
    signature: raw.slice(raw.length - SIGNATURE),
  };
}

// RFC 8032 §7.1, test 1: a key and its signature of the empty message.
const PROBE_KEY = "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a";
const PROBE_SIGNATURE =
  "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b";
const hex = (text) => Uint8Array.from(text.match(/../g), (b) => parseInt(b, 16));

let support = null;
// Whether this browser verifies Ed25519 (older ones throw on the algorithm's name): the RFC's
// own example must verify.
export function ed25519Supported() {
  if (!support)
    support = (async () => {
      if (!globalThis.crypto || !crypto.subtle) return false;
      try {
        const key = await crypto.subtle.importKey("raw", hex(PROBE_KEY), { name: "Ed25519" }, false, ["verify"]);
        return await crypto.subtle.verify("Ed25519", key, hex(PROBE_SIGNATURE), new Uint8Array(0));
      } catch {
        return false;
      }
    })();
  return support;
}

async function signedBy(publicKey, card) {
  const raw = fromBase64url(publicKey);
  if (!raw || raw.length !== 32) return false;
  try {
    const key = await crypto.subtle.importKey("raw", raw, { name: "Ed25519" }, false, ["verify"]);
    return await crypto.subtle.verify("Ed25519", key, card.signature, card.payload);
  } catch {
    return false;
  }
}

// What the phone alone can say about a token, as {kind, card?}:
//   genuine     — signed by a published key: `card` is what it was signed with
//   invalid     — altered, truncated or forged (or not a card's token at all)
//   old         — a first, HMAC-signed card: only the server can check it
//   unknown_key — signed by a key this phone does not hold yet (and could not fetch)
//   unsupported — this browser cannot verify Ed25519
// A key id not held is fetched once when there is a network (a rotation since the last refresh).
export async function checkOffline(token) {
  if (token.length === HMAC_LENGTH) return { kind: fromBase64url(token) ? "old" : "invalid" };
  const card = decode(token);
  if (!card) return { kind: "invalid" };
  const find = (entry) => entry && entry.keys.find((k) => k.kid === card.kid && k.alg === "Ed25519");
  let key = find(await storedKeys());
  if (!key && navigator.onLine) key = find(await refreshKeys().catch(() => null));
  if (!key) return { kind: "unknown_key" };
  if (!(await ed25519Supported())) return { kind: "unsupported" };
  if (!(await signedBy(key.public_key, card))) return { kind: "invalid" };
  const { payload: _payload, signature: _signature, ...shown } = card;
  return { kind: "genuine", card: shown };
}

// The server's answer (API.md "Cards"): {valid, membership_number, name_masked, status,
// covered_until, issued_on, serial, reason?}, or {valid: false, unknown: true} for a token it
// does not know as genuine (404). Throws api.NetworkError offline, api.ApiError otherwise.
export async function checkOnline(token) {
  try {
    return await api.verifyCard(token);
  } catch (error) {
    if (error instanceof api.ApiError && error.status === 404) return { valid: false, unknown: true };
    throw error;
  }
}
