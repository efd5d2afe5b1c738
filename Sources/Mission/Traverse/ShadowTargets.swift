import Foundation

/// Where a rover reaches ice: the permanently shadowed cells it may enter, or, for a rover kept out of
/// permanent shadow, its passable cells beside one (the 8 neighbours): `station`'s ice element and
/// `traverse --to-psr`.
enum ShadowTargets {
    static func cells(psr: [Bool], passable: [Bool], width: Int, height: Int, enterPSR: Bool) -> [Bool] {
        precondition(psr.count == width * height && passable.count == width * height)
        guard !enterPSR else { return zip(psr, passable).map { $0 && $1 } }
        var ice = [Bool](repeating: false, count: width * height)
        for i in ice.indices where passable[i] {
            let r = i / width, c = i % width
            outer: for dr in -1...1 {
                for dc in -1...1 where (0..<height).contains(r + dr) && (0..<width).contains(c + dc) && psr[(r + dr) * width + c + dc] {
                    ice[i] = true
                    break outer
                }
            }
        }
        return ice
    }

    /// The target cell with the least value (cost or arrival), nil when none is finite.
    static func nearest(_ targets: [Bool], by value: (Int) -> Double) -> Int? {
        var best: Int?, least = Double.infinity
        for i in targets.indices where targets[i] {
            let v = value(i)
            if v < least { least = v; best = i }
        }
        return best
    }
}
