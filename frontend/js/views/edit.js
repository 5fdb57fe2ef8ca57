// Edit a participant (API.md "Participants over time"): phone, address, village, beneficiary,
// income level, programs and funding, offline too. Saving queues one `worker.update` with only
// the fields that differ from the server's copy the phone holds, on that copy's version; the
// participant screen shows the new values at once (data.js lays the outbox over the copy).
import * as data from "../data.js";
import * as outbox from "../outbox.js";
import { t, tOr } from "../i18n.js";
import { h, field, setError, toast, errorLines } from "../ui.js";
import * as pickers from "../pickers.js";

// "0812-3456 789", "62812…", "+62812…" are one number: compared as +62…, as the server keeps it.
export function samePhone(a, b) {
  return normalisePhone(a) === normalisePhone(b);
}
function normalisePhone(value) {
  const plain = String(value || "").replace(/[\s\-().]/g, "");
  if (plain.startsWith("0")) return `+62${plain.slice(1)}`;
  if (plain.startsWith("62")) return `+${plain}`;
  return plain;
}

function valuesOf(w) {
  const b = w.beneficiary || {};
  return {
    phone: w.phone || "",
    address: w.address || "",
    village_code: w.village_code || "",
    b_name: b.full_name || "",
    b_relationship: b.relationship || "",
    b_phone: b.phone || "",
    income_level: w.income_level ? String(w.income_level) : "",
    jht: w.programs.includes("JHT"),
    funding: w.funding || "self",
  };
}

// Only what changed against the server's copy (the beneficiary and the programs as a whole).
export function changedFields(base, v) {
  const was = valuesOf(base);
  const out = {};
  if (!samePhone(v.phone, was.phone)) out.phone = v.phone.trim();
  if (v.address.trim() !== was.address.trim()) out.address = v.address.trim();
  if (v.village_code !== was.village_code) out.village_code = v.village_code;
  if (
    v.b_name.trim() !== was.b_name.trim() ||
    v.b_relationship !== was.b_relationship ||
    !samePhone(v.b_phone, was.b_phone)
  ) {
    out.beneficiary = { full_name: v.b_name.trim(), relationship: v.b_relationship, phone: v.b_phone.trim() || null };
  }
  if (Number(v.income_level) !== Number(was.income_level)) out.income_level = Number(v.income_level);
  if (v.jht !== was.jht) out.programs = pickers.programsOf(v.jht);
  if (v.funding !== was.funding) out.funding = v.funding;
  return out;
}

export const keepOnRefresh = true;

export async function render(app, [id]) {
  const w = await data.worker(id);
  const screen = h("section", { class: "screen", id: "edit-screen" });
  if (!w) return h("section", { class: "screen" }, h("p", {}, t("participants.missing")));
  const back = h("a", { class: "button", href: `#/participant/${id}` }, t("edit.cancel"));
  if (w.end_reason) {
    screen.append(h("h1", {}, t("edit.title")), h("p", { class: "banner warn" }, t("edit.not_allowed")), back);
    return screen;
  }
  if (outbox.conflictOf(w._update)) {
    screen.append(h("h1", {}, t("edit.title")), h("p", { class: "banner warn" }, t("edit.conflict_first")), back);
    return screen;
  }
  // Refused by the server (not for its version): the agent corrects what they typed, with the
  // server's message above the form.
  const refused = w._update && w._update.state === "rejected" ? w._update : null;
  const v = valuesOf(refused ? { ...w, ...pick(refused.payload) } : w);
  const phone = pickers.bind(
    v,
    h("input", { name: "phone", type: "tel", inputmode: "tel", placeholder: "08…" }),
    "phone",
  );
  const address = pickers.bind(v, h("textarea", { name: "address", rows: "2" }), "address");
  // Starting at the participant's village.
  const place = pickers.placeOf(v.village_code);
  const places = await pickers.placePicker(place, () => {
    v.village_code = place.village_code;
  });
  const bName = pickers.bind(v, h("input", { name: "b_name" }), "b_name");
  // A relationship stored by an import in other words stays choosable.
  const bRel = pickers.relationshipSelect(v, "b_relationship", { keepUnknown: true });
  const bPhone = pickers.bind(v, h("input", { name: "b_phone", type: "tel", placeholder: "08…" }), "b_phone");
  const levels = await data.incomeLevels();
  // A level no longer in the table stays as it is unless the agent changes it.
  if (v.income_level && !levels.includes(Number(v.income_level))) levels.push(Number(v.income_level));
  levels.sort((a, b) => a - b);
  const income = pickers.incomePicker(v, levels);
  const programs = pickers.programsPicker(v);
  const funding = pickers.fundingSelect(v, "funding");

  const save = h("button", { type: "button", class: "primary", id: "edit-save" }, t("edit.save"));
  save.addEventListener("click", async () => {
    const phoneOk = pickers.phoneValid(v.phone);
    setError(phone, phoneOk ? "" : t("workers.phone_invalid"));
    const bPhoneOk = !v.b_phone.trim() || pickers.phoneValid(v.b_phone);
    setError(bPhone, bPhoneOk ? "" : t("workers.phone_invalid"));
    const ok = [
      phoneOk,
      bPhoneOk,
      pickers.required(address, v.address.trim().length >= 3),
      pickers.required(places.village, v.village_code),
      pickers.required(bName, v.b_name.trim().length >= 2),
      pickers.required(bRel, v.b_relationship),
      pickers.required(income.level, v.income_level),
      pickers.required(funding, v.funding),
    ].every(Boolean);
    if (!ok) {
      toast(t("reg.fix_errors"), "error");
      const marked = screen.querySelector(".invalid");
      if (marked) marked.focus();
      return;
    }
    save.disabled = true;
    const base = await data.serverCopy(id);
    const changes = changedFields(base, v);
    const waiting = w._update;
    if (!Object.keys(changes).length) {
      // Changed back to what the server has: the waiting edit is not needed any more.
      if (waiting) await outbox.discard(waiting.seq);
      else {
        toast(t("edit.nothing"));
        save.disabled = false;
        return;
      }
    } else {
      await outbox.enqueueChange(
        { worker_id: id, version: base.version || 1, ...changes },
        { label: `${w.full_name} · ${w.nik_masked || ""}` },
      );
    }
    toast(t("edit.saved"));
    app.go(`participant/${id}`);
  });

  // append would write a missing banner as the text "null".
  screen.append(
    ...[
      h("h1", {}, t("edit.title")),
      h("p", { class: "muted" }, w.full_name, " · ", w.nik_masked || ""),
      refused && refused.error
        ? h(
            "div",
            { class: "banner error", id: "edit-refused" },
            h("strong", {}, refused.error.message || ""),
            h(
              "ul",
              {},
              errorLines(refused.error.errors).map(([f, m]) => h("li", {}, `${tOr(`field.${f}`, f)}: ${m}`)),
            ),
          )
        : null,
      h(
        "div",
        { class: "form" },
        field(t("reg.phone"), phone),
        places.form,
        field(t("reg.address"), address),
        h("h2", {}, t("participant.beneficiary")),
        field(t("reg.b_name"), bName),
        field(t("reg.b_relationship"), bRel),
        field(t("reg.b_phone"), bPhone, t("reg.optional")),
        h("h2", {}, t("reg.step.work")),
        h("div", { class: "form" }, ...income.fields),
        programs,
        field(t("reg.funding"), funding),
        h("p", { class: "hint" }, t("edit.priced_note")),
      ),
      h("div", { class: "row" }, back, save),
    ].filter(Boolean),
  );
  return screen;
}

const pick = (payload) => Object.fromEntries(data.EDITABLE.filter((k) => k in payload).map((k) => [k, payload[k]]));
