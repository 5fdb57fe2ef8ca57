"""Perisai Field: enrolment, contributions and commissions for BPJS Ketenagakerjaan agents."""

from __future__ import annotations

import gc
import importlib
import logging
import os
import re

from flask import Flask
from werkzeug.routing import IntegerConverter

from perisai import config as config_module

# Every feature package; each may have models.py and routes.py (`blp`, or a list `blueprints`).
FEATURES = (
    "observability",  # first: its request hooks time and name every request
    "auth",
    "agents",
    "health",
    "regions",
    "workers",
    "contributions",
    "cash",
    "sync",
    "cards",
    "links",
    "selfservice",
    "notifications",
    "commissions",
    "quality",
    "reports",
    "imports",
    "employers",
    "compliance",
    "jobs",
    "audit",
    "supervisor",
    "pwa",
)


def create_app(config: dict | None = None) -> Flask:
    app = Flask(__name__, instance_relative_config=True)
    app.config.update(config_module.defaults(app.instance_path))
    config_module.from_environment(app.config)
    if config:
        app.config.update(config)
    config_module.check_production(app.config)
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite:///"):
        os.makedirs(app.instance_path, exist_ok=True)
    configure_logging()

    from perisai.extensions import api, db, login_manager, migrate

    app.url_map.converters["int"] = Int32Converter

    db.init_app(app)
    migrate.init_app(app, db, directory=os.path.join(os.path.dirname(__file__), "..", "migrations"))
    login_manager.init_app(app)
    api.init_app(app)

    from perisai import cli, i18n, ratelimits, security, transactions

    i18n.init_app(app)
    security.init_app(app)
    transactions.init_app(app)
    ratelimits.init_app(app)
    for feature in FEATURES:
        if _has(feature, "models"):
            importlib.import_module(f"perisai.{feature}.models")
        if _has(feature, "routes"):
            routes = importlib.import_module(f"perisai.{feature}.routes")
            for blueprint in getattr(routes, "blueprints", None) or [routes.blp]:
                api.register_blueprint(blueprint)
        if _has(feature, "hooks"):
            importlib.import_module(f"perisai.{feature}.hooks").init_app(app)
    cli.init_app(app)
    # What is alive now (modules, the app, mappers, schemas: some 200,000 objects) lives as
    # long as the process. Out of the cyclic collector's way, a full collection no longer walks
    # them all, which cost about 50 ms in one report request of five.
    gc.freeze()
    return app


class Int32Converter(IntegerConverter):
    """`<int:…>` ids fit the database's integer columns; a larger one is simply not found."""

    def __init__(self, url_map, *args, **kwargs):
        kwargs.setdefault("max", 2**31 - 1)
        super().__init__(url_map, *args, **kwargs)


_NIK_RUN = re.compile(r"(?<!\d)(\d{4})\d{8}(\d{4})(?!\d)")


def mask_niks(text: str) -> str:
    return _NIK_RUN.sub(r"\1********\2", text)


def _masking_record_factory(make_record):
    """Defence in depth for UU PDP: any 16-digit run in a log message (an access log's query
    string, an exception text) is masked when the record is created, before any handler —
    ours, gunicorn's or a test's — can write it."""

    def factory(*args, **kwargs):
        record = make_record(*args, **kwargs)
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a malformed record is logging's problem, not ours
            return record
        masked = mask_niks(message)
        if masked != message:
            record.msg, record.args = masked, None
        return record

    factory.masks_niks = True
    return factory


def configure_logging() -> None:
    logging.basicConfig(level=logging.INFO)
    for noisy in ("weasyprint", "fontTools", "alembic.runtime.plugins"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    current = logging.getLogRecordFactory()
    if not getattr(current, "masks_niks", False):
        logging.setLogRecordFactory(_masking_record_factory(current))


def _has(feature: str, module: str) -> bool:
    return os.path.exists(os.path.join(os.path.dirname(__file__), feature, f"{module}.py"))
