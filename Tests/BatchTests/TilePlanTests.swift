@testable import Batch
import GeoRaster
import XCTest

/// Tile plans: cores partition the region on the raster's own grid, reads are cores plus the halo clamped
/// to the raster, the memory formula, and the Slurm scripts (MaxArraySize splits, throttles, offsets).
final class TilePlanTests: XCTestCase {
    func testCoresPartitionTheRegionAndReadsAddTheClampedHalo() throws {
        let plan = try TilePlan(rasterWidth: 1000, rasterHeight: 700, tileSize: 256, halo: 12)
        var covered = [Int](repeating: 0, count: 1000 * 700)
        for tile in plan.tiles {
            for r in tile.core.rows { for c in tile.core.columns { covered[r * 1000 + c] += 1 } }
            XCTAssertEqual(tile.read, tile.core.expanded(by: 12).clamped(width: 1000, height: 700))
            XCTAssertTrue(tile.read.contains(tile.core))
        }
        XCTAssertEqual(Set(covered), [1], "every cell in exactly one core")
        XCTAssertEqual(plan.tiles.count, 4 * 3)
        XCTAssertEqual(plan.tiles.last!.core, RasterWindow(column: 768, row: 512, width: 232, height: 188))
        XCTAssertEqual(plan.tiles[0].read, RasterWindow(column: 0, row: 0, width: 268, height: 268))
    }

    func testTilesAlignToTheRastersGridWhateverTheRegion() throws {
        let region = RasterWindow(column: 300, row: 100, width: 400, height: 300)
        let plan = try TilePlan(rasterWidth: 1000, rasterHeight: 700, region: region, tileSize: 256, halo: 0)
        // Boundaries at multiples of 256 from the raster's corner: 300..512..700, 100..256..400.
        XCTAssertEqual(plan.tiles.map(\.core.column), [300, 512, 300, 512])
        XCTAssertEqual(plan.tiles.map(\.core.row), [100, 100, 256, 256])
        XCTAssertEqual(plan.tiles.reduce(0) { $0 + $1.core.cellCount }, region.cellCount)
    }

    func testTileSmallerThanItsHaloIsRefused() {
        XCTAssertThrowsError(try TilePlan(rasterWidth: 100, rasterHeight: 100, tileSize: 10, halo: 11)) { error in
            XCTAssertEqual(error as? TilePlan.PlanError, .tileSmallerThanHalo(tile: 10, halo: 11))
        }
    }

    func testMemoryFormulaAndLargestTile() throws {
        let plan = try TilePlan(rasterWidth: 10_000, rasterHeight: 10_000, tileSize: 1000, halo: 50)
        XCTAssertEqual(plan.memoryBytes(bytesPerCell: 20), 1100 * 1100 * 20 + TilePlan.overheadBytes)
        let edge = TilePlan.largestTile(fitting: 2 << 30, halo: 50, bytesPerCell: 20)
        let fitted = try TilePlan(rasterWidth: 100_000, rasterHeight: 100_000, tileSize: edge, halo: 50)
        XCTAssertLessThanOrEqual(fitted.memoryBytes(bytesPerCell: 20), 2 << 30)
        XCTAssertGreaterThan(try TilePlan(rasterWidth: 100_000, rasterHeight: 100_000, tileSize: edge + 1, halo: 50).memoryBytes(bytesPerCell: 20), 2 << 30)
        XCTAssertEqual(plan.readAmplification, 1.2, accuracy: 0.02)  // 10 x 10 tiles, halo 50 inside
    }

    func testSlurmArraysSplitAtMaxArraySizeWithOffsetsAndThrottle() {
        var script = SlurmScript(runFolder: "/runs/a b", farside: "/opt/farside", taskCount: 2500, cpusPerTask: 2, memoryMBPerTask: 900)
        script.maxArraySize = 1001
        script.throttle = 8
        let scripts = script.scripts()
        XCTAssertEqual(scripts.map(\.name), ["slurm.sbatch", "slurm.1.sbatch", "slurm.2.sbatch"])
        XCTAssertTrue(scripts[0].text.contains("#SBATCH --array=0-999%8"))
        XCTAssertTrue(scripts[2].text.contains("#SBATCH --array=0-499%8"))
        XCTAssertTrue(scripts[1].text.contains("task=$((SLURM_ARRAY_TASK_ID + 1000))"))
        XCTAssertTrue(scripts[0].text.contains("#SBATCH --requeue"))
        XCTAssertTrue(scripts[0].text.contains("#SBATCH --mem=900M"))
        XCTAssertTrue(scripts[0].text.contains("'/runs/a b'"), "paths are shell-quoted")
    }

    func testTwoPassArraysChainTheMainPassAfterTheFirst() {
        var script = SlurmScript(runFolder: "/runs/r", farside: "/opt/farside", taskCount: 1500 + 1200, cpusPerTask: 1, memoryMBPerTask: 900)
        script.prepassTaskCount = 1500
        script.maxArraySize = 1001
        let scripts = script.scripts()
        XCTAssertEqual(scripts.map(\.name), ["slurm.prepass.sbatch", "slurm.prepass.1.sbatch", "slurm.sbatch", "slurm.1.sbatch"])
        XCTAssertTrue(scripts[1].text.contains("#SBATCH --array=0-499") && scripts[1].text.contains("task=$((SLURM_ARRAY_TASK_ID + 1000))"))
        XCTAssertTrue(scripts[2].text.contains("#SBATCH --array=0-999") && scripts[2].text.contains("task=$((SLURM_ARRAY_TASK_ID + 1500))"))
        XCTAssertTrue(scripts[3].text.contains("#SBATCH --array=0-199") && scripts[3].text.contains("task=$((SLURM_ARRAY_TASK_ID + 2500))"))
        let submit = script.submitScript()
        let lines = submit.split(separator: "\n").filter { $0.contains("sbatch --parsable") }
        XCTAssertEqual(lines.count, 4, submit)
        XCTAssertTrue(lines[0].contains("slurm.prepass.sbatch") && !lines[0].contains("dependency"), submit)
        XCTAssertTrue(lines[2].contains("--dependency=afterok:") && lines[2].hasSuffix("'/runs/r/slurm.sbatch'"), submit)
    }

    func testWindowMinusAnInnerWindowIsFourRectanglesCoveringTheRest() {
        let outer = RasterWindow(column: 0, row: 0, width: 10, height: 8)
        let inner = RasterWindow(column: 2, row: 3, width: 5, height: 4)
        let parts = outer.subtracting(inner)
        XCTAssertEqual(parts.count, 4)
        var covered = [Int](repeating: 0, count: outer.cellCount)
        for w in parts + [inner] { for r in w.rows { for c in w.columns { covered[r * 10 + c] += 1 } } }
        XCTAssertEqual(Set(covered), [1], "every cell exactly once")
        XCTAssertEqual(outer.subtracting(nil), [outer])
        XCTAssertEqual(outer.subtracting(outer), [])
        XCTAssertEqual(outer.subtracting(RasterWindow(column: 20, row: 0, width: 2, height: 2)), [outer], "disjoint")
        XCTAssertEqual(outer.subtracting(RasterWindow(column: 0, row: 0, width: 10, height: 3)), [RasterWindow(column: 0, row: 3, width: 10, height: 5)])
    }
}
