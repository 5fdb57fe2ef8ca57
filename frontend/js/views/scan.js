// Check a card (Periksa kartu): a card's QR code read by the camera (BarcodeDetector, where the
// browser has it) or its /v/ address or token typed or pasted, verified on the phone with the
// stored public keys (cardcheck.js), offline too. Offline the screen says only what the signature
// proves: number, masked name, issue date and the protection month the card was printed with.
// The newer status the phone knows comes from the agent's own caseload, with when it was synced;
// online, the server's check adds whether the card was replaced or revoked, and checks the first
// (HMAC) cards, which the phone cannot. Never a NIK or phone number.
import * as cardcheck from "../cardcheck.js";
import * as data from "../data.js";
import * as db from "../db.js";
import { t, dateTime } from "../i18n.js";
import { h, statusBadge, monthLabel, dayLabel, field, setError } from "../ui.js";

// A background refresh (after login) must not wipe a result being read.
export const keepOnRefresh = true;

export async function render() {
  const input = h("textarea", {
    name: "token",
    id: "card-token",
    rows: 3,
    autocomplete: "off",
    autocapitalize: "off",
    spellcheck: "false",
  });
  const result = h("div", { id: "card-result", "aria-live": "polite" });
  const camera = await cameraBox(input, () => check());
  let ticket = 0;

  // The phone's answer at once; the server's, when there is a network, replaces it as it comes.
  async function check() {
    const token = cardcheck.tokenOf(input.value);
    setError(input, token ? "" : t("scan.not_a_token"));
    result.replaceChildren();
    if (!token) return;
    const mine = ++ticket;
    result.append(h("p", { class: "muted" }, t("scan.checking")));
    const offline = await cardcheck.checkOffline(token);
    // An altered token is refused by the server too: no need to ask it.
    const ask = navigator.onLine && offline.kind !== "invalid";
    const shown = await outcome(offline, ask ? { pending: true } : {});
    if (mine !== ticket) return;
    result.replaceChildren(shown, again());
    result.scrollIntoView({ block: "start" });
    if (!ask) return;
    const server = {};
    try {
      server.answer = await cardcheck.checkOnline(token);
    } catch (error) {
      server.failure = error;
    }
    const updated = await outcome(offline, server);
    if (mine === ticket) shown.replaceWith(updated);
  }

  const again = () =>
    h(
      "button",
      {
        type: "button",
        class: "wide",
        id: "check-again",
        onclick: () => {
          input.value = "";
          result.replaceChildren();
          setError(input, "");
          window.scrollTo(0, 0);
          if (camera.start) camera.start();
          else input.focus();
        },
      },
      t("scan.again"),
    );

  return h(
    "section",
    { class: "screen", id: "scan-screen" },
    h("h1", {}, t("scan.title")),
    h("p", { class: "hint" }, t("scan.intro")),
    camera.el,
    h(
      "form",
      {
        class: "form",
        id: "check-form",
        onsubmit: (event) => {
          event.preventDefault();
          check();
        },
      },
      field(t("scan.token"), input, t("scan.token_hint")),
      h("button", { type: "submit", class: "primary wide", id: "check-submit" }, t("scan.check")),
    ),
    result,
    await keysNote(),
  );
}

// What the phone can say about a token (cardcheck.checkOffline) and what the server added:
// {pending} while it is asked, {answer} or {failure} once it replied, {} when it is not asked.
async function outcome(offline, server) {
  const online = server.answer || null;
  const known = online && !online.unknown ? online : null;
  const state = known ? (known.valid ? "valid" : "not_valid") : online ? "invalid" : offline.kind;
  // Refused by the server (it knows no such card), the signature's fields are not shown either.
  const card = state === "invalid" ? null : offline.card;
  const number = known ? known.membership_number : card ? card.membership_number : null;
  const asked = server.pending ? "pending" : online ? "done" : server.failure ? "failed" : "no";
  return h(
    "div",
    { class: `card card-check check-${state}`, id: "check-outcome", dataset: { result: state, online: asked } },
    h("h2", { id: "check-heading" }, t(HEADINGS[state])),
    ...explanation(state, offline, known, server),
    card ? printedFacts(card) : known ? serverCardFacts(known) : null,
    known ? serverStatus(known) : null,
    number ? await caseloadStatus(number) : null,
  );
}

const HEADINGS = {
  genuine: "scan.genuine",
  valid: "scan.valid",
  not_valid: "scan.not_valid",
  invalid: "scan.invalid",
  old: "scan.old",
  unknown_key: "scan.unknown_key",
  unsupported: "scan.unsupported",
};

function explanation(state, offline, known, { pending, failure }) {
  const lines = [];
  const line = (key, id) => lines.push(h("p", { class: "note", id }, t(key)));
  if (state === "genuine") line("scan.genuine_offline", "check-offline-note");
  if (state === "invalid") line("scan.invalid_detail", "check-invalid-note");
  if (state === "not_valid")
    line(`scan.reason.${known.reason === "replaced" ? "replaced" : "revoked"}`, "check-reason");
  if (state === "old") line("scan.old_detail", "check-online-note");
  if (state === "unknown_key") line("scan.unknown_key_detail", "check-online-note");
  if (state === "unsupported") line("scan.unsupported_detail", "check-online-note");
  if (known && offline.kind === "old") line("scan.old_checked_online", "check-reprint");
  if (pending) lines.push(h("p", { class: "muted", id: "check-asking" }, t("scan.asking_server")));
  if (failure) {
    const said = failure.body && failure.body.message;
    lines.push(
      h("p", { class: "banner warn", id: "check-online-failed" }, t("scan.online_failed"), said ? ` ${said}` : ""),
    );
  }
  return lines;
}

const fact = (key, label, ...value) => [h("dt", {}, label), h("dd", { dataset: { field: key } }, ...value)];

// What the card was signed with: the status as of printing, never a newer one.
function printedFacts(card) {
  return [
    h("h3", {}, t("scan.on_card")),
    h(
      "dl",
      { class: "review", id: "check-card" },
      fact("membership_number", t("participant.membership"), card.membership_number),
      fact("name_masked", t("scan.name"), card.name_masked),
      fact(
        "covered_until",
        t("participant.covered_until"),
        card.covered_until ? monthLabel(card.covered_until) : t("scan.never_paid"),
        h("span", { class: "as-printed" }, t("scan.as_printed")),
      ),
      fact("issued_on", t("scan.issued_on"), dayLabel(card.issued_on)),
      fact("serial", t("scan.serial"), String(card.serial)),
    ),
  ];
}

// An old card checked online: what the server says it is (its live status follows).
function serverCardFacts(known) {
  return h(
    "dl",
    { class: "review", id: "check-card" },
    fact("membership_number", t("participant.membership"), known.membership_number),
    fact("name_masked", t("scan.name"), known.name_masked),
    fact("issued_on", t("scan.issued_on"), dayLabel(known.issued_on)),
    fact("serial", t("scan.serial"), String(known.serial)),
  );
}

function serverStatus(known) {
  return [
    h("h3", {}, t("scan.server")),
    h(
      "dl",
      { class: "review", id: "check-server" },
      fact("status", t("participant.status"), statusBadge(known.status)),
      fact("covered_until", t("participant.covered_until"), monthLabel(known.covered_until)),
    ),
  ];
}

// The agent's own participant, as the phone last synced it (and payments taken here since).
async function caseloadStatus(number) {
  const w = (await data.workers()).find((x) => x.membership_number === number);
  if (!w) return h("p", { class: "hint", id: "check-not-mine" }, t("scan.not_mine"));
  const [syncedAt, payments] = await Promise.all([data.caseloadSyncedAt(), db.byIndex("payments", "worker_id", w.id)]);
  const unsent = payments.some((p) => p._pending);
  return h(
    "div",
    { id: "check-caseload" },
    h("h3", {}, t("scan.mine")),
    h(
      "dl",
      { class: "review" },
      fact("status", t("participant.status"), statusBadge(w.status)),
      fact("covered_until", t("participant.covered_until"), monthLabel(w.covered_until)),
      fact("synced_at", t("scan.synced"), syncedAt ? dateTime(syncedAt) : t("scan.never_synced")),
    ),
    unsent ? h("p", { class: "hint", id: "check-unsent" }, t("scan.pending_payment")) : null,
    h("a", { class: "button wide", href: `#/participant/${w.id}`, id: "check-open" }, t("scan.open_participant")),
  );
}

async function keysNote() {
  let stored = await cardcheck.storedKeys();
  if (!stored && navigator.onLine) stored = await cardcheck.refreshKeys().catch(() => null);
  if (!stored || !stored.keys.length) return h("p", { class: "banner warn", id: "keys-none" }, t("scan.keys_none"));
  return h("p", { class: "hint", id: "keys-at" }, t("scan.keys_at", dateTime(stored.fetched_at)));
}

// --- the camera ----------------------------------------------------------------------------

async function canScan() {
  if (!("BarcodeDetector" in window) || !navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) return false;
  try {
    return (await window.BarcodeDetector.getSupportedFormats()).includes("qr_code");
  } catch {
    return false;
  }
}

// {el, start}: the camera button and preview, which fills the field and checks on the first card
// code it sees; without BarcodeDetector, a note that the code is typed (start is then null).
async function cameraBox(input, found) {
  if (!(await canScan())) return { el: h("p", { class: "hint", id: "no-camera" }, t("scan.no_camera")), start: null };
  const video = h("video", { class: "scan-video", muted: true, playsinline: true, autoplay: true });
  const note = h("p", { class: "field-error", id: "camera-error", role: "alert" });
  const preview = h(
    "div",
    { class: "scan-preview hidden", id: "camera-preview" },
    video,
    h("p", { class: "hint" }, t("scan.camera_hint")),
    h("button", { type: "button", class: "wide", id: "camera-stop", onclick: () => stop() }, t("scan.camera_stop")),
  );
  const button = h(
    "button",
    { type: "button", class: "primary wide", id: "camera-start", onclick: () => start() },
    t("scan.camera"),
  );
  let stream = null;

  function stop() {
    if (stream) for (const track of stream.getTracks()) track.stop();
    stream = null;
    video.srcObject = null;
    preview.classList.add("hidden");
    button.classList.remove("hidden");
  }

  async function start() {
    note.textContent = "";
    try {
      stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" }, audio: false });
    } catch {
      note.textContent = t("scan.camera_failed");
      return;
    }
    video.srcObject = stream;
    preview.classList.remove("hidden");
    button.classList.add("hidden");
    await video.play().catch(() => {});
    window.addEventListener("hashchange", stop, { once: true });
    const detector = new window.BarcodeDetector({ formats: ["qr_code"] });
    const look = async () => {
      if (!stream) return;
      // Left the screen, or the phone was locked: the camera goes off.
      if (!video.isConnected || document.hidden) return stop();
      try {
        const codes = video.readyState >= 2 ? await detector.detect(video) : [];
        const code = codes.map((c) => c.rawValue).find((value) => cardcheck.tokenOf(value));
        if (code) {
          stop();
          input.value = code;
          found();
          return;
        }
      } catch {
        /* a frame it could not read: try the next one */
      }
      setTimeout(look, 200);
    };
    look();
  }

  return { el: h("div", { class: "scan-camera" }, button, note, preview), start };
}
