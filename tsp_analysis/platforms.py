"""Read survey-platform exports as they come: KoboToolbox, ODK Central and LimeSurvey.

A municipality fields the questionnaire of :mod:`tsp_analysis.questionnaire` on a platform and
hands over the platform's export unchanged. :func:`import_export` turns such a table (as
:func:`~tsp_analysis.readers.read_table` returns it) into the codebook's columns, so that
cleaning, validation and the reports need no manual step. It is called by
:func:`tsp_analysis.clean.clean_collect`, through which ``validate``, ``clean`` and ``run`` all
pass; a table that is no platform export passes through untouched.

What it does
------------
1. **Detects the platform** from the header (:func:`detect_platform`): KoboToolbox (``_uuid``,
   ``_submission_time``, ``__version__``, ``meta/instanceID``, group paths with ``/``), ODK
   Central (``meta-instanceID``, ``KEY``, ``SubmissionDate``, ``FormVersion``), LimeSurvey
   (``submitdate``, ``lastpage``, ``startlanguage``).
2. **Drops platform metadata** (:data:`METADATA`: submission ids and times, submitter, device,
   start/end, geolocation, validation status, ...) and counts it in the cleaning log
   (``dropped_metadata``); none of it reaches a clean table, a quarantine or a report.
3. **Checks the form version**: the form's ``form_version`` field (written into every
   submission by the questionnaire) and ODK Central's ``FormVersion`` must equal the version in
   ``data/reference/forms.csv``; another version is an error naming the file, the rows and both
   versions. (KoboToolbox's ``__version__`` is its own deployment uid, such as
   ``vGtP9...``, not the form's version, so it is dropped, not compared.)
4. **Renames headers to codebook ids**: group prefixes (Kobo ``grp/need_education``, ODK
   ``grp-need_education``) are stripped; a header that is a question's label or wording in any
   of the four form languages (lt, en, ru, uk) becomes its id; LimeSurvey codes are mapped
   through a mapping file (:func:`limesurvey_codes`). Renames are logged (``renamed_column``).
5. **Expands check-all lists**: a ``select_multiple`` column (``info_channel``: chosen names
   separated by blanks, or labels) becomes one 0/1 column per codebook binary (``none`` = all
   0; blank = all missing); separate 0/1 columns (Kobo ``info_channel/info_ngo``) are used as
   they are.
6. **Maps answer labels to codes**: labels in any of the four languages (``Хорошо`` → ``4``,
   ``Так`` → ``yes``), municipality and country names in Russian or Ukrainian. Each mapping is
   logged (``recoded``, ``count`` = rows received with that answer). Answers that match no
   label are left for cleaning to judge, so an invalid answer is still reported with its row.
7. **Derives ``resp_id``** when the export has none, from the platform's instance id (Kobo
   ``_uuid``, ODK ``meta-instanceID``/``KEY``, LimeSurvey ``id``) as ``<platform>-`` plus the
   first 12 hex digits of its SHA-256, so that a submission keeps a stable, unique id while the
   raw uuid is passed on nowhere.

A file that holds nothing but platform metadata is an error, and so is an export whose
questions are all another survey's (a provider-survey export given as the TŠP survey). Rows
are never dropped or reordered here; every row still reaches cleaning with its ``source_file``
and ``source_row``.

LimeSurvey
----------
LimeSurvey question codes are alphanumeric (no underscore) and short, so they cannot be the
codebook ids. :func:`limesurvey_codes` gives each question a code derived from its id
(``need_education`` → ``needEducation``; words cut to three letters when longer than 20
characters: ``rate_social_housing_accessibility`` → ``rateSocHouAcc``); ``tsp-analysis
questionnaire --limesurvey-map FILE.csv`` writes that table (``code``, ``id``) for whoever
builds the LimeSurvey survey. A survey built with other codes is read with a mapping file
``limesurvey_map.csv`` (columns ``code``, ``id``) in the export's folder. Answer codes should be
the value sets' SPSS numbers (1, 2, 8, ...), or the export should use full answer texts; a
LimeSurvey yes/no (``Y``/``N``) in a binary column reads as 1/0.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from dataclasses import dataclass, field, replace
from pathlib import Path

import pandas as pd

from . import reference
from .codebook import FORM_LANGUAGES, Codebook, Question, fold, load_codebook
from .errors import InputError, Problem
from .readers import PROVENANCE

PLATFORM_NAMES = {"kobo": "KoboToolbox", "odk": "ODK Central", "limesurvey": "LimeSurvey"}

#: Header names that are platform metadata, compared after folding case (any platform).
METADATA = frozenset(
    {
        # KoboToolbox / KoBoCAT
        "_id",
        "_uuid",
        "_submission_time",
        "_submitted_by",
        "_validation_status",
        "_notes",
        "_status",
        "_tags",
        "_index",
        "_parent_table_name",
        "_parent_index",
        "__version__",
        "_version_",
        "_xform_id_string",
        "_attachments",
        "_geolocation",
        "_duration",
        "_media_count",
        "_total_media",
        "_edited",
        "_bamboo_dataset_id",
        "formhub/uuid",
        "meta/instanceid",
        "meta/instancename",
        "meta/rootuuid",
        "meta/deprecatedid",
        "meta/audit",
        # ODK Central
        "submissiondate",
        "meta-instanceid",
        "meta-instancename",
        "meta-audit",
        "key",
        "submitterid",
        "submittername",
        "attachmentspresent",
        "attachmentsexpected",
        "status",
        "reviewstate",
        "deviceid",
        "edits",
        "formversion",
        # the questionnaire's own version field (checked, then dropped)
        "form_version",
        "instanceid",
        # XForm metadata questions (any platform)
        "start",
        "end",
        "today",
        "username",
        "email",
        "phonenumber",
        "subscriberid",
        "simserial",
        "audit",
        "starttime",
        "endtime",
        # LimeSurvey
        "submitdate",
        "lastpage",
        "startlanguage",
        "seed",
        "startdate",
        "datestamp",
        "ipaddr",
        "refurl",
        "token",
        "interviewtime",
    }
)
#: Geolocation parts (Kobo ``_loc_latitude``, ODK ``loc-Latitude``) and timings (LimeSurvey).
_METADATA_PATTERN = re.compile(
    r"(?i)^.*[_\-/](latitude|longitude|altitude|precision|accuracy)$|^grouptime\d+$|^\w+time$"
)
#: Columns that say which platform a table came from.
_MARKERS = {
    "odk": frozenset({"meta-instanceid", "key", "submissiondate", "formversion", "submitterid"}),
    "kobo": frozenset(
        {"_uuid", "_id", "_submission_time", "__version__", "_index", "meta/instanceid"}
    ),
    "limesurvey": frozenset({"submitdate", "lastpage", "startlanguage"}),
}
#: Instance-id columns from which ``resp_id`` is derived, in order of preference.
_INSTANCE_IDS = ("_uuid", "meta/instanceid", "meta-instanceid", "key", "instanceid", "id")
#: Columns that carry the form version into an export (ours first, then ODK Central's).
VERSION_COLUMNS = ("form_version", "formversion")
LIMESURVEY_MAP = "limesurvey_map.csv"
#: Form languages whose answer labels cleaning does not read; mapped here.
EXTRA_LANGUAGES = tuple(lang for lang in FORM_LANGUAGES if lang not in reference.LANGUAGES)


@dataclass
class PlatformImport:
    """The result of :func:`import_export`.

    Attributes
    ----------
    data : pandas.DataFrame
        The table with codebook column names and codes (unchanged when ``platform`` is None).
    platform : str or None
        ``kobo``, ``odk``, ``limesurvey``, or None for a table that is no platform export.
    log : list of tuple
        Cleaning-log rows (``source_file``, ``source_row``, ``column``, ``old``, ``new``,
        ``action``, ``reason``, ``count``, ``detail``).
    problems : list of Problem
        What makes the export unusable as the dataset (another form version, metadata only).
    """

    data: pd.DataFrame
    platform: str | None = None
    log: list[tuple] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def dropped(self) -> list[str]:
        """Metadata columns dropped on reading."""
        return [r[2] for r in self.log if r[5] == "dropped_metadata"]

    def annotate(self, result):
        """``result`` (a :class:`~tsp_analysis.clean.CleanResult`) with this import's log
        lines before its own."""
        if not self.log:
            return result
        head = pd.DataFrame(self.log, columns=result.log.columns).astype(result.log.dtypes)
        return replace(result, log=pd.concat([head, result.log], ignore_index=True))


def detect_platform(columns) -> str | None:
    """The platform whose export has these columns, or None.

    >>> detect_platform(["start", "grp/need_health", "_uuid", "_submission_time"])
    'kobo'
    >>> detect_platform(["SubmissionDate", "grp-need_health", "meta-instanceID", "KEY"])
    'odk'
    >>> detect_platform(["resp_id", "municipality"]) is None
    True
    """
    folded = {str(c).strip().lower() for c in columns}
    for platform in ("odk", "kobo", "limesurvey"):
        need = 2 if platform == "limesurvey" else 1
        if len(folded & _MARKERS[platform]) >= need:
            return platform
    return None


def is_metadata(column: object) -> bool:
    """True for a platform metadata column (see :data:`METADATA`)."""
    name = str(column).strip().lower()
    return name in METADATA or bool(_METADATA_PATTERN.match(name))


def import_export(
    raw: pd.DataFrame, dataset: str, *, codebook: Codebook | None = None
) -> PlatformImport:
    """Turn a platform export into the codebook's columns and codes (see the module docstring).

    Parameters
    ----------
    raw : pandas.DataFrame
        A table as :func:`~tsp_analysis.readers.read_table` returns it.
    dataset : str
        The codebook dataset the export holds.
    codebook : Codebook, optional
        Defaults to :func:`~tsp_analysis.codebook.load_codebook`.

    Returns
    -------
    PlatformImport
        ``data`` is ``raw`` itself when the table is no platform export.
    """
    cb = codebook or load_codebook()
    platform = detect_platform(raw.columns)
    if platform is None and _has_group_paths(raw.columns, cb.columns(dataset)):
        platform = "kobo"  # a KoboToolbox export with every metadata column deselected
    if platform is None:
        return PlatformImport(raw)
    return _Importer(raw, dataset, cb, platform).run()


def _has_group_paths(columns, ids: list[str]) -> bool:
    """True when a header is a group path ending in a question id (``grp/need_health``)."""
    known = set(ids)
    return any("/" in str(c) and str(c).rsplit("/", 1)[-1].strip() in known for c in columns)


def limesurvey_codes(dataset: str, *, codebook: Codebook | None = None) -> pd.DataFrame:
    """The default LimeSurvey question code of every question of ``dataset``.

    Columns ``code``, ``id``. Codes are the id in camel case (LimeSurvey codes hold letters
    and digits only), with every word after the first cut to three letters when that is
    longer than 20 characters.

    >>> codes = limesurvey_codes("tsp_survey").set_index("id")["code"]
    >>> codes["need_education"], codes["rate_social_housing_accessibility"]
    ('needEducation', 'rateSocHouAcc')
    """
    cb = codebook or load_codebook()
    rows = []
    for q in cb.questions(dataset):
        if q.type == "id":
            continue
        first, *rest = q.id.split("_")
        code = first + "".join(w.capitalize() for w in rest)
        if len(code) > 20:
            code = first + "".join(w[:3].capitalize() for w in rest)
        rows.append({"code": code, "id": q.id})
    frame = pd.DataFrame(rows, columns=["code", "id"])
    clash = frame["code"].str.lower().duplicated(keep=False)
    if clash.any():
        raise ValueError(f"LimeSurvey codes clash: {frame.loc[clash, 'id'].tolist()}")
    return frame


# -- the importer -------------------------------------------------------------------------------
class _Importer:
    def __init__(self, raw: pd.DataFrame, dataset: str, cb: Codebook, platform: str):
        from .questionnaire import NONE_CHOICE, select_multiple_groups, stem

        self.raw, self.dataset, self.cb, self.platform = raw, dataset, cb, platform
        self.questions = {q.id: q for q in cb.questions(dataset)}
        self.groups = select_multiple_groups(list(self.questions.values()))
        self.none_choice = NONE_CHOICE
        self._stem = stem
        files = raw["source_file"].dropna().unique() if "source_file" in raw else []
        self.file = ", ".join(map(str, files)) or "<table>"
        # spreadsheet row numbers (header = row 1), made up for a hand-built frame
        self.rows = (
            pd.to_numeric(raw["source_row"])
            if "source_row" in raw
            else pd.Series(range(2, len(raw) + 2), index=raw.index)
        )
        self.log: list[tuple] = []
        self.problems: list[Problem] = []

    def run(self) -> PlatformImport:
        name = PLATFORM_NAMES[self.platform]
        data = self.raw.copy()
        instance = self._instance_ids(data)
        self._check_version(data)
        meta = [c for c in data.columns if self._is_metadata(c)]
        for col in meta:
            self._log(col, None, None, "dropped_metadata", f"{name} metadata, never passed on")
        data = data.drop(columns=meta)
        answers = [c for c in data.columns if c not in PROVENANCE]
        if not answers:
            self.problems.append(
                Problem(
                    self.file,
                    1,  # the header: nothing in it is a question
                    None,
                    None,
                    f"answers to the {self.dataset} questionnaire; this {name} export holds "
                    f"only platform metadata ({len(meta)} column(s): {', '.join(meta[:6])}"
                    + (", ..." if len(meta) > 6 else "")
                    + ")",
                )
            )
            return PlatformImport(data, self.platform, self.log, self.problems)
        data = data.rename(columns=self._header_map(answers))
        self._check_form(data)
        data = self._expand_groups(data)
        for qid in [c for c in data.columns if c in self.questions]:
            data[qid] = self._recode(self.questions[qid], data[qid])
        id_q = next((q for q in self.questions.values() if q.type == "id"), None)
        if id_q is not None and id_q.id not in data and instance is not None:
            data.insert(0, id_q.id, instance)
            self._log(id_q.id, None, None, "derived", f"from the {name} instance id (hashed)")
        return PlatformImport(data, self.platform, self.log, self.problems)

    # -- steps ------------------------------------------------------------------------------
    def _is_metadata(self, column: object) -> bool:
        from .clean import normalise_header

        if column in PROVENANCE or normalise_header(column) in self.questions:
            return False  # a codebook column (a consultation's ``status``) is never metadata
        if self.platform == "limesurvey" and str(column).strip().lower() == "id":
            return True  # the response id: only its hash goes on, as resp_id
        return is_metadata(column)

    def _instance_ids(self, data: pd.DataFrame) -> pd.Series | None:
        by_fold = {str(c).strip().lower(): c for c in data.columns}
        for key in _INSTANCE_IDS:
            if key == "id" and self.platform != "limesurvey":
                continue
            if key in by_fold:
                raw = data[by_fold[key]].astype("str")
                digest = raw.map(
                    lambda v: hashlib.sha256(v.strip().encode()).hexdigest()[:12],
                    na_action="ignore",
                )
                return (self.platform + "-" + digest).astype("str")
        return None

    def _check_version(self, data: pd.DataFrame) -> None:
        try:
            expected = self.cb.form(self.dataset).version
        except KeyError:
            return
        by_fold = {str(c).strip().lower(): c for c in data.columns}
        # the first version column present (ours, then ODK Central's): one check, one report
        for col in [by_fold[v] for v in VERSION_COLUMNS if v in by_fold][:1]:
            values = data[col].astype("str").str.strip()
            wrong = values.notna() & (values != expected)
            for version, rows in self.rows[wrong].groupby(values[wrong]):
                first = int(rows.iloc[0])
                self.problems.append(
                    Problem(
                        self.file,
                        first,
                        str(col),
                        version,
                        f"form version {expected} of {self.dataset} (data/reference/forms.csv); "
                        f"{len(rows)} row(s) from row {first} were collected with another "
                        "version of the questionnaire",
                    )
                )

    def _check_form(self, data: pd.DataFrame) -> None:
        """An export of another survey's questionnaire (no question of this one only)."""
        from .clean import normalise_header

        own = set(self.questions) | set(self.groups)
        found = {normalise_header(re.split(r"[/-]", str(c))[-1]) for c in data.columns}
        for other in self.cb.form_datasets():
            if other == self.dataset:
                continue
            theirs = set(self.cb.columns(other))
            if not (found & (own - theirs)) and found & (theirs - own):
                form = self.cb.form(other)
                self.problems.append(
                    Problem(
                        self.file,
                        1,
                        None,
                        None,
                        f"an export of the {self.dataset} questionnaire; its questions are "
                        f"those of {other} (form {form.form_id}): "
                        + ", ".join(sorted(found & (theirs - own))[:5]),
                    )
                )

    def _header_map(self, columns: list) -> dict:
        from .clean import normalise_header

        names = self._header_names()
        mapping = self._limesurvey_map() if self.platform == "limesurvey" else {}
        out: dict = {}
        for col in columns:
            text = str(col).strip()
            candidates = [text, text.rsplit("/", 1)[-1], text.rsplit("-", 1)[-1]]
            target = mapping.get(text)
            for cand in candidates if target is None else []:
                norm = normalise_header(cand)
                if norm in names["ids"]:
                    target = norm
                    break
                target = names["labels"].get(fold(cand))
                if target is not None:
                    break
            if target is not None and target != col:
                out[col] = target
                self._log(col, None, target, "renamed_column", "platform header → codebook id")
        clash = [t for t, n in Counter(out.values()).items() if n > 1]
        for target in clash:
            cols = [c for c, t in out.items() if t == target]
            self.problems.append(
                Problem(self.file, 1, str(cols[0]), None, f"one column for {target!r}, not {cols}")
            )
        return out

    def _header_names(self) -> dict:
        ids = set(self.questions) | set(self.groups)
        labels: dict[str, str | None] = {}

        def add(text: str, qid: str) -> None:
            key = fold(text)
            if key:
                labels[key] = qid if labels.get(key, qid) == qid else None  # ambiguous: none

        for q in self.questions.values():
            if q.type == "id":  # "ID" is too common a header to mean resp_id
                continue
            for lang in FORM_LANGUAGES:
                add(q.text(lang), q.id)
                add(q.label(lang), q.id)
        for group, members in self.groups.items():
            for lang in FORM_LANGUAGES:
                add(self._stem(members, lang), group)
        return {"ids": ids, "labels": {k: v for k, v in labels.items() if v}}

    def _limesurvey_map(self) -> dict[str, str]:
        files = self.raw["source_file"].dropna().unique() if "source_file" in self.raw else []
        for f in files:
            path = Path(str(f)).parent / LIMESURVEY_MAP
            if path.exists():
                frame = pd.read_csv(path, dtype=str, keep_default_na=False)
                missing = {"code", "id"} - set(frame.columns)
                if missing:
                    raise InputError(
                        Problem(str(path), 1, None, sorted(frame.columns), "columns code, id")
                    )
                unknown = sorted(set(frame["id"]) - set(self.questions))
                if unknown:
                    raise InputError(
                        Problem(str(path), None, "id", unknown, f"question ids of {self.dataset}")
                    )
                return dict(zip(frame["code"].str.strip(), frame["id"].str.strip(), strict=True))
        codes = limesurvey_codes(self.dataset, codebook=self.cb)
        return dict(zip(codes["code"], codes["id"], strict=True))

    def _expand_groups(self, data: pd.DataFrame) -> pd.DataFrame:
        for group, members in self.groups.items():
            if group not in data:
                continue
            ids = [q.id for q in members]
            lookup = {q.id: q.id for q in members} | {self.none_choice: self.none_choice}
            none_labels = reference.table("form_text").set_index("key").loc["none_of_these"]
            for lang in FORM_LANGUAGES:
                lookup[fold(none_labels[f"text_{lang}"])] = self.none_choice
                for q in members:
                    lookup[fold(q.label(lang))] = q.id
            distinct = {
                v: _split_choices(v, lookup, self.none_choice)
                for v in data[group].dropna().unique()
            }
            chosen = data[group].map(distinct, na_action="ignore")
            for qid in ids:
                if qid in data:  # separate 0/1 columns win over the joined one
                    continue
                data[qid] = chosen.map(
                    lambda s, qid=qid: pd.NA if s is None else ("1" if qid in s else "0"),
                    na_action="ignore",
                ).astype("str")
            bad = chosen.isna() & data[group].notna()
            for value, rows in self.rows[bad].groupby(data.loc[bad, group]):
                self.problems.append(
                    Problem(
                        self.file,
                        int(rows.iloc[0]),
                        group,
                        value,
                        f"choices of {group}: {', '.join(ids)} or {self.none_choice}",
                    )
                )
            self._log(group, None, None, "expanded", f"select_multiple → {', '.join(ids)}")
            data = data.drop(columns=group)
        return data

    def _recode(self, q: Question, series: pd.Series) -> pd.Series:
        lookup = self._answer_labels(q)
        if not lookup:
            return series
        # decide once per distinct answer (a large export repeats a few answers many times)
        counts = series.value_counts(dropna=True)
        change = {
            old: lookup[fold(old)]
            for old in counts.index
            if fold(old) in lookup and lookup[fold(old)] != old
        }
        if not change:
            return series
        for old, code in change.items():
            self._log(
                q.id, old, code, "recoded", "answer label (platform export)", count=int(counts[old])
            )
        return series.map(change).fillna(series).astype("str")

    def _answer_labels(self, q: Question) -> dict[str, str]:
        out: dict[str, str] = {}
        # Lithuanian and English labels are cleaning's job (it logs them as it always does);
        # here only what cleaning cannot read: the form's other languages.
        if q.type in {"category", "likert", "binary"}:
            for lang in EXTRA_LANGUAGES:
                for code, label in self.cb.value_labels(q.value_set, lang).items():
                    if label:
                        out[fold(label)] = code
            if q.type == "binary" and self.platform == "limesurvey":
                out |= {"y": "1", "n": "0"}
        elif q.type in {"municipality", "municipality_or_country", "country"}:
            ref = reference.countries() if q.type == "country" else reference.municipalities()
            key = "iso2" if q.type == "country" else "slug"
            for col in [f"name_{lang}" for lang in EXTRA_LANGUAGES if f"name_{lang}" in ref]:
                out |= {fold(v): c for v, c in zip(ref[col], ref[key], strict=True) if v}
        return out

    def _log(self, column, old, new, action, detail, *, count: int | None = None) -> None:
        n = len(self.raw) if count is None else count
        self.log.append((self.file, None, str(column), old, new, action, None, n, detail))


def _split_choices(value: object, lookup: dict[str, str], none: str) -> frozenset[str] | None:
    """The choices of a select_multiple cell (names, or labels), or None if unreadable;
    ``none`` ("none of these") adds nothing."""
    text = str(value).strip()
    tokens = text.split()
    if tokens and all(t in lookup for t in tokens):
        chosen = {lookup[t] for t in tokens}
    else:  # labels, which may hold blanks: the longest known label first
        chosen, rest = set(), fold(text)
        for label in sorted(lookup, key=len, reverse=True):
            if label in rest:
                chosen.add(lookup[label])
                rest = rest.replace(label, " ")
        if rest.strip(" ;,|") or not chosen:
            return None
    return frozenset(chosen - {none})
