import Foundation
@testable import Mission
import StrictYAML
import Traverse
import XCTest

/// Rover profiles: the built-ins parse with their stated assumptions; bad files are exit 3 naming the line
/// and field.
final class RoverProfileTests: XCTestCase {
    func testBuiltInRoversParse() throws {
        let distance = try RoverProfile.load("distance")
        XCTAssertEqual(distance.motion.objective, .distance)
        XCTAssertEqual(distance.maxSlopeDeg, 20)
        XCTAssertNil(distance.time)
        XCTAssertEqual(distance.motion.cost(length: 20, rise: 5), 20)

        let viper = try RoverProfile.load("viper-class")
        XCTAssertEqual(viper.motion.objective, .time)
        XCTAssertEqual(viper.costUnit, "h")
        XCTAssertEqual(viper.motion.speed(0), 0.2, accuracy: 1e-12)
        // Uphill and downhill differ: 5 deg up is slower than 5 deg down.
        XCTAssertLessThan(viper.motion.speed(5), viper.motion.speed(-5))
        XCTAssertNil(viper.motion.cost(length: 20, rise: 20 * tan(16 * .pi / 180)), "steeper than the 15 deg grade limit")
        let rules = try XCTUnwrap(viper.time)
        XCTAssertEqual(rules.link, .earth)
        XCTAssertEqual(rules.maxShadowDriveHours, 6)
        XCTAssertTrue(viper.enterPSR)

        let yutu = try RoverProfile.load("yutu-class")
        XCTAssertFalse(yutu.enterPSR)
        XCTAssertEqual(yutu.time?.link, .relay)
        XCTAssertEqual(yutu.time?.maxShadowDriveHours, 0)
    }

    func testMirroredMotionSwapsUphillAndDownhill() throws {
        let viper = try RoverProfile.load("viper-class").motion
        let back = viper.reversed
        XCTAssertEqual(back.speed(7), viper.speed(-7), accuracy: 1e-15)
        XCTAssertEqual(back.cost(length: 20, rise: 3)!, viper.cost(length: 20, rise: -3)!, accuracy: 1e-12)
    }

    func testBadRoverFilesNameTheField() throws {
        func error(_ yaml: String) -> String {
            do {
                _ = try RoverProfile.parse(StrictYAMLDocument(yaml: yaml, source: "r.yaml", what: "rover profile"), text: yaml)
                return "parsed"
            } catch { return "\(error)" }
        }
        XCTAssertTrue(error("name: a\nobjective: distance\ncells: {max_slope_deg: 20, colour: red}\n").contains("cells.colour"))
        XCTAssertTrue(error("name: a\nobjective: walk\ncells: {max_slope_deg: 20}\n").contains("objective"))
        XCTAssertTrue(error("name: a\nobjective: time\ncells: {max_slope_deg: 20}\n").contains("moves.speed_mps"))
        XCTAssertTrue(error("name: a\nobjective: time\ncells: {max_slope_deg: 20}\nmoves: {speed_mps: [[0, -1]]}\n").contains("speed_mps[0]"))
        XCTAssertTrue(error("name: a\nobjective: distance\ncells: {max_slope_deg: 95}\n").contains("max_slope_deg"))
        let rules = """
        name: a
        objective: time
        cells: {max_slope_deg: 20}
        moves: {speed_mps: [[0, 0.1]]}
        time: {max_shadow_drive_h: 5, max_shadow_h: 2, max_no_link_drive_h: 1}
        """
        let message = error(rules)
        XCTAssertTrue(message.contains("r.yaml:5") && message.contains("time.max_shadow_h"), message)
        XCTAssertTrue(error("name: a\nobjective: distance\ncells: {max_slope_deg: 20}\ntime: {max_shadow_drive_h: 1, max_shadow_h: 2, max_no_link_drive_h: 1}\n")
            .contains("speed_mps"))
    }
}
