"""Serves the agents' PWA (frontend/) under /app/ with service-worker-friendly caching."""
