// My cash (DOMAIN.md §8): the cash in the agent's hand, since when the oldest of it is held, the
// limits, whether new cash payments are blocked and what to do about it, the deposits recorded
// (waiting for the bank, confirmed, rejected) and what the bank has not confirmed yet. Online it
// fetches the position first; offline it is judged on the phone (cash.js).
import * as cash from "../cash.js";
import * as db from "../db.js";
import { watchStatus } from "../app.js";
import { t, dateTime } from "../i18n.js";
import { h, rupiah, dayLabel } from "../ui.js";

const HELD_SHOWN = 20;

// Why cash payments are refused now, in the server's words (the same message as its 422; its
// English arguments are the amounts as the app writes rupiah, as ui.rupiah does).
export function blockText(block) {
  if (block.reason === "ceiling") {
    const [amount, ceiling] = [block.in_hand, block.ceiling].map((n) => rupiah(n).replace(/^Rp /, ""));
    return t("cash.blocked_ceiling", amount, ceiling, amount, ceiling);
  }
  return t("cash.blocked_age", dayLabel(block.oldest), block.max_age_days);
}

// The refusal with the way out: record the deposit (one tap), or take the payment another way.
export function blockNotice(block, { id = "cash-blocked", otherChannels = false } = {}) {
  return h(
    "div",
    { class: "banner error blocked", id, role: "alert", dataset: { reason: block.reason } },
    h("strong", {}, t("kas.blocked_title")),
    h("p", {}, blockText(block)),
    otherChannels ? h("p", {}, t("kas.other_channels")) : null,
    h("a", { class: "button primary", href: "#/deposit", id: `${id}-deposit` }, t("kas.record_deposit")),
  );
}

export async function render(app) {
  const userId = app.session.user.id;
  // Online and not fetched: the figures are the phone's last known ones (said so).
  const problem = navigator.onLine && !(await cash.fresh());
  const screen = h("section", { class: "screen", id: "cash-screen" });
  let shown = "";
  const paint = async () => {
    const standing = await cash.standing(userId);
    const now = JSON.stringify([standing.entry, standing.deposits, standing.rejectedDeposits, navigator.onLine]);
    if (now === shown) return;
    shown = now;
    screen.replaceChildren(...(await content(standing, problem)));
  };
  await paint();
  const stop = watchStatus(() => {
    if (document.body.dataset.view !== "cash") return stopAll();
    return paint();
  });
  const unsubscribe = cash.subscribe(() => {
    if (document.body.dataset.view !== "cash") return stopAll();
    return paint();
  });
  function stopAll() {
    stop();
    unsubscribe();
  }
  return screen;
}

async function content({ entry, judged, deposits, rejectedDeposits }, problem) {
  const parts = [h("h1", {}, t("kas.title"))];
  if (!judged) {
    parts.push(h("p", { class: "banner warn", id: "cash-unknown" }, t("kas.unknown")));
    parts.push(depositButton());
    return parts;
  }
  if (!navigator.onLine || problem)
    parts.push(h("p", { class: "banner warn", id: "cash-stale" }, t("kas.last_known", dateTime(entry.fetched_at))));
  const age = judged.oldest ? cash.daysBetween(judged.oldest, judged.today) : null;
  parts.push(
    h(
      "div",
      { class: "card cash-summary" },
      h("span", { class: "muted" }, t("kas.in_hand")),
      h("strong", { class: "cash-amount", id: "cash-in-hand" }, rupiah(judged.in_hand)),
      h(
        "dl",
        { class: "review", id: "cash-facts" },
        fact(
          "since",
          t("kas.since"),
          judged.oldest ? `${dayLabel(judged.oldest)} · ${age > 0 ? t("kas.age", age) : t("kas.age_today")}` : "—",
        ),
        judged.deposit_by ? fact("deposit_by", t("kas.deposit_by"), dayLabel(judged.deposit_by)) : null,
        fact("ceiling", t("kas.ceiling"), rupiah(judged.ceiling)),
        fact("max_age", t("kas.max_age"), t("kas.n_days", judged.max_age_days)),
      ),
    ),
  );
  if (judged.block) parts.push(blockNotice(judged.block));
  else {
    parts.push(
      h("p", { class: "banner", id: "cash-ok" }, t("kas.ok", rupiah(Math.max(0, judged.ceiling - judged.in_hand)))),
    );
    parts.push(depositButton());
  }
  parts.push(h("h2", {}, t("kas.deposits")));
  parts.push(
    h(
      "ul",
      { class: "list queue", id: "deposit-list" },
      rejectedDeposits.map(refusedItem),
      deposits.map(depositItem),
      deposits.length || rejectedDeposits.length ? null : h("li", { class: "empty" }, t("kas.no_deposits")),
    ),
  );
  parts.push(h("h2", {}, t("kas.unsettled")));
  parts.push(
    h(
      "p",
      { id: "cash-unsettled" },
      judged.unsettled_payments
        ? t("kas.unsettled_payments", judged.unsettled_payments, rupiah(judged.unsettled_amount))
        : t("kas.all_settled"),
    ),
  );
  if (judged.unconfirmed_deposits)
    parts.push(h("p", { id: "cash-unconfirmed" }, t("kas.unconfirmed", rupiah(judged.unconfirmed_deposits))));
  if (judged.held.length) {
    parts.push(h("h3", {}, t("kas.held")));
    parts.push(await heldList(judged.held));
  }
  return parts;
}

const depositButton = () =>
  h("a", { class: "button primary wide", href: "#/deposit", id: "cash-deposit" }, t("kas.record_deposit"));

const fact = (key, label, value) => [h("dt", {}, label), h("dd", { dataset: { field: key } }, value)];

const STATES = {
  unsent: "unsent",
  recorded: "waiting",
  matched: "confirmed",
  confirmed: "confirmed",
  rejected: "rejected",
};

function depositItem(d) {
  const state = STATES[d.state] || "waiting";
  return h(
    "li",
    { class: `record deposit ${state}`, dataset: { state, id: d.id } },
    h(
      "div",
      { class: "row between" },
      h("span", { class: "name" }, `${rupiah(d.amount)} · ${t(`deposit.channel.${d.channel}`)}`),
      h("span", { class: `badge deposit-${state}` }, t(`kas.state.${state}`)),
    ),
    h("span", { class: "meta" }, `${dayLabel(d.deposited_on)} · ${t("deposit.reference")}: ${d.reference}`),
    d.has_photo ? h("span", { class: "meta" }, t("kas.has_photo")) : null,
    state === "rejected" && d.resolution_note
      ? h("span", { class: "meta server-message" }, t("kas.rejected_note", d.resolution_note))
      : null,
  );
}

// A deposit the server refused (an outbox record): its message, and the fix.
function refusedItem(r) {
  const d = r.payload;
  return h(
    "li",
    { class: "record deposit rejected", dataset: { state: "refused", id: d.id } },
    h(
      "div",
      { class: "row between" },
      h("span", { class: "name" }, `${rupiah(d.amount)} · ${t(`deposit.channel.${d.channel}`)}`),
      h("span", { class: "badge deposit-rejected" }, t("kas.state.refused")),
    ),
    h("span", { class: "meta" }, `${dayLabel(d.deposited_on)} · ${t("deposit.reference")}: ${d.reference}`),
    h("span", { class: "meta server-message" }, (r.error && r.error.message) || ""),
    h("a", { class: "button small primary", href: `#/deposit/fix/${r.seq}` }, t("queue.fix")),
  );
}

// The cash still in hand, oldest first, with the participant's name when this phone took it.
async function heldList(held) {
  const shown = held.slice(0, HELD_SHOWN);
  const taken = await Promise.all(shown.map((c) => (c.id ? db.get("payments", c.id) : null)));
  return h(
    "ul",
    { class: "list queue", id: "cash-held" },
    shown.map((c, i) =>
      h(
        "li",
        { class: "record" },
        h(
          "div",
          { class: "row between" },
          h("span", { class: "name" }, (taken[i] && taken[i].worker_name) || t("kas.cash_payment")),
          h("span", {}, rupiah(c.amount)),
        ),
        h("span", { class: "meta" }, dayLabel(c.paid_on)),
      ),
    ),
    held.length > shown.length ? h("li", { class: "empty" }, t("kas.more_held", held.length - shown.length)) : null,
  );
}
