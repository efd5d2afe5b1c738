import Foundation

/// An instant, stored as seconds past J2000.0 TDB (2000-01-01T12:00:00 TDB), the argument of
/// the SPICE kernels ("ephemeris time") and, divided into days or Julian centuries, of the
/// IAU rotation formulas (Archinal et al. 2011, Celest. Mech. Dyn. Astr. 109, 101).
///
/// Time scales (IERS Conventions 2010, ch. 10; Kaplan 2005, USNO Circular 179, sect. 2):
/// - UTC -> TAI with the leap-second table `LeapSeconds` (TAI - UTC = 37 s since 2017-01-01);
/// - TT = TAI + 32.184 s;
/// - TDB = TT + the periodic terms of Fairhead & Bretagnon (1990, A&A 229, 240) as truncated in
///   USNO Circular 179 eq. 2.6 (error about 10 microseconds, amplitude 1.66 ms).
public struct Epoch: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// Seconds past J2000.0 on the TDB scale.
    public let tdbSecondsPastJ2000: Double

    public init(tdbSecondsPastJ2000: Double) {
        self.tdbSecondsPastJ2000 = tdbSecondsPastJ2000
    }

    /// J2000.0 itself: 2000-01-01T12:00:00 TDB.
    public static let j2000 = Epoch(tdbSecondsPastJ2000: 0)

    /// Seconds in a Julian day and a Julian century.
    public static let secondsPerDay = 86400.0
    public static let secondsPerCentury = 36525.0 * 86400.0

    /// Parses a UTC ISO 8601 instant: `YYYY-MM-DDTHH:MM[:SS[.fff...]]` followed by `Z`, a numeric
    /// offset (`+00:00`, `-05:30`, `+0000`) or nothing (read as UTC). A space may replace `T`; a date
    /// alone means 00:00:00Z. Second 60 is accepted only at the end of a day that has a leap second.
    /// - Throws: `EphemerisError.invalidTime` naming the string.
    public init(_ iso8601: String) throws {
        let p = try ISO8601UTC.parse(iso8601)
        try self.init(utcDayNumber: p.dayNumber, secondOfDay: p.secondOfDay, original: iso8601)
    }

    /// A UTC calendar instant (second may be 60.x during a leap second).
    /// - Throws: `EphemerisError.invalidTime` for out-of-range fields.
    public init(year: Int, month: Int, day: Int, hour: Int = 0, minute: Int = 0, second: Double = 0) throws {
        let text = String(format: "%04d-%02d-%02dT%02d:%02d:%09.6fZ", year, month, day, hour, minute, second)
        guard (1...12).contains(month), day >= 1, day <= CivilDate.daysInMonth(year: year, month: month),
              (0...23).contains(hour), (0...59).contains(minute), second >= 0, second < 61 else {
            throw EphemerisError.invalidTime(text, reason: "field out of range")
        }
        let dn = CivilDate.dayNumber(year: year, month: month, day: day)
        try self.init(utcDayNumber: dn, secondOfDay: Double(hour * 3600 + minute * 60) + second, original: text)
    }

    init(utcDayNumber dn: Int, secondOfDay: Double, original: String) throws {
        guard secondOfDay < LeapSeconds.secondsInDay(dayNumber: dn) else {
            throw EphemerisError.invalidTime(original, reason: "second 60 is only valid at the end of a day with a leap second")
        }
        let utcLike = Double(dn) * Epoch.secondsPerDay - 43200 + secondOfDay
        let tt = utcLike + LeapSeconds.taiMinusUTC(dayNumber: dn) + 32.184
        self.init(tdbSecondsPastJ2000: tt + Epoch.tdbMinusTT(ttSecondsPastJ2000: tt))
    }

    /// TDB - TT in seconds (USNO Circular 179 eq. 2.6, leading Fairhead-Bretagnon terms).
    public static func tdbMinusTT(ttSecondsPastJ2000 tt: Double) -> Double {
        let t = tt / secondsPerCentury
        return 0.001657 * sin(628.3076 * t + 6.2401)
            + 0.000022 * sin(575.3385 * t + 4.2970)
            + 0.000014 * sin(1256.6152 * t + 6.1969)
            + 0.000005 * sin(606.9777 * t + 4.0212)
            + 0.000005 * sin(52.9691 * t + 0.4444)
            + 0.000002 * sin(21.3299 * t + 5.5431)
            + 0.000010 * t * sin(628.3076 * t + 4.2490)
    }

    /// Seconds past J2000.0 on the TT scale.
    public var ttSecondsPastJ2000: Double {
        var tt = tdbSecondsPastJ2000
        for _ in 0..<2 { tt = tdbSecondsPastJ2000 - Epoch.tdbMinusTT(ttSecondsPastJ2000: tt) }
        return tt
    }

    /// Julian centuries of TDB past J2000.0 (the `T` of the IAU and Meeus formulas).
    public var julianCenturiesTDB: Double { tdbSecondsPastJ2000 / Epoch.secondsPerCentury }
    /// Days of TDB past J2000.0 (the `d` of the IAU formulas).
    public var daysTDB: Double { tdbSecondsPastJ2000 / Epoch.secondsPerDay }
    /// Julian date on the TDB scale.
    public var julianDateTDB: Double { 2451545.0 + daysTDB }

    /// This instant shifted by a number of TDB seconds.
    public func addingSeconds(_ seconds: Double) -> Epoch {
        Epoch(tdbSecondsPastJ2000: tdbSecondsPastJ2000 + seconds)
    }

    /// The UTC calendar form, `YYYY-MM-DDTHH:MM:SS.sssZ` (second 60 during a leap second).
    public var utcISO8601: String {
        let tai = ttSecondsPastJ2000 - 32.184
        var day = Int((tai - 37 + 43200) / Epoch.secondsPerDay) - 2
        if tai - 37 + 43200 < 0 { day -= 1 }
        for _ in 0..<5 {
            let start = Double(day) * Epoch.secondsPerDay - 43200 + LeapSeconds.taiMinusUTC(dayNumber: day)
            let length = LeapSeconds.secondsInDay(dayNumber: day)
            var ms = ((tai - start) * 1000).rounded()
            if ms >= 0 && ms < length * 1000 {
                let (y, mo, d) = CivilDate.civil(dayNumber: day)
                let h = min(23, Int(ms / 3_600_000)); ms -= Double(h) * 3_600_000
                let mi = min(59, Int(ms / 60_000)); ms -= Double(mi) * 60_000
                return String(format: "%04d-%02d-%02dT%02d:%02d:%06.3fZ", y, mo, d, h, mi, ms / 1000)
            }
            day += 1
        }
        return String(format: "TDB%+.3fs", tdbSecondsPastJ2000)
    }

    public var description: String { utcISO8601 }

    public static func < (lhs: Epoch, rhs: Epoch) -> Bool { lhs.tdbSecondsPastJ2000 < rhs.tdbSecondsPastJ2000 }
}

/// Strict parser for the ISO 8601 subset accepted by `Epoch.init(_:)`.
enum ISO8601UTC {
    static func parse(_ text: String) throws -> (dayNumber: Int, secondOfDay: Double) {
        func fail(_ reason: String) -> EphemerisError { .invalidTime(text, reason: reason) }
        let c = Array(text.trimmingCharacters(in: .whitespaces).utf8)
        var i = 0
        func digits(_ n: Int) throws -> Int {
            guard i + n <= c.count else { throw fail("expected \(n) digits at position \(i + 1)") }
            var v = 0
            for k in 0..<n {
                let ch = c[i + k]
                guard ch >= 48 && ch <= 57 else { throw fail("expected a digit at position \(i + k + 1)") }
                v = v * 10 + Int(ch - 48)
            }
            i += n
            return v
        }
        func expect(_ ch: UInt8, _ what: String) throws {
            guard i < c.count, c[i] == ch else { throw fail("expected '\(what)' at position \(i + 1)") }
            i += 1
        }
        guard !c.isEmpty else { throw fail("empty string") }
        let year = try digits(4)
        try expect(UInt8(ascii: "-"), "-")
        let month = try digits(2)
        try expect(UInt8(ascii: "-"), "-")
        let day = try digits(2)
        guard (1...12).contains(month) else { throw fail("month \(month) out of range") }
        guard day >= 1, day <= CivilDate.daysInMonth(year: year, month: month) else {
            throw fail("day \(day) out of range for \(year)-\(month)")
        }
        var hour = 0, minute = 0
        var second = 0.0
        var offsetMinutes = 0
        if i < c.count, c[i] == UInt8(ascii: "T") || c[i] == UInt8(ascii: "t") || c[i] == UInt8(ascii: " ") {
            i += 1
            hour = try digits(2)
            try expect(UInt8(ascii: ":"), ":")
            minute = try digits(2)
            if i < c.count, c[i] == UInt8(ascii: ":") {
                i += 1
                second = Double(try digits(2))
                if i < c.count, c[i] == UInt8(ascii: ".") || c[i] == UInt8(ascii: ",") {
                    i += 1
                    var scale = 0.1
                    var n = 0
                    while i < c.count, c[i] >= 48, c[i] <= 57 {
                        second += Double(c[i] - 48) * scale
                        scale *= 0.1; i += 1; n += 1
                    }
                    guard n > 0 else { throw fail("empty fraction of a second") }
                }
            }
            guard hour <= 23 else { throw fail("hour \(hour) out of range") }
            guard minute <= 59 else { throw fail("minute \(minute) out of range") }
            guard second < 61 else { throw fail("second out of range") }
            if i < c.count {
                if c[i] == UInt8(ascii: "Z") || c[i] == UInt8(ascii: "z") {
                    i += 1
                } else if c[i] == UInt8(ascii: "+") || c[i] == UInt8(ascii: "-") {
                    let sign = c[i] == UInt8(ascii: "+") ? 1 : -1
                    i += 1
                    let oh = try digits(2)
                    if i < c.count, c[i] == UInt8(ascii: ":") { i += 1 }
                    let om = try digits(2)
                    guard oh <= 23, om <= 59 else { throw fail("time-zone offset out of range") }
                    offsetMinutes = sign * (oh * 60 + om)
                }
            }
        }
        guard i == c.count else { throw fail("unexpected text at position \(i + 1)") }
        var dn = CivilDate.dayNumber(year: year, month: month, day: day)
        var minuteOfDay = hour * 60 + minute - offsetMinutes
        while minuteOfDay < 0 { minuteOfDay += 1440; dn -= 1 }
        while minuteOfDay >= 1440 { minuteOfDay -= 1440; dn += 1 }
        if second >= 60 {
            guard minuteOfDay == 1439, LeapSeconds.secondsInDay(dayNumber: dn) > 86400 else {
                throw fail("second 60 is only valid at 23:59 UTC of a day with a leap second")
            }
        }
        return (dn, Double(minuteOfDay * 60) + second)
    }
}
