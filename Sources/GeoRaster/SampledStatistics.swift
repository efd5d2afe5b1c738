import CGDAL
import Foundation

extension RasterStatistics {
    /// Rasters up to this many cells are always scanned whole (cheap: LDEM_4 has 1 M).
    public static let exactLimit = 4_194_304

    /// Statistics as `gdalinfo -approx_stats` computes them: exact for rasters up to `exactLimit` cells;
    /// above, from the smallest overview with at least `sampleCells` cells when the raster has
    /// overviews, else from a lattice of blocks (GDAL's natural block size, at most 256 x 256 each)
    /// spread evenly over the raster, about `sampleCells` cells in all. `validCount` is then the
    /// estimate for the whole raster, and the places of the extremes are those of the sample (overview
    /// cells mapped to full-resolution positions). Returns the statistics and whether they are exact.
    public static func approximate(_ dataset: RasterDataset, sampleCells: Int = 1_048_576) throws -> (stats: RasterStatistics, exact: Bool) {
        let total = dataset.width * dataset.height
        if total <= exactLimit { return (try compute(dataset), true) }
        guard let ds = dataset.gdalDataset, let band = GDALGetRasterBand(ds, Int32(dataset.options.band)) else {
            throw FarSideError.failure("\(dataset.path): closed")
        }
        var stats = RasterStatistics()
        var sampled = 0
        func fold(_ values: UnsafeMutableBufferPointer<Float>, width w: Int, column: (Int) -> Int, row: (Int) -> Int) {
            for (i, v) in values.enumerated() {
                sampled += 1
                guard !v.isNaN else { continue }
                stats.validCount += 1
                stats.sum += Double(v)
                if v < stats.minimum { stats.minimum = v; stats.minimumAt = (column(i % w), row(i / w)) }
                if v > stats.maximum { stats.maximum = v; stats.maximumAt = (column(i % w), row(i / w)) }
            }
        }
        if GDALGetOverviewCount(band) > 0, let overview = GDALGetRasterSampleOverview(band, Int32(min(sampleCells, Int(Int32.max)))), overview != band {
            let w = Int(GDALGetRasterBandXSize(overview)), h = Int(GDALGetRasterBandYSize(overview))
            if w * h <= 4 * sampleCells {
                var values = [Float](repeating: .nan, count: w * h)
                GDALEnvironment.resetError()
                let err = values.withUnsafeMutableBytes {
                    GDALRasterIO(overview, GF_Read, 0, 0, Int32(w), Int32(h), $0.baseAddress, Int32(w), Int32(h), GDT_Float32, 0, 0)
                }
                guard err == CE_None else { throw FarSideError.badInput("\(dataset.path): cannot read an overview: \(GDALEnvironment.lastError(or: "read error"))") }
                let sx = Double(dataset.width) / Double(w), sy = Double(dataset.height) / Double(h)
                values.withUnsafeMutableBufferPointer { p in
                    _ = RasterDataset.toHeights(p, nodata: dataset.nodata.map(Float.init), scale: Float(dataset.scale), offset: Float(dataset.heightOffset))
                    fold(p, width: w, column: { min(dataset.width - 1, Int((Double($0) + 0.5) * sx)) },
                         row: { min(dataset.height - 1, Int((Double($0) + 0.5) * sy)) })
                }
                stats.extrapolate(sampled: sampled, total: total)
                return (stats, false)
            }
        }
        let block = dataset.blockSize
        let bw = max(1, min(dataset.width, min(256, max(block.width, 1)))), bh = max(1, min(dataset.height, min(256, max(block.height, 1))))
        let windows = max(1, sampleCells / (bw * bh))
        let across = max(1, min(dataset.width / bw, Int(Double(windows).squareRoot())))
        let down = max(1, min(dataset.height / bh, windows / across))
        var buffer = [Float](repeating: 0, count: bw * bh)
        for j in 0..<down {
            // Evenly spread window origins, aligned to the storage blocks.
            let r0 = min(dataset.height - bh, (Int((Double(j) + 0.5) * Double(dataset.height) / Double(down)) / max(1, block.height)) * max(1, block.height))
            for i in 0..<across {
                let c0 = min(dataset.width - bw, (Int((Double(i) + 0.5) * Double(dataset.width) / Double(across)) / max(1, block.width)) * max(1, block.width))
                try buffer.withUnsafeMutableBufferPointer { p in
                    try dataset.read(into: p.baseAddress!, column: c0, row: r0, width: bw, height: bh)
                    fold(p, width: bw, column: { c0 + $0 }, row: { r0 + $0 })
                }
            }
        }
        stats.extrapolate(sampled: sampled, total: total)
        return (stats, false)
    }

    /// Scales the valid count of a sample of `sampled` cells to a raster of `total` (mean unchanged).
    mutating func extrapolate(sampled: Int, total: Int) {
        guard validCount > 0 else { return }
        let mean = sum / Double(validCount)
        validCount = max(1, Int((Double(validCount) / Double(max(1, sampled)) * Double(total)).rounded()))
        sum = mean * Double(validCount)
    }
}
