import Foundation

/// Errors thrown by the Ephemeris module. Every message names the offending value, file or folder.
public enum EphemerisError: Error, Equatable, CustomStringConvertible, LocalizedError {
    /// A time string that is not a valid UTC ISO 8601 instant.
    case invalidTime(String, reason: String)
    /// A kernel folder or file that does not exist or cannot be read.
    case kernelMissing(path: String, reason: String)
    /// A kernel file whose content is not what the reader expects (truncated, wrong type, ...).
    case kernelMalformed(path: String, reason: String)
    /// A kernel in a binary format this reader refuses (big-endian DAF, non-DAF, unsupported segment type).
    case unsupportedKernel(path: String, reason: String)
    /// An epoch outside the time span the kernels cover.
    case outsideCoverage(epoch: Double, body: String)

    public var description: String {
        switch self {
        case let .invalidTime(value, reason):
            return "invalid UTC time \"\(value)\": \(reason)"
        case let .kernelMissing(path, reason):
            return "SPICE kernel missing: \(path): \(reason)"
        case let .kernelMalformed(path, reason):
            return "malformed SPICE kernel \(path): \(reason)"
        case let .unsupportedKernel(path, reason):
            return "unsupported SPICE kernel \(path): \(reason)"
        case let .outsideCoverage(epoch, body):
            return "epoch \(epoch) s past J2000 TDB is outside the kernel coverage for \(body)"
        }
    }

    public var errorDescription: String? { description }
}
