import Dispatch
import Foundation
import GeoRaster
import Horizon

/// Per-cell illumination over a time window.
public struct IlluminationMaps: Sendable {
    /// Mean visible fraction of the solar disc (0...1).
    public var sunFraction: Grid
    /// Longest run of consecutive steps with no part of the disc visible, hours.
    public var maxDarknessHours: Grid
    /// 1 where no part of the Sun was visible at any step, else 0.
    public var psr: Grid
    /// Fraction of steps with the Earth's centre above the horizon.
    public var earthFraction: Grid
}

/// Illumination and Earth visibility from horizon maps and a body track.
///
/// Cells are processed in tiles, aligned to the raster's grid (squares of `tileSize` cells counted from the
/// raster's corner, cut by the window; `rasterOrigin`, `EngineTiles`): a cell's result depends on its tile,
/// so tiles, frames and reference cells that do not depend on the window let a raster be computed window by
/// window (whole-basin runs) with results bit-identical to one run over the whole raster. Each tile takes
/// the local frame of its centre cell as reference; every time step gets the Sun's (and Earth's) elevation
/// e_t and azimuth in that frame, and the steps are binned by azimuth. A cell whose normal is tilted by
/// (dx, dy) from the reference normal (components along the reference right/up axes, |d| <= tile
/// half-width / R) sees the body at elevation e_t + dx sin(a) + dy cos(a) to first order, and its grid
/// azimuths are rotated by gamma from the reference's. The Sun is visible where that elevation clears the
/// horizon h(a + gamma) at the bin's azimuth a: e_t >= theta = h(a + gamma) - (dx sin a + dy cos a). The
/// second-order error is about |d|^2 tan(h) / 2 (1e-6 rad for 64-cell tiles of 100 m cells). The Earth is
/// placed topocentrically: its direction is taken from the tile's reference cell on the ground (plus the
/// observer height), not from the Moon's centre (which is up to R / d = 0.26 deg off). A cell offset by D
/// from the reference sees the Earth's elevation differ from that by about (dh cos(e) + D sin(e)) / d for a
/// height difference dh: at most 0.001 deg for 10 km tiles and 5 km of relief, and least where it matters,
/// near the horizon.
/// Sun and Earth fractions then come from
/// per-bin tables (`ElevationBinTables`) in O(bins) per cell; the longest darkness needs
/// the order of the steps, so it runs over them (`DarknessScan`) chunk by chunk of 32 cells, each chunk's
/// thresholds cache-resident, most steps decided for the whole chunk by one compare.
///
/// Cost per tile: O(steps) to place the bodies and build the tables (once per tile, so a tile of ~10 km
/// amortises it over ~10^4 cells), O(cells x bins) for thresholds and fractions (`ChunkThresholds`), and
/// O(cells / 32 x steps) scalar compares plus O(cells x mixed steps) vector work for the darkness.
public struct IlluminationEngine: Sendable {
    /// Azimuth bins for the tables (0: one per horizon azimuth).
    public var azimuthBins = 0
    /// Tile edge in cells (0: about 10 km, 32 ... 256 cells). Each tile costs one pass over the steps to
    /// put the Sun and Earth in its frame; the first-order tilt error grows with the tile's half-width.
    public var tileSize = 0
    public var threads = 1

    /// Where the DEM given to `run` lies in its raster: the raster row and column of its upper-left cell.
    /// Tiles are aligned to the raster's grid and every frame comes from `rasterTransform` at raster rows
    /// and columns, so a cell's result does not depend on the window it is computed in, as long as the
    /// window's edges are multiples of the tile size or the raster's edges (`EngineTiles.blockAlignment`).
    public var rasterOrigin = RasterOrigin(row: 0, column: 0)
    /// The raster's own geotransform (nil: `run`'s transform, the DEM then being a whole raster at (0, 0)).
    /// Needed when `rasterOrigin` is not (0, 0); `run`'s transform must be its offset to the origin.
    public var rasterTransform: GeoTransform?

    /// Sun and Earth fractions only: the longest darkness is not scanned (NaN). psr (1 where the sun fraction
    /// is 0: no part of the disc seen at any step) comes with the fractions, so this mode costs a small part
    /// of a full run (about 7 % on polar terrain over a year at 2 h) where only permanent shadow is wanted
    /// (around a window, for distances).
    public var fractionsOnly = false

    /// Observer height above the ground, metres, of the horizons given to `run`.
    public var observerHeight = 0.0

    /// Radius of the body's reference sphere, metres (the DEM CRS's semi-major axis): heights are above it.
    public var radius = CelestialBody.moonRadius
    /// The window's length, hours (`TimeWindow.durationHours`): no run of steps is reported longer, since
    /// the last step may stand for less than a whole step.
    public var windowHours = Double.infinity

    public init() {}

    /// The lowest horizon an observer `height` metres above a smooth sphere of `radius` can have (the
    /// geometric dip, -acos(R / (R + h)), 0 at ground level), in degrees. Where a DEM ends, the surface
    /// is taken to continue as that sphere, so no horizon is lower than this: "no terrain" in a
    /// direction (a sweep's -90 deg at the DEM's edge) does not let the Sun be seen below the ground.
    public static func horizonFloor(observerHeight height: Double, radius: Double = CelestialBody.moonRadius) -> Double {
        -acos(radius / (radius + max(0, height))) * 180 / .pi
    }

    /// `transform` is the DEM's (the window's) geotransform; see `rasterOrigin` and `rasterTransform` for
    /// windows of a larger raster.
    public func run(dem: Grid, transform: GeoTransform, transformer: CoordinateTransformer,
                    horizon: any HorizonProfiles, track: BodyTrack, stepHours: Double,
                    progress: ((Double) -> Void)? = nil) throws -> IlluminationMaps {
        precondition(horizon.width == dem.width && horizon.height == dem.height)
        let w = dem.width, h = dem.height
        var sun = Grid(width: w, height: h), dark = sun, psr = sun, earth = sun
        let raster = try rasterOrigin.rasterTransform(window: transform, raster: rasterTransform)
        let tileSize = try Self.tileSize(self.tileSize, transform: raster, transformer: transformer, radius: radius)
        try sun.values.withUnsafeMutableBufferPointer { sp in
            try dark.values.withUnsafeMutableBufferPointer { dp in
                try psr.values.withUnsafeMutableBufferPointer { pp in
                    try earth.values.withUnsafeMutableBufferPointer { ep in
                        let out = TileOutputs(sun: sp, dark: dp, psr: pp, earth: ep)
                        try BlockTiles.forEach(width: w, height: h, origin: rasterOrigin, tileSize: tileSize, horizon: horizon, threads: threads,
                                               progress: progress) { rows, columns, source in
                            try runTile(rows: rows, columns: columns, dem: dem, raster: raster, transformer: transformer,
                                        horizon: source, track: track, stepHours: stepHours, out: out)
                        }
                    }
                }
            }
        }
        return IlluminationMaps(sunFraction: sun, maxDarknessHours: dark, psr: psr, earthFraction: earth)
    }

    /// The horizons of one block of cells (degrees, band-major: band k's cells row-major at
    /// base + k * cells).
    struct BlockProfiles: @unchecked Sendable {
        let base: UnsafePointer<Float>
        let rows: Range<Int>
        let columns: Range<Int>
        let azimuths: Int

        var cells: Int { rows.count * columns.count }

        /// Band k of the cell at (row, column) is at `offset(row:column:)` + k * `cells`.
        func offset(row: Int, column: Int) -> Int { (row - rows.lowerBound) * columns.count + (column - columns.lowerBound) }
    }

    /// A tile's horizons, one contiguous profile per cell (radians, floored at `floor` degrees, the
    /// geometric dip), with entry A repeating entry 0 for the wrap-around; entry A is NaN where any
    /// azimuth is nodata.
    static func tileProfiles(_ horizon: BlockProfiles, rows: Range<Int>, columns: Range<Int>, floor: Float) -> [Float] {
        let A = horizon.azimuths, n = horizon.cells, toRadians = Float.pi / 180
        var profiles = [Float](repeating: 0, count: rows.count * columns.count * (A + 1))
        profiles.withUnsafeMutableBufferPointer { profiles in
            for j in 0..<A {
                let band = horizon.base + j * n
                for (ri, r) in rows.enumerated() {
                    let source = band + horizon.offset(row: r, column: columns.lowerBound)
                    for ci in 0..<columns.count {
                        let e = source[ci]
                        profiles[(ri * columns.count + ci) * (A + 1) + j] = (e.isNaN ? e : Swift.max(e, floor)) * toRadians
                    }
                }
            }
            for i in 0..<(rows.count * columns.count) {
                let profile = profiles.baseAddress! + i * (A + 1)
                profile[A] = (0..<A).contains { profile[$0].isNaN } ? .nan : profile[0]
            }
        }
        return profiles
    }

    /// The tile edge in cells: `size`, or when 0 the automatic one for the raster of `transform` (the
    /// raster's own geotransform, so every window of it gets the same).
    static func tileSize(_ size: Int, transform: GeoTransform, transformer: CoordinateTransformer, radius: Double) throws -> Int {
        try size > 0 ? size : automaticTileSize(transform: transform, transformer: transformer, radius: radius)
    }

    /// The automatic tile's ground size, metres: long enough to spread each tile's pass over the steps over
    /// ~10^4 cells, short enough to keep the first-order tilt error below 1e-6 rad.
    static let tileMetres = 10_000.0
    /// The automatic tile's edge is kept within these cells.
    static let tileCells = 32...256

    /// About 10 km of cells, from the ground distance between the raster's first two cell centres.
    static func automaticTileSize(transform: GeoTransform, transformer: CoordinateTransformer, radius: Double) throws -> Int {
        let f = try SurfaceFrame.frames(transform: transform, transformer: transformer, rows: 0..<1, columns: 0..<2)
        let d = f[1].normal - f[0].normal
        let cell = (d * d).sum().squareRoot() * radius
        guard cell.isFinite, cell > 0 else { return 64 }
        return max(tileCells.lowerBound, min(tileCells.upperBound, Int(tileMetres / cell)))
    }

    /// The tile's reference observer (Moon-centred ME, km): on the ground of the reference cell (the centre
    /// cell's height, or the tile's mean where that is nodata) plus the observer height.
    func referenceSite(_ reference: SurfaceFrame, rows: Range<Int>, columns: Range<Int>, dem: Grid) -> SIMD3<Double> {
        var z = Double(dem[rows.lowerBound + rows.count / 2, columns.lowerBound + columns.count / 2])
        if z.isNaN {
            var sum = 0.0, count = 0
            for r in rows { for c in columns where !dem[r, c].isNaN { sum += Double(dem[r, c]); count += 1 } }
            z = count > 0 ? sum / Double(count) : 0
        }
        return reference.position(height: z + observerHeight, radius: radius)
    }

    struct TileOutputs: @unchecked Sendable {
        let sun, dark, psr, earth: UnsafeMutableBufferPointer<Float>
    }

    /// One tile (rows and columns of the window; `raster`: the raster's geotransform, see `rasterOrigin`):
    /// the steps' Sun and Earth placed in azimuth bins as the tile's reference observer sees them
    /// (`StepBins`), then the tile's cells in chunks of `DarknessScan.lanes` (`scanChunk`).
    func runTile(rows: Range<Int>, columns: Range<Int>, dem: Grid, raster: GeoTransform, transformer: CoordinateTransformer,
                 horizon: BlockProfiles, track: BodyTrack, stepHours: Double, out: TileOutputs) throws {
        let frames = try rasterOrigin.frames(raster: raster, transformer: transformer, rows: rows, columns: columns)
        let reference = frames[(rows.count / 2) * columns.count + columns.count / 2]
        let earthDirections = track.earthDirections(from: referenceSite(reference, rows: rows, columns: columns, dem: dem))
        let bins = StepBins(reference: reference, track: track, earthDirections: earthDirections,
                            binCount: azimuthBins > 0 ? azimuthBins : horizon.azimuths)
        let A = horizon.azimuths
        let floor = Float(Self.horizonFloor(observerHeight: observerHeight, radius: radius))
        var scratch = ChunkScratch(bins: bins.count, azimuths: A)
        var strip = ChunkStrip(azimuths: A)
        bins.sunTables.withLookup { sunLookup in
            bins.earthTables.withLookup { earthLookup in
                for chunkRow in stride(from: 0, to: rows.count, by: DarknessScan.chunkRows) {
                    let stripRows = (rows.lowerBound + chunkRow)..<min(rows.upperBound, rows.lowerBound + chunkRow + DarknessScan.chunkRows)
                    strip.gather(horizon, rows: stripRows, columns: columns, floor: floor)
                    for (chunkIndex, chunkColumn) in stride(from: 0, to: columns.count, by: DarknessScan.chunkColumns).enumerated() {
                        let chunk = TileChunk(rows: rows, columns: columns, row: chunkRow, column: chunkColumn, index: chunkIndex)
                        scanChunk(chunk, dem: dem, frames: frames, reference: reference, strip: &strip, bins: bins, sun: sunLookup,
                                  earth: earthLookup, scratch: &scratch, steps: track.count, stepHours: stepHours, out: out)
                    }
                }
            }
        }
    }

    /// One chunk of `DarknessScan.lanes` cells of a strip: their thresholds theta(k) against the Sun and the
    /// Earth (`ChunkThresholds`), the fractions, and (unless `fractionsOnly`) the longest dark runs
    /// (`DarknessScan`); nodata cells get NaN.
    func scanChunk(_ chunk: TileChunk, dem: Grid, frames: [SurfaceFrame], reference: SurfaceFrame, strip: inout ChunkStrip, bins: StepBins,
                   sun sunLookup: ElevationBinTables.Lookup, earth earthLookup: ElevationBinTables.Lookup, scratch: inout ChunkScratch,
                   steps T: Int, stepHours: Double, out: TileOutputs) {
        let L = DarknessScan.lanes, K = bins.count, A = strip.azimuths
        scratch.thresholds.reset()
        for lane in 0..<L {
            guard let (r, c) = chunk.position(lane) else { continue }
            let cell = r * dem.width + c
            guard !dem.values[cell].isNaN, !strip.nodata[chunk.index * L + lane].isNaN else {
                out.sun[cell] = .nan; out.dark[cell] = .nan; out.psr[cell] = .nan; out.earth[cell] = .nan
                continue
            }
            let frame = frames[(r - chunk.rows.lowerBound) * chunk.columns.count + c - chunk.columns.lowerBound]
            scratch.thresholds.set(lane: lane, tilt: CellTilt(frame: frame, reference: reference, azimuths: A))
        }
        let slab = strip.slabSize
        let computed = strip.values.withUnsafeMutableBufferPointer { values in
            scratch.theta.withUnsafeMutableBufferPointer { th in
                let profiles = values.baseAddress! + chunk.index * slab
                guard scratch.thresholds.pad(profiles: profiles) else { return false }
                scratch.thresholds.compute(profiles: profiles, bins: K, sinA: bins.sinA, cosA: bins.cosA, sunTable: sunLookup,
                                           earthTable: earthLookup, theta: th.baseAddress!)
                return true
            }
        }
        guard computed else { return }
        if !fractionsOnly { scratch.longestDarkRuns(bins: K, steps: bins.sunSteps) }
        let thresholds = scratch.thresholds
        for lane in 0..<L where thresholds.valid[lane] {
            let (r, c) = chunk.position(lane)!, cell = r * dem.width + c
            out.sun[cell] = Float(thresholds.sun[lane] / Double(T))
            out.earth[cell] = Float(thresholds.earth[lane] / Double(T))
            out.dark[cell] = fractionsOnly ? .nan : Float(min(Double(scratch.longest[lane]) * stepHours, windowHours))
            out.psr[cell] = thresholds.sun[lane] == 0 ? 1 : 0
        }
    }
}
