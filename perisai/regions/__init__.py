"""Kemendagri administrative regions: provinces → regencies → districts → villages."""
