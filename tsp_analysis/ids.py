"""Identifiers that several modules share, written once.

A code that means the same thing in the parameters, the results tables, the reference tables and
the runner is defined here and imported everywhere (never retyped as a literal), so that it
cannot drift. Nothing here imports anything: the runner's parent process and parameter
validation import it without loading pandas.
"""

from __future__ import annotations

#: The whole country: the country data review's ``municipality``, and the population tables'
#: national rows (``municipality_or_country`` fields).
COUNTRY = "lithuania"
#: Every municipality at once: the monitoring report's ``municipality``, the row of a summary
#: over all municipalities, and the "every domain / every item" coordinate of a findings table.
ALL = "all"
#: The total row of a per-municipality summary table.
TOTAL = "total"
#: The pooled category of citizenships not listed on their own.
OTHER = "other"
#: Rows of a respondent dataset whose municipality is unknown (quarantined before it was read).
UNATTRIBUTED = "unattributed"
#: Languages the reports are written in (the questionnaire has more: ``codebook.FORM_LANGUAGES``).
LANGUAGES: tuple[str, ...] = ("lt", "en")
#: The reports a run can build, in build order (a notebook ``notebooks/<report>.ipynb`` each;
#: the units each is built for: ``runner.plan.REPORT_UNITS``).
REPORTS: tuple[str, ...] = ("needs_analysis", "data_review", "monitoring", "overview")
#: Input datasets with one row per respondent (their rows and answers are personal data).
RESPONDENT_DATASETS: tuple[str, ...] = ("tsp_survey", "provider_survey")
#: Columns every read table gains: the file a row came from and its spreadsheet row number.
PROVENANCE: tuple[str, ...] = ("source_file", "source_row")
