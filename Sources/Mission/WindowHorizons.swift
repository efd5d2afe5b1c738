import Foundation
import GeoRaster
import Horizon
import Visibility

/// Horizons of the cells of one window of a DEM (a tile's core, a profile's region, or the whole raster),
/// computed block by block under the horizon rule of `HorizonSettings`, ready for the illumination and
/// relay engines: the window's DEM, its profiles (in memory, or a temporary Int16 file when larger than the
/// memory budget), and the observer height they assume.
public struct WindowHorizons {
    /// The cells (raster rows and columns) the profiles cover.
    public let window: RasterWindow
    /// The window's DEM.
    public let dem: Grid
    /// Horizons of the window's cells (window-sized).
    public let profiles: any HorizonProfiles
    public let observerHeight: Double
    /// Notes for the user (a projected horizon grid, ...).
    public var notes: [String] = []
    var temporary: (path: String, slot: Int32)?

    /// Removes the temporary horizon file, if one was made.
    public func cleanUp() {
        guard let temporary else { return }
        unlink(temporary.path)
        TemporaryFiles.forget(temporary.slot)
    }

    /// Horizons from a `farside horizon` file on the DEM's grid, read for `window`'s cells.
    public static func fromFile(_ path: String, dataset: RasterDataset, window: RasterWindow) throws -> WindowHorizons {
        let file = try HorizonFile(path: path, matching: dataset)
        let dem = try dataset.read(column: window.column, row: window.row, width: window.width, height: window.height)
        return WindowHorizons(window: window, dem: dem,
                              profiles: HorizonWindow(base: file, rowOffset: window.row, columnOffset: window.column,
                                                      width: window.width, height: window.height),
                              observerHeight: file.observerHeight)
    }

    /// Computes `window`'s horizons: in memory when the cube fits `settings.memoryBytes`, else streamed
    /// into a temporary Int16 file in `scratchDirectory` (a FarSide temporary: unlinked on SIGINT/SIGTERM,
    /// swept by the next run into that folder after a SIGKILL, never published); call `cleanUp` after use.
    /// `observers` (row-major over the window; nil: all): the cells whose horizons are wanted, the others NaN
    /// (`HorizonOptions.observers`).
    public static func compute(_ dataset: RasterDataset, window: RasterWindow, settings: HorizonSettings, threads: Int,
                               scratchDirectory: String, observers: [Bool]? = nil, progress: ((Double) -> Void)? = nil) throws -> WindowHorizons {
        let dem = try dataset.read(column: window.column, row: window.row, width: window.width, height: window.height)
        let A = settings.azimuths
        let inMemory = settings.cubeBytes(window) <= settings.memoryBytes
        StageLog.note("horizons: \(window.width) x \(window.height) cells, \(A) azimuths, margin \(settings.marginKm) km, "
                      + (inMemory ? "in memory" : "through a temporary file (cube beyond the horizon cache)"))
        if inMemory {
            var cubes: [(part: RasterWindow, cube: HorizonCube)] = []
            var notes = Set<String>()
            let blocks = try settings.blocks(dataset, window: window)
            for (b, block) in blocks.enumerated() {
                let sweep = try HorizonBands.Sweep(dataset, window: block.part, read: block.read, settings: settings)
                if let note = sweep.note { notes.insert(note) }
                let cube = CubeBox(HorizonCube(width: block.part.width, height: block.part.height, azimuthCount: A, storage: .int16CentiDegrees))
                try sweep.stream(dataset, settings: settings, threads: threads,
                                 observers: HorizonBands.crop(observers, window: window, part: block.part)) { k, band in
                    cube.cube.setBand(k, band)
                    progress?((Double(b) + Double(k + 1) / Double(A)) / Double(blocks.count))
                }
                cubes.append((block.part.relative(to: window), cube.cube))
                StageLog.note("horizons: block \(b + 1) of \(blocks.count) (\(block.part)) done")
            }
            let profiles: any HorizonProfiles = cubes.count == 1 ? cubes[0].cube : BlockedHorizons(window: window, blocks: cubes)
            return WindowHorizons(window: window, dem: dem, profiles: profiles, observerHeight: settings.observerHeight, notes: notes.sorted())
        }
        try FileManager.default.createDirectory(atPath: scratchDirectory, withIntermediateDirectories: true)
        let path = TemporaryFiles.path(for: URL(fileURLWithPath: scratchDirectory).appendingPathComponent("horizon.tif").path)
        let slot = TemporaryFiles.register(path)
        do {
            var options = RasterWriteOptions(compression: .none, threads: threads)
            options.sampleType = .int16(scale: 0.01)
            let notes = try HorizonBands.write(dataset, window: window, settings: settings, to: path, threads: threads, options: options,
                                               observers: observers, progress: progress)
            let file = try HorizonFile(path: path, geometry: HorizonBands.geometry(dataset, window: window), assumeCRS: settings.assumeCRS)
            return WindowHorizons(window: window, dem: dem, profiles: file, observerHeight: settings.observerHeight, notes: notes,
                                  temporary: (path, slot))
        } catch {
            unlink(path)
            TemporaryFiles.forget(slot)
            throw error
        }
    }
}

/// A window's horizons held as one cube per horizon block (window-relative parts that tile the window).
struct BlockedHorizons: HorizonProfiles {
    let window: RasterWindow
    let blocks: [(part: RasterWindow, cube: HorizonCube)]
    var width: Int { window.width }
    var height: Int { window.height }
    var azimuthCount: Int { blocks[0].cube.azimuthCount }

    func bands(rows: Range<Int>, columns: Range<Int>, into out: UnsafeMutablePointer<Float>) throws {
        let wanted = RasterWindow(rows: rows, columns: columns), n = wanted.cellCount
        for block in blocks {
            let overlap = block.part.intersection(wanted)
            guard !overlap.isEmpty else { continue }
            let inBlock = overlap.relative(to: block.part), inOut = overlap.relative(to: wanted)
            for k in 0..<azimuthCount {
                for r in 0..<overlap.height {
                    let source = (inBlock.row + r) * block.part.width + inBlock.column
                    let target = out + k * n + (inOut.row + r) * wanted.width + inOut.column
                    for c in 0..<overlap.width { target[c] = block.cube.elevation(band: k, cell: source + c) }
                }
            }
        }
    }
}

/// A cube filled from the horizon stream's consumer thread.
private final class CubeBox: @unchecked Sendable {
    var cube: HorizonCube
    init(_ cube: HorizonCube) { self.cube = cube }
}

/// The horizon sweep over a window's read window, band by band, and the horizon file writer.
public enum HorizonBands {
    /// How a read window's horizons are swept: straight lines on the DEM's own grid (with the far field, if
    /// any), or a projected grid for geographic and cylindrical windows whose cell sizes vary too much for
    /// one sweep (`ProjectedHorizons`).
    public struct Sweep {
        public let window: RasterWindow
        public let read: RasterWindow
        let dx: Double
        let dy: Double
        let plan: ProjectedHorizonPlan?
        let farField: FarField?
        /// A note for the user when horizons go through a projected grid.
        public var note: String?

        /// Plans `window`'s sweep over `read` (the window and its margin).
        public init(_ dataset: RasterDataset, window: RasterWindow, read: RasterWindow, settings: HorizonSettings) throws {
            guard HorizonSweeper.supports(width: read.width, height: read.height) else {
                throw FarSideError.badInput("\(dataset.path): \(read.width) x \(read.height) cells is too large for one horizon sweep (about 2.1e9 cells at most); use tiles (a batch run, or {memoryMB})")
            }
            self.window = window
            self.read = read
            let metrics = dataset.cellMetrics
            let mid = read.row + read.height / 2
            // Geographic grids: the sweep needs straight lines, so use the middle row's cell size (the
            // east-west size varies as cos(lat) across the grid). Where the true sizes stray more than 5 %
            // from it (or, on cylindrical grids, from the projected metres), ProjectedHorizons takes over.
            let dx = metrics.dx[mid], dy = metrics.dy[mid]
            self.dx = dx
            self.dy = dy
            let plan = try ProjectedHorizons.plan(dataset, rows: read.rows, columns: read.columns, sweepDx: dx, sweepDy: dy,
                                                  azimuths: settings.azimuths, memoryBytes: max(Double(settings.memoryBytes), 256 * 1_048_576))
            self.plan = plan
            note = plan?.note(for: dataset.path)
            if let plan {
                farField = try settings.farField.map {
                    try ProjectedHorizons.farField(path: $0, options: OpenOptions(assumeCRS: settings.assumeCRS), plan: plan,
                                                   marginKm: settings.farFieldMarginKm)
                }
            } else {
                farField = try settings.farField.map { try HorizonBands.farField($0, dataset: dataset, read: read, cell: max(dx, dy), settings: settings) }
            }
        }

        /// Sweeps every azimuth over the read window and hands `consume` band k
        /// cropped to the window (row-major, window-sized; the buffer may be used as scratch), in band
        /// order on one thread.
        /// `observers`: the window's cells whose horizons are wanted (nil: all; `HorizonOptions.observers`;
        /// not used on a projected grid).
        public func stream(_ dataset: RasterDataset, settings: HorizonSettings, threads: Int, observers: [Bool]? = nil,
                           consume: @escaping @Sendable (Int, inout [Float]) throws -> Void) throws {
            let readDEM = try dataset.read(column: read.column, row: read.row, width: read.width, height: read.height)
            var options = HorizonOptions(azimuthCount: settings.azimuths, observerHeight: settings.observerHeight, radius: dataset.radius,
                                         threads: threads)
            options.observers = observers
            let inner = window.relative(to: read)
            if let plan {
                let resampled = try ProjectedHorizons.compute(dataset, rows: window.rows, columns: window.columns, plan: plan, options: options,
                                                              farField: farField, dem: readDEM.window(rows: inner.rows, columns: inner.columns))
                var band: [Float] = []
                for k in 0..<settings.azimuths {
                    resampled.band(k, into: &band)
                    try consume(k, &band)
                }
                return
            }
            // Only the window's cells are evaluated as observers; the margin's cells still block (`HorizonMap`'s output window).
            try HorizonMap.streamAzimuths(readDEM, dx: dx, dy: dy, options: options, farField: farField, window: inner) { k, _, band in
                try consume(k, &band)
            }
        }
    }

    /// The part of `observers` (row-major over `window`) over `part` (a raster window inside it).
    static func crop(_ observers: [Bool]?, window: RasterWindow, part: RasterWindow) -> [Bool]? {
        guard let observers else { return nil }
        let p = part.relative(to: window)
        var out = [Bool](repeating: false, count: p.cellCount)
        for r in 0..<p.height {
            for c in 0..<p.width { out[r * p.width + c] = observers[(p.row + r) * window.width + p.column + c] }
        }
        return out
    }

    /// Writes `window`'s horizons to `path` (one band per azimuth, the window's grid), horizon block by block
    /// and band by band, so only two bands of a block are in memory at a time; the writer is committed, or
    /// aborted on error. Returns notes for the user.
    @discardableResult
    public static func write(_ dataset: RasterDataset, window: RasterWindow, settings: HorizonSettings, to path: String, threads: Int,
                             options: RasterWriteOptions, observers: [Bool]? = nil, progress: ((Double) -> Void)? = nil) throws -> [String] {
        let blocks = try settings.blocks(dataset, window: window)
        let sweeps = try blocks.map { try Sweep(dataset, window: $0.part, read: $0.read, settings: settings) }
        let notes = Set(sweeps.compactMap(\.note)).sorted()
        var options = options
        // Float32 horizon bands: the floating-point predictor costs more than it saves (RasterWriteOptions).
        options.predictor = options.sampleType != .float32
        let A = settings.azimuths
        options.metadata["HORIZON_AZIMUTHS"] = "\(A)"
        options.metadata["HORIZON_CONVENTION"] = "band k = horizon elevation (deg) toward grid azimuth (k-1)*360/\(A) clockwise from raster up"
        options.metadata["OBSERVER_HEIGHT_M"] = "\(settings.observerHeight)"
        options.metadata["RADIUS_M"] = "\(dataset.radius)"
        options.metadata["HORIZON_MARGIN_KM"] = "\(settings.marginKm)"
        if !RasterDataset.isLatLonLike(dataset.crs) { options.metadata["HORIZON_BLOCK_CELLS"] = "\(try settings.blockSize(dataset).rows)" }
        if let far = settings.farField { options.metadata["FAR_FIELD"] = far }
        if !notes.isEmpty { options.metadata["HORIZON_GRID"] = notes.joined(separator: "; ") }
        let bands = (0..<A).map { k -> BandSpec in
            let az = HorizonMap.azimuth(band: k, count: A)
            return BandSpec(description: "horizon elevation toward grid azimuth \(az) deg", unit: "deg", metadata: ["AZIMUTH_DEG": "\(az)"])
        }
        let writer = try RasterWriter(path: path, geometry: geometry(dataset, window: window), bands: bands, nodata: -9999, options: options)
        do {
            // Band k is converted, compressed and written (GDAL's cache flushed, so memory stays at two
            // bands) on the stream's consumer thread while band k + 1 is swept.
            for (b, sweep) in sweeps.enumerated() {
                let part = blocks[b].part.relative(to: window)
                try sweep.stream(dataset, settings: settings, threads: threads,
                                 observers: crop(observers, window: window, part: blocks[b].part)) { k, band in
                    try band.withUnsafeMutableBufferPointer { try writer.write(consuming: $0, band: k + 1, window: part) }
                    try writer.flush()
                    progress?((Double(b) + Double(k + 1) / Double(A)) / Double(blocks.count))
                }
                StageLog.note("horizons: block \(b + 1) of \(blocks.count) (\(blocks[b].part)) written")
            }
            try writer.commit()
            return notes
        } catch {
            writer.abort()
            throw error
        }
    }

    /// The window's raster geometry (its geotransform offset from the DEM's, the DEM's CRS).
    public static func geometry(_ dataset: RasterDataset, window: RasterWindow) -> RasterGeometry {
        RasterGeometry(width: window.width, height: window.height, geoTransform: window.geoTransform(in: dataset.geoTransform),
                       crsWKT: dataset.crs.wkt)
    }

    /// The far-field DEM resampled with GDAL onto a grid of the site DEM's CRS extending `farFieldMarginKm`
    /// beyond the read window, cells of half its own resolution but at least 4 site cells (Mazarico et al.
    /// 2011's near/far split); the read window's footprint is left out of its blockers (`FarField`).
    static func farField(_ path: String, dataset: RasterDataset, read: RasterWindow, cell siteCell: Double,
                         settings: HorizonSettings) throws -> FarField {
        guard dataset.crs.isProjected else {
            throw FarSideError.badInput("{farField} needs a projected site DEM (e.g. polar stereographic); \(dataset.path) is geographic")
        }
        let t = read.geoTransform(in: dataset.geoTransform)
        guard t.pixelHeight < 0, t.pixelWidth > 0 else { throw FarSideError.badInput("\(dataset.path): {farField} needs a north-up grid") }
        let source = try RasterDataset.open(path, options: OpenOptions(assumeCRS: settings.assumeCRS))
        defer { source.close() }
        let native = source.cellMetrics.dy[source.height / 2]
        let cell = max(native / 2, 4 * siteCell)
        let margin = settings.farFieldMarginKm * 1000
        let xmin = t.originX - margin, ymax = t.originY + margin
        let widthM = Double(read.width) * t.pixelWidth + 2 * margin
        let heightM = Double(read.height) * -t.pixelHeight + 2 * margin
        let w = Int((widthM / cell).rounded(.up)), h = Int((heightM / cell).rounded(.up))
        guard w * h <= 64_000_000 else {
            throw FarSideError.usage("{farFieldMarginKm} \(settings.farFieldMarginKm): far grid of \(w) x \(h) cells is too large")
        }
        let grid = try RasterWarp.resample(source, crsWKT: dataset.crs.wkt, originX: xmin, originY: ymax, cell: cell, width: w, height: h)
        return FarField(dem: grid, transform: GeoTransform(originX: xmin, originY: ymax, pixelWidth: cell, pixelHeight: -cell), nearTransform: t)
    }
}
