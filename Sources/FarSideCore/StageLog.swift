import Foundation

/// One line per stage of a computation ("horizons: block 2 of 4 done in 12.3 s"), on stderr whether or
/// not it is a terminal (Slurm keeps a task's stderr in its log), as GDAL's CPLDebug-style messages. The
/// engine reports stages here; the command line installs the sink (none: silent, as in a library).
public enum StageLog {
    private static let lock = NSLock()
    nonisolated(unsafe) private static var sink: (@Sendable (String) -> Void)?

    /// Sends stage lines to `sink` (nil: silent).
    public static func install(_ sink: (@Sendable (String) -> Void)?) {
        lock.lock(); defer { lock.unlock() }
        self.sink = sink
    }

    /// Reports one stage.
    public static func note(_ line: @autoclosure () -> String) {
        lock.lock()
        let sink = self.sink
        lock.unlock()
        sink?(line())
    }

    /// The standard sink: "farside: LINE" on stderr.
    public static let standardError: @Sendable (String) -> Void = { FileHandle.standardError.write(Data("farside: \($0)\n".utf8)) }
}
