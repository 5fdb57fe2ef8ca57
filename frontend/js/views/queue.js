// The sync queue: every record still on the phone with its state; rejected ones show the
// server's message (in the agent's language) and a way to fix and resend. Below it the sync
// history: what the server answered for the last records sent, and when it last answered.
import * as outbox from "../outbox.js";
import * as data from "../data.js";
import { watchStatus } from "../app.js";
import { t, tOr, dateTime } from "../i18n.js";
import { h, errorLines, rupiah, toast } from "../ui.js";
import { channelRefused } from "./pay.js";

export const keepOnRefresh = false;

export async function render(app) {
  const list = h("ul", { class: "list queue", id: "queue-list" });
  const summary = h("p", { class: "muted", id: "queue-summary" });
  const sent = h("ul", { class: "list queue", id: "sent-list" });
  const lastSync = h("p", { class: "muted", id: "last-sync" });
  async function paint() {
    const records = await outbox.records();
    // A payment refused for its amount: the rates may have changed; pricing waits for the refresh.
    if (records.some(amountRefused)) await data.rules();
    const changedAt = await data.rulesChangedAt();
    summary.textContent = records.length ? t("queue.count", records.length) : t("queue.empty");
    const held = outbox.heldBy(records);
    list.replaceChildren(...records.map((r) => item(app, r, paint, held(r), changedAt)));
    const past = await outbox.history();
    lastSync.textContent = past.last_sync ? t("history.last_sync", dateTime(past.last_sync)) : t("history.never");
    sent.replaceChildren(
      ...(past.entries.length ? past.entries.map(sentItem) : [h("li", { class: "empty" }, t("history.empty"))]),
    );
  }
  const stopWatching = watchStatus(() => {
    if (document.body.dataset.view === "queue") paint();
    else stopWatching();
  });
  await paint();
  const send = h(
    "button",
    {
      type: "button",
      class: "primary",
      id: "sync-now",
      onclick: async () => {
        if (!navigator.onLine) {
          toast(t("net.offline"), "error");
          return;
        }
        await outbox.drain();
        await paint();
      },
    },
    t("queue.send_now"),
  );
  return h(
    "section",
    { class: "screen" },
    h("div", { class: "row between" }, h("h1", {}, t("nav.queue")), send),
    summary,
    list,
    h("h2", { id: "sent-title" }, t("history.title")),
    lastSync,
    sent,
  );
}

const amountRefused = (r) =>
  r.state === "rejected" &&
  r.type === "payment.record" &&
  r.error &&
  r.error.details &&
  Number.isInteger(r.error.details.expected_amount);

// What to do about a rejection, when the server's message alone does not say it: a NIK registered
// already (open that participant, or ask the branch office), a payment priced with old rates.
function guidance(r, changedAt) {
  const details = (r.error && r.error.details) || {};
  if (r.type === "worker.register" && details.existing_visible === true) return t("queue.nik_yours");
  if (r.type === "payment.record" && channelRefused(r.error)) return t("queue.cash_blocked");
  if (amountRefused(r)) {
    const amount = rupiah(details.expected_amount);
    return changedAt && r.created_at < changedAt ? t("queue.rates_changed", amount) : t("queue.amount_now", amount);
  }
  return null;
}

function sentItem(e) {
  return h(
    "li",
    { class: `record sent ${e.status}`, dataset: { status: e.status, type: e.type } },
    h(
      "div",
      { class: "row between" },
      h("span", { class: "name" }, t(`op.${e.type}`)),
      h("span", { class: `badge state-${e.status}` }, t(`history.${e.status}`)),
    ),
    h("span", { class: "meta" }, e.label),
    h("span", { class: "meta" }, dateTime(e.at)),
    e.message ? h("span", { class: "meta server-message" }, e.message) : null,
  );
}

function item(app, r, repaint, held, changedAt) {
  const rejected = r.state === "rejected";
  // A stale edit: resolved on the participant screen (what the agent typed vs the server's).
  const conflict = Boolean(outbox.conflictOf(r));
  // Held: waits for its participant's registration (sent once the server has applied it).
  const state = conflict
    ? "conflict"
    : rejected
      ? "rejected"
      : held
        ? "held"
        : outbox.state.authNeeded
          ? "auth"
          : outbox.state.sending
            ? "sending"
            : "waiting";
  const actions = [];
  if (conflict) {
    actions.push(
      h(
        "a",
        { class: "button small primary", href: `#/participant/${r.payload.worker_id}`, id: `resolve-${r.seq}` },
        t("queue.resolve"),
      ),
    );
  } else if (rejected) {
    const fix =
      r.type === "worker.register"
        ? `#/register/fix/${r.seq}`
        : r.type === "payment.record"
          ? `#/pay/${r.payload.worker_id}/fix/${r.seq}`
          : r.type === "worker.update"
            ? `#/edit/${r.payload.worker_id}`
            : r.type === "worker.death"
              ? `#/death/${r.payload.worker_id}`
              : r.type === "cash.deposit"
                ? `#/deposit/fix/${r.seq}`
                : null;
    if (fix) actions.push(h("a", { class: "button small primary", href: fix }, t("queue.fix")));
    // Refused while the agent held too much cash: the deposit first, then send it again.
    if (r.type === "payment.record" && channelRefused(r.error))
      actions.push(h("a", { class: "button small", href: "#/deposit" }, t("kas.record_deposit")));
    const existing = r.error && r.error.details && r.error.details.worker_id;
    if (existing)
      actions.push(h("a", { class: "button small", href: `#/participant/${existing}` }, t("queue.open_existing")));
    // A NIK registered already stays so: sending it again cannot help (fix it or discard it).
    const nikTaken = r.error && r.error.details && typeof r.error.details.existing_visible === "boolean";
    if (!nikTaken)
      actions.push(
        h(
          "button",
          {
            type: "button",
            class: "small",
            onclick: async () => {
              await outbox.retry(r.seq);
              repaint();
            },
          },
          t("queue.resend"),
        ),
      );
    actions.push(
      h(
        "button",
        {
          type: "button",
          class: "small danger",
          onclick: async () => {
            if (confirm(t("queue.discard_confirm"))) {
              await outbox.discard(r.seq);
              repaint();
            }
          },
        },
        t("queue.discard"),
      ),
    );
  }
  return h(
    "li",
    { class: `record ${state === "conflict" ? "rejected conflict" : state}`, dataset: { state, type: r.type } },
    h(
      "div",
      { class: "row between" },
      h("span", { class: "name" }, t(`op.${r.type}`)),
      h(
        "span",
        { class: `badge state-${state}` },
        t(state === "held" && r.type === "deposit.photo" ? "queue.state.held_deposit" : `queue.state.${state}`),
      ),
    ),
    h("span", { class: "meta" }, r.label || r.entity_id),
    h("span", { class: "meta" }, dateTime(r.created_at)),
    rejected && r.error
      ? h(
          "div",
          { class: "server-message" },
          h("strong", {}, r.error.message || ""),
          guidance(r, changedAt) ? h("p", { class: "guidance" }, guidance(r, changedAt)) : null,
          // The field lines, less any that only repeat the message above.
          h(
            "ul",
            {},
            errorLines(r.error.errors)
              .filter(([, m]) => !(r.error.message || "").startsWith(m.replace(/\.$/, "")))
              .map(([f, m]) => h("li", {}, `${tOr(`field.${f}`, f)}: ${m}`)),
          ),
        )
      : null,
    actions.length ? h("div", { class: "row wrap" }, actions) : null,
  );
}
