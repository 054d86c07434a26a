"""The dates the demo texts mention, computed from the day the demo is loaded.

Fixed dates would go stale; these keep the exhibition open, the webinar in
the coming weeks and the news dated over the last months.
"""

import datetime
from dataclasses import dataclass
from zoneinfo import ZoneInfo

PARIS = ZoneInfo("Europe/Paris")

FR_DAYS = ["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"]
FR_MONTHS = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
             "septembre", "octobre", "novembre", "décembre"]
EN_DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
EN_MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
             "September", "October", "November", "December"]

# The exhibition opened this many days before loading; its opening article has that date.
EXHIBITION_OPENED_DAYS_AGO = 12
THURSDAY = 3


def fr_date(day, weekday=False):
    """'12 mars 2026', '1er mai 2026', or with weekday=True 'jeudi 12 mars 2026'."""
    number = "1er" if day.day == 1 else str(day.day)
    text = f"{number} {FR_MONTHS[day.month - 1]} {day.year}"
    return f"{FR_DAYS[day.weekday()]} {text}" if weekday else text


def en_date(day, weekday=False):
    """'12 March 2026', or with weekday=True 'Thursday 12 March 2026'."""
    text = f"{day.day} {EN_MONTHS[day.month - 1]} {day.year}"
    return f"{EN_DAYS[day.weekday()]} {text}" if weekday else text


@dataclass(frozen=True)
class DemoCalendar:
    today: datetime.date

    @property
    def exhibition_start(self):
        return self.today - datetime.timedelta(days=EXHIBITION_OPENED_DAYS_AGO)

    @property
    def exhibition_end(self):
        """A Sunday about four months after loading."""
        end = self.today + datetime.timedelta(days=120)
        return end + datetime.timedelta(days=(6 - end.weekday()) % 7)

    @property
    def webinar_day(self):
        """A Thursday three to four weeks after loading."""
        start = self.today + datetime.timedelta(days=21)
        return start + datetime.timedelta(days=(THURSDAY - start.weekday()) % 7)

    @property
    def webinar_start(self):
        return datetime.datetime.combine(self.webinar_day, datetime.time(18, 30), tzinfo=PARIS)

    def days_ago(self, days):
        return self.today - datetime.timedelta(days=days)

    def fr(self, day, weekday=False):
        return fr_date(day, weekday)

    def en(self, day, weekday=False):
        return en_date(day, weekday)
