"""The managers' input workbook (`appraisal template`): what `run --events` reads back.

Part of the read stage: the form is written from the roster and the policy in force
so that what managers fill in is what the readers accept.
"""
