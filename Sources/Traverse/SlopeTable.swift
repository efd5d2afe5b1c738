import FarSideCore

/// A quantity (speed, energy per metre) as a function of the grade along the direction of travel, in
/// degrees, positive uphill and negative downhill: piecewise linear between the given points, constant
/// beyond the first and last.
public struct SlopeTable: Sendable, Equatable {
    public let grades: [Double]
    public let values: [Double]

    /// Points sorted by grade, distinct grades, at least one.
    public init(points: [(grade: Double, value: Double)]) throws {
        guard !points.isEmpty else { throw FarSideError.badInput("a slope table needs at least one point") }
        let sorted = points.sorted { $0.grade < $1.grade }
        for i in 1..<max(1, sorted.count) where sorted[i].grade == sorted[i - 1].grade {
            throw FarSideError.badInput("a slope table has two points at \(sorted[i].grade) deg")
        }
        grades = sorted.map(\.grade)
        values = sorted.map(\.value)
    }

    public static func constant(_ value: Double) -> SlopeTable { try! SlopeTable(points: [(0, value)]) }

    /// The value at `grade` degrees.
    @inlinable
    public func callAsFunction(_ grade: Double) -> Double {
        if grade <= grades[0] { return values[0] }
        let n = grades.count
        if grade >= grades[n - 1] { return values[n - 1] }
        var i = 1
        while grades[i] < grade { i += 1 }
        let t = (grade - grades[i - 1]) / (grades[i] - grades[i - 1])
        return values[i - 1] + t * (values[i] - values[i - 1])
    }
}
