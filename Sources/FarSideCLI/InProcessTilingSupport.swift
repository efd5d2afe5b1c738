import Batch
import Foundation
import GeoRaster

/// Runs `operation` tile by tile into `output` when `dataset` does not fit `memoryMB` (`InProcessTiling`);
/// false when it fits, and the caller runs it whole.
func runInTilesIfNeeded(_ operation: @autoclosure () throws -> any TileOperation, dataset: RasterDataset, output: String, memoryMB: Int,
                        runOptions: RunOptions) throws -> Bool {
    var tiling = InProcessTiling(operation: try operation(), command: Array(CommandLine.arguments.dropFirst()), memoryBytes: Int64(memoryMB) << 20)
    guard let size = try tiling.tileSize(dataset) else { return false }
    tiling.threads = runOptions.threads
    tiling.writeOptions = runOptions.writeOptions
    if !runOptions.quiet { tiling.log = { FileHandle.standardError.write(Data("farside: \($0)\n".utf8)) } }
    try tiling.run(dataset, tileSize: size, output: output, farsideVersion: FarSide.version)
    return true
}
