import Foundation
import GeoRaster
import Horizon

/// Horizons of a geographic or cylindrical grid whose true cell sizes vary too much for one sweep.
///
/// A horizon sweep walks straight lines over a grid of constant metric cell size. On a lat/lon grid (or
/// a cylindrical projection such as LOLA's simple cylindrical LDEM products) the true east-west cell size
/// is R cos(lat) dlon: near a pole the cells of neighbouring rows differ by large factors, and the
/// projected metres of a cylindrical grid are true only on its standard parallel. One sweep with one
/// cell size then measures distances wrongly (at 89.5 S on LDEM_4 by a factor of more than 100).
///
/// Criterion: the grid is geographic or a cylindrical projection, and the true size of some row's cells
/// (east-west or north-south, measured on the body's sphere at the window's centre column) differs by
/// more than `tolerance` (5 %) from the size the sweep would assume (the centre row's for geographic
/// grids, the projected metres for cylindrical ones). A window reaching within a degree of a pole always
/// meets it.
///
/// Then the window's heights are resampled through GDAL's warper (bilinear) onto a conformal grid:
/// - IAU_2015:30135 (south) or 30130 (north) polar stereographic when the window comes within
///   `polarReachDeg` (10 deg) of a pole,
/// - otherwise (or when the polar grid's scale varies too much over the window) a stereographic
///   projection of the same sphere centred on the window.
/// The grid is accepted when its scale factor k = 2 / (1 + cos c) (c: angle from the projection's
/// centre) stays within `maxScaleSpread` (10 %) over the window, i.e. within about 35 deg of the centre;
/// a wider window is refused (exit 3): crop or tile it. The projected cell size is the finest true cell
/// size of the window, taking each row's longer side (the resolution at which the source resolves
/// terrain both ways: 7.6 km for LDEM_4), coarsened if needed so the horizon cube stays within a memory
/// budget and 4096 x 4096 cells.
///
/// Horizons come back to the user's grid per cell: each cell centre is located on the projected grid,
/// its profile is interpolated bilinearly between the four nearest projected cells (nodata cells left
/// out) and linearly in azimuth, and azimuths are rotated from the projected grid's "up" to the user
/// grid's "up" at that point (the grid convergence, computed through PROJ). So the profiles follow the
/// user grid's own convention (grid azimuth clockwise from the raster's up direction, which on a
/// north-up geographic or cylindrical grid is true north), and every engine (illumination, relay, rank,
/// `farside horizon` files) works on the user's grid with each cell's own position and frame: no result
/// map is resampled back, only horizons.
public enum ProjectedHorizons {
    /// Largest accepted difference between a row's true cell size and the sweep's.
    public static let tolerance = 0.05
    /// Largest accepted scale-factor excess of the projected grid over the window.
    public static let maxScaleSpread = 0.10
    /// Windows reaching this close to a pole (degrees) use the polar stereographic CRS.
    public static let polarReachDeg = 10.0
    /// Largest projected grid, cells per side.
    public static let maxSide = 4096

    /// Whether a CRS is geographic or a cylindrical projection (equirectangular / equidistant
    /// cylindrical / plate carree / Mercator / cylindrical equal area...).
    public static func isLatLonLike(_ crs: SpatialReference) -> Bool { RasterDataset.isLatLonLike(crs) }

    /// Great-circle distance between two lat/lon points (degrees) on a sphere of `radius`.
    static func distance(_ a: (lat: Double, lon: Double), _ b: (lat: Double, lon: Double), radius: Double) -> Double {
        RasterDataset.greatCircle(a, b, radius: radius)
    }

    /// Angle (degrees) between two lat/lon points.
    static func angle(_ a: (lat: Double, lon: Double), _ b: (lat: Double, lon: Double)) -> Double {
        distance(a, b, radius: 1) * 180 / .pi
    }

    /// True cell sizes per row (`RasterDataset.trueCellSizes`).
    public static func trueCellSizes(_ dataset: RasterDataset, rows: Range<Int>, column: Double,
                                     transformer: CoordinateTransformer) -> [(dx: Double, dy: Double)] {
        dataset.trueCellSizes(rows: rows, column: column, transformer: transformer)
    }

    /// The projected grid for the window `rows` x `columns` of `dataset`, or nil when one sweep with
    /// cells `sweepDx` x `sweepDy` metres is accurate enough (see the type's criterion). `memoryBytes`
    /// bounds the Int16 horizon cube of `azimuths` bands on the projected grid.
    public static func plan(_ dataset: RasterDataset, rows: Range<Int>, columns: Range<Int>, sweepDx: Double, sweepDy: Double,
                            azimuths: Int, memoryBytes: Double = 1_073_741_824) throws -> ProjectedHorizonPlan? {
        guard isLatLonLike(dataset.crs), !rows.isEmpty, !columns.isEmpty else { return nil }
        let transformer = try CoordinateTransformer(crs: dataset.crs)
        let centreColumn = Double(columns.lowerBound + columns.upperBound) / 2
        let sizes = trueCellSizes(dataset, rows: rows, column: centreColumn, transformer: transformer)
        guard sizes.allSatisfy({ $0.dx.isFinite && $0.dy.isFinite }) else {
            throw FarSideError.badInput("\(dataset.path): some rows have no lunar lat/lon")
        }
        var deviation = 0.0
        for s in sizes {
            deviation = max(deviation, abs(s.dx / sweepDx - 1), abs(s.dy / sweepDy - 1))
        }
        guard deviation > tolerance || !sweepDx.isFinite || sweepDx <= 0 else { return nil }

        // Lat/lon of a lattice over the window (edges included).
        let t = dataset.geoTransform
        let n = 64
        var lattice: [(lat: Double, lon: Double)] = []
        for i in 0...n {
            for j in 0...n {
                let c = Double(columns.lowerBound) + Double(columns.count) * Double(i) / Double(n)
                let r = Double(rows.lowerBound) + Double(rows.count) * Double(j) / Double(n)
                let p = t.map(column: c, row: r)
                guard let ll = transformer.latLon(x: p.x, y: p.y) else { continue }
                lattice.append((max(-90, min(90, ll.lat)), ll.lon))
            }
        }
        guard !lattice.isEmpty else { throw FarSideError.badInput("\(dataset.path): the window has no lunar lat/lon") }
        let minLat = lattice.map(\.lat).min()!, maxLat = lattice.map(\.lat).max()!
        let centre: (lat: Double, lon: Double) = {
            let p = t.map(column: centreColumn, row: Double(rows.lowerBound + rows.upperBound) / 2)
            return transformer.latLon(x: p.x, y: p.y) ?? lattice[lattice.count / 2]
        }()
        let R = dataset.radius
        let standardRadius = abs(R - CelestialBody.moonRadius) < 1
        var candidates: [(name: String, definition: String, centre: (lat: Double, lon: Double), pole: Double?)] = []
        if minLat <= -90 + polarReachDeg && maxLat < 90 - polarReachDeg {
            candidates.append((standardRadius ? "IAU_2015:30135" : "south polar stereographic",
                               standardRadius ? "IAU_2015:30135" : "+proj=stere +lat_0=-90 +lon_0=0 +k=1 +x_0=0 +y_0=0 +R=\(R) +units=m +no_defs",
                               (-90, 0), -90))
        }
        if maxLat >= 90 - polarReachDeg && minLat > -90 + polarReachDeg {
            candidates.append((standardRadius ? "IAU_2015:30130" : "north polar stereographic",
                               standardRadius ? "IAU_2015:30130" : "+proj=stere +lat_0=90 +lon_0=0 +k=1 +x_0=0 +y_0=0 +R=\(R) +units=m +no_defs",
                               (90, 0), 90))
        }
        let clat = (centre.lat * 1e4).rounded() / 1e4, clon = (centre.lon * 1e4).rounded() / 1e4
        candidates.append((String(format: "a stereographic projection centred at %.4f, %.4f", clat, clon),
                           "+proj=stere +lat_0=\(clat) +lon_0=\(clon) +k=1 +x_0=0 +y_0=0 +R=\(R) +units=m +no_defs", (clat, clon), nil))
        var chosen: (name: String, definition: String, centre: (lat: Double, lon: Double), pole: Double?)?
        var widest = 0.0
        for candidate in candidates {
            let reach = lattice.map { angle($0, candidate.centre) }.max()!
            let k = 2 / (1 + cos(reach * .pi / 180))
            if k - 1 <= maxScaleSpread { chosen = candidate; break }
            widest = widest == 0 ? reach : min(widest, reach)
        }
        guard let chosen else {
            throw FarSideError.badInput(String(format: "%@: the window reaches %.0f deg from its centre: too wide for one horizon sweep on a %@ grid (at most about 35 deg); crop the DEM or split it into tiles",
                                               dataset.path, widest, dataset.crs.isGeographic ? "geographic" : "cylindrical"))
        }
        let target = try SpatialReference(definition: chosen.definition)
        let targetTransformer = try CoordinateTransformer(crs: target)
        var xmin = Double.infinity, xmax = -Double.infinity, ymin = Double.infinity, ymax = -Double.infinity
        func include(_ x: Double, _ y: Double) {
            xmin = min(xmin, x); xmax = max(xmax, x); ymin = min(ymin, y); ymax = max(ymax, y)
        }
        for ll in lattice {
            guard let m = targetTransformer.map(lat: ll.lat, lon: ll.lon) else { continue }
            include(m.x, m.y)
        }
        if let pole = chosen.pole, abs((pole < 0 ? minLat : maxLat) - pole) < 1e-3 { include(0, 0) }
        guard xmin.isFinite, ymin.isFinite else { throw FarSideError.badInput("\(dataset.path): the window cannot be projected onto \(chosen.name)") }

        // The finest true resolution: per row, the longer side of the cell.
        var cell = sizes.map { max($0.dx, $0.dy) }.min()!
        let maxCells = min(Double(maxSide * maxSide), max(65_536, memoryBytes / (2 * Double(max(1, azimuths)))))
        let area = (xmax - xmin) * (ymax - ymin)
        if area / (cell * cell) > maxCells { cell = (area / maxCells).squareRoot() }
        let pad = 2 * cell
        let width = Int(((xmax - xmin + 2 * pad) / cell).rounded(.up)), height = Int(((ymax - ymin + 2 * pad) / cell).rounded(.up))
        let transform = GeoTransform(originX: xmin - pad, originY: ymax + pad, pixelWidth: cell, pixelHeight: -cell)
        let kind = dataset.crs.isGeographic ? "geographic" : "cylindrical"
        let reason = chosen.pole != nil ? "is \(kind) near the pole" : String(format: "is %@ (cell sizes off by %.0f %% across the window)", kind, 100 * deviation)
        return ProjectedHorizonPlan(crsName: chosen.name, crsWKT: target.wkt, transform: transform, width: width, height: height,
                                    cell: cell, reason: reason)
    }

    /// A far-field DEM (`path`) resampled onto the plan's CRS around its grid, `marginKm` beyond each edge,
    /// with cells of half its own resolution and at least 4 projected cells.
    public static func farField(path: String, options: OpenOptions, plan: ProjectedHorizonPlan, marginKm: Double) throws -> FarField {
        let source = try RasterDataset.open(path, options: options)
        defer { source.close() }
        let native = source.cellMetrics.dy[source.height / 2]
        let cell = max(native / 2, 4 * plan.cell)
        let margin = marginKm * 1000
        let t = plan.transform
        let xmin = t.originX - margin, ymax = t.originY + margin
        let w = Int(((Double(plan.width) * plan.cell + 2 * margin) / cell).rounded(.up))
        let h = Int(((Double(plan.height) * plan.cell + 2 * margin) / cell).rounded(.up))
        guard w * h <= 64_000_000 else { throw FarSideError.usage("{farFieldMarginKm} \(marginKm): far grid of \(w) x \(h) cells is too large") }
        let grid = try RasterWarp.resample(source, crsWKT: plan.crsWKT, originX: xmin, originY: ymax, cell: cell, width: w, height: h)
        return FarField(dem: grid, transform: GeoTransform(originX: xmin, originY: ymax, pixelWidth: cell, pixelHeight: -cell),
                        nearTransform: t)
    }

    /// Computes horizons on the plan's grid and maps them back onto the window `rows` x `columns` of
    /// `dataset`.
    public static func compute(_ dataset: RasterDataset, rows: Range<Int>, columns: Range<Int>, plan: ProjectedHorizonPlan,
                               options: HorizonOptions, farField: FarField? = nil, dem userDEM: Grid? = nil) throws -> ResampledHorizons {
        let dem = try RasterWarp.resample(dataset, crsWKT: plan.crsWKT, transform: plan.transform, width: plan.width, height: plan.height)
        guard dem.validCount > 0 else { throw FarSideError.badInput("\(dataset.path): no data after resampling onto \(plan.crsName)") }
        let cube = HorizonMap.cube(dem, dx: plan.cell, dy: plan.cell, options: options, farField: farField, storage: .int16CentiDegrees)
        return try ResampledHorizons(cube: cube, plan: plan, dataset: dataset, rows: rows, columns: columns, dem: userDEM,
                                     threads: options.threads)
    }
}

/// Where and how horizons of a geographic or cylindrical window are computed (`ProjectedHorizons.plan`).
public struct ProjectedHorizonPlan: Sendable {
    /// "IAU_2015:30135", or a description of the local projection.
    public let crsName: String
    public let crsWKT: String
    /// North-up projected grid.
    public let transform: GeoTransform
    public let width: Int
    public let height: Int
    /// Cell size, metres.
    public let cell: Double
    /// Why ("is geographic near the pole").
    public let reason: String

    /// One line for the user.
    public func note(for path: String) -> String {
        let name = URL(fileURLWithPath: path).lastPathComponent
        let size = cell >= 1000 ? String(format: "%.1f km", cell / 1000) : String(format: "%.0f m", cell)
        return "\(name) \(reason); horizons computed on \(crsName) at \(size) cells (\(width) x \(height)) and resampled back"
    }
}

/// Horizons computed on a projected grid, read on the user's grid (see `ProjectedHorizons`): per cell,
/// bilinear in space over the four nearest projected cells, linear in azimuth, azimuths rotated by the
/// grid convergence between the two grids. 16 bytes per user cell besides the projected cube.
public struct ResampledHorizons: HorizonProfiles, Sendable {
    public let cube: HorizonCube
    public let width: Int
    public let height: Int
    public var azimuthCount: Int { cube.azimuthCount }
    /// Per user cell: the projected cell at or before its position (row, column; Int32.min: no position).
    let anchor: [SIMD2<Int32>]
    /// Per user cell: bilinear weights of the next column and row (x, y) and the projected grid's
    /// azimuth of the user grid's up direction, in bands (z).
    let place: [SIMD4<Float>]

    /// `dem`: the user's heights on the window; its nodata cells get no horizon. `threads`: PROJ
    /// transforms (four per cell) run in parallel, one transformer pair per thread.
    public init(cube: HorizonCube, plan: ProjectedHorizonPlan, dataset: RasterDataset, rows: Range<Int>, columns: Range<Int>,
                dem: Grid? = nil, threads: Int = 1) throws {
        self.cube = cube
        let width = columns.count, height = rows.count
        self.width = width
        self.height = height
        var anchor = [SIMD2<Int32>](repeating: SIMD2(repeating: .min), count: width * height)
        var place = [SIMD4<Float>](repeating: .zero, count: width * height)
        let t = dataset.geoTransform, pt = plan.transform
        let bandsPerRadian = Double(cube.azimuthCount) / (2 * .pi)
        let userCRS = dataset.crs, targetCRS = try SpatialReference(definition: plan.crsWKT)
        _ = try CoordinateTransformer(crs: userCRS)  // fail here, not in a worker
        _ = try CoordinateTransformer(crs: targetCRS)
        func unit(_ ll: (lat: Double, lon: Double)) -> SIMD3<Double> { SurfaceFrame.unitVector(lat: ll.lat, lon: ll.lon) }
        func tangent(_ v: SIMD3<Double>, _ normal: SIMD3<Double>) -> SIMD3<Double> {
            var u = v - normal
            u -= (u * normal).sum() * normal
            return u / (u * u).sum().squareRoot()
        }
        anchor.withUnsafeMutableBufferPointer { ab in
            place.withUnsafeMutableBufferPointer { pb in
                let a = SharedPointer(ab.baseAddress!), p = SharedPointer(pb.baseAddress!)
                // One chunk per thread: each makes its own PROJ transformers (not shareable across threads).
                ParallelChunks.forEach(count: height, chunks: threads) { chunkRows in
                    guard let user = try? CoordinateTransformer(crs: userCRS), let target = try? CoordinateTransformer(crs: targetCRS) else { return }
                    for ri in chunkRows {
                        let r = rows.lowerBound + ri
                        for (ci, c) in columns.enumerated() {
                            let i = ri * width + ci
                            if let dem, dem.values[i].isNaN { continue }
                            let xy = t.map(column: Double(c) + 0.5, row: Double(r) + 0.5)
                            let q = t.map(column: Double(c) + 0.5, row: Double(r) + 0.49)
                            guard let ll = user.latLon(x: xy.x, y: xy.y), let llUp = user.latLon(x: q.x, y: q.y),
                                  let m = target.map(lat: ll.lat, lon: ll.lon),
                                  let llTargetUp = target.latLon(x: m.x, y: m.y + 0.01 * pt.pixelWidth) else { continue }
                            let fc = (m.x - pt.originX) / pt.pixelWidth - 0.5, fr = (m.y - pt.originY) / pt.pixelHeight - 0.5
                            let c0 = fc.rounded(.down), r0 = fr.rounded(.down)
                            // Convergence: the projected grid's azimuth of the user grid's up.
                            let normal = unit(ll)
                            let up = tangent(unit(llUp), normal), targetUp = tangent(unit(llTargetUp), normal)
                            let targetRight = SIMD3(targetUp.y * normal.z - targetUp.z * normal.y, targetUp.z * normal.x - targetUp.x * normal.z,
                                                    targetUp.x * normal.y - targetUp.y * normal.x)
                            var theta = atan2((up * targetRight).sum(), (up * targetUp).sum())
                            if theta < 0 { theta += 2 * .pi }
                            a.base[i] = SIMD2(Int32(r0), Int32(c0))
                            p.base[i] = SIMD4(Float(fc - c0), Float(fr - r0), Float(theta * bandsPerRadian), 0)
                        }
                    }
                }
            }
        }
        self.anchor = anchor
        self.place = place
    }

    /// Horizon (degrees) of user cell `i` toward user-grid band `k`.
    @inline(__always)
    func elevation(cell i: Int, band k: Int) -> Float {
        let at = anchor[i]
        guard at.x != .min else { return .nan }
        let A = cube.azimuthCount, pl = place[i]
        let position = Float(k) + pl.z
        var j0 = Int(position.rounded(.down))
        let w = position - Float(j0)
        j0 %= A
        if j0 < 0 { j0 += A }
        let j1 = j0 + 1 == A ? 0 : j0 + 1
        var sum: Float = 0, total: Float = 0
        for (dr, dc) in [(0, 0), (0, 1), (1, 0), (1, 1)] {
            let rr = Int(at.x) + dr, cc = Int(at.y) + dc
            guard rr >= 0, rr < cube.height, cc >= 0, cc < cube.width else { continue }
            let ws = (dc == 0 ? 1 - pl.x : pl.x) * (dr == 0 ? 1 - pl.y : pl.y)
            guard ws > 0 else { continue }
            let corner = rr * cube.width + cc
            let a = cube.elevation(band: j0, cell: corner), b = cube.elevation(band: j1, cell: corner)
            guard !a.isNaN, !b.isNaN else { continue }
            sum += ws * (a + w * (b - a))
            total += ws
        }
        return total > 0 ? sum / total : .nan
    }

    public func bands(rows: Range<Int>, columns: Range<Int>, into out: UnsafeMutablePointer<Float>) throws {
        var o = 0
        for k in 0..<azimuthCount {
            for r in rows {
                for c in columns {
                    out[o] = elevation(cell: r * width + c, band: k)
                    o += 1
                }
            }
        }
    }

    /// Band `k` over the whole user grid (row-major), into `out` (width x height values).
    public func band(_ k: Int, into out: inout [Float]) {
        if out.count != width * height { out = [Float](repeating: .nan, count: width * height) }
        for i in 0..<(width * height) { out[i] = elevation(cell: i, band: k) }
    }
}
