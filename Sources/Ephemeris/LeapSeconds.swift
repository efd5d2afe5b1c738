/// TAI - UTC from 1972 on (IERS Bulletin C; the table of NAIF's `naif0012.tls`).
///
/// Each entry is the UTC calendar date from which the offset applies. The last leap second was
/// inserted at the end of 2016-12-31 (TAI - UTC = 37 s since 2017-01-01T00:00:00Z). Before 1972 UTC
/// used "rubber" seconds; this table returns the 1972 value of 10 s there (an approximation of at
/// most a few seconds, irrelevant for the 1990-2050 span the module is validated for).
public enum LeapSeconds {
    /// (year, month, day, TAI - UTC in seconds) in effect from 00:00:00 UTC of that date.
    public static let table: [(year: Int, month: Int, day: Int, taiMinusUTC: Double)] = [
        (1972, 1, 1, 10), (1972, 7, 1, 11), (1973, 1, 1, 12), (1974, 1, 1, 13),
        (1975, 1, 1, 14), (1976, 1, 1, 15), (1977, 1, 1, 16), (1978, 1, 1, 17),
        (1979, 1, 1, 18), (1980, 1, 1, 19), (1981, 7, 1, 20), (1982, 7, 1, 21),
        (1983, 7, 1, 22), (1985, 7, 1, 23), (1988, 1, 1, 24), (1990, 1, 1, 25),
        (1991, 1, 1, 26), (1992, 7, 1, 27), (1993, 7, 1, 28), (1994, 7, 1, 29),
        (1996, 1, 1, 30), (1997, 7, 1, 31), (1999, 1, 1, 32), (2006, 1, 1, 33),
        (2009, 1, 1, 34), (2012, 7, 1, 35), (2015, 7, 1, 36), (2017, 1, 1, 37),
    ]

    /// Day numbers (days since 2000-01-01) of the table entries, for fast lookup.
    static let dayNumbers: [Int] = table.map { CivilDate.dayNumber(year: $0.year, month: $0.month, day: $0.day) }

    /// TAI - UTC (seconds) in effect during the UTC day with the given day number (days since 2000-01-01).
    public static func taiMinusUTC(dayNumber: Int) -> Double {
        var value = table[0].taiMinusUTC
        for (i, start) in dayNumbers.enumerated() where dayNumber >= start { value = table[i].taiMinusUTC }
        return value
    }

    /// TAI - UTC (seconds) in effect on a UTC calendar date.
    public static func taiMinusUTC(year: Int, month: Int, day: Int) -> Double {
        taiMinusUTC(dayNumber: CivilDate.dayNumber(year: year, month: month, day: day))
    }

    /// Length in SI seconds of the UTC day with this day number: 86401 when a leap second ends it.
    public static func secondsInDay(dayNumber: Int) -> Double {
        86400 + taiMinusUTC(dayNumber: dayNumber + 1) - taiMinusUTC(dayNumber: dayNumber)
    }
}

/// Proleptic Gregorian calendar arithmetic (days-from-civil algorithm of H. Hinnant,
/// equivalent to Meeus, "Astronomical Algorithms" ch. 7 for Gregorian dates).
enum CivilDate {
    /// Days since 2000-01-01 (negative before).
    static func dayNumber(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146097 + doe - 719468 - 10957
    }

    /// Inverse of `dayNumber`.
    static func civil(dayNumber: Int) -> (year: Int, month: Int, day: Int) {
        let z = dayNumber + 10957 + 719468
        let era = (z >= 0 ? z : z - 146096) / 146097
        let doe = z - era * 146097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }

    static func daysInMonth(year: Int, month: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }
}
