"""Dates and times on the English pages: 5 March 2027, 14:00.

Django's English formats end in "a.m."/"p.m." (and abbreviate months with a full stop), which
doubled with the full stop of a sentence ("from March 5, 2027, 2 a.m.."); a 24-hour clock ends in
a digit. Only the display formats: input formats stay Django's own.
"""

DATE_FORMAT = "j F Y"
TIME_FORMAT = "H:i"
DATETIME_FORMAT = "j F Y, H:i"
YEAR_MONTH_FORMAT = "F Y"
MONTH_DAY_FORMAT = "j F"
SHORT_DATE_FORMAT = "Y-m-d"
SHORT_DATETIME_FORMAT = "Y-m-d H:i"
