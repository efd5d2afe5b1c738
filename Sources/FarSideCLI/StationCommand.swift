import ArgumentParser
import Foundation
import GeoRaster
import Mission

/// `farside station --profile NAME|FILE [--dem DEM] -o DIR`: an ILRS station layout (`StationPlanning`).
struct StationCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "station",
        abstract: "Choose a station layout: base, power sites, comms site and ice, linked by rover routes.",
        discussion: """
            Ranks base sites by the profile's base criteria and landing ellipse, and around each of the best \
            ones picks the power sites (sunlight and short nights), the communications site and the nearest \
            permanently shadowed cell within the profile's rover costs of the base; layouts are ranked by the \
            weighted objective, each element with the reason it was chosen. Writes layout.gpkg, \
            layout.geojson, layout.csv and report.html. Built-in profile: \
            \(BuiltInProfiles.stations.keys.sorted().joined(separator: ", ")) (--show-profile prints it).
            """
    )

    @Option(help: "Built-in station profile name or a YAML file.")
    var profile: String?

    @Option(help: "DEM (default: the profile's dem).")
    var dem: String?

    @Option(name: .shortAndLong, help: "Output directory.")
    var output: String?

    @Option(name: .customLong("show-profile"), help: "Print a built-in station profile's YAML and exit.")
    var showProfile: String?

    @OptionGroup var ephemeris: EphemerisOptions
    @OptionGroup var input: InputOptions
    @OptionGroup var runOptions: RunOptions

    func validate() throws {
        if showProfile != nil { return }
        guard profile != nil else { throw ValidationError("--profile is required") }
        guard output != nil else { throw ValidationError("-o DIR is required") }
    }

    func run() throws {
        if let name = showProfile {
            guard let text = BuiltInProfiles.stations[name] else {
                throw FarSideError.usage("--show-profile \(name): no such built-in station profile (\(BuiltInProfiles.stations.keys.sorted().joined(separator: ", ")))")
            }
            print(text)
            return
        }
        guard let profileName = profile, let output else { throw FarSideError.usage("--profile and -o are required") }
        let station = try StationProfile.load(profileName)
        guard let demPath = dem ?? station.base.dem else { throw FarSideError.usage("--dem: the profile names no DEM; give one") }
        let source = try ephemeris.source()
        if let start = station.base.start, let end = station.base.end {
            guard source.coverage.contains(start), source.coverage.contains(end) else {
                throw FarSideError.badInput("profile \(station.name): time window outside the coverage of \(source.name)")
            }
        }
        let dataset = try input.open(demPath)
        defer { dataset.close() }
        let progress = runOptions.progress
        let set = try OutputSet(directory: output, targets: StationOutputs.fileNames, estimatedBytes: 16 << 20)
        defer { set.abort() }
        var settings = HorizonSettings(azimuths: station.base.azimuths, observerHeight: station.base.heightM)
        settings.assumeCRS = input.assumeCRS
        let result = try StationPlanning.run(dataset, profile: station, ephemeris: source, threads: runOptions.threads, horizons: settings,
                                             scratchDirectory: output, progress: { progress.report(0.95 * $0) })
        for note in result.notes { StageLog.note("note: \(note)") }
        for l in result.layouts.prefix(3) {
            StageLog.note("layout \(l.rank): " + (l.feasible ? String(format: "score %.4f", l.score) : "infeasible") + " (\(l.reason))")
        }
        try StationOutputs.write(result, profile: station, directory: output, set: set)
        try set.publish()
        progress.report(1)
    }
}
