"""Liveness and database health for load balancers and the load test."""
