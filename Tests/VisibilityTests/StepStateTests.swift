import Ephemeris
import Foundation
import GeoRaster
import Horizon
import Orbits
@testable import Visibility
import XCTest

/// Per-cell lit / Earth-linked / relay-linked runs of steps (`StepStateEngine`) against an independent
/// reference: every cell's own local frame built here from its latitude and longitude (east, north, up on
/// the sphere, the grid convergence from the great-circle bearing of the raster's up direction), the
/// bodies' elevations and azimuths by plain vector math in that frame, the horizon interpolated linearly
/// at the exact azimuth; no tile frames, tilts, bins or chunks.
final class StepStateTests: XCTestCase {
    /// A synthetic terrain around the south pole (IAU_2015:30135): a 600 m deep crater off the pole, a
    /// 400 m hill and gentle undulation, `size` x `size` cells of `cell` metres, the pole at the centre;
    /// real horizons from the Horizon module; a month of hourly steps (analytical ephemeris).
    struct Scene {
        let size: Int
        let cell: Double
        var dem: Grid
        let transform: GeoTransform
        let transformer: CoordinateTransformer
        var cube: HorizonCube
        let track: BodyTrack
        let window: TimeWindow

        init(size: Int = 64, cell: Double = 150, azimuths: Int = 90, hours: Int = 720) throws {
            self.size = size
            self.cell = cell
            var dem = Grid(width: size, height: size, repeating: 0)
            for r in 0..<size {
                for c in 0..<size {
                    let x = (Double(c) + 0.5 - Double(size) / 2) * cell, y = (Double(size) / 2 - Double(r) - 0.5) * cell
                    var z = 20 * sin(x / 700) * cos(y / 900)
                    let d = hypot(x + 2000, y - 1000)
                    if d < 2500 { z += -600 * (1 - pow(d / 2500, 2)) + 150 } else if d < 3500 { z += 150 * (1 - (d - 2500) / 1000) }
                    z += 400 * exp(-(pow(x - 3000, 2) + pow(y + 2200, 2)) / (2 * 1000 * 1000))
                    dem[r, c] = Float(z)
                }
            }
            self.dem = dem
            let extent = Double(size) * cell
            transform = GeoTransform(originX: -extent / 2, originY: extent / 2, pixelWidth: cell, pixelHeight: -cell)
            transformer = try CoordinateTransformer(crs: SpatialReference.moonSouthPolar())
            cube = HorizonMap.cube(dem, dx: cell, dy: cell, options: HorizonOptions(azimuthCount: azimuths, threads: 2))
            window = try TimeWindow(start: Epoch("2024-03-01T00:00:00Z"), end: Epoch("2024-03-01T00:00:00Z").addingSeconds(Double(hours) * 3600),
                                    step: 3600)
            track = BodyTrack.compute(AnalyticalEphemeris(), window: window, threads: 2)
        }
    }

    /// A cell's own frame, built independently of `SurfaceFrame`.
    struct OwnFrame {
        let up: SIMD3<Double>, east: SIMD3<Double>, north: SIMD3<Double>
        /// Bearing of the raster's up direction from north, radians (the grid convergence).
        let gridBearing: Double

        init(_ scene: Scene, row: Int, column: Int) throws {
            func vector(_ x: Double, _ y: Double) throws -> SIMD3<Double> {
                let p = try XCTUnwrap(scene.transformer.latLon(x: x, y: y))
                let lat = p.lat * .pi / 180, lon = p.lon * .pi / 180
                return SIMD3(cos(lat) * cos(lon), cos(lat) * sin(lon), sin(lat))
            }
            let centre = scene.transform.map(column: Double(column) + 0.5, row: Double(row) + 0.5)
            let p = try scene.transformer.latLon(x: centre.x, y: centre.y).map { ($0.lat * .pi / 180, $0.lon * .pi / 180) }!
            up = SIMD3(cos(p.0) * cos(p.1), cos(p.0) * sin(p.1), sin(p.0))
            east = SIMD3(-sin(p.1), cos(p.1), 0)
            north = SIMD3(up.y * east.z - up.z * east.y, up.z * east.x - up.x * east.z, up.x * east.y - up.y * east.x)
            let d = try vector(centre.x, centre.y + 1) - vector(centre.x, centre.y - 1)
            gridBearing = atan2((d * east).sum(), (d * north).sum())
        }

        /// Elevation and grid azimuth (radians, 0 ..< 2 pi) of direction `v`.
        func look(_ v: SIMD3<Double>) -> (elevation: Double, azimuth: Double) {
            let u = v / (v * v).sum().squareRoot()
            var a = atan2((u * east).sum(), (u * north).sum()) - gridBearing
            a -= 2 * .pi * (a / (2 * .pi)).rounded(.down)
            return (asin((u * up).sum()), a)
        }
    }

    /// The horizon (radians, floored at the engine's geometric dip) at grid azimuth `a`, linearly between
    /// the cube's azimuths.
    func horizon(_ cube: HorizonCube, cell: Int, azimuth a: Double, floor: Double) -> Double {
        let A = cube.azimuthCount, position = a / (2 * .pi) * Double(A)
        let j = min(A - 1, Int(position)), f = position - Double(j)
        let h0 = max(Double(cube.elevation(band: j, cell: cell)), floor), h1 = max(Double(cube.elevation(band: (j + 1) % A, cell: cell)), floor)
        return (h0 + (h1 - h0) * f) * .pi / 180
    }

    struct Agreement: CustomStringConvertible {
        var decisions = 0, on = 0, mismatches = 0, nearThreshold = 0, mismatchesBeyond = 0
        var worstBeyond = 0.0  // degrees from the threshold of the worst mismatch beyond 0.01 deg
        var description: String {
            "\(decisions) decisions, \(on) on; \(nearThreshold) within 0.01 deg of a threshold; \(mismatches) disagree, "
                + "\(mismatchesBeyond) of them beyond 0.01 deg (worst \(String(format: "%.4f", worstBeyond)) deg)"
        }
    }

    /// Compares `runs` with the reference decision `reference(cell, step) -> (on, distance to the nearest threshold, radians)`.
    func compare(_ runs: StepRuns, cells: Int, steps: Int, _ reference: (Int, Int) throws -> (Bool, Double)) rethrows -> Agreement {
        var out = Agreement()
        let near = 0.01 * .pi / 180
        for cell in 0..<cells {
            var flags = [Bool](repeating: false, count: steps)
            for run in runs.runs(of: cell) { for t in Int(run.start)..<Int(run.end) { flags[t] = true } }
            for t in 0..<steps {
                let (on, margin) = try reference(cell, t)
                out.decisions += 1
                if on { out.on += 1 }
                if margin < near { out.nearThreshold += 1 }
                if on != flags[t] {
                    out.mismatches += 1
                    if margin >= near {
                        out.mismatchesBeyond += 1
                        out.worstBeyond = max(out.worstBeyond, margin * 180 / .pi)
                    }
                }
            }
        }
        return out
    }

    /// Sortedness, disjointness, no touching runs, steps within the window.
    func checkWellFormed(_ runs: StepRuns, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(runs.offsets.count, runs.cellCount + 1, file: file, line: line)
        var bad = 0
        for cell in 0..<runs.cellCount {
            if runs.offsets[cell] > runs.offsets[cell + 1] { bad += 1 }
            var last: UInt32?
            for run in runs.runs(of: cell) {
                if !(run.start < run.end && Int(run.end) <= runs.stepCount) { bad += 1 }
                if let last, !(last < run.start) { bad += 1 }
                last = run.end
            }
        }
        XCTAssertEqual(bad, 0, "malformed runs", file: file, line: line)
    }

    func engine(minSun: Double, minEarth: Double = 0, tileSize: Int = 20) -> StepStateEngine {
        var engine = StepStateEngine()
        engine.threads = 2
        engine.tileSize = tileSize
        engine.minSunElevationDeg = minSun
        engine.minEarthElevationDeg = minEarth
        return engine
    }

    /// The issue's definitions against the independent reference, every cell and step: the Sun's centre
    /// above the horizon and 0.5 deg above the local horizontal; the Earth's centre (topocentric from the
    /// cell) above the horizon and 1 deg above the local horizontal.
    func testLitAndEarthStepsMatchIndependentGeometry() throws {
        let scene = try Scene()
        let minSun = 0.5, minEarth = 1.0
        let cells = scene.size * scene.size, T = scene.track.count
        // The reference decisions and their distances to the nearest threshold, every cell and step.
        var sunReference: [(Bool, Double)] = [], earthReference: [(Bool, Double)] = []
        sunReference.reserveCapacity(cells * T)
        earthReference.reserveCapacity(cells * T)
        for cell in 0..<cells {
            let f = try OwnFrame(scene, row: cell / scene.size, column: cell % scene.size)
            let site = f.up * ((1_737_400 + Double(scene.dem.values[cell])) / 1000)
            for t in 0..<T {
                var (e, a) = f.look(scene.track.sun[t])
                var h = horizon(scene.cube, cell: cell, azimuth: a, floor: 0), m = minSun * .pi / 180
                sunReference.append((e > h && e >= m, min(abs(e - h), abs(e - m))))
                (e, a) = f.look(scene.track.earthPositions[t] - site)
                h = horizon(scene.cube, cell: cell, azimuth: a, floor: 0)
                m = minEarth * .pi / 180
                earthReference.append((e > h && e >= m, min(abs(e - h), abs(e - m))))
            }
        }
        for tileSize in [20, 0] {
            let states = try engine(minSun: minSun, minEarth: minEarth, tileSize: tileSize)
                .run(dem: scene.dem, transform: scene.transform, transformer: scene.transformer, horizon: scene.cube, track: scene.track)
            checkWellFormed(states.lit)
            checkWellFormed(states.earth)
            let lit = compare(states.lit, cells: cells, steps: T) { cell, t in sunReference[cell * T + t] }
            let earth = compare(states.earth, cells: cells, steps: T) { cell, t in earthReference[cell * T + t] }
            let name = tileSize == 0 ? "auto" : String(tileSize)
            print("step states vs own-frame geometry (tile \(name)): lit: \(lit)")
            print("step states vs own-frame geometry (tile \(name)): earth: \(earth)")
            print("runs per cell: lit \(Double(states.lit.runs.count) / Double(cells)), earth \(Double(states.earth.runs.count) / Double(cells))")
            XCTAssertEqual(lit.mismatchesBeyond, 0)
            XCTAssertEqual(earth.mismatchesBeyond, 0)
            XCTAssertGreaterThan(lit.on, lit.decisions / 20, "the Sun is seen")
            XCTAssertLessThan(lit.on, lit.decisions / 2, "and often hidden")
            XCTAssertGreaterThan(earth.on, earth.decisions / 10, "the Earth is seen")
            XCTAssertLessThan(lit.nearThreshold, lit.decisions / 20, "a polar Sun skims the horizon, but not at every step")
        }
    }

    /// The top of the disc and no minimum elevation: the darkness scan's own test. No lit step exactly
    /// where the illumination engine says psr, and the longest gap between lit runs is its longest darkness.
    func testAnyPartOfTheDiscAgreesWithPSRAndLongestDarkness() throws {
        let scene = try Scene()
        var steps = engine(minSun: -90)
        steps.sunPoint = .upperLimb
        let states = try steps.run(dem: scene.dem, transform: scene.transform, transformer: scene.transformer, horizon: scene.cube, track: scene.track)
        var illumination = IlluminationEngine()
        illumination.threads = 2
        illumination.tileSize = 20
        let maps = try illumination.run(dem: scene.dem, transform: scene.transform, transformer: scene.transformer, horizon: scene.cube,
                                        track: scene.track, stepHours: 1)
        let T = scene.track.count
        var psrCells = 0, disagreePSR = 0, disagreeDarkness = 0
        for cell in 0..<(scene.size * scene.size) {
            let runs = states.lit.runs(of: cell)
            if maps.psr.values[cell] == 1 { psrCells += 1 }
            if (maps.psr.values[cell] == 1) != runs.isEmpty { disagreePSR += 1 }
            var longest = 0, previous = 0
            for run in runs {
                longest = max(longest, Int(run.start) - previous)
                previous = Int(run.end)
            }
            longest = max(longest, T - previous)
            if Float(longest) != maps.maxDarknessHours.values[cell] { disagreeDarkness += 1 }
        }
        print("any part of the disc: \(psrCells) psr cells, \(disagreePSR) disagree with no lit step; \(disagreeDarkness) longest darkness differ")
        XCTAssertGreaterThan(psrCells, 0, "the crater floor is in permanent shadow")
        XCTAssertEqual(disagreePSR, 0)
        XCTAssertEqual(disagreeDarkness, 0)
        // The centre is stricter than the top of the disc.
        let centre = try engine(minSun: -90).run(dem: scene.dem, transform: scene.transform, transformer: scene.transformer,
                                                 horizon: scene.cube, track: scene.track)
        XCTAssertLessThan(Self.onSteps(centre.lit), Self.onSteps(states.lit))
    }

    static func onSteps(_ runs: StepRuns) -> Int { runs.runs.reduce(0) { $0 + Int($1.end - $1.start) } }

    /// Raising the rover's minimum Sun elevation only removes lit steps, cell by cell.
    func testMinimumSunElevationRaisesTheBar() throws {
        let scene = try Scene(size: 40, hours: 360)
        var previous: StepRuns?
        var totals: [Int] = []
        for minSun in [-90, -0.5, 0, 0.5, 1, 2] {
            let lit = try engine(minSun: minSun).run(dem: scene.dem, transform: scene.transform, transformer: scene.transformer,
                                                    horizon: scene.cube, track: scene.track).lit
            checkWellFormed(lit)
            totals.append(Self.onSteps(lit))
            if let previous {
                var gained = 0
                for cell in 0..<lit.cellCount {
                    for run in lit.runs(of: cell) {
                        for t in Int(run.start)..<Int(run.end) where !previous.holds(cell: cell, step: t) { gained += 1 }
                    }
                }
                XCTAssertEqual(gained, 0, "min \(minSun): a step lit only at the higher minimum")
            }
            previous = lit
        }
        print("lit steps for minimum Sun elevation -90, -0.5, 0, 0.5, 1, 2 deg: \(totals)")
        XCTAssertEqual(totals.last, 0, "the polar Sun never reaches 2 deg on this terrain")
        XCTAssertGreaterThan(totals[2], totals[4])
    }

    /// Nodata in the DEM or in any horizon azimuth: no runs; the other cells unaffected.
    func testNodataCellsHaveNoRuns() throws {
        var scene = try Scene(size: 40, hours: 240)
        let clean = try engine(minSun: -90).run(dem: scene.dem, transform: scene.transform, transformer: scene.transformer,
                                                horizon: scene.cube, track: scene.track)
        let demHoles = [0, 41, 300, 799], horizonHoles = [5, 410, 1599]
        for cell in demHoles { scene.dem.values[cell] = .nan }
        var band = scene.cube.band(17)
        for cell in horizonHoles { band[cell] = .nan }
        scene.cube.setBand(17, band)
        var relays = StepStateEngine.Relays(satellites: [(0..<scene.track.count).map { BuiltInOrbits.queqiao2.positionME(at: scene.window.epoch($0)) }])
        relays.tileSize = 8
        let states = try engine(minSun: -90).run(dem: scene.dem, transform: scene.transform, transformer: scene.transformer,
                                                 horizon: scene.cube, track: scene.track, relays: relays)
        for cell in demHoles + horizonHoles {
            XCTAssertTrue(states.lit.runs(of: cell).isEmpty)
            XCTAssertTrue(states.earth.runs(of: cell).isEmpty)
            XCTAssertTrue(try XCTUnwrap(states.relay).runs(of: cell).isEmpty)
            XCTAssertTrue(states.linked.runs(of: cell).isEmpty)
        }
        for cell in [1, 42, 900] {
            XCTAssertFalse(states.lit.runs(of: cell).isEmpty)
            XCTAssertEqual(Array(states.lit.runs(of: cell)), Array(clean.lit.runs(of: cell)))
            XCTAssertEqual(Array(states.earth.runs(of: cell)), Array(clean.earth.runs(of: cell)))
        }
    }

    /// Relay runs follow `RelayMapEngine` (its fraction and longest gap exactly), and `linked` is the Earth
    /// or a relay at every cell and step.
    func testRelayRunsMatchRelayMapsAndLinkedIsTheUnion() throws {
        let window = try TimeWindow(start: Epoch("2024-06-01T00:00:00Z"), end: Epoch("2024-06-03T00:00:00Z"), step: 600)
        let base = try Scene(size: 48, hours: 1)
        let track = BodyTrack.compute(AnalyticalEphemeris(), window: window, threads: 2)
        let positions = (0..<window.count).map { BuiltInOrbits.queqiao2.positionME(at: window.epoch($0)) }
        var relays = StepStateEngine.Relays(satellites: [positions], minElevationDeg: 5)
        relays.tileSize = 16
        let states = try engine(minSun: 0).run(dem: base.dem, transform: base.transform, transformer: base.transformer, horizon: base.cube,
                                              track: track, relays: relays)
        let relay = try XCTUnwrap(states.relay)
        checkWellFormed(relay)
        checkWellFormed(states.linked)
        var maps = RelayMapEngine()
        maps.threads = 2
        maps.tileSize = 16
        let reference = try maps.run(dem: base.dem, transform: base.transform, transformer: base.transformer, horizon: base.cube,
                                     satellites: [positions], earth: track.earthPositions, stepHours: 1)
        let T = window.count
        var fractionDiffers = 0, gapDiffers = 0, unionDiffers = 0
        for cell in 0..<relay.cellCount {
            var on = 0, longest = 0, previous = 0
            for run in relay.runs(of: cell) {
                on += Int(run.end - run.start)
                longest = max(longest, Int(run.start) - previous)
                previous = Int(run.end)
            }
            longest = max(longest, T - previous)
            if Float(on) / Float(T) != reference.relayFraction.values[cell] { fractionDiffers += 1 }
            if Float(longest) != reference.relayMaxGapHours.values[cell] { gapDiffers += 1 }
            for t in 0..<T where states.linked.holds(cell: cell, step: t) != (states.earth.holds(cell: cell, step: t) || relay.holds(cell: cell, step: t)) {
                unionDiffers += 1
            }
        }
        let relayShare = Double(Self.onSteps(relay)) / Double(relay.cellCount * T)
        print("relay runs: share \(relayShare), \(Double(relay.runs.count) / Double(relay.cellCount)) runs per cell; linked share \(Double(Self.onSteps(states.linked)) / Double(relay.cellCount * T))")
        XCTAssertEqual(fractionDiffers, 0)
        XCTAssertEqual(gapDiffers, 0)
        XCTAssertEqual(unionDiffers, 0)
        XCTAssertGreaterThan(relayShare, 0.1)
        XCTAssertLessThan(relayShare, 1)
    }

    /// A window of the raster on the tile grid, told its origin: the same runs as the whole raster's cells.
    func testAlignedWindowMatchesTheWholeRaster() throws {
        let scene = try Scene(size: 40, hours: 240)
        let whole = try engine(minSun: 0.2).run(dem: scene.dem, transform: scene.transform, transformer: scene.transformer,
                                                horizon: scene.cube, track: scene.track)
        var windowed = engine(minSun: 0.2)
        windowed.rasterOrigin = RasterOrigin(row: 20, column: 20)
        windowed.rasterTransform = scene.transform
        let rows = 20..<40, columns = 20..<40
        let part = try windowed.run(dem: scene.dem.window(rows: rows, columns: columns), transform: scene.transform.offset(column: 20, row: 20),
                                    transformer: scene.transformer,
                                    horizon: HorizonWindow(base: scene.cube, rowOffset: 20, columnOffset: 20, width: 20, height: 20),
                                    track: scene.track)
        for r in rows {
            for c in columns {
                let i = (r - 20) * 20 + c - 20, j = r * scene.size + c
                XCTAssertEqual(Array(part.lit.runs(of: i)), Array(whole.lit.runs(of: j)))
                XCTAssertEqual(Array(part.earth.runs(of: i)), Array(whole.earth.runs(of: j)))
            }
        }
    }

    /// Only the wanted cells (`cells`): their runs are the whole raster's, the others have none; chunks of
    /// only unwanted cells are skipped, chunks that mix both leave the wanted cells' runs unchanged.
    func testWantedCellsOnly() throws {
        let scene = try Scene(size: 40, hours: 240)
        let whole = try engine(minSun: 0.2).run(dem: scene.dem, transform: scene.transform, transformer: scene.transformer,
                                                horizon: scene.cube, track: scene.track)
        var masked = engine(minSun: 0.2)
        let wanted = (0..<(scene.size * scene.size)).map { i in (i / scene.size - 20) * (i / scene.size - 20) + (i % scene.size - 12) * (i % scene.size - 12) < 90 || i % 37 == 0 }
        masked.cells = wanted
        let part = try masked.run(dem: scene.dem, transform: scene.transform, transformer: scene.transformer, horizon: scene.cube, track: scene.track)
        XCTAssertGreaterThan(whole.lit.runs.count, part.lit.runs.count)
        for i in wanted.indices {
            XCTAssertEqual(Array(part.lit.runs(of: i)), wanted[i] ? Array(whole.lit.runs(of: i)) : [], "cell \(i)")
            XCTAssertEqual(Array(part.earth.runs(of: i)), wanted[i] ? Array(whole.earth.runs(of: i)) : [], "cell \(i)")
        }
    }

    /// Large tiles (one per block) share their strips of chunks between threads: the runs do not depend on
    /// the thread count.
    func testThreadsDoNotChangeTheRuns() throws {
        let scene = try Scene(size: 40, hours: 240)
        var results: [StepStates] = []
        for threads in [1, 2, 3] {
            var engine = engine(minSun: 0.3, tileSize: 200)
            engine.threads = threads
            results.append(try engine.run(dem: scene.dem, transform: scene.transform, transformer: scene.transformer,
                                          horizon: scene.cube, track: scene.track))
        }
        XCTAssertGreaterThan(results[0].lit.runs.count, 0)
        for r in results.dropFirst() {
            XCTAssertEqual(r.lit, results[0].lit)
            XCTAssertEqual(r.earth, results[0].earth)
        }
    }

    func testUnionMergesOverlappingAndTouchingRuns() {
        typealias R = StepRuns.Run
        let a = StepRuns(cellCount: 3, stepCount: 20, offsets: [0, 2, 2, 3], runs: [R(start: 0, end: 3), R(start: 10, end: 12), R(start: 5, end: 6)])
        let b = StepRuns(cellCount: 3, stepCount: 20, offsets: [0, 2, 3, 3], runs: [R(start: 3, end: 5), R(start: 11, end: 15), R(start: 1, end: 2)])
        let u = StepStateEngine.union(a, b)
        XCTAssertEqual(Array(u.runs(of: 0)), [R(start: 0, end: 5), R(start: 10, end: 15)])
        XCTAssertEqual(Array(u.runs(of: 1)), [R(start: 1, end: 2)])
        XCTAssertEqual(Array(u.runs(of: 2)), [R(start: 5, end: 6)])
    }
}
