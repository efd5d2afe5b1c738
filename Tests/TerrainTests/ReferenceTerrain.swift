import Foundation
import GeoRaster
import Terrain

/// A deliberately plain Double-precision implementation of the terrain definitions (Horn 1981,
/// Zevenbergen & Thorne 1987, gdaldem roughness, the documented edge rule), for checking the kernels.
enum ReferenceTerrain {
    struct Result { var slope: [Double]; var aspect: [Double]; var roughness: [Double] }

    static func compute(_ g: Grid, dx: (Int) -> Double, dy: Double, algorithm: SlopeAlgorithm) -> Result {
        var out = Result(slope: [], aspect: [], roughness: [])
        func value(_ r: Int, _ c: Int) -> Double {
            guard r >= 0, c >= 0, r < g.height, c < g.width else { return .nan }
            return Double(g[r, c])
        }
        for r in 0..<g.height {
            for c in 0..<g.width {
                var w = [[Double]](repeating: [Double](repeating: .nan, count: 3), count: 3)
                for i in 0..<3 { for j in 0..<3 { w[i][j] = value(r + i - 1, c + j - 1) } }
                let centre = w[1][1]
                let present = w.flatMap { $0 }.filter { !$0.isNaN }
                out.roughness.append(centre.isNaN ? .nan : present.max()! - present.min()!)
                guard !centre.isNaN else { out.slope.append(.nan); out.aspect.append(.nan); continue }
                for j in 0..<3 where !w[1][j].isNaN {
                    if w[0][j].isNaN && !w[2][j].isNaN { w[0][j] = 2 * w[1][j] - w[2][j] } else if w[2][j].isNaN && !w[0][j].isNaN { w[2][j] = 2 * w[1][j] - w[0][j] }
                }
                for i in 0..<3 where !w[i][1].isNaN {
                    if w[i][0].isNaN && !w[i][2].isNaN { w[i][0] = 2 * w[i][1] - w[i][2] } else if w[i][2].isNaN && !w[i][0].isNaN { w[i][2] = 2 * w[i][1] - w[i][0] }
                }
                for i in 0..<3 { for j in 0..<3 where w[i][j].isNaN { w[i][j] = centre } }
                let gx: Double, gy: Double
                switch algorithm {
                case .horn:
                    gx = ((w[0][2] + 2 * w[1][2] + w[2][2]) - (w[0][0] + 2 * w[1][0] + w[2][0])) / (8 * dx(r))
                    gy = ((w[0][0] + 2 * w[0][1] + w[0][2]) - (w[2][0] + 2 * w[2][1] + w[2][2])) / (8 * dy)
                case .zevenbergenThorne:
                    gx = (w[1][2] - w[1][0]) / (2 * dx(r))
                    gy = (w[0][1] - w[2][1]) / (2 * dy)
                }
                out.slope.append(atan(hypot(gx, gy)) * 180 / .pi)
                if gx == 0 && gy == 0 { out.aspect.append(.nan) } else {
                    var a = atan2(-gx, -gy) * 180 / .pi
                    if a < 0 { a += 360 }
                    out.aspect.append(a)
                }
            }
        }
        return out
    }

    /// |a - b| on the circle, degrees; 0 when both are NaN (flat), 360 when only one is.
    static func angularDifference(_ a: Double, _ b: Double) -> Double {
        if a.isNaN && b.isNaN { return 0 }
        if a.isNaN || b.isNaN { return 360 }
        let d = abs(a - b).truncatingRemainder(dividingBy: 360)
        return min(d, 360 - d)
    }
}
