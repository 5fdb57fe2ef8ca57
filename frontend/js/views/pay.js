// Take a payment: where the participant stands (covered until, arrears, a membership about to
// end), the months (all arrears by default) priced from the cached rules (works offline) with
// arrears apart from months paid ahead, the cash received and the change, channel, date.
// The payment id is made when the screen opens, so a double tap is one payment; the receipt
// reference (agent code + this device's sequence) is drawn when it is saved. A cash payment is
// refused while the agent's cash in hand is over its limits (judged on the phone by cash.js, as
// the server judges it), with the way out: record the deposit, or take it another way.
import * as custody from "../cash.js";
import * as db from "../db.js";
import * as data from "../data.js";
import * as outbox from "../outbox.js";
import * as api from "../api.js";
import { quote, coverageWithout, monthsBetween, statusFor } from "../pricing.js";
import { t } from "../i18n.js";
import { h, field, rupiah, monthLabel, today, toast, uuid, setError, statusBadge } from "../ui.js";
import { blockNotice } from "./cash.js";

// The screen while one agent is logged in (app.js's freshViews makes the next agent a new one):
// `draft`, the payment being taken, stays while the agent looks elsewhere and comes back to the
// same participant.
export function createView() {
  const state = { draft: null };
  return {
    render: (app, params) => render(state, app, params),
    // A background refresh must not wipe what the agent is typing.
    keepOnRefresh: true,
  };
}

// The months the server refused for this participant (rejected payments in the outbox).
async function refusedCovers(workerId) {
  const refused = (await outbox.records()).filter(
    (r) => r.type === "payment.record" && r.state === "rejected" && r.payload.worker_id === workerId,
  );
  const local = await Promise.all(refused.map((r) => db.get("payments", r.entity_id)));
  return local.map((p) => (p && p.covers) || []);
}

// "AG0001-D7K2-0042": the agent's code, this device's id and its own counter, both kept in
// IndexedDB, so a receipt handed over offline has a number to quote before the sync.
export async function nextReference(app) {
  const user = app.session.user;
  const code =
    String(user.agent_code || user.username || "AG")
      .toUpperCase()
      .replace(/[^A-Z0-9-]/g, "")
      .slice(0, 20) || "AG";
  const tail = await db.tx("kv", "readwrite", async ({ kv }) => {
    let device = await db.req(kv.get("device.id"));
    if (!device) {
      const letters = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
      device = "D" + [...crypto.getRandomValues(new Uint8Array(4))].map((b) => letters[b % letters.length]).join("");
      kv.put(device, "device.id");
    }
    const n = ((await db.req(kv.get("device.seq"))) || 0) + 1;
    kv.put(n, "device.seq");
    return `${device}-${String(n).padStart(4, "0")}`;
  });
  return `${code}-${tail}`;
}

// The server refused the payment's channel (errors.json.channel): the agent was blocked from
// taking cash when it was sent.
export function channelRefused(error) {
  const lines = error && error.errors && error.errors.json && error.errors.json.channel;
  return Array.isArray(lines) && lines.length > 0;
}

// Whole rupiah as typed ("20000", "20.000", "Rp 20.000"); "" is null (the exact amount).
export function cashOf(text) {
  const plain = String(text || "")
    .replace(/^\s*rp\.?/i, "")
    .replace(/[\s.,]/g, "");
  if (!plain) return null;
  return /^\d{1,12}$/.test(plain) ? Number(plain) : NaN;
}

async function render(state, app, [workerId, mode, seq]) {
  let worker = await data.worker(workerId);
  if (!worker) return h("section", { class: "screen" }, h("p", {}, t("participants.missing")));
  // Nobody pays for a participant who died (the server refuses every month after the death).
  if (worker.end_reason && !mode) {
    return h(
      "section",
      { class: "screen" },
      h("h1", {}, t("pay.title")),
      h("p", { class: "banner warn", id: "pay-died" }, t("pay.died", worker.died_on || "—")),
      h("a", { class: "button", href: `#/participant/${workerId}` }, t("receipt.back")),
    );
  }
  let fixing = null;
  if (mode === "fix") {
    fixing = await db.get("outbox", Number(seq));
    if (fixing) {
      const taken = (await db.get("payments", fixing.entity_id)) || {};
      state.draft = { ...fixing.payload, cash: taken.cash_received ?? "", fix: true };
    }
  }
  if (!worker._detail && navigator.onLine) worker = await data.refreshWorker(workerId).catch(() => worker);
  // A rejected payment of this participant never counts as coverage, the one being fixed included.
  const coveredUntil = coverageWithout(worker, await refusedCovers(workerId));
  const base = { ...worker, covered_until: coveredUntil };
  const thisMonth = today().slice(0, 7);
  const status = statusFor(coveredUntil, thisMonth);
  const unpaid = coveredUntil ? monthsBetween(coveredUntil, thisMonth) : 0;
  if (!fixing && (!state.draft || state.draft.fix || state.draft.worker_id !== workerId)) {
    // The sensible default: every month owed up to this one (arrears), else one month.
    const owed = status === "grace" ? unpaid : 1;
    state.draft = { id: uuid(), worker_id: workerId, months: owed, paid_on: today(), channel: "cash", cash: "" };
  }
  const draft = state.draft;
  const rules = await data.rules();
  const months = h(
    "select",
    { name: "months" },
    Array.from({ length: 12 }, (_, i) => h("option", { value: String(i + 1) }, t("pay.n_months", i + 1))),
  );
  months.value = String(draft.months);
  const channel = h(
    "select",
    { name: "channel" },
    ["cash", "bank", "ewallet"].map((c) => h("option", { value: c }, t(`channel.${c}`))),
  );
  channel.value = draft.channel;
  const paidOn = h("input", { type: "date", name: "paid_on", max: today(), value: draft.paid_on });
  const cash = h("input", {
    type: "text",
    name: "cash_received",
    id: "pay-cash",
    inputmode: "numeric",
    autocomplete: "off",
    value: draft.cash || "",
  });
  const change = h("div", { class: "amount", id: "pay-change", "aria-live": "polite" });
  const cashField = field(t("pay.cash_received"), cash, t("pay.cash_hint"));
  const amount = h("div", { class: "amount", id: "pay-amount", "aria-live": "polite" });
  const repriced = h("div", { id: "pay-repriced" });
  const save = h("button", { type: "button", class: "primary wide", id: "pay-save" }, t("pay.save"));
  let current = null;
  let cashOk = true;
  // The server refused this payment's channel (the agent was blocked when it was sent).
  const refusedChannel = Boolean(fixing) && channelRefused(fixing.error);
  // Above the form, so that it is seen before the cash is counted.
  const blockBox = h("div", { id: "pay-cash-block" });
  const channelField = field(t("pay.channel"), channel);
  const refused =
    fixing && fixing.error ? h("p", { class: "banner error", id: "pay-refused" }, fixing.error.message) : null;
  let judged = (await custody.standing(app.session.user.id)).judged;
  const blockNow = () => (channel.value === "cash" && judged ? judged.blockFor(paidOn.value || today()) : null);
  function showBlock() {
    const block = blockNow();
    blockBox.replaceChildren(block ? blockNotice(block, { id: "pay-blocked", otherChannels: true }) : "");
    // Refused for the cash limits and still blocked: the notice says it all, once.
    if (refused) refused.classList.toggle("hidden", refusedChannel && Boolean(block));
    // Written into the field itself: the first judgement runs before the screen is on the page.
    const note = refusedChannel && channel.value === "cash" && !block ? t("kas.channel_refused") : "";
    channelField.querySelector(".field-error").textContent = note;
    channel.classList.toggle("invalid", Boolean(note));
    return block;
  }
  // Online: the position as the server has it now, then judged again.
  if (navigator.onLine)
    custody
      .refresh()
      .then(async (entry) => {
        if (!entry) return;
        judged = (await custody.standing(app.session.user.id)).judged;
        showBlock();
      })
      .catch(() => {});

  function group(id, title, list) {
    if (!list.length) return null;
    const sum = list.reduce((total, m) => total + m.total, 0);
    return h(
      "div",
      { class: "pay-group", id },
      h("h3", {}, `${title} · ${t("pay.n_months", list.length)} · ${rupiah(sum)}`),
      h(
        "ul",
        { class: "months" },
        list.map((m) => h("li", {}, `${monthLabel(m.month)}: ${rupiah(m.total)}`)),
      ),
    );
  }

  function counted() {
    const isCash = channel.value === "cash";
    showBlock();
    cashField.classList.toggle("hidden", !isCash);
    draft.cash = cash.value;
    const received = isCash ? cashOf(cash.value) : null;
    cashOk = true;
    let message = "";
    if (Number.isNaN(received)) {
      cashOk = false;
      message = t("pay.cash_invalid");
    } else if (received !== null && current && received < current.total) {
      cashOk = false;
      message = t("pay.cash_short", rupiah(current.total - received), rupiah(current.total));
    }
    setError(cash, message);
    const shown = isCash && current && cashOk && received !== null;
    change.classList.toggle("hidden", !shown);
    change.replaceChildren(
      shown ? h("span", {}, `${t("pay.change")}: `, h("strong", {}, rupiah(received - current.total))) : "",
    );
    save.disabled = !current || !cashOk;
  }

  async function price() {
    draft.months = Number(months.value);
    draft.paid_on = paidOn.value || today();
    draft.channel = channel.value;
    const paidMonth = draft.paid_on.slice(0, 7);
    current = base.income_level ? quote(rules, base, draft.months, paidMonth) : null;
    if (!current && navigator.onLine && !worker._pending) {
      try {
        current = await api.quote(workerId, draft.months);
      } catch {
        current = null;
      }
    }
    if (current) {
      const due = current.months.filter((m) => m.month <= paidMonth);
      const ahead = current.months.filter((m) => m.month > paidMonth);
      // replaceChildren would write a missing group as the text "null".
      amount.replaceChildren(
        ...[
          h("div", {}, h("span", {}, t("pay.amount")), h("strong", {}, rupiah(current.total))),
          group("pay-arrears", status === "grace" ? t("pay.arrears") : monthLabel(paidMonth), due),
          group("pay-advance", t("pay.advance"), ahead),
        ].filter(Boolean),
      );
    } else {
      amount.replaceChildren(h("p", { class: "banner warn" }, t("pay.no_quote")));
    }
    // A fix keeps the cash taken: say so when the months chosen now cost something else.
    repriced.replaceChildren(
      fixing && current && current.total !== fixing.payload.amount
        ? h("p", { class: "banner warn" }, t("pay.repriced", rupiah(current.total), rupiah(fixing.payload.amount)))
        : "",
    );
    counted();
  }
  for (const el of [months, channel, paidOn]) el.addEventListener("change", price);
  cash.addEventListener("input", counted);
  await price();

  save.addEventListener("click", async () => {
    counted();
    if (!current || !cashOk || save.dataset.busy) {
      if (!cashOk) cash.focus();
      return;
    }
    if (channel.value === "cash") {
      // Judged again as it is saved: a deposit recorded in another tab lifts the block.
      judged = (await custody.standing(app.session.user.id)).judged;
      if (showBlock()) {
        toast(t("kas.refused"), "error");
        blockBox.scrollIntoView({ block: "center" });
        return;
      }
    }
    save.dataset.busy = "1";
    save.disabled = true;
    const covers = current.months.map((m) => m.month);
    const { cash: typed, fix: _fix, ...sent } = draft;
    const payload = { ...sent, amount: current.total, start_month: covers[0] };
    // A fix keeps its reference, unless the server refused the reference itself.
    const clash =
      fixing &&
      fixing.error &&
      fixing.error.errors &&
      fixing.error.errors.json &&
      fixing.error.errors.json.client_reference;
    if (!payload.client_reference || clash) payload.client_reference = await nextReference(app);
    const received = draft.channel === "cash" ? cashOf(typed) : null;
    const label = `${worker.full_name} · ${rupiah(payload.amount)}`;
    if (fixing) await outbox.replace(fixing.seq, payload, label);
    else await outbox.enqueue("payment.record", payload, { entityId: payload.id, label });
    await db.put("payments", {
      ...payload,
      covers,
      worker_name: worker.full_name,
      membership_number: worker.membership_number || null,
      receipt_number: null,
      cash_received: received,
      change: received === null ? null : received - payload.amount,
      _pending: true,
    });
    await db.put("workers", {
      ...worker,
      covered_until: covers[covers.length - 1],
      first_paid_month: coveredUntil ? worker.first_paid_month || covers[0] : covers[0],
    });
    const id = payload.id;
    state.draft = null;
    toast(t("pay.saved"));
    app.go(`receipt/${id}`);
  });

  const standing = [];
  if (status === "registered") standing.push(h("p", { class: "hint" }, t("pay.never_paid")));
  else standing.push(h("p", {}, t("pay.covered", monthLabel(coveredUntil)), " ", statusBadge(status)));
  if (status === "grace" && unpaid >= 3)
    standing.push(
      h("p", { class: "banner error", id: "pay-warning" }, t("pay.ends_this_month", monthLabel(thisMonth))),
    );
  else if (status === "grace")
    standing.push(h("p", { class: "banner warn", id: "pay-warning" }, t("pay.arrears_due", unpaid)));
  else if (status === "active" && unpaid === 0)
    standing.push(h("p", { class: "banner warn", id: "pay-warning" }, t("pay.cover_ends", monthLabel(thisMonth))));
  else if (status === "ended") standing.push(h("p", { class: "banner warn", id: "pay-warning" }, t("pay.ended")));

  return h(
    "section",
    { class: "screen" },
    h("h1", {}, t("pay.title")),
    h(
      "p",
      { class: "lead" },
      worker.full_name,
      " ",
      h("small", { class: "muted" }, worker.membership_number || t("status.pending")),
    ),
    refused,
    fixing ? h("p", { class: "hint", id: "pay-kept" }, t("pay.kept")) : null,
    h("div", { id: "pay-status" }, standing),
    blockBox,
    h(
      "div",
      { class: "form" },
      field(t("pay.months"), months),
      amount,
      repriced,
      channelField,
      cashField,
      change,
      field(t("pay.paid_on"), paidOn),
    ),
    save,
  );
}
