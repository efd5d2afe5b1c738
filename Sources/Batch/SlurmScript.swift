import Foundation

/// RUN/slurm.sbatch: a Slurm job array whose task K runs `farside batch run RUN --task K` (SchedMD,
/// "Job Array Support": `--array`, `%N` throttles, MaxArraySize). Arrays longer than MaxArraySize are
/// split into several scripts (slurm.sbatch, slurm.1.sbatch, ...), each adding its offset to
/// SLURM_ARRAY_TASK_ID; tasks are requeued on node failure or preemption (`--requeue`), and a requeued
/// task skips the tiles its earlier attempt finished (done records). A two-pass run's first pass has its
/// own arrays (slurm.prepass.sbatch, ...), and RUN/submit.sh submits them, then the main arrays with
/// `--dependency=afterok:` on them (SchedMD, sbatch "--dependency").
public struct SlurmScript: Sendable {
    public var runFolder: String
    public var farside: String
    /// Tasks of both passes.
    public var taskCount: Int
    /// Tasks of the first pass (numbered first; 0: a one-pass run).
    public var prepassTaskCount = 0
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

    /// File names and contents: one script per MaxArraySize tasks, the first pass's (slurm.prepass.sbatch,
    /// slurm.prepass.1.sbatch, ...) before the main pass's (slurm.sbatch, slurm.1.sbatch, ...).
    public func scripts() -> [(name: String, text: String)] {
        arrays(prefix: "slurm.prepass", tasks: 0..<prepassTaskCount, jobName: jobName + "-prepass")
            + arrays(prefix: "slurm", tasks: prepassTaskCount..<taskCount, jobName: jobName)
    }

    func arrays(prefix: String, tasks: Range<Int>, jobName: String) -> [(name: String, text: String)] {
        let perArray = max(1, maxArraySize - 1)
        return stride(from: tasks.lowerBound, to: tasks.upperBound, by: perArray).enumerated().map { part, offset in
            let count = min(perArray, tasks.upperBound - offset)
            let name = part == 0 ? "\(prefix).sbatch" : "\(prefix).\(part).sbatch"
            return (name, script(name: name, offset: offset, count: count, jobName: jobName))
        }
    }

    /// RUN/submit.sh: submits every array, the main pass's after the first pass's have all succeeded; prints
    /// the job ids, one per line (as `sbatch --parsable`).
    public func submitScript() -> String {
        let folder = URL(fileURLWithPath: runFolder)
        let first = arrays(prefix: "slurm.prepass", tasks: 0..<prepassTaskCount, jobName: jobName).map(\.name)
        let main = arrays(prefix: "slurm", tasks: prepassTaskCount..<taskCount, jobName: jobName).map(\.name)
        var lines = ["#!/bin/bash", "# Submits FarSide batch run \(runFolder) (extra arguments go to every sbatch, e.g. --partition=P): " + (first.isEmpty ? "its job array(s)." : "the first pass, then the main pass after it."),
                     "set -euo pipefail", "ids=()"]
        for name in first {
            lines.append("id=$(sbatch --parsable \"$@\" \(Self.quoted(folder.appendingPathComponent(name).path))); ids+=(\"${id%%;*}\"); echo \"$id\"")
        }
        let dependency = first.isEmpty ? "" : " --dependency=afterok:$(IFS=:; echo \"${ids[*]}\")"
        for name in main {
            lines.append("sbatch --parsable\(dependency) \"$@\" \(Self.quoted(folder.appendingPathComponent(name).path))")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    func script(name: String, offset: Int, count: Int, jobName: String) -> String {
        let run = Self.quoted(runFolder)
        var lines = [
            "#!/bin/bash",
            "# FarSide batch run \(runFolder): tasks \(offset) ... \(offset + count - 1) of \(taskCount).",
            "# Submit with: " + (prepassTaskCount == 0 ? "sbatch \(Self.quoted(URL(fileURLWithPath: runFolder).appendingPathComponent(name).path))"
                                 : "bash \(Self.quoted(URL(fileURLWithPath: runFolder).appendingPathComponent("submit.sh").path)) (the first pass, then the main pass)"),
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
