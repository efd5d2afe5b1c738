import Dispatch
import Foundation
import GeoRaster

/// `farside batch run`: computes the tiles of a task (or of every pending task), each committed
/// atomically: its outputs are published together (OutputSet), then its done record; a task killed at any
/// point leaves at most outputs without a record, which a rerun recomputes and a merge does not take.
public struct BatchRunner: Sendable {
    public var plan: BatchPlan
    public var run: RunFolder
    public var operation: any TileOperation
    public var threads = 1
    public var writeOptions = RasterWriteOptions()
    /// One line per stage (stderr on a terminal or not: Slurm keeps it in the task's log).
    public var log: @Sendable (String) -> Void = { _ in }

    public init(plan: BatchPlan, runFolder: String, operation: any TileOperation) {
        self.plan = plan
        run = RunFolder(runFolder)
        self.operation = operation
    }

    /// Runs task `task`: exit 2 for a task the plan does not have, 3 when the inputs changed or (a main
    /// task of a two-pass run) when a first-pass tile is not done.
    public func runTask(_ task: Int) throws {
        guard (0..<plan.taskCount).contains(task) else {
            throw FarSideError.usage("{task} \(task): the plan has tasks 0 ... \(plan.taskCount - 1)")
        }
        try plan.checkInputs(verifyChecksums: false)
        do {
            let (pass, tiles) = plan.work(ofTask: task)
            let dem = try RasterDataset.open(plan.inputs[0].path)
            defer { dem.close() }
            var operation = self.operation
            var mosaics: [String: (path: String, slot: Int32)] = [:]
            if pass == .prepass {
                guard let first = try operation.prepass(dem) else { throw FarSideError.failure("\(operation.name): the plan has a first pass, the operation none") }
                operation = first
            } else if let prepass = plan.prepass, tiles.contains(where: { DoneRecord.valid(run, tile: $0.index, verify: false) == nil }) {
                mosaics = try prepassMosaics(prepass, dem: dem)
            }
            defer { for m in mosaics.values { unlink(m.path); TemporaryFiles.forget(m.slot) } }
            for tile in tiles {
                if DoneRecord.valid(run, tile: tile.index, pass: pass) != nil {
                    log("task \(task): tile \(tile.index) already done")
                    continue
                }
                try runTile(tile, pass: pass, operation: operation, task: task, dem: dem, prepass: mosaics.mapValues(\.path))
            }
            unlink(run.failureRecord(task: task))
        } catch {
            recordFailure(task: task, error: error)
            throw error
        }
    }

    /// The first pass's outputs as mosaics (VRTs, registered temporaries in the run folder: removed after
    /// use, swept after a kill) on the DEM's grid; every first-pass tile must be done (badInput naming the
    /// tasks that are not).
    func prepassMosaics(_ prepass: TilePlan, dem: RasterDataset) throws -> [String: (path: String, slot: Int32)] {
        let missing = (0..<plan.prepassTaskCount).filter { k in plan.work(ofTask: k).tiles.contains { DoneRecord.valid(run, tile: $0.index, pass: .prepass, verify: false) == nil } }
        guard missing.isEmpty else {
            let listed = missing.prefix(20).map(String.init).joined(separator: ", ") + (missing.count > 20 ? ", ..." : "")
            throw FarSideError.badInput("\(run.path): first-pass task(s) \(listed) not done; they run first (submit.sh submits both passes in order; a local run of all tasks runs them first)")
        }
        guard let first = try operation.prepass(dem) else { throw FarSideError.failure("\(operation.name): the plan has a first pass, the operation none") }
        var mosaics: [String: (path: String, slot: Int32)] = [:]
        do {
            let folder = URL(fileURLWithPath: run.path).appendingPathComponent("prepass")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            _ = TemporaryFiles.sweep(folder.path)  // mosaics of killed tasks
            for name in first.outputNames {
                let path = TemporaryFiles.path(for: folder.appendingPathComponent((name as NSString).deletingPathExtension + ".vrt").path)
                mosaics[name] = (path, TemporaryFiles.register(path))
                try RasterMosaic.buildVRT(sources: prepass.tiles.map { URL(fileURLWithPath: run.tileFolder($0.index, pass: .prepass)).appendingPathComponent(name).path },
                                          to: path, grid: dem.geoTransform, width: dem.width, height: dem.height)
            }
        } catch {
            for m in mosaics.values { unlink(m.path); TemporaryFiles.forget(m.slot) }
            throw error
        }
        return mosaics
    }

    /// Runs every task that is not done, `jobs` at a time (each with `threads / jobs` threads): the first
    /// pass's tasks, then the main pass's.
    public func runAll(jobs: Int) throws {
        try plan.checkInputs(verifyChecksums: false)
        var copy = self
        copy.threads = max(1, threads / max(1, jobs))
        let runner = copy
        try forEachPendingTask(jobs: jobs) { try runner.runTask($0) }
    }

    /// Runs every task that is not done, `jobs` at a time, each in its own process: `executable` (this
    /// program) with `arguments(task, threads)` (e.g. `batch run RUN --task K --threads T`), as Slurm runs
    /// one process per array task: a task's memory is its own (peak RSS per process = one task's), and a
    /// task that crashes or is killed takes only itself down (it leaves no done record, so a rerun redoes it).
    public func runAllInProcesses(jobs: Int, executable: String, arguments: @escaping @Sendable (Int, Int) -> [String]) throws {
        try plan.checkInputs(verifyChecksums: false)
        let perTask = max(1, threads / max(1, jobs))
        try forEachPendingTask(jobs: jobs) { task in
            let process = Process()
            process.executableURL = URL(fileURLWithPath: executable)
            process.arguments = arguments(task, perTask)
            try process.run()
            process.waitUntilExit()
            if process.terminationReason != .exit || process.terminationStatus != 0 {
                let how = process.terminationReason == .exit ? "exit \(process.terminationStatus)" : "signal \(process.terminationStatus)"
                throw FarSideError.failure("task process ended with \(how)")
            }
        }
    }

    /// Calls `body` for every task with a tile not done, `jobs` at a time, pass by pass (a failure in the
    /// first pass stops the run before the main pass).
    func forEachPendingTask(jobs: Int, _ body: @escaping @Sendable (Int) throws -> Void) throws {
        for pass in [Pass.prepass, .main] {
            let pending = (0..<plan.taskCount).filter { task in
                let work = plan.work(ofTask: task)
                return work.pass == pass && work.tiles.contains { DoneRecord.valid(run, tile: $0.index, pass: pass) == nil }
            }
            if pending.isEmpty && pass == .prepass { continue }
            log("\(pending.count) of \(plan.taskCount) tasks pending" + (plan.prepass == nil ? "" : " in the \(pass == .prepass ? "first" : "main") pass")
                + (jobs > 1 ? ", \(min(jobs, max(1, pending.count))) at a time" : ""))
            let failures = FailureList()
            DispatchQueue.concurrentPerform(iterations: max(1, min(jobs, pending.count))) { worker in
                for k in stride(from: worker, to: pending.count, by: max(1, jobs)) {
                    do { try body(pending[k]) } catch { failures.append(pending[k], error) }
                }
            }
            if let first = failures.first {
                throw FarSideError.failure("\(failures.count) task(s) failed (first: task \(first.task): \(first.error)); `farside batch status` lists them")
            }
        }
    }

    func runTile(_ tile: TilePlan.Tile, pass: Pass, operation: any TileOperation, task: Int, dem: RasterDataset, prepass: [String: String]) throws {
        let start = Date()
        let folder = run.tileFolder(tile.index, pass: pass)
        let geometry = RasterGeometry(width: tile.core.width, height: tile.core.height,
                                      geoTransform: tile.core.geoTransform(in: dem.geoTransform), crsWKT: dem.crs.wkt)
        let nodata: Float = dem.nodata.map { Float($0) }.flatMap { $0.isFinite ? $0 : nil } ?? -9999
        // The tile's rasters and files appear together (one output set), then the done record commits them.
        let set = try OutputSet(directory: folder, targets: operation.outputNames + operation.fileNames,
                                estimatedBytes: operation.estimatedBytes(core: tile.core))
        var options = writeOptions
        options.outputSet = set
        try set.run {
            var output = TileOutput(folder: folder, options: options)
            output.prepass = prepass
            var result = try operation.compute(input: dem, core: tile.core, threads: threads, output: output)
            for note in result.notes { log("task \(task): tile \(tile.index): note: \(note)") }
            options.metadata.merge(result.metadata) { $1 }
            let rasters = try operation.outputNames.filter { !result.written.contains($0) }.map { name -> (name: String, grid: Grid, band: BandSpec) in
                guard let r = result.rasters.removeValue(forKey: name) else { throw FarSideError.failure("\(operation.name): no output \(name)") }
                return (name, r.grid, r.band)
            }
            try OutputSet.writeRasters(rasters, directory: folder, geometry: geometry, nodata: nodata, options: options)
            for name in operation.fileNames where !result.written.contains(name) {
                guard let data = result.files[name] else { throw FarSideError.failure("\(operation.name): no output \(name)") }
                try set.write(data, to: URL(fileURLWithPath: folder).appendingPathComponent(name).path)
            }
        }
        var checksums: [String: String] = [:]
        for name in operation.outputNames + operation.fileNames {
            checksums[name] = try DoneRecord.checksum(URL(fileURLWithPath: folder).appendingPathComponent(name).path)
        }
        let record = DoneRecord(tile: tile.index, task: task, outputs: checksums, seconds: Date().timeIntervalSince(start),
                                finishedUTC: ISO8601DateFormatter().string(from: Date()))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let donePath = run.doneRecord(tile.index, pass: pass)
        let done = try OutputSet(file: donePath, estimatedBytes: 4096)
        try done.run { try done.write(try encoder.encode(record), to: donePath) }
        log("task \(task): \(pass == .prepass ? "first-pass " : "")tile \(tile.index) (\(tile.core)) done in \(String(format: "%.2f", record.seconds)) s")
    }

    func recordFailure(task: Int, error: Error) {
        let record = FailureRecord(task: task, message: "\(error)", failedUTC: ISO8601DateFormatter().string(from: Date()))
        guard let data = try? JSONEncoder().encode(record),
              let set = try? OutputSet(file: run.failureRecord(task: task), estimatedBytes: 4096) else { return }
        try? set.run { try set.write(data, to: run.failureRecord(task: task)) }
    }
}

/// Failures collected from concurrent tasks.
private final class FailureList: @unchecked Sendable {
    private var items: [(task: Int, error: Error)] = []
    private let lock = NSLock()
    func append(_ task: Int, _ error: Error) { lock.lock(); items.append((task, error)); lock.unlock() }
    var count: Int { lock.lock(); defer { lock.unlock() }; return items.count }
    var first: (task: Int, error: Error)? { lock.lock(); defer { lock.unlock() }; return items.min { $0.task < $1.task } }
}
