import CGDAL
import Foundation

/// GDAL-style progress ("0...10...20...30...40...50...60...70...80...90...100 - done.") on stderr,
/// through GDAL's own `GDALTermProgress`; silent when quiet or when stderr is not a terminal.
public struct TerminalProgress: Sendable {
    public let enabled: Bool

    public init(quiet: Bool) {
        enabled = !quiet && isatty(STDERR_FILENO) != 0
    }

    public func report(_ fraction: Double) {
        guard enabled else { return }
        _ = GDALTermProgress(min(1, max(0, fraction)), nil, nil)
    }
}
