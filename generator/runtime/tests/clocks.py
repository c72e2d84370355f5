"""Checks on values the database clock set (`server_default: now`)."""

import datetime as dt

SLACK = dt.timedelta(minutes=1)  # between the database's clock reading and the test's
DAY = dt.timedelta(days=1)


def is_utc_now(value: dt.datetime | dt.date | dt.time | None) -> bool:
    """Whether `value` is the current UTC time, date or time of day, whatever the database
    session's time zone: naive datetimes and times count as UTC."""
    now = dt.datetime.now(dt.UTC)
    if value is None:
        return False
    if isinstance(value, dt.datetime):
        return abs(value.replace(tzinfo=value.tzinfo or dt.UTC) - now) < SLACK
    if isinstance(value, dt.date):
        return (now - SLACK).date() <= value <= (now + SLACK).date()
    moment = dt.datetime.combine(now.date(), value.replace(tzinfo=value.tzinfo or dt.UTC))
    gap = (moment - now) % DAY  # a time of day has no date: measure around the clock
    return min(gap, DAY - gap) < SLACK
