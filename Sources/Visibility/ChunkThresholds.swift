import Foundation

/// A cell's first-order tilt against its tile's reference frame (see `IlluminationEngine`): its normal's
/// components (dx, dy) along the reference right/up axes, and where bin 0 of the reference's azimuths
/// falls in its own horizon profile (`position`, in horizon azimuth steps, rotated by the grid
/// convergence gamma between the two frames).
struct CellTilt {
    var dx: Double
    var dy: Double
    var position: Double

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

/// The thresholds of one chunk's cells, theta_i(k) = h_i(a_k + gamma_i) - (dx_i sin a_k + dy_i cos a_k)
/// (the horizon interpolated linearly between the profile's azimuths), and each cell's Sun and Earth
/// visibility summed over the bins' tables. Bins run in the outer loop and cells in the inner one, so
/// the chunk's lookups into one bin's table touch the same few cache lines.
struct ChunkThresholds {
    /// Per valid cell: its lane in the chunk, its profile (A + 1 radians, the last repeating the first), its tilt.
    var lanes: [Int] = []
    var profiles: [UnsafePointer<Float>] = []
    var tilts: [CellTilt] = []
    /// Per valid cell, after `compute`: sum over bins of the Sun's visible disc fraction / Earth's visibility, in steps.
    var sun: [Double] = []
    var earth: [Double] = []

    mutating func removeAll() {
        lanes.removeAll(keepingCapacity: true)
        profiles.removeAll(keepingCapacity: true)
        tilts.removeAll(keepingCapacity: true)
    }

    mutating func append(lane: Int, profile: UnsafePointer<Float>, tilt: CellTilt) {
        lanes.append(lane)
        profiles.append(profile)
        tilts.append(tilt)
    }

    /// Writes theta(k) of the cell in lane l at theta[k * stride + l] for k < bins (Float), and fills `sun`
    /// and `earth`.
    mutating func compute(azimuths A: Int, bins K: Int, sinA: [Double], cosA: [Double],
                          sunTable: ElevationBinTables.Lookup, earthTable: ElevationBinTables.Lookup,
                          theta: UnsafeMutablePointer<Float>, stride: Int) {
        let n = lanes.count
        var sun = [Double](repeating: 0, count: n), earth = sun
        var position = tilts.map(\.position)
        let increment = Double(A) / Double(K)
        lanes.withUnsafeBufferPointer { lanes in
            profiles.withUnsafeBufferPointer { profiles in
                tilts.withUnsafeBufferPointer { tilts in
                    sun.withUnsafeMutableBufferPointer { sun in
                        earth.withUnsafeMutableBufferPointer { earth in
                            position.withUnsafeMutableBufferPointer { position in
                                for k in 0..<K {
                                    let s = sinA[k], c = cosA[k], row = theta + k * stride
                                    for v in 0..<n {
                                        let p = position[v], profile = profiles[v], tilt = tilts[v]
                                        let j = min(A - 1, Int(p)), f = p - Double(j)
                                        let h0 = Double(profile[j]), h1 = Double(profile[j + 1])
                                        let hz = h0 + (h1 - h0) * f
                                        let th = hz - (tilt.dx * s + tilt.dy * c)
                                        row[lanes[v]] = Float(th)
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
        self.sun = sun
        self.earth = earth
    }
}
