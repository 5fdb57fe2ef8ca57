// Take a payment: months, the amount priced from the cached rules (works offline), channel,
// date. The payment id is made when the screen opens, so a double tap is one payment.
import * as db from "../db.js";
import * as data from "../data.js";
import * as outbox from "../outbox.js";
import * as api from "../api.js";
import { quote } from "../pricing.js";
import { t } from "../i18n.js";
import { h, field, rupiah, monthLabel, today, toast, uuid } from "../ui.js";

let draft = null;

export async function render(app, [workerId, mode, seq]) {
  let worker = await data.worker(workerId);
  if (!worker) return h("section", { class: "screen" }, h("p", {}, t("participants.missing")));
  let fixing = null;
  if (mode === "fix") {
    fixing = await db.get("outbox", Number(seq));
    if (fixing) draft = { ...fixing.payload };
  } else if (!draft || draft.worker_id !== workerId) {
    draft = { id: uuid(), worker_id: workerId, months: 1, paid_on: today(), channel: "cash" };
  }
  if (!worker._detail && navigator.onLine) worker = await data.refreshWorker(workerId).catch(() => worker);
  const rules = await data.rules();
  const months = h("select", { name: "months" }, Array.from({ length: 12 }, (_, i) => h("option", { value: String(i + 1) }, t("pay.n_months", i + 1))));
  months.value = String(draft.months);
  const channel = h("select", { name: "channel" }, ["cash", "bank", "ewallet"].map((c) => h("option", { value: c }, t(`channel.${c}`))));
  channel.value = draft.channel;
  const paidOn = h("input", { type: "date", name: "paid_on", max: today(), value: draft.paid_on });
  const amount = h("div", { class: "amount", id: "pay-amount", "aria-live": "polite" });
  const save = h("button", { type: "button", class: "primary wide", id: "pay-save" }, t("pay.save"));
  let current = null;
  async function price() {
    draft.months = Number(months.value);
    draft.paid_on = paidOn.value || today();
    draft.channel = channel.value;
    current = worker.income_level ? quote(rules, worker, draft.months, draft.paid_on.slice(0, 7)) : null;
    if (!current && navigator.onLine && !worker._pending) {
      try { current = await api.get(`/workers/${workerId}/quote?months=${draft.months}`); } catch { current = null; }
    }
    save.disabled = !current;
    amount.replaceChildren(current
      ? h("div", {}, h("span", {}, t("pay.amount")), h("strong", {}, rupiah(current.total)),
        h("ul", { class: "months" }, current.months.map((m) => h("li", {}, `${monthLabel(m.month)}: ${rupiah(m.total)}`))))
      : h("p", { class: "banner warn" }, t("pay.no_quote")));
  }
  for (const el of [months, channel, paidOn]) el.addEventListener("change", price);
  await price();
  save.addEventListener("click", async () => {
    if (!current || save.dataset.busy) return;
    save.dataset.busy = "1";
    save.disabled = true;
    const payload = { ...draft, amount: current.total };
    const covers = current.months.map((m) => m.month);
    const label = `${worker.full_name} · ${rupiah(payload.amount)}`;
    if (fixing) await outbox.replace(fixing.seq, payload, label);
    else await outbox.enqueue("payment.record", payload, { entityId: payload.id, label });
    await db.put("payments", { ...payload, covers, worker_name: worker.full_name, membership_number: worker.membership_number || null, receipt_number: null, _pending: true });
    await db.put("workers", { ...worker, covered_until: covers[covers.length - 1], first_paid_month: worker.first_paid_month || covers[0] });
    const id = payload.id;
    draft = null;
    toast(t("pay.saved"));
    app.go(`receipt/${id}`);
  });
  return h("section", { class: "screen" },
    h("h1", {}, t("pay.title")),
    h("p", { class: "lead" }, worker.full_name, " ", h("small", { class: "muted" }, worker.membership_number || t("status.pending"))),
    fixing && fixing.error ? h("p", { class: "banner error" }, fixing.error.message) : null,
    h("div", { class: "form" }, field(t("pay.months"), months), field(t("pay.channel"), channel), field(t("pay.paid_on"), paidOn), amount),
    save);
}

// A background refresh must not wipe what the agent is typing.
export const keepOnRefresh = true;
