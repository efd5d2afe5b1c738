import Dispatch
import Ephemeris
import Foundation

/// Directions of the Sun and the Earth from the Moon's centre at every step of a window, as unit vectors
/// in the Moon's mean-Earth frame, plus the Sun's angular radius. Computed once for all cells: the Sun is
/// so far that its direction is the same over any DEM (parallax < 0.001 deg); the Earth's parallax across
/// a region a few hundred km wide is below 0.05 deg.
public struct BodyTrack: Sendable {
    public var sun: [SIMD3<Double>]
    public var sunRadius: [Double]
    public var earth: [SIMD3<Double>]

    public var count: Int { sun.count }

    public static func compute(_ source: any EphemerisSource, window: TimeWindow, threads: Int = 1) -> BodyTrack {
        let n = window.count
        var sun = [SIMD3<Double>](repeating: .zero, count: n)
        var earth = sun
        var radius = [Double](repeating: 0, count: n)
        sun.withUnsafeMutableBufferPointer { s in
            earth.withUnsafeMutableBufferPointer { e in
                radius.withUnsafeMutableBufferPointer { r in
                    let chunks = max(1, min(n, threads * 8))
                    DispatchQueue.concurrentPerform(iterations: chunks) { k in
                        for i in (k * n / chunks)..<((k + 1) * n / chunks) {
                            let epoch = window.epoch(i)
                            let sp = source.sunPosition(at: epoch)
                            let d = (sp * sp).sum().squareRoot()
                            s[i] = sp / d
                            r[i] = SolarDisc.angularRadius(distanceKm: d)
                            let ep = source.earthPosition(at: epoch)
                            e[i] = ep / (ep * ep).sum().squareRoot()
                        }
                    }
                }
            }
        }
        return BodyTrack(sun: sun, sunRadius: radius, earth: earth)
    }
}
