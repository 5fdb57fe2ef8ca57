// My commission: this month and past months, per participant (GET /api/v1/commissions/statements
// and /statements/<id> with its ledger lines). What the server said last is kept on the phone
// with the time it was fetched, so the screen works offline; a closed month offers its PDF.
import * as api from "../api.js";
import * as db from "../db.js";
import { t, dateTime } from "../i18n.js";
import { h, rupiah, monthLabel, today } from "../ui.js";
import { addMonths } from "../pricing.js";

const PAST_MONTHS = 5;
export const cacheKey = (userId) => `commission.${userId}`;

export async function render(app, [chosen]) {
  const thisMonth = today().slice(0, 7);
  const month = /^\d{4}-\d{2}$/.test(chosen || "") && chosen <= thisMonth ? chosen : thisMonth;
  const key = cacheKey(app.session.user.id);
  const cache = (await db.kv.get(key)) || {};
  let entry = cache[month] || null;
  let problem = null;
  if (navigator.onLine) {
    try {
      entry = await fetchMonth(month);
      await db.kv.set(key, { ...((await db.kv.get(key)) || {}), [month]: entry });
    } catch (error) {
      problem = error;
    }
  }
  const months = Array.from({ length: PAST_MONTHS + 1 }, (_, i) => addMonths(thisMonth, -i));
  const picker = h(
    "nav",
    { class: "row wrap months-picker", id: "commission-months", "aria-label": t("commission.months") },
    months.map((m) =>
      h(
        "a",
        {
          class: `button small${m === month ? " primary" : ""}`,
          href: `#/commission/${m}`,
          "aria-current": m === month ? "page" : null,
        },
        monthLabel(m),
      ),
    ),
  );
  const screen = h(
    "section",
    { class: "screen" },
    h("h1", {}, t("nav.commission")),
    picker,
    h("h2", { id: "commission-month" }, monthLabel(month)),
  );
  const stale = !navigator.onLine || problem;
  if (entry && stale) {
    screen.append(
      h("p", { class: "banner warn", id: "commission-stale" }, t("commission.last_known", dateTime(entry.fetched_at))),
    );
  }
  if (!entry) {
    const notYet = problem instanceof api.ApiError && problem.status === 404;
    const text =
      !problem && !navigator.onLine
        ? t("commission.offline_none")
        : notYet
          ? t("commission.not_available")
          : problem instanceof api.NetworkError
            ? t("commission.offline_none")
            : problem.message;
    screen.append(h("p", { class: "banner" }, text));
    return screen;
  }
  if (!entry.row) {
    screen.append(h("p", { class: "banner" }, t("commission.none_month")));
    return screen;
  }
  const row = entry.row;
  const items = [
    [t("commission.new"), String(row.new_participants)],
    [t("commission.acquisition"), rupiah(row.acquisition_fee)],
    [t("commission.collection"), rupiah(row.collection_fee)],
    [t("commission.total"), rupiah(row.total)],
    [t("commission.state"), t(`commission.state_${row.state}`)],
  ];
  if (row.payable !== undefined) items.splice(4, 0, [t("commission.payable"), rupiah(row.payable)]);
  screen.append(
    h(
      "dl",
      { class: "review big", id: "commission-figures" },
      items.map(([k, v]) => [h("dt", {}, k), h("dd", {}, v)]),
    ),
  );
  const needed = row.new_participants_needed;
  if (row.state === "open" && needed !== undefined) {
    screen.append(
      h(
        "p",
        { class: needed > 0 ? "banner warn" : "banner" },
        needed > 0 ? t("commission.needed", needed) : t("commission.reached"),
      ),
    );
  }
  if (row.state === "closed") {
    screen.append(
      navigator.onLine
        ? h(
            "a",
            {
              class: "button wide",
              id: "statement-pdf",
              href: api.statementPdfUrl(row.id),
              download: `insentif-${row.agent_code}-${row.month}.pdf`,
            },
            t("commission.pdf"),
          )
        : h("p", { class: "hint" }, t("commission.pdf_online")),
    );
  } else {
    screen.append(h("p", { class: "hint" }, t("commission.open_estimate")));
  }
  const people = perParticipant(row.lines);
  screen.append(
    h("h2", {}, t("commission.per_participant")),
    h(
      "ul",
      { class: "list", id: "commission-participants" },
      people.length
        ? people.map((p) =>
            h(
              "li",
              { class: "record", dataset: { membership: p.membership_number || "" } },
              h(
                "div",
                { class: "row between" },
                h("span", { class: "name" }, p.participant || "—"),
                h("strong", { class: "amount" }, rupiah(p.amount)),
              ),
              h(
                "span",
                { class: "meta" },
                [
                  p.membership_number,
                  p.acquisition ? t("commission.acquisition") : null,
                  p.payments ? t("commission.n_lines", p.payments) : null,
                ]
                  .filter(Boolean)
                  .join(" · "),
              ),
            ),
          )
        : h("li", { class: "empty" }, t("commission.no_lines")),
    ),
    h("p", { class: "hint" }, t("commission.rule")),
  );
  return screen;
}

// The month's statement with its lines, or {row: null} when the server has none for the agent.
async function fetchMonth(month) {
  // An agent sees one row at most: its own.
  const [summary] = await api.statements(month);
  const row = summary ? await api.statement(summary.id) : null;
  return { row, fetched_at: new Date().toISOString() };
}

// One entry per participant: the sum of the agent's lines (a clawback counts negative), acquisition
// marked, the number of collection lines; the biggest first.
function perParticipant(lines) {
  const by = new Map();
  for (const line of lines) {
    if (line.component !== "acquisition" && line.component !== "collection") continue; // the Wadah's share
    const id = line.membership_number || line.participant || "?";
    const p = by.get(id) || {
      participant: line.participant,
      membership_number: line.membership_number,
      amount: 0,
      payments: 0,
      acquisition: false,
    };
    p.amount += line.amount;
    if (line.kind === "acquisition") p.acquisition = true;
    else p.payments += 1;
    by.set(id, p);
  }
  return [...by.values()].sort(
    (a, b) => b.amount - a.amount || (a.participant || "").localeCompare(b.participant || ""),
  );
}
