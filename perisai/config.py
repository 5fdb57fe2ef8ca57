"""Configuration: defaults here, then PERISAI_* environment variables, then a test mapping."""

from __future__ import annotations

import os

from perisai import clock

DEFAULT_SECRET_KEY = "perisai-dev-secret-change-me"  # noqa: S105 - refused in production


def defaults(instance_path: str) -> dict:
    return {
        "ENV_NAME": "development",
        "SECRET_KEY": DEFAULT_SECRET_KEY,
        "SQLALCHEMY_DATABASE_URI": "sqlite:///" + os.path.join(instance_path, "perisai.sqlite3"),
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": False,
        "PERMANENT_SESSION_LIFETIME": 12 * 3600,
        "MAX_CONTENT_LENGTH": 8 * 1024 * 1024,
        "LOGIN_MAX_FAILURES": 10,
        "LOGIN_FAILURE_WINDOW_SECONDS": 15 * 60,
        # Card QR codes: None (development) follows the address the request came to; production
        # refuses to start without PERISAI_BASE_URL (check_production).
        "BASE_URL": None,
        "PHOTO_STORE": os.path.join(instance_path, "photos"),
        # Running on many servers (API.md "Deployment contract"). No Redis: jobs in-process and
        # rate limits in memory. Files: file://<folder> (default instance/files) or
        # s3://<bucket>/<prefix> with S3_ENDPOINT_URL and the usual AWS_* credentials.
        "REDIS_URL": None,
        "JOBS_QUEUE": "perisai",  # the Celery queue (and Redis key prefix) of this deployment
        "STORAGE_URL": "file://" + os.path.join(instance_path, "files"),
        "S3_ENDPOINT_URL": None,
        # Observability (README "Operations"): log format "json" or "text" (None: json in
        # production, text in development); a bearer token /metrics asks for (None: open, for
        # the internal network only); proxies in front (nginx: 1) whose X-Forwarded-For names
        # the client, for the per-address rate limits (perisai/ratelimits.py).
        "LOG_FORMAT": None,
        "METRICS_TOKEN": None,
        "TRUSTED_PROXIES": 0,
        # Supervisor map: a tile URL template ({z}/{x}/{y}) and its attribution; None draws the
        # registration points on a plain, labelled map (perisai/supervisor/maps.py).
        "MAP_TILES": None,
        "MAP_ATTRIBUTION": "",
        "API_TITLE": "Perisai Field API",
        "API_VERSION": "v1",
        "OPENAPI_VERSION": "3.0.3",
        "OPENAPI_URL_PREFIX": "/api/v1",
        "OPENAPI_JSON_PATH": "openapi.json",
        "OPENAPI_SWAGGER_UI_PATH": "docs",
        "OPENAPI_SWAGGER_UI_URL": "https://cdn.jsdelivr.net/npm/swagger-ui-dist@5/",
    }


def from_environment(config: dict) -> None:
    """Read PERISAI_* variables; PERISAI_DATABASE_URL and PERISAI_ENV have friendly names."""
    if url := os.environ.get("PERISAI_DATABASE_URL"):
        config["SQLALCHEMY_DATABASE_URI"] = normalise_database_url(url)
    if env := os.environ.get("PERISAI_ENV"):
        config["ENV_NAME"] = env
    if pool := os.environ.get("PERISAI_DATABASE_POOL"):
        config["SQLALCHEMY_ENGINE_OPTIONS"] = engine_options(
            config["SQLALCHEMY_ENGINE_OPTIONS"], pool
        )
    names = ("SECRET_KEY", "BASE_URL", "PHOTO_STORE", "MAP_TILES", "MAP_ATTRIBUTION")
    for name in (*names, "REDIS_URL", "JOBS_QUEUE", "STORAGE_URL", "S3_ENDPOINT_URL"):
        if value := os.environ.get(f"PERISAI_{name}"):
            config[name] = value
    for name in ("LOG_FORMAT", "METRICS_TOKEN"):
        if value := os.environ.get(f"PERISAI_{name}"):
            config[name] = value
    limits = ("LOGIN_ADDRESS_LIMIT", "CARD_VERIFY_LIMIT", "SELF_CHECK_LIMIT")
    for name in ("TRUSTED_PROXIES", *limits):
        if value := os.environ.get(f"PERISAI_{name}"):
            config[name] = int(value)
    if config["ENV_NAME"] == "production":
        config["SESSION_COOKIE_SECURE"] = os.environ.get("PERISAI_INSECURE_COOKIES") != "1"


def normalise_database_url(url: str) -> str:
    """postgresql:// means psycopg 3 here, the only PostgreSQL driver we install."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


DATABASE_POOLS = ("direct", "pgbouncer")


def engine_options(options: dict, pool: str) -> dict:
    """SQLAlchemy engine options for how the app reaches PostgreSQL (PERISAI_DATABASE_POOL).

    `direct` (the default) changes nothing. `pgbouncer`: behind PgBouncer in transaction mode
    each transaction may run on another server connection, so nothing may outlive one:
    psycopg's server-side prepared statements (made after a query ran 5 times on a connection)
    are turned off (`prepare_threshold=None`), else the next transaction fails with "prepared
    statement does not exist". The app's own pool stays: it keeps connections to PgBouncer,
    which are cheap, and PgBouncer keeps the few to PostgreSQL.
    """
    if pool not in DATABASE_POOLS:
        raise RuntimeError(
            f"PERISAI_DATABASE_POOL harus salah satu dari {', '.join(DATABASE_POOLS)} / "
            f"PERISAI_DATABASE_POOL must be one of {', '.join(DATABASE_POOLS)}"
        )
    if pool == "direct":
        return options
    connect_args = {**options.get("connect_args", {}), "prepare_threshold": None}
    return {**options, "connect_args": connect_args}


def check_map_tiles(config: dict) -> None:
    """A tile source names {z}, {x} and {y}, is https:// or this server's own path, and says
    whose map it is (tile providers' terms ask for the attribution on the map)."""
    tiles = config.get("MAP_TILES")
    if not tiles:
        return
    if not all(part in tiles for part in ("{z}", "{x}", "{y}")) or not (
        tiles.startswith("https://") or (tiles.startswith("/") and not tiles.startswith("//"))
    ):
        raise RuntimeError(
            "PERISAI_MAP_TILES harus alamat https:// atau /jalur dengan {z}, {x} dan {y} / "
            "PERISAI_MAP_TILES must be an https:// URL or a /path holding {z}, {x} and {y}"
        )
    if not config.get("MAP_ATTRIBUTION"):
        raise RuntimeError(
            "PERISAI_MAP_ATTRIBUTION wajib diisi bersama PERISAI_MAP_TILES / "
            "PERISAI_MAP_ATTRIBUTION must be set with PERISAI_MAP_TILES"
        )


def check_production(config: dict) -> None:
    check_map_tiles(config)
    if config["ENV_NAME"] != "production":
        return
    if config["SECRET_KEY"] == DEFAULT_SECRET_KEY:
        raise RuntimeError(
            "PERISAI_SECRET_KEY must be set in production / "
            "PERISAI_SECRET_KEY wajib diisi di produksi"
        )
    if not config.get("BASE_URL"):  # printed on every card's QR code: never a guess
        raise RuntimeError(
            "PERISAI_BASE_URL wajib diisi di produksi (alamat publik di QR kartu) / "
            "PERISAI_BASE_URL must be set in production (the public URL in card QR codes)"
        )
    if os.environ.get(clock.ENVIRONMENT_VARIABLE):  # the clock would start at that moment
        raise RuntimeError(
            "PERISAI_CLOCK tidak boleh diisi di produksi: layanan memakai jam sebenarnya / "
            "PERISAI_CLOCK must not be set in production: the service runs on the real clock"
        )
