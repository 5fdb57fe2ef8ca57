"""Supervisor pages under /supervisor/: overview, leaderboard, agent, regions, Wadah."""
