import ArgumentParser
import Batch
import Foundation
import GeoRaster
import Mission
import Orbits
import Visibility

/// The tile operation a plan's command line describes: the CLI parses it exactly as the single command
/// would (same options, same defaults), and the engine's operation computes one tile of it.
extension BatchCommand {
    static func operation(for command: [String]) throws -> any TileOperation {
        guard let name = command.first else { throw FarSideError.usage("batch: give the command after --, e.g. -- terrain --products slope") }
        let arguments = Array(command.dropFirst())
        func parse<C: ParsableCommand>(_ type: C.Type, _ prefix: [String]) throws -> C {
            do {
                return try C.parse(prefix + arguments)
            } catch {
                throw FarSideError.usage("batch: \(command.joined(separator: " ")): \(C.message(for: error))")
            }
        }
        switch name {
        case "terrain":
            let parsed = try parse(TerrainCommand.self, ["DEM", "-o", "RUN"])
            return TerrainTileOperation(products: try parsed.parsedProducts(), algorithm: parsed.algorithm)
        case "horizon":
            let parsed = try parse(HorizonCommand.self, ["DEM", "-o", "RUN/horizon.tif"])
            return HorizonTileOperation(settings: parsed.horizonSettings, int16: parsed.int16)
        case "illumination":
            return try parse(IlluminationCommand.self, ["DEM", "-o", "RUN"]).tileOperation()
        case "relay":
            return try parse(RelayCommand.self, ["DEM", "-o", "RUN"]).tileOperation()
        case "rank":
            let parsed = try parse(RankCommand.self, ["-o", "RUN"])
            guard parsed.sites == nil, parsed.sensitivity == 0 else {
                throw FarSideError.usage("batch: rank --sites and --sensitivity are single-process options (a tiled run ranks the whole region)")
            }
            return try parsed.tileOperation(MissionProfile.load(parsed.profile))
        default:
            throw FarSideError.usage("batch: '\(name)' is not a raster command (tiled: terrain, horizon, illumination, relay, rank)")
        }
    }
}

extension IlluminationCommand {
    /// This command as a tile operation (batch runs and in-process tiling).
    func tileOperation() throws -> IlluminationTileOperation {
        let time = try TimeWindow(start: parseTime(start, option: "--start"), end: parseTime(end, option: "--end"), step: TimeWindow.parseStep(step))
        let ephemeris = self.ephemeris
        try time.checkCoverage(try ephemeris.source())
        var mapping = IlluminationMapping(time: time, horizons: horizons.source(input: input))
        mapping.threads = runOptions.threads
        return IlluminationTileOperation(mapping: mapping, ephemeris: { try ephemeris.source() },
                                         inputFiles: ephemeris.inputFiles + horizons.inputFiles)
    }
}

extension RelayCommand {
    /// This command's map mode as a tile operation (batch runs and in-process tiling).
    func tileOperation() throws -> RelayTileOperation {
        let time = try TimeWindow(start: parseTime(start, option: "--start"), end: parseTime(end, option: "--end"), step: TimeWindow.parseStep(step))
        let ephemeris = self.ephemeris
        let source = try ephemeris.source()
        try time.checkCoverage(source)
        var mapping = RelayMapping(time: time, horizons: horizons.source(input: input), constellation: try BuiltInOrbits.resolve(orbit, ephemeris: source))
        mapping.minElevationDeg = minElevationDeg
        mapping.maxRangeKm = maxRangeKm
        mapping.threads = runOptions.threads
        let orbitFile = FileManager.default.fileExists(atPath: orbit) ? [orbit] : []
        return RelayTileOperation(mapping: mapping, orbit: orbit, ephemeris: { try ephemeris.source() },
                                  inputFiles: ephemeris.inputFiles + horizons.inputFiles + orbitFile)
    }
}

extension RankCommand {
    /// This command (searching the whole region) as a tile operation (batch runs and in-process tiling).
    func tileOperation(_ mission: MissionProfile) throws -> RankTileOperation {
        var mapping = RankMapping(profile: mission)
        mapping.horizons = horizonSettings
        mapping.threads = runOptions.threads
        let ephemeris = self.ephemeris
        if mission.needsTime, let start = mission.start, let end = mission.end {
            try TimeWindow(start: start, end: end, step: mission.stepSeconds).checkCoverage(try ephemeris.source())
        }
        return RankTileOperation(mapping: mapping, ephemeris: { try ephemeris.source() }, inputFiles: ephemeris.inputFiles + inputFiles(mission))
    }
}

extension EphemerisOptions {
    /// The kernel files the ephemeris reads (checksummed in a batch plan).
    var inputFiles: [String] {
        guard let kernels else { return [] }
        let names = (try? FileManager.default.contentsOfDirectory(atPath: kernels)) ?? []
        return names.sorted().map { URL(fileURLWithPath: kernels).appendingPathComponent($0).path }.filter {
            var isDirectory: ObjCBool = false
            return FileManager.default.fileExists(atPath: $0, isDirectory: &isDirectory) && !isDirectory.boolValue
        }
    }
}

extension HorizonSourceOptions {
    /// The horizon or far-field file the horizons read.
    var inputFiles: [String] { [horizon, farField].compactMap { $0 } }
}

extension RankCommand {
    /// The profile's file (not a built-in one) and the user rasters its criteria read.
    func inputFiles(_ mission: MissionProfile) -> [String] {
        (FileManager.default.fileExists(atPath: profile) ? [profile] : []) + mission.criteria.compactMap(\.file)
    }
}
