import Benchmark
import Foundation
import GeoRaster
import Terrain

/// Terrain kernel throughput. One benchmark iteration processes 1,000,000 cells (a 1000 x 1000 block
/// with its halo), so "throughput (# / s)" reads directly as millions of cells per second.
let benchmarks: @Sendable () -> Void = {
    let width = 1000, rows = 1000
    var dem = Grid(width: width, height: rows + 2, repeating: 0)
    for r in 0..<dem.height {
        for c in 0..<width {
            let x = Float(c), y = Float(r)
            dem[r, c] = -5000 + 300 * (x / 97).sinApprox * (y / 53).sinApprox + 0.37 * x - 0.21 * y
        }
    }
    let metrics = CellMetrics.uniform(rows: rows, dx: 20, dy: 20)
    let frozen = dem
    let cores = max(1, Benchmark.hostInfoCoreCount)

    func kernel(_ name: String, _ products: Set<TerrainProduct>, threads: Int) {
        Benchmark("\(name), \(threads) thread\(threads == 1 ? "" : "s")",
                  configuration: .init(metrics: [.wallClock, .throughput, .cpuTotal], scalingFactor: .one,
                                       maxDuration: .seconds(3), maxIterations: 1000)) { benchmark in
            var buffers = TerrainBuffers(width: width, rows: rows, products: products)
            frozen.values.withUnsafeBufferPointer { input in
                benchmark.startMeasurement()
                for _ in benchmark.scaledIterations {
                    TerrainKernels.computeBlock(input.baseAddress!, width: width, rows: rows, metrics: metrics, into: &buffers, threads: threads)
                }
                benchmark.stopMeasurement()
            }
            blackHole(buffers.pointer(.slope)?.pointee)
        }
    }

    kernel("slope (Horn)", [.slope], threads: 1)
    kernel("slope (Horn)", [.slope], threads: cores)
    kernel("slope+aspect+roughness", [.slope, .aspect, .roughness], threads: 1)
    kernel("slope+aspect+roughness", [.slope, .aspect, .roughness], threads: cores)
}

extension Benchmark {
    static var hostInfoCoreCount: Int { ProcessInfo.processInfo.activeProcessorCount }
}

extension Float {
    /// A cheap smooth periodic function for building the benchmark terrain.
    var sinApprox: Float {
        let t = self - 6.2831855 * (self / 6.2831855).rounded(.down) - 3.1415927
        return -t * (3.1415927 - abs(t)) * 0.40528473
    }
}
