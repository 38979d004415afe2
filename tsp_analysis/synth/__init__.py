"""Seeded synthetic inputs: realistic, reproducible stand-ins for data that cannot be shared.

There is no public microdata of the TŠP surveys, so the package generates it. The output follows
the codebook exactly and is realistic where it matters for the analysis: plausible population
sizes and citizenship mix per municipality calibrated to published figures, a biased sample (so
that weighting matters), real correlations between years in Lithuania, Lithuanian level and the
experience of services, skip logic, "don't know" answers, item non-response and a documented
handful of dirty rows. ``data/README.md`` describes every file, the calibration and its sources.

Public API
----------
:func:`generate`
    write every input file and ``MANIFEST.json`` (the CLI ``tsp-analysis synth`` calls it).
:func:`tsp_survey_frame`, :func:`provider_survey_frame`
    the surveys in memory, vectorised (a million respondents take seconds).
:func:`population_frame`, :func:`residents_frame`, :func:`consultations_frame`,
:func:`strategic_assessment_frame`, :func:`recommendations_frame`,
:func:`training_events_frame`, :func:`expert_engagements_frame`
    the other inputs in memory.

Examples
--------
>>> from tsp_analysis.synth import tsp_survey_frame
>>> df = tsp_survey_frame({"vilnius": 200}, seed=7, dirty=False)
>>> len(df), df["data_origin"].unique().tolist()
(200, ['synthetic'])
"""

from .activities import expert_engagements_frame, training_events_frame
from .generate import DEMO_SEED, GENERATOR, generate
from .monitoring import consultations_frame, recommendations_frame, strategic_assessment_frame
from .population import population_frame, residents_frame
from .provider import default_provider_sizes, provider_survey_frame
from .survey import default_sizes, tsp_survey_frame

__all__ = [
    "DEMO_SEED",
    "GENERATOR",
    "consultations_frame",
    "default_provider_sizes",
    "default_sizes",
    "expert_engagements_frame",
    "generate",
    "population_frame",
    "provider_survey_frame",
    "recommendations_frame",
    "residents_frame",
    "strategic_assessment_frame",
    "training_events_frame",
    "tsp_survey_frame",
]
