/// A small polar station layout for the station tests (CLI and in process): a rover for the synthetic
/// terrain's 20 m relief (time objective, 25 deg, no roughness limit) and a profile over 48 h near the pole.
public enum StationFixtures {
    public static let rover = """
        name: test-rover
        objective: time
        cells: {max_slope_deg: 25, enter_psr: true}
        moves: {max_grade_deg: 25, speed_mps: [[-25, 0.1], [0, 0.2], [25, 0.05]]}
        """

    public static func profile(rover path: String, power: String = "{count: 2, max_cost: 0.6, max_slope_deg: 15, min_separation_m: 100}") -> String {
        """
        name: small-station
        region: {lat: -89.95, lon: 0, radius_km: 1.2}
        time: {start: 2027-01-01T00:00:00Z, duration_h: 48, step: 4h}
        height_m: 2
        azimuths: 16
        rover: \(path)
        base:
          criteria:
            - {layer: slope, max: 12, membership: {linear: [12, 2]}, weight: 1}
          candidates: 3
          min_separation_m: 300
        power: \(power)
        comms: {max_cost: 0.6, layer: earth_fraction}
        ice: {max_cost: 3}
        weights: {base: 1, power: 2, comms: 1, ice: 1}
        """
    }
}
