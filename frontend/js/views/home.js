// Home: today's numbers (registered, paid, waiting to sync, renewals due) and the main actions.
import * as data from "../data.js";
import * as outbox from "../outbox.js";
import { t } from "../i18n.js";
import { h, rupiah, today } from "../ui.js";
import { renewalList } from "./renewals.js";

export async function render(app) {
  const day = today();
  const [workers, payments, waiting] = await Promise.all([
    data.workers(),
    data.payments(),
    outbox.pendingCount(app.session.user.id),
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
    h(
      "div",
      { class: "actions" },
      h("a", { class: "button primary wide", href: "#/register" }, t("home.register")),
      h("a", { class: "button wide", href: "#/participants" }, t("home.take_payment")),
      h("a", { class: "button wide", href: "#/renewals" }, t("nav.renewals")),
      h("a", { class: "button wide", href: "#/commission" }, t("nav.commission")),
    ),
  );
}
