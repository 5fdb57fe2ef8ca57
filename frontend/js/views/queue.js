// The sync queue: every record still on the phone with its state; rejected ones show the
// server's message (in the agent's language) and a way to fix and resend.
import * as outbox from "../outbox.js";
import { watchStatus } from "../app.js";
import { t, tOr } from "../i18n.js";
import { h, errorLines, toast } from "../ui.js";

export const keepOnRefresh = false;

export async function render(app) {
  const list = h("ul", { class: "list queue", id: "queue-list" });
  const summary = h("p", { class: "muted", id: "queue-summary" });
  async function paint() {
    const records = await outbox.records();
    summary.textContent = records.length ? t("queue.count", records.length) : t("queue.empty");
    const held = outbox.heldBy(records);
    list.replaceChildren(...records.map((r) => item(app, r, paint, held(r))));
  }
  const stopWatching = watchStatus(() => { if (document.body.dataset.view === "queue") paint(); else stopWatching(); });
  await paint();
  const send = h("button", { type: "button", class: "primary", id: "sync-now", onclick: async () => {
    if (!navigator.onLine) { toast(t("net.offline"), "error"); return; }
    await outbox.drain();
    await paint();
  } }, t("queue.send_now"));
  return h("section", { class: "screen" }, h("div", { class: "row between" }, h("h1", {}, t("nav.queue")), send), summary, list);
}

function item(app, r, repaint, held) {
  const rejected = r.state === "rejected";
  // Held: waits for its participant's registration (sent once the server has applied it).
  const state = rejected ? "rejected" : held ? "held" : outbox.state.authNeeded ? "auth" : outbox.state.sending ? "sending" : "waiting";
  const actions = [];
  if (rejected) {
    const fix = r.type === "worker.register" ? `#/register/fix/${r.seq}` : r.type === "payment.record" ? `#/pay/${r.payload.worker_id}/fix/${r.seq}` : null;
    if (fix) actions.push(h("a", { class: "button small primary", href: fix }, t("queue.fix")));
    const existing = r.error && r.error.details && r.error.details.worker_id;
    if (existing) actions.push(h("a", { class: "button small", href: `#/participant/${existing}` }, t("queue.open_existing")));
    actions.push(h("button", { type: "button", class: "small", onclick: async () => { await outbox.retry(r.seq); repaint(); } }, t("queue.resend")));
    actions.push(h("button", { type: "button", class: "small danger", onclick: async () => {
      if (confirm(t("queue.discard_confirm"))) { await outbox.discard(r.seq); repaint(); }
    } }, t("queue.discard")));
  }
  return h("li", { class: `record ${state}`, dataset: { state, type: r.type } },
    h("div", { class: "row between" },
      h("span", { class: "name" }, t(`op.${r.type}`)),
      h("span", { class: `badge state-${state}` }, t(`queue.state.${state}`))),
    h("span", { class: "meta" }, r.label || r.entity_id),
    h("span", { class: "meta" }, new Date(r.created_at).toLocaleString()),
    rejected && r.error ? h("div", { class: "server-message" },
      h("strong", {}, r.error.message || ""),
      h("ul", {}, errorLines(r.error.errors).map(([f, m]) => h("li", {}, `${tOr(`field.${f}`, f)}: ${m}`)))) : null,
    actions.length ? h("div", { class: "row wrap" }, actions) : null);
}
