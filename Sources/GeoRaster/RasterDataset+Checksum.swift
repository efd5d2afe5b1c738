import CGDAL

extension RasterDataset {
    /// GDAL's checksum of band `index` (1-based) over the whole raster, as `gdalinfo -checksum` prints it
    /// (GDALChecksumImage: a 16-bit sum of the values, enough to tell a changed raster from its plan's).
    public func checksum(band index: Int) -> Int {
        guard let ds = gdalDataset, let band = GDALGetRasterBand(ds, Int32(index)) else { return -1 }
        return Int(GDALChecksumImage(band, 0, 0, Int32(width), Int32(height)))
    }
}
