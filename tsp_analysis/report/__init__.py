"""Report layer: translated text, HTML tables and charts, findings and provenance.

The notebooks in ``notebooks/`` compute with the statistics modules and display with this
package; every loop and branch of a report lives here, so a notebook cell is one call and one
display. Modules:

``i18n``        text from ``data/reference/report_text.csv`` and numbers in lt/en style
``display``     HTML blocks: banner, section heading + "how to read" note, tables, figures
``charts``      seaborn charts (one style), embedded as PNG
``findings``    generated key-finding sentences
``provenance``  input hashes, parameters, versions, run time
``needs``, ``review``, ``monitor``   the sections of the three reports
"""

from .display import banner, heading, note, section
from .i18n import t

__all__ = ["banner", "heading", "note", "section", "t"]
