import Foundation
import GeoRaster

/// The files of a run folder:
///   plan.json, slurm.sbatch (+ slurm.N.sbatch)   the plan and its job arrays (`batch plan`)
///   tiles/NNNNNN/NAME.tif                        a tile's outputs, its core only (`batch run`)
///   done/NNNNNN.json                             the tile's done record, written after its outputs: the commit point
///   prepass/NNNNNN/, done/prepass-NNNNNN.json    the same for the first pass's tiles (two-pass runs)
///   failed/task-K.json                           task K's last failure (removed when it succeeds)
///   logs/                                        Slurm's task logs
public struct RunFolder: Sendable {
    public let path: String

    public init(_ path: String) { self.path = URL(fileURLWithPath: path).standardizedFileURL.path }

    func file(_ components: String...) -> String {
        components.reduce(URL(fileURLWithPath: path)) { $0.appendingPathComponent($1) }.path
    }

    static func tileName(_ index: Int) -> String { String(format: "%06d", index) }

    public func tileFolder(_ index: Int, pass: Pass = .main) -> String {
        file(pass == .main ? "tiles" : "prepass", Self.tileName(index))
    }
    public func doneRecord(_ index: Int, pass: Pass = .main) -> String {
        file("done", (pass == .main ? "" : "prepass-") + Self.tileName(index) + ".json")
    }
    public func failureRecord(task: Int) -> String { file("failed", "task-\(task).json") }
    public var logs: String { file("logs") }
}

/// A tile's done record: its outputs' GDAL checksums, how long it took, and when it finished.
public struct DoneRecord: Sendable, Codable, Equatable {
    public var tile: Int
    public var task: Int
    public var outputs: [String: String]
    public var seconds: Double
    public var finishedUTC: String

    /// The record of tile `index`, if it exists and every output it lists is there (with that checksum
    /// when `verify`: a rerun and a merge verify, `batch status` only looks, so it stays fast on big runs).
    static func valid(_ run: RunFolder, tile index: Int, pass: Pass = .main, verify: Bool = true) -> DoneRecord? {
        guard let data = FileManager.default.contents(atPath: run.doneRecord(index, pass: pass)),
              let record = try? JSONDecoder().decode(DoneRecord.self, from: data), record.tile == index else { return nil }
        for (name, checksum) in record.outputs {
            let file = URL(fileURLWithPath: run.tileFolder(index, pass: pass)).appendingPathComponent(name).path
            guard verify else {
                if !FileManager.default.fileExists(atPath: file) { return nil }
                continue
            }
            guard (try? Self.checksum(file)) == checksum else { return nil }
        }
        return record
    }

    /// A tile output's checksum: GDAL's per band for rasters (.tif), FNV-1a 64 of the bytes for other files.
    static func checksum(_ path: String) throws -> String {
        try InputRecord.checksum(path, kind: path.hasSuffix(".tif") ? .raster : .file)
    }
}

/// The last failure of a task (so `batch status` can say "failed" and why).
public struct FailureRecord: Sendable, Codable, Equatable {
    public var task: Int
    public var message: String
    public var failedUTC: String
}
