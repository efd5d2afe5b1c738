import Foundation

/// A cell's first-order tilt against its tile's reference frame (see `IlluminationEngine`): its normal's
/// components (dx, dy) along the reference right/up axes, and where bin 0 of the reference's azimuths
/// falls in its own horizon profile (`position`, in horizon azimuth steps, rotated by the grid
/// convergence gamma between the two frames).
struct CellTilt {
    var dx: Double
    var dy: Double
    var position: Double

    init(dx: Double, dy: Double, position: Double) {
        self.dx = dx
        self.dy = dy
        self.position = position
    }

    init(frame: SurfaceFrame, reference: SurfaceFrame, azimuths A: Int) {
        dx = (reference.right * frame.normal).sum()
        dy = (reference.up * frame.normal).sum()
        var p = reference.up - (reference.up * frame.normal).sum() * frame.normal
        p /= (p * p).sum().squareRoot()
        let gamma = atan2((p * frame.right).sum(), (p * frame.up).sum())
        position = gamma / (2 * .pi) * Double(A)
        position -= Double(A) * (position / Double(A)).rounded(.down)
    }
}

/// The horizon profiles of one strip of chunks (`DarknessScan.chunkRows` rows across a tile), chunk
/// after chunk, each azimuth-major: azimuth j of lane l of chunk c at slab(c)[j * lanes + l], radians,
/// floored, j <= A (row A repeats row 0). Gathered band by band from the block (band-major, as read), so
/// every band's row segment is read once, sequentially, and each chunk's slab then stays in cache while
/// its thresholds are computed.
struct ChunkStrip {
    let azimuths: Int
    let lanes = DarknessScan.lanes
    var chunks = 0
    var values: [Float] = []
    /// Per chunk and lane: NaN where any azimuth of the cell is nodata, else 0 (the sum of e - e).
    var nodata: [Float] = []

    init(azimuths: Int) { self.azimuths = azimuths }

    var slabSize: Int { (azimuths + 1) * lanes }

    mutating func gather(_ block: IlluminationEngine.BlockProfiles, rows: Range<Int>, columns: Range<Int>, floor: Float) {
        let A = azimuths, L = lanes, width = DarknessScan.chunkColumns, n = block.cells, toRadians = Float.pi / 180
        chunks = (columns.count + width - 1) / width
        let slab = slabSize
        if values.count < chunks * slab {
            values = [Float](repeating: 0, count: chunks * slab)
            nodata = [Float](repeating: 0, count: chunks * L)
        }
        values.withUnsafeMutableBufferPointer { values in
            nodata.withUnsafeMutableBufferPointer { nodata in
                for i in 0..<(chunks * L) { nodata[i] = 0 }
                // Bands outer, the strip's rows inner: one band's rows lie close together in the block.
                for j in 0..<A {
                    for (ri, r) in rows.enumerated() {
                        let source = block.base + j * n + block.offset(row: r, column: columns.lowerBound)
                        for ci in 0..<columns.count {
                            let e = source[ci], lane = ri * width + ci % width, chunk = ci / width
                            nodata[chunk * L + lane] += e - e
                            values[chunk * slab + j * L + lane] = Swift.max(e, floor) * toRadians
                        }
                    }
                }
                for ri in 0..<rows.count {
                    for ci in 0..<columns.count {
                        let lane = ri * width + ci % width, chunk = ci / width
                        values[chunk * slab + A * L + lane] = values[chunk * slab + lane]
                    }
                }
            }
        }
    }
}

/// The thresholds of one chunk's cells, theta_i(k) = h_i(a_k + gamma_i) - (dx_i sin a_k + dy_i cos a_k)
/// (the horizon interpolated linearly between the profile's azimuths), and each cell's Sun and Earth
/// visibility summed over the bins' tables. Bins run in the outer loop and cells in the inner one, so
/// the chunk's lookups into one bin's table touch the same few cache lines. Lanes without a valid cell
/// repeat the first valid one, so every lane holds real thresholds (and the chunk's bounds are real).
struct ChunkThresholds {
    let lanes: Int
    let azimuths: Int
    var valid: [Bool]
    var tilts: [CellTilt]
    /// Per lane, after `compute`: sum over bins of the Sun's visible disc fraction / Earth's visibility, in steps.
    var sun: [Double]
    var earth: [Double]

    init(lanes: Int, azimuths: Int) {
        self.lanes = lanes
        self.azimuths = azimuths
        valid = [Bool](repeating: false, count: lanes)
        tilts = [CellTilt](repeating: CellTilt(dx: 0, dy: 0, position: 0), count: lanes)
        sun = [Double](repeating: 0, count: lanes)
        earth = sun
    }

    mutating func reset() {
        for lane in 0..<lanes { valid[lane] = false }
    }

    mutating func set(lane: Int, tilt: CellTilt) {
        valid[lane] = true
        tilts[lane] = tilt
    }

    /// Fills the lanes without a valid cell from the first valid one (in `profiles`, the chunk's slab of
    /// a `ChunkStrip`); false when there is none.
    mutating func pad(profiles: UnsafeMutablePointer<Float>) -> Bool {
        guard let first = valid.firstIndex(of: true) else { return false }
        for lane in 0..<lanes where !valid[lane] {
            for j in 0...azimuths { profiles[j * lanes + lane] = profiles[j * lanes + first] }
            tilts[lane] = tilts[first]
        }
        return true
    }

    /// One lane's threshold at one bin: its horizon at `position` (profile steps, linearly between the
    /// profile's azimuths) less the tilt term dx sin a + dy cos a (`term`, also returned), radians.
    @inline(__always)
    static func threshold(profiles: UnsafePointer<Float>, lane v: Int, lanes n: Int, azimuths A: Int, position p: Double,
                          tilt: CellTilt, sin s: Double, cos c: Double) -> (theta: Double, term: Double) {
        let j = min(A - 1, Int(p)), f = p - Double(j)
        let h0 = Double(profiles[j * n + v]), h1 = Double(profiles[(j + 1) * n + v])
        let hz = h0 + (h1 - h0) * f
        let term = tilt.dx * s + tilt.dy * c
        return (hz - term, term)
    }

    /// Writes theta(k) of lane l at theta[k * lanes + l] for k < bins (Float), and fills `sun` and `earth`.
    mutating func compute(profiles: UnsafePointer<Float>, bins K: Int, sinA: [Double], cosA: [Double],
                          sunTable: ElevationBinTables.Lookup, earthTable: ElevationBinTables.Lookup,
                          theta: UnsafeMutablePointer<Float>) {
        let n = lanes, A = azimuths
        var position = tilts.map(\.position)
        let increment = Double(A) / Double(K)
        tilts.withUnsafeBufferPointer { tilts in
            sun.withUnsafeMutableBufferPointer { sun in
                earth.withUnsafeMutableBufferPointer { earth in
                    position.withUnsafeMutableBufferPointer { position in
                        for v in 0..<n { sun[v] = 0; earth[v] = 0 }
                        for k in 0..<K {
                            let s = sinA[k], c = cosA[k], row = theta + k * n
                            for v in 0..<n {
                                let p = position[v]
                                let th = Self.threshold(profiles: profiles, lane: v, lanes: n, azimuths: A, position: p,
                                                        tilt: tilts[v], sin: s, cos: c).theta
                                row[v] = Float(th)
                                sun[v] += sunTable.value(bin: k, theta: th)
                                earth[v] += earthTable.value(bin: k, theta: th)
                                position[v] = p + increment >= Double(A) ? p + increment - Double(A) : p + increment
                            }
                        }
                    }
                }
            }
        }
    }
}
