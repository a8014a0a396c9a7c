"""Read stage for attendance exports (DingTalk, ZKTeco): import profiles turn them into events."""
