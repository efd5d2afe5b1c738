import Dispatch
import Foundation
import GeoRaster

/// A synthetic DEM with its georeferencing.
public struct SyntheticDEM: Sendable {
    public var grid: Grid
    public var geoTransform: GeoTransform
    public var crsDefinition: String
    public var description: String
}

/// Synthetic lunar terrain: a basin-scale profile, a fractal (fBm) background and a crater population
/// with a power-law size-frequency distribution and Pike (1977) morphometry. Deterministic by seed.
public struct TerrainSynthesizer: Sendable {
    public var preset: SynthPreset
    public var size: Int
    public var resolution: Double
    public var seed: UInt64
    public var centre: (lat: Double, lon: Double)
    public var threads: Int

    public init(preset: SynthPreset, size: Int = 512, resolution: Double? = nil, seed: UInt64 = 1,
                centre: (lat: Double, lon: Double)? = nil, threads: Int = 1) {
        self.preset = preset
        self.size = size
        self.resolution = resolution ?? preset.defaultResolution
        self.seed = seed
        self.centre = centre ?? preset.defaultCentre
        self.threads = threads
    }

    static let radius = CelestialBody.moonRadius

    public func generate() throws -> SyntheticDEM {
        guard size >= 3, size <= 65_536 else { throw FarSideError.usage("{size} \(size): must be 3 ... 65536") }
        guard resolution.isFinite, resolution > 0, resolution <= 100_000 else {
            throw FarSideError.usage("{resolution} \(resolution): must be > 0 and <= 100000 m")
        }
        guard abs(centre.lat) <= 90 else { throw FarSideError.usage("{centreLatitude} \(centre.lat): must be -90 ... 90") }
        let extent = Double(size) * resolution
        let transform: GeoTransform
        if preset.isPolar {
            let crs = try SpatialReference(definition: preset.crsDefinition)
            let t = try CoordinateTransformer(crs: crs)
            guard let c = t.map(lat: centre.lat, lon: centre.lon) else { throw FarSideError.usage("centre outside the polar projection") }
            transform = GeoTransform(originX: c.x - extent / 2, originY: c.y + extent / 2, pixelWidth: resolution, pixelHeight: -resolution)
        } else {
            guard abs(centre.lat) + extent / Self.radius * 90 / .pi < 89 else {
                throw FarSideError.usage("a geographic grid this large reaches the pole; use a polar preset")
            }
            let dLat = resolution / Self.radius * 180 / .pi
            let dLon = dLat / cos(centre.lat * .pi / 180)
            transform = GeoTransform(originX: centre.lon - Double(size) / 2 * dLon, originY: centre.lat + Double(size) / 2 * dLat,
                                     pixelWidth: dLon, pixelHeight: -dLat)
        }
        var grid = Grid(width: size, height: size, repeating: 0)
        guard preset != .flat else {
            return SyntheticDEM(grid: grid, geoTransform: transform, crsDefinition: preset.crsDefinition, description: "flat sphere")
        }
        var rng = SplitMix64(seed: seed)
        let craters = try craterList(extent: extent, rng: &rng)
        let noise = backgroundNoise()
        let positions = Positions(size: size, resolution: resolution)
        let n = size
        grid.values.withUnsafeMutableBufferPointer { out in
            let base = out.baseAddress!
            TerrainKernels.forEachRowRange(rows: n, threads: threads) { rows in
                let yLo = positions.y(rows.upperBound - 1), yHi = positions.y(rows.lowerBound)
                let local = craters.filter { $0.y + $0.shape.reach >= yLo && $0.y - $0.shape.reach <= yHi }
                for r in rows {
                    let y = positions.y(r)
                    for c in 0..<n {
                        let x = positions.x(c)
                        base[r * n + c] = Float(surface(x: x, y: y) + noise.height(x: x, y: y) * roughnessScale(x: x, y: y))
                    }
                    for crater in local where abs(crater.y - y) < crater.shape.reach {
                        let span = crater.shape.reach
                        let c0 = max(0, positions.column(crater.x - span)), c1 = min(n - 1, positions.column(crater.x + span))
                        guard c0 <= c1 else { continue }
                        for c in c0...c1 {
                            let dx = positions.x(c) - crater.x, dy = y - crater.y
                            let d = (dx * dx + dy * dy).squareRoot()
                            if d < span { base[r * n + c] += Float(crater.height(d)) }
                        }
                    }
                }
            }
        }
        return SyntheticDEM(grid: grid, geoTransform: transform, crsDefinition: preset.crsDefinition,
                            description: "\(preset.rawValue): \(craters.count) craters, seed \(seed)")
    }

    /// Local metric coordinates of cell centres: metres east/north of the grid centre.
    struct Positions {
        let size: Int
        let resolution: Double
        func x(_ column: Int) -> Double { (Double(column) + 0.5 - Double(size) / 2) * resolution }
        func y(_ row: Int) -> Double { (Double(size) / 2 - Double(row) - 0.5) * resolution }
        func column(_ x: Double) -> Int { Int((x / resolution + Double(size) / 2 - 0.5).rounded()) }
    }

    func craterList(extent: Double, rng: inout SplitMix64) throws -> [CraterSpec] {
        let population: CraterPopulation
        switch preset {
        case .apolloBasin:  // mare plains, about 3.5 Gyr (N(1 km) ~ 1e-2 per km^2)
            population = CraterPopulation(density1km: 0.01, slope: 2.0, minimumDiameter: 3 * resolution, maximumDiameter: min(extent / 4, 20_000))
        case .spa, .southPole:  // saturated highlands
            population = CraterPopulation(density1km: 0.06, slope: 2.0, minimumDiameter: 3 * resolution, maximumDiameter: min(extent / 3, 150_000))
        case .flat:
            return []
        }
        var craters = population.sample(width: extent, height: extent, rng: &rng)
        if preset == .southPole {
            // Shackleton: 21 km across, 4.2 km deep, centred at 89.67 S, 129.78 E (docs/references.md).
            let crs = try SpatialReference(definition: preset.crsDefinition)
            let t = try CoordinateTransformer(crs: crs)
            if let s = t.map(lat: -89.67, lon: 129.78), let c = t.map(lat: centre.lat, lon: centre.lon) {
                craters.insert(CraterSpec(x: s.x - c.x, y: s.y - c.y, shape: CraterMorphometry(diameter: 21_000), depthOverride: 4_200), at: 0)
            }
        }
        return craters
    }

    func backgroundNoise() -> FractalNoise {
        switch preset {
        case .apolloBasin: return FractalNoise(seed: seed, wavelength: 40_000, amplitude: 60, hurst: 0.85, octaves: 10)
        case .spa: return FractalNoise(seed: seed, wavelength: 300_000, amplitude: 900, hurst: 0.9, octaves: 10)
        case .southPole: return FractalNoise(seed: seed, wavelength: 40_000, amplitude: 500, hurst: 0.9, octaves: 10)
        case .flat: return FractalNoise(seed: seed, wavelength: 1, amplitude: 0, octaves: 0)
        }
    }

    /// Great-circle distance in metres from the grid centre's (lat, lon) offset by local (x, y) to a place.
    func distance(x: Double, y: Double, to place: (lat: Double, lon: Double)) -> Double {
        let lat = centre.lat + y / Self.radius * 180 / .pi
        let lon = centre.lon + x / (Self.radius * cos(centre.lat * .pi / 180)) * 180 / .pi
        let p1 = lat * .pi / 180, p2 = place.lat * .pi / 180, dl = (lon - place.lon) * .pi / 180
        let h = pow(sin((p2 - p1) / 2), 2) + cos(p1) * cos(p2) * pow(sin(dl / 2), 2)
        return 2 * Self.radius * asin(min(1, h.squareRoot()))
    }

    /// Basin-scale surface before noise and craters.
    func surface(x: Double, y: Double) -> Double {
        switch preset {
        case .apolloBasin:
            // Apollo basin (centre 36.1 S, 151.7 W; outer ring 492 km across): mare floor near -5300 m
            // rising across the ring zone to the rim.
            let s = distance(x: x, y: y, to: (-36.1, -151.7))
            return -5300 + 4200 * smoothstep((s - 190_000) / 70_000)
        case .spa:
            // South Pole-Aitken (centre 53 S, 169 W; about 2400 x 2050 km): floor near -6000 m.
            let s = distance(x: x, y: y, to: (-53, -169))
            return -6000 + 6500 * smoothstep((s - 700_000) / 500_000)
        case .southPole:
            return 0
        case .flat:
            return 0
        }
    }

    /// Highlands are rougher than mare: scale the background by terrain unit.
    func roughnessScale(x: Double, y: Double) -> Double {
        guard preset == .apolloBasin else { return 1 }
        let s = distance(x: x, y: y, to: (-36.1, -151.7))
        return 1 + 5 * smoothstep((s - 190_000) / 70_000)
    }

    func smoothstep(_ t: Double) -> Double {
        let c = min(1, max(0, t))
        return c * c * (3 - 2 * c)
    }
}
