// Boot, session, routing (#/screen/param), the shell (header, bottom navigation, update prompt).
import * as db from "./db.js";
import * as api from "./api.js";
import * as outbox from "./outbox.js";
import * as data from "./data.js";
import { t, getLang, setLang } from "./i18n.js";
import { h, toast, dismissToast } from "./ui.js";
import * as login from "./views/login.js";
import * as home from "./views/home.js";
import * as register from "./views/register.js";
import * as pay from "./views/pay.js";
import * as receipt from "./views/receipt.js";
import * as participants from "./views/participants.js";
import * as participant from "./views/participant.js";
import * as renewals from "./views/renewals.js";
import * as commission from "./views/commission.js";
import * as queue from "./views/queue.js";
import * as more from "./views/more.js";
import * as edit from "./views/edit.js";
import * as death from "./views/death.js";
import * as cash from "./views/cash.js";
import * as deposit from "./views/deposit.js";
import * as employers from "./views/employers.js";
import * as scan from "./views/scan.js";

// A screen with state of its own (a form being filled, a search) is made by freshViews(), for as
// long as one agent uses the app; the others are their module's render.
const STATEFUL = { register, pay, participants, deposit, employers };
const VIEWS = {
  login,
  home,
  receipt,
  participant,
  renewals,
  commission,
  queue,
  more,
  edit,
  death,
  cash,
  scan,
};
const NAV = [
  ["home", "nav.home"],
  ["register", "nav.register"],
  ["participants", "nav.participants"],
  ["queue", "nav.queue"],
  ["more", "nav.more"],
];

// What one agent typed (a registration's NIK, a payment, a search) is never shown to the next one
// who logs in on the same phone: the screens with state are made anew, empty.
function freshViews() {
  for (const [name, view] of Object.entries(STATEFUL)) VIEWS[name] = view.createView();
}
freshViews();

let carryToast = 0;
export const app = {
  session: null,
  go(path) {
    carryToast = Date.now();
    if (location.hash === `#/${path}`) render();
    else location.hash = `#/${path}`;
  },
  refresh: () => render(),
};

async function boot() {
  document.documentElement.lang = getLang();
  app.session = (await db.kv.get("session")) || null;
  if (app.session && !isAgent(app.session)) {
    await notForAgents();
    return;
  }
  if (app.session) api.setCsrf(app.session.csrf_token);
  outbox.subscribe(updateStatus);
  // A toast belongs to the screen it was shown on; only one shown as the app itself opens the
  // next screen (a save that shows its receipt) goes along.
  window.addEventListener("hashchange", () => {
    dismissToast(Date.now() - carryToast < 1000 ? 1000 : 0);
    carryToast = 0;
    render();
  });
  window.addEventListener("online", updateStatus);
  window.addEventListener("offline", updateStatus);
  buildShell();
  registerServiceWorker();
  if (navigator.storage && navigator.storage.persist) navigator.storage.persist().catch(() => {});
  await render();
  if (app.session) await checkSession();
  else peekSession();
  document.body.dataset.ready = "1";
}

// Online: confirm the session and refresh data. A 401 keeps everything and asks for a login.
async function checkSession() {
  try {
    const me = await api.me();
    if (!isAgent(me)) {
      await notForAgents();
      return;
    }
    app.session = me;
    api.setCsrf(me.csrf_token);
    await db.kv.set("session", me);
    await outbox.resume(me.user.id);
    data
      .refreshAll()
      .then(() => render(true))
      .catch(() => {});
  } catch (error) {
    if (error instanceof api.ApiError && error.status === 401) {
      outbox.needAuth();
      outbox.start(app.session.user.id);
      if (!location.hash.startsWith("#/login")) app.go("login");
    } else {
      outbox.start(app.session.user.id); // offline: the outbox waits for the network
    }
  }
}

// The field app is for agents. A supervisor or admin who opens it goes to the supervisor pages,
// and nothing of the branch's participants is kept on this phone.
const isAgent = (session) => session.user && session.user.role === "agent";
async function notForAgents() {
  app.session = null;
  outbox.stop();
  await db.kv.del("session");
  await db.clear(["workers", "payments"]);
  location.replace("/supervisor/");
}

// No session stored here, but a supervisor's login cookie may be (signed in at /supervisor/).
async function peekSession() {
  if (!navigator.onLine) return;
  try {
    const me = await api.me();
    if (!isAgent(me)) await notForAgents();
  } catch {
    /* nobody logged in, or offline: the login screen stays */
  }
}

export async function signedIn(session) {
  if (!isAgent(session)) {
    await notForAgents();
    return false;
  }
  // The same agent again (a session that expired) finds the form as it was left.
  if (!app.session || app.session.user.id !== session.user.id) freshViews();
  app.session = session;
  api.setCsrf(session.csrf_token);
  await db.kv.set("session", session);
  await outbox.resume(session.user.id);
  data
    .refreshAll()
    .then(() => render(true))
    .catch(() => {});
  return true;
}

export async function signedOut() {
  app.session = null;
  freshViews();
  outbox.stop();
  await db.kv.del("session");
  // Personal data does not stay on a phone nobody is logged in to.
  await db.clear(["workers", "payments"]);
  // A half-filled registration holds a NIK too.
  for (const key of await db.kvKeys()) if (String(key).startsWith("draft.register.")) await db.kv.del(key);
}

function buildShell() {
  const root = document.getElementById("app");
  root.replaceChildren(
    h(
      "header",
      { class: "topbar" },
      h("span", { class: "brand" }, "Perisai"),
      h("span", { class: "net", id: "net" }),
      h("a", { class: "sync-pill", id: "sync-pill", href: "#/queue" }),
    ),
    h(
      "div",
      { class: "banner hidden", id: "update-banner", role: "status" },
      h("span", {}, t("update.available")),
      h("button", { type: "button", id: "update-button", class: "small" }, t("update.reload")),
    ),
    h("div", { class: "banner warn hidden", id: "auth-banner", role: "alert" }),
    h("main", { id: "view", tabindex: "-1" }),
    h(
      "nav",
      { class: "tabs", id: "tabs" },
      NAV.map(([name, key]) =>
        h(
          "a",
          { href: `#/${name}`, dataset: { tab: name } },
          h("span", { class: `icon icon-${name}`, "aria-hidden": "true" }),
          h("span", { class: "label" }, t(key)),
          name === "queue" ? h("span", { class: "count hidden", id: "queue-count" }) : null,
        ),
      ),
    ),
    h("div", { id: "toast", class: "toast", role: "status", "aria-live": "polite" }),
  );
}

let rendering = 0;
async function render(quiet = false) {
  const [name, ...params] = (location.hash.replace(/^#\/?/, "") || "home").split("/");
  let view = VIEWS[name] ? name : "home";
  if (!app.session && view !== "login") view = "login";
  // A background refresh leaves a form alone; it must not take a ticket either, or the form's own
  // render still in flight would be dropped and the previous screen would stay.
  if (quiet && VIEWS[view].keepOnRefresh) return;
  const ticket = ++rendering;
  document.body.dataset.view = view;
  for (const link of document.querySelectorAll("#tabs a")) link.classList.toggle("active", link.dataset.tab === view);
  document.getElementById("tabs").classList.toggle("hidden", view === "login");
  const container = document.getElementById("view");
  try {
    const el = await VIEWS[view].render(app, params.map(decodeURIComponent));
    if (ticket !== rendering) return;
    container.replaceChildren(el);
    if (!quiet) {
      window.scrollTo(0, 0);
      container.focus({ preventScroll: true });
    }
  } catch (error) {
    console.error(error);
    container.replaceChildren(h("p", { class: "error" }, t("error.generic")));
  }
  updateStatus();
}

async function updateStatus() {
  const net = document.getElementById("net");
  if (!net) return;
  const online = navigator.onLine && !outbox.state.offline;
  net.textContent = online ? t("net.online") : t("net.offline");
  net.className = `net ${online ? "on" : "off"}`;
  const count = app.session ? await outbox.pendingCount(app.session.user.id) : 0;
  const pill = document.getElementById("sync-pill");
  pill.textContent = outbox.state.sending ? t("sync.sending") : count ? t("sync.waiting", count) : t("sync.done");
  pill.className = `sync-pill ${count ? "pending" : "clear"}`;
  const badge = document.getElementById("queue-count");
  badge.textContent = String(count);
  badge.classList.toggle("hidden", !count);
  const auth = document.getElementById("auth-banner");
  const needLogin = outbox.state.authNeeded && app.session;
  const refused = !needLogin && outbox.state.refused && app.session;
  auth.classList.toggle("hidden", !needLogin && !refused);
  if (needLogin) {
    auth.replaceChildren(
      h("span", {}, t("auth.expired", count)),
      h("a", { href: "#/login", class: "button small" }, t("auth.login_again")),
    );
  } else if (refused) {
    auth.replaceChildren(
      h("span", { id: "refused-reason" }, outbox.state.refused),
      h("span", {}, " " + t("sync.kept", count)),
    );
  }
  for (const fn of statusWatchers) fn(count);
}

const statusWatchers = new Set();
export function watchStatus(fn) {
  statusWatchers.add(fn);
  return () => statusWatchers.delete(fn);
}

function registerServiceWorker() {
  if (!("serviceWorker" in navigator)) return;
  navigator.serviceWorker
    .register("/app/sw.js", { scope: "/app/" })
    .then((registration) => {
      const offer = (worker) => {
        const banner = document.getElementById("update-banner");
        banner.classList.remove("hidden");
        document.getElementById("update-button").onclick = () => worker.postMessage({ type: "SKIP_WAITING" });
      };
      if (registration.waiting && navigator.serviceWorker.controller) offer(registration.waiting);
      registration.addEventListener("updatefound", () => {
        const worker = registration.installing;
        worker.addEventListener("statechange", () => {
          if (worker.state === "installed" && navigator.serviceWorker.controller) offer(worker);
        });
      });
      setInterval(() => registration.update().catch(() => {}), 60 * 60 * 1000);
    })
    .catch((error) => console.warn("service worker", error));
  let reloading = false;
  navigator.serviceWorker.addEventListener("controllerchange", () => {
    if (
      reloading ||
      !document.getElementById("update-banner") ||
      document.getElementById("update-banner").classList.contains("hidden")
    )
      return;
    reloading = true;
    location.reload();
  });
}

export function switchLanguage(lang) {
  setLang(lang);
  document.documentElement.lang = lang;
  buildShell();
  render();
  toast(t("lang.changed"));
}

boot();
