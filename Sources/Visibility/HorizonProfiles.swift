import Foundation
import GeoRaster
import Horizon

/// Horizon elevations (degrees) of windows of cells, one profile of `azimuthCount` values per cell
/// (azimuth k = k * 360 / A clockwise from the raster's up direction), NaN for nodata. Illumination reads
/// them one block of cells at a time, so a horizon file larger than memory is never loaded whole; a block
/// comes band after band (as stored), and the engines gather each cell's profile from it.
public protocol HorizonProfiles {
    var width: Int { get }
    var height: Int { get }
    var azimuthCount: Int { get }
    /// Writes the window's elevations band after band into `out`: band k's cells (row-major) at
    /// out[k * cells ..< (k + 1) * cells].
    func bands(rows: Range<Int>, columns: Range<Int>, into out: UnsafeMutablePointer<Float>) throws
}

extension HorizonCube: HorizonProfiles {
    public func bands(rows: Range<Int>, columns: Range<Int>, into out: UnsafeMutablePointer<Float>) throws {
        var i = 0
        for k in 0..<azimuthCount {
            for r in rows {
                for c in columns {
                    out[i] = elevation(band: k, cell: r * width + c)
                    i += 1
                }
            }
        }
    }
}

/// A `farside horizon` GeoTIFF (one band per azimuth, Float32 or Int16 with scale 0.01) read by windows.
public final class HorizonFile: HorizonProfiles {
    public let dataset: RasterDataset
    public var width: Int { dataset.width }
    public var height: Int { dataset.height }
    public let azimuthCount: Int

    /// The file's storage block (tile) in cells.
    let block: (width: Int, height: Int)

    /// Opens `path` and checks that it lies on the grid of `dem`. For a compressed file, raises GDAL's
    /// block cache (up to 512 MB) to hold two of the file's tiles in every band, what one column of tiles
    /// under a block needs (see `bands`); an uncompressed file's tiles cost only a copy to read again.
    public convenience init(path: String, matching dem: RasterDataset) throws {
        try self.init(path: path, geometry: RasterGeometry(of: dem), assumeCRS: dem.options.assumeCRS, describing: dem.path)
    }

    /// Opens `path` and checks that it lies on `geometry`'s grid (a window's horizons, e.g. a tile's).
    public init(path: String, geometry: RasterGeometry, assumeCRS: String?, describing grid: String = "the window's grid") throws {
        dataset = try RasterDataset.open(path, options: OpenOptions(assumeCRS: assumeCRS))
        guard dataset.width == geometry.width, dataset.height == geometry.height, dataset.geoTransform == geometry.geoTransform else {
            throw FarSideError.badInput("\(path): horizon grid does not match \(grid)")
        }
        azimuthCount = dataset.bandCount
        guard azimuthCount >= 4 else { throw FarSideError.badInput("\(path): \(azimuthCount) band(s); a horizon file has one band per azimuth") }
        if let declared = dataset.metadataItem("HORIZON_AZIMUTHS"), Int(declared) != azimuthCount {
            throw FarSideError.badInput("\(path): HORIZON_AZIMUTHS says \(declared) but the file has \(azimuthCount) bands")
        }
        let b = dataset.block(band: 1)
        block = (b.width, b.height)
        try checkSample()
        let needed = 2 * azimuthCount * b.width * b.height * b.sampleBytes * 11 / 10
        let compressed = (dataset.metadataItem("COMPRESSION", domain: "IMAGE_STRUCTURE") ?? "NONE") != "NONE"
        if compressed && needed > 256 << 20 { GDALEnvironment.setBlockCache(bytes: min(needed, 512 << 20)) }
    }

    /// Horizon elevations are angles: anything outside -90 ... 90 deg is not a horizon.
    static let validRange: ClosedRange<Float> = -90...90

    /// A file that is not a horizon file is refused before any work: a central window (up to 64 x 64
    /// cells) of every band is read, and it must hold valid angles only, and at least one.
    private func checkSample() throws {
        let w = min(64, width), h = min(64, height), c0 = (width - w) / 2, r0 = (height - h) / 2
        var buffer = [Float](repeating: 0, count: w * h)
        var valid = 0
        for k in 1...azimuthCount {
            try buffer.withUnsafeMutableBufferPointer { try dataset.readBand(k, into: $0.baseAddress!, column: c0, row: r0, width: w, height: h) }
            try Self.checkRange(buffer.withUnsafeBufferPointer { $0 }, band: k, path: dataset.path)
            valid += buffer.reduce(0) { $0 + ($1.isNaN ? 0 : 1) }
        }
        guard valid > 0 else {
            throw FarSideError.badInput("\(dataset.path): no valid horizon angle in the central \(w) x \(h) cells of any band (all nodata)")
        }
    }

    /// Throws when a value is an angle outside -90 ... 90 deg (NaN, nodata, passes).
    static func checkRange(_ values: UnsafeBufferPointer<Float>, band: Int, path: String) throws {
        var lo = Float.infinity, hi = -Float.infinity
        for v in values where !v.isNaN { lo = Swift.min(lo, v); hi = Swift.max(hi, v) }
        if lo < validRange.lowerBound || hi > validRange.upperBound {
            let bad = lo < validRange.lowerBound ? lo : hi
            throw FarSideError.badInput("\(path): band \(band) holds \(bad) deg; horizon angles must be -90 ... 90")
        }
    }

    /// Observer height recorded by `farside horizon` (0 when absent).
    public var observerHeight: Double { dataset.metadataItem("OBSERVER_HEIGHT_M").flatMap(Double.init) ?? 0 }

    /// Reads the window one file tile at a time (every band of a tile before the next tile), tiles
    /// column by column, left to right: the last column read is the first one the block to the right
    /// needs, so (with the block cache holding a column of tiles in every band) its tiles are decoded
    /// once, not once per block, which matters for compressed files.
    public func bands(rows: Range<Int>, columns: Range<Int>, into out: UnsafeMutablePointer<Float>) throws {
        let n = rows.count * columns.count
        for c0 in stride(from: columns.lowerBound / block.width * block.width, to: columns.upperBound, by: block.width) {
            let tileColumns = max(c0, columns.lowerBound)..<min(c0 + block.width, columns.upperBound)
            for r0 in stride(from: rows.lowerBound / block.height * block.height, to: rows.upperBound, by: block.height) {
                let tileRows = max(r0, rows.lowerBound)..<min(r0 + block.height, rows.upperBound)
                let corner = (tileRows.lowerBound - rows.lowerBound) * columns.count + tileColumns.lowerBound - columns.lowerBound
                for k in 0..<azimuthCount {
                    try dataset.readBand(k + 1, into: out + k * n + corner, column: tileColumns.lowerBound, row: tileRows.lowerBound,
                                         width: tileColumns.count, height: tileRows.count, lineStride: columns.count)
                }
            }
        }
        // Every value read is checked (a file valid in its sampled centre may still hold garbage elsewhere).
        for k in 0..<azimuthCount {
            try Self.checkRange(UnsafeBufferPointer(start: out + k * n, count: n), band: k + 1, path: dataset.path)
        }
    }
}

/// A window of a larger horizon source: horizons computed over a DEM with a margin around the region of
/// interest (so terrain outside still blocks), read for the region's cells only.
public struct HorizonWindow: HorizonProfiles {
    public let base: any HorizonProfiles
    public let rowOffset: Int
    public let columnOffset: Int
    public let width: Int
    public let height: Int
    public var azimuthCount: Int { base.azimuthCount }

    public init(base: any HorizonProfiles, rowOffset: Int, columnOffset: Int, width: Int, height: Int) {
        precondition(rowOffset + height <= base.height && columnOffset + width <= base.width)
        self.base = base
        self.rowOffset = rowOffset
        self.columnOffset = columnOffset
        self.width = width
        self.height = height
    }

    public func bands(rows: Range<Int>, columns: Range<Int>, into out: UnsafeMutablePointer<Float>) throws {
        try base.bands(rows: (rows.lowerBound + rowOffset)..<(rows.upperBound + rowOffset),
                          columns: (columns.lowerBound + columnOffset)..<(columns.upperBound + columnOffset), into: out)
    }
}
