import Foundation
import GeoRaster

/// Single-process runs larger than their memory budget: the command's tiles, as a batch run would plan
/// them, computed here one after another in a scratch run folder inside the output folder, merged into
/// the outputs (the same files under the same names), the scratch folder removed. A whole-raster run is
/// the one-tile case, so the results are those of the untiled command (bit-identical: the tile operations
/// follow the same halo rules).
///
/// Memory: the largest tile whose task fits the budget by the plan's formula (`TilePlan.memoryBytes`),
/// rounded down to the operation's alignment.
public struct InProcessTiling: Sendable {
    public var operation: any TileOperation
    /// The command line (stored in the scratch plan, as `batch plan` stores it).
    public var command: [String]
    public var memoryBytes: Int64
    public var threads = 1
    public var writeOptions = RasterWriteOptions()
    public var log: @Sendable (String) -> Void = { _ in }

    public init(operation: any TileOperation, command: [String], memoryBytes: Int64) {
        self.operation = operation
        self.command = command
        self.memoryBytes = memoryBytes
    }

    /// The tile edge in cells when `dem` does not fit the budget as one tile, nil when it does (the untiled
    /// command holds both passes of a two-pass operation at once).
    public func tileSize(_ dem: RasterDataset) throws -> Int? {
        func wholeBytes(_ op: any TileOperation) throws -> Int64 {
            let region = try op.region(dem) ?? .whole(width: dem.width, height: dem.height)
            let halo = try op.halo(dem)
            let whole = try TilePlan(rasterWidth: dem.width, rasterHeight: dem.height, region: region, tileSize: max(region.width, region.height, halo),
                                     halo: halo)
            return whole.memoryBytes(bytesPerCell: op.bytesPerCell, bytesPerCoreCell: op.bytesPerCoreCell, fixedBytes: try op.fixedBytes(dem))
        }
        let first = try operation.prepass(dem)
        var bytes = try wholeBytes(operation)
        if let first { bytes += try wholeBytes(first) - TilePlan.overheadBytes }
        guard bytes > memoryBytes else { return nil }
        let halo = try operation.halo(dem), fixed = try operation.fixedBytes(dem)
        let alignment = max(1, try operation.alignment(dem))
        var size = TilePlan.largestTile(fitting: memoryBytes, halo: halo, bytesPerCell: operation.bytesPerCell,
                                        bytesPerCoreCell: operation.bytesPerCoreCell, fixedBytes: fixed, alignment: alignment)
        if let first {
            size = min(size, TilePlan.largestTile(fitting: memoryBytes, halo: try first.halo(dem), bytesPerCell: first.bytesPerCell,
                                                  bytesPerCoreCell: first.bytesPerCoreCell, fixedBytes: try first.fixedBytes(dem), alignment: alignment))
        }
        guard size > 0 else {
            throw FarSideError.usage("{memoryMB} \(memoryBytes >> 20): too small for one tile of \(alignment) cells with its halo of \(halo) (\(operation.name))")
        }
        return size
    }

    /// Plans `dem` in tiles of `tileSize` cells, computes them, and merges them into `output`.
    public func run(_ dem: RasterDataset, tileSize: Int, output: String, farsideVersion: String) throws {
        try FileManager.default.createDirectory(atPath: output, withIntermediateDirectories: true)
        TemporaryFiles.sweep(output)
        let folder = TemporaryFiles.path(for: URL(fileURLWithPath: output).appendingPathComponent("tiles").path)
        let slot = TemporaryFiles.registerDirectory(folder)
        defer {
            try? FileManager.default.removeItem(atPath: folder)
            TemporaryFiles.forget(slot)
        }
        let tilings = try BatchPlanner.tilings(operation, dem: dem, tileSize: tileSize)
        let tiling = tilings.main
        let plan = BatchPlan(format: BatchPlan.formatVersion, farsideVersion: farsideVersion, command: command,
                             inputs: [try InputRecord(path: dem.path, kind: .raster, checksum: false)], tiling: tiling, prepass: tilings.prepass, tilesPerTask: 1,
                             memoryMBPerTask: Int(memoryBytes >> 20), cpusPerTask: threads)
        log("\(operation.name): \(tiling.tiles.count) tiles of \(tileSize) cells to stay within \(memoryBytes >> 20) MB")
        var runner = BatchRunner(plan: plan, runFolder: folder, operation: operation)
        runner.threads = threads
        runner.writeOptions = writeOptions
        runner.writeOptions.outputSet = nil
        runner.log = log
        for task in 0..<plan.taskCount { try runner.runTask(task) }
        var merger = BatchMerger(plan: plan, runFolder: folder, operation: operation)
        merger.writeOptions = writeOptions
        merger.writeVRT = false
        merger.log = log
        merger.verifyInputs = false
        try merger.merge(to: output)
    }
}
