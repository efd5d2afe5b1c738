import Foundation
import GeoRaster
import TestSupport
import XCTest

/// A real single-node Slurm cluster (Scripts/slurm-local.sh, started and stopped here): a terrain run
/// planned in 9 tiles is submitted as a job array; one running task is cancelled; what is pending is
/// resubmitted; the merge equals the single command's output bit for bit.
final class SlurmBatchTests: XCTestCase {
    var folder: URL!
    var slurmDir: String!
    var environment: [String: String] = [:]

    override func setUpWithError() throws {
        folder = TestSupport.scratchDirectory("slurm")
        try TestSupport.require(getuid() == 0 || TestSupport.which("sudo") != nil, "root (or sudo) to run a local Slurm cluster")
        slurmDir = folder.appendingPathComponent("cluster").path
        environment = ["FARSIDE_SLURM_DIR": slurmDir, "FARSIDE_SLURM_PORT": "6837"]
        let start = cluster("start")
        try TestSupport.require(start.status == 0, "a local Slurm cluster (Scripts/slurm-local.sh start: \(start.log.suffix(300)))")
        environment["SLURM_CONF"] = slurmDir + "/slurm.conf"
    }

    override func tearDown() {
        if slurmDir != nil { _ = cluster("stop") }
        try? FileManager.default.removeItem(at: folder)
    }

    func path(_ name: String) -> String { folder.appendingPathComponent(name).path }

    /// Runs `Scripts/slurm-local.sh ACTION` through system(3), which waits for the script alone: the daemons
    /// it leaves running inherit its descriptors, and Foundation's Process would wait for them too.
    func cluster(_ action: String) -> (status: Int32, log: String) {
        let script = TestSupport.repositoryRoot.appendingPathComponent("Scripts/slurm-local.sh").path
        let log = folder.appendingPathComponent("slurm-\(action).log").path
        let line = "FARSIDE_SLURM_DIR='\(slurmDir!)' FARSIDE_SLURM_PORT=6837 '\(script)' \(action) >'\(log)' 2>&1 </dev/null"
        let status = system(line)
        return (status, (try? String(contentsOfFile: log, encoding: .utf8)) ?? "")
    }

    func shell(_ executable: String, _ arguments: [String]) throws -> TestSupport.ProcessResult {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let o = out.fileHandleForReading.readDataToEndOfFile(), e = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return TestSupport.ProcessResult(status: process.terminationStatus, stdout: String(decoding: o, as: UTF8.self),
                                         stderr: String(decoding: e, as: UTF8.self))
    }

    func slurm(_ command: String, _ arguments: [String]) throws -> TestSupport.ProcessResult {
        let tool = try XCTUnwrap(TestSupport.which(command), "\(command) installed by slurm-local.sh")
        return try shell(tool, arguments)
    }

    /// Waits until the job has no task left in the queue.
    func waitForJob(_ job: String, timeout: Double = 180) throws {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            let q = try slurm("squeue", ["-h", "-j", job, "-o", "%i %T"])
            if q.stdout.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { return }
            Thread.sleep(forTimeInterval: 0.5)
        }
        XCTFail("job \(job) still queued after \(timeout) s")
    }

    func testJobArrayWithACancelledTaskResubmittedMergesLikeTheSingleRun() throws {
        let binary = try XCTUnwrap(FarSideBinary.path)
        var r = try FarSideBinary.run(["synth", "--preset", "south-pole", "--size", "300", "--resolution", "20", "--seed", "8",
                                       "-o", path("dem.tif"), "--quiet"])
        XCTAssertEqual(r.status, 0, r.stderr)
        // Tasks that take a few seconds (so one can be cancelled while it runs): a wrapper that waits first.
        let wrapper = path("slow-farside")
        try "#!/bin/sh\nsleep 4\nexec '\(binary)' \"$@\"\n".write(toFile: wrapper, atomically: true, encoding: .utf8)
        chmod(wrapper, 0o755)
        r = try FarSideBinary.run(["batch", "plan", "--dem", path("dem.tif"), "--tile-km", "2", "-o", path("run"), "--farside", wrapper,
                                   "--throttle", "2", "--", "terrain", "--products", "slope,roughness"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("9 tiles"), r.stdout)
        let submitted = try slurm("sbatch", ["--parsable", path("run/slurm.sbatch")])
        XCTAssertEqual(submitted.status, 0, submitted.stderr)
        let job = submitted.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        // Cancel task 0 while it runs.
        var cancelled = false
        let deadline = Date().addingTimeInterval(60)
        while !cancelled && Date() < deadline {
            let q = try slurm("squeue", ["-h", "-j", job, "-o", "%i %T"])
            if q.stdout.contains("\(job)_0 RUNNING") {
                XCTAssertEqual(try slurm("scancel", ["\(job)_0"]).status, 0)
                cancelled = true
            } else {
                Thread.sleep(forTimeInterval: 0.2)
            }
        }
        XCTAssertTrue(cancelled, "task 0 seen running and cancelled")
        try waitForJob(job)
        r = try FarSideBinary.run(["batch", "status", path("run")])
        XCTAssertTrue(r.stdout.contains("8 done, 1 pending"), r.stdout)
        XCTAssertEqual(try FarSideBinary.run(["batch", "merge", path("run"), "-o", path("merged"), "--quiet"]).status, 3)
        // Resubmit what is pending: the same script, the array narrowed to the pending task.
        let again = try slurm("sbatch", ["--parsable", "--array=0", path("run/slurm.sbatch")])
        XCTAssertEqual(again.status, 0, again.stderr)
        try waitForJob(again.stdout.trimmingCharacters(in: .whitespacesAndNewlines))
        r = try FarSideBinary.run(["batch", "status", path("run")])
        XCTAssertTrue(r.stdout.contains("9 done, 0 pending, 0 failed"), r.stdout)
        r = try FarSideBinary.run(["batch", "merge", path("run"), "-o", path("merged"), "--quiet"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(try FarSideBinary.run(["terrain", path("dem.tif"), "-o", path("single"), "--products", "slope,roughness", "--quiet"]).status, 0)
        for name in ["slope", "roughness"] {
            let a = try TestSupport.readRaster(path("single/\(name).tif")), b = try TestSupport.readRaster(path("merged/\(name).tif"))
            XCTAssertTrue(zip(a.values, b.values).allSatisfy { $0.bitPattern == $1.bitPattern || ($0.isNaN && $1.isNaN) }, "\(name) bit-identical")
        }
        let logs = try FileManager.default.contentsOfDirectory(atPath: path("run/logs"))
        XCTAssertGreaterThanOrEqual(logs.count, 9, "one log per task attempt: \(logs)")
    }

    /// A two-pass rank run (time layers first) through RUN/submit.sh: the main array waits on the first
    /// (afterok), and the merge equals the single command's ranking.
    func testTwoPassRankThroughSubmitScriptMergesLikeTheSingleRun() throws {
        var r = try FarSideBinary.run(["synth", "--preset", "south-pole", "--size", "300", "--resolution", "20", "--seed", "8",
                                       "-o", path("dem.tif"), "--quiet"])
        XCTAssertEqual(r.status, 0, r.stderr)
        r = try FarSideBinary.run(["rank", "--profile", "ilrs-south-pole", "--show-profile"])
        try r.stdout.replacingOccurrences(of: "duration_h: 8760", with: "duration_h: 48").replacingOccurrences(of: "step: 2h", with: "step: 4h")
            .replacingOccurrences(of: "azimuths: 180", with: "azimuths: 36").write(toFile: path("ilrs.yaml"), atomically: true, encoding: .utf8)
        let horizons = ["--horizon-margin-km", "3", "--horizon-block-km", "5"]
        r = try FarSideBinary.run(["batch", "plan", "--dem", path("dem.tif"), "--tile-km", "5", "-o", path("run"), "--",
                                   "rank", "--profile", path("ilrs.yaml")] + horizons)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("4 tiles") && r.stdout.contains("first pass: 4 tiles"), r.stdout)
        let submitted = try shell("/bin/bash", [path("run/submit.sh")])
        XCTAssertEqual(submitted.status, 0, submitted.stderr)
        let jobs = submitted.stdout.split(whereSeparator: \.isNewline).map { String($0.split(separator: ";")[0]) }
        XCTAssertEqual(jobs.count, 2, submitted.stdout)
        for job in jobs { try waitForJob(job, timeout: 300) }
        r = try FarSideBinary.run(["batch", "status", path("run")])
        XCTAssertTrue(r.stdout.contains("8 done, 0 pending, 0 failed"), r.stdout)
        r = try FarSideBinary.run(["batch", "merge", path("run"), "-o", path("merged"), "--quiet"])
        XCTAssertEqual(r.status, 0, r.stderr)
        r = try FarSideBinary.run(["rank", "--profile", path("ilrs.yaml"), "--dem", path("dem.tif"), "-o", path("single"), "--quiet"] + horizons)
        XCTAssertEqual(r.status, 0, r.stderr)
        for name in ["score", "feasible"] {
            let a = try TestSupport.readRaster(path("single/\(name).tif")), b = try TestSupport.readRaster(path("merged/\(name).tif"))
            XCTAssertTrue(zip(a.values, b.values).allSatisfy { $0.bitPattern == $1.bitPattern || ($0.isNaN && $1.isNaN) }, "\(name) bit-identical")
        }
        XCTAssertEqual(try String(contentsOfFile: path("merged/sites.csv"), encoding: .utf8),
                       try String(contentsOfFile: path("single/sites.csv"), encoding: .utf8))
    }
}
