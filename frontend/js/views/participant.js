// One participant: status, coverage, details, payments, the card (view/share), take payment,
// edit the details and record a death. Changes waiting in the outbox show at once, marked as
// waiting; a stale edit (409) shows what the agent typed beside what the server has now, to keep
// or drop. The screen follows its records: a sync that settles them repaints it.
import * as data from "../data.js";
import * as db from "../db.js";
import * as outbox from "../outbox.js";
import { watchStatus } from "../app.js";
import { t, tOr } from "../i18n.js";
import { h, statusBadge, monthLabel, rupiah, toast } from "../ui.js";
import { shareLink } from "../share.js";
import * as api from "../api.js";

export async function render(app, [id]) {
  const stored = await db.get("workers", id);
  if (stored && !stored._pending && navigator.onLine) await data.refreshWorker(id).catch(() => null);
  const screen = h("section", { class: "screen", id: "participant-screen" });
  const snapshot = async () =>
    JSON.stringify([await data.worker(id), (await db.byIndex("payments", "worker_id", id)).length]);
  let shown = await snapshot();
  const paint = async () => {
    screen.replaceChildren(...(await content(app, id, repaint)));
  };
  async function repaint() {
    shown = await snapshot();
    await paint();
  }
  await paint();
  let seen = false;
  const stop = watchStatus(async () => {
    if (document.body.dataset.view !== "participant" || (seen && !screen.isConnected)) {
      stop();
      return;
    }
    if (!screen.isConnected) return;
    seen = true;
    const now = await snapshot();
    if (now !== shown) {
      shown = now;
      await paint();
    }
  });
  return screen;
}

// A value as the agent reads it: a village by name, money in rupiah, a beneficiary in one line.
async function text(key, value) {
  if (value === null || value === undefined || value === "") return "—";
  if (key === "village_code") return data.placeName(value);
  if (key === "income_level") return rupiah(value);
  if (key === "programs") return value.join(", ");
  if (key === "funding") return t(`funding.${value}`);
  if (key === "beneficiary") {
    const rel = value.relationship ? ` (${tOr(`rel.${value.relationship}`, value.relationship)})` : "";
    return `${value.full_name || "—"}${rel}${value.phone ? ` · ${value.phone}` : ""}`;
  }
  return String(value);
}

const LABELS = {
  phone: "reg.phone",
  address: "reg.address",
  village_code: "reg.village_code",
  beneficiary: "participant.beneficiary",
  income_level: "reg.income_level",
  programs: "reg.programs",
  funding: "reg.funding",
};

async function content(app, id, repaint) {
  const w = await data.worker(id);
  if (!w) return [h("p", {}, t("participants.missing"))];
  const payments = (await db.byIndex("payments", "worker_id", id)).sort((a, b) => (a.paid_on < b.paid_on ? 1 : -1));
  const died = Boolean(w.end_reason);
  const waiting = (key) =>
    w._waiting.includes(key)
      ? h("span", { class: "badge status-pending waiting", dataset: { waiting: key } }, t("participant.waiting_field"))
      : null;
  const detail = async (key) => [t(LABELS[key]), h("span", {}, await text(key, w[key]), " ", waiting(key))];
  const rows = [
    [t("participant.membership"), w.membership_number || t("participants.not_synced")],
    [t("reg.nik"), w.nik_masked || "—"],
    [
      t("participant.status"),
      h(
        "span",
        {},
        w._pending ? statusBadge("pending") : statusBadge(w.status),
        died ? [" ", h("span", { class: "badge status-ended", id: "died-badge" }, t("participant.died"))] : null,
      ),
    ],
    died ? [t("participant.died_on"), h("span", {}, w.died_on || "—", " ", waiting("died_on"))] : null,
    [t("participant.covered_until"), monthLabel(w.covered_until)],
    ...(await Promise.all(
      ["phone", "address", "village_code", "beneficiary", "programs", "income_level", "funding"].map(detail),
    )),
  ].filter(Boolean);
  const conflict = outbox.conflictOf(w._update);
  const refused = w._update && w._update.state === "rejected" && !conflict;
  const cardUrl = `/api/v1/workers/${id}/card.pdf`;
  // Shared: a public link (no login, 30 days) from the server, not the agent's own PDF address.
  const shareOut = h("div", { id: "share-out" });
  const shareCard = () =>
    shareLink(
      () => api.cardLink(id),
      { title: t("participant.card"), text: t("participant.share_text", w.full_name, w.membership_number) },
      shareOut,
    );
  return [
    h("h1", {}, w.full_name),
    conflict ? await conflictBox(w, conflict, repaint) : null,
    refused
      ? h(
          "p",
          { class: "banner warn", id: "change-refused" },
          h("a", { href: "#/queue" }, t("participant.change_rejected")),
        )
      : null,
    w._waiting.length ? h("p", { class: "banner warn", id: "changes-waiting" }, t("participant.waiting")) : null,
    died ? h("p", { class: "banner", id: "ended-died" }, t("participant.ended_died", w.died_on)) : null,
    h(
      "dl",
      { class: "review" },
      rows.map(([k, v]) => [h("dt", {}, k), h("dd", {}, v)]),
    ),
    h(
      "div",
      { class: "actions" },
      died
        ? null
        : h("a", { class: "button primary wide", href: `#/pay/${id}`, id: "take-payment" }, t("participant.pay")),
      w._pending
        ? h("p", { class: "hint" }, t("participant.card_after_sync"))
        : h(
            "div",
            { class: "row" },
            h("a", { class: "button", href: cardUrl, target: "_blank", rel: "noopener" }, t("participant.card")),
            h("button", { type: "button", id: "share-card", onclick: shareCard }, t("participant.share_card")),
          ),
      died
        ? null
        : h(
            "div",
            { class: "row" },
            conflict
              ? null
              : h("a", { class: "button", href: `#/edit/${id}`, id: "edit-participant" }, t("participant.edit")),
            h(
              "a",
              { class: "button danger", href: `#/death/${id}`, id: "record-death" },
              t("participant.record_death"),
            ),
          ),
    ),
    w._pending ? null : shareOut,
    h("h2", {}, t("participant.payments")),
    h(
      "ul",
      { class: "list" },
      payments.length
        ? payments.map((p) =>
            h(
              "li",
              {},
              h(
                "a",
                { href: `#/receipt/${p.id}` },
                h("span", { class: "name" }, rupiah(p.amount)),
                h("span", { class: "meta" }, paymentLine(p)),
              ),
            ),
          )
        : h("li", { class: "empty" }, t("participant.no_payments")),
    ),
  ].filter(Boolean);
}

// The stale edit: each field the agent changed, typed vs on the server now. "Use my data" sends
// the agent's values again on the server's version; "Discard my changes" drops the record (the
// phone already holds the server's copy, stored when the 409 came back).
async function conflictBox(w, current, repaint) {
  const record = w._update;
  const keys = Object.keys(LABELS).filter((key) => key in record.payload);
  const lines = await Promise.all(
    keys.map(async (key) =>
      h(
        "tr",
        { dataset: { field: key } },
        h("th", { scope: "row" }, t(LABELS[key])),
        h("td", { class: "mine" }, await text(key, record.payload[key])),
        h("td", { class: "theirs" }, await text(key, current[key])),
      ),
    ),
  );
  const mine = h(
    "button",
    {
      type: "button",
      class: "primary",
      id: "conflict-mine",
      onclick: async () => {
        await outbox.replace(record.seq, { ...record.payload, version: current.version }, record.label);
        toast(t("conflict.kept_mine"));
        await repaint();
      },
    },
    t("conflict.keep_mine"),
  );
  const theirs = h(
    "button",
    {
      type: "button",
      class: "danger",
      id: "conflict-theirs",
      onclick: async () => {
        await outbox.discard(record.seq);
        toast(t("conflict.took_server"));
        await repaint();
      },
    },
    t("conflict.take_server"),
  );
  return h(
    "div",
    { class: "card conflict", id: "conflict", role: "alert" },
    h("h2", {}, t("conflict.title")),
    h("p", {}, t("conflict.text", record.payload.version, current.version)),
    h(
      "table",
      { class: "compare" },
      h(
        "thead",
        {},
        h(
          "tr",
          {},
          h("th", {}, t("conflict.field")),
          h("th", {}, t("conflict.mine")),
          h("th", {}, t("conflict.server")),
        ),
      ),
      h("tbody", {}, lines),
    ),
    h("div", { class: "row" }, mine, theirs),
  );
}

// When, how many months and the receipt number (pending until the sync brings it).
const paymentLine = (p) =>
  [p.paid_on, t("receipt.n_months", p.covers.length), p.receipt_number || t("receipt.awaiting_sync")].join(" · ");
