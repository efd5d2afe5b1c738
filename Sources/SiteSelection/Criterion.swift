import FarSideCore
/// How a layer value maps to a 0...1 desirability (fuzzy membership, as in multi-criteria GIS
/// site suitability: Malczewski, "GIS-based multicriteria decision analysis: a survey of the literature",
/// IJGIS 20(7), 2006; weighted linear combination of standardised criteria).
public enum Membership: Sendable, Equatable, Hashable {
    /// A ramp: 0 at `from`, 1 at `to`, linear between, clamped outside. `from > to` means lower is better
    /// (for example slope: `linear(from: 8, to: 0)`). `from` and `to` must differ and be finite.
    case linear(from: Float, to: Float)
    /// A step: 1 where the value is at or above `at` (`above: true`) or at or below it (`above: false`), else 0.
    case threshold(at: Float, above: Bool)

    /// The membership of one value. NaN gives NaN; +/-infinity follows the ramp or step to its end.
    public func evaluate(_ x: Float) -> Float {
        if x.isNaN { return .nan }
        switch self {
        case let .linear(a, b):
            let p = Lanes.linearCoefficients(from: a, to: b)
            return Swift.min(Swift.max(p.offset.addingProduct(x, p.scale), 0), 1)   // fused, as in the kernel
        case let .threshold(t, above):
            return (above ? x >= t : x <= t) ? 1 : 0
        }
    }
}

extension VectorMath {
    /// m = clamp(x * scale + offset, 0, 1), the form the vector scorer evaluates (one FMA per cell).
    static func linearCoefficients(from a: Float, to b: Float) -> (scale: Float, offset: Float) {
        let scale = 1 / (b - a)
        return (scale, -a * scale)
    }
}

/// One criterion of a mission profile: a layer (by index into the layer list handed to the scorer), optional
/// hard limits, a membership function and a weight.
///
/// Hard limits are inclusive: a cell is feasible only when `min <= value <= max` for every criterion.
/// A weight of 0 makes a pure constraint (it still decides feasibility and nodata).
public struct Criterion: Sendable, Equatable, Hashable {
    public var layer: Int
    public var min: Float?
    public var max: Float?
    public var membership: Membership
    public var weight: Float

    public init(layer: Int, min: Float? = nil, max: Float? = nil, membership: Membership, weight: Float = 1) {
        self.layer = layer
        self.min = min
        self.max = max
        self.membership = membership
        self.weight = weight
    }

    /// A hard limit with no contribution to the score.
    public static func limit(layer: Int, min: Float? = nil, max: Float? = nil) -> Criterion {
        Criterion(layer: layer, min: min, max: max, membership: .threshold(at: 0, above: true), weight: 0)
    }

    /// Whether `x` meets the hard limits (false for NaN).
    public func meetsLimits(_ x: Float) -> Bool {
        if x.isNaN { return false }
        if let lo = min, x < lo { return false }
        if let hi = max, x > hi { return false }
        return true
    }

    /// Checks the criterion against a layer count; returns a message naming the fault, or nil.
    public func validationError(layerCount: Int) -> String? {
        if layer < 0 || layer >= layerCount { return "layer index \(layer) out of range 0..<\(layerCount)" }
        if !(weight >= 0) || !weight.isFinite { return "weight \(weight) must be finite and >= 0" }
        if let lo = min, !lo.isFinite { return "min \(lo) must be finite" }
        if let hi = max, !hi.isFinite { return "max \(hi) must be finite" }
        if let lo = min, let hi = max, lo > hi { return "min \(lo) > max \(hi)" }
        switch membership {
        case let .linear(a, b):
            if !a.isFinite || !b.isFinite || a == b { return "linear membership needs finite, distinct ends (\(a), \(b))" }
        case let .threshold(t, _):
            if !t.isFinite { return "threshold \(t) must be finite" }
        }
        return nil
    }
}
