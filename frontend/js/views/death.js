// Record a participant's death (DOMAIN.md §10): the date (not in the future, not before the
// birth date), then a confirmation naming the participant; queued as `worker.death`. From then
// on the phone shows the participant ended, takes no payment and leaves them out of renewals.
import * as data from "../data.js";
import * as outbox from "../outbox.js";
import { t } from "../i18n.js";
import { h, field, setError, today, toast } from "../ui.js";

export const keepOnRefresh = true;

export async function render(app, [id]) {
  const w = await data.worker(id);
  if (!w) return h("section", { class: "screen" }, h("p", {}, t("participants.missing")));
  const screen = h("section", { class: "screen", id: "death-screen" });
  const back = h("a", { class: "button", href: `#/participant/${id}` }, t("death.no"));
  const refused = w._death && w._death.state === "rejected" ? w._death : null;
  if (w.died_on && !refused) {
    screen.append(h("h1", {}, t("death.title")), h("p", { class: "banner" }, t("death.already", w.died_on)), back);
    return screen;
  }
  const date = h("input", {
    type: "date",
    name: "died_on",
    max: today(),
    min: w.birth_date || undefined,
    value: refused ? refused.payload.died_on : "",
  });
  const confirmBox = h("div", { id: "death-confirm" });
  const next = h("button", { type: "button", class: "primary", id: "death-next" }, t("death.next"));
  next.addEventListener("click", () => {
    const value = date.value;
    const problem = !value
      ? t("field.required")
      : value > today()
        ? t("death.future")
        : w.birth_date && value < w.birth_date
          ? t("death.before_birth", w.birth_date)
          : "";
    setError(date, problem);
    confirmBox.replaceChildren();
    if (problem) {
      date.focus();
      return;
    }
    const yes = h("button", { type: "button", class: "primary danger-fill", id: "death-yes" }, t("death.yes"));
    yes.addEventListener("click", async () => {
      yes.disabled = true;
      const payload = { worker_id: id, died_on: value };
      const label = `${w.full_name} · ${w.nik_masked || ""}`;
      // Refused before (e.g. a date the server could not take): the corrected date goes instead.
      if (refused) await outbox.replace(refused.seq, payload, label);
      else await outbox.enqueue("worker.death", payload, { entityId: id, label });
      toast(t("death.saved"));
      app.go(`participant/${id}`);
    });
    const no = h(
      "button",
      { type: "button", id: "death-no", onclick: () => confirmBox.replaceChildren() },
      t("death.no"),
    );
    confirmBox.replaceChildren(
      h(
        "div",
        { class: "card confirm", role: "alertdialog", "aria-labelledby": "death-question" },
        h("p", { id: "death-question" }, h("strong", {}, t("death.confirm", w.full_name, value))),
        h("div", { class: "row" }, no, yes),
      ),
    );
    yes.focus();
  });
  screen.append(
    h("h1", {}, t("death.title")),
    h("p", { class: "muted" }, w.full_name, " · ", w.nik_masked || ""),
    h("p", { class: "hint" }, t("death.note")),
    h("div", { class: "form" }, field(t("death.date"), date)),
    h("div", { class: "row" }, back, next),
    confirmBox,
  );
  return screen;
}
