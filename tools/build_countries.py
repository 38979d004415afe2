"""Rebuild ``data/reference/countries.csv`` from pycountry (ISO 3166-1 with Lithuanian names).

Run by hand after a pycountry upgrade (``pip install pycountry`` first; it is a maintainer's
tool, not a dependency): ``python tools/build_countries.py``. The output
is committed; nothing reads pycountry at run time. ``third_country`` is true for everyone who is
not an EU, EEA or Swiss citizen (the legal meaning of TŠP); ``aliases`` holds the other names a
survey answer may use (pycountry's official names plus the short names people write).
"""

from __future__ import annotations

import csv
import gettext
from pathlib import Path

import pycountry

OUT = Path(__file__).resolve().parents[1] / "data" / "reference" / "countries.csv"
EU = set("AT BE BG HR CY CZ DK EE FI FR DE GR HU IE IT LV LT LU MT NL PL PT RO SK SI ES SE".split())
FREE_MOVEMENT = EU | {"IS", "LI", "NO", "CH"}
# Short names people write that ISO does not list (English; Lithuanian).
EXTRA_ALIASES = {
    "RU": ["Russia", "Rusija"],
    "MD": ["Moldova"],
    "SY": ["Sirija"],
    "IR": ["Iranas"],
    "KR": ["Korea", "Pietų Korėja"],
    "KP": ["Šiaurės Korėja"],
    "TR": ["Turkey"],
    "LA": ["Laosas"],
    "TZ": ["Tanzanija"],
    "VE": ["Venesuela"],
    "BO": ["Bolivija"],
    "CD": ["DR Congo", "Kongo DR"],
    "PS": ["Palestine", "Palestina"],
    "TW": ["Taivanas"],
    "US": ["USA", "United States of America", "JAV"],
    "GB": ["UK", "Great Britain", "Didžioji Britanija"],
    "CZ": ["Czech Republic"],
    "MK": ["Macedonia", "Makedonija"],
    "VN": ["Viet Nam"],
    "BY": ["Baltarusijos"],
    "UA": ["Ukrainos"],
}


def main() -> None:
    lt = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["lt"])
    rows = []
    for c in sorted(pycountry.countries, key=lambda c: c.alpha_2):
        name_en = getattr(c, "common_name", None) or c.name
        aliases = [n for n in (c.name, getattr(c, "official_name", None)) if n and n != name_en]
        aliases += EXTRA_ALIASES.get(c.alpha_2, [])
        rows.append(
            {
                "iso2": c.alpha_2,
                "iso3": c.alpha_3,
                "name_en": name_en,
                "name_lt": lt.gettext(c.name),
                "eu": str(c.alpha_2 in EU).lower(),
                "third_country": str(c.alpha_2 not in FREE_MOVEMENT).lower(),
                "aliases": ";".join(dict.fromkeys(aliases)),
            }
        )
    rows.append(
        {
            "iso2": "XX",
            "iso3": "XXX",
            "name_en": "Stateless",
            "name_lt": "Asmuo be pilietybės",
            "eu": "false",
            "third_country": "true",
            "aliases": "Stateless person;Be pilietybės",
        }
    )
    with OUT.open("w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    print(f"wrote {len(rows)} countries to {OUT}")


if __name__ == "__main__":
    main()
