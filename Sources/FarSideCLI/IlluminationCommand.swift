import ArgumentParser
import Ephemeris
import Foundation
import GeoRaster
import Mission
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
        let time = try TimeWindow(start: parseTime(start, option: "--start"), end: parseTime(end, option: "--end"),
                                  step: TimeWindow.parseStep(step))
        let source = try ephemeris.source()
        try time.checkCoverage(source)
        let dataset = try input.open(dem)
        defer { dataset.close() }
        let progress = runOptions.progress
        if try runInTilesIfNeeded(try tileOperation(), dataset: dataset, output: output, memoryMB: horizons.memoryMB, runOptions: runOptions) {
            return
        }
        let window = RasterWindow.whole(width: dataset.width, height: dataset.height)
        let horizonSource = horizons.source(input: input)
        // The output set first (targets checked, folder made and locked, stale temporaries swept, space
        // checked): before any computation. Its files appear together at publish(), or none of them.
        var setOptions = runOptions.writeOptions
        let set = try prepareOutputs(&setOptions, directory: output, targets: IlluminationMapping.fileNames,
                                     estimatedBytes: 4 * setOptions.estimatedBytes(width: dataset.width, height: dataset.height, bands: 1)
                                         + horizonSource.scratchBytes(window: window))
        defer { set.abort() }
        var mapping = IlluminationMapping(time: time, horizons: horizonSource)
        mapping.threads = runOptions.threads
        let result = try mapping.run(dataset, window: window, ephemeris: source, scratchDirectory: output,
                                     progress: { progress.report(0.95 * $0) })
        for note in result.notes { StageLog.note("note: \(note)") }
        var options = setOptions
        options.metadata.merge(mapping.metadata(ephemeris: source, observerHeight: result.observerHeight)) { $1 }
        try OutputSet.writeRasters(IlluminationMapping.rasters(result.maps), directory: output, geometry: RasterGeometry(of: dataset),
                                   options: options)
        try set.publish()
        progress.report(1)
    }
}
