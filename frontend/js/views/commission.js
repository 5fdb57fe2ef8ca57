// My commission this month (GET /api/v1/commissions/statements); online only.
import * as api from "../api.js";
import { t } from "../i18n.js";
import { h, rupiah, monthLabel, today } from "../ui.js";

export async function render() {
  const month = today().slice(0, 7);
  const screen = h("section", { class: "screen" }, h("h1", {}, t("nav.commission")), h("p", { class: "muted" }, monthLabel(month)));
  if (!navigator.onLine) { screen.append(h("p", { class: "banner warn" }, t("commission.offline"))); return screen; }
  try {
    const rows = await api.get(`/commissions/statements?month=${month}`);
    const row = (Array.isArray(rows) ? rows : rows.items || [])[0];
    if (!row) { screen.append(h("p", { class: "banner" }, t("commission.none"))); return screen; }
    const items = [
      [t("commission.new"), String(row.new_participants)],
      [t("commission.acquisition"), rupiah(row.acquisition_fee)],
      [t("commission.collection"), rupiah(row.collection_fee)],
      [t("commission.total"), rupiah(row.total)],
      [t("commission.state"), t(`commission.state_${row.state}`)],
    ];
    const needed = row.new_participants_needed;
    const progress = needed === undefined ? null
      : h("p", { class: needed > 0 ? "banner warn" : "banner" },
        needed > 0 ? t("commission.needed", needed) : t("commission.reached"));
    screen.append(h("dl", { class: "review big" }, items.map(([k, v]) => [h("dt", {}, k), h("dd", {}, v)])),
      ...(progress ? [progress] : []), h("p", { class: "hint" }, t("commission.rule")));
  } catch (error) {
    const notYet = error instanceof api.ApiError && error.status === 404;
    screen.append(h("p", { class: "banner" }, notYet ? t("commission.not_available") : error instanceof api.NetworkError ? t("commission.offline") : error.message));
  }
  return screen;
}
