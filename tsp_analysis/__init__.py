"""tsp-analysis: needs analysis, data review and monitoring of integration services for
third-country nationals (TŠP) in Lithuanian municipalities.

The package holds every computation; the notebooks in ``notebooks/`` call it and display.
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("tsp-analysis")
except PackageNotFoundError:  # running from a source tree that was not installed
    __version__ = "0+unknown"

__all__ = ["__version__"]
