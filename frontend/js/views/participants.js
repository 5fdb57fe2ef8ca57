// My participants: search by name, membership number, phone or NIK; filter by status.
import * as data from "../data.js";
import { t } from "../i18n.js";
import { h, statusBadge, monthLabel, toast } from "../ui.js";

// The screen while one agent is logged in (app.js's freshViews makes the next agent a new one):
// the search and the status filter stay while the agent opens a participant and comes back.
export function createView() {
  const state = { query: "", status: "" };
  return { render: (app) => render(state, app) };
}

async function render(state, app) {
  const all = await data.workers();
  const list = h("ul", { class: "list", id: "participant-list" });
  const search = h("input", {
    type: "search",
    name: "q",
    placeholder: t("participants.search"),
    value: state.query,
    "aria-label": t("participants.search"),
  });
  const filters = h(
    "div",
    { class: "chips" },
    ["", "registered", "active", "grace", "ended"].map((s) =>
      h(
        "button",
        {
          type: "button",
          class: `chip ${s === state.status ? "on" : ""}`,
          onclick: (e) => {
            state.status = s;
            for (const c of filters.children) c.classList.remove("on");
            e.currentTarget.classList.add("on");
            paint();
          },
        },
        s ? t(`status.${s}`) : t("participants.all"),
      ),
    ),
  );
  function paint() {
    const { query, status } = state;
    const q = query.trim().toLowerCase();
    const digits = q.replace(/\D/g, "");
    const shown = all.filter(
      (w) =>
        (!status || w.status === status) &&
        (!q ||
          (w.full_name || "").toLowerCase().includes(q) ||
          (digits &&
            ((w.membership_number || "").startsWith(digits) ||
              (w.phone || "").replace(/\D/g, "").includes(digits) ||
              w.nik === digits))),
    );
    list.replaceChildren(
      ...(shown.length
        ? shown.map((w) =>
            h(
              "li",
              {},
              h(
                "a",
                { href: `#/participant/${w.id}` },
                h("span", { class: "name" }, w.full_name),
                h(
                  "span",
                  { class: "meta" },
                  w.membership_number || t("participants.not_synced"),
                  " · ",
                  w.nik_masked || "",
                  w.covered_until ? ` · ${t("participants.until")} ${monthLabel(w.covered_until)}` : "",
                ),
                w._pending ? statusBadge("pending") : statusBadge(w.status),
              ),
            ),
          )
        : [h("li", { class: "empty" }, t("participants.none"))]),
    );
  }
  search.addEventListener("input", () => {
    state.query = search.value;
    paint();
  });
  paint();
  const refresh = h(
    "button",
    {
      type: "button",
      class: "small",
      onclick: async () => {
        try {
          await data.refreshWorkers();
          app.refresh();
        } catch {
          toast(t("net.offline"), "error");
        }
      },
    },
    t("participants.refresh"),
  );
  return h(
    "section",
    { class: "screen" },
    h("div", { class: "row between" }, h("h1", {}, t("nav.participants")), refresh),
    search,
    filters,
    h("p", { class: "muted" }, t("participants.count", all.length)),
    list,
  );
}
