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

    func attribute(_ key: String) -> String? {
        OSRGetAttrValue(handle, key, 0).map { String(cString: $0) }
    }
}
