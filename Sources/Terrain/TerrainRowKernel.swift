import GeoRaster
/// Per-row terrain kernel: slope, aspect and roughness for one output row from the rows above, at and
/// below it. Interior columns run 8 lanes at a time (`SIMD8<Float>`); the two edge columns, and any
/// 8-cell chunk touching nodata, take the scalar path with the edge rule of `Window3x3`.
///
/// Horn's stencil sums are formed in Float32 in gdaldem's order ((a + d) + d) + g, so interior values
/// agree with gdaldem to the rounding of the final arctangent.
@usableFromInline
struct TerrainRowKernel {
    /// Gradient scale factors: dz/dx(east) = xScale x (right - left sum), dz/dy(north) = yScale x (up - down sum).
    @usableFromInline let xScale: Float
    @usableFromInline let yScale: Float
    @usableFromInline let algorithm: SlopeAlgorithm

    @usableFromInline static let degrees: Float = 180 / .pi

    /// `dx`, `dy`: cell sizes in metres of this row; `xSign`/`ySign`: -1 when columns run west or rows run north.
    @inlinable
    init(algorithm: SlopeAlgorithm, dx: Double, dy: Double, xSign: Double = 1, ySign: Double = 1) {
        let weight: Double = algorithm == .horn ? 8 : 2
        self.algorithm = algorithm
        xScale = Float(xSign / (weight * dx))
        yScale = Float(ySign / (weight * dy))
    }

    /// Writes the requested products for `width` cells; outputs left nil are skipped. `clean` says the
    /// three rows hold no NaN, so the per-chunk nodata check can be skipped.
    @inlinable
    func run(up: UnsafePointer<Float>, mid: UnsafePointer<Float>, down: UnsafePointer<Float>, width: Int, clean: Bool = false,
             slope: UnsafeMutablePointer<Float>?, aspect: UnsafeMutablePointer<Float>?, roughness: UnsafeMutablePointer<Float>?) {
        guard width > 0 else { return }
        scalar(column: 0, up: up, mid: mid, down: down, width: width, slope: slope, aspect: aspect, roughness: roughness)
        var x = 1
        while x + 8 <= width - 1 {
            if !vector(column: x, up: up, mid: mid, down: down, clean: clean, slope: slope, aspect: aspect, roughness: roughness) {
                for c in x..<(x + 8) {
                    scalar(column: c, up: up, mid: mid, down: down, width: width, slope: slope, aspect: aspect, roughness: roughness)
                }
            }
            x += 8
        }
        while x < width {
            scalar(column: x, up: up, mid: mid, down: down, width: width, slope: slope, aspect: aspect, roughness: roughness)
            x += 1
        }
    }

    /// Eight interior cells starting at `x`; false (nothing written) when any input is NaN.
    @inlinable @inline(__always)
    func vector(column x: Int, up: UnsafePointer<Float>, mid: UnsafePointer<Float>, down: UnsafePointer<Float>, clean: Bool,
                slope: UnsafeMutablePointer<Float>?, aspect: UnsafeMutablePointer<Float>?, roughness: UnsafeMutablePointer<Float>?) -> Bool {
        typealias V = SIMD8<Float>
        @inline(__always) func load(_ p: UnsafePointer<Float>, _ i: Int) -> V { UnsafeRawPointer(p + i).loadUnaligned(as: V.self) }
        let a = load(up, x - 1), b = load(up, x), c = load(up, x + 1)
        let d = load(mid, x - 1), e = load(mid, x), f = load(mid, x + 1)
        let g = load(down, x - 1), h = load(down, x), i = load(down, x + 1)
        if !clean && (((a + b) + (c + d)) + ((e + f) + (g + h)) + i).sum().isNaN { return false }
        let gx: V, gy: V
        switch algorithm {
        case .horn:
            let left = a + d + d + g
            let right = c + f + f + i
            let upSum = a + b + b + c
            let downSum = g + h + h + i
            gx = (right - left) * xScale
            gy = (upSum - downSum) * yScale
        case .zevenbergenThorne:
            gx = (f - d) * xScale
            gy = (b - h) * yScale
        }
        if let slope {
            let s = VectorMath.atanNonNegative((gx * gx + gy * gy).squareRoot()) * Self.degrees
            UnsafeMutableRawPointer(slope + x).storeBytes(of: s, as: V.self)
        }
        if let aspect {
            // Azimuth of the downslope vector (east = -gx, north = -gy); NaN where flat.
            let az = VectorMath.atan2(-gx, -gy) * Self.degrees
            let wrapped = VectorMath.selectNegative(az, az + 360, az)
            let full = V(repeating: 360)
            // 360 after rounding becomes 0; NaN (flat) lanes stay NaN through the final addition.
            let clamped = VectorMath.selectNegative(wrapped - full, wrapped, .zero) + (az - az)
            UnsafeMutableRawPointer(aspect + x).storeBytes(of: clamped, as: V.self)
        }
        if let roughness {
            typealias M = VectorMath
            let hi = M.max(M.max(M.max(a, b), M.max(c, d)), M.max(M.max(e, f), M.max(M.max(g, h), i)))
            let lo = M.min(M.min(M.min(a, b), M.min(c, d)), M.min(M.min(e, f), M.min(M.min(g, h), i)))
            UnsafeMutableRawPointer(roughness + x).storeBytes(of: hi - lo, as: V.self)
        }
        return true
    }

    /// One cell with the edge/nodata rule.
    @inlinable
    func scalar(column: Int, up: UnsafePointer<Float>, mid: UnsafePointer<Float>, down: UnsafePointer<Float>, width: Int,
                slope: UnsafeMutablePointer<Float>?, aspect: UnsafeMutablePointer<Float>?, roughness: UnsafeMutablePointer<Float>?) {
        var window = Window3x3(up: up, mid: mid, down: down, column: column, width: width)
        roughness?[column] = window.range
        guard !window.centre.isNaN else {
            slope?[column] = .nan
            aspect?[column] = .nan
            return
        }
        window.fillMissing()
        let diff = window.differences(algorithm)
        let gx = diff.dx * xScale, gy = diff.dy * yScale
        slope?[column] = VectorMath.atanNonNegative(SIMD8(repeating: (gx * gx + gy * gy).squareRoot()))[0] * Self.degrees
        if let aspect {
            if gx == 0 && gy == 0 {
                aspect[column] = .nan
            } else {
                var az = VectorMath.atan2(SIMD8(repeating: -gx), SIMD8(repeating: -gy))[0] * Self.degrees
                if az < 0 { az += 360 }
                if az >= 360 { az = 0 }
                aspect[column] = az
            }
        }
    }
}
