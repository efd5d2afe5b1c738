import ArgumentParser
import Foundation
import GeoRaster

/// `farside info DEM [--json]`: what FarSide sees in a DEM.
struct InfoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "info",
        abstract: "Size, CRS, body, metric cell size, lat/lon bounds, nodata and height statistics of a DEM."
    )

    @Argument(help: "The DEM (any GDAL raster: GeoTIFF, PDS3 .LBL, ISIS3 .cub, VRT...).")
    var dem: String

    @Flag(help: "Print JSON.")
    var json = false

    @Flag(name: .customLong("exact-stats"), help: "Scan every cell for the statistics (default: as gdalinfo -approx_stats, from an overview or a sample of blocks when the raster has more than 4,194,304 cells).")
    var exactStats = false

    @OptionGroup var input: InputOptions

    func run() throws {
        let dataset = try input.open(dem)
        defer { dataset.close() }
        let summary = try RasterSummary.make(dataset, exactStatistics: exactStats)
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            print(String(decoding: try encoder.encode(summary), as: UTF8.self))
        } else {
            print(summary.text)
        }
        guard summary.valid_cells > 0 else {
            throw FarSideError.badInput(summary.statistics_exact ? "\(dem): every cell is nodata"
                                            : "\(dem): every sampled cell is nodata (--exact-stats scans every cell)")
        }
    }
}
