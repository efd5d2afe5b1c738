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

    @Option(parsing: .unconditional, help: "Number of horizon azimuths when horizons are computed here.")
    var azimuths: Int = 360

    @Option(name: .customLong("far-field"), help: "A coarser DEM covering a larger area (far-field horizons).")
    var farField: String?

    @Option(name: .customLong("far-field-margin-km"), parsing: .unconditional, help: "How far beyond the DEM's edges the far field reaches, km.")
    var farFieldMarginKm: Double = 300

    @Option(name: .customLong("memory-mb"), parsing: .unconditional, help: "Horizons larger than this (cells x azimuths x 2 bytes) go through a temporary file instead of memory.")
    var memoryMB: Int = 1024

    func validate() throws {
        guard (4...7200).contains(azimuths) else { throw ValidationError("--azimuths \(azimuths): must be 4 ... 7200") }
        guard heightM.isFinite, heightM >= 0, heightM < 10_000 else { throw ValidationError("--height-m \(heightM): must be 0 ... 10000") }
        guard farFieldMarginKm > 0, farFieldMarginKm <= 3000 else { throw ValidationError("--far-field-margin-km: must be > 0 and <= 3000") }
        guard memoryMB >= 0 else { throw ValidationError("--memory-mb: must be >= 0") }
    }

    /// Bytes of the temporary horizon file `acquire` writes beside the outputs for `dataset` (0 when none).
    func scratchBytes(_ dataset: RasterDataset) -> Int64 {
        guard horizon == nil else { return 0 }
        let cubeBytes = Double(dataset.width) * Double(dataset.height) * Double(azimuths) * 2
        guard cubeBytes > Double(memoryMB) * 1_048_576 else { return 0 }
        var options = RasterWriteOptions(compression: .none)
        options.sampleType = .int16(scale: 0.01)
        return options.estimatedBytes(width: dataset.width, height: dataset.height, bands: azimuths)
    }

    /// Horizons ready for an engine, the DEM they belong to, and the observer height they assume.
    struct Acquired {
        let dem: Grid
        let profiles: any HorizonProfiles
        let observerHeight: Double
        let temporaryFile: String?
        /// The temporary's slot in the signal clean-up registry (TemporaryFiles).
        var temporarySlot: Int32 = -1

        /// Removes the temporary horizon file, if one was made.
        func cleanUp() {
            guard let temporaryFile else { return }
            unlink(temporaryFile)
            TemporaryFiles.forget(temporarySlot)
        }
    }

    func acquire(_ dataset: RasterDataset, input: InputOptions, output: String, threads: Int, progress: TerminalProgress,
                 quiet: Bool = false) throws -> Acquired {
        if let horizon {
            let file = try HorizonFile(path: horizon, matching: dataset)
            return Acquired(dem: try dataset.readAll(), profiles: file, observerHeight: file.observerHeight, temporaryFile: nil)
        }
        let inputs = try HorizonInputs.load(dataset, input: input, farFieldPath: farField, marginKm: farFieldMarginKm,
                                            azimuths: azimuths, memoryMB: memoryMB)
        if inputs.plan != nil {
            // Geographic/cylindrical grid with cell sizes varying too much for one sweep: horizons on a
            // projected grid, resampled back per cell (in memory: the projected cube is bounded by --memory-mb).
            inputs.printNote(dataset, quiet: quiet)
            let options = HorizonOptions(azimuthCount: azimuths, observerHeight: heightM, radius: dataset.radius, threads: threads)
            return Acquired(dem: inputs.dem, profiles: try inputs.resampled(dataset, options: options), observerHeight: heightM, temporaryFile: nil)
        }
        let cubeBytes = Double(inputs.dem.width * inputs.dem.height) * Double(azimuths) * 2
        if cubeBytes <= Double(memoryMB) * 1_048_576 {
            let options = HorizonOptions(azimuthCount: azimuths, observerHeight: heightM, radius: dataset.radius, threads: threads)
            let cube = HorizonMap.cube(inputs.dem, dx: inputs.dx, dy: inputs.dy, options: options, farField: inputs.farField, storage: .int16CentiDegrees)
            return Acquired(dem: inputs.dem, profiles: cube, observerHeight: heightM, temporaryFile: nil)
        }
        // Too large for the memory budget: stream the horizons to a temporary Int16 file beside the
        // outputs and read them back block by block.
        // A FarSide temporary (`.horizon.tif.tmp-PID-HOST-RAND.tif`, TemporaryFiles): unlinked on SIGINT/
        // SIGTERM, swept by the next run into the folder after a SIGKILL, never published.
        try makeOutputDirectory(output)
        let path = TemporaryFiles.path(for: URL(fileURLWithPath: output).appendingPathComponent("horizon.tif").path)
        let slot = TemporaryFiles.register(path)
        var options = RasterWriteOptions(compression: .none, threads: threads)
        options.sampleType = .int16(scale: 0.01)
        do {
            try inputs.writeHorizonFile(to: path, like: dataset, azimuths: azimuths, observerHeight: heightM,
                                        threads: threads, options: options, progress: progress, share: 0.3)
            return Acquired(dem: inputs.dem, profiles: try HorizonFile(path: path, matching: dataset), observerHeight: heightM,
                            temporaryFile: path, temporarySlot: slot)
        } catch {
            unlink(path)
            TemporaryFiles.forget(slot)
            throw error
        }
    }
}

/// Writes every map as one all-or-nothing set (`OutputSet.writeRasters`; into `options.outputSet`, the
/// set the command prepared before its work, when there is one).
func writeMaps(_ outputs: [(name: String, grid: Grid, description: String, unit: String)], directory: String,
               like dataset: RasterDataset, options: RasterWriteOptions) throws {
    try OutputSet.writeRasters(outputs.map { ("\($0.name).tif", $0.grid, BandSpec(description: $0.description, unit: $0.unit)) },
                               directory: directory, geometry: RasterGeometry(of: dataset), options: options)
}
