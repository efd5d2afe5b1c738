import XCTest
import FarSideCore
@testable import SiteSelection

final class ScorerTests: XCTestCase {
    // slope (lower is better, hard max 8), an earth-visibility step, sun fraction (hard min 0.2).
    let criteria: [Criterion] = [
        Criterion(layer: 0, max: 8, membership: .linear(from: 8, to: 0), weight: 3),
        Criterion(layer: 1, membership: .threshold(at: 0.5, above: true), weight: 1),
        Criterion(layer: 2, min: 0.2, membership: .linear(from: 0.2, to: 0.9), weight: 2),
    ]

    func testMembershipValues() {
        XCTAssertEqual(Membership.linear(from: 8, to: 0).evaluate(2), 0.75, accuracy: 1e-6)
        XCTAssertEqual(Membership.linear(from: 8, to: 0).evaluate(9), 0)
        XCTAssertEqual(Membership.linear(from: 8, to: 0).evaluate(-1), 1)
        XCTAssertEqual(Membership.linear(from: 0.2, to: 0.9).evaluate(0.55), 0.5, accuracy: 1e-6)
        XCTAssertEqual(Membership.linear(from: 0, to: 10).evaluate(.infinity), 1)
        XCTAssertEqual(Membership.threshold(at: 0.5, above: true).evaluate(0.5), 1)
        XCTAssertEqual(Membership.threshold(at: 0.5, above: true).evaluate(0.49), 0)
        XCTAssertEqual(Membership.threshold(at: 5000, above: false).evaluate(5000), 1)
        XCTAssertEqual(Membership.threshold(at: 5000, above: false).evaluate(5001), 0)
        XCTAssertTrue(Membership.linear(from: 0, to: 1).evaluate(.nan).isNaN)
    }

    func testHandComputedCells() {
        // 10 cells: one full 8-lane chunk and a 2-cell tail.
        let slope: [Float] = [2, 9, .nan, 0, 8, .infinity, 4, 4, 4, 6]
        let earth: [Float] = [0.7, 0.5, 1, 0.49, .nan, 1, 1, 0, 1, 1]
        let sun: [Float] = [0.55, 1.0, 1, 0.1, 1, 1, 0.9, 0.2, 0.2, 0.9]
        let layers = [slope, earth, sun].map { Grid(width: 10, height: 1, values: $0) }
        let r = Scorer.score(layers: layers, criteria: criteria)
        let expectedScore: [Float] = [4.25 / 6, 0.5, .nan, 0.5, .nan, 3.0 / 6, (1.5 + 1 + 2) / 6, 1.5 / 6, 2.5 / 6, (0.75 + 1 + 2) / 6]
        let expectedFeasible: [Float] = [1, 0, .nan, 0, .nan, 0, 1, 1, 1, 1]
        for i in 0..<10 {
            if expectedScore[i].isNaN {
                XCTAssertTrue(r.score.values[i].isNaN, "score[\(i)]")
            } else {
                XCTAssertEqual(r.score.values[i], expectedScore[i], accuracy: 1e-6, "score[\(i)]")
            }
            if expectedFeasible[i].isNaN {
                XCTAssertTrue(r.feasible.values[i].isNaN, "feasible[\(i)]")
            } else {
                XCTAssertEqual(r.feasible.values[i], expectedFeasible[i], "feasible[\(i)]")
            }
        }
    }

    /// Scalar reference of the same formula.
    func reference(_ layers: [Grid], _ criteria: [Criterion], _ i: Int) -> (Float, Float) {
        let total = criteria.reduce(Float(0)) { $0 + $1.weight }
        var acc: Float = 0
        var ok = true
        for c in criteria {
            let x = layers[c.layer].values[i]
            if x.isNaN { return (.nan, .nan) }
            ok = ok && c.meetsLimits(x)
            acc += c.weight * c.membership.evaluate(x)
        }
        return (total > 0 ? acc / total : 0, ok ? 1 : 0)
    }

    func testRandomAgainstScalarReferenceAndThreads() {
        let w = 37, h = 29
        let layers = [randomGrid(w, h, seed: 1, scale: 12, nanEvery: 50), randomGrid(w, h, seed: 2, nanEvery: 50),
                      randomGrid(w, h, seed: 3), randomGrid(w, h, seed: 4, scale: 8000)]
        let cs = criteria + [Criterion(layer: 3, max: 5000, membership: .linear(from: 5000, to: 500), weight: 1.5),
                             Criterion(layer: 0, min: 1, membership: .threshold(at: 6, above: false), weight: 0.5)]
        let one = Scorer.score(layers: layers, criteria: cs, threads: 1)
        let two = Scorer.score(layers: layers, criteria: cs, threads: 2)
        XCTAssertEqual(one.score.values.map(\.bitPattern), two.score.values.map(\.bitPattern))
        XCTAssertEqual(one.feasible.values.map(\.bitPattern), two.feasible.values.map(\.bitPattern))
        var feasibleCount = 0, nanCount = 0
        for i in 0..<(w * h) {
            let (s, f) = reference(layers, cs, i)
            if s.isNaN {
                nanCount += 1
                XCTAssertTrue(one.score.values[i].isNaN && one.feasible.values[i].isNaN, "cell \(i)")
            } else {
                XCTAssertEqual(one.score.values[i], s, accuracy: 2e-6, "cell \(i)")
                XCTAssertEqual(one.feasible.values[i], f, "cell \(i)")
                if f == 1 { feasibleCount += 1 }
            }
        }
        XCTAssertGreaterThan(feasibleCount, 0)
        XCTAssertGreaterThan(nanCount, 0)
        XCTAssertLessThan(feasibleCount, w * h - nanCount)
    }

    func testUnusedLayerNaNDoesNotMatterAndZeroWeights() {
        let a = Grid(width: 3, height: 1, values: [1, 2, 3])
        let unused = Grid(width: 3, height: 1, values: [.nan, .nan, .nan])
        let r = Scorer.score(layers: [a, unused], criteria: [.limit(layer: 0, max: 2)])
        XCTAssertEqual(r.score.values, [0, 0, 0])
        XCTAssertEqual(r.feasible.values, [1, 1, 0])
    }

    func testBreakdownAndBindingCriterion() {
        let layers = [[Float(2), 9], [0.7, 1], [0.55, 1]].map { Grid(width: 2, height: 1, values: $0) }
        let b = Scorer.breakdown(layers: layers, criteria: criteria, row: 0, column: 0)
        XCTAssertEqual(b.criteria.map(\.membership), [0.75, 1, 0.5])
        XCTAssertEqual(b.criteria.map(\.contribution).reduce(0, +), 4.25 / 6, accuracy: 1e-6)
        XCTAssertEqual(b.binding, 2)     // sun loses 2 * 0.5 = 1.0 > slope's 3 * 0.25 = 0.75
        let bad = Scorer.breakdown(layers: layers, criteria: criteria, row: 0, column: 1)
        XCTAssertEqual(bad.binding, 0)   // slope 9 > max 8
        XCTAssertFalse(bad.criteria[0].meetsLimits)
    }

    func testValidation() {
        XCTAssertNotNil(Criterion(layer: 3, membership: .linear(from: 0, to: 1)).validationError(layerCount: 3))
        XCTAssertNotNil(Criterion(layer: 0, membership: .linear(from: 1, to: 1)).validationError(layerCount: 1))
        XCTAssertNotNil(Criterion(layer: 0, min: 5, max: 1, membership: .linear(from: 0, to: 1)).validationError(layerCount: 1))
        XCTAssertNotNil(Criterion(layer: 0, membership: .linear(from: 0, to: 1), weight: -1).validationError(layerCount: 1))
        XCTAssertNil(criteria[2].validationError(layerCount: 3))
    }
}
