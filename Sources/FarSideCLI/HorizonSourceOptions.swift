import ArgumentParser
import Foundation
import GeoRaster
import Mission

/// Where `illumination` and `relay` get horizons: a `farside horizon` file, or computed (with the
/// horizon margin around each window, in memory or through a temporary Int16 file beside the outputs
/// when larger than --memory-mb).
struct HorizonSourceOptions: ParsableArguments {
    @Option(name: .customLong("height-m"), parsing: .unconditional, help: "Observer (antenna) height above the ground, metres (used when horizons are computed here).")
    var heightM: Double = 0

    @Option(help: "Horizon GeoTIFF from `farside horizon` (same grid as the DEM).")
    var horizon: String?

    @Option(parsing: .unconditional, help: "Number of horizon azimuths when horizons are computed here.")
    var azimuths: Int = 360

    @Option(name: .customLong("horizon-margin-km"), parsing: .unconditional, help: "Terrain around each window (a tile's core in tiled runs) included in every horizon, km.")
    var horizonMarginKm: Double = 30

    @Option(name: .customLong("horizon-block-km"), parsing: .unconditional, help: "Horizon block edge, km (default: about 2048 cells): every cell's horizon sees its block and the margin around it; tiled runs' tiles are whole blocks.")
    var horizonBlockKm: Double?

    @Option(name: .customLong("far-field"), help: "A coarser DEM covering a larger area (far-field horizons).")
    var farField: String?

    @Option(name: .customLong("far-field-margin-km"), parsing: .unconditional, help: "How far beyond the DEM's edges the far field reaches, km.")
    var farFieldMarginKm: Double = 300

    @Option(name: .customLong("memory-mb"), parsing: .unconditional, help: "Memory budget, MB: a DEM that does not fit is computed tile by tile (README \"Whole-basin runs\").")
    var memoryMB: Int = 2048

    @Option(name: .customLong("horizon-cache-mb"), parsing: .unconditional, help: "Horizons larger than this (cells x azimuths x 2 bytes) go through a temporary file instead of memory (default: a quarter of --memory-mb).")
    var horizonCacheMB: Int?

    func validate() throws {
        guard (4...7200).contains(azimuths) else { throw ValidationError("--azimuths \(azimuths): must be 4 ... 7200") }
        guard heightM.isFinite, heightM >= 0, heightM < 10_000 else { throw ValidationError("--height-m \(heightM): must be 0 ... 10000") }
        guard horizonMarginKm >= 0, horizonMarginKm <= 1000 else { throw ValidationError("--horizon-margin-km: must be 0 ... 1000") }
        if let horizonBlockKm { guard horizonBlockKm > 0, horizonBlockKm <= 10_000 else { throw ValidationError("--horizon-block-km: must be > 0 and <= 10000") } }
        guard farFieldMarginKm > 0, farFieldMarginKm <= 3000 else { throw ValidationError("--far-field-margin-km: must be > 0 and <= 3000") }
        guard memoryMB >= 256 else { throw ValidationError("--memory-mb \(memoryMB): must be at least 256") }
        if let horizonCacheMB { guard horizonCacheMB >= 0 else { throw ValidationError("--horizon-cache-mb: must be >= 0") } }
    }

    /// The engine's horizon source for these options.
    func source(input: InputOptions) -> HorizonSource {
        if let horizon { return .file(horizon) }
        var settings = HorizonSettings(azimuths: azimuths, observerHeight: heightM, marginKm: horizonMarginKm)
        settings.blockKm = horizonBlockKm
        settings.farField = farField
        settings.farFieldMarginKm = farFieldMarginKm
        settings.assumeCRS = input.assumeCRS
        settings.memoryBytes = Int64(horizonCacheMB ?? memoryMB / 4) << 20
        return .compute(settings)
    }
}
