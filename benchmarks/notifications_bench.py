"""The notification outbox at national scale, on PostgreSQL.

    .venv/bin/python -m benchmarks.notifications_bench [--participants 1000000] [--send 5000]
        [--concurrency 4]

Creates the scratch database `bench_h6` (PERISAI_BENCH_NOTIFICATIONS_DB; through
PERISAI_BENCH_PG), migrated to head, with three branches (WIB, WITA, WIT) of ten agents each and
`--participants` participants generated in bulk SQL (INSERT … SELECT over generate_series, no
Python loop), on 2026-06-25 10:00 WIB: 40 % covered until June (due within 7 days), 15 % in the
first month of grace, 15 % the second, 10 % the third, 10 % just ended and 10 % covered until
September (nothing due). 70 % consented to WhatsApp, 10 % to SMS
only, 20 % to neither (2 in 7 of the WhatsApp ones to SMS too); 5 % read English; 1 % died.

Then it prints:
1. how long queuing every reminder due takes (queueing.queue_reminders: one INSERT … SELECT per
   zone and kind), the target being 60 s for 1,000,000 participants, and how long a second run
   takes (it queues nothing: every situation has its key);
2. messages/s through a local gateway server (a separate process speaking the WhatsApp Cloud
   API's and the SMS gateway's request formats, like the tests' server): `--send` messages
   claimed, rendered (quote of the day, agent's contact), sent from `--concurrency` threads
   and recorded, batch by batch, as beat's delivery task does.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from flask_migrate import upgrade
from sqlalchemy import func, select, text

from benchmarks._setup import fresh_postgres
from perisai import clock, create_app
from perisai.agents import operations as agents
from perisai.extensions import db
from perisai.notifications.delivery import Counts, deliver_batch
from perisai.notifications.gateways import close_all, gateways_from
from perisai.notifications.models import Notification
from perisai.notifications.queueing import queue_reminders
from perisai.regions.models import Region

DB_NAME = os.environ.get("PERISAI_BENCH_NOTIFICATIONS_DB", "bench_h6")
MOMENT = "2026-06-25T10:00:00+07:00"
ZONES = (("WIB", "33.25.01.2001"), ("WITA", "51.71.01.1001"), ("WIT", "91.71.01.1001"))
AGENTS_PER_BRANCH = 10
PHONE_ID = "1029384756"


# --- the local gateway server (run as its own process: --serve) ------------------------------


class _Gateway(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    count = 0
    disable_nagle_algorithm = True  # headers and body are two writes: no 40 ms wait

    def log_message(self, *args):
        pass

    def do_POST(self):
        raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        body = json.loads(raw)
        _Gateway.count += 1
        if self.path == f"/{PHONE_ID}/messages":
            ok = body.get("type") == "template" and body["template"]["components"]
            answer = {"messages": [{"id": f"wamid.BENCH{_Gateway.count}"}]} if ok else {}
        else:
            ok = {"to", "text"} <= set(body)
            answer = {"id": f"sms-{_Gateway.count}"}
        data = json.dumps(answer).encode()
        self.send_response(200 if ok else 400)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


def serve() -> None:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Gateway)
    httpd.daemon_threads = True
    print(httpd.server_address[1], flush=True)
    httpd.serve_forever()


# --- the data ------------------------------------------------------------------------------


def seed_branches(app) -> list[tuple[int, int]]:
    """Three branches, one per zone, with their agents: [(agent id, branch id)]."""
    pairs = []
    with app.app_context():
        session = db.session
        for zone, village in ZONES:
            parts = village.split(".")
            for depth, level in enumerate(("province", "regency", "district", "village"), 1):
                code = ".".join(parts[:depth])
                parent = ".".join(parts[: depth - 1]) or None
                session.add(Region(code=code, parent_code=parent, level=level, name=code))
            branch = agents.create_branch(
                session, code=f"KC-{zone}", name=f"KC {zone}", region_code=village[:5]
            )
            branch.time_zone = zone
            wadah = agents.create_wadah(
                session,
                branch=branch,
                name=f"Wadah {zone}",
                pks_number=f"PKS/{zone}",
                pks_start=date(2026, 1, 1),
                pks_end=date(2026, 12, 31),
                bank_name="BRI",
                bank_account=zone,
            )
            for n in range(AGENTS_PER_BRANCH):
                agent = agents.create_agent(
                    session,
                    wadah=wadah,
                    agent_code=f"PRS-{zone}-{n:02d}",
                    full_name=f"Agen {zone} {n}",
                    nik=f"33250101019{len(pairs):05d}",
                    phone=f"+62812{len(pairs):08d}",
                    joined_on=date(2026, 1, 1),
                )
                session.flush()
                pairs.append((agent.id, branch.id))
        session.commit()
    return pairs


PARTICIPANTS_SQL = """
INSERT INTO workers (
    id, nik, membership_number, full_name, birth_date, gender, phone, occupation, sector,
    income_level, has_jht, funding, village_code, address, beneficiary_name,
    beneficiary_relationship, consent_notice_version, consent_given_at, registered_on,
    registered_by_id, managed_by_id, branch_id, request_hash, first_paid_month, covered_until,
    version, language, died_on, end_reason, created_at, updated_at)
SELECT
    md5('bench-' || g)::uuid::text,
    '32' || lpad(g::text, 14, '0'),
    lpad(g::text, 11, '0'),
    'Peserta ' || g,
    DATE '1990-07-05',
    'M',
    '+62813' || lpad(g::text, 9, '0'),
    'nelayan', 'other', 1000000, false, 'self',
    (ARRAY[:villages])[1 + (g % :agents) / :per_branch],
    'Jl. Pantai ' || g,
    'Ahli Waris', 'istri', '2026-01', TIMESTAMPTZ '2025-01-02 03:00+00', DATE '2025-01-02',
    (ARRAY[:agent_ids])[1 + g % :agents],
    (ARRAY[:agent_ids])[1 + g % :agents],
    (ARRAY[:branch_ids])[1 + g % :agents],
    'bench',
    '2025-01',
    CASE WHEN g % 100 < 40 THEN '2026-06' WHEN g % 100 < 55 THEN '2026-05'
         WHEN g % 100 < 70 THEN '2026-04' WHEN g % 100 < 80 THEN '2026-03'
         WHEN g % 100 < 90 THEN '2026-02' ELSE '2026-09' END,
    1,
    CASE WHEN g % 20 = 7 THEN 'en' ELSE 'id' END,
    CASE WHEN g % 100 = 39 THEN DATE '2026-06-01' END,
    CASE WHEN g % 100 = 39 THEN 'died' END,
    TIMESTAMPTZ '2025-01-02 03:00+00', TIMESTAMPTZ '2025-01-02 03:00+00'
FROM generate_series(1, :participants) AS g
"""

CONSENTS_SQL = """
INSERT INTO worker_consents (worker_id, purpose, channel, notice_version, given_at)
SELECT md5('bench-' || g)::uuid::text, 'membership_messages', channel, '2026-01',
       TIMESTAMPTZ '2025-01-02 03:00+00'
FROM generate_series(1, :participants) AS g,
     LATERAL (VALUES ('whatsapp'), ('sms')) AS c(channel)
WHERE (channel = 'whatsapp' AND (g / 7) % 10 < 7)
   OR (channel = 'sms' AND ((g / 7) % 10 = 7 OR ((g / 7) % 10 < 7 AND (g / 7) % 5 = 0)))
"""


def generate(app, pairs, participants: int) -> None:
    params = {
        "participants": participants,
        "agents": len(pairs),
        "per_branch": AGENTS_PER_BRANCH,
    }
    villages = ", ".join(f"'{village}'" for _, village in ZONES)
    agent_ids = ", ".join(str(a) for a, _ in pairs)
    branch_ids = ", ".join(str(b) for _, b in pairs)
    sql = (
        PARTICIPANTS_SQL.replace(":villages", villages)
        .replace(":agent_ids", agent_ids)
        .replace(":branch_ids", branch_ids)
    )
    with app.app_context():
        with db.engine.begin() as conn:
            started = time.perf_counter()
            conn.execute(text(sql), params)
            conn.execute(text(CONSENTS_SQL), params)
            print(
                f"generated {participants:,} participants in {time.perf_counter() - started:.1f} s"
            )
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM ANALYZE workers"))
            conn.execute(text("VACUUM ANALYZE worker_consents"))


# --- the measurements ------------------------------------------------------------------------


def time_queueing(app) -> None:
    with app.app_context():
        session = db.session
        started = time.perf_counter()
        counts = queue_reminders(session, clock.now())
        session.commit()
        seconds = time.perf_counter() - started
        total = sum(counts.values())
        states = select(Notification.state, func.count()).group_by(Notification.state)
        by_state = {state: n for state, n in session.execute(states)}
        print(f"queued {total:,} reminders in {seconds:.1f} s (target <= 60 s): {counts}")
        print(f"  by state: {by_state}")
        started = time.perf_counter()
        again = sum(queue_reminders(session, clock.now()).values())
        session.commit()
        print(f"second run: {again} queued in {time.perf_counter() - started:.1f} s")


def time_sending(app, port: int, count: int, concurrency: int) -> None:
    config = {
        "WHATSAPP_API_URL": f"http://127.0.0.1:{port}",
        "WHATSAPP_PHONE_ID": PHONE_ID,
        "WHATSAPP_TOKEN": "bench",
        "SMS_API_URL": f"http://127.0.0.1:{port}/sms",
        "SMS_TOKEN": "bench",
    }
    gateways = gateways_from(config)
    with app.app_context():
        session = db.session
        total = Counts()
        started = time.perf_counter()
        try:
            while total.sent + total.skipped < count:
                batch = deliver_batch(session, gateways, concurrency=concurrency)
                total.add(batch)
                if not batch.handled:
                    break
        finally:
            close_all(gateways)
        seconds = time.perf_counter() - started
        print(
            f"sent {total.sent:,} messages in {seconds:.1f} s through the local gateway: "
            f"{total.sent / seconds:.0f} messages/s ({concurrency} threads; "
            f"{total.as_dict()}, {total.by_reason})"
        )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--participants", type=int, default=1_000_000)
    parser.add_argument("--send", type=int, default=5_000)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve()
        return
    clock.set_now(MOMENT)
    url = fresh_postgres(DB_NAME)
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench"})
    with app.app_context():
        upgrade()
    pairs = seed_branches(app)
    generate(app, pairs, args.participants)
    time_queueing(app)
    server = subprocess.Popen(
        [sys.executable, "-m", "benchmarks.notifications_bench", "--serve"],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        port = int(server.stdout.readline())
        time_sending(app, port, args.send, args.concurrency)
    finally:
        server.terminate()
        server.wait(timeout=10)
    with app.app_context():
        db.engine.dispose()


if __name__ == "__main__":
    main()
