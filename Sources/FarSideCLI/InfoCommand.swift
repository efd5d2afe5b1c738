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

    @OptionGroup var input: InputOptions

    func run() throws {
        let dataset = try input.open(dem)
        defer { dataset.close() }
        let summary = try RasterSummary.make(dataset)
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            print(String(decoding: try encoder.encode(summary), as: UTF8.self))
        } else {
            print(summary.text)
        }
        guard summary.valid_cells > 0 else { throw FarSideError.badInput("\(dem): every cell is nodata") }
    }
}
