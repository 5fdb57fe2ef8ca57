"""The storage contract, run against both backends: the local folder and S3 (a real S3 server,
moto's, over HTTP)."""

from __future__ import annotations

import hashlib
import io
import os
import threading

import pytest

from perisai.storage import BadKey, LocalStorage, ObjectMissing, StorageError
from perisai.storage.s3 import client


def test_put_and_get_bytes(store):
    assert store.put("photos/1/face.jpg", b"\xff\xd8one") == 5
    assert store.get("photos/1/face.jpg") == b"\xff\xd8one"
    assert store.exists("photos/1/face.jpg") and store.size("photos/1/face.jpg") == 5


def test_put_replaces_the_object(store):
    store.put("generated/a.pdf", b"old")
    store.put("generated/a.pdf", b"newer")
    assert store.get("generated/a.pdf") == b"newer"
    assert list(store.list()) == ["generated/a.pdf"]


def test_a_large_file_goes_in_and_out_as_a_stream(store):
    """17 MiB: above the multipart threshold on S3, read back block by block."""
    block = os.urandom(1024 * 1024)
    data = block * 17
    assert store.put("imports/large.csv", io.BytesIO(data)) == len(data)
    assert store.size("imports/large.csv") == len(data)
    digest = hashlib.sha256()
    with store.open("imports/large.csv") as stream:
        while chunk := stream.read(256 * 1024):
            digest.update(chunk)
    assert digest.hexdigest() == hashlib.sha256(data).hexdigest()


def test_missing_objects(store):
    assert not store.exists("photos/none.jpg")
    for read in (store.get, store.size):
        with pytest.raises(ObjectMissing):
            read("photos/none.jpg")
    with pytest.raises(ObjectMissing), store.open("photos/none.jpg"):
        pass
    store.delete("photos/none.jpg")  # deleting nothing is fine


def test_delete_is_safe_twice(store):
    store.put("imports/x.csv", b"a,b\n")
    store.delete("imports/x.csv")
    store.delete("imports/x.csv")
    assert not store.exists("imports/x.csv") and list(store.list()) == []


def test_list_by_prefix_sorted(store):
    for key in ("photos/2/ktp.jpg", "photos/1/face.jpg", "photos/12/ktp.jpg", "imports/a.csv"):
        store.put(key, b"x")
    assert list(store.list()) == [
        "imports/a.csv",
        "photos/1/face.jpg",
        "photos/12/ktp.jpg",
        "photos/2/ktp.jpg",
    ]
    assert list(store.list("photos/1/")) == ["photos/1/face.jpg"]
    assert list(store.list("photos/1")) == ["photos/1/face.jpg", "photos/12/ktp.jpg"]
    assert list(store.list("generated/")) == []


def test_delete_prefix_removes_one_folder_only(store):
    for key in ("photos/1/face.jpg", "photos/1/ktp.jpg", "photos/12/ktp.jpg"):
        store.put(key, b"x")
    assert store.delete_prefix("photos/1/") == 2
    assert list(store.list()) == ["photos/12/ktp.jpg"]
    with pytest.raises(BadKey):
        store.delete_prefix("photos/1")  # would take photos/12/ too


@pytest.mark.parametrize(
    "key",
    [
        "../outside.txt",
        "photos/../../etc/passwd",
        "/etc/passwd",
        "photos//face.jpg",
        "photos/./face.jpg",
        "photos\\face.jpg",
        "photos/face.jpg\x00",
        "",
        "photos/.tmp-123",
        "a" * 1000,
    ],
)
def test_keys_outside_the_rules_are_refused(store, key):
    for call in (
        lambda: store.put(key, b"x"),
        lambda: store.get(key),
        lambda: store.exists(key),
        lambda: store.delete(key),
    ):
        with pytest.raises(BadKey):
            call()
    with pytest.raises(BadKey):
        list(store.list("../"))


def test_check_passes(store):
    store.check()


def test_local_writes_are_atomic_and_leave_no_temporary_file(tmp_path):
    store = LocalStorage(str(tmp_path / "files"))
    store.put("photos/1/face.jpg", b"old")

    class Broken(io.RawIOBase):
        def readable(self):
            return True

        def read(self, size=-1):
            raise OSError("connection reset")

    with pytest.raises(StorageError):
        store.put("photos/1/face.jpg", Broken())
    assert store.get("photos/1/face.jpg") == b"old"  # the old object, whole
    assert sorted(p.name for p in (tmp_path / "files" / "photos" / "1").iterdir()) == ["face.jpg"]


def test_local_refuses_a_symlink_out_of_the_folder(tmp_path):
    (tmp_path / "secret").mkdir()
    (tmp_path / "secret" / "key.txt").write_text("secret")
    (tmp_path / "files").mkdir()
    (tmp_path / "files" / "photos").symlink_to(tmp_path / "secret")
    store = LocalStorage(str(tmp_path / "files"))
    with pytest.raises(BadKey):
        store.get("photos/key.txt")


def test_one_s3_client_per_process_shared_by_threads(s3_endpoint):
    found = []
    threads = [
        threading.Thread(target=lambda: found.append(client(s3_endpoint, "us-east-1")))
        for _ in range(8)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len({id(c) for c in found}) == 1
