// One participant: status, coverage, payments taken here, the card (view/share), take payment.
import * as data from "../data.js";
import * as db from "../db.js";
import { t } from "../i18n.js";
import { h, statusBadge, monthLabel, rupiah } from "../ui.js";
import { shareLink } from "../share.js";

export async function render(app, [id]) {
  let w = await data.worker(id);
  if (w && !w._pending && navigator.onLine) w = await data.refreshWorker(id).catch(() => w);
  if (!w) return h("section", { class: "screen" }, h("p", {}, t("participants.missing")));
  const payments = (await db.byIndex("payments", "worker_id", id)).sort((a, b) => (a.paid_on < b.paid_on ? 1 : -1));
  const cardUrl = `/api/v1/workers/${id}/card.pdf`;
  // Shared: a public link (no login, 30 days) from the server, not the agent's own PDF address.
  const shareOut = h("div", { id: "share-out" });
  const shareCard = () => shareLink(`/workers/${id}/card-link`,
    { title: t("participant.card"), text: t("participant.share_text", w.full_name, w.membership_number) }, shareOut);
  const rows = [
    [t("participant.membership"), w.membership_number || t("participants.not_synced")],
    [t("reg.nik"), w.nik_masked || "—"],
    [t("participant.status"), w._pending ? statusBadge("pending") : statusBadge(w.status)],
    [t("participant.covered_until"), monthLabel(w.covered_until)],
    [t("reg.phone"), w.phone || "—"],
    [t("reg.programs"), (w.programs || []).join(", ")],
    [t("reg.income_level"), w.income_level ? rupiah(w.income_level) : "—"],
  ];
  return h("section", { class: "screen" },
    h("h1", {}, w.full_name),
    h("dl", { class: "review" }, rows.map(([k, v]) => [h("dt", {}, k), h("dd", {}, v)])),
    h("div", { class: "actions" },
      h("a", { class: "button primary wide", href: `#/pay/${id}`, id: "take-payment" }, t("participant.pay")),
      w._pending ? h("p", { class: "hint" }, t("participant.card_after_sync")) : h("div", { class: "row" },
        h("a", { class: "button", href: cardUrl, target: "_blank", rel: "noopener" }, t("participant.card")),
        h("button", { type: "button", id: "share-card", onclick: shareCard }, t("participant.share_card")))),
    w._pending ? null : shareOut,
    h("h2", {}, t("participant.payments")),
    h("ul", { class: "list" }, payments.length ? payments.map((p) => h("li", {}, h("a", { href: `#/receipt/${p.id}` },
      h("span", { class: "name" }, rupiah(p.amount)),
      h("span", { class: "meta" }, `${p.paid_on} · ${t("receipt.n_months", (p.covers || []).length)} · ${p.receipt_number || t("receipt.pending")}`))))
      : h("li", { class: "empty" }, t("participant.no_payments"))));
}
