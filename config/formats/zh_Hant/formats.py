"""Dates and times on the Chinese pages: 2027年3月5日, 下午2:00 ("A" is 上午/下午 in this language).

Only the display formats and the number grouping: input formats and the rest stay Django's own for zh-Hant.
"""

DATE_FORMAT = "Y年n月j日"
TIME_FORMAT = "Ag:i"
DATETIME_FORMAT = "Y年n月j日 Ag:i"
YEAR_MONTH_FORMAT = "Y年n月"
MONTH_DAY_FORMAT = "n月j日"
SHORT_DATE_FORMAT = "Y年n月j日"
SHORT_DATETIME_FORMAT = "Y年n月j日 Ag:i"

# Numbers as Taiwan writes them (NT$ 15,000,000): Django's zh-Hant groups by four with no separator.
DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
