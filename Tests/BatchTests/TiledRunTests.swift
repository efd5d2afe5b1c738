import Ephemeris
import Foundation
import GeoRaster
import Mission
import Orbits
import SiteSelection
import Terrain
import TestSupport
import Visibility
import XCTest
@testable import Batch

/// Tiled runs in process (the engine's entry points, no CLI): horizon, illumination, relay and rank
/// computed tile by tile through the batch runner and merged agree with the whole-raster run cell by cell
/// and site by site (bit-identical: the horizon rule and the aligned engine blocks make every cell's
/// inputs the same), on rugged 20 m polar terrain with a nodata hole; a single-process run beyond its
/// memory budget tiles itself to the same result.
final class TiledRunTests: XCTestCase {
    var folder: URL!
    override func setUp() { folder = TestSupport.scratchDirectory("tiled") }
    override func tearDown() { try? FileManager.default.removeItem(at: folder) }
    func path(_ name: String) -> String { folder.appendingPathComponent(name).path }

    /// 560 x 560 cells of 20 m 17 km from the south pole (on the Shackleton-like crater's rim), with a nodata hole across
    /// a tile border.
    func dem() throws -> RasterDataset {
        let synthetic = try TerrainSynthesizer(preset: .southPole, size: 560, resolution: 20, seed: 4, centre: (-89.45, 20), threads: 2).generate()
        var grid = synthetic.grid
        for row in 240..<275 { for column in 300..<330 { grid[row, column] = .nan } }
        let file = try TestSupport.writeRaster(grid, to: path("dem.tif"), transform: synthetic.geoTransform,
                                               crs: SpatialReference(definition: synthetic.crsDefinition).wkt)
        return try RasterDataset.open(file)
    }

    /// Small margins and blocks so that a 560^2 DEM has 3 x 3 tiles of whole 256-cell blocks.
    func settings(azimuths: Int) -> HorizonSettings {
        var s = HorizonSettings(azimuths: azimuths, observerHeight: 2, marginKm: 3)
        s.blockKm = 5
        return s
    }

    /// Runs `operation` tiled (256-cell cores) through the batch runner and merges into `name`; returns the folder.
    func tiled(_ operation: any TileOperation, dem: RasterDataset, name: String) throws -> String {
        var planner = BatchPlanner(command: [operation.name], operation: operation, tileKm: 5, farside: "farside", farsideVersion: "test")
        planner.maxTasks = 4
        let plan = try planner.write(dem: dem, runFolder: path("\(name)-run"))
        XCTAssertGreaterThanOrEqual(plan.tiling.tiles.count, 4, "\(name): at least 4 tiles")
        XCTAssertEqual(plan.tiling.tileSize % 256, 0, "\(name): whole horizon blocks")
        var runner = BatchRunner(plan: plan, runFolder: path("\(name)-run"), operation: operation)
        runner.threads = 2
        try runner.runAll(jobs: 1)
        try BatchMerger(plan: plan, runFolder: path("\(name)-run"), operation: operation).merge(to: path("\(name)-merged"))
        return path("\(name)-merged")
    }

    func assertIdentical(_ whole: Grid, _ mergedFile: String, _ what: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let merged = try TestSupport.readRaster(mergedFile)
        XCTAssertEqual(merged.width, whole.width, what, file: file, line: line)
        XCTAssertEqual(merged.height, whole.height, what, file: file, line: line)
        let differing = zip(whole.values, merged.values).filter { !($0.bitPattern == $1.bitPattern || ($0.isNaN && $1.isNaN)) }.count
        XCTAssertEqual(differing, 0, "\(what): cells differing between the tiled and the whole run", file: file, line: line)
    }

    func testTiledHorizonsIlluminationAndRelayEqualTheWholeRun() throws {
        let dem = try dem()
        defer { dem.close() }
        let whole = RasterWindow.whole(width: dem.width, height: dem.height)
        // Horizons: the tiles' files mosaic to the whole run's file, band by band.
        let horizon = settings(azimuths: 36)
        try HorizonBands.write(dem, window: whole, settings: horizon, to: path("horizon-whole.tif"), threads: 2, options: RasterWriteOptions())
        let merged = try tiled(HorizonTileOperation(settings: horizon, int16: false), dem: dem, name: "horizon")
        let a = try RasterDataset.open(path("horizon-whole.tif")), b = try RasterDataset.open("\(merged)/horizon.tif")
        defer { a.close(); b.close() }
        XCTAssertEqual(b.bandCount, 36)
        for band in [1, 5, 14, 36] { try assertIdentical(try a.readBand(band), "\(merged)/horizon.tif", "horizon band \(band)", band: band) }

        // Illumination and relay over a month at 12 h (a lunar day: every sun azimuth).
        let time = try TimeWindow(start: Epoch("2027-03-01T00:00:00Z"), end: Epoch("2027-03-31T00:00:00Z"), step: 43200)
        let ephemeris = AnalyticalEphemeris()
        var illumination = IlluminationMapping(time: time, horizons: .compute(settings(azimuths: 45)))
        illumination.threads = 2
        let maps = try illumination.run(dem, window: whole, ephemeris: ephemeris, scratchDirectory: path("scratch")).maps
        let lit = try tiled(IlluminationTileOperation(mapping: illumination, ephemeris: { AnalyticalEphemeris() }, inputFiles: []),
                            dem: dem, name: "illumination")
        for (name, grid, _) in IlluminationMapping.rasters(maps) { try assertIdentical(grid, "\(lit)/\(name)", name) }
        XCTAssertGreaterThan(maps.sunFraction.values.filter { $0 > 0 }.count, 1000, "lit cells: the comparison means something")
        XCTAssertGreaterThan(maps.sunFraction.values.filter { $0 < 1 }.count, 1000, "shadowed cells: the comparison means something")

        var relay = RelayMapping(time: time, horizons: .compute(settings(azimuths: 45)),
                                 constellation: try BuiltInOrbits.resolve("queqiao-2", ephemeris: ephemeris))
        relay.threads = 2
        let links = try relay.run(dem, window: whole, ephemeris: ephemeris, scratchDirectory: path("scratch")).maps
        let linked = try tiled(RelayTileOperation(mapping: relay, orbit: "queqiao-2", ephemeris: { AnalyticalEphemeris() }, inputFiles: []),
                               dem: dem, name: "relay")
        for (name, grid, _) in RelayMapping.rasters(links) { try assertIdentical(grid, "\(linked)/\(name)", name) }
    }

    func testTiledRankEqualsTheWholeRegionRankingSiteBySite() throws {
        let dem = try dem()
        defer { dem.close() }
        // The ILRS profile (its criteria, ellipse and separation; PSR reach 5 km) over two days, 36 azimuths.
        let (profile, mapping, whole) = try wholeRanking(dem, edits: [("min_separation_m: 2000", "min_separation_m: 1500")], name: "profile.yaml")
        XCTAssertEqual(whole.sites.count, 10)
        let operation = RankTileOperation(mapping: mapping, ephemeris: { AnalyticalEphemeris() }, inputFiles: [])
        let merged = try tiled(operation, dem: dem, name: "rank")
        try assertIdentical(whole.score, "\(merged)/score.tif", "score")
        try assertIdentical(whole.feasible, "\(merged)/feasible.tif", "feasible")
        let csv = try String(contentsOfFile: "\(merged)/sites.csv", encoding: .utf8)
        XCTAssertEqual(csv, SiteOutputs.csv(whole), "the merged ranking is the whole region's, site by site")
        for name in SiteOutputs.reportNames { XCTAssertTrue(FileManager.default.fileExists(atPath: "\(merged)/\(name)"), name) }

        // The whole run beyond a small memory budget tiles itself: the same files.
        var tiling = InProcessTiling(operation: operation, command: ["rank"], memoryBytes: 300 << 20)
        tiling.threads = 2
        var cacheless = mapping
        cacheless.horizons.memoryBytes = 0
        tiling.operation = RankTileOperation(mapping: cacheless, ephemeris: { AnalyticalEphemeris() }, inputFiles: [])
        let size = try XCTUnwrap(try tiling.tileSize(dem), "a 560^2 region does not fit 300 MB by the formula")
        try tiling.run(dem, tileSize: size, output: path("auto"), farsideVersion: "test")
        try assertIdentical(whole.score, path("auto/score.tif"), "score (in-process tiles)")
        XCTAssertEqual(try String(contentsOfFile: path("auto/sites.csv"), encoding: .utf8), csv)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: path("auto")).filter { $0.hasPrefix(".") }
        XCTAssertEqual(leftovers, [], "the scratch run folder is removed")
    }
}

extension TiledRunTests {
    /// The ILRS profile over two days at 4 h with 36 azimuths and `edits`, its mapping (the test's horizon
    /// settings) and its whole-region ranking.
    func wholeRanking(_ dem: RasterDataset, edits: [(String, String)], name: String) throws -> (MissionProfile, RankMapping, RankingResult) {
        var text = try XCTUnwrap(BuiltInProfiles.all["ilrs-south-pole"])
            .replacingOccurrences(of: "duration_h: 8760", with: "duration_h: 48")
            .replacingOccurrences(of: "step: 2h", with: "step: 4h").replacingOccurrences(of: "azimuths: 180", with: "azimuths: 36")
        for (a, b) in edits { text = text.replacingOccurrences(of: a, with: b) }
        try text.write(toFile: path(name), atomically: true, encoding: .utf8)
        let profile = try MissionProfile.load(path(name))
        var mapping = RankMapping(profile: profile)
        mapping.horizons = settings(azimuths: profile.azimuths)
        mapping.threads = 2
        let grid = try SiteGrid(dataset: dem, region: profile.region)
        let stack = try LayerStack.compute(profile: profile, grid: grid, ephemeris: AnalyticalEphemeris(), threads: 2, horizons: mapping.horizons)
        return (profile, mapping, try SiteRanking.run(profile: profile, grid: grid, stack: stack, threads: 2))
    }

    /// A region smaller than the DEM: the first pass's tiles reach beyond it (the shadow mask out to the PSR
    /// reach, time layers only inside the region's map window), and the ranking is still the whole run's.
    func testTiledRankOfARegionInsideTheDEMEqualsTheWholeRun() throws {
        let dem = try dem()
        defer { dem.close() }
        let (profile, mapping, whole) = try wholeRanking(dem, edits: [("region: {lat: -89.5, lon: 0, radius_km: 60}", "region: {lat: -89.45, lon: 20, radius_km: 3}"),
                                                                ("count: 10, min_separation_m: 2000", "count: 5, min_separation_m: 1000")], name: "small.yaml")
        let grid = try SiteGrid(dataset: dem, region: profile.region)
        XCTAssertLessThan(grid.window.width, dem.width - 200, "the region lies well inside the DEM")
        XCTAssertGreaterThan(whole.sites.count, 1)
        let operation = RankTileOperation(mapping: mapping, ephemeris: { AnalyticalEphemeris() }, inputFiles: [])
        let first = try XCTUnwrap(try operation.prepass(dem))
        let firstRegion = try XCTUnwrap(try first.region(dem))
        XCTAssertTrue(firstRegion.contains(grid.window) && firstRegion.cellCount > grid.window.cellCount, "the first pass covers the reach beyond the region")
        let merged = try tiled(operation, dem: dem, name: "small")
        try assertIdentical(whole.score, "\(merged)/score.tif", "score")
        try assertIdentical(whole.feasible, "\(merged)/feasible.tif", "feasible")
        XCTAssertEqual(try String(contentsOfFile: "\(merged)/sites.csv", encoding: .utf8), SiteOutputs.csv(whole))
    }
}

extension TiledRunTests {
    /// psr_traverse_h with a timed rover: the merge gives each site its dated way to shadow (psr_dated_h),
    /// as the whole run does, site by site.
    func testTiledRankWithDatedShadowAccessEqualsTheWholeRun() throws {
        let dem = try dem()
        defer { dem.close() }
        let (profile, mapping, ranked) = try wholeRanking(dem, edits: [
            ("region: {lat: -89.5, lon: 0, radius_km: 60}", "region: {lat: -89.45, lon: 20, radius_km: 3}"),
            ("count: 10, min_separation_m: 2000", "count: 3, min_separation_m: 1000"),
            ("layer: psr_traverse_m", "layer: psr_traverse_h"), ("max: 5000", "max: 3"), ("linear: [5000, 500]", "linear: [3, 0.2]"),
        ], name: "dated.yaml")
        XCTAssertTrue(SiteShadowAccess.wanted(profile))
        var whole = ranked
        var notes: [String] = []
        try SiteShadowAccess.annotate(&whole.sites, dataset: dem, profile: profile, ephemeris: AnalyticalEphemeris(), horizons: mapping.horizons,
                                      threads: 2, scratchDirectory: path(""), notes: &notes)
        XCTAssertGreaterThan(whole.sites.count, 1)
        for site in whole.sites {
            let access = try XCTUnwrap(site.shadowAccess)
            if let arrival = access.arrivalHours {
                let k = profile.criteria.firstIndex { $0.layer == .psrTraverseH }!
                XCTAssertGreaterThanOrEqual(arrival, Double(site.values[k]) - 1e-3, "at least the driving time")
            } else {
                XCTAssertNotNil(access.note)
            }
        }
        let operation = RankTileOperation(mapping: mapping, ephemeris: { AnalyticalEphemeris() }, inputFiles: [])
        let merged = try tiled(operation, dem: dem, name: "dated")
        let csv = try String(contentsOfFile: "\(merged)/sites.csv", encoding: .utf8)
        XCTAssertTrue(csv.contains("psr_dated_h"))
        XCTAssertEqual(csv, SiteOutputs.csv(whole))
    }
}

extension TiledRunTests {
    func assertIdentical(_ whole: Grid, _ mergedFile: String, _ what: String, band: Int, file: StaticString = #filePath, line: UInt = #line) throws {
        let dataset = try RasterDataset.open(mergedFile)
        defer { dataset.close() }
        let merged = try dataset.readBand(band)
        let differing = zip(whole.values, merged.values).filter { !($0.bitPattern == $1.bitPattern || ($0.isNaN && $1.isNaN)) }.count
        XCTAssertEqual(differing, 0, "\(what): cells differing between the tiled and the whole run", file: file, line: line)
    }
}
