"""Engine stage: one month of events, under the policy in force, becomes results.

A pure function (`evaluate.evaluate`): no file, clock, database or randomness. Rules
read a read-only view of an employee's month (`context`) and return effects
(`effects`); `fold` applies them; `evaluate` holds the order: a rule per kind of row,
the month-end steps, then the awards. The rules: `attendance`, `score`, `levels`,
`pay`, `awards`. `validate` checks the rows against the policy before all this.
"""
