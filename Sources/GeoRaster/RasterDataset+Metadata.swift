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

extension RasterDataset {
    /// Reads band `index` (1-based) over the whole raster (see `readBand(_:into:column:row:width:height:)`).
    public func readBand(_ index: Int) throws -> Grid {
        var values = [Float](repeating: 0, count: width * height)
        try values.withUnsafeMutableBufferPointer { try readBand(index, into: $0.baseAddress!, column: 0, row: 0, width: width, height: height) }
        return Grid(width: width, height: height, values: values)
    }

    /// Reads a window of band `index` (1-based) into `buffer` (row-major, `w` per row) with the band's
    /// nodata, NaN and Inf as NaN and its scale/offset applied (for non-height bands such as horizon angles).
    public func readBand(_ index: Int, into buffer: UnsafeMutablePointer<Float>, column: Int, row: Int, width w: Int, height h: Int) throws {
        try readBand(index, into: buffer, column: column, row: row, width: w, height: h, lineStride: w)
    }

    /// As `readBand(_:into:column:row:width:height:)`, row i of the window at buffer + i * `lineStride`
    /// (a window of a larger buffer).
    public func readBand(_ index: Int, into buffer: UnsafeMutablePointer<Float>, column: Int, row: Int, width w: Int, height h: Int,
                         lineStride: Int) throws {
        guard let ds = gdalDataset, let b = GDALGetRasterBand(ds, Int32(index)) else {
            throw FarSideError.badInput("\(path): band \(index) does not exist")
        }
        GDALEnvironment.resetError()
        guard GDALRasterIO(b, GF_Read, Int32(column), Int32(row), Int32(w), Int32(h), buffer, Int32(w), Int32(h), GDT_Float32,
                           0, Int32(lineStride * MemoryLayout<Float>.stride)) == CE_None else {
            throw FarSideError.badInput("\(path): cannot read band \(index): \(GDALEnvironment.lastError(or: "read error"))")
        }
        var has: Int32 = 0, hasScale: Int32 = 0, hasOffset: Int32 = 0
        let nd = GDALGetRasterNoDataValue(b, &has)
        let scale = GDALGetRasterScale(b, &hasScale), offset = GDALGetRasterOffset(b, &hasOffset)
        for i in 0..<(lineStride == w ? 1 : h) {
            _ = RasterDataset.toHeights(UnsafeMutableBufferPointer(start: buffer + i * lineStride, count: lineStride == w ? w * h : w),
                                        nodata: has != 0 ? Float(nd) : nil, scale: hasScale != 0 ? Float(scale) : 1, offset: hasOffset != 0 ? Float(offset) : 0)
        }
    }

    /// The storage block (tile or strip) of band `index` (1-based), in cells, and its sample size in bytes.
    public func block(band index: Int) -> (width: Int, height: Int, sampleBytes: Int) {
        guard let ds = gdalDataset, let b = GDALGetRasterBand(ds, Int32(index)) else { return (width, 1, 4) }
        var x: Int32 = 0, y: Int32 = 0
        GDALGetBlockSize(b, &x, &y)
        return (Int(max(1, x)), Int(max(1, y)), Int(GDALGetDataTypeSizeBytes(GDALGetRasterDataType(b))))
    }

    /// The whole raster as heights, refusing an all-nodata raster (exit 3).
    public func readAll() throws -> Grid {
        let grid = try readRows(0..<height)
        guard grid.validCount > 0 else { throw FarSideError.badInput("\(path): every cell is nodata") }
        return grid
    }
}
