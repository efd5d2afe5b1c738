/// The one Float -> Int16 encoder of scaled rasters (horizon angles in 0.01 deg): code = round(v x
/// inverseScale), ties to even, clamped to +-32767, NaN -> -32768 (the nodata code). Used for in-memory
/// horizon cubes and for Int16 files alike, so a run gives the same codes whichever way its horizons go.
public enum Int16Codes {
    /// The nodata code.
    public static let nodata = Int16.min

    /// The code of one value.
    @inlinable @inline(__always)
    public static func encode(_ v: Float, inverseScale: Float) -> Int16 {
        v.isNaN ? nodata : Int16(Swift.max(-32767, Swift.min(32767, (v * inverseScale).rounded(.toNearestOrEven))))
    }

    /// The value of a code, as a raster reader gets it from the file (code x scale, GDAL's band scale with
    /// offset 0, in Float: `RasterDataset.readBand`), so values decoded in memory equal values read back.
    @inlinable @inline(__always)
    public static func decode(_ code: Int16, scale: Float) -> Float {
        code == nodata ? .nan : Float(code) * scale
    }

    /// Replaces the `count` Float32 values at `p` by their codes (as `encode`), packed front to back: code i
    /// (bytes 2i ..< 2i + 2) is written after value i (bytes 4i ..< 4i + 4) has been read. Raw loads and
    /// stores only.
    public static func pack(_ p: UnsafeMutableRawPointer, count: Int, inverseScale: Float) {
        typealias V = SIMD8<Float>
        let lo = V(repeating: -32767), hi = V(repeating: 32767), inv = V(repeating: inverseScale)
        // Adding 1.5 * 2^23 rounds a float of magnitude < 2^22 to an integer (to nearest, ties to even)
        // held in the low mantissa bits: bits(x + magic) - bits(magic) is that integer.
        let magic = V(repeating: 12_582_912), magicBits = SIMD8<Int32>(truncatingIfNeeded: SIMD8<UInt32>(repeating: Float(12_582_912).bitPattern))
        var i = 0
        while i + 8 <= count {
            let v = p.loadUnaligned(fromByteOffset: 4 * i, as: V.self)
            // NaN lanes (v != v) become -32768 after the clamp (which may or may not pass NaN through).
            let q = (v * inv).clamped(lowerBound: lo, upperBound: hi).replacing(with: -32768, where: v .!= v) + magic
            let ints = unsafeBitCast(q, to: SIMD8<Int32>.self) &- magicBits
            p.storeBytes(of: SIMD8<Int16>(truncatingIfNeeded: ints), toByteOffset: 2 * i, as: SIMD8<Int16>.self)
            i += 8
        }
        while i < count {
            let v = p.loadUnaligned(fromByteOffset: 4 * i, as: Float.self)
            p.storeBytes(of: encode(v, inverseScale: inverseScale), toByteOffset: 2 * i, as: Int16.self)
            i += 1
        }
    }
}
