"""Test vectors shared by the server's tests and the browser test of the PWA's copies of the
same rules (frontend/js/nik.js, frontend/js/pricing.js): one file per rule, hand-computed."""

from __future__ import annotations

import json
from pathlib import Path

HERE = Path(__file__).resolve().parent


def load(name: str) -> dict:
    """The vectors of `name` (nik, pricing) as written in tests/vectors/<name>.json."""
    return json.loads((HERE / f"{name}.json").read_text(encoding="utf-8"))


def ids(cases: list[dict]) -> list[str]:
    return [case.get("name") or f"{case}" for case in cases]
