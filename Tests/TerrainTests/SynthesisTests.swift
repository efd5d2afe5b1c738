import Foundation
import GeoRaster
@testable import Terrain
import XCTest

final class SynthesisTests: XCTestCase {
    func testSameSeedSameTerrainOtherSeedOtherTerrain() throws {
        let a = try TerrainSynthesizer(preset: .apolloBasin, size: 96, seed: 7, threads: 2).generate()
        let b = try TerrainSynthesizer(preset: .apolloBasin, size: 96, seed: 7, threads: 1).generate()
        let c = try TerrainSynthesizer(preset: .apolloBasin, size: 96, seed: 8).generate()
        XCTAssertEqual(a.grid, b.grid, "threads must not change the result")
        XCTAssertNotEqual(a.grid, c.grid)
    }

    func testApolloBasinSitsNearTheChangE6HeightOnAGeographicLunarGrid() throws {
        let dem = try TerrainSynthesizer(preset: .apolloBasin, size: 128, seed: 1).generate()
        XCTAssertEqual(dem.crsDefinition, "IAU_2015:30100")
        let centre = dem.grid[64, 64]
        XCTAssertEqual(Double(centre), -5256, accuracy: 400, "mare floor near the LOLA height of the site")
        // Square cells at the centre latitude: dlon = dlat / cos(lat).
        XCTAssertEqual(dem.geoTransform.pixelWidth * cos(-41.6385 * .pi / 180), -dem.geoTransform.pixelHeight, accuracy: 1e-9)
        let mid = dem.geoTransform.map(column: 64, row: 64)
        XCTAssertEqual(mid.x, -153.9852, accuracy: 1e-6)
        XCTAssertEqual(mid.y, -41.6385, accuracy: 1e-6)
    }

    func testFlatPresetIsASmoothSphere() throws {
        let dem = try TerrainSynthesizer(preset: .flat, size: 50).generate()
        XCTAssertTrue(dem.grid.values.allSatisfy { $0 == 0 })
        XCTAssertEqual(dem.crsDefinition, "IAU_2015:30135")
        XCTAssertEqual(dem.geoTransform.originX, -2500, accuracy: 1e-6)  // centred on the pole
    }

    func testSouthPoleHasAShackletonLikeCraterNearThePole() throws {
        let dem = try TerrainSynthesizer(preset: .southPole, size: 300, resolution: 200, seed: 3).generate()
        // Shackleton (89.67 S, 129.78 E) lies ~10 km from the pole: its floor is the deepest part.
        let minimum = dem.grid.values.min()!, maximum = dem.grid.values.max()!
        XCTAssertLessThan(Double(minimum), -3000)
        XCTAssertGreaterThan(Double(maximum - minimum), 3500)
    }

    /// Pike (1977): a fresh 1 km simple crater is ~196 m deep with a ~36 m rim; a 50 km complex one ~3.4 km.
    func testCraterMorphometryFollowsPike1977() {
        let simple = CraterMorphometry(diameter: 1000)
        XCTAssertEqual(simple.depth, 196, accuracy: 1)
        XCTAssertEqual(simple.rimHeight, 36, accuracy: 0.5)
        XCTAssertEqual(simple.profile(0), 36 - 196, accuracy: 1e-9)
        XCTAssertEqual(simple.profile(500), 36, accuracy: 1e-9)
        XCTAssertEqual(simple.profile(1000), simple.rimHeight * (1.0 / 8 - 1.0 / 27) / (1 - 1.0 / 27), accuracy: 1e-9)  // ejecta ~(r/R)^-3
        XCTAssertEqual(simple.profile(1500), 0, accuracy: 1e-9, "no step at the reach")
        let complex = CraterMorphometry(diameter: 50_000)
        XCTAssertTrue(complex.isComplex)
        XCTAssertEqual(complex.depth, 1044 * pow(50, 0.301), accuracy: 1)
    }

    /// The sampled diameters follow the cumulative power law: N(>2D)/N(>D) = 2^-slope.
    func testCraterSizeFrequencyFollowsThePowerLaw() {
        var rng = SplitMix64(seed: 42)
        let population = CraterPopulation(density1km: 0.05, slope: 2, minimumDiameter: 200, maximumDiameter: 50_000)
        let craters = population.sample(width: 100_000, height: 100_000, rng: &rng)
        let n1 = Double(craters.filter { $0.shape.diameter > 400 }.count)
        let n2 = Double(craters.filter { $0.shape.diameter > 800 }.count)
        XCTAssertGreaterThan(craters.count, 10_000)
        XCTAssertEqual(n2 / n1, 0.25, accuracy: 0.03)
    }
}
