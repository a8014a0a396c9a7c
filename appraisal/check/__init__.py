"""Check stage: compliance of the month's results with PRC wage law (scheme.md §9)."""
