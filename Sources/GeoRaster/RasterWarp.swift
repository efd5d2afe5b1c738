import CGDAL
import Foundation

/// Resampling another raster onto a grid of this raster's CRS, through GDAL's warper (gdalwarp's
/// library form). Used for far-field DEMs: a coarse global product (e.g. LOLA LDEM_4, equirectangular)
/// reprojected around a polar stereographic site DEM.
public enum RasterWarp {
    /// Heights of `source` (metres above its reference sphere, scale/offset/radius handled as in
    /// `RasterDataset`) on the north-up grid of `crsWKT` with origin (`originX`, `originY`), `cell` metres
    /// and `width` x `height` cells; bilinear; NaN where the source has no data.
    public static func resample(_ source: RasterDataset, crsWKT: String, originX: Double, originY: Double,
                                cell: Double, width: Int, height: Int) throws -> Grid {
        try resample(source, crsWKT: crsWKT, transform: GeoTransform(originX: originX, originY: originY, pixelWidth: cell, pixelHeight: -cell),
                     width: width, height: height)
    }

    /// The same onto any north-up grid (`transform` with pixelWidth > 0 and pixelHeight < 0).
    public static func resample(_ source: RasterDataset, crsWKT: String, transform: GeoTransform, width: Int, height: Int) throws -> Grid {
        guard let src = source.gdalDataset else { throw FarSideError.failure("\(source.path): closed") }
        let originX = transform.originX, originY = transform.originY
        let xmax = originX + Double(width) * transform.pixelWidth, ymin = originY + Double(height) * transform.pixelHeight
        let args = CStringList([
            "-of", "MEM", "-t_srs", crsWKT, "-te", "\(originX)", "\(ymin)", "\(xmax)", "\(originY)",
            "-ts", "\(width)", "\(height)", "-r", "bilinear", "-ot", "Float32", "-wt", "Float32",
            "-dstnodata", "nan",
        ] + (source.options.assumeCRS.map { ["-s_srs", $0] } ?? []))  // every band is warped (no -b before GDAL 3.7)
        guard let options = GDALWarpAppOptionsNew(args.pointer, nil) else {
            throw FarSideError.failure("\(source.path): bad warp options")
        }
        defer { GDALWarpAppOptionsFree(options) }
        GDALEnvironment.resetError()
        var inputs: [GDALDatasetH?] = [src]
        var usageError: Int32 = 0
        guard let out = GDALWarp("", nil, 1, &inputs, options, &usageError) else {
            throw FarSideError.badInput("\(source.path): cannot resample onto the site grid (\(GDALEnvironment.lastError(or: "warp failed")))")
        }
        defer { GDALClose(out) }
        var values = [Float](repeating: .nan, count: width * height)
        let err = values.withUnsafeMutableBytes {
            GDALRasterIO(GDALGetRasterBand(out, Int32(source.options.band)), GF_Read, 0, 0, Int32(width), Int32(height), $0.baseAddress,
                         Int32(width), Int32(height), GDT_Float32, 0, 0)
        }
        guard err == CE_None else { throw FarSideError.badInput("\(source.path): warp read failed") }
        // The warper carries raw values: apply the source's nodata, scale and height offset as a read would.
        _ = values.withUnsafeMutableBufferPointer {
            RasterDataset.toHeights($0, nodata: source.nodata.map(Float.init), scale: Float(source.scale), offset: Float(source.heightOffset))
        }
        return Grid(width: width, height: height, values: values)
    }
}
