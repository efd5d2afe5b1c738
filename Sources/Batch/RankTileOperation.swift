import Ephemeris
import FarSideCore
import Foundation
import GeoRaster
import Mission
import SiteSelection

/// `farside rank` on a tile of the profile's region (`RankMapping`): score.tif and feasible.tif of the core,
/// its ranking candidates (candidates.bin, best first) with their breakdowns (breakdown.bin) and a summary
/// (tile.json). The merge mosaics the rasters and ranks the candidates of every tile at once
/// (`RankMerge`: exactly the whole-region ranking), writing sites.csv, sites.geojson, sites.gpkg,
/// quicklook.png and report.html as the single command does.
public struct RankTileOperation: TileOperation {
    public var mapping: RankMapping
    public var ephemeris: @Sendable () throws -> any EphemerisSource
    public var inputFiles: [String]

    public init(mapping: RankMapping, ephemeris: @escaping @Sendable () throws -> any EphemerisSource, inputFiles: [String]) {
        self.mapping = mapping
        self.ephemeris = ephemeris
        self.inputFiles = inputFiles
    }

    var profile: MissionProfile { mapping.profile }
    public var name: String { "rank" }
    public var outputNames: [String] { ["score.tif", "feasible.tif"] }
    public var fileNames: [String] { ["candidates.bin", "breakdown.bin", "tile.json"] }
    public var mergedNames: [String] { SiteOutputs.reportNames }

    public func region(_ dem: RasterDataset) throws -> RasterWindow? {
        try SiteGrid.bounds(dataset: dem, region: profile.region).region
    }

    /// With a time window the run has two passes: the time layers and shadow masks first, once per cell
    /// (`RankLayersOperation`), then the scoring, which reads them around its core.
    public func prepass(_ dem: RasterDataset) throws -> (any TileOperation)? {
        profile.needsTime ? RankLayersOperation(mapping: mapping, ephemeris: ephemeris, inputFiles: inputFiles) : nil
    }

    /// The cells around a core its layers read: the ellipse halo (terrain kernels one cell beyond), and with
    /// a PSR layer the PSR reach beyond it (the rover's slopes there).
    public func halo(_ dem: RasterDataset) throws -> Int {
        let grid = try SiteGrid.bounds(dataset: dem, region: profile.region)
        let ellipse = mapping.ellipseHalo(grid)
        guard profile.needsShadowReach else { return max(ellipse.rows, ellipse.columns) + 1 }
        return marginCells(HorizonSettings(marginKm: (profile.psrReachM ?? 0) / 1000), dem: dem) + max(ellipse.rows, ellipse.columns)
    }

    /// Cores are whole horizon blocks (`HorizonSettings`) when the profile needs horizons (the first pass's tiles).
    public func alignment(_ dem: RasterDataset) throws -> Int { profile.needsTime ? try mapping.horizons.blockAlignment(dem) : 1 }
    /// Per cell of the read window: its heights, and with a PSR layer the shadow mask, slopes and the rover's
    /// search (the read window is the core grown by the PSR reach).
    public var bytesPerCell: Int { profile.needsShadowReach ? 32 : 4 }
    /// Per scored cell: heights, slope, roughness, the criteria's layers, score, safe, feasible, ellipse.
    public var bytesPerCoreCell: Int { 4 * (profile.criteria.count + 8) }

    public func compute(input: RasterDataset, core: RasterWindow, threads: Int, output: TileOutput) throws -> TileResult {
        var mapping = mapping
        mapping.threads = threads
        let halo = mapping.ellipseHalo(try SiteGrid.bounds(dataset: input, region: profile.region))
        let grid = try SiteGrid(dataset: input, region: profile.region, limit: core.expanded(rows: halo.rows, columns: halo.columns))
        let precomputed = output.prepass.isEmpty ? nil : PrecomputedLayers(mosaics: output.prepass, profile: profile)
        let tile = try mapping.tile(grid, core: core, ephemeris: try ephemeris(), scratchDirectory: output.folder, precomputed: precomputed)
        let summary = TileSummary(feasibleCells: tile.feasibleCount, candidates: tile.candidates.count, notes: tile.notes)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return TileResult(rasters: ["score.tif": (tile.score, BandSpec(description: "weighted score 0..1 (NaN where a layer is nodata)")),
                                    "feasible.tif": (tile.feasible, BandSpec(description: "1 where every hard limit, the region and the landing ellipse are met"))],
                          files: ["candidates.bin": Ranking.encodeCandidates(tile.candidates),
                                  "breakdown.bin": RankTile.encodeBreakdown(tile.breakdown),
                                  "tile.json": try encoder.encode(summary)],
                          metadata: ["PROFILE": profile.name], notes: tile.notes)
    }

    /// A tile's summary (tile.json).
    struct TileSummary: Codable {
        var feasibleCells: Int
        var candidates: Int
        var notes: [String]
    }

    public func finishMerge(plan: BatchPlan, run: RunFolder, tiles: [TilePlan.Tile], set: OutputSet, directory: String,
                            options: RasterWriteOptions) throws {
        let dem = try RasterDataset.open(plan.inputs[0].path)
        defer { dem.close() }
        let grid = try SiteGrid.bounds(dataset: dem, region: profile.region)
        func file(_ tile: TilePlan.Tile, _ name: String) -> String { URL(fileURLWithPath: run.tileFolder(tile.index)).appendingPathComponent(name).path }
        let files = try tiles.map { try RankingCandidateFile(path: file($0, "candidates.bin")) }
        let width = profile.criteria.count + 1
        var sites = try RankMerge.sites(profile: profile, grid: grid, sources: files) { site in
            // The winner's tile, and its place in that tile's candidates.
            let row = grid.region.row + site.row, column = grid.region.column + site.column
            guard let tile = tiles.first(where: { $0.core.rows.contains(row) && $0.core.columns.contains(column) }) else {
                throw FarSideError.failure("site at row \(row), column \(column) lies in no tile")
            }
            let list = try RankingCandidateFile(path: file(tile, "candidates.bin"))
            var index = 0
            while let c = list.next(), !(Int(c.row) == site.row && Int(c.column) == site.column) { index += 1 }
            try list.throwIfFailed()
            return try RankTile.breakdownRow(path: file(tile, "breakdown.bin"), index: index, width: width)
        }
        for f in files { try f.throwIfFailed() }
        var feasible = 0
        var notes = Set<String>()
        for tile in tiles {
            guard let data = FileManager.default.contents(atPath: file(tile, "tile.json")),
                  let summary = try? JSONDecoder().decode(TileSummary.self, from: data) else {
                throw FarSideError.badInput("\(file(tile, "tile.json")): missing or unreadable")
            }
            feasible += summary.feasibleCells
            notes.formUnion(summary.notes)
        }
        var dated: [String] = []
        try SiteShadowAccess.annotate(&sites, dataset: dem, profile: profile, ephemeris: try ephemeris(), horizons: mapping.horizons,
                                      threads: max(1, options.threads), scratchDirectory: run.path, notes: &dated)
        for note in dated { StageLog.note("note: \(note)") }
        let result = RankingResult(sites: sites, score: Grid(width: 0, height: 0), feasible: Grid(width: 0, height: 0),
                                   labels: profile.criteria.map(\.label), weights: SiteRanking.criteria(profile).map(\.weight))
        let image = try quicklook(plan: plan, run: run, tiles: tiles, grid: grid, sites: sites, scratch: set)
        try SiteOutputs.writeReports(result, profile: profile, grid: grid, feasibleCount: feasible, quicklook: image, set: set, directory: directory)
    }

    /// The quicklook from the DEM and the tiles' scores sampled every `stride` cells (at most 1024 a side).
    func quicklook(plan: BatchPlan, run: RunFolder, tiles: [TilePlan.Tile], grid: SiteGrid, sites: [SiteReport], scratch set: OutputSet) throws -> RGBImage {
        let region = grid.region
        let stride = max(1, (max(region.width, region.height) + 1023) / 1024)
        func sampled(_ path: String, _ window: RasterWindow) throws -> Grid {
            let dataset = try RasterDataset.open(path)
            defer { dataset.close() }
            let w = (window.width + stride - 1) / stride, h = (window.height + stride - 1) / stride
            var out = Grid(width: w, height: h)
            for y in 0..<h {
                let row = try dataset.read(column: window.column, row: window.row + y * stride, width: window.width, height: 1)
                for x in 0..<w { out[y, x] = row.values[x * stride] }
            }
            return out
        }
        var mosaics: [Grid] = []
        for name in outputNames {
            let vrt = set.temporaryPath(for: "quicklook-\(name).vrt")
            defer { set.discard(vrt) }
            try RasterMosaic.buildVRT(sources: tiles.map { URL(fileURLWithPath: run.tileFolder($0.index)).appendingPathComponent(name).path },
                                      to: vrt, grid: region.geoTransform(in: grid.dataset.geoTransform), width: region.width, height: region.height)
            mosaics.append(try sampled(vrt, .whole(width: region.width, height: region.height)))
        }
        let dem = try sampled(grid.dataset.path, region)
        let metrics = grid.cellMetrics.rows(region.rows)
        let rows = Swift.stride(from: 0, to: region.height, by: stride).map { $0 }
        return Quicklook.render(sampledDEM: dem, score: mosaics[0], feasible: mosaics[1], sites: sites,
                                dx: rows.map { metrics.dx[$0] * Double(stride) }, dy: rows.map { metrics.dy[$0] * Double(stride) }, stride: stride)
    }
}
