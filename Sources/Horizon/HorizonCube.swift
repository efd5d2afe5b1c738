import FarSideCore

/// All horizon bands of a grid: `azimuthCount` bands of `width * height` cells, band-major
/// ([azimuth][cell]), in degrees. Band k is grid azimuth k * 360 / A degrees clockwise from up.
///
/// Storage is Float32 (4 bytes a value) or Int16 centi-degrees (2 bytes, 0.005 degree rounding;
/// nodata stored as `Int16.min`). 2048 x 2048 x 360 is 6 GB in Float32 and 3 GB in Int16: prefer
/// `HorizonMap.forEachAzimuth` where the consumer can work band by band.
public struct HorizonCube: Sendable, Equatable {
    public enum Storage: Sendable, Equatable { case float32, int16CentiDegrees }

    public let width: Int
    public let height: Int
    public let azimuthCount: Int
    public let storage: Storage
    @usableFromInline var f32: [Float]
    @usableFromInline var i16: [Int16]

    public var cellCount: Int { width * height }

    public init(width: Int, height: Int, azimuthCount: Int, storage: Storage = .float32) {
        precondition(width >= 0 && height >= 0 && azimuthCount >= 1)
        self.width = width
        self.height = height
        self.azimuthCount = azimuthCount
        self.storage = storage
        let n = width * height * azimuthCount
        f32 = storage == .float32 ? [Float](repeating: .nan, count: n) : []
        i16 = storage == .int16CentiDegrees ? [Int16](repeating: .min, count: n) : []
    }

    /// Grid azimuth of band `k` in degrees.
    public func azimuth(band k: Int) -> Double { HorizonMap.azimuth(band: k, count: azimuthCount) }

    /// Stores band `k` (degrees, one per cell).
    public mutating func setBand(_ k: Int, _ values: [Float]) {
        precondition(values.count == cellCount && k >= 0 && k < azimuthCount)
        let o = k * cellCount
        switch storage {
        case .float32:
            f32.withUnsafeMutableBufferPointer { p in
                for i in 0..<values.count { p[o + i] = values[i] }
            }
        case .int16CentiDegrees:
            i16.withUnsafeMutableBufferPointer { p in
                for i in 0..<values.count { p[o + i] = Self.encode(values[i]) }
            }
        }
    }

    /// Band `k` in degrees.
    public func band(_ k: Int) -> [Float] {
        let o = k * cellCount
        switch storage {
        case .float32: return Array(f32[o..<(o + cellCount)])
        case .int16CentiDegrees: return i16[o..<(o + cellCount)].map(Self.decode)
        }
    }

    @inlinable @inline(__always)
    static func encode(_ v: Float) -> Int16 {
        // The writer's encoder: the same codes in memory and on disk (NaN stays nodata: min/max would turn it into 90).
        v.isNaN ? Int16Codes.nodata : Int16Codes.encode(Swift.max(-90, Swift.min(90, v)), inverseScale: 100)
    }

    @inlinable @inline(__always)
    static func decode(_ v: Int16) -> Float { Int16Codes.decode(v, scale: 0.01) }

    /// Stored horizon elevation (degrees) of `cell` in band `k`.
    @inlinable
    public func elevation(band k: Int, cell: Int) -> Float {
        let i = k * cellCount + cell
        return storage == .float32 ? f32[i] : Self.decode(i16[i])
    }

    /// Band position of an azimuth: bands k0 and k1 = k0 + 1 (wrapping) and the weight of k1.
    @inlinable @inline(__always)
    func bandPosition(_ azimuthDegrees: Double) -> (Int, Int, Float) {
        var pos = azimuthDegrees / 360 * Double(azimuthCount)
        pos -= (pos / Double(azimuthCount)).rounded(.down) * Double(azimuthCount)
        var k0 = Int(pos.rounded(.down))
        var w = Float(pos - Double(k0))
        if k0 >= azimuthCount { k0 = 0; w = 0 }
        return (k0, k0 + 1 == azimuthCount ? 0 : k0 + 1, w)
    }

    /// Horizon elevation (degrees) of `cell` toward any grid azimuth, interpolated linearly between the
    /// two neighbouring bands (wrapping at 360).
    @inlinable
    public func elevation(cell: Int, azimuthDegrees: Double) -> Float {
        let (k0, k1, w) = bandPosition(azimuthDegrees)
        let a = elevation(band: k0, cell: cell), b = elevation(band: k1, cell: cell)
        return a + w * (b - a)
    }

    /// Eight consecutive cells `start ..< start + 8`, each toward its own grid azimuth (degrees).
    @inlinable
    public func elevations(cells start: Int, azimuthsDegrees az: SIMD8<Float>) -> SIMD8<Float> {
        precondition(start >= 0 && start + 8 <= cellCount)
        let a = Float(azimuthCount)
        var pos = az * (a / 360)
        pos = pos - (pos / a).rounded(.down) * a
        let fl = pos.rounded(.down)
        let w = pos - fl
        var k0 = SIMD8<Int32>(truncatingIfNeeded: SIMD8<Int32>(fl))
        k0 = k0 & SIMD8<Int32>(repeating: Int32.max)   // guard -0
        var lo = SIMD8<Float>(), hi = SIMD8<Float>()
        let n = cellCount
        for l in 0..<8 {
            var k = Int(k0[l])
            if k >= azimuthCount { k = 0 }
            let k1 = k + 1 == azimuthCount ? 0 : k + 1
            let c = start + l
            if storage == .float32 {
                lo[l] = f32[k * n + c]; hi[l] = f32[k1 * n + c]
            } else {
                lo[l] = Self.decode(i16[k * n + c]); hi[l] = Self.decode(i16[k1 * n + c])
            }
        }
        return lo + w * (hi - lo)
    }

    /// Elevations of all cells toward one grid azimuth (degrees), interpolated between bands.
    public func elevations(azimuthDegrees: Double) -> [Float] {
        let (k0, k1, w) = bandPosition(azimuthDegrees)
        let n = cellCount
        var out = [Float](repeating: 0, count: n)
        out.withUnsafeMutableBufferPointer { o in
            switch storage {
            case .float32:
                f32.withUnsafeBufferPointer { p in
                    let a = p.baseAddress! + k0 * n, b = p.baseAddress! + k1 * n
                    var i = 0
                    let vw = SIMD8<Float>(repeating: w)
                    while i + 8 <= n {
                        let va = UnsafeRawPointer(a + i).loadUnaligned(as: SIMD8<Float>.self)
                        let vb = UnsafeRawPointer(b + i).loadUnaligned(as: SIMD8<Float>.self)
                        UnsafeMutableRawPointer(o.baseAddress! + i).storeBytes(of: va + vw * (vb - va), as: SIMD8<Float>.self)
                        i += 8
                    }
                    while i < n { o[i] = a[i] + w * (b[i] - a[i]); i += 1 }
                }
            case .int16CentiDegrees:
                for i in 0..<n {
                    let a = Self.decode(i16[k0 * n + i]), b = Self.decode(i16[k1 * n + i])
                    o[i] = a + w * (b - a)
                }
            }
        }
        return out
    }
}
