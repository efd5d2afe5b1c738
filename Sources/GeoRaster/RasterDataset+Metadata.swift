import CGDAL

extension RasterDataset {
    /// A metadata item of the dataset (`band` nil) or of the read band, in `domain` ("" is the default;
    /// "IMAGE_STRUCTURE" holds COMPRESSION, LAYOUT...).
    public func metadataItem(_ key: String, domain: String = "", band bandIndex: Int? = nil) -> String? {
        guard let ds = gdalDataset else { return nil }
        let object: GDALMajorObjectH? = bandIndex.map { GDALGetRasterBand(ds, Int32($0)) } ?? ds
        return object.flatMap { GDALGetMetadataItem($0, key, domain) }.map { String(cString: $0) }
    }

    /// Description of band `index` (1-based).
    public func bandDescription(_ index: Int = 1) -> String {
        guard let ds = gdalDataset, let b = GDALGetRasterBand(ds, Int32(index)) else { return "" }
        return String(cString: GDALGetDescription(b))
    }

    /// Unit of band `index` (1-based).
    public func bandUnit(_ index: Int = 1) -> String {
        guard let ds = gdalDataset, let b = GDALGetRasterBand(ds, Int32(index)) else { return "" }
        return GDALGetRasterUnitType(b).map { String(cString: $0) } ?? ""
    }

    /// Number of bands.
    public var bandCount: Int { gdalDataset.map { Int(GDALGetRasterCount($0)) } ?? 0 }

    /// Overview count of the read band.
    public var overviewCount: Int { gdalDataset.map { Int(GDALGetOverviewCount(GDALGetRasterBand($0, Int32(options.band)))) } ?? 0 }
}
