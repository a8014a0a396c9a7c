"""Read stage: files become typed records (roster, events) and `Issue` values.

- `tables`: CSV and .xlsx sheets as rows of text, each row with its number;
- `vocabulary`: the column names, kinds and flags in Chinese and English;
- `parse`: rows become `Employee` and `Event` records, every problem collected;
- `imports`: attendance exports (DingTalk, ZKTeco) become events through profiles;
- `form`: the managers' input workbook that `appraisal template` writes;
- `deductions`: the optional deductions file (扣款) of `run --deductions`;
- `inputs`: the month's inputs read together (`read_inputs`).
"""

from appraisal.files.input import file_sha256
from appraisal.read.parse import EVENT_COLUMNS, FLAGS, ROSTER_COLUMNS, parse_events, parse_roster
from appraisal.read.references import check_references
from appraisal.read.tables import (
    EVENT_SHEETS,
    ROSTER_SHEET,
    Table,
    read_event_tables,
    read_roster_table,
    read_table,
    rows_table,
)

__all__ = [
    "EVENT_COLUMNS",
    "EVENT_SHEETS",
    "FLAGS",
    "ROSTER_COLUMNS",
    "ROSTER_SHEET",
    "Table",
    "check_references",
    "file_sha256",
    "parse_events",
    "parse_roster",
    "read_event_tables",
    "read_roster_table",
    "read_table",
    "rows_table",
]
