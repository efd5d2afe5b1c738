import Benchmark
import Foundation
import GeoRaster
import Horizon
import Terrain

/// Horizon sweep throughput on the rough 100 m `south-pole` synthetic terrain. One benchmark iteration
/// sweeps one azimuth of a 1024 x 1024 DEM (1,048,576 cell-directions), cycling through 16 azimuths
/// (row- and column-primary, axis and oblique), so "throughput (# / s)" times 1.05 M is cell-directions
/// per second. The windowed variant keeps only a centred 512 x 512 output window (a tile's core inside its
/// margin): the margin's cells are terrain only.
let benchmarks: @Sendable () -> Void = {
    let size = 1024
    let dem = try! TerrainSynthesizer(preset: .southPole, size: size).generate().grid
    let cores = max(1, ProcessInfo.processInfo.activeProcessorCount)

    func sweep(threads: Int, window: RasterWindow? = nil) {
        let name = window.map { "horizon sweep 1024^2, \($0.width)^2 window" } ?? "horizon sweep 1024^2"
        Benchmark("\(name), one azimuth, \(threads) thread\(threads == 1 ? "" : "s")",
                  configuration: .init(metrics: [.wallClock, .throughput, .cpuTotal], scalingFactor: .one,
                                       maxDuration: .seconds(5), maxIterations: 200)) { benchmark in
            var sweeper = HorizonSweeper(dem: dem, dx: 100, dy: 100, threads: threads)
            var band = [Float](repeating: 0, count: window?.cellCount ?? size * size)
            var k = 0
            benchmark.startMeasurement()
            for _ in benchmark.scaledIterations {
                sweeper.horizon(azimuthDegrees: Double(k % 16) * 22.5 + 3, window: window, into: &band)
                k += 1
            }
            benchmark.stopMeasurement()
            blackHole(band[band.count / 2])
        }
    }

    sweep(threads: 1)
    sweep(threads: cores)
    sweep(threads: 1, window: RasterWindow(column: 256, row: 256, width: 512, height: 512))
}
