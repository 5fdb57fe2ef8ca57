// Home: today's numbers (registered, paid, waiting to sync, renewals due), the cash in hand (and
// whether cash payments are blocked) and the main actions.
import * as cash from "../cash.js";
import * as data from "../data.js";
import * as outbox from "../outbox.js";
import { t } from "../i18n.js";
import { h, rupiah, today, dayLabel } from "../ui.js";
import { renewalList } from "./renewals.js";

export async function render(app) {
  const day = today();
  const [workers, payments, waiting, { judged }] = await Promise.all([
    data.workers(),
    data.payments(),
    outbox.pendingCount(app.session.user.id),
    cash.standing(app.session.user.id, day),
  ]);
  const registeredToday = workers.filter((w) => (w.created_at || "").slice(0, 10) === day).length;
  const paidToday = payments.filter((p) => p.paid_on === day);
  const due = renewalList(workers).length;
  const stat = (value, label, href, id) =>
    h("a", { class: "stat", href, id }, h("strong", {}, String(value)), h("span", {}, label));
  return h(
    "section",
    { class: "screen" },
    h("h1", {}, t("home.hello", app.session.user.full_name || app.session.user.username)),
    h(
      "div",
      { class: "stats" },
      stat(registeredToday, t("home.registered_today"), "#/participants", "stat-registered"),
      stat(paidToday.length, t("home.paid_today"), "#/participants", "stat-paid"),
      stat(waiting, t("home.waiting"), "#/queue", "stat-waiting"),
      stat(due, t("home.renewals_due"), "#/renewals", "stat-due"),
    ),
    h("p", { class: "muted" }, t("home.collected_today", rupiah(paidToday.reduce((s, p) => s + (p.amount || 0), 0)))),
    cashCard(judged),
    h(
      "div",
      { class: "actions" },
      h("a", { class: "button primary wide", href: "#/register" }, t("home.register")),
      h("a", { class: "button wide", href: "#/participants" }, t("home.take_payment")),
      h("a", { class: "button wide", href: "#/scan", id: "home-scan" }, t("nav.card_check")),
      h("a", { class: "button wide", href: "#/renewals" }, t("nav.renewals")),
      h("a", { class: "button wide", href: "#/commission" }, t("nav.commission")),
    ),
  );
}

// The cash in hand, one tap from the cash screen; a block says so at once. Not known yet (never
// fetched): the card still leads to the cash screen, which says so.
function cashCard(judged) {
  if (!judged)
    return h(
      "a",
      { class: "card cash-card", href: "#/cash", id: "home-cash" },
      h("span", { class: "muted" }, t("kas.in_hand")),
      h("strong", { class: "cash-amount" }, "—"),
    );
  const note = judged.block
    ? h("span", { class: "cash-note blocked" }, t("home.cash_blocked"))
    : judged.deposit_by
      ? h("span", { class: "cash-note" }, t("home.cash_deposit_by", dayLabel(judged.deposit_by)))
      : null;
  return h(
    "a",
    { class: `card cash-card${judged.block ? " blocked" : ""}`, href: "#/cash", id: "home-cash" },
    h("span", { class: "muted" }, t("kas.in_hand")),
    h("strong", { class: "cash-amount" }, rupiah(judged.in_hand)),
    note,
  );
}
