import ArgumentParser
import Ephemeris
import Foundation
import GeoRaster
import Horizon
import Visibility

/// `farside illumination DEM -o DIR --start ISO --end ISO [--step 1h] [--height-m H] [--kernels DIR] [--horizon HORIZON.tif]`.
struct IlluminationCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "illumination",
        abstract: "Sunlight, longest darkness, permanent shadow and Earth visibility per cell over a time window.",
        discussion: """
            Writes DIR/sun_fraction.tif (mean visible fraction of the solar disc, partial discs counted), \
            DIR/max_darkness_h.tif (longest run of steps with no part of the disc visible, hours), \
            DIR/psr.tif (1 where no part of the Sun was ever visible) and DIR/earth_fraction.tif (fraction \
            of steps with the Earth's centre above the horizon). Steps run from --start up to (not \
            including) --end. Horizons come from --horizon (a `farside horizon` file) or are computed \
            (with --far-field if given).
            """
    )

    @Argument(help: "The DEM.")
    var dem: String

    @Option(name: .shortAndLong, help: "Output directory.")
    var output: String

    @Option(help: "Start time, UTC ISO 8601.")
    var start: String

    @Option(help: "End time, UTC ISO 8601 (exclusive).")
    var end: String

    @Option(help: "Time step: 1h, 10m, 30s, 2d...")
    var step: String = "1h"

    @Option(name: .customLong("height-m"), parsing: .unconditional, help: "Observer height above the ground, metres (used when horizons are computed here).")
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

    @OptionGroup var ephemeris: EphemerisOptions
    @OptionGroup var input: InputOptions
    @OptionGroup var runOptions: RunOptions

    func validate() throws {
        guard (4...7200).contains(azimuths) else { throw ValidationError("--azimuths \(azimuths): must be 4 ... 7200") }
        guard heightM.isFinite, heightM >= 0, heightM < 10_000 else { throw ValidationError("--height-m \(heightM): must be 0 ... 10000") }
    }

    func run() throws {
        let window = try TimeWindow(start: parseTime(start, option: "--start"), end: parseTime(end, option: "--end"),
                                    step: TimeWindow.parseStep(step))
        let source = try ephemeris.source()
        guard source.coverage.contains(window.start), source.coverage.contains(window.end) else {
            throw FarSideError.badInput("--start/--end: outside the coverage of \(source.name)")
        }
        let dataset = try input.open(dem)
        defer { dataset.close() }
        let progress = runOptions.progress
        let horizons: any HorizonProfiles
        let grid: Grid
        var temporary: String?
        defer { if let temporary { try? FileManager.default.removeItem(atPath: temporary) } }
        var observerHeight = heightM
        if let horizon {
            grid = try dataset.readAll()
            let file = try HorizonFile(path: horizon, matching: dataset)
            observerHeight = file.observerHeight
            horizons = file
        } else {
            let inputs = try HorizonInputs.load(dataset, input: input, farFieldPath: farField, marginKm: farFieldMarginKm)
            grid = inputs.dem
            let cubeBytes = Double(grid.width * grid.height) * Double(azimuths) * 2
            if cubeBytes <= Double(memoryMB) * 1_048_576 {
                let options = HorizonOptions(azimuthCount: azimuths, observerHeight: heightM, radius: dataset.radius, threads: runOptions.threads)
                horizons = HorizonMap.cube(inputs.dem, dx: inputs.dx, dy: inputs.dy, options: options, farField: inputs.farField, storage: .int16CentiDegrees)
            } else {
                // Too large for the memory budget: stream the horizons to a temporary Int16 file beside
                // the outputs and read them back block by block.
                try makeOutputDirectory(output)
                let path = URL(fileURLWithPath: output).appendingPathComponent(".horizon-\(getpid()).tif").path
                temporary = path
                var options = RasterWriteOptions(compression: .none, threads: runOptions.threads)
                options.sampleType = .int16(scale: 0.01)
                try inputs.writeHorizonFile(to: path, like: dataset, azimuths: azimuths, observerHeight: heightM,
                                            threads: runOptions.threads, options: options, progress: progress, share: 0.3)
                horizons = try HorizonFile(path: path, matching: dataset)
            }
        }
        progress.report(0.3)
        let track = BodyTrack.compute(source, window: window, threads: runOptions.threads)
        var engine = IlluminationEngine()
        engine.threads = runOptions.threads
        engine.observerHeight = observerHeight
        let maps = try engine.run(dem: grid, transform: dataset.geoTransform, transformer: CoordinateTransformer(crs: dataset.crs),
                                  horizon: horizons, track: track, stepHours: window.stepHours,
                                  progress: { progress.report(0.3 + 0.65 * $0) })
        try makeOutputDirectory(output)
        var options = runOptions.writeOptions
        options.metadata["WINDOW_START"] = window.start.utcISO8601
        options.metadata["WINDOW_END"] = window.end.utcISO8601
        options.metadata["STEP_S"] = "\(window.step)"
        options.metadata["STEPS"] = "\(window.count)"
        options.metadata["EPHEMERIS"] = source.name
        options.metadata["OBSERVER_HEIGHT_M"] = horizon == nil ? "\(heightM)" : "from \(horizon!)"
        let outputs: [(String, Grid, String, String)] = [
            ("sun_fraction", maps.sunFraction, "mean visible fraction of the solar disc", "1"),
            ("max_darkness_h", maps.maxDarknessHours, "longest run of steps with no part of the solar disc visible", "h"),
            ("psr", maps.psr, "1 where no part of the Sun was ever visible in the window", "1"),
            ("earth_fraction", maps.earthFraction, "fraction of steps with the Earth's centre above the horizon", "1"),
        ]
        try writeAll(outputs, like: dataset, options: options)
        progress.report(1)
    }

    /// Writes every map to a temporary file first; none is renamed into place unless all were written.
    func writeAll(_ outputs: [(String, Grid, String, String)], like dataset: RasterDataset, options: RasterWriteOptions) throws {
        var writers: [RasterWriter] = []
        do {
            for (name, grid, description, unit) in outputs {
                let w = try RasterWriter(path: URL(fileURLWithPath: output).appendingPathComponent("\(name).tif").path,
                                         geometry: RasterGeometry(of: dataset), bands: [BandSpec(description: description, unit: unit)],
                                         nodata: -9999, options: options)
                writers.append(w)
                try w.write(grid, row: 0)
            }
            for w in writers { try w.commit() }
        } catch {
            writers.forEach { $0.abort() }
            throw error
        }
    }
}
