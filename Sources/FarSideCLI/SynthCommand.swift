import ArgumentParser
import Foundation
import GeoRaster
import Terrain

/// `farside synth --preset P [--size N] [--resolution M] [--seed S] -o OUT.tif`.
struct SynthCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "synth",
        abstract: "Synthetic lunar terrain: fractal background, power-law crater population, Pike (1977) crater shapes.",
        discussion: """
            Presets: apollo-basin (mare around the Chang'e-6 site, geographic IAU_2015:30100, 200 m), \
            spa (South Pole-Aitken, geographic, 2000 m), south-pole (polar stereographic IAU_2015:30135 \
            on the pole with a Shackleton-like crater, 100 m), flat (a smooth sphere: all heights 0, polar \
            stereographic). Deterministic by seed.
            """
    )

    @Option(help: "apollo-basin, spa, south-pole or flat.")
    var preset: SynthPreset

    @Option(parsing: .unconditional, help: "Cells per side.")
    var size: Int = 512

    @Option(parsing: .unconditional, help: "Cell size in metres (default per preset).")
    var resolution: Double?

    @Option(parsing: .unconditional, help: "Random seed.")
    var seed: UInt64 = 1

    @Option(parsing: .unconditional, help: "Centre latitude in degrees (default per preset).")
    var lat: Double?

    @Option(parsing: .unconditional, help: "Centre longitude in degrees, east-positive (default per preset).")
    var lon: Double?

    @Option(name: .shortAndLong, help: "Output GeoTIFF.")
    var output: String

    @OptionGroup var runOptions: RunOptions

    func validate() throws {
        guard size >= 3, size <= 65_536 else { throw ValidationError("--size \(size): must be 3 ... 65536") }
        if let resolution, !(resolution > 0 && resolution <= 100_000) { throw ValidationError("--resolution \(resolution): must be > 0 and <= 100000") }
        if let lat, !(abs(lat) <= 90) { throw ValidationError("--lat \(lat): must be -90 ... 90") }
        if let lon, !(abs(lon) <= 360) { throw ValidationError("--lon \(lon): must be -360 ... 360") }
    }

    func run() throws {
        var centre = preset.defaultCentre
        if let lat { centre.lat = lat }
        if let lon { centre.lon = lon }
        var options = runOptions.writeOptions
        // Target checked, folder made and locked, space checked: before any computation.
        let set = try OutputSet(file: output, estimatedBytes: options.estimatedBytes(width: size, height: size, bands: 1))
        options.outputSet = set
        try set.run { try generate(centre: centre, options: options) }
    }

    private func generate(centre: (lat: Double, lon: Double), options: RasterWriteOptions) throws {
        var options = options
        let synthesizer = TerrainSynthesizer(preset: preset, size: size, resolution: resolution, seed: seed, centre: centre, threads: runOptions.threads)
        let dem = try synthesizer.generate()
        let crs = try SpatialReference(definition: dem.crsDefinition)
        let geometry = RasterGeometry(width: dem.grid.width, height: dem.grid.height, geoTransform: dem.geoTransform, crsWKT: crs.wkt)
        options.metadata["FARSIDE_SYNTH"] = dem.description
        let writer = try RasterWriter(path: output, geometry: geometry,
                                      bands: [BandSpec(description: "height above the \(Int(CelestialBody.moonRadius)) m sphere (synthetic)", unit: "m")],
                                      nodata: -32768, options: options)
        try writer.write(dem.grid, row: 0)
        try writer.commit()
    }
}

extension SynthPreset: ExpressibleByArgument {}
