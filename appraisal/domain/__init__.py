"""The records every stage shares: months, sources, issues, employees, events, results.

The bottom layer of the pipeline. Nothing here reads a file, a clock or a database;
every other package imports from here, and this package imports from none of them.
"""
