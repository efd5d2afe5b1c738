import CGDAL
import Foundation

/// Options that say what to assume where a raster is silent or wrong.
public struct OpenOptions: Sendable {
    /// A CRS to use instead of the raster's own (like gdal_translate -a_srs): for rasters without a CRS,
    /// or whose CRS names another body although the data are lunar.
    public var assumeCRS: String?
    /// How projected grids measure distances (ignored for geographic grids, which always use true sizes).
    public var distances: DistanceModel
    /// Band to read (1-based).
    public var band: Int

    public init(assumeCRS: String? = nil, distances: DistanceModel = .grid, band: Int = 1) {
        self.assumeCRS = assumeCRS
        self.distances = distances
        self.band = band
    }
}

/// A lunar elevation raster opened through GDAL, read by windows (a rasterio-like API: open, read, close).
///
/// On open it checks what FarSide needs: a readable single grid, a CRS on the Moon, a north-up
/// geotransform. Reads return heights in metres above the body's reference sphere as Float32 with
/// nodata, NaN and Inf as NaN. GDAL's scale is applied; an Offset that is a body radius (LOLA PDS labels:
/// Offset 1737400, Scale 0.5) is taken as the reference radius, so heights are DN x scale.
public final class RasterDataset: @unchecked Sendable {
    public let path: String
    public let width: Int
    public let height: Int
    public let geoTransform: GeoTransform
    public let crs: SpatialReference
    public let body: CelestialBody
    public let driverName: String
    /// Source nodata value (in raw units), if the band declares one.
    public let nodata: Double?
    public let scale: Double
    /// GDAL's band offset as declared.
    public let declaredOffset: Double
    /// Added to value x scale to give a height: the declared offset, minus the radius when the offset is one.
    public let heightOffset: Double
    /// True when GDAL's Offset was recognised as the reference radius.
    public let offsetIsRadius: Bool
    public let options: OpenOptions

    private var dataset: GDALDatasetH?
    var gdalDataset: GDALDatasetH? { dataset }
    private let band: GDALRasterBandH

    /// Opens `path` and validates it. Throws `FarSideError.badInput` (exit 3) naming the file otherwise.
    public static func open(_ path: String, options: OpenOptions = OpenOptions()) throws -> RasterDataset {
        try RasterDataset(path: path, options: options)
    }

    private init(path: String, options: OpenOptions) throws {
        GDALEnvironment.initialize()
        self.path = path
        self.options = options
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) || path.hasPrefix("/vsi") else {
            throw FarSideError.badInput("\(path): no such file")
        }
        if isDirectory.boolValue { throw FarSideError.badInput("\(path): is a directory, not a raster") }
        GDALEnvironment.resetError()
        guard let ds = GDALOpenEx(path, UInt32(GDAL_OF_RASTER | GDAL_OF_READONLY), nil, nil, nil) else {
            throw FarSideError.badInput("\(path): not a raster GDAL can read (\(GDALEnvironment.lastError(or: "unknown format")))")
        }
        var ok = false
        defer { if !ok { GDALClose(ds) } }
        width = Int(GDALGetRasterXSize(ds))
        height = Int(GDALGetRasterYSize(ds))
        driverName = GDALGetDatasetDriver(ds).flatMap { GDALGetDriverShortName($0) }.map { String(cString: $0) } ?? "?"
        guard width > 0, height > 0 else { throw FarSideError.badInput("\(path): empty raster (\(width) x \(height))") }
        let bandCount = Int(GDALGetRasterCount(ds))
        guard bandCount >= 1 else { throw FarSideError.badInput("\(path): has no raster band") }
        guard options.band >= 1, options.band <= bandCount else {
            throw FarSideError.badInput("\(path): band \(options.band) does not exist (\(bandCount) band(s))")
        }
        guard let b = GDALGetRasterBand(ds, Int32(options.band)) else { throw FarSideError.badInput("\(path): cannot read band \(options.band)") }
        band = b

        var gt = [Double](repeating: 0, count: 6)
        let hasTransform = GDALGetGeoTransform(ds, &gt) == CE_None
        guard hasTransform else {
            throw FarSideError.badInput("\(path): no geotransform (the raster is not georeferenced)")
        }
        geoTransform = GeoTransform(gt)
        guard !geoTransform.isRotated else {
            throw FarSideError.badInput("\(path): rotated geotransform (terms \(gt[2]), \(gt[4])) is not supported; warp it north-up with gdalwarp first")
        }
        guard gt[1] != 0, gt[5] != 0, gt.allSatisfy({ $0.isFinite }) else {
            throw FarSideError.badInput("\(path): degenerate geotransform \(gt)")
        }

        if let assumed = options.assumeCRS {
            crs = try SpatialReference(definition: assumed)
        } else {
            let wkt = GDALGetProjectionRef(ds).map { String(cString: $0) } ?? ""
            guard !wkt.isEmpty else {
                throw FarSideError.badInput("\(path): no CRS; give one with {assumeCRS} (e.g. IAU_2015:30135)")
            }
            crs = try SpatialReference(definition: wkt)
        }
        body = crs.body
        guard body == .moon else {
            throw FarSideError.badInput("\(path): CRS '\(crs.name)' is on \(body), not the Moon; use {assumeCRS} with a lunar CRS if the data are lunar")
        }

        try RasterDataset.checkLatitudeRange(path: path, crs: crs, transform: geoTransform, width: width, height: height)

        var has: Int32 = 0
        let nd = GDALGetRasterNoDataValue(band, &has)
        nodata = has != 0 ? nd : nil
        var hasScale: Int32 = 0, hasOffset: Int32 = 0
        let s = GDALGetRasterScale(band, &hasScale)
        let o = GDALGetRasterOffset(band, &hasOffset)
        scale = (hasScale != 0 && s != 0 && s.isFinite) ? s : 1
        declaredOffset = (hasOffset != 0 && o.isFinite) ? o : 0
        let radius = crs.semiMajorAxis
        offsetIsRadius = abs(declaredOffset - radius) < 0.01 * radius
        heightOffset = offsetIsRadius ? declaredOffset - radius : declaredOffset
        dataset = ds
        ok = true
    }

    deinit { close() }

    /// Releases the GDAL dataset; further reads throw.
    public func close() {
        if let ds = dataset { GDALClose(ds) }
        dataset = nil
    }

    /// Radius of the body's reference sphere (the CRS's semi-major axis), metres.
    public var radius: Double { crs.semiMajorAxis }

    /// GDAL's natural block size of the band (tile or strip).
    public var blockSize: (width: Int, height: Int) {
        var bx: Int32 = 0, by: Int32 = 0
        GDALGetBlockSize(band, &bx, &by)
        return (Int(bx), Int(by))
    }

    /// Metric cell sizes per row of the whole raster.
    public var cellMetrics: CellMetrics {
        if crs.isGeographic {
            return CellMetrics.geographic(rows: height, transform: geoTransform, radius: radius, unitRadians: crs.angularUnitRadians)
        }
        let unit = crs.linearUnitMetres
        var metrics = CellMetrics.uniform(rows: height, dx: abs(geoTransform.pixelWidth) * unit, dy: abs(geoTransform.pixelHeight) * unit)
        metrics.xSign = geoTransform.pixelWidth < 0 ? -1 : 1
        metrics.ySign = geoTransform.pixelHeight > 0 ? -1 : 1
        if options.distances == .true, let method = crs.projectionMethod?.lowercased(),
           method.contains("equirectangular") || method.contains("equidistant_cylindrical") || method.contains("plate_carree") {
            let latTS = (crs.projectionParameter("standard_parallel_1") ?? 0) * .pi / 180
            let transformer = try? CoordinateTransformer(crs: crs)
            for r in 0..<height {
                let p = geoTransform.map(column: Double(width) / 2, row: Double(r) + 0.5)
                if let ll = transformer?.latLon(x: p.x, y: p.y) {
                    metrics.dx[r] *= cos(ll.lat * .pi / 180) / cos(latTS)
                }
            }
        }
        return metrics
    }

    /// Reads a window as heights in metres (NaN = nodata). Throws badInput naming the file when GDAL
    /// cannot decode it (a truncated or corrupt file).
    public func read(column: Int = 0, row: Int, width w: Int? = nil, height h: Int) throws -> Grid {
        let w = w ?? width
        // Not zero-filled first: the read writes every value (a large window's pages are touched once).
        let values = try [Float](unsafeUninitializedCapacity: w * h) { buffer, initialized in
            if w * h > 0 { try read(into: buffer.baseAddress!, column: column, row: row, width: w, height: h) }
            initialized = w * h
        }
        return Grid(width: w, height: h, values: values)
    }

    /// Reads rows `range` across the full width.
    public func readRows(_ range: Range<Int>) throws -> Grid {
        try read(row: range.lowerBound, height: range.count)
    }

    /// Reads a window straight into `buffer` (row-major, `w` values per row) as heights in metres and
    /// returns the number of valid (non-NaN) cells.
    @discardableResult
    public func read(into buffer: UnsafeMutablePointer<Float>, column: Int = 0, row: Int, width w: Int, height h: Int) throws -> Int {
        guard let ds = dataset else { throw FarSideError.failure("\(path): read after close") }
        precondition(column >= 0 && row >= 0 && column + w <= width && row + h <= height, "window outside raster")
        _ = ds
        GDALEnvironment.resetError()
        let err = GDALRasterIO(band, GF_Read, Int32(column), Int32(row), Int32(w), Int32(h), buffer, Int32(w), Int32(h), GDT_Float32, 0, 0)
        guard err == CE_None else {
            throw FarSideError.badInput("\(path): cannot read rows \(row)..<\(row + h): \(GDALEnvironment.lastError(or: "read error"))")
        }
        return RasterDataset.toHeights(UnsafeMutableBufferPointer(start: buffer, count: w * h), nodata: nodata.map(Float.init),
                                       scale: Float(scale), offset: Float(heightOffset))
    }

    /// nodata/Inf -> NaN, then value x scale + offset, in place; returns the count of valid cells.
    static func toHeights(_ p: UnsafeMutableBufferPointer<Float>, nodata: Float?, scale: Float, offset: Float) -> Int {
        let nd = nodata ?? .nan
        let identity = scale == 1 && offset == 0
        var valid = 0
        for i in p.indices {
            let v = p[i]
            let bad = v == nd || !v.isFinite
            valid &+= bad ? 0 : 1
            p[i] = bad ? .nan : (identity ? v : v * scale + offset)
        }
        return valid
    }

    /// Lat/lon (degrees) of a cell centre.
    public func latLon(column: Double, row: Double, using transformer: CoordinateTransformer) -> (lat: Double, lon: Double)? {
        let p = geoTransform.map(column: column + 0.5, row: row + 0.5)
        return transformer.latLon(x: p.x, y: p.y)
    }

    /// Fractional pixel position (column, row; cell centres at .5) of a lat/lon, trying the longitude
    /// wraps for grids that run 0..360; nil when outside the raster.
    public func pixel(lat: Double, lon: Double, using transformer: CoordinateTransformer) -> (column: Double, row: Double)? {
        for candidate in [lon, lon + 360, lon - 360] {
            guard let m = transformer.map(lat: lat, lon: candidate) else { continue }
            let p = geoTransform.pixel(x: m.x, y: m.y)
            if p.column >= 0, p.row >= 0, p.column < Double(width), p.row < Double(height) { return p }
        }
        return nil
    }
}

extension SpatialReference {
    /// A projection parameter by its WKT1 name, if set.
    public func projectionParameter(_ name: String) -> Double? {
        var err: OGRErr = OGRERR_NONE
        let v = OSRGetProjParm(handle, name, .nan, &err)
        return err == OGRERR_NONE && v.isFinite ? v : nil
    }
}
