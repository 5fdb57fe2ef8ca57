// Register a participant: a multi-step form that works offline. The participant's id is made
// once when the form opens, so saving twice (double tap) can only ever be the same participant.
import * as db from "../db.js";
import * as data from "../data.js";
import * as outbox from "../outbox.js";
import { checkNik, maskNik } from "../nik.js";
import { quote } from "../pricing.js";
import { t, tOr, getLang, NOTICE_VERSION } from "../i18n.js";
import { h, field, setError, rupiah, today, toast, uuid, errorLines } from "../ui.js";
import { locate, takePhoto } from "../capture.js";
import {
  bind,
  select,
  required,
  phoneValid,
  placePicker,
  placeOf,
  incomePicker,
  programsPicker,
  programsOf,
  relationshipSelect,
  fundingSelect,
} from "../pickers.js";

const STEPS = ["identity", "work", "address", "beneficiary", "consent", "review"];

// The screen while one agent is logged in (app.js's freshViews makes the next agent a new one):
// the form being filled stays while the agent looks elsewhere and comes back. `draft`: the values
// typed; `fixing`: the outbox record being fixed, if any; `saving`: the pending write of the draft
// to the phone.
export function createView() {
  const state = { draft: null, fixing: null, saving: null };
  return {
    render: (app, params) => render(state, app, params),
    // A background refresh must not wipe what the agent is typing.
    keepOnRefresh: true,
  };
}

function fresh() {
  return {
    id: uuid(),
    step: 0,
    nik: "",
    full_name: "",
    birth_date: "",
    gender: "",
    phone: "",
    occupation: "",
    income_level: "",
    jht: false,
    funding: "self",
    province: "",
    regency: "",
    district: "",
    village_code: "",
    address: "",
    b_name: "",
    b_relationship: "",
    b_phone: "",
    consent: false,
    // the channels the participant agrees to messages by (reminders, receipts, card links)
    channels: [],
    location: null,
    photo: null,
    // When the form was opened (kept with the draft across reloads): how long it took goes
    // with the registration, an enrolment quality signal (perisai/quality).
    started_at: Date.now(),
  };
}

function fromPayload(p) {
  return {
    ...fresh(),
    id: p.id,
    nik: p.nik,
    full_name: p.full_name,
    birth_date: p.birth_date,
    gender: p.gender,
    phone: p.phone,
    occupation: p.occupation,
    income_level: String(p.income_level),
    jht: p.programs.includes("JHT"),
    funding: p.funding || "self",
    ...placeOf(p.village_code),
    address: p.address,
    b_name: p.beneficiary.full_name,
    b_relationship: p.beneficiary.relationship,
    b_phone: p.beneficiary.phone || "",
    consent: true,
    channels: (p.consent && p.consent.channels) || [],
    location: p.location || null,
    registered_on: p.registered_on || null,
    capture_seconds: p.capture_seconds ?? null,
  };
}

export function payloadOf(d) {
  const payload = {
    id: d.id,
    nik: d.nik.trim(),
    full_name: d.full_name.trim(),
    birth_date: d.birth_date,
    gender: d.gender,
    phone: d.phone.trim(),
    occupation: d.occupation,
    income_level: Number(d.income_level),
    programs: programsOf(d.jht),
    village_code: d.village_code,
    address: d.address.trim(),
    funding: d.funding,
    beneficiary: { full_name: d.b_name.trim(), relationship: d.b_relationship.trim(), phone: d.b_phone.trim() || null },
    consent: { given: true, notice_version: NOTICE_VERSION, channels: d.channels || [] },
    // The day it was taken, kept when a rejected registration is fixed days later.
    registered_on: d.registered_on || today(),
  };
  if (d.location) payload.location = d.location;
  // a fixed registration keeps the time its form first took
  const seconds = d.capture_seconds ?? (d.started_at ? Math.round((Date.now() - d.started_at) / 1000) : null);
  if (seconds !== null && seconds >= 0) payload.capture_seconds = Math.min(seconds, 86400);
  return payload;
}

// A half-filled registration is kept on the phone after every step (cheap phones often kill the
// tab when the camera opens); after a reload the agent is offered to resume it.
const draftKey = (app) => `draft.register.${app.session.user.id}`;
function persist(state, app) {
  if (state.fixing || !state.draft) return;
  const copy = { ...state.draft };
  clearTimeout(state.saving);
  state.saving = setTimeout(() => db.kv.set(draftKey(app), copy).catch(() => {}), 150);
}
async function forget(state, app) {
  clearTimeout(state.saving);
  await db.kv.del(draftKey(app));
}
function stepsDone(d) {
  return d.step > 0 || d.nik || d.full_name || d.phone;
}

async function render(state, app, params) {
  const screen = h("section", { class: "screen register" });
  if (params[0] === "fix") {
    const record = await db.get("outbox", Number(params[1]));
    if (record && (!state.fixing || state.fixing.seq !== record.seq)) {
      state.fixing = record;
      state.draft = fromPayload(record.payload);
    }
  } else if (!state.draft && !state.fixing) {
    // A fresh page (reload, killed tab): a draft left on the phone is offered before anything.
    const kept = await db.kv.get(draftKey(app));
    if (kept && stepsDone(kept)) {
      screen.append(offer(state, app, screen, kept));
      return screen;
    }
    state.draft = fresh();
  } else if (params[0] === "new" || !state.draft || state.fixing) {
    state.fixing = null;
    state.draft = fresh();
    await forget(state, app);
  }
  await paint(state, app, screen);
  return screen;
}

function offer(state, app, screen, kept) {
  const who = [kept.full_name, kept.nik ? maskNik(kept.nik) : ""].filter(Boolean).join(" · ");
  return h(
    "div",
    { class: "card", id: "resume-draft" },
    h("h1", {}, t("reg.title")),
    h("p", { class: "banner" }, t("reg.resume_text", who || "—", kept.step + 1, STEPS.length)),
    h(
      "div",
      { class: "row" },
      h(
        "button",
        {
          type: "button",
          class: "primary",
          id: "resume-yes",
          onclick: () => {
            state.draft = { ...fresh(), ...kept };
            paint(state, app, screen);
          },
        },
        t("reg.resume"),
      ),
      h(
        "button",
        {
          type: "button",
          id: "resume-no",
          onclick: async () => {
            state.draft = fresh();
            await forget(state, app);
            paint(state, app, screen);
          },
        },
        t("reg.start_over"),
      ),
    ),
  );
}

async function paint(state, app, screen) {
  const { draft, fixing } = state;
  const step = STEPS[draft.step];
  const body = await STEP_VIEWS[step]({ app, draft, persist: () => persist(state, app) });
  const progress = h(
    "ol",
    { class: "steps", "aria-label": t("reg.progress") },
    STEPS.map((s, i) => h("li", { class: i === draft.step ? "current" : i < draft.step ? "done" : "" }, String(i + 1))),
  );
  const back =
    draft.step > 0
      ? h(
          "button",
          {
            type: "button",
            onclick: () => {
              draft.step -= 1;
              persist(state, app);
              paint(state, app, screen);
            },
          },
          t("reg.back"),
        )
      : null;
  const problems =
    fixing && fixing.error
      ? h(
          "div",
          { class: "banner error" },
          h("strong", {}, fixing.error.message || ""),
          h(
            "ul",
            {},
            errorLines(fixing.error.errors).map(([f, m]) => h("li", {}, `${tOr(`field.${f}`, f)}: ${m}`)),
          ),
        )
      : null;
  // replaceChildren would write a missing banner as the text "null".
  screen.replaceChildren(
    ...[
      h("h1", {}, fixing ? t("reg.fix_title") : t("reg.title")),
      progress,
      problems,
      h("h2", {}, t(`reg.step.${step}`)),
      body.form,
      h("div", { class: "row" }, back, body.next),
    ].filter(Boolean),
  );
  body.form.addEventListener("input", () => persist(state, app));
  body.form.addEventListener("change", () => persist(state, app));
  body.next.addEventListener("click", async () => {
    if (!body.check()) {
      toast(t("reg.fix_errors"), "error");
      const marked = screen.querySelector(".invalid");
      if (marked) marked.focus();
      return;
    }
    if (step === "review") {
      await save(state, app, body.next);
      return;
    }
    draft.step += 1;
    persist(state, app);
    paint(state, app, screen);
  });
}

// The first month's price for what the draft says (a new participant: nothing paid yet).
function monthlyQuote(rules, draft, occupation) {
  const worker = {
    income_level: Number(draft.income_level),
    programs: draft.jht ? ["JHT"] : [],
    sector: occupation.sector,
    funding: draft.funding,
    covered_until: null,
  };
  return quote(rules, worker, 1, today().slice(0, 7));
}

const next = (label = t("reg.next")) => h("button", { type: "button", class: "primary", id: "reg-next" }, label);

const STEP_VIEWS = {
  async identity({ draft }) {
    const nik = bind(
      draft,
      h("input", { name: "nik", inputmode: "numeric", maxlength: "16", autocomplete: "off" }),
      "nik",
      () => live(),
    );
    const name = bind(draft, h("input", { name: "full_name", autocomplete: "off" }), "full_name");
    const birth = bind(draft, h("input", { name: "birth_date", type: "date", max: today() }), "birth_date", () =>
      live(),
    );
    const gender = select(
      draft,
      "gender",
      [
        ["M", t("reg.male")],
        ["F", t("reg.female")],
      ],
      { after: () => live() },
    );
    const phone = bind(
      draft,
      h("input", { name: "phone", type: "tel", inputmode: "tel", placeholder: "08…" }),
      "phone",
    );
    const note = h("p", { class: "hint", id: "nik-note" });
    function live(final = false) {
      const v = draft.nik.trim();
      if (!final && v.length < 16 && /^\d*$/.test(v)) {
        setError(nik, "");
        note.textContent = "";
        return true;
      }
      const result = checkNik(v, { birthDate: draft.birth_date || null, gender: draft.gender || null });
      if (result.birthDate && !draft.birth_date) {
        draft.birth_date = result.birthDate;
        birth.value = result.birthDate;
      }
      if (result.gender && !draft.gender) {
        draft.gender = result.gender;
        gender.value = result.gender;
      }
      const nikErrors = result.errors.filter((e) => e !== "workers.nik_gender" && e !== "workers.nik_birth_date");
      setError(nik, final && !v ? t("field.required") : nikErrors.map((e) => t(e)).join(" "));
      // On "Lanjut" an empty field is required; a contradiction with the NIK stays marked.
      const mark = (input, key, value) =>
        setError(input, result.errors.includes(key) ? t(key) : final && !value ? t("field.required") : "");
      mark(gender, "workers.nik_gender", draft.gender);
      mark(birth, "workers.nik_birth_date", draft.birth_date);
      note.textContent = result.warnings.map((w) => t(w)).join(" ");
      return result.errors.length === 0;
    }
    const form = h(
      "div",
      { class: "form" },
      field(t("reg.nik"), nik, t("reg.nik_hint")),
      note,
      field(t("reg.full_name"), name),
      field(t("reg.birth_date"), birth),
      field(t("reg.gender"), gender),
      field(t("reg.phone"), phone),
    );
    return {
      form,
      next: next(),
      check() {
        let ok = live(true);
        ok = required(name, draft.full_name.trim().length >= 2) && ok;
        const phoneOk = phoneValid(draft.phone);
        setError(phone, phoneOk ? "" : t("workers.phone_invalid"));
        return ok && phoneOk;
      },
    };
  },

  async work({ draft }) {
    const occupations = await data.occupations();
    const levels = await data.incomeLevels();
    const rules = await data.rules();
    const lang = getLang();
    // Sorted by the label the agent reads, in the agent's language.
    const occupationOptions = occupations
      .map((o) => [o.code, lang === "en" ? o.label_en : o.label_id])
      .sort((a, b) => a[1].localeCompare(b[1], lang));
    const occupation = select(draft, "occupation", occupationOptions, { after: () => price() });
    const income = incomePicker(draft, levels, () => price());
    const programs = programsPicker(draft, () => price());
    const funding = fundingSelect(draft, "funding", { after: () => price() });
    const amount = h("div", { class: "amount", id: "monthly-amount", "aria-live": "polite" });
    function price() {
      const occ = occupations.find((o) => o.code === draft.occupation);
      if (!occ || !draft.income_level) {
        amount.textContent = t("reg.amount_pick");
        return;
      }
      const q = monthlyQuote(rules, draft, occ);
      amount.replaceChildren(
        q
          ? h(
              "span",
              {},
              t("reg.amount_month"),
              h("strong", {}, rupiah(q.total)),
              h(
                "small",
                {},
                [
                  `JKK ${rupiah(q.months[0].jkk)}`,
                  `JKM ${rupiah(q.months[0].jkm)}`,
                  draft.jht ? `JHT ${rupiah(q.months[0].jht)}` : null,
                ]
                  .filter(Boolean)
                  .join(" · "),
              ),
            )
          : t("reg.amount_unknown"),
      );
    }
    price();
    const form = h(
      "div",
      { class: "form" },
      occupations.length ? null : h("p", { class: "banner warn" }, t("reg.no_reference")),
      field(t("reg.occupation"), occupation),
      ...income.fields,
      programs,
      field(t("reg.funding"), funding),
      amount,
    );
    return {
      form,
      next: next(),
      check: () =>
        required(occupation, draft.occupation) &
        required(income.level, draft.income_level) &
        required(funding, draft.funding),
    };
  },

  async address({ draft }) {
    if (!draft.province) {
      const area = await db.kv.get("area");
      if (area && area.regency_code) {
        draft.regency = area.regency_code;
        draft.province = area.regency_code.split(".")[0];
      }
    }
    // Only the region selects are ever rebuilt; the address box stays put, so typing in it is
    // never interrupted (a moved textarea loses focus, the keyboard and the text being typed).
    const places = await placePicker(draft);
    const address = bind(draft, h("textarea", { name: "address", rows: "2" }), "address");
    const form = h("div", { class: "form" }, places.form, field(t("reg.address"), address));
    return {
      form,
      next: next(),
      check: () => required(places.village, draft.village_code) & required(address, draft.address.trim().length >= 3),
    };
  },

  async beneficiary({ draft }) {
    const name = bind(draft, h("input", { name: "b_name" }), "b_name");
    const relationship = relationshipSelect(draft, "b_relationship");
    const phone = bind(draft, h("input", { name: "b_phone", type: "tel", placeholder: "08…" }), "b_phone");
    const form = h(
      "div",
      { class: "form" },
      field(t("reg.b_name"), name),
      field(t("reg.b_relationship"), relationship),
      field(t("reg.b_phone"), phone, t("reg.optional")),
    );
    return {
      form,
      next: next(),
      check() {
        const phoneOk = !draft.b_phone.trim() || phoneValid(draft.b_phone);
        setError(phone, phoneOk ? "" : t("workers.phone_invalid"));
        return required(name, draft.b_name.trim().length >= 2) & required(relationship, draft.b_relationship) & phoneOk;
      },
    };
  },

  async consent({ draft, persist }) {
    const box = h("input", { type: "checkbox", name: "consent", id: "consent", checked: draft.consent });
    box.addEventListener("change", () => {
      draft.consent = box.checked;
    });
    // Messages by WhatsApp or SMS only where the participant says yes to that channel (UU PDP):
    // nothing is ticked beforehand.
    draft.channels = draft.channels || [];
    const channel = (name) => {
      const tick = h("input", { type: "checkbox", name: `channel_${name}`, checked: draft.channels.includes(name) });
      tick.addEventListener("change", () => {
        const others = draft.channels.filter((c) => c !== name);
        draft.channels = tick.checked ? ["whatsapp", "sms"].filter((c) => c === name || others.includes(c)) : others;
        persist();
      });
      return h("label", { class: "check" }, tick, " ", t(`reg.channel_${name}`));
    };
    const where = h(
      "p",
      { class: "hint", id: "gps-status" },
      draft.location ? t("reg.gps_ok", Math.round(draft.location.accuracy_m || 0)) : t("reg.optional"),
    );
    const gps = h(
      "button",
      {
        type: "button",
        onclick: async () => {
          where.textContent = t("reg.gps_wait");
          try {
            draft.location = await locate();
            persist();
            where.textContent = t("reg.gps_ok", Math.round(draft.location.accuracy_m || 0));
          } catch {
            where.textContent = t("reg.gps_failed");
          }
        },
      },
      t("reg.gps"),
    );
    const preview = h(
      "div",
      { class: "photo" },
      draft.photo ? h("img", { src: URL.createObjectURL(draft.photo), alt: t("reg.photo") }) : null,
    );
    const photo = h(
      "button",
      {
        type: "button",
        onclick: async () => {
          const blob = await takePhoto();
          if (blob) {
            draft.photo = blob;
            persist();
            preview.replaceChildren(
              h("img", { src: URL.createObjectURL(blob), alt: t("reg.photo") }),
              h("small", {}, `${Math.round(blob.size / 1024)} KB`),
            );
          }
        },
      },
      t("reg.photo"),
    );
    const error = h("p", { class: "field-error", role: "alert" });
    const form = h(
      "div",
      { class: "form" },
      h(
        "div",
        { class: "notice", tabindex: "0" },
        h("h3", {}, t("consent.title")),
        t("consent.text")
          .split("\n")
          .map((p) => h("p", {}, p)),
        h("small", {}, `${t("consent.version")} ${NOTICE_VERSION}`),
      ),
      h("label", { class: "check strong" }, box, " ", t("consent.agree")),
      error,
      h("h3", {}, t("reg.channels")),
      h("p", { class: "hint" }, t("reg.channels_hint")),
      channel("whatsapp"),
      channel("sms"),
      h("h3", {}, t("reg.extras")),
      h("div", { class: "row" }, gps, photo),
      where,
      preview,
    );
    return {
      form,
      next: next(),
      check: () => {
        error.textContent = draft.consent ? "" : t("workers.consent_required");
        return draft.consent;
      },
    };
  },

  // What the participant checks before saving: the agent's own form, so the NIK is shown in
  // full; the village by name (from the cached regions, so offline too) and the monthly amount.
  async review({ draft }) {
    const occupations = await data.occupations();
    const occ = occupations.find((o) => o.code === draft.occupation);
    const nameIn = async (parent, code) =>
      ((await data.regions(parent)).find((r) => r.code === code) || {}).name || code;
    const place = [
      await nameIn(draft.district, draft.village_code),
      await nameIn(draft.regency, draft.district),
      await nameIn(draft.province, draft.regency),
    ];
    const rules = await data.rules();
    const monthly = occ ? monthlyQuote(rules, draft, occ) : null;
    const rows = [
      ["nik", t("reg.nik"), draft.nik.trim().replace(/(\d{4})(?=\d)/g, "$1 ")],
      ["full_name", t("reg.full_name"), draft.full_name],
      ["birth_date", t("reg.birth_date"), draft.birth_date],
      ["gender", t("reg.gender"), draft.gender === "F" ? t("reg.female") : t("reg.male")],
      ["phone", t("reg.phone"), draft.phone],
      ["occupation", t("reg.occupation"), occ ? (getLang() === "en" ? occ.label_en : occ.label_id) : draft.occupation],
      ["income_level", t("reg.income_level"), rupiah(Number(draft.income_level))],
      ["programs", t("reg.programs"), draft.jht ? "JKK, JKM, JHT" : "JKK, JKM"],
      ["funding", t("reg.funding"), t(`funding.${draft.funding}`)],
      ["monthly", t("reg.monthly"), monthly ? rupiah(monthly.total) : t("reg.amount_unknown")],
      ["village", t("reg.village_code"), place.join(", ")],
      ["address", t("reg.address"), draft.address],
      ["beneficiary", t("reg.b_name"), `${draft.b_name} (${t(`rel.${draft.b_relationship}`)})`],
      ["gps", t("reg.gps"), draft.location ? "✓" : "—"],
      ["photo", t("reg.photo"), draft.photo ? "✓" : "—"],
      [
        "channels",
        t("reg.channels"),
        (draft.channels || []).map((c) => t(`reg.channel_name_${c}`)).join(", ") || t("reg.channels_none"),
      ],
    ];
    const form = h(
      "div",
      { class: "form" },
      h("p", { class: "hint" }, t("reg.review_note")),
      h(
        "dl",
        { class: "review big", id: "review" },
        rows.map(([key, k, v]) => [h("dt", {}, k), h("dd", { dataset: { field: key } }, v)]),
      ),
    );
    return { form, next: next(t("reg.save")), check: () => true };
  },
};

async function save(state, app, button) {
  const { draft, fixing } = state;
  button.disabled = true;
  const payload = payloadOf(draft);
  const occupations = await data.occupations();
  const occ = occupations.find((o) => o.code === payload.occupation);
  const label = `${payload.full_name} · ${maskNik(payload.nik)}`;
  if (fixing) {
    await outbox.replace(fixing.seq, payload, label);
  } else {
    await outbox.enqueue("worker.register", payload, { entityId: payload.id, label });
    if (draft.photo)
      await outbox.enqueue("photo.upload", { kind: "face" }, { entityId: payload.id, label, blob: draft.photo });
  }
  const existing = await db.get("workers", payload.id);
  if (!existing || existing._pending) {
    await db.put("workers", {
      ...payload,
      nik_masked: maskNik(payload.nik),
      sector: occ ? occ.sector : "other",
      status: "registered",
      covered_until: null,
      created_at: new Date().toISOString(),
      _pending: true,
      _detail: true,
    });
  }
  const id = payload.id;
  if (!fixing) await forget(state, app);
  state.draft = null;
  state.fixing = null;
  toast(t("reg.saved"));
  app.go(`participant/${id}`);
}
