"""GET /api/v1/reference/regions: public, ordered, cacheable, one error shape."""

from __future__ import annotations

import pytest


def test_provinces_without_parent_and_without_login(client, small_regions):
    response = client.get("/api/v1/reference/regions")
    assert response.status_code == 200
    assert response.get_json() == [
        {
            "code": "33",
            "name": "Jawa Tengah",
            "level": "province",
            "parent_code": None,
            "is_current": True,
        },
        {
            "code": "91",
            "name": "Papua",
            "level": "province",
            "parent_code": None,
            "is_current": True,
        },
    ]


@pytest.mark.parametrize(
    ("parent", "codes", "level"),
    [
        ("33", ["33.25", "33.75"], "regency"),
        ("33.25", ["33.25.01", "33.25.02"], "district"),
        ("33.25.01", ["33.25.01.2001", "33.25.01.2002"], "village"),
        ("33.25.01.2001", [], None),
    ],
)
def test_children_down_to_the_villages(client, small_regions, parent, codes, level):
    response = client.get(f"/api/v1/reference/regions?parent={parent}")
    assert response.status_code == 200
    body = response.get_json()
    assert [r["code"] for r in body] == codes
    assert {r["level"] for r in body} <= {level}
    assert {r["parent_code"] for r in body} <= {parent}


def test_unknown_parent_is_404_in_the_error_shape(client, small_regions):
    response = client.get(
        "/api/v1/reference/regions?parent=33.99", headers={"Accept-Language": "en"}
    )
    assert response.status_code == 404
    body = response.get_json()
    assert body["code"] == 404 and body["message"] == "Unknown region code."
    assert set(body) == {"code", "status", "message", "errors"}


@pytest.mark.parametrize(
    "parent", ["3", "33.2", "33.25.1", "33.25.01.201", "ab", "33.25.01.2001.1", "33/25", "33.25\n"]
)
def test_malformed_parent_is_422(client, small_regions, parent):
    response = client.get("/api/v1/reference/regions", query_string={"parent": parent})
    assert response.status_code == 422
    assert response.get_json()["errors"]["query"]["parent"] == [
        "Kode wilayah harus berbentuk PP, PP.KK, PP.KK.CC atau PP.KK.CC.VVVV."
    ]


def test_cache_headers_and_etag(client, small_regions):
    response = client.get("/api/v1/reference/regions?parent=33.25")
    assert response.headers["Cache-Control"] in ("public, max-age=86400", "max-age=86400, public")
    etag = response.headers["ETag"]
    assert etag.startswith('"') and len(etag) > 10
    again = client.get("/api/v1/reference/regions?parent=33.25", headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.data == b""
    other = client.get("/api/v1/reference/regions?parent=33.75")
    assert other.headers["ETag"] != etag


def test_etag_changes_when_a_newer_list_renames(db, client, small_regions, tmp_path):
    import copy

    from perisai.regions.operations import load_regions
    from tests.regions.conftest import SMALL_LIST, write_region_files

    before = client.get("/api/v1/reference/regions?parent=33").headers["ETag"]
    newer = copy.deepcopy(SMALL_LIST)
    newer["regencies"][0] = ("33.25", "33", "Kabupaten Batang Baru")
    load_regions(db.session, write_region_files(tmp_path / "newer", newer))
    response = client.get("/api/v1/reference/regions?parent=33", headers={"If-None-Match": before})
    assert response.status_code == 200
    assert response.get_json()[0]["name"] == "Kabupaten Batang Baru"


def test_one_village_with_its_ancestors(client, small_regions):
    response = client.get("/api/v1/reference/regions/33.25.01.2001")
    assert response.status_code == 200
    body = response.get_json()
    assert (body["code"], body["name"], body["level"], body["parent_code"]) == (
        "33.25.01.2001",
        "Silurah",
        "village",
        "33.25.01",
    )
    assert [(a["code"], a["level"]) for a in body["ancestors"]] == [
        ("33", "province"),
        ("33.25", "regency"),
        ("33.25.01", "district"),
    ]
    assert body["label"] == "Desa Silurah, Kec. Wonotunggal, Kabupaten Batang, Jawa Tengah"
    assert "max-age=86400" in response.headers["Cache-Control"]
    assert response.headers["ETag"]


@pytest.mark.parametrize(
    ("code", "label"),
    [
        ("33.75.01.1002", "Kel. Medono, Kec. Pekalongan Barat, Kota Pekalongan, Jawa Tengah"),
        ("91.03.01.3007", "Desa Adat Yoboi, Distrik Sentani, Kabupaten Jayapura, Papua"),
        ("33", "Jawa Tengah"),
    ],
)
def test_labels_say_kelurahan_desa_and_distrik(client, small_regions, code, label):
    assert client.get(f"/api/v1/reference/regions/{code}").get_json()["label"] == label


def test_province_has_no_ancestors(client, small_regions):
    assert client.get("/api/v1/reference/regions/33").get_json()["ancestors"] == []


def test_one_region_errors(client, small_regions):
    missing = client.get("/api/v1/reference/regions/33.25.01.2999")
    assert missing.status_code == 404 and missing.get_json()["code"] == 404
    malformed = client.get("/api/v1/reference/regions/33.25.1", headers={"Accept-Language": "en"})
    assert malformed.status_code == 422
    assert malformed.get_json()["errors"] == {
        "path": {"code": ["A region code looks like PP, PP.KK, PP.KK.CC or PP.KK.CC.VVVV."]}
    }


def test_the_endpoints_are_in_the_openapi_document(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    assert "/api/v1/reference/regions" in paths
    assert "/api/v1/reference/regions/{code}" in paths


def test_logged_in_callers_get_a_private_copy(as_agent, small_regions):
    # the session cookie is refreshed on every request: no shared cache may store that
    response = as_agent.get("/api/v1/reference/regions")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] in ("private, max-age=86400", "max-age=86400, private")
    assert "public" not in response.headers["Cache-Control"]


def test_anonymous_responses_set_no_cookie(client, small_regions):
    response = client.get("/api/v1/reference/regions/33.25.01.2001")
    assert "Set-Cookie" not in response.headers
    assert "public" in response.headers["Cache-Control"]


def test_an_empty_parent_means_the_provinces(client, small_regions):
    response = client.get("/api/v1/reference/regions?parent=")
    assert [r["code"] for r in response.get_json()] == ["33", "91"]
