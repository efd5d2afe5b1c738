import Foundation
import GeoRaster

/// quicklook.png: a hillshade (light from the north-west, 45 deg high) with the score coloured over it
/// (viridis-like ramp, feasible cells bright, infeasible cells greyed), the ranked sites marked with their
/// rank, and a legend bar. At most 1024 pixels a side (the grid is subsampled).
public enum Quicklook {
    public static func render(dem: Grid, score: Grid, feasible: Grid, sites: [SiteReport], grid: SiteGrid) -> RGBImage {
        let stride = max(1, (max(dem.width, dem.height) + 1023) / 1024)
        let metrics = grid.cellMetrics.rows(grid.rows)
        func sample(_ g: Grid) -> Grid {
            guard stride > 1 else { return g }
            let w = (g.width + stride - 1) / stride, h = (g.height + stride - 1) / stride
            var out = Grid(width: w, height: h)
            for y in 0..<h { for x in 0..<w { out[y, x] = g[y * stride, x * stride] } }
            return out
        }
        let rows = Swift.stride(from: 0, to: dem.height, by: stride).map { $0 }
        return render(sampledDEM: sample(dem), score: sample(score), feasible: sample(feasible), sites: sites,
                      dx: rows.map { metrics.dx[$0] * Double(stride) }, dy: rows.map { metrics.dy[$0] * Double(stride) }, stride: stride)
    }

    /// The image from grids already sampled every `stride` cells (at most 1024 a side), with the sampled
    /// cells' sizes per row (metres) for the hillshade; sites are at full-resolution rows and columns.
    public static func render(sampledDEM dem: Grid, score: Grid, feasible: Grid, sites: [SiteReport], dx: [Double], dy: [Double],
                              stride: Int) -> RGBImage {
        let w = dem.width, h = dem.height
        let legend = 28
        var image = RGBImage(width: w, height: h + legend)
        for y in 0..<h {
            for x in 0..<w {
                let shade = hillshade(dem, y, x, dx: dx[y], dy: dy[y])
                let s = score[y, x], f = feasible[y, x]
                var rgb: (Double, Double, Double)
                if s.isNaN {
                    rgb = (shade * 0.5, shade * 0.5, shade * 0.55)
                } else {
                    let col = ramp(Double(s))
                    let k = f == 1 ? 0.65 : 0.25
                    rgb = (shade * (1 - k) + col.0 * k * (0.4 + 0.6 * shade), shade * (1 - k) + col.1 * k * (0.4 + 0.6 * shade),
                           shade * (1 - k) + col.2 * k * (0.4 + 0.6 * shade))
                }
                image[x, y] = (byte(rgb.0), byte(rgb.1), byte(rgb.2))
            }
        }
        // Legend: the score ramp from 0 to 1 with end labels.
        for x in 0..<w {
            let col = ramp(Double(x) / Double(max(1, w - 1)))
            for y in (h + 6)..<(h + 16) { image[x, y] = (byte(col.0), byte(col.1), byte(col.2)) }
        }
        drawText("0", x: 2, y: h + 18, into: &image, color: (255, 255, 255))
        drawText("1", x: w - 8, y: h + 18, into: &image, color: (255, 255, 255))
        for s in sites.reversed() {
            let x = s.column / stride, y = s.row / stride
            for d in -6...6 {
                for t in -1...1 {
                    plot(&image, x + d, y + t, (0, 0, 0)); plot(&image, x + t, y + d, (0, 0, 0))
                }
            }
            for d in -5...5 { plot(&image, x + d, y, (255, 255, 255)); plot(&image, x, y + d, (255, 255, 255)) }
            drawText("\(s.rank)", x: x + 7, y: y - 12, into: &image, color: (255, 80, 60))
        }
        return image
    }

    static func byte(_ v: Double) -> UInt8 { UInt8(max(0, min(255, (v * 255).rounded()))) }

    static func plot(_ image: inout RGBImage, _ x: Int, _ y: Int, _ c: (UInt8, UInt8, UInt8)) {
        guard x >= 0, y >= 0, x < image.width, y < image.height else { return }
        image[x, y] = c
    }

    /// Lambertian shading from the 3 x 3 central differences (light azimuth 315 deg, elevation 45 deg).
    static func hillshade(_ dem: Grid, _ r: Int, _ c: Int, dx: Double, dy: Double) -> Double {
        func z(_ rr: Int, _ cc: Int) -> Double {
            let v = dem[min(dem.height - 1, max(0, rr)), min(dem.width - 1, max(0, cc))]
            return v.isNaN ? Double(dem[r, c]) : Double(v)
        }
        let gx = (z(r, c + 1) - z(r, c - 1)) / (2 * dx), gy = (z(r - 1, c) - z(r + 1, c)) / (2 * dy)
        let n = SIMD3(-gx, -gy, 1) / (gx * gx + gy * gy + 1).squareRoot()
        let q = Double.pi / 4
        let light = SIMD3<Double>(-sin(q) * cos(q), cos(q) * cos(q), sin(q))
        let v = max(0, (n * light).sum())
        return v.isFinite ? 0.15 + 0.85 * v : 0.5
    }

    /// A viridis-like ramp (dark blue - teal - green - yellow).
    static func ramp(_ t: Double) -> (Double, Double, Double) {
        let stops: [(Double, Double, Double)] = [(0.27, 0.00, 0.33), (0.23, 0.32, 0.55), (0.13, 0.57, 0.55), (0.37, 0.79, 0.38), (0.99, 0.91, 0.14)]
        let x = max(0, min(1, t.isFinite ? t : 0)) * Double(stops.count - 1)
        let i = min(stops.count - 2, Int(x)), f = x - Double(i)
        let a = stops[i], b = stops[i + 1]
        return (a.0 + (b.0 - a.0) * f, a.1 + (b.1 - a.1) * f, a.2 + (b.2 - a.2) * f)
    }

    /// Digits in a 3 x 5 pixel font, drawn twice as large with a dark outline.
    static let digits: [Character: [String]] = [
        "0": ["111", "101", "101", "101", "111"], "1": ["010", "110", "010", "010", "111"], "2": ["111", "001", "111", "100", "111"],
        "3": ["111", "001", "111", "001", "111"], "4": ["101", "101", "111", "001", "001"], "5": ["111", "100", "111", "001", "111"],
        "6": ["111", "100", "111", "101", "111"], "7": ["111", "001", "010", "010", "010"], "8": ["111", "101", "111", "101", "111"],
        "9": ["111", "101", "111", "001", "111"],
    ]

    static func drawText(_ text: String, x: Int, y: Int, into image: inout RGBImage, color: (UInt8, UInt8, UInt8)) {
        for (k, ch) in text.enumerated() {
            guard let glyph = digits[ch] else { continue }
            for (gy, row) in glyph.enumerated() {
                for (gx, bit) in row.enumerated() where bit == "1" {
                    for sy in 0..<2 {
                        for sx in 0..<2 {
                            let px = x + k * 8 + gx * 2 + sx, py = y + gy * 2 + sy
                            for (ox, oy) in [(-1, 0), (1, 0), (0, -1), (0, 1)] { plot(&image, px + ox, py + oy, (0, 0, 0)) }
                        }
                    }
                }
            }
            for (gy, row) in glyph.enumerated() {
                for (gx, bit) in row.enumerated() where bit == "1" {
                    for sy in 0..<2 { for sx in 0..<2 { plot(&image, x + k * 8 + gx * 2 + sx, y + gy * 2 + sy, color) } }
                }
            }
        }
    }
}
