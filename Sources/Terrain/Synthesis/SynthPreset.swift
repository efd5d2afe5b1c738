import Foundation
import GeoRaster

/// Named synthetic terrains (`farside synth --preset`).
public enum SynthPreset: String, CaseIterable, Sendable {
    /// Mare plains of the southern Apollo basin around the Chang'e-6 site, rising to the basin's outer
    /// ring; geographic grid on IAU_2015:30100.
    case apolloBasin = "apollo-basin"
    /// Cratered highlands and the floor of the South Pole-Aitken basin around its centre; geographic grid.
    case spa
    /// Rough polar highlands with a Shackleton-like crater; south polar stereographic (IAU_2015:30135)
    /// centred on the pole.
    case southPole = "south-pole"
    /// A smooth sphere: every height 0 (for geometry tests); polar stereographic on the pole.
    case flat

    public var defaultResolution: Double {
        switch self {
        case .apolloBasin: return 200
        case .spa: return 2000
        case .southPole, .flat: return 100
        }
    }

    /// Default centre (lat, lon) in degrees.
    public var defaultCentre: (lat: Double, lon: Double) {
        switch self {
        case .apolloBasin: return (-41.6385, -153.9852)  // Chang'e-6 lander (LROC)
        case .spa: return (-53, -169)                     // Garrick-Bethell & Zuber 2009
        case .southPole, .flat: return (-90, 0)
        }
    }

    public var isPolar: Bool { self == .southPole || self == .flat }

    /// The lunar CRS of the output grid.
    public var crsDefinition: String { isPolar ? "IAU_2015:30135" : "IAU_2015:30100" }
}

/// One crater to place: centre in local metres, diameter, and optional explicit depth/rim.
public struct CraterSpec: Sendable {
    public var x: Double
    public var y: Double
    public var shape: CraterMorphometry
    public var depthOverride: Double?

    public init(x: Double, y: Double, shape: CraterMorphometry, depthOverride: Double? = nil) {
        self.x = x
        self.y = y
        self.shape = shape
        self.depthOverride = depthOverride
    }

    func height(_ r: Double) -> Double {
        let h = shape.profile(r)
        guard let depth = depthOverride, r < shape.diameter / 2 else { return h }
        return h * depth / shape.depth
    }
}

/// A crater population with a power-law size-frequency distribution: the cumulative number of craters
/// larger than D per km^2 is `density1km` x D_km^(-slope) (lunar production and equilibrium
/// populations have slopes near 2; Neukum, Ivanov & Hartmann 2001; Gault 1970).
public struct CraterPopulation: Sendable {
    public var density1km: Double
    public var slope: Double
    public var minimumDiameter: Double
    public var maximumDiameter: Double

    /// Craters over a `width` x `height` m area centred on the origin (plus a margin so the edges look
    /// like the middle), sorted from the largest; diameters by inverse-transform sampling.
    public func sample(width: Double, height: Double, rng: inout SplitMix64, limit: Int = 400_000) -> [CraterSpec] {
        guard maximumDiameter > minimumDiameter, density1km > 0 else { return [] }
        let margin = maximumDiameter
        let areaKm2 = (width + 2 * margin) * (height + 2 * margin) / 1e6
        let dMin = minimumDiameter / 1000, dMax = maximumDiameter / 1000
        let expected = areaKm2 * density1km * (pow(dMin, -slope) - pow(dMax, -slope))
        let count = min(limit, Int(expected.rounded()))
        var craters: [CraterSpec] = []
        craters.reserveCapacity(count)
        let lo = pow(dMin, -slope), hi = pow(dMax, -slope)
        for _ in 0..<count {
            let u = rng.unit()
            let dKm = pow(lo - u * (lo - hi), -1 / slope)
            let x = (rng.unit() - 0.5) * (width + 2 * margin)
            let y = (rng.unit() - 0.5) * (height + 2 * margin)
            let degradation = 0.25 + 0.75 * rng.unit()
            craters.append(CraterSpec(x: x, y: y, shape: CraterMorphometry(diameter: dKm * 1000, degradation: degradation)))
        }
        return craters.sorted { $0.shape.diameter > $1.shape.diameter }
    }
}
