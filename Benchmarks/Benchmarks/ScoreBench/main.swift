import Foundation
import GeoRaster
import SiteSelection

// scorebench: speed of the SiteSelection kernels, and the Swift side of Scripts/compare-numpy-scorer.py.
//   scorebench synth [N] [threads]             score 6 random N x N layers in memory, print cells/s
//   scorebench files DIR N threads [repeats]   read DIR/layer{0..5}.f32 (raw float32, N x N), score with
//                                              the standard 6-criterion set, write DIR/score.f32 and
//                                              DIR/feasible.f32; prints kernel_seconds (best of repeats)
//   scorebench ellipse [N] [threads]           landing-ellipse safe fractions on N x N, 100 m cells,
//                                              2.5 x 1.25 km ellipse at azimuth 30 deg

/// The benchmark's criteria (the same formula is in Scripts/compare-numpy-scorer.py).
let benchCriteria: [Criterion] = [
    Criterion(layer: 0, max: 8, membership: .linear(from: 8, to: 0), weight: 3),          // slope deg
    Criterion(layer: 1, max: 1.5, membership: .linear(from: 1.5, to: 0.1), weight: 2),    // roughness m
    Criterion(layer: 2, min: 0.2, membership: .linear(from: 0.2, to: 0.9), weight: 2),    // sun fraction
    Criterion(layer: 3, membership: .threshold(at: 0.5, above: true), weight: 1),          // earth fraction
    Criterion(layer: 4, membership: .linear(from: 0.3, to: 1.0), weight: 1.5),             // relay fraction
    Criterion(layer: 5, max: 5000, membership: .linear(from: 5000, to: 500), weight: 1),   // distance to ice m
]

func now() -> Double { Double(DispatchTime.now().uptimeNanoseconds) * 1e-9 }

func randomLayers(_ n: Int, seed: UInt64) -> [[Float]] {
    var s = seed
    func next() -> Float {
        s &+= 0x9E37_79B9_7F4A_7C15
        var z = s
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return Float((z ^ (z >> 31)) >> 40) / Float(1 << 24)
    }
    let scales: [Float] = [12, 2, 1, 1, 1, 8000]
    return (0..<6).map { k in
        (0..<(n * n)).map { i in (i % 9973 == 0) ? .nan : next() * scales[k] }
    }
}

func timeScore(_ layers: [[Float]], n: Int, threads: Int, repeats: Int,
               score: UnsafeMutablePointer<Float>, feasible: UnsafeMutablePointer<Float>) -> Double {
    var best = Double.infinity
    let ptrs = layers.map { UnsafePointer<Float>($0.withUnsafeBufferPointer { $0.baseAddress! }) }
    // Arrays stay alive in `layers`; their storage does not move while unmodified.
    for _ in 0..<repeats {
        let t0 = now()
        Scorer.score(layers: ptrs, width: n, height: n, criteria: benchCriteria, score: score, feasible: feasible, threads: threads)
        best = min(best, now() - t0)
    }
    return best
}

let args = CommandLine.arguments
let mode = args.count > 1 ? args[1] : "synth"
switch mode {
case "synth":
    let n = args.count > 2 ? Int(args[2])! : 4096
    let threadList = args.count > 3 ? [Int(args[3])!] : [1, 2]
    let layers = randomLayers(n, seed: 42)
    let score = UnsafeMutablePointer<Float>.allocate(capacity: n * n)
    let feasible = UnsafeMutablePointer<Float>.allocate(capacity: n * n)
    score.initialize(repeating: 0, count: n * n); feasible.initialize(repeating: 0, count: n * n)
    for t in threadList {
        let s = timeScore(layers, n: n, threads: t, repeats: 7, score: score, feasible: feasible)
        let cps = Double(n * n) / s
        print(String(format: "scorer 6 layers %dx%d threads %d: %.4f s  %.1f Mcells/s  (%.1f Mcells/s per core)",
                     n, n, t, s, cps / 1e6, cps / 1e6 / Double(t)))
        let grids = layers.map { Grid(width: n, height: n, values: $0) }
        var best = Double.infinity
        for _ in 0..<3 {
            let t0 = now()
            let r = Scorer.score(layers: grids, criteria: benchCriteria, threads: t)
            best = min(best, now() - t0)
            precondition(r.score.width == n)
        }
        print(String(format: "  Grid API (allocating outputs) threads %d: %.4f s  %.1f Mcells/s", t, best, Double(n * n) / best / 1e6))
    }
case "files":
    let dir = args[2], n = Int(args[3])!, threads = Int(args[4])!
    let repeats = args.count > 5 ? Int(args[5])! : 3
    let layers: [[Float]] = (0..<6).map { k in
        let d = FileManager.default.contents(atPath: "\(dir)/layer\(k).f32")!
        precondition(d.count == n * n * 4, "layer\(k).f32 has \(d.count) bytes, expected \(n * n * 4)")
        return d.withUnsafeBytes { Array($0.bindMemory(to: Float.self)) }
    }
    var score = [Float](repeating: 0, count: n * n), feasible = [Float](repeating: 0, count: n * n)
    let s = score.withUnsafeMutableBufferPointer { sp in
        feasible.withUnsafeMutableBufferPointer { fp in
            timeScore(layers, n: n, threads: threads, repeats: repeats, score: sp.baseAddress!, feasible: fp.baseAddress!)
        }
    }
    print(String(format: "kernel_seconds %.6f", s))
    print(String(format: "cells_per_second %.1f", Double(n * n) / s))
    score.withUnsafeBytes { try! Data($0).write(to: URL(fileURLWithPath: "\(dir)/score.f32")) }
    feasible.withUnsafeBytes { try! Data($0).write(to: URL(fileURLWithPath: "\(dir)/feasible.f32")) }
case "ellipse":
    let n = args.count > 2 ? Int(args[2])! : 2048
    let threadList = args.count > 3 ? [Int(args[3])!] : [1, 2]
    var s: UInt64 = 7
    let safe = Grid(width: n, height: n, values: (0..<(n * n)).map { _ in
        s = s &* 6364136223846793005 &+ 1442695040888963407
        return (s >> 60) < 13 ? 1 : 0
    })
    let metrics = CellMetrics.uniform(rows: n, dx: 100, dy: 100)
    let e = LandingEllipse(semiMajor: 2500, semiMinor: 1250, azimuthDegrees: 30)
    for t in threadList {
        var best = Double.infinity
        for _ in 0..<5 {
            let t0 = now()
            let f = LandingEllipse.safeFraction(safe: safe, metrics: metrics, ellipse: e, threads: t)
            best = min(best, now() - t0)
            precondition(f.width == n)
        }
        print(String(format: "ellipse 2.5x1.25 km @100 m, %dx%d, threads %d: %.4f s  %.1f Mcells/s",
                     n, n, t, best, Double(n * n) / best / 1e6))
    }
case "dt", "rank":
    let n = args.count > 2 ? Int(args[2])! : 2048
    let t = args.count > 3 ? Int(args[3])! : 1
    let layers = randomLayers(n, seed: 3).map { Grid(width: n, height: n, values: $0) }
    let metrics = CellMetrics.uniform(rows: n, dx: 100, dy: 100)
    if mode == "dt" {
        let mask = Grid(width: n, height: n, values: layers[0].values.map { $0 > 11.99 ? 1 : 0 })
        let t0 = now()
        let d = DistanceTransform.distance(to: mask, metrics: metrics, threads: t)
        print(String(format: "distance transform %dx%d threads %d: %.4f s (max %.0f m)", n, n, t, now() - t0, d.values.max()!))
    } else {
        let r = Scorer.score(layers: layers, criteria: benchCriteria, threads: t)
        let t0 = now()
        let sites = Ranking.top(50, score: r.score, feasible: r.feasible, metrics: metrics, minSeparation: 5000)
        print(String(format: "ranking top 50, 5 km, %dx%d: %.4f s (%d sites, best %.4f)", n, n, now() - t0, sites.count, sites.first?.score ?? .nan))
        let t1 = now()
        let sens = Sensitivity.analyse(layers: layers, criteria: benchCriteria, metrics: metrics, count: 20, minSeparation: 5000, runs: 20, threads: t)
        for st in sens.stability.prefix(3) {
            print("  site \(st.site.rank) (\(st.site.row), \(st.site.column)): in top 20 \(st.topKFraction), mean rank \(st.meanRank)")
        }
        print(String(format: "sensitivity 20 runs top 20: %.3f s; site 1 stays %.2f, mean rank %.2f", now() - t1,
                     sens.stability[0].topKFraction, sens.stability[0].meanRank))
    }
default:
    print("usage: scorebench synth|files|ellipse ...")
    exit(2)
}
