import Dispatch
import Ephemeris
import FarSideCore
import Foundation

/// The Sun's direction and the Earth's position at every step of a window, in the Moon's mean-Earth
/// frame, plus the Sun's angular radius. Computed once for all cells.
///
/// The Sun is taken as seen from the Moon's centre: an observer on the surface is at most R = 1,737 km
/// from it, so the Sun's topocentric direction differs by at most R / 1 AU = 0.0007 deg (neglected; the
/// disc's radius is 0.27 deg). The Earth is not: R / d reaches 0.26 deg at the Earth's distance, so the
/// Earth is kept as a position (km) and its direction is taken from the observer
/// (`earthDirections(from:)`): topocentric, parallax exact at that point.
public struct BodyTrack: Sendable {
    /// Unit vectors from the Moon's centre to the Sun (parallax neglected, see above).
    public var sun: [SIMD3<Double>]
    /// Angular radius of the solar disc, radians.
    public var sunRadius: [Double]
    /// The Earth's (apparent) position, Moon-centred ME frame, km.
    public var earthPositions: [SIMD3<Double>]

    public init(sun: [SIMD3<Double>], sunRadius: [Double], earthPositions: [SIMD3<Double>]) {
        precondition(sun.count == sunRadius.count && sun.count == earthPositions.count)
        self.sun = sun
        self.sunRadius = sunRadius
        self.earthPositions = earthPositions
    }

    /// Unit vectors from an observer at `site` (Moon-centred ME, km) to the Earth at every step.
    public func earthDirections(from site: SIMD3<Double>) -> [SIMD3<Double>] {
        earthPositions.map { p in
            let d = p - site
            return d / (d * d).sum().squareRoot()
        }
    }

    public var count: Int { sun.count }

    public static func compute(_ source: any EphemerisSource, window: TimeWindow, threads: Int = 1) -> BodyTrack {
        let n = window.count
        var sun = [SIMD3<Double>](repeating: .zero, count: n)
        var earth = sun
        var radius = [Double](repeating: 0, count: n)
        sun.withUnsafeMutableBufferPointer { s in
            earth.withUnsafeMutableBufferPointer { e in
                radius.withUnsafeMutableBufferPointer { r in
                    ParallelChunks.forEach(count: n, chunks: threads * ParallelChunks.chunksPerThread) { steps in
                        for i in steps {
                            let epoch = window.epoch(i)
                            let sp = source.sunPosition(at: epoch)
                            let d = (sp * sp).sum().squareRoot()
                            s[i] = sp / d
                            r[i] = SolarDisc.angularRadius(distanceKm: d)
                            e[i] = source.earthPosition(at: epoch)
                        }
                    }
                }
            }
        }
        return BodyTrack(sun: sun, sunRadius: radius, earthPositions: earth)
    }
}
