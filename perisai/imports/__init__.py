"""Collective enrolment: participant lists (CSV/XLSX) imported as resumable, chunked jobs."""
