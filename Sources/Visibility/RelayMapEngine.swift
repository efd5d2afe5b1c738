import Dispatch
import Foundation
import GeoRaster

/// Per-cell relay and direct-to-Earth link statistics over a time window.
public struct RelayMaps: Sendable {
    /// Fraction of steps with at least one relay satellite visible.
    public var relayFraction: Grid
    /// Longest run of consecutive steps with no relay link, hours.
    public var relayMaxGapHours: Grid
    /// Fraction of steps with any link: a relay satellite or the Earth (direct to Earth).
    public var commsFraction: Grid
}

/// Relay visibility maps. A satellite is close (200-16,000 km above a far-side site for Queqiao-2), so its
/// direction differs from cell to cell (parallax); but over a tile of a few km it varies smoothly. Per
/// tile and step the satellite's exact elevation, grid azimuth and slant range are computed at the four
/// corner cells (in each corner's own frame, parallax exact) and interpolated bilinearly to the cells; the
/// error, second order in tile size over distance, is checked at the tile centre every step, and a tile
/// whose centre is off by more than `interpolationTolerance` is evaluated exactly cell by cell.
/// A link needs elevation >= the minimum elevation, >= the terrain horizon at that azimuth (interpolated
/// between horizon azimuths) and, optionally, a slant range <= the maximum. Tiles whose whole elevation
/// range clears both the minimum and the highest horizon in their azimuth span are linked without
/// per-cell work; tiles entirely below the minimum elevation are not. Tiles are aligned to the raster's grid
/// and frames come from the raster's geotransform at raster indices (`rasterOrigin`, `EngineTiles`), so a
/// cell's result (its tile's corners and bilinear weights) is the same in any window of the raster whose
/// edges are multiples of the tile size or the raster's edges.
public struct RelayMapEngine: Sendable {
    public var threads = 1
    /// Tile edge in cells (0: about 5 km, 16 ... 128 cells: half the illumination engine's automatic size).
    public var tileSize = 0
    /// Where the DEM given to `run` lies in its raster, as `IlluminationEngine.rasterOrigin`.
    public var rasterOrigin = RasterOrigin(row: 0, column: 0)
    /// The raster's own geotransform, as `IlluminationEngine.rasterTransform` (nil: `run`'s transform).
    public var rasterTransform: GeoTransform?
    public var minElevationDeg = 5.0
    public var maxRangeKm: Double?
    /// Antenna height above the ground, metres.
    public var observerHeight = 0.0
    /// Radius of the body's reference sphere, metres (the DEM CRS's semi-major axis): heights are above it.
    public var radius = CelestialBody.moonRadius
    /// The window's length, hours (`TimeWindow.durationHours`): no run of steps is reported longer, since
    /// the last step may stand for less than a whole step.
    public var windowHours = Double.infinity
    /// Largest tolerated interpolation error of elevation or azimuth at a tile's centre, degrees.
    public var interpolationTolerance = 0.002

    public init() {}

    /// `satellites[s][t]`: Moon-centred ME positions (km) of each relay at each step; `earth[t]`: the Earth's
    /// (apparent) ME position (km) for the direct link. `transform` is the DEM's (the window's) geotransform.
    public func run(dem: Grid, transform: GeoTransform, transformer: CoordinateTransformer, horizon: any HorizonProfiles,
                    satellites: [[SIMD3<Double>]], earth: [SIMD3<Double>], stepHours: Double,
                    progress: ((Double) -> Void)? = nil) throws -> RelayMaps {
        let w = dem.width, h = dem.height
        var relay = Grid(width: w, height: h), gap = relay, comms = relay
        let raster = try rasterOrigin.rasterTransform(window: transform, raster: rasterTransform)
        let tileSize = try Self.tileSize(self.tileSize, transform: raster, transformer: transformer, radius: radius)
        try relay.values.withUnsafeMutableBufferPointer { rp in
            try gap.values.withUnsafeMutableBufferPointer { gp in
                try comms.values.withUnsafeMutableBufferPointer { cp in
                    let out = Outputs(relay: rp, gap: gp, comms: cp)
                    try BlockTiles.forEach(width: w, height: h, origin: rasterOrigin, tileSize: tileSize, horizon: horizon, threads: threads,
                                           progress: progress) { rows, columns, source in
                        try runTile(rows: rows, columns: columns, dem: dem, raster: raster, transformer: transformer, horizon: source,
                                    bodies: satellites + [earth], stepHours: stepHours, out: out)
                    }
                }
            }
        }
        return RelayMaps(relayFraction: relay, relayMaxGapHours: gap, commsFraction: comms)
    }

    /// The tile edge in cells: `size`, or when 0 half the illumination engine's automatic size for the
    /// raster of `transform` (the raster's own geotransform), 16 ... 128.
    static func tileSize(_ size: Int, transform: GeoTransform, transformer: CoordinateTransformer, radius: Double) throws -> Int {
        guard size <= 0 else { return size }
        let half = try IlluminationEngine.automaticTileSize(transform: transform, transformer: transformer, radius: radius) / 2
        return max(tileCells.lowerBound, min(tileCells.upperBound, half))
    }

    /// Automatic tile edges, cells: half the illumination engine's (relays are close, so their direction
    /// changes faster across a tile than the Sun's), within these bounds.
    static let tileCells = 16...128

    struct Outputs: @unchecked Sendable {
        let relay, gap, comms: UnsafeMutableBufferPointer<Float>
    }

    /// Elevation (rad), grid azimuth (rad, 0..<2pi) and range (km) of `p` from a site.
    @inline(__always)
    static func look(_ p: SIMD3<Double>, site: SIMD3<Double>, frame: SurfaceFrame) -> (Double, Double, Double) {
        let d = p - site
        let range = (d * d).sum().squareRoot()
        let z = (d * frame.normal).sum(), y = (d * frame.up).sum(), x = (d * frame.right).sum()
        var a = atan2(x, y)
        if a < 0 { a += 2 * .pi }
        return (asin(max(-1, min(1, z / range))), a, range)
    }

    /// One tile (rows and columns of the window; `raster`: the raster's geotransform, see `rasterOrigin`).
    /// `bodies`: the relays' tracks, then the Earth's unless `withEarth` is false. `onStep(t, relayLinked)`,
    /// when given, sees every step's relay links (the tile's cells, row-major) before they are counted
    /// (`StepStateEngine`'s relay runs); nothing is written when `out` is nil.
    func runTile(rows: Range<Int>, columns: Range<Int>, dem: Grid, raster: GeoTransform, transformer: CoordinateTransformer,
                 horizon: IlluminationEngine.BlockProfiles, bodies: [[SIMD3<Double>]], withEarth: Bool = true, stepHours: Double,
                 out: Outputs?, onStep: ((Int, UnsafeBufferPointer<Bool>) -> Void)? = nil) throws {
        let tile = try RelayTileCells(rows: rows, columns: columns, dem: dem, frames: rasterOrigin.frames(raster: raster, transformer: transformer, rows: rows, columns: columns),
                                      horizon: horizon, observerHeight: observerHeight, radius: radius)
        let relayCount = bodies.count - (withEarth ? 1 : 0)
        let T = bodies.first?.count ?? 0
        var counts = LinkCounts(cells: tile.cells)
        var earthLinked = [Bool](repeating: false, count: tile.cells), relayLinked = earthLinked
        for t in 0..<T {
            for i in 0..<tile.cells { relayLinked[i] = false }
            for b in 0..<bodies.count {
                if b == relayCount { markLinks(bodies[b][t], tile: tile, into: &earthLinked) } else { markLinks(bodies[b][t], tile: tile, into: &relayLinked) }
            }
            if let onStep { relayLinked.withUnsafeBufferPointer { onStep(t, $0) } }
            counts.count(relay: relayLinked, earth: &earthLinked, valid: tile.valid)
        }
        guard let out else { return }
        counts.write(tile, dem: dem, steps: T, stepHours: stepHours, windowHours: windowHours, into: out)
    }

    /// Sets `linked[i]` for the tile's cells that see `p` (a relay's or the Earth's position at one step):
    /// above the minimum elevation and their horizon, within range. Look angles are bilinear from the
    /// corners where the tile is smooth (`TileLook`), exact per cell elsewhere; a tile wholly below the
    /// minimum elevation is skipped, one wholly above it and every horizon is linked without per-cell work.
    func markLinks(_ p: SIMD3<Double>, tile: RelayTileCells, into linked: inout [Bool]) {
        let minEl = minElevationDeg * .pi / 180, maxRange = maxRangeKm ?? .infinity
        let tolerance = interpolationTolerance * .pi / 180
        let look = TileLook(p, tile: tile, tolerance: tolerance, maxRange: maxRange)
        if look.el.max() + tolerance < minEl { return }
        if look.smooth && look.el.min() - tolerance >= max(minEl, tile.highest) && look.rg.max() <= maxRange {
            for i in 0..<tile.cells where tile.valid[i] { linked[i] = true }
            return
        }
        let twoPi = 2 * Double.pi, A = tile.azimuths, azimuthScale = Double(A) / twoPi
        for i in 0..<tile.cells where tile.valid[i] {
            let e: Double, range: Double
            var a = 0.0
            if look.smooth {
                let w = tile.weights[i]
                e = (w * look.el).sum()
                if e < minEl { continue }
                range = maxRange == .infinity ? 0 : (w * look.rg).sum()
                if e < tile.highestOf[i] {
                    a = (w * look.az).sum()
                    while a >= twoPi { a -= twoPi }
                    while a < 0 { a += twoPi }
                }
            } else {
                (e, a, range) = Self.look(p, site: tile.sites[i], frame: tile.frames[i])
                if e < minEl { continue }
            }
            guard range <= maxRange else { continue }
            if e < tile.highestOf[i] {
                let position = a * azimuthScale
                let j = min(A - 1, Int(position)), f = position - Double(j)
                let base = i * (A + 1)
                let hz = Double(tile.profiles[base + j]) + Double(tile.profiles[base + j + 1] - tile.profiles[base + j]) * f
                if e < hz { continue }
            }
            linked[i] = true
        }
    }
}
