// Pricing contribution months offline, mirroring perisai/contributions/rules.py exactly:
// integer basis points, HALF UP to the whole rupiah, discounts on JKK and JKM only, the price
// of a month decided by that month's rule version, the sector and the funding source.
const FULL = 10000;

export function roundHalfUp(numerator, denominator = FULL) {
  return Math.floor((2 * numerator + denominator) / (2 * denominator));
}

export function addMonths(month, n) {
  const [y, m] = month.split("-").map(Number);
  const index = y * 12 + (m - 1) + n;
  return `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, "0")}`;
}

export function monthsBetween(a, b) {
  // b - a in months
  const [ya, ma] = a.split("-").map(Number);
  const [yb, mb] = b.split("-").map(Number);
  return yb * 12 + mb - (ya * 12 + ma);
}

export function monthOf(isoDate) {
  return isoDate.slice(0, 7);
}

// The GET /reference/rates body ({rate_versions: [...], discounts: [...]}) as pricing reads it:
// {versions: [...by effective month, then id], discounts: [...by id]}.
export function normaliseRules(body) {
  const versions = body.rate_versions
    .map((v) => ({
      id: v.id,
      effective_from: v.effective_from,
      jkk: v.jkk_basis_points,
      jkm: v.jkm_flat,
      jht: v.jht_basis_points,
      levels: new Set(v.income_levels),
    }))
    .sort((a, b) => (a.effective_from < b.effective_from ? -1 : a.effective_from > b.effective_from ? 1 : a.id - b.id));
  const discounts = body.discounts
    .map((d) => ({
      id: d.id,
      sector: d.sector,
      from: d.effective_from,
      to: d.effective_to,
      off: d.basis_points_off,
      excluded: d.excluded_funding,
    }))
    .sort((a, b) => a.id - b.id);
  return { versions, discounts };
}

function versionFor(rules, month) {
  let chosen = null;
  for (const v of rules.versions) if (v.effective_from <= month) chosen = v;
  return chosen;
}

function discountFor(rules, month, sector, funding) {
  let chosen = null;
  for (const d of rules.discounts) {
    if ((d.sector === null || d.sector === sector) && d.from <= month && month <= d.to) chosen = d;
  }
  if (!chosen || chosen.excluded.includes(funding) || chosen.off === 0) return null;
  return chosen;
}

// One month: {month, jkk, jkm, jht, total} or null when the rules cannot price it.
export function priceMonth(rules, month, { income_level: level, has_jht: hasJht, sector, funding }) {
  const version = versionFor(rules, month);
  if (!version || (version.levels.size && !version.levels.has(level))) return null;
  let jkk = roundHalfUp(level * version.jkk);
  let jkm = version.jkm;
  const jht = hasJht ? roundHalfUp(level * version.jht) : 0;
  const discount = discountFor(rules, month, sector, funding);
  if (discount) {
    const keep = FULL - discount.off;
    jkk = roundHalfUp(jkk * keep);
    jkm = roundHalfUp(jkm * keep);
  }
  return { month, jkk, jkm, jht, total: jkk + jkm + jht };
}

// The months the next payment covers (arrears first) — DOMAIN.md §3: a first payment starts in
// the month paid, later ones extend from the last covered month, after more than 3 unpaid months
// the membership ended and a new payment starts afresh (the gap is never charged).
export function nextMonths(coveredUntil, paidMonth, count) {
  let start = paidMonth;
  if (coveredUntil && monthsBetween(coveredUntil, paidMonth) <= 3) start = addMonths(coveredUntil, 1);
  return Array.from({ length: count }, (_, i) => addMonths(start, i));
}

// After an edit of income level or programs, `pricing` says which values price which months
// (the server's segments, or the phone's for an edit still in the outbox): arrears keep the
// old price, as on the server. Without it the participant's own values price every month.
function profileFor(worker, month) {
  let values = worker;
  for (const segment of worker.pricing || []) {
    if (segment.from_month === null || segment.from_month <= month) values = segment;
  }
  return {
    income_level: values.income_level,
    has_jht: (values.programs || []).includes("JHT"),
    sector: worker.sector,
    funding: worker.funding || "self",
  };
}

// The next unpaid month, from which an edit of level or programs takes effect (never before
// this month); perisai/workers/changes.py effective_month.
export function effectiveMonth(coveredUntil, month) {
  if (!coveredUntil || monthsBetween(coveredUntil, month) > 3) return month;
  const next = addMonths(coveredUntil, 1);
  return next > month ? next : month;
}

export function quote(rules, worker, count, paidMonth) {
  const months = nextMonths(worker.covered_until, paidMonth, count).map((m) =>
    priceMonth(rules, m, profileFor(worker, m)),
  );
  if (months.some((m) => m === null)) return null;
  return { total: months.reduce((sum, m) => sum + m.total, 0), months };
}

// Coverage as the phone may count it: what the server (or an earlier payment here) gave, less
// the months of payments the server refused. A rejected payment never covered anything: fixing
// it must price the months it was meant for, not the months after them.
export function coverageWithout(worker, refused) {
  let until = worker.covered_until || null;
  for (const covers of refused) {
    if (until && covers.length && until >= covers[0]) until = addMonths(covers[0], -1);
  }
  if (until && worker.first_paid_month && until < worker.first_paid_month) until = null;
  return until;
}

export function statusFor(coveredUntil, month) {
  if (!coveredUntil) return "registered";
  const unpaid = monthsBetween(coveredUntil, month);
  if (unpaid <= 0) return "active";
  return unpaid <= 3 ? "grace" : "ended";
}
