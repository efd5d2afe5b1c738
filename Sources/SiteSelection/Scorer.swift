import FarSideCore

/// The fused multi-criteria scorer: one pass over K layers computing, for every cell, the feasibility mask
/// (all hard limits met) and the weighted linear combination of memberships
/// score = sum_k(w_k * m_k(x_k)) / sum_k(w_k)   (weighted linear combination, Malczewski 2006).
///
/// Nodata: a NaN in any layer a criterion uses makes the cell nodata: score NaN and feasible NaN.
/// +/-infinity is a value, not nodata (a distance of +inf to the nearest ice cell fails a `max` limit).
/// With all weights 0 the score is 0 on every valid cell.
///
/// The kernel works on 8-cell `SIMD8<Float>` chunks with sign-bit selects (see `Lanes`), in rows split
/// over threads; the last partial chunk goes through the same vector code in a padded buffer, so every cell
/// gets bit-identical arithmetic.
public enum Scorer {
    /// Scores grids of equal size. Returns `score` (0...1, NaN = nodata) and `feasible` (1 / 0, NaN = nodata).
    public static func score(layers: [Grid], criteria: [Criterion], threads: Int = 1) -> (score: Grid, feasible: Grid) {
        precondition(!layers.isEmpty, "no layers")
        let w = layers[0].width, h = layers[0].height
        for g in layers { precondition(g.width == w && g.height == h, "layers differ in size") }
        // Outputs are left uninitialised: the kernel writes every cell (first touch happens in the threads).
        var feasible: [Float] = []
        let score = [Float](unsafeUninitializedCapacity: w * h) { s, sCount in
            feasible = [Float](unsafeUninitializedCapacity: w * h) { f, fCount in
                if w * h > 0 {
                    withPointers(layers) { ptrs in
                        Scorer.score(layers: ptrs, width: w, height: h, criteria: criteria,
                                     score: s.baseAddress!, feasible: f.baseAddress!, threads: threads)
                    }
                }
                fCount = w * h
            }
            sCount = w * h
        }
        return (Grid(width: w, height: h, values: score), Grid(width: w, height: h, values: feasible))
    }

    /// Scores raw row-major layers of `width * height` cells into caller-owned buffers (no allocation;
    /// for benchmarks and block-wise pipelines).
    public static func score(layers: [UnsafePointer<Float>], width: Int, height: Int, criteria: [Criterion],
                             score: UnsafeMutablePointer<Float>, feasible: UnsafeMutablePointer<Float>,
                             threads: Int = 1) {
        for c in criteria {
            if let e = c.validationError(layerCount: layers.count) { preconditionFailure("criterion: \(e)") }
        }
        let plan = Plan(criteria)
        plan.terms.withUnsafeBufferPointer { terms in
            layers.withUnsafeBufferPointer { lp in
                Parallel.forEachRange(height, threads: threads) { rows in
                    let start = rows.lowerBound * width, end = rows.upperBound * width
                    kernel(terms, lp, from: start, to: end, invWeight: plan.invWeight, score: score, feasible: feasible)
                }
            }
        }
    }

    /// The per-criterion picture of one cell, for site reports.
    public struct Breakdown: Sendable, Equatable {
        public var value: Float
        public var membership: Float
        /// w_k * m_k / sum(w): the criterion's share of the score (the shares add up to the score).
        public var contribution: Float
        public var meetsLimits: Bool
    }

    /// Per-criterion values at one cell, and the binding criterion: the first criterion whose hard limit
    /// fails, or, when all pass, the weighted criterion that loses the most score (largest w_k (1 - m_k)).
    /// nil binding when the cell is nodata or every weighted membership is 1.
    public static func breakdown(layers: [Grid], criteria: [Criterion], row: Int, column: Int)
        -> (criteria: [Breakdown], binding: Int?) {
        let total = criteria.reduce(Float(0)) { $0 + $1.weight }
        let inv: Float = total > 0 ? 1 / total : 0
        var out: [Breakdown] = []
        var binding: Int?
        var worstLoss: Float = 0
        var anyNaN = false
        for c in criteria {
            let x = layers[c.layer][row, column]
            anyNaN = anyNaN || x.isNaN
            let m = c.membership.evaluate(x)
            let ok = c.meetsLimits(x)
            out.append(Breakdown(value: x, membership: m, contribution: c.weight * m * inv, meetsLimits: ok))
        }
        if anyNaN { return (out, nil) }
        if let k = out.firstIndex(where: { !$0.meetsLimits }) { return (out, k) }
        for (k, c) in criteria.enumerated() where c.weight > 0 {
            let loss = c.weight * (1 - out[k].membership)
            if loss > worstLoss { worstLoss = loss; binding = k }
        }
        return (out, binding)
    }

    // MARK: - kernel

    /// One criterion compiled for the kernel.
    struct Term {
        var layer: Int
        var kind: Int32        // 0 linear, 1 step at-or-above, 2 step at-or-below
        var p: Float           // linear: scale; step: threshold
        var q: Float           // linear: offset
        var weight: Float
        var hasMin: Bool, hasMax: Bool
        var minV: Float, maxV: Float
    }

    struct Plan {
        var terms: [Term] = []
        var invWeight: Float
        init(_ criteria: [Criterion]) {
            var total: Float = 0
            for c in criteria {
                var t = Term(layer: c.layer, kind: 0, p: 0, q: 0, weight: c.weight,
                             hasMin: c.min != nil, hasMax: c.max != nil, minV: c.min ?? 0, maxV: c.max ?? 0)
                switch c.membership {
                case let .linear(a, b):
                    let k = Lanes.linearCoefficients(from: a, to: b)
                    t.p = k.scale; t.q = k.offset
                case let .threshold(x, above):
                    t.kind = above ? 1 : 2; t.p = x
                }
                total += c.weight
                terms.append(t)
            }
            invWeight = total > 0 ? 1 / total : 0
        }
    }

    @inline(__always)
    static func chunk(_ terms: UnsafeBufferPointer<Term>, load: (Int) -> SIMD8<Float>, invWeight: Float)
        -> (score: SIMD8<Float>, feasible: SIMD8<Float>) {
        typealias V = SIMD8<Float>
        typealias B = SIMD8<Int32>
        var acc = V.zero
        var bad = B.zero       // sign bit set: a hard limit fails
        var nan = B.zero       // sign bit set: nodata
        for t in terms {
            let x = load(t.layer)
            nan |= Lanes.nanSign(x)
            if t.hasMin { bad |= Lanes.bits(x - V(repeating: t.minV)) }
            if t.hasMax { bad |= Lanes.bits(V(repeating: t.maxV) - x) }
            let m: V
            switch t.kind {
            case 0: m = Lanes.clamp01(V(repeating: t.q).addingProduct(x, V(repeating: t.p)))
            case 1: m = Lanes.selectNegative(x - V(repeating: t.p), V.zero, V(repeating: 1))
            default: m = Lanes.selectNegative(V(repeating: t.p) - x, V.zero, V(repeating: 1))
            }
            acc = acc.addingProduct(m, V(repeating: t.weight))
        }
        let nanMask = Lanes.signMask(nan)
        let quietNaN = B(repeating: 0x7FC0_0000)
        let s = Lanes.float((Lanes.bits(acc * V(repeating: invWeight)) & ~nanMask) | (quietNaN & nanMask))
        let ok = ~Lanes.signMask(bad) & Lanes.bits(V(repeating: 1))
        let f = Lanes.float((ok & ~nanMask) | (quietNaN & nanMask))
        return (s, f)
    }

    static func kernel(_ terms: UnsafeBufferPointer<Term>, _ layers: UnsafeBufferPointer<UnsafePointer<Float>>,
                       from start: Int, to end: Int, invWeight: Float,
                       score: UnsafeMutablePointer<Float>, feasible: UnsafeMutablePointer<Float>) {
        var i = start
        while i + 8 <= end {
            let r = chunk(terms, load: { UnsafeRawPointer(layers[$0] + i).loadUnaligned(as: SIMD8<Float>.self) },
                          invWeight: invWeight)
            UnsafeMutableRawPointer(score + i).storeBytes(of: r.score, as: SIMD8<Float>.self)
            UnsafeMutableRawPointer(feasible + i).storeBytes(of: r.feasible, as: SIMD8<Float>.self)
            i += 8
        }
        let n = end - i
        if n > 0 {
            let r = chunk(terms, load: { k in
                var v = SIMD8<Float>.zero
                for j in 0..<n { v[j] = layers[k][i + j] }
                return v
            }, invWeight: invWeight)
            for j in 0..<n { score[i + j] = r.score[j]; feasible[i + j] = r.feasible[j] }
        }
    }

    static func withPointers<R>(_ grids: [Grid], _ body: ([UnsafePointer<Float>]) -> R) -> R {
        var ptrs: [UnsafePointer<Float>] = []
        func rec(_ k: Int) -> R {
            if k == grids.count { return body(ptrs) }
            return grids[k].values.withUnsafeBufferPointer { b in
                ptrs.append(b.baseAddress!)
                return rec(k + 1)
            }
        }
        return rec(0)
    }
}
