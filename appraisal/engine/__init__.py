"""Engine stage: one month of events, under the policy in force, becomes results.

A pure function (`evaluate.evaluate`): no file, clock, database or randomness.
"""
