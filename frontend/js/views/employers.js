// Employers (issue 23): register a small business (UMKM) and add its wage-earning workers, online
// or not. Every change goes to the outbox first (`employer.register`, `employer.worker`), each
// with its id made when the form opens, so a double tap is one employer and one worker; a worker
// is sent once its employer is (outbox.js holds it). The screens show what the phone has queued
// over what the server last answered (GET /employers, /employers/<id>/workers), kept on the
// phone per agent so the list reads offline.
//   #/employers             the agent's employers, and "register a business"
//   #/employers/new         the registration form
//   #/employers/<id>        one employer, its workers and the form to add one
import * as api from "../api.js";
import * as db from "../db.js";
import * as outbox from "../outbox.js";
import { checkNik, maskNik } from "../nik.js";
import { placePicker, select } from "../pickers.js";
import { t } from "../i18n.js";
import { h, field, rupiah, setError, today, toast, uuid } from "../ui.js";

export const SIZES = ["micro", "small", "medium", "large"];
const NIB = /^\d{13}$/;
const NPWP = /^\d{15,16}$/;
const digits = (value) => String(value || "").replace(/[\s.\-/]/g, "");
export const cacheKey = (userId) => `employers.${userId}`;

export function createView() {
  const state = { draft: null, worker: null };
  return { render: (app, params) => render(state, app, params), keepOnRefresh: true };
}

async function render(state, app, [param]) {
  if (param === "new") return registration(state, app);
  if (param) return employerScreen(state, app, param);
  return list(app);
}

// What the server last said about the agent's employers (and their workers), refreshed when
// online; the outbox's employers and workers lie over it.
async function known(app, employerId = null) {
  const key = cacheKey(app.session.user.id);
  const cached = (await db.kv.get(key)) || { employers: [], workers: {} };
  if (navigator.onLine) {
    try {
      cached.employers = await api.employers();
      if (employerId && cached.employers.some((e) => e.id === employerId))
        cached.workers[employerId] = await api.employerWorkers(employerId);
      await db.kv.set(key, cached);
    } catch {
      /* offline after all, or the session expired: the phone's copy stays */
    }
  }
  return cached;
}

async function queued() {
  const records = await outbox.records();
  return {
    employers: records.filter((r) => r.type === "employer.register"),
    workers: records.filter((r) => r.type === "employer.worker"),
  };
}

async function list(app) {
  const [server, pending] = await Promise.all([known(app), queued()]);
  const rows = [
    ...pending.employers.map((r) => ({ ...r.payload, pending: r.state })),
    ...server.employers.filter((e) => !pending.employers.some((r) => r.entity_id === e.id)),
  ];
  return h(
    "section",
    { class: "screen", id: "employers-screen" },
    h("h1", {}, t("emp.title")),
    h("p", { class: "lead" }, t("emp.lead")),
    h("a", { class: "button primary wide", href: "#/employers/new", id: "employer-new" }, t("emp.new")),
    h(
      "ul",
      { class: "list", id: "employer-list" },
      rows.length
        ? rows.map((e) =>
            h(
              "li",
              { dataset: { employer: e.id } },
              h(
                "a",
                { href: `#/employers/${e.id}` },
                h("span", { class: "name" }, e.name),
                h("span", { class: "meta" }, e.registration_number || t("emp.waiting"), " · ", t(`emp.size.${e.size}`)),
              ),
            ),
          )
        : h("li", { class: "empty" }, t("emp.none")),
    ),
  );
}

function freshEmployer() {
  return {
    id: uuid(),
    name: "",
    size: "micro",
    risk_group: "1",
    nib: "",
    npwp: "",
    phone: "",
    contact_name: "",
    province: "",
    regency: "",
    district: "",
    village_code: "",
    address: "",
  };
}

async function registration(state, app) {
  if (!state.draft) state.draft = freshEmployer();
  const draft = state.draft;
  if (!draft.province) {
    const area = await db.kv.get("area");
    if (area && area.regency_code) {
      draft.regency = area.regency_code;
      draft.province = area.regency_code.split(".")[0];
    }
  }
  const input = (name, attrs = {}) => {
    const el = h("input", { name, autocomplete: "off", ...attrs });
    el.value = draft[name];
    el.addEventListener("input", () => {
      draft[name] = el.value;
      setError(el, "");
    });
    return el;
  };
  const choice = (name, options) => {
    const el = h(
      "select",
      { name },
      options.map(([value, label]) => h("option", { value }, label)),
    );
    el.value = draft[name];
    el.addEventListener("change", () => (draft[name] = el.value));
    return el;
  };
  const name = input("name", { maxlength: "160" });
  const size = choice(
    "size",
    SIZES.map((s) => [s, t(`emp.size.${s}`)]),
  );
  const risk = choice(
    "risk_group",
    [1, 2, 3, 4, 5].map((g) => [String(g), t(`emp.risk.${g}`)]),
  );
  const nib = input("nib", { inputmode: "numeric", maxlength: "20" });
  const npwp = input("npwp", { inputmode: "numeric", maxlength: "24" });
  const phone = input("phone", { type: "tel", placeholder: "08… / 0285…" });
  const contact = input("contact_name", { maxlength: "160" });
  const places = await placePicker(draft);
  const address = h("textarea", { name: "address", rows: "2" });
  address.value = draft.address;
  address.addEventListener("input", () => (draft.address = address.value));

  // The server's rules, before the registration is queued (its messages, in its words).
  function check() {
    const problems = [];
    if (draft.name.trim().length < 2) problems.push([name, t("field.required")]);
    if (digits(draft.nib) && !NIB.test(digits(draft.nib))) problems.push([nib, t("emp.nib_shape")]);
    if (digits(draft.npwp) && !NPWP.test(digits(draft.npwp))) problems.push([npwp, t("emp.npwp_shape")]);
    if (!/^[+\d][\d\s\-().]{6,}$/.test(draft.phone.trim())) problems.push([phone, t("emp.phone_invalid")]);
    if (draft.contact_name.trim().length < 2) problems.push([contact, t("field.required")]);
    if (!draft.village_code) problems.push([places.village, t("field.required")]);
    for (const el of [name, nib, npwp, phone, contact, places.village]) setError(el, "");
    for (const [el, message] of problems) setError(el, message);
    if (problems.length) problems[0][0].focus();
    return !problems.length;
  }

  const save = h("button", { type: "button", class: "primary wide", id: "employer-save" }, t("emp.save"));
  save.addEventListener("click", async () => {
    if (!check() || save.dataset.busy) return;
    save.dataset.busy = "1";
    const payload = {
      id: draft.id,
      name: draft.name.trim(),
      size: draft.size,
      risk_group: Number(draft.risk_group),
      village_code: draft.village_code,
      phone: draft.phone.trim(),
      contact_name: draft.contact_name.trim(),
      nib: digits(draft.nib) || null,
      npwp: digits(draft.npwp) || null,
      address: draft.address.trim() || null,
      registered_on: today(),
    };
    await outbox.enqueue("employer.register", payload, { entityId: payload.id, label: payload.name });
    state.draft = null;
    toast(t("emp.saved"));
    app.go(`employers/${payload.id}`);
  });
  return h(
    "section",
    { class: "screen", id: "employer-form" },
    h("h1", {}, t("emp.new")),
    h(
      "div",
      { class: "form" },
      field(t("emp.name"), name),
      field(t("emp.size"), size, t("emp.size_hint")),
      field(t("emp.risk_group"), risk, t("emp.risk_hint")),
      field("NIB", nib, t("emp.optional")),
      field("NPWP", npwp, t("emp.optional")),
      field(t("emp.phone"), phone),
      field(t("emp.contact"), contact),
      places.form,
      field(t("emp.address"), address, t("emp.optional")),
    ),
    save,
    h("a", { class: "button wide", href: "#/employers" }, t("emp.back")),
  );
}

function freshWorker() {
  return { id: uuid(), nik: "", full_name: "", birth_date: "", gender: "", wage: "" };
}

async function employerScreen(state, app, employerId) {
  const [server, pending] = await Promise.all([known(app, employerId), queued()]);
  const record = pending.employers.find((r) => r.entity_id === employerId);
  const employer = record ? { ...record.payload, pending: true } : server.employers.find((e) => e.id === employerId);
  if (!employer) return h("section", { class: "screen" }, h("p", { class: "error" }, t("emp.unknown")));
  const mine = pending.workers.filter((r) => r.payload.employer_id === employerId);
  const stored = (server.workers[employerId] || []).filter((w) => !mine.some((r) => r.entity_id === w.id));
  if (!state.worker || state.worker.employer_id !== employerId)
    state.worker = { ...freshWorker(), employer_id: employerId };
  const draft = state.worker;
  const input = (name, attrs = {}) => {
    const el = h("input", { name, autocomplete: "off", ...attrs });
    el.value = draft[name];
    el.addEventListener(attrs.type === "date" ? "change" : "input", () => {
      draft[name] = el.value;
      setError(el, "");
    });
    return el;
  };
  const nik = input("nik", { inputmode: "numeric", maxlength: "16" });
  const fullName = input("full_name", { maxlength: "160" });
  const birth = input("birth_date", { type: "date", max: today() });
  const gender = select(draft, "gender", [
    ["M", t("reg.male")],
    ["F", t("reg.female")],
  ]);
  const wage = input("wage", { inputmode: "numeric", placeholder: "3500000" });

  function check() {
    const problems = [];
    const nikCheck = checkNik(draft.nik.trim(), { birthDate: draft.birth_date || null, gender: draft.gender || null });
    if (nikCheck.errors.length) problems.push([nik, t(nikCheck.errors[0])]);
    if (draft.full_name.trim().length < 2) problems.push([fullName, t("field.required")]);
    if (!draft.birth_date) problems.push([birth, t("field.required")]);
    if (!draft.gender) problems.push([gender, t("field.required")]);
    if (!(Number(digits(draft.wage)) > 0)) problems.push([wage, t("emp.wage_invalid")]);
    for (const el of [nik, fullName, birth, gender, wage]) setError(el, "");
    for (const [el, message] of problems) setError(el, message);
    if (problems.length) problems[0][0].focus();
    return !problems.length;
  }

  const add = h("button", { type: "button", class: "primary wide", id: "employee-save" }, t("emp.add_worker"));
  add.addEventListener("click", async () => {
    if (!check() || add.dataset.busy) return;
    add.dataset.busy = "1";
    const payload = {
      employer_id: employerId,
      id: draft.id,
      nik: draft.nik.trim(),
      full_name: draft.full_name.trim(),
      birth_date: draft.birth_date,
      gender: draft.gender,
      wage: Number(digits(draft.wage)),
    };
    const label = `${payload.full_name} · ${maskNik(payload.nik)} · ${employer.name}`;
    await outbox.enqueue("employer.worker", payload, { entityId: payload.id, label });
    state.worker = null;
    toast(t("emp.worker_saved"));
    app.refresh();
  });
  const workerRow = (w, waiting) =>
    h(
      "li",
      { class: "record", dataset: { worker: w.id } },
      h("span", { class: "name" }, w.full_name),
      h(
        "span",
        { class: "meta" },
        w.nik_masked || maskNik(w.nik),
        " · ",
        rupiah(w.wage),
        waiting ? ` · ${t("emp.waiting")}` : "",
        w.bpu_participant ? ` · ${t("emp.also_bpu")}` : "",
      ),
    );
  return h(
    "section",
    { class: "screen", id: "employer-screen" },
    h("h1", {}, employer.name),
    h(
      "p",
      { class: "lead", id: "employer-number" },
      employer.registration_number ? t("emp.number", employer.registration_number) : t("emp.waiting_number"),
    ),
    h("p", { class: "hint" }, `${t(`emp.size.${employer.size}`)} · ${t(`emp.risk.${employer.risk_group}`)}`),
    h("h2", {}, t("emp.workers", mine.length + stored.length)),
    h("ul", { class: "list", id: "employee-list" }, [
      ...mine.map((r) => workerRow(r.payload, true)),
      ...stored.map((w) => workerRow(w, false)),
    ]),
    h("h2", {}, t("emp.add_worker")),
    h(
      "div",
      { class: "form" },
      field("NIK", nik),
      field(t("emp.worker_name"), fullName),
      field(t("emp.birth_date"), birth),
      field(t("reg.gender"), gender),
      field(t("emp.wage"), wage, t("emp.wage_hint")),
    ),
    add,
    h("a", { class: "button wide", href: "#/employers" }, t("emp.back")),
  );
}
