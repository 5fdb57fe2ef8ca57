"""Cash custody (DOMAIN.md §8): agents' cash until it reaches BPJS Ketenagakerjaan."""
