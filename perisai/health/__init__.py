"""Liveness (`/healthz`) and readiness (`/readyz`: database, Redis, storage) for load balancers."""
