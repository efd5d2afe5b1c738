import ArgumentParser
import Batch
import Foundation
import GeoRaster

/// `farside batch plan|run|status|merge`: whole-DEM runs split into tiles, as Slurm job arrays or locally.
struct BatchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "batch",
        abstract: "Tiled runs: plan a run folder, run its tasks (Slurm job array or here), check, merge.",
        discussion: """
            farside batch plan --dem DEM --tile-km T -o RUN -- terrain --products slope   (RUN/plan.json, RUN/slurm.sbatch, RUN/submit.sh)
            bash RUN/submit.sh             (sbatch of each array; or: farside batch run RUN --all)
            farside batch status RUN
            farside batch merge RUN -o OUT (OUT/slope.tif as a COG, OUT/slope.vrt)
            Tiled: terrain, horizon, illumination, relay (maps) and rank (or --profile P). A rank run with a time
            window has two passes (its time layers first, then the scores): submit.sh chains their arrays.
            """,
        subcommands: [BatchPlanCommand.self, BatchRunCommand.self, BatchStatusCommand.self, BatchMergeCommand.self]
    )

    /// Writes one log line to stderr (terminal or not: Slurm keeps stderr in the task's log).
    static func log(_ line: String) {
        FileHandle.standardError.write(Data("farside batch: \(line)\n".utf8))
    }
}

/// `farside batch plan --dem DEM --tile-km T -o RUN -- COMMAND ARGS...`.
struct BatchPlanCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "plan", abstract: "Tile a DEM for a command: RUN/plan.json, RUN/slurm.sbatch (+ slurm.prepass.sbatch for two-pass runs) and RUN/submit.sh.")

    @Option(help: "The DEM.")
    var dem: String

    @Option(name: .customLong("tile-km"), parsing: .unconditional, help: "Core edge of a tile, km.")
    var tileKm: Double

    @Option(name: .shortAndLong, help: "Run folder.")
    var output: String

    @Option(name: .customLong("max-tasks"), parsing: .unconditional, help: "Most tasks in the job array; more tiles share tasks.")
    var maxTasks: Int = 1000

    @Option(name: .customLong("max-array-size"), parsing: .unconditional, help: "The cluster's MaxArraySize: longer arrays are split into several scripts.")
    var maxArraySize: Int = 1001

    @Option(parsing: .unconditional, help: "Run at most N tasks of the array at once (Slurm's %N).")
    var throttle: Int?

    @Option(name: .customLong("cpus-per-task"), parsing: .unconditional, help: "CPUs per task.")
    var cpusPerTask: Int = 1

    @Option(help: "Wall-clock limit per task (Slurm --time), e.g. 02:00:00.")
    var time: String?

    @Option(help: "The farside executable the tasks run (default: this one), e.g. its path on the compute nodes.")
    var farside: String?

    @Option(help: "A mission profile: the run ranks it (as `-- rank --profile P`).")
    var profile: String?

    @OptionGroup var input: InputOptions

    @Argument(parsing: .postTerminator, help: "The command each tile runs, after --, without the DEM and -o (e.g. -- terrain --products slope).")
    var command: [String] = []

    /// The command each tile runs: the one after --, or rank for --profile.
    var tileCommand: [String] { profile.map { ["rank", "--profile", $0] } ?? command }

    func validate() throws {
        guard (profile == nil) != command.isEmpty else { throw ValidationError("give either --profile P or -- COMMAND ARGS...") }
        guard tileKm.isFinite, tileKm > 0 else { throw ValidationError("--tile-km \(tileKm): must be positive") }
        guard maxTasks >= 1 else { throw ValidationError("--max-tasks \(maxTasks): must be at least 1") }
        guard maxArraySize >= 2 else { throw ValidationError("--max-array-size \(maxArraySize): must be at least 2") }
        if let throttle { guard throttle >= 1 else { throw ValidationError("--throttle \(throttle): must be at least 1") } }
        guard (1...1024).contains(cpusPerTask) else { throw ValidationError("--cpus-per-task \(cpusPerTask): must be 1 ... 1024") }
    }

    func run() throws {
        let operation = try BatchCommand.operation(for: tileCommand)
        let dataset = try input.open(dem)
        defer { dataset.close() }
        var planner = BatchPlanner(command: tileCommand, operation: operation, tileKm: tileKm,
                                   farside: farside ?? URL(fileURLWithPath: CommandLine.arguments[0]).standardizedFileURL.resolvingSymlinksInPath().path,
                                   farsideVersion: FarSide.version)
        planner.maxTasks = maxTasks
        planner.cpusPerTask = cpusPerTask
        planner.slurm.maxArraySize = maxArraySize
        planner.slurm.throttle = throttle
        planner.slurm.timeLimit = time
        let plan = try planner.write(dem: dataset, runFolder: output)
        let first = plan.prepass.map { "; first pass: \($0.tiles.count) tiles (halo \($0.halo)) in \(plan.prepassTaskCount) tasks" } ?? ""
        print("\(plan.tiling.tiles.count) tiles of \(plan.tiling.tileSize) cells (halo \(plan.tiling.halo)) in \(plan.mainTaskCount) tasks "
              + "(\(plan.tilesPerTask) tile(s) each)\(first), \(plan.memoryMBPerTask) MB and \(plan.cpusPerTask) CPU(s) per task; "
              + String(format: "halo share %.1f %%", 100 * (plan.tiling.readAmplification - 1)))
        let folder = URL(fileURLWithPath: output)
        let submit = plan.prepass == nil ? "sbatch \(folder.appendingPathComponent("slurm.sbatch").path)" : "bash \(folder.appendingPathComponent("submit.sh").path)"
        print("submit: \(submit)   or: farside batch run \(output) --all")
    }
}

/// `farside batch run RUN (--task K | --all [--jobs N])`.
struct BatchRunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "run", abstract: "Compute one task of a run (Slurm array task) or every pending one here.")

    @Argument(help: "Run folder.")
    var runFolder: String

    @Option(parsing: .unconditional, help: "The task to run (SLURM_ARRAY_TASK_ID plus the script's offset).")
    var task: Int?

    @Flag(help: "Run every pending task on this machine.")
    var all = false

    @Option(parsing: .unconditional, help: "Tasks at once with --all, each in its own process (threads shared among them).")
    var jobs: Int = 1

    @Option(parsing: .unconditional, help: "Worker threads (default: all cores).")
    var threads: Int = ProcessInfo.processInfo.activeProcessorCount

    @Flag(help: "No log lines.")
    var quiet = false

    func validate() throws {
        guard (task != nil) != all else { throw ValidationError("give either --task K or --all") }
        guard jobs >= 1 else { throw ValidationError("--jobs \(jobs): must be at least 1") }
        guard (1...1024).contains(threads) else { throw ValidationError("--threads \(threads): must be 1 ... 1024") }
    }

    func run() throws {
        let plan = try BatchPlan.read(runFolder: runFolder, expectedVersion: FarSide.version)
        var runner = BatchRunner(plan: plan, runFolder: runFolder, operation: try BatchCommand.operation(for: plan.command))
        runner.threads = threads
        runner.writeOptions.metadata = FarSide.outputMetadata()
        if !quiet {
            runner.log = { BatchCommand.log($0) }
            StageLog.install(StageLog.standardError)
        }
        if let task { return try runner.runTask(task) }
        guard jobs > 1 else { return try runner.runAll(jobs: 1) }
        // Several tasks at once: one process each, as Slurm runs them (memory per process = one task's).
        let folder = runFolder, quiet = quiet
        try runner.runAllInProcesses(jobs: jobs, executable: FarSide.executablePath) { task, threads in
            ["batch", "run", folder, "--task", "\(task)", "--threads", "\(threads)"] + (quiet ? ["--quiet"] : [])
        }
    }
}

/// `farside batch status RUN [--json]`.
struct BatchStatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "status", abstract: "Done, pending and failed tasks of a run.")

    @Argument(help: "Run folder.")
    var runFolder: String

    @Flag(help: "JSON instead of text.")
    var json = false

    func run() throws {
        let plan = try BatchPlan.read(runFolder: runFolder, expectedVersion: FarSide.version)
        let status = BatchStatus(plan: plan, runFolder: runFolder)
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            print(String(decoding: try encoder.encode(status), as: UTF8.self))
            return
        }
        print("\(runFolder): \(status.done) done, \(status.pending) pending, \(status.failed) failed of \(plan.taskCount) tasks; "
              + String(format: "%.1f s of computing in finished tiles", status.seconds))
        if plan.prepass != nil {
            for pass in [Pass.prepass, .main] {
                let tasks = status.tasks.filter { $0.pass == pass }
                print("  \(pass == .prepass ? "first pass" : "main pass"): \(tasks.filter { $0.state == .done }.count) of \(tasks.count) done")
            }
        }
        let pending = status.tasks.filter { $0.state == .pending }.map(\.task)
        if !pending.isEmpty { print("pending: " + Self.ranges(pending)) }
        for t in status.tasks where t.state == .failed {
            print("task \(t.task): failed, \(t.tilesDone) of \(t.tiles) tiles done" + (t.message.map { " (\($0))" } ?? ""))
        }
    }
}

extension BatchStatusCommand {
    /// "0, 2-24, 31": sorted task numbers as runs.
    static func ranges(_ tasks: [Int]) -> String {
        var parts: [String] = []
        var i = 0
        while i < tasks.count {
            var j = i
            while j + 1 < tasks.count && tasks[j + 1] == tasks[j] + 1 { j += 1 }
            parts.append(j == i ? "\(tasks[i])" : "\(tasks[i])-\(tasks[j])")
            i = j + 1
        }
        return parts.joined(separator: ", ")
    }
}

/// `farside batch merge RUN -o OUT [--partial]`.
struct BatchMergeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "merge", abstract: "Mosaic a run's tiles: OUT/NAME.tif (COG) and OUT/NAME.vrt.")

    @Argument(help: "Run folder.")
    var runFolder: String

    @Option(name: .shortAndLong, help: "Output directory.")
    var output: String

    @Flag(help: "Merge the tiles that are done (the rest nodata) instead of refusing.")
    var partial = false

    @OptionGroup var runOptions: RunOptions

    func run() throws {
        let plan = try BatchPlan.read(runFolder: runFolder, expectedVersion: FarSide.version)
        var merger = BatchMerger(plan: plan, runFolder: runFolder, operation: try BatchCommand.operation(for: plan.command))
        merger.partial = partial
        merger.writeOptions = runOptions.writeOptions
        try merger.merge(to: output)
    }
}
