// More: language, my cash, checking a card, renewals, commission, storage, version, logout
// (refused with unsent records).
// Storage: whether the browser keeps the data for good (navigator.storage.persist()) or may evict
// it, how much is used, and the unsent outbox exported as a file (the agent's own copy).
import * as api from "../api.js";
import * as db from "../db.js";
import * as outbox from "../outbox.js";
import { signedOut, switchLanguage } from "../app.js";
import { t, getLang, locale } from "../i18n.js";
import { h, toast } from "../ui.js";
import { cacheKey } from "./commission.js";
import { cacheKey as cashKey } from "../cash.js";
import { cacheKey as employersKey } from "./employers.js";

export async function render(app) {
  const unsent = await outbox.pendingCount(app.session.user.id);
  const storage = await storageBox(app, unsent);
  const warning = h("p", { class: "banner warn hidden", id: "logout-warning", role: "alert" });
  const logout = h(
    "button",
    {
      type: "button",
      class: "danger wide",
      id: "logout",
      onclick: async () => {
        const count = await outbox.pendingCount(app.session.user.id);
        if (count) {
          warning.textContent = t("logout.refused", count);
          warning.classList.remove("hidden");
          warning.scrollIntoView({ block: "center" });
          return;
        }
        try {
          await api.logout();
        } catch {
          /* offline: the cookie ends by itself */
        }
        // The commission lines and the sync history name participants: they leave with the agent,
        // as its cash position does (and what the server accepted since it was fetched).
        const id = app.session.user.id;
        await Promise.all(
          [cacheKey(id), `sent.${id}`, cashKey(id), outbox.cashLogKey(id), employersKey(id)].map((key) =>
            db.kv.del(key),
          ),
        );
        await signedOut();
        toast(t("logout.done"));
        app.go("login");
      },
    },
    t("logout.button"),
  );
  const other = getLang() === "id" ? "en" : "id";
  return h(
    "section",
    { class: "screen" },
    h("h1", {}, t("nav.more")),
    h("p", {}, `${app.session.user.username} · ${app.session.user.agent_code || app.session.user.role}`),
    h(
      "div",
      { class: "actions" },
      h("a", { class: "button wide", href: "#/cash" }, t("nav.cash")),
      h("a", { class: "button wide", href: "#/employers", id: "more-employers" }, t("nav.employers")),
      h("a", { class: "button wide", href: "#/scan", id: "more-scan" }, t("nav.card_check")),
      h("a", { class: "button wide", href: "#/renewals" }, t("nav.renewals")),
      h("a", { class: "button wide", href: "#/commission" }, t("nav.commission")),
      h(
        "button",
        { type: "button", class: "wide", id: "lang-switch", onclick: () => switchLanguage(other) },
        t("lang.switch"),
      ),
    ),
    storage,
    unsent ? h("p", { class: "banner warn" }, t("logout.unsent", unsent)) : null,
    warning,
    logout,
  );
}

const mb = (bytes) => (bytes / 1048576).toLocaleString(locale(), { maximumFractionDigits: 1 });

async function storageBox(app, unsent) {
  const store = navigator.storage || {};
  let persisted = store.persisted ? await store.persisted().catch(() => false) : false;
  // Ask again here (app.js asks at start); Chromium grants it to an installed or engaged app.
  if (!persisted && store.persist) persisted = await store.persist().catch(() => false);
  const estimate = store.estimate ? await store.estimate().catch(() => null) : null;
  const exportButton = h(
    "button",
    { type: "button", class: "wide", id: "export-outbox", disabled: !unsent, onclick: () => exportOutbox(app) },
    t("storage.export"),
  );
  return h(
    "div",
    { class: "storage", id: "storage" },
    h("h2", {}, t("storage.title")),
    h(
      "p",
      {
        class: persisted ? "banner" : "banner warn",
        id: "storage-persisted",
        dataset: { persisted: String(persisted) },
      },
      persisted ? t("storage.persisted") : t("storage.may_evict"),
    ),
    estimate && estimate.quota
      ? h(
          "p",
          { class: "hint", id: "storage-estimate" },
          t("storage.estimate", mb(estimate.usage || 0), mb(estimate.quota)),
        )
      : null,
    exportButton,
    h("p", { class: "hint", id: "export-warning" }, t("storage.export_warning")),
  );
}

// Every unsent record of this agent, payload included (the NIK too: the agent's own data, to
// hand to the branch office if the phone cannot sync); photos are left out (binary).
async function exportOutbox(app) {
  const records = await outbox.records();
  const body = {
    exported_at: new Date().toISOString(),
    agent_code: app.session.user.agent_code,
    username: app.session.user.username,
    records: records.map((r) => ({
      seq: r.seq,
      op_id: r.op_id,
      type: r.type,
      state: r.state,
      created_at: r.created_at,
      label: r.label,
      payload: r.payload,
      error: r.error ? { message: r.error.message || null, errors: r.error.errors || {} } : null,
      photo: r.blob ? true : undefined,
    })),
  };
  const url = URL.createObjectURL(new Blob([JSON.stringify(body, null, 2)], { type: "application/json" }));
  const stamp = body.exported_at.slice(0, 16).replace(/[-:T]/g, "");
  const link = h("a", {
    href: url,
    download: `perisai-outbox-${body.agent_code || body.username}-${stamp}.json`,
    class: "hidden",
  });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
  toast(t("storage.exported", records.length));
}
