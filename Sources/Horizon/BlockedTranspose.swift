import FarSideCore

/// Blocked transpose: `destination[c * pitch + r] = source[r * width + c]` (pitch defaults to `height`),
/// in 32 x 32 tiles (both sides stay in cache) of 8 x 8 blocks transposed in registers (`transpose8x8`),
/// tile rows spread over `threads` workers. Edge rows and columns that do not fill a block are copied
/// one by one.
func transpose(_ source: UnsafePointer<Float>, width: Int, height: Int, into destination: UnsafeMutablePointer<Float>,
               pitch: Int? = nil, threads: Int) {
    let pitch = pitch ?? height
    typealias V = SIMD8<Float>
    let tile = 32
    let tileRows = (height + tile - 1) / tile
    let out = SharedPointer(destination)
    let work = { (tr: Int) in
        let r0 = tr * tile, r1 = min(height, r0 + tile)
        var c0 = 0
        while c0 < width {
            let c1 = min(width, c0 + tile)
            var r = r0
            while r + 8 <= r1 {
                var c = c0
                while c + 8 <= c1 {
                    @inline(__always) func row(_ i: Int) -> V { UnsafeRawPointer(source + (r + i) * width + c).loadUnaligned(as: V.self) }
                    var b = (row(0), row(1), row(2), row(3), row(4), row(5), row(6), row(7))
                    transpose8x8(&b)
                    @inline(__always) func put(_ j: Int, _ v: V) { UnsafeMutableRawPointer(out.base + (c + j) * pitch + r).storeBytes(of: v, as: V.self) }
                    put(0, b.0); put(1, b.1); put(2, b.2); put(3, b.3); put(4, b.4); put(5, b.5); put(6, b.6); put(7, b.7)
                    c += 8
                }
                for cc in c..<c1 { for i in r..<(r + 8) { out.base[cc * pitch + i] = source[i * width + cc] } }
                r += 8
            }
            for c in c0..<c1 { for i in r..<r1 { out.base[c * pitch + i] = source[i * width + c] } }
            c0 = c1
        }
    }
    ParallelChunks.forEach(count: tileRows, chunks: threads <= 1 ? 1 : threads * ParallelChunks.chunksPerThread) { rows in
        for tr in rows { work(tr) }
    }
}

/// Transpose of an 8 x 8 block of eight row vectors, in place: three rounds of de-interleaving the 64
/// values as one row-major array (all even positions, then all odd), each of which rotates the six
/// index bits (row, column) right by one; three rotations swap row and column.
@inline(__always)
func transpose8x8(_ a: inout (SIMD8<Float>, SIMD8<Float>, SIMD8<Float>, SIMD8<Float>, SIMD8<Float>, SIMD8<Float>, SIMD8<Float>, SIMD8<Float>)) {
    for _ in 0..<3 {
        a = (SIMD8(lowHalf: a.0.evenHalf, highHalf: a.1.evenHalf), SIMD8(lowHalf: a.2.evenHalf, highHalf: a.3.evenHalf),
             SIMD8(lowHalf: a.4.evenHalf, highHalf: a.5.evenHalf), SIMD8(lowHalf: a.6.evenHalf, highHalf: a.7.evenHalf),
             SIMD8(lowHalf: a.0.oddHalf, highHalf: a.1.oddHalf), SIMD8(lowHalf: a.2.oddHalf, highHalf: a.3.oddHalf),
             SIMD8(lowHalf: a.4.oddHalf, highHalf: a.5.oddHalf), SIMD8(lowHalf: a.6.oddHalf, highHalf: a.7.oddHalf))
    }
}
