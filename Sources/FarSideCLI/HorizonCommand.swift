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
        options.metadata["HORIZON_AZIMUTHS"] = "\(azimuths)"
        options.metadata["HORIZON_CONVENTION"] = "band k = horizon elevation (deg) toward grid azimuth (k-1)*360/\(azimuths) clockwise from raster up"
        options.metadata["OBSERVER_HEIGHT_M"] = "\(heightM)"
        options.metadata["RADIUS_M"] = "\(dataset.radius)"
        if let farField { options.metadata["FAR_FIELD"] = farField }
        let bands = (0..<azimuths).map { k -> BandSpec in
            let az = HorizonMap.azimuth(band: k, count: azimuths)
            return BandSpec(description: "horizon elevation toward grid azimuth \(az) deg", unit: "deg", metadata: ["AZIMUTH_DEG": "\(az)"])
        }
        let parent = URL(fileURLWithPath: output).deletingLastPathComponent().path
        try makeOutputDirectory(parent)
        let writer = try RasterWriter(path: output, geometry: RasterGeometry(of: dataset), bands: bands, nodata: -9999, options: options)
        let progress = runOptions.progress
        do {
            let hOptions = HorizonOptions(azimuthCount: azimuths, observerHeight: heightM, radius: dataset.radius, threads: runOptions.threads)
            try HorizonMap.forEachAzimuth(inputs.dem, dx: inputs.dx, dy: inputs.dy, options: hOptions, farField: inputs.farField) { k, _, band in
                try writer.write(Grid(width: inputs.dem.width, height: inputs.dem.height, values: band), band: k + 1, row: 0)
                progress.report(Double(k + 1) / Double(azimuths))
            }
            try writer.commit()
        } catch {
            writer.abort()
            throw error
        }
    }
}
