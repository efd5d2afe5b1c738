/// The body a CRS is defined on. FarSide works on the Moon; other bodies are refused unless the user
/// says what to assume (docs/conventions.md: never Earth constants for a lunar raster).
public enum CelestialBody: Sendable, Equatable, CustomStringConvertible {
    case moon
    case earth
    case other(String)

    /// Mean lunar radius (LOLA, IAU): the reference sphere of every Moon CRS.
    public static let moonRadius: Double = 1_737_400

    public var description: String {
        switch self {
        case .moon: return "Moon"
        case .earth: return "Earth"
        case .other(let name): return name
        }
    }

    /// Recognises the body from the datum/ellipsoid/CRS names, the authority and the semi-major axis.
    ///
    /// GDAL 3.6 has no celestial-body query, so the names are read: PDS/ISIS labels say MOON, PROJ's IAU
    /// catalogue says "Moon (2015)", ESRI says GCS_Moon_2000. A nameless sphere of the lunar radius
    /// (within 2 km) is the Moon too.
    public static func identify(names: [String], authority: String?, code: String?, semiMajorAxis: Double) -> CelestialBody {
        let text = names.joined(separator: " ").lowercased()
        if let authority, authority.uppercased().hasPrefix("IAU"), let code, code.hasPrefix("301") { return .moon }
        if text.contains("moon") || text.contains("lunar") || text.range(of: #"\bluna\b"#, options: .regularExpression) != nil {
            return .moon
        }
        if text.contains("wgs") || text.contains("earth") || text.contains("grs") || text.contains("nad")
            || text.contains("etrs") || abs(semiMajorAxis - 6_378_137) < 30_000 {
            return .earth
        }
        if abs(semiMajorAxis - moonRadius) < 2_000 { return .moon }
        let name = names.first { !$0.isEmpty } ?? "unknown body"
        return .other("\(name) (radius \(Int(semiMajorAxis)) m)")
    }
}
