// A payment's receipt: shown on the phone and shared as text (WhatsApp/SMS); the PDF once the
// server has given the receipt number.
import * as db from "../db.js";
import { watchStatus } from "../app.js";
import { t } from "../i18n.js";
import { h, rupiah, monthLabel, toast } from "../ui.js";
import { shareLink } from "../share.js";
import * as api from "../api.js";

// The screen follows its payment: once the sync brings the receipt number, it shows it.
export async function render(app, [paymentId]) {
  const screen = h("section", { class: "screen", id: "receipt-screen" });
  screen.append(await card(app, paymentId));
  let shown = JSON.stringify(await db.get("payments", paymentId));
  const stop = watchStatus(async () => {
    if (document.body.dataset.view !== "receipt") {
      stop();
      return;
    }
    if (!screen.isConnected) return;
    const now = JSON.stringify(await db.get("payments", paymentId));
    if (now === shown) return;
    shown = now;
    screen.replaceChildren(await card(app, paymentId));
  });
  return screen;
}

async function card(app, paymentId) {
  const p = await db.get("payments", paymentId);
  if (!p) return h("p", {}, t("receipt.missing"));
  const covers = p.covers;
  // The membership number once known: a participant registered offline gets it at sync.
  const worker = (await db.get("workers", p.worker_id)) || {};
  const membership = p.membership_number || worker.membership_number || null;
  const period = covers.length ? `${monthLabel(covers[0])} – ${monthLabel(covers[covers.length - 1])}` : "—";
  const lines = [
    t("receipt.heading"),
    `${t("receipt.number")}: ${p.receipt_number || t("receipt.awaiting_sync")}`,
    // The phone's reference, to quote before the sync; kept beside the receipt number after it.
    p.client_reference ? `${t("receipt.reference")}: ${p.client_reference}` : null,
    `${t("receipt.participant")}: ${p.worker_name}${membership ? ` (${membership})` : ""}`,
    `${t("receipt.period")}: ${period} (${t("receipt.n_months", covers.length)})`,
    `${t("receipt.amount")}: ${rupiah(p.amount)}`,
    Number.isInteger(p.cash_received) ? `${t("receipt.cash_received")}: ${rupiah(p.cash_received)}` : null,
    Number.isInteger(p.cash_received) ? `${t("receipt.change")}: ${rupiah(p.change)}` : null,
    `${t("receipt.paid_on")}: ${p.paid_on} · ${t(`channel.${p.channel}`)}`,
    `${t("receipt.agent")}: ${app.session.user.agent_code || app.session.user.username}`,
  ].filter(Boolean);
  const text = lines.join("\n");
  const shareOut = h("div", { id: "share-out" });
  async function share() {
    // Online, once the server holds the payment: the text with a public link (no login) to the PDF.
    if (
      p.receipt_number &&
      navigator.onLine &&
      (await shareLink(() => api.receiptLink(p.id), { title: t("receipt.heading"), text }, shareOut))
    )
      return;
    if (!navigator.onLine)
      shareOut.replaceChildren(h("p", { class: "hint warn", role: "status" }, t("share.receipt_text_only")));
    try {
      if (navigator.share) await navigator.share({ title: t("receipt.heading"), text });
      else {
        await navigator.clipboard.writeText(text);
        toast(t("receipt.copied"));
      }
    } catch {
      /* the agent closed the share sheet */
    }
  }
  return h(
    "div",
    {},
    h(
      "div",
      { class: "card receipt", id: "receipt" },
      h("h1", {}, t("receipt.heading")),
      h(
        "dl",
        { class: "review" },
        lines.slice(1).map((line) => {
          const [k, ...v] = line.split(": ");
          return [h("dt", {}, k), h("dd", {}, v.join(": "))];
        }),
      ),
      p.receipt_number ? null : h("p", { class: "hint" }, t("receipt.pending_note")),
    ),
    h(
      "div",
      { class: "row" },
      h("button", { type: "button", class: "primary", onclick: share }, t("receipt.share")),
      p.receipt_number
        ? h(
            "a",
            { class: "button", href: `/api/v1/payments/${p.id}/receipt.pdf`, target: "_blank", rel: "noopener" },
            t("receipt.pdf"),
          )
        : null,
      h("a", { class: "button", href: `#/participant/${p.worker_id}` }, t("receipt.back")),
    ),
    shareOut,
  );
}
