// Record a deposit: the cash the agent paid in at a bank, a virtual account or a counter — the
// amount (the cash in hand by default), the channel, the slip's reference, the day (today by
// default) and, if the agent takes one, a photo of the slip. Saved to the outbox as `cash.deposit`
// (works offline); the photo goes after the deposit is accepted (`deposit.photo`, as a
// participant's photo goes after the registration). The deposit id is made when the form opens,
// so a double tap is one deposit. #/deposit/fix/<seq> corrects one the server refused.
import * as cash from "../cash.js";
import * as db from "../db.js";
import * as outbox from "../outbox.js";
import { takePhoto } from "../capture.js";
import { t } from "../i18n.js";
import { h, field, rupiah, today, toast, uuid, setError } from "../ui.js";
import { cashOf } from "./pay.js";

export const CHANNELS = ["bank", "va", "counter"];
const MAX_BACKDATE_DAYS = 31; // perisai/cash/deposits.py: MAX_DEPOSIT_BACKDATE_DAYS
const REFERENCE = /^[A-Za-z0-9 ./-]+$/;

// The form while one agent is logged in: what the agent typed stays while it looks elsewhere.
export function createView() {
  const state = { draft: null };
  return { render: (app, params) => render(state, app, params), keepOnRefresh: true };
}

async function render(state, app, [mode, seq]) {
  const day = today();
  // The amount starts at the cash in hand: as the server has it now, when online.
  if (!state.draft || !state.draft.touched) await cash.fresh();
  const { judged } = await cash.standing(app.session.user.id, day);
  const inHand = judged ? judged.in_hand : 0;
  const fixing = mode === "fix" ? await db.get("outbox", Number(seq)) : null;
  if (fixing) state.draft = { ...fixing.payload, amount: String(fixing.payload.amount), photo: null, fix: fixing.seq };
  else if (!state.draft || !state.draft.touched || state.draft.fix) {
    const amount = inHand > 0 ? String(inHand) : "";
    state.draft = { id: uuid(), amount, channel: "bank", reference: "", deposited_on: day, photo: null };
  }
  const draft = state.draft;
  const amount = h("input", {
    type: "text",
    name: "amount",
    id: "deposit-amount",
    inputmode: "numeric",
    autocomplete: "off",
    value: draft.amount,
  });
  const channel = h(
    "select",
    { name: "channel", id: "deposit-channel" },
    CHANNELS.map((c) => h("option", { value: c }, t(`deposit.channel.${c}`))),
  );
  channel.value = draft.channel;
  const reference = h("input", {
    type: "text",
    name: "reference",
    id: "deposit-reference",
    maxlength: "60",
    autocomplete: "off",
    autocapitalize: "characters",
    value: draft.reference,
  });
  const depositedOn = h("input", {
    type: "date",
    name: "deposited_on",
    id: "deposit-date",
    max: day,
    min: cash.addDays(day, -MAX_BACKDATE_DAYS),
    value: draft.deposited_on,
  });
  const preview = h("div", { class: "photo", id: "deposit-photo-preview" });
  const showPhoto = () =>
    preview.replaceChildren(
      ...(draft.photo
        ? [
            h("img", { src: URL.createObjectURL(draft.photo), alt: t("deposit.photo") }),
            h("small", {}, `${Math.round(draft.photo.size / 1024)} KB`),
          ]
        : []),
    );
  showPhoto();
  const photo = h(
    "button",
    {
      type: "button",
      id: "deposit-photo",
      onclick: async () => {
        const blob = await takePhoto();
        if (blob) {
          draft.photo = blob;
          draft.touched = true;
          showPhoto();
        }
      },
    },
    t("deposit.photo"),
  );
  for (const [input, key] of [
    [amount, "amount"],
    [channel, "channel"],
    [reference, "reference"],
    [depositedOn, "deposited_on"],
  ]) {
    input.addEventListener(input.tagName === "SELECT" ? "change" : "input", () => {
      draft[key] = input.value;
      draft.touched = true;
      setError(input, "");
    });
  }

  // The server's own checks, before the deposit is queued (its messages, in its words).
  function check() {
    const errors = [];
    const value = cashOf(amount.value);
    if (!Number.isInteger(value) || value < 1) errors.push([amount, t("deposit.amount_invalid")]);
    const ref = reference.value.trim();
    if (ref.length < 3) errors.push([reference, t("deposit.reference_length")]);
    else if (!REFERENCE.test(ref)) errors.push([reference, t("cash.reference_format")]);
    else if (!/[A-Za-z0-9]/.test(ref)) errors.push([reference, t("cash.reference_empty")]);
    const on = depositedOn.value;
    if (!/^\d{4}-\d{2}-\d{2}$/.test(on)) errors.push([depositedOn, t("field.required")]);
    else if (on > day) errors.push([depositedOn, t("cash.deposited_on_future")]);
    else if (cash.daysBetween(on, day) > MAX_BACKDATE_DAYS)
      errors.push([depositedOn, t("cash.deposited_on_old", MAX_BACKDATE_DAYS)]);
    for (const input of [amount, reference, depositedOn]) setError(input, "");
    for (const [input, message] of errors) setError(input, message);
    if (errors.length) errors[0][0].focus();
    return errors.length ? null : { amount: value, reference: ref, deposited_on: on };
  }

  const save = h("button", { type: "button", class: "primary wide", id: "deposit-save" }, t("deposit.save"));
  save.addEventListener("click", async () => {
    const checked = check();
    if (!checked || save.dataset.busy) return;
    save.dataset.busy = "1";
    save.disabled = true;
    const payload = { id: draft.id, ...checked, channel: channel.value };
    const label = `${rupiah(payload.amount)} · ${payload.reference}`;
    if (fixing) {
      await outbox.replace(fixing.seq, payload, label);
      if (draft.photo) {
        const earlier = (await outbox.records()).filter((r) => r.type === "deposit.photo" && r.entity_id === draft.id);
        for (const r of earlier) await db.del("outbox", r.seq);
      }
    } else {
      await outbox.enqueue("cash.deposit", payload, { entityId: payload.id, label });
    }
    if (draft.photo) await outbox.enqueue("deposit.photo", {}, { entityId: payload.id, label, blob: draft.photo });
    state.draft = null;
    toast(t("deposit.saved"));
    app.go("cash");
  });

  return h(
    "section",
    { class: "screen", id: "deposit-screen" },
    h("h1", {}, t("deposit.title")),
    fixing && fixing.error ? h("p", { class: "banner error", id: "deposit-refused" }, fixing.error.message) : null,
    h("p", { class: "lead", id: "deposit-in-hand" }, t("deposit.in_hand", rupiah(inHand))),
    h(
      "div",
      { class: "form" },
      field(t("deposit.amount"), amount, t("deposit.amount_hint")),
      field(t("deposit.channel"), channel),
      field(t("deposit.reference"), reference, t("deposit.reference_hint")),
      field(t("deposit.deposited_on"), depositedOn),
      h("div", { class: "row" }, photo),
      preview,
    ),
    save,
    h("a", { class: "button wide", href: "#/cash" }, t("deposit.back")),
  );
}
