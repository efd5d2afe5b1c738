import CGDAL

/// Map coordinates of a raster's CRS <-> planetocentric lat/lon (degrees, east-positive, -180..180).
///
/// For a lunar raster the geographic side is IAU_2015:30100; PROJ transforms between the raster's Moon
/// sphere and it (same 1,737,400 m sphere, so the datum step is the identity). Never WGS84.
public final class CoordinateTransformer: @unchecked Sendable {
    private let forward: OGRCoordinateTransformationH
    private let inverse: OGRCoordinateTransformationH

    public init(crs: SpatialReference) throws {
        let geographic: SpatialReference
        if crs.body == .moon {
            geographic = try SpatialReference.moonGeographic()
        } else if let own = crs.geographic() {
            geographic = own
        } else {
            throw FarSideError.badInput("CRS '\(crs.name)' has no geographic coordinate system")
        }
        GDALEnvironment.resetError()
        guard let f = OCTNewCoordinateTransformation(crs.handle, geographic.handle),
              let i = OCTNewCoordinateTransformation(geographic.handle, crs.handle) else {
            throw FarSideError.badInput("no transformation from '\(crs.name)' to lunar lat/lon: \(GDALEnvironment.lastError(or: "PROJ refused"))")
        }
        forward = f
        inverse = i
    }

    deinit {
        OCTDestroyCoordinateTransformation(forward)
        OCTDestroyCoordinateTransformation(inverse)
    }

    /// Map (x, y) -> (lat, lon) in degrees, lon wrapped to -180..180; nil where PROJ has no answer.
    public func latLon(x: Double, y: Double) -> (lat: Double, lon: Double)? {
        var xs = x, ys = y, zs = 0.0
        guard OCTTransform(forward, 1, &xs, &ys, &zs) != 0, xs.isFinite, ys.isFinite else { return nil }
        return (ys, Self.wrapLongitude(xs))
    }

    /// (lat, lon) in degrees -> map (x, y); nil where PROJ has no answer.
    public func map(lat: Double, lon: Double) -> (x: Double, y: Double)? {
        var xs = lon, ys = lat, zs = 0.0
        guard OCTTransform(inverse, 1, &xs, &ys, &zs) != 0, xs.isFinite, ys.isFinite else { return nil }
        return (xs, ys)
    }

    public static func wrapLongitude(_ lon: Double) -> Double {
        var l = lon.truncatingRemainder(dividingBy: 360)
        if l > 180 { l -= 360 }
        if l <= -180 { l += 360 }
        return l
    }
}
