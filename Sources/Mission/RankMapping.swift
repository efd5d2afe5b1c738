import Ephemeris
import Foundation
import GeoRaster
import SiteSelection

/// `rank` for one tile of a profile's region: the tile's scores and feasibility, and its ranking
/// candidates, from which the global ranking is merged exactly (`Ranking.merge`: the same sites as ranking
/// the whole region at once). The whole-region run is the one-tile case.
///
/// Halos: the layers bring their own (`LayerStack`); the landing ellipse needs the safe cells within its
/// semi-major axis of a core cell, so the tile is scored on its core grown by that much (within the
/// region's window, as the whole-region run sees it) and cropped back; the minimum separation needs no
/// halo, the merge enforces it across tiles.
public struct RankMapping: Sendable {
    public var profile: MissionProfile
    /// The horizon margin, block and memory budget (the profile sets azimuths and observer height).
    public var horizons = HorizonSettings()
    public var threads = 1

    public init(profile: MissionProfile) { self.profile = profile }

    /// Cells around a core its ellipse needs (rows, columns), from the smallest cell sizes of the region.
    public func ellipseHalo(_ grid: SiteGrid) -> (rows: Int, columns: Int) {
        guard let e = profile.ellipse else { return (0, 0) }
        let metrics = grid.cellMetrics.rows(grid.region.rows)
        let dy = metrics.dy.min() ?? 1, dx = metrics.dx.min() ?? 1
        return (Int((e.semiMajorM / dy).rounded(.up)) + 1, Int((e.semiMajorM / dx).rounded(.up)) + 1)
    }

    /// The windows `TimeLayers` computes for `grid`'s whole region: every tile's (its core and ellipse halo
    /// within the region's window) lie inside them, so a first pass over them serves every tile.
    public func timeWindows(_ grid: SiteGrid) throws -> (maps: RasterWindow, shadow: RasterWindow?) {
        let w = try TimeLayers.windows(profile: profile, dataset: grid.dataset, window: grid.region, marginKm: horizons.marginKm)
        return (w.maps, w.shadow)
    }

    /// The scores, feasibility and candidates of `core` (DEM cells inside the region; `grid`: the region's
    /// grid, whole or limited to the core and its ellipse halo).
    /// `precomputed`: the time layers from a tiled run's first pass (`TimeLayers`), read instead of computed.
    public func tile(_ grid: SiteGrid, core: RasterWindow, ephemeris: any EphemerisSource, scratchDirectory: String? = nil,
                     precomputed: PrecomputedLayers? = nil, progress: @escaping (Double) -> Void = { _ in }) throws -> RankTile {
        let core = core.intersection(grid.window)
        let halo = ellipseHalo(grid)
        let analysis = grid.restricted(to: core.expanded(rows: halo.rows, columns: halo.columns))
        let stack = try LayerStack.compute(profile: profile, grid: analysis, ephemeris: ephemeris, threads: threads,
                                           horizons: horizons, scratchDirectory: scratchDirectory, precomputed: precomputed,
                                           progress: { progress(0.95 * $0) })
        let scored = try SiteRanking.score(profile: profile, grid: analysis, stack: stack, threads: threads)
        let own = core.relative(to: analysis.window)
        func crop(_ g: Grid) -> Grid { g.window(rows: own.rows, columns: own.columns) }
        let score = crop(scored.score), feasible = crop(scored.feasible)
        let layers = scored.layers.map(crop), fraction = scored.ellipseFraction.map(crop)
        let candidates = Ranking.tileCandidates(count: profile.count, score: score, feasible: feasible,
                                                rowOffset: core.row - grid.region.row, columnOffset: core.column - grid.region.column,
                                                metrics: grid.cellMetrics.rows(grid.region.rows), minSeparation: profile.minSeparationM)
        let breakdown = candidates.map { c -> [Float] in
            let r = Int(c.row) + grid.region.row - core.row, col = Int(c.column) + grid.region.column - core.column
            return layers.map { $0[r, col] } + [fraction?[r, col] ?? .nan]
        }
        progress(1)
        return RankTile(core: core, score: score, feasible: feasible, candidates: candidates, breakdown: breakdown,
                        feasibleCount: feasible.values.reduce(0) { $0 + ($1 == 1 ? 1 : 0) }, notes: stack.notes)
    }
}

/// One tile's ranking results (`RankMapping.tile`).
public struct RankTile: Sendable {
    public var core: RasterWindow
    public var score: Grid
    public var feasible: Grid
    /// The tile's best candidates, best first, in the region's rows and columns (`Ranking.tileCandidates`).
    public var candidates: [RankingCandidate]
    /// Per candidate: each criterion's layer value, then the ellipse's safe fraction (NaN without one).
    public var breakdown: [[Float]]
    public var feasibleCount: Int
    public var notes: [String]

    /// `breakdown` as little-endian Float32 rows of equal length.
    public static func encodeBreakdown(_ rows: [[Float]]) -> Data {
        var data = Data(capacity: rows.reduce(0) { $0 + $1.count } * 4)
        for row in rows { for v in row { withUnsafeBytes(of: v.bitPattern.littleEndian) { data.append(contentsOf: $0) } } }
        return data
    }

    /// Row `index` (of `width` values) of an encoded breakdown file.
    public static func breakdownRow(path: String, index: Int, width: Int) throws -> [Float] {
        guard let handle = FileHandle(forReadingAtPath: path) else { throw FarSideError.badInput("\(path): cannot read") }
        defer { try? handle.close() }
        try handle.seek(toOffset: UInt64(index * width * 4))
        guard let data = try handle.read(upToCount: width * 4), data.count == width * 4 else {
            throw FarSideError.badInput("\(path): truncated (no row \(index))")
        }
        return (0..<width).map { k in
            Float(bitPattern: UInt32(littleEndian: data.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: k * 4, as: UInt32.self) }))
        }
    }
}
