/// The built-in rover profiles (`farside traverse --rover NAME`), every assumption written in the YAML;
/// `farside traverse --show-rover NAME` prints one to start your own from. Figures marked ASSUMED are
/// planning values, not published specifications.
public enum BuiltInRovers {
    public static let all: [String: String] = [
        "distance": distance,
        "viper-class": viperClass,
        "yutu-class": yutuClass,
    ]

    public static let distance = """
    # The reference case: cost = ground distance in metres (planimetric), no time dependence. With
    # --neighbours 8 it is what GRASS r.cost and scikit-image's MCP_Geometric compute on a cost of 1 per metre.
    name: distance
    description: Ground distance through cells no steeper than 20 deg; sunlight and links ignored.
    objective: distance
    cells:
      max_slope_deg: 20             # 3 x 3 Horn slope (as gdaldem slope) of the cells it may enter
    """

    public static let viperClass = """
    # A VIPER-class prospecting rover (NASA; 430 kg, solar powered, direct-to-Earth links). It drives only
    # while lit and in contact and must sit out losses of contact and nights at safe havens; it may make
    # short battery-powered excursions into permanently shadowed regions.
    name: viper-class
    description: >-
      VIPER-class rover: 0.2 m/s on the level, 15 deg grade limit, drives in shadow for at most 6 h
      (PSR excursions), survives 50 h parked in shadow, needs the Earth in view to drive.
    objective: time                 # cost_distance.tif in hours of driving
    cells:
      max_slope_deg: 15             # design slope 15 deg (NASA VIPER fact sheet)
      max_roughness_m: 12           # ASSUMED: 3 x 3 relief at 20 m cells beyond a 15 deg plane's 10.7 m (breaks, blocks)
      enter_psr: true               # PSR excursions are the mission
    moves:
      max_grade_deg: 15
      # Speed against grade along the direction of travel (m/s): 0.2 m/s top speed (NASA); slower
      # uphill (power) and downhill (braking, hazard checks). ASSUMED shape.
      speed_mps: [[-15, 0.10], [-5, 0.18], [0, 0.20], [5, 0.16], [15, 0.08]]
      # Wh per metre against grade: ASSUMED ~450 W drive power at 0.2 m/s on the level (0.6 Wh/m).
      energy_wh_per_m: [[-15, 0.35], [0, 0.6], [15, 1.6]]
    time:
      min_sun_elevation_deg: 1      # ASSUMED: the Sun's centre 1 deg clear of horizon and terrain
      max_shadow_drive_h: 6         # ASSUMED battery for a PSR excursion
      max_shadow_h: 50              # ASSUMED survivable darkness parked (safe-haven nights)
      max_no_link_drive_h: 0.25     # drives only in contact (15 min ASSUMED margin for short dropouts)
      link: earth                   # direct to Earth (DSN)
      height_m: 2                   # mast height (solar panels and antenna lower; ASSUMED)
    """

    public static let yutuClass = """
    # A Yutu-class rover (Chang'e-3 / Chang'e-4 Yutu-2; 140 kg, solar powered, radioisotope heat to
    # survive the night). It drives in sunlight only, through a relay (Queqiao) on the far side, and
    # hibernates through the lunar night wherever it stands.
    name: yutu-class
    description: >-
      Yutu-class rover: 200 m/h on the level, 20 deg grade limit, no driving in shadow, survives a
      whole lunar night parked, drives only with a relay link.
    objective: time
    cells:
      max_slope_deg: 20             # climbs 20 deg slopes (CAST)
      max_roughness_m: 16           # ASSUMED: 3 x 3 relief at 20 m cells beyond a 20 deg plane's 14.6 m
      enter_psr: false              # no heat or power for permanent shadow
    moves:
      max_grade_deg: 20
      # 200 m/h top speed (0.056 m/s, CAST); ASSUMED slower on grades.
      speed_mps: [[-20, 0.03], [0, 0.056], [20, 0.025]]
      energy_wh_per_m: [[-20, 0.4], [0, 0.5], [20, 1.5]]   # ASSUMED
    time:
      min_sun_elevation_deg: 5      # ASSUMED: solar arrays need a higher Sun
      max_shadow_drive_h: 0         # never drives in shadow
      max_shadow_h: 400             # hibernates through a lunar night (~354 h) and margin
      max_no_link_drive_h: 0        # drives only with a link
      link: relay
      height_m: 1.5                 # ASSUMED mast height
    """
}
