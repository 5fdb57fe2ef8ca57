// Renewal work list: whom to visit first — in grace (closest to ending first), then registered
// but never paid (the first payment starts protection; longest waiting first), due this month,
// then recently ended (they can restart with a new payment). Works offline from the caseload.
import * as data from "../data.js";
import { monthsBetween, quote } from "../pricing.js";
import { t } from "../i18n.js";
import { h, statusBadge, monthLabel, rupiah, today } from "../ui.js";

const registeredOn = (w) => w.registered_on || (w.created_at || "").slice(0, 10);

export function renewalList(workers, month = today().slice(0, 7)) {
  const rank = (w) => {
    if (w.end_reason) return null; // ended for good (died): nobody to visit
    if (!w.covered_until) return [1, registeredOn(w)];
    const unpaid = monthsBetween(w.covered_until, month);
    if (unpaid >= 1 && unpaid <= 3) return [0, -unpaid];
    if (unpaid === 0) return [2, 0];
    if (unpaid >= 4 && unpaid <= 6) return [3, unpaid];
    return null;
  };
  const order = (a, b) => (a < b ? -1 : a > b ? 1 : 0);
  return workers
    .map((w) => ({ w, r: rank(w) }))
    .filter((x) => x.r)
    .sort(
      (a, b) => a.r[0] - b.r[0] || order(a.r[1], b.r[1]) || (a.w.full_name || "").localeCompare(b.w.full_name || ""),
    )
    .map((x) => x.w);
}

// One participant to visit: the payment screen, with what is owed said under the name.
const visit = (w, badge, ...meta) =>
  h(
    "li",
    {},
    h(
      "a",
      { href: `#/pay/${w.id}` },
      h("span", { class: "name" }, w.full_name),
      h("span", { class: "meta" }, ...meta),
      statusBadge(badge),
    ),
  );

function neverPaid(w, rules, month) {
  const first = w.income_level ? quote(rules, w, 1, month) : null;
  return visit(
    w,
    w._pending ? "pending" : "registered",
    t("renewals.never_paid", registeredOn(w) || "—"),
    first ? ` · ${rupiah(first.total)}` : "",
  );
}

export async function render() {
  const [workers, rules] = await Promise.all([data.workers(), data.rules()]);
  const month = today().slice(0, 7);
  const list = renewalList(workers, month);
  return h(
    "section",
    { class: "screen" },
    h("h1", {}, t("nav.renewals")),
    h("p", { class: "muted" }, t("renewals.intro")),
    h(
      "ul",
      { class: "list", id: "renewal-list" },
      list.length
        ? list.map((w) => {
            if (!w.covered_until) return neverPaid(w, rules, month);
            const unpaid = monthsBetween(w.covered_until, month);
            const owed = unpaid >= 1 && unpaid <= 3 && w.income_level ? quote(rules, w, unpaid, month) : null;
            return visit(
              w,
              w.status,
              `${t("participants.until")} ${monthLabel(w.covered_until)}`,
              unpaid > 0 && unpaid <= 3 ? ` · ${t("renewals.unpaid", unpaid)}` : "",
              owed ? ` · ${rupiah(owed.total)}` : "",
            );
          })
        : h("li", { class: "empty" }, t("renewals.none")),
    ),
  );
}
