import Foundation
import GeoRaster
import TestSupport
import XCTest

/// Outputs under faults (issue 12, sections 2, 3 and 6): creation options, special files as targets,
/// kills and signals, concurrent runs into one folder, standard output on a full device, folders a failed
/// run created, a full disk. Each case checks the exit status, the one-line message, and what is left.
final class OutputSafetyTests: XCTestCase {
    var folder: URL!

    override func setUp() { folder = TestSupport.scratchDirectory("outsafety") }
    override func tearDown() { try? FileManager.default.removeItem(at: folder) }

    func path(_ name: String) -> String { folder.appendingPathComponent(name).path }

    /// A 64 x 64 synthetic south-pole DEM (debug builds sweep slowly) (shared by the tests of one instance).
    func dem() throws -> String {
        let p = path("dem.tif")
        if !FileManager.default.fileExists(atPath: p) {
            let r = try FarSideBinary.run(["synth", "--preset", "south-pole", "--size", "64", "-o", p, "--quiet"])
            XCTAssertEqual(r.status, 0, r.stderr)
        }
        return p
    }

    /// Every name in `dir`, hidden ones included, sorted.
    func contents(_ dir: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []).sorted()
    }

    func assertOneLine(_ result: TestSupport.ProcessResult, status: Int32, mentions: String...,
                       file: StaticString = #filePath, line: UInt = #line) {
        assertOneLine(exit: result.status, stderr: result.stderr, status: status, mentions: mentions, file: file, line: line)
    }

    func assertOneLine(exit: Int32, stderr: String, status: Int32, mentions: [String], file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(exit, status, stderr, file: file, line: line)
        XCTAssertEqual(stderr.split(whereSeparator: \.isNewline).count, 1, "one line: \(stderr)", file: file, line: line)
        XCTAssertTrue(stderr.hasPrefix("farside: "), stderr, file: file, line: line)
        for m in mentions { XCTAssertTrue(stderr.contains(m), "names \(m): \(stderr)", file: file, line: line) }
    }

    /// Starts farside without waiting (stdout/stderr to pipes read after exit).
    func launch(_ arguments: [String]) throws -> (Process, Pipe) {
        try TestSupport.require(FarSideBinary.path != nil, "the farside executable beside the tests")
        let binary = FarSideBinary.path!
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = arguments
        let err = Pipe()
        process.standardOutput = FileHandle.nullDevice
        process.standardError = err
        try process.run()
        return (process, err)
    }

    /// Waits until `condition` holds (polling), at most `timeout` seconds.
    @discardableResult
    func waitFor(_ timeout: Double = 30, _ condition: () -> Bool) -> Bool {
        let end = Date().addingTimeInterval(timeout)
        while Date() < end {
            if condition() { return true }
            usleep(20_000)
        }
        return condition()
    }

    func hasTemporary(_ dir: String) -> Bool { contents(dir).contains { $0.contains(".tmp-") } }

    // MARK: creation options and defaults

    func testUnknownCreationOptionIsAUsageErrorNamingIt() throws {
        let dem = try dem()
        let r = try FarSideBinary.run(["terrain", dem, "-o", path("out"), "--co", "FOO=1", "--quiet"])
        assertOneLine(r, status: 2, mentions: "--co FOO=1: not a GTiff creation option")
        XCTAssertFalse(FileManager.default.fileExists(atPath: path("out")), "nothing created")
        let cog = try FarSideBinary.run(["terrain", dem, "-o", path("out"), "--cog", "--co", "ZLEVEL=3", "--quiet"])
        assertOneLine(cog, status: 2, mentions: "--co ZLEVEL=3: not a COG creation option")
        let bare = try FarSideBinary.run(["horizon", dem, "-o", path("h.tif"), "--co", "COMPRESS", "--quiet"])
        assertOneLine(bare, status: 2, mentions: "--co COMPRESS", "KEY=VALUE")
        XCTAssertEqual(contents(folder.path), ["dem.tif"])
    }

    func testInvalidCreationOptionValueIsAUsageErrorNamingIt() throws {
        let dem = try dem()
        let r = try FarSideBinary.run(["terrain", dem, "-o", path("out"), "--co", "COMPRESS=BOGUS", "--quiet"])
        assertOneLine(r, status: 2, mentions: "--co COMPRESS=BOGUS", "invalid value")
        let level = try FarSideBinary.run(["terrain", dem, "-o", path("out"), "--co", "BLOCKXSIZE=abc", "--quiet"])
        assertOneLine(level, status: 2, mentions: "--co BLOCKXSIZE=abc")
        XCTAssertEqual(contents(folder.path), ["dem.tif"])
    }

    /// Default: uncompressed 512 x 512 tiles (GDAL's convention); --co overrides it and the tiling.
    func testDefaultIsUncompressedTiledAndCreationOptionsOverride() throws {
        let dem = try dem()
        let plain = try FarSideBinary.run(["terrain", dem, "-o", path("plain"), "--products", "slope", "--quiet"])
        XCTAssertEqual(plain.status, 0, plain.stderr)
        let ds = try RasterDataset.open(path("plain/slope.tif"))
        XCTAssertNil(ds.metadataItem("COMPRESSION", domain: "IMAGE_STRUCTURE"))
        XCTAssertEqual(ds.blockSize.width, 512)
        ds.close()
        let zstd = try FarSideBinary.run(["terrain", dem, "-o", path("zstd"), "--products", "slope", "--quiet",
                                          "--co", "COMPRESS=ZSTD", "--co", "ZSTD_LEVEL=3", "--co", "BLOCKXSIZE=256", "--co", "BLOCKYSIZE=256"])
        XCTAssertEqual(zstd.status, 0, zstd.stderr)
        let z = try RasterDataset.open(path("zstd/slope.tif"))
        defer { z.close() }
        XCTAssertEqual(z.metadataItem("COMPRESSION", domain: "IMAGE_STRUCTURE"), "ZSTD")
        XCTAssertEqual(z.blockSize.width, 256)
        let a = try TestSupport.readRaster(path("plain/slope.tif")), b = try TestSupport.readRaster(path("zstd/slope.tif"))
        XCTAssertEqual(a.values.map(\.bitPattern), b.values.map(\.bitPattern), "same values whatever the layout")
        XCTAssertEqual(contents(path("zstd")), ["slope.tif"])
        // With --cog the options go to the COG driver; the staging copy leaves nothing behind.
        let cog = try FarSideBinary.run(["terrain", dem, "-o", path("cog"), "--products", "slope", "--quiet", "--cog",
                                         "--co", "COMPRESS=ZSTD", "--co", "LEVEL=5"])
        XCTAssertEqual(cog.status, 0, cog.stderr)
        let c = try RasterDataset.open(path("cog/slope.tif"))
        defer { c.close() }
        XCTAssertEqual(c.metadataItem("COMPRESSION", domain: "IMAGE_STRUCTURE"), "ZSTD")
        XCTAssertEqual(c.metadataItem("LAYOUT", domain: "IMAGE_STRUCTURE"), "COG")
        XCTAssertEqual(contents(path("cog")), ["slope.tif"])
    }

    // MARK: special files as outputs

    func testFIFOAsOutputIsRefusedBeforeComputing() throws {
        let dem = try dem()
        let fifo = path("pipe.tif")
        XCTAssertEqual(mkfifo(fifo, 0o644), 0)
        let r = try FarSideBinary.run(["horizon", dem, "-o", fifo, "--azimuths", "8", "--quiet"])
        assertOneLine(r, status: 4, mentions: "pipe.tif", "FIFO")
        var info = stat()
        XCTAssertEqual(stat(fifo, &info), 0)
        XCTAssertEqual(info.st_mode & S_IFMT, S_IFIFO, "still a FIFO")
        XCTAssertEqual(contents(folder.path), ["dem.tif", "pipe.tif"], "no temporary, no lock")
        // A link to a FIFO is refused too.
        XCTAssertEqual(symlink(fifo, path("link.tif")), 0)
        let link = try FarSideBinary.run(["horizon", dem, "-o", path("link.tif"), "--azimuths", "8", "--quiet"])
        assertOneLine(link, status: 4, mentions: "link.tif", "FIFO")
    }

    func testDirectoryWhereAFileIsExpectedIsRefused() throws {
        let dem = try dem()
        try FileManager.default.createDirectory(atPath: path("h.tif"), withIntermediateDirectories: false)
        let r = try FarSideBinary.run(["horizon", dem, "-o", path("h.tif"), "--azimuths", "8", "--quiet"])
        assertOneLine(r, status: 4, mentions: "h.tif", "directory")
        // A folder command whose product name is taken by a folder: refused up front, nothing written.
        try FileManager.default.createDirectory(atPath: path("out/aspect.tif"), withIntermediateDirectories: true)
        let t = try FarSideBinary.run(["terrain", dem, "-o", path("out"), "--quiet"])
        assertOneLine(t, status: 4, mentions: "aspect.tif", "directory")
        XCTAssertEqual(contents(path("out")), ["aspect.tif"])
        // -o naming a regular file where a folder is expected.
        let f = try FarSideBinary.run(["terrain", dem, "-o", dem, "--quiet"])
        assertOneLine(f, status: 4, mentions: "dem.tif", "not a directory")
    }

    // MARK: kills, signals, stale temporaries

    /// SIGKILL at a random point of `farside horizon`, then a rerun: only the finished output remains.
    func testKill9AtARandomPointThenRerunLeavesOnlyTheFinishedOutput() throws {
        let dem = try dem()
        let out = path("h.tif")
        let args = ["horizon", dem, "-o", out, "--azimuths", "32", "--threads", "1", "--quiet"]
        let (p, _) = try launch(args)
        // Somewhere between the temporary's creation and the last bands (the run takes seconds in debug builds).
        XCTAssertTrue(waitFor { self.hasTemporary(self.folder.path) }, "a temporary appears")
        let delay = Double.random(in: 0...0.8)
        usleep(useconds_t(delay * 1_000_000))
        kill(p.processIdentifier, SIGKILL)
        p.waitUntilExit()
        if p.terminationReason == .uncaughtSignal {
            XCTAssertTrue(hasTemporary(folder.path), "SIGKILL leaves the temporary (killed after \(delay) s)")
            XCTAssertFalse(FileManager.default.fileExists(atPath: out), "no final file")
        }
        let rerun = try FarSideBinary.run(args)
        XCTAssertEqual(rerun.status, 0, rerun.stderr)
        XCTAssertEqual(contents(folder.path), ["dem.tif", "h.tif"], "killed after \(delay) s")
    }

    /// Temporaries of processes that no longer exist are removed by the next run into the folder; those
    /// of a live process and unrelated hidden files are kept.
    func testNextRunRemovesTemporariesOfDeadProcessesOnly() throws {
        let dem = try dem()
        let out = path("out")
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        // A PID that is gone: a child that has exited and been reaped.
        let child = Process()
        child.executableURL = URL(fileURLWithPath: "/bin/true")
        try child.run()
        child.waitUntilExit()
        let dead = child.processIdentifier, live = getpid()
        let host = TemporaryFiles.hostTag
        let stale = [".slope.tif.tmp-\(dead)-\(host)-0badf00d.tif", ".horizon.tif.tmp-\(dead)-\(host)-12345678.tif",
                     ".sites.gpkg.tmp-\(dead)-\(host)-00000001.gpkg-journal", ".h.tif.tmp-\(dead)-123456789.tif",
                     ".horizon-\(dead).tif", ".x.tif.tmp-\(dead)-1.tif.cog.tif", ".farside.lock"]
        let kept = [".slope.tif.tmp-\(live)-\(host)-0badf00d.tif", ".slope.tif.tmp-\(dead)-00000000-0badf00d.tif",
                    ".notes.tmp-x", "keep.tif"]
        for name in stale + kept { FileManager.default.createFile(atPath: "\(out)/\(name)", contents: Data([1])) }
        // The stale lock file is empty (FarSide's are).
        FileManager.default.createFile(atPath: "\(out)/.farside.lock", contents: Data())
        let r = try FarSideBinary.run(["terrain", dem, "-o", out, "--products", "slope", "--quiet"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(contents(out), (kept + ["slope.tif"]).sorted())
    }

    /// SIGTERM while `farside horizon` writes into a folder it created: exit 143, the temporary, the lock
    /// and the folder are gone.
    func testSIGTERMRemovesTemporariesLockAndTheFolderTheRunCreated() throws {
        let dem = try dem()
        let dir = path("new/deeper")
        let (p, _) = try launch(["horizon", dem, "-o", "\(dir)/h.tif", "--azimuths", "64", "--threads", "1", "--quiet"])
        XCTAssertTrue(waitFor { self.hasTemporary(dir) }, "a temporary appears")
        kill(p.processIdentifier, SIGTERM)
        p.waitUntilExit()
        XCTAssertEqual(p.terminationStatus, 128 + SIGTERM)
        XCTAssertEqual(contents(folder.path), ["dem.tif"], "new/deeper removed with its temporary and lock")
    }

    /// SIGINT (Ctrl-C) while `farside illumination` computes horizons into an existing folder through a
    /// temporary horizon file (--horizon-cache-mb 0): exit 130, nothing left, the folder itself kept.
    func testSIGINTRemovesTemporariesAndKeepsAnExistingFolder() throws {
        let dem = try dem()
        let out = path("out")
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: false)
        let (p, _) = try launch(["illumination", dem, "-o", out, "--start", "2024-05-01T00:00:00Z", "--end", "2024-05-02T00:00:00Z",
                                 "--azimuths", "64", "--horizon-cache-mb", "0", "--threads", "1", "--quiet"])
        XCTAssertTrue(waitFor { self.hasTemporary(out) }, "a temporary appears")
        kill(p.processIdentifier, SIGINT)
        p.waitUntilExit()
        XCTAssertEqual(p.terminationStatus, 128 + SIGINT)
        XCTAssertEqual(contents(out), [], "no temporary horizon file, no lock")
        XCTAssertEqual(contents(folder.path), ["dem.tif", "out"])
    }

    // MARK: concurrent runs, all-or-nothing sets

    /// A second run into a folder another run is writing fails at once (exit 4, one line) and touches
    /// nothing; the first run's whole set appears.
    func testSecondRunIntoABusyFolderFailsAtOnce() throws {
        let dem = try dem()
        // The first run must still be working when the second starts: a larger DEM and many azimuths
        // (a few seconds on one thread).
        let big = path("big.tif")
        XCTAssertEqual(try FarSideBinary.run(["synth", "--preset", "south-pole", "--size", "256", "-o", big, "--quiet"]).status, 0)
        let out = path("out")
        let (first, firstErr) = try launch(["illumination", big, "-o", out, "--start", "2024-05-01T00:00:00Z", "--end", "2024-05-02T00:00:00Z",
                                            "--azimuths", "720", "--threads", "1", "--quiet"])
        XCTAssertTrue(waitFor { FileManager.default.fileExists(atPath: "\(out)/.farside.lock") }, "the first run locks the folder")
        let start = Date()
        let second = try FarSideBinary.run(["rank", "--profile", "terrain-only", "--dem", dem, "-o", out, "--quiet"])
        let elapsed = Date().timeIntervalSince(start)
        first.waitUntilExit()
        let firstMessage = String(decoding: firstErr.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        XCTAssertLessThan(elapsed, 30, "the second run fails at once")
        assertOneLine(second, status: 4, mentions: out, "another farside run is writing here")
        XCTAssertEqual(first.terminationStatus, 0, firstMessage)
        XCTAssertEqual(contents(out), ["earth_fraction.tif", "max_darkness_h.tif", "psr.tif", "sun_fraction.tif"])
    }

    /// OutputSet: staged files appear only at publish, all together; abort leaves nothing, and removes the
    /// folder it created.
    func testOutputSetPublishesAllOrNothing() throws {
        let dir = path("set/a")
        let set = try OutputSet(directory: dir, targets: ["one.txt", "two.txt"], estimatedBytes: 10)
        try set.write(Data("1".utf8), to: "one.txt")
        try set.write(Data("2".utf8), to: "two.txt")
        XCTAssertEqual(contents(dir).filter { !$0.hasPrefix(".") }, [], "nothing visible before publish")
        try set.publish()
        XCTAssertEqual(contents(dir), ["one.txt", "two.txt"])
        let other = try OutputSet(directory: path("set2/b"), targets: ["one.txt"], estimatedBytes: 10)
        try other.write(Data("1".utf8), to: "one.txt")
        other.abort()
        XCTAssertEqual(contents(folder.path), ["set"], "set2 and set2/b removed")
        // A rank run's seven files: all or none (here: refused up front because one target is a folder).
        let dem = try dem()
        try FileManager.default.createDirectory(atPath: path("rank/report.html"), withIntermediateDirectories: true)
        let r = try FarSideBinary.run(["rank", "--profile", "terrain-only", "--dem", dem, "-o", path("rank"), "--quiet"])
        assertOneLine(r, status: 4, mentions: "report.html")
        XCTAssertEqual(contents(path("rank")), ["report.html"])
    }

    // MARK: standard output, failed runs, full disks

    func testStandardOutputOnAFullDeviceIsExit4() throws {
        guard FileManager.default.fileExists(atPath: "/dev/full"), let binary = FarSideBinary.path else { throw XCTSkip("no /dev/full") }
        let dem = try dem()
        for args in [["info", dem], ["info", dem, "--json"], ["sun", "--lat", "-89.5", "--lon", "0", "--time", "2024-06-01T00:00:00Z", "--json"]] {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: binary)
            process.arguments = args
            process.standardOutput = FileHandle(forWritingAtPath: "/dev/full")
            let err = Pipe()
            process.standardError = err
            try process.run()
            process.waitUntilExit()
            let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            assertOneLine(exit: process.terminationStatus, stderr: stderr, status: 4, mentions: ["standard output", "disk full"])
        }
    }

    /// A run that fails after creating its output folder removes it (and only a folder it created).
    func testFailedRunRemovesTheFolderItCreated() throws {
        let nodata = try TestSupport.writeRaster(Grid(width: 64, height: 64, repeating: .nan), to: path("nodata.tif"),
                                                 transform: GeoTransform(originX: 0, originY: 0, pixelWidth: 20, pixelHeight: -20),
                                                 crs: "IAU_2015:30135")
        let r = try FarSideBinary.run(["terrain", nodata, "-o", path("made/by/run"), "--quiet"])
        assertOneLine(r, status: 3, mentions: "nodata.tif")
        XCTAssertEqual(contents(folder.path), ["nodata.tif"], "made/by/run removed")
        try FileManager.default.createDirectory(atPath: path("mine"), withIntermediateDirectories: false)
        let again = try FarSideBinary.run(["terrain", nodata, "-o", path("mine"), "--quiet"])
        XCTAssertEqual(again.status, 3)
        XCTAssertEqual(contents(folder.path), ["mine", "nodata.tif"], "a folder the user made stays")
        XCTAssertEqual(contents(path("mine")), [])
    }

    /// Write errors name the file and say "disk full" instead of libtiff's "scanline 4294967295".
    func testWriteFailureMessages() {
        let p = path("x.tif")
        XCTAssertEqual(OutputPaths.writeFailure(p, errno: ENOSPC, detail: "TIFFAppendToStrip:Write error at scanline 4294967295").description,
                       "\(p): disk full")
        XCTAssertEqual(OutputPaths.writeFailure(p, errno: 0, detail: "x.tif: No space left on device").description, "\(p): disk full")
        let other = OutputPaths.writeFailure(p, errno: EIO, detail: "TIFFAppendToStrip:Write error at scanline 4294967295").description
        XCTAssertFalse(other.contains("scanline"), other)
        XCTAssertTrue(other.hasPrefix("\(p): write failed"), other)
    }

    /// On a small tmpfs (root only): outputs larger than the free space are refused up front; a disk that
    /// fills during the run gives "FILE: disk full", and the run leaves nothing (its folder included).
    func testFullDisk() throws {
        let dem = try dem()
        let mount = path("tmpfs")
        try FileManager.default.createDirectory(atPath: mount, withIntermediateDirectories: false)
        guard getuid() == 0, try TestSupport.run("/bin/mount", ["-t", "tmpfs", "-o", "size=24m", "tmpfs", mount]).status == 0 else {
            throw XCTSkip("cannot mount a tmpfs (needs root)")
        }
        defer { _ = try? TestSupport.run("/bin/umount", [mount]) }
        // 64^2 cells in 512^2 tiles x 64 bands x 4 bytes = 64 MiB > 24 MiB: refused before computing.
        let big = try FarSideBinary.run(["horizon", dem, "-o", "\(mount)/big/h.tif", "--azimuths", "64", "--quiet"])
        assertOneLine(big, status: 4, mentions: "\(mount)/big", "free")
        XCTAssertEqual(contents(mount), [])
        // 20 bands (20 MiB) pass the check; the disk is filled while the run writes.
        let (p, errPipe) = try launch(["horizon", dem, "-o", "\(mount)/new/h.tif", "--azimuths", "20", "--threads", "1", "--quiet"])
        XCTAssertTrue(waitFor { self.hasTemporary("\(mount)/new") }, "a temporary appears")
        _ = try TestSupport.run("/bin/dd", ["if=/dev/zero", "of=\(mount)/filler", "bs=1M", "count=64"])
        p.waitUntilExit()
        let stderr = String(decoding: errPipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        assertOneLine(exit: p.terminationStatus, stderr: stderr, status: 4, mentions: ["\(mount)/new/h.tif: disk full"])
        XCTAssertFalse(stderr.contains("scanline"), stderr)
        XCTAssertEqual(contents(mount), ["filler"], "the run's folder, temporary and lock are gone")
    }
}
