import Foundation
import GeoRaster

/// `farside batch plan`: tiles a DEM for an operation and writes RUN/plan.json, RUN/slurm.sbatch (and, for
/// a two-pass run, RUN/slurm.prepass.sbatch) and RUN/submit.sh.
public struct BatchPlanner: Sendable {
    /// The command line a tile runs (without the DEM and -o), stored in the plan.
    public var command: [String]
    public var operation: any TileOperation
    /// Core edge of a tile, km (converted with the DEM's finest cell size).
    public var tileKm: Double
    /// Other input files (profiles, orbit files), checksummed with the DEM.
    public var otherInputs: [String] = []
    /// Tasks per job array at most (several tiles share a task beyond it).
    public var maxTasks = 1000
    public var cpusPerTask = 1
    /// The `farside` executable the Slurm script calls.
    public var farside: String
    public var farsideVersion: String
    public var slurm = SlurmOptions()

    public struct SlurmOptions: Sendable {
        public var maxArraySize = 1001
        public var throttle: Int?
        public var timeLimit: String?
        public init() {}
    }

    public init(command: [String], operation: any TileOperation, tileKm: Double, farside: String, farsideVersion: String) {
        self.command = command
        self.operation = operation
        self.tileKm = tileKm
        self.farside = farside
        self.farsideVersion = farsideVersion
    }

    /// The plan for `dem` (a tile smaller than its halo is a usage error).
    public func plan(dem: RasterDataset) throws -> BatchPlan {
        let metrics = dem.cellMetrics
        let cell = min(metrics.dx.min() ?? 1, metrics.dy.min() ?? 1)
        guard tileKm.isFinite, tileKm > 0 else { throw FarSideError.usage("{tileKm} \(tileKm): must be positive") }
        // Cores are whole multiples of the operation's engine blocks, so no block straddles two tiles.
        let alignment = max(1, try operation.alignment(dem))
        let tileCells = max(1, Int((tileKm * 1000 / cell / Double(alignment)).rounded())) * alignment
        let tilings: (main: TilePlan, prepass: TilePlan?, memory: Int64)
        do {
            tilings = try Self.tilings(operation, dem: dem, tileSize: tileCells)
        } catch let error as TilePlan.PlanError {
            throw FarSideError.usage("{tileKm} \(tileKm): \(error)")
        }
        let tiling = tilings.main
        let tileCount = tiling.tiles.count + (tilings.prepass?.tiles.count ?? 0)
        let tilesPerTask = max(1, (tileCount + maxTasks - 1) / maxTasks)
        let memory = tilings.memory
        let others = otherInputs + operation.inputFiles
        let inputs = try [InputRecord(path: dem.path, kind: .raster)]
            + others.map { try InputRecord(path: $0, kind: $0.hasSuffix(".tif") ? .raster : .file) }
        return BatchPlan(format: BatchPlan.formatVersion, farsideVersion: farsideVersion, command: command, inputs: inputs,
                         tiling: tiling, prepass: tilings.prepass, tilesPerTask: tilesPerTask, memoryMBPerTask: Int((memory + (1 << 20) - 1) >> 20),
                         cpusPerTask: cpusPerTask)
    }

    /// The tiles of `operation`'s pass and of its first pass (if any) at `tileSize` cells, and the peak
    /// memory of a task of either (`TilePlan.memoryBytes`).
    public static func tilings(_ operation: any TileOperation, dem: RasterDataset, tileSize: Int) throws -> (main: TilePlan, prepass: TilePlan?, memory: Int64) {
        func plan(_ op: any TileOperation) throws -> (TilePlan, Int64) {
            let tiles = try TilePlan(rasterWidth: dem.width, rasterHeight: dem.height, region: try op.region(dem), tileSize: tileSize, halo: try op.halo(dem))
            return (tiles, tiles.memoryBytes(bytesPerCell: op.bytesPerCell, bytesPerCoreCell: op.bytesPerCoreCell, fixedBytes: try op.fixedBytes(dem)))
        }
        let main = try plan(operation)
        guard let first = try operation.prepass(dem) else { return (main.0, nil, main.1) }
        let prepass = try plan(first)
        return (main.0, prepass.0, max(main.1, prepass.1))
    }

    /// Plans and writes RUN/plan.json and the Slurm scripts, all or nothing.
    public func write(dem: RasterDataset, runFolder: String) throws -> BatchPlan {
        let plan = try plan(dem: dem)
        let run = RunFolder(runFolder)
        var script = SlurmScript(runFolder: run.path, farside: farside, taskCount: plan.taskCount, cpusPerTask: plan.cpusPerTask,
                                 memoryMBPerTask: plan.memoryMBPerTask)
        script.prepassTaskCount = plan.prepassTaskCount
        script.maxArraySize = slurm.maxArraySize
        script.throttle = slurm.throttle
        script.timeLimit = slurm.timeLimit
        script.jobName = "farside-\(operation.name)"
        let scripts = script.scripts() + [(name: "submit.sh", text: script.submitScript())]
        let set = try OutputSet(directory: run.path, targets: [BatchPlan.fileName] + scripts.map(\.name), estimatedBytes: 1 << 20)
        try set.run {
            try set.write(try plan.encoded(), to: BatchPlan.fileName)
            for s in scripts { try set.write(Data(s.text.utf8), to: s.name) }
        }
        try FileManager.default.createDirectory(atPath: run.logs, withIntermediateDirectories: true)
        return plan
    }
}
