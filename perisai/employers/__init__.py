"""Small businesses and their wage-earning workers (PU segment, DOMAIN.md §12)."""
