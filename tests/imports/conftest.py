import pytest


@pytest.fixture(autouse=True)
def import_store(app, tmp_path):
    """Uploaded lists go to a per-test folder (they hold personal data)."""
    previous = app.config.get("IMPORT_STORE")
    app.config["IMPORT_STORE"] = str(tmp_path / "imports")
    yield tmp_path / "imports"
    app.config["IMPORT_STORE"] = previous
