import ArgumentParser
import Ephemeris
import Foundation
import GeoRaster
import Mission
import Orbits
import Visibility

/// `farside relay --lat LAT --lon LON --start ISO --end ISO [--orbit queqiao-2|earth-moon-l2|earth|FILE]
/// [--step 10m] [--min-elevation-deg 5] [--max-range-km R] [--height-m H] [--csv] [--per-satellite]`:
/// a site's relay link windows; `farside relay DEM -o DIR ...`: relay_fraction, relay_max_gap_h, comms_fraction maps.
struct RelayCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "relay",
        abstract: "Relay-satellite visibility maps over a DEM, or a site's link windows.",
        discussion: """
            Site mode (--lat/--lon, no DEM): prints the link windows over [--start, --end) for the orbit: \
            start, end, duration, peak elevation and the satellite giving it. Windows are for the whole \
            constellation (a link exists when any satellite is visible); --per-satellite adds each \
            satellite's own windows. A link needs elevation >= --min-elevation-deg above the local \
            horizontal plane of the 1,737,400 m sphere (no terrain) and, with --max-range-km, a slant \
            range no longer than that. The orbit is sampled every --step; window edges are refined by \
            bisection to 0.5 s and peaks by a golden-section search. The summary's visible fraction and \
            longest gap count steps (as the relay maps do). Built-in orbits: queqiao-2 (node and phase \
            assumed: RAAN 0, mean anomaly 0 at 2024-04-02T00:00Z; give your own with an orbit file), \
            earth-moon-l2 (an approximate Queqiao-1-like halo), earth (direct-to-Earth link). FILE is a \
            YAML orbit file (see the Orbits module's OrbitFile). --kernels places the Earth (the direct \
            link, comms_fraction and the `earth` orbit) with the SPICE kernels in both modes; the relay \
            orbits are models defined in the IAU lunar frames and do not depend on the ephemeris.
            """
    )

    @Argument(help: "DEM for relay maps; omit it and give --lat/--lon for a site's link windows.")
    var dem: String?

    @Option(name: .shortAndLong, help: "Output directory (map mode).")
    var output: String?

    @Option(parsing: .unconditional, help: "Site planetocentric latitude, degrees.")
    var lat: Double?

    @Option(parsing: .unconditional, help: "Site east longitude, degrees (-180..360).")
    var lon: Double?

    @Option(help: "Start time, UTC ISO 8601.")
    var start: String

    @Option(help: "End time, UTC ISO 8601 (exclusive).")
    var end: String

    @Option(help: "queqiao-2, earth-moon-l2, earth, or a YAML orbit file.")
    var orbit: String = "queqiao-2"

    @Option(help: "Time step: 10m, 1h, 30s, 2d...")
    var step: String = "10m"

    @Option(name: .customLong("min-elevation-deg"), parsing: .unconditional, help: "Minimum elevation for a link, degrees.")
    var minElevationDeg: Double = 5

    @Option(name: .customLong("max-range-km"), parsing: .unconditional, help: "Maximum slant range for a link, km (default: none).")
    var maxRangeKm: Double?

    @OptionGroup var horizons: HorizonSourceOptions
    @OptionGroup var ephemeris: EphemerisOptions
    @OptionGroup var input: InputOptions
    @OptionGroup var runOptions: RunOptions

    var heightM: Double { horizons.heightM }

    @Flag(help: "Print CSV instead of a table.")
    var csv = false

    @Flag(name: .customLong("per-satellite"), help: "Also list each satellite's own windows (constellations).")
    var perSatellite = false

    func validate() throws {
        if dem == nil {
            guard lat != nil, lon != nil else { throw ValidationError("give --lat and --lon for a site's link windows (or a DEM for maps)") }
        }
        if let lat { guard lat.isFinite, abs(lat) <= 90 else { throw ValidationError("--lat \(lat): must be -90 ... 90") } }
        if let lon { guard lon.isFinite, lon >= -180, lon <= 360 else { throw ValidationError("--lon \(lon): must be -180 ... 360") } }
        guard minElevationDeg.isFinite, abs(minElevationDeg) <= 90 else {
            throw ValidationError("--min-elevation-deg \(minElevationDeg): must be -90 ... 90")
        }
        if let maxRangeKm { guard maxRangeKm.isFinite, maxRangeKm > 0 else { throw ValidationError("--max-range-km \(maxRangeKm): must be positive") } }
        if dem != nil && output == nil { throw ValidationError("-o DIR is required for relay maps over a DEM") }
        if dem != nil && (lat != nil || lon != nil) {
            throw ValidationError("--lat/--lon: site mode takes no DEM; give a DEM for maps or --lat/--lon for a site's windows, not both")
        }
        if dem == nil && output != nil { throw ValidationError("-o \(output!): site mode writes no files (it prints the windows); give a DEM for maps") }
        if dem != nil && (csv || perSatellite) { throw ValidationError("--csv/--per-satellite: site mode only (no DEM)") }
    }

    func run() throws {
        if let dem, let output { return try runMaps(dem: dem, output: output) }
        guard let lat, let lon else { throw FarSideError.usage("give --lat and --lon") }
        let window = try TimeWindow(start: parseTime(start, option: "--start"), end: parseTime(end, option: "--end"),
                                    step: TimeWindow.parseStep(step))
        let source = try ephemeris.source()
        let coverage = source.coverage
        guard coverage.contains(window.start), coverage.contains(window.end) else {
            throw FarSideError.badInput("--start/--end: outside the coverage of \(source.name) (\(coverage.lowerBound) ... \(coverage.upperBound))")
        }
        let constellation = try BuiltInOrbits.resolve(orbit, ephemeris: source)
        let site = SurfaceSite(latitude: lat, longitude: CoordinateTransformer.wrapLongitude(lon), heightMeters: heightM)
        let criteria = LinkCriteria(minElevationDeg: minElevationDeg, maxRangeKm: maxRangeKm)
        func analyse(_ c: Constellation) throws -> LinkReport {
            try LinkAnalysis(site: site, constellation: c, criteria: criteria)
                .report(start: window.start, end: window.end, stepSeconds: window.step)
        }
        var reports = [try analyse(constellation)]
        if perSatellite && constellation.satellites.count > 1 {
            for s in constellation.satellites {
                reports.append(try analyse(Constellation(name: s.name, satellites: [s])))
            }
        }
        if csv {
            print("link,start_utc,end_utc,duration_h,peak_elevation_deg,peak_utc,peak_satellite,satellites")
            for r in reports {
                for w in r.windows {
                    print([Self.csvField(r.constellation), Self.time(w.start), Self.time(w.end), String(format: "%.4f", w.durationHours),
                           String(format: "%.3f", w.peakElevationDeg), Self.time(w.peakTime), Self.csvField(w.peakSatellite),
                           Self.csvField(w.satellites.joined(separator: ";"))].joined(separator: ","))
                }
            }
            return
        }
        let members = constellation.satellites.count
        print("Relay links: \(constellation.name) (\(members) satellite\(members == 1 ? "" : "s"))"
              + String(format: " seen from lat %.4f, lon %.4f, height %.1f m", site.latitude, site.longitude, heightM))
        print("Interval: \(Self.time(window.start)) ... \(Self.time(window.end)), step \(Self.seconds(window.step)), "
              + String(format: "min elevation %.1f deg", minElevationDeg)
              + (maxRangeKm.map { String(format: ", max range %.0f km", $0) } ?? "") + " (smooth sphere, no terrain)")
        for (index, r) in reports.enumerated() {
            print("")
            if index > 0 {
                print("Windows of \(r.constellation) alone:")
            } else {
                print(members > 1 ? "Constellation windows (a link to any of the \(members) satellites):" : "Windows:")
            }
            let header = ["start_utc", "end_utc", "duration_h", "peak_elev_deg", "peak_utc", "peak_satellite"]
            var rows = [header]
            for w in r.windows {
                rows.append([Self.time(w.start) + (w.clippedAtStart ? "<" : ""), Self.time(w.end) + (w.clippedAtEnd ? ">" : ""),
                             String(format: "%.2f", w.durationHours), String(format: "%.2f", w.peakElevationDeg),
                             Self.time(w.peakTime), w.peakSatellite])
            }
            Self.printTable(rows)
            if r.windows.isEmpty { print("  (no link in the interval)") }
            print(String(format: "%@: linked %.1f %% of steps (%d of %d), %.2f h in windows, longest gap %.2f h, %d window%@",
                         r.constellation, 100 * r.visibleFraction, r.linkedSteps, r.stepCount, r.linkedHours,
                         r.longestGapHours, r.windows.count, r.windows.count == 1 ? "" : "s"))
        }
        if reports.contains(where: { $0.windows.contains { $0.clippedAtStart || $0.clippedAtEnd } }) {
            print("< / >: window cut by the start / end of the interval")
        }
    }

    /// Map mode: relay_fraction.tif, relay_max_gap_h.tif and comms_fraction.tif on the DEM's grid.
    func runMaps(dem: String, output: String) throws {
        let time = try TimeWindow(start: parseTime(start, option: "--start"), end: parseTime(end, option: "--end"),
                                  step: TimeWindow.parseStep(step))
        let source = try ephemeris.source()
        try time.checkCoverage(source)
        let constellation = try BuiltInOrbits.resolve(orbit, ephemeris: source)
        let dataset = try input.open(dem)
        defer { dataset.close() }
        let progress = runOptions.progress
        if try runInTilesIfNeeded(try tileOperation(), dataset: dataset, output: output, memoryMB: horizons.memoryMB, runOptions: runOptions) {
            return
        }
        let window = RasterWindow.whole(width: dataset.width, height: dataset.height)
        var mapping = RelayMapping(time: time, horizons: horizons.source(input: input), constellation: constellation)
        mapping.threads = runOptions.threads
        mapping.minElevationDeg = minElevationDeg
        mapping.maxRangeKm = maxRangeKm
        // The output set first (targets checked, folder made and locked, stale temporaries swept, space
        // checked): before any computation. Its files appear together at publish(), or none of them.
        var setOptions = runOptions.writeOptions
        let set = try prepareOutputs(&setOptions, directory: output, targets: RelayMapping.fileNames,
                                     estimatedBytes: 3 * setOptions.estimatedBytes(width: dataset.width, height: dataset.height, bands: 1)
                                         + mapping.horizons.scratchBytes(window: window))
        defer { set.abort() }
        let result = try mapping.run(dataset, window: window, ephemeris: source, scratchDirectory: output,
                                     progress: { progress.report(0.95 * $0) })
        for note in result.notes { StageLog.note("note: \(note)") }
        var options = setOptions
        options.metadata.merge(mapping.metadata(orbit: orbit, observerHeight: result.observerHeight)) { $1 }
        try OutputSet.writeRasters(RelayMapping.rasters(result.maps), directory: output, geometry: RasterGeometry(of: dataset),
                                   options: options)
        try set.publish()
        progress.report(1)
    }

    /// Whole-second UTC ISO 8601 (YYYY-MM-DDTHH:MM:SSZ).
    static func time(_ epoch: Epoch) -> String {
        let text = epoch.addingSeconds(0.5).utcISO8601
        return text.count >= 19 ? String(text.prefix(19)) + "Z" : text
    }

    static func seconds(_ s: Double) -> String {
        if s.truncatingRemainder(dividingBy: 3600) == 0 { return "\(Int(s / 3600)) h" }
        if s.truncatingRemainder(dividingBy: 60) == 0 { return "\(Int(s / 60)) min" }
        return String(format: "%g s", s)
    }

    static func csvField(_ s: String) -> String {
        s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" }) ? "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : s
    }

    static func printTable(_ rows: [[String]]) {
        guard let first = rows.first else { return }
        var widths = first.map(\.count)
        for row in rows { for (i, cell) in row.enumerated() { widths[i] = max(widths[i], cell.count) } }
        for row in rows {
            print(row.enumerated().map { i, cell in
                i == row.count - 1 ? cell : cell.padding(toLength: widths[i], withPad: " ", startingAt: 0)
            }.joined(separator: "  "))
        }
    }
}
