// On-device NIK checks, mirroring DOMAIN.md §2 and perisai/workers/nik.py, so the agent hears
// about a mistyped NIK at the door and not days later when the phone syncs.
// 16 digits PP KK CC DD MM YY NNNN: day +40 for women, serial from 0001, no checksum.

// Current (Kepmendagri 300.2.2-2L38/2025) and historic province codes; unknown = warning only.
const PROVINCES = new Set([
  "11",
  "12",
  "13",
  "14",
  "15",
  "16",
  "17",
  "18",
  "19",
  "21",
  "31",
  "32",
  "33",
  "34",
  "35",
  "36",
  "51",
  "52",
  "53",
  "61",
  "62",
  "63",
  "64",
  "65",
  "71",
  "72",
  "73",
  "74",
  "75",
  "76",
  "81",
  "82",
  "91",
  "92",
  "93",
  "94",
  "95",
  "96",
  "97",
]);

function fullYear(yy, birthDate, today) {
  if (birthDate && Number(birthDate.slice(0, 4)) % 100 === yy) return Number(birthDate.slice(0, 4));
  const year = today.getFullYear() - (today.getFullYear() % 100) + yy;
  return year > today.getFullYear() ? year - 100 : year;
}

function iso(y, m, d) {
  return `${String(y).padStart(4, "0")}-${String(m).padStart(2, "0")}-${String(d).padStart(2, "0")}`;
}

// → {errors: [message keys], warnings: [...], birthDate, gender}; keys match the server's tokens.
export function checkNik(nik, { birthDate = null, gender = null, today = new Date() } = {}) {
  const result = { errors: [], warnings: [], birthDate: null, gender: null };
  if (!/^[0-9]*$/.test(nik) || nik === "") {
    result.errors.push("workers.nik_digits");
    return result;
  }
  if (nik.length !== 16) {
    result.errors.push("workers.nik_length");
    return result;
  }
  const dayField = Number(nik.slice(6, 8));
  const month = Number(nik.slice(8, 10));
  const yy = Number(nik.slice(10, 12));
  if (nik.slice(12) === "0000") result.errors.push("workers.nik_serial");
  if (!((dayField >= 1 && dayField <= 31) || (dayField >= 41 && dayField <= 71))) {
    result.errors.push("workers.nik_day");
    return result;
  }
  if (month < 1 || month > 12) {
    result.errors.push("workers.nik_month");
    return result;
  }
  result.gender = dayField > 40 ? "F" : "M";
  const day = dayField > 40 ? dayField - 40 : dayField;
  const year = fullYear(yy, birthDate, today);
  const date = new Date(Date.UTC(year, month - 1, day));
  if (date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) {
    result.errors.push("workers.nik_date");
    return result;
  }
  result.birthDate = iso(year, month, day);
  const todayIso = iso(today.getFullYear(), today.getMonth() + 1, today.getDate());
  if (result.birthDate > todayIso) result.errors.push("workers.nik_future");
  if (gender && gender !== result.gender) result.errors.push("workers.nik_gender");
  if (birthDate && birthDate !== result.birthDate) result.errors.push("workers.nik_birth_date");
  if (!PROVINCES.has(nik.slice(0, 2))) result.warnings.push("workers.nik_province_unknown");
  return result;
}

export function maskNik(nik) {
  return nik && nik.length === 16 ? `${nik.slice(0, 4)}********${nik.slice(12)}` : "****************";
}
