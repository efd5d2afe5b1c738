import Foundation

extension OutputSet {
    /// Writes single-band rasters (file name in `directory`, grid, band description) on `geometry` as one
    /// all-or-nothing set: into `options.outputSet` when the caller prepared one (it publishes), otherwise
    /// into a set made and published here. The one writer of raster sets (commands' maps, batch tiles).
    public static func writeRasters(_ rasters: [(name: String, grid: Grid, band: BandSpec)], directory: String,
                                    geometry: RasterGeometry, nodata: Float = -9999, options: RasterWriteOptions) throws {
        guard options.outputSet != nil else {
            var options = options
            let set = try OutputSet(directory: directory, targets: rasters.map(\.name),
                                    estimatedBytes: Int64(rasters.count) * options.estimatedBytes(width: geometry.width, height: geometry.height, bands: 1))
            options.outputSet = set
            return try set.run { try writeRasters(rasters, directory: directory, geometry: geometry, nodata: nodata, options: options) }
        }
        var writers: [RasterWriter] = []
        do {
            for raster in rasters {
                let writer = try RasterWriter(path: URL(fileURLWithPath: directory).appendingPathComponent(raster.name).path,
                                              geometry: geometry, bands: [raster.band], nodata: nodata, options: options)
                writers.append(writer)
                try writer.write(raster.grid, row: 0)
            }
            for writer in writers { try writer.commit() }
        } catch {
            writers.forEach { $0.abort() }
            throw error
        }
    }
}
