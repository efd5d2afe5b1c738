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

    @OptionGroup var horizons: HorizonSourceOptions
    @OptionGroup var ephemeris: EphemerisOptions
    @OptionGroup var input: InputOptions
    @OptionGroup var runOptions: RunOptions

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
        // The output set first (targets checked, folder made and locked, stale temporaries swept, space
        // checked): before any computation. Its files appear together at publish(), or none of them.
        var setOptions = runOptions.writeOptions
        let set = try prepareOutputs(&setOptions, directory: output, targets: ["sun_fraction.tif", "max_darkness_h.tif", "psr.tif", "earth_fraction.tif"],
                                     estimatedBytes: 4 * setOptions.estimatedBytes(width: dataset.width, height: dataset.height, bands: 1)
                                         + horizons.scratchBytes(dataset))
        defer { set.abort() }
        let acquired = try horizons.acquire(dataset, input: input, output: output, threads: runOptions.threads, progress: progress,
                                            quiet: runOptions.quiet)
        defer { acquired.cleanUp() }
        progress.report(0.3)
        let track = BodyTrack.compute(source, window: window, threads: runOptions.threads)
        var engine = IlluminationEngine()
        engine.threads = runOptions.threads
        engine.observerHeight = acquired.observerHeight
        engine.radius = dataset.radius
        engine.windowHours = window.durationHours
        let maps = try engine.run(dem: acquired.dem, transform: dataset.geoTransform, transformer: CoordinateTransformer(crs: dataset.crs),
                                  horizon: acquired.profiles, track: track, stepHours: window.stepHours,
                                  progress: { progress.report(0.3 + 0.65 * $0) })
        var options = setOptions
        options.metadata["WINDOW_START"] = window.start.utcISO8601
        options.metadata["WINDOW_END"] = window.end.utcISO8601
        options.metadata["STEP_S"] = "\(window.step)"
        options.metadata["STEPS"] = "\(window.count)"
        options.metadata["EPHEMERIS"] = source.name
        options.metadata["OBSERVER_HEIGHT_M"] = "\(acquired.observerHeight)"
        try writeMaps([
            ("sun_fraction", maps.sunFraction, "mean visible fraction of the solar disc", "1"),
            ("max_darkness_h", maps.maxDarknessHours, "longest run of steps with no part of the solar disc visible", "h"),
            ("psr", maps.psr, "1 where no part of the Sun was ever visible in the window", "1"),
            ("earth_fraction", maps.earthFraction, "fraction of steps with the Earth's centre above the horizon", "1"),
        ], directory: output, like: dataset, options: options)
        try set.publish()
        progress.report(1)
    }
}
