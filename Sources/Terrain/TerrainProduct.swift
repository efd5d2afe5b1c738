/// The terrain derivatives `farside terrain` writes.
public enum TerrainProduct: String, CaseIterable, Sendable {
    /// Slope in degrees from horizontal.
    case slope
    /// Aspect: azimuth of the downslope direction, degrees clockwise from grid north (true north on
    /// geographic grids), 0..<360; NaN (nodata) where the cell is flat, as gdaldem writes it.
    case aspect
    /// Roughness as gdaldem defines it: largest minus smallest height in the 3 x 3 window, metres.
    case roughness

    public var unit: String {
        switch self {
        case .slope, .aspect: return "deg"
        case .roughness: return "m"
        }
    }

    public var bandDescription: String {
        switch self {
        case .slope: return "slope (degrees)"
        case .aspect: return "aspect (degrees clockwise from grid north, downslope direction)"
        case .roughness: return "roughness (max - min in 3x3 window, metres)"
        }
    }
}

/// The gradient estimator.
public enum SlopeAlgorithm: String, CaseIterable, Sendable {
    /// Horn (1981), "Hill shading and the reflectance map", Proc. IEEE 69(1): a 3 x 3 Sobel-weighted
    /// finite difference; gdaldem's default.
    case horn
    /// Zevenbergen & Thorne (1987), "Quantitative analysis of land surface topography", ESPL 12:
    /// central differences of the four edge neighbours.
    case zevenbergenThorne = "zevenbergen-thorne"
}
