import Ephemeris
import Orbits
import Visibility

/// Positions for the relay engine at every step of a window: each satellite's and the Earth's, Moon-
/// centred in the ME frame (km).
public enum RelayTrack {
    public static func sample(_ constellation: Constellation, ephemeris: any EphemerisSource, window: TimeWindow)
        -> (satellites: [[SIMD3<Double>]], earth: [SIMD3<Double>]) {
        let steps = window.count
        var positions = [[SIMD3<Double>]](repeating: [SIMD3<Double>](repeating: .zero, count: steps), count: constellation.satellites.count)
        var earth = [SIMD3<Double>](repeating: .zero, count: steps)
        for t in 0..<steps {
            let epoch = window.epoch(t)
            for (s, satellite) in constellation.satellites.enumerated() { positions[s][t] = satellite.positionME(at: epoch) }
            earth[t] = ephemeris.earthPosition(at: epoch)
        }
        return (positions, earth)
    }
}
