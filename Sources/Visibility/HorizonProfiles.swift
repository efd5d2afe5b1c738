import Foundation
import GeoRaster
import Horizon

/// Horizon elevations (degrees) of windows of cells, one profile of `azimuthCount` values per cell
/// (azimuth k = k * 360 / A clockwise from the raster's up direction), NaN for nodata. Illumination reads
/// them one block of cells at a time, so a horizon file larger than memory is never loaded whole.
public protocol HorizonProfiles {
    var width: Int { get }
    var height: Int { get }
    var azimuthCount: Int { get }
    /// Writes the window's profiles cell after cell (row-major cells, A values each) into `out`.
    func profiles(rows: Range<Int>, columns: Range<Int>, into out: UnsafeMutablePointer<Float>) throws
}

extension HorizonCube: HorizonProfiles {
    public func profiles(rows: Range<Int>, columns: Range<Int>, into out: UnsafeMutablePointer<Float>) throws {
        let A = azimuthCount
        for k in 0..<A {
            var i = 0
            for r in rows {
                for c in columns {
                    out[i * A + k] = elevation(band: k, cell: r * width + c)
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

    /// Opens `path` and checks that it lies on the grid of `dem`.
    public init(path: String, matching dem: RasterDataset) throws {
        dataset = try RasterDataset.open(path, options: OpenOptions(assumeCRS: dem.options.assumeCRS))
        guard dataset.width == dem.width, dataset.height == dem.height, dataset.geoTransform == dem.geoTransform else {
            throw FarSideError.badInput("\(path): horizon grid does not match \(dem.path)")
        }
        azimuthCount = dataset.bandCount
        guard azimuthCount >= 4 else { throw FarSideError.badInput("\(path): \(azimuthCount) band(s); a horizon file has one band per azimuth") }
    }

    /// Observer height recorded by `farside horizon` (0 when absent).
    public var observerHeight: Double { dataset.metadataItem("OBSERVER_HEIGHT_M").flatMap(Double.init) ?? 0 }

    public func profiles(rows: Range<Int>, columns: Range<Int>, into out: UnsafeMutablePointer<Float>) throws {
        let A = azimuthCount, n = rows.count * columns.count
        var band = [Float](repeating: 0, count: n)
        for k in 0..<A {
            try band.withUnsafeMutableBufferPointer {
                try dataset.readBand(k + 1, into: $0.baseAddress!, column: columns.lowerBound, row: rows.lowerBound,
                                     width: columns.count, height: rows.count)
            }
            for i in 0..<n { out[i * A + k] = band[i] }
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

    public func profiles(rows: Range<Int>, columns: Range<Int>, into out: UnsafeMutablePointer<Float>) throws {
        try base.profiles(rows: (rows.lowerBound + rowOffset)..<(rows.upperBound + rowOffset),
                          columns: (columns.lowerBound + columnOffset)..<(columns.upperBound + columnOffset), into: out)
    }
}
