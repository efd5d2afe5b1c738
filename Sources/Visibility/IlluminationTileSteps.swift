import FarSideCore
import Foundation

/// The steps of a window as one illumination tile's reference observer sees them: the Sun's and the
/// Earth's elevation per step, each placed between two azimuth bins (the bin at or below its azimuth and
/// the weight of the next, so thresholds sampled at bin azimuths are interpolated linearly in azimuth:
/// error second order in the bin width), as lookup tables by elevation (`ElevationBinTables`), and the
/// Sun's top of disc per step for the darkness scan.
struct StepBins {
    let count: Int
    let sunTables: ElevationBinTables
    let earthTables: ElevationBinTables
    let sunSteps: [SunStep]
    let sinA: [Double]
    let cosA: [Double]

    init(reference: SurfaceFrame, track: BodyTrack, earthDirections: [SIMD3<Double>], binCount K: Int) {
        let T = track.count
        let binWidth = 2 * Double.pi / Double(K)
        var eSun = [Double](repeating: 0, count: T), kLow = [Int32](repeating: 0, count: T), weight = [Float](repeating: 0, count: T)
        var eEarth = eSun, kEarth = kLow, wEarth = weight
        var sunSteps = [SunStep](repeating: SunStep(top: 0, weight: 0, bin: 0), count: T)
        func place(_ a: Double) -> (Int32, Float) {
            let position = a / binWidth
            let low = Int(position.rounded(.down))
            return (Int32(low % K), Float(position - Double(low)))
        }
        for t in 0..<T {
            let s = reference.elevationAzimuth(track.sun[t])
            eSun[t] = s.elevation
            (kLow[t], weight[t]) = place(s.azimuth)
            sunSteps[t] = SunStep(top: Float(s.elevation + track.sunRadius[t]), weight: weight[t], bin: kLow[t])
            let e = reference.elevationAzimuth(earthDirections[t])
            eEarth[t] = e.elevation
            (kEarth[t], wEarth[t]) = place(e.azimuth)
        }
        count = K
        sunTables = ElevationBinTables(elevations: eSun, radii: track.sunRadius, bins: kLow, weights: weight, binCount: K)
        earthTables = ElevationBinTables(pointElevations: eEarth, bins: kEarth, weights: wEarth, binCount: K)
        self.sunSteps = sunSteps
        sinA = (0..<K).map { sin(Double($0) * binWidth) }
        cosA = (0..<K).map { cos(Double($0) * binWidth) }
    }
}

/// A chunk of an illumination tile: `DarknessScan.chunkRows` x `DarknessScan.chunkColumns` cells from
/// (row, column) of the tile, the `index`-th of its strip.
struct TileChunk {
    let rows: Range<Int>
    let columns: Range<Int>
    let row: Int
    let column: Int
    let index: Int

    /// The grid row and column of a lane (nil: outside the tile).
    @inline(__always)
    func position(_ lane: Int) -> (row: Int, column: Int)? {
        let ri = row + lane / DarknessScan.chunkColumns, ci = column + lane % DarknessScan.chunkColumns
        return ri < rows.count && ci < columns.count ? (rows.lowerBound + ri, columns.lowerBound + ci) : nil
    }
}

/// Scratch reused by every chunk of a tile: the lanes' thresholds (`ChunkThresholds`), theta(k) for
/// bins + 1 rows (the last repeats the first), its per-bin-pair bounds and the longest dark runs.
struct ChunkScratch {
    var thresholds: ChunkThresholds
    var theta: [Float]
    var hi: [Float]
    var lo: [Float]
    var longest: [Float]

    init(bins K: Int, azimuths A: Int) {
        let L = DarknessScan.lanes
        thresholds = ChunkThresholds(lanes: L, azimuths: A)
        theta = [Float](repeating: 0, count: (K + 1) * L)
        hi = [Float](repeating: 0, count: K)
        lo = hi
        longest = [Float](repeating: 0, count: L)
    }

    /// The longest run of steps with no part of the Sun above theta, per lane (`DarknessScan`).
    mutating func longestDarkRuns(bins K: Int, steps: [SunStep]) {
        let L = DarknessScan.lanes
        theta.withUnsafeMutableBufferPointer { th in
            for lane in 0..<L { th[K * L + lane] = th[lane] }  // wrap-around row
            hi.withUnsafeMutableBufferPointer { h in
                lo.withUnsafeMutableBufferPointer { l in
                    DarknessScan.bounds(theta: th.baseAddress!, bins: K, hi: h.baseAddress!, lo: l.baseAddress!)
                    steps.withUnsafeBufferPointer { steps in
                        longest.withUnsafeMutableBufferPointer { lg in
                            DarknessScan.longestRuns(theta: th.baseAddress!, hi: h.baseAddress!, lo: l.baseAddress!, steps: steps, longest: lg.baseAddress!)
                        }
                    }
                }
            }
        }
    }
}
