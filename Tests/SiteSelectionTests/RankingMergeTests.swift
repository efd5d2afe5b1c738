import Foundation
import XCTest
import FarSideCore
@testable import SiteSelection

/// Tiled top-K (`Ranking.tileCandidates` -> candidate files -> `Ranking.merge`) against `Ranking.top`
/// on the whole region.
final class RankingMergeTests: XCTestCase {
    private var directory: URL!

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("rankmerge-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: directory)
    }

    /// Rows `rows`, columns `columns` of `grid`.
    private func window(_ grid: Grid, _ rows: Range<Int>, _ columns: Range<Int>) -> Grid {
        var v: [Float] = []
        v.reserveCapacity(rows.count * columns.count)
        for r in rows { v += grid.values[(r * grid.width + columns.lowerBound)..<(r * grid.width + columns.upperBound)] }
        return Grid(width: columns.count, height: rows.count, values: v)
    }

    /// Each tile's candidates (after `transform`) written to a file, streamed back and merged.
    private func tiledTop(_ count: Int, score: Grid, feasible: Grid, metrics: CellMetrics, minSeparation: Double,
                          tileHeight: Int, tileWidth: Int,
                          transform: (Int, [RankingCandidate]) -> [RankingCandidate] = { $1 }) throws -> [RankedSite] {
        var files: [RankingCandidateFile] = []
        let bound = Ranking.candidateBound(count: count, metrics: metrics, minSeparation: minSeparation)
        for r0 in stride(from: 0, to: score.height, by: tileHeight) {
            for c0 in stride(from: 0, to: score.width, by: tileWidth) {
                let rows = r0..<min(r0 + tileHeight, score.height), columns = c0..<min(c0 + tileWidth, score.width)
                let tileFeasible = window(feasible, rows, columns), tileScore = window(score, rows, columns)
                let list = Ranking.tileCandidates(count: count, score: tileScore, feasible: tileFeasible, rowOffset: r0,
                                                  columnOffset: c0, metrics: metrics, minSeparation: minSeparation)
                let available = zip(tileScore.values, tileFeasible.values).filter { $1 >= 0.5 && !$0.isNaN }.count
                XCTAssertEqual(list.count, min(bound, available))
                XCTAssertEqual(list, list.sorted())
                let url = directory.appendingPathComponent("tile-\(r0)-\(c0).fsrc")
                try Ranking.encodeCandidates(transform(files.count, list)).write(to: url)
                files.append(try RankingCandidateFile(path: url.path))
            }
        }
        let sites = Ranking.merge(count: count, sources: files, metrics: metrics, minSeparation: minSeparation)
        for file in files { try file.throwIfFailed() }
        return sites
    }

    private func assertIdentical(_ a: [RankedSite], _ b: [RankedSite], _ message: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(a, b, message, file: file, line: line)
        XCTAssertEqual(a.map(\.score.bitPattern), b.map(\.score.bitPattern), message, file: file, line: line)
    }

    func testTiledMatchesWholeRegion() throws {
        let w = 300, h = 250
        // A geographic-like grid: 100 m rows, columns shrinking with latitude (20 to 70 degrees).
        let metrics = CellMetrics(dx: (0..<h).map { 100 * cos((20 + 50 * Double($0) / Double(h)) * .pi / 180) },
                                  dy: [Double](repeating: 100, count: h))
        // Few score levels (signed zeros included: +0 ranks ahead of -0), with plateaus of 9 x 9 cells.
        let levels: [Float] = [-1, -0.0, 0, 0.25, 0.5, 1, 2]
        var rng = TestRNG(20_240_611)
        var values = [Float](repeating: 0, count: w * h)
        var plateau = [Float](repeating: .nan, count: (w / 9 + 1) * (h / 9 + 1))
        for i in plateau.indices where rng.int(3) == 0 { plateau[i] = levels[rng.int(levels.count)] }
        for r in 0..<h {
            for c in 0..<w {
                let p = plateau[(r / 9) * (w / 9 + 1) + c / 9]
                values[r * w + c] = rng.int(23) == 0 ? .nan : (p.isNaN ? levels[rng.int(levels.count)] : p)
            }
        }
        let score = Grid(width: w, height: h, values: values)
        let feasible = randomMask(w, h, seed: 77, pSafe: 0.7, nanEvery: 31)

        for (tileHeight, tileWidth) in [(7, 13), (40, 64), (97, 113), (23, w), (h, w)] {
            for sep in [0, 350, 2_500.0] {   // none, a few cells, more than most tiles
                for count in [1, 10, 50] {
                    let expected = Ranking.top(count, score: score, feasible: feasible, metrics: metrics, minSeparation: sep)
                    XCTAssertEqual(expected.count, sep < 2_500 ? count : min(count, expected.count))
                    XCTAssertFalse(expected.isEmpty)
                    let got = try tiledTop(count, score: score, feasible: feasible, metrics: metrics, minSeparation: sep,
                                           tileHeight: tileHeight, tileWidth: tileWidth)
                    assertIdentical(got, expected, "tiles \(tileHeight) x \(tileWidth), sep \(sep), count \(count)")
                }
            }
        }
        // Fewer candidates than `count`: every feasible cell ranked, the run ends by running out.
        let few = Ranking.top(5_000, score: score, feasible: feasible, metrics: metrics, minSeparation: 2_500)
        XCTAssertLessThan(few.count, 5_000)
        assertIdentical(try tiledTop(5_000, score: score, feasible: feasible, metrics: metrics, minSeparation: 2_500,
                                     tileHeight: 40, tileWidth: 64), few, "run out")
    }

    func testCandidateBound() {
        let unit = CellMetrics.uniform(rows: 10, dx: 1, dy: 1)
        // Cells strictly closer than 3 to a centre: 5 x 5 (the (0, 3) and (3, 0) offsets are exactly 3 away).
        XCTAssertEqual(Ranking.candidateBound(count: 10, metrics: unit, minSeparation: 3), 9 * 25 + 1)
        XCTAssertEqual(Ranking.candidateBound(count: 1, metrics: unit, minSeparation: 3), 1)
        XCTAssertEqual(Ranking.candidateBound(count: 10, metrics: unit, minSeparation: 0), 10)
        XCTAssertEqual(Ranking.candidateBound(count: 10, metrics: unit, minSeparation: -5), 10)
        XCTAssertEqual(Ranking.candidateBound(count: 0, metrics: unit, minSeparation: 3), 0)
        XCTAssertEqual(Ranking.candidateBound(count: 2, metrics: unit, minSeparation: 1), 2)   // only the centre
        // The smallest dx and dy count: 2 x 1 m cells in one row, 1 x 3 m in another -> 1 x 1 m.
        let mixed = CellMetrics(dx: [2, 1], dy: [1, 3])
        XCTAssertEqual(Ranking.candidateBound(count: 10, metrics: mixed, minSeparation: 3), 9 * 25 + 1)
        XCTAssertEqual(Ranking.candidateBound(count: 2, metrics: CellMetrics(dx: [0], dy: [1]), minSeparation: 1), Int.max)
    }

    /// The bound is attained. Tile A holds count - 1 = 9 far-apart cluster centres (score 10), each ringed by
    /// the 24 other cells of its disc (score 9), and one lone cell scoring 8; tile B scores 7 everywhere. The
    /// whole-region greedy accepts the 9 centres, rejects the 9 x 24 ring cells, then accepts the lone cell:
    /// it examines 9 + 216 + 1 = 226 = M cells of tile A. Truncating tile A's list to M gives the exact
    /// result; truncating to M - 1 drops the lone cell, and the merge takes a cell of tile B instead.
    /// (A heuristic such as "a few times `count` per tile" would be far too short here.)
    func testBoundIsTightAgainstClusters() throws {
        let w = 120, h = 60, count = 10, sep = 3.0
        let metrics = CellMetrics.uniform(rows: h, dx: 1, dy: 1)
        var score = Grid(width: w, height: h, repeating: 1)
        for r in 0..<h { for c in 60..<w { score[r, c] = 7 } }
        for k in 0..<(count - 1) {
            let r0 = 5 + (k / 3) * 10, c0 = 5 + (k % 3) * 10
            for dr in -2...2 { for dc in -2...2 { score[r0 + dr, c0 + dc] = 9 } }
            score[r0, c0] = 10
        }
        score[50, 50] = 8
        let feasible = Grid(width: w, height: h, repeating: 1)
        let bound = Ranking.candidateBound(count: count, metrics: metrics, minSeparation: sep)
        XCTAssertEqual(bound, 226)

        let expected = Ranking.top(count, score: score, feasible: feasible, metrics: metrics, minSeparation: sep)
        XCTAssertEqual(expected.last, RankedSite(rank: 10, row: 50, column: 50, score: 8))
        // Tile A is the first file (columns 0..<60), tile B the second.
        let exact = try tiledTop(count, score: score, feasible: feasible, metrics: metrics, minSeparation: sep,
                                 tileHeight: h, tileWidth: 60)
        assertIdentical(exact, expected, "truncated to M")
        let short = try tiledTop(count, score: score, feasible: feasible, metrics: metrics, minSeparation: sep,
                                 tileHeight: h, tileWidth: 60, transform: { $0 == 0 ? Array($1.prefix(bound - 1)) : $1 })
        XCTAssertEqual(Array(short.prefix(9)), Array(expected.prefix(9)))
        XCTAssertEqual(short.last?.score, 7, "with M - 1 candidates of tile A the merge must go wrong")
    }

    func testMergeOfArraysAndEmptySources() {
        let metrics = CellMetrics.uniform(rows: 4, dx: 1, dy: 1)
        let a = [RankingCandidate(row: 0, column: 0, score: 3), RankingCandidate(row: 3, column: 3, score: 1)]
        let b = [RankingCandidate(row: 0, column: 1, score: 3), RankingCandidate(row: 2, column: 0, score: 2)]
        let sites = Ranking.merge(count: 5, sources: [a.makeIterator(), [].makeIterator(), b.makeIterator()],
                                  metrics: metrics, minSeparation: 1.5)
        XCTAssertEqual(sites, [RankedSite(rank: 1, row: 0, column: 0, score: 3), RankedSite(rank: 2, row: 2, column: 0, score: 2),
                               RankedSite(rank: 3, row: 3, column: 3, score: 1)])
        XCTAssertEqual(Ranking.merge(count: 0, sources: [a.makeIterator()], metrics: metrics, minSeparation: 0), [])
        XCTAssertTrue(RankingCandidate(row: 9, column: 9, score: 0) < RankingCandidate(row: 0, column: 0, score: -0.0))
    }

    func testBadFiles() throws {
        let list = (0..<10_000).map { (i: Int) -> RankingCandidate in
            RankingCandidate(row: Int32(i / 100), column: Int32(i % 100), score: Float(20_000 - i))
        }
        let data = Ranking.encodeCandidates(list)
        XCTAssertEqual(data.count, 16 + 12 * list.count)
        XCTAssertEqual(Array(data.prefix(4)), Array("FSRC".utf8))
        let url = directory.appendingPathComponent("c.fsrc")
        try data.write(to: url)
        XCTAssertEqual(Array(try RankingCandidateFile(path: url.path)), list)   // several 64 KB chunks

        func refusal(_ bytes: Data) -> String? {
            try? FileManager.default.removeItem(at: url)
            try? bytes.write(to: url)
            do { _ = try RankingCandidateFile(path: url.path); return nil } catch let error as FarSideError {
                guard case .badInput(let message) = error else { return "wrong error \(error)" }
                return message
            } catch { return "wrong error \(error)" }
        }
        XCTAssertEqual(refusal(data.prefix(data.count - 5)), "\(url.path): ranking candidate file is \(data.count - 5) bytes, "
                                                             + "but its header counts 10000 candidates (truncated)")
        XCTAssertTrue(refusal(data + Data([0]))?.contains("trailing bytes") ?? false)
        XCTAssertTrue(refusal(data.prefix(10))?.contains("not a ranking candidate file") ?? false)
        XCTAssertTrue(refusal(Data("GTiff".utf8) + data.dropFirst(5))?.contains("not a ranking candidate file") ?? false)
        var future = data
        future[4] = 2
        XCTAssertTrue(refusal(future)?.contains("version 2") ?? false)
        XCTAssertTrue(refusal(Data())?.hasPrefix(url.path) ?? false)
        XCTAssertThrowsError(try RankingCandidateFile(path: directory.appendingPathComponent("missing").path))

        // Out of order: the stream stops before the bad candidate and reports it.
        try Ranking.encodeCandidates([list[0], list[2], list[1]]).write(to: url)
        let file = try RankingCandidateFile(path: url.path)
        XCTAssertEqual(Array(file), [list[0], list[2]])
        XCTAssertThrowsError(try file.throwIfFailed()) { error in
            XCTAssertEqual(error as? FarSideError, .badInput("\(url.path): ranking candidate 2 is invalid or out of order"))
        }
    }
}
