// Login. After a session expired offline the outbox is kept and drains once logged in again;
// a different agent may not log in over someone else's unsent records.
import * as api from "../api.js";
import * as outbox from "../outbox.js";
import { signedIn, switchLanguage } from "../app.js";
import { t, getLang } from "../i18n.js";
import { h, field, toast } from "../ui.js";

export async function render(app) {
  const previous = app.session && app.session.user;
  const unsent = previous ? await outbox.pendingCount(previous.id) : 0;
  const username = h("input", {
    name: "username",
    autocomplete: "username",
    required: true,
    autocapitalize: "none",
    value: previous ? previous.username : "",
  });
  const password = h("input", { name: "password", type: "password", autocomplete: "current-password", required: true });
  const message = h("p", { class: "error", role: "alert" });
  const submit = h("button", { type: "submit", class: "primary wide" }, t("login.submit"));
  const form = h(
    "form",
    { class: "card login", novalidate: true },
    h("h1", {}, t("login.title")),
    h("p", { class: "muted" }, t("login.intro")),
    unsent ? h("p", { class: "banner warn" }, t("login.unsent", unsent)) : null,
    field(t("login.username"), username),
    field(t("login.password"), password),
    message,
    submit,
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    message.textContent = "";
    if (!navigator.onLine) {
      message.textContent = t("login.offline");
      return;
    }
    submit.disabled = true;
    try {
      const session = await api.login(username.value.trim(), password.value);
      const others = previous && previous.id !== session.user.id ? await outbox.pendingCount(previous.id) : 0;
      if (others) {
        // Someone else's unsent work is on this phone: log back out rather than mix it up.
        api.setCsrf(session.csrf_token);
        await api.logout().catch(() => {});
        message.textContent = t("login.other_user", previous.username, others);
        return;
      }
      if (!(await signedIn(session))) return; // not an agent: sent to the supervisor pages
      toast(t("login.welcome", session.user.username));
      app.go("home");
    } catch (error) {
      message.textContent = error instanceof api.ApiError ? error.message : t("login.offline");
    } finally {
      submit.disabled = false;
    }
  });
  const other = getLang() === "id" ? "en" : "id";
  return h(
    "section",
    { class: "screen" },
    form,
    h(
      "p",
      { class: "center" },
      h("button", { type: "button", class: "link", onclick: () => switchLanguage(other) }, t("lang.switch")),
    ),
  );
}

// A background refresh must not wipe what the agent is typing.
export const keepOnRefresh = true;
