"""Branches (Kantor Cabang), Perisai offices (Wadah) and the agents who work for them."""
