import ArgumentParser
import Ephemeris
import Foundation
import GeoRaster
import Mission
import Orbits
import Traverse
import Visibility

/// `farside traverse DEM -o DIR --from LAT,LON [--to LAT,LON]... [--rover NAME|FILE] [--neighbours 8|16]
/// [--start ISO --end ISO --step S]`: a rover's cost distance, routes and, with a time window, the
/// earliest-arrival routes through sunlight and links (`TraversePlanning`).
struct TraverseCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "traverse",
        abstract: "Rover cost distance and routes, optionally through time (sunlight and links).",
        discussion: """
            Writes cost_distance.tif (the rover's cost from --from to every cell, in metres, hours or \
            watt-hours by the rover's objective; nodata where unreachable) and, for each --to, the route \
            (route.geojson, route.gpkg, route.csv, report.html). Moves go to the 8 neighbours, or 16 with \
            knight's moves (as r.cost -k); a move needs its two end cells passable. With --start/--end the \
            search is time-dependent: the rover drives and waits by its time rules (sunlight, links, \
            shadow budgets; see --show-rover), travel_time_h.tif gives the earliest arrival and \
            safe_haven.tif the cells where it survives the whole window parked. --to-psr adds a route to \
            the nearest permanently shadowed cell the rover may enter (the earliest reached, waits included, \
            with a time rover). Built-in rovers: \
            \(BuiltInRovers.all.keys.sorted().joined(separator: ", ")).
            """
    )

    @Argument(help: "DEM (projected, e.g. polar stereographic; or lat/lon).")
    var dem: String?

    @Option(name: .shortAndLong, help: "Output directory.")
    var output: String?

    @Option(name: .customLong("from"), parsing: .unconditional, help: "Origin LAT,LON (planetocentric degrees, east longitude).")
    var from: String?

    @Option(name: .customLong("to"), parsing: .unconditionalSingleValue, help: "Target LAT,LON (repeatable).")
    var to: [String] = []

    @Flag(name: .customLong("to-psr"), help: "Also route to the nearest permanently shadowed cell the rover may enter (the earliest reached with --start/--end; needs them to find permanent shadow).")
    var toPSR = false

    @Option(help: "Built-in rover name or a rover YAML file.")
    var rover: String = "distance"

    @Option(name: .customLong("show-rover"), help: "Print a built-in rover's YAML and exit.")
    var showRover: String?

    @Option(parsing: .unconditional, help: "8 (king's moves) or 16 (plus knight's moves).")
    var neighbours: Int = 8

    @Option(name: .customLong("max-cost"), parsing: .unconditional, help: "Stop at this cost (rover's unit); bounds the cells read to its reach.")
    var maxCost: Double?

    @Option(parsing: .unconditional, help: ArgumentHelp("Label families the time-dependent search keeps per cell: N at once, up to 4N that differ by more than 10 % of a budget (more: more cells proven earliest, slower).", valueName: "N"))
    var families: Int = FamilyCap.traverse.kept

    @Option(help: "Start of the time window, UTC ISO 8601 (time-dependent search).")
    var start: String?

    @Option(help: "End of the time window, UTC ISO 8601 (exclusive).")
    var end: String?

    @Option(help: "Time step of sunlight and links: 1h, 10m, ...")
    var step: String = "1h"

    @Option(help: "Relay orbit for rovers linked through a relay: queqiao-2, earth-moon-l2 or a YAML orbit file.")
    var orbit: String = "queqiao-2"

    @Option(name: .customLong("relay-min-elevation-deg"), parsing: .unconditional, help: "Minimum relay elevation for a link, degrees.")
    var relayMinElevationDeg: Double = 5

    @OptionGroup var horizons: HorizonSourceOptions
    @OptionGroup var ephemeris: EphemerisOptions
    @OptionGroup var input: InputOptions
    @OptionGroup var runOptions: RunOptions

    func validate() throws {
        if showRover != nil { return }
        guard dem != nil else { throw ValidationError("give a DEM") }
        guard output != nil else { throw ValidationError("-o DIR is required") }
        guard from != nil else { throw ValidationError("--from LAT,LON is required") }
        guard neighbours == 8 || neighbours == 16 else { throw ValidationError("--neighbours \(neighbours): must be 8 or 16") }
        if let maxCost { guard maxCost.isFinite, maxCost > 0 else { throw ValidationError("--max-cost \(maxCost): must be positive") } }
        guard (1...4096).contains(families) else { throw ValidationError("--families \(families): must be 1 to 4096") }
        guard (start == nil) == (end == nil) else { throw ValidationError("--start and --end go together") }
        guard !toPSR || start != nil else { throw ValidationError("--to-psr needs --start and --end: permanent shadow is found over the time window") }
        guard relayMinElevationDeg.isFinite, abs(relayMinElevationDeg) <= 90 else { throw ValidationError("--relay-min-elevation-deg: must be -90 ... 90") }
    }

    func run() throws {
        if let name = showRover {
            guard let text = BuiltInRovers.all[name] else {
                throw FarSideError.usage("--show-rover \(name): no such built-in rover (\(BuiltInRovers.all.keys.sorted().joined(separator: ", ")))")
            }
            print(text)
            return
        }
        guard let dem, let output, let from else { throw FarSideError.usage("give a DEM, -o DIR and --from") }
        let profile = try RoverProfile.load(rover)
        var request = try TraverseRequest(origin: option("--from", from), targets: to.map { try option("--to", $0) }, rover: profile)
        request.neighbourhood = try Neighbourhood(count: neighbours)
        request.maxCost = maxCost
        request.toShadow = toPSR
        request.familyCap = FamilyCap(kept: families, most: 4 * families, slack: FamilyCap.traverse.slack)
        request.threads = runOptions.threads
        request.relayMinElevationDeg = relayMinElevationDeg
        var source: (any EphemerisSource)?
        if let start, let end {
            let time = try TimeWindow(start: parseTime(start, option: "--start"), end: parseTime(end, option: "--end"), step: TimeWindow.parseStep(step))
            let ephemerisSource = try ephemeris.source()
            try time.checkCoverage(ephemerisSource)
            request.time = time
            source = ephemerisSource
            if let link = profile.time?.link, link != .earth {
                request.relay = try BuiltInOrbits.resolve(orbit, ephemeris: ephemerisSource)
            }
        }
        request.horizons = horizons.source(input: input)
        let dataset = try input.open(dem)
        defer { dataset.close() }
        let progress = runOptions.progress
        var options = runOptions.writeOptions
        let timed = request.time != nil && profile.time != nil
        let set = try prepareOutputs(&options, directory: output, targets: TraverseOutputs.fileNames(timed: timed, routes: !to.isEmpty || toPSR),
                                     estimatedBytes: TraverseOutputs.estimatedBytes(window: .whole(width: dataset.width, height: dataset.height),
                                                                                    timed: timed, options: options))
        defer { set.abort() }
        let result = try TraversePlanning.run(dataset, request: request, ephemeris: source, scratchDirectory: output,
                                              memoryBytes: Int64(horizons.memoryMB) << 20, progress: { progress.report(0.95 * $0) })
        for note in result.notes { StageLog.note("note: \(note)") }
        StageLog.note(String(format: "traverse: %d of %d passable cells reachable; cost search %.3f s", result.reachableCells, result.passableCells, result.searchSeconds)
                      + (result.timeSearchSeconds.map { String(format: ", time-dependent search %.3f s", $0) } ?? ""))
        for route in result.routes {
            StageLog.note(String(format: "route to target %d%@: %.3f %@, %.0f m, %d cells", route.targetIndex + 1,
                                 route.toShadow ? " (the nearest permanent shadow, \(route.target))" : "", route.cost, profile.costUnit,
                                 route.distanceM, route.vertices.count)
                          + (route.arrivalHours.map { String(format: ", arrives %.2f h after the start", $0) } ?? ""))
        }
        try TraverseOutputs.write(result, request: request, directory: output, options: options)
        try set.publish()
        progress.report(1)
    }

    /// A LAT,LON option value (exit 2 naming the option when malformed).
    func option(_ name: String, _ text: String) throws -> GeoPoint {
        do { return try GeoPoint(parsing: text) } catch let error as FarSideError { throw FarSideError.usage("\(name) \(error.description)") }
    }
}
