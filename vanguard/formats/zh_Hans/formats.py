"""Chinese date formats (Django's localised formats, `FORMAT_MODULE_PATH`), over Django's
own zh_Hans module: templates write `date:"DATE_FORMAT"` and the like, never a pattern, so
the English interface shows English dates. What is not set here comes from Django's."""

DATE_FORMAT = "Y年n月j日"  # 2024年7月1日
DATETIME_FORMAT = "Y年n月j日 H:i"  # 2024年7月1日 14:30
TIME_FORMAT = "H:i"
YEAR_MONTH_FORMAT = "Y年n月"  # 2024年7月
MONTH_DAY_FORMAT = "n月j日"  # 7月1日 (Django's own writes 07月1日)
SHORT_DATE_FORMAT = "Y年n月j日"
SHORT_DATETIME_FORMAT = "Y年n月j日 H:i"
