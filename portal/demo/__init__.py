"""Demo data: accounts for every role and a community to click through."""
