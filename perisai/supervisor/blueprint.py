"""The supervisor pages' blueprint, on its own so that every page module can add its views to it
(`page_route`) without importing the others; perisai.supervisor.routes imports them all."""

from __future__ import annotations

import flask

from perisai.api import Blueprint

blp = Blueprint(
    "supervisor",
    __name__,
    url_prefix="/supervisor",
    description="Supervisor pages",
    template_folder="templates",
    static_folder="static",
    static_url_path="/static",
)


def page_route(rule, view, methods=("GET",)):
    """The view at `rule`, endpoint `supervisor.<view name>`. Flask's add_url_rule, not
    smorest's: HTML pages are not API operations for OpenAPI."""
    flask.Blueprint.add_url_rule(blp, rule, view.__name__, view, methods=list(methods))
