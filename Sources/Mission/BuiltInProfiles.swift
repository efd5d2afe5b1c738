/// The built-in mission profiles (`farside rank --profile NAME`), with every assumption stated in the
/// YAML itself; `farside rank --show-profile NAME` prints one to start your own from.
public enum BuiltInProfiles {
    public static let all: [String: String] = [
        "change6-lander": change6Lander,
        "ilrs-south-pole": ilrsSouthPole,
        "terrain-only": terrainOnly,
    ]

    public static let change6Lander = """
    # Chang'e-6-class far-side sample-return lander in the Apollo basin (inside South Pole-Aitken).
    name: change6-lander
    description: >-
      Chang'e-6 planned landing zone (41-45 S, 150-158 W; Zeng et al. 2023, Nature Astronomy), surface
      window from the landing time for 49 hours, hard slope limit 8 deg, a 2.5 x 1.25 km landing ellipse
      needing 95 % safe cells, weights on slope, roughness, sunlight and Queqiao-2 visibility.
    # The planned landing zone (docs/references.md).
    region: {lat_min: -45, lat_max: -41, lon_min: -158, lon_max: -150}
    # Default DEM: the bundled synthetic sample (relative to the working directory); --dem overrides.
    dem: Rasters/apollo-basin.tif
    time:
      start: 2024-06-01T22:23:00Z   # Chang'e-6 landing (docs/references.md)
      duration_h: 49                # assumed surface operations window (sampling and ascent), 49 h
      step: 1h
    height_m: 2                     # assumed height of the lander's antenna and solar arrays above ground
    orbit: queqiao-2                # built-in orbit: node and phase are ASSUMED (not published)
    min_elevation_deg: 5            # assumed relay link elevation mask
    azimuths: 90                    # horizon azimuths (4 deg): enough at basin scale
    criteria:
      - layer: slope                # hard limit 8 deg (lander tip-over margin); flatter is better
        max: 8
        membership: {linear: [8, 0]}
        weight: 3
      - layer: roughness            # max - min height in the 3 x 3 window, metres (grid-scale relief)
        membership: {linear: [60, 0]}
        weight: 1
      - layer: sun_fraction         # power: mean visible solar disc over the window
        membership: {linear: [0.5, 1.0]}
        weight: 1
      - layer: relay_fraction       # commands and data go through Queqiao-2 only (no Earth link here)
        membership: {linear: [0.3, 0.9]}
        weight: 2
    # Landing ellipse: 2.5 km x 1.25 km semi-axes, major axis east-west (assumed descent direction).
    ellipse: {semi_major_m: 2500, semi_minor_m: 1250, azimuth_deg: 90, min_safe_fraction: 0.95}
    ranking: {count: 10, min_separation_m: 5000}
    """

    public static let ilrsSouthPole = """
    # International Lunar Research Station near the south pole: long sunlight, short nights, links, ice.
    name: ilrs-south-pole
    description: >-
      Station site within 60 km of the south pole: sunlight at 2 m over one year, short longest darkness,
      Earth and relay visibility, slope limit 10 deg, permanently shadowed (ice-bearing) cells within 5 km
      of rover driving (VIPER-class: 15 deg slopes and grades).
    region: {lat: -89.5, lon: 0, radius_km: 60}
    time:
      start: 2027-01-01T00:00:00Z   # assumed operations year
      duration_h: 8760              # one year
      step: 2h                      # 2-hour steps (an assumption trading time resolution for speed)
    height_m: 2                     # solar arrays and antennas 2 m above ground (Glaser et al. 2014 compare 2 m)
    orbit: queqiao-2                # built-in orbit: node and phase ASSUMED; apolune over the south pole
    min_elevation_deg: 5
    azimuths: 180
    criteria:
      - layer: slope
        max: 10                     # hard limit for landing and construction
        membership: {linear: [10, 2]}
        weight: 1
      - layer: sun_fraction
        min: 0.2                    # hard limit: a station's power needs sunlight (a dark crater floor is no site)
        membership: {linear: [0.3, 0.9]}
        weight: 3
      - layer: max_darkness_h       # battery sizing: shorter nights are better
        membership: {linear: [240, 48]}
        weight: 2
      - layer: earth_fraction
        membership: {linear: [0.2, 0.8]}
        weight: 1
      - layer: relay_fraction
        membership: {linear: [0.3, 0.9]}
        weight: 1
      - layer: psr_traverse_m       # ice: a permanently shadowed cell within 5 km of rover driving (hard limit)
        max: 5000
        membership: {linear: [5000, 500]}
        weight: 1
    rover: viper-class              # the psr_traverse_m paths: cells and grades a VIPER-class rover can drive
    # A ~100 m radius landing/construction site (Artemis planning value, docs/references.md).
    ellipse: {semi_major_m: 100, semi_minor_m: 100, azimuth_deg: 0, min_safe_fraction: 0.9}
    ranking: {count: 10, min_separation_m: 2000}
    """

    /// The built-in station-layout profiles (`farside station --profile NAME`).
    public static let stations: [String: String] = ["ilrs-station": ilrsStation]

    public static let ilrsStation = """
    # ILRS station layout near the south pole: a base (landing and construction site), two power sites on
    # the best-lit ground, a communications site and the nearest reachable ice (permanent shadow), all
    # linked by a VIPER-class rover's routes. Every cost is in the rover's unit (hours of driving).
    name: ilrs-station
    description: >-
      Base within 8 km of the pole (Shackleton's rim on LOLA data), two power sites within 1.5 h drive
      of it, a comms site within 1.5 h, permanently shadowed ice within 6 h; over one synodic month.
    region: {lat: -89.9, lon: 0, radius_km: 8}
    time:
      start: 2027-01-01T00:00:00Z   # assumed operations start
      duration_h: 708               # one synodic month (29.5 d): every Sun azimuth once
      step: 2h
    height_m: 2                     # arrays and antennas 2 m above ground (as ilrs-south-pole)
    orbit: queqiao-2                # relay for comms_fraction (node and phase ASSUMED)
    min_elevation_deg: 5
    azimuths: 180
    rover: viper-class              # routes between the elements; costs in its unit (h)
    base:
      criteria:
        - layer: slope
          max: 8                    # landing and construction limit (ASSUMED, as change6-lander)
          membership: {linear: [8, 2]}
          weight: 2
        - layer: roughness
          max: 3                    # metres of relief in the 3 x 3 window at 20 m (ASSUMED)
          membership: {linear: [3, 0.5]}
          weight: 1
        - layer: sun_fraction
          membership: {linear: [0.2, 0.8]}
          weight: 1
      # A ~100 m radius landing/construction site (as ilrs-south-pole).
      ellipse: {semi_major_m: 100, semi_minor_m: 100, azimuth_deg: 0, min_safe_fraction: 0.9}
      candidates: 5                 # the five best base sites each seed a layout
      min_separation_m: 1000
    power:
      count: 2                      # two array fields, so one ridge's shadow does not cut all power
      max_cost: 1.5                 # h of driving from the base (cable and maintenance trips; ASSUMED)
      max_slope_deg: 15
      min_separation_m: 200
    comms:
      max_cost: 1.5
      layer: comms_fraction         # Earth or relay (comms_fraction); earth_fraction for direct only
    ice:
      max_cost: 6                   # h of driving to the nearest permanently shadowed cell (VIPER-like)
    weights: {base: 1, power: 2, comms: 1, ice: 1}
    """

    public static let terrainOnly = """
    # Slope and roughness alone, for quick runs on any DEM (no time window, no ephemeris).
    name: terrain-only
    description: Flattest, smoothest cells of the whole DEM; slope limit 10 deg.
    criteria:
      - layer: slope
        max: 10
        membership: {linear: [10, 0]}
        weight: 2
      - layer: roughness
        membership: {linear: [50, 0]}
        weight: 1
    ranking: {count: 10, min_separation_m: 2000}
    """
}
