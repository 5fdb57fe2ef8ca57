"""Likely duplicates in an import: the warnings a registration on its own gets, whether the
other participant is stored already, earlier in the same chunk or in an earlier chunk."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from perisai.imports import runner
from perisai.imports.models import ImportRow
from tests.factories import make_regions, make_worker
from tests.imports.helpers import csv_bytes, participant_row, upload

BORN = date(1985, 2, 3)
FLAGGED = ["workers.possible_duplicate"]


def test_a_name_one_letter_apart_is_flagged_in_a_chunk_across_chunks_and_in_the_registry(
    db, org, as_supervisor, monkeypatch
):
    make_regions(db.session, "33.25.01.2002")
    make_worker(db.session, org.agent, full_name="Siti Aminah", birth_date=BORN)
    db.session.commit()
    monkeypatch.setitem(runner.run_job.__kwdefaults__, "chunk_rows", 2)  # rows 2-3, 4-5, 6-7
    code = org.agent.agent_code
    rows = [
        participant_row(801, birth=BORN, full_name="Agus Salim", agent_code=code),
        participant_row(802, birth=BORN, full_name="Agus Salin", agent_code=code),  # row 2's
        participant_row(803, birth=BORN, full_name="Siti Aminnah", agent_code=code),  # stored
        participant_row(804, birth=BORN, full_name="Agus Salem", agent_code=code),  # row 2's
        participant_row(
            805, birth=BORN, full_name="Agus Salim", village_code="33.25.01.2002", agent_code=code
        ),
        participant_row(806, birth=date(1985, 2, 4), full_name="Agus Salim", agent_code=code),
    ]
    job = upload(as_supervisor, csv_bytes(rows), mode="valid_only").get_json()
    assert job["state"] == "done" and job["counts"]["imported"] == 6, job
    stored = db.session.scalars(
        select(ImportRow).where(ImportRow.job_id == job["id"]).order_by(ImportRow.row_number)
    )
    warnings = {row.row_number: row.warnings for row in stored}
    # "agus salem" is one letter from row 2 but two from row 3 (difflib's ratio 0.8)
    assert warnings == {2: None, 3: FLAGGED, 4: FLAGGED, 5: FLAGGED, 6: None, 7: None}
