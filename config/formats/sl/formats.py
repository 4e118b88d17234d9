# Slovenian formats: 22. 11. 2026, 14.30, 1.234,56 (Slovenian orthography).
DATE_FORMAT = "j. n. Y"
DATETIME_FORMAT = "j. n. Y \\o\\b H.i"
TIME_FORMAT = "H.i"
SHORT_DATE_FORMAT = "j. n. Y"
SHORT_DATETIME_FORMAT = "j. n. Y H.i"
DATE_INPUT_FORMATS = ["%d. %m. %Y", "%d.%m.%Y", "%d. %m. %y", "%d.%m.%y", "%Y-%m-%d"]
DATETIME_INPUT_FORMATS = [
    "%d. %m. %Y %H:%M",
    "%d. %m. %Y %H.%M",
    "%d.%m.%Y %H:%M",
    "%d.%m.%Y %H.%M",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%dT%H:%M",
]
DECIMAL_SEPARATOR = ","
THOUSAND_SEPARATOR = "."
NUMBER_GROUPING = 3
USE_THOUSAND_SEPARATOR = True
FIRST_DAY_OF_WEEK = 1
