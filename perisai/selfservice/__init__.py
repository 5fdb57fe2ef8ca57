"""Self-service: a participant checks their own status with membership number and birth date."""
