import Foundation

/// `farside batch status`: per task done / pending / failed, with counts and elapsed times.
public struct BatchStatus: Sendable, Codable, Equatable {
    public enum State: String, Sendable, Codable { case done, pending, failed }

    public struct Task: Sendable, Codable, Equatable {
        public var task: Int
        /// The pass its tiles belong to (two-pass runs number the first pass's tasks first).
        public var pass: Pass
        public var state: State
        public var tilesDone: Int
        public var tiles: Int
        /// Seconds spent on its finished tiles.
        public var seconds: Double
        /// The last failure's message (failed tasks).
        public var message: String?
    }

    public var tasks: [Task]
    public var done: Int { tasks.filter { $0.state == .done }.count }
    public var pending: Int { tasks.filter { $0.state == .pending }.count }
    public var failed: Int { tasks.filter { $0.state == .failed }.count }
    public var seconds: Double { tasks.reduce(0) { $0 + $1.seconds } }

    /// `verify`: check every output's checksum (merge), not only that it exists (status).
    public init(plan: BatchPlan, runFolder: String, verify: Bool = false) {
        let run = RunFolder(runFolder)
        tasks = (0..<plan.taskCount).map { k in
            let (pass, tiles) = plan.work(ofTask: k)
            let records = tiles.compactMap { DoneRecord.valid(run, tile: $0.index, pass: pass, verify: verify) }
            let failure = FileManager.default.contents(atPath: run.failureRecord(task: k)).flatMap { try? JSONDecoder().decode(FailureRecord.self, from: $0) }
            let state: State = records.count == tiles.count ? .done : (failure != nil ? .failed : .pending)
            return Task(task: k, pass: pass, state: state, tilesDone: records.count, tiles: tiles.count, seconds: records.reduce(0) { $0 + $1.seconds },
                        message: state == .failed ? failure?.message : nil)
        }
    }

    /// Tasks not done, for messages ("tasks 3, 7, 12 ... are not done").
    public var missingTasks: [Int] { tasks.filter { $0.state != .done }.map(\.task) }
}
