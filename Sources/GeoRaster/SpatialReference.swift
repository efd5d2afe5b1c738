import CGDAL
import Foundation

/// A coordinate reference system (GDAL OSR over PROJ), with the facts FarSide needs: body, radius,
/// geographic or projected, and its name.
public final class SpatialReference: @unchecked Sendable {
    let handle: OGRSpatialReferenceH

    /// Parses anything `OSRSetFromUserInput` accepts: WKT, PROJ strings, `IAU_2015:30135`, `ESRI:104903`.
    public init(definition: String) throws {
        GDALEnvironment.initialize()
        guard let h = OSRNewSpatialReference(nil) else { throw FarSideError.failure("cannot create a spatial reference") }
        GDALEnvironment.resetError()
        if OSRSetFromUserInput(h, definition) != OGRERR_NONE {
            OSRDestroySpatialReference(h)
            throw FarSideError.badInput("unknown CRS '\(definition)': \(GDALEnvironment.lastError(or: "not recognised by PROJ"))")
        }
        OSRSetAxisMappingStrategy(h, OAMS_TRADITIONAL_GIS_ORDER)
        handle = h
    }

    init(owning h: OGRSpatialReferenceH) {
        OSRSetAxisMappingStrategy(h, OAMS_TRADITIONAL_GIS_ORDER)
        handle = h
    }

    deinit { OSRDestroySpatialReference(handle) }

    /// The lunar geographic CRS of every FarSide lat/lon output (IAU_2015:30100, planetocentric, east-positive).
    public static func moonGeographic() throws -> SpatialReference { try SpatialReference(definition: "IAU_2015:30100") }
    /// South polar stereographic on the Moon sphere (IAU_2015:30135), the native grid of polar products.
    public static func moonSouthPolar() throws -> SpatialReference { try SpatialReference(definition: "IAU_2015:30135") }

    public var wkt: String {
        var out: UnsafeMutablePointer<CChar>?
        let options = CStringList(["FORMAT=WKT2_2019"])
        guard OSRExportToWktEx(handle, &out, options.constPointer) == OGRERR_NONE, let out else { return "" }
        defer { VSIFree(out) }
        return String(cString: out)
    }

    public var name: String { OSRGetName(handle).map { String(cString: $0) } ?? "unnamed" }
    public var isGeographic: Bool { OSRIsGeographic(handle) != 0 }
    public var isProjected: Bool { OSRIsProjected(handle) != 0 }

    /// Semi-major axis of the CRS's ellipsoid in metres.
    public var semiMajorAxis: Double {
        var err: OGRErr = OGRERR_NONE
        return OSRGetSemiMajor(handle, &err)
    }

    /// Size of one angular unit in radians (degrees for nearly every lunar geographic CRS).
    public var angularUnitRadians: Double { OSRGetAngularUnits(handle, nil) }

    /// Size of one linear unit in metres.
    public var linearUnitMetres: Double { OSRGetLinearUnits(handle, nil) }

    /// Projection method name, e.g. "Polar_Stereographic" or "Equirectangular"; nil when geographic.
    public var projectionMethod: String? { attribute("PROJECTION") }

    /// The body this CRS lives on, from its names, authority and radius.
    public var body: CelestialBody {
        let names = ["DATUM", "SPHEROID", "GEOGCS", "PROJCS"].compactMap { attribute($0) } + [name]
        let authority = OSRGetAuthorityName(handle, nil).map { String(cString: $0) }
        let code = OSRGetAuthorityCode(handle, nil).map { String(cString: $0) }
        return CelestialBody.identify(names: names, authority: authority, code: code, semiMajorAxis: semiMajorAxis)
    }

    /// This CRS's own geographic coordinate system (same datum and body).
    public func geographic() -> SpatialReference? {
        OSRCloneGeogCS(handle).map { SpatialReference(owning: $0) }
    }

    /// The registered CRS (an authority and code, such as IAU_2015:30135) that is the same as this one, or
    /// this one when none is: formats that name a CRS by code (GeoJSON's `crs` member) can then name it, so
    /// QGIS does not take its coordinates for WGS 84.
    public func identified() -> SpatialReference {
        guard OSRGetAuthorityName(handle, nil) == nil else { return self }
        var count: Int32 = 0
        var confidences: UnsafeMutablePointer<Int32>?
        guard let matches = OSRFindMatches(handle, nil, &count, &confidences) else { return self }
        defer { OSRFreeSRSArray(matches); VSIFree(confidences) }
        // The same coordinates (names and parameter forms may differ, so OSRIsSame is too strict): a few
        // points map onto themselves to a micrometre (projected) or 1e-9 degree (geographic).
        for i in 0..<Int(count) {
            guard let candidate = matches[i], mapsIdentically(to: candidate), let copy = OSRClone(candidate) else { continue }
            return SpatialReference(owning: copy)
        }
        return self
    }

    func mapsIdentically(to other: OGRSpatialReferenceH) -> Bool {
        guard let copy = OSRClone(other) else { return false }
        OSRSetAxisMappingStrategy(copy, OAMS_TRADITIONAL_GIS_ORDER)
        defer { OSRDestroySpatialReference(copy) }
        guard let t = OCTNewCoordinateTransformation(handle, copy) else { return false }
        defer { OCTDestroyCoordinateTransformation(t) }
        let geographic = isGeographic
        var x: [Double] = geographic ? [10, -120, 45.5] : [0, 100_000, -300_000]
        var y: [Double] = geographic ? [-80, 35, -10.25] : [0, -200_000, 12_345]
        let x0 = x, y0 = y
        guard OCTTransform(t, 3, &x, &y, nil) != 0 else { return false }
        let tolerance = geographic ? 1e-9 : 1e-6
        return (0..<3).allSatisfy { abs(x[$0] - x0[$0]) <= tolerance && abs(y[$0] - y0[$0]) <= tolerance }
    }


    func attribute(_ key: String) -> String? {
        OSRGetAttrValue(handle, key, 0).map { String(cString: $0) }
    }
}
