import XCTest
import FarSideCore
@testable import Traverse

final class NeighbourhoodTests: XCTestCase {
    func testLengthsOnSquareCells() {
        let m = CellMetrics.uniform(rows: 5, dx: 20, dy: 20)
        let n = Neighbourhood.sixteen
        let lengths = n.offsets.map { Neighbourhood.length($0, row: 2, metrics: m) }
        XCTAssertEqual(lengths[0], 20, accuracy: 1e-12)
        XCTAssertEqual(lengths[4], 20 * 2.0.squareRoot(), accuracy: 1e-12)
        XCTAssertEqual(lengths[8], 20 * 5.0.squareRoot(), accuracy: 1e-12)
    }

    func testSlopeTableInterpolates() throws {
        let t = try SlopeTable(points: [(-20, 0.5), (0, 1), (20, 0.25)])
        XCTAssertEqual(t(-30), 0.5)
        XCTAssertEqual(t(10), 0.625, accuracy: 1e-12)
        XCTAssertEqual(t(-10), 0.75, accuracy: 1e-12)
        XCTAssertEqual(t(40), 0.25)
    }

    func testStepRunsBuilderAndQueries() {
        let runs = StepRuns(cellCount: 2, stepCount: 10) { cell, step in cell == 0 ? (step >= 2 && step < 5) || step >= 8 : false }
        XCTAssertEqual(Array(runs.runs(of: 0)), [.init(start: 2, end: 5), .init(start: 8, end: 10)])
        XCTAssertTrue(runs.runs(of: 1).isEmpty)
        XCTAssertTrue(runs.holds(cell: 0, step: 3))
        XCTAssertFalse(runs.holds(cell: 0, step: 5))
        XCTAssertEqual(runs.nextChange(cell: 0, after: 0), 2)
        XCTAssertEqual(runs.nextChange(cell: 0, after: 3), 5)
        XCTAssertEqual(runs.nextChange(cell: 0, after: 9), 10)
        XCTAssertEqual(runs.nextChange(cell: 1, after: 0), 10)
    }
}
