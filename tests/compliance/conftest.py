"""A small known dataset: five employers of branch A (regency 33.25) with 3, 2, 1, 0 and 4
registered workers, and the labour office's list of seven rows that matches them by NIB, by
NPWP and by our registration number, proposes two by name (a typo, and the same name) and
finds nothing for two (one in regency 33.75).

Expected gaps, largest first: PT Tidak Terdaftar 20, Pabrik Es Kristal 8, Maju Jaya 7 (10
reported, 3 registered), Bengkel Abadi Motorr 6, Warung Makan Bu Sri 4, Sumber Rejeki 3 (5 − 2),
Toko Sinar Terang 0 (1 − 1); the proposals count no registered workers until confirmed.
"""

from __future__ import annotations

import io

import pytest

from tests.employers.helpers import add_worker, register

NIB = "9120000005551"
NPWP_15 = "023456789012000"
NPWP_WRITTEN = "02.345.678.9-012.000"  # the same NPWP as the labour office writes it


@pytest.fixture
def employers(as_agent, org):
    return make_employers(as_agent)


def make_employers(as_agent) -> dict:
    """The five employers, registered by the agent through the API."""
    maju = register(as_agent, name="PT Maju Jaya", nib=NIB, npwp=None)
    sumber = register(as_agent, name="CV Sumber Rejeki", nib=None, npwp="0" + NPWP_15)
    toko = register(as_agent, name="Toko Sinar Terang", nib=None, npwp=None)
    bengkel = register(as_agent, name="Bengkel Abadi Motor", nib=None, npwp=None)
    warung = register(
        as_agent, name="Warung Makan Bu Sri", nib=None, npwp=None, village_code="33.25.02.2002"
    )
    for employer, workers in ((maju, 3), (sumber, 2), (toko, 1), (warung, 4)):
        for _ in range(workers):
            add_worker(as_agent, employer["id"])
    return {"maju": maju, "sumber": sumber, "toko": toko, "bengkel": bengkel, "warung": warung}


def list_csv(
    employers, *, header="employer_name,regency_code,reported_workers,registration_number"
):
    lines = [
        header,
        f"PT. MAJU JAYA,33.25,10,{NIB}",
        f"Sumber Rejeki,3325,5,{NPWP_WRITTEN}",
        f"Toko Sinar Terang,33.25,1,{employers['toko']['registration_number']}",
        "Bengkel Abadi Motorr,33.25,6,",
        '"Warung Makan Bu Sri, UD",33.25,4,',
        "PT Tidak Terdaftar,33.25,20,",
        "Pabrik Es Kristal,33.75,8,",
    ]
    return ("\n".join(lines) + "\n").encode()


def upload(client, content: bytes, *, filename="disnaker.csv", **form):
    data = {"file": (io.BytesIO(content), filename), **{k: str(v) for k, v in form.items()}}
    return client.post(
        "/api/v1/compliance/headcounts", data=data, content_type="multipart/form-data"
    )
