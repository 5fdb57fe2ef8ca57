"""Reports: monthly rollups per agent, branch and district, and the agents report API."""
