import CGDAL
import Foundation

/// Mosaics of tiles that partition a raster (no two overlap: GDAL blends overlapping VRT sources), through
/// GDAL's own utilities: a VRT (GDALBuildVRT) and a Cloud Optimized GeoTIFF with overviews (the COG
/// driver), both on the grid of the tiles' union.
public enum RasterMosaic {
    /// Writes a VRT of `sources` (absolute paths, the same CRS, bands and cell size) to `path`, on the grid
    /// of `width` x `height` cells of `transform` (north-up): tiles missing from a partial mosaic are nodata.
    public static func buildVRT(sources: [String], to path: String, grid transform: GeoTransform, width: Int, height: Int) throws {
        GDALEnvironment.initialize()
        let x0 = transform.originX, y0 = transform.originY
        let x1 = x0 + Double(width) * transform.pixelWidth, y1 = y0 + Double(height) * transform.pixelHeight
        let args = CStringList(["-q", "-te", "\(min(x0, x1))", "\(min(y0, y1))", "\(max(x0, x1))", "\(max(y0, y1))",
                                "-tr", "\(abs(transform.pixelWidth))", "\(abs(transform.pixelHeight))"])
        guard let options = GDALBuildVRTOptionsNew(args.pointer, nil) else { throw FarSideError.failure("bad VRT options") }
        defer { GDALBuildVRTOptionsFree(options) }
        let names = CStringList(sources)
        var usageError: Int32 = 0
        GDALEnvironment.resetError()
        guard let vrt = GDALBuildVRT(path, Int32(sources.count), nil, names.constPointer, options, &usageError) else {
            throw FarSideError.outputFailed("\(path): cannot build the mosaic (\(GDALEnvironment.lastError(or: "GDALBuildVRT failed")))")
        }
        GDALClose(vrt)
    }

    /// Converts `source` (e.g. a mosaic VRT) to a COG at `target` with overviews (AVERAGE), compressed as
    /// `options` says; errors name `reportingAs`.
    public static func cog(from source: String, to target: String, options: RasterWriteOptions, reportingAs path: String) throws {
        try RasterWriter.translateToCOG(from: source, to: target, options: options, reportingAs: path)
    }
}
