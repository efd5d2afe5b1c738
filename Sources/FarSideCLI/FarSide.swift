import ArgumentParser
import Foundation
import GeoRaster

/// The `farside` command: lunar surface mapping and site selection.
public struct FarSide: ParsableCommand {
    public static let version = "0.1.0"

    /// This program's own file (for child processes: `batch run --all --jobs N`).
    static var executablePath: String {
        (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
    }

    public static let configuration = CommandConfiguration(
        commandName: "farside",
        abstract: "Lunar surface mapping and site selection for the far side and the south pole.",
        discussion: """
            Exit status: 0 success; 2 usage error; 3 bad input (unreadable raster, missing CRS, bad \
            profile...); 4 output could not be written; 1 anything else.
            """,
        version: version,
        subcommands: [InfoCommand.self, SynthCommand.self, TerrainCommand.self, SunCommand.self, HorizonCommand.self, IlluminationCommand.self, RelayCommand.self, RankCommand.self, TraverseCommand.self, StationCommand.self, BatchCommand.self]
    )

    public init() {}

    /// Parses and runs, mapping every failure to docs/conventions.md's exit statuses with a one-line message.
    public static func runMain(arguments: [String]? = nil) -> Never {
        // SIGINT/SIGTERM/SIGHUP (and crashes) remove this run's temporaries, lock files and the folders it
        // created before the process ends (TemporaryFiles).
        TemporaryFiles.installSignalHandlers()
        do {
            var command = try parseAsRoot(arguments)
            try command.run()
            try finishStandardOutput()
            Foundation.exit(0)
        } catch let error as FarSideError {
            fail(error.message(naming: option(for:)), code: error.exitCode)
        } catch {
            let code = exitCode(for: error)
            if code == .success {
                print(fullMessage(for: error))
                Foundation.exit(0)
            }
            let message = fullMessage(for: error).split(whereSeparator: \.isNewline).first.map(String.init) ?? "\(error)"
            // swift-argument-parser reports usage errors as EX_USAGE (64); the contract says 2.
            fail(message, code: code == .validationFailure ? 2 : (code.rawValue == 0 ? 1 : code.rawValue))
        }
    }

    /// Flushes standard output and fails (exit 4) when anything written to it was lost: a full disk
    /// (`> /dev/full`), a closed descriptor, an I/O error.
    static func finishStandardOutput() throws {
        errno = 0
        let flushed = fflush(stdout) == 0
        let code = errno
        if !flushed || ferror(stdout) != 0 {
            clearerr(stdout)
            let reason = code == ENOSPC ? "disk full" : String(cString: strerror(code == 0 ? EIO : code))
            throw FarSideError.outputFailed("standard output: write failed (\(reason))")
        }
    }

    /// The option through which the command line sets an engine parameter named in an error (`Setting`).
    static func option(for setting: Setting) -> String {
        switch setting {
        case .assumeCRS: return "--assume-crs"
        case .creationOption: return "--co"
        case .exactStatistics: return "--exact-stats"
        case .memoryMB: return "--memory-mb"
        case .farField: return "--far-field"
        case .farFieldMarginKm: return "--far-field-margin-km"
        case .profile, .stationProfile: return "--profile"
        case .rover: return "--rover"
        case .sites: return "--sites"
        case .timeWindow: return "--start/--end"
        case .start: return "--start"
        case .end: return "--end"
        case .step: return "--step"
        case .orbit: return "--orbit"
        case .size: return "--size"
        case .resolution: return "--resolution"
        case .centreLatitude: return "--lat"
        case .tileKm: return "--tile-km"
        case .task: return "--task"
        case .partialMerge: return "--partial"
        }
    }

    static func fail(_ message: String, code: Int32) -> Never {
        FileHandle.standardError.write(Data("farside: \(message)\n".utf8))
        Foundation.exit(code)
    }

    /// The command line as run, for output metadata.
    static var commandLine: String { (["farside"] + CommandLine.arguments.dropFirst()).joined(separator: " ") }

    static func outputMetadata() -> [String: String] {
        ["FARSIDE_COMMAND": commandLine, "FARSIDE_VERSION": version, "FARSIDE_GDAL": GDALEnvironment.version]
    }
}
