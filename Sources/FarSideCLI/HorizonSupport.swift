import Foundation
import GeoRaster
import Horizon
import Visibility

/// Horizon computation shared by `horizon` and `illumination`: the DEM's metric cell size, and the
/// far-field DEM resampled around it.
struct HorizonInputs {
    let dem: Grid
    let dx: Double
    let dy: Double
    let farField: FarField?
    /// Set on geographic/cylindrical grids whose cell sizes vary too much for one sweep: horizons are
    /// then computed on a projected grid and resampled back (`ProjectedHorizons`).
    var plan: ProjectedHorizonPlan? = nil
    var farFieldSpec: (path: String, options: OpenOptions, marginKm: Double)? = nil

    /// `farFieldPath`: a coarser, larger DEM; it is resampled with GDAL onto a grid of the site DEM's CRS
    /// extending `marginKm` beyond each edge, with cells `farCell` metres (default: its own resolution,
    /// at least 4 site cells).
    static func load(_ dataset: RasterDataset, input: InputOptions, farFieldPath: String?, marginKm: Double,
                     azimuths: Int = 360, memoryMB: Int = 1024) throws -> HorizonInputs {
        guard HorizonSweeper.supports(width: dataset.width, height: dataset.height) else {
            throw FarSideError.badInput("\(dataset.path): \(dataset.width) x \(dataset.height) cells is too large for one horizon sweep (about 2.1e9 cells at most); split it into tiles")
        }
        let dem = try dataset.readAll()
        let metrics = dataset.cellMetrics
        let mid = dataset.height / 2
        // Geographic grids: the sweep needs straight lines, so use the centre row's cell size (the
        // east-west size varies as cos(lat) across the grid). Where the true sizes stray more than 5 %
        // from it (or, on cylindrical grids, from the projected metres), ProjectedHorizons takes over.
        let dx = metrics.dx[mid], dy = metrics.dy[mid]
        if let plan = try ProjectedHorizons.plan(dataset, rows: 0..<dataset.height, columns: 0..<dataset.width, sweepDx: dx, sweepDy: dy,
                                                 azimuths: azimuths, memoryBytes: max(Double(memoryMB), 256) * 1_048_576) {
            return HorizonInputs(dem: dem, dx: dx, dy: dy, farField: nil, plan: plan,
                                 farFieldSpec: farFieldPath.map { ($0, OpenOptions(assumeCRS: input.assumeCRS), marginKm) })
        }
        var far: FarField?
        if let farFieldPath {
            guard dataset.crs.isProjected else {
                throw FarSideError.badInput("--far-field needs a projected site DEM (e.g. polar stereographic); \(dataset.path) is geographic")
            }
            let source = try RasterDataset.open(farFieldPath, options: OpenOptions(assumeCRS: input.assumeCRS))
            defer { source.close() }
            let native = source.cellMetrics.dy[source.height / 2]
            let cell = max(native / 2, 4 * max(dx, dy))
            let margin = marginKm * 1000
            let t = dataset.geoTransform
            let xmin = min(t.originX, t.originX + Double(dataset.width) * t.pixelWidth) - margin
            let ymax = max(t.originY, t.originY + Double(dataset.height) * t.pixelHeight) + margin
            let widthM = Double(dataset.width) * abs(t.pixelWidth) + 2 * margin
            let heightM = Double(dataset.height) * abs(t.pixelHeight) + 2 * margin
            let w = Int((widthM / cell).rounded(.up)), h = Int((heightM / cell).rounded(.up))
            guard w * h <= 64_000_000 else { throw FarSideError.usage("--far-field-margin-km \(marginKm): far grid of \(w) x \(h) cells is too large") }
            let grid = try RasterWarp.resample(source, crsWKT: dataset.crs.wkt, originX: xmin, originY: ymax, cell: cell, width: w, height: h)
            guard t.pixelHeight < 0, t.pixelWidth > 0 else { throw FarSideError.badInput("\(dataset.path): --far-field needs a north-up grid") }
            far = FarField(dem: grid, transform: GeoTransform(originX: xmin, originY: ymax, pixelWidth: cell, pixelHeight: -cell),
                           nearTransform: t)
        }
        return HorizonInputs(dem: dem, dx: dx, dy: dy, farField: far)
    }

    /// Sweeps every azimuth and writes one band per azimuth to `path` (temporary name, renamed when
    /// complete), so only two bands are in memory at a time.
    func writeHorizonFile(to path: String, like dataset: RasterDataset, azimuths: Int, observerHeight: Double,
                          threads: Int, options: RasterWriteOptions, progress: TerminalProgress, share: Double = 1) throws {
        var options = options
        // Float32 horizon bands: the floating-point predictor costs more than it saves (RasterWriteOptions).
        options.predictor = options.sampleType != .float32
        options.metadata["HORIZON_AZIMUTHS"] = "\(azimuths)"
        options.metadata["HORIZON_CONVENTION"] = "band k = horizon elevation (deg) toward grid azimuth (k-1)*360/\(azimuths) clockwise from raster up"
        options.metadata["OBSERVER_HEIGHT_M"] = "\(observerHeight)"
        options.metadata["RADIUS_M"] = "\(dataset.radius)"
        if let plan { options.metadata["HORIZON_GRID"] = plan.note(for: dataset.path) }
        let bands = (0..<azimuths).map { k -> BandSpec in
            let az = HorizonMap.azimuth(band: k, count: azimuths)
            return BandSpec(description: "horizon elevation toward grid azimuth \(az) deg", unit: "deg", metadata: ["AZIMUTH_DEG": "\(az)"])
        }
        let writer = try RasterWriter(path: path, geometry: RasterGeometry(of: dataset), bands: bands, nodata: -9999, options: options)
        do {
            let hOptions = HorizonOptions(azimuthCount: azimuths, observerHeight: observerHeight, radius: dataset.radius, threads: threads)
            // Band k is converted, compressed and written (GDAL's cache flushed, so memory stays at
            // two bands) on a background thread while band k + 1 is swept.
            let rows = dem.height
            if plan != nil {
                let resampled = try self.resampled(dataset, options: hOptions)
                var band: [Float] = []
                for k in 0..<azimuths {
                    resampled.band(k, into: &band)
                    try band.withUnsafeMutableBufferPointer { try writer.write(consuming: $0, band: k + 1, row: 0, rows: rows) }
                    try writer.flush()
                    progress.report(share * Double(k + 1) / Double(azimuths))
                }
                try writer.commit()
                return
            }
            try HorizonMap.streamAzimuths(dem, dx: dx, dy: dy, options: hOptions, farField: farField) { k, _, band in
                try band.withUnsafeMutableBufferPointer { try writer.write(consuming: $0, band: k + 1, row: 0, rows: rows) }
                try writer.flush()
                progress.report(share * Double(k + 1) / Double(azimuths))
            }
            try writer.commit()
        } catch {
            writer.abort()
            throw error
        }
    }

    /// Horizons on the plan's projected grid, mapped back onto the whole DEM (see `ProjectedHorizons`).
    func resampled(_ dataset: RasterDataset, options: HorizonOptions) throws -> ResampledHorizons {
        guard let plan else { throw FarSideError.failure("no projected horizon grid") }
        let far = try farFieldSpec.map { try ProjectedHorizons.farField(path: $0.path, options: $0.options, plan: plan, marginKm: $0.marginKm) }
        return try ProjectedHorizons.compute(dataset, rows: 0..<dataset.height, columns: 0..<dataset.width, plan: plan,
                                             options: options, farField: far, dem: dem)
    }

    /// Prints the plan's note to stderr unless quiet.
    func printNote(_ dataset: RasterDataset, quiet: Bool) {
        guard let plan, !quiet else { return }
        FileHandle.standardError.write(Data("farside: note: \(plan.note(for: dataset.path))\n".utf8))
    }
}
