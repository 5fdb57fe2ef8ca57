// More: language, renewals, commission, storage, version, logout (refused with unsent records).
import * as api from "../api.js";
import * as outbox from "../outbox.js";
import { signedOut, switchLanguage } from "../app.js";
import { t, getLang } from "../i18n.js";
import { h, toast } from "../ui.js";

export async function render(app) {
  const unsent = await outbox.pendingCount(app.session.user.id);
  const persisted = navigator.storage && navigator.storage.persisted ? await navigator.storage.persisted() : false;
  const warning = h("p", { class: "banner warn hidden", id: "logout-warning", role: "alert" });
  const logout = h("button", { type: "button", class: "danger wide", id: "logout", onclick: async () => {
    const count = await outbox.pendingCount(app.session.user.id);
    if (count) {
      warning.textContent = t("logout.refused", count);
      warning.classList.remove("hidden");
      warning.scrollIntoView({ block: "center" });
      return;
    }
    try { await api.post("/auth/logout", {}); } catch { /* offline: the cookie ends by itself */ }
    await signedOut();
    toast(t("logout.done"));
    app.go("login");
  } }, t("logout.button"));
  const other = getLang() === "id" ? "en" : "id";
  return h("section", { class: "screen" },
    h("h1", {}, t("nav.more")),
    h("p", {}, `${app.session.user.username} · ${app.session.user.agent_code || app.session.user.role}`),
    h("div", { class: "actions" },
      h("a", { class: "button wide", href: "#/renewals" }, t("nav.renewals")),
      h("a", { class: "button wide", href: "#/commission" }, t("nav.commission")),
      h("button", { type: "button", class: "wide", id: "lang-switch", onclick: () => switchLanguage(other) }, t("lang.switch"))),
    h("p", { class: "hint" }, persisted ? t("storage.persisted") : t("storage.not_persisted")),
    unsent ? h("p", { class: "banner warn" }, t("logout.unsent", unsent)) : null,
    warning, logout);
}
