import ArgumentParser
import Ephemeris
import Foundation
import GeoRaster
import Mission

/// `farside rank --profile NAME|FILE [--dem DEM] -o DIR`.
struct RankCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rank",
        abstract: "Score every cell of a region against a mission profile and rank landing or station sites.",
        discussion: """
            Writes DIR/sites.csv, sites.geojson, sites.gpkg (points and landing ellipses, Moon 2015 CRS), \
            score.tif, feasible.tif, quicklook.png and report.html. Built-in profiles: change6-lander, \
            ilrs-south-pole, terrain-only (print one with --show-profile to start your own). Layers are \
            computed on demand: slope, roughness, sunlight, darkness, Earth and relay visibility, distance to \
            permanently shadowed cells, user rasters.
            """
    )

    @Option(help: "Built-in profile name or a YAML profile file.")
    var profile: String

    @Option(help: "DEM (overrides the profile's dem).")
    var dem: String?

    @Option(name: .shortAndLong, help: "Output directory.")
    var output: String?

    @Option(help: "CSV of candidate sites (columns name, lat, lon) to score instead of searching.")
    var sites: String?

    @Option(parsing: .unconditional, help: "Monte Carlo runs perturbing the weights (log-normal, sigma 0.2) to test the ranking's robustness.")
    var sensitivity: Int = 0

    @Option(parsing: .unconditional, help: "Seed for --sensitivity.")
    var seed: UInt64 = 1

    @Option(name: .customLong("horizon-margin-km"), parsing: .unconditional, help: "Terrain around the region included for horizons, km.")
    var horizonMarginKm: Double = 30

    @Option(name: .customLong("horizon-block-km"), parsing: .unconditional, help: "Horizon block edge, km (default: about 2048 cells); tiled runs' tiles are whole blocks.")
    var horizonBlockKm: Double?

    @Option(name: .customLong("memory-mb"), parsing: .unconditional, help: "Memory budget, MB: a region that does not fit is computed tile by tile (README \"Whole-basin runs\").")
    var memoryMB: Int = 2048

    @Option(name: .customLong("horizon-cache-mb"), parsing: .unconditional, help: "Horizons larger than this (cells x azimuths x 2 bytes) go through a temporary file instead of memory (default: a quarter of --memory-mb).")
    var horizonCacheMB: Int?

    @Flag(name: .customLong("show-profile"), help: "Print the profile's YAML and exit.")
    var showProfile = false

    @OptionGroup var ephemeris: EphemerisOptions
    @OptionGroup var input: InputOptions
    @OptionGroup var runOptions: RunOptions

    func validate() throws {
        guard (0...10_000).contains(sensitivity) else { throw ValidationError("--sensitivity \(sensitivity): must be 0 ... 10000") }
        guard horizonMarginKm >= 0, horizonMarginKm <= 1000 else { throw ValidationError("--horizon-margin-km: must be 0 ... 1000") }
        if let horizonBlockKm { guard horizonBlockKm > 0, horizonBlockKm <= 10_000 else { throw ValidationError("--horizon-block-km: must be > 0 and <= 10000") } }
        guard memoryMB >= 256 else { throw ValidationError("--memory-mb \(memoryMB): must be at least 256") }
        if let horizonCacheMB { guard horizonCacheMB >= 0 else { throw ValidationError("--horizon-cache-mb: must be >= 0") } }
        if !showProfile && output == nil { throw ValidationError("-o DIR is required") }
    }

    /// The horizon margin, block and memory budget (the profile sets azimuths and observer height).
    var horizonSettings: HorizonSettings {
        var settings = HorizonSettings(marginKm: horizonMarginKm)
        settings.blockKm = horizonBlockKm
        settings.memoryBytes = Int64(horizonCacheMB ?? memoryMB / 4) << 20
        settings.assumeCRS = input.assumeCRS
        return settings
    }

    func run() throws {
        let mission = try MissionProfile.load(profile)
        if showProfile {
            print(mission.text)
            return
        }
        guard let output else { throw FarSideError.usage("-o DIR is required") }
        guard let demPath = dem ?? resolvedProfileDEM(mission) else {
            throw FarSideError.usage("no DEM: give --dem (the profile names none)")
        }
        let candidates = try sites.map(Self.readSites)
        let source = try ephemeris.source()
        let progress = runOptions.progress
        let dataset = try input.open(demPath)
        defer { dataset.close() }
        if candidates == nil && sensitivity == 0,
           try runInTilesIfNeeded(try tileOperation(mission), dataset: dataset, output: output, memoryMB: memoryMB, runOptions: runOptions) {
            if !runOptions.quiet { FileHandle.standardError.write(Data("rank: \(mission.name): ranked tile by tile -> \(output)\n".utf8)) }
            return
        }
        let grid = try SiteGrid(dataset: dataset, region: mission.region)
        // The output set before any computation (targets checked, folder made and locked, stale temporaries
        // swept, space checked); all seven files appear together at the end, or none of them.
        var options = runOptions.writeOptions
        options.metadata["PROFILE"] = mission.name
        let set = try prepareOutputs(&options, directory: output, targets: SiteOutputs.fileNames,
                                     estimatedBytes: SiteOutputs.estimatedBytes(width: grid.width, height: grid.height, options: options))
        defer { set.abort() }
        let stack = try LayerStack.compute(profile: mission, grid: grid, ephemeris: source, threads: runOptions.threads,
                                           horizons: horizonSettings, scratchDirectory: output,
                                           progress: { progress.report(0.8 * $0) })
        var result = try SiteRanking.run(profile: mission, grid: grid, stack: stack, threads: runOptions.threads,
                                         candidates: candidates, sensitivity: sensitivity, seed: seed)
        var notes = stack.notes
        try SiteShadowAccess.annotate(&result.sites, dataset: dataset, profile: mission, ephemeris: source, horizons: horizonSettings,
                                      threads: runOptions.threads, scratchDirectory: output, notes: &notes)
        progress.report(0.9)
        try SiteOutputs.write(result, profile: mission, grid: grid, dem: stack.layers[.elevation]!, directory: output, options: options)
        try set.publish()
        progress.report(1)
        if !runOptions.quiet {
            let feasible = result.feasible.values.reduce(0) { $0 + ($1 == 1 ? 1 : 0) }
            FileHandle.standardError.write(Data("rank: \(mission.name): \(feasible) feasible cells of \(grid.width * grid.height); \(result.sites.count) sites -> \(output)\n".utf8))
            for note in notes { FileHandle.standardError.write(Data("rank: note: \(note)\n".utf8)) }
        }
    }

    /// A profile's dem: relative to the profile file's folder for files, to the working directory for
    /// built-in profiles.
    func resolvedProfileDEM(_ mission: MissionProfile) -> String? {
        guard let path = mission.dem else { return nil }
        if path.hasPrefix("/") || FileManager.default.fileExists(atPath: path) || !FileManager.default.fileExists(atPath: profile) { return path }
        return URL(fileURLWithPath: profile).deletingLastPathComponent().appendingPathComponent(path).path
    }

    /// Candidate sites from a CSV with a header naming lat and lon (and optionally name) columns.
    static func readSites(_ path: String) throws -> [(name: String, lat: Double, lon: Double)] {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { throw FarSideError.badInput("\(path): cannot read the sites file") }
        let lines = text.split(whereSeparator: \.isNewline).map { String($0).trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        guard let header = lines.first?.lowercased().split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }),
              let latIndex = header.firstIndex(of: "lat"), let lonIndex = header.firstIndex(of: "lon") else {
            throw FarSideError.badInput("\(path): needs a header with lat and lon columns (and optionally name)")
        }
        let nameIndex = header.firstIndex(of: "name")
        var out: [(String, Double, Double)] = []
        for (n, line) in lines.dropFirst().enumerated() {
            let f = line.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            guard f.count > max(latIndex, lonIndex), let lat = Double(f[latIndex]), let lon = Double(f[lonIndex]),
                  abs(lat) <= 90, abs(lon) <= 360 else {
                throw FarSideError.badInput("\(path):\(n + 2): needs numeric lat (-90..90) and lon (-180..360)")
            }
            out.append((nameIndex.flatMap { $0 < f.count ? f[$0] : nil } ?? "site-\(n + 1)", lat, lon))
        }
        guard !out.isEmpty else { throw FarSideError.badInput("\(path): no sites") }
        return out
    }
}
