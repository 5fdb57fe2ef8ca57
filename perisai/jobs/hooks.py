"""Binds the Celery app to the Flask app's configuration (create_app calls `init_app`)."""

from perisai.jobs.app import init_app

__all__ = ["init_app"]
