"""Public reference data: the Kemendagri region tree (no personal data, cacheable by the PWA)."""

from __future__ import annotations

import hashlib
import json

from flask import Response, request
from flask.views import MethodView
from flask_smorest import abort

from perisai.api import Blueprint
from perisai.errors import field_error
from perisai.extensions import db
from perisai.regions import operations
from perisai.regions.schemas import RegionDetailSchema, RegionQuerySchema, RegionSchema

blp = Blueprint(
    "regions",
    __name__,
    url_prefix="/api/v1/reference/regions",
    description="Kemendagri administrative regions (Kepmendagri 300.2.2-2L38/2025), public",
)

MAX_AGE = 86400


def cacheable(data) -> Response:
    """JSON with Cache-Control and a content ETag; If-None-Match → 304 without a body.

    Anonymous requests are `public` (shared caches may keep them for a day). A request with a
    cookie gets `private`: Flask refreshes the session cookie on every request, and a shared
    cache must never store a response that carries someone's Set-Cookie.
    """
    body = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    response = Response(body, mimetype="application/json")
    if request.headers.get("Cookie"):
        response.cache_control.private = True
    else:
        response.cache_control.public = True
    response.cache_control.max_age = MAX_AGE
    response.set_etag(hashlib.sha256(body.encode()).hexdigest()[:32])
    return response.make_conditional(request)


@blp.route("")
class Regions(MethodView):
    @blp.arguments(RegionQuerySchema, location="query")
    @blp.response(200, RegionSchema(many=True))
    @blp.alt_response(404, description="Unknown parent code")
    def get(self, args):
        """Provinces, or the direct children of `parent`, ordered by code."""
        parent = args.get("parent")
        if parent is not None and operations.get_region(db.session, parent) is None:
            abort(404, message="regions.unknown")
        regions = operations.children(db.session, parent)
        return cacheable(RegionSchema(many=True).dump(regions))


@blp.route("/<code>")
class RegionDetail(MethodView):
    @blp.response(200, RegionDetailSchema)
    @blp.alt_response(404, description="Unknown region code")
    @blp.alt_response(422, description="Malformed region code")
    def get(self, code):
        """One region with its ancestors (province first) and a display label."""
        if not operations.is_valid_code(code):
            raise field_error("code", "regions.code_format", location="path")
        region = operations.get_region(db.session, code) or abort(404, message="regions.unknown")
        ancestors = operations.region_chain(db.session, region)
        return cacheable(RegionDetailSchema().dump((region, ancestors)))
