import Foundation

/// RUN/slurm.sbatch: a Slurm job array whose task K runs `farside batch run RUN --task K` (SchedMD,
/// "Job Array Support": `--array`, `%N` throttles, MaxArraySize). Arrays longer than MaxArraySize are
/// split into several scripts (slurm.sbatch, slurm.1.sbatch, ...), each adding its offset to
/// SLURM_ARRAY_TASK_ID; tasks are requeued on node failure or preemption (`--requeue`), and a requeued
/// task skips the tiles its earlier attempt finished (done records).
public struct SlurmScript: Sendable {
    public var runFolder: String
    public var farside: String
    public var taskCount: Int
    public var cpusPerTask: Int
    public var memoryMBPerTask: Int
    /// Slurm's MaxArraySize (array indices must be below it; Slurm's default is 1001).
    public var maxArraySize = 1001
    /// At most this many tasks of an array run at once (`%N`); nil: no throttle.
    public var throttle: Int?
    /// Wall-clock limit per task (`--time`), e.g. "02:00:00"; nil: the partition's default.
    public var timeLimit: String?
    public var jobName = "farside"

    public init(runFolder: String, farside: String, taskCount: Int, cpusPerTask: Int, memoryMBPerTask: Int) {
        self.runFolder = runFolder
        self.farside = farside
        self.taskCount = taskCount
        self.cpusPerTask = cpusPerTask
        self.memoryMBPerTask = memoryMBPerTask
    }

    /// File names and contents: one script per MaxArraySize tasks.
    public func scripts() -> [(name: String, text: String)] {
        let perArray = max(1, maxArraySize - 1)
        return stride(from: 0, to: taskCount, by: perArray).enumerated().map { part, offset in
            let count = min(perArray, taskCount - offset)
            return (part == 0 ? "slurm.sbatch" : "slurm.\(part).sbatch", script(offset: offset, count: count, part: part))
        }
    }

    func script(offset: Int, count: Int, part: Int) -> String {
        let run = Self.quoted(runFolder)
        var lines = [
            "#!/bin/bash",
            "# FarSide batch run \(runFolder): tasks \(offset) ... \(offset + count - 1) of \(taskCount).",
            "# Submit with: sbatch \(Self.quoted(URL(fileURLWithPath: runFolder).appendingPathComponent(part == 0 ? "slurm.sbatch" : "slurm.\(part).sbatch").path))",
            "#SBATCH --job-name=\(jobName)",
            "#SBATCH --array=0-\(count - 1)" + (throttle.map { "%\($0)" } ?? ""),
            "#SBATCH --cpus-per-task=\(cpusPerTask)",
            "#SBATCH --mem=\(memoryMBPerTask)M",
            "#SBATCH --requeue",
            "#SBATCH --output=\(URL(fileURLWithPath: runFolder).appendingPathComponent("logs").path)/task-%A_%a.log",
        ]
        if let timeLimit { lines.append("#SBATCH --time=\(timeLimit)") }
        lines += [
            "set -euo pipefail",
            "task=$((SLURM_ARRAY_TASK_ID + \(offset)))",
            "exec \(Self.quoted(farside)) batch run \(run) --task \"$task\" --threads \"${SLURM_CPUS_PER_TASK:-\(cpusPerTask)}\"",
            "",
        ]
        return lines.joined(separator: "\n")
    }

    /// A shell word (single quotes).
    static func quoted(_ s: String) -> String { "'" + s.replacingOccurrences(of: "'", with: "'\\''") + "'" }
}
