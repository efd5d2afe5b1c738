import Ephemeris
import Foundation
import GeoRaster
@testable import Mission
import TestSupport
import Visibility
import XCTest

/// Issue 12 section 4: horizon-dependent work on the global LOLA LDEM_4 (simple cylindrical, 0.25 deg
/// cells) near the south pole goes through polar stereographic (ProjectedHorizons) and finds sites and
/// permanently shadowed crater floors.
///
/// Crater centres (planetocentric, east positive):
/// - Shackleton -89.67, 129.78: docs/references.md.
/// - Shoemaker -88.14, 44.91: IAU/USGS Gazetteer of Planetary Nomenclature.
/// - Haworth (-87.2, -7.49) and Faustini (-87.18, 85.02), Gazetteer, lie outside the ilrs-south-pole
///   window (60 km around 89.5 S, 0), so the rank test checks Shackleton and Shoemaker; the illumination
///   command test (CLITests.PolarGeographicCommandTests) checks all four.
final class PolarGeographicTests: XCTestCase {
    override func setUpWithError() throws {
        try TestSupport.requireLDEM4()
    }

    /// The built-in ilrs-south-pole profile with coarser time steps and fewer azimuths (test speed), and the
    /// Euclidean psr_distance_m in place of the rover's psr_traverse_m (refused on a lat/lon grid this
    /// close to the pole: `testRoverLayersRefuseLatLonGridsNearThePole`).
    func fastProfile() throws -> MissionProfile {
        let text = try XCTUnwrap(BuiltInProfiles.all["ilrs-south-pole"])
            .replacingOccurrences(of: "step: 2h ", with: "step: 1d ")
            .replacingOccurrences(of: "azimuths: 180", with: "azimuths: 36")
            .replacingOccurrences(of: "layer: psr_traverse_m", with: "layer: psr_distance_m")
            .replacingOccurrences(of: "rover: viper-class", with: "")
        XCTAssertTrue(text.contains("step: 1d") && text.contains("azimuths: 36"), "profile edits did not apply")
        let folder = TestSupport.scratchDirectory("polar-profile")
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("ilrs-fast.yaml").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return try MissionProfile.load(path)
    }

    func testPlanPicksSouthPolarStereographicAtLOLAResolution() throws {
        let dataset = try RasterDataset.open(TestSupport.ldem4)
        defer { dataset.close() }
        let metrics = dataset.cellMetrics
        let rows = 700..<720, columns = 0..<dataset.width
        let plan = try XCTUnwrap(try ProjectedHorizons.plan(dataset, rows: rows, columns: columns, sweepDx: metrics.dx[710],
                                                            sweepDy: metrics.dy[710], azimuths: 36))
        XCTAssertEqual(plan.crsName, "IAU_2015:30135")
        XCTAssertEqual(plan.cell, 7580.84, accuracy: 1, "the finest true resolution of the window (north-south cells)")
        XCTAssertTrue(plan.note(for: dataset.path).hasPrefix("LDEM_4.LBL is cylindrical near the pole; horizons computed on IAU_2015:30135 at 7.6 km"))
        // The equator: true cell sizes match a sweep with the grid's own metres, so no plan.
        XCTAssertNil(try ProjectedHorizons.plan(dataset, rows: 356..<364, columns: 0..<40, sweepDx: metrics.dx[360],
                                                sweepDy: metrics.dy[360], azimuths: 36))
    }

    func testILRSRankingOnLDEM4FindsSitesAndShadowedCraterFloors() throws {
        let profile = try fastProfile()
        let dataset = try RasterDataset.open(TestSupport.ldem4)
        defer { dataset.close() }
        let grid = try SiteGrid(dataset: dataset, region: profile.region)
        XCTAssertEqual(grid.rows.upperBound, dataset.height, "a region containing the pole reaches the pole row")
        let stack = try LayerStack.compute(profile: profile, grid: grid, ephemeris: AnalyticalEphemeris(), threads: 2)
        XCTAssertTrue(stack.notes.contains { $0.contains("IAU_2015:30135") }, "\(stack.notes)")
        let result = try SiteRanking.run(profile: profile, grid: grid, stack: stack, threads: 2)
        let feasible = result.feasible.values.filter { $0 == 1 }.count
        XCTAssertGreaterThan(feasible, 0)
        XCTAssertGreaterThan(result.sites.count, 0)
        let distance = try XCTUnwrap(stack.layers[.psrDistance])
        XCTAssertGreaterThan(distance.values.filter { $0 == 0 }.count, 0, "permanently shadowed cells")
        // psr_distance_m is 0 on a permanently shadowed cell.
        for (name, lat, lon) in [("Shackleton", -89.67, 129.78), ("Shoemaker", -88.14, 44.91)] {
            let p = try XCTUnwrap(dataset.pixel(lat: lat, lon: lon, using: grid.transformer), name)
            let r = Int(p.row) - grid.rows.lowerBound, c = Int(p.column) - grid.columns.lowerBound
            XCTAssertEqual(distance[r, c], 0, "\(name) floor should be permanently shadowed")
        }
        let sun = try XCTUnwrap(stack.layers[.sunFraction])
        XCTAssertGreaterThan(sun.values.filter { !$0.isNaN }.max() ?? 0, 0.3, "lit rims and ridges")
    }
}

/// Rover searches on a lat/lon grid near a pole are refused with the way out (reproject), not run wrong.
final class RouteGridCheckTests: XCTestCase {
    func testRoverLayersRefuseLatLonGridsNearThePole() throws {
        try TestSupport.requireLDEM4()
        let dataset = try RasterDataset.open(TestSupport.ldem4)
        defer { dataset.close() }
        XCTAssertThrowsError(try RouteGridCheck.check(dataset, window: RasterWindow(column: 0, row: 700, width: 10, height: 10), what: "psr_traverse_m")) {
            XCTAssertTrue("\($0)".contains("gdalwarp -t_srs IAU_2015:30135"), "\($0)")
        }
        XCTAssertNoThrow(try RouteGridCheck.check(dataset, window: RasterWindow(column: 0, row: 300, width: 10, height: 100), what: "traverse"),
                         "latitudes within 60 deg are fine")
    }
}
