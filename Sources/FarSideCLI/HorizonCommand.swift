import ArgumentParser
import Foundation
import GeoRaster
import Horizon

/// `farside horizon DEM -o HORIZON.tif [--azimuths 360] [--height-m H] [--far-field DEM2]`.
struct HorizonCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "horizon",
        abstract: "Horizon elevation angles for every cell and azimuth (sweep with the Moon's curvature, no distance limit).",
        discussion: """
            Band k (1-based) holds the elevation in degrees of the horizon toward grid azimuth \
            (k-1)*360/A, clockwise from the raster's up direction (grid north; on polar stereographic \
            grids true azimuth = grid azimuth + grid convergence). Upper convex hulls along parallel lines \
            (Dozier et al. 1981; Timonen & Westerholm 2010) with the curvature of the 1,737,400 m sphere. \
            --far-field adds distant terrain from a coarser, larger DEM (e.g. LOLA LDEM_4), resampled \
            with GDAL around the site.
            """
    )

    @Argument(help: "The DEM.")
    var dem: String

    @Option(name: .shortAndLong, help: "Output GeoTIFF (one band per azimuth).")
    var output: String

    @Option(help: "Number of azimuths.")
    var azimuths: Int = 360

    @Option(name: .customLong("height-m"), parsing: .unconditional, help: "Observer height above the ground, metres.")
    var heightM: Double = 0

    @Option(name: .customLong("far-field"), help: "A coarser DEM covering a larger area (far-field horizons).")
    var farField: String?

    @Option(name: .customLong("far-field-margin-km"), help: "How far beyond the DEM's edges the far field reaches, km.")
    var farFieldMarginKm: Double = 300

    @Flag(help: "Store angles as Int16 hundredths of a degree (GDAL scale 0.01): half the size of Float32.")
    var int16 = false

    @OptionGroup var input: InputOptions
    @OptionGroup var runOptions: RunOptions

    func validate() throws {
        guard (4...7200).contains(azimuths) else { throw ValidationError("--azimuths \(azimuths): must be 4 ... 7200") }
        guard heightM.isFinite, heightM >= 0, heightM < 10_000 else { throw ValidationError("--height-m \(heightM): must be 0 ... 10000") }
        guard farFieldMarginKm > 0, farFieldMarginKm <= 3000 else { throw ValidationError("--far-field-margin-km: must be > 0 and <= 3000") }
    }

    func run() throws {
        let dataset = try input.open(dem)
        defer { dataset.close() }
        let inputs = try HorizonInputs.load(dataset, input: input, farFieldPath: farField, marginKm: farFieldMarginKm)
        var options = runOptions.writeOptions
        if int16 { options.sampleType = .int16(scale: 0.01) }
        if let farField { options.metadata["FAR_FIELD"] = farField }
        try makeOutputDirectory(URL(fileURLWithPath: output).deletingLastPathComponent().path)
        try inputs.writeHorizonFile(to: output, like: dataset, azimuths: azimuths, observerHeight: heightM,
                                    threads: runOptions.threads, options: options, progress: runOptions.progress)
    }
}
