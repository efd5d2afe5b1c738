import Ephemeris
import Foundation
import GeoRaster

/// Time steps start, start + step, ... before end (the window is [start, end)).
public struct TimeWindow: Sendable {
    public let start: Epoch
    public let end: Epoch
    /// Step in seconds.
    public let step: Double

    /// A window of at least one step: a step longer than the window is refused (it would give one step
    /// standing for more time than the window has).
    public init(start: Epoch, end: Epoch, step: Double) throws {
        guard step > 0, step.isFinite else { throw FarSideError.usage("{step}: must be positive") }
        guard end > start else { throw FarSideError.usage("{end} \(end) is not after {start} \(start)") }
        let duration = end.tdbSecondsPastJ2000 - start.tdbSecondsPastJ2000
        guard step <= duration * (1 + 1e-9) else {
            throw FarSideError.usage("{step} \(Self.describe(seconds: step)): longer than the window (\(Self.describe(seconds: duration)))")
        }
        guard duration / step <= 50_000_000 else {
            throw FarSideError.usage("{step} \(Self.describe(seconds: step)): \(Int(duration / step)) steps in the window is too many (at most 50,000,000)")
        }
        self.start = start
        self.end = end
        self.step = step
    }

    /// The window's length, hours: no run of steps (darkness, gaps) is reported longer than this.
    public var durationHours: Double { (end.tdbSecondsPastJ2000 - start.tdbSecondsPastJ2000) / 3600 }

    /// "90 s", "2.5 h", "3 d".
    static func describe(seconds s: Double) -> String {
        if s >= 86_400 { return String(format: "%g d", s / 86_400) }
        if s >= 3600 { return String(format: "%g h", s / 3600) }
        return String(format: "%g s", s)
    }

    public var count: Int { Int(((end.tdbSecondsPastJ2000 - start.tdbSecondsPastJ2000) / step - 1e-6).rounded(.up)) }  // TDB-TT drifts by microseconds a day
    public var stepHours: Double { step / 3600 }
    public func epoch(_ i: Int) -> Epoch { start.addingSeconds(Double(i) * step) }

    /// Parses "1h", "10m", "30s", "2d", or plain seconds.
    public static func parseStep(_ text: String) throws -> Double {
        let units: [Character: Double] = ["s": 1, "m": 60, "h": 3600, "d": 86400]
        let t = text.trimmingCharacters(in: .whitespaces).lowercased()
        if let unit = t.last, let factor = units[unit], let v = Double(t.dropLast()), v > 0, (v * factor).isFinite { return v * factor }
        if let v = Double(t), v > 0, v.isFinite { return v }
        throw FarSideError.usage("{step} '\(text)': expected a duration such as 1h, 10m, 30s or 2d")
    }
}
