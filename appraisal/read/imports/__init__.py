"""Read stage for attendance exports (DingTalk, ZKTeco): import profiles turn them into events.

The part of the read stage that turns the exports managers have (钉钉每日统计, 月度汇总,
原始记录; 中控 ZKTeco punch reports) into canonical events, before `appraisal.read`
parses them like any events file. How each export is laid out and worded is data, an
import profile (``profiles/*.yaml``); the code knows four layouts:

- ``day_rows``     one row per employee per day, numbers in columns      (`day_rows`)
- ``day_columns``  one row per employee, one worded cell per day         (`day_columns`)
- ``punch_rows``   one row per punch, with the system's verdict          (`punch_rows`)
- ``punch_grid``   two rows per employee, punch times per day            (`punch_grid`)

Missing punches and working days without punches become `ReviewItem`s for the manager,
never penalties. Problems are `Issue` values (``file:sheet!cell: message``); with any,
nothing is imported. A profile that cannot be used raises::

    AppraisalError
    └── BadFile
        └── ProfileError    a profile file's problems (``issues``), ``file:line: field: message``

(the whole tree is drawn in `appraisal.domain.errors`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from appraisal.domain.lazy import lazy_names

if TYPE_CHECKING:
    from appraisal.read.imports.catalog import ProfileError, load_profile, shipped_profiles
    from appraisal.read.imports.convert import detect_profile, import_export
    from appraisal.read.imports.profile import Profile
    from appraisal.read.imports.records import Imported, ReviewItem
    from appraisal.read.imports.write import write_events_csv

__all__ = [
    "Imported",
    "Profile",
    "ProfileError",
    "ReviewItem",
    "detect_profile",
    "import_export",
    "load_profile",
    "shipped_profiles",
    "write_events_csv",
]

# Each name from its module when first asked for: `appraisal run` imports the
# `records` of this package (its review items) without the exports' readers.
_HOMES = {
    "Imported": "records",
    "Profile": "profile",
    "ProfileError": "catalog",
    "ReviewItem": "records",
    "detect_profile": "convert",
    "import_export": "convert",
    "load_profile": "catalog",
    "shipped_profiles": "catalog",
    "write_events_csv": "write",
}


__getattr__ = lazy_names(
    __name__, {name: f"{__name__}.{home}" for name, home in _HOMES.items()}, globals()
)
