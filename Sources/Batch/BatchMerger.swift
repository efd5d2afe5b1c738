import Foundation
import GeoRaster

/// `farside batch merge`: every output of the run as a VRT mosaic of the tiles' cores (no two overlap) and
/// a COG with overviews, on the DEM's grid, under the single command's file names (OUT/slope.tif is the
/// COG, OUT/slope.vrt the mosaic of the run folder's tiles). Missing tasks are refused (exit 3) unless
/// `partial`, which mosaics what is done (the rest is nodata).
public struct BatchMerger: Sendable {
    public var plan: BatchPlan
    public var run: RunFolder
    public var operation: any TileOperation
    public var writeOptions = RasterWriteOptions()
    public var partial = false
    /// Also write NAME.vrt, the mosaic of the run folder's tiles (not for runs whose folder is temporary).
    public var writeVRT = true
    /// Verify the inputs' checksums against the plan (off for a run this process planned itself).
    public var verifyInputs = true
    /// One line per stage.
    public var log: @Sendable (String) -> Void = { _ in }

    public init(plan: BatchPlan, runFolder: String, operation: any TileOperation) {
        self.plan = plan
        run = RunFolder(runFolder)
        self.operation = operation
    }

    public func merge(to output: String) throws {
        if verifyInputs { try plan.checkInputs(verifyChecksums: true) }
        let status = BatchStatus(plan: plan, runFolder: run.path, verify: true)
        let missing = status.missingTasks
        if !missing.isEmpty && !partial {
            let listed = missing.prefix(20).map(String.init).joined(separator: ", ") + (missing.count > 20 ? ", ..." : "")
            throw FarSideError.badInput("\(run.path): \(missing.count) of \(plan.taskCount) tasks not done (\(listed)); run them or merge with {partialMerge}")
        }
        let dem = try RasterDataset.open(plan.inputs[0].path)
        let demTransform = dem.geoTransform
        dem.close()
        let doneTiles = plan.tiling.tiles.filter { DoneRecord.valid(run, tile: $0.index) != nil }
        guard !doneTiles.isEmpty else { throw FarSideError.badInput("\(run.path): no tile is done") }
        let names = operation.outputNames
        let vrtNames = writeVRT ? names.map { ($0 as NSString).deletingPathExtension + ".vrt" } : []
        let region = plan.tiling.region
        let cells = Int64(region.width) * Int64(region.height)
        let set = try OutputSet(directory: output, targets: names + vrtNames + operation.mergedNames,
                                estimatedBytes: Int64(names.count) * cells * 4 * 3 / 2 + (16 << 20))
        var options = writeOptions
        options.outputSet = set
        let out = URL(fileURLWithPath: output)
        try set.run {
            for name in names {
                let sources = doneTiles.map { URL(fileURLWithPath: run.tileFolder($0.index)).appendingPathComponent(name).path }
                // The VRT lies on the region's window of the DEM's grid (the whole DEM for most commands).
                let vrtTarget = out.appendingPathComponent((name as NSString).deletingPathExtension + ".vrt").path
                let vrt = set.temporaryPath(for: vrtTarget)
                try RasterMosaic.buildVRT(sources: sources, to: vrt, grid: region.geoTransform(in: demTransform), width: region.width,
                                          height: region.height)
                let cogTarget = out.appendingPathComponent(name).path
                let cog = set.temporaryPath(for: cogTarget)
                try RasterMosaic.cog(from: vrt, to: cog, options: options, reportingAs: cogTarget)
                if writeVRT { set.stage(vrt, as: vrtTarget) } else { unlink(vrt) }
                set.stage(cog, as: cogTarget)
                log("merged \(name) from \(sources.count) tiles")
            }
            try operation.finishMerge(plan: plan, run: run, tiles: doneTiles, set: set, directory: output, options: options)
        }
    }
}
