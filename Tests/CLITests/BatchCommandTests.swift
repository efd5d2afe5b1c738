import Foundation
import GeoRaster
import TestSupport
import XCTest

/// `farside batch` with the local executor: plan, run (one task, then all), status, merge; merged rasters
/// bit-identical to the single command's; a lost tile redone; bad run folders refused with one line.
final class BatchCommandTests: XCTestCase {
    var folder: URL!
    override func setUp() { folder = TestSupport.scratchDirectory("batch") }
    override func tearDown() { try? FileManager.default.removeItem(at: folder) }
    func path(_ name: String) -> String { folder.appendingPathComponent(name).path }

    /// A 20 m south-polar DEM with a nodata hole (tiles must not change edge handling around it).
    func dem() throws -> String {
        let r = try FarSideBinary.run(["synth", "--preset", "south-pole", "--size", "520", "--resolution", "20", "--seed", "6",
                                       "-o", path("synth.tif"), "--quiet"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let source = try RasterDataset.open(path("synth.tif"))
        var grid = try source.readAll()
        for row in 200..<260 { for column in 290..<330 { grid[row, column] = .nan } }
        let out = try TestSupport.writeRaster(grid, to: path("dem.tif"), transform: source.geoTransform, crs: source.crs.wkt)
        source.close()
        return out
    }

    func assertOneLine(_ r: TestSupport.ProcessResult, status: Int32, mentions: String..., file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(r.status, status, r.stderr, file: file, line: line)
        XCTAssertEqual(r.stderr.split(whereSeparator: \.isNewline).count, 1, r.stderr, file: file, line: line)
        for m in mentions { XCTAssertTrue(r.stderr.contains(m), "names \(m): \(r.stderr)", file: file, line: line) }
    }

    func identical(_ a: String, _ b: String) throws -> Bool {
        let x = try TestSupport.readRaster(a), y = try TestSupport.readRaster(b)
        return x.width == y.width && x.height == y.height
            && zip(x.values, y.values).allSatisfy { $0.bitPattern == $1.bitPattern || ($0.isNaN && $1.isNaN) }
    }

    func testTiledTerrainMergesBitIdenticalToTheSingleRun() throws {
        let dem = try dem()
        var r = try FarSideBinary.run(["batch", "plan", "--dem", dem, "--tile-km", "2", "-o", path("run"), "--max-tasks", "12",
                                       "--", "terrain", "--products", "slope,aspect,roughness"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("tiles of 100 cells (halo 1) in 12 tasks"), r.stdout)
        let script = try String(contentsOfFile: path("run/slurm.sbatch"), encoding: .utf8)
        XCTAssertTrue(script.contains("#SBATCH --array=0-11") && script.contains("#SBATCH --requeue"), script)

        // Merging before the tasks ran names the missing tasks.
        r = try FarSideBinary.run(["batch", "merge", path("run"), "-o", path("merged"), "--quiet"])
        assertOneLine(r, status: 3, mentions: "12 of 12 tasks not done")
        XCTAssertFalse(FileManager.default.fileExists(atPath: path("merged")))

        r = try FarSideBinary.run(["batch", "run", path("run"), "--task", "3", "--threads", "1"])
        XCTAssertEqual(r.status, 0, r.stderr)
        r = try FarSideBinary.run(["batch", "status", path("run")])
        XCTAssertTrue(r.stdout.contains("1 done, 11 pending, 0 failed of 12 tasks"), r.stdout)
        XCTAssertTrue(r.stdout.contains("pending: 0-2, 4-11"), r.stdout)
        r = try FarSideBinary.run(["batch", "run", path("run"), "--all", "--jobs", "2", "--threads", "2", "--quiet"])
        XCTAssertEqual(r.status, 0, r.stderr)
        r = try FarSideBinary.run(["batch", "merge", path("run"), "-o", path("merged"), "--quiet"])
        XCTAssertEqual(r.status, 0, r.stderr)
        r = try FarSideBinary.run(["terrain", dem, "-o", path("single"), "--quiet"])
        XCTAssertEqual(r.status, 0, r.stderr)
        for name in ["slope", "aspect", "roughness"] {
            XCTAssertTrue(try identical(path("single/\(name).tif"), path("merged/\(name).tif")), "\(name).tif (COG) bit-identical")
            XCTAssertTrue(try identical(path("single/\(name).tif"), path("merged/\(name).vrt")), "\(name).vrt bit-identical")
        }
        let merged = try RasterDataset.open(path("merged/slope.tif"))
        XCTAssertEqual(merged.metadataItem("LAYOUT", domain: "IMAGE_STRUCTURE"), "COG")
        merged.close()

        // A tile lost after the fact (its done record gone, as after a kill between outputs and record):
        // status says pending, a rerun redoes only it, and the merge is the same bytes.
        let cog = try Data(contentsOf: URL(fileURLWithPath: path("merged/slope.tif")))
        try FileManager.default.removeItem(atPath: path("run/done/000005.json"))
        r = try FarSideBinary.run(["batch", "status", path("run"), "--json"])
        XCTAssertTrue(r.stdout.contains("\"pending\""), r.stdout)
        r = try FarSideBinary.run(["batch", "run", path("run"), "--all", "--threads", "2"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stderr.contains("1 of 12 tasks pending"), r.stderr)
        try FileManager.default.removeItem(atPath: path("merged"))
        r = try FarSideBinary.run(["batch", "merge", path("run"), "-o", path("merged"), "--quiet"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(try identical(path("single/slope.tif"), path("merged/slope.tif")))
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: path("merged/slope.tif"))), cog, "byte-identical COG after the rerun")
    }

    /// A rank run with a time window and a PSR criterion has two passes: the first computes the time layers
    /// and shadow masks once per cell; a main task refuses to start before it (exit 3, naming the tasks);
    /// submit.sh chains the arrays; the merge equals the single command's outputs.
    func testTwoPassRankRunsItsFirstPassFirstAndMergesLikeTheSingleRun() throws {
        let dem = try dem()
        var r = try FarSideBinary.run(["rank", "--profile", "ilrs-south-pole", "--show-profile"])
        XCTAssertEqual(r.status, 0, r.stderr)
        try r.stdout.replacingOccurrences(of: "duration_h: 8760", with: "duration_h: 48").replacingOccurrences(of: "step: 2h", with: "step: 4h")
            .replacingOccurrences(of: "azimuths: 180", with: "azimuths: 36").replacingOccurrences(of: "min_separation_m: 2000", with: "min_separation_m: 1500")
            .write(toFile: path("ilrs.yaml"), atomically: true, encoding: .utf8)
        let horizons = ["--horizon-margin-km", "3", "--horizon-block-km", "5"]
        r = try FarSideBinary.run(["batch", "plan", "--dem", dem, "--tile-km", "5", "-o", path("run"), "--", "rank", "--profile", path("ilrs.yaml")] + horizons)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("9 tiles of 256 cells") && r.stdout.contains("first pass: 9 tiles") && r.stdout.contains("submit.sh"), r.stdout)
        let submit = try String(contentsOfFile: path("run/submit.sh"), encoding: .utf8)
        XCTAssertTrue(submit.contains("slurm.prepass.sbatch") && submit.contains("--dependency=afterok:"), submit)
        let main = try String(contentsOfFile: path("run/slurm.sbatch"), encoding: .utf8)
        XCTAssertTrue(main.contains("task=$((SLURM_ARRAY_TASK_ID + 9))"), main)
        assertOneLine(try FarSideBinary.run(["batch", "run", path("run"), "--task", "10", "--quiet"]), status: 3, mentions: "first-pass task(s) 0, 1, 2, 3, 4, 5, 6, 7, 8 not done")
        r = try FarSideBinary.run(["batch", "run", path("run"), "--all", "--jobs", "2", "--threads", "2"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stderr.contains("9 of 18 tasks pending in the first pass") && r.stderr.contains("9 of 18 tasks pending in the main pass"), r.stderr)
        r = try FarSideBinary.run(["batch", "status", path("run")])
        XCTAssertTrue(r.stdout.contains("18 done, 0 pending, 0 failed of 18 tasks") && r.stdout.contains("first pass: 9 of 9 done"), r.stdout)
        r = try FarSideBinary.run(["batch", "merge", path("run"), "-o", path("merged"), "--quiet"])
        XCTAssertEqual(r.status, 0, r.stderr)
        r = try FarSideBinary.run(["rank", "--profile", path("ilrs.yaml"), "--dem", dem, "-o", path("single"), "--quiet"] + horizons)
        XCTAssertEqual(r.status, 0, r.stderr)
        for name in ["score", "feasible"] {
            XCTAssertTrue(try identical(path("single/\(name).tif"), path("merged/\(name).tif")), "\(name).tif bit-identical")
        }
        XCTAssertEqual(try String(contentsOfFile: path("merged/sites.csv"), encoding: .utf8),
                       try String(contentsOfFile: path("single/sites.csv"), encoding: .utf8), "the same sites")
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: path("run/prepass")).filter { $0.hasPrefix(".") }
        XCTAssertEqual(leftovers, [], "the first pass's mosaics are removed")
    }

    func testBadRunFoldersAreRefusedWithOneLine() throws {
        let dem = try dem()
        var r = try FarSideBinary.run(["batch", "plan", "--dem", dem, "--tile-km", "3", "-o", path("run"), "--", "terrain"])
        XCTAssertEqual(r.status, 0, r.stderr)
        assertOneLine(try FarSideBinary.run(["batch", "run", path("run"), "--task", "99"]), status: 2, mentions: "--task 99", "0 ... 15")
        assertOneLine(try FarSideBinary.run(["batch", "status", path("nowhere")]), status: 3, mentions: "plan.json")
        assertOneLine(try FarSideBinary.run(["batch", "plan", "--dem", dem, "--tile-km", "3", "-o", path("r2"), "--", "rank",
                                             "--profile", "terrain-only", "--sensitivity", "10"]),
                      status: 2, mentions: "single-process options")
        assertOneLine(try FarSideBinary.run(["batch", "plan", "--dem", dem, "--tile-km", "3", "-o", path("r2"), "--", "viewshed"]),
                      status: 2, mentions: "not a raster command")
        assertOneLine(try FarSideBinary.run(["batch", "plan", "--dem", dem, "--tile-km", "3", "-o", path("r2"), "--", "horizon",
                                             "--horizon-margin-km", "200", "--horizon-block-km", "1"]),
                      status: 2, mentions: "smaller than its halo")
        assertOneLine(try FarSideBinary.run(["batch", "plan", "--dem", dem, "--tile-km", "3", "-o", path("r3"), "--", "terrain", "--products", "curvature"]),
                      status: 2, mentions: "curvature")
        // Another FarSide version's plan.
        let planPath = path("run/plan.json")
        let original = try String(contentsOfFile: planPath, encoding: .utf8)
        try original.replacingOccurrences(of: "\"farsideVersion\" : \"", with: "\"farsideVersion\" : \"9.").write(toFile: planPath, atomically: true, encoding: .utf8)
        assertOneLine(try FarSideBinary.run(["batch", "run", path("run"), "--task", "0"]), status: 3, mentions: "plan.json", "plan the run again")
        try original.write(toFile: planPath, atomically: true, encoding: .utf8)
        // The DEM changed since the plan.
        let source = try RasterDataset.open(dem)
        var grid = try source.readAll()
        grid[10, 10] += 5
        _ = try TestSupport.writeRaster(grid, to: dem, transform: source.geoTransform, crs: source.crs.wkt)
        source.close()
        r = try FarSideBinary.run(["batch", "run", path("run"), "--task", "0"])
        assertOneLine(r, status: 3, mentions: "dem.tif", "changed since the run was planned")
        XCTAssertFalse(FileManager.default.fileExists(atPath: path("run/done/000000.json")))
    }
}
