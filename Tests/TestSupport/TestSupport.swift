import Foundation
import GeoRaster
import XCTest

/// Shared helpers for FarSide's tests: scratch folders, fixture rasters, paths and peer tools.
public enum TestSupport {
    /// The repository root (this file is Tests/TestSupport/TestSupport.swift).
    public static let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// ../shared/data beside the repository (CI has it there too).
    public static let sharedData = repositoryRoot.deletingLastPathComponent().appendingPathComponent("shared/data")

    public static var ldem4: String { sharedData.appendingPathComponent("lola/LDEM_4.LBL").path }

    /// True under CI=true: missing peers or data are failures there, not skips.
    public static var inCI: Bool { ProcessInfo.processInfo.environment["CI"] == "true" }

    /// Missing test data or a missing peer tool, under CI (thrown: the test fails with this message).
    public struct MissingPrerequisite: Error, CustomStringConvertible {
        public var description: String
    }

    /// The one rule for missing test data and peer tools: unless `available`, a failure under CI=true
    /// (CI has ../shared/data and installs the peers) and a skip that says what is missing elsewhere.
    public static func require(_ available: Bool, _ what: String) throws {
        guard !available else { return }
        if inCI { throw MissingPrerequisite(description: "\(what) is missing (required under CI=true)") }
        throw XCTSkip("\(what) is missing: skipped (under CI=true this is a failure)")
    }

    /// `require` for a file or folder.
    public static func require(file path: String, _ what: String) throws {
        try require(FileManager.default.fileExists(atPath: path), "\(what) (\(path))")
    }

    /// LDEM_4 (../shared/data/lola), required as `require` says.
    public static func requireLDEM4() throws { try require(file: ldem4, "LOLA LDEM_4") }

    /// The JPL/NAIF kernels folder (../shared/data/kernels), required as `require` says.
    public static func requireKernels() throws -> String {
        let path = sharedData.appendingPathComponent("kernels").path
        try require(file: path, "the SPICE kernels")
        return path
    }

    /// A new empty scratch folder.
    public static func scratchDirectory(_ name: String = "test") -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("farside-\(name)-\(UUID().uuidString.prefix(8))")
        try! FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// Writes `grid` as a Float32 GeoTIFF with the given georeferencing (empty `crs` writes none).
    @discardableResult
    public static func writeRaster(_ grid: Grid, to path: String, transform: GeoTransform, crs: String, nodata: Float = -9999) throws -> String {
        let wkt = crs.isEmpty ? "" : try SpatialReference(definition: crs).wkt
        let writer = try RasterWriter(path: path, geometry: RasterGeometry(width: grid.width, height: grid.height, geoTransform: transform, crsWKT: wkt),
                                      bands: [BandSpec(description: "height")], nodata: nodata)
        try writer.write(grid, row: 0)
        try writer.commit()
        return path
    }

    /// Reads a whole raster.
    public static func readRaster(_ path: String) throws -> Grid {
        let ds = try RasterDataset.open(path)
        defer { ds.close() }
        return try ds.readRows(0..<ds.height)
    }

    /// Full path of an executable on PATH, or nil.
    public static func which(_ tool: String) -> String? {
        for dir in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":") {
            let p = "\(dir)/\(tool)"
            if FileManager.default.isExecutableFile(atPath: p) { return p }
        }
        return nil
    }

    public struct ProcessResult {
        public var status: Int32
        public var stdout: String
        public var stderr: String

        public init(status: Int32, stdout: String, stderr: String) {
            self.status = status
            self.stdout = stdout
            self.stderr = stderr
        }
    }

    /// Runs a program to completion.
    public static func run(_ executable: String, _ arguments: [String]) throws -> ProcessResult {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return ProcessResult(status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self), stderr: String(decoding: errData, as: UTF8.self))
    }

    /// A smooth but varied test surface (sum of sines and a crater-like bowl), heights in metres.
    public static func sampleSurface(width: Int, height: Int, cell: Double, seed: Double = 1) -> Grid {
        var g = Grid(width: width, height: height, repeating: 0)
        for r in 0..<height {
            for c in 0..<width {
                let x = Double(c) * cell, y = Double(r) * cell
                var z = 1500 + 300 * sin(x / 2300 + seed) * cos(y / 1700) + 40 * sin(x / 310 - y / 270 + seed)
                let d = hypot(x - Double(width) * cell * 0.4, y - Double(height) * cell * 0.6)
                z -= 250 * exp(-d * d / (2 * pow(Double(width) * cell * 0.1, 2)))
                g[r, c] = Float(z)
            }
        }
        return g
    }
}
