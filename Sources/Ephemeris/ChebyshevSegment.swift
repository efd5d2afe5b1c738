/// Chebyshev-polynomial data of an SPK type 2 or binary PCK type 2 segment
/// (NAIF "SPK Required Reading", section "Type 2: Chebyshev (position only)";
/// "PCK Required Reading", "Binary PCK type 2").
///
/// The array holds N records of RSIZE doubles: MID, RADIUS, then DEG+1 coefficients for each of
/// the 3 components (SPK: x, y, z in km; PCK: three Euler angles in radians), followed by the
/// directory INIT, INTLEN, RSIZE, N. A record covers [MID - RADIUS, MID + RADIUS] TDB seconds;
/// with s = (t - MID) / RADIUS, component = sum c_k T_k(s), and its rate = d/ds / RADIUS.
struct ChebyshevSegment: Sendable {
    let initialEpoch: Double
    let intervalLength: Double
    let recordSize: Int
    let recordCount: Int
    let coefficientCount: Int
    /// Coverage of the segment (from its summary), TDB seconds past J2000.
    let start: Double
    let end: Double
    let data: [Double]

    init(file: DAFFile, summary: DAFFile.Summary, components: Int) throws {
        let all = file.doubles(from: summary.startAddress, through: summary.endAddress)
        guard all.count >= 4 else {
            throw EphemerisError.kernelMalformed(path: file.path, reason: "segment \"\(summary.name)\" too short")
        }
        let n = all.count
        initialEpoch = all[n - 4]
        intervalLength = all[n - 3]
        recordSize = Int(all[n - 2])
        recordCount = Int(all[n - 1])
        coefficientCount = (recordSize - 2) / components
        start = summary.doubles[0]
        end = summary.doubles[1]
        guard intervalLength > 0, recordSize > 2, recordCount > 0, coefficientCount >= 1,
              (recordSize - 2) % components == 0, recordSize * recordCount + 4 == n else {
            throw EphemerisError.kernelMalformed(path: file.path, reason: "segment \"\(summary.name)\" has an inconsistent Chebyshev directory (RSIZE \(recordSize), N \(recordCount), \(n) doubles)")
        }
        data = all
    }

    func covers(_ t: Double) -> Bool { t >= start && t <= end }

    /// Value and rate (per second) of the three components at `t` (TDB seconds past J2000).
    func evaluate(_ t: Double) -> (value: SIMD3<Double>, rate: SIMD3<Double>) {
        var index = Int(((t - initialEpoch) / intervalLength).rounded(.down))
        index = min(max(index, 0), recordCount - 1)
        let base = index * recordSize
        return data.withUnsafeBufferPointer { buf in
            let mid = buf[base], radius = buf[base + 1]
            let s = (t - mid) / radius
            var value = SIMD3<Double>(repeating: 0)
            var rate = SIMD3<Double>(repeating: 0)
            let nc = coefficientCount
            // T_k(s) and T_k'(s) by the three-term recurrences.
            var t0 = 1.0, t1 = s
            var d0 = 0.0, d1 = 1.0
            for k in 0..<nc {
                let tk: Double, dk: Double
                switch k {
                case 0: tk = 1; dk = 0
                case 1: tk = s; dk = 1
                default:
                    tk = 2 * s * t1 - t0
                    dk = 2 * t1 + 2 * s * d1 - d0
                    t0 = t1; t1 = tk; d0 = d1; d1 = dk
                }
                let c = SIMD3(buf[base + 2 + k], buf[base + 2 + nc + k], buf[base + 2 + 2 * nc + k])
                value += c * tk
                rate += c * dk
            }
            return (value, rate / radius)
        }
    }
}
