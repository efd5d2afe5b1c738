import Foundation
import GeoRaster

/// The local frame of a raster cell on the reference sphere: outward normal, and the raster's "up"
/// (decreasing row) and "right" directions projected into the tangent plane. Horizon azimuths are grid
/// azimuths, clockwise from `up`; for geographic grids `up` is true north, for polar stereographic grids
/// it differs from north by the grid convergence (the longitude), which this frame captures exactly.
public struct SurfaceFrame: Sendable {
    public var normal: SIMD3<Double>
    public var up: SIMD3<Double>
    public var right: SIMD3<Double>

    /// Unit vector of planetocentric (lat, lon) in degrees.
    public static func unitVector(lat: Double, lon: Double) -> SIMD3<Double> {
        let p = lat * .pi / 180, l = lon * .pi / 180
        return SIMD3(cos(p) * cos(l), cos(p) * sin(l), sin(p))
    }

    /// Frames of the cells of a raster window (row-major), through PROJ for the raster's CRS.
    public static func frames(transform: GeoTransform, transformer: CoordinateTransformer,
                              rows: Range<Int>, columns: Range<Int>) throws -> [SurfaceFrame] {
        var frames: [SurfaceFrame] = []
        frames.reserveCapacity(rows.count * columns.count)
        let nudge = 0.01  // pixels
        for r in rows {
            for c in columns {
                let p = transform.map(column: Double(c) + 0.5, row: Double(r) + 0.5)
                let q = transform.map(column: Double(c) + 0.5, row: Double(r) + 0.5 - nudge)
                guard let a = transformer.latLon(x: p.x, y: p.y), let b = transformer.latLon(x: q.x, y: q.y) else {
                    throw FarSideError.badInput("cell (\(r), \(c)) has no lunar lat/lon")
                }
                let n = unitVector(lat: a.lat, lon: a.lon)
                var u = unitVector(lat: b.lat, lon: b.lon) - n
                u -= (u * n).sum() * n
                u /= (u * u).sum().squareRoot()
                let right = SIMD3(u.y * n.z - u.z * n.y, u.z * n.x - u.x * n.z, u.x * n.y - u.y * n.x)  // up x normal
                frames.append(SurfaceFrame(normal: n, up: u, right: right))
            }
        }
        return frames
    }

    /// The point `height` metres above the reference sphere of `radius` metres along this frame's normal
    /// (Moon-centred ME, km): where an observer on the cell stands.
    @inlinable
    public func position(height: Double, radius: Double) -> SIMD3<Double> { normal * ((radius + height) / 1000) }

    /// Elevation and grid azimuth (radians, azimuth clockwise from `up` in 0..<2 pi) of direction `d`.
    @inlinable
    public func elevationAzimuth(_ d: SIMD3<Double>) -> (elevation: Double, azimuth: Double) {
        let z = (d * normal).sum(), y = (d * up).sum(), x = (d * right).sum()
        var a = atan2(x, y)
        if a < 0 { a += 2 * .pi }
        return (asin(max(-1, min(1, z))), a)
    }
}
