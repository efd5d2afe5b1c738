import FarSideCore

/// Final pass over rows: each cell's horizon as the exact maximum along its own ray (`RayPiece`) over
/// (1) the near field, every piece out to `NearField.lag` row steps, as a stencil of pieces shared by all
/// cells (cells whose near field leaves the grid walk their own rays, `RayWalker`), and (2) windows around
/// the hull's candidates (`candidateWindows`): the tangent of the cell's own line and of the neighbour
/// whose line brackets the ray with it, the farthest nearly tangent vertices, the ray's exit. Then NaN
/// for nodata observers, and degrees. Reads the padded buffers of a `SweepFrame`, takes the maxima in the
/// padded slopes buffer itself (each row belongs to one worker), writes unpadded rows.
///
/// With an output window only its rows are run, and in them only the cells within 16 columns of it
/// (`evaluated`) walk their rays, yet every cell of the row queues its jobs: a cell's value depends on
/// more than its own ray. The first pieces of a batch of eight jobs include their starts when any job of
/// the batch starts at the eye (`RayWalker.maximum`; batching the window's jobs on their own moved a few
/// cells per band by up to 0.05 degrees), and when a cell's jobs are walked (a full queue is flushed
/// mid-row, before the near-field stencil) decides which pieces their bounds skip, which can matter where
/// rounding puts a piece a hair above its bound. So the queue fills in the same order, is flushed at the
/// same jobs, and its batches keep their members; only batches with no cell of `evaluated` are not walked.
/// The 16 columns bring every lane of the stencil's vectors that touch the window to the stencil with the
/// whole sweep's slopes (a vector skips a piece only when no lane can use it).
struct FinalPass: @unchecked Sendable {
    typealias V = VectorMath.V
    typealias I = VectorMath.I
    let near: NearField
    let walker: RayWalker
    let width: Int, height: Int
    /// Padded: cell (r, c) at r * pitch + pad + c.
    let pitch: Int, pad: Int
    let zo: UnsafePointer<Float>, zb: UnsafePointer<Float>
    /// Scratch slopes (padded), the kernel's candidate codes and the rows of its farthest nearly tangent
    /// vertices (padded; -1 where none).
    let slopes: SharedPointer<Float>
    let candidates: SharedPointer<Float>
    let farthest: SharedPointer<Float>
    /// Unpadded output of the window's cells, row-major (cell (r, c) at (r - window.row) * window.width +
    /// c - window.column).
    let out: SharedPointer<Float>
    let h: Float
    let k: Float, invR: Float
    /// The output window (frame rows and columns; the whole frame without one), whether it is one, and the
    /// columns whose rays are walked.
    let window: RasterWindow
    let windowed: Bool
    let evaluated: Range<Int>
    /// Per frame cell (row-major, frame.width per row): 2 where the cell's horizon is wanted, 1 within 16
    /// columns of such a cell (walked as `evaluated`'s margin), 0 elsewhere; nil: every cell. Cells not
    /// wanted come out NaN. The same rules as the window's, cell by cell (`HorizonSweeper.observers`).
    let mask: UnsafePointer<UInt8>?

    init(near: NearField, walker: RayWalker, frame: SweepFrame, slopes: SharedPointer<Float>, candidates: SharedPointer<Float>,
         farthest: SharedPointer<Float>, out: SharedPointer<Float>, observerHeight: Float, window: RasterWindow? = nil,
         mask: UnsafePointer<UInt8>? = nil) {
        self.mask = mask
        self.window = window ?? .whole(width: frame.width, height: frame.height)
        windowed = window != nil
        evaluated = windowed ? Swift.max(0, self.window.column - 16)..<Swift.min(frame.width, self.window.columns.upperBound + 16)
            : 0..<frame.width
        self.near = near
        self.walker = walker
        width = frame.width; height = frame.height
        pitch = frame.pitch; pad = SweepFrame.pad
        zo = UnsafePointer(frame.observers.base); zb = UnsafePointer(frame.targets.base)
        self.slopes = slopes; self.candidates = candidates; self.out = out
        self.farthest = farthest
        h = observerHeight
        k = walker.k; invR = walker.invR
    }

    @inline(__always)
    static func load(_ p: UnsafePointer<Float>) -> V { UnsafeRawPointer(p).loadUnaligned(as: V.self) }

    @inline(__always)
    static func store(_ v: V, _ p: UnsafeMutablePointer<Float>) { UnsafeMutableRawPointer(p).storeBytes(of: v, as: V.self) }

    /// Lane numbers 0 ..< 8 as floats.
    static var laneFloats: V { V(0, 1, 2, 3, 4, 5, 6, 7) }

    func run(rows: Range<Int>) {
        let W = width
        var jobs = RayJobs()
        defer { jobs.deallocate() }
        for r in rows {
            let acc = slopes.base + (r * pitch + pad)
            acc.initialize(repeating: RayPiece.nothing, count: W)
            // The windows' first steps (usually holding the horizon) first: the slopes they leave let the
            // near-field stencil and the queued walks skip pieces that cannot beat them.
            candidateWindows(row: r, acc: acc, jobs: &jobs)
            nearField(row: r, acc: acc, jobs: &jobs)
            flush(&jobs, row: r, acc: acc)
            finish(row: r, acc: acc, observers: zo + (r * pitch + pad))
        }
    }

    /// Queues the window lo ... hi (row steps) of the ray of cell (r, c) as jobs of `RayJobs.span` steps;
    /// nothing when hi <= lo. The window is clamped to the ray's `exit`; a window that lies beyond it (a
    /// line reaches farther than the ray where the ray leaves through a side) becomes the ray's last step.
    /// Returns the window queued.
    @inline(__always) @discardableResult
    func add(_ jobs: inout RayJobs, row r: Int, acc: UnsafeMutablePointer<Float>, column c: Int, from lo: Float, to hi: Float,
             exit: Float) -> (Float, Float) {
        guard lo < hi, exit > 0 else { return (0, 0) }
        let b = Swift.min(hi, exit)
        var a = Swift.max(Swift.min(lo, b - 1), 0)
        let window = (a, b)
        while a < b {
            let e = Swift.min(a + RayJobs.span, b)
            jobs.push(column: Float(c), from: a, to: e)
            if jobs.isFull { flush(&jobs, row: r, acc: acc) }
            a = e
        }
        return window
    }

    /// Walks the queued jobs eight at a time and raises their cells' slopes; empties the queue.
    func flush(_ jobs: inout RayJobs, row r: Int, acc: UnsafeMutablePointer<Float>) {
        let n = jobs.count
        guard n > 0 else { return }
        // Pad the last batch with empty jobs on the first job's cell.
        for j in n..<(n + 8) { jobs.columns[j] = jobs.columns[0]; jobs.lo[j] = 1; jobs.hi[j] = 0 }
        let observerRow = zo + (r * pitch + pad)
        var b = 0
        while b < n {
            let columns = FinalPass.load(jobs.columns + b)
            let lo = FinalPass.load(jobs.lo + b)
            var hi = FinalPass.load(jobs.hi + b)
            let startsAtEye = any(lo .== V(repeating: 0))
            if windowed || mask != nil {
                // Lanes of cells outside `evaluated`, or marked 0 in the mask, walk nothing (a batch without
                // any other cell is skipped).
                var inside = I(repeating: -1)
                if windowed {
                    inside &= VectorMath.signMask(V(repeating: Float(evaluated.lowerBound) - 0.5) - columns)
                        & VectorMath.signMask(columns - V(repeating: Float(evaluated.upperBound) - 0.5))
                }
                if let mask {
                    let maskRow = mask + r * width
                    var m = V()
                    for j in 0..<8 { m[j] = Float(maskRow[Int(columns[j])]) }
                    inside &= VectorMath.signMask(V(repeating: 0.5) - m)
                }
                if !VectorMath.any(inside) { b += 8; continue }
                hi = VectorMath.select(inside, hi, V(repeating: 0))
            }
            var z = V(), current = V()
            for j in 0..<8 { let c = Int(columns[j]); z[j] = observerRow[c]; current[j] = acc[c] }
            let best = walker.maximum(row: r, columns: columns, from: lo, to: hi, zo: z + V(repeating: h), best: current,
                                      startsAtEye: startsAtEye)
            for j in 0..<Swift.min(8, n - b) {
                let c = Int(columns[j])
                if best[j] > acc[c] { acc[c] = best[j] }
            }
            b += 8
        }
        jobs.count = 0
    }

    /// Observer heights (ground + h) of the 8 cells from column c of row r; `deep` lanes stay deep.
    @inline(__always)
    func observers(row r: Int, column c: Int) -> V { FinalPass.load(zo + (r * pitch + pad + c)) + V(repeating: h) }

    /// Raises the 8 slopes from column c (fewer at the row's end) to `v`.
    @inline(__always)
    func raise(_ acc: UnsafeMutablePointer<Float>, at c: Int, to v: V) {
        if c + 8 <= width {
            FinalPass.store(VectorMath.max(v, FinalPass.load(acc + c)), acc + c)
        } else {
            for j in 0..<(width - c) where v[j] > acc[c + j] { acc[c + j] = v[j] }
        }
    }

    /// Candidates this many row steps apart or less get one window spanning both; farther apart, each
    /// gets its own and the row between them interpolated at the ray's offset gets a wider one.
    static let spanLimit: Float = 16
    static let interpolatedHalfWidth: Float = 3

    /// The exact ray over the windows around the candidates of each cell of row r: its own (the line
    /// nearest to it) and the one of the neighbour on the far side of the ray from that line (whose line
    /// brackets the ray with it). On a crest that runs obliquely to the ray the two lines' tangents can
    /// be many rows apart; the ray crosses the crest between them, near where its offset between the
    /// lines puts it, so those rows get a window of their own.
    func candidateWindows(row r: Int, acc: UnsafeMutablePointer<Float>, jobs: inout RayJobs) {
        let W = width
        let codes = UnsafePointer(candidates.base + (r * pitch + pad))
        // The cell's line passes at column c + f (f = t r - round(t r), |f| <= 1/2); the other line of the
        // bracket is on the ray's other side, |f| columns from it (the ray is |f| of the way across).
        let tr = walker.tPerRow * Double(r)
        let f = tr - tr.rounded()
        let side = f > 0 ? -1 : 1
        let across = V(repeating: Float(Swift.abs(f)))
        let big = V(repeating: 1e9), one = V(repeating: 1)
        let dir = V(repeating: walker.dir), rowF = V(repeating: Float(r))
        let lagBefore = V(repeating: Float(near.lag - 1))
        let limit = V(repeating: FinalPass.spanLimit), halfWidth = V(repeating: FinalPass.interpolatedHalfWidth)
        var c = 0
        while c < W {
            let columns = V(repeating: Float(c)) + FinalPass.laneFloats
            let inGrid = VectorMath.signMask(columns - V(repeating: Float(W)))
            let neighbour = columns + V(repeating: Float(side))
            let neighbourValid = inGrid & ~VectorMath.signMask(neighbour) & VectorMath.signMask(neighbour - V(repeating: Float(W)))
            let own = CandidateCode.decode(FinalPass.load(codes + c))
            let other = CandidateCode.decode(FinalPass.load(codes + (c + side)))
            let u0 = (own.row - rowF) * dir, u1 = (other.row - rowF) * dir
            let ownHas = inGrid & ~own.none, otherHas = neighbourValid & ~other.none
            let exit = walker.exit(row: r, columns: columns)
            // Lanes whose windows run on to the ray's exit: a far-end or missing candidate on either line.
            let toExit = (inGrid & (own.farEnd | own.none)) | (neighbourValid & (other.farEnd | other.none))
            let both = ownHas & otherHas
            let apart = both & VectorMath.signMask(limit - VectorMath.abs(u1 - u0))
            let spanned = both & ~apart
            // Window 1: the span of both candidates, or the own candidate alone (or the far part of the ray
            // beyond the near field when the own line has none).
            var lo1 = VectorMath.select(ownHas, u0 - one, VectorMath.select(inGrid, lagBefore, big))
            var hi1 = VectorMath.select(ownHas, u0 + one, -big)
            lo1 = VectorMath.select(spanned, VectorMath.min(u0, u1) - one, lo1)
            hi1 = VectorMath.select(spanned, VectorMath.max(u0, u1) + one, hi1)
            lo1 = VectorMath.select(otherHas & ~ownHas, u1 - one, lo1)
            hi1 = VectorMath.select(otherHas & ~ownHas, u1 + one, hi1)
            hi1 = VectorMath.select(toExit, exit, hi1)
            lo1 = VectorMath.max(lo1, one)
            // Clamp window 1 to the exit (a window beyond it becomes the ray's last step), then walk its first
            // `RayJobs.span` steps for all eight cells at once; longer windows queue the rest.
            let empty = ~VectorMath.signMask(lo1 - hi1)
            let b1 = VectorMath.min(hi1, exit)
            let a1 = VectorMath.max(VectorMath.min(lo1, b1 - one), V(repeating: 0))
            let lo = VectorMath.select(empty, one, a1), hi = VectorMath.select(empty, V(repeating: 0), b1)
            let head = VectorMath.min(hi, lo + V(repeating: RayJobs.span))
            if (!windowed || (c + 8 > evaluated.lowerBound && c < evaluated.upperBound)) && masked(row: r, column: c, above: 0) {
                let zoV = observers(row: r, column: c)
                let current = FinalPass.load(acc + c)
                var best = walker.maximum(row: r, columns: columns, from: lo, to: head, zo: zoV, best: current,
                                          startsAtEye: any(lo .== V(repeating: 0)))
                // The ray's exit from the DEM: where it leaves through a side its last stretch lies beyond its
                // line's last point, and on ground rising to the edge the exit is the horizon.
                best = VectorMath.max(walker.slope(row: r, columns: columns, at: exit, zo: zoV,
                                                   valid: inGrid & VectorMath.signMask(lagBefore - exit)), best)
                raise(acc, at: c, to: best)
            }
            let rest = VectorMath.signMask(head - hi)
            // The farthest nearly tangent vertices of both lines where they lie 4 or more rows beyond the tangents.
            let row0 = r * pitch + pad + c
            let f0 = FinalPass.load(farthest.base + row0), f1 = FinalPass.load(farthest.base + (row0 + side))
            @inline(__always) func differs(_ a: V, _ b: V) -> I { VectorMath.signMask(V(repeating: 3.5) - VectorMath.abs(a - b)) }
            let differ = (ownHas & differs(f0, own.row)) | (otherHas & differs(f1, other.row))
            let lanes = Swift.min(8, W - c)
            if VectorMath.any(rest | differ) {
                let ownV = (f0 - rowF) * dir, otherV = (f1 - rowF) * dir
                for j in 0..<lanes where (rest[j] | differ[j]) != 0 {
                    let x = exit[j]
                    if rest[j] != 0 { add(&jobs, row: r, acc: acc, column: c + j, from: head[j], to: hi[j], exit: x) }
                    // Half a row each way around the farthest nearly tangent vertices more than 3 rows outside window 1
                    // and 4 or more from the tangents (on long grazing profiles the ray half a cell beside a line can
                    // peak far beyond its tangent; nearer ones change nothing measurable and would cost a fifth of
                    // the time).
                    let a = lo[j], b = hi[j]
                    @inline(__always) func around(_ u: Float, _ valid: Bool) {
                        if !valid || u < 0 || (u >= a - 3 && u <= b + 3) || Swift.abs(u - u0[j]) < 4 || Swift.abs(u - u1[j]) < 4 { return }
                        add(&jobs, row: r, acc: acc, column: c + j, from: Swift.max(u - 0.5, 1), to: u + 0.5, exit: x)
                    }
                    around(ownV[j], ownHas[j] != 0 && f0[j] >= 0)
                    around(otherV[j], otherHas[j] != 0 && f1[j] >= 0 && otherV[j] != ownV[j])
                }
            }
            if VectorMath.any(apart) {
                // Windows 2 and 3: the other candidate, and the interpolated crossing.
                let m = u0 + across * (u1 - u0)
                let lo3 = VectorMath.max(m.rounded(.down) - halfWidth, one), hi3 = m.rounded(.up) + halfWidth
                let lo2 = VectorMath.max(u1 - one, one), hi2 = u1 + one
                for j in 0..<lanes where apart[j] != 0 {
                    add(&jobs, row: r, acc: acc, column: c + j, from: lo2[j], to: hi2[j], exit: exit[j])
                    add(&jobs, row: r, acc: acc, column: c + j, from: lo3[j], to: hi3[j], exit: exit[j])
                }
            }
            c += 8
        }
    }

    /// The near field of row r: the stencil of pieces where every piece's cell lies in the grid, the
    /// cells' own rays elsewhere.
    func nearField(row r: Int, acc: UnsafeMutablePointer<Float>, jobs: inout RayJobs) {
        let W = width, H = height
        let rowsInside = r + near.lowestRow >= 0 && r + near.highestRow <= H - 1 && !near.pieces.isEmpty
        let cA = rowsInside ? Swift.max(0, -near.lowestColumn) : W
        let cB = rowsInside ? Swift.min(W, W - near.highestColumn) : W      // stencil columns cA ..< cB
        var c = cA
        if cA < cB {
            let lo = window.column, hi = window.columns.upperBound
            near.pieces.withUnsafeBufferPointer { pieces in
                while c + 8 <= cB {
                    if (!windowed || (c + 8 > lo && c < hi)) && masked(row: r, column: c, above: 1) {
                        FinalPass.store(stencil(pieces, row: r, column: c, best: FinalPass.load(acc + c)), acc + c)
                    }
                    c += 8
                }
            }
        }
        // Edge columns and the stencil's last few: their own rays.
        let lag = Float(near.lag)
        for range in [0..<Swift.min(cA, W), c..<W] {
            for e in range {
                let exit = walker.exit(row: r, columns: V(repeating: Float(e)))[0]
                add(&jobs, row: r, acc: acc, column: e, from: 0, to: lag, exit: exit)
            }
        }
    }

    /// Largest near-field slope of the 8 cells from column c of row r, over every piece.
    @inline(__always)
    func stencil(_ pieces: UnsafeBufferPointer<NearField.Piece>, row r: Int, column c: Int, best current: V) -> V {
        let zoV = observers(row: r, column: c)
        let cx = V(repeating: Float(near.columnsPerMetre)), cy = V(repeating: Float(near.rowsPerMetre))
        let all = I(repeating: -1)
        var best = current
        for (n, p) in pieces.enumerated() {
            let top = zb + ((r + p.dr) * pitch + pad + c + p.dc)
            let bottom = top + pitch
            let z00 = FinalPass.load(top), z01 = FinalPass.load(top + 1), z10 = FinalPass.load(bottom), z11 = FinalPass.load(bottom + 1)
            if n > 0 {
                // Skip a piece whose cell's highest corner, at its nearer end (farther end when below the eye),
                // cannot beat the best slope in any lane. A 1% margin stands in for the sphere correction
                // (`RayWalker.piece` bounds with the corrected slope itself, which is exact since (z - zo)(1 - z/R)
                // grows with z; one shared bound of that form measured ~20% slower overall, so both stay).
                let highest = VectorMath.max(VectorMath.max(z00, z01), VectorMath.max(z10, z11)) - zoV
                let a = highest * VectorMath.selectNegative(highest, V(repeating: 1 / (p.sa + p.length)), V(repeating: p.invSa))
                let bound = a + V(repeating: 0.01) * VectorMath.abs(a) - V(repeating: k * p.sa)
                if !VectorMath.any(VectorMath.signMask(best - bound)) { continue }
            }
            let piece = RayPiece.maximum(z00: z00, z01: z01, z10: z10, z11: z11,
                                         xa: V(repeating: p.xa), ya: V(repeating: p.ya), cx: cx, cy: cy,
                                         sa: V(repeating: p.sa), invSa: V(repeating: p.invSa), length: V(repeating: p.length),
                                         withStart: n == 0, zo: zoV, k: k, invR: invR, valid: all)
            best = VectorMath.max(piece, best)
        }
        return best
    }

    /// Whether any of the 8 cells from column c of row r has a mask value above `threshold` (true without a mask).
    @inline(__always)
    func masked(row r: Int, column c: Int, above threshold: UInt8) -> Bool {
        guard let mask else { return true }
        let row = mask + r * width
        for j in c..<Swift.min(c + 8, width) where row[j] > threshold { return true }
        return false
    }

    /// Degrees for the window's cells of row `r` from their slopes; nodata observers (stored as `deep`)
    /// become NaN, and so do cells the mask does not want. Vectors of eight from column 0 as without a
    /// window, then one by one.
    @inline(__always)
    func finish(row r: Int, acc: UnsafeMutablePointer<Float>, observers o: UnsafePointer<Float>) {
        defer {
            if let mask {
                let op = out.base + (r - window.row) * window.width - window.column, row = mask + r * width
                for c in window.columns where row[c] < 2 { op[c] = .nan }
            }
        }
        let W = width, lo = window.column, hi = window.columns.upperBound
        let op = out.base + (r - window.row) * window.width - lo          // column c at op + c
        let deg = V(repeating: 180 / .pi), nan = V(repeating: .nan), limit = V(repeating: SweepFrame.deepLimit)
        var c = lo & ~7
        while c + 8 <= W && c < hi {
            let a = FinalPass.load(acc + c), zz = FinalPass.load(o + c)
            let v = VectorMath.selectNegative(zz - limit, nan, VectorMath.atan(a) * deg)
            if c >= lo && c + 8 <= hi {
                UnsafeMutableRawPointer(op + c).storeBytes(of: v, as: V.self)
            } else {
                for j in Swift.max(c, lo)..<Swift.min(c + 8, hi) { op[j] = v[j - c] }
            }
            c += 8
        }
        while c < hi {
            if c >= lo { op[c] = o[c] < SweepFrame.deepLimit ? .nan : VectorMath.atan(V(repeating: acc[c]))[0] * deg[0] }
            c += 1
        }
    }
}
