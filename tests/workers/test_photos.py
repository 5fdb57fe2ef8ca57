"""KTP/face photos: retry-safe upload, re-encoded without metadata, scope on read."""

import io

from PIL import Image

from tests.factories import worker_payload


def jpeg_with_exif(size=(64, 48)) -> bytes:
    image = Image.new("RGB", size, (200, 30, 30))
    exif = Image.Exif()
    exif[0x010F] = "SecretPhoneMaker"  # Make
    exif[0x010E] = "Desa Pantai, lat -6.9"  # ImageDescription
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    return out.getvalue()


def register(api):
    return api.post("/api/v1/workers", json=worker_payload()).get_json()["id"]


def test_upload_is_reencoded_without_metadata(as_agent, org):
    worker_id = register(as_agent)
    url = f"/api/v1/workers/{worker_id}/photos/ktp"
    original = jpeg_with_exif()
    assert b"SecretPhoneMaker" in original
    response = as_agent.put(url, data=original, content_type="image/jpeg")
    assert response.status_code == 204, response.get_json()
    again = as_agent.put(url, data=original, content_type="image/jpeg")  # a retry
    assert again.status_code == 204
    stored = as_agent.get(url)
    assert stored.status_code == 200 and stored.mimetype == "image/jpeg"
    assert b"SecretPhoneMaker" not in stored.data
    assert not Image.open(io.BytesIO(stored.data)).getexif()


def test_png_is_accepted_and_stored_as_jpeg(as_agent, org):
    worker_id = register(as_agent)
    out = io.BytesIO()
    Image.new("RGBA", (10, 10)).save(out, "PNG")
    url = f"/api/v1/workers/{worker_id}/photos/face"
    assert as_agent.put(url, data=out.getvalue(), content_type="image/png").status_code == 204
    assert as_agent.get(url).data[:2] == b"\xff\xd8"


def test_wrong_type_is_415_and_lying_content_type_is_422(as_agent, org):
    worker_id = register(as_agent)
    url = f"/api/v1/workers/{worker_id}/photos/ktp"
    assert as_agent.put(url, data=b"%PDF-1.4", content_type="application/pdf").status_code == 415
    assert as_agent.put(url, data=b"not an image", content_type="image/jpeg").status_code == 422
    out = io.BytesIO()
    Image.new("RGB", (4, 4)).save(out, "PNG")
    assert as_agent.put(url, data=out.getvalue(), content_type="image/jpeg").status_code == 422
    assert as_agent.get(url).status_code == 404  # nothing stored


def test_too_large_is_413(as_agent, org):
    worker_id = register(as_agent)
    response = as_agent.put(
        f"/api/v1/workers/{worker_id}/photos/ktp",
        data=b"\xff\xd8" + b"0" * (5 * 1024 * 1024 + 1),
        content_type="image/jpeg",
    )
    assert response.status_code == 413
    assert response.get_json()["code"] == 413


def test_other_agent_can_neither_upload_nor_read(as_agent, as_agent2, org):
    worker_id = register(as_agent)
    url = f"/api/v1/workers/{worker_id}/photos/ktp"
    as_agent.put(url, data=jpeg_with_exif(), content_type="image/jpeg")
    assert as_agent2.get(url).status_code == 404
    assert as_agent2.put(url, data=jpeg_with_exif(), content_type="image/jpeg").status_code == 404


def test_unknown_photo_kind_is_404(as_agent, org):
    worker_id = register(as_agent)
    url = f"/api/v1/workers/{worker_id}/photos/selfie"
    assert as_agent.put(url, data=jpeg_with_exif(), content_type="image/jpeg").status_code == 404


def test_no_photo_is_stored_once_consent_was_withdrawn(as_agent, org):
    """DOMAIN.md §6: the photos rest on consent alone; after its withdrawal none is taken."""
    worker_id = register(as_agent)
    url = f"/api/v1/workers/{worker_id}/photos/face"
    assert as_agent.put(url, data=jpeg_with_exif(), content_type="image/jpeg").status_code == 204
    assert as_agent.post(f"/api/v1/workers/{worker_id}/consent/withdraw").status_code == 200
    refused = as_agent.put(
        f"/api/v1/workers/{worker_id}/photos/ktp", data=jpeg_with_exif(), content_type="image/jpeg"
    )
    assert refused.status_code == 409
    assert refused.get_json()["message"].startswith("Peserta ini sudah menarik persetujuan")
    english = as_agent.put(
        url, data=jpeg_with_exif(), content_type="image/jpeg", headers={"Accept-Language": "en"}
    )
    assert english.status_code == 409 and "withdrawn consent" in english.get_json()["message"]
    assert as_agent.get(f"/api/v1/workers/{worker_id}/photos/ktp").status_code == 404
