#!/usr/bin/env python3
"""Writes importer/countries.csv, the country alias table of the accounts import.

Sources (both public):
  - ISO 3166-1 from Debian's iso-codes 4.15.0 (/usr/share/iso-codes/json/iso_3166-1.json):
    alpha-2, alpha-3, numeric codes, name, official name, common name (249 countries).
  - Natural Earth Admin-0 4.1.0 (../shared/data/world-boundaries): NAME, NAME_LONG, ADMIN of
    naturalearth_admin0_attributes_110m.csv and the names of countries-50m.json (by ISO numeric id).
  - A few common English variants written by hand (HAND below).
Run from the repository root: python3 importer/gen/countries.py > importer/countries.csv
"""
import csv, json, sys

WB = "../shared/data/world-boundaries/"
HAND = {
    "US": ["USA", "U.S.", "U.S.A.", "United States of America", "America", "US of A"],
    "GB": ["UK", "U.K.", "Great Britain", "Britain", "England", "Scotland", "Wales", "Northern Ireland"],
    "KR": ["South Korea", "Korea, South", "Republic of Korea", "Korea"],
    "KP": ["North Korea", "Korea, North", "DPRK"],
    "RU": ["Russia", "Russian Federation"],
    "CZ": ["Czech Republic", "Czechia"],
    "CI": ["Ivory Coast", "Cote d'Ivoire"],
    "NL": ["Holland", "The Netherlands"],
    "AE": ["UAE", "Emirates"],
    "VN": ["Vietnam", "Viet Nam"],
    "IR": ["Iran"], "SY": ["Syria"], "LA": ["Laos"], "BO": ["Bolivia"], "VE": ["Venezuela"],
    "TZ": ["Tanzania"], "MD": ["Moldova"], "TW": ["Taiwan"], "CD": ["DR Congo", "DRC", "Congo-Kinshasa", "Democratic Republic of the Congo"],
    "CG": ["Congo-Brazzaville", "Republic of the Congo"], "MK": ["Macedonia", "North Macedonia"],
    "SZ": ["Swaziland", "Eswatini"], "MM": ["Burma", "Myanmar"], "CV": ["Cape Verde"], "TR": ["Turkey", "Türkiye"],
    "VA": ["Vatican", "Vatican City", "Holy See"], "PS": ["Palestine"], "FM": ["Micronesia"],
    "BN": ["Brunei"], "TL": ["East Timor", "Timor-Leste"], "HK": ["Hong Kong"], "MO": ["Macau", "Macao"],
}

iso = json.load(open("/usr/share/iso-codes/json/iso_3166-1.json"))["3166-1"]
names = {c["alpha_2"]: [c["name"], c.get("official_name", ""), c.get("common_name", "")] for c in iso}
by_num = {c["numeric"]: c["alpha_2"] for c in iso}
by_a3 = {c["alpha_3"]: c["alpha_2"] for c in iso}
for r in csv.DictReader(open(WB + "naturalearth_admin0_attributes_110m.csv")):
    a2 = by_a3.get(r["ISO_A3"]) or by_a3.get(r["ADM0_A3"]) or by_num.get(r["ISO_N3"])
    if a2:
        names[a2] += [r["NAME"], r["NAME_LONG"], r["ADMIN"]]
topo = json.load(open(WB + "countries-50m.json"))
for g in topo["objects"]["countries"]["geometries"]:
    a2 = by_num.get(str(g.get("id", "")))
    if a2:
        names[a2].append(g["properties"]["name"])
for a2, extra in HAND.items():
    names[a2] += extra

w = csv.writer(sys.stdout, lineterminator="\n")
sys.stdout.write("# Country aliases: ISO 3166-1 (Debian iso-codes 4.15.0), Natural Earth 4.1.0 names,\n"
                 "# and common English variants. Written by importer/gen/countries.py; do not edit.\n")
w.writerow(["iso2", "iso3", "numeric", "names"])
for c in sorted(iso, key=lambda c: c["alpha_2"]):
    seen, out = set(), []
    for n in names[c["alpha_2"]]:
        n = n.strip()
        if n and n.lower() not in seen:
            seen.add(n.lower()); out.append(n)
    w.writerow([c["alpha_2"], c["alpha_3"], c["numeric"], "|".join(out)])
