import FarSideCore
import GeoRaster

/// A relay-map tile's cells (`RelayMapEngine`): which are computed (ground and horizon not nodata), their
/// observer positions (Moon-centred ME, km) and frames, their horizon profiles (A + 1 values, the first
/// repeated), their highest horizon (a link above it needs no azimuth) and their bilinear weights from the
/// tile's four corners.
struct RelayTileCells {
    let rows: Range<Int>
    let columns: Range<Int>
    let cells: Int
    let azimuths: Int
    let frames: [SurfaceFrame]
    let profiles: [Float]
    var valid: [Bool]
    var sites: [SIMD3<Double>]
    var highestOf: [Double]
    var weights: [SIMD4<Double>]
    /// The highest horizon of any computed cell.
    var highest = -Double.infinity
    /// The corner cells (upper left, upper right, lower left, lower right) and the centre cell.
    let corners: [Int]
    let centre: Int

    init(rows: Range<Int>, columns: Range<Int>, dem: Grid, frames: [SurfaceFrame], horizon: IlluminationEngine.BlockProfiles,
         observerHeight: Double, radius: Double) {
        let nr = rows.count, nc = columns.count, cells = nr * nc, A = horizon.azimuths
        self.rows = rows
        self.columns = columns
        self.cells = cells
        self.frames = frames
        azimuths = A
        profiles = IlluminationEngine.tileProfiles(horizon, rows: rows, columns: columns,
                                                   floor: Float(IlluminationEngine.horizonFloor(observerHeight: observerHeight, radius: radius)))
        valid = [Bool](repeating: true, count: cells)
        sites = [SIMD3<Double>](repeating: .zero, count: cells)
        highestOf = [Double](repeating: .infinity, count: cells)
        weights = [SIMD4<Double>](repeating: .zero, count: cells)
        corners = [0, nc - 1, (nr - 1) * nc, nr * nc - 1]
        centre = (nr / 2) * nc + nc / 2
        for i in 0..<cells {
            let r = i / nc, c = i % nc
            let u = nr > 1 ? Double(r) / Double(nr - 1) : 0, v = nc > 1 ? Double(c) / Double(nc - 1) : 0
            weights[i] = SIMD4((1 - u) * (1 - v), (1 - u) * v, u * (1 - v), u * v)
            let z = dem.values[(rows.lowerBound + r) * dem.width + columns.lowerBound + c]
            let p = profiles[(i * (A + 1))..<((i + 1) * (A + 1))]
            if z.isNaN || p.contains(where: { $0.isNaN }) { valid[i] = false; continue }
            sites[i] = frames[i].position(height: Double(z) + observerHeight, radius: radius)
            highestOf[i] = Double(p.max()!)
            highest = max(highest, highestOf[i])
        }
    }
}

/// One body's look angles over a tile at one step: exact elevation, grid azimuth (unwrapped around the
/// first corner's) and range at the four corners, and whether bilinear interpolation of them is within
/// the tolerance at the tile's centre (checked against the exact look there).
struct TileLook {
    var el = SIMD4<Double>.zero, az = SIMD4<Double>.zero, rg = SIMD4<Double>.zero
    var smooth = false

    init(_ p: SIMD3<Double>, tile: RelayTileCells, tolerance: Double, maxRange: Double) {
        let twoPi = 2 * Double.pi
        for k in 0..<4 {
            let i = tile.corners[k]
            let look = RelayMapEngine.look(p, site: tile.sites[i], frame: tile.frames[i])
            el[k] = look.0; rg[k] = look.2
            az[k] = k == 0 ? look.1 : look.1 + twoPi * ((az[0] - look.1) / twoPi).rounded()
        }
        let exact = RelayMapEngine.look(p, site: tile.sites[tile.centre], frame: tile.frames[tile.centre])
        let wc = tile.weights[tile.centre]
        var centreAz = (wc * az).sum()
        centreAz -= twoPi * ((centreAz - exact.1) / twoPi).rounded()
        smooth = abs((wc * el).sum() - exact.0) <= tolerance && abs(centreAz - exact.1) <= tolerance
            && (maxRange == .infinity || abs((wc * rg).sum() - exact.2) < 0.001)
    }
}

/// Per-cell link counts over the steps: steps with a relay link, steps with any link (relay or Earth),
/// and the longest run of steps without a relay link.
struct LinkCounts {
    var relayHits: [Float]
    var commsHits: [Float]
    var run: [Float]
    var longest: [Float]

    init(cells: Int) {
        relayHits = [Float](repeating: 0, count: cells)
        commsHits = relayHits
        run = relayHits
        longest = relayHits
    }

    /// Counts one step's links (and clears the Earth's for the next step).
    mutating func count(relay: [Bool], earth: inout [Bool], valid: [Bool]) {
        for i in 0..<valid.count where valid[i] {
            if relay[i] {
                relayHits[i] += 1
                run[i] = 0
            } else {
                run[i] += 1
                longest[i] = max(longest[i], run[i])
            }
            if relay[i] || earth[i] { commsHits[i] += 1 }
            earth[i] = false
        }
    }

    /// The tile's maps: fractions of `steps`, the longest gap in hours (at most the window's length).
    func write(_ tile: RelayTileCells, dem: Grid, steps T: Int, stepHours: Double, windowHours: Double, into out: RelayMapEngine.Outputs) {
        let nc = tile.columns.count
        for i in 0..<tile.cells {
            let cell = (tile.rows.lowerBound + i / nc) * dem.width + tile.columns.lowerBound + i % nc
            guard tile.valid[i], T > 0 else {
                out.relay[cell] = .nan; out.gap[cell] = .nan; out.comms[cell] = .nan
                continue
            }
            out.relay[cell] = relayHits[i] / Float(T)
            out.gap[cell] = Float(min(Double(longest[i]) * stepHours, windowHours))
            out.comms[cell] = commsHits[i] / Float(T)
        }
    }
}
