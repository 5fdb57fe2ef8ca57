"""KTP and face photos: re-encoded (metadata stripped), stored outside the database.

UU PDP treats a face photo used for matching as biometric data: the bytes never go to the
database or the logs, only to the file storage (`perisai.storage`, key
`photos/<worker_id>/<kind>.jpg`, shared by every server), and are read back only through scope
checks. Photos stored before the shared storage sit in the old folder (`PHOTO_STORE`,
`<worker_id>/<kind>.jpg`): they are still read from there, and deleted from there with the
participant's, until `flask --app wsgi storage migrate` has copied them in.
"""

from __future__ import annotations

import hashlib
import io
import shutil
from pathlib import Path

import imagehash
from PIL import Image, UnidentifiedImageError
from sqlalchemy import select
from sqlalchemy.orm import Session

from perisai.errors import Conflict, DomainError, ValidationFailed
from perisai.storage import ObjectMissing, Storage
from perisai.workers.models import Worker, WorkerPhoto

ACCEPTED_TYPES = {"image/jpeg": "JPEG", "image/png": "PNG", "image/webp": "WEBP"}
MAX_BYTES = 5 * 1024 * 1024
MAX_SIDE = 1600  # enough to read a KTP; the phone already downscales


class PhotoTooLarge(DomainError):
    status_code = 413


def store_photo(
    session: Session,
    store: Storage,
    worker: Worker,
    kind: str,
    content_type: str,
    body: bytes,
    user_id: int | None,
) -> WorkerPhoto:
    """Save (or replace) one photo; sending the same photo again is harmless (PUT). Refused
    once the participant withdrew consent: the photos rest on consent alone, and processing
    it deletes them (`withdrawals.py`, DOMAIN.md §6)."""
    if worker.consent_withdrawn_at is not None:
        raise Conflict("workers.photo_consent_withdrawn")
    if len(body) > MAX_BYTES:
        raise PhotoTooLarge(f"workers.photo_too_large|{MAX_BYTES // 1024 // 1024}")
    expected = ACCEPTED_TYPES.get(content_type.split(";")[0].strip().lower())
    if expected is None:
        raise ValidationFailed(
            "workers.photo_type", {"headers": {"Content-Type": ["workers.photo_type"]}}
        )
    jpeg = reencode_image(body, expected)
    store.put(photo_key(worker.id, kind), jpeg, content_type="image/jpeg")  # whole or not at all
    photo = session.scalar(
        select(WorkerPhoto).where(WorkerPhoto.worker_id == worker.id, WorkerPhoto.kind == kind)
    ) or WorkerPhoto(worker_id=worker.id, kind=kind)
    photo.sha256 = hashlib.sha256(jpeg).hexdigest()
    photo.phash = perceptual_hash(jpeg)
    photo.size_bytes = len(jpeg)
    photo.uploaded_by_id = user_id
    session.add(photo)
    session.flush()
    return photo


def reencode_image(body: bytes, expected_format: str) -> bytes:
    try:
        with Image.open(io.BytesIO(body)) as image:
            if image.format != expected_format:
                raise ValidationFailed(
                    "workers.photo_type", {"headers": {"Content-Type": ["workers.photo_type"]}}
                )
            if image.width * image.height > 40_000_000:  # decompression bombs
                raise PhotoTooLarge(f"workers.photo_too_large|{MAX_BYTES // 1024 // 1024}")
            image.load()
            clean = image.convert("RGB")
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError) as error:
        raise ValidationFailed(
            "workers.photo_unreadable", {"body": {"photo": ["workers.photo_unreadable"]}}
        ) from error
    clean.thumbnail((MAX_SIDE, MAX_SIDE))
    out = io.BytesIO()
    clean.save(out, "JPEG", quality=82, optimize=True)  # a fresh file: no EXIF, no GPS tags
    return out.getvalue()


def perceptual_hash(jpeg: bytes) -> str:
    """The image's 64-bit perceptual hash as 16 hex digits: near-identical images (the same
    photo re-encoded, resized or slightly cropped) differ in a few bits only."""
    with Image.open(io.BytesIO(jpeg)) as image:
        return str(imagehash.phash(image))


def photo_key(worker_id, kind: str) -> str:
    return f"photos/{worker_id}/{kind}.jpg"


def legacy_photo_path(folder: str, worker_id, kind: str) -> Path:
    """Where a photo stored before the shared storage lies (PHOTO_STORE)."""
    return Path(folder) / str(worker_id) / f"{kind}.jpg"


def read_photo(
    session: Session, store: Storage, worker: Worker, kind: str, legacy_folder: str | None = None
) -> bytes | None:
    exists = session.scalar(
        select(WorkerPhoto.id).where(WorkerPhoto.worker_id == worker.id, WorkerPhoto.kind == kind)
    )
    if not exists:
        return None
    try:
        return store.get(photo_key(worker.id, kind))
    except ObjectMissing:
        if legacy_folder and (old := legacy_photo_path(legacy_folder, worker.id, kind)).is_file():
            return old.read_bytes()
        return None


def delete_photos(store: Storage, worker: Worker, legacy_folder: str | None = None) -> None:
    """Every photo of the participant, in the storage and in the old folder."""
    store.delete_prefix(f"photos/{worker.id}/")
    if legacy_folder:
        shutil.rmtree(Path(legacy_folder) / str(worker.id), ignore_errors=True)
