// Edit a participant (API.md "Participants over time"): phone, address, village, beneficiary,
// income level, programs and funding, offline too. Saving queues one `worker.update` with only
// the fields that differ from the server's copy the phone holds, on that copy's version; the
// participant screen shows the new values at once (data.js lays the outbox over the copy).
import * as data from "../data.js";
import * as outbox from "../outbox.js";
import { t, tOr } from "../i18n.js";
import { h, field, setError, rupiah, toast, errorLines } from "../ui.js";

const RELATIONSHIPS = ["istri", "suami", "anak", "orang_tua", "saudara", "lainnya"];
const FUNDING = ["self", "apbn", "apbd", "apbdes", "csr"];
const PHONE = /^(\+?62|0)8\d{8,12}$/;

// "0812-3456 789", "62812…", "+62812…" are one number: compared as +62…, as the server keeps it.
export function samePhone(a, b) { return normalisePhone(a) === normalisePhone(b); }
function normalisePhone(value) {
  const plain = String(value || "").replace(/[\s\-().]/g, "");
  if (plain.startsWith("0")) return `+62${plain.slice(1)}`;
  if (plain.startsWith("62")) return `+${plain}`;
  return plain;
}

function valuesOf(w) {
  const b = w.beneficiary || {};
  return {
    phone: w.phone || "", address: w.address || "", village_code: w.village_code || "",
    b_name: b.full_name || "", b_relationship: b.relationship || "", b_phone: b.phone || "",
    income_level: w.income_level ? String(w.income_level) : "", jht: (w.programs || []).includes("JHT"),
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
  if (v.b_name.trim() !== was.b_name.trim() || v.b_relationship !== was.b_relationship || !samePhone(v.b_phone, was.b_phone)) {
    out.beneficiary = { full_name: v.b_name.trim(), relationship: v.b_relationship, phone: v.b_phone.trim() || null };
  }
  if (Number(v.income_level) !== Number(was.income_level)) out.income_level = Number(v.income_level);
  if (v.jht !== was.jht) out.programs = v.jht ? ["JKK", "JKM", "JHT"] : ["JKK", "JKM"];
  if (v.funding !== was.funding) out.funding = v.funding;
  return out;
}

export const keepOnRefresh = true;

export async function render(app, [id]) {
  const w = await data.worker(id);
  const screen = h("section", { class: "screen", id: "edit-screen" });
  if (!w) return h("section", { class: "screen" }, h("p", {}, t("participants.missing")));
  const back = h("a", { class: "button", href: `#/participant/${id}` }, t("edit.cancel"));
  if (w.end_reason) { screen.append(h("h1", {}, t("edit.title")), h("p", { class: "banner warn" }, t("edit.not_allowed")), back); return screen; }
  if (outbox.conflictOf(w._update)) { screen.append(h("h1", {}, t("edit.title")), h("p", { class: "banner warn" }, t("edit.conflict_first")), back); return screen; }
  // Refused by the server (not for its version): the agent corrects what they typed, with the
  // server's message above the form.
  const refused = w._update && w._update.state === "rejected" ? w._update : null;
  const v = valuesOf(refused ? { ...w, ...pick(refused.payload) } : w);
  const bind = (input, key) => {
    input.value = v[key] ?? "";
    input.addEventListener(input.tagName === "SELECT" ? "change" : "input", () => { v[key] = input.value; });
    return input;
  };
  const select = (key, options, extra) => {
    const known = options.some(([value]) => value === v[key]);
    const list = extra && v[key] && !known ? [...options, [v[key], v[key]]] : options;
    return bind(h("select", { name: key }, h("option", { value: "" }, t("reg.choose")), list.map(([value, label]) => h("option", { value }, label))), key);
  };

  const phone = bind(h("input", { name: "phone", type: "tel", inputmode: "tel", placeholder: "08…" }), "phone");
  const address = bind(h("textarea", { name: "address", rows: "2" }), "address");
  const places = await placePicker(v);
  const bName = bind(h("input", { name: "b_name" }), "b_name");
  // A relationship stored by an import in other words stays choosable.
  const bRel = select("b_relationship", RELATIONSHIPS.map((r) => [r, t(`rel.${r}`)]), true);
  const bPhone = bind(h("input", { name: "b_phone", type: "tel", placeholder: "08…" }), "b_phone");
  const income = await incomePicker(v);
  const jht = h("input", { type: "checkbox", name: "jht", checked: v.jht });
  jht.addEventListener("change", () => { v.jht = jht.checked; });
  const funding = select("funding", FUNDING.map((f) => [f, t(`funding.${f}`)]));

  const save = h("button", { type: "button", class: "primary", id: "edit-save" }, t("edit.save"));
  save.addEventListener("click", async () => {
    const phoneOk = PHONE.test(v.phone.replace(/[\s\-().]/g, ""));
    setError(phone, phoneOk ? "" : t("workers.phone_invalid"));
    const bPhoneOk = !v.b_phone.trim() || PHONE.test(v.b_phone.replace(/[\s\-().]/g, ""));
    setError(bPhone, bPhoneOk ? "" : t("workers.phone_invalid"));
    const ok = [phoneOk, bPhoneOk,
      required(address, v.address.trim().length >= 3), required(places.village, v.village_code),
      required(bName, v.b_name.trim().length >= 2), required(bRel, v.b_relationship),
      required(income.level, v.income_level), required(funding, v.funding)].every(Boolean);
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
      else { toast(t("edit.nothing")); save.disabled = false; return; }
    } else {
      await outbox.enqueueChange({ worker_id: id, version: base.version || 1, ...changes },
        { label: `${w.full_name} · ${w.nik_masked || ""}` });
    }
    toast(t("edit.saved"));
    app.go(`participant/${id}`);
  });

  // append would write a missing banner as the text "null".
  screen.append(...[
    h("h1", {}, t("edit.title")),
    h("p", { class: "muted" }, w.full_name, " · ", w.nik_masked || ""),
    refused && refused.error ? h("div", { class: "banner error", id: "edit-refused" },
      h("strong", {}, refused.error.message || ""),
      h("ul", {}, errorLines(refused.error.errors).map(([f, m]) => h("li", {}, `${tOr(`field.${f}`, f)}: ${m}`)))) : null,
    h("div", { class: "form" },
      field(t("reg.phone"), phone),
      places.form,
      field(t("reg.address"), address),
      h("h2", {}, t("participant.beneficiary")),
      field(t("reg.b_name"), bName), field(t("reg.b_relationship"), bRel), field(t("reg.b_phone"), bPhone, t("reg.optional")),
      h("h2", {}, t("reg.step.work")),
      income.form,
      h("fieldset", {}, h("legend", {}, t("reg.programs")),
        h("label", { class: "check" }, h("input", { type: "checkbox", checked: true, disabled: true }), " JKK + JKM"),
        h("label", { class: "check" }, jht, " ", t("reg.jht"))),
      field(t("reg.funding"), funding),
      h("p", { class: "hint" }, t("edit.priced_note"))),
    h("div", { class: "row" }, back, save)].filter(Boolean));
  return screen;
}

const pick = (payload) => Object.fromEntries(data.EDITABLE.filter((k) => k in payload).map((k) => [k, payload[k]]));

function required(input, ok) {
  setError(input, ok ? "" : t("field.required"));
  return Boolean(ok);
}

// Province → regency → district → village, from the cached regions (the agent's area works
// offline), starting at the participant's village.
async function placePicker(v) {
  const parts = v.village_code.split(".");
  const chosen = {
    province: parts[0] || "", regency: parts.slice(0, 2).join("."), district: parts.slice(0, 3).join("."),
    village_code: v.village_code,
  };
  const levels = [["province", ""], ["regency", "province"], ["district", "regency"], ["village_code", "district"]];
  const form = h("div", { class: "form" });
  const picker = { form, village: null };
  let generation = 0;
  async function rebuild() {
    const mine = ++generation;
    const fields = [];
    for (const [index, [key, parentKey]] of levels.entries()) {
      const parent = parentKey ? chosen[parentKey] : "";
      const list = parentKey && !parent ? [] : await data.regions(parent);
      const el = h("select", { name: key }, h("option", { value: "" }, t("reg.choose")), list.map((r) => h("option", { value: r.code }, r.name)));
      el.value = chosen[key] || "";
      el.addEventListener("change", () => {
        chosen[key] = el.value;
        for (const [k] of levels.slice(index + 1)) chosen[k] = "";
        v.village_code = chosen.village_code;
        if (key !== "village_code") rebuild();
      });
      if (key === "village_code") picker.village = el;
      fields.push(field(t(`reg.${key}`), el));
    }
    if (mine === generation) form.replaceChildren(...fields);
  }
  await rebuild();
  return picker;
}

// The registration's income control: type the income the participant states and the nearest
// level is chosen in the list (which stays, for scrolling and for screen readers).
async function incomePicker(v) {
  const levels = await data.incomeLevels();
  // A level no longer in the table stays as it is unless the agent changes it.
  if (v.income_level && !levels.includes(Number(v.income_level))) levels.push(Number(v.income_level));
  levels.sort((a, b) => a - b);
  const level = h("select", { name: "income_level" }, h("option", { value: "" }, t("reg.choose")),
    levels.map((l) => h("option", { value: String(l) }, rupiah(l))));
  level.value = v.income_level;
  level.addEventListener("change", () => { v.income_level = level.value; typed.value = ""; note.textContent = ""; });
  const typed = h("input", { name: "income_typed", type: "text", inputmode: "numeric", autocomplete: "off", placeholder: t("reg.income_type_placeholder") });
  const note = h("p", { class: "hint", id: "income-note", "aria-live": "polite" });
  typed.addEventListener("input", () => {
    const amount = Number(typed.value.replace(/\D/g, ""));
    if (!amount || !levels.length) { note.textContent = ""; return; }
    const nearest = levels.reduce((best, l) => (Math.abs(l - amount) < Math.abs(best - amount) ? l : best), levels[0]);
    v.income_level = String(nearest);
    level.value = v.income_level;
    setError(level, "");
    note.textContent = t("reg.income_nearest", rupiah(nearest));
  });
  return { level, form: h("div", { class: "form" }, field(t("reg.income_type"), typed, t("reg.income_type_hint")), note, field(t("reg.income_level"), level)) };
}
