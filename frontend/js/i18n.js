// The PWA's strings: t(key, ...args) in the language chosen on the phone (Bahasa Indonesia by
// default, English the alternative). The texts live in the one gettext catalogue of the project
// (perisai/translations/*/LC_MESSAGES/messages.po, msgctxt "pwa", and the server messages the PWA
// shows as they are); messages.js is produced from it by `python -m perisai.i18n_export`. {0},
// {1} are arguments.
import { MESSAGES as C } from "./messages.js";

const LANGS = ["id", "en"];
// The version of the consent notice (consent.title, consent.text, consent.agree) a participant's
// consent records. A changed text is a new version: tests/test_messages.py keeps each version's
// hash of the texts (NOTICES) and fails when the text changes under the same version.
export const NOTICE_VERSION = "2026-01";

let lang = null;

export function getLang() {
  if (!lang) {
    let stored = null;
    try {
      stored = localStorage.getItem("perisai.lang");
    } catch {
      stored = null;
    }
    lang = LANGS.includes(stored) ? stored : "id";
  }
  return lang;
}

export function setLang(value) {
  lang = LANGS.includes(value) ? value : "id";
  try {
    localStorage.setItem("perisai.lang", lang);
  } catch {
    /* private mode */
  }
}

// A message with plural forms has one text per Intl.PluralRules category of the language; the
// first argument is the count.
const plurals = {};
function form(text, current, count) {
  if (typeof text === "string") return text;
  plurals[current] = plurals[current] || new Intl.PluralRules(current);
  return text[plurals[current].select(Number(count))] ?? text.other;
}

export function t(key, ...args) {
  const entry = C[key];
  const current = getLang();
  const text = entry ? form(entry[LANGS.indexOf(current)], current, args[0]) : key;
  return text.replace(/\{(\d)\}/g, (_, i) => (args[i] !== undefined ? String(args[i]) : ""));
}

// The language as the locale Intl writes figures and dates in (the browser's CLDR, the data Babel
// uses on the server).
export function locale() {
  return getLang() === "en" ? "en-GB" : "id-ID";
}

// A moment (ISO timestamp or Date) as date and time in the chosen language.
export function dateTime(value) {
  return new Date(value).toLocaleString(locale());
}

export function tOr(key, fallback) {
  return C[key] ? t(key) : fallback;
}
