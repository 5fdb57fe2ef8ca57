// Small DOM helpers: build elements, never HTML strings (the CSP forbids inline styles/scripts,
// and text never becomes markup), money and month formatting, toasts.
import { t, locale } from "./i18n.js";

export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith("on") && typeof value === "function") el.addEventListener(key.slice(2), value);
    else if (key === "class") el.className = value;
    else if (key === "dataset") Object.assign(el.dataset, value);
    else if (key in el && typeof value !== "string") el[key] = value;
    else el.setAttribute(key, value === true ? "" : value);
  }
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

export function rupiah(amount) {
  return "Rp " + new Intl.NumberFormat("id-ID").format(amount || 0);
}

export function monthLabel(month) {
  if (!month) return "—";
  const [y, m] = month.split("-").map(Number);
  return new Date(Date.UTC(y, m - 1, 1)).toLocaleDateString(locale(), {
    month: "short",
    year: "numeric",
    timeZone: "UTC",
  });
}

// "12 Jun 2026": a day (YYYY-MM-DD) in the chosen language.
export function dayLabel(day) {
  if (!day) return "—";
  const [y, m, d] = day.split("-").map(Number);
  return new Date(Date.UTC(y, m - 1, d)).toLocaleDateString(locale(), {
    day: "numeric",
    month: "short",
    year: "numeric",
    timeZone: "UTC",
  });
}

export function today() {
  const d = new Date();
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}-${String(d.getDate()).padStart(2, "0")}`;
}

export function uuid() {
  if (crypto.randomUUID) return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const x = [...b].map((v) => v.toString(16).padStart(2, "0")).join("");
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20)}`;
}

let toastTimer = null;
let toastAt = 0;
export function toast(message, kind = "info") {
  const box = document.getElementById("toast");
  box.textContent = message;
  box.className = `toast show ${kind}`;
  toastAt = Date.now();
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => {
    box.className = "toast";
  }, 2500);
}

// Hide a toast shown more than `olderThan` ms ago (it belongs to the screen being left).
export function dismissToast(olderThan = 0) {
  const box = document.getElementById("toast");
  if (box && Date.now() - toastAt >= olderThan) {
    clearTimeout(toastTimer);
    box.className = "toast";
  }
}

export function statusBadge(status) {
  return h("span", { class: `badge status-${status || "pending"}` }, t(`status.${status || "pending"}`));
}

export function field(label, input, hint) {
  const id = input.id || `f-${Math.random().toString(36).slice(2, 9)}`;
  input.id = id;
  return h(
    "div",
    { class: "field" },
    h("label", { for: id }, label),
    input,
    h("div", { class: "field-error", id: `${id}-error`, role: "alert" }),
    hint ? h("div", { class: "hint" }, hint) : null,
  );
}

export function setError(input, message) {
  const box = document.getElementById(`${input.id}-error`);
  if (box) box.textContent = message || "";
  input.classList.toggle("invalid", Boolean(message));
  if (message) input.setAttribute("aria-invalid", "true");
  else input.removeAttribute("aria-invalid");
}

// Flatten the API's errors ({json: {field: [..]}}) into "field: message" lines.
export function errorLines(errors) {
  const lines = [];
  const walk = (value, path) => {
    if (Array.isArray(value)) value.forEach((v) => (typeof v === "string" ? lines.push([path, v]) : walk(v, path)));
    else if (value && typeof value === "object") {
      for (const [k, v] of Object.entries(value)) walk(v, path && path !== "json" ? `${path}.${k}` : k);
    }
  };
  walk(errors || {}, "");
  return lines;
}
