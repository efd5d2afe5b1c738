import ArgumentParser
import Foundation
import GeoRaster
import Terrain

/// `farside terrain DEM -o DIR [--products slope,aspect,roughness] [--threads N]`.
struct TerrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "terrain",
        abstract: "Slope, aspect and roughness of a DEM (Horn 1981 by default, as gdaldem), edges included.",
        discussion: """
            Writes DIR/slope.tif (degrees), DIR/aspect.tif (degrees clockwise from grid north, downslope; \
            nodata where flat) and DIR/roughness.tif (metres, max - min of the 3x3 window). Geographic DEMs \
            use true cell sizes per row on the Moon's sphere. Edge and nodata-adjacent cells use one-sided \
            differences (missing neighbours extrapolated linearly).
            """
    )

    @Argument(help: "The DEM.")
    var dem: String

    @Option(name: .shortAndLong, help: "Output directory.")
    var output: String

    @Option(help: "Comma-separated products: slope, aspect, roughness.")
    var products: String = "slope,aspect,roughness"

    @Option(help: "Gradient: horn or zevenbergen-thorne.")
    var algorithm: SlopeAlgorithm = .horn

    @OptionGroup var input: InputOptions
    @OptionGroup var runOptions: RunOptions

    func parsedProducts() throws -> [TerrainProduct] {
        let names = products.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        guard !names.isEmpty else { throw ValidationError("--products: empty list") }
        return try names.map { name in
            guard let p = TerrainProduct(rawValue: name) else {
                throw ValidationError("--products: unknown product '\(name)' (known: slope, aspect, roughness)")
            }
            return p
        }
    }

    func validate() throws { _ = try parsedProducts() }

    func run() throws {
        let wanted = try parsedProducts()
        let dataset = try input.open(dem)
        defer { dataset.close() }
        var options = runOptions.writeOptions
        let set = try prepareOutputs(&options, directory: output, targets: wanted.map { "\($0.rawValue).tif" },
                                     estimatedBytes: Int64(wanted.count) * options.estimatedBytes(width: dataset.width, height: dataset.height, bands: 1))
        var outputs: [TerrainProduct: String] = [:]
        for p in wanted { outputs[p] = URL(fileURLWithPath: output).appendingPathComponent("\(p.rawValue).tif").path }
        var pipeline = TerrainPipeline()
        pipeline.algorithm = algorithm
        pipeline.threads = runOptions.threads
        pipeline.writeOptions = options
        let progress = runOptions.progress
        pipeline.progress = { progress.report($0) }
        try set.run { try pipeline.run(input: dataset, outputs: outputs) }
    }
}

extension SlopeAlgorithm: ExpressibleByArgument {}
