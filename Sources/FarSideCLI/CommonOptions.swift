import ArgumentParser
import Foundation
import GeoRaster

/// How an input DEM is opened (shared by every command that reads one).
struct InputOptions: ParsableArguments {
    @Option(name: .customLong("assume-crs"), help: "CRS to use instead of the raster's own (e.g. IAU_2015:30135), for rasters without a CRS or with a wrong body.")
    var assumeCRS: String?

    @Option(help: "Distances on projected grids: grid (projected metres, as gdaldem) or true (sphere distances per row, cylindrical projections).")
    var distances: DistanceModel = .grid

    @Option(parsing: .unconditional, help: "Band to read (1-based).")
    var band: Int = 1

    var openOptions: OpenOptions { OpenOptions(assumeCRS: assumeCRS, distances: distances, band: band) }

    func open(_ path: String) throws -> RasterDataset { try RasterDataset.open(path, options: openOptions) }
}

/// Threads, quiet and output format options.
struct RunOptions: ParsableArguments {
    @Option(parsing: .unconditional, help: "Worker threads (default: all cores).")
    var threads: Int = ProcessInfo.processInfo.activeProcessorCount

    @Flag(help: "No progress output.")
    var quiet = false

    @Flag(help: "Write Cloud Optimized GeoTIFFs (with overviews) instead of tiled GeoTIFFs.")
    var cog = false

    @Option(help: ArgumentHelp(
        "GeoTIFF compression shorthand: none (default), zstd[:LEVEL], deflate[:LEVEL] or lzw (with GDAL's predictor).",
        discussion: """
            The default is uncompressed tiled (512 x 512) GeoTIFF, GDAL's own convention: on a 2-core \
            machine DEFLATE:1 made `terrain --threads 1` 3.7x as slow for a 19 % smaller slope file \
            (4096 x 4096: 54 MB against 67 MB) and ZSTD:1 2x as slow for 20 % smaller (README, \
            "Output format"). --co KEY=VALUE sets any GDAL creation option.
            """))
    var compress: RasterCompression = .default

    @Option(name: .customLong("co"), help: ArgumentHelp(
        "GDAL creation option KEY=VALUE for the GTiff driver (COG with --cog), repeatable, as GDAL tools take it; overrides --compress and FarSide's defaults.",
        valueName: "KEY=VALUE"))
    var creationOptions: [String] = []

    func validate() throws {
        // One line per stage on stderr (terminal or not), unless quiet.
        StageLog.install(quiet ? nil : StageLog.standardError)
        guard threads >= 1, threads <= 1024 else { throw ValidationError("--threads \(threads): must be 1 ... 1024") }
        do {
            _ = try CreationOptions.validate(creationOptions, driver: cog ? "COG" : "GTiff")
        } catch let error as FarSideError {
            throw ValidationError(error.message(naming: FarSide.option(for:)))
        }
    }

    var writeOptions: RasterWriteOptions {
        var options = RasterWriteOptions(cog: cog, compression: compress, threads: threads, metadata: FarSide.outputMetadata())
        // Validated in validate(); parsed again here (cheap).
        options.creationOptions = (try? CreationOptions.validate(creationOptions, driver: cog ? "COG" : "GTiff")) ?? []
        return options
    }
    var progress: TerminalProgress { TerminalProgress(quiet: quiet) }
}

extension DistanceModel: ExpressibleByArgument {}

extension RasterCompression: ExpressibleByArgument {
    public init?(argument: String) { self.init(compressionName: argument) }
}

/// A set of outputs for `writeOptions`: created (folder made, locked, swept, space checked) before the
/// work; writers stage into it and `OutputSet.run` publishes them all at the end.
func prepareOutputs(_ options: inout RasterWriteOptions, directory: String, targets: [String], estimatedBytes: Int64) throws -> OutputSet {
    let set = try OutputSet(directory: directory, targets: targets, estimatedBytes: estimatedBytes)
    options.outputSet = set
    return set
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
