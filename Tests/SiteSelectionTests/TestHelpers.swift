import FarSideCore
@testable import SiteSelection

/// Deterministic test data.
struct TestRNG {
    var g: SplitMix64
    init(_ seed: UInt64) { g = SplitMix64(seed: seed) }
    mutating func unit() -> Float { Float(g.next() >> 40) / Float(1 << 24) }
    mutating func int(_ n: Int) -> Int { Int(g.next() % UInt64(n)) }
}

func randomGrid(_ w: Int, _ h: Int, seed: UInt64, scale: Float = 1, nanEvery: Int = 0) -> Grid {
    var rng = TestRNG(seed)
    var v = [Float](repeating: 0, count: w * h)
    for i in v.indices {
        v[i] = rng.unit() * scale
        if nanEvery > 0 && rng.int(nanEvery) == 0 { v[i] = .nan }
    }
    return Grid(width: w, height: h, values: v)
}

/// A 1/0 mask with `pSafe` ones, NaN at about 1 cell in `nanEvery`.
func randomMask(_ w: Int, _ h: Int, seed: UInt64, pSafe: Float, nanEvery: Int = 0) -> Grid {
    var rng = TestRNG(seed)
    var v = [Float](repeating: 0, count: w * h)
    for i in v.indices {
        v[i] = rng.unit() < pSafe ? 1 : 0
        if nanEvery > 0 && rng.int(nanEvery) == 0 { v[i] = .nan }
    }
    return Grid(width: w, height: h, values: v)
}
