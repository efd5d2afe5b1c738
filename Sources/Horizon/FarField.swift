import Foundation
import FarSideCore

/// Far-field terrain for horizons: a coarser grid covering a larger area than the fine DEM, in the same
/// projected CRS and orientation, already resampled by the caller (Mazarico et al. 2011 use the same
/// near/far split at the lunar poles).
///
/// Per azimuth, the far grid's horizons are computed by the same sweep with the fine DEM's footprint
/// left out as blockers (so coarse copies of the near terrain do not block; observers still stand on
/// the far grid's heights there), sampled bilinearly at each fine cell's centre, and combined with the
/// near horizon by taking the maximum. Where the far sample is NaN (off the far grid or far nodata) the
/// near horizon is kept.
public struct FarField: Sendable, Equatable {
    /// Far-field heights (metres, NaN = nodata).
    public var dem: Grid
    /// Geotransform of `dem` (projected metres, no rotation).
    public var transform: GeoTransform
    /// Geotransform of the fine DEM whose horizons are combined with this far field.
    public var nearTransform: GeoTransform
    /// Leave the fine DEM's footprint out of the far grid's blockers (default true).
    public var excludeNearFootprint: Bool

    public init(dem: Grid, transform: GeoTransform, nearTransform: GeoTransform, excludeNearFootprint: Bool = true) {
        precondition(!transform.isRotated && !nearTransform.isRotated, "rotated geotransforms are not supported")
        precondition((transform.pixelWidth > 0) == (nearTransform.pixelWidth > 0)
                     && (transform.pixelHeight > 0) == (nearTransform.pixelHeight > 0),
                     "far and near grids must have the same orientation")
        self.dem = dem
        self.transform = transform
        self.nearTransform = nearTransform
        self.excludeNearFootprint = excludeNearFootprint
    }

    /// Combines one near band in place: near[i] = max(near[i], far horizon at cell i's centre), for a near
    /// grid `nearWidth` wide. `farBand` is the far grid's horizon band (degrees) for the same azimuth.
    public func combine(near: inout [Float], nearWidth: Int, farBand: [Float]) {
        let sampler = FarFieldSampler(positionsOnly: self, nearWidth: nearWidth, nearHeight: near.count / max(1, nearWidth))
        sampler.combine(into: &near, farBand: farBand)
    }

    /// Combines a whole cube with the far cube (same azimuth count), in place.
    public func combine(near: inout HorizonCube, far: HorizonCube) {
        precondition(near.azimuthCount == far.azimuthCount && far.width == dem.width && far.height == dem.height)
        let sampler = FarFieldSampler(positionsOnly: self, nearWidth: near.width, nearHeight: near.height)
        for k in 0..<near.azimuthCount {
            var band = near.band(k)
            sampler.combine(into: &band, farBand: far.band(k))
            near.setBand(k, band)
        }
    }

    /// The far grid with the near footprint set to NaN (the far sweep's blockers).
    func blockers(nearWidth: Int, nearHeight: Int) -> Grid {
        var g = dem
        guard excludeNearFootprint else { return g }
        let a = nearTransform.map(column: 0, row: 0), b = nearTransform.map(column: Double(nearWidth), row: Double(nearHeight))
        let x0 = min(a.x, b.x), x1 = max(a.x, b.x), y0 = min(a.y, b.y), y1 = max(a.y, b.y)
        for r in 0..<dem.height {
            for c in 0..<dem.width {
                let p = transform.map(column: Double(c) + 0.5, row: Double(r) + 0.5)
                if p.x > x0 && p.x < x1 && p.y > y0 && p.y < y1 { g[r, c] = .nan }
            }
        }
        return g
    }
}

/// Far horizons per azimuth and bilinear sampling at the near cells' centres: those of `window` (the near
/// band's cells), from the far cells of `farWindow` (the far band's cells: the far sweep's output window,
/// the cells the samples read, when the near band is a window).
final class FarFieldSampler {
    let far: FarField
    let nearWidth: Int
    let nearHeight: Int
    /// Far-grid fractional pixel-centre coordinates of each near column / row.
    let col0: [Int32], colW: [Float], row0: [Int32], rowW: [Float]
    let window: RasterWindow
    var farWindow: RasterWindow
    var sweeper: HorizonSweeper?

    init(positionsOnly far: FarField, nearWidth: Int, nearHeight: Int, window: RasterWindow? = nil) {
        self.far = far
        self.nearWidth = nearWidth
        self.nearHeight = nearHeight
        self.window = window ?? .whole(width: nearWidth, height: nearHeight)
        farWindow = .whole(width: far.dem.width, height: far.dem.height)
        func axis(_ n: Int, _ farN: Int, _ pos: (Double) -> Double) -> ([Int32], [Float]) {
            var i0 = [Int32](repeating: 0, count: n), w = [Float](repeating: 0, count: n)
            for k in 0..<n {
                let p = pos(Double(k) + 0.5) - 0.5          // far pixel-centre coordinate
                if p < 0 || p > Double(farN - 1) { i0[k] = -1; continue }
                var f = Int(p.rounded(.down))
                if f >= farN - 1 { f = max(0, farN - 2) }
                i0[k] = Int32(f)
                w[k] = Float(p - Double(f))
            }
            return (i0, w)
        }
        let t = far.transform, nt = far.nearTransform
        (col0, colW) = axis(nearWidth, far.dem.width) { c in t.pixel(x: nt.map(column: c, row: 0).x, y: t.originY).column }
        (row0, rowW) = axis(nearHeight, far.dem.height) { r in t.pixel(x: t.originX, y: nt.map(column: 0, row: r).y).row }
        sweeper = nil
        if window != nil {
            // The far cells the window's samples read (none where every sample is off the far grid).
            func span(_ i0: ArraySlice<Int32>, _ n: Int) -> Range<Int> {
                let inside = i0.filter { $0 >= 0 }
                guard let a = inside.min(), let b = inside.max() else { return 0..<0 }
                return Int(a)..<Swift.min(Int(b) + 2, n)
            }
            farWindow = RasterWindow(rows: span(row0[self.window.rows], far.dem.height), columns: span(col0[self.window.columns], far.dem.width))
        }
    }

    convenience init(_ far: FarField, options: HorizonOptions, nearWidth: Int, nearHeight: Int, window: RasterWindow? = nil) {
        self.init(positionsOnly: far, nearWidth: nearWidth, nearHeight: nearHeight, window: window)
        sweeper = HorizonSweeper(dem: far.dem, dx: abs(far.transform.pixelWidth), dy: abs(far.transform.pixelHeight),
                                 observerHeight: options.observerHeight, radius: options.radius, threads: options.threads,
                                 blockers: far.blockers(nearWidth: nearWidth, nearHeight: nearHeight))
    }

    /// Computes the far band (`farWindow`'s cells) for `azimuthDegrees` and combines it into `band`.
    func combine(into band: inout [Float], azimuthDegrees: Double) {
        guard sweeper != nil, !farWindow.isEmpty else { return }
        let farBand = sweeper!.horizon(azimuthDegrees: azimuthDegrees, window: farWindow)
        combine(into: &band, farBand: farBand)
    }

    /// Combines `farBand` (`farWindow`'s cells) into `band` (`window`'s cells).
    func combine(into band: inout [Float], farBand: [Float]) {
        precondition(band.count == window.cellCount && farBand.count == farWindow.cellCount)
        let fw = far.dem.width, fh = far.dem.height
        let pitch = farWindow.width, origin = farWindow.row * pitch + farWindow.column
        for r in window.rows {
            let j = Int(row0[r])
            if j < 0 { continue }
            let wy = rowW[r]
            let j1 = min(j + 1, fh - 1)
            for c in window.columns {
                let i = Int(col0[c])
                if i < 0 { continue }
                let wx = colW[c]
                let i1 = min(i + 1, fw - 1)
                let top0 = j * pitch - origin, bottom0 = j1 * pitch - origin
                let a = farBand[top0 + i], b = farBand[top0 + i1], cc = farBand[bottom0 + i], d = farBand[bottom0 + i1]
                let top = a + wx * (b - a), bottom = cc + wx * (d - cc)
                let v = top + wy * (bottom - top)
                let k = (r - window.row) * window.width + (c - window.column)
                if !v.isNaN && !(band[k] >= v) && !band[k].isNaN { band[k] = v }
            }
        }
    }
}
