import CGDAL
import Foundation

/// Where a new raster sits: size, geotransform and CRS (usually copied from the input DEM).
public struct RasterGeometry: Sendable {
    public var width: Int
    public var height: Int
    public var geoTransform: GeoTransform
    public var crsWKT: String

    public init(width: Int, height: Int, geoTransform: GeoTransform, crsWKT: String) {
        self.width = width
        self.height = height
        self.geoTransform = geoTransform
        self.crsWKT = crsWKT
    }

    public init(of dataset: RasterDataset) {
        self.init(width: dataset.width, height: dataset.height, geoTransform: dataset.geoTransform, crsWKT: dataset.crs.wkt)
    }
}

/// GeoTIFF compression of outputs. The default is none: uncompressed tiled GeoTIFF, the convention of
/// every GDAL tool. Measured on the 2-core development machine (README, "Output format"): DEFLATE level 1
/// with the floating-point predictor made `farside terrain --threads 1` 3.7 times as slow as uncompressed
/// for a file 19 % smaller, and ZSTD level 1 twice as slow for 20 % smaller; docs/conventions.md's limit is 20 %.
public enum RasterCompression: Sendable, Equatable, CustomStringConvertible {
    case none
    case deflate(level: Int)
    case zstd(level: Int)
    case lzw

    public static let `default` = RasterCompression.none

    /// Parses "deflate", "deflate:6", "zstd:3", "lzw" or "none".
    public init?(compressionName argument: String) {
        let parts = argument.lowercased().split(separator: ":", maxSplits: 1).map(String.init)
        let level = parts.count > 1 ? Int(parts[1]) : nil
        if parts.count > 1 && level == nil { return nil }
        switch parts.first ?? "" {
        case "none" where level == nil: self = .none
        case "lzw" where level == nil: self = .lzw
        case "deflate":
            guard (1...12).contains(level ?? 1) else { return nil }
            self = .deflate(level: level ?? 1)
        case "zstd":
            guard (1...22).contains(level ?? 1) else { return nil }
            self = .zstd(level: level ?? 1)
        default: return nil
        }
    }

    public var description: String {
        switch self {
        case .none: return "none"
        case .deflate(let l): return "deflate:\(l)"
        case .zstd(let l): return "zstd:\(l)"
        case .lzw: return "lzw"
        }
    }

    /// GTiff/COG creation options: the floating-point predictor (3) for Float32, horizontal
    /// differencing (2) for integers, wherever there is compression (none with `predictor` false).
    func creationOptions(cog: Bool, integer: Bool = false, predictor usePredictor: Bool = true) -> [(String, String)] {
        let predictor = !usePredictor ? (cog ? "NO" : "1") : (cog ? "YES" : (integer ? "2" : "3"))
        switch self {
        case .none: return [("COMPRESS", "NONE")]
        case .lzw: return [("COMPRESS", "LZW"), ("PREDICTOR", predictor)]
        case .deflate(let l): return [("COMPRESS", "DEFLATE"), ("PREDICTOR", predictor), (cog ? "LEVEL" : "ZLEVEL", "\(l)")]
        case .zstd(let l): return [("COMPRESS", "ZSTD"), ("PREDICTOR", predictor), (cog ? "LEVEL" : "ZSTD_LEVEL", "\(l)")]
        }
    }
}

/// Sample type of written bands.
public enum RasterSampleType: Sendable, Equatable {
    case float32
    /// Int16 holding value / scale, with GDAL's band scale set so readers get the value back
    /// (horizon angles in 0.01 deg halve the file size).
    case int16(scale: Double)
}

/// How a raster is written.
public struct RasterWriteOptions: Sendable {
    /// Write a Cloud Optimized GeoTIFF (GDAL's COG driver) with overviews instead of a tiled GeoTIFF.
    public var cog: Bool = false
    public var compression: RasterCompression = .default
    /// Threads GDAL may use to compress tiles (1 = none besides the caller's).
    public var threads: Int = 1
    /// Dataset metadata items (e.g. FARSIDE_COMMAND, FARSIDE_VERSION).
    public var metadata: [String: String] = [:]
    public var sampleType: RasterSampleType = .float32
    /// Use the predictor with compression (default). Off for data whose low bits are noise, such as
    /// horizon bands: there GDAL's floating-point predictor makes ZSTD level 1 2.7 times as slow for
    /// files 10 % smaller (1024^2 x 36 Float32 horizon bands, measured).
    public var predictor: Bool = true
    /// GDAL creation options given by the user (`--co`, validated by `CreationOptions.validate`): they
    /// override FarSide's own (compression, tiling, threads) for the GTiff file, or for the COG with `cog`.
    public var creationOptions: [(key: String, value: String)] = []
    /// The set of outputs this file belongs to: the writer stages its file there instead of renaming it
    /// into place itself (the set renames all of its files together).
    public var outputSet: OutputSet?

    /// Upper bound of the bytes a raster of `bands` bands takes on disk uncompressed (whole 512 x 512
    /// tiles); twice that and the overviews with `cog` (the staging copy exists beside the COG).
    public func estimatedBytes(width: Int, height: Int, bands: Int) -> Int64 {
        let t = Int64(RasterWriter.tileSize)
        let tiles = ((Int64(width) + t - 1) / t) * ((Int64(height) + t - 1) / t)
        var sampleBytes: Int64 = 4
        if case .int16 = sampleType { sampleBytes = 2 }
        let (a, o1) = tiles.multipliedReportingOverflow(by: t * t * sampleBytes)
        let (b, o2) = a.multipliedReportingOverflow(by: Int64(max(1, bands)))
        guard !o1, !o2 else { return Int64.max / 4 }
        return cog ? b + b + b / 3 : b
    }

    public init(cog: Bool = false, compression: RasterCompression = .default, threads: Int = 1, metadata: [String: String] = [:],
                sampleType: RasterSampleType = .float32) {
        self.cog = cog
        self.compression = compression
        self.threads = threads
        self.metadata = metadata
        self.sampleType = sampleType
    }
}

/// Description of one Float32 output band.
public struct BandSpec: Sendable {
    public var description: String
    public var unit: String
    public var metadata: [String: String]

    public init(description: String, unit: String = "", metadata: [String: String] = [:]) {
        self.description = description
        self.unit = unit
        self.metadata = metadata
    }
}

/// Writes a Float32 GeoTIFF (tiled 512 x 512, uncompressed unless asked, nodata, CRS, geotransform, band
/// descriptions, metadata; the user's creation options on top) to a registered temporary name beside the
/// target (TemporaryFiles), and renames it into place on `commit()`, or, with `options.outputSet`, stages
/// it for the set to rename with its other files. A run that fails, calls `abort()` or is interrupted
/// leaves no file behind (docs/conventions.md). Targets must be regular files or new paths (OutputPaths.checkTarget).
public final class RasterWriter: @unchecked Sendable {
    public let path: String
    public let geometry: RasterGeometry
    public let nodata: Float
    private let options: RasterWriteOptions
    private let temporaryPath: String
    /// Slot of `temporaryPath` in the signal-safe clean-up registry (writers outside an output set).
    private var temporarySlot: Int32 = -1
    private var dataset: GDALDatasetH?
    private var finished = false
    /// Uncompressed files take whole tile rows straight to GDALWriteBlock through this one-tile buffer.
    private var directTiles = false
    private var tile: UnsafeMutableRawPointer?

    public static let tileSize = 512

    public init(path: String, geometry: RasterGeometry, bands: [BandSpec], nodata: Float = -9999,
                options: RasterWriteOptions = RasterWriteOptions()) throws {
        GDALEnvironment.initialize()
        precondition(!bands.isEmpty)
        self.path = path
        self.geometry = geometry
        self.nodata = nodata
        self.options = options
        try OutputPaths.checkTarget(path)
        if let set = options.outputSet {
            temporaryPath = set.temporaryPath(for: path)
        } else {
            temporaryPath = TemporaryFiles.path(for: path)
            temporarySlot = TemporaryFiles.register(temporaryPath)
        }
        guard let driver = GDALGetDriverByName("GTiff") else { throw FarSideError.failure("GDAL has no GTiff driver") }
        // With COG output the intermediate file is only a staging copy: keep it uncompressed (the user's
        // creation options go to the COG driver).
        let integer = options.sampleType != .float32
        let compression = options.cog ? [("COMPRESS", "NONE")]
            : options.compression.creationOptions(cog: false, integer: integer, predictor: options.predictor)
        let co = CStringList(pairs: [
            ("TILED", "YES"), ("BLOCKXSIZE", "\(Self.tileSize)"), ("BLOCKYSIZE", "\(Self.tileSize)"), ("BIGTIFF", "IF_SAFER"),
        ] + compression + (options.threads > 1 ? [("NUM_THREADS", "\(options.threads)")] : [])
          + (bands.count > 1 ? [("INTERLEAVE", "BAND")] : [])  // bands are written one after another
          + (options.cog ? [] : options.creationOptions.map { ($0.key, $0.value) }))
        GDALEnvironment.resetError()
        let type: GDALDataType
        if case .int16 = options.sampleType { type = GDT_Int16 } else { type = GDT_Float32 }
        guard let ds = GDALCreate(driver, temporaryPath, Int32(geometry.width), Int32(geometry.height), Int32(bands.count), type, co.pointer) else {
            let failure = OutputPaths.writeFailure(path, errno: errno, detail: "cannot create: " + GDALEnvironment.lastError(or: "write refused"))
            discardTemporary()
            throw failure
        }
        dataset = ds
        // Whole tiles go straight to GDALWriteBlock only where a tile is stored as it is given: 512 x 512
        // uncompressed tiles, one band per plane (the user's --co may have changed any of these).
        var blockX: Int32 = 0, blockY: Int32 = 0
        GDALGetBlockSize(GDALGetRasterBand(ds, 1), &blockX, &blockY)
        let compressed = CSLFetchNameValue(co.pointer, "COMPRESS").map { String(cString: $0).uppercased() != "NONE" } ?? false
        let pixelInterleaved = bands.count > 1 && (CSLFetchNameValue(co.pointer, "INTERLEAVE").map { String(cString: $0).uppercased() == "PIXEL" } ?? false)
        directTiles = Int(blockX) == Self.tileSize && Int(blockY) == Self.tileSize && !compressed && !pixelInterleaved
        var gt = geometry.geoTransform.coefficients
        GDALSetGeoTransform(ds, &gt)
        if !geometry.crsWKT.isEmpty { GDALSetProjection(ds, geometry.crsWKT) }
        for (key, value) in options.metadata { GDALSetMetadataItem(ds, key, value, nil) }
        for (i, spec) in bands.enumerated() {
            let b = GDALGetRasterBand(ds, Int32(i + 1))
            if case .int16(let scale) = options.sampleType {
                GDALSetRasterNoDataValue(b, -32768)
                GDALSetRasterScale(b, scale)
                GDALSetRasterOffset(b, 0)
            } else {
                GDALSetRasterNoDataValue(b, Double(nodata))
            }
            GDALSetDescription(b, spec.description)
            if !spec.unit.isEmpty { GDALSetRasterUnitType(b, spec.unit) }
            for (key, value) in spec.metadata { GDALSetMetadataItem(b, key, value, nil) }
        }
    }

    deinit {
        if !finished { abort() }
        tile?.deallocate()
    }

    /// Writes `grid` (full width) into band `band` (1-based) starting at `row`; NaN becomes nodata.
    public func write(_ grid: Grid, band: Int = 1, row: Int) throws {
        precondition(grid.width == geometry.width)
        // Whole tile rows of an uncompressed file are only read from the grid (tile by tile): no copy.
        let T = Self.tileSize
        if directTiles && dataset != nil && grid.height > 0 && row + grid.height <= geometry.height && row % T == 0
            && (grid.height % T == 0 || row + grid.height == geometry.height) {
            GDALEnvironment.resetError()
            return try grid.values.withUnsafeBufferPointer { try writeTileRows($0.baseAddress!, band: band, row: row, rows: grid.height) }
        }
        var values = grid.values
        try values.withUnsafeMutableBufferPointer { try write(consuming: $0, band: band, row: row, rows: grid.height) }
    }

    /// Writes `rows` full-width rows from `buffer` into band `band` starting at `row`. The buffer is
    /// used as scratch: its NaNs are replaced by the nodata value in place (no copy).
    public func write(consuming buffer: UnsafeMutableBufferPointer<Float>, band: Int = 1, row: Int, rows: Int) throws {
        guard let ds = dataset else { throw FarSideError.failure("\(path): write after close") }
        precondition(buffer.count >= rows * geometry.width && row + rows <= geometry.height)
        let count = rows * geometry.width
        GDALEnvironment.resetError()
        let T = Self.tileSize
        if directTiles && row % T == 0 && (rows % T == 0 || row + rows == geometry.height) {
            try writeTileRows(buffer.baseAddress!, band: band, row: row, rows: rows)
            return
        }
        let err: CPLErr
        if case .int16(let scale) = options.sampleType {
            // Int16 values are packed into the front of the buffer itself (two per Float slot).
            let raw = UnsafeMutableRawPointer(buffer.baseAddress!)
            Int16Codes.pack(raw, count: count, inverseScale: Float(1 / scale))
            err = GDALRasterIO(GDALGetRasterBand(ds, Int32(band)), GF_Write, 0, Int32(row), Int32(geometry.width), Int32(rows),
                               raw, Int32(geometry.width), Int32(rows), GDT_Int16, 0, 0)
        } else {
            Self.replaceNaN(buffer.baseAddress!, count: count, with: nodata)
            err = GDALRasterIO(GDALGetRasterBand(ds, Int32(band)), GF_Write, 0, Int32(row), Int32(geometry.width), Int32(rows),
                               buffer.baseAddress, Int32(geometry.width), Int32(rows), GDT_Float32, 0, 0)
        }
        guard err == CE_None else { throw writeFailure(errno: errno, or: "write error") }
    }

    /// Writes a window of band `band` from `buffer` (the window's cells, row-major); the buffer is used as
    /// scratch, as in `write(consuming:band:row:rows:)`.
    public func write(consuming buffer: UnsafeMutableBufferPointer<Float>, band: Int = 1, window: RasterWindow) throws {
        guard let ds = dataset else { throw FarSideError.failure("\(path): write after close") }
        precondition(buffer.count >= window.cellCount && window.clamped(width: geometry.width, height: geometry.height) == window)
        if window.column == 0 && window.width == geometry.width {
            return try write(consuming: buffer, band: band, row: window.row, rows: window.height)
        }
        GDALEnvironment.resetError()
        let err: CPLErr
        let handle = GDALGetRasterBand(ds, Int32(band))
        let (x, y, w, h) = (Int32(window.column), Int32(window.row), Int32(window.width), Int32(window.height))
        if case .int16(let scale) = options.sampleType {
            let raw = UnsafeMutableRawPointer(buffer.baseAddress!)
            Int16Codes.pack(raw, count: window.cellCount, inverseScale: Float(1 / scale))
            err = GDALRasterIO(handle, GF_Write, x, y, w, h, raw, w, h, GDT_Int16, 0, 0)
        } else {
            Self.replaceNaN(buffer.baseAddress!, count: window.cellCount, with: nodata)
            err = GDALRasterIO(handle, GF_Write, x, y, w, h, buffer.baseAddress, w, h, GDT_Float32, 0, 0)
        }
        guard err == CE_None else { throw writeFailure(errno: errno, or: "write error") }
    }

    /// The error for a failed write: "disk full" when it is (OutputPaths.writeFailure).
    private func writeFailure(errno code: Int32, or fallback: String) -> FarSideError {
        OutputPaths.writeFailure(path, errno: code, detail: GDALEnvironment.lastError(or: fallback))
    }

    private func discardTemporary() {
        if let set = options.outputSet {
            set.discard(temporaryPath)
        } else {
            unlink(temporaryPath)
            TemporaryFiles.forget(temporarySlot)
            temporarySlot = -1
        }
    }

    /// Whole tile rows of an uncompressed file, tile by tile: each tile is assembled in one reused buffer
    /// (NaN -> nodata, or Int16 codes; the part beyond the raster's edge is nodata) and handed to
    /// GDALWriteBlock, which writes it to the file directly (libtiff writes uncompressed tiles from the
    /// caller's buffer). The RasterIO path copies every band into freshly allocated cache blocks first.
    private func writeTileRows(_ source: UnsafePointer<Float>, band: Int, row: Int, rows: Int) throws {
        let T = Self.tileSize, W = geometry.width
        let buffer = tile ?? UnsafeMutableRawPointer.allocate(byteCount: T * T * 4, alignment: 64)
        tile = buffer
        let handle = GDALGetRasterBand(dataset, Int32(band))
        var int16InverseScale: Float?
        if case .int16(let scale) = options.sampleType { int16InverseScale = Float(1 / scale) }
        let floats = buffer.bindMemory(to: Float.self, capacity: T * T)
        var top = 0
        while top < rows {
            let h = min(T, rows - top)
            for tx in 0..<((W + T - 1) / T) {
                let c0 = tx * T, w = min(T, W - c0)
                for r in 0..<T {
                    let line = floats + r * T
                    if r < h {
                        line.update(from: source + (top + r) * W + c0, count: w)
                        (line + w).update(repeating: .nan, count: T - w)
                    } else {
                        line.update(repeating: .nan, count: T)
                    }
                    if let inverse = int16InverseScale {
                        // Codes for this line, packed into the tile's Int16 layout (line r at bytes 2 r T).
                        Int16Codes.pack(UnsafeMutableRawPointer(line), count: T, inverseScale: inverse)
                        (buffer + 2 * r * T).copyMemory(from: UnsafeRawPointer(line), byteCount: 2 * T)
                    } else {
                        Self.replaceNaN(line, count: T, with: nodata)
                    }
                }
                guard GDALWriteBlock(handle, Int32(tx), Int32((row + top) / T), buffer) == CE_None else {
                    throw writeFailure(errno: errno, or: "write error")
                }
            }
            top += h
        }
    }

    /// NaN -> `value` in place, eight lanes at a time.
    static func replaceNaN(_ p: UnsafeMutablePointer<Float>, count: Int, with value: Float) {
        typealias V = SIMD8<Float>
        let fill = V(repeating: value)
        var i = 0
        while i + 8 <= count {
            let v = UnsafeRawPointer(p + i).loadUnaligned(as: V.self)
            UnsafeMutableRawPointer(p + i).storeBytes(of: v.replacing(with: fill, where: v .!= v), as: V.self)
            i += 8
        }
        while i < count { if p[i].isNaN { p[i] = value }; i += 1 }
    }

    /// Writes out every completed tile now (streaming writers call it after each tile row).
    public func flush() throws {
        guard let ds = dataset else { return }
        GDALEnvironment.resetError()
        errno = 0
        GDALFlushCache(ds)
        if CPLGetLastErrorType() == CE_Failure {
            throw writeFailure(errno: errno, or: "flush error")
        }
    }

    /// Flushes, converts to COG if asked, and renames the file into place.
    public func commit() throws {
        guard let ds = dataset else { throw FarSideError.failure("\(path): committed twice") }
        GDALEnvironment.resetError()
        errno = 0
        GDALFlushCache(ds)
        let flushed = CPLGetLastErrorType() != CE_Failure
        var code = errno
        GDALClose(ds)
        if code == 0 { code = errno }
        dataset = nil
        finished = true
        guard flushed, CPLGetLastErrorType() != CE_Failure else {
            let failure = writeFailure(errno: code, or: "flush error")
            discardTemporary()
            throw failure
        }
        var source = temporaryPath
        if options.cog {
            let cogPath = temporaryPath + ".cog.tif"
            var cogSlot: Int32 = -1
            if let set = options.outputSet { set.adopt(cogPath) } else { cogSlot = TemporaryFiles.register(cogPath) }
            do {
                try Self.translateToCOG(from: temporaryPath, to: cogPath, options: options, reportingAs: path)
            } catch {
                discardTemporary()
                if let set = options.outputSet { set.discard(cogPath) } else { unlink(cogPath); TemporaryFiles.forget(cogSlot) }
                throw error
            }
            discardTemporary()
            source = cogPath
            temporarySlot = cogSlot
        }
        if let set = options.outputSet {
            set.stage(source, as: path)
            return
        }
        defer { TemporaryFiles.forget(temporarySlot); temporarySlot = -1 }
        do {
            try OutputPaths.checkTarget(path)
        } catch {
            unlink(source)
            throw error
        }
        if rename(source, path) != 0 {
            let reason = String(cString: strerror(errno))
            unlink(source)
            throw FarSideError.outputFailed("\(path): cannot move into place (\(reason))")
        }
    }

    /// Discards the temporary file.
    public func abort() {
        if let ds = dataset { GDALClose(ds) }
        dataset = nil
        if !finished { discardTemporary() }
        finished = true
    }

    static func translateToCOG(from source: String, to target: String, options: RasterWriteOptions, reportingAs path: String) throws {
        guard let driver = GDALGetDriverByName("COG") else { throw FarSideError.failure("GDAL has no COG driver") }
        guard let src = GDALOpen(source, GA_ReadOnly) else { throw FarSideError.outputFailed("\(source): cannot reopen for COG") }
        defer { GDALClose(src) }
        let co = CStringList(pairs: options.compression.creationOptions(cog: true, predictor: options.predictor) + [
            ("BLOCKSIZE", "\(tileSize)"), ("OVERVIEWS", "AUTO"), ("RESAMPLING", "AVERAGE"), ("BIGTIFF", "IF_SAFER"),
        ] + (options.threads > 1 ? [("NUM_THREADS", "\(options.threads)")] : [])
          + options.creationOptions.map { ($0.key, $0.value) })
        GDALEnvironment.resetError()
        errno = 0
        guard let out = GDALCreateCopy(driver, target, src, 0, co.pointer, nil, nil) else {
            throw OutputPaths.writeFailure(path, errno: errno, detail: "COG conversion failed: " + GDALEnvironment.lastError(or: "unknown"))
        }
        GDALClose(out)
        if CPLGetLastErrorType() == CE_Failure {
            throw OutputPaths.writeFailure(path, errno: errno, detail: "COG conversion failed: " + GDALEnvironment.lastError(or: "unknown"))
        }
    }
}
