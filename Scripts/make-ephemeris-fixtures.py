#!/usr/bin/env python3
"""Generate the JSON fixtures for Tests/EphemerisTests from the real SPICE kernels via skyfield.

skyfield (Rhodes, https://rhodesmill.org/skyfield/) reads the same files as the Swift
`SpiceEphemeris`: de421.bsp, moon_pa_de421_1900-2050.bpc and moon_080317.tf. Runs offline:

    pip install skyfield jplephem
    python3 Scripts/make-ephemeris-fixtures.py            # from the repository root

Kernels are looked up in ../shared/data/kernels relative to the repository root (override with
--kernels). Output: Tests/EphemerisTests/Fixtures/skyfield-moon-me.json.

Definitions (all vectors Moon-centred, MOON_ME_DE421 frame, km):
  * geometric: target(t) - moon(t), both from the SPK at the same TDB instant;
  * apparent:  skyfield's observe() (iterated light time) + apparent() (stellar aberration for
    the Moon's barycentric velocity; skyfield's gravitational deflection is below 1e-6 deg here);
  * the body-fixed rotation is always evaluated at the observation time t.
"""
import argparse
import json
import os
import random

import numpy as np
from skyfield.api import load, load_file
from skyfield.planetarylib import PlanetaryConstants

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--kernels', default=os.path.join(ROOT, '..', 'shared', 'data', 'kernels'))
    ap.add_argument('--out', default=os.path.join(ROOT, 'Tests', 'EphemerisTests', 'Fixtures',
                                                  'skyfield-moon-me.json'))
    ap.add_argument('--count', type=int, default=60)
    args = ap.parse_args()
    k = args.kernels

    ts = load.timescale(builtin=True)
    eph = load_file(os.path.join(k, 'de421.bsp'))
    pc = PlanetaryConstants()
    with open(os.path.join(k, 'moon_080317.tf'), 'rb') as f:
        pc.read_text(f)
    # jplephem reads the binary PCK lazily: keep the file open for the whole run.
    bpc = open(os.path.join(k, 'moon_pa_de421_1900-2050.bpc'), 'rb')
    pc.read_binary(bpc)
    # Sphere of the LOLA reference radius (the frame kernel carries no radii).
    pc.variables['BODY301_RADII'] = [1737.4, 1737.4, 1737.4]
    frame = pc.build_frame_named('MOON_ME_DE421')
    moon, sun, earth = eph['moon'], eph['sun'], eph['earth']

    rng = random.Random(20240601)
    stamps = []
    for i in range(args.count):
        year = 1990 + (60.0 * i) / args.count + rng.random() * (60.0 / args.count)
        y = int(year)
        doy = (year - y) * 365.0
        t0 = ts.utc(y, 1, 1 + int(doy), rng.randrange(24), rng.randrange(60),
                    rng.randrange(60) + (0.25 if i % 5 == 0 else 0.0))
        stamps.append(t0)
    # The docs/references.md check epochs and both sides of the 2016 leap second.
    stamps.append(ts.utc(2024, 6, 2, 0, 0, 0))
    stamps.append(ts.utc(2024, 6, 1, 22, 23, 0))
    stamps.append(ts.utc(2016, 12, 31, 23, 59, 59))
    stamps.append(ts.utc(2017, 1, 1, 0, 0, 0))

    epochs = []
    for t in stamps:
        utc = t.utc_strftime('%Y-%m-%dT%H:%M:%S')
        frac = t.utc.second % 1.0
        if abs(frac) > 1e-9:
            utc += ('%.3f' % frac)[1:]
        utc += 'Z'
        tdb_s = ((t.whole - 2451545.0) + t.tdb_fraction) * 86400.0
        rot = frame.rotation_at(t)  # ICRF -> MOON_ME_DE421
        m = moon.at(t)
        row = {
            'utc': utc,
            'tdbSecondsPastJ2000': float(tdb_s),
            'icrfToME': [float(x) for x in np.asarray(rot).reshape(9)],
            'moonBarycentricKm': [float(x) for x in m.position.km],
        }
        for name, body in (('sun', sun), ('earth', earth)):
            geo = (body.at(t) - m).frame_xyz(frame).km
            app = m.observe(body).apparent().frame_xyz(frame).km
            row[name + 'GeometricKm'] = [float(x) for x in geo]
            row[name + 'ApparentKm'] = [float(x) for x in app]
        epochs.append(row)

    # Topocentric apparent azimuth/elevation (skyfield altaz on the 1737.4 km sphere).
    sites = [
        ('Chang\'e-6 (docs/references.md)', -41.625, -153.978, 0.0, (2024, 6, 1, 22, 23, 0)),
        ('Shackleton rim', -89.67, 129.78, 0.0, (2025, 3, 14, 6, 0, 0)),
        ('Chang\'e-4', -45.4446, 177.5991, -5935.0, (2019, 1, 3, 2, 26, 0)),
        ('Chang\'e-5', 43.0576, -51.9161, 0.0, (2020, 12, 1, 15, 11, 0)),
        ('north pole region', 87.0, 30.0, 2000.0, (2030, 7, 9, 12, 0, 0)),
    ]
    topo = []
    for name, lat, lon, h, ymdhms in sites:
        t = ts.utc(*ymdhms)
        site = moon + pc.build_latlon_degrees(frame, lat, lon, h)
        row = {'name': name, 'lat': lat, 'lon': lon, 'heightM': h,
               'utc': t.utc_strftime('%Y-%m-%dT%H:%M:%SZ')}
        for bname, body in (('sun', sun), ('earth', earth)):
            alt, az, _ = site.at(t).observe(body).apparent().altaz()
            row[bname + 'ElevationDeg'] = float(alt.degrees)
            row[bname + 'AzimuthDeg'] = float(az.degrees)
        topo.append(row)

    out = {
        'generator': 'Scripts/make-ephemeris-fixtures.py (skyfield + de421.bsp + '
                     'moon_pa_de421_1900-2050.bpc + moon_080317.tf)',
        'frame': 'MOON_ME_DE421',
        'epochs': epochs,
        'topocentric': topo,
    }
    os.makedirs(os.path.dirname(args.out), exist_ok=True)
    with open(args.out, 'w') as f:
        json.dump(out, f, indent=1)
    print('wrote', args.out, len(epochs), 'epochs,', len(topo), 'sites')


if __name__ == '__main__':
    main()
