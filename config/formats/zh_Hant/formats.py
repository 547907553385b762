"""Dates and times on the Chinese pages: 2027年3月5日, 下午2:00 ("A" is 上午/下午 in this language)."""

DATE_FORMAT = "Y年n月j日"
TIME_FORMAT = "Ag:i"
DATETIME_FORMAT = "Y年n月j日 Ag:i"
YEAR_MONTH_FORMAT = "Y年n月"
MONTH_DAY_FORMAT = "n月j日"
SHORT_DATE_FORMAT = "Y/n/j"
SHORT_DATETIME_FORMAT = "Y/n/j Ag:i"
FIRST_DAY_OF_WEEK = 1
DATE_INPUT_FORMATS = ["%Y/%m/%d", "%Y-%m-%d", "%Y年%m月%d日"]
TIME_INPUT_FORMATS = ["%H:%M", "%H:%M:%S", "%H:%M:%S.%f"]
DATETIME_INPUT_FORMATS = [
    "%Y/%m/%d %H:%M",
    "%Y-%m-%d %H:%M",
    "%Y年%m月%d日 %H:%M",
    "%Y/%m/%d %H:%M:%S",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M:%S.%f",
]
DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
