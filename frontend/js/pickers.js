// The form controls the registration (views/register.js) and the participant edit
// (views/edit.js) share: inputs bound to a plain object of values, the province → village
// picker, the income picker, the programs and the choice lists. Each control writes what the
// agent chose into the object it was given; the screen owns that object.
import * as data from "./data.js";
import { t } from "./i18n.js";
import { h, field, setError, rupiah } from "./ui.js";

export const RELATIONSHIPS = ["istri", "suami", "anak", "orang_tua", "saudara", "lainnya"];
export const FUNDING = ["self", "apbn", "apbd", "apbdes", "csr"];

const PHONE = /^(\+?62|0)8\d{8,12}$/;

// An Indonesian mobile number as agents type it ("0812-3456 789", "62812…", "+62812…").
export const phoneValid = (value) => PHONE.test(String(value || "").replace(/[\s\-().]/g, ""));

// The input shows values[key] and writes back every edit. One event per edit: a select fires
// both input and change, and `after` may rebuild the form.
export function bind(values, input, key, after) {
  input.value = values[key] ?? "";
  const event = input.tagName === "SELECT" || input.type === "date" ? "change" : "input";
  input.addEventListener(event, () => {
    values[key] = input.value;
    if (after) after();
  });
  return input;
}

// A select of [value, label] options after a "choose" placeholder. keepUnknown: a value stored
// in other words (an import's relationship) stays choosable.
export function select(values, key, options, { after, keepUnknown = false } = {}) {
  const known = options.some(([value]) => value === values[key]);
  const list = keepUnknown && values[key] && !known ? [...options, [values[key], values[key]]] : options;
  const el = h(
    "select",
    { name: key },
    h("option", { value: "" }, t("reg.choose")),
    list.map(([value, label]) => h("option", { value }, label)),
  );
  return bind(values, el, key, after);
}

export const relationshipSelect = (values, key, options) =>
  select(
    values,
    key,
    RELATIONSHIPS.map((r) => [r, t(`rel.${r}`)]),
    options,
  );

export const fundingSelect = (values, key, options) =>
  select(
    values,
    key,
    FUNDING.map((f) => [f, t(`funding.${f}`)]),
    options,
  );

// Marks a required field; true when it is filled.
export function required(input, ok) {
  setError(input, ok ? "" : t("field.required"));
  return Boolean(ok);
}

const LEVELS = [
  ["province", ""],
  ["regency", "province"],
  ["district", "regency"],
  ["village_code", "district"],
];

// The province, regency and district of a village code (what the picker starts from).
export function placeOf(code) {
  const parts = (code || "").split(".");
  return {
    province: parts[0] || "",
    regency: parts.slice(0, 2).join("."),
    district: parts.slice(0, 3).join("."),
    village_code: code || "",
  };
}

// Province → regency → district → village, from the cached regions (the agent's area works
// offline), in `values`' province, regency, district and village_code. Choosing a level empties
// the ones below it and rebuilds only the selects; `picker.village` is the village select shown.
export async function placePicker(values, onChange) {
  const form = h("div", { class: "form" });
  const picker = { form, village: null };
  let generation = 0;
  async function rebuild() {
    const mine = ++generation;
    const fields = [];
    for (const [index, [key, parentKey]] of LEVELS.entries()) {
      const parent = parentKey ? values[parentKey] : "";
      const list = parentKey && !parent ? [] : await data.regions(parent);
      const dependants = LEVELS.slice(index + 1);
      // The village has no dependants: choosing it rebuilds nothing.
      const after = () => {
        for (const [k] of dependants) values[k] = "";
        if (onChange) onChange();
        if (dependants.length) rebuild();
      };
      const el = select(
        values,
        key,
        list.map((r) => [r.code, r.name]),
        { after },
      );
      if (key === "village_code") picker.village = el;
      fields.push(field(t(`reg.${key}`), el));
    }
    if (mine === generation) form.replaceChildren(...fields);
  }
  await rebuild();
  return picker;
}

// ~200 levels: the agent types the income the participant states and the nearest level is
// chosen in the list below (which stays, for scrolling and for screen readers). The level is
// values.income_level, a string as the select holds it; `fields` go into the screen's form.
export function incomePicker(values, levels, onChange) {
  const level = select(
    values,
    "income_level",
    levels.map((l) => [String(l), rupiah(l)]),
    {
      after: () => {
        typed.value = "";
        note.textContent = "";
        if (onChange) onChange();
      },
    },
  );
  const typed = h("input", {
    name: "income_typed",
    type: "text",
    inputmode: "numeric",
    autocomplete: "off",
    placeholder: t("reg.income_type_placeholder"),
  });
  const note = h("p", { class: "hint", id: "income-note", "aria-live": "polite" });
  typed.addEventListener("input", () => {
    const amount = Number(typed.value.replace(/\D/g, ""));
    if (!amount || !levels.length) {
      note.textContent = "";
      return;
    }
    const nearest = levels.reduce((best, l) => (Math.abs(l - amount) < Math.abs(best - amount) ? l : best), levels[0]);
    values.income_level = String(nearest);
    level.value = values.income_level;
    setError(level, "");
    note.textContent = t("reg.income_nearest", rupiah(nearest));
    if (onChange) onChange();
  });
  return {
    level,
    fields: [field(t("reg.income_type"), typed, t("reg.income_type_hint")), note, field(t("reg.income_level"), level)],
  };
}

// JKK + JKM always, JHT by choice (values.jht).
export function programsPicker(values, onChange) {
  const jht = h("input", { type: "checkbox", name: "jht", checked: values.jht });
  jht.addEventListener("change", () => {
    values.jht = jht.checked;
    if (onChange) onChange();
  });
  return h(
    "fieldset",
    {},
    h("legend", {}, t("reg.programs")),
    h("label", { class: "check" }, h("input", { type: "checkbox", checked: true, disabled: true }), " JKK + JKM"),
    h("label", { class: "check" }, jht, " ", t("reg.jht")),
  );
}

export const programsOf = (jht) => (jht ? ["JKK", "JKM", "JHT"] : ["JKK", "JKM"]);
