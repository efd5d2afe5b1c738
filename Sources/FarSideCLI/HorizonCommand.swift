import ArgumentParser
import Foundation
import GeoRaster
import Mission
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
            with GDAL around the site. On geographic or cylindrical DEMs whose true cell sizes vary by more \
            than 5 % over the grid (near a pole, wide latitude spans), horizons are computed on polar \
            stereographic (or a stereographic projection centred on the DEM) at the DEM's finest true \
            resolution and resampled back per cell with the grid convergence applied, so bands stay \
            relative to the DEM's own up direction (true north); a note line says so.
            """
    )

    @Argument(help: "The DEM.")
    var dem: String

    @Option(name: .shortAndLong, help: "Output GeoTIFF (one band per azimuth).")
    var output: String

    @Option(parsing: .unconditional, help: "Number of azimuths.")
    var azimuths: Int = 360

    @Option(name: .customLong("height-m"), parsing: .unconditional, help: "Observer height above the ground, metres.")
    var heightM: Double = 0

    @Option(name: .customLong("horizon-block-km"), parsing: .unconditional, help: "Horizon block edge, km (default: about 2048 cells): every cell's horizon sees its block and the margin around it; tiled runs' tiles are whole blocks.")
    var horizonBlockKm: Double?

    @Option(name: .customLong("far-field"), help: "A coarser DEM covering a larger area (far-field horizons).")
    var farField: String?

    @Option(name: .customLong("far-field-margin-km"), parsing: .unconditional, help: "How far beyond the DEM's edges the far field reaches, km.")
    var farFieldMarginKm: Double = 300

    @Option(name: .customLong("horizon-margin-km"), parsing: .unconditional, help: "Terrain around each window (a tile's core in tiled runs) included in every horizon, km.")
    var horizonMarginKm: Double = 30

    @Flag(help: "Store angles as Int16 hundredths of a degree (GDAL scale 0.01): half the size of Float32.")
    var int16 = false

    @OptionGroup var input: InputOptions
    @OptionGroup var runOptions: RunOptions

    func validate() throws {
        guard (4...7200).contains(azimuths) else { throw ValidationError("--azimuths \(azimuths): must be 4 ... 7200") }
        guard heightM.isFinite, heightM >= 0, heightM < 10_000 else { throw ValidationError("--height-m \(heightM): must be 0 ... 10000") }
        guard horizonMarginKm >= 0, horizonMarginKm <= 1000 else { throw ValidationError("--horizon-margin-km: must be 0 ... 1000") }
        if let horizonBlockKm { guard horizonBlockKm > 0, horizonBlockKm <= 10_000 else { throw ValidationError("--horizon-block-km: must be > 0 and <= 10000") } }
        guard farFieldMarginKm > 0, farFieldMarginKm <= 3000 else { throw ValidationError("--far-field-margin-km: must be > 0 and <= 3000") }
    }

    /// The engine's settings for these options.
    var horizonSettings: HorizonSettings {
        var settings = HorizonSettings(azimuths: azimuths, observerHeight: heightM, marginKm: horizonMarginKm)
        settings.blockKm = horizonBlockKm
        settings.farField = farField
        settings.farFieldMarginKm = farFieldMarginKm
        settings.assumeCRS = input.assumeCRS
        return settings
    }

    func run() throws {
        let dataset = try input.open(dem)
        defer { dataset.close() }
        // The output first: target checked (a regular file or a new path), folder made and locked, stale
        // temporaries swept, free space checked, before any computation; published at the end (OutputSet).
        var options = runOptions.writeOptions
        if int16 { options.sampleType = .int16(scale: 0.01) }
        let set = try OutputSet(file: output, estimatedBytes: options.estimatedBytes(width: dataset.width, height: dataset.height, bands: azimuths))
        defer { set.abort() }
        options.outputSet = set
        let progress = runOptions.progress
        let notes = try HorizonBands.write(dataset, window: .whole(width: dataset.width, height: dataset.height), settings: horizonSettings,
                                           to: output, threads: runOptions.threads, options: options, progress: { progress.report($0) })
        for note in notes { StageLog.note("note: \(note)") }
        try set.publish()
    }
}
