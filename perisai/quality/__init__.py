"""Enrolment quality (DOMAIN.md §9): signals of fake or careless registrations, reviewed by a
supervisor, with the acquisition fees of flagged participants held until the review."""
