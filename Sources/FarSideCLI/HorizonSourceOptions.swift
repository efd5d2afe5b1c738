import ArgumentParser
import Foundation
import GeoRaster
import Horizon
import Visibility

/// Where `illumination` and `relay` get horizons: a `farside horizon` file, or computed here (in memory,
/// or through a temporary Int16 file beside the outputs when larger than --memory-mb).
struct HorizonSourceOptions: ParsableArguments {
    @Option(name: .customLong("height-m"), parsing: .unconditional, help: "Observer (antenna) height above the ground, metres (used when horizons are computed here).")
    var heightM: Double = 0

    @Option(help: "Horizon GeoTIFF from `farside horizon` (same grid as the DEM).")
    var horizon: String?

    @Option(help: "Number of horizon azimuths when horizons are computed here.")
    var azimuths: Int = 360

    @Option(name: .customLong("far-field"), help: "A coarser DEM covering a larger area (far-field horizons).")
    var farField: String?

    @Option(name: .customLong("far-field-margin-km"), help: "How far beyond the DEM's edges the far field reaches, km.")
    var farFieldMarginKm: Double = 300

    @Option(name: .customLong("memory-mb"), help: "Horizons larger than this (cells x azimuths x 2 bytes) go through a temporary file instead of memory.")
    var memoryMB: Int = 1024

    func validate() throws {
        guard (4...7200).contains(azimuths) else { throw ValidationError("--azimuths \(azimuths): must be 4 ... 7200") }
        guard heightM.isFinite, heightM >= 0, heightM < 10_000 else { throw ValidationError("--height-m \(heightM): must be 0 ... 10000") }
        guard farFieldMarginKm > 0, farFieldMarginKm <= 3000 else { throw ValidationError("--far-field-margin-km: must be > 0 and <= 3000") }
        guard memoryMB >= 0 else { throw ValidationError("--memory-mb: must be >= 0") }
    }

    /// Horizons ready for an engine, the DEM they belong to, and the observer height they assume.
    struct Acquired {
        let dem: Grid
        let profiles: any HorizonProfiles
        let observerHeight: Double
        let temporaryFile: String?

        /// Removes the temporary horizon file, if one was made.
        func cleanUp() { if let temporaryFile { try? FileManager.default.removeItem(atPath: temporaryFile) } }
    }

    func acquire(_ dataset: RasterDataset, input: InputOptions, output: String, threads: Int, progress: TerminalProgress) throws -> Acquired {
        if let horizon {
            let file = try HorizonFile(path: horizon, matching: dataset)
            return Acquired(dem: try dataset.readAll(), profiles: file, observerHeight: file.observerHeight, temporaryFile: nil)
        }
        let inputs = try HorizonInputs.load(dataset, input: input, farFieldPath: farField, marginKm: farFieldMarginKm)
        let cubeBytes = Double(inputs.dem.width * inputs.dem.height) * Double(azimuths) * 2
        if cubeBytes <= Double(memoryMB) * 1_048_576 {
            let options = HorizonOptions(azimuthCount: azimuths, observerHeight: heightM, radius: dataset.radius, threads: threads)
            let cube = HorizonMap.cube(inputs.dem, dx: inputs.dx, dy: inputs.dy, options: options, farField: inputs.farField, storage: .int16CentiDegrees)
            return Acquired(dem: inputs.dem, profiles: cube, observerHeight: heightM, temporaryFile: nil)
        }
        // Too large for the memory budget: stream the horizons to a temporary Int16 file beside the
        // outputs and read them back block by block.
        try makeOutputDirectory(output)
        let path = URL(fileURLWithPath: output).appendingPathComponent(".horizon-\(getpid()).tif").path
        var options = RasterWriteOptions(compression: .none, threads: threads)
        options.sampleType = .int16(scale: 0.01)
        do {
            try inputs.writeHorizonFile(to: path, like: dataset, azimuths: azimuths, observerHeight: heightM,
                                        threads: threads, options: options, progress: progress, share: 0.3)
            return Acquired(dem: inputs.dem, profiles: try HorizonFile(path: path, matching: dataset), observerHeight: heightM, temporaryFile: path)
        } catch {
            try? FileManager.default.removeItem(atPath: path)
            throw error
        }
    }
}

/// Writes every map to a temporary file first; none is renamed into place unless all were written.
func writeMaps(_ outputs: [(name: String, grid: Grid, description: String, unit: String)], directory: String,
               like dataset: RasterDataset, options: RasterWriteOptions) throws {
    try makeOutputDirectory(directory)
    var writers: [RasterWriter] = []
    do {
        for o in outputs {
            let w = try RasterWriter(path: URL(fileURLWithPath: directory).appendingPathComponent("\(o.name).tif").path,
                                     geometry: RasterGeometry(of: dataset), bands: [BandSpec(description: o.description, unit: o.unit)],
                                     nodata: -9999, options: options)
            writers.append(w)
            try w.write(o.grid, row: 0)
        }
        for w in writers { try w.commit() }
    } catch {
        writers.forEach { $0.abort() }
        throw error
    }
}
