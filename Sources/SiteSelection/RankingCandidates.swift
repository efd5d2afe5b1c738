import Foundation
import FarSideCore

/// One candidate cell of a tiled ranking, in region (global) coordinates.
///
/// Ordered as `Ranking.top` orders cells (`Ranking.key`): score descending by its ordered bit pattern
/// (so +0 ranks ahead of -0), then row ascending, then column ascending; the row and column are explicit,
/// so no region width is needed. `a < b` means that `a` ranks ahead of `b`: `sorted()` is best first.
/// Equality compares the score's bits, consistently with that order.
public struct RankingCandidate: Sendable, Equatable, Comparable {
    public var row: Int32
    public var column: Int32
    public var score: Float

    public init(row: Int32, column: Int32, score: Float) {
        self.row = row; self.column = column; self.score = score
    }

    /// The score's bits mapped so that unsigned order is numeric order (larger is better).
    @inline(__always)
    var orderedScore: UInt32 {
        let b = score.bitPattern
        return (b & 0x8000_0000) != 0 ? ~b : (b | 0x8000_0000)
    }

    /// `a` ranks ahead of `b`.
    @inline(__always)
    public static func < (a: RankingCandidate, b: RankingCandidate) -> Bool {
        let sa = a.orderedScore, sb = b.orderedScore
        if sa != sb { return sa > sb }
        return a.row != b.row ? a.row < b.row : a.column < b.column
    }

    public static func == (a: RankingCandidate, b: RankingCandidate) -> Bool {
        a.row == b.row && a.column == b.column && a.score.bitPattern == b.score.bitPattern
    }
}

/// Exact top-K over a tiled region: each tile keeps its best `candidateBound` candidates
/// (`tileCandidates`), and `merge` runs the greedy non-maximum suppression of `Ranking.top` (Neubeck &
/// Van Gool, ICPR 2006) over the k-way merge of the tiles' sorted lists. The result is the one
/// `Ranking.top` gives on the whole region: same cells, same order, same scores.
///
/// Why M = `candidateBound` per tile suffices. The whole-region greedy examines candidates in the global
/// order and stops at the `count`-th acceptance; restricted to one tile, that order is the tile's own, so
/// the cells of a tile it examines are a prefix of the tile's sorted list. Each examined cell is accepted
/// or rejected because an accepted site lies strictly closer than the separation. `distance` scales rows
/// and columns by the mean of two rows' dy and dx, never less than the smallest dy and dx (and IEEE
/// arithmetic is monotone, so this holds for the computed distances too): a site's disc holds at most
/// `D` cells, itself included, counted with the smallest dx and dy. Rejections before the run ends come
/// from the first `count - 1` sites (the `count`-th acceptance ends it; a run that runs out has fewer
/// sites), so at most count + (count - 1)(D - 1) = (count - 1) D + 1 = M cells of a tile are examined.
/// A high cluster can reach M exactly (`RankingMergeTests`). With each tile's examined prefix kept, the
/// merged stream begins with exactly the cells the whole-region greedy examines, in its order, and the
/// same acceptance test gives the same decisions.
extension Ranking {
    /// M: how many cells of any one tile the whole-region greedy can examine (see above), (count - 1) D + 1
    /// with D the number of cells (the centre included) whose centres are strictly closer than
    /// `minSeparation` to a cell centre, counted with the smallest dx and dy of `metrics` (the region's).
    /// `count` itself with no separation; `Int.max` when the disc is too large to count (degenerate metrics).
    public static func candidateBound(count: Int, metrics: CellMetrics, minSeparation sep: Double) -> Int {
        guard count > 0 else { return 0 }
        guard sep > 0 else { return count }
        guard let dx = metrics.dx.min(), let dy = metrics.dy.min(), dx > 0, dy > 0,
              sep / dx < 0x1p20, sep / dy < 0x1p20 else { return Int.max }
        // The same floating-point expression as `distance`, for two rows of the smallest dx and dy.
        func inside(_ dr: Int, _ dc: Int) -> Bool {
            let north = Double(dr) * 0.5 * (dy + dy), east = Double(dc) * 0.5 * (dx + dx)
            return (north * north + east * east).squareRoot() < sep
        }
        var cells = 0
        var dc = Int(sep / dx) + 1
        for dr in 0... {
            while dc >= 0 && !inside(dr, dc) { dc -= 1 }   // the half-width only shrinks as |dr| grows
            if dc < 0 { break }
            cells += (2 * dc + 1) * (dr == 0 ? 1 : 2)
        }
        let (m, overflow) = (count - 1).multipliedReportingOverflow(by: cells)
        return overflow || m == Int.max ? Int.max : m + 1
    }

    /// The best `min(candidateBound, feasible cells)` candidates of one tile, best first, in region
    /// coordinates: the tile core (`score`, `feasible`) sits at `rowOffset`, `columnOffset` of the region;
    /// `metrics` are the region's (all its rows), for the bound. Candidates as in `top`: feasible >= 0.5
    /// and a non-NaN score. A bounded heap of the M best so far: O(N log M) time, O(M) memory.
    public static func tileCandidates(count: Int, score: Grid, feasible: Grid, rowOffset: Int, columnOffset: Int,
                                      metrics: CellMetrics, minSeparation: Double) -> [RankingCandidate] {
        let w = score.width, h = score.height
        precondition(feasible.width == w && feasible.height == h, "score and feasible differ in size")
        precondition(rowOffset >= 0 && columnOffset >= 0 && rowOffset + h <= metrics.dx.count,
                     "tile rows \(rowOffset)..<\(rowOffset + h) outside the region's \(metrics.dx.count)")
        precondition(columnOffset + w <= Int(Int32.max) && w * h < Int(UInt32.max), "tile too large")
        let limit = min(candidateBound(count: count, metrics: metrics, minSeparation: minSeparation), w * h)
        guard limit > 0 else { return [] }
        // Complemented keys in a max-heap: the root is the worst of those kept. Within the tile, row-major
        // order is the region's (row, column) order, so the local key orders as the global one.
        var heap: [UInt64] = []
        heap.reserveCapacity(min(limit, 1 << 16))
        score.values.withUnsafeBufferPointer { s in
            feasible.values.withUnsafeBufferPointer { f in
                for i in 0..<(w * h) where f[i] >= 0.5 && !s[i].isNaN {
                    let k = ~key(score: s[i], index: i)
                    if heap.count < limit {
                        heap.append(k)
                        if heap.count == limit {
                            heap.withUnsafeMutableBufferPointer { hb in
                                for j in stride(from: limit / 2 - 1, through: 0, by: -1) { siftDown(hb.baseAddress!, j, limit) }
                            }
                        }
                    } else if k < heap[0] {
                        heap.withUnsafeMutableBufferPointer { hb in
                            hb[0] = k
                            siftDown(hb.baseAddress!, 0, limit)
                        }
                    }
                }
            }
        }
        heap.sort()   // ascending complements: best first
        return heap.map { k in
            let index = Int(UInt32.max - UInt32(truncatingIfNeeded: ~k))
            return RankingCandidate(row: Int32(rowOffset + index / w), column: Int32(columnOffset + index % w),
                                    score: score.values[index])
        }
    }

    /// The top `count` sites of the region from the tiles' candidate lists (each sorted best first, as
    /// `tileCandidates` gives them, the tiles disjoint): a k-way merge through a binary heap of the
    /// sources' heads, pulled one candidate at a time, feeding the acceptance test of `top` (bucket grid
    /// of one separation per bucket, 3 x 3 neighbourhood, `distance`). `metrics` are the region's,
    /// indexed by region row. Sources are read lazily and only as far as needed; a file-backed source
    /// (`RankingCandidateFile`) reports read errors through `throwIfFailed()` afterwards.
    public static func merge<Source: IteratorProtocol>(count: Int, sources: [Source], metrics: CellMetrics,
                                                       minSeparation: Double) -> [RankedSite]
        where Source.Element == RankingCandidate {
        guard count > 0 else { return [] }
        var sources = sources
        var heads: [(candidate: RankingCandidate, source: Int)] = []
        for i in sources.indices { if let c = sources[i].next() { heads.append((c, i)) } }
        @inline(__always) func ahead(_ a: Int, _ b: Int) -> Bool {
            heads[a].candidate < heads[b].candidate
                || (heads[a].candidate == heads[b].candidate && heads[a].source < heads[b].source)
        }
        func siftDown(_ start: Int) {
            var i = start
            while true {
                var best = i
                let left = 2 * i + 1, right = left + 1
                if left < heads.count && ahead(left, best) { best = left }
                if right < heads.count && ahead(right, best) { best = right }
                if best == i { return }
                heads.swapAt(i, best)
                i = best
            }
        }
        if heads.count > 1 { for i in stride(from: heads.count / 2 - 1, through: 0, by: -1) { siftDown(i) } }

        var accepted = SeparatedSites(metrics: metrics, minSeparation: minSeparation)
        while let (c, source) = heads.first.map({ ($0.candidate, $0.source) }), accepted.sites.count < count {
            if let next = sources[source].next() {
                precondition(c < next, "ranking candidate source \(source) is not sorted best first")
                heads[0] = (next, source)
            } else {
                heads.swapAt(0, heads.count - 1)
                heads.removeLast()
            }
            siftDown(0)
            let r = Int(c.row), col = Int(c.column)
            precondition(r >= 0 && r < metrics.dx.count && col >= 0, "candidate (\(r), \(col)) outside the region")
            accepted.accept(row: r, column: col, score: c.score)
        }
        return accepted.sites
    }

    /// Magic, format version, header size and record size of a candidate file (`encodeCandidates`).
    static let candidateMagic: [UInt8] = Array("FSRC".utf8)
    static let candidateVersion: UInt32 = 1
    static let candidateHeaderBytes = 16
    static let candidateRecordBytes = 12

    /// A tile's candidates as a file: the 4 bytes "FSRC", the format version (UInt32, 1) and the candidate
    /// count (UInt64), then per candidate the row and column (Int32) and the score's bits (UInt32); all
    /// little-endian. Read back with `RankingCandidateFile`.
    public static func encodeCandidates(_ candidates: [RankingCandidate]) -> Data {
        var data = Data(count: candidateHeaderBytes + candidateRecordBytes * candidates.count)
        data.withUnsafeMutableBytes { (p: UnsafeMutableRawBufferPointer) in
            p.copyBytes(from: candidateMagic)
            p.storeBytes(of: candidateVersion.littleEndian, toByteOffset: 4, as: UInt32.self)
            p.storeBytes(of: UInt64(candidates.count).littleEndian, toByteOffset: 8, as: UInt64.self)
            var o = candidateHeaderBytes
            for c in candidates {
                p.storeBytes(of: c.row.littleEndian, toByteOffset: o, as: Int32.self)
                p.storeBytes(of: c.column.littleEndian, toByteOffset: o + 4, as: Int32.self)
                p.storeBytes(of: c.score.bitPattern.littleEndian, toByteOffset: o + 8, as: UInt32.self)
                o += candidateRecordBytes
            }
        }
        return data
    }
}

/// A candidate file (`Ranking.encodeCandidates`) read as a stream, 64 KB at a time, for `Ranking.merge`.
///
/// `init` checks the header and that the file's size matches its count (a truncated or padded file is
/// refused there). Each candidate is checked as it is read (non-NaN score, non-negative cell, ranked
/// strictly after the one before); a check or read that fails there ends the stream and is reported by
/// `throwIfFailed()`, which a caller runs after `merge`.
public final class RankingCandidateFile: IteratorProtocol, Sequence {
    public let path: String
    /// The number of candidates the file holds.
    public let count: Int
    public private(set) var failure: FarSideError?
    private let handle: FileHandle
    private var buffer: [RankingCandidate] = []
    private var position = 0
    private var unread: Int                    // candidates not yet in `buffer`
    private var previous: RankingCandidate?
    private static let chunkRecords = 65_536 / Ranking.candidateRecordBytes

    public init(path: String) throws {
        self.path = path
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw FarSideError.badInput("\(path): cannot open ranking candidate file")
        }
        self.handle = handle
        do {
            let header = try handle.read(upToCount: Ranking.candidateHeaderBytes) ?? Data()
            guard header.count == Ranking.candidateHeaderBytes, Array(header.prefix(4)) == Ranking.candidateMagic else {
                throw FarSideError.badInput("\(path): not a ranking candidate file (no FSRC header)")
            }
            let (version, n) = header.withUnsafeBytes {
                (UInt32(littleEndian: $0.loadUnaligned(fromByteOffset: 4, as: UInt32.self)),
                 UInt64(littleEndian: $0.loadUnaligned(fromByteOffset: 8, as: UInt64.self)))
            }
            guard version == Ranking.candidateVersion else {
                throw FarSideError.badInput("\(path): ranking candidate file version \(version), expected \(Ranking.candidateVersion)")
            }
            let size = try handle.seekToEnd()
            let records = (size - UInt64(Ranking.candidateHeaderBytes)) / UInt64(Ranking.candidateRecordBytes)
            guard n == records, size == UInt64(Ranking.candidateHeaderBytes) + n * UInt64(Ranking.candidateRecordBytes) else {
                throw FarSideError.badInput("\(path): ranking candidate file is \(size) bytes, but its header counts \(n) candidates "
                                            + "(\(n > records ? "truncated" : "trailing bytes"))")
            }
            try handle.seek(toOffset: UInt64(Ranking.candidateHeaderBytes))
            count = Int(n)
            unread = Int(n)
        } catch let error as FarSideError {
            try? handle.close()
            throw error
        } catch {
            try? handle.close()
            throw FarSideError.badInput("\(path): cannot read ranking candidate file: \(error.localizedDescription)")
        }
    }

    deinit { try? handle.close() }

    public func next() -> RankingCandidate? {
        if position == buffer.count {
            guard unread > 0, failure == nil else { return nil }
            fill()
            guard position < buffer.count else { return nil }
        }
        defer { position += 1 }
        return buffer[position]
    }

    /// Throws the error that ended the stream early, if any.
    public func throwIfFailed() throws {
        if let failure { throw failure }
    }

    private func fill() {
        let records = Swift.min(unread, Self.chunkRecords)
        let data: Data
        do {
            data = try handle.read(upToCount: records * Ranking.candidateRecordBytes) ?? Data()
        } catch {
            return fail("read error: \(error.localizedDescription)")
        }
        guard data.count == records * Ranking.candidateRecordBytes else {
            return fail("ranking candidate file truncated after \(count - unread) of \(count) candidates")
        }
        buffer.removeAll(keepingCapacity: true)
        position = 0
        data.withUnsafeBytes { p in
            for i in 0..<records {
                let o = i * Ranking.candidateRecordBytes
                buffer.append(RankingCandidate(
                    row: Int32(littleEndian: p.loadUnaligned(fromByteOffset: o, as: Int32.self)),
                    column: Int32(littleEndian: p.loadUnaligned(fromByteOffset: o + 4, as: Int32.self)),
                    score: Float(bitPattern: UInt32(littleEndian: p.loadUnaligned(fromByteOffset: o + 8, as: UInt32.self)))))
            }
        }
        for (i, c) in buffer.enumerated() {
            guard !c.score.isNaN, c.row >= 0, c.column >= 0, previous.map({ $0 < c }) ?? true else {
                buffer.removeSubrange(i...)
                return fail("ranking candidate \(count - unread + i) is invalid or out of order")
            }
            previous = c
        }
        unread -= records
    }

    private func fail(_ message: String) {
        failure = FarSideError.badInput("\(path): \(message)")
        unread = 0
    }
}
