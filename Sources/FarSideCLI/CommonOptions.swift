import ArgumentParser
import Foundation
import GeoRaster

/// How an input DEM is opened (shared by every command that reads one).
struct InputOptions: ParsableArguments {
    @Option(name: .customLong("assume-crs"), help: "CRS to use instead of the raster's own (e.g. IAU_2015:30135), for rasters without a CRS or with a wrong body.")
    var assumeCRS: String?

    @Option(help: "Distances on projected grids: grid (projected metres, as gdaldem) or true (sphere distances per row, cylindrical projections).")
    var distances: DistanceModel = .grid

    @Option(help: "Band to read (1-based).")
    var band: Int = 1

    var openOptions: OpenOptions { OpenOptions(assumeCRS: assumeCRS, distances: distances, band: band) }

    func open(_ path: String) throws -> RasterDataset { try RasterDataset.open(path, options: openOptions) }
}

/// Threads, quiet and output format options.
struct RunOptions: ParsableArguments {
    @Option(help: "Worker threads (default: all cores).")
    var threads: Int = ProcessInfo.processInfo.activeProcessorCount

    @Flag(help: "No progress output.")
    var quiet = false

    @Flag(help: "Write Cloud Optimized GeoTIFFs (with overviews) instead of tiled GeoTIFFs.")
    var cog = false

    @Option(help: "GeoTIFF compression: deflate[:LEVEL] (default deflate:1, float predictor), zstd[:LEVEL], lzw or none.")
    var compress: RasterCompression = .default

    func validate() throws {
        guard threads >= 1, threads <= 1024 else { throw ValidationError("--threads \(threads): must be 1 ... 1024") }
    }

    var writeOptions: RasterWriteOptions {
        RasterWriteOptions(cog: cog, compression: compress, threads: threads, metadata: FarSide.outputMetadata())
    }
    var progress: TerminalProgress { TerminalProgress(quiet: quiet) }
}

extension DistanceModel: ExpressibleByArgument {}

extension RasterCompression: ExpressibleByArgument {
    public init?(argument: String) { self.init(compressionName: argument) }
}

/// Creates an output folder (and parents); exit 4 when it cannot.
func makeOutputDirectory(_ path: String) throws {
    var isDirectory: ObjCBool = false
    if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) {
        guard isDirectory.boolValue else { throw FarSideError.outputFailed("\(path): exists and is not a directory") }
        guard FileManager.default.isWritableFile(atPath: path) else { throw FarSideError.outputFailed("\(path): directory is not writable") }
        return
    }
    do {
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    } catch {
        throw FarSideError.outputFailed("\(path): cannot create directory (\(error.localizedDescription))")
    }
}
