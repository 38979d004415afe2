"""Write every synthetic input file: :func:`generate`."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pandas as pd

from ..codebook import load_codebook
from .activities import expert_engagements_frame, training_events_frame
from .monitoring import (
    consultations_frame,
    needs_analysis_recommendations,
    recommendations_frame,
    strategic_assessment_frame,
)
from .population import population_frame, residents_frame
from .provider import provider_survey_frame
from .qualitative import qual_evidence_frame
from .streams import check_seed
from .survey import tsp_survey_frame

#: The seed of the committed demo files in ``data/demo/``.
DEMO_SEED = 20210512
#: Bumped whenever the generator's output changes on purpose (the demo must then be rebuilt).
GENERATOR = "tsp_analysis.synth/3"
MANIFEST = "MANIFEST.json"


def _write_csv(frame: pd.DataFrame, path: Path) -> None:
    # fixed encoding, separator and line ending; missing as empty; no index: byte-identical output
    frame.to_csv(path, index=False, encoding="utf-8", lineterminator="\n")


def generate(out_dir: str | Path, seed: int) -> dict[str, Path]:
    """Write the nine input files and ``MANIFEST.json`` for ``seed`` into ``out_dir``.

    Parameters
    ----------
    out_dir : str or Path
        Folder to write to (created if needed; files of the same name are replaced).
    seed : int
        Non-negative seed. The same seed always gives byte-identical files.

    Returns
    -------
    dict of str to Path
        Dataset name (``tsp_survey``, ``provider_survey``, ``population``, ``residents``,
        ``consultations``, ``strategic_assessment``, ``recommendations``,
        ``training_events``, ``expert_engagements``, ``qual_evidence``) → written CSV.
        ``MANIFEST.json`` beside them records the seed, the generator, each file's rows and
        SHA-256, and the dirty rows of ``tsp_survey.csv`` with what cleaning should do.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     paths = generate(tmp, seed=1)
    ...     sorted(paths)  # doctest: +NORMALIZE_WHITESPACE
    ['consultations', 'expert_engagements', 'population', 'provider_survey', 'qual_evidence',
     'recommendations', 'residents', 'strategic_assessment', 'training_events', 'tsp_survey']
    """
    seed = check_seed(seed)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    survey = tsp_survey_frame(None, seed, dirty=True)
    frames = {
        "tsp_survey": survey,
        "provider_survey": provider_survey_frame(None, seed),
        "population": population_frame(seed),
        "residents": residents_frame(),
        "consultations": consultations_frame(seed),
        "strategic_assessment": strategic_assessment_frame(),
        "training_events": training_events_frame(seed),
        "expert_engagements": expert_engagements_frame(seed),
    }
    cb = load_codebook()
    paths: dict[str, Path] = {}
    files = {}

    def write(name: str, frame: pd.DataFrame) -> None:
        if list(frame.columns) != cb.columns(name):  # a bug, not a user error
            raise AssertionError(f"{name}: columns differ from the codebook")
        path = out / f"{name}.csv"
        _write_csv(frame, path)
        paths[name] = path
        files[path.name] = {
            "dataset": name,
            "rows": len(frame),
            "data_origin": sorted(set(frame["data_origin"].dropna())),
            "sha256": hashlib.sha256(path.read_bytes()).hexdigest(),
        }

    for name, frame in frames.items():
        write(name, frame)
    # the register lists the recommendations the needs analysis gives on these very surveys
    write("recommendations", recommendations_frame(seed, needs_analysis_recommendations(out)))
    # the qualitative register codes the comments of this very survey
    write("qual_evidence", qual_evidence_frame(seed, survey))
    manifest = {
        "synthetic": True,
        "seed": seed,
        "generator": GENERATOR,
        "note": "Synthetic data made by `tsp-analysis synth`; strategic_assessment.csv is a "
        "transcription of Annex 1 of the interim report of activity 2.1 (real).",
        "files": files,
        "dirty_rows": {"tsp_survey.csv": survey.attrs["dirty_rows"]},
    }
    text = json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=False) + "\n"
    (out / MANIFEST).write_text(text, encoding="utf-8", newline="\n")
    return paths
