"""Importing and matching a labour office's list of 100,000 employers on PostgreSQL (issue 23,
target ≤ 60 s), through perisai.compliance.headcounts.upload_headcounts, then reading its gap
report (the first page and the whole CSV export).

    .venv/bin/python -m benchmarks.employers_bench [--rows 100000] [--employers 40000]
        [--regencies 20] [--profile]

A scratch database (PERISAI_BENCH_EMPLOYERS_DB, default `bench_h8`) holds one branch with
40,000 registered employers over 20 regencies (names made of an Indonesian business word
and two of 300 name words, a legal form on some) and 200,000 of their workers, written with
bulk INSERTs first. The list has 100,000 rows in random order: 30 % give an identifier of a
registered employer (our registration number, a NIB or an NPWP, written with dots), 30 % name a
registered employer without one (its name with a typo, another legal form, other case), 40 %
are businesses we do not know, of the same words (the hard case for matching by name).

Prints the time to read, match and store the list (one commit), in wall time and CPU time
(this process and its PostgreSQL backend), how many rows matched, were proposed and found
nothing, and the gap report's timings.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import random
import tempfile
import time
import uuid
from datetime import date

from sqlalchemy import insert, select, text

from benchmarks._setup import bench_app, seed_agent
from benchmarks.cash_bench import Clock
from perisai.agents.models import Agent, Branch
from perisai.auth.permissions import Scope
from perisai.compliance import gaps, headcounts
from perisai.compliance.models import Headcount
from perisai.employers.models import Employer, EmployerWorker
from perisai.employers.names import name_key
from perisai.extensions import db
from perisai.regions.models import Region
from perisai.workers.membership import damm_digit

DB_NAME = os.environ.get("PERISAI_BENCH_EMPLOYERS_DB", "bench_h8")
TARGET_SECONDS = 60
KINDS = ["Toko", "Bengkel", "Warung", "Rumah Makan", "Konveksi", "Percetakan", "Apotek"]
KINDS += ["Bengkel Las", "Depot Air", "Salon", "Mebel", "Koperasi", "Laundry", "Katering"]
FORMS = ["", "", "", "PT", "CV", "UD", "PT.", "CV."]
SYLLABLES = ["ma", "ju", "ja", "ya", "sri", "re", "ki", "sum", "ber", "ab", "di", "sa", "lam"]
SYLLABLES += ["ba", "tu", "ra", "mu", "lia", "ka", "ri", "na", "wa", "ti", "gu", "no", "se"]


def name_words(rng: random.Random, count: int = 300) -> list[str]:
    words: set[str] = set()
    while len(words) < count:
        words.add("".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 3))))
    return sorted(words)


def business_name(rng: random.Random, words: list[str]) -> str:
    name = f"{rng.choice(KINDS)} {rng.choice(words).title()} {rng.choice(words).title()}"
    form = rng.choice(FORMS)
    return f"{form} {name}".strip()


def typo(rng: random.Random, name: str) -> str:
    """The name as a clerk types it again: one letter doubled or dropped, another legal form,
    upper case."""
    letters = list(name)
    at = rng.randrange(len(letters))
    if letters[at].isalpha():
        letters.insert(at, letters[at]) if rng.random() < 0.5 else letters.pop(at)
    changed = "".join(letters)
    choice = rng.random()
    if choice < 0.3:
        changed = changed.upper()
    elif choice < 0.6:
        changed = f"{changed}, {rng.choice(['CV', 'UD', 'PT'])}"
    return changed


def regions(session, count: int) -> list[str]:
    """`count` regencies of province 33 with a district and a village each."""
    codes = []
    for n in range(1, count + 1):
        regency = f"33.{n:02d}"
        codes.append(regency)
        for code, level, parent in (
            (regency, "regency", "33"),
            (f"{regency}.01", "district", regency),
            (f"{regency}.01.2001", "village", f"{regency}.01"),
        ):
            if session.get(Region, code) is None:
                session.add(Region(code=code, parent_code=parent, level=level, name=code))
    session.commit()
    return codes


def generate(session, rng, *, employers: int, regencies: list[str], words: list[str]):
    """The branch's employers (and five workers each, on average); returns their
    (registration number, nib, npwp, name, regency)."""
    branch = session.scalar(select(Branch).where(Branch.code == "KC-BENCH"))
    agent_id = session.scalar(select(Agent.id))
    rows, made = [], []
    for n in range(employers):
        regency = regencies[n % len(regencies)]
        name = business_name(rng, words)
        body = f"{1_000_000_000 + n}"
        number = body + damm_digit(body)
        nib, npwp = f"{9_120_000_000_000 + n}", f"{n:016d}"
        made.append((number, nib, npwp, name, regency))
        rows.append(
            {
                "id": uuid.UUID(int=n + 1),
                "registration_number": number,
                "name": name,
                "name_key": name_key(name),
                "size": "small",
                "risk_group": 1 + n % 5,
                "nib": nib,
                "npwp": npwp,
                "village_code": f"{regency}.01.2001",
                "regency_code": regency,
                "phone": "+62285391234",
                "contact_name": "Pemilik",
                "registered_on": date(2026, 1, 5),
                "registered_by_id": agent_id,
                "managed_by_id": agent_id,
                "branch_id": branch.id,
                "request_hash": "bench",
            }
        )
    for start in range(0, len(rows), 5000):
        session.execute(insert(Employer.__table__), rows[start : start + 5000])
    session.execute(
        text(
            "INSERT INTO employer_workers (id, employer_id, nik, full_name, birth_date, gender,"
            " wage, request_hash, created_at)"
            " SELECT gen_random_uuid()::text, e.id, lpad(w::text, 4, '0') || substr(e.id, 25, 12),"
            " 'Pekerja', DATE '1990-01-01', 'M', 3000000, 'bench', now()"
            " FROM employers e CROSS JOIN generate_series(1, 9) AS w"
            " WHERE w <= 1 + abs(hashtext(e.id)) % 9"
        )
    )
    session.commit()
    session.execute(text("ANALYZE"))
    session.commit()
    return branch.id, made


def list_csv(rng, made, *, rows: int, regencies: list[str], words: list[str]):
    """The list's CSV, and per row number what it names: ("id" or "name", the employer's
    registration number) for a registered employer, None for one we do not know."""
    lines = []
    for n in range(rows):
        reported = rng.randint(1, 60)
        kind = n % 10
        if kind < 3:  # an identifier of a registered employer
            number, nib, npwp, name, regency = rng.choice(made)
            identifier = (number, nib, f"{npwp[:2]}.{npwp[2:5]}.{npwp[5:8]}.{npwp[8:]}")[kind]
            lines.append((f'"{name}",{regency},{reported},{identifier}', ("id", number)))
        elif kind < 6:  # a registered employer by name only
            number, _, _, name, regency = rng.choice(made)
            line = f'"{typo(rng, name)}",{regency.replace(".", "")},{reported},'
            lines.append((line, ("name", number)))
        else:  # a business we do not know
            name = business_name(rng, words)
            lines.append((f'"{name}",{rng.choice(regencies)},{reported},', None))
    rng.shuffle(lines)
    out = io.StringIO()
    out.write("employer_name,regency_code,reported_workers,registration_number\n")
    out.write("\n".join(line for line, _ in lines) + "\n")
    truth = {number: named for number, (_, named) in enumerate(lines, start=2)}
    return out.getvalue().encode(), truth


def accuracy(session, list_id: int, truth: dict) -> str:
    """How the rows that name a registered employer without an identifier came out."""
    stmt = (
        select(Headcount.row_number, Headcount.state, Employer.registration_number)
        .outerjoin(Employer, Employer.id == Headcount.proposed_employer_id)
        .where(Headcount.list_id == list_id)
    )
    right = wrong = missed = strangers = 0
    for row_number, state, proposed in session.execute(stmt):
        named = truth[row_number]
        if named is None:
            strangers += state == "proposed"
        elif named[0] == "name":
            if state != "proposed":
                missed += 1
            elif proposed == named[1]:
                right += 1
            else:
                wrong += 1
    return (
        f"  by name: {right:,} proposed the employer they name, {wrong:,} another one, "
        f"{missed:,} nothing; {strangers:,} businesses we do not know got a proposal"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--employers", type=int, default=40_000)
    parser.add_argument("--regencies", type=int, default=20)
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
    rng = random.Random(23)
    words = name_words(rng)
    with bench_app("postgresql", DB_NAME) as app:
        seed_agent(app)
        with app.app_context():
            session = db.session
            started = time.perf_counter()
            codes = regions(session, args.regencies)
            branch_id, made = generate(
                session, rng, employers=args.employers, regencies=codes, words=words
            )
            content, truth = list_csv(rng, made, rows=args.rows, regencies=codes, words=words)
            workers = session.scalar(select(db.func.count()).select_from(EmployerWorker))
            print(
                f"set-up: {args.employers:,} employers, {workers:,} workers, {args.rows:,} rows "
                f"({len(content) / 1e6:.1f} MB) in {time.perf_counter() - started:.1f} s"
            )
            with tempfile.NamedTemporaryFile(suffix=".csv") as handle:
                handle.write(content)
                handle.flush()
                profiler = cProfile.Profile() if args.profile else None
                with Clock(session) as took:
                    if profiler:
                        profiler.enable()
                    result = headcounts.upload_headcounts(
                        session,
                        branch_id=branch_id,
                        path=handle.name,
                        filename="disnaker.csv",
                        sha256="bench",
                        dry_run=False,
                    )
                    session.commit()
                    if profiler:
                        profiler.disable()
            if profiler:
                pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)
            verdict = "OK" if took.wall <= TARGET_SECONDS else "OVER TARGET"
            print(
                f"import and match: {took.wall:.1f} s wall, {took.cpu:.1f} s CPU "
                f"(target ≤ {TARGET_SECONDS} s: {verdict})"
            )
            print(
                f"  rows {result.rows:,}: matched {result.matched:,} by identifier, "
                f"proposed {result.proposed:,} by name, unmatched {result.unmatched:,}"
            )
            print(accuracy(session, result.list_id, truth))
            ids = gaps.current_list_ids(session, _branch_scope(branch_id))
            with Clock(session) as page:
                stmt = gaps.gap_query(ids)
                lines, _ = gaps.gap_page(session, stmt, {"page": 1, "page_size": 50})
            with Clock(session) as export:
                exported = sum(1 for _ in gaps.export_rows(session, gaps.gap_query(ids)))
            print(
                f"gap report: first page {page.wall:.2f} s, all {exported:,} lines "
                f"{export.wall:.2f} s; largest gap {lines[0].gap} ({lines[0].employer_name})"
            )


def _branch_scope(branch_id: int) -> Scope:
    return Scope("supervisor", None, branch_id)


if __name__ == "__main__":
    main()
