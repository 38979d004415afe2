"""The parts of :func:`tsp_analysis.clean.clean`, one job each.

``result``   the :class:`CleanResult` and the reasons and log columns it reports;
``header``   the input's column names against the codebook's;
``values``   each distinct raw value of a column decided once: parsed, recoded or rejected;
``columns``  a column of decisions: clean values, problems, changes, routing conditions;
``rules``    the row-level rules (required, duplicates, routing, straight-lining) and which
             problems void a row rather than a cell;
``assemble`` the accepted table, the quarantine, the invalid cells and the log;
``derive``   derived columns (``age_group``).

:mod:`tsp_analysis.clean` holds the entry points and the cleaner that runs these in order.
"""
