import Foundation
import GeoRaster

/// A run folder's plan (RUN/plan.json): what every task computes, on which tiles, from which inputs.
/// `batch run` refuses a plan written by another FarSide version or whose inputs changed since.
public struct BatchPlan: Sendable, Codable, Equatable {
    /// plan.json's format; a FarSide that reads another format refuses the folder.
    public static let formatVersion = 3

    public var format: Int
    public var farsideVersion: String
    /// The command a tile runs, as on the command line without the DEM and -o (e.g. ["terrain", "--products", "slope"]).
    public var command: [String]
    /// The DEM, then every other input file the command reads.
    public var inputs: [InputRecord]
    public var tiling: TilePlan
    /// The first pass's tiles, for operations whose tiles read what their neighbours' first pass computed
    /// (`TileOperation.prepass`: rank's time layers and shadow masks); nil for one-pass runs.
    public var prepass: TilePlan?
    /// Tiles per task (several small tiles share a task where there are many).
    public var tilesPerTask: Int
    /// Estimated peak memory (MB) and CPUs of one task.
    public var memoryMBPerTask: Int
    public var cpusPerTask: Int

    public init(format: Int = formatVersion, farsideVersion: String, command: [String], inputs: [InputRecord], tiling: TilePlan,
                prepass: TilePlan? = nil, tilesPerTask: Int, memoryMBPerTask: Int, cpusPerTask: Int) {
        self.format = format
        self.farsideVersion = farsideVersion
        self.command = command
        self.inputs = inputs
        self.tiling = tiling
        self.prepass = prepass
        self.tilesPerTask = tilesPerTask
        self.memoryMBPerTask = memoryMBPerTask
        self.cpusPerTask = cpusPerTask
    }

    /// Tasks of the first pass (numbered first: 0 ..< prepassTaskCount), then of the main pass.
    public var prepassTaskCount: Int { prepass.map { ($0.tiles.count + tilesPerTask - 1) / tilesPerTask } ?? 0 }
    public var mainTaskCount: Int { (tiling.tiles.count + tilesPerTask - 1) / tilesPerTask }
    public var taskCount: Int { prepassTaskCount + mainTaskCount }

    /// The pass of task `k` and the tiles it computes.
    public func work(ofTask k: Int) -> (pass: Pass, tiles: ArraySlice<TilePlan.Tile>) {
        if k < prepassTaskCount, let prepass {
            let start = k * tilesPerTask
            return (.prepass, prepass.tiles[start..<min(prepass.tiles.count, start + tilesPerTask)])
        }
        let start = (k - prepassTaskCount) * tilesPerTask
        return (.main, tiling.tiles[start..<min(tiling.tiles.count, start + tilesPerTask)])
    }

    public static let fileName = "plan.json"

    /// plan.json's bytes (sorted keys: the same plan gives the same file).
    public func encoded() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return try encoder.encode(self) + Data("\n".utf8)
    }

    /// Reads RUN/plan.json; a missing or unreadable plan, another format or another FarSide version is
    /// badInput naming the file.
    public static func read(runFolder: String, expectedVersion: String) throws -> BatchPlan {
        let path = URL(fileURLWithPath: runFolder).appendingPathComponent(fileName).path
        guard let data = FileManager.default.contents(atPath: path) else {
            throw FarSideError.badInput("\(path): no plan (make one with `farside batch plan`)")
        }
        let plan: BatchPlan
        do { plan = try JSONDecoder().decode(BatchPlan.self, from: data) } catch {
            throw FarSideError.badInput("\(path): not a FarSide plan (\(error))")
        }
        guard plan.format == formatVersion else {
            throw FarSideError.badInput("\(path): plan format \(plan.format), this FarSide reads format \(formatVersion)")
        }
        guard plan.farsideVersion == expectedVersion else {
            throw FarSideError.badInput("\(path): planned by FarSide \(plan.farsideVersion), this is \(expectedVersion); plan the run again")
        }
        return plan
    }

    /// Throws badInput naming the first input whose size or modification time changed since the plan, and,
    /// with `verifyChecksums`, whose checksum did. Tasks check size and time (O(1): a checksum reads the
    /// whole DEM, which a task of a basin-wide run must not do); merge verifies the checksums, once.
    public func checkInputs(verifyChecksums: Bool) throws {
        for input in inputs {
            let now = try InputRecord(path: input.path, kind: input.kind, checksum: verifyChecksums)
            guard now.bytes == input.bytes, now.modified == input.modified, !verifyChecksums || now.checksum == input.checksum else {
                throw FarSideError.badInput("\(input.path): changed since the run was planned (size, time or checksum differs); plan the run again")
            }
        }
    }
}

/// A run's passes: the first pass's tiles (`BatchPlan.prepass`) are all done before a main tile runs.
public enum Pass: String, Sendable, Codable {
    case prepass, main
}

/// An input file with its size, modification time and checksum: GDAL's checksum of every band for rasters
/// (as gdalinfo -checksum), FNV-1a 64 of the bytes for other files.
public struct InputRecord: Sendable, Codable, Equatable {
    public enum Kind: String, Sendable, Codable { case raster, file }

    public var path: String
    public var kind: Kind
    public var bytes: Int64
    /// Modification time, seconds since 1970.
    public var modified: Double
    public var checksum: String

    /// The record of `path` now (without `checksum`, the checksum is left empty: size and time only).
    public init(path: String, kind: Kind, checksum computeChecksum: Bool = true) throws {
        let absolute = URL(fileURLWithPath: path).standardizedFileURL.path
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: absolute), let size = attributes[.size] as? NSNumber,
              let date = attributes[.modificationDate] as? Date else {
            throw FarSideError.badInput("\(absolute): cannot read")
        }
        self.path = absolute
        self.kind = kind
        bytes = size.int64Value
        modified = date.timeIntervalSince1970
        checksum = ""
        guard computeChecksum else { return }
        checksum = try Self.checksum(absolute, kind: kind)
    }

    /// GDAL's checksum of every band ("gdal:C1,C2,...") for rasters, FNV-1a 64 of the bytes for other files.
    public static func checksum(_ path: String, kind: Kind) throws -> String {
        switch kind {
        case .raster:
            let dataset = try RasterDataset.open(path)
            defer { dataset.close() }
            return "gdal:" + (1...max(1, dataset.bandCount)).map { String(dataset.checksum(band: $0)) }.joined(separator: ",")
        case .file:
            guard let data = FileManager.default.contents(atPath: path) else { throw FarSideError.badInput("\(path): cannot read") }
            var hash: UInt64 = 0xcbf2_9ce4_8422_2325
            for byte in data { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3 }
            return "fnv1a64:" + String(hash, radix: 16)
        }
    }
}
