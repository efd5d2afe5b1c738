/// Per-cell runs of time steps in which a condition holds (a cell lit, a cell in contact with the Earth),
/// stored compactly: cell i's runs are `runs[offsets[i] ..< offsets[i + 1]]`, sorted, disjoint, not
/// touching (two adjacent runs are one run), each the half-open step range `start ..< end`.
///
/// A polar cell changes state a few times a month, so a month of hourly steps costs a few runs per cell
/// instead of 720 flags: the traverse search asks "when does this cell next change" (`nextChange`) rather
/// than looking at every step.
public struct StepRuns: Sendable, Equatable {
    public struct Run: Sendable, Equatable {
        public var start: UInt32
        public var end: UInt32
        @inlinable public init(start: UInt32, end: UInt32) { self.start = start; self.end = end }
    }

    public let cellCount: Int
    public let stepCount: Int
    /// cellCount + 1 offsets into `runs`.
    public var offsets: [UInt32]
    public var runs: [Run]

    public init(cellCount: Int, stepCount: Int, offsets: [UInt32], runs: [Run]) {
        precondition(offsets.count == cellCount + 1 && Int(offsets.last ?? 0) == runs.count)
        self.cellCount = cellCount
        self.stepCount = stepCount
        self.offsets = offsets
        self.runs = runs
    }

    /// The condition holding everywhere at every step (`all: true`) or nowhere.
    public init(cellCount: Int, stepCount: Int, all: Bool) {
        self.cellCount = cellCount
        self.stepCount = stepCount
        if all && stepCount > 0 {
            offsets = (0...cellCount).map { UInt32($0) }
            runs = [Run](repeating: Run(start: 0, end: UInt32(stepCount)), count: cellCount)
        } else {
            offsets = [UInt32](repeating: 0, count: cellCount + 1)
            runs = []
        }
    }

    /// Builds runs from one flag per cell and step (`flag(cell, step)`), cell by cell.
    public init(cellCount: Int, stepCount: Int, flag: (Int, Int) -> Bool) {
        var builder = Builder(stepCount: stepCount)
        for cell in 0..<cellCount {
            for step in 0..<stepCount { builder.set(step, flag(cell, step)) }
            builder.finishCell()
        }
        self = builder.build()
    }

    /// Cell `cell`'s runs.
    @inlinable public func runs(of cell: Int) -> ArraySlice<Run> { runs[Int(offsets[cell])..<Int(offsets[cell + 1])] }

    /// Whether the condition holds at `cell` in step `step` (binary search over the cell's runs).
    public func holds(cell: Int, step: Int) -> Bool {
        guard let run = run(of: cell, atOrAfter: step) else { return false }
        return Int(run.start) <= step
    }

    /// The first run of `cell` that ends after `step` (the run holding `step`, or the next one).
    public func run(of cell: Int, atOrAfter step: Int) -> Run? {
        var low = Int(offsets[cell]), high = Int(offsets[cell + 1])
        while low < high {
            let mid = (low + high) / 2
            if Int(runs[mid].end) <= step { low = mid + 1 } else { high = mid }
        }
        return low < Int(offsets[cell + 1]) ? runs[low] : nil
    }

    /// The first step after `step` at which the condition at `cell` changes (`stepCount` if none).
    public func nextChange(cell: Int, after step: Int) -> Int {
        guard let run = run(of: cell, atOrAfter: step) else { return stepCount }
        return Int(run.start) <= step ? Int(run.end) : Int(run.start)
    }

    /// Appends flags step by step, cell by cell, and builds the runs.
    public struct Builder: Sendable {
        public let stepCount: Int
        var offsets: [UInt32] = [0]
        var runs: [Run] = []
        var open: UInt32?
        var next = 0

        public init(stepCount: Int) { self.stepCount = stepCount }

        /// The flag of the current cell at `step` (steps in increasing order; a missing step is false).
        public mutating func set(_ step: Int, _ on: Bool) {
            if on {
                if open == nil { open = UInt32(step) }
            } else if let s = open {
                runs.append(Run(start: s, end: UInt32(step)))
                open = nil
            }
            next = step + 1
        }

        /// Closes the current cell.
        public mutating func finishCell() {
            if let s = open { runs.append(Run(start: s, end: UInt32(next))) }
            open = nil
            next = 0
            offsets.append(UInt32(runs.count))
        }

        /// Appends a whole cell's runs at once (sorted, disjoint, not touching).
        public mutating func append(cellRuns: [Run]) {
            precondition(open == nil)
            runs += cellRuns
            offsets.append(UInt32(runs.count))
        }

        public func build() -> StepRuns {
            precondition(open == nil, "finishCell() the last cell first")
            return StepRuns(cellCount: offsets.count - 1, stepCount: stepCount, offsets: offsets, runs: runs)
        }
    }
}
