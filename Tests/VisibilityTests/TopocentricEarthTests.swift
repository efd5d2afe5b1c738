import Ephemeris
import Foundation
import GeoRaster
import Horizon
import Terrain
import TestSupport
@testable import Visibility
import XCTest

/// Earth visibility against direct per-cell topocentric geometry from the JPL kernels (DE421 and the
/// MOON_ME_DE421 frame in ../shared/data/kernels). The reference does not share the engine's geometry:
/// each cell's planetocentric latitude and longitude come from PROJ, its position is on the sphere of
/// the CRS's radius plus its height, the Earth's position comes from the kernels (SPICE reader), and the
/// elevation is `Topocentric.azimuthElevation` (site vector subtracted, local east/north/up), not the
/// engine's tile frames, bins or tables. The Earth's parallax is up to R / d = 0.26 deg, so a reference
/// that took the Earth's direction from the Moon's centre could not see the defect these tests guard.
final class TopocentricEarthTests: XCTestCase {
    var kernels: String { TestSupport.sharedData.appendingPathComponent("kernels").path }

    func spice() throws -> SpiceEphemeris {
        return try SpiceEphemeris(kernelDirectory: TestSupport.requireKernels())
    }

    /// A smooth sphere (all heights 0) on IAU_2015:30135, `size` x `size` cells of `cell` metres centred on
    /// the south pole.
    struct PolarGrid {
        let size: Int
        let cell: Double
        let transform: GeoTransform
        let transformer: CoordinateTransformer

        init(size: Int, cell: Double) throws {
            self.size = size
            self.cell = cell
            let extent = Double(size) * cell
            transform = GeoTransform(originX: -extent / 2, originY: extent / 2, pixelWidth: cell, pixelHeight: -cell)
            transformer = try CoordinateTransformer(crs: SpatialReference.moonSouthPolar())
        }

        /// The cell (row-major index) nearest to (lat, lon).
        func cell(lat: Double, lon: Double) throws -> Int {
            let p = try XCTUnwrap(transformer.map(lat: lat, lon: lon))
            let c = Int(((p.x - transform.originX) / transform.pixelWidth).rounded(.down))
            let r = Int(((p.y - transform.originY) / transform.pixelHeight).rounded(.down))
            XCTAssert((0..<size).contains(r) && (0..<size).contains(c), "(\(lat), \(lon)) outside the grid")
            return r * size + c
        }

        func latLon(_ cell: Int) throws -> (lat: Double, lon: Double) {
            let p = transform.map(column: Double(cell % size) + 0.5, row: Double(cell / size) + 0.5)
            let q = try XCTUnwrap(transformer.latLon(x: p.x, y: p.y))
            return (q.lat, q.lon)
        }
    }

    /// The Earth's topocentric elevation (deg) at every step, from the kernels, for an observer at
    /// (lat, lon) `height` metres above the sphere of `radius` metres.
    func referenceElevations(_ positions: [SIMD3<Double>], lat: Double, lon: Double, height: Double, radius: Double) -> [Double] {
        // Topocentric.azimuthElevation places the site on the 1,737.4 km sphere; shift the height so the
        // site is at radius + height whatever the CRS's radius.
        let h = height + (radius - 1_737_400)
        return positions.map { Topocentric.azimuthElevation(of: $0, latitude: lat, longitude: lon, heightMeters: h).elevation }
    }

    func year2025(step: Double = 3600) throws -> TimeWindow {
        try TimeWindow(start: Epoch("2025-01-01T00:00:00Z"), end: Epoch("2026-01-01T00:00:00Z"), step: step)
    }

    /// The case: smooth sphere (here 5 km cells, so the test stays small), 2025 hourly. At the pole the topocentric Earth
    /// fraction is 0.464 (skyfield + DE421: 0.476 is the Moon-centre direction's); seven cells 0-4.5 deg
    /// from the pole were 0.012-0.015 too high. Engine within 0.002 of the kernels' geometry everywhere.
    func testEarthFractionOnASmoothSphereMatchesTopocentricKernelGeometry() throws {
        let ephemeris = try spice()
        let grid = try PolarGrid(size: 61, cell: 5000)
        let window = try year2025()
        let track = BodyTrack.compute(ephemeris, window: window, threads: 2)
        let dem = Grid(width: grid.size, height: grid.size, repeating: 0)
        let cube = HorizonMap.cube(dem, dx: grid.cell, dy: grid.cell, options: HorizonOptions(azimuthCount: 180, threads: 2))
        var engine = IlluminationEngine()
        engine.threads = 2
        let maps = try engine.run(dem: dem, transform: grid.transform, transformer: grid.transformer, horizon: cube, track: track, stepHours: 1)

        let places: [(Double, Double)] = [(-90, 0), (-89.5, 0), (-89, 90), (-88, 180), (-87, -90), (-86, 45), (-85.5, -135)]
        var worst = 0.0
        for (lat, lon) in places {
            let cell = try grid.cell(lat: lat, lon: lon)
            let (cellLat, cellLon) = try grid.latLon(cell)
            let elevations = referenceElevations(track.earthPositions, lat: cellLat, lon: cellLon, height: 0, radius: CelestialBody.moonRadius)
            // Smooth sphere at ground level: the horizon is the tangent plane (0 deg).
            let direct = Double(elevations.filter { $0 > 0 }.count) / Double(window.count)
            let geocentric = Double(track.earthPositions.filter { p in
                let n = SurfaceFrame.unitVector(lat: cellLat, lon: cellLon)
                return (p * n).sum() > 0
            }.count) / Double(window.count)
            let engineFraction = Double(maps.earthFraction.values[cell])
            print("earth fraction at (\(lat), \(lon)): engine \(engineFraction), topocentric kernels \(direct), Moon-centre direction \(geocentric)")
            worst = max(worst, abs(engineFraction - direct))
            XCTAssertEqual(engineFraction, direct, accuracy: 0.002, "earth fraction at (\(lat), \(lon))")
            if lat == -90 {
                XCTAssertEqual(direct, 0.464, accuracy: 0.002, "the issue's skyfield figure at the pole")
                XCTAssertEqual(geocentric, 0.476, accuracy: 0.002, "the Moon-centre figure at the pole")
            }
        }
        print("smooth sphere 2025 hourly: max |engine - topocentric kernels| = \(worst)")
    }

    /// Every step's above/below decision, one step at a time: the engine agrees with the kernels'
    /// topocentric geometry except within 0.01 deg of the horizon. Three 33 x 33 grids of 1 km cells (at
    /// the pole, 2 deg and 4.5 deg from it), 360 azimuths, the engine's default tiles. A one-step run's
    /// Earth fraction is 0 or 1 away from the horizon; near it the step's weight is shared between the two
    /// azimuth bins around the Earth (`ElevationBinTables`), so "above" is a fraction over 0.5.
    /// Steps: every step within 0.5 deg of the horizon at the grid's centre, and every 293rd step.
    func testEveryStepDecisionAgreesWithTopocentricGeometry() throws {
        let ephemeris = try spice()
        let window = try year2025()
        let track = BodyTrack.compute(ephemeris, window: window, threads: 2)
        var decided = 0, ambiguous = 0, disagreements: [String] = []
        for (centreLat, centreLon) in [(-90.0, 0.0), (-88.0, 60.0), (-85.5, -120.0)] {
            let size = 33, cell = 1000.0
            let transformer = try CoordinateTransformer(crs: SpatialReference.moonSouthPolar())
            let c = try XCTUnwrap(transformer.map(lat: centreLat, lon: centreLon))
            let extent = Double(size) * cell
            let transform = GeoTransform(originX: c.x - extent / 2, originY: c.y + extent / 2, pixelWidth: cell, pixelHeight: -cell)
            let dem = Grid(width: size, height: size, repeating: 0)
            let cube = HorizonMap.cube(dem, dx: cell, dy: cell, options: HorizonOptions(azimuthCount: 360, threads: 2))
            var engine = IlluminationEngine()
            engine.threads = 2
            let cells = Array(stride(from: 0, to: size * size, by: 4))
            let positions = try cells.map { i -> (lat: Double, lon: Double) in
                let p = transform.map(column: Double(i % size) + 0.5, row: Double(i / size) + 0.5)
                let q = try XCTUnwrap(transformer.latLon(x: p.x, y: p.y))
                return (q.lat, q.lon)
            }
            let centreElevations = referenceElevations(track.earthPositions, lat: centreLat, lon: centreLon, height: 0,
                                                       radius: CelestialBody.moonRadius)
            let steps = (0..<window.count).filter { abs(centreElevations[$0]) < 0.5 || $0 % 293 == 0 }
            XCTAssertGreaterThan(steps.count, 50)
            for t in steps {
                let one = BodyTrack(sun: [track.sun[t]], sunRadius: [track.sunRadius[t]], earthPositions: [track.earthPositions[t]])
                let maps = try engine.run(dem: dem, transform: transform, transformer: transformer, horizon: cube, track: one, stepHours: 1)
                for (k, i) in cells.enumerated() {
                    let e = referenceElevations([track.earthPositions[t]], lat: positions[k].lat, lon: positions[k].lon,
                                                height: 0, radius: CelestialBody.moonRadius)[0]
                    if abs(e) <= 0.01 { ambiguous += 1; continue }
                    decided += 1
                    let engineAbove = maps.earthFraction.values[i] > 0.5
                    if engineAbove != (e > 0) {
                        disagreements.append("grid at (\(centreLat), \(centreLon)), step \(t), cell \(i): kernels \(e) deg, engine \(maps.earthFraction.values[i])")
                    }
                }
            }
        }
        print("per-step Earth decisions: \(decided) decided, \(ambiguous) within 0.01 deg, \(disagreements.count) disagreements")
        XCTAssertGreaterThan(decided, 100_000)
        XCTAssertEqual(disagreements, [], "first: \(disagreements.prefix(5))")
    }

    /// Rugged polar terrain (20 m south-pole synthetic at the pole, 2 m antenna): Earth fractions against the
    /// kernels' topocentric geometry per cell and step, with each cell's own horizon (the horizon cube,
    /// checked against an independent reference in HorizonTests) at the Earth's exact grid azimuth.
    func testEarthFractionOnPolarTerrainMatchesTopocentricKernelGeometry() throws {
        let ephemeris = try spice()
        let size = 192, cell = 20.0, height = 2.0
        let synthetic = try TerrainSynthesizer(preset: .southPole, size: size, resolution: cell, seed: 5).generate()
        let dem = synthetic.grid
        let transformer = try CoordinateTransformer(crs: SpatialReference(definition: synthetic.crsDefinition))
        let window = try TimeWindow(start: Epoch("2025-01-01T00:00:00Z"), end: Epoch("2025-07-01T00:00:00Z"), step: 3 * 3600)
        let track = BodyTrack.compute(ephemeris, window: window, threads: 2)
        let cube = HorizonMap.cube(dem, dx: cell, dy: cell, options: HorizonOptions(azimuthCount: 360, observerHeight: height, threads: 2))
        var engine = IlluminationEngine()
        engine.threads = 2
        engine.observerHeight = height
        let maps = try engine.run(dem: dem, transform: synthetic.geoTransform, transformer: transformer, horizon: cube, track: track,
                                  stepHours: 3)
        var rng = SplitMixTest(seed: 41)
        let floor = IlluminationEngine.horizonFloor(observerHeight: height)
        var worst = 0.0, checked = 0
        for _ in 0..<60 {
            let r = Int(rng.next(0, Double(size))), c = Int(rng.next(0, Double(size)))
            let i = r * size + c
            guard !dem.values[i].isNaN else { continue }
            let frame = try SurfaceFrame.frames(transform: synthetic.geoTransform, transformer: transformer, rows: r..<(r + 1), columns: c..<(c + 1))[0]
            let p = synthetic.geoTransform.map(column: Double(c) + 0.5, row: Double(r) + 0.5)
            let ll = try XCTUnwrap(transformer.latLon(x: p.x, y: p.y))
            let elevations = referenceElevations(track.earthPositions, lat: ll.lat, lon: ll.lon, height: Double(dem.values[i]) + height,
                                                 radius: CelestialBody.moonRadius)
            let site = frame.normal * ((CelestialBody.moonRadius + Double(dem.values[i]) + height) / 1000)
            var above = 0
            for t in 0..<window.count {
                let d = track.earthPositions[t] - site
                let azimuth = frame.elevationAzimuth(d / (d * d).sum().squareRoot()).azimuth * 180 / .pi
                let horizon = max(floor, Double(cube.elevation(cell: i, azimuthDegrees: azimuth)))
                if elevations[t] > horizon { above += 1 }
            }
            let direct = Double(above) / Double(window.count)
            worst = max(worst, abs(Double(maps.earthFraction.values[i]) - direct))
            XCTAssertEqual(Double(maps.earthFraction.values[i]), direct, accuracy: 0.002, "cell (\(r), \(c))")
            checked += 1
        }
        XCTAssertGreaterThan(checked, 40)
        print("polar terrain (20 m, h = 2 m), half of 2025 at 3 h: max |engine - topocentric kernels| = \(worst) over \(checked) cells")
    }
}

/// The lunar radius is one constant: the ephemeris (which links no GDAL) and the raster modules agree.
final class LunarRadiusTests: XCTestCase {
    func testEphemerisAndRasterRadiiAreTheSameConstant() {
        XCTAssertEqual(EphemerisConstants.lunarRadiusKm * 1000, CelestialBody.moonRadius)
        XCTAssertEqual(HorizonMap.moonRadius, CelestialBody.moonRadius)
    }
}
